/* test-reader-pdf.c: the reader-pdf plugin, on PDF files made by cairo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <time.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-dir.h"

/* Every PDF file is drawn here with cairo: pages of text lines, an outline
 * on request, or shapes only */

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("reader-pdf-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  pp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* An outline entry: a heading drawn as the first line of its page */
typedef struct
{
  const char *title;
  guint page;       /* from 1 */
  int parent;       /* index of the parent entry, or -1 */
} OutlineEntry;

/* Draws a PDF file of @n_pages pages: page i holds the lines of @pages[i]
 * (NULL-terminated, NULL for a page of shapes only), and the outline
 * entries of @outline */
static char *
draw_pdf (Fixture             *fixture,
          const char          *name,
          const char * const **pages,
          guint                n_pages,
          const OutlineEntry  *outline,
          guint                n_outline)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  cairo_surface_t *surface = cairo_pdf_surface_create (path, 595, 842);
  cairo_t *cr = cairo_create (surface);
  int ids[16];

  g_assert_cmpuint (n_outline, <=, G_N_ELEMENTS (ids));

  for (guint p = 0; p < n_pages; p++)
    {
      if (pages[p] == NULL)
        {
          cairo_rectangle (cr, 100, 100, 300, 200);
          cairo_fill (cr);
          cairo_arc (cr, 300, 500, 80, 0, 2 * G_PI);
          cairo_stroke (cr);
        }
      else
        {
          cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
          cairo_set_font_size (cr, 12);
          for (guint l = 0; pages[p][l] != NULL; l++)
            {
              /* An empty line leaves a gap: a new paragraph */
              cairo_move_to (cr, 72, 72 + 18 * l);
              cairo_show_text (cr, pages[p][l]);
            }
        }

      for (guint i = 0; i < n_outline; i++)
        {
          g_autofree char *link = NULL;

          if (outline[i].page != p + 1)
            continue;
          link = g_strdup_printf ("page=%u", outline[i].page);
          ids[i] = cairo_pdf_surface_add_outline (surface,
                                                  outline[i].parent < 0 ? CAIRO_PDF_OUTLINE_ROOT
                                                                        : ids[outline[i].parent],
                                                  outline[i].title, link, 0);
        }
      cairo_show_page (cr);
    }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  return path;
}

static PpDocument *
read_pdf (const char  *path,
          GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return pp_reader_read_document (file, NULL, NULL, error);
}

/* The block that holds @needle */
static PpDocumentBlock *
find_block (PpDocument *document,
            const char *needle)
{
  GPtrArray *blocks = pp_document_get_blocks (document);
  const char *text = pp_document_get_text (document);

  g_assert_nonnull (blocks);
  for (guint i = 0; i < blocks->len; i++)
    {
      PpDocumentBlock *block = blocks->pdata[i];
      g_autofree char *block_text = g_strndup (text + pp_document_block_get_start (block),
                                               pp_document_block_get_end (block) -
                                               pp_document_block_get_start (block));

      if (strstr (block_text, needle) != NULL)
        return block;
    }

  g_error ("no block holds ‘%s’ in: %s", needle, text);
}

