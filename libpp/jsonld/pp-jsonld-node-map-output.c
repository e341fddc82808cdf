/* pp-jsonld-node-map-output.c: the Flattening algorithm's output and the
 * other JSON forms of a node map
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-node-map-types-private.h"
#include "pp-jsonld-util-private.h"

#include <stdlib.h>
#include <string.h>

/* The output is built as values in an arena: the map's own arena for
 * pp_jsonld_node_map_flatten_value(), whose keys are interned there
 * already, or a scratch arena for the trees of the JsonNode entry points.
 * Value objects are not copied: the output points at them, in the arenas
 * the map keeps (or in its own). */

/* @name (interned in the map) as a key of @arena */
static inline const char *
output_key (PpJsonldNodeMap *map,
            PpJsonArena     *arena,
            const char      *name)
{
  return arena == map->arena ? name : pp_json_arena_intern (arena, name);
}

/* The values written for a node's @id, a reference to it and a type
 * are made once in the map's arena, and shared by every place they
 * appear in the output built there: the output is read-only, and the map
 * outlives it.  The output built in another arena (a node flattened on
 * its own, a tree) gets its own, so that the map does not keep them: a
 * map whose nodes are flattened one by one as they arrive would keep an
 * @id and a reference per node it will never write again. */
static PpJsonValue *
node_id_value (PpJsonldNodeMap *map,
               PpJsonArena     *arena,
               Node            *node)
{
  if (arena != map->arena)
    return pp_json_value_new_string_static (arena, node->id);

  if (node->id_value == NULL)
    node->id_value = pp_json_value_new_string_static (map->arena, node->id);
  return node->id_value;
}

static PpJsonValue *
node_reference (PpJsonldNodeMap *map,
                PpJsonArena     *arena,
                Node            *node)
{
  PpJsonValue *reference;

  if (arena == map->arena && node->reference != NULL)
    return node->reference;

  reference = pp_json_value_new_object (arena, 1);
  pp_json_object_append (arena, reference, PP_JSON_KW (ID), node_id_value (map, arena, node));
  if (arena == map->arena)
    node->reference = reference;
  return reference;
}

static PpJsonValue *
string_value (PpJsonldNodeMap *map,
              PpJsonArena     *arena,
              const char      *str)
{
  PpJsonValue *value;

  if (arena != map->arena)
    return pp_json_value_new_string_static (arena, str);

  if (map->string_values == NULL)
    map->string_values = g_hash_table_new (NULL, NULL);

  value = g_hash_table_lookup (map->string_values, str);
  if (value == NULL)
    {
      value = pp_json_value_new_string_static (map->arena, str);
      g_hash_table_insert (map->string_values, (gpointer) str, value);
    }
  return value;
}

static PpJsonValue *
value_to_value (PpJsonldNodeMap *map,
                PpJsonArena     *arena,
                const Value     *value)
{
  switch (value->kind)
    {
    case VALUE_REF:
      return node_reference (map, arena, pp_node_map_node_resolve (value->v.ref));

    case VALUE_JSON:
      return (PpJsonValue *) value->v.json;

    case VALUE_STRING:
      return string_value (map, arena, value->v.str);

    case VALUE_LIST:
    default:
      {
        PpJsonValue *items = pp_json_value_new_array (arena, value->v.list->n);
        PpJsonValue *object = pp_json_value_new_object (arena, 1);

        for (guint i = 0; i < value->v.list->n; i++)
          pp_json_array_append (arena, items, value_to_value (map, arena, &value->v.list->items[i]));

        pp_json_object_append (arena, object, PP_JSON_KW (LIST), items);
        return object;
      }
    }
}

/* {{{ canonical order */

/* a string of @len bytes between quotes, with quotes and backslashes
 * escaped and a NUL inside written as a backslash and "0", so that two
 * different strings never give the same serialisation */
static void
canonical_append_string (GString    *out,
                         const char *str,
                         gsize       len)
{
  g_string_append_c (out, '"');
  for (const char *p = str; p < str + len; p++)
    {
      if (*p == '"' || *p == '\\' || *p == '\0')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p != '\0' ? *p : '0');
    }
  g_string_append_c (out, '"');
}

