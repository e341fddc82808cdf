/* pp-jsonld-compactor.c: compaction contexts, compacted documents, and
 * pp_jsonld_compact()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld.h"
#include "pp-jsonld-compact-private.h"
#include "pp-jsonld-compaction-private.h"
#include "pp-jsonld-expand-private.h"

/* {{{ processed compaction contexts */

/* Processed compaction contexts, most recently used first. Compacting many
 * documents against one context (the reconciler's schema.org context) then
 * processes it and builds its inverse once. Only sealed local contexts are
 * kept, with a reference, so an entry's key cannot change or be reused. */

#define CONTEXT_CACHE_SIZE 4

typedef struct {
  JsonNode               *local_context;
  char                   *base;
  PpJsonldProcessingMode  processing_mode;
  PpDocumentLoader       *loader;
  PpJsonldContext        *context;
} ContextCacheEntry;

static GMutex context_cache_lock;
static GQueue context_cache = G_QUEUE_INIT;

static void
context_cache_entry_free (gpointer data)
{
  ContextCacheEntry *entry = data;

  json_node_unref (entry->local_context);
  g_free (entry->base);
  g_clear_object (&entry->loader);
  pp_jsonld_context_unref (entry->context);
  g_free (entry);
}

static gboolean
context_cache_entry_matches (const ContextCacheEntry *entry,
                             JsonNode                *local_context,
                             PpJsonldOptions         *options)
{
  return entry->local_context == local_context &&
         entry->processing_mode == pp_jsonld_options_get_processing_mode (options) &&
         entry->loader == pp_jsonld_options_get_document_loader (options) &&
         g_strcmp0 (entry->base, pp_jsonld_options_get_base (options)) == 0;
}

/* The active context for @local_context on top of the initial context of
 * @options: from the cache, or processed (and cached when sealed). */
static PpJsonldContext *
get_compaction_context (JsonNode         *local_context,
                        PpJsonldOptions  *options,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(PpJsonldContext) initial = NULL;
  ContextCacheEntry *entry = NULL;
  PpJsonldContext *context;
  gboolean sealed = json_node_is_immutable (local_context);

  if (sealed)
    {
      g_mutex_lock (&context_cache_lock);
      for (GList *l = context_cache.head; l != NULL; l = l->next)
        {
          if (context_cache_entry_matches (l->data, local_context, options))
            {
              entry = l->data;
              g_queue_unlink (&context_cache, l);
              g_queue_push_head_link (&context_cache, l);
              break;
            }
        }
      context = entry != NULL ? pp_jsonld_context_ref (entry->context) : NULL;
      g_mutex_unlock (&context_cache_lock);

      if (context != NULL)
        return context;
    }

  if (!pp_jsonld_node_validate_utf8 (local_context, PP_JSONLD_MAX_DEPTH, error))
    return NULL;

  initial = pp_jsonld_context_new (options);
  context = pp_jsonld_context_process (initial, local_context,
                                       pp_jsonld_options_get_base (options),
                                       NULL, FALSE, TRUE, TRUE, options,
                                       cancellable, error);
  if (context == NULL || !sealed)
    return context;

  entry = g_new0 (ContextCacheEntry, 1);
  entry->local_context = json_node_ref (local_context);
  entry->base = g_strdup (pp_jsonld_options_get_base (options));
  entry->processing_mode = pp_jsonld_options_get_processing_mode (options);
  entry->loader = pp_jsonld_options_get_document_loader (options);
  if (entry->loader != NULL)
    g_object_ref (entry->loader);
  entry->context = pp_jsonld_context_ref (context);

  g_mutex_lock (&context_cache_lock);
  g_queue_push_head (&context_cache, entry);
  entry = context_cache.length > CONTEXT_CACHE_SIZE ?
          g_queue_pop_tail (&context_cache) : NULL;
  g_mutex_unlock (&context_cache_lock);

  g_clear_pointer (&entry, context_cache_entry_free);

  return context;
}

/* Whether @context adds nothing: null, an empty map or an empty array */
static gboolean
context_is_empty (JsonNode *context)
{
  if (context == NULL || JSON_NODE_HOLDS_NULL (context))
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (context))
    return json_object_get_size (json_node_get_object (context)) == 0;
  if (JSON_NODE_HOLDS_ARRAY (context))
    return json_array_get_length (json_node_get_array (context)) == 0;
  return FALSE;
}

/* }}} */

/* {{{ the compactor */

