/* test-segmenter.c: PpSegmenter and PpDocument
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

static GPtrArray *
split (guint         max_chars,
       guint         overlap,
       const char   *text,
       PpTextFormat  format)
{
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (max_chars);
  g_autoptr(GError) error = NULL;
  GPtrArray *segments;

  pp_segmenter_set_overlap (segmenter, overlap);
  segments = pp_segmenter_split (segmenter, text, -1, format, &error);
  g_assert_no_error (error);
  g_assert_nonnull (segments);

  return segments;
}

/* Every segment is the source range it claims, within budget, and valid
 * UTF-8; indexes run from 0 */
static void
assert_segments_sound (GPtrArray  *segments,
                       const char *text,
                       guint       max_chars)
{
  for (guint i = 0; i < segments->len; i++)
    {
      PpSegment *segment = segments->pdata[i];
      const char *seg_text = pp_segment_get_text (segment);
      gsize len = pp_segment_get_length (segment);

      g_assert_cmpuint (pp_segment_get_index (segment), ==, i);
      g_assert_cmpuint (len, >, 0);
      g_assert_true (g_utf8_validate_len (seg_text, len, NULL));
      g_assert_cmpuint (g_utf8_strlen (seg_text, len), <=, max_chars);
      g_assert_cmpint (memcmp (text + pp_segment_get_offset (segment), seg_text, len), ==, 0);
      g_assert_cmpuint (strlen (pp_segment_get_hash (segment)), ==, 64);
    }
}

static void
test_paragraph_packing (void)
{
  const char *text =
    "First paragraph, short.\n\n"
    "Second paragraph, also short.\n\n\n"
    "Third paragraph is here.\n";
  g_autoptr(GPtrArray) all = split (1000, 0, text, PP_TEXT_FORMAT_PLAIN);
  g_autoptr(GPtrArray) one_each = split (30, 0, text, PP_TEXT_FORMAT_PLAIN);
  g_autoptr(GPtrArray) two = split (60, 0, text, PP_TEXT_FORMAT_PLAIN);

  g_assert_cmpuint (all->len, ==, 1);
  g_assert_true (g_str_has_prefix (pp_segment_get_text (all->pdata[0]), "First"));
  g_assert_true (g_str_has_suffix (pp_segment_get_text (all->pdata[0]), "here."));
  assert_segments_sound (all, text, 1000);

  g_assert_cmpuint (one_each->len, ==, 3);
  g_assert_cmpstr (pp_segment_get_text (one_each->pdata[1]), ==, "Second paragraph, also short.");
  assert_segments_sound (one_each, text, 30);

  /* Greedy: the first two fit in 60 characters together, the third does not */
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_true (g_str_has_suffix (pp_segment_get_text (two->pdata[0]), "also short."));
  g_assert_cmpstr (pp_segment_get_text (two->pdata[1]), ==, "Third paragraph is here.");
  assert_segments_sound (two, text, 60);
}

static void
test_sentence_split (void)
{
  const char *text =
    "Ada Lovelace wrote notes. Charles Babbage built engines! Did they meet? "
    "They did, in London.";
  g_autoptr(GPtrArray) segments = split (40, 0, text, PP_TEXT_FORMAT_PLAIN);

  g_assert_cmpuint (segments->len, ==, 3);
  g_assert_cmpstr (pp_segment_get_text (segments->pdata[0]), ==, "Ada Lovelace wrote notes.");
  g_assert_cmpstr (pp_segment_get_text (segments->pdata[1]), ==, "Charles Babbage built engines!");
  g_assert_cmpstr (pp_segment_get_text (segments->pdata[2]), ==, "Did they meet? They did, in London.");
  assert_segments_sound (segments, text, 40);
}

static void
test_utf8_boundaries (void)
{
  /* One long "sentence" of multi-byte characters with no space: the hard
   * split must land on character boundaries */
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) segments = NULL;
  gsize total = 0;

  for (guint i = 0; i < 100; i++)
    g_string_append (text, "é漢😀");

  segments = split (17, 0, text->str, PP_TEXT_FORMAT_PLAIN);
  assert_segments_sound (segments, text->str, 17);
  g_assert_cmpuint (segments->len, ==, (300 + 16) / 17);
  for (guint i = 0; i < segments->len; i++)
    total += pp_segment_get_length (segments->pdata[i]);
  g_assert_cmpuint (total, ==, text->len);
}

/* Paragraphs are packed by characters, not bytes: "é漢😀é漢" is 5
 * characters in 14 bytes; with the blank line and a paragraph of 9,
 * 16 characters, the budget exactly */
static void
test_multibyte_packing (void)
{
  const char *text = "é漢😀é漢\n\né漢😀é漢é漢😀é\n";
  g_autoptr(GPtrArray) segments = split (16, 0, text, PP_TEXT_FORMAT_PLAIN);

  g_assert_cmpuint (segments->len, ==, 1);
  g_assert_cmpstr (pp_segment_get_text (segments->pdata[0]), ==, "é漢😀é漢\n\né漢😀é漢é漢😀é");
  assert_segments_sound (segments, text, 16);
}

/* The text between two packed paragraphs counts within the budget as it
 * is: 5 + 2 + 10 characters do not fit in 16 */
static void
test_separator_within_budget (void)
{
  const char *text = "é漢😀é漢\n\né漢😀é漢é漢😀é漢\n";
  g_autoptr(GPtrArray) segments = split (16, 0, text, PP_TEXT_FORMAT_PLAIN);

  assert_segments_sound (segments, text, 16);
  g_assert_cmpuint (segments->len, ==, 2);
}