/* the canonical serialisation used to sort values: compact JSON with the
 * members of objects in code point order */
static void
canonical_append (GString           *out,
                  const PpJsonValue *value)
{
  switch (pp_json_value_get_type (value))
    {
    case PP_JSON_TYPE_OBJECT:
      {
        guint n = pp_json_value_get_size (value);
        const PpJsonMember *members = pp_json_object_get_members (value);
        /* one member is in order already: a reference, most often */
        g_autoptr(GPtrArray) keys = n > 1 ? pp_json_object_get_keys_sorted (value) : NULL;

        g_string_append_c (out, '{');
        for (guint i = 0; i < n; i++)
          {
            const char *key = keys != NULL ? g_ptr_array_index (keys, i) : members[i].key;

            if (i > 0)
              g_string_append_c (out, ',');
            canonical_append_string (out, key, strlen (key));
            g_string_append_c (out, ':');
            canonical_append (out, keys != NULL ? pp_json_object_get (value, key) : members[i].value);
          }
        g_string_append_c (out, '}');
        break;
      }

    case PP_JSON_TYPE_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < pp_json_value_get_size (value); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          canonical_append (out, pp_json_array_get (value, i));
        }
      g_string_append_c (out, ']');
      break;

    case PP_JSON_TYPE_NULL:
      g_string_append (out, "null");
      break;

    case PP_JSON_TYPE_STRING:
      canonical_append_string (out, pp_json_value_get_string (value),
                               pp_json_value_get_string_length (value));
      break;

    case PP_JSON_TYPE_BOOLEAN:
      g_string_append (out, pp_json_value_get_boolean (value) ? "true" : "false");
      break;

    case PP_JSON_TYPE_INT:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, pp_json_value_get_int (value));
      break;

    case PP_JSON_TYPE_DOUBLE:
    default:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (out, g_ascii_dtostr (buf, sizeof buf, pp_json_value_get_double (value)));
        break;
      }
    }
}

typedef struct {
  const char  *key;     /* in the buffer of the keys, once it is written */
  gsize        offset;  /* of @key in that buffer */
  PpJsonValue *value;
} SortItem;

static int
compare_sort_items (const void *a,
                    const void *b)
{
  return strcmp (((const SortItem *) a)->key, ((const SortItem *) b)->key);
}

/* }}} */

static guint
value_hash_func (gconstpointer value)
{
  return pp_node_map_value_hash (value);
}

static gboolean
value_equal_func (gconstpointer a,
                  gconstpointer b)
{
  return pp_node_map_value_equal (a, b);
}

/* Whether two values of @prop may be equal: the values of a property are
 * added once each, so only references to a node merged away since can
 * have become equal to another value */
static gboolean
prop_may_repeat (const Prop *prop)
{
  for (guint i = 0; i < prop->n; i++)
    if (prop->values[i].kind == VALUE_REF && prop->values[i].v.ref->merged_into != NULL)
      return TRUE;

  return FALSE;
}

