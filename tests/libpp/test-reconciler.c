/* test-reconciler.c: PpReconciler merges segments' graphs into one graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-test-text.h"

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

/* The titles of the sections above segment @index: every segment is in
 * "Guide", every other one also in a part of it */
static const char * const *
heading_path (guint index)
{
  static const char * const top[] = { "Guide", NULL };
  static const char * const part[] = { "Guide", "Part Two", NULL };

  return index % 2 == 0 ? top : part;
}

/* Merges the graphs of @texts, added in the order @order gives, into the
 * form asked for, with the reconciler's properties set as given; returns
 * the result as JSON text, and the merge candidates in @candidates if
 * given. Segment i is at bytes [100 i, 100 i + 4). */
static char *
reconcile_full (const char * const  *texts,
                const guint         *order,
                guint                n,
                PpOutputForm         form,
                const char          *document_iri,
                gboolean             mint_ids,
                gboolean             provenance,
                char               **candidates)
{
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (n, form);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Finished finished = { loop, NULL };
  char *text;

  g_object_set (reconciler, "document-iri", document_iri, "mint-ids", mint_ids,
                "provenance", provenance, NULL);
  g_signal_connect (reconciler, "finished", G_CALLBACK (on_finished), &finished);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PpSegment) segment = pp_segment_new (order[i], "text", -1, 100 * order[i],
                                                     heading_path (order[i]));

      pp_reconciler_add_graph (reconciler, segment, parse (texts[order[i]]));
    }

  g_main_loop_run (loop);
  g_assert_nonnull (finished.graph);

  text = pp_jsonld_to_json (finished.graph, TRUE);
  json_node_unref (finished.graph);

  if (candidates != NULL)
    {
      g_autoptr(JsonNode) groups = pp_reconciler_dup_merge_candidates (reconciler);

      g_assert_nonnull (groups);
      *candidates = json_to_string (groups, TRUE);
    }

  return text;
}

static char *
reconcile_with (const char * const *texts,
                const guint        *order,
                guint               n,
                PpOutputForm        form,
                const char         *document_iri,
                gboolean            mint_ids,
                gboolean            provenance)
{
  return reconcile_full (texts, order, n, form, document_iri, mint_ids, provenance, NULL);
}

static char *
reconcile_document (const char * const *texts,
                    const guint        *order,
                    guint               n,
                    PpOutputForm        form,
                    const char         *document_iri,
                    gboolean            mint_ids)
{
  return reconcile_with (texts, order, n, form, document_iri, mint_ids, TRUE);
}

static char *
reconcile (const char * const *texts,
           const guint        *order,
           guint               n,
           PpOutputForm        form)
{
  return reconcile_document (texts, order, n, form, NULL, TRUE);
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
  g_autoptr(JsonNode) compacted_graph = parse (compacted);
  JsonNode *context = json_object_get_member (json_node_get_object (compacted_graph), "@context");
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_text = NULL;

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
  g_assert_cmpuint (pp_test_count_occurrences (first, "\"id\": \"https://example.org/acme\","), ==, 1);
  g_assert_cmpuint (pp_test_count_occurrences (first, "\"id\": \"https://example.org/bob\","), ==, 1);
  /* With the provenance of every segment, which does not depend on the
   * order either */
  g_assert_cmpuint (pp_test_count_occurrences (first, "\"type\": \"pp:SegmentRef\""), ==, 6);
  g_assert_nonnull (strstr (first, "\"pp:section\": \"Guide / Part Two\""));

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

/* One node, and no node at all, keep the {"@context", "@graph"} shape,
 * with and without provenance (which adds the segment's node to a graph
 * that has a node, and nothing to an empty one) */
static void
assert_shapes (gboolean provenance)
{
  const char * const one[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada\"}",
  };
  const char * const none[] = { "{\"@context\": \"https://schema.org\"}" };
  const guint order[] = { 0 };
  g_autofree char *one_text = reconcile_with (one, order, 1, PP_OUTPUT_FORM_COMPACTED,
                                              NULL, TRUE, provenance);
  g_autofree char *none_text = reconcile_with (none, order, 1, PP_OUTPUT_FORM_COMPACTED,
                                               NULL, TRUE, provenance);
  g_autoptr(JsonNode) one_graph = parse (one_text);
  g_autoptr(JsonNode) none_graph = parse (none_text);
  JsonObject *object;

  object = json_node_get_object (one_graph);
  if (provenance)
    g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "@context")));
  else
    g_assert_cmpstr (json_object_get_string_member (object, "@context"), ==, "https://schema.org");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "@graph")), ==,
                    provenance ? 2 : 1);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);

  object = json_node_get_object (none_graph);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "@graph")), ==, 0);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
}

static void
test_shapes (void)
{
  assert_shapes (FALSE);
  assert_shapes (TRUE);
}

/* Provenance */

/* The node of @graph, compacted, whose member @member is, or has among its
 * values, the string @value */
static JsonObject *
find_compacted_node (JsonNode   *graph,
                     const char *member,
                     const char *value)
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      JsonNode *found = json_object_get_member (node, member);

      if (found != NULL && JSON_NODE_HOLDS_VALUE (found) &&
          g_strcmp0 (json_node_get_string (found), value) == 0)
        return node;
      if (found != NULL && JSON_NODE_HOLDS_ARRAY (found))
        for (guint j = 0; j < json_array_get_length (json_node_get_array (found)); j++)
          if (g_strcmp0 (json_array_get_string_element (json_node_get_array (found), j), value) == 0)
            return node;
    }

  g_assert_not_reached ();
}

