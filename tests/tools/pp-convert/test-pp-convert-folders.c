/* test-pp-convert-folders.c: pp-convert on directories of documents of
 * every kind, against the in-process test server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-dir.h"
#include "pp-test-server.h"
#include "pp-test-tool.h"

typedef struct
{
  PpTestServer *server;
  char *dir;        /* the documents */
  char *out;        /* --output-dir */
} Fixture;

static void
write_file (Fixture    *fixture,
            const char *relative,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->dir, relative, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* A PDF file of two pages, the second about Ada Lovelace */
static void
write_pdf (Fixture    *fixture,
           const char *relative)
{
  g_autofree char *path = g_build_filename (fixture->dir, relative, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, 72, 72);
  cairo_show_text (cr, "The report begins with the engines.");
  cairo_show_page (cr);
  cairo_move_to (cr, 72, 72);
  cairo_show_text (cr, "Ada Lovelace wrote the first program.");
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* A folder with a document of every kind, one in a subfolder, a file of
 * a type no reader reads and, if @with_broken, a PDF file cut short */
static void
write_documents (Fixture  *fixture,
                 gboolean  with_broken)
{
  const char blob[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0 };

  write_pdf (fixture, "report.pdf");
  write_file (fixture, "page.html",
              "<html><head><title>Engines</title><script>Hidden Person</script></head><body>"
              "<h1>Machines</h1><h2>Engines</h2><p>Charles Babbage built engines.</p></body></html>", -1);
  write_file (fixture, "sub/notes.md", "# Notes\n\nAlan Turing wrote about machines.\n", -1);
  write_file (fixture, "plain.txt", "Grace Hopper wrote compilers.\n", -1);
  write_file (fixture, "blob.bin", blob, sizeof blob);
  write_file (fixture, ".hidden.txt", "Hidden Writer wrote nothing.\n", -1);
  if (with_broken)
    write_file (fixture, "broken.pdf", "%PDF-1.5\n%\xb5\xed\xae\xfb\n3 0 obj\n<< /Length", -1);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = pp_test_server_new ();
  fixture->dir = g_dir_make_tmp ("pp-convert-folders-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->out = g_dir_make_tmp ("pp-convert-out-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  pp_test_remove_tree (fixture->dir);
  pp_test_remove_tree (fixture->out);
  g_free (fixture->dir);
  g_free (fixture->out);
  pp_test_server_free (fixture->server);
}

/* Runs pp-convert against the test server with the arguments, NULL-terminated */
static void
run_convert (Fixture   *fixture,
             PpTestRun *run,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, pp_test_tool_path ("pp-convert"));
  g_ptr_array_add (argv, g_strdup ("--endpoint"));
  g_ptr_array_add (argv, g_strdup (pp_test_server_get_base_url (fixture->server)));
  g_ptr_array_add (argv, g_strdup ("--cache=none"));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  pp_test_run_argv (run, (const char * const *) argv->pdata, NULL);
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
find_node (JsonArray  *graph,
           const char *member,
           const char *value)
{
  for (guint i = 0; i < json_array_get_length (graph); i++)
    {
      JsonObject *node = json_array_get_object_element (graph, i);
      JsonNode *found = json_object_get_member (node, member);

      if (found != NULL && JSON_NODE_HOLDS_VALUE (found) &&
          g_strcmp0 (json_node_get_string (found), value) == 0)
        return node;
    }

  return NULL;
}

/* The pp:SegmentRef node the node named @name was derived from */
static JsonObject *
find_segment_ref (JsonArray  *graph,
                  const char *name)
{
  JsonObject *node = find_node (graph, "name", name);
  JsonNode *derived_from;
  const char *id;

  if (node == NULL)
    g_error ("no node is named ‘%s’", name);
  derived_from = json_object_get_member (node, "pp:derivedFrom");
  g_assert_nonnull (derived_from);
  if (JSON_NODE_HOLDS_ARRAY (derived_from))
    derived_from = json_array_get_element (json_node_get_array (derived_from), 0);
  id = json_node_get_string (derived_from);
  g_assert_nonnull (id);

  node = find_node (graph, "id", id);
  g_assert_nonnull (node);
  return node;
}

static void
test_mixed_one_graph (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonObject) output = NULL;
  g_auto(GStrv) lines = NULL;
  JsonArray *graph;
  JsonObject *ref;

  write_documents (fixture, TRUE);
  run_convert (fixture, &run, fixture->dir, NULL);

  /* The file that cannot be read is named, once; the one no reader reads
   * is left out without a word; the others are converted */
  g_assert_cmpint (run.status, ==, 3);
  lines = g_strsplit (g_strstrip (run.err), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_nonnull (strstr (lines[0], "broken.pdf"));
  g_assert_null (strstr (run.err, "blob.bin"));

  output = parse_object (run.out);
  graph = json_object_get_array_member (output, "@graph");
  g_assert_nonnull (find_node (graph, "name", "Grace Hopper"));
  g_assert_null (find_node (graph, "name", "Hidden Person"));
  g_assert_null (find_node (graph, "name", "Hidden Writer"));

  /* Provenance points at the page of the PDF file, the headings of the
   * HTML page and of the Markdown file */
  ref = find_segment_ref (graph, "Ada Lovelace");
  g_assert_cmpint (json_object_get_int_member (ref, "pp:page"), ==, 2);
  ref = find_segment_ref (graph, "Charles Babbage");
  g_assert_cmpstr (json_object_get_string_member (ref, "pp:section"), ==, "Machines / Engines");
  g_assert_false (json_object_has_member (ref, "pp:page"));
  ref = find_segment_ref (graph, "Alan Turing");
  g_assert_cmpstr (json_object_get_string_member (ref, "pp:section"), ==, "Notes");
}

static void
test_output_dir (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };
  const char *expected[] = { "report.pdf.jsonld", "page.html.jsonld", "sub/notes.md.jsonld", "plain.txt.jsonld" };
  g_autofree char *report = NULL;
  g_autofree char *report_path = g_build_filename (fixture->out, "report.pdf.jsonld", NULL);
  g_autoptr(GError) error = NULL;

  write_documents (fixture, FALSE);
  run_convert (fixture, &run, "--output-dir", fixture->out, fixture->dir, NULL);

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *path = g_build_filename (fixture->out, expected[i], NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_error ("%s was not written", expected[i]);
    }

  /* Each graph holds its own document's entities only */
  g_file_get_contents (report_path, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "Ada Lovelace"));
  g_assert_null (strstr (report, "Grace Hopper"));
}

static void
test_include_exclude (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };

  write_documents (fixture, TRUE);
  run_convert (fixture, &run, "--include", "*.md", "--include", "*.txt", "--exclude", "plain*",
               fixture->dir, NULL);

  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Alan Turing"));
  g_assert_null (strstr (run.out, "Grace Hopper"));
  g_assert_null (strstr (run.out, "Ada Lovelace"));
}

static void
test_usage_output_and_output_dir (Fixture       *fixture,
                                  gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };

  run_convert (fixture, &run, "--output", "x.jsonld", "--output-dir", fixture->out, fixture->dir, NULL);

  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--output-dir"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pp-convert/folders/mixed-one-graph", Fixture, NULL,
              fixture_set_up, test_mixed_one_graph, fixture_tear_down);
  g_test_add ("/pp-convert/folders/output-dir", Fixture, NULL,
              fixture_set_up, test_output_dir, fixture_tear_down);
  g_test_add ("/pp-convert/folders/include-exclude", Fixture, NULL,
              fixture_set_up, test_include_exclude, fixture_tear_down);
  g_test_add ("/pp-convert/folders/usage/output-and-output-dir", Fixture, NULL,
              fixture_set_up, test_usage_output_and_output_dir, fixture_tear_down);

  return g_test_run ();
}
