/* pp-jsonld-node-map.c: Node Map Generation and Merge Node Maps
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-node-map-private.h"
#include "pp-jsonld-util-private.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The node map is kept in C structures rather than JSON objects: node
 * references point straight at their node, property names are interned, and
 * the values of a property are deduplicated with a hash set once there are
 * more than a handful of them, so adding a value stays O(1) however many
 * values a node collects (the specification's "compare against every item"
 * is quadratic).  JSON is built only when the map is flattened.
 */

/* values per property, and properties per node, looked up linearly before
 * an index is built */
#define LINEAR_MAX 8

/* how many elements are visited between two cancellation checks */
#define CANCEL_CHECK_INTERVAL 4096

typedef struct _Node Node;
typedef struct _Value Value;
typedef struct _ValueList ValueList;

typedef enum {
  VALUE_REF,     /* a node reference: {"@id": ...} */
  VALUE_JSON,    /* a value object */
  VALUE_STRING,  /* a @type IRI, interned in the map */
  VALUE_LIST,    /* a list object: {"@list": [...]} */
} ValueKind;

struct _Value {
  ValueKind kind;
  union {
    Node       *ref;
    JsonNode   *json;
    const char *str;
    ValueList  *list;
  } v;
};

struct _ValueList {
  guint  n, cap;
  Value *items;
};

/* the values of one property of a node, with an open-addressing set of
 * their positions once there are more than LINEAR_MAX of them */
typedef struct {
  const char *name;    /* interned in the map */
  guint       n, cap;
  Value      *values;
  guint      *index;   /* position + 1, 0 for an empty slot */
  guint       index_cap;
} Prop;

struct _Node {
  const char *id;           /* in the map's string chunk */
  Node       *merged_into;  /* set by pp_jsonld_node_map_merge_nodes() */
  JsonNode   *index;        /* @index */
  Prop        types;        /* @type, VALUE_STRING values */
  Prop       *props;        /* in order of appearance */
  guint       n_props, cap_props;
  GHashTable *prop_index;   /* interned name -> position + 1 */
};

typedef struct {
  char       *name;
  GHashTable *nodes;  /* id -> Node */
  GPtrArray  *order;  /* of Node, owned, in order of appearance */
} Graph;

struct _PpJsonldNodeMap {
  grefcount     ref_count;
  GHashTable   *graphs;       /* name (owned by the graph) -> Graph */
  GPtrArray    *graph_order;  /* of Graph, owned */
  GHashTable   *strings;      /* interned property names and types */
  GStringChunk *ids;          /* node identifiers */
  guint64       counter;      /* of the default blank node generator */
  gboolean      has_merged_nodes;
};

/* the state of one pp_jsonld_node_map_add_document() call */
typedef struct {
  PpJsonldNodeMap *map;
  GHashTable      *identifier_map;  /* input label -> new label */
  const char      *prefix;          /* NULL: the map's own generator */
  guint64          counter;
  GCancellable    *cancellable;
  guint            steps;
} Builder;

/* {{{ values */

static void
value_clear (Value *value)
{
  switch (value->kind)
    {
    case VALUE_JSON:
      json_node_unref (value->v.json);
      break;
    case VALUE_LIST:
      {
        ValueList *list = value->v.list;
        guint i;

        for (i = 0; i < list->n; i++)
          value_clear (&list->items[i]);
        g_free (list->items);
        g_free (list);
        break;
      }
    case VALUE_REF:
    case VALUE_STRING:
    default:
      break;
    }
}

static inline Value
value_ref (Node *node)
{
  Value value = { VALUE_REF, { .ref = node } };
  return value;
}

static inline Value
value_json (JsonNode *json)
{
  Value value = { VALUE_JSON, { .json = json } };
  return value;
}

static inline Value
value_string (const char *str)
{
  Value value = { VALUE_STRING, { .str = str } };
  return value;
}

static inline Value
value_list (ValueList *list)
{
  Value value = { VALUE_LIST, { .list = list } };
  return value;
}

static ValueList *
value_list_new (void)
{
  return g_new0 (ValueList, 1);
}

static void
value_list_append (ValueList *list,
                   Value      value)
{
  if (list->n == list->cap)
    {
      list->cap = MAX (4, list->cap * 2);
      list->items = g_renew (Value, list->items, list->cap);
    }
  list->items[list->n++] = value;
}

static inline Node *
node_resolve (Node *node)
{
  while (node->merged_into != NULL)
    node = node->merged_into;
  return node;
}

static guint json_hash (JsonNode *node);

static guint
json_object_hash_deep (JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  guint hash = 0x2f1d;

  /* order-independent: a sum of the members' hashes */
  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    hash += g_str_hash (name) * 31 + json_hash (member);

  return hash;
}

static guint
json_hash (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return json_object_hash_deep (json_node_get_object (node));

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint i, n = json_array_get_length (array);
        guint hash = 0x51ed;

        for (i = 0; i < n; i++)
          hash = hash * 31 + json_hash (json_array_get_element (array, i));
        return hash;
      }

    case JSON_NODE_NULL:
      return 0x6e75;

    case JSON_NODE_VALUE:
    default:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          return g_str_hash (json_node_get_string (node));
        if (type == G_TYPE_BOOLEAN)
          return json_node_get_boolean (node) ? 0x7472 : 0x6661;
        if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
          {
            double d = json_node_get_double (node);

            if (d == 0.0)
              d = 0.0;  /* -0 and 0 are equal */
            return g_double_hash (&d);
          }
        return 0;
      }
    }
}

