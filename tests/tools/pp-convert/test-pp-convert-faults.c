/* test-pp-convert-faults.c: pp-convert against a server that misbehaves
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>
#include <libsoup/soup.h>

#include "pp-test-server.h"
#include "pp-test-tool.h"

/* The built pp-convert is run against the built pp-mock-llm, each a
 * process, as a user runs them: every fault the server injects must be
 * survived with the same graph as a run without faults, and without
 * asking the server for a prompt more often than the retries allow. */

#define N_SEGMENTS 40
#define RETRIES "8"
#define MAX_REQUESTS_PER_PROMPT 9   /* RETRIES + 1 */

typedef struct
{
  char *dir;
  char *document;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GString) text = g_string_new ("# Painters\n\n");
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("pp-convert-faults-XXXXXX", &error);
  g_assert_no_error (error);

  /* One paragraph a segment, each naming its own people */
  for (guint i = 0; i < N_SEGMENTS; i++)
    g_string_append_printf (text, "Entry %u: the painter Frida Kahlo%c met Diego Rivera%c in Mexico.\n\n",
                            i, 'a' + i % 26, 'a' + i / 26);
  fixture->document = g_build_filename (fixture->dir, "doc.md", NULL);
  g_assert_true (g_file_set_contents (fixture->document, text->str, -1, NULL));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_unlink (fixture->document);
  g_rmdir (fixture->dir);
  g_free (fixture->document);
  g_free (fixture->dir);
}

static gint64
get_outcome (JsonObject *stats,
             const char *outcome)
{
  return json_object_get_int_member (json_object_get_object_member (stats, "outcomes"), outcome);
}

/* Runs pp-convert, without a cache, with the arguments, NULL-terminated */
static void
run_convert (PpTestRun  *run,
             const char *endpoint,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, pp_test_tool_path ("pp-convert"));
  g_ptr_array_add (argv, g_strdup ("--endpoint"));
  g_ptr_array_add (argv, g_strdup (endpoint));
  g_ptr_array_add (argv, g_strdup ("--cache"));
  g_ptr_array_add (argv, g_strdup ("none"));
  va_start (args, endpoint);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  pp_test_run_argv (run, (const char * const *) argv->pdata, NULL);
}

/* The graph of a run against a server without faults */
static char *
reference_graph (Fixture *fixture)
{
  PpTestMockLlm mock = { NULL, };
  g_auto(PpTestRun) run = { 0, };

  pp_test_mock_llm_start (&mock, NULL, NULL, NULL);
  run_convert (&run, mock.base_url, "--segment-size", "80", fixture->document, NULL);
  pp_test_mock_llm_stop (&mock, NULL);

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  return g_steal_pointer (&run.out);
}

/* No prompt in the server's log was asked for more often than the retries
 * allow; returns the prompts seen */
static guint
assert_requests_per_prompt (JsonObject *stats)
{
  JsonArray *log = json_object_get_array_member (stats, "log");
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer prompt, count;

  for (guint i = 0; i < json_array_get_length (log); i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *hash = json_object_get_string_member (entry, "prompt");

      g_assert_nonnull (hash);
      count = g_hash_table_lookup (counts, hash);
      g_hash_table_insert (counts, (gpointer) hash, GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
    }

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &prompt, &count))
    {
      if (GPOINTER_TO_UINT (count) > MAX_REQUESTS_PER_PROMPT)
        g_test_message ("prompt %s: %u requests", (const char *) prompt, GPOINTER_TO_UINT (count));
      g_assert_cmpuint (GPOINTER_TO_UINT (count), <=, MAX_REQUESTS_PER_PROMPT);
    }

  return g_hash_table_size (counts);
}

typedef struct
{
  const char *name;
  const char *options[16];
  const char *outcome;         /* the outcome the fault leaves in /stats */
} Faults;

static const Faults fault_classes[] = {
  { "p500", { "--p500", "0.2", NULL }, "500" },
  { "p429", { "--p429", "0.2", "--retry-after", "0.2", NULL }, "429" },
  { "ptruncate", { "--ptruncate", "0.2", NULL }, "truncated" },
  { "pdrop", { "--pdrop", "0.2", NULL }, "dropped" },
  /* A hang well past the client's timeout */
  { "phang", { "--phang", "0.15", "--hang-ms", "4000", NULL }, "hung" },
  { "all", { "--p500", "0.05", "--p429", "0.05", "--retry-after", "0.2", "--ptruncate", "0.05",
             "--pdrop", "0.05", "--phang", "0.05", "--hang-ms", "4000" }, NULL },
};

