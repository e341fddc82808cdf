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

/* how many blank node labels of a document are looked up linearly before
 * a hash table is made for the others: a document has few, if any */
#define LABELS_INLINE 8

/* a blank node label of the document and the label it was given */
typedef struct {
  char       *identifier;  /* a copy */
  const char *label;       /* in the map */
} Relabelled;

typedef struct {
  const char *name;    /* of the document */
  const char *interned; /* in the map */
  gboolean    stable;  /* @name is interned in the builder's names arena */
} NameCacheEntry;

/* the state of one document being added: PpJsonldNodeMapBuilder */
struct _PpJsonldNodeMapBuilder {
  PpJsonldNodeMap *map;             /* where the document goes: the map, or
                                     * a scratch map merged into it */
  PpJsonldNodeMap *destination;     /* the map the document is added to */
  guint64          destination_counter;
  Graph           *default_graph;   /* of map */
  Relabelled       labels[LABELS_INLINE];  /* the first labels met */
  guint            n_labels;
  GHashTable      *identifier_map;  /* (nullable): the labels met after
                                     * the first LABELS_INLINE, input label
                                     * (a copy) -> new label (in the map) */
  const char      *prefix;          /* NULL: the map's own generator */
  gboolean         copy;            /* values copied into the map's arena */
  guint64          counter;
  GCancellable    *cancellable;
  guint            steps;
  PpJsonArena     *names_arena;     /* where the elements' names are interned */
  guint64          names_filled[NAME_CACHE_SIZE / 64];  /* a bit per entry */
  /* last, and not zeroed: a document of a few nodes (an LLM's answer,
   * merged by the thousand) fills a few entries */
  NameCacheEntry   names[NAME_CACHE_SIZE];
};

typedef PpJsonldNodeMapBuilder Builder;

/* @name (a string of the document, usually interned there: the same
 * pointer for the same name) interned in the map; @is_key when @name is a
 * member name, interned in the document's arena for sure.  The strings of
 * an element added earlier may be gone, and their memory reused for other
 * strings: a pointer seen before is the same name only when the text is
 * the same too, or when it is interned in the names arena the builder
 * keeps alive (pp_jsonld_node_map_builder_set_names()). */
static const char *
builder_intern (Builder    *b,
                const char *name,
                gboolean    is_key)
{
  guint slot = (guint) ((GPOINTER_TO_SIZE (name) >> 3) % NAME_CACHE_SIZE);
  NameCacheEntry *entry = &b->names[slot];
  guint64 bit = G_GUINT64_CONSTANT (1) << (slot % 64);

  if ((b->names_filled[slot / 64] & bit) == 0 ||
      entry->name != name || (!entry->stable && strcmp (entry->interned, name) != 0))
    {
      b->names_filled[slot / 64] |= bit;
      entry->name = name;
      entry->interned = is_key ? pp_json_arena_intern_interned (b->map->arena, name)
                               : pp_node_map_intern (b->map, name);
      entry->stable = b->names_arena != NULL &&
                      pp_json_arena_lookup_interned (b->names_arena, name) == name;
    }

  return entry->interned;
}

/* writes @prefix followed by @counter in decimal into @buf (of at least
 * 21 bytes more than @prefix): one label per blank node, so no printf */
static const char *
format_label (char       *buf,
              const char *prefix,
              guint64     counter)
{
  char digits[20];
  gsize n_digits = 0;
  gsize len = strlen (prefix);

  memcpy (buf, prefix, len);
  do
    {
      digits[n_digits++] = (char) ('0' + counter % 10);
      counter /= 10;
    }
  while (counter > 0);

  while (n_digits > 0)
    buf[len++] = digits[--n_digits];
  buf[len] = '\0';

  return buf;
}

/* writes a new label into @buf (of at least 32 bytes + the prefix) */
static const char *
builder_generate (Builder *b,
                  char    *buf,
                  gsize    size)
{
  g_assert (size >= (b->prefix != NULL ? strlen (b->prefix) : 3) + 21);

  if (b->prefix == NULL)
    return format_label (buf, "_:b", b->map->counter++);

  return format_label (buf, b->prefix, b->counter++);
}

/* the Generate Blank Node Identifier algorithm, for a label of the
 * document; the new label lives in the map */
