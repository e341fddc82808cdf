/* test-pp-convert-resolve.c: pp-convert --resolve and the merge candidates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pp-test-tool.h"

/* The built pp-convert is run against the built pp-mock-llm, which finds
 * in each segment the capitalised names, and answers the entity
 * adjudication requests from the table the test gives it. The document
 * names "Curie", "Marie Curie" and "Pierre Curie" (a short name the rules
 * leave apart, as it ends two names), "IBM" and "International Business
 * Machines" (an acronym), in segments of their own. */

#define DOCUMENT \
  "# Notes\n\n" \
  "In Paris, Marie Curie worked with Pierre Curie on radium.\n\n" \
  "The prize went to Curie that year.\n\n" \
  "The firm International Business Machines sold machines.\n\n" \
  "Later the firm IBM sold computers.\n"

#define CURIE_GROUP "Curie|Marie Curie|Pierre Curie"
#define IBM_GROUP "IBM|International Business Machines"

typedef struct
{
  char *dir;
  char *document;
  char *table;
  char *cache;
  char *stats;
  PpTestMockLlm mock;
} Fixture;

/* Starts pp-mock-llm with @answers, a JSON object, as its table of
 * adjudications */
static void
fixture_start_mock (Fixture    *fixture,
                    const char *answers)
{
  const char *options[] = { "--adjudications", fixture->table, NULL };

  g_assert_true (g_file_set_contents (fixture->table, answers, -1, NULL));
  pp_test_mock_llm_start (&fixture->mock, NULL, options, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("pp-convert-resolve-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->document = g_build_filename (fixture->dir, "doc.md", NULL);
  fixture->table = g_build_filename (fixture->dir, "adjudications.json", NULL);
  fixture->cache = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->stats = g_build_filename (fixture->dir, "stats.json", NULL);
  g_assert_true (g_file_set_contents (fixture->document, DOCUMENT, -1, NULL));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  if (fixture->mock.process != NULL)
    pp_test_mock_llm_stop (&fixture->mock, NULL);
  g_unlink (fixture->document);
  g_unlink (fixture->table);
  g_unlink (fixture->cache);
  g_unlink (fixture->stats);
  g_rmdir (fixture->dir);
  g_free (fixture->document);
  g_free (fixture->table);
  g_free (fixture->cache);
  g_free (fixture->stats);
  g_free (fixture->dir);
}

static gint64
mock_count (PpTestMockLlm *mock,
            const char    *member)
{
  g_autoptr(JsonObject) stats = pp_test_mock_llm_get_stats (mock);

  return json_object_get_int_member (stats, member);
}

/* Runs pp-convert on the document against the mock, without provenance,
 * writing its stats, with the arguments, NULL-terminated */
static void
run_convert (PpTestRun *run,
             Fixture   *fixture,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, pp_test_tool_path ("pp-convert"));
  g_ptr_array_add (argv, g_strdup ("--endpoint"));
  g_ptr_array_add (argv, g_strdup (fixture->mock.base_url));
  g_ptr_array_add (argv, g_strdup ("--segment-size"));
  g_ptr_array_add (argv, g_strdup ("64"));
  g_ptr_array_add (argv, g_strdup ("--no-provenance"));
  g_ptr_array_add (argv, g_strdup ("--stats"));
  g_ptr_array_add (argv, g_strdup (fixture->stats));
  va_start (args, fixture);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, g_strdup (fixture->document));
  g_ptr_array_add (argv, NULL);

  pp_test_run_argv (run, (const char * const *) argv->pdata, NULL);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (root);
  return root;
}

/* The node of the compacted @graph with the name @name */
static JsonObject *
find_named (JsonNode   *graph,
            const char *name)
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      JsonNode *names = json_object_get_member (node, "name");

      if (JSON_NODE_HOLDS_VALUE (names) && g_str_equal (json_node_get_string (names), name))
        return node;
      if (JSON_NODE_HOLDS_ARRAY (names))
        for (guint n = 0; n < json_array_get_length (json_node_get_array (names)); n++)
          if (g_str_equal (json_array_get_string_element (json_node_get_array (names), n), name))
            return node;
    }

  g_assert_not_reached ();
}

