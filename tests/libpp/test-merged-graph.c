/* test-merged-graph.c: the graph the reconciler merges the segments'
 * graphs into, built as values and written as a tree or as bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-entity-resolver-private.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-merged-graph-private.h"
#include "pp-test-node-map.h"
#include "pp-test-text.h"

static const char * const answers[] = {
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
  " \"knows\": {\"@type\": \"Person\", \"name\": \"Charles Babbage\"},"
  " \"birthDate\": \"1815-12-10\"}",
  "{\"@context\": \"https://schema.org\", \"@graph\": ["
  " {\"@type\": \"Person\", \"name\": \"Charles Babbage\", \"jobTitle\": \"mathematician\"},"
  " {\"@id\": \"https://example.org/engine\", \"@type\": \"Product\", \"name\": \"Analytical Engine\"}]}",
};

/* Entities that are one across segments: a place named in each, a node
 * with an IRI described twice and referred to, a short name, and an
 * identifier given as a number in a list item and in another segment */
static const char * const joined_answers[] = {
  "{\"@context\": \"https://schema.org\", \"@graph\": ["
  " {\"@type\": \"Person\", \"name\": \"Grace Hopper\","
  "  \"homeLocation\": {\"@type\": \"Place\", \"name\": \"Boston\"}},"
  " {\"@type\": \"Place\", \"name\": \"Boston\"}]}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"Boston\","
  " \"containedInPlace\": {\"@id\": \"https://example.org/massachusetts\","
  " \"name\": \"Massachusetts\"}}",
  "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/massachusetts\","
  " \"@type\": \"State\", \"alternateName\": \"MA\","
  " \"sameAs\": \"https://en.wikipedia.org/wiki/Massachusetts\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Hopper\","
  " \"knows\": {\"@list\": [{\"@type\": \"Person\", \"name\": \"Howard Aiken\","
  " \"identifier\": 7}]}}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"H. Aiken\","
  " \"identifier\": 7}",
};

static PpSegment *
segment_new (guint       index,
             const char *text)
{
  const char * const path[] = { "Pioneers", NULL };

  return pp_segment_new (index, text, -1, index * 100, path);
}

/* A merged graph of @form with @texts added as trees */
static PpMergedGraph *
merged_graph_new_with (PpOutputForm        form,
                       const char * const *texts,
                       guint               n_texts)
{
  PpMergedGraph *merged = pp_merged_graph_new (form, TRUE);

  pp_merged_graph_set_resolution (merged, "file:///pioneers.md", TRUE);
  for (guint i = 0; i < n_texts; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) tree = json_from_string (texts[i], &error);
      g_autoptr(PpSegment) segment = segment_new (i, texts[i]);
      gboolean added;

      g_assert_no_error (error);
      added = pp_merged_graph_add (merged, segment, tree, &error);
      g_assert_no_error (error);
      g_assert_true (added);
    }

  return merged;
}

/* A merged graph of @form with the answers added as trees */
static PpMergedGraph *
merged_graph_new (PpOutputForm form)
{
  return merged_graph_new_with (form, answers, G_N_ELEMENTS (answers));
}

static char *
finish_as_text (PpMergedGraph *merged)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = pp_merged_graph_finish (merged, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);

  return pp_jsonld_to_json (graph, TRUE);
}

/* The bytes are what writing the tree gives, in every form */
static void
test_finish_bytes_as_tree (gconstpointer data)
{
  PpOutputForm form = GPOINTER_TO_INT (data);
  g_autoptr(PpMergedGraph) as_tree = merged_graph_new (form);
  g_autoptr(PpMergedGraph) as_bytes = merged_graph_new (form);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = finish_as_text (as_tree);
  g_autoptr(GBytes) bytes = pp_merged_graph_finish_bytes (as_bytes, TRUE, &error);
  gsize length;
  const char *text;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  text = g_bytes_get_data (bytes, &length);
  g_assert_cmpmem (text, length, expected, strlen (expected));
  g_assert_nonnull (strstr (expected, "Charles Babbage"));
}

