/* pp-jsonld-context-process.c: the Context Processing algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-context-process-private.h"

#include <string.h>

#include "pp-document-loader-private.h"
#include "pp-jsonld-scratch-private.h"
#include "pp-jsonld-error.h"

/* how many remote contexts may be nested in one another */
#define MAX_REMOTE_CONTEXTS 32

/* how deeply contexts may nest through scoped contexts and remote contexts */
#define MAX_CONTEXT_DEPTH 64

/* how many contexts one call may process, scoped contexts included: remote
 * contexts whose terms have scoped contexts naming other remote contexts
 * could otherwise take exponential time */
#define MAX_CONTEXTS_PROCESSED 20000

struct _PpJsonldContextCache
{
  GHashTable *table;
};

typedef struct {
  PpJsonldContext *active;
  JsonNode        *local;
  char            *base_url;
  guint            flags;
  PpJsonldContext *result;
} CacheEntry;

/* The @context of the document at @iri, living in *arena (a new
 * reference), read-only */
static const PpJsonValue *
load_context_document (ProcessState  *state,
                       const char    *iri,
                       gboolean       import,
                       char         **document_url,
                       PpJsonArena  **arena,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PpJsonArena) document_arena = NULL;
  const PpJsonValue *document;
  const PpJsonValue *context;

  document = pp_document_loader_load_value (state->loader, iri, document_url, &document_arena,
                                            state->cancellable, &local_error);
  if (document == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_REMOTE_CONTEXT_FAILED,
                             "%s: %s", iri, local_error->message);
      return NULL;
    }

  context = pp_json_object_get (document, PP_JSON_KW (CONTEXT));
  if (context == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REMOTE_CONTEXT,
                           "%s is not an object with an @context entry", iri);
      return NULL;
    }

  if (import && !pp_json_value_is_object (context))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REMOTE_CONTEXT,
                           "the @context of the imported %s is not an object", iri);
      return NULL;
    }

  /* the document is shared read-only: it lives as long as its arena */
  *arena = g_steal_pointer (&document_arena);
  return context;
}

static guint
cache_key_hash (gconstpointer key)
{
  const CacheEntry *entry = key;

  return g_direct_hash (entry->active) ^ (g_direct_hash (entry->local) * 31) ^
         (entry->base_url != NULL ? g_str_hash (entry->base_url) : 0) ^ entry->flags;
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheEntry *ea = a, *eb = b;

  return ea->active == eb->active && ea->local == eb->local &&
         ea->flags == eb->flags && g_strcmp0 (ea->base_url, eb->base_url) == 0;
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  pp_jsonld_context_unref (entry->active);
  json_node_unref (entry->local);
  g_free (entry->base_url);
  g_clear_pointer (&entry->result, pp_jsonld_context_unref);
  g_free (entry);
}

/**
 * pp_jsonld_context_cache_new:
 *
 * Returns: (transfer full): a new, empty cache of processed contexts
 */
PpJsonldContextCache *
pp_jsonld_context_cache_new (void)
{
  PpJsonldContextCache *cache = g_new0 (PpJsonldContextCache, 1);

  cache->table = g_hash_table_new_full (cache_key_hash, cache_key_equal,
                                        cache_entry_free, NULL);
  return cache;
}

/**
 * pp_jsonld_context_cache_free:
 * @cache: (transfer full): a cache
 *
 * Frees @cache and releases the contexts it holds.
 */
void
pp_jsonld_context_cache_free (PpJsonldContextCache *cache)
{
  if (cache == NULL)
    return;

  g_hash_table_unref (cache->table);
  g_free (cache);
}