/* builds the array of @prop's values, sorted and deduplicated as asked */
static PpJsonValue *
prop_to_value (PpJsonldNodeMap      *map,
               PpJsonArena          *arena,
               Prop                 *prop,
               PpJsonldFlattenFlags  flags)
{
  guint n = prop->n;
  PpJsonValue *array = pp_json_value_new_array (arena, n);
  g_autoptr(GHashTable) seen = NULL;

  /* merged nodes can leave equal references behind */
  if (map->has_merged_nodes && n > 1 && prop_may_repeat (prop))
    seen = g_hash_table_new (value_hash_func, value_equal_func);

  if ((flags & PP_JSONLD_FLATTEN_CANONICAL) && n > 1)
    {
      g_autofree SortItem *items = g_new (SortItem, n);
      /* the keys one after the other, each ended by a NUL */
      g_autoptr(GString) keys = g_string_new (NULL);
      guint n_items = 0;

      for (guint i = 0; i < n; i++)
        {
          Value *value = &prop->values[i];

          if (seen != NULL && value->kind != VALUE_LIST && !g_hash_table_add (seen, value))
            continue;

          items[n_items].value = value_to_value (map, arena, value);
          items[n_items].offset = keys->len;
          canonical_append (keys, items[n_items].value);
          g_string_append_c (keys, '\0');
          n_items++;
        }

      for (guint i = 0; i < n_items; i++)
        items[i].key = keys->str + items[i].offset;
      qsort (items, n_items, sizeof (SortItem), compare_sort_items);
      for (guint i = 0; i < n_items; i++)
        pp_json_array_append (arena, array, items[i].value);
    }
  else
    {
      for (guint i = 0; i < n; i++)
        {
          Value *value = &prop->values[i];

          if (seen != NULL && value->kind != VALUE_LIST && !g_hash_table_add (seen, value))
            continue;

          pp_json_array_append (arena, array, value_to_value (map, arena, value));
        }
    }

  return array;
}

static int
compare_props (const void *a,
               const void *b)
{
  return strcmp ((*(const Prop * const *) a)->name, (*(const Prop * const *) b)->name);
}

PpJsonValue *
pp_node_map_node_to_value (PpJsonldNodeMap      *map,
                           PpJsonArena          *arena,
                           Node                 *node,
                           PpJsonldFlattenFlags  flags)
{
  PpJsonValue *object = pp_json_value_new_object (arena, 1 + (node->types.n > 0) +
                                                         (node->index != NULL) + node->n_props + 1);

  pp_json_object_append (arena, object, PP_JSON_KW (ID), node_id_value (map, arena, node));

  if (node->types.n > 0)
    pp_json_object_append (arena, object, PP_JSON_KW (TYPE),
                           prop_to_value (map, arena, &node->types, flags));

  if (node->index != NULL)
    pp_json_object_append (arena, object, PP_JSON_KW (INDEX), (PpJsonValue *) node->index);

  if (node->n_props > 0)
    {
      Prop *stack_props[32];
      g_autofree Prop **heap_props = NULL;
      Prop **props = stack_props;

      if (node->n_props > G_N_ELEMENTS (stack_props))
        props = heap_props = g_new (Prop *, node->n_props);
      for (guint i = 0; i < node->n_props; i++)
        props[i] = &node->props[i];

      if ((flags & PP_JSONLD_FLATTEN_CANONICAL) && node->n_props > 1)
        qsort (props, node->n_props, sizeof (Prop *), compare_props);

      for (guint i = 0; i < node->n_props; i++)
        pp_json_object_append (arena, object, output_key (map, arena, props[i]->name),
                               prop_to_value (map, arena, props[i], flags));
    }

  return object;
}

static int
compare_graphs (const void *a,
                const void *b)
{
  return strcmp ((*(Graph * const *) a)->name, (*(Graph * const *) b)->name);
}

/* the graphs other than the default graph, in the order asked for */
static GPtrArray *
map_get_named_graphs (PpJsonldNodeMap      *map,
                      PpJsonldFlattenFlags  flags)
{
  GPtrArray *graphs = g_ptr_array_new ();

  for (guint i = 0; i < map->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (map->graph_order, i);

      if (strcmp (graph->name, "@default") != 0)
        g_ptr_array_add (graphs, graph);
    }

  if ((flags & (PP_JSONLD_FLATTEN_ORDERED | PP_JSONLD_FLATTEN_CANONICAL)) && graphs->len > 1)
    qsort (graphs->pdata, graphs->len, sizeof (Graph *), compare_graphs);

  return graphs;
}