static void
test_survives_faults (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autofree char *expected = reference_graph (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (fault_classes); i++)
    {
      const Faults *faults = &fault_classes[i];
      g_autoptr(GStrvBuilder) options = g_strv_builder_new ();
      g_auto(GStrv) argv = NULL;
      g_autoptr(JsonObject) stats = NULL;
      g_auto(PpTestRun) run = { 0, };
      PpTestMockLlm mock = { NULL, };

      g_test_message ("Faults: %s", faults->name);
      g_strv_builder_addv (options, (const char **) faults->options);
      g_strv_builder_add_many (options, "--seed", "7", NULL);
      argv = g_strv_builder_end (options);

      pp_test_mock_llm_start (&mock, NULL, (const char * const *) argv, NULL);
      run_convert (&run, mock.base_url, "--segment-size", "80", "--jobs", "8",
                   "--retries", RETRIES, "--timeout", "1", fixture->document, NULL);
      stats = pp_test_mock_llm_get_stats (&mock);
      pp_test_mock_llm_stop (&mock, NULL);

      g_test_message ("pp-convert said: %s", run.err);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.out, ==, expected);

      /* The fault was met, and survived within the retries */
      if (faults->outcome != NULL)
        g_assert_cmpint (get_outcome (stats, faults->outcome), >, 0);
      g_assert_cmpuint (assert_requests_per_prompt (stats), ==, N_SEGMENTS);
    }
}

/* A server that takes 4 requests at a time: the limit adapts to it */
static void
test_adapts_to_capacity (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(JsonObject) stats = NULL;
  g_auto(PpTestRun) run = { 0, };
  PpTestMockLlm mock = { NULL, };
  gint64 rate_limited;
  gint64 requests;

  pp_test_mock_llm_start (&mock, NULL,
                          (const char *[]) { "--capacity", "4", "--retry-after", "0.2", "--latency-ms", "50", NULL },
                          NULL);
  run_convert (&run, mock.base_url, "--segment-size", "80", "--jobs", "32", "--retries", RETRIES,
               fixture->document, NULL);
  stats = pp_test_mock_llm_get_stats (&mock);
  pp_test_mock_llm_stop (&mock, NULL);

  g_test_message ("pp-convert said: %s", run.err);
  g_assert_cmpint (run.status, ==, 0);

  rate_limited = get_outcome (stats, "429");
  requests = json_object_get_int_member (stats, "requests");
  g_test_message ("%" G_GINT64_FORMAT " requests, %" G_GINT64_FORMAT " turned away", requests, rate_limited);
  g_assert_cmpint (requests - rate_limited, ==, N_SEGMENTS);
  /* A limit that did not adapt would see most requests turned away; this
   * one starts above the capacity and comes down by a tenth at each
   * episode of 429s, which takes a few rounds in so short a run */
  g_assert_cmpint (rate_limited * 3, <=, requests);
  assert_requests_per_prompt (stats);
}

/* Refused credentials stop the run: one message, exit status 1 */
static void
test_auth_failure_stops_run (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_auto(PpTestRun) run = { 0, };
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < N_SEGMENTS; i++)
    pp_test_server_push_reply (server, 401,
                               "{\"error\": {\"message\": \"Incorrect API key provided\", "
                               "\"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}",
                               NULL);
  run_convert (&run, pp_test_server_get_base_url (server), "--segment-size", "80", "--jobs", "8",
               fixture->document, NULL);

  g_test_message ("pp-convert said: %s", run.err);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  lines = g_strsplit (run.err, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "pp-convert: "));
  g_assert_nonnull (strstr (lines[0], "401"));

  /* No segment was asked for after the refusal came back */
  g_assert_cmpuint (pp_test_server_get_request_count (server), <=, 8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pp-convert/faults/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("each-class-and-all-survived", test_survives_faults);
  ADD ("capacity/limit-adapts", test_adapts_to_capacity);
  ADD ("auth/stops-run-once", test_auth_failure_stops_run);

#undef ADD

  return g_test_run ();
}
