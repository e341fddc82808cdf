/* pp-entity-resolver.c: merges the nodes of a graph that describe the same
 * entity
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pp-entity-resolver-private.h"
#include "pp-jsonld-node-map-types-private.h"
#include "pp-merge-candidates-private.h"
#include "pp-name-key-private.h"
#include "pp-schema-types-private.h"

/* Once every segment's graph is merged into one node map by @id, the nodes
 * of the default graph that denote the same entity are grouped and merged:
 *
 * - nodes that share a sameAs, url or identifier value (or whose @id is
 *   another's sameAs or url), unless their types are of different families;
 * - nodes of one type family (pp_schema_types_compatible()) whose names
 *   are equal once normalised (pp_name_key_new()), or one's name equal to
 *   the other's alternateName;
 * - a node whose name is the last words of the names of exactly one group
 *   of a compatible type ("Liskov", "Barbara Liskov"); it stays apart when
 *   it fits several ("Curie": "Marie Curie", "Pierre Curie").
 *
 * Two nodes with different IRIs as @id are never merged: their author said
 * they are different. Identifiers libpp minted (`urn:pp:<hash>#…`, in the
 * graphs of several documents merged again) are nobody's word: their
 * nodes are grouped as blank nodes are, and a group keeps the first of
 * them by identifier. Nodes with an @index are left alone.
 *
 * What resolution needs of a node (types, name keys, links, references) is
 * read from each segment's node map as it arrives (pp_entity_resolver_add_nodes()),
 * straight from the map's nodes, with the name keys worked out once per
 * name and indexed for the merge candidates as they come; a provisional
 * union-find in the order of arrival counts the entities so far. Every
 * string kept (identifiers, types, names, keys) is interned in the
 * resolver's arena, once however many nodes have it, so that two are
 * equal exactly when their pointers are, and the tables of identifiers
 * hash pointers; the arrays of an entity, the buckets below and the lists
 * of referrers live in the arena too, and so do the identifiers minted.
 * The entities that share a name or a link, and the longer names each name's last words end, are gathered in buckets as the
 * nodes arrive, and the entities in a few runs sorted by identifier,
 * merged as they grow. Once the last segment is in, the runs are merged
 * into the order of their identifiers, and the groups are found with
 * union-find over those records, visiting nodes and keys in sorted order,
 * so they depend only on the merged graph, never on the order the segments
 * arrived in: only the buckets that several entities share are visited,
 * and a bucket's entities put in order when it is. Each group is merged into its node
 * with an IRI, else into an identifier minted from the document and the
 * entity (`urn:pp:<hash>#person/ada-lovelace`), else (no name or type
 * family, or minting off) into its first blank node by identifier.
 *
 * Between grouping and merging, the groups the rules left apart but that
 * look alike can be listed (pp_merge_candidates_find()), and the ones
 * someone confirmed joined; the identifiers are minted after that, so the
 * output stays canonical. */

#define SCHEMA_HTTP "http://schema.org/"
#define SCHEMA_HTTPS "https://schema.org/"

/* A node that refers to another, in the list of those that refer to it,
 * in the arena */
typedef struct _Referrer Referrer;

struct _Referrer
{
  const char *id;              /* interned */
  Referrer *next;
};

/* Strings interned in the resolver's arena, in the order they were added,
 * in an array of the arena */
typedef struct
{
  const char **items;
  guint n;
  guint cap;
} Strings;

typedef struct
{
  const char *id;              /* interned */
  guint blank : 1;             /* has no IRI of its author's: a blank
                                * node, or minted */
  guint minted : 1;            /* its @id was minted by libpp, in a graph
                                * merged again (is_minted_id()) */
  guint described : 1;         /* says more than its @id somewhere */
  guint indexed : 1;           /* has an @index somewhere */
  guint joined : 1;            /* in a provisional group with another */
  guint slot;                  /* its place in the order of arrival */
  Strings types;               /* IRIs */
  const char *signature;       /* the types, sorted, one per line;
                                * interned */
  Strings names;               /* a pair per distinct name: its key, then
                                * the name as written */
  Strings alternate_names;     /* name keys */
  Strings links;               /* sameAs, url and identifier keys */
  const char *family;          /* (nullable): the preferred family of its
                                * types (pp_schema_types_prefer_family()) */
  guint best_name;             /* the index in @names of the key of its
                                * preferred name (name_precedes()), or
                                * G_MAXUINT */
  const char *minted_form;     /* (nullable): the first identifier minted
                                * from its family and preferred name
                                * (format_minted_id()), interned, once
                                * asked for; NULL again when either
                                * changes */
} Entity;

/* The groups as they stand, and the identifier of each: the members of
 * the group whose root is r are members[start[r]] to
 * members[start[r] + size[r] - 1], by identifier */
typedef struct
{
  guint *members;
  guint *start;                /* per root */
  guint *size;                 /* per root; 0 for an entity that is no
                                * root */
  const char **targets;        /* per root: the identifier its node gets,
                                * interned */
  const char **families;       /* per root: its family, if it has a name */
  const char **names;          /* per root: its name key, if it has a
                                * family */
  const char **written_names;  /* per root: its name as written, likewise */
} Groups;

/* The entities that have a key, gathered as they arrive. An entry is an
 * entity's slot, then once grouped its index, times two, plus one for an
 * alternateName. */
typedef struct
{
  const char *key;             /* interned */
  guint *entries;              /* by slot in the order of arrival, then
                                * once settled (bucket_settle()) by
                                * index, in order, without the entities
                                * left out */
  guint n_entries;
  GArray *named;               /* (element-type guint) (nullable): once
                                * settled, the indexes of the entities
                                * that have it as a name, in order */
  guint *provisional;          /* (nullable): for the provisional groups,
                                * an entry (slot times two, plus one for
                                * an alternateName) per signature and kind
                                * of key */
  guint n_provisional;
  gboolean settled;
  gboolean has_endings;        /* its key's last words are in the endings */
} Bucket;

/* The longer names a name's last words end */
typedef struct
{
  const char **longer;         /* interned name keys */
  guint n_longer;
  gboolean sorted;
} Ending;

/* The names of the schema.org properties an entity is read from, each
 * in both namespaces */
typedef enum
{
  PROPERTY_NAME,
  PROPERTY_ALTERNATE_NAME,
  PROPERTY_SAME_AS,
  PROPERTY_URL,
  PROPERTY_IDENTIFIER,
  N_PROPERTIES
} Property;

static const char * const property_local_names[N_PROPERTIES] = {
  "name", "alternateName", "sameAs", "url", "identifier",
};

struct _PpEntityResolver
{
  /* The strings and the entities' arrays, for as long as the resolver */
  PpJsonArena *arena;
  GString *scratch;            /* for a key being built */

  /* What the segments brought, gathered as they arrive; the tables and
   * the provisional groups are freed once grouped, when only the groups
   * are left to use */
  GHashTable *by_id;           /* interned id → Entity (in the arena),
                                * until grouped */
  GPtrArray *arrived;          /* (element-type Entity): by slot, until
                                * grouped */
  GPtrArray *by_id_runs;       /* (element-type Entity): the same, in runs
                                * sorted by identifier, merged as they
                                * grow (add_sorted_run()); once grouped,
                                * merged into one and its array made
                                * @entities */
  GArray *run_ends;            /* (element-type guint): where each run of
                                * @by_id_runs ends */
  GHashTable *name_keys;       /* an interned name as written → its
                                * interned key, or NULL */
  GHashTable *families;        /* an interned type → its family
                                * (pp_schema_types_get_family()), or NULL */
  PpMergeCandidateIndex *candidate_index;
  GHashTable *referrers;       /* interned id → the Referrer list of the
                                * nodes that refer to it */
  GHashTable *link_buckets;    /* an interned sameAs, url or identifier
                                * key → Bucket (in the arena), with the
                                * entries of the provisional groups too */
  GHashTable *name_buckets;    /* an interned name key → Bucket (in the
                                * arena), with the entities that have it
                                * as a name or as an alternateName, and
                                * the entries of the provisional groups */
  GHashTable *endings;         /* the last words of a name key → Ending
                                * (in the arena) */