/* The decision of the candidate group of the stats whose names are
 * @names, sorted and joined by "|" */
static const char *
find_decision (JsonObject *stats,
               const char *names)
{
  JsonArray *groups = json_object_get_array_member (stats, "merge_candidates");

  for (guint g = 0; g < json_array_get_length (groups); g++)
    {
      JsonObject *group = json_array_get_object_element (groups, g);
      JsonArray *nodes = json_object_get_array_member (group, "nodes");
      g_autoptr(GString) joined = g_string_new (NULL);

      /* The names sort as the identifiers here */
      for (guint n = 0; n < json_array_get_length (nodes); n++)
        g_string_append_printf (joined, "%s%s", n > 0 ? "|" : "",
                                json_object_get_string_member (json_array_get_object_element (nodes, n),
                                                               "name"));
      if (g_str_equal (joined->str, names))
        return json_object_get_string_member (group, "decision");
    }

  return NULL;
}

static JsonObject *
read_stats (Fixture *fixture)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_true (g_file_get_contents (fixture->stats, &text, NULL, NULL));
  root = parse (text);

  return json_object_ref (json_node_get_object (root));
}

/* By default, the candidates are listed, undecided, and nothing is asked */
static void
test_resolve_rules (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(JsonObject) stats = NULL;

  fixture_start_mock (fixture, "{\"" CURIE_GROUP "\": {\"same\": [[0, 1]]}}");
  run_convert (&run, fixture, "--cache", "none", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  graph = parse (run.out);
  g_assert_true (find_named (graph, "Curie") != find_named (graph, "Marie Curie"));
  stats = read_stats (fixture);
  g_assert_cmpstr (find_decision (stats, CURIE_GROUP), ==, "undecided");
  g_assert_cmpstr (find_decision (stats, IBM_GROUP), ==, "undecided");
  g_assert_cmpint (mock_count (&fixture->mock, "adjudications"), ==, 0);
}

/* The LLM confirms one group (in part) and rejects the other: the
 * confirmed entities become one node, the rest stays apart */
static void
test_resolve_llm (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(JsonObject) stats = NULL;
  JsonObject *curie;

  fixture_start_mock (fixture, "{\"" CURIE_GROUP "\": {\"same\": [[0, 1]]},"
                               " \"" IBM_GROUP "\": {\"same\": []}}");
  run_convert (&run, fixture, "--cache", "none", "--resolve", "llm", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  graph = parse (run.out);
  curie = find_named (graph, "Curie");
  g_assert_true (curie == find_named (graph, "Marie Curie"));
  g_assert_true (curie != find_named (graph, "Pierre Curie"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (curie, "id"), "#thing/marie-curie"));
  g_assert_true (find_named (graph, "IBM") != find_named (graph, "International Business Machines"));

  stats = read_stats (fixture);
  g_assert_cmpstr (find_decision (stats, CURIE_GROUP), ==, "confirmed");
  g_assert_cmpstr (find_decision (stats, IBM_GROUP), ==, "rejected");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "merge_decisions"),
                                               "confirmed"), ==, 1);
  g_assert_cmpint (mock_count (&fixture->mock, "adjudications"), ==, 2);
}

/* An answer that makes no sense leaves its group apart, and is said */
static void
test_resolve_llm_malformed (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(JsonObject) stats = NULL;

  fixture_start_mock (fixture, "{\"" CURIE_GROUP "\": \"yes, the first two\","
                               " \"" IBM_GROUP "\": {\"same\": [[0, 7]]}}");
  run_convert (&run, fixture, "--cache", "none", "--resolve", "llm", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "merge candidates “Curie”, “Marie Curie”, “Pierre Curie”: left apart"));

  graph = parse (run.out);
  g_assert_true (find_named (graph, "Curie") != find_named (graph, "Marie Curie"));
  g_assert_true (find_named (graph, "IBM") != find_named (graph, "International Business Machines"));
  stats = read_stats (fixture);
  g_assert_cmpstr (find_decision (stats, CURIE_GROUP), ==, "unanswered");
  g_assert_cmpstr (find_decision (stats, IBM_GROUP), ==, "unanswered");
}

