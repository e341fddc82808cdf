/* test-entity-resolver.c: the nodes of a graph that describe the same
 * entity, merged
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-entity-resolver-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-test-node-map.h"

#define DOCUMENT_IRI "file:///home/ada/notes.md"

/* The node map of the graph @text, expanded, as the first segment's */
static PpJsonldNodeMap *
node_map_new (const char *text)
{
  return pp_test_node_map_new (text, "_:s0-");
}

/* Whether the default graph of @map has a node @id */
static gboolean
has_node (PpJsonldNodeMap *map,
          const char      *id)
{
  g_autoptr(GPtrArray) ids = pp_jsonld_node_map_get_node_ids (map, NULL, TRUE);

  for (guint i = 0; i < ids->len; i++)
    if (g_str_equal (ids->pdata[i], id))
      return TRUE;

  return FALSE;
}

/* Whether @set, a set of the resolver's strings by pointer, has @id */
static gboolean
set_has (GHashTable *set,
         const char *id)
{
  GHashTableIter iter;
  const char *member;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, (gpointer *) &member, NULL))
    if (g_str_equal (member, id))
      return TRUE;

  return FALSE;
}

/* pp_entity_resolver_merge(), the identifiers that changed as a set of
 * the resolver's strings by pointer, and the renamed pairs, if @renamed,
 * put in @renamed: old identifier → new */
static GHashTable *
merge (PpEntityResolver *resolver,
       GHashTable       *renamed)
{
  g_autoptr(GPtrArray) changed_ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) renamed_ids = g_ptr_array_new ();
  GHashTable *changed = g_hash_table_new (NULL, NULL);

  pp_entity_resolver_merge (resolver, changed_ids, renamed != NULL ? renamed_ids : NULL);
  for (guint i = 0; i < changed_ids->len; i++)
    g_hash_table_add (changed, changed_ids->pdata[i]);
  for (guint i = 0; i < renamed_ids->len; i += 2)
    g_hash_table_insert (renamed, renamed_ids->pdata[i], renamed_ids->pdata[i + 1]);

  return changed;
}

/* Groups the entities of @map, lists the merge candidates in
 * @candidates and merges the groups: the identifiers changed */
static GHashTable *
resolve (PpEntityResolver  *resolver,
         PpJsonldNodeMap   *map,
         gboolean           mint_ids,
         GHashTable        *renamed,
         GPtrArray        **candidates)
{
  pp_entity_resolver_group (resolver, map, DOCUMENT_IRI, mint_ids);
  *candidates = pp_entity_resolver_find_candidates (resolver);

  return merge (resolver, renamed);
}

/* A node whose identifier has the form of a minted one, of another
 * entity, keeps it: the group that would be minted the same identifier
 * gets the next one */
static void
test_mint_taken_by_node (void)
{
  g_autofree char *prefix = pp_entity_resolver_mint_prefix (DOCUMENT_IRI);
  g_autofree char *taken = g_strconcat (prefix, "#person/ada-lovelace", NULL);
  g_autofree char *next = g_strconcat (prefix, "#person/ada-lovelace-2", NULL);
  g_autofree char *text = g_strdup_printf ("{\"@context\": \"https://schema.org\", \"@graph\": ["
                                           "{\"@id\": \"%s\", \"@type\": \"Place\", \"name\": \"Analytical\"},"
                                           "{\"@type\": \"Person\", \"name\": \"Ada Lovelace\"}]}",
                                           taken);
  g_autoptr(PpJsonldNodeMap) map = node_map_new (text);
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) changed = NULL;

  pp_entity_resolver_add_nodes (resolver, map);
  pp_entity_resolver_group (resolver, map, DOCUMENT_IRI, TRUE);
  candidates = pp_entity_resolver_find_candidates (resolver);
  g_assert_cmpuint (candidates->len, ==, 0);
  changed = merge (resolver, NULL);

  g_assert_true (has_node (map, taken));
  g_assert_true (has_node (map, next));
  g_assert_false (has_node (map, "_:s0-0"));
  g_assert_false (has_node (map, "_:s0-1"));
}

