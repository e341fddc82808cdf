/* pp-jsonld-node-map-generate.c: Node Map Generation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-node-map-types-private.h"
#include "pp-jsonld-util-private.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* how many elements are visited between two cancellation checks */
#define CANCEL_CHECK_INTERVAL 4096

/* how many names of the document are remembered with their interned copy
 * in the map */
#define NAME_CACHE_SIZE 256

typedef struct {
  const char *name;    /* of the document */
  const char *interned; /* in the map */
} NameCacheEntry;

/* the state of one pp_jsonld_node_map_add_document_value() call */
typedef struct {
  PpJsonldNodeMap *map;
  GHashTable      *identifier_map;  /* input label -> new label (in the map) */
  const char      *prefix;          /* NULL: the map's own generator */
  gboolean         copy;            /* values copied into the map's arena */
  guint64          counter;
  GCancellable    *cancellable;
  guint            steps;
  NameCacheEntry   names[NAME_CACHE_SIZE];
} Builder;

/* @name (a string of the document, whose pointer stays the same for the
 * same name) interned in the map */
static const char *
builder_intern (Builder    *b,
                const char *name)
{
  NameCacheEntry *entry = &b->names[(GPOINTER_TO_SIZE (name) >> 3) % NAME_CACHE_SIZE];

  if (entry->name != name)
    {
      entry->name = name;
      entry->interned = pp_node_map_intern (b->map, name);
    }

  return entry->interned;
}

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

/* the Generate Blank Node Identifier algorithm, for a label of the
 * document; the new label lives in the map */
