/* pp-jsonld-compaction-private.h: one run of the Compaction algorithm,
 * shared by the files that implement it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compaction reads an expanded document as JSON values (of any arena) and
 * builds the compacted document as values of the run's arena: every member
 * name and every compacted IRI is interned there, scalars are copied there,
 * so the result depends on nothing but its arena.
 *
 *   pp-jsonld-compact-term.c   Term Selection's preferences for a value
 *   pp-jsonld-compact-iri.c    IRI Compaction
 *   pp-jsonld-compact-value.c  Value Compaction
 *   pp-jsonld-compact.c        the Compaction algorithm
 *   pp-jsonld-compactor.c      contexts, documents and the API around them
 */

#pragma once

#include <gio/gio.h>
#include <string.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-context-private.h"
#include "pp-jsonld-inverse-context-private.h"
#include "pp-jsonld-util-private.h"

G_BEGIN_DECLS

/* How deep compaction recurses: expanded form puts every value in an array,
 * so it nests up to twice as deep as the documents expansion accepts */
#define PP_JSONLD_COMPACT_MAX_DEPTH (2 * PP_JSONLD_MAX_DEPTH + 2)

/* The term definitions looked up by one call that compacts, by the
 * address of the term and of the context */
#define PP_JSONLD_TERM_CACHE_SIZE 64

typedef struct {
  PpJsonldContext        *context;
  const char             *term;
  const PpJsonldTermDef  *def;
  guint                   generation;
} PpJsonldTermCacheSlot;

typedef struct {
  PpJsonldOptions        *options;
  GCancellable           *cancellable;
  gboolean                compact_arrays;
  gboolean                compact_to_relative;
  gboolean                ordered;
  guint                   steps;          /* elements compacted so far */

  /* the scoped contexts processed so far */
  PpJsonldContextCache   *cache;

  /* the inverse of the context used last, to spare that context's lock */
  PpJsonldContext        *inverse_owner;
  PpJsonldInverseContext *inverse;

  /* IRI Compaction with vocab for memo_owner: IRI → what it compacts to,
   * for no value and for the values that Term Selection tells apart
   * (pp-jsonld-compact-iri.c); the results interned in memo_arena, the
   * arena of the calls since memo_generation began, are kept for it */
  PpJsonldContext        *memo_owner;
  GHashTable             *memo;
  PpJsonArena            *memo_arena;
  guint                   memo_generation;

  /* where the result is built: set for each call that compacts */
  PpJsonArena            *arena;

  /* the slots of term_generation hold for the calls into memo_arena */
  PpJsonldTermCacheSlot   term_cache[PP_JSONLD_TERM_CACHE_SIZE];
  guint                   term_generation;
} PpJsonldCompaction;

void                    pp_jsonld_compaction_init            (PpJsonldCompaction  *c,
                                                              PpJsonldOptions     *options,
                                                              GCancellable        *cancellable);
void                    pp_jsonld_compaction_clear           (PpJsonldCompaction  *c);

/* A call that compacts into @arena begins, and ends */
void                    pp_jsonld_compaction_begin           (PpJsonldCompaction  *c,
                                                              PpJsonArena         *arena);
void                    pp_jsonld_compaction_end             (PpJsonldCompaction  *c);

/* The inverse context of @context (transfer none) */
PpJsonldInverseContext *pp_jsonld_compaction_get_inverse     (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context);

/* Steps 4.1 to 4.21 of IRI Compaction: the term that best compacts @var
 * for @value (NULL: no value), owned by @context, or NULL; NULL with
 * @error set on failure. */
const char             *pp_jsonld_compaction_select_term     (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context,
                                                              const char          *var,
                                                              const PpJsonValue   *value,
                                                              gboolean             reverse,
                                                              GError             **error);

/* The IRI Compaction algorithm for @var (@value NULL: no value): the
 * result interned in the run's arena, or NULL with @error set */
const char             *pp_jsonld_compaction_compact_iri     (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context,
                                                              const char          *var,
                                                              const PpJsonValue   *value,
                                                              gboolean             vocab,
                                                              gboolean             reverse,
                                                              GError             **error);

