/* pp-jsonld-node-map.c: the node map, its nodes and properties, and queries
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-node-map-types-private.h"

#include <stdlib.h>
#include <string.h>

/* values per property, and properties per node, looked up linearly before
 * an index is built */
#define LINEAR_MAX 8

/* {{{ values */

ValueList *
pp_node_map_value_list_new (PpJsonldNodeMap *map)
{
  ValueList *list = pp_json_arena_alloc (map->arena, sizeof (ValueList));

  list->n = list->cap = 0;
  list->items = NULL;
  return list;
}

void
pp_node_map_value_list_append (PpJsonldNodeMap *map,
                               ValueList       *list,
                               Value            value)
{
  if (list->n == list->cap)
    {
      guint cap = MAX (4, list->cap * 2);

      list->items = pp_json_arena_grow (map->arena, list->items, list->cap * sizeof (Value),
                                        cap * sizeof (Value));
      list->cap = cap;
    }
  list->items[list->n++] = value;
}

guint
pp_node_map_value_hash (const Value *value)
{
  switch (value->kind)
    {
    case VALUE_REF:
      return g_direct_hash (pp_node_map_node_resolve (value->v.ref));
    case VALUE_JSON:
      return pp_json_value_hash (value->v.json);
    case VALUE_STRING:
      return g_direct_hash (value->v.str);
    case VALUE_LIST:
    default:
      return g_direct_hash (value->v.list);
    }
}

gboolean
pp_node_map_value_equal (const Value *a,
                         const Value *b)
{
  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case VALUE_REF:
      return pp_node_map_node_resolve (a->v.ref) == pp_node_map_node_resolve (b->v.ref);
    case VALUE_JSON:
      return pp_json_value_equal (a->v.json, b->v.json);
    case VALUE_STRING:
      return a->v.str == b->v.str;  /* interned */
    case VALUE_LIST:
    default:
      return a->v.list == b->v.list;  /* lists are never merged */
    }
}

/* }}} */

/* {{{ properties and nodes */

static void
prop_init (Prop       *prop,
           const char *name)
{
  memset (prop, 0, sizeof *prop);
  prop->name = name;
}

static void
prop_clear (Prop *prop)
{
  g_clear_pointer (&prop->index, g_free);
  prop->values = NULL;
  prop->n = prop->cap = 0;
}

static void
prop_index_insert (Prop  *prop,
                   guint  position)
{
  guint mask = prop->index->size - 1;
  guint slot = pp_node_map_value_hash (&prop->values[position]) & mask;

  while (prop->index->slots[slot] != 0)
    slot = (slot + 1) & mask;
  prop->index->slots[slot] = position + 1;
}

static void
prop_index_rebuild (Prop *prop)
{
  guint size = 16;

  while (size < prop->n * 4)
    size *= 2;

  g_free (prop->index);
  prop->index = g_malloc0 (sizeof (PropIndex) + size * sizeof (guint));
  prop->index->size = size;

  for (guint i = 0; i < prop->n; i++)
    if (prop->values[i].kind != VALUE_LIST)
      prop_index_insert (prop, i);
}

static gboolean
prop_contains (Prop        *prop,
               const Value *value)
{
  if (prop->index != NULL)
    {
      const guint *slots = prop->index->slots;
      guint mask = prop->index->size - 1;
      guint slot = pp_node_map_value_hash (value) & mask;

      for (; slots[slot] != 0; slot = (slot + 1) & mask)
        if (pp_node_map_value_equal (&prop->values[slots[slot] - 1], value))
          return TRUE;

      return FALSE;
    }

  for (guint i = 0; i < prop->n; i++)
    if (pp_node_map_value_equal (&prop->values[i], value))
      return TRUE;

  return FALSE;
}