  /* The provisional groups, in the order of arrival */
  GArray *provisional_parent;  /* (element-type guint): by slot */
  guint n_provisional;

  /* The identifiers minted, provisionally as the nodes arrive, then
   * once grouped */
  char *mint_prefix;
  gboolean mint_ids;

  /* Once grouped */
  PpJsonldNodeMap *map;
  Entity **entities;           /* by identifier (in the arena) */
  GHashTable *left_out;        /* the interned ids of the other nodes:
                                * bare references, nodes with an @index */
  guint n_entities;
  guint *index_of_slot;        /* by slot: the entity's index, G_MAXUINT
                                * for one left out */
  guint *parent;
  const char **iri;            /* per group root: its IRI, if any */
  GArray *candidate_roots;     /* (element-type guint): the root of each
                                * entity pp_entity_resolver_find_candidates()
                                * looked at */
  Groups groups;               /* with their identifiers minted, until a
                                * confirmed candidate joins two */
  gboolean have_groups;
};

typedef PpEntityResolver Resolver;

static const char *
intern (Resolver   *self,
        const char *str)
{
  return pp_json_arena_intern (self->arena, str);
}

/* Whether @strings has @interned */
static gboolean
strings_has (const Strings *strings,
             const char    *interned)
{
  for (guint i = 0; i < strings->n; i++)
    if (strings->items[i] == interned)
      return TRUE;

  return FALSE;
}

static void
strings_add (Resolver   *self,
             Strings    *strings,
             const char *interned)
{
  if (strings->n == strings->cap)
    {
      /* most entities have one type, one name */
      guint cap = strings->cap == 0 ? 1 : strings->cap * 2;

      strings->items = pp_json_arena_grow (self->arena, strings->items,
                                           strings->cap * sizeof (char *), cap * sizeof (char *));
      strings->cap = cap;
    }
  strings->items[strings->n++] = interned;
}

/* The key of a name (pp_name_key_new()), worked out once per name: a
 * name comes again and again in a document */
static const char *
name_key (Resolver   *self,
          const char *name)
{
  gpointer key;

  if (!g_hash_table_lookup_extended (self->name_keys, name, NULL, &key))
    {
      g_autofree char *new_key = pp_name_key_new (name);

      key = new_key != NULL ? (gpointer) intern (self, new_key) : NULL;
      g_hash_table_insert (self->name_keys, (gpointer) name, key);
    }

  return key;
}

/* The text a value of a node map gives as a name or a link: the string
 * or the integer (written into @buffer) of a value object or, when
 * @with_ids, the identifier of a node reference; NULL for any other */
static const char *
value_text (const Value *value,
            gboolean     with_ids,
            char        *buffer,
            gsize        buffer_size)
{
  const PpJsonValue *literal;

  if (value->kind == VALUE_REF)
    return with_ids ? pp_node_map_node_resolve (value->v.ref)->id : NULL;
  if (value->kind != VALUE_JSON)
    return NULL;

  literal = pp_json_object_get (value->v.json, PP_JSON_KW (VALUE));
  if (pp_json_value_is_string (literal))
    return pp_json_value_get_string (literal);
  if (pp_json_value_get_type (literal) == PP_JSON_TYPE_INT)
    {
      g_snprintf (buffer, buffer_size, "%" G_GINT64_FORMAT, pp_json_value_get_int (literal));
      return buffer;
    }

  return NULL;
}

/* Whether the pairs of name keys and names as written @names have the
 * name @written (interned) */
static gboolean
has_written_name (const Strings *names,
                  const char    *written)
{
  for (guint k = 1; k < names->n; k += 2)
    if (names->items[k] == written)
      return TRUE;

  return FALSE;
}

/* Adds the values of @prop, a property of a node, that @out lacks:
 * strings, numbers and, when @with_ids, the IRIs of references, with
 * @prefix. With @as_keys, the values are names, and @out gets their keys
 * (a name without one is left out), or with @with_written a pair per
 * distinct name: its key, then the name as written. */
static void
collect_values (Resolver    *self,
                const Prop  *prop,
                gboolean     with_ids,
                const char  *prefix,
                gboolean     as_keys,
                Strings     *out,
                gboolean     with_written)
{
  for (guint i = 0; prop != NULL && i < prop->n; i++)
    {
      char buffer[32];
      const char *text = value_text (&prop->values[i], with_ids, buffer, sizeof buffer);
      const char *key;

      if (text == NULL)
        continue;

      if (!as_keys)
        {
          g_string_assign (self->scratch, prefix);
          g_string_append (self->scratch, text);
          key = intern (self, self->scratch->str);
          if (!strings_has (out, key))
            strings_add (self, out, key);
          continue;
        }

      text = intern (self, text);
      key = name_key (self, text);
      if (key == NULL)
        continue;
      if (!with_written)
        {
          if (!strings_has (out, key))
            strings_add (self, out, key);
          continue;
        }
      if (has_written_name (out, text))
        continue;
      strings_add (self, out, key);
      strings_add (self, out, text);
    }
}

/* Records that @referrer refers to the node @target */
static void
add_referrer (Resolver   *self,
              const char *target,
              const char *referrer)
{
  Referrer *added = pp_json_arena_alloc (self->arena, sizeof (Referrer));

  target = intern (self, target);
  added->id = referrer;
  added->next = g_hash_table_lookup (self->referrers, target);
  g_hash_table_insert (self->referrers, (gpointer) target, added);
}

/* Records that @referrer refers to every node that @values names: the
 * @n values of a property, or the items of a list */
static void
collect_references (Resolver    *self,
                    const char  *referrer,
                    const Value *values,
                    guint        n)
{
  for (guint i = 0; i < n; i++)
    {
      if (values[i].kind == VALUE_REF)
        add_referrer (self, pp_node_map_node_resolve (values[i].v.ref)->id, referrer);
      else if (values[i].kind == VALUE_LIST)
        collect_references (self, referrer, values[i].v.list->items, values[i].v.list->n);
    }
}

static gboolean
types_compatible (const Entity *a,
                  const Entity *b)
{
  for (guint i = 0; i < a->types.n; i++)
    for (guint j = 0; j < b->types.n; j++)
      if (pp_schema_types_compatible (a->types.items[i], b->types.items[j]))
        return TRUE;

  return FALSE;
}

/* Whether a type says what kind of thing @entity is: one besides Thing */
static gboolean
has_kind (const Entity *entity)
{
  for (guint i = 0; i < entity->types.n; i++)
    {
      const char *name = pp_schema_types_local_name (entity->types.items[i]);

      if (name == NULL || !g_str_equal (name, "Thing"))
        return TRUE;
    }

  return FALSE;
}

static guint
find_root (Resolver *self,
           guint     i)
{
  while (self->parent[i] != i)
    {
      self->parent[i] = self->parent[self->parent[i]];
      i = self->parent[i];
    }

  return i;
}

/* Puts two nodes in one group, unless that would join two IRIs. The root
 * of a group is its first node by identifier. Returns whether it joined
 * two groups. */
static gboolean
unite (Resolver *self,
       guint     a,
       guint     b)
{
  a = find_root (self, a);
  b = find_root (self, b);
  if (a == b || (self->iri[a] != NULL && self->iri[b] != NULL))
    return FALSE;

  if (b < a)
    {
      guint t = a;
      a = b;
      b = t;
    }
  self->parent[b] = a;
  if (self->iri[a] == NULL)
    self->iri[a] = self->iri[b];

  return TRUE;
}

/* Makes room in @items, an array of the arena of @n elements of @size
 * bytes, for one more: its capacity is @n rounded up to a power of two,
 * as most keys have one entry. Returns the array. */
static gpointer
grow_for_one (Resolver *self,
              gpointer  items,
              guint     n,
              gsize     size)
{
  if ((n & (n - 1)) != 0)
    return items;

  return pp_json_arena_grow (self->arena, items, n * size, MAX (n * 2, 1) * size);
}

/* A zeroed block of @size bytes of the arena */
static gpointer
arena_alloc0 (Resolver *self,
              gsize     size)
{
  return memset (pp_json_arena_alloc (self->arena, size), 0, size);
}

/* The arena has the rest of a bucket */
static void
bucket_clear (Bucket *bucket)
{
  g_clear_pointer (&bucket->named, g_array_unref);
}

