/* pp-jsonld-flatten.c: the Flattening algorithm and pp_jsonld_flatten()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-compact-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-flatten-private.h"
#include "pp-jsonld-node-map-private.h"
#include "pp-jsonld-node-map-types-private.h"
#include "pp-jsonld-util-private.h"

#include <string.h>

/* The key a compacted document uses for @graph under @context: compacting
 * two nodes always gives a top-level @graph entry (or its alias), the only
 * entry other than @context whose value is an array. */
static char *
find_graph_alias (JsonNode         *context,
                  PpJsonldOptions  *options,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(JsonNode) probe = NULL;
  g_autoptr(JsonNode) compacted = NULL;
  JsonArray *nodes = json_array_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_array_add_element (nodes, json_from_string ("{\"@id\": \"_:a\"}", NULL));
  json_array_add_element (nodes, json_from_string ("{\"@id\": \"_:b\"}", NULL));
  probe = pp_jsonld_node_new_array (nodes);

  compacted = pp_jsonld_compact_expanded (probe, context, options, cancellable, error);
  if (compacted == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (compacted))
    {
      json_object_iter_init (&iter, json_node_get_object (compacted));
      while (json_object_iter_next (&iter, &name, &member))
        if (strcmp (name, "@context") != 0 && JSON_NODE_HOLDS_ARRAY (member))
          return g_strdup (name);
    }

  return g_strdup ("@graph");
}

/* Makes sure @compacted (of @arena) has nothing but @context and the
 * @graph entry at the top level, as the Flattening algorithm requires even
 * when there is one node or none. */
static PpJsonValue *
wrap_in_graph (PpJsonArena      *arena,
               PpJsonValue      *compacted,
               JsonNode         *context,
               PpJsonldOptions  *options,
               gsize             n_nodes,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autofree char *alias = NULL;
  const PpJsonMember *members;
  PpJsonValue *result;
  PpJsonValue *node;
  PpJsonValue *graph;
  guint n;

  if (!pp_json_value_is_object (compacted))
    return compacted;

  /* an array of one node or more that was not compacted away to its only
   * element already is the @graph entry */
  if (n_nodes > 1 || (n_nodes == 1 && !pp_jsonld_options_get_compact_arrays (options)))
    return compacted;

  alias = find_graph_alias (context, options, cancellable, error);
  if (alias == NULL)
    return NULL;

  members = pp_json_object_get_members (compacted);
  n = pp_json_value_get_size (compacted);
  result = pp_json_value_new_object (arena, 2);
  node = pp_json_value_new_object (arena, n);
  graph = pp_json_value_new_array (arena, 1);

  for (guint i = 0; i < n; i++)
    {
      if (members[i].key == PP_JSON_KW (CONTEXT))
        pp_json_object_append (arena, result, members[i].key, members[i].value);
      else
        pp_json_object_append (arena, node, members[i].key, members[i].value);
    }

  if (pp_json_value_get_size (node) > 0)
    pp_json_array_append (arena, graph, node);

  pp_json_object_set (arena, result, pp_json_arena_intern (arena, alias), graph);
  return result;
}

static gboolean
add_to_node_map (const PpJsonValue  *element,
                 gpointer            user_data,
                 GError            **error)
{
  return pp_jsonld_node_map_builder_add (user_data, element, error);
}

/* The Flattening algorithm on values: @input (of @input_arena) flattened.
 * Each element of the expanded document goes into the node map as soon as
 * it is expanded (pp_jsonld_expand_value_foreach()), the map copying what
 * it keeps, so the expanded document is not in memory as a whole.
 * @input_arena is released as soon as the node map holds all it keeps of
 * the input, before the output is built, which reuses its memory.  The result lives in *@map,
 * whether it was compacted or not. */