static PpJsonValue *
graph_to_flat_array (PpJsonldNodeMap      *map,
                     PpJsonArena          *arena,
                     Graph                *graph,
                     PpJsonldFlattenFlags  flags,
                     GHashTable           *graph_entries)
{
  g_autoptr(GPtrArray) nodes = pp_node_map_graph_get_nodes (graph, flags);
  PpJsonValue *array = pp_json_value_new_array (arena, nodes->len);

  for (guint i = 0; i < nodes->len; i++)
    {
      Node *node = g_ptr_array_index (nodes, i);
      PpJsonValue *graph_array = NULL;
      PpJsonValue *object;

      if (graph_entries != NULL && g_hash_table_size (graph_entries) > 0)
        graph_array = g_hash_table_lookup (graph_entries, node->id);

      if (graph_array == NULL && pp_node_map_node_is_only_id (node))
        continue;

      object = pp_node_map_node_to_value (map, arena, node, flags);
      if (graph_array != NULL)
        {
          pp_json_object_append (arena, object, PP_JSON_KW (GRAPH), graph_array);
          g_hash_table_remove (graph_entries, node->id);
        }

      pp_json_array_append (arena, array, object);
    }

  return array;
}

static PpJsonValue *
map_flatten (PpJsonldNodeMap      *map,
             PpJsonArena          *arena,
             PpJsonldFlattenFlags  flags)
{
  g_autoptr(GPtrArray) named = map_get_named_graphs (map, flags);
  g_autoptr(GHashTable) graph_entries = g_hash_table_new (g_str_hash, g_str_equal);
  Graph *default_graph = pp_node_map_lookup_graph (map, "@default");

  for (guint i = 0; i < named->len; i++)
    {
      Graph *graph = g_ptr_array_index (named, i);

      /* the default graph gets a node for every graph name */
      pp_node_map_graph_ensure_node (map, default_graph, graph->name);
      g_hash_table_insert (graph_entries, (gpointer) graph->name,
                           graph_to_flat_array (map, arena, graph, flags, NULL));
    }

  return graph_to_flat_array (map, arena, default_graph, flags, graph_entries);
}

/**
 * pp_jsonld_node_map_flatten_value:
 * @map: a node map
 * @flags: how to order the output
 *
 * pp_jsonld_node_map_flatten() as values, built in the map's own arena:
 * the result is valid as long as @map lives, and shares the value objects
 * of the documents added to it (treat it as read-only).
 *
 * Returns: (transfer none): an array in flattened document form
 */
PpJsonValue *
pp_jsonld_node_map_flatten_value (PpJsonldNodeMap      *map,
                                  PpJsonldFlattenFlags  flags)
{
  g_return_val_if_fail (map != NULL, NULL);

  return map_flatten (map, map->arena, flags);
}

/**
 * pp_jsonld_node_map_flatten:
 * @map: a node map
 * @flags: how to order the output
 *
 * Runs the Flattening algorithm on @map (without compaction): the nodes of
 * the default graph, each with all its properties, and every named graph as
 * the `@graph` entry of the node named after it.  Nodes that have nothing
 * but an `@id` are left out.
 *
 * Returns: (transfer full): a JSON array in flattened document form
 */
JsonNode *
pp_jsonld_node_map_flatten (PpJsonldNodeMap      *map,
                            PpJsonldFlattenFlags  flags)
{
  g_autoptr(PpJsonArena) arena = NULL;

  g_return_val_if_fail (map != NULL, NULL);

  arena = pp_json_arena_new ();
  return pp_json_value_to_json_node (map_flatten (map, arena, flags));
}

/**
 * pp_jsonld_node_map_flatten_node:
 * @map: a node map
 * @id: a node identifier
 * @flags: how to order the node's values
 *
 * Builds the node object that pp_jsonld_node_map_flatten() gives for one
 * node of the default graph, for output built node by node.  The `@graph`
 * entry of a node named after a graph is not included: a map with named
 * graphs is flattened whole.
 *
 * Returns: (transfer full) (nullable): the node object, or %NULL if there
 *   is no such node or it has nothing but an `@id` (flattening leaves it
 *   out)
 */
JsonNode *
pp_jsonld_node_map_flatten_node (PpJsonldNodeMap      *map,
                                 const char           *id,
                                 PpJsonldFlattenFlags  flags)
{
  g_autoptr(PpJsonArena) arena = NULL;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  arena = pp_json_arena_new ();
  return pp_json_value_to_json_node (pp_jsonld_node_map_flatten_node_value (map, arena, id, flags));
}

