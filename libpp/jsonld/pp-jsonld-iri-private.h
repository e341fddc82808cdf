/* pp-jsonld-iri-private.h: IRI resolution for the JSON-LD algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  pp_jsonld_iri_is_absolute          (const char *iri);
gboolean  pp_jsonld_iri_ends_with_gen_delim  (const char *iri);
char     *pp_jsonld_iri_resolve              (const char *base,
                                              const char *iri);
char     *pp_jsonld_iri_make_relative        (const char *iri,
                                              const char *base);

G_END_DECLS