/* Adds @entry to the bucket of @key (interned) in @buckets, and returns
 * the bucket */
static Bucket *
bucket_add (Resolver   *self,
            GHashTable *buckets,
            const char *key,
            guint       entry)
{
  Bucket *bucket = g_hash_table_lookup (buckets, key);

  if (bucket == NULL)
    {
      bucket = arena_alloc0 (self, sizeof (Bucket));
      bucket->key = key;
      g_hash_table_insert (buckets, (gpointer) bucket->key, bucket);
    }
  bucket->entries = grow_for_one (self, bucket->entries, bucket->n_entries, sizeof (guint));
  bucket->entries[bucket->n_entries++] = entry;

  return bucket;
}

/* Adds @entry to the bucket of the name key @key; the first time @key is
 * a name (not an alternateName), it joins the longer names of its last
 * words and the index of the merge candidates */
static void
name_bucket_add (Resolver   *self,
                 const char *key,
                 guint       entry)
{
  Bucket *bucket = bucket_add (self, self->name_buckets, key, entry);

  if ((entry & 1) != 0 || bucket->has_endings)
    return;
  bucket->has_endings = TRUE;
  pp_merge_candidate_index_add (self->candidate_index, bucket->key);

  for (const char *p = strchr (bucket->key, ' '); p != NULL; p = strchr (p + 1, ' '))
    {
      Ending *ending = g_hash_table_lookup (self->endings, p + 1);

      if (ending == NULL)
        {
          ending = arena_alloc0 (self, sizeof (Ending));
          /* the key is interned: alive as long as the resolver */
          g_hash_table_insert (self->endings, (char *) p + 1, ending);
        }
      ending->longer = grow_for_one (self, ending->longer, ending->n_longer, sizeof (char *));
      ending->longer[ending->n_longer++] = bucket->key;
      ending->sorted = FALSE;
    }
}

static int
compare_guints (gconstpointer a,
                gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* Turns the entries of @bucket from slots into indexes (G_MAXUINT in
 * @index_of_slot for an entity left out), in order, and lists the
 * entities that have the key as a name; once grouped, when first needed */
static void
bucket_settle (Bucket      *bucket,
               const guint *index_of_slot)
{
  guint *entries = bucket->entries;
  guint n = 0;

  if (bucket->settled)
    return;
  bucket->settled = TRUE;

  for (guint i = 0; i < bucket->n_entries; i++)
    {
      guint index = index_of_slot[entries[i] / 2];

      if (index != G_MAXUINT)
        entries[n++] = index * 2 + (entries[i] & 1);
    }
  bucket->n_entries = n;
  if (n > 1)
    qsort (entries, n, sizeof (guint), compare_guints);

  bucket->named = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n; i++)
    if ((entries[i] & 1) == 0)
      g_array_append_vals (bucket->named, &(guint) { entries[i] / 2 }, 1);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The keys of @buckets that several entries share, sorted: the others
 * join nothing */
static GPtrArray *
sorted_shared_keys (GHashTable *buckets)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  Bucket *bucket;

  g_hash_table_iter_init (&iter, buckets);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &bucket))
    if (bucket->n_entries > 1)
      g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

typedef gboolean (* CompatibleFunc) (const Entity *a,
                                     const Entity *b);

/* Whether the types of two nodes with a sameAs, url or identifier in
 * common let them be one: not of different families */
static gboolean
may_link (const Entity *a,
          const Entity *b)
{
  return !has_kind (a) || !has_kind (b) || types_compatible (a, b);
}

/* The entries of a key's bucket with the same types */
typedef struct
{
  const Entity *example;
  GArray *entries;             /* (element-type guint) */
  guint named;                 /* an entry by name (not alternateName), or
                                * G_MAXUINT */
} Kind;

static void
kind_clear (Kind *kind)
{
  g_clear_pointer (&kind->entries, g_array_unref);
}

/* Unites the entities of a bucket that @compatible allows, as comparing
 * every pair would, without comparing every pair: entries are an entity's
 * index times two, plus one for an alternateName, which joins a name but
 * not another alternateName */
static void
unite_sharing (Resolver       *self,
               const guint    *entries,
               guint           n_entries,
               CompatibleFunc  compatible)
{
  g_autoptr(GArray) kinds = g_array_new (FALSE, TRUE, sizeof (Kind));

  g_array_set_clear_func (kinds, (GDestroyNotify) kind_clear);

  /* Entries sorted by entity, kinds by their first entry */
  for (guint i = 0; i < n_entries; i++)
    {
      guint entry = entries[i];
      const Entity *entity = self->entities[entry / 2];
      Kind *kind = NULL;

      for (guint k = 0; k < kinds->len && kind == NULL; k++)
        if (g_array_index (kinds, Kind, k).example->signature == entity->signature)
          kind = &g_array_index (kinds, Kind, k);

      if (kind == NULL)
        {
          g_array_set_size (kinds, kinds->len + 1);
          kind = &g_array_index (kinds, Kind, kinds->len - 1);
          kind->example = entity;
          kind->entries = g_array_new (FALSE, FALSE, sizeof (guint));
          kind->named = G_MAXUINT;
        }
      g_array_append_val (kind->entries, entry);
      if (kind->named == G_MAXUINT && (entry & 1) == 0)
        kind->named = entry / 2;
    }

  for (guint a = 0; a < kinds->len; a++)
    {
      Kind *kind = &g_array_index (kinds, Kind, a);

      /* the same types: all one, if the types match themselves */
      if (kind->named != G_MAXUINT && compatible (kind->example, kind->example))
        for (guint i = 0; i < kind->entries->len; i++)
          unite (self, kind->named, g_array_index (kind->entries, guint, i) / 2);

      for (guint b = a + 1; b < kinds->len; b++)
        {
          Kind *other = &g_array_index (kinds, Kind, b);
          Kind *joining;
          guint into;

          if (!compatible (kind->example, other->example))
            continue;

          if (kind->named != G_MAXUINT)
            {
              joining = other;
              into = kind->named;
            }
          else if (other->named != G_MAXUINT)
            {
              joining = kind;
              into = other->named;
            }
          else
            continue;

          for (guint i = 0; i < joining->entries->len; i++)
            unite (self, into, g_array_index (joining->entries, guint, i) / 2);
        }
    }
}

/* Unites the entities of each of @buckets' keys @keys, in order, that
 * @compatible allows */
static void
unite_by_buckets (Resolver       *self,
                  GHashTable     *buckets,
                  GPtrArray      *keys,
                  CompatibleFunc  compatible)
{
  for (guint k = 0; k < keys->len; k++)
    {
      Bucket *bucket = g_hash_table_lookup (buckets, keys->pdata[k]);

      bucket_settle (bucket, self->index_of_slot);
      unite_sharing (self, bucket->entries, bucket->n_entries, compatible);
    }
}

/* A node of the one group of @entity's family that has one of the longer
 * names of @ending, or G_MAXUINT if there is none or several */
static guint
find_longer_name (Resolver     *self,
                  const Entity *entity,
                  const Ending *ending)
{
  guint group = G_MAXUINT, member = G_MAXUINT;

  for (guint l = 0; l < ending->n_longer; l++)
    {
      Bucket *bucket = g_hash_table_lookup (self->name_buckets, ending->longer[l]);
      GArray *carriers;

      bucket_settle (bucket, self->index_of_slot);
      carriers = bucket->named;

      for (guint c = 0; c < carriers->len; c++)
        {
          guint other = g_array_index (carriers, guint, c);

          if (!types_compatible (entity, self->entities[other]))
            continue;
          if (group == G_MAXUINT)
            {
              group = find_root (self, other);
              member = other;
            }
          else if (find_root (self, other) != group)
            return G_MAXUINT;
        }
    }

  return member;
}

/* A short name joins the one group of a compatible type whose name ends
 * with it. Decided for every short name against the groups as the rules
 * before left them, then applied, so that no decision depends on another. */