void
pp_node_map_prop_append (PpJsonldNodeMap *map,
                         Prop            *prop,
                         Value            value)
{
  if (prop->n == prop->cap)
    {
      guint cap = prop->cap == 0 ? 1 : prop->cap * 2;

      prop->values = pp_json_arena_grow (map->arena, prop->values, prop->cap * sizeof (Value),
                                         cap * sizeof (Value));
      prop->cap = cap;
    }
  prop->values[prop->n++] = value;

  if (value.kind == VALUE_LIST)
    return;

  if (prop->index != NULL && prop->n * 2 <= prop->index->size)
    prop_index_insert (prop, prop->n - 1);
  else if (prop->n > LINEAR_MAX)
    prop_index_rebuild (prop);
}

void
pp_node_map_prop_reserve (PpJsonldNodeMap *map,
                          Prop            *prop,
                          guint            n)
{
  if (prop->cap > 0 || n == 0)
    return;

  prop->values = pp_json_arena_alloc (map->arena, n * sizeof (Value));
  prop->cap = n;
}

void
pp_node_map_prop_add_unique (PpJsonldNodeMap *map,
                             Prop            *prop,
                             Value            value)
{
  if (value.kind != VALUE_LIST && prop_contains (prop, &value))
    return;

  pp_node_map_prop_append (map, prop, value);
}

void
pp_node_map_node_init (Node       *node,
                       const char *id)
{
  memset (node, 0, sizeof *node);
  node->id = id;
  prop_init (&node->types, PP_JSON_KW (TYPE));
}

void
pp_node_map_node_clear (Node *node)
{
  node->index = NULL;
  prop_clear (&node->types);
  for (guint i = 0; i < node->n_props; i++)
    prop_clear (&node->props[i]);
  node->props = NULL;
  node->n_props = node->cap_props = 0;
  g_clear_pointer (&node->prop_index, g_hash_table_unref);
}

gboolean
pp_node_map_node_is_only_id (Node *node)
{
  return node->types.n == 0 && node->index == NULL && node->n_props == 0;
}

Prop *
pp_node_map_node_lookup_prop (Node       *node,
                              const char *name)
{
  if (node->prop_index != NULL)
    {
      guint position = GPOINTER_TO_UINT (g_hash_table_lookup (node->prop_index, name));

      return position != 0 ? &node->props[position - 1] : NULL;
    }

  for (guint i = 0; i < node->n_props; i++)
    if (node->props[i].name == name)
      return &node->props[i];

  return NULL;
}

void
pp_node_map_node_reserve_props (PpJsonldNodeMap *map,
                                Node            *node,
                                guint            n)
{
  if (n <= node->cap_props)
    return;

  node->props = pp_json_arena_grow (map->arena, node->props, node->cap_props * sizeof (Prop),
                                    n * sizeof (Prop));
  node->cap_props = n;
}

Prop *
pp_node_map_node_ensure_prop (PpJsonldNodeMap *map,
                              Node            *node,
                              const char      *name)
{
  Prop *prop = pp_node_map_node_lookup_prop (node, name);

  if (prop != NULL)
    return prop;

  if (node->n_props == node->cap_props)
    pp_node_map_node_reserve_props (map, node, node->cap_props == 0 ? 4 : node->cap_props * 2);

  prop = &node->props[node->n_props++];
  prop_init (prop, name);

  if (node->prop_index != NULL)
    {
      g_hash_table_insert (node->prop_index, (gpointer) name,
                           GUINT_TO_POINTER (node->n_props));
    }
  else if (node->n_props > LINEAR_MAX)
    {
      /* interned names: pointer identity is string equality */
      node->prop_index = g_hash_table_new (g_direct_hash, g_direct_equal);
      for (guint i = 0; i < node->n_props; i++)
        g_hash_table_insert (node->prop_index, (gpointer) node->props[i].name,
                             GUINT_TO_POINTER (i + 1));
    }

  return prop;
}

/* }}} */

/* {{{ graphs and the map */

/* the slots of a new graph, enough for a small document: most are the
 * graph of one segment */
#define GRAPH_FIRST_SLOTS 16

/* the most slots a graph emptied for reuse keeps */
#define GRAPH_KEPT_SLOTS 256