/* The compacted bytes, the texts of the nodes compacted ahead copied into
 * them, are what writing the tree gives, indented or not, for one node
 * (the document is the node) as for several */
typedef struct
{
  const char * const *texts;
  guint n_texts;
  gboolean pretty;
} BytesCase;

static const char * const lone_node_answers[] = {
  "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/ada\","
  " \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}",
};

static const BytesCase bytes_cases[] = {
  { answers, G_N_ELEMENTS (answers), FALSE },
  { joined_answers, G_N_ELEMENTS (joined_answers), TRUE },
  { joined_answers, G_N_ELEMENTS (joined_answers), FALSE },
  { lone_node_answers, G_N_ELEMENTS (lone_node_answers), TRUE },
  { lone_node_answers, G_N_ELEMENTS (lone_node_answers), FALSE },
};

static void
test_compacted_bytes_as_tree (gconstpointer data)
{
  const BytesCase *bytes_case = data;
  g_autoptr(PpMergedGraph) as_tree = NULL;
  g_autoptr(PpMergedGraph) as_bytes = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  const char *text;
  gsize length;

  /* Provenance off for the lone node: else its segment is a node too */
  if (bytes_case->texts == lone_node_answers)
    {
      as_tree = pp_merged_graph_new (PP_OUTPUT_FORM_COMPACTED, FALSE);
      as_bytes = pp_merged_graph_new (PP_OUTPUT_FORM_COMPACTED, FALSE);
      for (guint i = 0; i < 2; i++)
        {
          PpMergedGraph *merged = i == 0 ? as_tree : as_bytes;
          g_autoptr(JsonNode) answer = json_from_string (bytes_case->texts[0], &error);
          g_autoptr(PpSegment) segment = segment_new (0, bytes_case->texts[0]);

          g_assert_no_error (error);
          g_assert_true (pp_merged_graph_add (merged, segment, answer, &error));
          g_assert_no_error (error);
        }
    }
  else
    {
      as_tree = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED, bytes_case->texts, bytes_case->n_texts);
      as_bytes = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED, bytes_case->texts, bytes_case->n_texts);
    }

  tree = pp_merged_graph_finish (as_tree, &error);
  g_assert_no_error (error);
  expected = pp_jsonld_to_json (tree, bytes_case->pretty);

  bytes = pp_merged_graph_finish_bytes (as_bytes, bytes_case->pretty, &error);
  g_assert_no_error (error);
  text = g_bytes_get_data (bytes, &length);
  g_assert_cmpmem (text, length, expected, strlen (expected));
  g_assert_cmpint (text[length], ==, '\0');
}

/* A graph handed over expanded already is merged as the same graph given
 * as a tree */