static gboolean
json_equal_deep (JsonNode *a,
                 JsonNode *b)
{
  if (a == b)
    return TRUE;

  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a);
        JsonArray *ab = json_node_get_array (b);
        guint i, n = json_array_get_length (aa);

        if (n != json_array_get_length (ab))
          return FALSE;
        for (i = 0; i < n; i++)
          if (!json_equal_deep (json_array_get_element (aa, i),
                                json_array_get_element (ab, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a);
        JsonObject *ob = json_node_get_object (b);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        if (json_object_get_size (oa) != json_object_get_size (ob))
          return FALSE;

        json_object_iter_init (&iter, oa);
        while (json_object_iter_next (&iter, &name, &member))
          {
            JsonNode *other = json_object_get_member (ob, name);

            if (other == NULL || !json_equal_deep (member, other))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_VALUE:
    default:
      {
        GType ta = json_node_get_value_type (a);
        GType tb = json_node_get_value_type (b);
        gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
        gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

        if (na && nb)
          {
            if (ta == G_TYPE_INT64 && tb == G_TYPE_INT64)
              return json_node_get_int (a) == json_node_get_int (b);
            return json_node_get_double (a) == json_node_get_double (b);
          }
        if (ta != tb)
          return FALSE;
        if (ta == G_TYPE_STRING)
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        if (ta == G_TYPE_BOOLEAN)
          return !json_node_get_boolean (a) == !json_node_get_boolean (b);
        return FALSE;
      }
    }
}

static guint
value_hash (const Value *value)
{
  switch (value->kind)
    {
    case VALUE_REF:
      return g_direct_hash (node_resolve (value->v.ref));
    case VALUE_JSON:
      return json_hash (value->v.json);
    case VALUE_STRING:
      return g_direct_hash (value->v.str);
    case VALUE_LIST:
    default:
      return g_direct_hash (value->v.list);
    }
}

static gboolean
value_equal (const Value *a,
             const Value *b)
{
  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case VALUE_REF:
      return node_resolve (a->v.ref) == node_resolve (b->v.ref);
    case VALUE_JSON:
      return json_equal_deep (a->v.json, b->v.json);
    case VALUE_STRING:
      return a->v.str == b->v.str;  /* interned */
    case VALUE_LIST:
    default:
      return a->v.list == b->v.list;  /* lists are never merged */
    }
}

static guint
value_hash_func (gconstpointer value)
{
  return value_hash (value);
}

static gboolean
value_equal_func (gconstpointer a,
                  gconstpointer b)
{
  return value_equal (a, b);
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
  guint i;

  for (i = 0; i < prop->n; i++)
    value_clear (&prop->values[i]);
  g_clear_pointer (&prop->values, g_free);
  g_clear_pointer (&prop->index, g_free);
  prop->n = prop->cap = prop->index_cap = 0;
}

static void
prop_index_insert (Prop  *prop,
                   guint  position)
{
  guint mask = prop->index_cap - 1;
  guint slot = value_hash (&prop->values[position]) & mask;

  while (prop->index[slot] != 0)
    slot = (slot + 1) & mask;
  prop->index[slot] = position + 1;
}

static void
prop_index_rebuild (Prop *prop)
{
  guint i;

  prop->index_cap = 16;
  while (prop->index_cap < prop->n * 4)
    prop->index_cap *= 2;

  g_free (prop->index);
  prop->index = g_new0 (guint, prop->index_cap);

  for (i = 0; i < prop->n; i++)
    if (prop->values[i].kind != VALUE_LIST)
      prop_index_insert (prop, i);
}

static gboolean
prop_contains (Prop        *prop,
               const Value *value)
{
  guint i;

  if (prop->index != NULL)
    {
      guint mask = prop->index_cap - 1;
      guint slot = value_hash (value) & mask;

      for (; prop->index[slot] != 0; slot = (slot + 1) & mask)
        if (value_equal (&prop->values[prop->index[slot] - 1], value))
          return TRUE;

      return FALSE;
    }

  for (i = 0; i < prop->n; i++)
    if (value_equal (&prop->values[i], value))
      return TRUE;

  return FALSE;
}

/* takes ownership of @value */
static void
prop_append (Prop  *prop,
             Value  value)
{
  if (prop->n == prop->cap)
    {
      prop->cap = prop->cap == 0 ? 1 : prop->cap * 2;
      prop->values = g_renew (Value, prop->values, prop->cap);
    }
  prop->values[prop->n++] = value;

  if (value.kind == VALUE_LIST)
    return;

  if (prop->index != NULL && prop->n * 2 <= prop->index_cap)
    prop_index_insert (prop, prop->n - 1);
  else if (prop->n > LINEAR_MAX)
    prop_index_rebuild (prop);
}

/* takes ownership of @value; appends it unless an equal value is there */
static void
prop_add_unique (Prop  *prop,
                 Value  value)
{
  if (value.kind != VALUE_LIST && prop_contains (prop, &value))
    {
      value_clear (&value);
      return;
    }

  prop_append (prop, value);
}

static void
node_free (gpointer data)
{
  Node *node = data;
  guint i;

  if (node == NULL)
    return;

  g_clear_pointer (&node->index, json_node_unref);
  prop_clear (&node->types);
  for (i = 0; i < node->n_props; i++)
    prop_clear (&node->props[i]);
  g_clear_pointer (&node->props, g_free);
  g_clear_pointer (&node->prop_index, g_hash_table_unref);
  g_free (node);
}

/* @name must be interned in the map */
static Prop *
node_lookup_prop (Node       *node,
                  const char *name)
{
  guint i;

  if (node->prop_index != NULL)
    {
      guint position = GPOINTER_TO_UINT (g_hash_table_lookup (node->prop_index, name));

      return position != 0 ? &node->props[position - 1] : NULL;
    }

  for (i = 0; i < node->n_props; i++)
    if (node->props[i].name == name)
      return &node->props[i];

  return NULL;
}

/* @name must be interned in the map; the returned pointer is valid until
 * the next property is added to @node */
