/* pp-jsonld-context-process-private.h: the internals of context
 * processing, shared by its files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-document-loader.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-context-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-util-private.h"

G_BEGIN_DECLS

/* The state of one call of the Context Processing algorithm, across the
 * remote and scoped contexts it processes (pp-jsonld-context-process.c) */
typedef struct {
  PpJsonldOptions      *options;
  PpDocumentLoader     *loader;
  GCancellable         *cancellable;
  PpJsonldContextCache *cache;
  guint                 depth;
  guint                 term_chain;   /* terms being defined one for another */
  guint                *n_processed;
} ProcessState;

/* an entry of the local context being processed and how far its term is
 * defined: 0, DEFINING or DEFINED */
typedef struct {
  const char        *term;
  const PpJsonValue *value;
  int                state;
} LocalTerm;

/* the state of Create Term Definition for one local context
 * (pp-jsonld-term-definition.c) */
typedef struct {
  ProcessState *state;
  GHashTable   *local;    /* term → LocalTerm, one per entry of the context */
  const char   *base_url;
  gboolean      protected_;
  gboolean      override_protected;
  GPtrArray    *remote_contexts;
} LocalState;

#define DEFINING 1
#define DEFINED  2

static inline gboolean
pp_jsonld_is_iri_or_blank (const char *iri)
{
  return pp_jsonld_iri_is_absolute (iri) || pp_jsonld_is_blank_node_id (iri);
}

/* term definitions and contexts (pp-jsonld-context.c) */
PpJsonldTermDef *pp_jsonld_term_def_new   (const char            *term);
PpJsonldTermDef *pp_jsonld_term_def_ref   (PpJsonldTermDef       *def);
void             pp_jsonld_term_def_unref (gpointer               data);
/* equality of two definitions but for the protected flag */
gboolean         pp_jsonld_term_def_equal (const PpJsonldTermDef *a,
                                           const PpJsonldTermDef *b);
PpJsonldContext *pp_jsonld_context_alloc  (void);
/* a writable copy of @src */
PpJsonldContext *pp_jsonld_context_copy   (PpJsonldContext       *src);

/* IRI Expansion with the local context and defined map of Create Term
 * Definition (@ls may be NULL outside it). Sets *result to a new string,
 * or NULL for null. */
gboolean         pp_jsonld_context_expand_iri_local (LocalState       *ls,
                                                     PpJsonldContext  *active,
                                                     const char       *value,
                                                     gboolean          document_relative,
                                                     gboolean          vocab,
                                                     char            **result,
                                                     GError          **error);

/* Create Term Definition, with the chain of terms that the definition of
 * one term defines first bounded */
gboolean         pp_jsonld_context_create_term (LocalState       *ls,
                                                PpJsonldContext  *active,
                                                const char       *term,
                                                GError          **error);

/* The Context Processing algorithm within a call, on libpp's values */
PpJsonldContext *pp_jsonld_context_process_state (ProcessState       *state,
                                                  PpJsonldContext    *active,
                                                  const PpJsonValue  *local_context,
                                                  const char         *base_url,
                                                  GPtrArray          *remote_contexts,
                                                  gboolean            override_protected,
                                                  gboolean            propagate,
                                                  gboolean            validate_scoped,
                                                  GError            **error);

G_END_DECLS