/* The adjudication requests go through the cache: a second run asks
 * nothing */
static void
test_resolve_llm_cached (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_auto(PpTestRun) first = { 0, };
  g_auto(PpTestRun) second = { 0, };
  g_autofree char *cache = g_strconcat ("sqlite:", fixture->cache, NULL);
  gint64 requests;

  fixture_start_mock (fixture, "{\"" CURIE_GROUP "\": {\"same\": [[0, 1]]}}");
  run_convert (&first, fixture, "--cache", cache, "--resolve", "llm", NULL);
  g_assert_cmpint (first.status, ==, 0);
  g_assert_cmpint (mock_count (&fixture->mock, "adjudications"), ==, 2);
  requests = mock_count (&fixture->mock, "requests");

  run_convert (&second, fixture, "--cache", cache, "--resolve", "llm", NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpstr (second.out, ==, first.out);
  g_assert_cmpint (mock_count (&fixture->mock, "adjudications"), ==, 2);
  g_assert_cmpint (mock_count (&fixture->mock, "requests"), ==, requests);
}

/* The same bytes with one worker and with 64 */
static void
test_resolve_llm_workers (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_auto(PpTestRun) one = { 0, };
  g_auto(PpTestRun) many = { 0, };
  g_autofree char *one_stats = NULL;
  g_autofree char *many_stats = NULL;

  fixture_start_mock (fixture, "{\"" CURIE_GROUP "\": {\"same\": [[0, 1]]},"
                               " \"" IBM_GROUP "\": {\"same\": [[0, 1]]}}");
  run_convert (&one, fixture, "--cache", "none", "--resolve", "llm", "--jobs", "1", NULL);
  g_assert_true (g_file_get_contents (fixture->stats, &one_stats, NULL, NULL));
  run_convert (&many, fixture, "--cache", "none", "--resolve", "llm", "--jobs", "64", NULL);
  g_assert_true (g_file_get_contents (fixture->stats, &many_stats, NULL, NULL));

  g_assert_cmpint (one.status, ==, 0);
  g_assert_cmpint (many.status, ==, 0);
  g_assert_cmpstr (one.out, ==, many.out);
  g_assert_nonnull (strstr (one.out, "#thing/international-business-machines"));
  g_assert_null (strstr (one.out, "#thing/ibm\""));
}

/* --form expanded: an array of node objects with full IRIs */
static void
test_form_expanded (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonNode) graph = NULL;

  fixture_start_mock (fixture, "{}");
  run_convert (&run, fixture, "--cache", "none", "--form", "expanded", NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  graph = parse (run.out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (graph));
  g_assert_nonnull (strstr (run.out, "\"http://schema.org/name\""));
  g_assert_null (strstr (run.out, "@context"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pp-convert/resolve/rules", Fixture, NULL,
              fixture_set_up, test_resolve_rules, fixture_tear_down);
  g_test_add ("/pp-convert/resolve/llm/confirmed-and-rejected", Fixture, NULL,
              fixture_set_up, test_resolve_llm, fixture_tear_down);
  g_test_add ("/pp-convert/resolve/llm/malformed-answer", Fixture, NULL,
              fixture_set_up, test_resolve_llm_malformed, fixture_tear_down);
  g_test_add ("/pp-convert/resolve/llm/cached", Fixture, NULL,
              fixture_set_up, test_resolve_llm_cached, fixture_tear_down);
  g_test_add ("/pp-convert/resolve/llm/workers", Fixture, NULL,
              fixture_set_up, test_resolve_llm_workers, fixture_tear_down);
  g_test_add ("/pp-convert/form/expanded", Fixture, NULL,
              fixture_set_up, test_form_expanded, fixture_tear_down);

  return g_test_run ();
}
