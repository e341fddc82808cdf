/* pp-jsonld-context-private.h: active contexts and term definitions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-jsonld-options.h"

G_BEGIN_DECLS

/**
 * PpJsonldContainer:
 *
 * A container mapping as a set of flags; 0 means no container mapping.
 */
typedef enum {
  PP_JSONLD_CONTAINER_NONE     = 0,
  PP_JSONLD_CONTAINER_LIST     = 1 << 0,
  PP_JSONLD_CONTAINER_SET      = 1 << 1,
  PP_JSONLD_CONTAINER_INDEX    = 1 << 2,
  PP_JSONLD_CONTAINER_LANGUAGE = 1 << 3,
  PP_JSONLD_CONTAINER_ID       = 1 << 4,
  PP_JSONLD_CONTAINER_TYPE     = 1 << 5,
  PP_JSONLD_CONTAINER_GRAPH    = 1 << 6,
} PpJsonldContainer;

/**
 * PpJsonldDirection:
 * @PP_JSONLD_DIRECTION_UNSET: no direction mapping (term) / no default base
 *   direction (context)
 * @PP_JSONLD_DIRECTION_NULL: a direction mapping explicitly set to null
 * @PP_JSONLD_DIRECTION_LTR: "ltr"
 * @PP_JSONLD_DIRECTION_RTL: "rtl"
 */
typedef enum {
  PP_JSONLD_DIRECTION_UNSET,
  PP_JSONLD_DIRECTION_NULL,
  PP_JSONLD_DIRECTION_LTR,
  PP_JSONLD_DIRECTION_RTL,
} PpJsonldDirection;

const char *pp_jsonld_direction_to_string (PpJsonldDirection direction);

/**
 * PpJsonldTermDef:
 * @term: the term this definition is for
 * @iri: (nullable): the IRI mapping (an IRI, a blank node identifier or a
 *   keyword); %NULL when the term is mapped to null (it must then not be used
 *   for IRI expansion nor selected in compaction)
 * @prefix: the prefix flag
 * @protected_: the protected flag
 * @reverse: the reverse property flag
 * @base_url: (nullable): the base URL of the context that defined the term
 *   (used for its scoped context)
 * @context: (nullable): the scoped (local) context, sealed, shared read-only
 * @has_context: whether @context is set (an explicit null scoped context is
 *   a JSON null node)
 * @container: the container mapping, #PpJsonldContainer flags
 * @direction: the direction mapping
 * @index: (nullable): the index mapping
 * @has_language: whether there is a language mapping
 * @language: (nullable): the language mapping (lowercased); %NULL with
 *   @has_language means a null language mapping
 * @nest: (nullable): the nest value
 * @type: (nullable): the type mapping: an IRI, "@id", "@vocab", "@json" or
 *   "@none"
 *
 * A term definition. Immutable once its context is processed. Laid out
 * to be small, as a context holds thousands: @term is stored with it, and
 * a @type that is a keyword is the static string of the keyword.
 */
typedef struct _PpJsonldTermDef {
  const char        *term;
  char              *iri;
  char              *base_url;
  JsonNode          *context;
  char              *index;
  char              *language;
  char              *nest;
  char              *type;

  guint              container : 8;
  PpJsonldDirection  direction : 3;
  guint              prefix : 1;
  guint              protected_ : 1;
  guint              reverse : 1;
  guint              has_context : 1;
  guint              has_language : 1;

  /*< private >*/
  gint               ref_count;
} PpJsonldTermDef;

/**
 * PpJsonldContext:
 * @terms: term (char *) → #PpJsonldTermDef, owned
 * @base: (nullable): the base IRI
 * @original_base: (nullable): the original base URL
 * @vocab: (nullable): the vocabulary mapping
 * @default_language: (nullable): the default language (lowercased)
 * @default_direction: the default base direction (%PP_JSONLD_DIRECTION_UNSET,
 *   _LTR or _RTL)
 * @previous: (nullable): the previous context, for non-propagated contexts
 * @processing_mode: the processing mode
 * @has_protected: whether any term definition is protected
 *
 * An active context: processed, then immutable and shared read-only between
 * threads, reference-counted atomically. The inverse context, the sorted
 * term list and the expansion caches are built lazily and thread-safely.
 */
typedef struct _PpJsonldContext PpJsonldContext;

struct _PpJsonldContext {
  /*< private >*/
  gint                    ref_count;

  /*< public >*/
  GHashTable             *terms;
  char                   *base;
  char                   *original_base;
  char                   *vocab;
  char                   *default_language;
  PpJsonldDirection       default_direction;
  PpJsonldContext        *previous;
  PpJsonldProcessingMode  processing_mode;
  gboolean                has_protected;

  /*< private >*/
  GMutex                  lock;          /* sorted_terms, vocab_cache */
  GMutex                  inverse_lock;  /* inverse */
  gpointer                inverse;
  GDestroyNotify          inverse_free;
  GPtrArray              *sorted_terms;
  GHashTable             *vocab_cache;
  gint                    scoped_terms;  /* (atomic) 0: not known yet,
                                          * 1: no term has a scoped
                                          * context, 2: one has */
};

