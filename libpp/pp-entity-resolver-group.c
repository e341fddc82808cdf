/* pp-entity-resolver-group.c: groups the nodes that describe the same
 * entity, by the rules, in the order of their identifiers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "pp-entity-resolver-types-private.h"
#include "pp-schema-types-private.h"

/* Puts two nodes in one group, unless that would join two IRIs. The root
 * of a group is its first node by identifier. Returns whether it joined
 * two groups. */
gboolean
pp_entity_resolver_unite (Resolver *self,
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

/* Turns the entries of @bucket from slots into indexes (G_MAXUINT in
 * @index_of_slot for an entity left out), in order, and lists the
 * entities that have the key as a name; once grouped, when first needed */
static void
bucket_settle (Bucket      *bucket,
               const guint *index_of_slot)
{
  guint *entries = bucket->entries;
  guint n = 0;
  guint *named;
  guint n_named;

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
    qsort (entries, n, sizeof (guint), pp_compare_guints);

  /* at most one per entry: filled in place */
  bucket->named = g_array_sized_new (FALSE, FALSE, sizeof (guint), n);
  g_array_set_size (bucket->named, n);
  named = (guint *) (gpointer) bucket->named->data;
  n_named = 0;
  for (guint i = 0; i < n; i++)
    if ((entries[i] & 1) == 0)
      named[n_named++] = entries[i] / 2;
  g_array_set_size (bucket->named, n_named);
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
          pp_entity_resolver_unite (self, kind->named,
                                    g_array_index (kind->entries, guint, i) / 2);

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
            pp_entity_resolver_unite (self, into,
                                      g_array_index (joining->entries, guint, i) / 2);
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
    pp_entity_resolver_unite (self, g_array_index (pairs, guint, p),
                              g_array_index (pairs, guint, p + 1));
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
    pp_entity_resolver_merge_last_runs (self);
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
  pp_entity_resolver_drop_arrivals (self);

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