static PpJsonValue *
flatten_value (PpJsonArena        *input_arena,
               const PpJsonValue  *input,
               JsonNode           *context,
               PpJsonldOptions    *options,
               GCancellable       *cancellable,
               PpJsonldNodeMap   **map,
               GError            **error)
{
  PpJsonldFlattenFlags flags = PP_JSONLD_FLATTEN_NONE;
  g_autoptr(PpJsonArena) owned_input = input_arena;
  g_autoptr(PpJsonArena) expansion = NULL;
  PpJsonldNodeMapBuilder *builder;
  PpJsonArena *arena;
  PpJsonValue *flattened;
  PpJsonValue *compacted;

  if (pp_jsonld_options_get_ordered (options))
    flags |= PP_JSONLD_FLATTEN_ORDERED;

  /* what the expansion keeps for the whole run (the names it interns) in
   * an arena of its own; its values share the strings of the input, and
   * the map copies what it keeps of both */
  expansion = pp_json_arena_new ();
  *map = pp_jsonld_node_map_new ();
  builder = pp_jsonld_node_map_builder_new (*map, NULL, NULL, cancellable);
  pp_jsonld_node_map_builder_set_names (builder, expansion);
  if (!pp_jsonld_expand_value_foreach (expansion, input, options, cancellable, add_to_node_map,
                                       builder, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      pp_jsonld_node_map_builder_free (builder);
      return NULL;
    }
  if (!pp_jsonld_node_map_builder_finish (builder, error))
    return NULL;

  /* the output is built in the memory of the input and its expansion,
   * which is resident already, rather than in new memory */
  arena = (*map)->arena;
  pp_json_arena_take_memory (arena, g_steal_pointer (&expansion));
  pp_json_arena_take_memory (arena, g_steal_pointer (&owned_input));

  flattened = pp_jsonld_node_map_flatten_value (*map, flags);

  if (context == NULL || JSON_NODE_HOLDS_NULL (context))
    {
      pp_json_arena_release_spare (arena);
      return flattened;
    }

  /* already expanded: compaction must not expand it again */
  compacted = pp_jsonld_compact_expanded_value (arena, flattened, context, options,
                                                cancellable, error);
  if (compacted != NULL)
    compacted = wrap_in_graph (arena, compacted, context, options,
                               pp_json_value_get_size (flattened), cancellable, error);

  pp_json_arena_release_spare (arena);
  return compacted;
}

/**
 * pp_jsonld_flatten:
 * @input: a JSON-LD document
 * @context: (nullable): the context to compact the result with, or %NULL
 * @options: (nullable): options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Flattens @input as the `flatten()` method of the JSON-LD 1.1 API does:
 * the document is expanded, every node is collected with all its
 * properties into one node object at the top level (named graphs in the
 * `@graph` entry of the node named after them), and every blank node gets a
 * new identifier (`_:b0`, `_:b1`, …).
 *
 * Without @context the result is an array of node objects in expanded form.
 * With @context (a context, or a document with an `@context` entry) the
 * result is compacted with it and always is an object whose only entries
 * are `@context` and `@graph` (or its alias).
 *
 * With the #PpJsonldOptions:ordered option set, nodes and graphs are sorted
 * by identifier, and compaction sorts the keys of every object.
 *
 * Returns: (transfer full) (nullable): the flattened document, or %NULL
 *   with @error set (in %PP_JSONLD_ERROR, or %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.1
 */
JsonNode *
pp_jsonld_flatten (JsonNode         *input,
                   JsonNode         *context,
                   PpJsonldOptions  *options,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(PpJsonldOptions) default_options = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  g_autoptr(PpJsonldNodeMap) map = NULL;
  PpJsonValue *document;
  PpJsonValue *flattened;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = default_options = pp_jsonld_options_new ();

  arena = pp_json_arena_new ();
  document = pp_json_value_from_json_node (arena, input, PP_JSONLD_MAX_DEPTH, error);
  if (document == NULL)
    return NULL;

  flattened = flatten_value (g_steal_pointer (&arena), document, context, options,
                             cancellable, &map, error);
  if (flattened == NULL)
    return NULL;

  return pp_json_value_to_json_node (flattened);
}

/**
 * pp_jsonld_flatten_bytes:
 * @input: a JSON-LD document as JSON text in UTF-8
 * @context: (nullable): the context to compact the result with, or %NULL
 * @options: (nullable): options, or %NULL for the defaults
 * @pretty: whether to indent the result, two spaces a level
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Flattens the JSON text @input as [func@Pp.jsonld_flatten] flattens a
 * tree, and writes the result as [func@Pp.jsonld_to_json] writes it
 * (without a final newline). The text is read with the checks of
 * [func@Pp.json_validate] (UTF-8, nesting, values a JSON tree cannot hold);
 * a text that fails them fails with
 * %PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED, its message
 * "loading document failed: " followed by the cause and its position.
 *
 * The document never becomes a json-glib tree: it is read into libpp's
 * own compact values, flattened there and written straight to bytes.
 *
 * Returns: (transfer full) (nullable): the flattened document as JSON text,
 *   or %NULL with @error set (in %PP_JSONLD_ERROR, or %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.2
 */
GBytes *
pp_jsonld_flatten_bytes (GBytes           *input,
                         JsonNode         *context,
                         PpJsonldOptions  *options,
                         gboolean          pretty,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(PpJsonldOptions) default_options = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  g_autoptr(PpJsonldNodeMap) map = NULL;
  PpJsonValue *document;
  PpJsonValue *flattened;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = default_options = pp_jsonld_options_new ();

  arena = pp_json_arena_new ();
  document = pp_jsonld_parse_document (arena, input, error);
  if (document == NULL)
    return NULL;

  flattened = flatten_value (g_steal_pointer (&arena), document, context, options,
                             cancellable, &map, error);
  if (flattened == NULL)
    return NULL;

  return pp_json_value_to_bytes (flattened, pretty ? PP_JSON_WRITE_PRETTY : PP_JSON_WRITE_NONE);
}

/**
 * pp_jsonld_flatten_document:
 * @arena: (transfer full): the arena of @document
 * @document: a JSON-LD document as values
 * @context: (nullable): the context to compact the result with, or %NULL
 * @options: (nullable): options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @map: (out) (transfer full): the node map the result lives in
 * @error: return location for a #GError
 *
 * The Flattening algorithm of pp_jsonld_flatten_bytes() on a document
 * already read (pp_jsonld_parse_document()).  The function takes @arena
 * and releases it, with @document, as soon as the node map holds what it
 * keeps of them: do not use @document afterwards.  The result is valid as
 * long as *@map lives.
 *
 * Returns: (transfer none) (nullable): the flattened document
 */
PpJsonValue *
pp_jsonld_flatten_document (PpJsonArena        *arena,
                            const PpJsonValue  *document,
                            JsonNode           *context,
                            PpJsonldOptions    *options,
                            GCancellable       *cancellable,
                            PpJsonldNodeMap   **map,
                            GError            **error)
{
  g_autoptr(PpJsonldOptions) default_options = NULL;
  PpJsonValue *flattened;

  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (document != NULL, NULL);
  g_return_val_if_fail (map != NULL && *map == NULL, NULL);

  if (options == NULL)
    options = default_options = pp_jsonld_options_new ();

  flattened = flatten_value (arena, document, context, options, cancellable, map, error);
  if (flattened == NULL)
    g_clear_pointer (map, pp_jsonld_node_map_unref);

  return flattened;
}
