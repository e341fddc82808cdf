/* test-pp-convert.c: the pp-convert tool, run as a program
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-server.h"

typedef struct
{
  PpTestServer *server;
  char *dir;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = pp_test_server_new ();
  fixture->dir = g_dir_make_tmp ("pp-convert-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  pp_test_server_free (fixture->server);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  return path;
}

/* Runs pp-convert with the arguments, NULL-terminated */
static void
run_tool (Run        *run,
          const char *api_key,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *tools = g_getenv ("PP_TOOLS_DIR");
  const char *arg;
  va_list args;

  g_assert_nonnull (tools);
  g_ptr_array_add (argv, g_build_filename (tools, "pp-convert", "pp-convert", NULL));
  va_start (args, api_key);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_BASE_URL");
  if (api_key != NULL)
    g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", api_key, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static gboolean
is_one_line (const char *text)
{
  const char *nl = strchr (text, '\n');

  return nl != NULL && nl[1] == '\0';
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static void
test_converts_document (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GString) text = g_string_new ("# Notes\n\n");
  g_autofree char *doc = NULL;
  g_autofree char *stats_path = g_build_filename (fixture->dir, "stats.json", NULL);
  g_autofree char *stats_text = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_auto(Run) run = { 0, };
  g_autofree char *graph_text = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (text, "Entry %u: the painter Frida Kahlo%c met Diego Rivera%c.\n\n",
                            i, 'a' + i % 26, 'a' + i / 26);
  doc = write_file (fixture, "doc.md", text->str, -1);

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--jobs", "8", "--segment-size", "80", "--stats", stats_path, doc, NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  /* Every paragraph reached the server once */
  messages = pp_test_server_dup_user_messages (fixture->server);
  g_assert_cmpuint (messages->len, ==, 50);

  graph = parse_json (run.out);
  graph_text = json_to_string (graph, FALSE);
  g_assert_nonnull (strstr (graph_text, "\"@context\":\"https://schema.org\""));
  g_assert_nonnull (strstr (graph_text, "Frida Kahloa"));
  g_assert_nonnull (strstr (graph_text, "Diego Riverab"));

  g_assert_true (g_file_get_contents (stats_path, &stats_text, NULL, NULL));
  stats = parse_json (stats_text);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "done"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "worker_limit"), ==, 8);
}

static void
test_output_file_and_forms (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The poet Pablo Neruda lived in Chile.\n", -1);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_autofree char *written = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_auto(Run) run = { 0, };
  g_auto(Run) nquads = { 0, };

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--output", out_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  graph = parse_json (written);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));

  run_tool (&nquads, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--form", "nquads", doc, NULL);
  g_assert_cmpint (nquads.status, ==, 0);
  g_assert_nonnull (strstr (nquads.out, "<http://schema.org/name> \"Pablo Neruda\" ."));
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.md", NULL);
  g_autofree char *invalid = write_file (fixture, "invalid.md", "caf\xe9 au lait\n", -1);
  g_autofree char *empty = write_file (fixture, "empty.md", "\n  \n", -1);
  g_autofree char *binary = write_file (fixture, "binary.md", "ab\0cd", 5);
  const char *bad[][2] = {
    { missing, "missing.md" },
    { invalid, "UTF-8" },
    { empty, "empty" },
    { binary, "binary" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Run) run = { 0, };

      run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
                bad[i][0], NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (is_one_line (run.err));
      g_assert_true (g_str_has_prefix (run.err, "pp-convert: "));
      g_assert_nonnull (strstr (run.err, bad[i][1]));
    }

  /* Nothing was asked of the server */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Some Text here.\n", -1);
  const char *bad[][2] = {
    { "--jobs", "0" },
    { "--segment-size", "3" },
    { "--form", "turtle" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Run) run = { 0, };

      run_tool (&run, NULL, bad[i][0], bad[i][1], doc, NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (is_one_line (run.err));
    }
}

static void
test_unreachable_endpoint (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The city of Lisbon.\n\nThe river Tagus.\n", -1);
  g_autofree char *url = NULL;
  g_auto(Run) run = { 0, };
  PpTestServer *closed = pp_test_server_new ();

  /* A port nobody listens on any more */
  url = g_strdup (pp_test_server_get_base_url (closed));
  pp_test_server_free (closed);

  run_tool (&run, NULL, "--endpoint", url, "--retries", "1", doc, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "all 1 segments failed"));
  g_assert_nonnull (strstr (run.err, url));
}

static void
test_secret_not_shown (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The city of Lisbon.\n", -1);
  g_auto(Run) run = { 0, };

  pp_test_server_push_reply (fixture->server, 401, "{\"error\": {\"message\": \"bad key sk-very-secret-key\"}}", NULL);
  run_tool (&run, "sk-very-secret-key", "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--verbose", doc, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_null (strstr (run.err, "sk-very-secret-key"));
  g_assert_null (strstr (run.out, "sk-very-secret-key"));
}

static void
test_list_plugins (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(Run) run = { 0, };

  run_tool (&run, NULL, "--list-plugins", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "libpp-llm:\n"));
  g_assert_nonnull (strstr (run.out, "libpp-converter:\n"));
  g_assert_nonnull (strstr (run.out, "libpp-cache:\n"));
  g_assert_true (g_regex_match_simple ("\\n  openai +10  OpenAI-compatible", run.out, 0, 0));
  g_assert_true (g_regex_match_simple ("\\n  llm +10  ", run.out, 0, 0));
  g_assert_true (g_regex_match_simple ("\\n  memory +10  ", run.out, 0, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pp-convert/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("converts-document", test_converts_document);
  ADD ("output-file-and-forms", test_output_file_and_forms);
  ADD ("bad-input", test_bad_input);
  ADD ("usage-errors", test_usage_errors);
  ADD ("unreachable-endpoint", test_unreachable_endpoint);
  ADD ("secret-not-shown", test_secret_not_shown);
  ADD ("list-plugins", test_list_plugins);

#undef ADD

  return g_test_run ();
}