static void
test_markdown_headings (void)
{
  const char *text =
    "# Computing\n\nIntro to the field.\n\n"
    "## Pioneers\n\nAda Lovelace.\n\nAlan Turing.\n\n"
    "## Machines ##\n\n```\ncode\n\nstill code\n```\n\n"
    "# Other\n\nThe end.\n";
  g_autoptr(GPtrArray) segments = split (1000, 0, text, PP_TEXT_FORMAT_MARKDOWN);
  const char * const *path;

  /* A heading always starts a new segment */
  g_assert_cmpuint (segments->len, ==, 4);
  assert_segments_sound (segments, text, 1000);

  path = pp_segment_get_heading_path (segments->pdata[0]);
  g_assert_cmpuint (g_strv_length ((char **) path), ==, 1);
  g_assert_cmpstr (path[0], ==, "Computing");

  path = pp_segment_get_heading_path (segments->pdata[1]);
  g_assert_cmpuint (g_strv_length ((char **) path), ==, 2);
  g_assert_cmpstr (path[1], ==, "Pioneers");
  g_assert_true (g_str_has_prefix (pp_segment_get_text (segments->pdata[1]), "## Pioneers"));
  g_assert_true (g_str_has_suffix (pp_segment_get_text (segments->pdata[1]), "Alan Turing."));

  /* Closing hashes are not part of the title; the fence stays whole */
  path = pp_segment_get_heading_path (segments->pdata[2]);
  g_assert_cmpstr (path[1], ==, "Machines");
  g_assert_true (g_str_has_suffix (pp_segment_get_text (segments->pdata[2]), "still code\n```"));

  path = pp_segment_get_heading_path (segments->pdata[3]);
  g_assert_cmpuint (g_strv_length ((char **) path), ==, 1);
  g_assert_cmpstr (path[0], ==, "Other");
}

static void
test_overlap (void)
{
  const char *text = "Alpha beta gamma.\n\nDelta epsilon zeta.\n\nEta theta iota.\n";
  g_autoptr(GPtrArray) segments = split (40, 10, text, PP_TEXT_FORMAT_PLAIN);

  g_assert_cmpuint (segments->len, >=, 2);
  assert_segments_sound (segments, text, 40);
  /* The second segment starts inside the first one's text */
  g_assert_cmpuint (pp_segment_get_offset (segments->pdata[1]), <,
                    pp_segment_get_offset (segments->pdata[0]) + pp_segment_get_length (segments->pdata[0]));
}

static void
test_empty_and_invalid (void)
{
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (100);
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) blank = NULL;
  g_autoptr(GPtrArray) invalid = NULL;
  g_autoptr(GPtrArray) binary = NULL;
  g_autoptr(GError) error = NULL;

  empty = pp_segmenter_split (segmenter, "", 0, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  blank = pp_segmenter_split (segmenter, " \n\n\t\n", -1, PP_TEXT_FORMAT_MARKDOWN, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blank->len, ==, 0);

  invalid = pp_segmenter_split (segmenter, "ok \xc3\x28 bad", -1, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_null (invalid);
  g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_INVALID_UTF8);
  g_assert_nonnull (strstr (error->message, "byte 3"));
  g_clear_error (&error);

  binary = pp_segmenter_split (segmenter, "ab\0cd", 5, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_null (binary);
  g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_BINARY);
}

static void
test_document_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpDocument) doc = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-test-XXXXXX", NULL);
  g_autofree char *empty_path = g_build_filename (dir, "empty.md", NULL);
  g_autofree char *bad_path = g_build_filename (dir, "bad.txt", NULL);
  g_autofree char *good_path = g_build_filename (dir, "good.md", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.md", NULL);
  g_autoptr(GFile) empty = g_file_new_for_path (empty_path);
  g_autoptr(GFile) bad = g_file_new_for_path (bad_path);
  g_autoptr(GFile) good = g_file_new_for_path (good_path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);

  g_assert_true (g_file_set_contents (empty_path, "\n\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad_path, "\xff\xfe", -1, NULL));
  g_assert_true (g_file_set_contents (good_path, "# T\n\nText.\n", -1, NULL));

  g_assert_null (pp_document_new_from_file (empty, NULL, &error));
  g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_EMPTY);
  g_assert_nonnull (strstr (error->message, "empty.md"));
  g_clear_error (&error);

  g_assert_null (pp_document_new_from_file (bad, NULL, &error));
  g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_INVALID_UTF8);
  g_assert_nonnull (strstr (error->message, "bad.txt"));
  g_clear_error (&error);

  g_assert_null (pp_document_new_from_file (missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.md"));
  g_clear_error (&error);

  doc = pp_document_new_from_file (good, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pp_document_get_format (doc), ==, PP_TEXT_FORMAT_MARKDOWN);
  g_assert_cmpstr (pp_document_get_text (doc), ==, "# T\n\nText.\n");

  g_unlink (empty_path);
  g_unlink (bad_path);
  g_unlink (good_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/segmenter/paragraph-packing", test_paragraph_packing);
  g_test_add_func ("/segmenter/sentence-split", test_sentence_split);
  g_test_add_func ("/segmenter/utf8-boundaries", test_utf8_boundaries);
  g_test_add_func ("/segmenter/paragraph-packing/multibyte", test_multibyte_packing);
  g_test_add_func ("/segmenter/paragraph-packing/separator-within-budget", test_separator_within_budget);
  g_test_add_func ("/segmenter/markdown-headings", test_markdown_headings);
  g_test_add_func ("/segmenter/overlap", test_overlap);
  g_test_add_func ("/segmenter/empty-and-invalid", test_empty_and_invalid);
  g_test_add_func ("/document/errors", test_document_errors);

  return g_test_run ();
}