/* The segment, as "index start end section", that the reference @id names */
static char *
describe_segment (JsonNode   *graph,
                  const char *id)
{
  JsonObject *node = find_compacted_node (graph, "id", id);

  g_assert_cmpstr (json_object_get_string_member (node, "type"), ==, "pp:SegmentRef");

  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s",
                          json_object_get_int_member (node, "pp:segment"),
                          json_object_get_int_member (node, "pp:start"),
                          json_object_get_int_member (node, "pp:end"),
                          json_object_get_string_member (node, "pp:section"));
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The segments the node named @name came from, sorted, separated by "; " */
static char *
derived_from (JsonNode   *graph,
              const char *name)
{
  JsonNode *refs = json_object_get_member (find_compacted_node (graph, "name", name),
                                           "pp:derivedFrom");
  g_autoptr(GPtrArray) described = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (refs);
  if (JSON_NODE_HOLDS_VALUE (refs))
    g_ptr_array_add (described, describe_segment (graph, json_node_get_string (refs)));
  else
    for (guint i = 0; i < json_array_get_length (json_node_get_array (refs)); i++)
      g_ptr_array_add (described,
                       describe_segment (graph,
                                         json_array_get_string_element (json_node_get_array (refs), i)));
  g_ptr_array_sort (described, compare_strings);
  g_ptr_array_add (described, NULL);

  return g_strjoinv ("; ", (char **) described->pdata);
}

/* Every node records the segments it came from: index, byte range and
 * section path; an entity merged from several segments lists them all */
static void
test_provenance_segments (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
    " \"knows\": {\"@type\": \"Person\", \"name\": \"Charles Babbage\"}}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"ada lovelace\","
    " \"birthDate\": \"1815-12-10\"}",
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/engine\","
    " \"@type\": \"Product\", \"name\": \"Analytical Engine\"}",
  };
  const guint order[] = { 2, 0, 1 };
  g_autofree char *text = reconcile_with (texts, order, 3, PP_OUTPUT_FORM_COMPACTED,
                                          NULL, TRUE, TRUE);
  g_autoptr(JsonNode) graph = parse (text);
  g_autofree char *ada = derived_from (graph, "Ada Lovelace");
  g_autofree char *charles = derived_from (graph, "Charles Babbage");
  g_autofree char *engine = derived_from (graph, "Analytical Engine");

  g_assert_cmpstr (ada, ==, "0 0 4 Guide; 1 100 104 Guide / Part Two");
  g_assert_cmpstr (charles, ==, "0 0 4 Guide");
  g_assert_cmpstr (engine, ==, "2 200 204 Guide");
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"type\": \"pp:SegmentRef\""), ==, 3);
}

/* Without provenance, nothing of it is in the output */
static void
test_provenance_off (void)
{
  const guint order[] = { 0, 1, 2, 3, 4, 5 };
  g_autofree char *compacted = reconcile_with (segments, order, 6, PP_OUTPUT_FORM_COMPACTED,
                                               NULL, TRUE, FALSE);
  g_autofree char *flattened = reconcile_with (segments, order, 6, PP_OUTPUT_FORM_FLATTENED,
                                               NULL, TRUE, FALSE);

  g_assert_nonnull (strstr (compacted, "\"Acme Corp\""));
  g_assert_null (strstr (compacted, "derivedFrom"));
  g_assert_null (strstr (compacted, "SegmentRef"));
  g_assert_null (strstr (compacted, "libpp.org"));
  g_assert_null (strstr (flattened, "libpp.org"));
}

/* Entity resolution */

#define DOCUMENT_IRI "file:///home/ada/notes.md"

/* Reconciles @texts in many orders (120 shuffles for up to five segments,
 * 40 for more), checks that each gives the same bytes, compacted and
 * flattened, provenance included, and that the compacted form is the
 * flattened one compacted (when it has several nodes: compaction gives a
 * lone node unwrapped); returns the compacted graph without provenance */
static JsonNode *
resolve (const char * const *texts,
         guint               n,
         gboolean            mint_ids)
{
  g_autofree guint *order = g_new (guint, n);
  g_autofree char *first = NULL;
  g_autofree char *first_flattened = NULL;
  guint n_orders = n <= 5 ? 120 : 40;
  gboolean check_compaction;

  for (guint i = 0; i < n; i++)
    order[i] = i;
  first = reconcile_document (texts, order, n, PP_OUTPUT_FORM_COMPACTED, DOCUMENT_IRI, mint_ids);
  first_flattened = reconcile_document (texts, order, n, PP_OUTPUT_FORM_FLATTENED,
                                        DOCUMENT_IRI, mint_ids);
  check_compaction = pp_test_count_occurrences (first, "\n      \"id\": ") > 1;
  if (check_compaction)
    assert_compacted_matches_flattened (texts, order, n);

  for (guint k = 1; k < n_orders; k++)
    {
      g_autofree char *text = NULL;

      /* Fisher–Yates, from the test's seed */
      for (guint i = n - 1; i > 0; i--)
        {
          guint j = g_test_rand_int_range (0, i + 1);
          guint t = order[i];

          order[i] = order[j];
          order[j] = t;
        }

      text = reconcile_document (texts, order, n, PP_OUTPUT_FORM_COMPACTED, DOCUMENT_IRI,
                                 mint_ids);
      g_assert_cmpstr (text, ==, first);
      if (k % 8 == 0)
        {
          g_autofree char *flattened = reconcile_document (texts, order, n,
                                                           PP_OUTPUT_FORM_FLATTENED,
                                                           DOCUMENT_IRI, mint_ids);

          g_assert_cmpstr (flattened, ==, first_flattened);
          if (check_compaction)
            assert_compacted_matches_flattened (texts, order, n);
        }
    }

  /* The checks of the groups count the entities: without the segments'
   * nodes */
  g_free (first);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  first = reconcile_with (texts, order, n, PP_OUTPUT_FORM_COMPACTED, DOCUMENT_IRI, mint_ids, FALSE);

  return parse (first);
}

/* Whether the compacted member @value is, or has among its values, the
 * string @string or a reference to it */
