/* pp-jsonld-expand.c: the Expansion algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-jsonld.h"
#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-scratch-private.h"
#include "pp-jsonld-util-private.h"

/* The expansion works on JSON values (pp-json-value-private.h): the result
 * is built in one arena, its keys interned there, and it shares the
 * strings and scalars of the input instead of copying them. Contexts stay
 * json-glib trees: a @context value is converted once per run, at the
 * boundary, and sealed so that the run's cache of processed contexts
 * knows it again. */

/* how many objects are expanded between two checks of the cancellable */
#define CANCEL_CHECK_INTERVAL 1024

/* {{{ helpers shared by the files of the algorithm */

/* The expanded keys and term definitions of the last (context, key)
 * pairs seen: a document repeats the same few keys under the same few
 * contexts, and this spares the context's hash table, its lock and the
 * interning for each of them. Each entry holds a reference on its
 * context, so a pointer seen again is the same context, and a key owned by
 * that context is the same key.
 *
 * The tables start small, since most documents (an LLM's answer) have a
 * few dozen keys and a run that zeroed room for hundreds would spend more
 * on it than on the document, and grow when they miss often. */
#define KEY_CACHE_MIN 32
#define KEY_CACHE_MAX 512

typedef struct {
  PpJsonldContext       *context;
  const char            *key;
  const char            *expanded;  /* interned in the result's arena, or NULL */
  const PpJsonldTermDef *def;
  const char            *type;        /* def->type interned in the run's names */
  gboolean               is_keyword;  /* @expanded is a keyword */
  gboolean               is_iri;      /* @expanded holds a colon: a property */
} KeyCacheEntry;

/* The same for the strings expanded as types (@type values): not
 * interned, so known by their text */
#define TYPE_CACHE_MIN 16
#define TYPE_CACHE_MAX 256

typedef struct {
  PpJsonldContext *context;
  guint            hash;
  char            *value;      /* a copy */
  const char      *expanded;   /* interned in the run's names, or null_key */
  gboolean         unchanged;  /* the expansion was the value itself */
} TypeCacheEntry;

/* The prefixes of the compact IRIs expanded as identifiers (@id values):
 * a document names its nodes "ex:person/1", "ex:person/2"…, all of one
 * prefix, whose definition is looked up once per context instead of
 * once per identifier */
#define PREFIX_CACHE_SIZE 64

typedef struct {
  PpJsonldContext *context;
  char            *prefix;      /* a copy */
  gsize            prefix_len;
  const char      *iri;         /* owned by @context: a compact IRI of
                                 * @prefix expands to it followed by the
                                 * suffix; NULL when it does not */
  gsize            iri_len;
} PrefixCacheEntry;

/* Each table counts its entries that hold a context, so that emptying a
 * table stops once it has let go of them all, and a table never used is
 * left alone */
struct _PpJsonldExpandKeyCache {
  PrefixCacheEntry prefixes[PREFIX_CACHE_SIZE];
  guint            n_prefixes_held;
  PpJsonldContext *checked;     /* the context last checked for terms that
                                 * stand in the way of the prefixes */
  gboolean         checked_has_keyword;
  KeyCacheEntry  *entries;
  guint           n_entries;   /* a power of 2 */
  guint           n_entries_held;
  guint           entry_misses;
  TypeCacheEntry *types;
  guint           n_types;     /* a power of 2 */
  guint           n_types_held;
  guint           type_misses;
};

/* a NULL expansion in the type cache */
static const char null_key[] = "";

static PpJsonldExpandKeyCache *
key_cache_new (void)
{
  PpJsonldExpandKeyCache *cache = g_new0 (PpJsonldExpandKeyCache, 1);

  cache->n_entries = KEY_CACHE_MIN;
  cache->entries = g_new0 (KeyCacheEntry, cache->n_entries);
  cache->n_types = TYPE_CACHE_MIN;
  cache->types = g_new0 (TypeCacheEntry, cache->n_types);

  return cache;
}

/* An entry holds a context from the first time it is filled */
static void
hold_context (PpJsonldContext **held,
              PpJsonldContext  *context,
              guint            *n_held)
{
  if (*held == context)
    return;

  if (*held != NULL)
    pp_jsonld_context_unref (*held);
  else
    (*n_held)++;
  *held = pp_jsonld_context_ref (context);
}

static void
clear_entries (KeyCacheEntry *entries,
               guint          n_entries,
               guint         *n_held)
{
  if (*n_held == 0)
    return;

  for (guint i = 0; i < n_entries && *n_held > 0; i++)
    {
      if (entries[i].context != NULL)
        {
          g_clear_pointer (&entries[i].context, pp_jsonld_context_unref);
          (*n_held)--;
        }
    }
  memset (entries, 0, n_entries * sizeof (KeyCacheEntry));
}

static void
clear_types (TypeCacheEntry *types,
             guint           n_types,
             guint          *n_held)
{
  if (*n_held == 0)
    return;

  for (guint i = 0; i < n_types && *n_held > 0; i++)
    {
      if (types[i].context != NULL)
        {
          g_clear_pointer (&types[i].context, pp_jsonld_context_unref);
          g_free (types[i].value);
          (*n_held)--;
        }
    }
  memset (types, 0, n_types * sizeof (TypeCacheEntry));
}

static void
clear_prefixes (PrefixCacheEntry *prefixes,
                guint            *n_held)
{
  if (*n_held == 0)
    return;

  for (guint i = 0; i < PREFIX_CACHE_SIZE && *n_held > 0; i++)
    {
      if (prefixes[i].context != NULL)
        {
          g_clear_pointer (&prefixes[i].context, pp_jsonld_context_unref);
          g_free (prefixes[i].prefix);
          (*n_held)--;
        }
    }
  memset (prefixes, 0, PREFIX_CACHE_SIZE * sizeof (PrefixCacheEntry));
}

/* Empties @cache: nothing of a run is known to the next one */
static void
key_cache_clear (PpJsonldExpandKeyCache *cache)
{
  clear_prefixes (cache->prefixes, &cache->n_prefixes_held);
  g_clear_pointer (&cache->checked, pp_jsonld_context_unref);
  cache->checked_has_keyword = FALSE;
  clear_entries (cache->entries, cache->n_entries, &cache->n_entries_held);
  cache->entry_misses = 0;
  clear_types (cache->types, cache->n_types, &cache->n_types_held);
  cache->type_misses = 0;
}

static void
key_cache_free (PpJsonldExpandKeyCache *cache)
{
  key_cache_clear (cache);
  g_free (cache->entries);
  g_free (cache->types);
  g_free (cache);
}

/* The caches of runs that ended, emptied: most runs expand a small
 * document, for which allocating the tables costs more than using them */
static PpJsonldScratchPool spare_key_caches;

static PpJsonldExpandKeyCache *
key_cache_take (void)
{
  PpJsonldExpandKeyCache *cache = pp_jsonld_scratch_pool_take (&spare_key_caches);

  return cache != NULL ? cache : key_cache_new ();
}