static Graph *
graph_new (PpJsonldNodeMap *map,
           const char      *name)
{
  Graph *graph = g_new0 (Graph, 1);

  graph->name = pp_json_arena_strndup (map->arena, name, strlen (name));
  graph->mask = GRAPH_FIRST_SLOTS - 1;
  graph->slots = g_new0 (NodeSlot, GRAPH_FIRST_SLOTS);
  graph->order = g_ptr_array_new ();
  return graph;
}

static void
graph_clear_nodes (Graph *graph)
{
  for (guint i = 0; i < graph->order->len; i++)
    pp_node_map_node_clear (g_ptr_array_index (graph->order, i));
}

/* empties @graph, keeping its tables unless they grew large; its name
 * is in the map's arena, given again by the caller */
static void
graph_reset (Graph *graph)
{
  graph_clear_nodes (graph);
  g_ptr_array_set_size (graph->order, 0);
  graph->n_nodes = 0;
  graph->n_fresh = 0;

  if (graph->mask + 1 > GRAPH_KEPT_SLOTS)
    {
      g_free (graph->slots);
      graph->mask = GRAPH_FIRST_SLOTS - 1;
      graph->slots = g_new0 (NodeSlot, GRAPH_FIRST_SLOTS);
    }
  else
    {
      memset (graph->slots, 0, (graph->mask + 1) * sizeof (NodeSlot));
    }
}

static void
graph_free (gpointer data)
{
  Graph *graph = data;

  if (graph == NULL)
    return;

  graph_clear_nodes (graph);
  g_free (graph->slots);
  g_free (graph->fresh);
  g_ptr_array_unref (graph->order);
  g_free (graph);
}

static void
graph_grow (Graph *graph)
{
  NodeSlot *old = graph->slots;
  guint old_size = graph->mask + 1;

  graph->mask = old_size * 2 - 1;
  graph->slots = g_new0 (NodeSlot, old_size * 2);

  for (guint i = 0; i < old_size; i++)
    {
      guint slot;

      if (old[i].node == NULL)
        continue;
      for (slot = old[i].hash & graph->mask; graph->slots[slot].node != NULL;
           slot = (slot + 1) & graph->mask)
        ;
      graph->slots[slot] = old[i];
    }

  g_free (old);
}

/* puts @node, whose id is hashed to @hash and in no slot yet, in a slot */
static void
graph_index_node (Graph *graph,
                  Node  *node,
                  guint  hash)
{
  guint slot;

  if ((graph->n_nodes + 1) * 2 > graph->mask + 1)
    graph_grow (graph);

  for (slot = hash & graph->mask; graph->slots[slot].node != NULL; slot = (slot + 1) & graph->mask)
    ;
  graph->slots[slot].hash = hash;
  graph->slots[slot].node = node;
  graph->n_nodes++;
}

/* the fresh blank nodes of @graph put in slots */
static void
graph_index_fresh (Graph *graph)
{
  for (guint i = 0; i < graph->n_fresh; i++)
    {
      const char *id = graph->fresh[i]->id;

      graph_index_node (graph, graph->fresh[i], pp_json_string_hash (id, strlen (id)));
    }
  graph->n_fresh = 0;
}

/* the slot of @id (of @len bytes, hashed to @hash): its node's, or the
 * empty one where it goes */
static NodeSlot *
graph_find_slot (Graph      *graph,
                 const char *id,
                 gsize       len,
                 guint       hash)
{
  guint slot;

  /* a fresh blank node can only be named by a blank node identifier */
  if (G_UNLIKELY (graph->n_fresh > 0) && id[0] == '_' && id[1] == ':')
    graph_index_fresh (graph);

  for (slot = hash & graph->mask; graph->slots[slot].node != NULL; slot = (slot + 1) & graph->mask)
    {
      Node *node = graph->slots[slot].node;

      if (graph->slots[slot].hash == hash && memcmp (node->id, id, len + 1) == 0)
        break;
    }

  return &graph->slots[slot];
}