static const char *
builder_relabel (Builder    *b,
                 const char *identifier)
{
  const char *label;
  gsize size;
  char generated[128];
  g_autofree char *heap = NULL;
  char *buf;

  for (guint i = 0; i < b->n_labels; i++)
    if (strcmp (b->labels[i].identifier, identifier) == 0)
      return b->labels[i].label;

  if (b->identifier_map != NULL &&
      (label = g_hash_table_lookup (b->identifier_map, identifier)) != NULL)
    return label;

  size = (b->prefix != NULL ? strlen (b->prefix) : 0) + 32;
  buf = size > sizeof generated ? (heap = g_malloc (size)) : generated;
  label = pp_node_map_intern (b->map, builder_generate (b, buf, size));

  /* the document's strings may be gone before the next label comes */
  if (b->n_labels < LABELS_INLINE)
    {
      b->labels[b->n_labels].identifier = g_strdup (identifier);
      b->labels[b->n_labels].label = label;
      b->n_labels++;
    }
  else
    {
      if (b->identifier_map == NULL)
        b->identifier_map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (b->identifier_map, g_strdup (identifier), (gpointer) label);
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

/* the entries of a node or list object of an expanded document, sorted
 * out in one pass: keywords by name, properties in an array sorted by
 * name (value objects are known by is_value_object()) */
typedef struct {
  PpJsonValue *id;
  PpJsonValue *type;
  PpJsonValue *index;
  PpJsonValue *reverse;
  PpJsonValue *graph;
  PpJsonValue *included;
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

/* sorts @entries by key: a node has few properties, which an insertion
 * sort orders for less than qsort() costs to set up */
static void
sort_entries (Entry *entries,
              guint  n)
{
  if (n > 16)
    {
      qsort (entries, n, sizeof (Entry), compare_entries);
      return;
    }

  for (guint i = 1; i < n; i++)
    {
      Entry entry = entries[i];
      guint j = i;

      for (; j > 0 && strcmp (entries[j - 1].key, entry.key) > 0; j--)
        entries[j] = entries[j - 1];
      entries[j] = entry;
    }
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
          else if (name == PP_JSON_KW (LIST))
            m->list = members[i].value;
          continue;
        }

      m->props[m->n_props].key = name;
      m->props[m->n_props].value = members[i].value;
      m->n_props++;
    }

  sort_entries (m->props, m->n_props);
}

static void
members_clear (Members *m)
{
  g_clear_pointer (&m->heap_props, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Members, members_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Node, pp_node_map_node_clear)

/* value_identical() of two values of the same type that are neither
 * arrays nor objects: the members of value objects, which is what is
 * compared most, without a call */
static inline gboolean
scalar_identical (const PpJsonValue *a,
                  const PpJsonValue *b)
{
  switch (pp_json_value_get_type (a))
    {
    case PP_JSON_TYPE_INT:
      return a->u.number.v.i == b->u.number.v.i &&
             g_strcmp0 (pp_json_value_get_number_text (a), pp_json_value_get_number_text (b)) == 0;

    case PP_JSON_TYPE_DOUBLE:
      return a->u.number.v.d == b->u.number.v.d &&
             g_strcmp0 (pp_json_value_get_number_text (a), pp_json_value_get_number_text (b)) == 0;

    case PP_JSON_TYPE_STRING:
      return a->u.string.len == b->u.string.len &&
             memcmp (a->u.string.str, b->u.string.str, a->u.string.len) == 0;

    case PP_JSON_TYPE_NULL:
    case PP_JSON_TYPE_BOOLEAN:
    default:
      return pp_json_value_equal (a, b);
    }
}

static gboolean value_identical (const PpJsonValue *a,
                                 const PpJsonValue *b);

/* value_identical() of an element or a member */
static inline gboolean
item_identical (const PpJsonValue *a,
                const PpJsonValue *b)
{
  if (a == b)
    return TRUE;
  if (pp_json_value_get_type (a) != pp_json_value_get_type (b))
    return FALSE;
  if (pp_json_value_is_array (a) || pp_json_value_is_object (a))
    return value_identical (a, b);

  return scalar_identical (a, b);
}

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
    case PP_JSON_TYPE_ARRAY:
      if (pp_json_value_get_size (a) != pp_json_value_get_size (b))
        return FALSE;
      for (guint i = 0; i < pp_json_value_get_size (a); i++)
        if (!item_identical (pp_json_array_get (a, i), pp_json_array_get (b, i)))
          return FALSE;
      return TRUE;

    case PP_JSON_TYPE_OBJECT:
      {
        const PpJsonMember *ma = pp_json_object_get_members (a);
        const PpJsonMember *mb = pp_json_object_get_members (b);

        if (pp_json_value_get_size (a) != pp_json_value_get_size (b))
          return FALSE;
        for (guint i = 0; i < pp_json_value_get_size (a); i++)
          if ((ma[i].key != mb[i].key && strcmp (ma[i].key, mb[i].key) != 0) ||
              !item_identical (ma[i].value, mb[i].value))
            return FALSE;
        return TRUE;
      }

    default:
      return scalar_identical (a, b);
    }
}