static void
key_cache_give (PpJsonldExpandKeyCache *cache)
{
  key_cache_clear (cache);
  if (!pp_jsonld_scratch_pool_give (&spare_key_caches, cache))
    key_cache_free (cache);
}

/* After a miss: a table that misses more than twice its size is replaced
 * by an empty one four times as large */
static void
key_cache_missed_entry (PpJsonldExpandKeyCache *cache)
{
  if (++cache->entry_misses <= 2 * cache->n_entries || cache->n_entries >= KEY_CACHE_MAX)
    return;

  clear_entries (cache->entries, cache->n_entries, &cache->n_entries_held);
  g_free (cache->entries);
  cache->n_entries = MIN (4 * cache->n_entries, KEY_CACHE_MAX);
  cache->entries = g_new0 (KeyCacheEntry, cache->n_entries);
  cache->entry_misses = 0;
}

static void
key_cache_missed_type (PpJsonldExpandKeyCache *cache)
{
  if (++cache->type_misses <= 2 * cache->n_types || cache->n_types >= TYPE_CACHE_MAX)
    return;

  clear_types (cache->types, cache->n_types, &cache->n_types_held);
  g_free (cache->types);
  cache->n_types = MIN (4 * cache->n_types, TYPE_CACHE_MAX);
  cache->types = g_new0 (TypeCacheEntry, cache->n_types);
  cache->type_misses = 0;
}

static inline guint
key_cache_mix (PpJsonldContext *active,
               const char      *key)
{
  return (guint) ((GPOINTER_TO_SIZE (key) >> 3) ^ (GPOINTER_TO_SIZE (active) >> 4) * 2654435761u);
}

/* Fills the entry of (@active, @key) after a miss: out of line, so that
 * the lookup that hits, which almost every lookup does, is a few
 * instructions inlined in its caller rather than a call that saves and
 * restores what the filling needs */
static G_GNUC_NO_INLINE const KeyCacheEntry *
key_cache_fill (PpJsonldExpansion *e,
                PpJsonldContext   *active,
                const char        *key)
{
  KeyCacheEntry *entry;
  const char *expanded;

  /* the table may have grown */
  key_cache_missed_entry (e->keys);
  entry = &e->keys->entries[key_cache_mix (active, key) & (e->keys->n_entries - 1)];
  expanded = pp_jsonld_context_expand_vocab (active, key);

  hold_context (&entry->context, active, &e->keys->n_entries_held);
  entry->key = key;
  entry->expanded = expanded != NULL ? pp_json_arena_intern (e->names, expanded) : NULL;
  entry->def = pp_jsonld_context_get_term (active, key);
  entry->type = entry->def != NULL && entry->def->type != NULL
                ? pp_json_arena_intern (e->names, entry->def->type) : NULL;
  entry->is_keyword = entry->expanded != NULL && entry->expanded[0] == '@' &&
                      pp_jsonld_is_keyword (entry->expanded);
  entry->is_iri = entry->expanded != NULL && strchr (entry->expanded, ':') != NULL;

  return entry;
}

/* @key: a key of the document, a keyword, or a string of @active */
static inline const KeyCacheEntry *
key_cache_lookup (PpJsonldExpansion *e,
                  PpJsonldContext   *active,
                  const char        *key)
{
  KeyCacheEntry *entry = &e->keys->entries[key_cache_mix (active, key) & (e->keys->n_entries - 1)];

  if (G_LIKELY (entry->context == active && entry->key == key))
    return entry;

  return key_cache_fill (e, active, key);
}

const char *
pp_jsonld_expansion_expand_key (PpJsonldExpansion *e,
                                PpJsonldContext   *active,
                                const char        *key)
{
  return key_cache_lookup (e, active, key)->expanded;
}

const char *
pp_jsonld_expansion_expand_vocab (PpJsonldExpansion *e,
                                  PpJsonldContext   *active,
                                  const char        *value,
                                  gboolean          *unchanged)
{
  guint hash = g_str_hash (value);
  guint mix = (guint) (hash ^ (GPOINTER_TO_SIZE (active) >> 4) * 2654435761u);
  TypeCacheEntry *entry = &e->keys->types[mix & (e->keys->n_types - 1)];
  const char *expanded;

  if (entry->context != active || entry->hash != hash || strcmp (entry->value, value) != 0)
    {
      /* the table may have grown */
      key_cache_missed_type (e->keys);
      entry = &e->keys->types[mix & (e->keys->n_types - 1)];
      expanded = pp_jsonld_context_expand_vocab (active, value);

      hold_context (&entry->context, active, &e->keys->n_types_held);
      entry->hash = hash;
      g_free (entry->value);
      entry->value = g_strdup (value);
      entry->unchanged = expanded == value;
      entry->expanded = expanded != NULL ? pp_json_arena_intern (e->names, expanded) : null_key;
    }

  *unchanged = entry->unchanged;
  return entry->expanded != null_key ? entry->expanded : NULL;
}

const PpJsonldTermDef *
pp_jsonld_expansion_get_term (PpJsonldExpansion *e,
                              PpJsonldContext   *active,
                              const char        *key)
{
  return key != NULL ? key_cache_lookup (e, active, key)->def : NULL;
}

const PpJsonldTermDef *
pp_jsonld_expansion_get_term_with_type (PpJsonldExpansion  *e,
                                        PpJsonldContext    *active,
                                        const char         *key,
                                        const char        **type)
{
  const KeyCacheEntry *entry;

  if (key == NULL)
    {
      *type = NULL;
      return NULL;
    }

  entry = key_cache_lookup (e, active, key);
  *type = entry->type;
  return entry->def;
}

PpJsonldContext *
pp_jsonld_expansion_apply_context (PpJsonldExpansion  *e,
                                   PpJsonldContext    *active,
                                   JsonNode           *local,
                                   const char         *base_url,
                                   gboolean            override_protected,
                                   gboolean            propagate,
                                   GError            **error)
{
  /* made for the first document that needs it: most need none */
  if (e->cache == NULL)
    e->cache = pp_jsonld_context_cache_new ();

  return pp_jsonld_context_process_cached (e->cache, active, local, base_url,
                                           override_protected, propagate, e->options,
                                           e->cancellable, error);
}

/* a @context value of the document as the sealed tree context processing
 * takes, converted once per run; NULL with @error set when it holds a
 * string with NUL, which a tree cannot hold */
static JsonNode *
context_node (PpJsonldExpansion  *e,
              const PpJsonValue  *value,
              GError            **error)
{
  JsonNode *node;

  if (e->contexts == NULL)
    e->contexts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                         (GDestroyNotify) json_node_unref);

  node = g_hash_table_lookup (e->contexts, value);
  if (node == NULL)
    {
      g_autoptr(GError) local_error = NULL;

      node = pp_json_value_to_json_node_checked (value, &local_error);
      if (node == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LOCAL_CONTEXT,
                               "in the @context, %s", local_error->message);
          return NULL;
        }
      json_node_seal (node);
      g_hash_table_insert (e->contexts, (gpointer) value, node);
    }

  return node;
}