static gboolean
has_value (JsonNode   *value,
           const char *string)
{
  if (value == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (has_value (json_array_get_element (array, i), string))
          return TRUE;
      return FALSE;
    }

  if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *object = json_node_get_object (value);

      return has_value (json_object_get_member (object, "id"), string) ||
             has_value (json_object_get_member (object, "@value"), string);
    }

  return JSON_NODE_HOLDS_VALUE (value) &&
         json_node_get_value_type (value) == G_TYPE_STRING &&
         g_str_equal (json_node_get_string (value), string);
}

/* How many values the compacted member @value has */
static guint
n_values (JsonNode *value)
{
  if (value == NULL)
    return 0;

  return JSON_NODE_HOLDS_ARRAY (value) ? json_array_get_length (json_node_get_array (value)) : 1;
}

/* The nodes of a compacted graph whose @property has @value */
static GPtrArray *
find_nodes (JsonNode   *graph,
            const char *property,
            const char *value)
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (has_value (json_object_get_member (node, property), value))
        g_ptr_array_add (found, node);
    }

  return found;
}

/* The one node of a compacted graph whose @property has @value */
static JsonObject *
find_node (JsonNode   *graph,
           const char *property,
           const char *value)
{
  g_autoptr(GPtrArray) found = find_nodes (graph, property, value);

  g_assert_cmpuint (found->len, ==, 1);
  return found->pdata[0];
}

static guint
count_nodes (JsonNode   *graph,
             const char *property,
             const char *value)
{
  g_autoptr(GPtrArray) found = find_nodes (graph, property, value);

  return found->len;
}

/* The identifier minted for an entity of the test document */
static char *
minted (const char *fragment)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, DOCUMENT_IRI, -1);

  return g_strdup_printf ("urn:pp:%.16s#%s", hash, fragment);
}

/* A node with an @id and blank nodes of the same person are one node,
 * under the @id, and references to the blank nodes point to it */
static void
test_resolve_with_and_without_id (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/ada\","
    " \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
    " \"birthDate\": \"1815-12-10\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Book\", \"name\": \"Notes\","
    " \"author\": {\"@type\": \"Person\", \"name\": \"Ada Lovelace\", \"jobTitle\": \"Countess\"}}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  JsonObject *ada = find_node (graph, "name", "Ada Lovelace");
  JsonObject *book = find_node (graph, "name", "Notes");

  g_assert_cmpstr (json_object_get_string_member (ada, "id"), ==, "https://example.org/ada");
  g_assert_true (has_value (json_object_get_member (ada, "birthDate"), "1815-12-10"));
  g_assert_true (has_value (json_object_get_member (ada, "jobTitle"), "Countess"));
  g_assert_true (has_value (json_object_get_member (book, "author"), "https://example.org/ada"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (graph), "@graph")), ==, 2);
}

/* A name differently spaced and cased, and its last word, are one person;
 * the reference to the short name points to the entity */
static void
test_resolve_short_name (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Barbara Liskov\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Liskov\","
    " \"award\": \"Turing Award\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"barbara  liskov\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"ScholarlyArticle\", \"name\": \"Data Abstraction\","
    " \"author\": {\"@type\": \"Person\", \"name\": \"Liskov\"}}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  g_autofree char *id = minted ("person/barbara-liskov");
  JsonObject *person = find_node (graph, "type", "Person");
  JsonObject *article = find_node (graph, "name", "Data Abstraction");

  g_assert_cmpstr (json_object_get_string_member (person, "id"), ==, id);
  g_assert_true (has_value (json_object_get_member (person, "name"), "Liskov"));
  g_assert_true (has_value (json_object_get_member (person, "name"), "barbara  liskov"));
  g_assert_true (has_value (json_object_get_member (person, "award"), "Turing Award"));
  g_assert_true (has_value (json_object_get_member (article, "author"), id));
}

/* A short name that ends several names stays apart */
static void
test_resolve_short_name_ambiguous (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Curie\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Marie Curie\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Pierre Curie\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);

  g_assert_cmpuint (count_nodes (graph, "type", "Person"), ==, 3);
  g_assert_cmpuint (count_nodes (graph, "name", "Curie"), ==, 1);
}

/* A node that a later segment gives an @index is left alone: the names
 * it brought before join nobody, neither the nodes of the same name, nor
 * through its alternateName, nor a short name that would otherwise fit
 * one group */
static void
test_resolve_indexed_later_left_alone (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/ada\","
    " \"@type\": \"Person\", \"name\": \"Ada Lovelace\", \"alternateName\": \"Countess of Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/ada\","
    " \"@index\": \"draft\", \"@type\": \"Person\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Countess of Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Lovelace\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);

  g_assert_nonnull (find_node (graph, "id", "https://example.org/ada"));
  g_assert_cmpuint (count_nodes (graph, "type", "Person"), ==, 4);
  g_assert_cmpuint (count_nodes (graph, "name", "Ada Lovelace"), ==, 2);
  g_assert_cmpuint (count_nodes (graph, "name", "Countess of Lovelace"), ==, 1);
  g_assert_cmpuint (count_nodes (graph, "name", "Lovelace"), ==, 1);
}

/* A subtype matches its supertypes: one node, of the most specific type */
static void
test_resolve_subtype (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"CollegeOrUniversity\","
    " \"name\": \"Massachusetts Institute of Technology\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"EducationalOrganization\","
    " \"name\": \"Massachusetts Institute of Technology\", \"foundingDate\": \"1861\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Organization\","
    " \"name\": \"massachusetts institute of technology\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  g_autofree char *id = minted ("organization/massachusetts-institute-of-technology");
  JsonObject *mit = find_node (graph, "id", id);

  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (graph), "@graph")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (mit, "type"), ==, "CollegeOrUniversity");
  g_assert_true (has_value (json_object_get_member (mit, "foundingDate"), "1861"));
}