/* A compaction against one context, for compacting a document piece by
 * piece: the context is processed once, and the scoped contexts and the
 * inverse context are kept from one piece to the next. */
struct _PpJsonldCompactor
{
  PpJsonldOptions    *options;
  JsonNode           *local_context;   /* the context itself, without @context */
  PpJsonldContext    *active;
  PpJsonldCompaction  c;
};

PpJsonldCompactor *
pp_jsonld_compactor_new (JsonNode         *context,
                         PpJsonldOptions  *options,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(PpJsonldOptions) own_options = NULL;
  g_autoptr(JsonNode) local_context = NULL;
  PpJsonldCompactor *compactor;
  PpJsonldContext *active;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = own_options = pp_jsonld_options_new ();

  if (context != NULL && JSON_NODE_HOLDS_OBJECT (context) &&
      json_object_has_member (json_node_get_object (context), "@context"))
    context = json_object_get_member (json_node_get_object (context), "@context");

  local_context = context != NULL ? json_node_ref (context) : pp_jsonld_node_new_empty_object ();

  active = get_compaction_context (local_context, options, cancellable, error);
  if (active == NULL)
    return NULL;

  compactor = g_new0 (PpJsonldCompactor, 1);
  compactor->options = pp_jsonld_options_ref (options);
  compactor->local_context = g_steal_pointer (&local_context);
  compactor->active = active;
  pp_jsonld_compaction_init (&compactor->c, compactor->options, cancellable);

  return compactor;
}

void
pp_jsonld_compactor_free (PpJsonldCompactor *compactor)
{
  if (compactor == NULL)
    return;

  pp_jsonld_compaction_clear (&compactor->c);
  pp_jsonld_context_unref (compactor->active);
  json_node_unref (compactor->local_context);
  pp_jsonld_options_unref (compactor->options);
  g_free (compactor);
}

/* Compacts @element (at @depth: 0 for a whole document, 1 for an item of
 * its top-level array) into @arena */
static PpJsonValue *
compactor_compact (PpJsonldCompactor  *compactor,
                   PpJsonArena        *arena,
                   const PpJsonValue  *element,
                   guint               depth,
                   GError            **error)
{
  PpJsonValue *compacted;

  pp_jsonld_compaction_begin (&compactor->c, arena);
  compacted = pp_jsonld_compaction_compact_element (&compactor->c, compactor->active, NULL,
                                                    element, depth, error);
  pp_jsonld_compaction_end (&compactor->c);

  return compacted;
}

/* The array rule of the Compaction algorithm, for no active property, on
 * the compacted items of a top-level array: whether the only item stands
 * for the array */
static gboolean
compactor_unwraps (PpJsonldCompactor *compactor,
                   guint              n_items)
{
  return n_items == 1 && compactor->c.compact_arrays;
}

/* Where a document holds its top-level array of @n_items items: the alias
 * of @graph, interned in @arena; NULL with *@error unset when the array is
 * empty and the document holds nothing */
static const char *
compactor_get_graph_key (PpJsonldCompactor  *compactor,
                         PpJsonArena        *arena,
                         guint               n_items,
                         GError            **error)
{
  const char *alias;

  if (n_items == 0)
    return NULL;

  pp_jsonld_compaction_begin (&compactor->c, arena);
  alias = pp_jsonld_compaction_compact_keyword (&compactor->c, compactor->active,
                                                PP_JSON_KW (GRAPH), error);
  pp_jsonld_compaction_end (&compactor->c);

  return alias;
}

/* The document of a compacted top-level result, in @arena, without the
 * context: several nodes go under @graph (or its alias) */