static gboolean
set_base (PpJsonldContext    *result,
          const PpJsonValue  *node,
          GError            **error)
{
  const char *base = pp_json_value_get_string (node);

  if (pp_json_value_is_null (node))
    {
      g_clear_pointer (&result->base, g_free);
      return TRUE;
    }

  if (base == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_IRI,
                           "@base must be a string or null");
      return FALSE;
    }

  if (pp_jsonld_iri_is_absolute (base))
    {
      g_free (result->base);
      result->base = g_strdup (base);
    }
  else if (result->base != NULL)
    {
      char *resolved = pp_jsonld_iri_resolve (result->base, base);

      g_free (result->base);
      result->base = resolved;
    }
  else
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_IRI,
                           "the relative @base \"%s\" cannot be resolved without a base IRI",
                           base);
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_vocab (PpJsonldContext    *result,
           const PpJsonValue  *node,
           GError            **error)
{
  const char *vocab = pp_json_value_get_string (node);
  char *expanded = NULL;

  if (pp_json_value_is_null (node))
    {
      g_clear_pointer (&result->vocab, g_free);
      return TRUE;
    }

  if (vocab == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING,
                           "@vocab must be a string or null");
      return FALSE;
    }

  if (result->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0 && !pp_jsonld_is_iri_or_blank (vocab))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING,
                           "@vocab \"%s\" must be an absolute IRI in JSON-LD 1.0", vocab);
      return FALSE;
    }

  if (!pp_jsonld_context_expand_iri_local (NULL, result, vocab, TRUE, TRUE, &expanded, error))
    return FALSE;

  if (expanded == NULL || (!pp_jsonld_is_iri_or_blank (expanded) && pp_jsonld_is_keyword (expanded)))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING,
                           "@vocab \"%s\" is not an IRI nor a blank node identifier", vocab);
      g_free (expanded);
      return FALSE;
    }

  g_free (result->vocab);
  result->vocab = expanded;

  return TRUE;
}

/* Sets the members of @object on @merged, a new object of @arena */
static void
merge_members (PpJsonArena       *arena,
               PpJsonValue       *merged,
               const PpJsonValue *object)
{
  const PpJsonMember *members = pp_json_object_get_members (object);
  guint n = pp_json_value_get_size (object);

  for (guint i = 0; i < n; i++)
    pp_json_object_set (arena, merged, pp_json_arena_intern (arena, members[i].key),
                        members[i].value);
}

