/* test-jsonld-compact.c: pp_jsonld_compact() beyond the W3C suite
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#define N_THREADS 8
#define N_ROUNDS 25

static JsonNode *
parse (const char *text,
       gboolean    sealed)
{
  g_autoptr(JsonParser) parser = sealed ? json_parser_new_immutable () : json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static char *
to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static PpJsonldOptions *
options_new (const char *base)
{
  PpJsonldOptions *options = pp_jsonld_options_new ();
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();

  pp_jsonld_options_set_document_loader (options, loader);
  pp_jsonld_options_set_base (options, base);

  return options;
}

static const char *document =
  "{\"@id\": \"https://example.org/people/alice\","
  " \"@type\": \"https://schema.org/Person\","
  " \"https://schema.org/name\": [\"Alice\", {\"@value\": \"Alicia\", \"@language\": \"es\"}],"
  " \"https://schema.org/knows\": {\"@id\": \"https://example.org/people/bob\"},"
  " \"https://schema.org/birthDate\": {\"@value\": \"1990-01-01\","
  "                                    \"@type\": \"https://schema.org/Date\"}}";

static const char *context_text =
  "{\"@context\": {\"@vocab\": \"https://schema.org/\","
  " \"id\": \"@id\", \"type\": \"@type\","
  " \"knows\": {\"@type\": \"@id\"},"
  " \"birthDate\": {\"@type\": \"Date\"}}}";

/* Without a context nothing is compacted and none is added */
static void
test_no_context (void)
{
  g_autoptr(JsonNode) input = parse (document, FALSE);
  g_autoptr(PpJsonldOptions) options = options_new ("https://example.org/");
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  result = pp_jsonld_compact (input, NULL, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));

  object = json_node_get_object (result);
  g_assert_false (json_object_has_member (object, "@context"));
  g_assert_cmpstr (json_object_get_string_member (object, "@id"), ==,
                   "people/alice");
  g_assert_cmpstr (json_object_get_string_member (object, "@type"), ==,
                   "https://schema.org/Person");
  g_assert_true (json_object_has_member (object, "https://schema.org/knows"));
}

/* A context, or a document holding one, compacts the same way; the result
 * holds the context itself */
static void
test_context_forms (void)
{
  g_autoptr(JsonNode) input = parse (document, FALSE);
  g_autoptr(JsonNode) wrapped = parse (context_text, FALSE);
  JsonNode *bare = json_object_get_member (json_node_get_object (wrapped), "@context");
  g_autoptr(PpJsonldOptions) options = options_new (NULL);
  g_autoptr(JsonNode) from_wrapped = NULL;
  g_autoptr(JsonNode) from_bare = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JsonObject *object;

  from_wrapped = pp_jsonld_compact (input, wrapped, options, NULL, &error);
  g_assert_no_error (error);
  from_bare = pp_jsonld_compact (input, bare, options, NULL, &error);
  g_assert_no_error (error);

  a = to_string (from_wrapped);
  b = to_string (from_bare);
  g_assert_cmpstr (a, ==, b);

  object = json_node_get_object (from_bare);
  g_assert_true (json_node_equal (json_object_get_member (object, "@context"), bare));
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==,
                   "https://example.org/people/alice");
  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "Person");
  g_assert_cmpstr (json_object_get_string_member (object, "knows"), ==,
                   "https://example.org/people/bob");
  g_assert_cmpstr (json_object_get_string_member (object, "birthDate"), ==,
                   "1990-01-01");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "name")));
}