static void
test_add_value_expanded (void)
{
  g_autoptr(PpMergedGraph) from_trees = merged_graph_new (PP_OUTPUT_FORM_COMPACTED);
  g_autoptr(PpMergedGraph) from_values = pp_merged_graph_new (PP_OUTPUT_FORM_COMPACTED, TRUE);
  g_autofree char *expected = finish_as_text (from_trees);
  g_autofree char *text = NULL;

  pp_merged_graph_set_resolution (from_values, "file:///pioneers.md", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
      g_autoptr(PpSegment) segment = segment_new (i, answers[i]);
      PpJsonValue *document = pp_json_value_parse (arena, answers[i], -1, &error);
      PpJsonValue *expanded;

      g_assert_no_error (error);
      pp_jsonld_options_set_ordered (options, TRUE);
      expanded = pp_jsonld_expand_value (arena, document, options, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (pp_merged_graph_add_value (from_values, segment, arena, expanded, TRUE,
                                                &error));
      g_assert_no_error (error);
    }

  text = finish_as_text (from_values);
  g_assert_cmpstr (text, ==, expected);
}

/* Literals the nodes compacted ahead keep as they were compacted:
 * escapes, characters beyond ASCII, numbers of every shape, booleans, a
 * language, a type */
static const char * const literal_answers[] = {
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\","
  " \"name\": \"Ada \\\"the Enchantress\\\" King\","
  " \"description\": \"line one\\nline two\\t\\\\ \\u00e9\\u2603 \\ud83d\\ude00 \\u001f\","
  " \"height\": 1.5, \"weight\": 1e21, \"birthDate\": {\"@value\": \"1815-12-10\", \"@type\": \"Date\"},"
  " \"numberOfEmployees\": -0.0, \"award\": [12345678901234567, 0.000001, 1e-7, true, false],"
  " \"jobTitle\": {\"@value\": \"math\\u00e9maticienne\", \"@language\": \"fr\"}}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"S\\u00e3o Paulo\","
  " \"latitude\": -23.55, \"longitude\": -46.633333333333333}",
};

/* The text of the document that compacting the flattened graph of
 * @texts gives */
static char *
compact_flattened (const char * const *texts,
                   guint               n_texts)
{
  g_autoptr(PpMergedGraph) flattened = merged_graph_new_with (PP_OUTPUT_FORM_FLATTENED, texts, n_texts);
  g_autoptr(JsonNode) flat = NULL;
  g_autoptr(JsonNode) context = json_from_string ("[\"https://schema.org\", {\"pp\": \"https://libpp.org/ns#\","
                                                  " \"pp:derivedFrom\": {\"@type\": \"@id\"}}]", NULL);
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(JsonNode) expected_tree = NULL;
  g_autoptr(GError) error = NULL;

  flat = pp_merged_graph_finish (flattened, &error);
  g_assert_no_error (error);
  pp_jsonld_options_set_ordered (options, TRUE);
  expected_tree = pp_jsonld_compact (flat, context, options, NULL, &error);
  g_assert_no_error (error);

  return pp_jsonld_to_json (expected_tree, TRUE);
}

/* The nodes compacted as the segments arrive, those merged at the end
 * compacted then, make the document compacting the flattened graph
 * gives */
static void
test_compacted_as_flattened (void)
{
  g_autoptr(PpMergedGraph) compacted = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED, joined_answers,
                                                              G_N_ELEMENTS (joined_answers));
  g_autofree char *expected = compact_flattened (joined_answers, G_N_ELEMENTS (joined_answers));
  g_autofree char *text = finish_as_text (compacted);

  g_assert_cmpstr (text, ==, expected);

  /* Boston once; the two with identifier 7 one node; Massachusetts
   * described twice, one node; Hopper is Grace Hopper */
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"Boston\""), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"identifier\": 7"), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"type\": \"State\""), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"type\": \"Person\""), ==, 2);
}

/* Many segments, each with a person of her own, minted an identifier
 * from her name and renamed to it at the end, and a place they share,
 * merged at the end with the people referring to it; now and then an
 * IRI described again, and a person named as another, with an @index,
 * left apart: the nodes compacted ahead, the many moved under their new
 * identifier,
 * make the document compacting the flattened graph gives, as a tree and
 * as bytes, indented or not */
static void
test_compacted_many_renamed (void)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PpMergedGraph) as_tree = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < 300; i++)
    {
      if (i % 50 == 7)
        g_ptr_array_add (texts, g_strdup_printf ("{\"@context\": \"https://schema.org\","
                                                 " \"@id\": \"https://example.org/thing\","
                                                 " \"@type\": \"Product\", \"name\": \"Thing %u\"}", i));
      else if (i % 100 == 42)
        g_ptr_array_add (texts, g_strdup ("{\"@context\": \"https://schema.org\","
                                          " \"@type\": \"Person\", \"name\": \"Grace Hopper1\","
                                          " \"@index\": \"apart\"}"));
      else
        g_ptr_array_add (texts, g_strdup_printf ("{\"@context\": \"https://schema.org\","
                                                 " \"@type\": \"Person\", \"name\": \"Grace Hopper%u\","
                                                 " \"homeLocation\": {\"@type\": \"Place\","
                                                 " \"name\": \"Boston\"}}", i));
    }

  as_tree = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED, (const char * const *) texts->pdata,
                                   texts->len);
  expected = compact_flattened ((const char * const *) texts->pdata, texts->len);
  text = finish_as_text (as_tree);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"Boston\""), ==, 1);

  for (guint pretty = 0; pretty < 2; pretty++)
    {
      g_autoptr(PpMergedGraph) as_bytes = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED,
                                                                 (const char * const *) texts->pdata,
                                                                 texts->len);
      g_autoptr(JsonNode) tree = json_from_string (expected, NULL);
      g_autofree char *expected_bytes = pp_jsonld_to_json (tree, pretty);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      const char *data;
      gsize length;

      bytes = pp_merged_graph_finish_bytes (as_bytes, pretty, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &length);
      g_assert_cmpmem (data, length, expected_bytes, strlen (expected_bytes));
    }
}