static Prop *
node_ensure_prop (Node       *node,
                  const char *name)
{
  Prop *prop = node_lookup_prop (node, name);
  guint i;

  if (prop != NULL)
    return prop;

  if (node->n_props == node->cap_props)
    {
      node->cap_props = node->cap_props == 0 ? 4 : node->cap_props * 2;
      node->props = g_renew (Prop, node->props, node->cap_props);
    }

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
      for (i = 0; i < node->n_props; i++)
        g_hash_table_insert (node->prop_index, (gpointer) node->props[i].name,
                             GUINT_TO_POINTER (i + 1));
    }

  return prop;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

/* }}} */

/* {{{ graphs and the map */

static Graph *
graph_new (const char *name)
{
  Graph *graph = g_new0 (Graph, 1);

  graph->name = g_strdup (name);
  graph->nodes = g_hash_table_new (g_str_hash, g_str_equal);
  graph->order = g_ptr_array_new_with_free_func (node_free);
  return graph;
}

static void
graph_free (gpointer data)
{
  Graph *graph = data;

  if (graph == NULL)
    return;

  g_hash_table_unref (graph->nodes);
  g_ptr_array_unref (graph->order);
  g_free (graph->name);
  g_free (graph);
}

static Node *
graph_lookup_node (Graph      *graph,
                   const char *id)
{
  Node *node = g_hash_table_lookup (graph->nodes, id);

  return node != NULL ? node_resolve (node) : NULL;
}

static Node *
graph_ensure_node (PpJsonldNodeMap *map,
                   Graph           *graph,
                   const char      *id)
{
  Node *node = g_hash_table_lookup (graph->nodes, id);

  if (node != NULL)
    return node_resolve (node);

  node = g_new0 (Node, 1);
  node->id = g_string_chunk_insert (map->ids, id);
  prop_init (&node->types, "@type");
  g_hash_table_insert (graph->nodes, (gpointer) node->id, node);
  g_ptr_array_add (graph->order, node);
  return node;
}

static Graph *
map_lookup_graph (PpJsonldNodeMap *map,
                  const char      *name)
{
  return g_hash_table_lookup (map->graphs, name != NULL ? name : "@default");
}

static Graph *
map_ensure_graph (PpJsonldNodeMap *map,
                  const char      *name)
{
  Graph *graph = map_lookup_graph (map, name);

  if (graph != NULL)
    return graph;

  graph = graph_new (name);
  g_hash_table_insert (map->graphs, graph->name, graph);
  g_ptr_array_add (map->graph_order, graph);
  return graph;
}

static const char *
map_intern (PpJsonldNodeMap *map,
            const char      *str)
{
  char *interned = g_hash_table_lookup (map->strings, str);

  if (interned == NULL)
    {
      interned = g_strdup (str);
      g_hash_table_add (map->strings, interned);
    }

  return interned;
}

static void
map_init (PpJsonldNodeMap *map)
{
  map->graphs = g_hash_table_new (g_str_hash, g_str_equal);
  map->graph_order = g_ptr_array_new_with_free_func (graph_free);
  map->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  map->ids = g_string_chunk_new (64 * 1024);
  map->has_merged_nodes = FALSE;
  map_ensure_graph (map, "@default");
}

static void
map_finalize (PpJsonldNodeMap *map)
{
  g_clear_pointer (&map->graphs, g_hash_table_unref);
  g_clear_pointer (&map->graph_order, g_ptr_array_unref);
  g_clear_pointer (&map->strings, g_hash_table_unref);
  g_clear_pointer (&map->ids, g_string_chunk_free);
}

/* back to an empty map whose generator is at @counter */
static void
map_reset (PpJsonldNodeMap *map,
           guint64          counter)
{
  map_finalize (map);
  map_init (map);
  map->counter = counter;
}

static gboolean map_merge_from (PpJsonldNodeMap  *map,
                                PpJsonldNodeMap  *other,
                                GError          **error);

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

/* {{{ Node Map Generation */

/* writes a new label into @buf (of at least 32 bytes + the prefix) */
static const char *
builder_generate (Builder *b,
                  char    *buf,
                  gsize    size)
{
  if (b->prefix == NULL)
    g_snprintf (buf, size, "_:b%" G_GUINT64_FORMAT, b->map->counter++);
  else
    g_snprintf (buf, size, "%s%" G_GUINT64_FORMAT, b->prefix, b->counter++);

  return buf;
}

/* the Generate Blank Node Identifier algorithm; @identifier may be NULL */
static const char *
builder_relabel (Builder    *b,
                 const char *identifier)
{
  char *label = g_hash_table_lookup (b->identifier_map, identifier);

  if (label == NULL)
    {
      gsize size = (b->prefix != NULL ? strlen (b->prefix) : 0) + 32;

      label = g_malloc (size);
      builder_generate (b, label, size);
      g_hash_table_insert (b->identifier_map, g_strdup (identifier), label);
    }

  return label;
}

static gboolean
builder_step (Builder  *b,
              guint     depth,
              GError  **error)
{
  if (depth > PP_JSONLD_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels",
                           (guint) PP_JSONLD_MAX_DEPTH);
      return FALSE;
    }

  if (++b->steps % CANCEL_CHECK_INTERVAL == 0 &&
      g_cancellable_set_error_if_cancelled (b->cancellable, error))
    return FALSE;

  return TRUE;
}

typedef struct {
  const char *key;
  JsonNode   *value;
} Entry;

/* the entries of an object of an expanded document, sorted out in one pass:
 * keywords by name, properties in an array sorted by name */
typedef struct {
  JsonNode    *id;
  JsonNode    *type;
  JsonNode    *index;
  JsonNode    *reverse;
  JsonNode    *graph;
  JsonNode    *included;
  JsonNode    *value;
  JsonNode    *list;
  Entry       *props;
  guint        n_props;
  Entry        stack_props[16];
  Entry       *heap_props;
} Members;