/* Types of different families keep the same name apart */
static void
test_resolve_different_families (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Washington\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"Washington\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  g_autofree char *person = minted ("person/washington");
  g_autofree char *place = minted ("place/washington");

  g_assert_cmpuint (count_nodes (graph, "name", "Washington"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (find_node (graph, "type", "Person"), "id"), ==, person);
  g_assert_cmpstr (json_object_get_string_member (find_node (graph, "type", "Place"), "id"), ==, place);
}

/* Nodes that share a sameAs are one, whatever their names */
static void
test_resolve_same_as (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Alan Turing\","
    " \"sameAs\": \"https://en.wikipedia.org/wiki/Alan_Turing\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"A. M. Turing\","
    " \"sameAs\": \"https://en.wikipedia.org/wiki/Alan_Turing\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Alonzo Church\","
    " \"sameAs\": \"https://en.wikipedia.org/wiki/Alonzo_Church\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  JsonObject *turing = find_node (graph, "name", "Alan Turing");

  g_assert_true (has_value (json_object_get_member (turing, "name"), "A. M. Turing"));
  g_assert_cmpuint (count_nodes (graph, "type", "Person"), ==, 2);
}

/* A name equal to another node's alternateName */
static void
test_resolve_alternate_name (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Corporation\","
    " \"name\": \"International Business Machines\", \"alternateName\": \"IBM\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Organization\", \"name\": \"ibm\","
    " \"location\": \"Armonk\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  JsonObject *ibm = find_node (graph, "name", "International Business Machines");

  g_assert_true (has_value (json_object_get_member (ibm, "name"), "ibm"));
  g_assert_true (has_value (json_object_get_member (ibm, "location"), "Armonk"));
  g_assert_cmpstr (json_object_get_string_member (ibm, "type"), ==, "Corporation");
}

/* Merged nodes keep every value, equal values once; their types lose
 * the supertypes of other types */
static void
test_resolve_properties_merged (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Grace Hopper\","
    " \"email\": \"grace@example.org\", \"jobTitle\": \"Rear Admiral\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": [\"Patient\", \"Thing\"], \"name\": \"Grace Hopper\","
    " \"email\": [\"grace@example.org\", \"hopper@example.org\"]}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Grace Hopper\","
    " \"email\": \"grace@example.org\", \"jobTitle\": \"Computer Scientist\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  JsonObject *grace = find_node (graph, "name", "Grace Hopper");

  g_assert_cmpuint (n_values (json_object_get_member (grace, "email")), ==, 2);
  g_assert_true (has_value (json_object_get_member (grace, "email"), "hopper@example.org"));
  g_assert_cmpuint (n_values (json_object_get_member (grace, "jobTitle")), ==, 2);
  g_assert_cmpuint (n_values (json_object_get_member (grace, "name")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (grace, "type"), ==, "Patient");
}

/* Minted identifiers depend on the document and the entity only; without
 * minting, merged entities keep a blank node */
static void
test_resolve_minted_ids (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Kurt Gödel\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"KURT GODEL\","
    " \"birthPlace\": {\"@type\": \"City\", \"name\": \"Brno\"}}",
  };
  const guint order[] = { 1, 0 };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  g_autoptr(JsonNode) blank = resolve (texts, G_N_ELEMENTS (texts), FALSE);
  g_autofree char *godel = minted ("person/kurt-godel");
  g_autofree char *brno = minted ("place/brno");
  g_autofree char *again = reconcile_document (texts, order, 2, PP_OUTPUT_FORM_COMPACTED,
                                               DOCUMENT_IRI, TRUE);
  g_autofree char *other = reconcile_document (texts, order, 2, PP_OUTPUT_FORM_COMPACTED,
                                               "file:///home/ada/other.md", TRUE);
  JsonObject *person = find_node (graph, "type", "Person");

  g_assert_cmpstr (json_object_get_string_member (person, "id"), ==, godel);
  g_assert_true (has_value (json_object_get_member (person, "birthPlace"), brno));
  g_assert_nonnull (strstr (again, godel));
  g_assert_null (strstr (other, godel));
  g_assert_nonnull (strstr (other, "#person/kurt-godel\""));

  person = find_node (blank, "type", "Person");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (person, "id"), "_:"));
  g_assert_true (has_value (json_object_get_member (person, "name"), "KURT GODEL"));
}

static void
count_merged (PpReconciler *reconciler,
              guint         index,
              guint         n_entities,
              guint        *n_merged)
{
  (*n_merged)++;
}

/* The graph of @texts, in order, with the document's IRI and mint-ids set
 * to @document_iri and @mint_ids only once the first segment is merged */
static char *
reconcile_resolution_set_late (const char * const *texts,
                               guint               n,
                               const char         *document_iri,
                               gboolean            mint_ids)
{
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (n, PP_OUTPUT_FORM_COMPACTED);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Finished finished = { loop, NULL };
  guint n_merged = 0;
  char *text;

  g_object_set (reconciler, "document-iri", "file:///home/ada/draft.md", NULL);
  g_signal_connect (reconciler, "finished", G_CALLBACK (on_finished), &finished);
  g_signal_connect (reconciler, "segment-merged", G_CALLBACK (count_merged), &n_merged);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PpSegment) segment = pp_segment_new (i, "text", -1, 100 * i, heading_path (i));

      pp_reconciler_add_graph (reconciler, segment, parse (texts[i]));
      if (i == 0)
        {
          while (n_merged == 0)
            g_main_context_iteration (NULL, TRUE);
          g_object_set (reconciler, "document-iri", document_iri, "mint-ids", mint_ids, NULL);
        }
    }

  g_main_loop_run (loop);
  g_assert_nonnull (finished.graph);
  text = pp_jsonld_to_json (finished.graph, TRUE);
  json_node_unref (finished.graph);

  return text;
}

/* The nodes are compacted as they arrive under the identifiers they will
 * likely be given; a document IRI or mint-ids set after the first segment
 * still gives the identifiers they say, while the segments' pp:document
 * is the document IRI set when the first one arrived */