static gboolean
process_definition (ProcessState       *state,
                    PpJsonldContext    *result,
                    const PpJsonValue  *context,
                    const char         *base_url,
                    GPtrArray          *remote_contexts,
                    gboolean            from_remote,
                    gboolean            override_protected,
                    GError            **error)
{
  gboolean mode_1_0 = result->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  g_autoptr(PpJsonArena) imported_arena = NULL;
  g_autoptr(PpJsonArena) merged_arena = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autofree LocalTerm *terms = NULL;
  const PpJsonValue *definition = context;
  const PpJsonMember *members;
  const PpJsonValue *member;
  LocalState ls;
  guint i, n;

  /* @version */
  member = pp_json_object_get (context, PP_JSON_KW (VERSION));
  if (member != NULL)
    {
      if (!pp_json_value_is_number (member) || pp_json_value_get_double (member) != 1.1)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VERSION_VALUE,
                               "@version must be the number 1.1");
          return FALSE;
        }
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_PROCESSING_MODE_CONFLICT,
                               "@version 1.1 in a context processed as JSON-LD 1.0");
          return FALSE;
        }
    }

  /* @import */
  member = pp_json_object_get (context, PP_JSON_KW (IMPORT));
  if (member != NULL)
    {
      const char *import = pp_json_value_get_string (member);
      g_autofree char *iri = NULL;
      const PpJsonValue *imported;
      PpJsonValue *merged;

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "@import is not allowed in JSON-LD 1.0");
          return FALSE;
        }
      if (import == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IMPORT_VALUE,
                               "@import must be a string");
          return FALSE;
        }

      iri = pp_jsonld_iri_resolve (base_url, import);
      imported = load_context_document (state, iri, TRUE, NULL, &imported_arena, error);
      if (imported == NULL)
        return FALSE;

      if (pp_json_object_has (imported, PP_JSON_KW (IMPORT)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "the imported context %s has an @import itself", iri);
          return FALSE;
        }

      /* the entries of context override those of the imported one; the
       * values are shared read-only, never changed */
      merged_arena = pp_json_arena_new ();
      merged = pp_json_value_new_object (merged_arena, pp_json_value_get_size (imported) +
                                                       pp_json_value_get_size (context));
      merge_members (merged_arena, merged, imported);
      merge_members (merged_arena, merged, context);
      definition = merged;
    }

  /* @base, only in contexts that are not remote */
  member = pp_json_object_get (definition, PP_JSON_KW (BASE));
  if (member != NULL && !from_remote)
    {
      if (!set_base (result, member, error))
        return FALSE;
    }

  /* @vocab */
  member = pp_json_object_get (definition, PP_JSON_KW (VOCAB));
  if (member != NULL && !set_vocab (result, member, error))
    return FALSE;

  /* @language */
  member = pp_json_object_get (definition, PP_JSON_KW (LANGUAGE));
  if (member != NULL)
    {
      if (pp_json_value_is_null (member))
        g_clear_pointer (&result->default_language, g_free);
      else if (pp_json_value_is_string (member))
        {
          g_free (result->default_language);
          result->default_language = g_ascii_strdown (pp_json_value_get_string (member), -1);
        }
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_DEFAULT_LANGUAGE,
                               "@language must be a string or null");
          return FALSE;
        }
    }

  /* @direction */
  member = pp_json_object_get (definition, PP_JSON_KW (DIRECTION));
  if (member != NULL)
    {
      const char *direction = pp_json_value_get_string (member);

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "@direction is not allowed in JSON-LD 1.0");
          return FALSE;
        }
      if (pp_json_value_is_null (member))
        result->default_direction = PP_JSONLD_DIRECTION_UNSET;
      else if (g_strcmp0 (direction, "ltr") == 0)
        result->default_direction = PP_JSONLD_DIRECTION_LTR;
      else if (g_strcmp0 (direction, "rtl") == 0)
        result->default_direction = PP_JSONLD_DIRECTION_RTL;
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
                               "@direction must be \"ltr\", \"rtl\" or null");
          return FALSE;
        }
    }

  /* @propagate: its value was used by the caller */
  member = pp_json_object_get (definition, PP_JSON_KW (PROPAGATE));
  if (member != NULL)
    {
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "@propagate is not allowed in JSON-LD 1.0");
          return FALSE;
        }
      if (!pp_json_value_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROPAGATE_VALUE,
                               "@propagate must be true or false");
          return FALSE;
        }
    }

  /* @protected */
  member = pp_json_object_get (definition, PP_JSON_KW (PROTECTED));
  if (member != NULL && !pp_json_value_is_boolean (member))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROTECTED_VALUE,
                           "@protected must be true or false");
      return FALSE;
    }

  /* the terms to define, found by name (member names are unique) */
  members = pp_json_object_get_members (definition);
  n = pp_json_value_get_size (definition);
  terms = g_new (LocalTerm, n);
  local = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; i < n; i++)
    {
      terms[i].term = members[i].key;
      terms[i].value = members[i].value;
      terms[i].state = 0;
      g_hash_table_insert (local, (gpointer) terms[i].term, &terms[i]);
    }

  ls.state = state;
  ls.local = local;
  ls.base_url = base_url;
  ls.protected_ = pp_json_value_get_boolean (member);
  ls.override_protected = override_protected;
  ls.remote_contexts = remote_contexts;

  for (i = 0; i < n; i++)
    {
      const char *key = members[i].key;

      if (key == PP_JSON_KW (BASE) || key == PP_JSON_KW (DIRECTION) ||
          key == PP_JSON_KW (IMPORT) || key == PP_JSON_KW (LANGUAGE) ||
          key == PP_JSON_KW (PROPAGATE) || key == PP_JSON_KW (PROTECTED) ||
          key == PP_JSON_KW (VERSION) || key == PP_JSON_KW (VOCAB))
        continue;

      if (!pp_jsonld_context_create_term (&ls, result, key, error))
        return FALSE;
    }

  return TRUE;
}