static int
compare_cstrings (const void *a,
                  const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_entries (const void *a,
                 const void *b)
{
  return strcmp (((const Entry *) a)->key, ((const Entry *) b)->key);
}

static void
members_init (Members    *m,
              JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  guint size = json_object_get_size (object);

  memset (m, 0, offsetof (Members, stack_props));
  m->heap_props = NULL;
  m->props = m->stack_props;
  if (size > G_N_ELEMENTS (m->stack_props))
    m->props = m->heap_props = g_new (Entry, size);

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      if (name[0] == '@')
        {
          JsonNode **slot = NULL;

          switch (name[1])
            {
            case 'g': if (strcmp (name, "@graph") == 0) slot = &m->graph; break;
            case 'i':
              if (strcmp (name, "@id") == 0)
                slot = &m->id;
              else if (strcmp (name, "@index") == 0)
                slot = &m->index;
              else if (strcmp (name, "@included") == 0)
                slot = &m->included;
              break;
            case 'l': if (strcmp (name, "@list") == 0) slot = &m->list; break;
            case 'r': if (strcmp (name, "@reverse") == 0) slot = &m->reverse; break;
            case 't': if (strcmp (name, "@type") == 0) slot = &m->type; break;
            case 'v': if (strcmp (name, "@value") == 0) slot = &m->value; break;
            default: break;
            }

          if (slot != NULL)
            *slot = member;
          if (slot != NULL || pp_jsonld_is_keyword (name))
            continue;
        }

      m->props[m->n_props].key = name;
      m->props[m->n_props].value = member;
      m->n_props++;
    }

  if (m->n_props > 1)
    qsort (m->props, m->n_props, sizeof (Entry), compare_entries);
}

static void
members_clear (Members *m)
{
  g_clear_pointer (&m->heap_props, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Members, members_clear)

/* a value object, with its @type relabelled when it is a blank node */
static Value
builder_value_object (Builder    *b,
                      JsonNode   *element,
                      JsonObject *object,
                      JsonNode   *type_node)
{
  const char *type = pp_jsonld_node_get_string_or_null (type_node);

  if (pp_jsonld_is_blank_node_id (type))
    {
      JsonObject *copy = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          if (strcmp (name, "@type") == 0)
            json_object_set_string_member (copy, name, builder_relabel (b, type));
          else
            json_object_set_member (copy, name, json_node_ref (member));
        }

      return value_json (pp_jsonld_node_new_object (copy));
    }

  return value_json (json_node_ref (element));
}

static gboolean generate (Builder     *b,
                          JsonNode    *element,
                          Graph       *graph,
                          Node        *subject,
                          const char  *property,
                          gboolean     reverse,
                          ValueList   *list,
                          guint        depth,
                          GError     **error);

