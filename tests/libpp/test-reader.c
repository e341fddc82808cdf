/* test-reader.c: PpReader, its choice by content type, libpp's text and
 * Markdown readers, PpDocumentBuilder and the pages of segments
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <gmodule.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-dir.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("reader-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  pp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static GFile *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);

  return g_file_new_for_path (path);
}

/* The name the reader chosen for @content_type is registered with */
static char *
chosen_reader (const char *content_type,
               const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpReader) reader = pp_reader_new_for_content_type (content_type, name, &error);
  g_autoptr(GList) extensions = pp_registry_list_extensions (PP_READER_EXTENSION_POINT);

  g_assert_no_error (error);
  for (GList *l = extensions; l != NULL; l = l->next)
    {
      if (pp_extension_get_implementation_type (l->data) == G_OBJECT_TYPE (reader))
        return g_strdup (pp_extension_get_name (l->data));
    }

  g_assert_not_reached ();
}

static void
test_choice_by_content_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpReader) none = NULL;
  struct {
    const char *content_type;
    const char *reader;
  } cases[] = {
    { "text/plain", "text" },
    { "text/markdown", "markdown" },
    { "text/x-markdown", "markdown" },
    /* A subtype of text/plain, with a reader of its own */
    { "text/html", "html" },
    { "application/pdf", "pdf" },
    /* A subtype of text/plain with no reader of its own */
    { "text/x-csrc", "text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *reader = chosen_reader (cases[i].content_type, NULL);

      g_assert_cmpstr (reader, ==, cases[i].reader);
    }

  none = pp_reader_new_for_content_type ("application/zip", NULL, &error);
  g_assert_null (none);
  g_assert_error (error, PP_READER_ERROR, PP_READER_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "application/zip"));
}

/* Whether a file whose path contains @needle is mapped into this process */
static gboolean
is_mapped (const char *needle)
{
  g_autofree char *maps = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents ("/proc/self/maps", &maps, NULL, &error);
  g_assert_no_error (error);

  return strstr (maps, needle) != NULL;
}

static void
test_choice_loads_only_chosen (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpReader) text = NULL;
  g_autoptr(PpReader) pdf = NULL;

  if (!g_file_test ("/proc/self/maps", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("needs /proc/self/maps");
      return;
    }

  /* In a process of its own, which no other reader was chosen in */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  /* The plugin caches of the plugin directories tell what each reader
   * reads: choosing the text reader maps neither the PDF and HTML readers
   * nor the libraries they link */
  text = pp_reader_new_for_content_type ("text/plain", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (is_mapped ("libpp-reader-pdf." G_MODULE_SUFFIX));
  g_assert_false (is_mapped ("libpp-reader-html." G_MODULE_SUFFIX));
  g_assert_false (is_mapped ("libpoppler"));

  pdf = pp_reader_new_for_content_type ("application/pdf", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (is_mapped ("libpp-reader-pdf." G_MODULE_SUFFIX));
  g_assert_false (is_mapped ("libpp-reader-html." G_MODULE_SUFFIX));
}

static void
test_choice_override (void)
{
  g_autofree char *named = chosen_reader ("text/html", "text");
  g_autofree char *from_environment = NULL;
  g_autofree char *named_over_environment = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpReader) missing = NULL;

  g_assert_cmpstr (named, ==, "text");

  g_setenv ("PP_READER", "markdown", TRUE);
  from_environment = chosen_reader ("text/plain", NULL);
  named_over_environment = chosen_reader ("text/plain", "text");
  g_unsetenv ("PP_READER");
  g_assert_cmpstr (from_environment, ==, "markdown");
  g_assert_cmpstr (named_over_environment, ==, "text");

  missing = pp_reader_new_for_content_type ("text/plain", "no-such-reader", &error);
  g_assert_null (missing);
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND);
}

