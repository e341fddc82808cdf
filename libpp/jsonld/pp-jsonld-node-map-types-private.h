/* pp-jsonld-node-map-types-private.h: the structures of a node map, shared
 * by the files that build, merge and write it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-json-value-private.h"
#include "pp-jsonld-node-map-private.h"

G_BEGIN_DECLS

/* The node map is kept in C structures rather than JSON objects: node
 * references point straight at their node, property names are interned, and
 * the values of a property are deduplicated with a hash set once there are
 * more than a handful of them, so adding a value stays O(1) however many
 * values a node collects (the specification's "compare against every item"
 * is quadratic).  Nodes, identifiers, names and value arrays live in the
 * map's arena; value objects stay in the arena of the document they came
 * from, which the map keeps alive.  JSON is built only when the map is
 * written out. */

typedef struct _Node Node;
typedef struct _Value Value;
typedef struct _ValueList ValueList;
typedef struct _PpNodeMapKeptValues PpNodeMapKeptValues;

typedef enum {
  VALUE_REF,     /* a node reference: {"@id": ...} */
  VALUE_JSON,    /* a value object */
  VALUE_STRING,  /* a @type IRI, interned in the map */
  VALUE_LIST,    /* a list object: {"@list": [...]} */
} ValueKind;

struct _Value {
  ValueKind kind;
  union {
    Node              *ref;
    const PpJsonValue *json;
    const char        *str;
    ValueList         *list;
  } v;
};

struct _ValueList {
  guint  n, cap;
  Value *items;
};

/* an open-addressing set of the positions of a property's values */
typedef struct {
  guint size;     /* a power of two */
  guint slots[];  /* position + 1, 0 for an empty slot */
} PropIndex;

/* the values of one property of a node, with a set of their positions
 * once there are more than a handful of them: 32 bytes, as many nodes
 * have a few properties of one value each */
typedef struct {
  const char *name;    /* interned in the map */
  Value      *values;
  PropIndex  *index;   /* malloc'd */
  guint       n, cap;
} Prop;

struct _Node {
  const char        *id;           /* in the map's arena */
  Node              *merged_into;  /* set by pp_jsonld_node_map_merge_nodes() */
  const PpJsonValue *index;        /* @index */
  Prop               types;        /* @type, VALUE_STRING values */
  Prop              *props;        /* in order of appearance */
  guint              n_props, cap_props;
  GHashTable        *prop_index;   /* interned name -> position + 1 */
  PpJsonValue       *id_value;     /* the @id as a string value, once written */
  PpJsonValue       *reference;    /* {"@id": id_value}, once written */
};

/* the nodes of a graph by id: open addressing, the hash of each id
 * kept, so that an id is hashed once whether its node is found or made */
typedef struct {
  guint  hash;
  Node  *node;  /* NULL: an empty slot */
} NodeSlot;

typedef struct {
  const char *name;     /* in the map's arena */
  NodeSlot   *slots;    /* id -> Node, at most half full */
  guint       mask;
  guint       n_nodes;  /* in slots */
  GPtrArray  *order;    /* of Node, in order of appearance */
  Node      **fresh;    /* blank nodes with a label just generated, not in
                         * slots until a blank node identifier is looked
                         * up; malloc'd */
  guint       n_fresh, cap_fresh;
} Graph;

struct _PpJsonldNodeMap {
  grefcount     ref_count;
  PpJsonArena  *arena;        /* nodes, identifiers, names */
  GPtrArray    *arenas;       /* of PpJsonArena, those of the value objects */
  GHashTable   *graphs;       /* name -> Graph */
  GPtrArray    *graph_order;  /* of Graph, owned */
  GHashTable   *string_values; /* interned string -> its string value, once written */
  PpNodeMapKeptValues *kept_values; /* the copies of value objects: one per value that repeats (its first occurrence copied on its own) */
  guint64       counter;      /* of the default blank node generator */
  gboolean      has_merged_nodes;
  gboolean      arena_shared; /* another map keeps @arena alive too */
};

/* values */
static inline Value
pp_node_map_value_ref (Node *node)
{
  Value value = { VALUE_REF, { .ref = node } };
  return value;
}

static inline Value
pp_node_map_value_json (const PpJsonValue *json)
{
  Value value = { VALUE_JSON, { .json = json } };
  return value;
}

static inline Value
pp_node_map_value_string (const char *str)
{
  Value value = { VALUE_STRING, { .str = str } };
  return value;
}

static inline Value
pp_node_map_value_list (ValueList *list)
{
  Value value = { VALUE_LIST, { .list = list } };
  return value;
}

