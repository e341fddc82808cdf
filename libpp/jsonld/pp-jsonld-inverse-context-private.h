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

/**
 * PpJsonldInverseContext:
 *
 * The inverse context of an active context: built once, the first time it
 * is asked for, owned by the context and read-only afterwards, so any
 * number of threads may use it at once.
 */
typedef struct _PpJsonldInverseContext PpJsonldInverseContext;

/* The inverse context of @context (transfer none), built on first use */
PpJsonldInverseContext *pp_jsonld_inverse_context_get          (PpJsonldContext        *context);

/* The Term Selection algorithm: @containers are #PpJsonldContainer flag
 * sets (0 for `@none`), in order of preference; @preferred the preferred
 * type or language values. Returns the term (owned by the context), or
 * NULL. Does not allocate. */
const char             *pp_jsonld_inverse_context_select_term  (PpJsonldInverseContext *inverse,
                                                                const char             *iri,
                                                                const guint            *containers,
                                                                guint                   n_containers,
                                                                PpJsonldTypeOrLanguage  type_or_language,
                                                                const char * const     *preferred,
                                                                guint                   n_preferred);

/* Whether some term maps to @iri */
gboolean                pp_jsonld_inverse_context_has_iri      (PpJsonldInverseContext *inverse,
                                                                const char             *iri);

/* Whether a prefix of the context may start @iri: FALSE when none can */
gboolean                pp_jsonld_inverse_context_may_have_prefix (PpJsonldInverseContext *inverse,
                                                                   const char             *iri);

/* Whether a term of the context has a scoped context */
gboolean                pp_jsonld_inverse_context_has_scoped_terms (PpJsonldInverseContext *inverse);

/**
 * PpJsonldPrefix:
 * @term: a term usable as the prefix of a compact IRI (a non-null IRI
 *   mapping and the prefix flag)
 * @iri: its IRI mapping
 * @iri_length: the length of @iri in bytes
 */
typedef struct {
  const char *term;
  const char *iri;
  gsize       iri_length;
} PpJsonldPrefix;

/* The prefixes of the context, shortest term first; owned by the context */
const PpJsonldPrefix   *pp_jsonld_inverse_context_get_prefixes (PpJsonldInverseContext *inverse,
                                                                guint                  *n_prefixes);

G_END_DECLS