static void
unite_by_short_names (Resolver *self)
{
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GHashTable) decisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < self->n_entities; i++)
    {
      Entity *entity = self->entities[i];

      for (guint k = 0; k < entity->names.n; k += 2)
        {
          Ending *ending = g_hash_table_lookup (self->endings, entity->names.items[k]);
          g_autofree char *question = NULL;
          gpointer answer;
          guint member;

          if (ending == NULL)
            continue;

          /* The longer names in order; those of no entity are no one's */
          if (!ending->sorted)
            {
              qsort (ending->longer, ending->n_longer, sizeof (char *), compare_strings);
              ending->sorted = TRUE;
            }

          /* Asked once per name and types */
          question = g_strconcat (entity->names.items[k], "\n", entity->signature, NULL);
          if (g_hash_table_lookup_extended (decisions, question, NULL, &answer))
            member = GPOINTER_TO_UINT (answer);
          else
            {
              member = find_longer_name (self, entity, ending);
              g_hash_table_insert (decisions, g_steal_pointer (&question), GUINT_TO_POINTER (member));
            }

          if (member != G_MAXUINT)
            {
              g_array_append_val (pairs, i);
              g_array_append_val (pairs, member);
            }
        }
    }

  for (guint p = 0; p < pairs->len; p += 2)
    unite (self, g_array_index (pairs, guint, p), g_array_index (pairs, guint, p + 1));
}

/* The provisional groups: as the nodes arrive, an entity joins the
 * groups of the entities that have one of its keys, in the order they
 * came. The count of those groups says how many entities the document
 * describes so far; the groups themselves are made again, in an order of
 * their own, by pp_entity_resolver_group(). */

static guint
provisional_root (Resolver *self,
                  guint     slot)
{
  guint *parent = (guint *) (gpointer) self->provisional_parent->data;

  while (parent[slot] != slot)
    slot = parent[slot] = parent[parent[slot]];

  return slot;
}

static void
provisional_unite (Resolver *self,
                   guint     a,
                   guint     b)
{
  Entity *x, *y;

  a = provisional_root (self, a);
  b = provisional_root (self, b);
  x = self->arrived->pdata[a];
  y = self->arrived->pdata[b];
  if (a == b || (!x->blank && !y->blank))
    return;

  x->joined = y->joined = TRUE;

  /* The root of a group is a node with an IRI, if it has one */
  if (!y->blank)
    g_array_index (self->provisional_parent, guint, a) = b;
  else
    g_array_index (self->provisional_parent, guint, b) = a;
  self->n_provisional--;
}

/* Joins @entity to the provisional groups of the entities with @key
 * (interned: a name, an alternateName or a link, which has its bucket in
 * @buckets already) that @compatible allows; the provisional entries of
 * the key are one per signature and kind of key */
static void
provisional_add (Resolver       *self,
                 const Entity   *entity,
                 GHashTable     *buckets,
                 const char     *key,
                 gboolean        alternate,
                 CompatibleFunc  compatible)
{
  Bucket *bucket = g_hash_table_lookup (buckets, key);
  guint entry = entity->slot * 2 + (alternate ? 1 : 0);
  gboolean known = FALSE;

  for (guint i = 0; i < bucket->n_provisional; i++)
    {
      guint other_entry = bucket->provisional[i];
      const Entity *other = self->arrived->pdata[other_entry / 2];

      known |= (other_entry & 1) == (entry & 1) && other->signature == entity->signature;
      /* an alternateName joins a name, not another alternateName */
      if (!(alternate && (other_entry & 1)) && compatible (entity, other))
        provisional_unite (self, entity->slot, other_entry / 2);
    }
  if (!known)
    {
      bucket->provisional = grow_for_one (self, bucket->provisional, bucket->n_provisional,
                                          sizeof (guint));
      bucket->provisional[bucket->n_provisional++] = entry;
    }
}

/* The family of @type (interned), looked up once per type */
static const char *
type_family (Resolver   *self,
             const char *type)
{
  gpointer family;

  if (!g_hash_table_lookup_extended (self->families, type, NULL, &family))
    {
      family = (gpointer) pp_schema_types_get_family (type);
      g_hash_table_insert (self->families, (gpointer) type, family);
    }

  return family;
}

/* Sorts the types of @entity, and works out its signature and family
 * again */
static void
sort_types (Resolver *self,
            Entity   *entity)
{
  if (entity->types.n == 1)
    {
      /* one type, interned: its own signature */
      entity->signature = entity->types.items[0];
    }
  else
    {
      qsort (entity->types.items, entity->types.n, sizeof (char *), compare_strings);

      g_string_truncate (self->scratch, 0);
      for (guint t = 0; t < entity->types.n; t++)
        {
          if (t > 0)
            g_string_append_c (self->scratch, '\n');
          g_string_append (self->scratch, entity->types.items[t]);
        }
      entity->signature = intern (self, self->scratch->str);
    }

  entity->family = NULL;
  for (guint t = 0; t < entity->types.n; t++)
    entity->family = pp_schema_types_prefer_family (entity->family,
                                                    type_family (self, entity->types.items[t]));
}

/* Whether the name @key, written @written, names an entity better than
 * @other_key, written @other_written: more words, then more bytes, then
 * the first key, then the first as written. A total order: the name a
 * group is named by is the same whatever the order of its names. */
static gboolean
name_precedes (const char *key,
               const char *written,
               const char *other_key,
               const char *other_written)
{
  int order = (int) pp_name_key_n_tokens (key) - (int) pp_name_key_n_tokens (other_key);

  if (order == 0)
    order = (int) strlen (key) - (int) strlen (other_key);
  if (order == 0)
    order = -strcmp (key, other_key);
  if (order == 0)
    order = -strcmp (written, other_written);

  return order > 0;
}

/* The names of @entity from the item @n_known of its names on are new:
 * the name it is named by may be one of them */
static void
update_best_name (Entity *entity,
                  guint   n_known)
{
  for (guint k = n_known; k < entity->names.n; k += 2)
    if (entity->best_name == G_MAXUINT ||
        name_precedes (entity->names.items[k], entity->names.items[k + 1],
                       entity->names.items[entity->best_name],
                       entity->names.items[entity->best_name + 1]))
      entity->best_name = k;
}

/* Whether @id has the shape of an identifier minted for an entity:
 * `urn:pp:`, 16 hexadecimal digits, `#` */
static gboolean
is_minted_id (const char *id)
{
  if (strncmp (id, "urn:pp:", strlen ("urn:pp:")) != 0)
    return FALSE;

  id += strlen ("urn:pp:");
  for (guint i = 0; i < 16; i++)
    if (!g_ascii_isxdigit (id[i]))
      return FALSE;

  return id[16] == '#';
}

/* Whether @id names a blank node */
static gboolean
is_blank_id (const char *id)
{
  return id[0] == '_' && id[1] == ':';
}

/* Orders pointers to entities by identifier */
static int
compare_entity_ids (const void *a,
                    const void *b)
{
  return strcmp ((*(Entity * const *) a)->id, (*(Entity * const *) b)->id);
}


/* Merges the last two runs of @by_id_runs into one */
static void
merge_last_runs (Resolver *self)
{
  guint n_runs = self->run_ends->len;
  guint end = g_array_index (self->run_ends, guint, n_runs - 1);
  guint middle = g_array_index (self->run_ends, guint, n_runs - 2);
  guint start = n_runs > 2 ? g_array_index (self->run_ends, guint, n_runs - 3) : 0;
  Entity **items = (Entity **) self->by_id_runs->pdata;
  /* the first run moves aside; the merged one fills its place from the
   * start, never overtaking the second run it reads */
  g_autofree Entity **first = g_memdup2 (items + start, (middle - start) * sizeof (Entity *));
  guint i = 0, j = middle, at = start;

  while (i < middle - start && j < end)
    items[at++] = compare_entity_ids (&first[i], &items[j]) <= 0 ? first[i++] : items[j++];
  while (i < middle - start)
    items[at++] = first[i++];

  g_array_index (self->run_ends, guint, n_runs - 2) = end;
  g_array_set_size (self->run_ends, n_runs - 1);
}

/* Adds the entities that arrived since the last call, in @arrived from
 * @from, to @by_id_runs: a run sorted by identifier, merged with the runs
 * before it no longer than itself, so that the runs are few and sorting
 * the whole once grouped costs a few merges rather than a sort */