/* the local context of an object, @value, processed on top of @active */
static PpJsonldContext *
apply_local_context (PpJsonldExpansion  *e,
                     PpJsonldContext    *active,
                     const PpJsonValue  *value,
                     const char         *base_url,
                     GError            **error)
{
  JsonNode *local;

  /* A string, such as "https://schema.org", names a context that the
   * document loader has most often processed for an earlier document */
  if (pp_json_value_is_string (value) &&
      strlen (pp_json_value_get_string (value)) == pp_json_value_get_string_length (value) &&
      !g_cancellable_is_cancelled (e->cancellable))
    {
      PpJsonldContext *known = pp_jsonld_context_lookup_remote (active,
                                                                pp_json_value_get_string (value),
                                                                base_url, e->options);

      if (known != NULL)
        return known;
    }

  local = context_node (e, value, error);
  if (local == NULL)
    return NULL;

  return pp_jsonld_expansion_apply_context (e, active, local, base_url, FALSE, TRUE, error);
}

GPtrArray *
pp_jsonld_expansion_get_keys (PpJsonldExpansion *e,
                              const PpJsonValue *object)
{
  const PpJsonMember *members;
  GPtrArray *keys;
  guint n;

  if (e->ordered)
    return pp_json_object_get_keys_sorted (object);

  n = pp_json_value_get_size (object);
  members = pp_json_object_get_members (object);
  keys = g_ptr_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (keys, (gpointer) members[i].key);

  return keys;
}

gboolean
pp_jsonld_expansion_check_depth (PpJsonldExpansion  *e,
                                 GError            **error)
{
  if (e->depth >= PP_JSONLD_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels", PP_JSONLD_MAX_DEPTH);
      return FALSE;
    }

  return TRUE;
}

gboolean
pp_jsonld_expansion_check_no_nul (const PpJsonValue  *value,
                                  PpJsonldError       code,
                                  const char         *key,
                                  GError            **error)
{
  const char *str = pp_json_value_get_string (value);

  if (G_LIKELY (str == NULL || strlen (str) == pp_json_value_get_string_length (value)))
    return TRUE;

  pp_jsonld_set_error (error, code, "the value of \"%s\" holds a NUL character (U+0000)", key);
  return FALSE;
}

/* Whether a term of @active that holds a colon expands to a keyword: IRI
 * Expansion gives that keyword for the term rather than expanding it as
 * a compact IRI.  Remembered for the last context asked about. */
static gboolean
context_has_compact_iri_keyword (PpJsonldExpansion *e,
                                 PpJsonldContext   *active)
{
  GHashTableIter iter;
  gpointer key, value;

  if (e->keys->checked == active)
    return e->keys->checked_has_keyword;

  g_clear_pointer (&e->keys->checked, pp_jsonld_context_unref);
  e->keys->checked = pp_jsonld_context_ref (active);
  e->keys->checked_has_keyword = FALSE;

  g_hash_table_iter_init (&iter, active->terms);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const PpJsonldTermDef *def = value;

      if (def != NULL && def->iri != NULL && strchr (key, ':') != NULL &&
          pp_jsonld_is_keyword (def->iri))
        {
          e->keys->checked_has_keyword = TRUE;
          break;
        }
    }

  return e->keys->checked_has_keyword;
}

/* the cache entry of the first @prefix_len bytes of @value (the prefix of
 * a compact IRI) in @active */
static const PrefixCacheEntry *
prefix_cache_lookup (PpJsonldExpansion *e,
                     PpJsonldContext   *active,
                     const char        *value,
                     gsize              prefix_len)
{
  guint hash = 5381;
  PrefixCacheEntry *entry;
  const PpJsonldTermDef *def;

  for (gsize i = 0; i < prefix_len; i++)
    hash = hash * 33 + (guchar) value[i];
  hash ^= (guint) (GPOINTER_TO_SIZE (active) >> 4) * 2654435761u;
  entry = &e->keys->prefixes[(hash >> 8) % PREFIX_CACHE_SIZE];

  if (entry->context == active && entry->prefix_len == prefix_len &&
      memcmp (entry->prefix, value, prefix_len) == 0)
    return entry;

  hold_context (&entry->context, active, &e->keys->n_prefixes_held);
  g_free (entry->prefix);
  entry->prefix = g_strndup (value, prefix_len);
  entry->prefix_len = prefix_len;

  /* as IRI Expansion reads a compact IRI: "_" is a blank node, and the
   * prefix must be a term defined as a prefix */
  def = pp_jsonld_context_get_term (active, entry->prefix);
  entry->iri = NULL;
  if (strcmp (entry->prefix, "_") != 0 && def != NULL && def->iri != NULL && def->prefix &&
      !context_has_compact_iri_keyword (e, active))
    entry->iri = def->iri;
  entry->iri_len = entry->iri != NULL ? strlen (entry->iri) : 0;

  return entry;
}