static void
test_pages_text_per_page (Fixture       *fixture,
                          gconstpointer  user_data)
{
  const char *page1[] = { "Charles Babbage designed the Analytical Engine.", NULL };
  const char *page2[] = { "Ada Lovelace wrote the first program.", "", "She was born in London.", NULL };
  const char *page3[] = { "Alan Turing described a universal machine.", NULL };
  const char * const *pages[] = { page1, page2, page3 };
  g_autofree char *path = draw_pdf (fixture, "three-pages.pdf", pages, 3, NULL, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (2000);
  g_autoptr(GPtrArray) segments = NULL;

  document = read_pdf (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (pp_document_block_get_page (find_block (document, "Babbage")), ==, 1);
  g_assert_cmpuint (pp_document_block_get_page (find_block (document, "Lovelace")), ==, 2);
  g_assert_cmpuint (pp_document_block_get_page (find_block (document, "London")), ==, 2);
  g_assert_cmpuint (pp_document_block_get_page (find_block (document, "Turing")), ==, 3);
  g_assert_true (strstr (pp_document_get_text (document), "Babbage") <
                 strstr (pp_document_get_text (document), "Turing"));

  /* A segment never spans two pages, and says which it is on */
  segments = pp_segmenter_split_document (segmenter, document);
  g_assert_cmpuint (segments->len, ==, 3);
  for (guint i = 0; i < segments->len; i++)
    g_assert_cmpuint (pp_segment_get_page (segments->pdata[i]), ==, i + 1);
  g_assert_nonnull (strstr (pp_segment_get_text (segments->pdata[1]), "Lovelace"));
  g_assert_nonnull (strstr (pp_segment_get_text (segments->pdata[1]), "London"));
}

static void
test_outline_section_paths (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const char *page1[] = { "Introduction", "Computing began with mechanical engines.", NULL };
  const char *page2[] = { "Early machines", "The Difference Engine computed tables.", NULL };
  const char *page3[] = { "More about early machines.", NULL };
  const char *page4[] = { "Results", "Programs ran on the engines at last.", NULL };
  const char * const *pages[] = { page1, page2, page3, page4 };
  const OutlineEntry outline[] = {
    { "Introduction", 1, -1 },
    { "Early machines", 2, 0 },
    { "Results", 4, -1 },
  };
  g_autofree char *path = draw_pdf (fixture, "outline.pdf", pages, 4, outline, G_N_ELEMENTS (outline));
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = NULL;
  const char * const intro[] = { "Introduction", NULL };
  const char * const early[] = { "Introduction", "Early machines", NULL };
  const char * const results[] = { "Results", NULL };

  document = read_pdf (path, &error);
  g_assert_no_error (error);

  g_assert_true (g_strv_equal (pp_document_block_get_section_path (find_block (document, "mechanical")), intro));
  g_assert_true (g_strv_equal (pp_document_block_get_section_path (find_block (document, "Difference")), early));
  /* A section goes on over the next page */
  g_assert_true (g_strv_equal (pp_document_block_get_section_path (find_block (document, "More about")), early));
  g_assert_cmpuint (pp_document_block_get_page (find_block (document, "More about")), ==, 3);
  g_assert_true (g_strv_equal (pp_document_block_get_section_path (find_block (document, "at last")), results));
}

static void
assert_read_error (const char *path,
                   int         code,
                   const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) document = read_pdf (path, &error);
  g_autofree char *basename = g_path_get_basename (path);

  g_assert_null (document);
  g_assert_error (error, PP_READER_ERROR, code);
  g_assert_nonnull (strstr (error->message, basename));
  g_assert_nonnull (strstr (error->message, words));
}

static void
test_errors_image_only (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const char * const *pages[] = { NULL, NULL };
  g_autofree char *path = draw_pdf (fixture, "scan.pdf", pages, 2, NULL, 0);

  assert_read_error (path, PP_READER_ERROR_NO_TEXT, "no text layer");
}

static void
test_errors_truncated (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *page1[] = { "A page that will be cut off.", NULL };
  const char * const *pages[] = { page1 };
  g_autofree char *path = draw_pdf (fixture, "whole.pdf", pages, 1, NULL, 0);
  g_autofree char *cut_path = g_build_filename (fixture->dir, "cut.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  /* The header and the start of the first object, nothing more */
  g_file_set_contents (cut_path, contents, MIN (length, 64), &error);
  g_assert_no_error (error);

  assert_read_error (cut_path, PP_READER_ERROR_CORRUPT, "not a readable PDF file");
}

static void
test_errors_encrypted (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const char *page1[] = { "A secret page.", NULL };
  const char * const *pages[] = { page1 };
  g_autofree char *path = draw_pdf (fixture, "plain.pdf", pages, 1, NULL, 0);
  g_autofree char *locked_path = g_build_filename (fixture->dir, "locked.pdf", NULL);
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  g_autoptr(GError) error = NULL;
  int status;

  /* cairo cannot encrypt; qpdf (Debian's qpdf) can */
  if (qpdf == NULL)
    {
      g_test_skip ("qpdf is not installed");
      return;
    }

  {
    const char *argv[] = { qpdf, "--encrypt", "reader-password", "owner-password", "256", "--",
                           path, locked_path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_spawn_check_wait_status (status, &error);
    g_assert_no_error (error);
  }

  assert_read_error (locked_path, PP_READER_ERROR_ENCRYPTED, "encrypted");
}

/* Run by hand: test-reader-pdf -m perf */
static void
test_perf_300_pages (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char * const **pages = g_new0 (const char * const *, 300);
  g_autofree char *path = NULL;
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  clock_t start;
  double cpu_s;

  for (guint l = 0; l < 45; l++)
    g_ptr_array_add (lines, g_strdup_printf ("Line %u of a page of text about engines, machines and programs.", l));
  g_ptr_array_add (lines, NULL);
  for (guint p = 0; p < 300; p++)
    pages[p] = (const char * const *) lines->pdata;
  path = draw_pdf (fixture, "long.pdf", pages, 300, NULL, 0);

  start = clock ();
  document = read_pdf (path, &error);
  cpu_s = (double) (clock () - start) / CLOCKS_PER_SEC;
  g_assert_no_error (error);

  g_test_minimized_result (cpu_s, "read a 300-page PDF file (%" G_GSIZE_FORMAT " bytes of text) in %.3f s of CPU",
                           pp_document_get_length (document), cpu_s);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/reader-pdf/pages/text-per-page", Fixture, NULL,
              fixture_set_up, test_pages_text_per_page, fixture_tear_down);
  g_test_add ("/reader-pdf/outline/section-paths", Fixture, NULL,
              fixture_set_up, test_outline_section_paths, fixture_tear_down);
  g_test_add ("/reader-pdf/errors/image-only", Fixture, NULL,
              fixture_set_up, test_errors_image_only, fixture_tear_down);
  g_test_add ("/reader-pdf/errors/truncated", Fixture, NULL,
              fixture_set_up, test_errors_truncated, fixture_tear_down);
  g_test_add ("/reader-pdf/errors/encrypted", Fixture, NULL,
              fixture_set_up, test_errors_encrypted, fixture_tear_down);
  if (g_test_perf ())
    g_test_add ("/reader-pdf/perf/300-pages", Fixture, NULL,
                fixture_set_up, test_perf_300_pages, fixture_tear_down);

  return g_test_run ();
}