static void
test_resolve_minted_ids_set_late (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Kurt Gödel\","
    " \"birthPlace\": {\"@type\": \"City\", \"name\": \"Brno\"}}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Alan Turing\"}",
  };
  const guint order[] = { 0, 1 };

  for (guint m = 0; m < 2; m++)
    {
      g_autofree char *expected = reconcile_document (texts, order, G_N_ELEMENTS (texts),
                                                      PP_OUTPUT_FORM_COMPACTED, DOCUMENT_IRI, m == 1);
      g_autofree char *late = reconcile_resolution_set_late (texts, G_N_ELEMENTS (texts),
                                                             DOCUMENT_IRI, m == 1);
      g_auto(GStrv) parts = g_strsplit (expected, "\"pp:document\": \"" DOCUMENT_IRI "\"", -1);
      g_autofree char *expected_late = g_strjoinv ("\"pp:document\": \"file:///home/ada/draft.md\"",
                                                   parts);

      g_assert_cmpuint (g_strv_length (parts), ==, 3);
      g_assert_cmpstr (late, ==, expected_late);
    }
}

/* Nodes with two different IRIs are two entities, whatever their names */
static void
test_resolve_different_iris_apart (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/john-smith-1\","
    " \"@type\": \"Person\", \"name\": \"John Smith\"}",
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/john-smith-2\","
    " \"@type\": \"Person\", \"name\": \"John Smith\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);

  g_assert_cmpuint (count_nodes (graph, "name", "John Smith"), ==, 2);
}

/* Every rule at once, over many segments, in many orders: the same bytes */
static void
test_resolve_order_independent (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Barbara Liskov\","
    " \"worksFor\": {\"@type\": \"CollegeOrUniversity\", \"name\": \"MIT\"}}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Liskov\","
    " \"knows\": {\"@type\": \"Person\", \"name\": \"Curie\"}}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Organization\", \"name\": \"Massachusetts Institute of Technology\","
    " \"alternateName\": \"MIT\", \"url\": \"https://mit.edu\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"EducationalOrganization\", \"name\": \"M.I.T.\","
    " \"url\": \"https://mit.edu\"}",
    "{\"@context\": \"https://schema.org\", \"@graph\": [{\"@type\": \"Person\", \"name\": \"Marie Curie\"},"
    " {\"@type\": \"Person\", \"name\": \"Pierre Curie\", \"spouse\": {\"@type\": \"Person\", \"name\": \"marie curie\"}}]}",
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/washington\","
    " \"@type\": \"Place\", \"name\": \"Washington\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"City\", \"name\": \"Washington\","
    " \"containedInPlace\": \"United States\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"George Washington\","
    " \"sameAs\": \"https://en.wikipedia.org/wiki/George_Washington\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"President Washington\","
    " \"sameAs\": \"https://en.wikipedia.org/wiki/George_Washington\"}",
  };
  g_autoptr(JsonNode) graph = resolve (texts, G_N_ELEMENTS (texts), TRUE);
  JsonObject *washington = find_node (graph, "id", "https://example.org/washington");

  g_assert_cmpuint (count_nodes (graph, "type", "Person"), ==, 5);
  g_assert_cmpuint (count_nodes (graph, "name", "Liskov"), ==, 1);
  g_assert_cmpuint (count_nodes (graph, "name", "Curie"), ==, 1);
  g_assert_cmpuint (count_nodes (graph, "name", "marie curie"), ==, 1);
  g_assert_cmpuint (count_nodes (graph, "name", "MIT"), ==, 1);
  g_assert_cmpuint (count_nodes (graph, "name", "M.I.T."), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (washington, "type"), ==, "City");
  g_assert_cmpuint (count_nodes (graph, "name", "President Washington"), ==, 1);
}

/* Merge candidates */

/* The merge candidates of @texts, the same in many orders; and the number
 * of nodes of the graph, without provenance, in @n_nodes */
static JsonNode *
find_candidates (const char * const *texts,
                 guint               n,
                 guint              *n_nodes)
{
  g_autofree guint *order = g_new (guint, n);
  g_autofree char *first = NULL;
  g_autofree char *graph = NULL;
  g_autoptr(JsonNode) parsed = NULL;

  for (guint i = 0; i < n; i++)
    order[i] = i;
  graph = reconcile_full (texts, order, n, PP_OUTPUT_FORM_COMPACTED, DOCUMENT_IRI, TRUE, FALSE,
                          &first);

  for (guint k = 0; k < 24; k++)
    {
      g_autofree char *graph_again = NULL;
      g_autofree char *again = NULL;

      for (guint i = n - 1; i > 0; i--)
        {
          guint j = g_test_rand_int_range (0, i + 1);
          guint t = order[i];

          order[i] = order[j];
          order[j] = t;
        }
      graph_again = reconcile_full (texts, order, n, PP_OUTPUT_FORM_COMPACTED, DOCUMENT_IRI, TRUE,
                                    FALSE, &again);
      g_assert_cmpstr (again, ==, first);
      g_assert_cmpstr (graph_again, ==, graph);
    }

  parsed = parse (graph);
  *n_nodes = json_array_get_length (json_object_get_array_member (json_node_get_object (parsed),
                                                                  "@graph"));
  return parse (first);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The names of the nodes of candidate group @i, sorted, joined by "|" */
static char *
group_names (JsonNode *groups,
             guint     i)
{
  JsonObject *group = json_array_get_object_element (json_node_get_array (groups), i);
  JsonArray *nodes = json_object_get_array_member (group, "nodes");
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint n = 0; n < json_array_get_length (nodes); n++)
    g_ptr_array_add (names, (gpointer) json_object_get_string_member (json_array_get_object_element (nodes, n),
                                                                      "name"));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv ("|", (char **) names->pdata);
}

static const char *
candidate_member (JsonNode   *groups,
              guint       i,
              const char *member)
{
  return json_object_get_string_member (json_array_get_object_element (json_node_get_array (groups), i),
                                        member);
}

/* Names within an edit distance of 2 are candidates; different digits,
 * or other families, are not */