PpJsonValue *
pp_jsonld_expansion_expand_id (PpJsonldExpansion  *e,
                               PpJsonldContext    *active,
                               const char         *value,
                               gboolean            vocab,
                               GError            **error)
{
  GError *local_error = NULL;
  const char *colon;
  char *iri;

  /* a compact IRI whose prefix is defined: no term lookup of the whole
   * value, and no copy but the result's */
  colon = !vocab && value[0] != '@' && value[0] != '\0' ? strchr (value + 1, ':') : NULL;
  if (colon != NULL && !(colon[1] == '/' && colon[2] == '/'))
    {
      const PrefixCacheEntry *entry = prefix_cache_lookup (e, active, value, colon - value);

      if (entry->iri != NULL)
        {
          gsize suffix_len = strlen (colon + 1);
          char *str = pp_json_arena_alloc (e->arena, entry->iri_len + suffix_len + 1);

          memcpy (str, entry->iri, entry->iri_len);
          memcpy (str + entry->iri_len, colon + 1, suffix_len + 1);
          return pp_json_value_new_string_static (e->arena, str);
        }
    }

  iri = pp_jsonld_expand_iri (active, value, TRUE, vocab, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return iri != NULL ? pp_jsonld_expansion_take_string (e, iri) : pp_json_value_null ();
}

PpJsonValue *
pp_jsonld_expansion_new_string (PpJsonldExpansion *e,
                                const char        *str)
{
  return pp_json_value_new_string_static (e->arena, pp_json_arena_intern (e->names, str));
}

PpJsonValue *
pp_jsonld_expansion_take_string (PpJsonldExpansion *e,
                                 char              *str)
{
  PpJsonValue *value = pp_json_value_new_string (e->arena, str);

  g_free (str);
  return value;
}

PpJsonValue *
pp_jsonld_expansion_object_with (PpJsonldExpansion *e,
                                 const char        *key,
                                 PpJsonValue       *value)
{
  PpJsonValue *object = pp_json_value_new_object (e->arena, 1);

  pp_json_object_append (e->arena, object, key, value);
  return object;
}

/* }}} */

/* {{{ objects */

/* The input type of an object: the last value of its first @type entry,
 * expanded under the object's active context.  Only a @value entry reads
 * it (an object typed @json keeps its value as it is), so it is expanded
 * when one is met rather than for every node object. */
typedef struct {
  PpJsonldContext *active;  /* (nullable): the object's, with its type-scoped
                             * contexts; NULL without a type */
  const char      *value;   /* the type, before expansion */
} InputType;

static const char *
input_type_expand (PpJsonldExpansion *e,
                   const InputType   *input_type)
{
  gboolean unchanged;

  if (input_type == NULL || input_type->active == NULL)
    return NULL;

  return pp_jsonld_expansion_expand_vocab (e, input_type->active, input_type->value, &unchanged);
}

static gboolean expand_members (PpJsonldExpansion  *e,
                                PpJsonldContext    *active,
                                PpJsonldContext    *type_scoped,
                                const char         *active_property,
                                const PpJsonValue  *element,
                                const InputType    *input_type,
                                PpJsonValue        *result,
                                const char         *base_url,
                                GError            **error);


/* the expanded value of a property, wrapped as its container asks */
static gboolean
expand_property (PpJsonldExpansion      *e,
                 PpJsonldContext        *active,
                 const char             *key,
                 const PpJsonldTermDef  *def,
                 PpJsonValue            *value,
                 const char             *base_url,
                 PpJsonValue           **result,
                 GError                **error)
{
  guint container = def != NULL ? def->container : 0;
  PpJsonValue *expanded = NULL;

  if (def != NULL && pp_jsonld_str_is (def->type, "@json"))
    {
      expanded = pp_json_value_new_object (e->arena, 2);
      pp_json_object_append (e->arena, expanded, PP_JSON_KW (VALUE), value);
      pp_json_object_append (e->arena, expanded, PP_JSON_KW (TYPE),
                             pp_json_value_new_string_static (e->arena, PP_JSON_KW (JSON)));
    }
  else if ((container & PP_JSONLD_CONTAINER_LANGUAGE) && pp_json_value_is_object (value))
    {
      if (!pp_jsonld_expansion_expand_language_map (e, active, def, value, &expanded, error))
        return FALSE;
    }
  else if ((container & (PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_TYPE |
                         PP_JSONLD_CONTAINER_ID)) &&
           pp_json_value_is_object (value))
    {
      gboolean ok;

      e->depth++;
      ok = pp_jsonld_expansion_check_depth (e, error) &&
           pp_jsonld_expansion_expand_index_map (e, active, key, def, value, base_url,
                                                 &expanded, error);
      e->depth--;
      if (!ok)
        return FALSE;
    }
  else if (!pp_jsonld_expansion_expand_element (e, active, key, value, base_url, FALSE,
                                                &expanded, error))
    return FALSE;

  if (expanded == NULL)
    {
      *result = NULL;
      return TRUE;
    }

  if ((container & PP_JSONLD_CONTAINER_LIST) && !pp_json_value_is_list_object (expanded))
    expanded = pp_jsonld_expansion_object_with (e, PP_JSON_KW (LIST),
                                                pp_json_value_as_array (e->arena, expanded));

  if ((container & PP_JSONLD_CONTAINER_GRAPH) &&
      !(container & (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_INDEX)))
    {
      PpJsonValue *values = pp_json_value_as_array (e->arena, expanded);
      guint n = pp_json_value_get_size (values);
      PpJsonValue *graphs = pp_json_value_new_array (e->arena, n);

      for (guint j = 0; j < n; j++)
        pp_json_array_append (e->arena, graphs,
                              pp_jsonld_expansion_object_with (e, PP_JSON_KW (GRAPH),
                                                               pp_json_value_as_array (e->arena,
                                                                                       pp_json_array_get (values, j))));
      expanded = graphs;
    }

  *result = expanded;
  return TRUE;
}

static gboolean
expand_nests (PpJsonldExpansion  *e,
              PpJsonldContext    *active,
              PpJsonldContext    *type_scoped,
              const PpJsonValue  *element,
              GPtrArray          *nests,
              const InputType    *input_type,
              PpJsonValue        *result,
              const char         *base_url,
              GError            **error)
{
  if (e->ordered && nests->len > 1)
    g_ptr_array_sort (nests, pp_jsonld_compare_strings);

  for (guint i = 0; i < nests->len; i++)
    {
      const char *nesting_key = g_ptr_array_index (nests, i);
      PpJsonValue *nested = pp_json_object_get (element, nesting_key);
      const PpJsonldTermDef *nest_def = pp_jsonld_expansion_get_term (e, active, nesting_key);
      g_autoptr(PpJsonldContext) nest_active = NULL;
      gboolean is_array = pp_json_value_is_array (nested);
      guint n = is_array ? pp_json_value_get_size (nested) : 1;

      /* the nesting key's own scoped context applies inside */
      if (nest_def != NULL && nest_def->has_context)
        {
          nest_active = pp_jsonld_expansion_apply_context (e, active, nest_def->context,
                                                           nest_def->base_url, TRUE, TRUE, error);
          if (nest_active == NULL)
            return FALSE;
        }
      else
        nest_active = pp_jsonld_context_ref (active);

      for (guint j = 0; j < n; j++)
        {
          PpJsonValue *nested_value = is_array ? pp_json_array_get (nested, j) : nested;
          const PpJsonMember *members;
          gboolean ok;

          if (!pp_json_value_is_object (nested_value))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                                   "the values of \"%s\" must be objects", nesting_key);
              return FALSE;
            }

          members = pp_json_object_get_members (nested_value);
          for (guint k = 0; k < pp_json_value_get_size (nested_value); k++)
            {
              if (pp_jsonld_expansion_expand_key (e, nest_active, members[k].key) == PP_JSON_KW (VALUE))
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                                       "the values of \"%s\" cannot be value objects",
                                       nesting_key);
                  return FALSE;
                }
            }

          e->depth++;
          ok = pp_jsonld_expansion_check_depth (e, error) &&
               expand_members (e, nest_active, type_scoped, nesting_key, nested_value,
                               input_type, result, base_url, error);
          e->depth--;
          if (!ok)
            return FALSE;
        }
    }

  return TRUE;
}