/**
 * PpJsonldValueShape:
 * @PP_JSONLD_VALUE_SHAPE_NONE: no value
 * @PP_JSONLD_VALUE_SHAPE_PLAIN: a value object with a value alone
 * @PP_JSONLD_VALUE_SHAPE_TYPED: a value object with a type
 * @PP_JSONLD_VALUE_SHAPE_LANGUAGE: a value object with a language or
 *   direction
 * @PP_JSONLD_VALUE_SHAPE_NODE: a node object without an identifier, or
 *   not a map
 * @PP_JSONLD_VALUE_SHAPE_NODE_ID: a node object with an identifier that
 *   does not compact to a term of its own
 * @PP_JSONLD_VALUE_SHAPE_NODE_VOCAB_ID: a node object with an identifier
 *   that compacts to a term for it
 * @PP_JSONLD_VALUE_SHAPE_OTHER: any other value (lists, graphs, indexed
 *   or preserved values, reverse properties): Term Selection reads more
 *   of it
 *
 * What Term Selection reads of a value, in an active context, besides
 * the type or language it names (the shape's detail): two values of one
 * shape and detail select the same term for an IRI.
 */
typedef enum {
  PP_JSONLD_VALUE_SHAPE_NONE,
  PP_JSONLD_VALUE_SHAPE_PLAIN,
  PP_JSONLD_VALUE_SHAPE_TYPED,
  PP_JSONLD_VALUE_SHAPE_LANGUAGE,
  PP_JSONLD_VALUE_SHAPE_NODE,
  PP_JSONLD_VALUE_SHAPE_NODE_ID,
  PP_JSONLD_VALUE_SHAPE_NODE_VOCAB_ID,
  PP_JSONLD_VALUE_SHAPE_OTHER,
} PpJsonldValueShape;

/* The shape of @value (not NULL) for Term Selection, and its detail (the
 * type, or the language key, of a value object; NULL for the others,
 * valid as long as @value and the run's arena); FALSE with @error set on
 * failure */
gboolean                pp_jsonld_compaction_get_value_shape (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context,
                                                              const PpJsonValue   *value,
                                                              gboolean             reverse,
                                                              PpJsonldValueShape  *shape,
                                                              const char         **detail,
                                                              GError             **error);

/* IRI Compaction of a keyword (or IRI) with vocab and no value */
const char             *pp_jsonld_compaction_compact_keyword (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context,
                                                              const char          *keyword,
                                                              GError             **error);

/* The Value Compaction algorithm for @element, a value object or a node
 * reference: sets *@result to the compacted value when it is a scalar, or
 * to the compacted map when the term has the @json type mapping; leaves it
 * NULL when @element must be compacted as a map. */
gboolean                pp_jsonld_compaction_compact_value   (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context,
                                                              const char          *active_property,
                                                              const PpJsonValue   *element,
                                                              PpJsonValue        **result,
                                                              GError             **error);

/* The Compaction algorithm: the compacted @element in the run's arena
 * (JSON null for null), or NULL with @error set */
PpJsonValue            *pp_jsonld_compaction_compact_element (PpJsonldCompaction  *c,
                                                              PpJsonldContext     *context,
                                                              const char          *active_property,
                                                              const PpJsonValue   *element,
                                                              guint                depth,
                                                              GError             **error);

/* {{{ term definitions */

static inline gboolean
pp_jsonld_str_equal0 (const char *a,
                      const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

/* The definition of @term in @context, or NULL. @term is a string that
 * keeps its address and contents as long as the run's arena: one
 * interned there, a keyword, or one of a term definition; the same term
 * is looked up in the same context once for all the calls that compact
 * into one arena (the contexts of a run live as long as it). */
static inline const PpJsonldTermDef *
pp_jsonld_compaction_get_term (PpJsonldCompaction *c,
                               PpJsonldContext    *context,
                               const char         *term)
{
  PpJsonldTermCacheSlot *slot;

  if (term == NULL)
    return NULL;

  slot = &c->term_cache[(((guintptr) term >> 3) ^ ((guintptr) context >> 6)) %
                        PP_JSONLD_TERM_CACHE_SIZE];
  if (slot->generation != c->term_generation || slot->term != term ||
      slot->context != context)
    {
      slot->context = context;
      slot->term = term;
      slot->def = pp_jsonld_context_get_term (context, term);
      slot->generation = c->term_generation;
    }

  return slot->def;
}

/* the container mapping of @term, 0 when it has none */
static inline guint
pp_jsonld_compaction_get_container (PpJsonldCompaction *c,
                                    PpJsonldContext    *context,
                                    const char         *term)
{
  const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, context, term);

  return def != NULL ? def->container : PP_JSONLD_CONTAINER_NONE;
}

/* }}} */

G_END_DECLS