Node *
pp_node_map_graph_find_node (Graph      *graph,
                             const char *id)
{
  gsize len = strlen (id);

  return graph_find_slot (graph, id, len, pp_json_string_hash (id, len))->node;
}

Node *
pp_node_map_graph_lookup_node (Graph      *graph,
                               const char *id)
{
  Node *node = pp_node_map_graph_find_node (graph, id);

  return node != NULL ? pp_node_map_node_resolve (node) : NULL;
}

/* a new node named @id (of @len bytes) at the end of @graph's order, in
 * no slot yet */
static Node *
graph_new_node (PpJsonldNodeMap *map,
                Graph           *graph,
                const char      *id,
                gsize            len)
{
  Node *node = pp_json_arena_alloc (map->arena, sizeof (Node));

  pp_node_map_node_init (node, pp_json_arena_strndup (map->arena, id, len));
  g_ptr_array_add (graph->order, node);
  return node;
}

Node *
pp_node_map_graph_ensure_node (PpJsonldNodeMap *map,
                               Graph           *graph,
                               const char      *id)
{
  gsize len = strlen (id);
  guint hash = pp_json_string_hash (id, len);
  Node *node = graph_find_slot (graph, id, len, hash)->node;

  if (node != NULL)
    return pp_node_map_node_resolve (node);

  node = graph_new_node (map, graph, id, len);
  graph_index_node (graph, node, hash);
  return node;
}

/* Generated labels name the nodes a document leaves unnamed, often half
 * of them; they are put in slots only once a blank node identifier is
 * looked up, which a document without blank node labels never does, so
 * that they do not cost a probe each of a table twice as large. */
Node *
pp_node_map_graph_add_fresh_node (PpJsonldNodeMap *map,
                                  Graph           *graph,
                                  const char      *id)
{
  Node *node = graph_new_node (map, graph, id, strlen (id));

  if (graph->n_fresh == graph->cap_fresh)
    {
      graph->cap_fresh = MAX (64, graph->cap_fresh * 2);
      graph->fresh = g_renew (Node *, graph->fresh, graph->cap_fresh);
    }
  graph->fresh[graph->n_fresh++] = node;
  return node;
}

Graph *
pp_node_map_lookup_graph (PpJsonldNodeMap *map,
                          const char      *name)
{
  /* the default graph, made first and kept first, without a hash */
  if (name == NULL || strcmp (name, "@default") == 0)
    return map->graph_order->len > 0 ? g_ptr_array_index (map->graph_order, 0) : NULL;

  return g_hash_table_lookup (map->graphs, name);
}

Graph *
pp_node_map_ensure_graph (PpJsonldNodeMap *map,
                          const char      *name)
{
  Graph *graph = pp_node_map_lookup_graph (map, name);

  if (graph != NULL)
    return graph;

  graph = graph_new (map, name);
  g_hash_table_insert (map->graphs, (gpointer) graph->name, graph);
  g_ptr_array_add (map->graph_order, graph);
  return graph;
}

const char *
pp_node_map_intern (PpJsonldNodeMap *map,
                    const char      *str)
{
  return pp_json_arena_intern (map->arena, str);
}

void
pp_node_map_keep_arena (PpJsonldNodeMap *map,
                        PpJsonArena     *arena)
{
  if (arena == map->arena)
    return;

  for (guint i = map->arenas->len; i > 0; i--)
    if (g_ptr_array_index (map->arenas, i - 1) == arena)
      return;

  g_ptr_array_add (map->arenas, pp_json_arena_ref (arena));
}

static void
map_init (PpJsonldNodeMap *map)
{
  map->arena = pp_json_arena_new ();
  map->arenas = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_json_arena_unref);
  map->graphs = g_hash_table_new (g_str_hash, g_str_equal);
  map->graph_order = g_ptr_array_new_with_free_func (graph_free);
  map->has_merged_nodes = FALSE;
  map->arena_shared = FALSE;
  pp_node_map_ensure_graph (map, "@default");
}