/* the local context as a cache key: only sealed nodes, which cannot change */
static PpJsonldContext *
cache_lookup (PpJsonldContextCache *cache,
              CacheEntry           *key)
{
  CacheEntry *entry;

  if (cache == NULL || !json_node_is_immutable (key->local))
    return NULL;

  entry = g_hash_table_lookup (cache->table, key);
  return entry != NULL ? pp_jsonld_context_ref (entry->result) : NULL;
}

static void
cache_store (PpJsonldContextCache *cache,
             CacheEntry           *key,
             PpJsonldContext      *result)
{
  CacheEntry *entry;

  if (cache == NULL || !json_node_is_immutable (key->local))
    return;

  entry = g_new0 (CacheEntry, 1);
  entry->active = pp_jsonld_context_ref (key->active);
  entry->local = json_node_ref (key->local);
  entry->base_url = g_strdup (key->base_url);
  entry->flags = key->flags;
  entry->result = pp_jsonld_context_ref (result);
  g_hash_table_replace (cache->table, entry, entry);
}

/* whether @ctx is a context before any local context */
static gboolean
context_is_initial (PpJsonldContext *ctx)
{
  return g_hash_table_size (ctx->terms) == 0 && ctx->vocab == NULL &&
         ctx->default_language == NULL &&
         ctx->default_direction == PP_JSONLD_DIRECTION_UNSET &&
         ctx->previous == NULL && g_strcmp0 (ctx->base, ctx->original_base) == 0;
}

/* Serialises the processing of remote contexts on initial contexts */
static GRecMutex initial_remote_lock;

static gpointer
context_ref_func (gpointer data)
{
  return pp_jsonld_context_ref (data);
}

/* The key under which the loader keeps the remote context @iri processed
 * on the initial context @initial; made for every document that names it,
 * so without printf */
static char *
initial_remote_key (PpJsonldContext *initial,
                    gboolean         validate_scoped,
                    const char      *iri)
{
  char flags[3];

  flags[0] = (char) ('0' + (int) initial->processing_mode);
  flags[1] = validate_scoped ? '1' : '0';
  flags[2] = '\0';

  return g_strconcat ("context|", flags, "|", initial->base != NULL ? initial->base : "",
                      "|", iri, NULL);
}