static void
add_sorted_run (Resolver *self,
                guint     from)
{
  guint n = self->arrived->len - from;

  if (n == 0)
    return;

  for (guint i = from; i < self->arrived->len; i++)
    g_ptr_array_add (self->by_id_runs, self->arrived->pdata[i]);
  if (n > 1)
    qsort (self->by_id_runs->pdata + self->by_id_runs->len - n, n, sizeof (Entity *),
           compare_entity_ids);
  g_array_append_val (self->run_ends, self->by_id_runs->len);

  while (self->run_ends->len > 1)
    {
      guint n_runs = self->run_ends->len;
      guint end = g_array_index (self->run_ends, guint, n_runs - 1);
      guint middle = g_array_index (self->run_ends, guint, n_runs - 2);
      guint start = n_runs > 2 ? g_array_index (self->run_ends, guint, n_runs - 3) : 0;

      if (end - middle < middle - start)
        break;
      merge_last_runs (self);
    }
}

/* The entity of the node @id, interned, made when first seen */
static Entity *
lookup_entity (Resolver   *self,
               const char *id)
{
  Entity *entity = g_hash_table_lookup (self->by_id, id);

  if (entity != NULL)
    return entity;

  entity = arena_alloc0 (self, sizeof (Entity));
  entity->id = id;
  entity->minted = is_minted_id (id);
  entity->blank = is_blank_id (id) || entity->minted;
  entity->signature = intern (self, "");
  entity->slot = self->arrived->len;
  entity->best_name = G_MAXUINT;
  if (!is_blank_id (id))
    {
      g_string_assign (self->scratch, "link:");
      g_string_append (self->scratch, id);
      strings_add (self, &entity->links, intern (self, self->scratch->str));
      bucket_add (self, self->link_buckets, entity->links.items[0], entity->slot * 2);
    }

  g_ptr_array_add (self->arrived, entity);
  g_array_append_val (self->provisional_parent, entity->slot);
  g_hash_table_insert (self->by_id, (gpointer) entity->id, entity);

  return entity;
}

/* The properties of a node an entity is read from, each in both
 * namespaces; NULL for those the node lacks */
typedef const Prop *EntityProps[N_PROPERTIES][2];

/* Puts @prop in @props if it is one an entity is read from: its IRI is
 * read once, however many properties there are to look for */
static void
entity_props_add (EntityProps  props,
                  const Prop  *prop)
{
  const char *local;
  guint ns;

  if (strncmp (prop->name, SCHEMA_HTTP, strlen (SCHEMA_HTTP)) == 0)
    {
      local = prop->name + strlen (SCHEMA_HTTP);
      ns = 0;
    }
  else if (strncmp (prop->name, SCHEMA_HTTPS, strlen (SCHEMA_HTTPS)) == 0)
    {
      local = prop->name + strlen (SCHEMA_HTTPS);
      ns = 1;
    }
  else
    return;

  for (guint p = 0; p < N_PROPERTIES; p++)
    if (local[0] == property_local_names[p][0] && strcmp (local, property_local_names[p]) == 0)
      {
        props[p][ns] = prop;
        return;
      }
}

/* The values of the property @property of a node, in both namespaces, as
 * collect_values() adds them */
static void
collect_property (Resolver          *self,
                  const EntityProps  props,
                  Property           property,
                  gboolean           with_ids,
                  const char        *prefix,
                  gboolean           as_keys,
                  Strings           *out,
                  gboolean           with_written)
{
  for (guint n = 0; n < 2; n++)
    if (props[property][n] != NULL)
      collect_values (self, props[property][n], with_ids, prefix, as_keys, out, with_written);
}

/* Adds what @node, a node of a segment's node map, says of its entity:
 * the entity gathers the types and keys of every segment that describes
 * it, as the merged node gathers their values */
static void
entity_add (Resolver *self,
            Node     *node)
{
  EntityProps props = { { NULL, }, };
  Entity *entity = lookup_entity (self, intern (self, node->id));
  const char *family = entity->family;
  guint best_name = entity->best_name;
  gboolean was_counted = entity->described && !entity->indexed;
  guint n_names = entity->names.n;
  guint n_alternate_names = entity->alternate_names.n;
  guint n_links = entity->links.n;

  for (guint i = 0; i < node->n_props; i++)
    if (node->props[i].name[0] != '@')
      {
        collect_references (self, entity->id, node->props[i].values, node->props[i].n);
        entity_props_add (props, &node->props[i]);
      }

  /* A bare reference is no description; an @index could conflict */
  entity->described |= !pp_node_map_node_is_only_id (node);
  entity->indexed |= node->index != NULL;

  if (node->types.n > 0)
    {
      guint n_types = entity->types.n;

      for (guint i = 0; i < node->types.n; i++)
        {
          const char *type;

          if (node->types.values[i].kind != VALUE_STRING)
            continue;
          type = intern (self, node->types.values[i].v.str);
          if (!strings_has (&entity->types, type))
            strings_add (self, &entity->types, type);
        }
      if (entity->types.n > n_types)
        sort_types (self, entity);
    }

  collect_property (self, props, PROPERTY_NAME, FALSE, "", TRUE,
                    &entity->names, TRUE);
  collect_property (self, props, PROPERTY_ALTERNATE_NAME, FALSE, "", TRUE,
                    &entity->alternate_names, FALSE);
  collect_property (self, props, PROPERTY_SAME_AS, TRUE, "link:", FALSE,
                    &entity->links, FALSE);
  collect_property (self, props, PROPERTY_URL, TRUE, "link:", FALSE,
                    &entity->links, FALSE);
  collect_property (self, props, PROPERTY_IDENTIFIER, TRUE, "identifier:", FALSE,
                    &entity->links, FALSE);

  for (guint k = n_links; k < entity->links.n; k++)
    bucket_add (self, self->link_buckets, entity->links.items[k], entity->slot * 2);
  for (guint k = n_names; k < entity->names.n; k += 2)
    name_bucket_add (self, entity->names.items[k], entity->slot * 2);
  for (guint k = n_alternate_names; k < entity->alternate_names.n; k++)
    name_bucket_add (self, entity->alternate_names.items[k], entity->slot * 2 + 1);
  update_best_name (entity, n_names);
  if (entity->family != family || entity->best_name != best_name)
    entity->minted_form = NULL;

  if (!entity->described || entity->indexed)
    return;

  /* Counted once it describes something; then all its keys are new */
  if (!was_counted)
    {
      self->n_provisional++;
      n_names = n_alternate_names = n_links = 0;
    }
  for (guint k = n_links; k < entity->links.n; k++)
    provisional_add (self, entity, self->link_buckets, entity->links.items[k], FALSE,
                     may_link);
  for (guint k = n_names; k < entity->names.n; k += 2)
    provisional_add (self, entity, self->name_buckets, entity->names.items[k], FALSE,
                     types_compatible);
  for (guint k = n_alternate_names; k < entity->alternate_names.n; k++)
    provisional_add (self, entity, self->name_buckets, entity->alternate_names.items[k],
                     TRUE, types_compatible);
}

/**
 * pp_entity_resolver_new:
 *
 * Makes a resolver with no node yet: the nodes are added as the segments'
 * graphs arrive (pp_entity_resolver_add_nodes()), then grouped once
 * (pp_entity_resolver_group()).
 *
 * Returns: (transfer full): the resolver
 */
PpEntityResolver *
pp_entity_resolver_new (void)
{
  Resolver *self = g_new0 (Resolver, 1);

  self->arena = pp_json_arena_new ();
  self->scratch = g_string_new (NULL);
  self->by_id = g_hash_table_new (NULL, NULL);
  self->arrived = g_ptr_array_new ();
  self->by_id_runs = g_ptr_array_new ();
  self->run_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  self->name_keys = g_hash_table_new (NULL, NULL);
  self->families = g_hash_table_new (NULL, NULL);
  self->candidate_index = pp_merge_candidate_index_new ();
  self->referrers = g_hash_table_new (NULL, NULL);
  self->link_buckets = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) bucket_clear);
  self->name_buckets = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) bucket_clear);
  /* the endings are in the arena */
  self->endings = g_hash_table_new (g_str_hash, g_str_equal);
  self->left_out = g_hash_table_new (NULL, NULL);
  self->mint_prefix = pp_entity_resolver_mint_prefix (NULL);
  self->mint_ids = TRUE;
  self->provisional_parent = g_array_new (FALSE, FALSE, sizeof (guint));

  return self;
}

