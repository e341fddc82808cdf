/* pp-jsonld-iri.c: IRI resolution (RFC 3986)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-iri-private.h"
