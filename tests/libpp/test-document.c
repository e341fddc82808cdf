/* test-document.c: PpDocument's check of its text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

/* Texts valid or not, with the invalid bytes at the start, in the middle
 * and at the end of a word, of a run of other bytes, and of the text */
static const char *texts[] = {
  "plain ASCII text, longer than a word of eight bytes",
  "caf\xc3\xa9, na\xc3\xafve, \xe2\x82\xac 5, \xf0\x9f\x98\x80 and \xe4\xb8\xad\xe6\x96\x87",
  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 only two-byte characters",
  "\xff at the start",
  "a lone continuation byte \x80 in the middle",
  "a sequence cut short \xe2\x82 by ASCII",
  "a sequence cut short at the end \xe2\x82",
  "twelve bytes\xc3",
  "an overlong \xc0\xaf slash",
  "an overlong \xe0\x80\xaf slash in three bytes",
  "a surrogate \xed\xa0\x80 half",
  "beyond U+10FFFF \xf4\x90\x80\x80 here",
  "valid \xc3\xa9\xe2\x82\xac then invalid \xc3\xa9\xc3 then more",
  "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xc3",
  "seven b\xc3\xa9",
  "sixteen bytes ok\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3",
};

/* A document accepts a text when g_utf8_validate_len() does, and names
 * the byte where it stops when it does not */
static void
test_document_utf8_as_glib (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      gsize length = strlen (texts[i]);
      const char *end = NULL;
      gboolean valid = g_utf8_validate_len (texts[i], length, &end);
      g_autoptr(GError) error = NULL;
      g_autoptr(PpDocument) document = NULL;

      document = pp_document_new_from_text ("text.txt", texts[i], length, PP_TEXT_FORMAT_PLAIN, &error);
      if (valid)
        {
          g_assert_no_error (error);
          g_assert_nonnull (document);
        }
      else
        {
          g_autofree char *where = g_strdup_printf ("(at byte %" G_GSIZE_FORMAT ")",
                                                    (gsize) (end - texts[i]));

          g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_INVALID_UTF8);
          g_assert_null (document);
          g_assert_nonnull (strstr (error->message, where));
        }
    }
}

/* Every byte of a long text, changed in turn to one that cannot start a
 * sequence, is found where GLib finds it */
static void
test_document_utf8_each_position (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 8; i++)
    g_string_append (text, "Grace \xc3\xa9t\xc3\xa9 \xe2\x82\xac ");

  for (gsize at = 0; at < text->len; at++)
    {
      g_autofree char *copy = g_memdup2 (text->str, text->len);
      const char *end = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(PpDocument) document = NULL;
      g_autofree char *where = NULL;

      copy[at] = '\xff';
      g_assert_false (g_utf8_validate_len (copy, text->len, &end));
      where = g_strdup_printf ("(at byte %" G_GSIZE_FORMAT ")", (gsize) (end - copy));

      document = pp_document_new_from_text ("text.txt", copy, text->len, PP_TEXT_FORMAT_PLAIN, &error);
      g_assert_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_INVALID_UTF8);
      g_assert_nonnull (strstr (error->message, where));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/document/text/utf8-as-glib", test_document_utf8_as_glib);
  g_test_add_func ("/document/text/utf8-each-position", test_document_utf8_each_position);

  return g_test_run ();
}