static gboolean
generate_node_object (Builder     *b,
                      Members     *m,
                      Graph       *graph,
                      Node        *subject,
                      const char  *property,
                      gboolean     reverse,
                      ValueList   *list,
                      guint        depth,
                      GError     **error)
{
  const char *id_str = pp_jsonld_node_get_string_or_null (m->id);
  g_autoptr(Node) detached = NULL;
  Node *node = NULL;
  char generated[128];
  guint i;

  if (id_str != NULL)
    {
      node = graph_ensure_node (b->map, graph, pp_jsonld_is_blank_node_id (id_str)
                                                ? builder_relabel (b, id_str) : id_str);
    }
  else if (m->id != NULL)
    {
      /* "@id": null (an IRI that expansion dropped, such as "@ignoreMe"):
       * the node cannot be named, so neither it nor references to it are
       * kept, but the nodes it embeds are */
      node = detached = g_new0 (Node, 1);
      node->id = "";
      prop_init (&node->types, "@type");
    }
  else
    {
      g_autofree char *heap = NULL;
      gsize size = (b->prefix != NULL ? strlen (b->prefix) : 0) + 32;
      char *label = size > sizeof generated ? (heap = g_malloc (size)) : generated;

      node = graph_ensure_node (b->map, graph, builder_generate (b, label, size));
    }

  if (detached != NULL)
    {
      /* not referenced */
    }
  else if (reverse)
    {
      /* @subject is the node whose @reverse entry is processed */
      if (subject != NULL && property != NULL)
        prop_add_unique (node_ensure_prop (node, property), value_ref (subject));
    }
  else if (property != NULL)
    {
      if (list != NULL)
        value_list_append (list, value_ref (node));
      else if (subject != NULL)
        prop_add_unique (node_ensure_prop (subject, property), value_ref (node));
    }

  if (m->type != NULL)
    {
      JsonArray *array = JSON_NODE_HOLDS_ARRAY (m->type) ? json_node_get_array (m->type) : NULL;
      guint n = array != NULL ? json_array_get_length (array) : 1;

      for (i = 0; i < n; i++)
        {
          const char *type = pp_jsonld_node_get_string_or_null (array != NULL
                                                                ? json_array_get_element (array, i)
                                                                : m->type);

          if (type == NULL)
            continue;
          if (pp_jsonld_is_blank_node_id (type))
            type = builder_relabel (b, type);

          prop_add_unique (&node->types, value_string (map_intern (b->map, type)));
        }
    }

  if (m->index != NULL)
    {
      if (node->index != NULL && !json_equal_deep (node->index, m->index))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONFLICTING_INDEXES,
                               "node %s has two different @index values", node->id);
          return FALSE;
        }
      if (node->index == NULL)
        node->index = json_node_ref (m->index);
    }

  if (m->reverse != NULL && JSON_NODE_HOLDS_OBJECT (m->reverse) && detached == NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *values;

      json_object_iter_init (&iter, json_node_get_object (m->reverse));
      while (json_object_iter_next (&iter, &name, &values))
        {
          const char *reverse_property = map_intern (b->map, pp_jsonld_is_blank_node_id (name)
                                                             ? builder_relabel (b, name) : name);

          if (!generate (b, values, graph, node, reverse_property, TRUE, NULL,
                         depth + 1, error))
            return FALSE;
        }
    }

  if (m->graph != NULL && detached == NULL)
    {
      Graph *named = map_ensure_graph (b->map, node->id);

      if (!generate (b, m->graph, named, NULL, NULL, FALSE, NULL, depth + 1, error))
        return FALSE;
    }

  if (m->included != NULL &&
      !generate (b, m->included, graph, NULL, NULL, FALSE, NULL, depth + 1, error))
    return FALSE;

  /* the remaining entries are properties, in order */
  for (i = 0; i < m->n_props; i++)
    {
      const char *key = m->props[i].key;
      const char *prop_name;

      prop_name = map_intern (b->map, pp_jsonld_is_blank_node_id (key)
                                      ? builder_relabel (b, key) : key);
      node_ensure_prop (node, prop_name);

      if (!generate (b, m->props[i].value, graph, node, prop_name, FALSE, NULL,
                     depth + 1, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
generate_object (Builder     *b,
                 JsonNode    *element,
                 Graph       *graph,
                 Node        *subject,
                 const char  *property,
                 gboolean     reverse,
                 ValueList   *list,
                 guint        depth,
                 GError     **error)
{
  JsonObject *object = json_node_get_object (element);
  g_auto(Members) m;

  members_init (&m, object);

  if (m.value != NULL)
    {
      Value value;

      /* a value is only kept as the object of a (forward) property */
      if (reverse || (list == NULL && (subject == NULL || property == NULL)))
        return TRUE;

      value = builder_value_object (b, element, object, m.type);
      if (list != NULL)
        value_list_append (list, value);
      else
        prop_add_unique (node_ensure_prop (subject, property), value);

      return TRUE;
    }

  if (m.list != NULL)
    {
      ValueList *items;

      if (reverse || (list == NULL && (subject == NULL || property == NULL)))
        return TRUE;

      items = value_list_new ();
      if (!generate (b, m.list, graph, subject, property, FALSE, items, depth + 1, error))
        {
          Value dead = value_list (items);

          value_clear (&dead);
          return FALSE;
        }

      if (list != NULL)
        value_list_append (list, value_list (items));
      else
        prop_append (node_ensure_prop (subject, property), value_list (items));

      return TRUE;
    }

  return generate_node_object (b, &m, graph, subject, property, reverse,
                               list, depth, error);
}

static gboolean
generate (Builder     *b,
          JsonNode    *element,
          Graph       *graph,
          Node        *subject,
          const char  *property,
          gboolean     reverse,
          ValueList   *list,
          guint        depth,
          GError     **error)
{
  if (!builder_step (b, depth, error))
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (element))
    {
      JsonArray *array = json_node_get_array (element);
      guint i, n = json_array_get_length (array);

      for (i = 0; i < n; i++)
        if (!generate (b, json_array_get_element (array, i), graph, subject,
                       property, reverse, list, depth + 1, error))
          return FALSE;

      return TRUE;
    }

  /* expanded documents hold only arrays and objects at this level */
  if (!JSON_NODE_HOLDS_OBJECT (element))
    return TRUE;

  return generate_object (b, element, graph, subject, property, reverse, list,
                          depth, error);
}

/**
 * pp_jsonld_node_map_add_document:
 * @map: a node map
 * @expanded: an expanded JSON-LD document (the result of pp_jsonld_expand(),
 *   whose strings are valid UTF-8)
 * @blank_node_prefix: (nullable): the prefix of the labels given to the
 *   document's blank nodes, such as `_:s12-`; %NULL to use the map's own
 *   generator (`_:b0`, `_:b1`, …)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs the Node Map Generation algorithm on @expanded and adds its nodes to
 * the map, merging those whose `@id` is already there.
 *
 * Every blank node of the document gets a new label, consistently within
 * the document: the same input label is the same node, and the labels of
 * two documents never mix.  With @blank_node_prefix the labels are the
 * prefix followed by a counter starting at 0 for each document, so they do
 * not depend on what was added before; every document added with a prefix
 * must then have its own prefix, which must start with `_:` and must not be
 * `_:b` (the map's own generator).
 *
 * Adding a document is atomic: when it fails, @map is left as it was.
 *
 * Returns: %TRUE on success, %FALSE with @error set (%PP_JSONLD_ERROR, such
 *   as %PP_JSONLD_ERROR_CONFLICTING_INDEXES, or %G_IO_ERROR_CANCELLED)
 */
gboolean
pp_jsonld_node_map_add_document (PpJsonldNodeMap  *map,
                                 JsonNode         *expanded,
                                 const char       *blank_node_prefix,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  Builder b = { 0, };
  PpJsonldNodeMap *target;
  guint64 counter = map->counter;
  gboolean empty, ret;

  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (expanded != NULL, FALSE);
  g_return_val_if_fail (blank_node_prefix == NULL ||
                        (pp_jsonld_is_blank_node_id (blank_node_prefix) &&
                         strcmp (blank_node_prefix, "_:b") != 0), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Into an empty map the document goes straight in, and a failure
   * empties the map again.  Otherwise it goes into a scratch map first,
   * merged in only once it is complete, so that a document that fails
   * leaves nothing behind. */
  empty = map->graph_order->len == 1 &&
          map_lookup_graph (map, "@default")->order->len == 0;
  target = empty ? map : pp_jsonld_node_map_new ();
  target->counter = map->counter;

  b.map = target;
  b.identifier_map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  b.prefix = blank_node_prefix;
  b.cancellable = cancellable;

  ret = generate (&b, expanded, map_lookup_graph (target, "@default"),
                  NULL, NULL, FALSE, NULL, 0, error);

  g_hash_table_unref (b.identifier_map);

  if (empty)
    {
      if (!ret)
        map_reset (map, counter);
      return ret;
    }

  if (ret)
    ret = map_merge_from (map, target, error);

  pp_jsonld_node_map_unref (target);
  return ret;
}

/* }}} */

/* {{{ output */

static JsonNode *value_to_json (const Value *value, PpJsonldFlattenFlags flags);

static JsonNode *
reference_new (const char *id)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "@id", id);
  return pp_jsonld_node_new_object (object);
}

static JsonNode *
value_to_json (const Value          *value,
               PpJsonldFlattenFlags  flags)
{
  switch (value->kind)
    {
    case VALUE_REF:
      return reference_new (node_resolve (value->v.ref)->id);

    case VALUE_JSON:
      return json_node_ref (value->v.json);

    case VALUE_STRING:
      return pp_jsonld_node_new_string (value->v.str);

    case VALUE_LIST:
    default:
      {
        JsonArray *items = json_array_sized_new (value->v.list->n);
        JsonObject *object = json_object_new ();
        guint i;

        for (i = 0; i < value->v.list->n; i++)
          json_array_add_element (items, value_to_json (&value->v.list->items[i], flags));

        json_object_set_array_member (object, "@list", items);
        return pp_jsonld_node_new_object (object);
      }
    }
}

/* a string between quotes, with quotes and backslashes escaped so that two
 * different strings never give the same serialisation */
static void
canonical_append_string (GString    *out,
                         const char *str)
{
  const char *p;

  g_string_append_c (out, '"');
  for (p = str; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* the canonical serialisation used to sort values: compact JSON with the
 * members of objects in code point order */
static void
canonical_append (GString  *out,
                  JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GPtrArray) keys = pp_jsonld_object_get_keys_sorted (object, TRUE);
        guint i;

        g_string_append_c (out, '{');
        for (i = 0; i < keys->len; i++)
          {
            const char *key = g_ptr_array_index (keys, i);

            if (i > 0)
              g_string_append_c (out, ',');
            canonical_append_string (out, key);
            g_string_append_c (out, ':');
            canonical_append (out, json_object_get_member (object, key));
          }
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint i, n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            canonical_append (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;

    case JSON_NODE_VALUE:
    default:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          {
            canonical_append_string (out, json_node_get_string (node));
          }
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_string_append (out, g_ascii_dtostr (buf, sizeof buf,
                                                  json_node_get_double (node)));
          }
        break;
      }
    }
}