/* The copies of value objects a map keeps, one per value that repeats.
 * Most values of a large document appear once (names, street addresses):
 * looking each up in a set of every value kept would cost a cache miss
 * and keep the set as large as the document.  So the values seen are
 * first remembered only as two bits of a filter (a blocked Bloom filter,
 * a word of 64 bits per hash): a value whose bits are not both set was
 * never seen, and is copied without a lookup.  A value whose bits are
 * set may have been seen: it is looked up in the set of the values seen
 * again, an open-addressing set of (hash, copy), and goes in there when
 * it is not found.  The set holds the values that repeat and the few
 * that the filter mistakes for seen, and stays small enough to be in the
 * processor's cache; a repeated value costs one copy more than it would
 * with a set of every value, its first. */
typedef struct {
  guint              hash;
  const PpJsonValue *value;  /* NULL: an empty slot */
} KeptSlot;

/* the filter starts with that many words, and doubles once it holds more
 * than a value per SEEN_BITS_PER_VALUE bits (about 1 in 50 values never
 * seen is then taken for seen) */
#define SEEN_FIRST_WORDS    64
#define SEEN_BITS_PER_VALUE 16
/* the word of a hash comes from its low bits, the two bits in the word
 * from its top twelve: the filter stops growing before they overlap */
#define SEEN_MAX_WORDS      (1u << 20)

struct _PpNodeMapKeptValues {
  KeptSlot *slots;      /* the values seen again */
  guint     mask;
  guint     n;
  guint64  *seen;       /* the filter of the values seen */
  guint     seen_mask;  /* words - 1 */
  guint     n_seen;
};

void
pp_node_map_kept_values_free (PpNodeMapKeptValues *kept)
{
  g_free (kept->slots);
  g_free (kept->seen);
  g_free (kept);
}

static void
kept_values_grow (PpNodeMapKeptValues *kept)
{
  KeptSlot *old = kept->slots;
  guint old_size = old != NULL ? kept->mask + 1 : 0;
  guint size = old_size > 0 ? old_size * 2 : 256;

  kept->slots = g_new0 (KeptSlot, size);
  kept->mask = size - 1;

  for (guint i = 0; i < old_size; i++)
    {
      guint slot = old[i].hash & kept->mask;

      if (old[i].value == NULL)
        continue;
      while (kept->slots[slot].value != NULL)
        slot = (slot + 1) & kept->mask;
      kept->slots[slot] = old[i];
    }

  g_free (old);
}

/* @hash mixed, so that its low and its top bits both depend on all of it */
static inline guint32
seen_mix (guint32 hash)
{
  hash ^= hash >> 16;
  hash *= 0x85EBCA6Bu;
  hash ^= hash >> 13;
  hash *= 0xC2B2AE35u;
  hash ^= hash >> 16;
  return hash;
}

/* Doubles the filter: word i of the new filter is word i of the old one
 * with the top bit of the index ignored, so every hash the old filter
 * held is held by the new one, whose word comes from one more low bit */
static void
seen_grow (PpNodeMapKeptValues *kept)
{
  guint words = kept->seen != NULL ? kept->seen_mask + 1 : 0;

  if (words == 0)
    {
      kept->seen = g_new0 (guint64, SEEN_FIRST_WORDS);
      kept->seen_mask = SEEN_FIRST_WORDS - 1;
      return;
    }

  kept->seen = g_renew (guint64, kept->seen, words * 2);
  memcpy (kept->seen + words, kept->seen, words * sizeof (guint64));
  kept->seen_mask = words * 2 - 1;
}

/* Marks @hash seen in the filter; returns whether it may have been seen
 * before (it was, or a hash of the same bits was) */