/**
 * pp_jsonld_node_map_flatten_node_value:
 * @map: a node map
 * @arena: the arena of the node object
 * @id: a node identifier
 * @flags: how to order the node's values
 *
 * pp_jsonld_node_map_flatten_node() on values: the node object is built in
 * @arena, and shares the values of the map, which must outlive it.
 *
 * Returns: (transfer none) (nullable): the node object, or %NULL if there
 *   is no such node or it has nothing but an `@id`
 */
PpJsonValue *
pp_jsonld_node_map_flatten_node_value (PpJsonldNodeMap      *map,
                                       PpJsonArena          *arena,
                                       const char           *id,
                                       PpJsonldFlattenFlags  flags)
{
  Node *node;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = pp_node_map_graph_find_node (pp_node_map_lookup_graph (map, "@default"), id);
  if (node == NULL || node->merged_into != NULL || pp_node_map_node_is_only_id (node))
    return NULL;

  return pp_node_map_node_to_value (map, arena, node, flags);
}

/**
 * pp_jsonld_node_map_get_node:
 * @map: a node map
 * @graph_name: (nullable): the graph, %NULL for the default graph
 * @id: a node identifier
 *
 * Builds the node object of a node of @map: `@id`, `@type` and `@index`
 * when present, and an array of values per property, in the order they
 * appeared.  A node merged away with pp_jsonld_node_map_merge_nodes() gives
 * the node it was merged into.
 *
 * Returns: (transfer full) (nullable): the node object, or %NULL if there is
 *   no such node
 */
JsonNode *
pp_jsonld_node_map_get_node (PpJsonldNodeMap *map,
                             const char      *graph_name,
                             const char      *id)
{
  g_autoptr(PpJsonArena) arena = NULL;
  Graph *graph;
  Node *node;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  graph = pp_node_map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return NULL;

  node = pp_node_map_graph_lookup_node (graph, id);
  if (node == NULL)
    return NULL;

  arena = pp_json_arena_new ();
  return pp_json_value_to_json_node (pp_node_map_node_to_value (map, arena, node,
                                                                PP_JSONLD_FLATTEN_NONE));
}

/**
 * pp_jsonld_node_map_to_json:
 * @map: a node map
 * @flags: how to order the output
 *
 * Builds the node map in the form the specification describes: an object
 * with an entry per graph name (`@default` for the default graph), whose
 * value is an object with an entry per node identifier.  Unlike
 * pp_jsonld_node_map_flatten(), nodes with only an `@id` are included.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
pp_jsonld_node_map_to_json (PpJsonldNodeMap      *map,
                            PpJsonldFlattenFlags  flags)
{
  g_autoptr(PpJsonArena) arena = NULL;
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GPtrArray) graphs = g_ptr_array_new ();
  PpJsonValue *result;

  g_return_val_if_fail (map != NULL, NULL);

  arena = pp_json_arena_new ();
  result = pp_json_value_new_object (arena, map->graph_order->len);

  g_ptr_array_add (graphs, pp_node_map_lookup_graph (map, "@default"));
  named = map_get_named_graphs (map, flags);
  for (guint i = 0; i < named->len; i++)
    g_ptr_array_add (graphs, g_ptr_array_index (named, i));

  for (guint i = 0; i < graphs->len; i++)
    {
      Graph *graph = g_ptr_array_index (graphs, i);
      g_autoptr(GPtrArray) nodes = pp_node_map_graph_get_nodes (graph, flags);
      PpJsonValue *graph_object = pp_json_value_new_object (arena, nodes->len);

      for (guint j = 0; j < nodes->len; j++)
        {
          Node *node = g_ptr_array_index (nodes, j);

          pp_json_object_append (arena, graph_object, pp_json_arena_intern (arena, node->id),
                                 pp_node_map_node_to_value (map, arena, node, flags));
        }

      pp_json_object_append (arena, result, pp_json_arena_intern (arena, graph->name), graph_object);
    }

  return pp_json_value_to_json_node (result);
}