/* The nodes compacted ahead, kept as text until the end, give their
 * literals as compacting the flattened graph does, as a tree and as
 * bytes */
static void
test_compacted_literals (void)
{
  g_autoptr(PpMergedGraph) as_tree = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED, literal_answers,
                                                            G_N_ELEMENTS (literal_answers));
  g_autoptr(PpMergedGraph) as_bytes = merged_graph_new_with (PP_OUTPUT_FORM_COMPACTED, literal_answers,
                                                             G_N_ELEMENTS (literal_answers));
  g_autofree char *expected = compact_flattened (literal_answers, G_N_ELEMENTS (literal_answers));
  g_autofree char *text = finish_as_text (as_tree);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data;

  g_assert_cmpstr (text, ==, expected);
  g_assert_nonnull (strstr (text, "\"S\u00e3o Paulo\""));
  g_assert_nonnull (strstr (text, "1e+21"));

  bytes = pp_merged_graph_finish_bytes (as_bytes, TRUE, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &length);
  g_assert_cmpmem (data, length, expected, strlen (expected));
}

/* The number of entities stays known once the graph is finished, what
 * it was counted from gone */
static void
test_entities_counted_after_finish (gconstpointer data)
{
  PpOutputForm form = GPOINTER_TO_INT (data);
  g_autoptr(PpMergedGraph) merged = merged_graph_new_with (form, joined_answers,
                                                           G_N_ELEMENTS (joined_answers));
  guint n_entities = pp_merged_graph_get_n_entities (merged);
  g_autofree char *text = finish_as_text (merged);

  g_assert_cmpuint (n_entities, >, 0);
  g_assert_cmpuint (pp_merged_graph_get_n_entities (merged), ==, n_entities);
}

/* Whether the node @id is one entity with another so far */
static gboolean
is_joined (PpEntityResolver *resolver,
           const char       *id)
{
  gboolean joined;

  pp_entity_resolver_get_provisional_id (resolver, id, &joined);

  return joined;
}

/* A node is joined once another node of the same entity arrives, the
 * node it joins too; a node alone is not */
static void
test_entities_joined (void)
{
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();
  g_autoptr(PpJsonldNodeMap) first = pp_test_node_map_new (joined_answers[0], "_:s0-");
  g_autoptr(PpJsonldNodeMap) second = pp_test_node_map_new (joined_answers[3], "_:s3-");
  g_autoptr(PpJsonldNodeMap) third = pp_test_node_map_new (joined_answers[4], "_:s4-");

  pp_entity_resolver_add_nodes (resolver, first);
  /* Grace Hopper, and her home with the other Boston */
  g_assert_cmpuint (pp_entity_resolver_get_n_entities (resolver), ==, 2);
  g_assert_false (is_joined (resolver, "_:s0-0"));
  g_assert_true (is_joined (resolver, "_:s0-1"));
  g_assert_true (is_joined (resolver, "_:s0-2"));

  /* Hopper is one of the short names decided at the end */
  pp_entity_resolver_add_nodes (resolver, second);
  g_assert_cmpuint (pp_entity_resolver_get_n_entities (resolver), ==, 4);
  g_assert_false (is_joined (resolver, "_:s3-0"));
  g_assert_false (is_joined (resolver, "_:s3-1"));

  /* The identifier, a number, is a link */
  pp_entity_resolver_add_nodes (resolver, third);
  g_assert_cmpuint (pp_entity_resolver_get_n_entities (resolver), ==, 4);
  g_assert_true (is_joined (resolver, "_:s3-1"));
  g_assert_true (is_joined (resolver, "_:s4-0"));
  g_assert_false (is_joined (resolver, "_:s3-0"));
  g_assert_false (is_joined (resolver, "_:nowhere"));
}