static gboolean
expand_member (PpJsonldExpansion  *e,
               PpJsonldContext    *active,
               PpJsonldContext    *type_scoped,
               const char         *active_property,
               const char         *key,
               PpJsonValue        *value,
               const InputType    *input_type,
               PpJsonValue        *result,
               const char         *base_url,
               GPtrArray         **nests,
               GError            **error)
{
  const KeyCacheEntry *entry;
  const char *expanded_property;
  const PpJsonldTermDef *def;
  PpJsonValue *expanded = NULL;

  if (key == PP_JSON_KW (CONTEXT))
    return TRUE;

  /* one lookup for the expansion and the definition; read before the
   * value is expanded, which may reuse the entry */
  entry = key_cache_lookup (e, active, key);
  expanded_property = entry->expanded;
  def = entry->def;
  if (expanded_property == NULL)
    return TRUE;

  if (entry->is_keyword)
    return pp_jsonld_expansion_expand_keyword (e, active, type_scoped, active_property, key,
                                               expanded_property, value,
                                               expanded_property == PP_JSON_KW (VALUE)
                                               ? input_type_expand (e, input_type) : NULL,
                                               result, base_url, nests, error);

  if (!entry->is_iri)
    return TRUE;

  if (!expand_property (e, active, key, def, value, base_url, &expanded, error))
    return FALSE;
  if (expanded == NULL)
    return TRUE;

  if (def != NULL && def->reverse)
    return pp_jsonld_expansion_add_reverse_values (e, result, expanded_property, expanded, error);

  pp_json_object_add_value (e->arena, result, expanded_property, expanded, TRUE);
  return TRUE;
}

static gboolean
expand_members (PpJsonldExpansion  *e,
                PpJsonldContext    *active,
                PpJsonldContext    *type_scoped,
                const char         *active_property,
                const PpJsonValue  *element,
                const InputType    *input_type,
                PpJsonValue        *result,
                const char         *base_url,
                GError            **error)
{
  g_autoptr(GPtrArray) nests = NULL;
  const PpJsonMember *members = pp_json_object_get_members (element);
  guint n = pp_json_value_get_size (element);

  if (e->ordered && n > 1)
    {
      g_autoptr(GPtrArray) keys = pp_jsonld_expansion_get_keys (e, element);

      for (guint i = 0; i < keys->len; i++)
        {
          const char *key = g_ptr_array_index (keys, i);

          if (!expand_member (e, active, type_scoped, active_property, key,
                              pp_json_object_get (element, key), input_type, result,
                              base_url, &nests, error))
            return FALSE;
        }
    }
  else
    {
      for (guint i = 0; i < n; i++)
        if (!expand_member (e, active, type_scoped, active_property, members[i].key,
                            members[i].value, input_type, result, base_url, &nests, error))
          return FALSE;
    }

  if (nests == NULL)
    return TRUE;

  return expand_nests (e, active, type_scoped, element, nests, input_type, result, base_url,
                       error);
}

/* steps 15 to 19 of the Expansion algorithm: checks and simplifications of
 * an expanded object; *@result is replaced (possibly by NULL) */
static gboolean
finish_object (PpJsonldExpansion  *e,
               const char         *active_property,
               PpJsonValue       **result_value,
               GError            **error)
{
  PpJsonValue *result = *result_value;
  guint size = pp_json_value_get_size (result);
  PpJsonValue *type = pp_json_object_get (result, PP_JSON_KW (TYPE));

  if (pp_json_object_has (result, PP_JSON_KW (VALUE)))
    {
      const PpJsonMember *members = pp_json_object_get_members (result);
      PpJsonValue *value;

      for (guint i = 0; i < size; i++)
        {
          const char *key = members[i].key;

          if (key != PP_JSON_KW (DIRECTION) && key != PP_JSON_KW (INDEX) &&
              key != PP_JSON_KW (LANGUAGE) && key != PP_JSON_KW (TYPE) &&
              key != PP_JSON_KW (VALUE))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT,
                                   "a value object cannot have the entry %s", key);
              return FALSE;
            }
        }

      if (type != NULL && (pp_json_object_has (result, PP_JSON_KW (LANGUAGE)) ||
                           pp_json_object_has (result, PP_JSON_KW (DIRECTION))))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT,
                               "a value object cannot have both @type and @language "
                               "or @direction");
          return FALSE;
        }

      if (pp_jsonld_str_is (pp_json_value_get_string (type), "@json"))
        return TRUE;

      value = pp_json_object_get (result, PP_JSON_KW (VALUE));
      if (pp_json_value_is_null (value) ||
          (pp_json_value_is_array (value) && pp_json_value_get_size (value) == 0))
        {
          *result_value = NULL;
          return TRUE;
        }

      if (!pp_json_value_is_string (value) && pp_json_object_has (result, PP_JSON_KW (LANGUAGE)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_VALUE,
                               "a value with @language must be a string");
          return FALSE;
        }

      if (type != NULL && !pp_jsonld_iri_is_absolute (pp_json_value_get_string (type)))
        {
          g_autoptr(GString) text = g_string_new (NULL);

          pp_json_value_write (text, type, PP_JSON_WRITE_NONE);
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPED_VALUE,
                               "the @type %s of a value is not an absolute IRI", text->str);
          return FALSE;
        }
    }
  else if (type != NULL && !pp_json_value_is_array (type))
    {
      pp_json_object_set (e->arena, result, PP_JSON_KW (TYPE),
                          pp_json_value_as_array (e->arena, type));
    }
  else if (pp_json_object_has (result, PP_JSON_KW (SET)) ||
           pp_json_object_has (result, PP_JSON_KW (LIST)))
    {
      if (size > 2 || (size == 2 && !pp_json_object_has (result, PP_JSON_KW (INDEX))))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_SET_OR_LIST_OBJECT,
                               "a set or list object can only have @index besides");
          return FALSE;
        }

      if (pp_json_object_has (result, PP_JSON_KW (SET)))
        {
          PpJsonValue *set = pp_json_object_get (result, PP_JSON_KW (SET));

          *result_value = set;
          if (!pp_json_value_is_object (set))
            return TRUE;
          result = set;
          size = pp_json_value_get_size (result);
        }
    }

  if (size == 1 && pp_json_object_has (result, PP_JSON_KW (LANGUAGE)))
    {
      *result_value = NULL;
      return TRUE;
    }

  if (active_property == NULL || pp_jsonld_str_is (active_property, "@graph"))
    {
      if (size == 0 || pp_json_object_has (result, PP_JSON_KW (VALUE)) ||
          pp_json_object_has (result, PP_JSON_KW (LIST)) ||
          (size == 1 && pp_json_object_has (result, PP_JSON_KW (ID))))
        *result_value = NULL;
    }

  return TRUE;
}

/* whether a non-propagated context reverts before @element: unless it is
 * a value object or a node reference */
static gboolean
context_reverts (PpJsonldExpansion *e,
                 PpJsonldContext   *active,
                 const PpJsonValue *element)
{
  const PpJsonMember *members = pp_json_object_get_members (element);
  guint size = pp_json_value_get_size (element);

  for (guint i = 0; i < size; i++)
    {
      const char *expanded = pp_jsonld_expansion_expand_key (e, active, members[i].key);

      if (expanded == PP_JSON_KW (VALUE) || (size == 1 && expanded == PP_JSON_KW (ID)))
        return FALSE;
    }

  return TRUE;
}

/* applies the type-scoped contexts of @element to *@active; sets
 * @input_type up to the last value of its first @type entry */