static PpJsonValue *
compactor_make_document (PpJsonldCompactor  *compactor,
                         PpJsonArena        *arena,
                         PpJsonValue        *compacted,
                         GError            **error)
{
  PpJsonValue *document;
  const char *graph_key;
  GError *local_error = NULL;

  if (pp_json_value_is_object (compacted))
    return compacted;

  document = pp_json_value_new_object (arena, 2);
  if (!pp_json_value_is_array (compacted))
    return document;  /* a scalar at the top: nothing a document can hold */

  graph_key = compactor_get_graph_key (compactor, arena, pp_json_value_get_size (compacted),
                                       &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (graph_key != NULL)
    pp_json_object_append (arena, document, graph_key, compacted);

  return document;
}

/* @document with the compactor's context as its first entry, as values */
static PpJsonValue *
compactor_add_context (PpJsonldCompactor *compactor,
                       PpJsonArena       *arena,
                       PpJsonValue       *document)
{
  const PpJsonMember *members = pp_json_object_get_members (document);
  PpJsonValue *with_context;

  if (context_is_empty (compactor->local_context))
    return document;

  with_context = pp_json_value_new_object (arena, pp_json_value_get_size (document) + 1);
  pp_json_object_append (arena, with_context, PP_JSON_KW (CONTEXT),
                         pp_json_value_from_json_node_unchecked (arena, compactor->local_context));
  for (guint i = 0; i < pp_json_value_get_size (document); i++)
    if (members[i].key != PP_JSON_KW (CONTEXT))
      pp_json_object_append (arena, with_context, members[i].key, members[i].value);

  return with_context;
}

/* @document (an object) with the compactor's context as its first entry,
 * as a tree: a sealed context cannot change under the result, so it is
 * shared */
static JsonNode *
compactor_add_context_node (PpJsonldCompactor *compactor,
                            JsonObject        *document)
{
  JsonObject *with_context;
  JsonNode *local_context = compactor->local_context;
  GList *members;

  if (context_is_empty (local_context))
    return pp_jsonld_node_new_object (json_object_ref (document));

  with_context = json_object_new ();
  json_object_set_member (with_context, "@context",
                          json_node_is_immutable (local_context) ?
                          json_node_ref (local_context) :
                          pp_jsonld_node_copy_deep (local_context));

  members = json_object_get_members (document);
  for (GList *l = members; l != NULL; l = l->next)
    if (strcmp (l->data, "@context") != 0)
      json_object_set_member (with_context, l->data,
                              json_node_ref (json_object_get_member (document, l->data)));
  g_list_free (members);

  return pp_jsonld_node_new_object (with_context);
}

/* Compacts @element (see compactor_compact()) into a tree: the document
 * when @document, else the compacted element */
static JsonNode *
compactor_compact_to_node (PpJsonldCompactor  *compactor,
                           const PpJsonValue  *element,
                           guint               depth,
                           gboolean            document,
                           GError            **error)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(JsonNode) tree = NULL;
  PpJsonValue *compacted;

  compacted = compactor_compact (compactor, arena, element, depth, error);
  if (compacted == NULL)
    return NULL;

  if (!document)
    return pp_json_value_to_json_node (compacted);

  compacted = compactor_make_document (compactor, arena, compacted, error);
  if (compacted == NULL)
    return NULL;

  tree = pp_json_value_to_json_node (compacted);
  return compactor_add_context_node (compactor, json_node_get_object (tree));
}

/* compactor_compact_to_node() for a tree the library built */
static JsonNode *
compactor_compact_node (PpJsonldCompactor  *compactor,
                        JsonNode           *element,
                        guint               depth,
                        gboolean            document,
                        GError            **error)
{
  g_autoptr(PpJsonArena) input_arena = pp_json_arena_new ();

  return compactor_compact_to_node (compactor,
                                    pp_json_value_from_json_node_unchecked (input_arena, element),
                                    depth, document, error);
}

/* Compacts one item of the top-level array of an expanded document */
JsonNode *
pp_jsonld_compactor_compact_item (PpJsonldCompactor  *compactor,
                                  JsonNode           *item,
                                  GError            **error)
{
  g_return_val_if_fail (compactor != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return compactor_compact_node (compactor, item, 1, FALSE, error);
}

PpJsonValue *
pp_jsonld_compactor_compact_item_value (PpJsonldCompactor  *compactor,
                                        PpJsonArena        *arena,
                                        const PpJsonValue  *item,
                                        GError            **error)
{
  g_return_val_if_fail (compactor != NULL, NULL);
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return compactor_compact (compactor, arena, item, 1, error);
}

/* Makes the compacted document of the items compacted one by one with
 * pp_jsonld_compactor_compact_item(), in the order of the expanded
 * document: what pp_jsonld_compact_expanded() gives for the whole array.
 * Takes @items. */
JsonNode *
pp_jsonld_compactor_finish (PpJsonldCompactor  *compactor,
                            JsonArray          *items,
                            GError            **error)
{
  g_autoptr(JsonArray) array = items;
  g_autoptr(JsonObject) document = NULL;
  JsonNode *only = NULL;

  g_return_val_if_fail (compactor != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);

  if (compactor_unwraps (compactor, json_array_get_length (items)))
    only = json_array_get_element (items, 0);

  if (only != NULL && JSON_NODE_HOLDS_OBJECT (only))
    {
      document = json_object_ref (json_node_get_object (only));
    }
  else if (only == NULL || JSON_NODE_HOLDS_ARRAY (only))
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      GError *local_error = NULL;
      const char *graph_key;

      if (only != NULL)
        {
          JsonArray *inner = json_array_ref (json_node_get_array (only));

          g_clear_pointer (&array, json_array_unref);
          array = inner;
        }

      graph_key = compactor_get_graph_key (compactor, arena, json_array_get_length (array),
                                           &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }

      document = json_object_new ();
      if (graph_key != NULL)
        json_object_set_array_member (document, graph_key, g_steal_pointer (&array));
    }
  else
    {
      /* a scalar at the top: nothing a document can hold */
      document = json_object_new ();
    }

  return compactor_add_context_node (compactor, document);
}

