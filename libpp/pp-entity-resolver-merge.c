/* pp-entity-resolver-merge.c: merges the groups of nodes into one node
 * each, and joins the merge candidates confirmed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-entity-resolver-types-private.h"
#include "pp-merge-candidates-private.h"

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

/* Merges every group into its node. @renamed, if given, gets the nodes
 * that are a group of their own and only change their identifier: their
 * old identifier → the new one, when nothing they refer to changes and
 * the new one names no node yet. */
static GHashTable *
merge_groups (Resolver   *self,
              GHashTable *renamed)
{
  Groups *groups = pp_entity_resolver_ensure_groups (self);
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
  Groups *groups = pp_entity_resolver_ensure_groups (self);

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