static gboolean
apply_type_scoped (PpJsonldExpansion  *e,
                   PpJsonldContext   **active,
                   PpJsonldContext    *type_scoped,
                   const PpJsonValue  *element,
                   InputType          *input_type,
                   GError            **error)
{
  const PpJsonMember *members = pp_json_object_get_members (element);
  guint size = pp_json_value_get_size (element);
  const char *stack_keys[4];
  g_autoptr(GPtrArray) type_keys = NULL;
  g_autoptr(GPtrArray) terms = NULL;
  guint n_type_keys = 0;
  const char **keys = stack_keys;
  PpJsonValue *first;
  /* without a term that has a scoped context there is nothing to apply,
   * whatever the types: their terms are not looked up */
  gboolean scoped = pp_jsonld_context_has_scoped_terms (type_scoped);

  for (guint i = 0; i < size; i++)
    {
      if (pp_jsonld_expansion_expand_key (e, *active, members[i].key) != PP_JSON_KW (TYPE))
        continue;

      if (n_type_keys < G_N_ELEMENTS (stack_keys) && type_keys == NULL)
        stack_keys[n_type_keys] = members[i].key;
      else
        {
          if (type_keys == NULL)
            {
              type_keys = g_ptr_array_new ();
              for (guint j = 0; j < n_type_keys; j++)
                g_ptr_array_add (type_keys, (gpointer) stack_keys[j]);
            }
          g_ptr_array_add (type_keys, (gpointer) members[i].key);
        }
      n_type_keys++;
    }

  if (n_type_keys == 0)
    return TRUE;

  if (type_keys != NULL)
    keys = (const char **) type_keys->pdata;
  if (n_type_keys > 1)
    qsort (keys, n_type_keys, sizeof (char *), pp_jsonld_compare_strings);

  for (guint i = 0; i < n_type_keys; i++)
    {
      PpJsonValue *value = pp_json_object_get (element, keys[i]);
      const char *single = pp_json_value_get_string (value);
      const char * const *strings = &single;
      guint n_strings = 1;

      /* only the strings matter here; the values are checked later, but
       * one cut at a NUL could pick a scoped context */
      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_TYPE_VALUE, keys[i],
                                             error))
        return FALSE;
      if (single == NULL)
        {
          if (terms == NULL)
            terms = g_ptr_array_new ();
          g_ptr_array_set_size (terms, 0);
          if (!pp_jsonld_expansion_type_strings (value, keys[i], FALSE, terms, error))
            return FALSE;
          if (terms->len > 1)
            g_ptr_array_sort (terms, pp_jsonld_compare_strings);
          strings = (const char * const *) terms->pdata;
          n_strings = terms->len;
        }

      for (guint j = 0; scoped && j < n_strings; j++)
        {
          const PpJsonldTermDef *def = pp_jsonld_context_get_term (type_scoped, strings[j]);

          if (def != NULL && def->has_context)
            {
              PpJsonldContext *processed;

              processed = pp_jsonld_expansion_apply_context (e, *active, def->context,
                                                             def->base_url, FALSE, FALSE, error);
              if (processed == NULL)
                return FALSE;
              g_clear_pointer (active, pp_jsonld_context_unref);
              *active = processed;
            }
        }
    }

  /* the input type: the last value of the first @type entry */
  first = pp_json_object_get (element, keys[0]);
  if (pp_json_value_is_array (first) && pp_json_value_get_size (first) > 0)
    first = pp_json_array_get (first, pp_json_value_get_size (first) - 1);
  if (pp_json_value_is_string (first))
    {
      input_type->active = *active;
      input_type->value = pp_json_value_get_string (first);
    }

  return TRUE;
}

static gboolean
expand_object (PpJsonldExpansion  *e,
               PpJsonldContext    *active_in,
               const char         *active_property,
               const PpJsonValue  *element,
               const char         *base_url,
               gboolean            from_map,
               PpJsonValue       **result_value,
               GError            **error)
{
  const PpJsonldTermDef *ap_def = pp_jsonld_expansion_get_term (e, active_in, active_property);
  g_autoptr(PpJsonldContext) active = pp_jsonld_context_ref (active_in);
  g_autoptr(PpJsonldContext) type_scoped = NULL;
  InputType input_type = { NULL, NULL };
  PpJsonValue *context;
  PpJsonValue *result;

  if (++e->steps % CANCEL_CHECK_INTERVAL == 0 &&
      g_cancellable_set_error_if_cancelled (e->cancellable, error))
    return FALSE;

  /* a non-propagated context reverts in nested nodes */
  if (active->previous != NULL && !from_map && context_reverts (e, active, element))
    {
      PpJsonldContext *previous = pp_jsonld_context_ref (active->previous);

      g_clear_pointer (&active, pp_jsonld_context_unref);
      active = previous;
    }

  if (ap_def != NULL && ap_def->has_context)
    {
      PpJsonldContext *processed = pp_jsonld_expansion_apply_context (e, active, ap_def->context,
                                                                      ap_def->base_url, TRUE,
                                                                      TRUE, error);

      if (processed == NULL)
        return FALSE;
      g_clear_pointer (&active, pp_jsonld_context_unref);
      active = processed;
    }

  context = pp_json_object_get (element, PP_JSON_KW (CONTEXT));
  if (context != NULL)
    {
      PpJsonldContext *processed = apply_local_context (e, active, context, base_url, error);

      if (processed == NULL)
        return FALSE;
      g_clear_pointer (&active, pp_jsonld_context_unref);
      active = processed;
    }

  type_scoped = pp_jsonld_context_ref (active);

  if (!apply_type_scoped (e, &active, type_scoped, element, &input_type, error))
    return FALSE;

  result = pp_json_value_new_object (e->arena, pp_json_value_get_size (element));

  if (!expand_members (e, active, type_scoped, active_property, element, &input_type,
                       result, base_url, error))
    return FALSE;

  if (!finish_object (e, active_property, &result, error))
    return FALSE;

  *result_value = result;
  return TRUE;
}