/**
 * pp_entity_resolver_add_nodes:
 * @self: a resolver, not grouped yet
 * @map: a node map: the graph of a segment, or a whole graph
 *
 * Reads what resolution needs of the nodes of the default graph of @map,
 * and adds them to the entities, to the indexes and to the provisional
 * groups. A node already added (an IRI described by several segments)
 * gathers what each brings. Nothing of @map is kept: it may go as soon as
 * the call returns.
 */
void
pp_entity_resolver_add_nodes (PpEntityResolver *self,
                              PpJsonldNodeMap  *map)
{
  Graph *graph = pp_node_map_lookup_graph (map, NULL);
  guint from;

  g_return_if_fail (self->entities == NULL);

  if (graph == NULL)
    return;

  from = self->arrived->len;
  for (guint i = 0; i < graph->order->len; i++)
    {
      Node *node = g_ptr_array_index (graph->order, i);

      if (node->merged_into == NULL)
        entity_add (self, node);
    }
  add_sorted_run (self, from);
}

/**
 * pp_entity_resolver_get_n_entities:
 * @self: a resolver
 *
 * How many entities the nodes added so far describe, as the provisional
 * groups have it: the nodes that share a key are counted once. The final
 * groups may join more (short names, confirmed candidates).
 *
 * Returns: the number of provisional groups
 */
guint
pp_entity_resolver_get_n_entities (PpEntityResolver *self)
{
  return self->n_provisional;
}

/**
 * pp_entity_resolver_is_joined:
 * @self: a resolver, not grouped yet
 * @id: the identifier of a node
 *
 * Whether the node @id is, as the nodes added so far have it, one entity
 * with another node: it shares a provisional group, and will most likely
 * be merged in the end (a node left apart now may still be joined by a
 * short name or a confirmed candidate).
 *
 * Returns: %TRUE if the node @id shares its provisional group
 */
gboolean
pp_entity_resolver_is_joined (PpEntityResolver *self,
                              const char       *id)
{
  const char *interned;
  Entity *entity;

  g_return_val_if_fail (self->entities == NULL, FALSE);

  interned = pp_json_arena_lookup_interned (self->arena, id);
  entity = interned != NULL ? g_hash_table_lookup (self->by_id, interned) : NULL;

  return entity != NULL && entity->joined;
}


/**
 * pp_entity_resolver_mint_prefix:
 * @document_iri: (nullable): the document's IRI or name
 *
 * The start of the identifiers minted for a document's entities:
 * `urn:pp:` and the first 16 hexadecimal digits of the SHA-256 of
 * @document_iri (of the empty string when %NULL).
 *
 * Returns: (transfer full): the prefix, without the `#`
 */
char *
pp_entity_resolver_mint_prefix (const char *document_iri)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                         document_iri != NULL ? document_iri : "",
                                                         -1);

  return g_strdup_printf ("urn:pp:%.16s", hash);
}

/* The family of a group (its root class below Thing, chosen as
 * pp_schema_types_get_family() does), and its longest name, as a key and
 * as written: the preferred of its members' */
static gboolean
describe_group (Resolver    *self,
                const guint *members,
                guint        n_members,
                const char **family,
                const char **name,
                const char **written_name)
{
  *family = NULL;
  *name = NULL;
  *written_name = NULL;

  for (guint m = 0; m < n_members; m++)
    {
      Entity *entity = self->entities[members[m]];
      const char *candidate, *written;

      *family = pp_schema_types_prefer_family (*family, entity->family);
      if (entity->best_name == G_MAXUINT)
        continue;

      candidate = entity->names.items[entity->best_name];
      written = entity->names.items[entity->best_name + 1];
      /* interned: the same name, as most members of a group have */
      if (candidate == *name && written == *written_name)
        continue;
      if (*name == NULL || name_precedes (candidate, written, *name, *written_name))
        {
          *name = candidate;
          *written_name = written;
        }
    }

  return *family != NULL && *name != NULL;
}

/* Sets @out to the identifier minted for an entity of @family named
 * @name, the @n-th to get it (from 1):
 * `<prefix>#<family in lower case>/<slug of the name>[-<n>]` */
static void
format_minted_id (GString    *out,
                  const char *prefix,
                  const char *family,
                  const char *name,
                  guint       n)
{
  g_string_assign (out, prefix);
  g_string_append_c (out, '#');
  for (const char *p = family; *p != '\0'; p++)
    g_string_append_c (out, g_ascii_tolower (*p));
  g_string_append_c (out, '/');
  pp_name_key_append_slug (out, name);
  if (n > 1)
    g_string_append_printf (out, "-%u", n);
}

/* The first identifier minted for an entity of @family named @name,
 * interned */
static const char *
intern_minted_id (Resolver   *self,
                  const char *family,
                  const char *name,
                  guint       n)
{
  format_minted_id (self->scratch, self->mint_prefix, family, name, n);

  return pp_json_arena_intern_len (self->arena, self->scratch->str, self->scratch->len);
}

/* The first identifier minted for @entity from its family and preferred
 * name, made once */
static const char *
entity_minted_form (Resolver *self,
                    Entity   *entity)
{
  if (entity->minted_form == NULL)
    entity->minted_form = intern_minted_id (self, entity->family,
                                            entity->names.items[entity->best_name], 1);

  return entity->minted_form;
}

/* The identifier minted for a group of @family named @name, interned: the
 * first of its forms that is not in @taken (interned identifiers), which
 * gets it. @first_form, if not NULL, is the first form, made before. */
static const char *
mint_id (Resolver   *self,
         const char *family,
         const char *name,
         const char *first_form,
         GHashTable *taken)
{
  const char *id = first_form;

  for (guint n = id != NULL ? 2 : 1; id == NULL || g_hash_table_contains (taken, id); n++)
    id = intern_minted_id (self, family, name, n);
  g_hash_table_add (taken, (gpointer) id);

  return id;
}

/**
 * pp_entity_resolver_set_minting:
 * @self: a resolver
 * @document_iri: (nullable): the IRI or name of the document, for the
 *   minted identifiers
 * @mint_ids: whether to give the entities without an IRI a minted one
 *
 * Sets how identifiers are minted, for pp_entity_resolver_dup_provisional_id()
 * as the nodes arrive; pp_entity_resolver_group() sets it again.
 */
void
pp_entity_resolver_set_minting (PpEntityResolver *self,
                                const char       *document_iri,
                                gboolean          mint_ids)
{
  g_autofree char *prefix = pp_entity_resolver_mint_prefix (document_iri);

  self->mint_ids = mint_ids;
  if (g_str_equal (prefix, self->mint_prefix))
    return;

  g_free (self->mint_prefix);
  self->mint_prefix = g_steal_pointer (&prefix);

  /* the identifiers minted before have another prefix */
  for (guint i = 0; self->arrived != NULL && i < self->arrived->len; i++)
    ((Entity *) self->arrived->pdata[i])->minted_form = NULL;
  for (guint i = 0; self->entities != NULL && i < self->n_entities; i++)
    self->entities[i]->minted_form = NULL;
}

/**
 * pp_entity_resolver_dup_provisional_id:
 * @self: a resolver, not grouped yet
 * @id: the identifier of a node added
 *
 * The identifier the node @id gets if it stays an entity of its own, as
 * what was added so far describes it: minted from its family and name if
 * it is a blank node that can have one, else @id. Nodes that are merged
 * with others, or whose minted identifier clashes with another's, get
 * another in the end.
 *
 * Returns: (transfer full): the identifier
 */
char *
pp_entity_resolver_dup_provisional_id (PpEntityResolver *self,
                                       const char       *id)
{
  const char *interned;
  Entity *entity;

  g_return_val_if_fail (self->entities == NULL, NULL);

  interned = pp_json_arena_lookup_interned (self->arena, id);
  entity = interned != NULL ? g_hash_table_lookup (self->by_id, interned) : NULL;

  if (entity == NULL || !self->mint_ids || !entity->blank || entity->minted || !entity->described ||
      entity->indexed || entity->family == NULL || entity->best_name == G_MAXUINT)
    return g_strdup (id);

  return g_strdup (entity_minted_form (self, entity));
}

