/* pp-entity-resolver.c: merges the nodes of a graph that describe the same
 * entity
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "pp-entity-resolver-private.h"
#include "pp-entity-resolver-types-private.h"
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
 * output stays canonical.
 *
 * This file reads the nodes as they arrive; pp-entity-resolver-group.c
 * groups them, pp-entity-resolver-mint.c mints the identifiers and
 * pp-entity-resolver-merge.c merges the groups, and finds and confirms
 * the candidates. pp-entity-resolver-types-private.h has the structures
 * they share. */

#define SCHEMA_HTTP "http://schema.org/"
#define SCHEMA_HTTPS "https://schema.org/"

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

/* The names of @entity from the item @n_known of its names on are new:
 * the name it is named by may be one of them */
static void
update_best_name (Entity *entity,
                  guint   n_known)
{
  for (guint k = n_known; k < entity->names.n; k += 2)
    if (entity->best_name == G_MAXUINT ||
        pp_entity_resolver_name_precedes (entity->names.items[k], entity->names.items[k + 1],
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
void
pp_entity_resolver_merge_last_runs (Resolver *self)
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
      pp_entity_resolver_merge_last_runs (self);
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

/* The hash of the last words of a name key, a key of @endings: a word at a
 * time (g_str_hash() takes a byte at a time), as every name of every
 * entity is looked up once grouped */
static guint
ending_hash (gconstpointer words)
{
  return pp_json_string_hash (words, strlen (words));
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
  self->endings = g_hash_table_new (ending_hash, g_str_equal);
  self->left_out = g_hash_table_new (NULL, NULL);
  self->mint_prefix = pp_entity_resolver_mint_prefix (NULL);
  self->mint_ids = TRUE;
  self->provisional_parent = g_array_new (FALSE, FALSE, sizeof (guint));

  return self;
}

/* Drops what the resolver kept of the nodes as they arrived (their order,
 * the sorted runs, the tables by identifier, name key and family, the
 * provisional groups): grouping needs it no more, and neither does the
 * end */
void
pp_entity_resolver_drop_arrivals (Resolver *self)
{
  g_clear_pointer (&self->arrived, g_ptr_array_unref);
  g_clear_pointer (&self->by_id_runs, g_ptr_array_unref);
  g_clear_pointer (&self->run_ends, g_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->name_keys, g_hash_table_unref);
  g_clear_pointer (&self->families, g_hash_table_unref);
  g_clear_pointer (&self->provisional_parent, g_array_unref);
}

void
pp_entity_resolver_free (PpEntityResolver *self)
{
  if (self == NULL)
    return;

  g_free (self->entities);
  g_hash_table_unref (self->left_out);
  pp_entity_resolver_groups_clear (&self->groups);
  pp_entity_resolver_drop_arrivals (self);
  g_clear_pointer (&self->candidate_index, pp_merge_candidate_index_free);
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