static gboolean
seen_test_and_add (PpNodeMapKeptValues *kept,
                   guint                hash)
{
  guint32 mixed = seen_mix (hash);
  guint64 bits = (G_GUINT64_CONSTANT (1) << (mixed >> 26)) |
                 (G_GUINT64_CONSTANT (1) << ((mixed >> 20) & 63));
  guint64 *word;

  if (kept->seen == NULL ||
      ((kept->n_seen + 1) * (guint64) SEEN_BITS_PER_VALUE > (guint64) (kept->seen_mask + 1) * 64 &&
       kept->seen_mask + 1 < SEEN_MAX_WORDS))
    seen_grow (kept);

  word = &kept->seen[mixed & kept->seen_mask];
  if ((*word & bits) == bits)
    return TRUE;

  *word |= bits;
  kept->n_seen++;
  return FALSE;
}

/* A copy of @value in the map's arena, one for all the identical values
 * that repeat (documents repeat the same dates, places and numbers: a
 * copy each would cost a third of the map) */
const PpJsonValue *
pp_node_map_keep_value (PpJsonldNodeMap   *map,
                        const PpJsonValue *value)
{
  PpNodeMapKeptValues *kept = map->kept_values;
  guint hash = pp_json_value_hash (value);
  const PpJsonValue *copy;
  guint slot;

  if (kept == NULL)
    kept = map->kept_values = g_new0 (PpNodeMapKeptValues, 1);

  /* never seen: nothing to look up, and nothing to find it by later but
   * the filter */
  if (!seen_test_and_add (kept, hash))
    return pp_json_value_copy (map->arena, value);

  /* at most half full */
  if ((kept->n + 1) * 2 > (kept->slots != NULL ? kept->mask + 1 : 0))
    kept_values_grow (kept);

  for (slot = hash & kept->mask; kept->slots[slot].value != NULL; slot = (slot + 1) & kept->mask)
    if (kept->slots[slot].hash == hash && value_identical (kept->slots[slot].value, value))
      return kept->slots[slot].value;

  copy = pp_json_value_copy (map->arena, value);
  kept->slots[slot].hash = hash;
  kept->slots[slot].value = copy;
  kept->n++;
  return copy;
}

/* A value of the document as the map keeps it: itself, or a copy
 * (pp_node_map_keep_value()) */
static const PpJsonValue *
builder_keep (Builder           *b,
              const PpJsonValue *value)
{
  return b->copy ? pp_node_map_keep_value (b->map, value) : value;
}

/* a value object, with its @type relabelled when it is a blank node */
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

static gboolean generate_property (Builder            *b,
                                   const PpJsonValue  *values,
                                   Graph              *graph,
                                   Node               *node,
                                   const char         *prop_name,
                                   guint               depth,
                                   GError            **error);

/* Whether @element is a value object (an object with @value), *@type set
 * to its @type entry: known by its keywords alone, without sorting its
 * members out as members_init() does for node objects */
static inline gboolean
is_value_object (const PpJsonValue  *element,
                 const PpJsonValue **type)
{
  const PpJsonMember *members = pp_json_object_get_members (element);
  guint n = pp_json_value_get_size (element);
  gboolean is_value = FALSE;

  *type = NULL;
  for (guint i = 0; i < n; i++)
    {
      if (members[i].key == PP_JSON_KW (VALUE))
        is_value = TRUE;
      else if (members[i].key == PP_JSON_KW (TYPE))
        *type = members[i].value;
    }

  return is_value;
}

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

      return pp_node_map_graph_add_fresh_node (b->map, graph, builder_generate (b, label, size));
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
                                                   : builder_intern (b, type, FALSE);

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
                                         ? builder_relabel (b, name) : builder_intern (b, name, TRUE);

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
                                                               : builder_intern (b, key, TRUE);

      if (!generate_property (b, m->props[i].value, graph, node, prop_name, depth + 1, error))
        return FALSE;
    }

  return TRUE;
}