/* Adds @id (interned) to @changed, and the nodes that refer to it, also
 * to @referring */
static void
add_changed (GHashTable *changed,
             GHashTable *referring,
             GHashTable *referrers,
             const char *id)
{
  g_hash_table_add (changed, (gpointer) id);
  for (const Referrer *r = g_hash_table_lookup (referrers, id); r != NULL; r = r->next)
    {
      g_hash_table_add (changed, (gpointer) r->id);
      g_hash_table_add (referring, (gpointer) r->id);
    }
}

static void
groups_clear (Groups *groups)
{
  g_clear_pointer (&groups->members, g_free);
  g_clear_pointer (&groups->start, g_free);
  g_clear_pointer (&groups->size, g_free);
  g_clear_pointer (&groups->targets, g_free);
  g_clear_pointer (&groups->families, g_free);
  g_clear_pointer (&groups->names, g_free);
  g_clear_pointer (&groups->written_names, g_free);
}

/* The first of @members, by identifier, whose identifier was minted
 * before, or NULL */
static const char *
find_minted (Resolver    *self,
             const guint *members,
             guint        n_members)
{
  for (guint i = 0; i < n_members; i++)
    if (self->entities[members[i]]->minted)
      return self->entities[members[i]]->id;

  return NULL;
}

/* The first identifier minted from @family and @name that one of
 * @members made before (pp_entity_resolver_dup_provisional_id()), or
 * NULL */
static const char *
find_minted_form (Resolver    *self,
                  const guint *members,
                  guint        n_members,
                  const char  *family,
                  const char  *name)
{
  for (guint i = 0; i < n_members; i++)
    {
      const Entity *entity = self->entities[members[i]];

      if (entity->minted_form != NULL && entity->family == family &&
          entity->names.items[entity->best_name] == name)
        return entity->minted_form;
    }

  return NULL;
}

/* The groups as the union-find has them, and the identifier of each,
 * minted where it has no IRI */
static void
groups_init (Groups   *groups,
             Resolver *self)
{
  g_autoptr(GHashTable) taken = NULL;
  guint n = self->n_entities;
  g_autofree guint *roots = g_new (guint, MAX (n, 1));
  g_autofree guint *filled = g_new0 (guint, MAX (n, 1));

  groups->members = g_new (guint, MAX (n, 1));
  groups->start = g_new0 (guint, MAX (n, 1));
  groups->size = g_new0 (guint, MAX (n, 1));
  groups->targets = g_new0 (const char *, MAX (n, 1));
  groups->families = g_new0 (const char *, MAX (n, 1));
  groups->names = g_new0 (const char *, MAX (n, 1));
  groups->written_names = g_new0 (const char *, MAX (n, 1));

  /* The members of each group, by identifier, one after the other */
  for (guint i = 0; i < n; i++)
    {
      roots[i] = find_root (self, i);
      groups->size[roots[i]]++;
    }
  for (guint i = 0, at = 0; i < n; i++)
    {
      groups->start[i] = at;
      at += groups->size[i];
    }
  for (guint i = 0; i < n; i++)
    groups->members[groups->start[roots[i]] + filled[roots[i]]++] = i;

  /* Interned: equal identifiers, equal pointers. Only an identifier
   * minted before has the shape of a minted one. */
  if (self->mint_ids)
    {
      taken = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < n; i++)
        if (self->entities[i]->minted)
          g_hash_table_add (taken, (gpointer) self->entities[i]->id);
    }

  /* In the order of the roots, so that a clash of minted identifiers is
   * settled the same way every time */
  for (guint root = 0; root < n; root++)
    {
      const char *minted;
      gboolean described;

      if (groups->size[root] == 0)
        continue;

      described = describe_group (self, groups->members + groups->start[root], groups->size[root],
                                  &groups->families[root], &groups->names[root],
                                  &groups->written_names[root]);
      if (!described)
        groups->families[root] = groups->names[root] = groups->written_names[root] = NULL;

      if (self->iri[root] != NULL)
        groups->targets[root] = self->iri[root];
      else if ((minted = find_minted (self, groups->members + groups->start[root],
                                      groups->size[root])) != NULL)
        groups->targets[root] = minted;
      else if (self->mint_ids && described)
        groups->targets[root] = mint_id (self, groups->families[root], groups->names[root],
                                         find_minted_form (self, groups->members + groups->start[root],
                                                           groups->size[root], groups->families[root],
                                                           groups->names[root]),
                                         taken);
      else
        groups->targets[root] = self->entities[root]->id;
    }
}

/* The groups, made once and kept until a confirmed candidate joins two */
static Groups *
ensure_groups (Resolver *self)
{
  if (!self->have_groups)
    {
      groups_init (&self->groups, self);
      self->have_groups = TRUE;
    }

  return &self->groups;
}

/* Merges every group into its node. @renamed, if given, gets the nodes
 * that are a group of their own and only change their identifier: their
 * old identifier → the new one, when nothing they refer to changes and
 * the new one names no node yet. */
static GHashTable *
merge_groups (Resolver   *self,
              GHashTable *renamed)
{
  Groups *groups = ensure_groups (self);
  /* the identifiers are the resolver's, interned: equal identifiers,
   * equal pointers */
  GHashTable *changed = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) referring = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) moved = g_array_new (FALSE, FALSE, sizeof (guint));
  /* the default graph, which every map has */
  Graph *graph = pp_node_map_lookup_graph (self->map, NULL);

  for (guint root = 0; root < self->n_entities; root++)
    {
      const guint *members = groups->members + groups->start[root];
      const char *target = groups->targets[root];
      Node *into = NULL;
      gboolean alone = FALSE;
      gboolean merged = FALSE;

      if (groups->size[root] == 0)
        continue;

      if (renamed != NULL && groups->size[root] == 1 && self->entities[root]->id != target)
        alone = !g_hash_table_contains (self->left_out, target);

      for (guint m = 0; m < groups->size[root]; m++)
        {
          const char *id = self->entities[members[m]]->id;
          g_autoptr(GError) error = NULL;

          if (id == target)
            continue;

          /* made once a member is merged into it, as the group's */
          if (into == NULL)
            into = pp_node_map_graph_ensure_node (self->map, graph, target);

          /* Nodes with an @index are left out: this cannot fail */
          if (!pp_node_map_merge_node (self->map, pp_node_map_graph_lookup_node (graph, id), into,
                                       &error))
            {
              g_debug ("Node %s is not merged into %s: %s", id, target, error->message);
              alone = FALSE;
              continue;
            }
          add_changed (changed, referring, self->referrers, id);
          merged = TRUE;
        }
      if (merged)
        add_changed (changed, referring, self->referrers, target);

      if (alone)
        g_array_append_val (moved, root);
    }

  for (guint i = 0; i < moved->len; i++)
    {
      guint root = g_array_index (moved, guint, i);

      if (!g_hash_table_contains (referring, self->entities[root]->id))
        g_hash_table_insert (renamed, (gpointer) self->entities[root]->id,
                             (gpointer) groups->targets[root]);
    }

  return changed;
}

/**
 * pp_entity_resolver_group:
 * @self: a resolver
 * @map: the merged node map the nodes were added to
 * @document_iri: (nullable): the IRI or name of the document, for the
 *   minted identifiers
 * @mint_ids: whether to give the entities without an IRI a minted one
 *
 * Groups the nodes added that describe the same entity, by the rules, in
 * the order of their identifiers, so that the groups depend only on the
 * nodes, not on the order they came in. No node can be added after.
 * @map must stay alive, unchanged but for pp_entity_resolver_merge(), as
 * long as the resolver.
 */