/* Two groups of one family and one name, kept apart by their IRIs'
 * author, and a third without one: the minted identifiers of the ones
 * without an IRI follow the order of the groups */
static void
test_mint_same_name_twice (void)
{
  g_autofree char *prefix = pp_entity_resolver_mint_prefix (DOCUMENT_IRI);
  g_autofree char *first = g_strconcat (prefix, "#person/ada-lovelace", NULL);
  g_autoptr(PpJsonldNodeMap) map =
    node_map_new ("{\"@context\": \"https://schema.org\", \"@graph\": ["
                  "{\"@type\": \"Person\", \"name\": \"Ada Lovelace\", \"@index\": \"a\"},"
                  "{\"@type\": \"Person\", \"name\": \"Ada Lovelace\", \"email\": \"ada@example.org\"}]}");
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) renamed = g_hash_table_new (g_str_hash, g_str_equal);

  pp_entity_resolver_add_nodes (resolver, map);
  changed = resolve (resolver, map, TRUE, renamed, &candidates);

  /* the node with an @index is left alone; the other is minted, alone */
  g_assert_true (has_node (map, first));
  g_assert_cmpstr (g_hash_table_lookup (renamed, "_:s0-1"), ==, first);
  g_assert_true (set_has (changed, "_:s0-1"));
}

/* The identifier a node gets at the end, after the one it was said to
 * get as it arrived (pp_entity_resolver_get_provisional_id()) for
 * @document_iri, named @name, then named @later_name as well by a later
 * segment */
static char *
mint_after_provisional (const char *document_iri,
                        const char *name,
                        const char *later_name)
{
  g_autofree char *first_text = g_strdup_printf ("{\"@context\": \"https://schema.org\","
                                                 " \"@type\": \"Person\", \"name\": \"%s\"}",
                                                 name);
  g_autoptr(PpJsonldNodeMap) first = node_map_new (first_text);
  g_autoptr(PpJsonldNodeMap) merged = pp_jsonld_node_map_new ();
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) renamed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *provisional = NULL;
  gboolean joined;

  g_assert_true (pp_jsonld_node_map_add_map_copied (merged, first, &error));
  g_assert_no_error (error);
  pp_entity_resolver_set_minting (resolver, document_iri, TRUE);
  pp_entity_resolver_add_nodes (resolver, first);
  provisional = g_strdup (pp_entity_resolver_get_provisional_id (resolver, "_:s0-0", &joined));
  g_assert_false (joined);

  if (later_name != NULL)
    {
      g_autofree char *later_text = g_strdup_printf ("{\"@context\": \"https://schema.org\","
                                                     " \"@type\": \"Person\", \"name\": \"%s\"}",
                                                     later_name);
      g_autoptr(PpJsonldNodeMap) later = node_map_new (later_text);

      g_assert_true (pp_jsonld_node_map_add_map_copied (merged, later, &error));
      g_assert_no_error (error);
      pp_entity_resolver_add_nodes (resolver, later);
    }

  changed = resolve (resolver, merged, TRUE, renamed, &candidates);

  /* the one the node was said to get, while nothing changed */
  if (later_name == NULL && g_strcmp0 (document_iri, DOCUMENT_IRI) == 0)
    g_assert_cmpstr (g_hash_table_lookup (renamed, "_:s0-0"), ==, provisional);

  return g_strdup (g_hash_table_lookup (renamed, "_:s0-0"));
}

/* The identifier minted as a node arrives is the one it gets at the end,
 * unless its name or the document changes in between */
static void
test_mint_after_provisional (void)
{
  g_autofree char *prefix = pp_entity_resolver_mint_prefix (DOCUMENT_IRI);
  g_autofree char *ada = g_strconcat (prefix, "#person/ada", NULL);
  g_autofree char *ada_lovelace = g_strconcat (prefix, "#person/ada-lovelace", NULL);
  g_autofree char *same = mint_after_provisional (DOCUMENT_IRI, "Ada", NULL);
  g_autofree char *longer_name = mint_after_provisional (DOCUMENT_IRI, "Ada", "Ada Lovelace");
  g_autofree char *other_document = mint_after_provisional ("file:///home/ada/draft.md", "Ada",
                                                            NULL);

  g_assert_cmpstr (same, ==, ada);
  g_assert_cmpstr (longer_name, ==, ada_lovelace);
  g_assert_cmpstr (other_document, ==, ada);
}

