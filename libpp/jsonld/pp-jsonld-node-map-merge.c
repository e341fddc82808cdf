/* pp-jsonld-node-map-merge.c: merging node maps, graphs and nodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-node-map-types-private.h"
#include "pp-jsonld-util-private.h"

#include <string.h>

/* a copy of @value whose references point at nodes of @target, and whose
 * value objects are copied into @map when @copy_values; with @target
 * %NULL, @value is a value of a node of @map and the copy is for another
 * node of the same graph: its references point at the nodes they resolve
 * to, its strings are interned in @map already */
static Value
value_copy_into (const Value     *value,
                 PpJsonldNodeMap *map,
                 Graph           *target,
                 gboolean         copy_values)
{
  switch (value->kind)
    {
    case VALUE_REF:
      {
        Node *node = pp_node_map_node_resolve (value->v.ref);

        if (target == NULL)
          return pp_node_map_value_ref (node);
        return pp_node_map_value_ref (pp_node_map_graph_ensure_node (map, target, node->id));
      }

    case VALUE_JSON:
      return pp_node_map_value_json (copy_values ? pp_node_map_keep_value (map, value->v.json)
                                                 : value->v.json);

    case VALUE_STRING:
      if (target == NULL)
        return *value;
      return pp_node_map_value_string (pp_node_map_intern (map, value->v.str));

    case VALUE_LIST:
    default:
      {
        ValueList *items = pp_node_map_value_list_new (map);

        for (guint i = 0; i < value->v.list->n; i++)
          pp_node_map_value_list_append (map, items,
                                         value_copy_into (&value->v.list->items[i], map, target,
                                                          copy_values));
        return pp_node_map_value_list (items);
      }
    }
}

/* adds the types, index and properties of @from to @into; @into belongs to
 * @target, whose nodes the copied references point at, or, with @target
 * %NULL, to the graph of @from in the same map */
static gboolean
node_merge_into (Node            *from,
                 Node            *into,
                 PpJsonldNodeMap *map,
                 Graph           *target,
                 gboolean         overwrite_index,
                 gboolean         copy_values,
                 GError         **error)
{
  /* a node or a property made for the merge gets room for what it
   * receives, no more: a merged map keeps no slack, nor the smaller
   * arrays it outgrew, for each of its nodes */
  pp_node_map_prop_reserve (map, &into->types, from->types.n);
  for (guint i = 0; i < from->types.n; i++)
    pp_node_map_prop_add_unique (map, &into->types,
                                 value_copy_into (&from->types.values[i], map, target,
                                                  copy_values));

  if (from->index != NULL)
    {
      if (into->index != NULL && !overwrite_index &&
          !pp_json_value_equal (into->index, from->index))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONFLICTING_INDEXES,
                               "nodes %s and %s have different @index values",
                               from->id, into->id);
          return FALSE;
        }
      into->index = copy_values ? pp_node_map_keep_value (map, from->index) : from->index;
    }

  if (into->n_props == 0)
    pp_node_map_node_reserve_props (map, into, from->n_props);

  for (guint i = 0; i < from->n_props; i++)
    {
      Prop *prop = &from->props[i];
      const char *name = target == NULL ? prop->name : pp_node_map_intern (map, prop->name);

      pp_node_map_prop_reserve (map, pp_node_map_node_ensure_prop (map, into, name), prop->n);
      for (guint j = 0; j < prop->n; j++)
        {
          Value copy = value_copy_into (&prop->values[j], map, target, copy_values);

          /* copying may add nodes, never properties: the lookup is cheap */
          pp_node_map_prop_add_unique (map, pp_node_map_node_lookup_prop (into, name), copy);
        }
    }

  return TRUE;
}