/* the list and node objects of generate_object() */
static gboolean
generate_structured_object (Builder            *b,
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
  const PpJsonValue *type;
  Value value;

  if (!is_value_object (element, &type))
    return generate_structured_object (b, element, graph, subject, property, reverse, list,
                                       depth, error);

  /* a value is only kept as the object of a (forward) property */
  if (reverse || (list == NULL && (subject == NULL || property == NULL)))
    return TRUE;

  value = builder_value_object (b, element, type);
  if (list != NULL)
    pp_node_map_value_list_append (map, list, value);
  else
    pp_node_map_prop_add_unique (map, pp_node_map_node_ensure_prop (map, subject, property),
                                 value);

  return TRUE;
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

/* generate() on @values, the value of the property @prop_name of @node
 * (an array, in an expanded document): the property is made first, so
 * that it is there even when no value is kept.  A value object, most of
 * the values of a document, is added here as generate() would add it,
 * without going down two levels of it to find out; anything else goes
 * through generate(). */
static gboolean
generate_property (Builder            *b,
                   const PpJsonValue  *values,
                   Graph              *graph,
                   Node               *node,
                   const char         *prop_name,
                   guint               depth,
                   GError            **error)
{
  PpJsonldNodeMap *map = b->map;
  Prop *prop = pp_node_map_node_ensure_prop (map, node, prop_name);
  /* the properties of @node move when a node embedded in @values adds
   * one to it: the position stays */
  gsize position = prop - node->props;
  guint n;

  if (!pp_json_value_is_array (values))
    return generate (b, values, graph, node, prop_name, FALSE, NULL, depth, error);

  if (!builder_step (b, depth, error))
    return FALSE;

  /* room for the values at once, when the property is new */
  n = pp_json_value_get_size (values);
  pp_node_map_prop_reserve (map, prop, n);

  for (guint i = 0; i < n; i++)
    {
      const PpJsonValue *element = pp_json_array_get (values, i);
      const PpJsonValue *type;

      if (!is_value_object (element, &type))
        {
          if (!generate (b, element, graph, node, prop_name, FALSE, NULL, depth + 1, error))
            return FALSE;
          continue;
        }

      if (!builder_step (b, depth + 1, error))
        return FALSE;
      pp_node_map_prop_add_unique (map, &node->props[position],
                                   builder_value_object (b, element, type));
    }

  return TRUE;
}

/* Sets up @b, which may be on the stack: see
 * pp_jsonld_node_map_builder_new() */
static void
builder_init (Builder         *b,
              PpJsonldNodeMap *map,
              PpJsonArena     *arena,
              const char      *blank_node_prefix,
              GCancellable    *cancellable)
{
  gboolean empty;

  /* Into an empty map the document goes straight in, and a failure
   * empties the map again.  Otherwise it goes into a scratch map first,
   * merged in only once it is complete, so that a document that fails
   * leaves nothing behind. */
  empty = map->graph_order->len == 1 &&
          pp_node_map_lookup_graph (map, "@default")->order->len == 0;

  memset (b, 0, G_STRUCT_OFFSET (Builder, names));
  b->destination = pp_jsonld_node_map_ref (map);
  b->destination_counter = map->counter;
  b->map = empty ? pp_jsonld_node_map_ref (map) : pp_jsonld_node_map_new ();
  b->map->counter = map->counter;
  b->default_graph = pp_node_map_lookup_graph (b->map, "@default");
  if (arena != NULL)
    pp_node_map_keep_arena (b->map, arena);
  b->prefix = blank_node_prefix;
  b->copy = arena == NULL;
  b->cancellable = cancellable;
}

/* Releases what @b holds; with @undo, the document it added to its
 * destination is taken out again */
static void
builder_clear (Builder  *b,
               gboolean  undo)
{
  if (undo && b->map == b->destination)
    pp_node_map_reset (b->destination, b->destination_counter);

  for (guint i = 0; i < b->n_labels; i++)
    g_free (b->labels[i].identifier);
  g_clear_pointer (&b->identifier_map, g_hash_table_unref);
  g_clear_pointer (&b->names_arena, pp_json_arena_unref);
  pp_jsonld_node_map_unref (b->map);
  pp_jsonld_node_map_unref (b->destination);
}

/* Merges the document @b added into its destination, unless it went
 * there straight, and clears @b: undoing what it added when it fails */
static gboolean
builder_complete (Builder  *b,
                  GError  **error)
{
  gboolean ok = b->map == b->destination ||
                pp_node_map_merge_from (b->destination, b->map, FALSE, error);

  builder_clear (b, !ok);
  return ok;
}

/**
 * pp_jsonld_node_map_builder_new:
 * @map: a node map
 * @arena: (nullable): the arena of the elements to be added, which @map
 *   keeps alive; %NULL to copy what the map keeps of them into the map's
 *   own memory, so that each element can be freed as soon as it is added
 * @blank_node_prefix: (nullable): as for pp_jsonld_node_map_add_document()
 * @cancellable: (nullable): a #GCancellable
 *
 * Starts adding an expanded document to @map an element at a time
 * (pp_jsonld_node_map_builder_add()), as the elements are expanded, so
 * that the expanded document need not be in memory as a whole.  The
 * document is in @map once pp_jsonld_node_map_builder_finish() succeeds;
 * until then, and when it fails, @map is as it was.  Do not use @map
 * before the builder is finished or freed.
 *
 * Returns: (transfer full): a new builder
 */
PpJsonldNodeMapBuilder *
pp_jsonld_node_map_builder_new (PpJsonldNodeMap *map,
                                PpJsonArena     *arena,
                                const char      *blank_node_prefix,
                                GCancellable    *cancellable)
{
  Builder *b;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (blank_node_prefix == NULL ||
                        (pp_jsonld_is_blank_node_id (blank_node_prefix) &&
                         strcmp (blank_node_prefix, "_:b") != 0), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  b = g_malloc (sizeof (Builder));
  builder_init (b, map, arena, blank_node_prefix, cancellable);

  return b;
}

/**
 * pp_jsonld_node_map_builder_set_names:
 * @builder: a node map builder
 * @names: the arena where the member names and IRIs of the elements to be
 *   added are interned, which @builder keeps alive
 *
 * Tells @builder where the elements' names are interned, so that a name
 * interned there is known again by its pointer alone, without comparing
 * its text: @builder keeps @names alive, so its strings are never reused
 * for others.  Names interned anywhere else are still compared by text.
 */
void
pp_jsonld_node_map_builder_set_names (PpJsonldNodeMapBuilder *builder,
                                      PpJsonArena            *names)
{
  g_return_if_fail (builder != NULL);
  g_return_if_fail (names != NULL);

  /* the names cached so far were checked against no arena */
  g_clear_pointer (&builder->names_arena, pp_json_arena_unref);
  builder->names_arena = pp_json_arena_ref (names);
}

/* adds @element at @depth, as part of the document's top-level array */
static gboolean
builder_add (Builder            *b,
             const PpJsonValue  *element,
             guint               depth,
             GError            **error)
{
  return generate (b, element, b->default_graph, NULL, NULL, FALSE, NULL, depth, error);
}

/**
 * pp_jsonld_node_map_builder_add:
 * @builder: a node map builder
 * @element: the next element of the expanded document's top-level array
 * @error: return location for a #GError
 *
 * Runs Node Map Generation on @element, as part of the document
 * @builder adds.  Without an arena given to the builder, the map keeps
 * nothing of @element: it may be freed as soon as the call returns.
 * After a failure, finish the builder with pp_jsonld_node_map_builder_free().
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
pp_jsonld_node_map_builder_add (PpJsonldNodeMapBuilder  *builder,
                                const PpJsonValue       *element,
                                GError                 **error)
{
  g_return_val_if_fail (builder != NULL, FALSE);
  g_return_val_if_fail (element != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* a document is not started once cancelled */
  if (builder->steps == 0 && g_cancellable_set_error_if_cancelled (builder->cancellable, error))
    return FALSE;

  /* one level below the document's array */
  return builder_add (builder, element, 1, error);
}

/**
 * pp_jsonld_node_map_builder_free:
 * @builder: (transfer full): a node map builder
 *
 * Abandons @builder: the map is left as it was before the builder was
 * made.
 */
void
pp_jsonld_node_map_builder_free (PpJsonldNodeMapBuilder *builder)
{
  g_return_if_fail (builder != NULL);

  builder_clear (builder, TRUE);
  g_free (builder);
}

/**
 * pp_jsonld_node_map_builder_finish:
 * @builder: (transfer full): a node map builder
 * @error: return location for a #GError
 *
 * Completes the document @builder added, merging it into the map, and
 * frees @builder.
 *
 * Returns: %TRUE on success, %FALSE with @error set, the map left as it was
 */
gboolean
pp_jsonld_node_map_builder_finish (PpJsonldNodeMapBuilder  *builder,
                                   GError                 **error)
{
  gboolean ok;

  g_return_val_if_fail (builder != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = builder_complete (builder, error);
  g_free (builder);
  return ok;
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
  /* on the stack: documents come by the thousand, a few nodes each */
  Builder b;

  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (expanded != NULL, FALSE);
  g_return_val_if_fail (blank_node_prefix == NULL ||
                        (pp_jsonld_is_blank_node_id (blank_node_prefix) &&
                         strcmp (blank_node_prefix, "_:b") != 0), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  builder_init (&b, map, arena, blank_node_prefix, cancellable);
  if (!builder_add (&b, expanded, 0, error))
    {
      builder_clear (&b, TRUE);
      return FALSE;
    }

  return builder_complete (&b, error);
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
