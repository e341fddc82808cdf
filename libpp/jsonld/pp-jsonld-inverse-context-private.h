/* pp-jsonld-inverse-context-private.h: inverse contexts and term selection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "pp-jsonld-context-private.h"

G_BEGIN_DECLS

/**
 * PpJsonldTypeOrLanguage:
 * @PP_JSONLD_SELECT_LANGUAGE: match terms by language (and direction) mapping
 * @PP_JSONLD_SELECT_TYPE: match terms by type mapping
 * @PP_JSONLD_SELECT_ANY: match any term (the `@any` entry)
 *
 * The type/language argument of the Term Selection algorithm.
 */
typedef enum {
  PP_JSONLD_SELECT_LANGUAGE,
  PP_JSONLD_SELECT_TYPE,
  PP_JSONLD_SELECT_ANY,
} PpJsonldTypeOrLanguage;

/* The Term Selection algorithm: @containers are #PpJsonldContainer flag
 * sets (0 for `@none`), in order of preference; @preferred the preferred
 * type or language values. The inverse context of @context is built on first
 * use. Returns the term (owned by @context), or NULL. Does not allocate. */
const char *pp_jsonld_select_term          (PpJsonldContext        *context,
                                            const char             *iri,
                                            const guint            *containers,
                                            guint                   n_containers,
                                            PpJsonldTypeOrLanguage  type_or_language,
                                            const char * const     *preferred,
                                            guint                   n_preferred);

/* Whether some term of @context maps to @iri */
gboolean    pp_jsonld_inverse_has_iri      (PpJsonldContext        *context,
                                            const char             *iri);

/* The definitions of @context that can be used as a prefix of a compact
 * IRI (a non-null IRI mapping and the prefix flag), shortest term first;
 * owned by @context. */
GPtrArray  *pp_jsonld_inverse_get_prefixes (PpJsonldContext        *context);

G_END_DECLS