/* A name in either namespace of schema.org is a name: the two nodes are
 * one */
static void
test_group_names_in_both_namespaces (void)
{
  g_autoptr(PpJsonldNodeMap) map =
    node_map_new ("[{\"@type\": \"http://schema.org/Person\","
                  " \"https://schema.org/name\": \"Ada Lovelace\"},"
                  "{\"@type\": \"http://schema.org/Person\","
                  " \"http://schema.org/name\": \"Ada Lovelace\","
                  " \"https://schema.org/alternateName\": \"Ada King\"},"
                  "{\"@type\": \"http://schema.org/Person\","
                  " \"http://schema.org/name\": \"Ada King\"}]");
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GPtrArray) ids = NULL;

  pp_entity_resolver_add_nodes (resolver, map);
  g_assert_cmpuint (pp_entity_resolver_get_n_entities (resolver), ==, 1);
  changed = resolve (resolver, map, FALSE, NULL, &candidates);

  ids = pp_jsonld_node_map_get_node_ids (map, NULL, TRUE);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (ids->pdata[0], ==, "_:s0-0");
}

#define N_SEGMENTS 40

/* The identifiers of the merged graph's nodes, one a line, once the
 * segments' graphs arrived in @order (segment indexes) and their nodes
 * were resolved, without minted identifiers: each group keeps its first
 * blank node by identifier */
static char *
resolve_segments (const guint *order)
{
  g_autoptr(PpJsonldNodeMap) merged = pp_jsonld_node_map_new ();
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < N_SEGMENTS; i++)
    {
      /* segments 3, 10, 17… describe one person; every segment the
       * place */
      g_autofree char *text = g_strdup_printf ("{\"@context\": \"https://schema.org\", \"@graph\": ["
                                               "{\"@type\": \"Person\", \"name\": \"Ada %u\"},"
                                               "{\"@type\": \"Place\", \"name\": \"Boston\"}]}",
                                               order[i] % 7);
      g_autofree char *prefix = g_strdup_printf ("_:s%u-", order[i]);
      g_autoptr(PpJsonldNodeMap) map = pp_test_node_map_new (text, prefix);

      g_assert_true (pp_jsonld_node_map_add_map_copied (merged, map, &error));
      g_assert_no_error (error);
      pp_entity_resolver_add_nodes (resolver, map);
    }

  changed = resolve (resolver, merged, FALSE, NULL, &candidates);

  ids = pp_jsonld_node_map_get_node_ids (merged, NULL, TRUE);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s\n", (const char *) ids->pdata[i]);

  return g_string_free (out, FALSE);
}

/* The groups, and the node each is merged into, depend on the nodes, not
 * on the order their segments arrived in, however many segments */
static void
test_groups_whatever_the_order (void)
{
  guint forward[N_SEGMENTS], backward[N_SEGMENTS], shuffled[N_SEGMENTS];
  g_autofree char *expected = NULL;
  g_autofree char *from_backward = NULL;
  g_autofree char *from_shuffled = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < N_SEGMENTS; i++)
    forward[i] = backward[N_SEGMENTS - 1 - i] = shuffled[i] = i;
  for (guint i = N_SEGMENTS - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      guint swap = shuffled[i];

      shuffled[i] = shuffled[j];
      shuffled[j] = swap;
    }

  /* the groups' first nodes by identifier: "_:s10-…" before "_:s3-…",
   * "_:s16-…" before "_:s2-…" */
  expected = resolve_segments (forward);
  g_assert_cmpstr (expected, ==,
                   "_:s0-0\n_:s0-1\n_:s1-0\n_:s10-0\n_:s11-0\n_:s12-0\n_:s13-0\n_:s16-0\n");
  from_backward = resolve_segments (backward);
  g_assert_cmpstr (from_backward, ==, expected);
  from_shuffled = resolve_segments (shuffled);
  g_assert_cmpstr (from_shuffled, ==, expected);
}

