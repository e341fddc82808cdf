/* test-examples.c: runs the Python and GJS examples against pp-mock-llm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each test starts pp-mock-llm on a free loopback port, runs one example with
 * the built typelib, library and plugins, and checks what it printed and how
 * it exited. An example whose interpreter (PyGObject, GJS) was not found at
 * configure time is skipped.
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-test-tool.h"

typedef struct {
  const char *interpreter;  /* as found at configure time; empty if none */
  const char *flag;         /* an argument before the script, or NULL */
  const char *script;
  const char *missing;      /* why the test is skipped without an interpreter */
} Example;

typedef struct {
  PpTestMockLlm mock;
} Fixture;

static char *opt_python;
static char *opt_gjs;
static char *opt_python_example;
static char *opt_gjs_example;
static char *opt_mock_llm;
static char *opt_libpp_dir;
static char *opt_document;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  pp_test_mock_llm_start (&fixture->mock, opt_mock_llm, NULL, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  pp_test_mock_llm_stop (&fixture->mock, NULL);
}

static gboolean
example_found (const Example *example)
{
  if (example->interpreter == NULL || *example->interpreter == '\0')
    {
      g_test_skip (example->missing);
      return FALSE;
    }
  return TRUE;
}

/* Runs @example with @args after its script, with the built libpp in its
 * typelib and library paths and @base_url, if any, in OPENAI_BASE_URL */
static GSubprocess *
example_spawn (const Example      *example,
               const char         *base_url,
               const char * const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *process;

  launcher = pp_test_tool_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (const char * const *name = (const char * const[]) { "GI_TYPELIB_PATH", "LD_LIBRARY_PATH", NULL };
       *name != NULL; name++)
    {
      const char *old = g_getenv (*name);
      g_autofree char *value = old != NULL && *old != '\0'
        ? g_strconcat (opt_libpp_dir, G_SEARCHPATH_SEPARATOR_S, old, NULL)
        : g_strdup (opt_libpp_dir);

      g_subprocess_launcher_setenv (launcher, *name, value, TRUE);
    }
  if (base_url != NULL)
    g_subprocess_launcher_setenv (launcher, "OPENAI_BASE_URL", base_url, TRUE);

  g_ptr_array_add (argv, (gpointer) example->interpreter);
  if (example->flag != NULL)
    g_ptr_array_add (argv, (gpointer) example->flag);
  g_ptr_array_add (argv, (gpointer) example->script);
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

static void
example_run (const Example      *example,
             const char         *base_url,
             const char * const *args,
             PpTestRun          *run)
{
  g_autoptr(GSubprocess) process = example_spawn (example, base_url, args);

  pp_test_run_communicate (run, process, NULL);
  g_test_message ("standard error:\n%s", run->err);
}

/* The output is one compacted JSON-LD document whose graph has nodes */
static void
assert_jsonld_with_nodes (const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *document;
  JsonArray *graph;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  document = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (document, "@context"));
  graph = json_object_get_array_member (document, "@graph");
  g_assert_nonnull (graph);
  g_assert_cmpuint (json_array_get_length (graph), >, 0);
  for (guint i = 0; i < json_array_get_length (graph); i++)
    g_assert_true (JSON_NODE_HOLDS_OBJECT (json_array_get_element (graph, i)));
}

static void
assert_progress_complete (const char *err)
{
  g_autoptr(GRegex) regex = g_regex_new ("^([0-9]+)/\\1 segments, 0 failed$", G_REGEX_MULTILINE, 0, NULL);

  g_assert_true (g_regex_match (regex, err, 0, NULL));
}

/* Runs @example, which must convert its input, print its progress to the
 * end and exit with status 0 */
static void
assert_example_converts (const Example      *example,
                         const char         *base_url,
                         const char * const *args)
{
  g_auto(PpTestRun) run = { 0, };

  example_run (example, base_url, args, &run);
  g_assert_cmpint (run.status, ==, 0);
  assert_progress_complete (run.err);
  assert_jsonld_with_nodes (run.out);
}

static void
test_example_text_from_endpoint_option (Fixture       *fixture,
                                        gconstpointer  data)
{
  const Example *example = data;

  if (!example_found (example))
    return;

  assert_example_converts (example, NULL,
                           (const char * const[]) { "--endpoint", fixture->mock.base_url, NULL });
}

static void
test_file_from_endpoint_variable (Fixture       *fixture,
                                  gconstpointer  data)
{
  const Example *example = data;

  if (!example_found (example))
    return;

  assert_example_converts (example, fixture->mock.base_url, (const char * const[]) { opt_document, NULL });
}

static void
test_missing_file_fails (Fixture       *fixture,
                         gconstpointer  data)
{
  const Example *example = data;
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "pp-example-no-such-file.md", NULL);
  g_auto(PpTestRun) run = { 0, };

  if (!example_found (example))
    return;

  example_run (example, fixture->mock.base_url, (const char * const[]) { missing, NULL }, &run);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "pp-example-no-such-file.md"));
}

static void
add_tests (const char    *language,
           const Example *example)
{
  const struct {
    const char *name;
    void (*func) (Fixture *, gconstpointer);
  } tests[] = {
    { "example-text/endpoint-option", test_example_text_from_endpoint_option },
    { "file/endpoint-variable", test_file_from_endpoint_variable },
    { "missing-file/fails", test_missing_file_fails },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tests); i++)
    {
      g_autofree char *path = g_strdup_printf ("/examples/%s/convert/%s", language, tests[i].name);

      g_test_add (path, Fixture, example, fixture_set_up, tests[i].func, fixture_tear_down);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "python", 0, 0, G_OPTION_ARG_FILENAME, &opt_python, "Python with PyGObject, or empty", "PATH" },
    { "gjs", 0, 0, G_OPTION_ARG_FILENAME, &opt_gjs, "GJS, or empty", "PATH" },
    { "python-example", 0, 0, G_OPTION_ARG_FILENAME, &opt_python_example, "The Python example", "FILE" },
    { "gjs-example", 0, 0, G_OPTION_ARG_FILENAME, &opt_gjs_example, "The GJS example", "FILE" },
    { "mock-llm", 0, 0, G_OPTION_ARG_FILENAME, &opt_mock_llm, "pp-mock-llm", "PATH" },
    { "libpp-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_libpp_dir, "The directory of the built library and typelib", "DIR" },
    { "document", 0, 0, G_OPTION_ARG_FILENAME, &opt_document, "A document to convert", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  Example python, gjs;

  g_test_init (&argc, &argv, NULL);

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_python_example == NULL || opt_gjs_example == NULL || opt_mock_llm == NULL ||
      opt_libpp_dir == NULL || opt_document == NULL)
    g_error ("--python-example, --gjs-example, --mock-llm, --libpp-dir and --document are required");

  python = (Example) { opt_python, NULL, opt_python_example, "PyGObject (python3-gi) was not found" };
  gjs = (Example) { opt_gjs, "-m", opt_gjs_example, "GJS was not found" };
  add_tests ("python", &python);
  add_tests ("gjs", &gjs);

  return g_test_run ();
}