static void
map_finalize (PpJsonldNodeMap *map)
{
  g_clear_pointer (&map->graphs, g_hash_table_unref);
  g_clear_pointer (&map->string_values, g_hash_table_unref);
  g_clear_pointer (&map->kept_values, pp_node_map_kept_values_free);
  g_clear_pointer (&map->graph_order, g_ptr_array_unref);
  g_clear_pointer (&map->arenas, g_ptr_array_unref);
  g_clear_pointer (&map->arena, pp_json_arena_unref);
}

/* Empties @map in place: its default graph, its tables and the current
 * chunk of its arena are kept, so that a map emptied after each of many
 * small documents (the graph of each segment) allocates little again */
void
pp_node_map_reset (PpJsonldNodeMap *map,
                   guint64          counter)
{
  Graph *graph = pp_node_map_lookup_graph (map, "@default");

  /* the default graph is the first: it stays, the others go */
  g_assert (g_ptr_array_index (map->graph_order, 0) == graph);
  map->graph_order->pdata[0] = NULL;
  g_ptr_array_set_size (map->graph_order, 0);
  g_hash_table_remove_all (map->graphs);
  graph_reset (graph);

  g_clear_pointer (&map->string_values, g_hash_table_unref);
  g_clear_pointer (&map->kept_values, pp_node_map_kept_values_free);
  g_ptr_array_set_size (map->arenas, 0);

  /* what another map keeps cannot be emptied */
  if (map->arena_shared)
    {
      pp_json_arena_unref (map->arena);
      map->arena = pp_json_arena_new ();
      map->arena_shared = FALSE;
    }
  else
    {
      pp_json_arena_reset (map->arena);
    }

  graph->name = pp_json_arena_strndup (map->arena, "@default", strlen ("@default"));
  g_hash_table_insert (map->graphs, (gpointer) graph->name, graph);
  g_ptr_array_add (map->graph_order, graph);

  map->counter = counter;
  map->has_merged_nodes = FALSE;
}

/**
 * pp_jsonld_node_map_new:
 *
 * Creates an empty node map with an empty default graph.
 *
 * Returns: (transfer full): a new node map
 */
PpJsonldNodeMap *
pp_jsonld_node_map_new (void)
{
  PpJsonldNodeMap *map = g_new0 (PpJsonldNodeMap, 1);

  g_ref_count_init (&map->ref_count);
  map_init (map);

  return map;
}

/**
 * pp_jsonld_node_map_ref:
 * @map: a node map
 *
 * Acquires a reference on @map.
 *
 * Returns: (transfer full): @map
 */
PpJsonldNodeMap *
pp_jsonld_node_map_ref (PpJsonldNodeMap *map)
{
  g_return_val_if_fail (map != NULL, NULL);

  g_ref_count_inc (&map->ref_count);
  return map;
}

/**
 * pp_jsonld_node_map_unref:
 * @map: (transfer full): a node map
 *
 * Releases a reference on @map, freeing it when it was the last one.
 */
void
pp_jsonld_node_map_unref (PpJsonldNodeMap *map)
{
  g_return_if_fail (map != NULL);

  if (!g_ref_count_dec (&map->ref_count))
    return;

  map_finalize (map);
  g_free (map);
}

/**
 * pp_jsonld_node_map_generate_blank_node:
 * @map: a node map
 *
 * Generates a new blank node identifier (`_:b0`, `_:b1`, …) from the map's
 * own generator, the one documents added without a prefix are relabelled
 * with, so it never collides with a label in the map.
 *
 * Returns: (transfer full): a new blank node identifier
 */
char *
pp_jsonld_node_map_generate_blank_node (PpJsonldNodeMap *map)
{
  g_return_val_if_fail (map != NULL, NULL);

  return g_strdup_printf ("_:b%" G_GUINT64_FORMAT, map->counter++);
}

/* }}} */

/* {{{ queries */