typedef struct {
  char     *key;
  JsonNode *json;
} SortItem;

static int
compare_sort_items (const void *a,
                    const void *b)
{
  return strcmp (((const SortItem *) a)->key, ((const SortItem *) b)->key);
}

/* builds the array of @prop's values, sorted and deduplicated as asked */
static JsonNode *
prop_to_json (PpJsonldNodeMap      *map,
              Prop                 *prop,
              PpJsonldFlattenFlags  flags)
{
  guint i, n = prop->n;
  JsonArray *array = json_array_sized_new (n);
  GHashTable *seen = NULL;

  /* merged nodes can leave equal references behind */
  if (map->has_merged_nodes && n > 1)
    seen = g_hash_table_new (value_hash_func, value_equal_func);

  if ((flags & PP_JSONLD_FLATTEN_CANONICAL) && n > 1)
    {
      g_autofree SortItem *items = g_new (SortItem, n);
      guint n_items = 0;
      GString *buf = g_string_new (NULL);

      for (i = 0; i < n; i++)
        {
          Value *value = &prop->values[i];

          if (seen != NULL && value->kind != VALUE_LIST && !g_hash_table_add (seen, value))
            continue;

          items[n_items].json = value_to_json (value, flags);
          g_string_truncate (buf, 0);
          canonical_append (buf, items[n_items].json);
          items[n_items].key = g_strdup (buf->str);
          n_items++;
        }

      qsort (items, n_items, sizeof (SortItem), compare_sort_items);
      for (i = 0; i < n_items; i++)
        {
          json_array_add_element (array, items[i].json);
          g_free (items[i].key);
        }
      g_string_free (buf, TRUE);
    }
  else
    {
      for (i = 0; i < n; i++)
        {
          Value *value = &prop->values[i];

          if (seen != NULL && value->kind != VALUE_LIST && !g_hash_table_add (seen, value))
            continue;

          json_array_add_element (array, value_to_json (value, flags));
        }
    }

  g_clear_pointer (&seen, g_hash_table_unref);
  return pp_jsonld_node_new_array (array);
}

static int
compare_props (const void *a,
               const void *b)
{
  return strcmp ((*(const Prop * const *) a)->name, (*(const Prop * const *) b)->name);
}

static int
compare_nodes (const void *a,
               const void *b)
{
  return strcmp ((*(Node * const *) a)->id, (*(Node * const *) b)->id);
}

static JsonObject *
node_to_json_object (PpJsonldNodeMap      *map,
                     Node                 *node,
                     PpJsonldFlattenFlags  flags)
{
  JsonObject *object = json_object_new ();
  guint i;

  json_object_set_string_member (object, "@id", node->id);

  if (node->types.n > 0)
    json_object_set_member (object, "@type", prop_to_json (map, &node->types, flags));

  if (node->index != NULL)
    json_object_set_member (object, "@index", json_node_ref (node->index));

  if (node->n_props > 0)
    {
      Prop *stack_props[32];
      g_autofree Prop **heap_props = NULL;
      Prop **props = stack_props;

      if (node->n_props > G_N_ELEMENTS (stack_props))
        props = heap_props = g_new (Prop *, node->n_props);
      for (i = 0; i < node->n_props; i++)
        props[i] = &node->props[i];

      if ((flags & PP_JSONLD_FLATTEN_CANONICAL) && node->n_props > 1)
        qsort (props, node->n_props, sizeof (Prop *), compare_props);

      for (i = 0; i < node->n_props; i++)
        json_object_set_member (object, props[i]->name,
                                prop_to_json (map, props[i], flags));
    }

  return object;
}

