/* test-reconciler.c: PpReconciler merges segments' graphs into one graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

/* Segments whose graphs share nodes: a node is described again by later
 * segments, a node first seen as a bare reference gets properties later,
 * blank nodes, lists, language-tagged and typed values */
static const char * const segments[] = {
  "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/acme\","
  " \"@type\": \"Organization\", \"name\": \"Acme\"}",

  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada\","
  " \"worksFor\": {\"@id\": \"https://example.org/acme\"},"
  " \"knows\": {\"@id\": \"https://example.org/bob\"}}",

  "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/acme\","
  " \"url\": \"https://acme.example\", \"name\": [\"Acme\", \"Acme Corp\"],"
  " \"address\": {\"@type\": \"PostalAddress\", \"addressLocality\": \"Boston\"}}",

  "{\"@context\": \"https://schema.org\", \"@graph\": ["
  " {\"@id\": \"https://example.org/bob\", \"@type\": \"Person\", \"name\": {\"@value\": \"Bob\", \"@language\": \"en\"}},"
  " {\"@type\": \"Event\", \"name\": \"Launch\", \"startDate\": \"2024-05-01\","
  "  \"organizer\": {\"@id\": \"https://example.org/acme\"}}]}",

  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Grace\","
  " \"knows\": [{\"@id\": \"https://example.org/bob\"}, {\"@type\": \"Person\", \"name\": \"Alan\"}],"
  " \"@reverse\": {\"employee\": {\"@id\": \"https://example.org/acme\"}}}",

  "{\"@context\": \"https://schema.org\", \"@type\": \"Book\", \"name\": \"Notes\","
  " \"author\": {\"@list\": [{\"@id\": \"https://example.org/bob\"}, {\"name\": \"Anonymous\"}]}}",
};

typedef struct
{
  GMainLoop *loop;
  JsonNode *graph;
} Finished;

static void
on_finished (PpReconciler *reconciler,
             JsonNode     *graph,
             Finished     *finished)
{
  finished->graph = json_node_ref (graph);
  g_main_loop_quit (finished->loop);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* Merges the graphs of @texts, added in the order @order gives, into the
 * form asked for; returns the result as JSON text */
static char *
reconcile (const char * const *texts,
           const guint        *order,
           guint               n,
           PpOutputForm        form)
{
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (n, form);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Finished finished = { loop, NULL };
  char *text;

  g_signal_connect (reconciler, "finished", G_CALLBACK (on_finished), &finished);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PpSegment) segment = pp_segment_new (order[i], "text", -1, 0, NULL);

      pp_reconciler_add_graph (reconciler, segment, parse (texts[order[i]]));
    }

  g_main_loop_run (loop);
  g_assert_nonnull (finished.graph);

  text = pp_jsonld_to_json (finished.graph, TRUE);
  json_node_unref (finished.graph);

  return text;
}

/* How many times @needle occurs in @haystack */
static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* The compacted graph is compacted node by node while the segments
 * arrive; it must be what compacting the whole flattened graph gives */
static void
assert_compacted_matches_flattened (const char * const *texts,
                                    const guint        *order,
                                    guint               n)
{
  g_autofree char *compacted = reconcile (texts, order, n, PP_OUTPUT_FORM_COMPACTED);
  g_autofree char *flattened = reconcile (texts, order, n, PP_OUTPUT_FORM_FLATTENED);
  g_autoptr(JsonNode) flattened_graph = parse (flattened);
  g_autoptr(JsonNode) context = json_node_new (JSON_NODE_VALUE);
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_text = NULL;

  json_node_set_string (context, "https://schema.org");
  pp_jsonld_options_set_ordered (options, TRUE);
  expected = pp_jsonld_compact (flattened_graph, context, options, NULL, &error);
  g_assert_no_error (error);
  expected_text = pp_jsonld_to_json (expected, TRUE);

  g_assert_cmpstr (compacted, ==, expected_text);
}