static int
compare_cstrings (const void *a,
                  const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_nodes (const void *a,
               const void *b)
{
  return strcmp ((*(Node * const *) a)->id, (*(Node * const *) b)->id);
}

GPtrArray *
pp_node_map_graph_get_nodes (Graph                *graph,
                             PpJsonldFlattenFlags  flags)
{
  GPtrArray *nodes = g_ptr_array_sized_new (graph->order->len);

  for (guint i = 0; i < graph->order->len; i++)
    {
      Node *node = g_ptr_array_index (graph->order, i);

      if (node->merged_into == NULL)
        g_ptr_array_add (nodes, node);
    }

  if ((flags & (PP_JSONLD_FLATTEN_ORDERED | PP_JSONLD_FLATTEN_CANONICAL)) && nodes->len > 1)
    qsort (nodes->pdata, nodes->len, sizeof (Node *), compare_nodes);

  return nodes;
}

/**
 * pp_jsonld_node_map_get_graph_names:
 * @map: a node map
 * @sorted: whether to sort the names
 *
 * Gets the names of the graphs of @map, `@default` included (first unless
 * @sorted, where it sorts before any IRI or blank node identifier).
 *
 * Returns: (transfer container) (element-type utf8): the graph names,
 *   owned by the map
 */
GPtrArray *
pp_jsonld_node_map_get_graph_names (PpJsonldNodeMap *map,
                                    gboolean         sorted)
{
  GPtrArray *names;

  g_return_val_if_fail (map != NULL, NULL);

  names = g_ptr_array_sized_new (map->graph_order->len);
  for (guint i = 0; i < map->graph_order->len; i++)
    g_ptr_array_add (names, (gpointer) ((Graph *) g_ptr_array_index (map->graph_order, i))->name);

  if (sorted && names->len > 1)
    qsort (names->pdata, names->len, sizeof (char *), compare_cstrings);

  return names;
}

/**
 * pp_jsonld_node_map_get_node_ids:
 * @map: a node map
 * @graph_name: (nullable): the graph, %NULL for the default graph
 * @sorted: whether to sort the identifiers
 *
 * Gets the identifiers of the nodes of a graph of @map, nodes with only an
 * `@id` included.
 *
 * Returns: (transfer container) (element-type utf8) (nullable): the node
 *   identifiers, owned by the map, or %NULL if there is no such graph
 */
GPtrArray *
pp_jsonld_node_map_get_node_ids (PpJsonldNodeMap *map,
                                 const char      *graph_name,
                                 gboolean         sorted)
{
  g_autoptr(GPtrArray) nodes = NULL;
  GPtrArray *ids;
  Graph *graph;

  g_return_val_if_fail (map != NULL, NULL);

  graph = pp_node_map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return NULL;

  nodes = pp_node_map_graph_get_nodes (graph, sorted ? PP_JSONLD_FLATTEN_ORDERED
                                                     : PP_JSONLD_FLATTEN_NONE);
  ids = g_ptr_array_sized_new (nodes->len);
  for (guint i = 0; i < nodes->len; i++)
    g_ptr_array_add (ids, (gpointer) ((Node *) g_ptr_array_index (nodes, i))->id);

  return ids;
}

/**
 * pp_jsonld_node_map_get_n_nodes:
 * @map: a node map
 * @graph_name: (nullable): the graph, %NULL for the default graph
 *
 * Counts the nodes of a graph of @map, nodes with only an `@id` included.
 *
 * Returns: the number of nodes, 0 if there is no such graph
 */
guint
pp_jsonld_node_map_get_n_nodes (PpJsonldNodeMap *map,
                                const char      *graph_name)
{
  Graph *graph;
  guint n = 0;

  g_return_val_if_fail (map != NULL, 0);

  graph = pp_node_map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return 0;

  for (guint i = 0; i < graph->order->len; i++)
    if (((Node *) g_ptr_array_index (graph->order, i))->merged_into == NULL)
      n++;

  return n;
}

/* }}} */