/* The entities of one name, of several types, arriving one by one */
static const char * const shared_name_answers[] = {
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"Ada Lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"ada  lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Book\", \"name\": \"Ada Lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"Ada Lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Augusta King\","
  " \"alternateName\": \"Ada Lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Event\", \"name\": \"Ada Lovelace\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Book\", \"name\": \"Ada Lovelace\"}",
};

/* A name shared by entities of several types joins each to the ones of
 * its own type only, whatever comes between them */
static void
test_entities_shared_name (void)
{
  static const guint n_entities[] = { 1, 2, 2, 3, 3, 3, 4, 4 };
  static const gboolean joined[] = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, FALSE, TRUE };
  g_autoptr(PpEntityResolver) resolver = pp_entity_resolver_new ();

  for (guint i = 0; i < G_N_ELEMENTS (shared_name_answers); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("_:s%u-", i);
      g_autoptr(PpJsonldNodeMap) map = pp_test_node_map_new (shared_name_answers[i], prefix);

      pp_entity_resolver_add_nodes (resolver, map);
      g_assert_cmpuint (pp_entity_resolver_get_n_entities (resolver), ==, n_entities[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (shared_name_answers); i++)
    {
      g_autofree char *id = g_strdup_printf ("_:s%u-0", i);

      g_assert_cmpint (is_joined (resolver, id), ==, joined[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/merged-graph/finish-bytes/compacted",
                        GINT_TO_POINTER (PP_OUTPUT_FORM_COMPACTED), test_finish_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/flattened",
                        GINT_TO_POINTER (PP_OUTPUT_FORM_FLATTENED), test_finish_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/expanded",
                        GINT_TO_POINTER (PP_OUTPUT_FORM_EXPANDED), test_finish_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/compacted-unindented",
                        &bytes_cases[0], test_compacted_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/compacted-joined-indented",
                        &bytes_cases[1], test_compacted_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/compacted-joined-unindented",
                        &bytes_cases[2], test_compacted_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/compacted-lone-node-indented",
                        &bytes_cases[3], test_compacted_bytes_as_tree);
  g_test_add_data_func ("/merged-graph/finish-bytes/compacted-lone-node-unindented",
                        &bytes_cases[4], test_compacted_bytes_as_tree);
  g_test_add_func ("/merged-graph/add-value/expanded-as-given", test_add_value_expanded);
  g_test_add_func ("/merged-graph/compacted/as-compacting-flattened", test_compacted_as_flattened);
  g_test_add_func ("/merged-graph/compacted/literals-as-compacting-flattened", test_compacted_literals);
  g_test_add_func ("/merged-graph/compacted/many-renamed-as-compacting-flattened",
                   test_compacted_many_renamed);
  g_test_add_func ("/merged-graph/entities/joined", test_entities_joined);
  g_test_add_func ("/merged-graph/entities/shared-name-by-type", test_entities_shared_name);
  g_test_add_data_func ("/merged-graph/entities/counted-after-finish/compacted",
                        GINT_TO_POINTER (PP_OUTPUT_FORM_COMPACTED), test_entities_counted_after_finish);
  g_test_add_data_func ("/merged-graph/entities/counted-after-finish/flattened",
                        GINT_TO_POINTER (PP_OUTPUT_FORM_FLATTENED), test_entities_counted_after_finish);

  return g_test_run ();
}