static void
test_compacted_as_whole (void)
{
  const guint order[] = { 0, 1, 2, 3, 4, 5 };

  assert_compacted_matches_flattened (segments, order, G_N_ELEMENTS (order));
}

/* Whatever order the segments arrive in, the output is the same, though
 * which nodes are compacted early and which again at the end changes */
static void
test_arrival_order (void)
{
  const guint orders[][6] = {
    { 0, 1, 2, 3, 4, 5 },
    { 5, 4, 3, 2, 1, 0 },
    { 1, 3, 5, 0, 2, 4 },
    { 4, 0, 5, 1, 3, 2 },
  };
  g_autofree char *first = reconcile (segments, orders[0], 6, PP_OUTPUT_FORM_COMPACTED);

  /* Every segment's names are in, and the nodes described twice are one */
  g_assert_nonnull (strstr (first, "\"Acme Corp\""));
  g_assert_nonnull (strstr (first, "\"Anonymous\""));
  g_assert_nonnull (strstr (first, "\"Launch\""));
  g_assert_nonnull (strstr (first, "\"https://acme.example\""));
  g_assert_cmpuint (count (first, "\"id\": \"https://example.org/acme\","), ==, 1);
  g_assert_cmpuint (count (first, "\"id\": \"https://example.org/bob\","), ==, 1);

  for (gsize i = 1; i < G_N_ELEMENTS (orders); i++)
    {
      g_autofree char *text = reconcile (segments, orders[i], 6, PP_OUTPUT_FORM_COMPACTED);

      g_assert_cmpstr (text, ==, first);
      assert_compacted_matches_flattened (segments, orders[i], 6);
    }
}

/* A segment with a named graph: the graph cannot be compacted node by node
 * and is compacted whole, before and after that segment arrives */
static void
test_named_graph (void)
{
  const char * const texts[] = {
    segments[0],
    segments[1],
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/g\","
    " \"@graph\": {\"@id\": \"https://example.org/acme\", \"legalName\": \"Acme Inc.\"}}",
    segments[2],
  };
  const guint in_order[] = { 0, 1, 2, 3 };
  const guint named_first[] = { 2, 0, 3, 1 };
  const guint named_last[] = { 0, 1, 3, 2 };
  g_autofree char *text = reconcile (texts, in_order, 4, PP_OUTPUT_FORM_COMPACTED);

  g_assert_nonnull (strstr (text, "\"Acme Inc.\""));
  assert_compacted_matches_flattened (texts, in_order, 4);
  assert_compacted_matches_flattened (texts, named_first, 4);
  assert_compacted_matches_flattened (texts, named_last, 4);
}

/* One node, and no node at all, keep the {"@context", "@graph"} shape */
static void
test_shapes (void)
{
  const char * const one[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada\"}",
  };
  const char * const none[] = { "{\"@context\": \"https://schema.org\"}" };
  const guint order[] = { 0 };
  g_autofree char *one_text = reconcile (one, order, 1, PP_OUTPUT_FORM_COMPACTED);
  g_autofree char *none_text = reconcile (none, order, 1, PP_OUTPUT_FORM_COMPACTED);
  g_autoptr(JsonNode) one_graph = parse (one_text);
  g_autoptr(JsonNode) none_graph = parse (none_text);
  JsonObject *object;

  object = json_node_get_object (one_graph);
  g_assert_cmpstr (json_object_get_string_member (object, "@context"), ==, "https://schema.org");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "@graph")), ==, 1);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);

  object = json_node_get_object (none_graph);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "@graph")), ==, 0);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reconciler/compacted-as-whole", test_compacted_as_whole);
  g_test_add_func ("/reconciler/arrival-order", test_arrival_order);
  g_test_add_func ("/reconciler/named-graph", test_named_graph);
  g_test_add_func ("/reconciler/shapes", test_shapes);

  return g_test_run ();
}