static gboolean
node_is_only_id (Node *node)
{
  return node->types.n == 0 && node->index == NULL && node->n_props == 0;
}

/* the live nodes of @graph, in the order asked for */
static GPtrArray *
graph_get_nodes (Graph                *graph,
                 PpJsonldFlattenFlags  flags)
{
  GPtrArray *nodes = g_ptr_array_sized_new (graph->order->len);
  guint i;

  for (i = 0; i < graph->order->len; i++)
    {
      Node *node = g_ptr_array_index (graph->order, i);

      if (node->merged_into == NULL)
        g_ptr_array_add (nodes, node);
    }

  if ((flags & (PP_JSONLD_FLATTEN_ORDERED | PP_JSONLD_FLATTEN_CANONICAL)) && nodes->len > 1)
    qsort (nodes->pdata, nodes->len, sizeof (Node *), compare_nodes);

  return nodes;
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
  guint i;

  for (i = 0; i < map->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (map->graph_order, i);

      if (strcmp (graph->name, "@default") != 0)
        g_ptr_array_add (graphs, graph);
    }

  if ((flags & (PP_JSONLD_FLATTEN_ORDERED | PP_JSONLD_FLATTEN_CANONICAL)) && graphs->len > 1)
    qsort (graphs->pdata, graphs->len, sizeof (Graph *), compare_graphs);

  return graphs;
}

static JsonArray *
graph_to_flat_array (PpJsonldNodeMap      *map,
                     Graph                *graph,
                     PpJsonldFlattenFlags  flags,
                     GHashTable           *graph_entries)
{
  g_autoptr(GPtrArray) nodes = graph_get_nodes (graph, flags);
  JsonArray *array = json_array_sized_new (nodes->len);
  guint i;

  for (i = 0; i < nodes->len; i++)
    {
      Node *node = g_ptr_array_index (nodes, i);
      JsonNode *graph_array = NULL;
      JsonObject *object;

      if (graph_entries != NULL)
        graph_array = g_hash_table_lookup (graph_entries, node->id);

      if (graph_array == NULL && node_is_only_id (node))
        continue;

      object = node_to_json_object (map, node, flags);
      if (graph_array != NULL)
        {
          json_object_set_member (object, "@graph", json_node_ref (graph_array));
          g_hash_table_remove (graph_entries, node->id);
        }

      json_array_add_element (array, pp_jsonld_node_new_object (object));
    }

  return array;
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
 * The result shares the value objects of the documents added to the map;
 * treat it as read-only, or copy it before changing it.
 *
 * Returns: (transfer full): a JSON array in flattened document form
 */
JsonNode *
pp_jsonld_node_map_flatten (PpJsonldNodeMap      *map,
                            PpJsonldFlattenFlags  flags)
{
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GHashTable) graph_entries = NULL;
  Graph *default_graph;
  JsonArray *flattened;
  guint i;

  g_return_val_if_fail (map != NULL, NULL);

  default_graph = map_lookup_graph (map, "@default");
  named = map_get_named_graphs (map, flags);
  graph_entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) json_node_unref);

  for (i = 0; i < named->len; i++)
    {
      Graph *graph = g_ptr_array_index (named, i);
      JsonArray *nodes = graph_to_flat_array (map, graph, flags, NULL);

      /* the default graph gets a node for every graph name */
      graph_ensure_node (map, default_graph, graph->name);
      g_hash_table_insert (graph_entries, graph->name, pp_jsonld_node_new_array (nodes));
    }

  flattened = graph_to_flat_array (map, default_graph, flags, graph_entries);
  return pp_jsonld_node_new_array (flattened);
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
  Node *node;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  node = g_hash_table_lookup (map_lookup_graph (map, "@default")->nodes, id);
  if (node == NULL || node->merged_into != NULL || node_is_only_id (node))
    return NULL;

  return pp_jsonld_node_new_object (node_to_json_object (map, node, flags));
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
  JsonObject *result = json_object_new ();
  g_autoptr(GPtrArray) named = NULL;
  g_autoptr(GPtrArray) graphs = g_ptr_array_new ();
  guint i, j;

  g_return_val_if_fail (map != NULL, NULL);

  g_ptr_array_add (graphs, map_lookup_graph (map, "@default"));
  named = map_get_named_graphs (map, flags);
  for (i = 0; i < named->len; i++)
    g_ptr_array_add (graphs, g_ptr_array_index (named, i));

  for (i = 0; i < graphs->len; i++)
    {
      Graph *graph = g_ptr_array_index (graphs, i);
      g_autoptr(GPtrArray) nodes = graph_get_nodes (graph, flags);
      JsonObject *graph_object = json_object_new ();

      for (j = 0; j < nodes->len; j++)
        {
          Node *node = g_ptr_array_index (nodes, j);

          json_object_set_object_member (graph_object, node->id,
                                         node_to_json_object (map, node, flags));
        }

      json_object_set_object_member (result, graph->name, graph_object);
    }

  return pp_jsonld_node_new_object (result);
}

/* }}} */

/* {{{ merging */

/* a copy of @value whose references point at nodes of @target */
static Value
value_copy_into (const Value     *value,
                 PpJsonldNodeMap *map,
                 Graph           *target)
{
  switch (value->kind)
    {
    case VALUE_REF:
      return value_ref (graph_ensure_node (map, target, node_resolve (value->v.ref)->id));

    case VALUE_JSON:
      return value_json (json_node_ref (value->v.json));

    case VALUE_STRING:
      return value_string (map_intern (map, value->v.str));

    case VALUE_LIST:
    default:
      {
        ValueList *items = value_list_new ();
        guint i;

        for (i = 0; i < value->v.list->n; i++)
          value_list_append (items, value_copy_into (&value->v.list->items[i], map, target));
        return value_list (items);
      }
    }
}

