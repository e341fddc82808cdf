/* pp-jsonld-flatten.c: the Flattening algorithm and pp_jsonld_flatten()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld.h"
#include "pp-json-parse.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-compact-private.h"
#include "pp-jsonld-node-map-private.h"
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

/* Makes sure @compacted has nothing but @context and the @graph entry at
 * the top level, as the Flattening algorithm requires even when there is
 * one node or none. */
static JsonNode *
wrap_in_graph (JsonNode         *compacted,
               JsonNode         *context,
               PpJsonldOptions  *options,
               gsize             n_nodes,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autofree char *alias = NULL;
  JsonObject *object;
  JsonObject *result;
  JsonObject *node;
  JsonArray *graph;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (compacted))
    return json_node_ref (compacted);

  /* an array of one node or more that was not compacted away to its only
   * element already is the @graph entry */
  if (n_nodes > 1 || (n_nodes == 1 && !pp_jsonld_options_get_compact_arrays (options)))
    return json_node_ref (compacted);

  alias = find_graph_alias (context, options, cancellable, error);
  if (alias == NULL)
    return NULL;

  object = json_node_get_object (compacted);
  result = json_object_new ();
  node = json_object_new ();
  graph = json_array_new ();

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      if (strcmp (name, "@context") == 0)
        json_object_set_member (result, name, json_node_ref (member));
      else
        json_object_set_member (node, name, json_node_ref (member));
    }

  if (json_object_get_size (node) > 0)
    json_array_add_element (graph, pp_jsonld_node_new_object (node));
  else
    json_object_unref (node);

  json_object_set_array_member (result, alias, graph);
  return pp_jsonld_node_new_object (result);
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
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(JsonNode) flattened = NULL;
  g_autoptr(JsonNode) compacted = NULL;
  g_autoptr(PpJsonldNodeMap) map = NULL;
  PpJsonldFlattenFlags flags = PP_JSONLD_FLATTEN_NONE;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = default_options = pp_jsonld_options_new ();

  if (pp_jsonld_options_get_ordered (options))
    flags |= PP_JSONLD_FLATTEN_ORDERED;

  expanded = pp_jsonld_expand (input, options, cancellable, error);
  if (expanded == NULL)
    return NULL;

  map = pp_jsonld_node_map_new ();
  if (!pp_jsonld_node_map_add_document (map, expanded, NULL, cancellable, error))
    return NULL;

  /* the map keeps the value objects it needs: free the rest of the
   * expanded document before building the output, to lower the peak */
  g_clear_pointer (&expanded, json_node_unref);

  flattened = pp_jsonld_node_map_flatten (map, flags);
  g_clear_pointer (&map, pp_jsonld_node_map_unref);

  if (context == NULL || JSON_NODE_HOLDS_NULL (context))
    return g_steal_pointer (&flattened);

  /* already expanded: compaction must not expand it again */
  compacted = pp_jsonld_compact_expanded (flattened, context, options, cancellable, error);
  if (compacted == NULL)
    return NULL;

  return wrap_in_graph (compacted, context, options,
                        json_array_get_length (json_node_get_array (flattened)),
                        cancellable, error);
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
  g_autoptr(PpJsonArena) arena = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autoptr(JsonNode) flattened = NULL;
  PpJsonValue *document;
  const char *data;
  gsize length;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (input, &length);
  if (length > G_MAXSSIZE)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "the document is too long");
      return NULL;
    }

  arena = pp_json_arena_new ();
  document = pp_json_value_parse (arena, data != NULL ? data : "", (gssize) length, &local_error);
  if (document == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s", local_error->message);
      return NULL;
    }

  /* expansion and the node map still take a tree */
  tree = pp_json_value_to_json_node (document);
  g_clear_pointer (&arena, pp_json_arena_unref);

  flattened = pp_jsonld_flatten (tree, context, options, cancellable, error);
  if (flattened == NULL)
    return NULL;
  g_clear_pointer (&tree, json_node_unref);

  arena = pp_json_arena_new ();
  return pp_json_value_to_bytes (pp_json_value_from_json_node_unchecked (arena, flattened),
                                 pretty ? PP_JSON_WRITE_PRETTY : PP_JSON_WRITE_NONE);
}