/* A group of three nodes merged into one, with each value once and the
 * references to any of them pointing at it; a node alone in its group,
 * referred to by others, renamed, and its referrers changed */
static void
test_merge_group_and_referrers (void)
{
  g_autofree char *prefix = pp_entity_resolver_mint_prefix (DOCUMENT_IRI);
  g_autofree char *ada = g_strconcat (prefix, "#person/ada-lovelace", NULL);
  g_autofree char *charles = g_strconcat (prefix, "#person/charles-babbage", NULL);
  g_autoptr(PpJsonldNodeMap) map =
    node_map_new ("{\"@context\": \"https://schema.org\", \"@graph\": ["
                  "{\"@id\": \"_:a\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
                  " \"email\": \"ada@example.org\"},"
                  "{\"@id\": \"_:b\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
                  " \"jobTitle\": \"Mathematician\"},"
                  "{\"@id\": \"_:c\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
                  " \"email\": \"ada@example.org\", \"knows\": {\"@id\": \"_:g\"}},"
                  "{\"@id\": \"_:g\", \"@type\": \"Person\", \"name\": \"Charles Babbage\"},"
                  "{\"@id\": \"_:o\", \"@type\": \"Organization\", \"name\": \"Analytical Society\","
                  " \"founder\": [{\"@id\": \"_:b\"}, {\"@id\": \"_:g\"}]}]}");
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) renamed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) flattened = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  pp_entity_resolver_add_nodes (resolver, map);
  changed = resolve (resolver, map, TRUE, renamed, &candidates);

  flattened = pp_jsonld_node_map_flatten (map, PP_JSONLD_FLATTEN_CANONICAL);
  text = pp_jsonld_to_json (flattened, FALSE);
  expected = g_strdup_printf ("[{\"@id\":\"%s#organization/analytical-society\","
                              "\"@type\":[\"http://schema.org/Organization\"],"
                              "\"http://schema.org/founder\":[{\"@id\":\"%s\"},{\"@id\":\"%s\"}],"
                              "\"http://schema.org/name\":[{\"@value\":\"Analytical Society\"}]},"
                              "{\"@id\":\"%s\",\"@type\":[\"http://schema.org/Person\"],"
                              "\"http://schema.org/email\":[{\"@value\":\"ada@example.org\"}],"
                              "\"http://schema.org/jobTitle\":[{\"@value\":\"Mathematician\"}],"
                              "\"http://schema.org/knows\":[{\"@id\":\"%s\"}],"
                              "\"http://schema.org/name\":[{\"@value\":\"Ada Lovelace\"}]},"
                              "{\"@id\":\"%s\",\"@type\":[\"http://schema.org/Person\"],"
                              "\"http://schema.org/name\":[{\"@value\":\"Charles Babbage\"}]}]",
                              prefix, ada, charles, ada, charles, charles);
  g_assert_cmpstr (text, ==, expected);

  /* the organization refers to nodes that changed: not renamed alone */
  g_assert_cmpuint (g_hash_table_size (renamed), ==, 1);
  g_assert_true (set_has (changed, charles));
  g_assert_true (set_has (changed, ada));
  g_assert_cmpuint (g_hash_table_size (changed), ==, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/entity-resolver/mint/taken-by-a-node", test_mint_taken_by_node);
  g_test_add_func ("/entity-resolver/mint/left-out-node-apart", test_mint_same_name_twice);
  g_test_add_func ("/entity-resolver/mint/after-provisional", test_mint_after_provisional);
  g_test_add_func ("/entity-resolver/group/whatever-the-order", test_groups_whatever_the_order);
  g_test_add_func ("/entity-resolver/merge/group-and-referrers", test_merge_group_and_referrers);
  g_test_add_func ("/entity-resolver/group/names-in-both-namespaces",
                   test_group_names_in_both_namespaces);

  return g_test_run ();
}