PpJsonldContext *
pp_jsonld_context_process_state (ProcessState       *state,
                                 PpJsonldContext    *active,
                                 const PpJsonValue  *local_context,
                                 const char         *base_url,
                                 GPtrArray          *remote_contexts_in,
                                 gboolean            override_protected,
                                 gboolean            propagate,
                                 gboolean            validate_scoped,
                                 GError            **error)
{
  g_autoptr(PpJsonldContext) result = NULL;
  g_autoptr(GPtrArray) remote_contexts = NULL;
  gboolean writable = FALSE;
  PpJsonValue * const *items = NULL;
  guint i, n;

  if (g_cancellable_set_error_if_cancelled (state->cancellable, error))
    return NULL;

  if (state->depth >= MAX_CONTEXT_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "contexts nest deeper than %u levels", MAX_CONTEXT_DEPTH);
      return NULL;
    }

  if (++*state->n_processed > MAX_CONTEXTS_PROCESSED)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "more than %u contexts to process", MAX_CONTEXTS_PROCESSED);
      return NULL;
    }

  remote_contexts = g_ptr_array_new_with_free_func (g_free);
  if (remote_contexts_in != NULL)
    for (i = 0; i < remote_contexts_in->len; i++)
      g_ptr_array_add (remote_contexts, g_strdup (g_ptr_array_index (remote_contexts_in, i)));

  if (pp_json_value_is_object (local_context))
    {
      const PpJsonValue *member = pp_json_object_get (local_context, PP_JSON_KW (PROPAGATE));

      if (member != NULL)
        {
          if (!pp_json_value_is_boolean (member))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROPAGATE_VALUE,
                                   "@propagate must be true or false");
              return NULL;
            }
          propagate = pp_json_value_get_boolean (member);
        }
    }

  result = pp_jsonld_context_ref (active);
  if (!propagate && result->previous == NULL)
    {
      g_autoptr(PpJsonldContext) copy = pp_jsonld_context_copy (result);

      copy->previous = pp_jsonld_context_ref (active);
      g_clear_pointer (&result, pp_jsonld_context_unref);
      result = g_steal_pointer (&copy);
      writable = TRUE;
    }

  if (pp_json_value_is_array (local_context))
    {
      items = pp_json_array_get_elements (local_context);
      n = pp_json_value_get_size (local_context);
    }
  else
    n = 1;

  for (i = 0; i < n; i++)
    {
      const PpJsonValue *context = items != NULL ? items[i] : local_context;

      if (pp_json_value_is_null (context))
        {
          PpJsonldContext *fresh;

          if (!override_protected && result->has_protected)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_NULLIFICATION,
                                   "a context with protected terms cannot be set to null");
              return NULL;
            }

          fresh = pp_jsonld_context_alloc ();
          fresh->base = g_strdup (active->original_base);
          fresh->original_base = g_strdup (active->original_base);
          fresh->processing_mode = active->processing_mode;
          if (!propagate)
            fresh->previous = pp_jsonld_context_ref (result->previous != NULL ?
                                                     result->previous : result);
          g_clear_pointer (&result, pp_jsonld_context_unref);
          result = fresh;
          writable = TRUE;
        }
      else if (pp_json_value_is_string (context))
        {
          const char *str = pp_json_value_get_string (context);
          g_autofree char *iri = pp_jsonld_iri_resolve (base_url, str);
          g_autofree char *document_url = NULL;
          g_autofree char *derived_key = NULL;
          g_autoptr(PpJsonArena) loaded_arena = NULL;
          const PpJsonValue *loaded;
          PpJsonldContext *processed;
          gboolean seen = FALSE;
          guint j;

          for (j = 0; j < remote_contexts->len; j++)
            if (strcmp (g_ptr_array_index (remote_contexts, j), iri) == 0)
              seen = TRUE;

          if (!validate_scoped && seen)
            continue;

          if (remote_contexts->len >= MAX_REMOTE_CONTEXTS)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                                   "more than %u remote contexts nested, at %s",
                                   MAX_REMOTE_CONTEXTS, iri);
              return NULL;
            }
          g_ptr_array_add (remote_contexts, g_strdup (iri));

          /* a remote context on top of an initial context, the common case,
           * is processed once per loader: remember it there */
          if (context_is_initial (result))
            {
              derived_key = initial_remote_key (result, validate_scoped, iri);
              processed = pp_document_loader_get_derived (state->loader, derived_key,
                                                          context_ref_func);
              if (processed != NULL)
                {
                  g_clear_pointer (&result, pp_jsonld_context_unref);
                  result = processed;
                  writable = FALSE;
                  continue;
                }
            }

          /* Many threads starting at once would all miss and process the
           * same context: one processes it, the others wait and reuse it.
           * Recursive, as a remote context may begin with another one. */
          if (derived_key != NULL)
            {
              g_rec_mutex_lock (&initial_remote_lock);
              processed = pp_document_loader_get_derived (state->loader, derived_key,
                                                          context_ref_func);
              if (processed != NULL)
                {
                  g_rec_mutex_unlock (&initial_remote_lock);
                  g_clear_pointer (&result, pp_jsonld_context_unref);
                  result = processed;
                  writable = FALSE;
                  continue;
                }
            }

          loaded = load_context_document (state, iri, FALSE, &document_url, &loaded_arena, error);
          if (loaded != NULL)
            {
              state->depth++;
              processed = pp_jsonld_context_process_state (state, result, loaded,
                                                           document_url != NULL ? document_url : iri,
                                                           remote_contexts, FALSE, TRUE, validate_scoped, error);
              state->depth--;
            }
          else
            processed = NULL;

          if (processed != NULL && derived_key != NULL)
            pp_document_loader_set_derived (state->loader, derived_key, iri,
                                            pp_jsonld_context_ref (processed),
                                            (GDestroyNotify) pp_jsonld_context_unref);
          if (derived_key != NULL)
            g_rec_mutex_unlock (&initial_remote_lock);
          if (processed == NULL)
            return NULL;

          g_clear_pointer (&result, pp_jsonld_context_unref);
          result = processed;
          writable = FALSE;
        }
      else if (pp_json_value_is_object (context))
        {
          if (!writable)
            {
              PpJsonldContext *copy = pp_jsonld_context_copy (result);

              g_clear_pointer (&result, pp_jsonld_context_unref);
              result = copy;
              writable = TRUE;
            }

          /* the cached views of result are stale */
          g_clear_pointer (&result->vocab_cache, g_hash_table_unref);
          g_clear_pointer (&result->sorted_terms, g_ptr_array_unref);

          if (!process_definition (state, result, context, base_url,
                                   remote_contexts,
                                   remote_contexts_in != NULL && remote_contexts_in->len > 0,
                                   override_protected, error))
            return NULL;
        }
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LOCAL_CONTEXT,
                               "a context must be null, a string or an object");
          return NULL;
        }
    }

  return g_steal_pointer (&result);
}

