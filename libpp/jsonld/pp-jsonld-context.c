/* pp-jsonld-context.c: the Context Processing algorithm and IRI expansion
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-context-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-util-private.h"