/* compactArrays off keeps every value in an array */
static void
test_compact_arrays_off (void)
{
  g_autoptr(JsonNode) input = parse (document, FALSE);
  g_autoptr(JsonNode) context = parse (context_text, TRUE);
  g_autoptr(PpJsonldOptions) options = options_new (NULL);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *graph;
  JsonNode *knows;

  pp_jsonld_options_set_compact_arrays (options, FALSE);
  result = pp_jsonld_compact (input, context, options, NULL, &error);
  g_assert_no_error (error);

  /* even the one top-level node stays in an array, under @graph */
  graph = json_object_get_array_member (json_node_get_object (result), "@graph");
  g_assert_nonnull (graph);
  g_assert_cmpuint (json_array_get_length (graph), ==, 1);
  knows = json_object_get_member (json_array_get_object_element (graph, 0), "knows");
  g_assert_nonnull (knows);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (knows));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (knows)), ==, 1);
}

/* Several top-level nodes go under @graph, aliased when the context says so */
static void
test_graph_alias (void)
{
  g_autoptr(JsonNode) input = parse (
      "[{\"@id\": \"https://example.org/a\", \"https://example.org/p\": 1},"
      " {\"@id\": \"https://example.org/b\", \"https://example.org/p\": 2}]", FALSE);
  g_autoptr(JsonNode) context = parse (
      "{\"graph\": \"@graph\", \"p\": \"https://example.org/p\"}", FALSE);
  g_autoptr(PpJsonldOptions) options = options_new (NULL);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  result = pp_jsonld_compact (input, context, options, NULL, &error);
  g_assert_no_error (error);

  object = json_node_get_object (result);
  g_assert_false (json_object_has_member (object, "@graph"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "graph")),
                    ==, 2);
}

/* An empty expanded document compacts to an empty map plus the context */
static void
test_empty (void)
{
  g_autoptr(JsonNode) input = parse ("[]", FALSE);
  g_autoptr(JsonNode) context = parse (context_text, FALSE);
  g_autoptr(PpJsonldOptions) options = options_new (NULL);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  result = pp_jsonld_compact (input, context, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (result)), ==, 1);
  g_assert_true (json_object_has_member (json_node_get_object (result), "@context"));
}

/* An absolute IRI whose scheme is a prefix term would read back as a
 * compact IRI: an error whose message starts with the spec's code */
static void
test_iri_confused_with_prefix (void)
{
  g_autoptr(JsonNode) input = parse (
      "[{\"tag:example.org,2019:prop\": {\"@value\": \"hello\"}}]", FALSE);
  g_autoptr(JsonNode) context = parse ("{\"tag\": \"https://example.org/tag/\"}", FALSE);
  g_autoptr(JsonNode) other = parse ("{\"tags\": \"https://example.org/tag/\"}", FALSE);
  g_autoptr(PpJsonldOptions) options = options_new (NULL);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  result = pp_jsonld_compact (input, context, options, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_IRI_CONFUSED_WITH_PREFIX);
  g_assert_true (g_str_has_prefix (error->message, "IRI confused with prefix"));
  g_clear_error (&error);

  /* with no such prefix the IRI stays as it is */
  result = pp_jsonld_compact (input, other, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (result),
                                                  "tag:example.org,2019:prop"),
                   ==, "hello");
}

/* A document that is already expanded compacts the same either way */
static void
test_compact_expanded_matches (void)
{
  g_autoptr(JsonNode) input = parse (document, FALSE);
  g_autoptr(JsonNode) context = parse (context_text, FALSE);
  g_autoptr(PpJsonldOptions) options = options_new ("https://example.org/");
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(JsonNode) twice = NULL;
  g_autoptr(JsonNode) once = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  expanded = pp_jsonld_expand (input, options, NULL, &error);
  g_assert_no_error (error);
  once = pp_jsonld_compact (input, context, options, NULL, &error);
  g_assert_no_error (error);
  twice = pp_jsonld_compact (expanded, context, options, NULL, &error);
  g_assert_no_error (error);

  a = to_string (once);
  b = to_string (twice);
  g_assert_cmpstr (a, ==, b);
}

/* A sealed context is processed once and reused, but only with the same
 * options: another base gives other relative IRIs */