/* An empty initial context whose base IRI is the options' base (may be NULL). */
PpJsonldContext        *pp_jsonld_context_new          (PpJsonldOptions  *options);
PpJsonldContext        *pp_jsonld_context_ref          (PpJsonldContext  *context);
void                    pp_jsonld_context_unref        (PpJsonldContext  *context);

/* The Context Processing algorithm: returns a new context (transfer full),
 * @active is not modified. @remote_contexts (nullable, of char *) holds the
 * IRIs of the remote contexts being processed, for cycle and overflow
 * detection; pass NULL from the outside. @base_url may be NULL. A local
 * context that is not sealed is checked for invalid UTF-8 and nesting
 * first (PP_JSONLD_ERROR_INVALID_INPUT). */
PpJsonldContext        *pp_jsonld_context_process      (PpJsonldContext  *active,
                                                        JsonNode         *local_context,
                                                        const char       *base_url,
                                                        GPtrArray        *remote_contexts,
                                                        gboolean          override_protected,
                                                        gboolean          propagate,
                                                        gboolean          validate_scoped,
                                                        PpJsonldOptions  *options,
                                                        GCancellable     *cancellable,
                                                        GError          **error);

/* The hash of a term or IRI, for the tables keyed by them */
guint                   pp_jsonld_str_hash             (gconstpointer     str);

/* The definition of @term, or NULL; owned by @context */
const PpJsonldTermDef  *pp_jsonld_context_get_term     (PpJsonldContext  *context,
                                                        const char       *term);

/* Whether a term of @context has a scoped context (@has_context): when
 * none has, no type of a node object can bring a type-scoped context,
 * and the terms need not be looked up to find out. Found out on the
 * first call, then remembered. */
gboolean                pp_jsonld_context_has_scoped_terms (PpJsonldContext *context);

/* IRI Expansion: returns the expanded IRI (transfer full), or NULL when
 * the value expands to null (no error set then); NULL with @error set on
 * failure. */
char                   *pp_jsonld_expand_iri           (PpJsonldContext  *context,
                                                        const char       *value,
                                                        gboolean          document_relative,
                                                        gboolean          vocab,
                                                        GError          **error);

/* IRI expansion with vocab TRUE and document_relative FALSE (keys, types),
 * without allocating: the result is @value itself when unchanged, else a
 * string owned by @context (term IRIs, and a per-context cache for the
 * rest) valid as long as it lives; NULL when @value expands to null. */
const char             *pp_jsonld_context_expand_vocab (PpJsonldContext  *context,
                                                        const char       *value);

/* The terms of @context (const char *), shortest first, then in code point
 * order; built once, owned by @context (transfer none). */
GPtrArray              *pp_jsonld_context_get_sorted_terms (PpJsonldContext *context);

/* The inverse context: built by @build on the first call, under a lock of
 * its own, so exactly once. The sorted terms are built before, and @build
 * may use the other functions of this header on @context. Freed with
 * @free_func along with the context; owned by @context (transfer none). */
gpointer                pp_jsonld_context_get_inverse  (PpJsonldContext  *context,
                                                        gpointer        (*build) (PpJsonldContext *context),
                                                        GDestroyNotify    free_func);

/**
 * PpJsonldContextCache:
 *
 * Remembers the contexts obtained by processing sealed local contexts
 * (remote contexts, scoped contexts) on top of a given active context, so a
 * document with many nodes using the same scoped context processes it once.
 * One cache serves one algorithm run on one thread; it is not thread-safe.
 */
typedef struct _PpJsonldContextCache PpJsonldContextCache;

PpJsonldContextCache   *pp_jsonld_context_cache_new    (void);
void                    pp_jsonld_context_cache_free   (PpJsonldContextCache *cache);

/* pp_jsonld_context_process() with a cache (nullable), for local contexts
 * found in a document already checked with pp_jsonld_node_validate_utf8()
 * (they are not checked again) */
PpJsonldContext        *pp_jsonld_context_process_cached (PpJsonldContextCache *cache,
                                                          PpJsonldContext  *active,
                                                          JsonNode         *local_context,
                                                          const char       *base_url,
                                                          gboolean          override_protected,
                                                          gboolean          propagate,
                                                          PpJsonldOptions  *options,
                                                          GCancellable     *cancellable,
                                                          GError          **error);

/* The context a document's string @context makes of the initial context
 * @active, when the document loader of @options has processed it already;
 * %NULL when it is to be processed */
PpJsonldContext        *pp_jsonld_context_lookup_remote (PpJsonldContext  *active,
                                                         const char       *iri_reference,
                                                         const char       *base_url,
                                                         PpJsonldOptions  *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJsonldContext, pp_jsonld_context_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJsonldContextCache, pp_jsonld_context_cache_free)

G_END_DECLS