PpJsonValue *
pp_jsonld_compactor_finish_value (PpJsonldCompactor  *compactor,
                                  PpJsonArena        *arena,
                                  PpJsonValue        *items,
                                  GError            **error)
{
  PpJsonValue *compacted = items;
  PpJsonValue *document;

  g_return_val_if_fail (compactor != NULL, NULL);
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (pp_json_value_is_array (items), NULL);

  if (compactor_unwraps (compactor, pp_json_value_get_size (items)))
    compacted = pp_json_array_get (items, 0);

  document = compactor_make_document (compactor, arena, compacted, error);
  if (document == NULL)
    return NULL;

  return compactor_add_context (compactor, arena, document);
}

/* }}} */

/* {{{ whole documents */

JsonNode *
pp_jsonld_compact_expanded (JsonNode         *expanded,
                            JsonNode         *context,
                            PpJsonldOptions  *options,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(PpJsonldCompactor) compactor = NULL;

  g_return_val_if_fail (expanded != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  compactor = pp_jsonld_compactor_new (context, options, cancellable, error);
  if (compactor == NULL)
    return NULL;

  return compactor_compact_node (compactor, expanded, 0, TRUE, error);
}

PpJsonValue *
pp_jsonld_compact_expanded_value (PpJsonArena        *arena,
                                  const PpJsonValue  *expanded,
                                  JsonNode           *context,
                                  PpJsonldOptions    *options,
                                  GCancellable       *cancellable,
                                  GError            **error)
{
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  PpJsonValue *compacted;

  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (expanded != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  compactor = pp_jsonld_compactor_new (context, options, cancellable, error);
  if (compactor == NULL)
    return NULL;

  compacted = compactor_compact (compactor, arena, expanded, 0, error);
  if (compacted == NULL)
    return NULL;

  compacted = compactor_make_document (compactor, arena, compacted, error);
  if (compacted == NULL)
    return NULL;

  return compactor_add_context (compactor, arena, compacted);
}

/**
 * pp_jsonld_compact:
 * @input: the JSON-LD document to compact
 * @context: (nullable): the context to compact with: a context, or a map
 *   with an `@context` entry
 * @options: (nullable): the options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compacts @input according to @context: the compact() method of the
 * JSON-LD 1.1 Processing Algorithms and API. The input is expanded first;
 * a result with several top-level nodes holds them under `@graph`, and the
 * context is added to the result unless it is empty.
 *
 * A sealed @context (see json_node_seal()) is processed once and reused by
 * later calls with the same base IRI, processing mode and document loader,
 * so compacting many documents against one context costs little more than
 * compacting them. This function may be called from several threads at
 * once, with the same @context if it is sealed.
 *
 * Errors are in the #PP_JSONLD_ERROR domain, except cancellation
 * (%G_IO_ERROR_CANCELLED).
 *
 * Returns: (transfer full): the compacted document, or %NULL on error
 *
 * Since: 0.1
 */
JsonNode *
pp_jsonld_compact (JsonNode        *input,
                   JsonNode        *context,
                   PpJsonldOptions *options,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *document;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* the tree is converted here, once: expansion and compaction work on
   * values */
  arena = pp_json_arena_new ();
  document = pp_json_value_from_json_node (arena, input, PP_JSONLD_MAX_DEPTH, error);
  if (document == NULL)
    return NULL;

  document = pp_jsonld_expand_value (arena, document, options, cancellable, error);
  if (document == NULL)
    return NULL;

  compactor = pp_jsonld_compactor_new (context, options, cancellable, error);
  if (compactor == NULL)
    return NULL;

  return compactor_compact_to_node (compactor, document, 0, TRUE, error);
}

/* }}} */