void
pp_entity_resolver_group (PpEntityResolver *self,
                          PpJsonldNodeMap  *map,
                          const char       *document_iri,
                          gboolean          mint_ids)
{
  g_autoptr(GPtrArray) link_keys = NULL;
  g_autoptr(GPtrArray) name_keys = NULL;
  guint n_arrived;
  guint n = 0;

  g_return_if_fail (self->entities == NULL);
  g_return_if_fail (map != NULL);

  self->map = map;
  pp_entity_resolver_set_minting (self, document_iri, mint_ids);

  /* The entities, in the order they arrived, are put in the order of
   * their identifiers, in place, those left out dropped; the arrival order
   * and the provisional groups are done with */
  n_arrived = self->arrived->len;
  while (self->run_ends->len > 1)
    merge_last_runs (self);
  self->entities = (Entity **) g_ptr_array_steal (self->by_id_runs, NULL);
  if (self->entities == NULL)
    self->entities = g_new0 (Entity *, 1);
  self->index_of_slot = g_new (guint, MAX (n_arrived, 1));
  for (guint i = 0; i < n_arrived; i++)
    {
      Entity *entity = self->entities[i];

      if (entity->described && !entity->indexed)
        {
          self->index_of_slot[entity->slot] = n;
          self->entities[n++] = entity;
        }
      else
        {
          self->index_of_slot[entity->slot] = G_MAXUINT;
          g_hash_table_add (self->left_out, (gpointer) entity->id);
        }
    }
  self->n_entities = n;
  g_clear_pointer (&self->arrived, g_ptr_array_unref);
  g_clear_pointer (&self->by_id_runs, g_ptr_array_unref);
  g_clear_pointer (&self->run_ends, g_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->name_keys, g_hash_table_unref);
  g_clear_pointer (&self->families, g_hash_table_unref);
  g_clear_pointer (&self->provisional_parent, g_array_unref);

  self->parent = g_new (guint, MAX (n, 1));
  self->iri = g_new0 (const char *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      self->parent[i] = i;
      if (!self->entities[i]->blank)
        self->iri[i] = self->entities[i]->id;
    }

  /* The buckets gathered as the nodes arrived, in the order of their
   * keys; each bucket's entities in the order of their identifiers */
  link_keys = sorted_shared_keys (self->link_buckets);
  name_keys = sorted_shared_keys (self->name_buckets);

  /* Nodes that share a sameAs, url or identifier value */
  unite_by_buckets (self, self->link_buckets, link_keys, may_link);
  /* Nodes of one family with the same name, or one's name the other's
   * alternateName */
  unite_by_buckets (self, self->name_buckets, name_keys, types_compatible);
  unite_by_short_names (self);

  /* The buckets are done with too: only the groups are left to use */
  g_clear_pointer (&self->link_buckets, g_hash_table_unref);
  g_clear_pointer (&self->name_buckets, g_hash_table_unref);
  g_clear_pointer (&self->endings, g_hash_table_unref);
}

void
pp_entity_resolver_free (PpEntityResolver *self)
{
  if (self == NULL)
    return;

  g_free (self->entities);
  g_hash_table_unref (self->left_out);
  groups_clear (&self->groups);
  g_clear_pointer (&self->arrived, g_ptr_array_unref);
  g_clear_pointer (&self->by_id_runs, g_ptr_array_unref);
  g_clear_pointer (&self->run_ends, g_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->name_keys, g_hash_table_unref);
  g_clear_pointer (&self->families, g_hash_table_unref);
  g_clear_pointer (&self->candidate_index, pp_merge_candidate_index_free);
  g_clear_pointer (&self->provisional_parent, g_array_unref);
  g_free (self->parent);
  g_free (self->iri);
  g_free (self->mint_prefix);
  g_hash_table_unref (self->referrers);
  g_clear_pointer (&self->endings, g_hash_table_unref);
  g_clear_pointer (&self->link_buckets, g_hash_table_unref);
  g_clear_pointer (&self->name_buckets, g_hash_table_unref);
  g_free (self->index_of_slot);
  g_clear_pointer (&self->candidate_roots, g_array_unref);
  g_string_free (self->scratch, TRUE);
  pp_json_arena_unref (self->arena);
  g_free (self);
}

/**
 * pp_entity_resolver_find_candidates:
 * @self: a resolver, grouped, not merged yet
 *
 * Finds the groups that the rules left apart but that look alike (see
 * pp_merge_candidates_find()), each node named by the identifier it gets
 * if nothing else joins it.
 *
 * Returns: (transfer full) (element-type PpMergeCandidateGroup): the
 *   candidate groups, undecided
 */
GPtrArray *
pp_entity_resolver_find_candidates (PpEntityResolver *self)
{
  g_autoptr(GArray) entities = g_array_new (FALSE, TRUE, sizeof (PpMergeCandidateEntity));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  Groups *groups = ensure_groups (self);

  g_return_val_if_fail (self->candidate_index != NULL, NULL);

  g_clear_pointer (&self->candidate_roots, g_array_unref);
  self->candidate_roots = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint root = 0; root < self->n_entities; root++)
    {
      const guint *members = groups->members + groups->start[root];
      PpMergeCandidateEntity entity = { NULL, };
      GPtrArray *group_keys;

      if (groups->size[root] == 0 || groups->families[root] == NULL)
        continue;
      entity.family = groups->families[root];
      entity.name = groups->written_names[root];

      group_keys = g_ptr_array_new ();
      for (guint m = 0; m < groups->size[root]; m++)
        {
          Entity *member = self->entities[members[m]];

          for (guint k = 0; k < member->names.n; k += 2)
            if (!g_ptr_array_find (group_keys, member->names.items[k], NULL))
              g_ptr_array_add (group_keys, (gpointer) member->names.items[k]);
        }
      g_ptr_array_add (keys, group_keys);

      entity.id = groups->targets[root];
      entity.keys = group_keys;
      entity.has_iri = self->iri[root] != NULL;
      g_array_append_val (entities, entity);
      g_array_append_val (self->candidate_roots, root);
    }

  return pp_merge_candidates_find (self->candidate_index,
                                   (const PpMergeCandidateEntity *) (gpointer) entities->data,
                                   entities->len);
}

/**
 * pp_entity_resolver_confirm:
 * @self: a resolver
 * @group: a group pp_entity_resolver_find_candidates() found, decided
 *
 * Joins the groups of the nodes @group found to be one entity (two IRIs
 * are never joined).
 */
void
pp_entity_resolver_confirm (PpEntityResolver      *self,
                            PpMergeCandidateGroup *group)
{
  g_return_if_fail (self->candidate_roots != NULL);

  if (group->decision != PP_MERGE_DECISION_CONFIRMED)
    return;

  for (guint s = 0; s < group->same->len; s++)
    {
      GArray *set = group->same->pdata[s];
      guint first = g_array_index (group->nodes, PpMergeCandidateNode,
                                   g_array_index (set, guint, 0)).entity;

      for (guint m = 1; m < set->len; m++)
        {
          guint other = g_array_index (group->nodes, PpMergeCandidateNode,
                                       g_array_index (set, guint, m)).entity;

          /* The groups change: their identifiers are minted again */
          if (unite (self, g_array_index (self->candidate_roots, guint, first),
                     g_array_index (self->candidate_roots, guint, other)) &&
              self->have_groups)
            {
              groups_clear (&self->groups);
              self->have_groups = FALSE;
            }
        }
    }
}

/**
 * pp_entity_resolver_merge:
 * @self: a resolver
 *
 * @renamed: (nullable) (element-type utf8 utf8): a table for the nodes
 *   that only change their identifier, or %NULL; it gets strings of the
 *   resolver's, alive as long as it is, and frees none
 *
 * Merges the nodes of every group into one, under the group's IRI or
 * minted identifier. The nodes that are a group of their own, get a
 * minted identifier, and refer to no node that changes, keep what they
 * say: @renamed gets their old identifier → their new one, so that what
 * was made of them can be kept. The index of the name keys goes first:
 * no candidate can be found after.
 *
 * Returns: (transfer container) (element-type utf8): the identifiers of
 *   the nodes whose output may have changed: the nodes merged, the nodes
 *   they were merged into, and the nodes that refer to them, as a set of
 *   the resolver's strings by pointer (to iterate, not to look up); the
 *   strings are alive as long as the resolver is
 */
GHashTable *
pp_entity_resolver_merge (PpEntityResolver *self,
                          GHashTable       *renamed)
{
  g_clear_pointer (&self->candidate_index, pp_merge_candidate_index_free);

  return merge_groups (self, renamed);
}