static inline Node *
pp_node_map_node_resolve (Node *node)
{
  while (node->merged_into != NULL)
    node = node->merged_into;
  return node;
}

ValueList *pp_node_map_value_list_new    (PpJsonldNodeMap *map);
void       pp_node_map_value_list_append (PpJsonldNodeMap *map,
                                          ValueList       *list,
                                          Value            value);
guint      pp_node_map_value_hash        (const Value     *value);
gboolean   pp_node_map_value_equal       (const Value     *a,
                                          const Value     *b);

/* properties: @name interned in the map */
void       pp_node_map_prop_append       (PpJsonldNodeMap *map,
                                          Prop            *prop,
                                          Value            value);
/* room for @n values in @prop, exactly, if it has none yet */
void       pp_node_map_prop_reserve      (PpJsonldNodeMap *map,
                                          Prop            *prop,
                                          guint            n);
/* appends @value unless an equal value is there */
void       pp_node_map_prop_add_unique   (PpJsonldNodeMap *map,
                                          Prop            *prop,
                                          Value            value);
Prop      *pp_node_map_node_lookup_prop  (Node            *node,
                                          const char      *name);
/* the pointer is valid until the next property is added to @node */
Prop      *pp_node_map_node_ensure_prop  (PpJsonldNodeMap *map,
                                          Node            *node,
                                          const char      *name);
/* room for @n properties in @node */
void       pp_node_map_node_reserve_props (PpJsonldNodeMap *map,
                                           Node            *node,
                                           guint            n);
/* a node outside any graph, cleared with pp_node_map_node_clear() */
void       pp_node_map_node_init         (Node            *node,
                                          const char      *id);
/* frees what @node holds outside the arena, and empties it */
void       pp_node_map_node_clear        (Node            *node);
gboolean   pp_node_map_node_is_only_id   (Node            *node);

/* graphs and the map */
Graph     *pp_node_map_lookup_graph      (PpJsonldNodeMap *map,
                                          const char      *name);
Graph     *pp_node_map_ensure_graph      (PpJsonldNodeMap *map,
                                          const char      *name);
Node      *pp_node_map_graph_lookup_node (Graph           *graph,
                                          const char      *id);
/* the node named @id, or NULL; a node merged away too, not resolved */
Node      *pp_node_map_graph_find_node   (Graph           *graph,
                                          const char      *id);
Node      *pp_node_map_graph_ensure_node (PpJsonldNodeMap *map,
                                          Graph           *graph,
                                          const char      *id);
/* a new node named @id, a blank node identifier just generated, which no
 * node of @graph has: made without a lookup */
Node      *pp_node_map_graph_add_fresh_node (PpJsonldNodeMap *map,
                                             Graph           *graph,
                                             const char      *id);
const char *pp_node_map_intern           (PpJsonldNodeMap *map,
                                          const char      *str);
/* a copy of @value in the map's arena, shared by the identical values
 * (pp-jsonld-node-map-generate.c) */
const PpJsonValue *pp_node_map_keep_value (PpJsonldNodeMap  *map,
                                           const PpJsonValue *value);
void       pp_node_map_kept_values_free  (PpNodeMapKeptValues *kept);
/* the map keeps @arena alive: values of it may be added */
void       pp_node_map_keep_arena        (PpJsonldNodeMap *map,
                                          PpJsonArena     *arena);
/* back to an empty map whose generator is at @counter, keeping the memory
 * of its tables and of its arena for the next document */
void       pp_node_map_reset             (PpJsonldNodeMap *map,
                                          guint64          counter);
/* the live nodes of @graph, in the order asked for (transfer container) */
GPtrArray *pp_node_map_graph_get_nodes   (Graph                *graph,
                                          PpJsonldFlattenFlags  flags);

/* merging (pp-jsonld-node-map-merge.c) */
/* @copy_all: every value object copied into @map, which then keeps no
 * arena of @other */
gboolean   pp_node_map_merge_from        (PpJsonldNodeMap  *map,
                                          PpJsonldNodeMap  *other,
                                          gboolean          copy_all,
                                          GError          **error);
/* pp_jsonld_node_map_merge_nodes() of the nodes themselves: @from (NULL
 * or @into: nothing to do) into @into, a live node of the same graph */
gboolean   pp_node_map_merge_node        (PpJsonldNodeMap  *map,
                                          Node             *from,
                                          Node             *into,
                                          GError          **error);

/* output (pp-jsonld-node-map-output.c): @node as a node object of @arena */
PpJsonValue *pp_node_map_node_to_value   (PpJsonldNodeMap      *map,
                                          PpJsonArena          *arena,
                                          Node                 *node,
                                          PpJsonldFlattenFlags  flags);

G_END_DECLS