/* Processes @local_context, a tree, as libpp's values; with @cache
 * (nullable), whose results are reused for sealed trees */
static PpJsonldContext *
process_tree (ProcessState     *state,
              PpJsonldContext  *active,
              JsonNode         *local_context,
              const char       *base_url,
              GPtrArray        *remote_contexts,
              gboolean          override_protected,
              gboolean          propagate,
              gboolean          validate_scoped,
              GError          **error)
{
  PpJsonArena *arena;
  const PpJsonValue *value;
  CacheEntry key = { 0, };
  PpJsonldContext *result;

  key.active = active;
  key.local = local_context;
  key.base_url = (char *) base_url;
  key.flags = (override_protected ? 1 : 0) | (propagate ? 2 : 0) | (validate_scoped ? 4 : 0);
  result = cache_lookup (state->cache, &key);
  if (result != NULL)
    return result;

  /* the processed context keeps nothing of the values */
  arena = pp_jsonld_scratch_arena_take ();
  value = pp_json_value_from_json_node_unchecked (arena, local_context);
  result = pp_jsonld_context_process_state (state, active, value, base_url, remote_contexts,
                                            override_protected, propagate, validate_scoped,
                                            error);
  pp_jsonld_scratch_arena_give (arena);
  if (result != NULL)
    cache_store (state->cache, &key, result);

  return result;
}

static PpDocumentLoader *
get_loader (PpJsonldOptions *options)
{
  PpDocumentLoader *loader = options != NULL ? pp_jsonld_options_get_document_loader (options) : NULL;

  return loader != NULL ? loader : pp_document_loader_get_default ();
}

/**
 * pp_jsonld_context_lookup_remote:
 * @active: the active context
 * @iri_reference: a local context that is a string: the IRI of a remote
 *   context, maybe relative to @base_url
 * @base_url: (nullable): the base URL of the local context
 * @options: (nullable): the options, for the document loader
 *
 * What the Context Processing algorithm makes of @iri_reference on top of
 * @active (propagated, protected terms kept, scoped contexts validated)
 * when @active is an initial context and the document loader keeps the
 * result from an earlier document: the usual local context of an LLM's
 * answer, found without converting it to a tree or copying anything.
 *
 * Returns: (transfer full) (nullable): the new active context, or %NULL
 *   when it is to be processed
 */