static void
test_text_plain (Fixture       *fixture,
                 gconstpointer  user_data)
{
  /* No extension: the content type comes from the data */
  g_autoptr(GFile) file = write_file (fixture, "notes", "First paragraph.\n\nSecond one.\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = pp_reader_read_document (file, NULL, NULL, &error);
  g_autofree char *name = g_file_get_parse_name (file);

  g_assert_no_error (error);
  g_assert_cmpstr (pp_document_get_name (document), ==, name);
  g_assert_cmpstr (pp_document_get_text (document), ==, "First paragraph.\n\nSecond one.\n");
  g_assert_cmpint (pp_document_get_format (document), ==, PP_TEXT_FORMAT_PLAIN);
  g_assert_null (pp_document_get_blocks (document));
}

static void
test_text_markdown (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(GFile) file = write_file (fixture, "guide.md", "# Guide\n\nIntro.\n\n## Part\n\nBody.\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = pp_reader_read_document (file, NULL, NULL, &error);
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (2000);
  g_autoptr(GPtrArray) segments = NULL;
  const char * const part[] = { "Guide", "Part", NULL };

  g_assert_no_error (error);
  g_assert_cmpint (pp_document_get_format (document), ==, PP_TEXT_FORMAT_MARKDOWN);

  segments = pp_segmenter_split_document (segmenter, document);
  g_assert_cmpuint (segments->len, ==, 2);
  g_assert_true (g_strv_equal (pp_segment_get_heading_path (segments->pdata[1]), part));
  g_assert_cmpuint (pp_segment_get_page (segments->pdata[1]), ==, 0);
}

static void
test_errors_unreadable (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "missing.txt", NULL);
  g_autoptr(GFile) missing = g_file_new_for_path (path);
  g_autoptr(GFile) binary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = NULL;

  document = pp_reader_read_document (missing, NULL, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_clear_error (&error);

  /* Bytes that are no text: no reader reads them */
  {
    g_autofree char *binary_path = g_build_filename (fixture->dir, "blob.bin", NULL);
    const char data[] = { 0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

    g_file_set_contents (binary_path, data, sizeof data, &error);
    g_assert_no_error (error);
    binary = g_file_new_for_path (binary_path);
    document = pp_reader_read_document (binary, NULL, NULL, &error);
    g_assert_null (document);
    g_assert_error (error, PP_READER_ERROR, PP_READER_ERROR_UNSUPPORTED);
    g_assert_true (g_str_has_prefix (error->message, binary_path));
  }
}

/* A document in two sections over three pages */
static PpDocument *
build_document (void)
{
  g_autoptr(PpDocumentBuilder) builder = pp_document_builder_new ("built.pdf");
  g_autoptr(GError) error = NULL;
  const char * const one[] = { "One", NULL };
  const char * const two[] = { "One", "Two", NULL };
  PpDocument *document;

  pp_document_builder_set_base_iri (builder, "https://example.org/built");
  pp_document_builder_set_page (builder, 1);
  pp_document_builder_set_section_path (builder, one);
  pp_document_builder_add_block (builder, "  First block.\n", -1, 10, 25);
  pp_document_builder_add_block (builder, "Second block.", -1, -1, -1);
  pp_document_builder_add_block (builder, " \n ", -1, -1, -1);
  pp_document_builder_set_page (builder, 2);
  pp_document_builder_add_block (builder, "Third block.", -1, -1, -1);
  pp_document_builder_set_section_path (builder, two);
  pp_document_builder_add_block (builder, "Fourth block.", -1, -1, -1);
  document = pp_document_builder_end (builder, &error);
  g_assert_no_error (error);

  return document;
}

static void
test_builder_blocks (void)
{
  g_autoptr(PpDocument) document = build_document ();
  GPtrArray *blocks = pp_document_get_blocks (document);
  const char *text = pp_document_get_text (document);
  goffset source_start, source_end;

  g_assert_cmpstr (text, ==, "First block.\n\nSecond block.\n\nThird block.\n\nFourth block.");
  g_assert_cmpstr (pp_document_get_base_iri (document), ==, "https://example.org/built");
  g_assert_cmpuint (blocks->len, ==, 4);

  g_assert_cmpuint (pp_document_block_get_start (blocks->pdata[1]), ==, 14);
  g_assert_cmpuint (pp_document_block_get_end (blocks->pdata[1]), ==, 27);
  g_assert_cmpuint (pp_document_block_get_page (blocks->pdata[2]), ==, 2);
  g_assert_true (pp_document_block_get_source_range (blocks->pdata[0], &source_start, &source_end));
  g_assert_cmpint (source_start, ==, 10);
  g_assert_cmpint (source_end, ==, 25);
  g_assert_false (pp_document_block_get_source_range (blocks->pdata[1], &source_start, NULL));
  g_assert_cmpint (source_start, ==, -1);
}

static void
test_builder_empty (void)
{
  g_autoptr(PpDocumentBuilder) builder = pp_document_builder_new ("blank.html");
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = NULL;

  pp_document_builder_add_block (builder, "   ", -1, -1, -1);
  document = pp_document_builder_end (builder, &error);
  g_assert_null (document);
  g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_EMPTY);
  g_assert_true (g_str_has_prefix (error->message, "blank.html"));
}

static void
test_segments_section_and_page (void)
{
  g_autoptr(PpDocument) document = build_document ();
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (2000);
  g_autoptr(GPtrArray) segments = pp_segmenter_split_document (segmenter, document);
  const char * const two[] = { "One", "Two", NULL };

  /* Blocks of one section on one page are packed; a new page or a new
   * section starts a new segment */
  g_assert_cmpuint (segments->len, ==, 3);
  g_assert_cmpstr (pp_segment_get_text (segments->pdata[0]), ==, "First block.\n\nSecond block.");
  g_assert_cmpuint (pp_segment_get_page (segments->pdata[0]), ==, 1);
  g_assert_cmpstr (pp_segment_get_text (segments->pdata[1]), ==, "Third block.");
  g_assert_cmpuint (pp_segment_get_page (segments->pdata[1]), ==, 2);
  g_assert_cmpuint (pp_segment_get_offset (segments->pdata[1]), ==, 29);
  g_assert_true (g_strv_equal (pp_segment_get_heading_path (segments->pdata[2]), two));
  g_assert_cmpuint (pp_segment_get_page (segments->pdata[2]), ==, 2);
}

static void
on_finished (PpReconciler *reconciler,
             JsonNode     *graph,
             JsonNode    **out)
{
  *out = json_node_ref (graph);
}

static void
test_provenance_page (void)
{
  g_autoptr(PpReconciler) reconciler = pp_reconciler_new (1, PP_OUTPUT_FORM_FLATTENED);
  g_autoptr(PpSegment) segment = pp_segment_new_full (0, "Ada Lovelace.", -1, 40, NULL, 7);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_parser_load_from_data (parser,
                              "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada\"}",
                              -1, &error);
  g_assert_no_error (error);

  g_object_set (reconciler, "provenance", TRUE, NULL);
  g_signal_connect (reconciler, "finished", G_CALLBACK (on_finished), &graph);
  pp_reconciler_add_graph (reconciler, segment, json_node_ref (json_parser_get_root (parser)));
  while (graph == NULL)
    g_main_context_iteration (NULL, TRUE);

  text = pp_jsonld_to_json (graph, FALSE);
  if (strstr (text, "\"https://libpp.org/ns#page\":[{\"@value\":7}]") == NULL &&
      strstr (text, "\"pp:page\":7") == NULL)
    g_error ("no page 7 in the provenance: %s", text);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reader/choice/by-content-type", test_choice_by_content_type);
  g_test_add_func ("/reader/choice/override", test_choice_override);
  g_test_add_func ("/reader/choice/loads-only-chosen", test_choice_loads_only_chosen);
  g_test_add ("/reader/text/plain", Fixture, NULL, fixture_set_up, test_text_plain, fixture_tear_down);
  g_test_add ("/reader/text/markdown", Fixture, NULL, fixture_set_up, test_text_markdown, fixture_tear_down);
  g_test_add ("/reader/errors/unreadable", Fixture, NULL, fixture_set_up, test_errors_unreadable,
              fixture_tear_down);
  g_test_add_func ("/reader/document-builder/blocks", test_builder_blocks);
  g_test_add_func ("/reader/document-builder/empty", test_builder_empty);
  g_test_add_func ("/reader/segmenter/section-and-page", test_segments_section_and_page);
  g_test_add_func ("/reader/provenance/page", test_provenance_page);

  return g_test_run ();
}