gboolean
pp_jsonld_expansion_expand_element (PpJsonldExpansion  *e,
                                    PpJsonldContext    *active,
                                    const char         *active_property,
                                    PpJsonValue        *element,
                                    const char         *base_url,
                                    gboolean            from_map,
                                    PpJsonValue       **result,
                                    GError            **error)
{
  gboolean ok;

  *result = NULL;

  if (element == NULL || pp_json_value_is_null (element))
    return TRUE;

  if (pp_json_value_is_scalar (element))
    {
      const PpJsonldTermDef *ap_def;
      g_autoptr(PpJsonldContext) scoped = NULL;

      if (active_property == NULL || pp_jsonld_str_is (active_property, "@graph"))
        return TRUE;

      ap_def = pp_jsonld_expansion_get_term (e, active, active_property);
      if (ap_def != NULL && ap_def->has_context)
        {
          scoped = pp_jsonld_expansion_apply_context (e, active, ap_def->context,
                                                      ap_def->base_url, TRUE, TRUE, error);
          if (scoped == NULL)
            return FALSE;
          active = scoped;
        }

      *result = pp_jsonld_expansion_expand_value (e, active, active_property, element, error);
      return *result != NULL;
    }

  if (!pp_jsonld_expansion_check_depth (e, error))
    return FALSE;

  e->depth++;

  if (pp_json_value_is_array (element))
    {
      const PpJsonldTermDef *ap_def = pp_jsonld_expansion_get_term (e, active, active_property);
      gboolean list = ap_def != NULL && (ap_def->container & PP_JSONLD_CONTAINER_LIST);
      guint n = pp_json_value_get_size (element);
      PpJsonValue *expanded = pp_json_value_new_array (e->arena, n);

      ok = TRUE;
      for (guint i = 0; i < n && ok; i++)
        {
          PpJsonValue *item = NULL;

          ok = pp_jsonld_expansion_expand_element (e, active, active_property,
                                                   pp_json_array_get (element, i), base_url,
                                                   from_map, &item, error);
          if (!ok || item == NULL)
            continue;

          if (list && pp_json_value_is_array (item))
            item = pp_jsonld_expansion_object_with (e, PP_JSON_KW (LIST), item);

          pp_json_array_append_flattened (e->arena, expanded, item);
        }

      if (ok)
        *result = expanded;
    }
  else
    ok = expand_object (e, active, active_property, element, base_url, from_map, result, error);

  e->depth--;

  return ok;
}

/* }}} */

/* {{{ the entry points */

/* A run of the algorithm on one document: what expand_value() and
 * expand_value_foreach() share */
typedef struct {
  PpJsonldExpansion     e;
  PpJsonldOptions      *own_options;
  PpJsonldContext      *active;   /* the initial active context */
  const char           *base;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->e.keys, key_cache_give);
  g_clear_pointer (&run->e.contexts, g_hash_table_unref);
  g_clear_pointer (&run->e.cache, pp_jsonld_context_cache_free);
  g_clear_pointer (&run->active, pp_jsonld_context_unref);
  g_clear_pointer (&run->own_options, pp_jsonld_options_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* sets up @run (all zeros) for a document expanded into @arena: the
 * options checked, the initial context with the expand context of
 * @options applied */
static gboolean
run_init (Run              *run,
          PpJsonArena      *arena,
          PpJsonldOptions  *options,
          GCancellable     *cancellable,
          GError          **error)
{
  PpJsonldExpansion *e = &run->e;
  JsonNode *expand_context;

  if (options == NULL)
    options = run->own_options = pp_jsonld_options_new ();

  run->base = pp_jsonld_options_get_base (options);
  if (run->base != NULL && !g_utf8_validate (run->base, -1, NULL))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT, "the base IRI is not valid UTF-8");
      return FALSE;
    }

  e->arena = arena;
  e->names = arena;
  e->options = options;
  e->cancellable = cancellable;
  e->keys = key_cache_take ();
  e->ordered = pp_jsonld_options_get_ordered (options);
  run->active = pp_jsonld_context_new (options);

  expand_context = pp_jsonld_options_get_expand_context (options);
  if (expand_context != NULL)
    {
      PpJsonldContext *processed;

      if (JSON_NODE_HOLDS_OBJECT (expand_context) &&
          json_object_has_member (json_node_get_object (expand_context), "@context"))
        expand_context = json_object_get_member (json_node_get_object (expand_context), "@context");

      if (!pp_jsonld_node_validate_utf8 (expand_context, PP_JSONLD_MAX_DEPTH, error))
        return FALSE;

      processed = pp_jsonld_expansion_apply_context (e, run->active, expand_context,
                                                     run->base, FALSE, TRUE, error);
      if (processed == NULL)
        return FALSE;
      g_clear_pointer (&run->active, pp_jsonld_context_unref);
      run->active = processed;
    }

  return TRUE;
}

/* the whole document expanded, always an array */
static PpJsonValue *
run_expand (Run                *run,
            const PpJsonValue  *input,
            GError            **error)
{
  PpJsonArena *arena = run->e.arena;
  PpJsonValue *expanded = NULL;

  if (!pp_jsonld_expansion_expand_element (&run->e, run->active, NULL, (PpJsonValue *) input,
                                           run->base, FALSE, &expanded, error))
    return NULL;

  if (pp_json_value_is_object (expanded) && pp_json_value_get_size (expanded) == 1 &&
      pp_json_object_has (expanded, PP_JSON_KW (GRAPH)))
    expanded = pp_json_object_get (expanded, PP_JSON_KW (GRAPH));

  if (expanded == NULL)
    return pp_json_value_new_array (arena, 0);

  return pp_json_value_as_array (arena, expanded);
}

PpJsonValue *
pp_jsonld_expand_value (PpJsonArena        *arena,
                        const PpJsonValue  *input,
                        PpJsonldOptions    *options,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_auto(Run) run = { 0, };

  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!run_init (&run, arena, options, cancellable, error))
    return NULL;

  return run_expand (&run, input, error);
}

/* Where the elements of the expanded document go; once @func fails it
 * is not called any more, and its error is kept */
typedef struct {
  PpJsonldExpandedFunc  func;
  gpointer              user_data;
  gboolean              failed;
  GError               *error;
} Sink;

static void
sink_give (Sink              *sink,
           const PpJsonValue *element)
{
  if (!sink->failed && !sink->func (element, sink->user_data, &sink->error))
    sink->failed = TRUE;
}

/* @expanded (NULL, an element, or an array of elements) given to @sink */
static void
sink_take (Sink              *sink,
           const PpJsonValue *expanded)
{
  if (pp_json_value_is_array (expanded))
    {
      for (guint i = 0; i < pp_json_value_get_size (expanded); i++)
        sink_give (sink, pp_json_array_get (expanded, i));
    }
  else if (expanded != NULL)
    sink_give (sink, expanded);
}

/* Sets *@graph to the value of the only entry of @input, an object,
 * that is not @context, when that entry expands to @graph under the
 * active context of @input (then *@active): the document is a list of
 * nodes in @graph.  *@graph is NULL for any other document.  FALSE with
 * @error set when the context of @input fails, as expanding it would. */
