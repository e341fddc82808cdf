/* pp-entity-resolver-merge.c: merges the groups of nodes into one node
 * each, and joins the merge candidates confirmed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-entity-resolver-types-private.h"
#include "pp-merge-candidates-private.h"

/* A list of identifiers being filled: its array grows a lot at a time,
 * and @n says how much of it is filled, as the identifiers are as many as
 * the nodes merged and g_ptr_array_add() costs a call each */
typedef struct
{
  GPtrArray *array;
  guint n;
} IdList;

static inline void
id_list_add (IdList     *list,
             const char *id)
{
  if (list->n == list->array->len)
    g_ptr_array_set_size (list->array, MAX (list->n * 2, 64));
  list->array->pdata[list->n++] = (gpointer) id;
}

/* Adds @id (interned) to @changed, and the nodes that refer to it, also
 * to @referring */
static void
add_changed (IdList     *changed,
             GHashTable *referring,
             GHashTable *referrers,
             const char *id)
{
  id_list_add (changed, id);
  for (const Referrer *r = g_hash_table_lookup (referrers, id); r != NULL; r = r->next)
    {
      id_list_add (changed, r->id);
      g_hash_table_add (referring, (gpointer) r->id);
    }
}

/* Merges every group into its node, and adds to @changed the identifiers
 * of the nodes whose output may have changed, some maybe more than once.
 * @renamed, if given, gets the nodes that are a group of their own and
 * only change their identifier: their old identifier, then the new one,
 * when nothing they refer to changes and the new one names no node yet. */
static void
merge_groups (Resolver  *self,
              GPtrArray *changed_ids,
              GPtrArray *renamed)
{
  Groups *groups = pp_entity_resolver_ensure_groups (self);
  IdList changed = { changed_ids, changed_ids->len };
  IdList renamed_ids = { NULL, 0 };
  /* the identifiers are the resolver's, interned: equal identifiers,
   * equal pointers */
  g_autoptr(GHashTable) referring = g_hash_table_new (NULL, NULL);
  /* the roots of the groups that may only be renamed */
  g_autofree guint *moved = g_new (guint, MAX (self->n_entities, 1));
  guint n_moved = 0;
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
          add_changed (&changed, referring, self->referrers, id);
          merged = TRUE;
        }
      if (merged)
        add_changed (&changed, referring, self->referrers, target);

      if (alone)
        moved[n_moved++] = root;
    }
  g_ptr_array_set_size (changed_ids, changed.n);

  if (renamed == NULL)
    return;

  renamed_ids.array = renamed;
  renamed_ids.n = renamed->len;
  for (guint i = 0; i < n_moved; i++)
    {
      guint root = moved[i];

      if (!g_hash_table_contains (referring, self->entities[root]->id))
        {
          id_list_add (&renamed_ids, self->entities[root]->id);
          id_list_add (&renamed_ids, groups->targets[root]);
        }
    }
  g_ptr_array_set_size (renamed, renamed_ids.n);
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
  Groups *groups = pp_entity_resolver_ensure_groups (self);
  g_autofree PpMergeCandidateEntity *entities = NULL;
  g_autofree guint *key_ends = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  guint *roots;
  guint n = 0;

  g_return_val_if_fail (self->candidate_index != NULL, NULL);

  /* The keys of all the groups in one array, rather than one per group:
   * most groups have one key, and there are as many as entities */
  entities = g_new0 (PpMergeCandidateEntity, MAX (self->n_entities, 1));
  key_ends = g_new (guint, MAX (self->n_entities, 1));
  keys = g_ptr_array_sized_new (self->n_entities);
  g_clear_pointer (&self->candidate_roots, g_array_unref);
  self->candidate_roots = g_array_sized_new (FALSE, FALSE, sizeof (guint), self->n_entities);
  g_array_set_size (self->candidate_roots, self->n_entities);
  roots = (guint *) (gpointer) self->candidate_roots->data;

  for (guint root = 0; root < self->n_entities; root++)
    {
      const guint *members = groups->members + groups->start[root];
      PpMergeCandidateEntity *entity = &entities[n];
      guint group_start = keys->len;

      if (groups->size[root] == 0 || groups->families[root] == NULL)
        continue;

      /* Each distinct key once: interned, equal keys are equal pointers */
      for (guint m = 0; m < groups->size[root]; m++)
        {
          Entity *member = self->entities[members[m]];

          for (guint k = 0; k < member->names.n; k += 2)
            {
              const char *key = member->names.items[k];
              gboolean known = FALSE;

              for (guint i = group_start; i < keys->len && !known; i++)
                known = keys->pdata[i] == key;
              if (!known)
                g_ptr_array_add (keys, (gpointer) key);
            }
        }

      entity->family = groups->families[root];
      entity->name = groups->written_names[root];
      entity->id = groups->targets[root];
      entity->has_iri = self->iri[root] != NULL;
      key_ends[n] = keys->len;
      roots[n++] = root;
    }
  g_array_set_size (self->candidate_roots, n);

  return pp_merge_candidates_find (self->candidate_index, entities, n,
                                   (const char * const *) keys->pdata, key_ends);
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
          if (pp_entity_resolver_unite (self, g_array_index (self->candidate_roots, guint, first),
                                        g_array_index (self->candidate_roots, guint, other)) &&
              self->have_groups)
            {
              pp_entity_resolver_groups_clear (&self->groups);
              self->have_groups = FALSE;
            }
        }
    }
}

/**
 * pp_entity_resolver_merge:
 * @self: a resolver
 * @changed: (element-type utf8): an array for the identifiers of the
 *   nodes whose output may have changed: the nodes merged, the nodes they
 *   were merged into, and the nodes that refer to them, some maybe more
 *   than once
 * @renamed: (nullable) (element-type utf8): an array for the nodes that
 *   only change their identifier, or %NULL
 *
 * Merges the nodes of every group into one, under the group's IRI or
 * minted identifier. The nodes that are a group of their own, get a
 * minted identifier, and refer to no node that changes, keep what they
 * say: @renamed gets their old identifier, then their new one, so that
 * what was made of them can be kept. The results are listed in arrays, not
 * put in tables: the nodes of a large document that change are many, and
 * the caller goes through them once. The strings are the resolver's,
 * interned, alive as long as it is. The index of the name keys goes
 * first: no candidate can be found after.
 */
void
pp_entity_resolver_merge (PpEntityResolver *self,
                          GPtrArray        *changed,
                          GPtrArray        *renamed)
{
  g_clear_pointer (&self->candidate_index, pp_merge_candidate_index_free);

  merge_groups (self, changed, renamed);
}