static const char *
builder_relabel (Builder    *b,
                 const char *identifier)
{
  const char *label = g_hash_table_lookup (b->identifier_map, identifier);

  if (label == NULL)
    {
      gsize size = (b->prefix != NULL ? strlen (b->prefix) : 0) + 32;
      g_autofree char *buf = g_malloc (size);

      label = pp_node_map_intern (b->map, builder_generate (b, buf, size));
      g_hash_table_insert (b->identifier_map, (gpointer) identifier, (gpointer) label);
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
  const char  *key;
  PpJsonValue *value;
} Entry;

/* the entries of an object of an expanded document, sorted out in one pass:
 * keywords by name, properties in an array sorted by name */
typedef struct {
  PpJsonValue *id;
  PpJsonValue *type;
  PpJsonValue *index;
  PpJsonValue *reverse;
  PpJsonValue *graph;
  PpJsonValue *included;
  PpJsonValue *value;
  PpJsonValue *list;
  Entry       *props;
  guint        n_props;
  Entry        stack_props[16];
  Entry       *heap_props;
} Members;

static int
compare_entries (const void *a,
                 const void *b)
{
  return strcmp (((const Entry *) a)->key, ((const Entry *) b)->key);
}

static void
members_init (Members           *m,
              const PpJsonValue *object)
{
  const PpJsonMember *members = pp_json_object_get_members (object);
  guint size = pp_json_value_get_size (object);

  memset (m, 0, offsetof (Members, stack_props));
  m->heap_props = NULL;
  m->props = m->stack_props;
  if (size > G_N_ELEMENTS (m->stack_props))
    m->props = m->heap_props = g_new (Entry, size);

  for (guint i = 0; i < size; i++)
    {
      const char *name = members[i].key;

      /* keys are interned: keywords compare by pointer */
      if (pp_json_is_interned_keyword (name))
        {
          if (name == PP_JSON_KW (ID))
            m->id = members[i].value;
          else if (name == PP_JSON_KW (TYPE))
            m->type = members[i].value;
          else if (name == PP_JSON_KW (INDEX))
            m->index = members[i].value;
          else if (name == PP_JSON_KW (REVERSE))
            m->reverse = members[i].value;
          else if (name == PP_JSON_KW (GRAPH))
            m->graph = members[i].value;
          else if (name == PP_JSON_KW (INCLUDED))
            m->included = members[i].value;
          else if (name == PP_JSON_KW (VALUE))
            m->value = members[i].value;
          else if (name == PP_JSON_KW (LIST))
            m->list = members[i].value;
          continue;
        }

      m->props[m->n_props].key = name;
      m->props[m->n_props].value = members[i].value;
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
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Node, pp_node_map_node_clear)

/* a value object, with its @type relabelled when it is a blank node */
/* whether @a and @b are the same JSON, down to the type and text of
 * their numbers: one can stand for the other in the output */
static gboolean
value_identical (const PpJsonValue *a,
                 const PpJsonValue *b)
{
  PpJsonType type = pp_json_value_get_type (a);

  if (a == b)
    return TRUE;
  if (type != pp_json_value_get_type (b))
    return FALSE;

  switch (type)
    {
    case PP_JSON_TYPE_INT:
    case PP_JSON_TYPE_DOUBLE:
      return pp_json_value_equal (a, b) &&
             g_strcmp0 (pp_json_value_get_number_text (a), pp_json_value_get_number_text (b)) == 0;

    case PP_JSON_TYPE_ARRAY:
      if (pp_json_value_get_size (a) != pp_json_value_get_size (b))
        return FALSE;
      for (guint i = 0; i < pp_json_value_get_size (a); i++)
        if (!value_identical (pp_json_array_get (a, i), pp_json_array_get (b, i)))
          return FALSE;
      return TRUE;

    case PP_JSON_TYPE_OBJECT:
      {
        const PpJsonMember *ma = pp_json_object_get_members (a);
        const PpJsonMember *mb = pp_json_object_get_members (b);

        if (pp_json_value_get_size (a) != pp_json_value_get_size (b))
          return FALSE;
        for (guint i = 0; i < pp_json_value_get_size (a); i++)
          if (strcmp (ma[i].key, mb[i].key) != 0 || !value_identical (ma[i].value, mb[i].value))
            return FALSE;
        return TRUE;
      }

    case PP_JSON_TYPE_NULL:
    case PP_JSON_TYPE_BOOLEAN:
    case PP_JSON_TYPE_STRING:
    default:
      return pp_json_value_equal (a, b);
    }
}

static guint
value_hash_func (gconstpointer value)
{
  return pp_json_value_hash (value);
}

static gboolean
value_identical_func (gconstpointer a,
                      gconstpointer b)
{
  return value_identical (a, b);
}

/* A copy of @value in the map's arena, one for all the identical values
 * (documents repeat the same dates, places and numbers: a copy each would
 * cost a third of the map) */
const PpJsonValue *
pp_node_map_keep_value (PpJsonldNodeMap   *map,
                        const PpJsonValue *value)
{
  PpJsonValue *kept;

  if (map->kept_values == NULL)
    map->kept_values = g_hash_table_new (value_hash_func, value_identical_func);

  kept = g_hash_table_lookup (map->kept_values, value);
  if (kept == NULL)
    {
      kept = pp_json_value_copy (map->arena, value);
      g_hash_table_add (map->kept_values, kept);
    }

  return kept;
}

/* A value of the document as the map keeps it: itself, or a copy
 * (pp_node_map_keep_value()) */
static const PpJsonValue *
builder_keep (Builder           *b,
              const PpJsonValue *value)
{
  return b->copy ? pp_node_map_keep_value (b->map, value) : value;
}

static Value
builder_value_object (Builder           *b,
                      const PpJsonValue *object,
                      const PpJsonValue *type_value)
{
  const char *type = pp_json_value_get_string (type_value);

  if (pp_jsonld_is_blank_node_id (type))
    {
      PpJsonArena *arena = b->map->arena;
      const PpJsonMember *members = pp_json_object_get_members (object);
      guint n = pp_json_value_get_size (object);
      PpJsonValue *copy = pp_json_value_new_object (arena, n);

      /* the members of a value object are keywords: keys of any arena */
      for (guint i = 0; i < n; i++)
        {
          if (members[i].key == PP_JSON_KW (TYPE))
            pp_json_object_append (arena, copy, members[i].key,
                                   pp_json_value_new_string_static (arena,
                                                                    builder_relabel (b, type)));
          else
            pp_json_object_append (arena, copy, members[i].key,
                                   (PpJsonValue *) builder_keep (b, members[i].value));
        }

      return pp_node_map_value_json (copy);
    }

  return pp_node_map_value_json (builder_keep (b, object));
}

static gboolean generate (Builder            *b,
                          const PpJsonValue  *element,
                          Graph              *graph,
                          Node               *subject,
                          const char         *property,
                          gboolean            reverse,
                          ValueList          *list,
                          guint               depth,
                          GError            **error);

/* the node of a node object: named, generated, or detached when its @id
 * is null */
static Node *
generate_subject (Builder     *b,
                  Members     *m,
                  Graph       *graph,
                  Node        *detached)
{
  const char *id_str = pp_json_value_get_string (m->id);
  char generated[128];

  if (id_str != NULL)
    return pp_node_map_graph_ensure_node (b->map, graph, pp_jsonld_is_blank_node_id (id_str)
                                                         ? builder_relabel (b, id_str) : id_str);

  if (m->id != NULL)
    {
      /* "@id": null (an IRI that expansion dropped, such as "@ignoreMe"):
       * the node cannot be named, so neither it nor references to it are
       * kept, but the nodes it embeds are */
      pp_node_map_node_init (detached, "");
      return detached;
    }
  else
    {
      g_autofree char *heap = NULL;
      gsize size = (b->prefix != NULL ? strlen (b->prefix) : 0) + 32;
      char *label = size > sizeof generated ? (heap = g_malloc (size)) : generated;

      return pp_node_map_graph_ensure_node (b->map, graph, builder_generate (b, label, size));
    }
}

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
  PpJsonldNodeMap *map = b->map;
  g_auto(Node) detached = { 0, };
  Node *node = generate_subject (b, m, graph, &detached);
  gboolean is_detached = node == &detached;

  if (is_detached)
    {
      /* not referenced */
    }
  else if (reverse)
    {
      /* @subject is the node whose @reverse entry is processed */
      if (subject != NULL && property != NULL)
        pp_node_map_prop_add_unique (map, pp_node_map_node_ensure_prop (map, node, property),
                                     pp_node_map_value_ref (subject));
    }
  else if (property != NULL)
    {
      if (list != NULL)
        pp_node_map_value_list_append (map, list, pp_node_map_value_ref (node));
      else if (subject != NULL)
        pp_node_map_prop_add_unique (map, pp_node_map_node_ensure_prop (map, subject, property),
                                     pp_node_map_value_ref (node));
    }

  if (m->type != NULL)
    {
      gboolean is_array = pp_json_value_is_array (m->type);
      guint n = is_array ? pp_json_value_get_size (m->type) : 1;

      for (guint i = 0; i < n; i++)
        {
          const char *type = pp_json_value_get_string (is_array ? pp_json_array_get (m->type, i)
                                                                : m->type);

          if (type == NULL)
            continue;
          type = pp_jsonld_is_blank_node_id (type) ? builder_relabel (b, type)
                                                   : builder_intern (b, type);

          pp_node_map_prop_add_unique (map, &node->types, pp_node_map_value_string (type));
        }
    }

  if (m->index != NULL)
    {
      if (node->index != NULL && !pp_json_value_equal (node->index, m->index))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONFLICTING_INDEXES,
                               "node %s has two different @index values", node->id);
          return FALSE;
        }
      if (node->index == NULL)
        node->index = builder_keep (b, m->index);
    }

  if (pp_json_value_is_object (m->reverse) && !is_detached)
    {
      const PpJsonMember *members = pp_json_object_get_members (m->reverse);

      for (guint i = 0; i < pp_json_value_get_size (m->reverse); i++)
        {
          const char *name = members[i].key;
          const char *reverse_property = pp_jsonld_is_blank_node_id (name)
                                         ? builder_relabel (b, name) : builder_intern (b, name);

          if (!generate (b, members[i].value, graph, node, reverse_property, TRUE, NULL,
                         depth + 1, error))
            return FALSE;
        }
    }

  if (m->graph != NULL && !is_detached)
    {
      Graph *named = pp_node_map_ensure_graph (map, node->id);

      if (!generate (b, m->graph, named, NULL, NULL, FALSE, NULL, depth + 1, error))
        return FALSE;
    }

  if (m->included != NULL &&
      !generate (b, m->included, graph, NULL, NULL, FALSE, NULL, depth + 1, error))
    return FALSE;

  /* the remaining entries are properties, in order */
  pp_node_map_node_reserve_props (map, node, node->n_props + m->n_props);
  for (guint i = 0; i < m->n_props; i++)
    {
      const char *key = m->props[i].key;
      const char *prop_name = pp_jsonld_is_blank_node_id (key) ? builder_relabel (b, key)
                                                               : builder_intern (b, key);

      pp_node_map_node_ensure_prop (map, node, prop_name);

      if (!generate (b, m->props[i].value, graph, node, prop_name, FALSE, NULL,
                     depth + 1, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
generate_object (Builder            *b,
                 const PpJsonValue  *element,
                 Graph              *graph,
                 Node               *subject,
                 const char         *property,
                 gboolean            reverse,
                 ValueList          *list,
                 guint               depth,
                 GError            **error)
{
  PpJsonldNodeMap *map = b->map;
  g_auto(Members) m;

  members_init (&m, element);

  if (m.value != NULL)
    {
      Value value;

      /* a value is only kept as the object of a (forward) property */
      if (reverse || (list == NULL && (subject == NULL || property == NULL)))
        return TRUE;

      value = builder_value_object (b, element, m.type);
      if (list != NULL)
        pp_node_map_value_list_append (map, list, value);
      else
        pp_node_map_prop_add_unique (map, pp_node_map_node_ensure_prop (map, subject, property),
                                     value);

      return TRUE;
    }

  if (m.list != NULL)
    {
      ValueList *items;

      if (reverse || (list == NULL && (subject == NULL || property == NULL)))
        return TRUE;

      items = pp_node_map_value_list_new (map);
      if (!generate (b, m.list, graph, subject, property, FALSE, items, depth + 1, error))
        return FALSE;

      if (list != NULL)
        pp_node_map_value_list_append (map, list, pp_node_map_value_list (items));
      else
        pp_node_map_prop_append (map, pp_node_map_node_ensure_prop (map, subject, property),
                                 pp_node_map_value_list (items));

      return TRUE;
    }

  return generate_node_object (b, &m, graph, subject, property, reverse,
                               list, depth, error);
}

static gboolean
generate (Builder            *b,
          const PpJsonValue  *element,
          Graph              *graph,
          Node               *subject,
          const char         *property,
          gboolean            reverse,
          ValueList          *list,
          guint               depth,
          GError            **error)
{
  if (!builder_step (b, depth, error))
    return FALSE;

  if (pp_json_value_is_array (element))
    {
      guint n = pp_json_value_get_size (element);

      for (guint i = 0; i < n; i++)
        if (!generate (b, pp_json_array_get (element, i), graph, subject,
                       property, reverse, list, depth + 1, error))
          return FALSE;

      return TRUE;
    }

  /* expanded documents hold only arrays and objects at this level */
  if (!pp_json_value_is_object (element))
    return TRUE;

  return generate_object (b, element, graph, subject, property, reverse, list,
                          depth, error);
}

/**
 * pp_jsonld_node_map_add_document_value:
 * @map: a node map
 * @arena: (nullable): the arena of @expanded, which @map keeps alive; %NULL
 *   to copy what the map keeps of @expanded into the map's own memory, so
 *   that @expanded can be freed as soon as it is added
 * @expanded: an expanded JSON-LD document as values
 * @blank_node_prefix: (nullable): as for pp_jsonld_node_map_add_document()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * pp_jsonld_node_map_add_document() for a document expanded into values
 * (pp_jsonld_expand_value()). With @arena the map points at the value
 * objects of @expanded instead of copying them: do not modify them
 * afterwards.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
pp_jsonld_node_map_add_document_value (PpJsonldNodeMap    *map,
                                       PpJsonArena        *arena,
                                       const PpJsonValue  *expanded,
                                       const char         *blank_node_prefix,
                                       GCancellable       *cancellable,
                                       GError            **error)
{
  g_autofree Builder *b = NULL;
  PpJsonldNodeMap *target;
  guint64 counter;
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

  counter = map->counter;

  /* Into an empty map the document goes straight in, and a failure
   * empties the map again.  Otherwise it goes into a scratch map first,
   * merged in only once it is complete, so that a document that fails
   * leaves nothing behind. */
  empty = map->graph_order->len == 1 &&
          pp_node_map_lookup_graph (map, "@default")->order->len == 0;
  target = empty ? map : pp_jsonld_node_map_new ();
  target->counter = map->counter;
  if (arena != NULL)
    pp_node_map_keep_arena (target, arena);

  b = g_new0 (Builder, 1);
  b->map = target;
  b->identifier_map = g_hash_table_new (g_str_hash, g_str_equal);
  b->prefix = blank_node_prefix;
  b->copy = arena == NULL;
  b->cancellable = cancellable;

  ret = generate (b, expanded, pp_node_map_lookup_graph (target, "@default"),
                  NULL, NULL, FALSE, NULL, 0, error);

  g_hash_table_unref (b->identifier_map);

  if (empty)
    {
      if (!ret)
        pp_node_map_reset (map, counter);
      return ret;
    }

  if (ret)
    ret = pp_node_map_merge_from (map, target, error);

  pp_jsonld_node_map_unref (target);
  return ret;
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
  g_autoptr(PpJsonArena) arena = NULL;

  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (expanded != NULL, FALSE);

  /* converted for the time of the call: the map copies what it keeps */
  arena = pp_json_arena_new ();
  return pp_jsonld_node_map_add_document_value (map, NULL,
                                                pp_json_value_from_json_node_unchecked (arena, expanded),
                                                blank_node_prefix, cancellable, error);
}
