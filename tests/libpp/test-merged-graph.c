/* test-merged-graph.c: the graph the reconciler merges the segments'
 * graphs into, built as values and written as a tree or as bytes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-merged-graph-private.h"

static const char * const answers[] = {
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
  " \"knows\": {\"@type\": \"Person\", \"name\": \"Charles Babbage\"},"
  " \"birthDate\": \"1815-12-10\"}",
  "{\"@context\": \"https://schema.org\", \"@graph\": ["
  " {\"@type\": \"Person\", \"name\": \"Charles Babbage\", \"jobTitle\": \"mathematician\"},"
  " {\"@id\": \"https://example.org/engine\", \"@type\": \"Product\", \"name\": \"Analytical Engine\"}]}",
};

static PpSegment *
segment_new (guint index)
{
  const char * const path[] = { "Pioneers", NULL };

  return pp_segment_new (index, answers[index], -1, index * 100, path);
}

/* A merged graph of @form with the answers added as trees */
static PpMergedGraph *
merged_graph_new (PpOutputForm form)
{
  PpMergedGraph *merged = pp_merged_graph_new (form, TRUE);

  pp_merged_graph_set_resolution (merged, "file:///pioneers.md", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) tree = json_from_string (answers[i], &error);
      g_autoptr(PpSegment) segment = segment_new (i);

      g_assert_no_error (error);
      g_assert_true (pp_merged_graph_add (merged, segment, tree, &error));
      g_assert_no_error (error);
    }

  return merged;
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
      g_autoptr(PpSegment) segment = segment_new (i);
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
  g_test_add_func ("/merged-graph/add-value/expanded-as-given", test_add_value_expanded);

  return g_test_run ();
}