static gboolean
graph_of_document (Run                *run,
                   const PpJsonValue  *input,
                   PpJsonValue       **graph,
                   PpJsonldContext   **active,
                   GError            **error)
{
  PpJsonldExpansion *e = &run->e;
  const PpJsonMember *members = pp_json_object_get_members (input);
  guint n = pp_json_value_get_size (input);
  PpJsonValue *context;

  *graph = NULL;

  /* a context that reverts in nested nodes is left to expand_object() */
  if (!pp_json_value_is_object (input) || run->active->previous != NULL ||
      n != (pp_json_object_has (input, PP_JSON_KW (CONTEXT)) ? 2 : 1))
    return TRUE;

  *active = pp_jsonld_context_ref (run->active);
  context = pp_json_object_get (input, PP_JSON_KW (CONTEXT));
  if (context != NULL)
    {
      PpJsonldContext *processed = apply_local_context (e, *active, context, run->base, error);

      /* the error, if any, is the one expand_object() would meet first */
      g_clear_pointer (active, pp_jsonld_context_unref);
      if (processed == NULL)
        return FALSE;
      *active = processed;
    }

  for (guint i = 0; i < n; i++)
    {
      if (members[i].key == PP_JSON_KW (CONTEXT))
        continue;
      if (pp_jsonld_expansion_expand_key (e, *active, members[i].key) == PP_JSON_KW (GRAPH))
        *graph = members[i].value;
    }

  if (*graph == NULL)
    g_clear_pointer (active, pp_jsonld_context_unref);

  return TRUE;
}

/* The elements of @graph, the @graph entry of the document, expanded
 * one at a time into @scratch as expand_object() and
 * pp_jsonld_expansion_expand_keyword() would expand them all, at the
 * same depth, and handed to @sink */
static gboolean
run_expand_graph (Run               *run,
                  PpJsonldContext   *active,
                  PpJsonValue       *graph,
                  PpJsonArena       *scratch,
                  Sink              *sink,
                  GError           **error)
{
  PpJsonldExpansion *e = &run->e;
  gboolean is_array = pp_json_value_is_array (graph);
  guint n = is_array ? pp_json_value_get_size (graph) : 1;
  gboolean ok = TRUE;

  e->arena = scratch;
  e->depth = 1;  /* in the document's object */
  if (is_array)
    {
      ok = pp_jsonld_expansion_check_depth (e, error);
      e->depth++;
    }

  for (guint i = 0; i < n && ok; i++)
    {
      PpJsonValue *item = NULL;

      ok = pp_jsonld_expansion_expand_element (e, active, PP_JSON_KW (GRAPH),
                                               is_array ? pp_json_array_get (graph, i) : graph,
                                               run->base, FALSE, &item, error);
      if (ok)
        sink_take (sink, item);
      pp_json_arena_reset (scratch);
    }

  e->depth = 0;
  e->arena = e->names;
  return ok;
}

gboolean
pp_jsonld_expand_value_foreach (PpJsonArena           *arena,
                                const PpJsonValue     *input,
                                PpJsonldOptions       *options,
                                GCancellable          *cancellable,
                                PpJsonldExpandedFunc   func,
                                gpointer               user_data,
                                GError               **error)
{
  g_auto(Run) run = { 0, };
  g_autoptr(PpJsonldContext) active = NULL;
  Sink sink = { func, user_data, FALSE, NULL };
  PpJsonValue *graph;
  gboolean ok;

  g_return_val_if_fail (arena != NULL, FALSE);
  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!run_init (&run, arena, options, cancellable, error))
    return FALSE;

  if (!graph_of_document (&run, input, &graph, &active, error))
    return FALSE;

  if (graph != NULL)
    {
      g_autoptr(PpJsonArena) scratch = pp_json_arena_new ();

      ok = run_expand_graph (&run, active, graph, scratch, &sink, error);
    }
  else
    {
      PpJsonValue *expanded = run_expand (&run, input, error);

      ok = expanded != NULL;
      if (ok)
        sink_take (&sink, expanded);
    }

  if (!ok)
    {
      g_clear_error (&sink.error);
      return FALSE;
    }

  if (sink.failed)
    {
      g_propagate_error (error, sink.error);
      return FALSE;
    }

  return TRUE;
}

PpJsonValue *
pp_jsonld_parse_document (PpJsonArena  *arena,
                          GBytes       *input,
                          GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  PpJsonValue *document;
  const char *data;
  gsize length;

  data = g_bytes_get_data (input, &length);
  if (length > G_MAXSSIZE)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "the document is too long");
      return NULL;
    }

  document = pp_json_value_parse (arena, data != NULL ? data : "", (gssize) length, &local_error);
  if (document == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s", local_error->message);
      return NULL;
    }

  return document;
}

/**
 * pp_jsonld_expand:
 * @input: a JSON-LD document
 * @options: (nullable): the options, %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Expands @input with the Expansion algorithm of JSON-LD 1.1: every IRI
 * made absolute, every value made explicit, contexts removed.
 *
 * Relative IRIs are resolved against the base of @options (the URL of the
 * document, if known). The expand context of @options, if any, is applied
 * before the document's own.
 *
 * @input is only read: it may be a sealed node shared with other threads.
 *
 * Returns: (transfer full): the expanded document, always an array, or
 *   %NULL with @error set (%PP_JSONLD_ERROR, or %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.1
 */
JsonNode *
pp_jsonld_expand (JsonNode         *input,
                  PpJsonldOptions  *options,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *document;
  PpJsonValue *expanded;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  arena = pp_json_arena_new ();
  document = pp_json_value_from_json_node (arena, input, PP_JSONLD_MAX_DEPTH, error);
  if (document == NULL)
    return NULL;

  expanded = pp_jsonld_expand_value (arena, document, options, cancellable, error);
  if (expanded == NULL)
    return NULL;

  return pp_json_value_to_json_node (expanded);
}

/**
 * pp_jsonld_expand_bytes:
 * @input: a JSON-LD document as JSON text in UTF-8
 * @options: (nullable): the options, %NULL for the defaults
 * @pretty: whether to indent the result, two spaces a level
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Expands the JSON text @input as [func@Pp.jsonld_expand] expands a tree,
 * and writes the result as [func@Pp.jsonld_to_json] writes it (without a
 * final newline). The text is read with the checks of
 * [func@Pp.json_validate]; a text that fails them fails with
 * %PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED, its message
 * "loading document failed: " followed by the cause and its position.
 *
 * The document never becomes a json-glib tree: it is read into libpp's
 * own compact values, expanded there and written straight to bytes.
 *
 * Returns: (transfer full) (nullable): the expanded document as JSON text,
 *   always an array, or %NULL with @error set (in %PP_JSONLD_ERROR, or
 *   %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.2
 */
GBytes *
pp_jsonld_expand_bytes (GBytes           *input,
                        PpJsonldOptions  *options,
                        gboolean          pretty,
                        GCancellable     *cancellable,
                        GError          **error)
{
  PpJsonArena *arena;
  PpJsonValue *document;
  PpJsonValue *expanded = NULL;
  GBytes *bytes = NULL;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Nothing of the arena outlives the call: the result is written out */
  arena = pp_jsonld_scratch_arena_take ();
  document = pp_jsonld_parse_document (arena, input, error);
  if (document != NULL)
    expanded = pp_jsonld_expand_value (arena, document, options, cancellable, error);
  if (expanded != NULL)
    bytes = pp_json_value_to_bytes (expanded, pretty ? PP_JSON_WRITE_PRETTY : PP_JSON_WRITE_NONE);
  pp_jsonld_scratch_arena_give (arena);

  return bytes;
}

/* }}} */