static void
test_candidates_edit_distance (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovleace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Event\", \"name\": \"Apollo 11\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Event\", \"name\": \"Apollo 12\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"Ada Lovelace\"}",
  };
  guint n_nodes;
  g_autoptr(JsonNode) groups = find_candidates (texts, G_N_ELEMENTS (texts), &n_nodes);
  g_autofree char *names = NULL;

  g_assert_cmpuint (n_nodes, ==, 5);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (groups)), ==, 1);
  names = group_names (groups, 0);
  g_assert_cmpstr (names, ==, "Ada Lovelace|Ada Lovleace");
  g_assert_cmpstr (candidate_member (groups, 0, "reason"), ==, "edit-distance");
  g_assert_cmpstr (candidate_member (groups, 0, "decision"), ==, "undecided");
}

/* A short name that ends several names stays apart, and is a candidate of
 * each */
static void
test_candidates_token_subset (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Curie\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Marie Curie\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Pierre Curie\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Liskov\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Barbara Liskov\"}",
  };
  guint n_nodes;
  g_autoptr(JsonNode) groups = find_candidates (texts, G_N_ELEMENTS (texts), &n_nodes);
  g_autofree char *names = NULL;
  JsonArray *nodes;

  /* Liskov joined Barbara Liskov by the rules */
  g_assert_cmpuint (n_nodes, ==, 4);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (groups)), ==, 1);
  names = group_names (groups, 0);
  g_assert_cmpstr (names, ==, "Curie|Marie Curie|Pierre Curie");
  g_assert_cmpstr (candidate_member (groups, 0, "reason"), ==, "token-subset");

  /* Named by the identifiers of the output, in their order */
  nodes = json_object_get_array_member (json_array_get_object_element (json_node_get_array (groups), 0),
                                        "nodes");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_array_get_object_element (nodes, 0), "id"),
                                   "urn:pp:"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (json_array_get_object_element (nodes, 0), "id"),
                                   "#person/curie"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (nodes, 0), "type"), ==,
                   "Person");
}

/* An acronym of a name, with or without its function words */
static void
test_candidates_acronym (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Corporation\", \"name\": \"IBM\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Organization\", \"name\": \"International Business Machines\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"CollegeOrUniversity\", \"name\": \"M.I.T.\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Organization\", \"name\": \"Massachusetts Institute of Technology\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Isaac B. Miller\"}",
  };
  guint n_nodes;
  g_autoptr(JsonNode) groups = find_candidates (texts, G_N_ELEMENTS (texts), &n_nodes);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_cmpuint (n_nodes, ==, 5);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (groups)), ==, 2);
  first = group_names (groups, 0);
  second = group_names (groups, 1);
  g_assert_cmpstr (first, ==, "IBM|International Business Machines");
  g_assert_cmpstr (second, ==, "M.I.T.|Massachusetts Institute of Technology");
  g_assert_cmpstr (candidate_member (groups, 0, "reason"), ==, "acronym");
  g_assert_cmpstr (candidate_member (groups, 1, "reason"), ==, "acronym");
}

/* Two IRIs of their author's are never candidates */
static void
test_candidates_iris_apart (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/a\", \"@type\": \"Person\", \"name\": \"Curie\"}",
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/b\", \"@type\": \"Person\", \"name\": \"Marie Curie\"}",
  };
  guint n_nodes;
  g_autoptr(JsonNode) groups = find_candidates (texts, G_N_ELEMENTS (texts), &n_nodes);

  g_assert_cmpuint (n_nodes, ==, 2);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (groups)), ==, 0);
}

/* The expanded form: canonical, full IRIs, a blank node referred to once
 * inside its referrer, without its label */
static void
test_form_expanded (void)
{
  const guint order[] = { 0, 1, 2, 3, 4, 5 };
  const guint reversed[] = { 5, 4, 3, 2, 1, 0 };
  g_autofree char *expanded = reconcile_with (segments, order, 6, PP_OUTPUT_FORM_EXPANDED, NULL,
                                              TRUE, FALSE);
  g_autofree char *again = reconcile_with (segments, reversed, 6, PP_OUTPUT_FORM_EXPANDED, NULL,
                                           TRUE, FALSE);
  g_autoptr(JsonNode) graph = parse (expanded);
  JsonArray *nodes = json_node_get_array (graph);
  JsonObject *acme = NULL;
  JsonObject *address;

  g_assert_cmpstr (expanded, ==, again);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (node, "@id", NULL),
                     "https://example.org/acme") == 0)
        acme = node;
      g_assert_false (json_object_has_member (node, "http://schema.org/addressLocality"));
    }
  g_assert_nonnull (acme);
  address = json_array_get_object_element (json_object_get_array_member (acme, "http://schema.org/address"), 0);
  g_assert_false (json_object_has_member (address, "@id"));
  g_assert_true (json_object_has_member (address, "http://schema.org/addressLocality"));
  g_assert_null (strstr (expanded, "@context"));
}

/* Near-duplicate names everywhere, an IRI described by several segments
 * with more names each time, digits that keep names apart: the graph and
 * the candidates are the same bytes in whatever order the segments come */
static void
test_candidates_near_duplicates_order_independent (void)
{
  static const char * const first[] = { "Ada", "Grace" };
  static const char * const last[] = { "Lovelace", "Lovleace", "Hopper", "Hoppper", "Curie",
                                       "Cuire", "Turing", "Turign" };
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  guint n_nodes;
  g_autoptr(JsonNode) groups = NULL;

  for (guint i = 0; i < 16; i++)
    g_ptr_array_add (texts, g_strdup_printf ("{\"@context\": \"https://schema.org\", \"@graph\": ["
                                             " {\"@type\": \"Person\", \"name\": \"%s %s\"},"
                                             " {\"@type\": \"Event\", \"name\": \"Apollo %u\"},"
                                             " {\"@id\": \"https://example.org/lab\","
                                             "  \"@type\": \"Organization\", \"name\": \"Lab %u\"}]}",
                                             first[i / 8], last[i % 8], 10 + i % 3, i % 2));
  groups = find_candidates ((const char * const *) texts->pdata, texts->len, &n_nodes);

  /* "Ada Lovelace" and "Ada Lovleace", and so on: not the Apollos */
  g_assert_cmpuint (n_nodes, ==, 16 + 3 + 1);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (groups)), ==, 8);
  for (guint g = 0; g < json_array_get_length (json_node_get_array (groups)); g++)
    g_assert_cmpstr (candidate_member (groups, g, "reason"), ==, "edit-distance");
}