gboolean
pp_node_map_merge_from (PpJsonldNodeMap  *map,
                        PpJsonldNodeMap  *other,
                        gboolean          copy_all,
                        GError          **error)
{
  gboolean copy_values;

  for (guint i = 0; i < other->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (other->graph_order, i);
      Graph *target = pp_node_map_lookup_graph (map, graph->name);

      for (guint j = 0; target != NULL && j < graph->order->len; j++)
        {
          Node *node = g_ptr_array_index (graph->order, j);
          Node *existing;

          if (node->index == NULL)
            continue;

          existing = pp_node_map_graph_lookup_node (target, node->id);
          if (existing != NULL && existing->index != NULL &&
              !pp_json_value_equal (existing->index, node->index))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONFLICTING_INDEXES,
                                   "node %s has two different @index values", node->id);
              return FALSE;
            }
        }
    }

  /* the values of @other point into these; those of its own arena alone
   * (it copied the values of its documents) are copied in turn, so that a
   * map of many small documents does not keep an arena for each */
  copy_values = copy_all || other->arenas->len == 0;
  for (guint i = 0; !copy_values && i < other->arenas->len; i++)
    pp_node_map_keep_arena (map, g_ptr_array_index (other->arenas, i));
  if (!copy_values)
    {
      pp_node_map_keep_arena (map, other->arena);
      other->arena_shared = TRUE;
    }

  for (guint i = 0; i < other->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (other->graph_order, i);
      Graph *target = pp_node_map_ensure_graph (map, graph->name);

      for (guint j = 0; j < graph->order->len; j++)
        {
          Node *node = g_ptr_array_index (graph->order, j);

          /* checked above: this cannot fail */
          node_merge_into (node, pp_node_map_graph_ensure_node (map, target, node->id),
                           map, target, FALSE, copy_values, NULL);
        }
    }

  map->counter = MAX (map->counter, other->counter);
  return TRUE;
}

/**
 * pp_jsonld_node_map_add_map:
 * @map: a node map
 * @other: the node map to add to @map
 * @error: return location for a #GError
 *
 * Merges every graph of @other into @map, as
 * pp_jsonld_node_map_add_document() merges a document's node map: a
 * document can be put in a node map of its own first, to learn which nodes
 * it has, then added.  @other is not changed.  Fails, leaving @map as it
 * was, when a node has different `@index` values in the two maps.
 *
 * Returns: %TRUE on success
 */