static void
test_sealed_context_reuse (void)
{
  g_autoptr(JsonNode) context = parse (context_text, TRUE);
  g_autoptr(PpJsonldOptions) here = options_new ("https://example.org/people/");
  g_autoptr(PpJsonldOptions) elsewhere = options_new ("https://example.com/");
  g_autoptr(GError) error = NULL;

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(JsonNode) input = parse (document, FALSE);
      g_autoptr(JsonNode) a = NULL;
      g_autoptr(JsonNode) b = NULL;

      a = pp_jsonld_compact (input, context, here, NULL, &error);
      g_assert_no_error (error);
      b = pp_jsonld_compact (input, context, elsewhere, NULL, &error);
      g_assert_no_error (error);

      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (a), "id"),
                       ==, "alice");
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (b), "id"),
                       ==, "https://example.org/people/alice");
      /* the result shares the sealed context */
      g_assert_true (json_object_get_member (json_node_get_object (a), "@context") ==
                     json_object_get_member (json_node_get_object (context), "@context"));
    }
}

/* Many threads compacting against one sealed context share its processed
 * form and inverse context, and agree */
typedef struct {
  JsonNode *context;
  char     *expected;
  gint      failures;
} ThreadData;

static gpointer
compact_thread (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr(JsonNode) input = parse (document, FALSE);
      g_autoptr(PpJsonldOptions) options = options_new ("https://example.org/");
      g_autoptr(JsonNode) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      result = pp_jsonld_compact (input, data->context, options, NULL, &error);
      if (result == NULL)
        {
          g_atomic_int_inc (&data->failures);
          continue;
        }
      text = to_string (result);
      if (strcmp (text, data->expected) != 0)
        g_atomic_int_inc (&data->failures);
    }

  return NULL;
}

static void
test_threads (void)
{
  /* a fresh sealed context, so the threads race to process it */
  g_autoptr(JsonNode) reference_context = parse (context_text, FALSE);
  g_autoptr(JsonNode) input = parse (document, FALSE);
  g_autoptr(PpJsonldOptions) options = options_new ("https://example.org/");
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(GError) error = NULL;
  GThread *threads[N_THREADS];
  ThreadData data = { 0, };

  expected = pp_jsonld_compact (input, reference_context, options, NULL, &error);
  g_assert_no_error (error);
  data.expected = to_string (expected);
  data.context = parse (context_text, TRUE);

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("compact", compact_thread, &data);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpint (g_atomic_int_get (&data.failures), ==, 0);

  json_node_unref (data.context);
  g_free (data.expected);
}

/* Cancellation stops compaction with G_IO_ERROR_CANCELLED */
static void
test_cancelled (void)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) context = parse (context_text, FALSE);
  g_autoptr(PpJsonldOptions) options = options_new (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (text, "%s{\"@id\": \"https://example.org/%u\","
                            " \"https://schema.org/name\": [{\"@value\": \"n%u\"}]}",
                            i > 0 ? "," : "", i, i);
  g_string_append_c (text, ']');
  input = parse (text->str, FALSE);

  g_cancellable_cancel (cancellable);
  result = pp_jsonld_compact (input, context, options, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/compact/no-context", test_no_context);
  g_test_add_func ("/jsonld/compact/context-forms", test_context_forms);
  g_test_add_func ("/jsonld/compact/compact-arrays-off", test_compact_arrays_off);
  g_test_add_func ("/jsonld/compact/graph-alias", test_graph_alias);
  g_test_add_func ("/jsonld/compact/empty", test_empty);
  g_test_add_func ("/jsonld/compact/iri-confused-with-prefix",
                   test_iri_confused_with_prefix);
  g_test_add_func ("/jsonld/compact/expanded-input", test_compact_expanded_matches);
  g_test_add_func ("/jsonld/compact/sealed-context-reuse", test_sealed_context_reuse);
  g_test_add_func ("/jsonld/compact/threads", test_threads);
  g_test_add_func ("/jsonld/compact/cancelled", test_cancelled);

  return g_test_run ();
}
