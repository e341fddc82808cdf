/* pp-jsonld-util.c: helpers shared by the JSON-LD algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-util-private.h"