gboolean
pp_jsonld_node_map_add_map (PpJsonldNodeMap  *map,
                            PpJsonldNodeMap  *other,
                            GError          **error)
{
  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (other != NULL && other != map, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return pp_node_map_merge_from (map, other, FALSE, error);
}

/**
 * pp_jsonld_node_map_add_map_copied:
 * @map: a node map
 * @other: the node map to add to @map
 * @error: return location for a #GError
 *
 * pp_jsonld_node_map_add_map(), copying every value object @map keeps of
 * @other into its own memory (each distinct value once): @map keeps
 * neither @other's arena nor those of its documents alive, so that a map
 * that points at the values of its document, without copying them, can
 * pass them on to @map and be emptied for the next document.
 *
 * Returns: %TRUE on success
 */
gboolean
pp_jsonld_node_map_add_map_copied (PpJsonldNodeMap  *map,
                                   PpJsonldNodeMap  *other,
                                   GError          **error)
{
  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (other != NULL && other != map, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return pp_node_map_merge_from (map, other, TRUE, error);
}

/**
 * pp_jsonld_node_map_merge_graphs:
 * @map: a node map
 * @flags: how to order the output
 *
 * Runs the Merge Node Maps algorithm: one map of every node of every graph
 * of @map, the nodes with the same identifier in several graphs merged.
 *
 * Returns: (transfer full): a JSON object whose entries are node
 *   identifiers and whose values are the merged nodes
 */
JsonNode *
pp_jsonld_node_map_merge_graphs (PpJsonldNodeMap      *map,
                                 PpJsonldFlattenFlags  flags)
{
  g_autoptr(PpJsonldNodeMap) merged = NULL;
  g_autoptr(JsonNode) json = NULL;
  Graph *target;

  g_return_val_if_fail (map != NULL, NULL);

  merged = pp_jsonld_node_map_new ();
  target = pp_node_map_lookup_graph (merged, "@default");
  for (guint i = 0; i < map->arenas->len; i++)
    pp_node_map_keep_arena (merged, g_ptr_array_index (map->arenas, i));
  pp_node_map_keep_arena (merged, map->arena);
  map->arena_shared = TRUE;

  for (guint i = 0; i < map->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (map->graph_order, i);

      for (guint j = 0; j < graph->order->len; j++)
        {
          Node *node = g_ptr_array_index (graph->order, j);
          Node *into;

          if (node->merged_into != NULL)
            continue;

          into = pp_node_map_graph_ensure_node (merged, target, node->id);
          /* keywords other than @type are overwritten, so this cannot fail */
          node_merge_into (node, into, merged, target, TRUE, FALSE, NULL);
        }
    }

  json = pp_jsonld_node_map_to_json (merged, flags);
  return json_node_ref (json_object_get_member (json_node_get_object (json), "@default"));
}

/* gives @into, a node with nothing but its identifier, the types, index
 * and properties of @from, a node of the same graph, which is left with
 * nothing but its identifier: what merging @from into @into gives, without
 * a copy */
static void
node_move_into (Node *from,
                Node *into)
{
  pp_node_map_node_clear (into);

  into->index = from->index;
  into->types = from->types;
  into->props = from->props;
  into->n_props = from->n_props;
  into->cap_props = from->cap_props;
  into->prop_index = from->prop_index;

  from->index = NULL;
  from->types.values = NULL;
  from->types.index = NULL;
  from->types.n = from->types.cap = 0;
  from->props = NULL;
  from->n_props = from->cap_props = 0;
  from->prop_index = NULL;
}

/**
 * pp_jsonld_node_map_merge_nodes:
 * @map: a node map
 * @graph_name: (nullable): the graph, %NULL or `@default` for the default graph
 * @from_id: the identifier of the node to merge away
 * @into_id: the identifier of the node that receives it
 * @error: return location for a #GError
 *
 * Merges the node @from_id of a graph into the node @into_id (created when
 * missing): @into_id gets all its types and property values, and every
 * reference to @from_id in the graph now points at @into_id, including the
 * references added to the map later.  This is how nodes found to describe
 * the same entity are merged under one identifier.
 *
 * Returns: %TRUE on success; %FALSE with %PP_JSONLD_ERROR_CONFLICTING_INDEXES
 *   when the two nodes have different `@index` values
 */
gboolean
pp_jsonld_node_map_merge_nodes (PpJsonldNodeMap  *map,
                                const char       *graph_name,
                                const char       *from_id,
                                const char       *into_id,
                                GError          **error)
{
  Graph *graph;
  Node *from, *into;

  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (from_id != NULL, FALSE);
  g_return_val_if_fail (into_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  graph = pp_node_map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return TRUE;

  from = pp_node_map_graph_lookup_node (graph, from_id);
  into = pp_node_map_graph_ensure_node (map, graph, into_id);

  return pp_node_map_merge_node (map, from, into, error);
}

gboolean
pp_node_map_merge_node (PpJsonldNodeMap  *map,
                        Node             *from,
                        Node             *into,
                        GError          **error)
{
  if (from == NULL || from == into)
    return TRUE;

  /* a node merged into a new identifier, alone or first of its group,
   * moves there rather than being copied */
  if (pp_node_map_node_is_only_id (into))
    node_move_into (from, into);
  else if (!node_merge_into (from, into, map, NULL, FALSE, FALSE, error))
    return FALSE;

  from->merged_into = into;
  map->has_merged_nodes = TRUE;

  /* the values now live in @into */
  pp_node_map_node_clear (from);

  return TRUE;
}