PpJsonldContext *
pp_jsonld_context_lookup_remote (PpJsonldContext  *active,
                                 const char       *iri_reference,
                                 const char       *base_url,
                                 PpJsonldOptions  *options)
{
  g_autofree char *iri = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (active != NULL, NULL);
  g_return_val_if_fail (iri_reference != NULL, NULL);

  if (!context_is_initial (active))
    return NULL;

  /* as pp_jsonld_context_process_state() names it */
  iri = pp_jsonld_iri_resolve (base_url, iri_reference);
  key = initial_remote_key (active, TRUE, iri);

  return pp_document_loader_get_derived (get_loader (options), key, context_ref_func);
}

/**
 * pp_jsonld_context_process_cached:
 * @cache: (nullable): a cache of processed contexts
 * @active: the active context
 * @local_context: the local context
 * @base_url: (nullable): the base URL of the local context
 * @override_protected: whether protected terms may be redefined
 * @propagate: whether the result is propagated into nested nodes
 * @options: (nullable): the options, for the document loader
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The Context Processing algorithm, reusing the results of @cache when
 * @local_context is sealed. Unlike pp_jsonld_context_process(), this does
 * not check @local_context for invalid UTF-8: it is meant for contexts
 * found in a document that was checked as a whole.
 *
 * Returns: (transfer full): the new active context, or %NULL on error
 */
PpJsonldContext *
pp_jsonld_context_process_cached (PpJsonldContextCache *cache,
                                  PpJsonldContext      *active,
                                  JsonNode             *local_context,
                                  const char           *base_url,
                                  gboolean              override_protected,
                                  gboolean              propagate,
                                  PpJsonldOptions      *options,
                                  GCancellable         *cancellable,
                                  GError              **error)
{
  guint n_processed = 0;
  ProcessState state = { options, get_loader (options), cancellable, cache, 0, 0, &n_processed };

  g_return_val_if_fail (active != NULL, NULL);
  g_return_val_if_fail (local_context != NULL, NULL);

  return process_tree (&state, active, local_context, base_url, NULL,
                       override_protected, propagate, TRUE, error);
}

/**
 * pp_jsonld_context_process:
 * @active: the active context
 * @local_context: the local context: null, an IRI, an object or an array
 *   of them
 * @base_url: (nullable): the base URL of the local context
 * @remote_contexts: (nullable) (element-type utf8): the remote contexts
 *   being processed; %NULL from the outside
 * @override_protected: whether protected terms may be redefined
 * @propagate: whether the result is propagated into nested nodes
 * @validate_scoped: whether scoped contexts are validated (%TRUE from the
 *   outside)
 * @options: (nullable): the options, for the document loader
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The Context Processing algorithm. @active is not changed. A local
 * context that is not sealed is first checked for invalid UTF-8 and
 * excessive nesting (%PP_JSONLD_ERROR_INVALID_INPUT).
 *
 * Returns: (transfer full): the new active context, or %NULL on error
 */
PpJsonldContext *
pp_jsonld_context_process (PpJsonldContext  *active,
                           JsonNode         *local_context,
                           const char       *base_url,
                           GPtrArray        *remote_contexts,
                           gboolean          override_protected,
                           gboolean          propagate,
                           gboolean          validate_scoped,
                           PpJsonldOptions  *options,
                           GCancellable     *cancellable,
                           GError          **error)
{
  guint n_processed = 0;
  ProcessState state = { options, get_loader (options), cancellable, NULL, 0, 0, &n_processed };

  g_return_val_if_fail (active != NULL, NULL);
  g_return_val_if_fail (local_context != NULL, NULL);

  /* sealed nodes come from the loader or from term definitions, which
   * were checked already */
  if (!json_node_is_immutable (local_context) &&
      !pp_jsonld_node_validate_utf8 (local_context, PP_JSONLD_MAX_DEPTH, error))
    return NULL;

  return process_tree (&state, active, local_context, base_url, remote_contexts,
                       override_protected, propagate, validate_scoped, error);
}