/* segment-merged */

typedef struct
{
  GMainLoop *loop;
  GArray *indexes;             /* (element-type guint) */
  GArray *n_entities;          /* (element-type guint) */
  gboolean merged_before_progress;
} Merges;

static void
on_segment_merged (PpReconciler *reconciler,
                   guint         index,
                   guint         n_entities,
                   Merges       *merges)
{
  g_array_append_val (merges->indexes, index);
  g_array_append_val (merges->n_entities, n_entities);
}

static void
on_merge_progress (PpReconciler *reconciler,
                   guint         done,
                   guint         failed,
                   guint         total,
                   Merges       *merges)
{
  /* the segments merged so far were announced before their progress */
  merges->merged_before_progress &= merges->indexes->len == done;
  if (done + failed == total)
    g_main_loop_quit (merges->loop);
}

/* Emitted once per segment merged, on the reconciler's context, before the
 * progress that counts it, not for failures; the entities counted are
 * those the segments so far describe */
static void
test_segment_merged (void)
{
  const char * const texts[] = {
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"ada lovelace\","
    " \"knows\": {\"@type\": \"Person\", \"name\": \"Charles Babbage\"}}",
    NULL,
    "{\"@context\": \"https://schema.org\", \"@type\": \"Place\", \"name\": \"Ada Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@id\": \"https://example.org/ada\","
    " \"@type\": \"Person\", \"sameAs\": \"https://en.wikipedia.org/wiki/Ada_Lovelace\"}",
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\","
    " \"sameAs\": \"https://en.wikipedia.org/wiki/Ada_Lovelace\"}",
  };
  const guint expected_indexes[] = { 0, 1, 3, 4, 5 };
  /* Ada; + Charles; + Ada the place; + the IRI; the IRI joins Ada */
  const guint expected_entities[] = { 1, 2, 3, 4, 3 };
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (G_N_ELEMENTS (texts),
                                                          PP_OUTPUT_FORM_COMPACTED);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Merges merges = { loop, g_array_new (FALSE, FALSE, sizeof (guint)),
                    g_array_new (FALSE, FALSE, sizeof (guint)), TRUE };

  g_signal_connect (reconciler, "segment-merged", G_CALLBACK (on_segment_merged), &merges);
  g_signal_connect (reconciler, "progress", G_CALLBACK (on_merge_progress), &merges);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(PpSegment) segment = pp_segment_new (i, "text", -1, 100 * i, heading_path (i));

      if (texts[i] == NULL)
        {
          g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "no answer");

          pp_reconciler_add_failure (reconciler, segment, error);
        }
      else
        pp_reconciler_add_graph (reconciler, segment, parse (texts[i]));
    }

  g_main_loop_run (loop);

  g_assert_true (merges.merged_before_progress);
  g_assert_cmpmem (merges.indexes->data, merges.indexes->len * sizeof (guint),
                   expected_indexes, sizeof expected_indexes);
  g_assert_cmpmem (merges.n_entities->data, merges.n_entities->len * sizeof (guint),
                   expected_entities, sizeof expected_entities);

  g_array_unref (merges.indexes);
  g_array_unref (merges.n_entities);
}

#define N_ADDERS 8
#define N_ADDED 400

typedef struct
{
  PpReconciler *reconciler;
  guint adder;
  guint n_added;          /* the segments it adds, at most */
} Adder;

/* Adds the segments i with i % N_ADDERS == adder, in order: every 10th
 * fails, the others describe one thing with an IRI of its own */
static gpointer
add_segments (gpointer data)
{
  Adder *adder = data;

  for (guint i = adder->adder; i < adder->n_added; i += N_ADDERS)
    {
      g_autoptr(PpSegment) segment = pp_segment_new (i, "text", -1, 100 * i, heading_path (i));

      if (i % 10 == 9)
        {
          g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "no answer %u", i);

          pp_reconciler_add_failure (adder->reconciler, segment, error);
        }
      else
        {
          g_autofree char *text = g_strdup_printf ("{\"@context\": \"https://schema.org\","
                                                   " \"@id\": \"https://example.org/thing/%u\","
                                                   " \"@type\": \"Thing\", \"name\": \"Thing %u\"}",
                                                   i, i);

          pp_reconciler_add_graph (adder->reconciler, segment, parse (text));
        }
    }

  return NULL;
}

typedef struct
{
  GMainLoop *loop;
  GArray *merged;           /* (element-type guint): segment-merged indexes */
  guint n_progress;
  guint last_done;
  guint last_failed;
  gboolean progress_in_order;
  JsonNode *graph;
} Adds;

static void
on_adds_merged (PpReconciler *reconciler,
                guint         index,
                guint         n_entities,
                Adds         *adds)
{
  g_array_append_val (adds->merged, index);
}

static void
on_adds_progress (PpReconciler *reconciler,
                  guint         done,
                  guint         failed,
                  guint         total,
                  Adds         *adds)
{
  /* one emission a segment, each counting one more */
  adds->progress_in_order &= done + failed == adds->last_done + adds->last_failed + 1;
  adds->n_progress++;
  adds->last_done = done;
  adds->last_failed = failed;
}

static void
on_adds_finished (PpReconciler *reconciler,
                  JsonNode     *graph,
                  Adds         *adds)
{
  adds->graph = json_node_ref (graph);
  g_main_loop_quit (adds->loop);
}

/* Segments and failures added by many threads at once are all merged or
 * counted, each thread's in the order it added them, and the reconciler
 * finishes with the last of them */