/* adds the types, index and properties of @from to @into; @into belongs to
 * @target, whose nodes the copied references point at */
static gboolean
node_merge_into (Node            *from,
                 Node            *into,
                 PpJsonldNodeMap *map,
                 Graph           *target,
                 gboolean         overwrite_index,
                 GError         **error)
{
  guint i, j;

  for (i = 0; i < from->types.n; i++)
    prop_add_unique (&into->types, value_copy_into (&from->types.values[i], map, target));

  if (from->index != NULL)
    {
      if (into->index != NULL && !overwrite_index &&
          !json_equal_deep (into->index, from->index))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONFLICTING_INDEXES,
                               "nodes %s and %s have different @index values",
                               from->id, into->id);
          return FALSE;
        }
      g_clear_pointer (&into->index, json_node_unref);
      into->index = json_node_ref (from->index);
    }

  for (i = 0; i < from->n_props; i++)
    {
      Prop *prop = &from->props[i];
      const char *name = map_intern (map, prop->name);

      node_ensure_prop (into, name);
      for (j = 0; j < prop->n; j++)
        {
          Value copy = value_copy_into (&prop->values[j], map, target);

          /* copying may add nodes, never properties: the lookup is cheap */
          prop_add_unique (node_lookup_prop (into, name), copy);
        }
    }

  return TRUE;
}

/* merges every graph of @other into @map, or fails without changing @map
 * when a node has different @index values in the two */
static gboolean
map_merge_from (PpJsonldNodeMap  *map,
                PpJsonldNodeMap  *other,
                GError          **error)
{
  guint i, j;

  for (i = 0; i < other->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (other->graph_order, i);
      Graph *target = map_lookup_graph (map, graph->name);

      for (j = 0; target != NULL && j < graph->order->len; j++)
        {
          Node *node = g_ptr_array_index (graph->order, j);
          Node *existing;

          if (node->index == NULL)
            continue;

          existing = graph_lookup_node (target, node->id);
          if (existing != NULL && existing->index != NULL &&
              !json_equal_deep (existing->index, node->index))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONFLICTING_INDEXES,
                                   "node %s has two different @index values", node->id);
              return FALSE;
            }
        }
    }

  for (i = 0; i < other->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (other->graph_order, i);
      Graph *target = map_ensure_graph (map, graph->name);

      for (j = 0; j < graph->order->len; j++)
        {
          Node *node = g_ptr_array_index (graph->order, j);

          /* checked above: this cannot fail */
          node_merge_into (node, graph_ensure_node (map, target, node->id),
                           map, target, FALSE, NULL);
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

  return map_merge_from (map, other, error);
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
  guint i, j;

  g_return_val_if_fail (map != NULL, NULL);

  merged = pp_jsonld_node_map_new ();
  target = map_lookup_graph (merged, "@default");

  for (i = 0; i < map->graph_order->len; i++)
    {
      Graph *graph = g_ptr_array_index (map->graph_order, i);

      for (j = 0; j < graph->order->len; j++)
        {
          Node *node = g_ptr_array_index (graph->order, j);
          Node *into;

          if (node->merged_into != NULL)
            continue;

          into = graph_ensure_node (merged, target, node->id);
          /* keywords other than @type are overwritten, so this cannot fail */
          node_merge_into (node, into, merged, target, TRUE, NULL);
        }
    }

  json = pp_jsonld_node_map_to_json (merged, flags);
  return json_node_ref (json_object_get_member (json_node_get_object (json), "@default"));
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
  guint i;

  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (from_id != NULL, FALSE);
  g_return_val_if_fail (into_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  graph = map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return TRUE;

  from = graph_lookup_node (graph, from_id);
  into = graph_ensure_node (map, graph, into_id);
  if (from == NULL || from == into)
    return TRUE;

  if (!node_merge_into (from, into, map, graph, FALSE, error))
    return FALSE;

  from->merged_into = into;
  map->has_merged_nodes = TRUE;

  /* the values now live in @into */
  prop_clear (&from->types);
  g_clear_pointer (&from->index, json_node_unref);
  g_clear_pointer (&from->prop_index, g_hash_table_unref);
  for (i = 0; i < from->n_props; i++)
    prop_clear (&from->props[i]);
  g_clear_pointer (&from->props, g_free);
  from->n_props = from->cap_props = 0;

  return TRUE;
}

/* }}} */

/* {{{ queries */

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
  guint i;

  g_return_val_if_fail (map != NULL, NULL);

  names = g_ptr_array_sized_new (map->graph_order->len);
  for (i = 0; i < map->graph_order->len; i++)
    g_ptr_array_add (names, ((Graph *) g_ptr_array_index (map->graph_order, i))->name);

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
  guint i;

  g_return_val_if_fail (map != NULL, NULL);

  graph = map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return NULL;

  nodes = graph_get_nodes (graph, sorted ? PP_JSONLD_FLATTEN_ORDERED : PP_JSONLD_FLATTEN_NONE);
  ids = g_ptr_array_sized_new (nodes->len);
  for (i = 0; i < nodes->len; i++)
    g_ptr_array_add (ids, (gpointer) ((Node *) g_ptr_array_index (nodes, i))->id);

  return ids;
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
  Graph *graph;
  Node *node;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  graph = map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return NULL;

  node = graph_lookup_node (graph, id);
  if (node == NULL)
    return NULL;

  return pp_jsonld_node_new_object (node_to_json_object (map, node, PP_JSONLD_FLATTEN_NONE));
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
  guint i, n = 0;

  g_return_val_if_fail (map != NULL, 0);

  graph = map_lookup_graph (map, graph_name);
  if (graph == NULL)
    return 0;

  for (i = 0; i < graph->order->len; i++)
    if (((Node *) g_ptr_array_index (graph->order, i))->merged_into == NULL)
      n++;

  return n;
}

/* }}} */