static void
test_add_many_threads (void)
{
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (N_ADDED, PP_OUTPUT_FORM_EXPANDED);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Adds adds = { loop, g_array_new (FALSE, FALSE, sizeof (guint)), 0, 0, 0, TRUE, NULL };
  Adder adders[N_ADDERS];
  GThread *threads[N_ADDERS];
  guint last_of[N_ADDERS];
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *nodes;

  g_object_set (reconciler, "provenance", FALSE, NULL);
  g_signal_connect (reconciler, "segment-merged", G_CALLBACK (on_adds_merged), &adds);
  g_signal_connect (reconciler, "progress", G_CALLBACK (on_adds_progress), &adds);
  g_signal_connect (reconciler, "finished", G_CALLBACK (on_adds_finished), &adds);

  for (guint t = 0; t < N_ADDERS; t++)
    {
      adders[t] = (Adder) { reconciler, t, N_ADDED };
      threads[t] = g_thread_new ("adder", add_segments, &adders[t]);
    }
  g_main_loop_run (loop);
  for (guint t = 0; t < N_ADDERS; t++)
    g_thread_join (threads[t]);

  g_assert_cmpuint (adds.n_progress, ==, N_ADDED);
  g_assert_true (adds.progress_in_order);
  g_assert_cmpuint (adds.last_done, ==, N_ADDED - N_ADDED / 10);
  g_assert_cmpuint (adds.last_failed, ==, N_ADDED / 10);

  g_assert_cmpuint (adds.merged->len, ==, N_ADDED - N_ADDED / 10);
  for (guint t = 0; t < N_ADDERS; t++)
    last_of[t] = G_MAXUINT;
  for (guint i = 0; i < adds.merged->len; i++)
    {
      guint index = g_array_index (adds.merged, guint, i);
      guint t = index % N_ADDERS;

      g_assert_true (last_of[t] == G_MAXUINT || last_of[t] < index);
      last_of[t] = index;
    }

  g_assert_nonnull (adds.graph);
  nodes = json_node_get_array (adds.graph);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      g_hash_table_add (ids, g_strdup (json_object_get_string_member (node, "@id")));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, N_ADDED - N_ADDED / 10);
  for (guint i = 0; i < N_ADDED; i++)
    {
      g_autofree char *id = g_strdup_printf ("https://example.org/thing/%u", i);

      g_assert_true (g_hash_table_contains (ids, id) == (i % 10 != 9));
    }

  json_node_unref (adds.graph);
  g_array_unref (adds.merged);
}

static void
on_cancelled_finished (PpReconciler *reconciler,
                       JsonNode     *graph,
                       gpointer      user_data)
{
  g_assert_not_reached ();
}

/* A reconciler cancelled while threads add segments stops without a
 * graph, whatever is added after */
static void
test_cancel_while_adding (void)
{
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (N_ADDED, PP_OUTPUT_FORM_COMPACTED);
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  Adder adders[N_ADDERS];
  GThread *threads[N_ADDERS];

  g_signal_connect (reconciler, "finished", G_CALLBACK (on_cancelled_finished), NULL);

  /* Half the segments, so that the reconciler waits for more */
  for (guint t = 0; t < N_ADDERS; t++)
    {
      adders[t] = (Adder) { reconciler, t, N_ADDED / 2 };
      threads[t] = g_thread_new ("adder", add_segments, &adders[t]);
    }
  pp_reconciler_cancel (reconciler);
  for (guint t = 0; t < N_ADDERS; t++)
    g_thread_join (threads[t]);

  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_assert_null (pp_reconciler_dup_graph (reconciler));
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
  g_test_add_func ("/reconciler/provenance/segments", test_provenance_segments);
  g_test_add_func ("/reconciler/provenance/off", test_provenance_off);
  g_test_add_func ("/reconciler/resolve/with-and-without-id", test_resolve_with_and_without_id);
  g_test_add_func ("/reconciler/resolve/short-name", test_resolve_short_name);
  g_test_add_func ("/reconciler/resolve/short-name-ambiguous", test_resolve_short_name_ambiguous);
  g_test_add_func ("/reconciler/resolve/indexed-later-left-alone",
                   test_resolve_indexed_later_left_alone);
  g_test_add_func ("/reconciler/resolve/subtype", test_resolve_subtype);
  g_test_add_func ("/reconciler/resolve/different-families", test_resolve_different_families);
  g_test_add_func ("/reconciler/resolve/same-as", test_resolve_same_as);
  g_test_add_func ("/reconciler/resolve/alternate-name", test_resolve_alternate_name);
  g_test_add_func ("/reconciler/resolve/properties-merged", test_resolve_properties_merged);
  g_test_add_func ("/reconciler/resolve/minted-ids", test_resolve_minted_ids);
  g_test_add_func ("/reconciler/resolve/minted-ids-set-late", test_resolve_minted_ids_set_late);
  g_test_add_func ("/reconciler/resolve/different-iris-apart", test_resolve_different_iris_apart);
  g_test_add_func ("/reconciler/resolve/order-independent", test_resolve_order_independent);
  g_test_add_func ("/reconciler/candidates/edit-distance", test_candidates_edit_distance);
  g_test_add_func ("/reconciler/candidates/token-subset", test_candidates_token_subset);
  g_test_add_func ("/reconciler/candidates/acronym", test_candidates_acronym);
  g_test_add_func ("/reconciler/candidates/iris-apart", test_candidates_iris_apart);
  g_test_add_func ("/reconciler/candidates/near-duplicates-order-independent",
                   test_candidates_near_duplicates_order_independent);
  g_test_add_func ("/reconciler/form/expanded", test_form_expanded);
  g_test_add_func ("/reconciler/segment-merged", test_segment_merged);
  g_test_add_func ("/reconciler/add/many-threads", test_add_many_threads);
  g_test_add_func ("/reconciler/cancel/while-adding", test_cancel_while_adding);

  return g_test_run ();
}
