/* test-json-write.c: pp_json_string_append_quoted()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

/* What JSON requires escaped is, and nothing else: json-glib reads back
 * the text it was given */
static void
test_quoted_read_back (void)
{
  g_autoptr(GString) text = g_string_new ("quote \" backslash \\ slash / caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 ");
  g_autoptr(GString) out = g_string_new ("[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  for (guint c = 1; c < 0x20; c++)
    g_string_append_c (text, (char) c);
  g_string_append (text, "\x7f end");

  g_assert_true (pp_json_string_append_quoted (out, text->str, -1) == out);
  g_string_append_c (out, ']');

  for (gsize i = 0; i < out->len; i++)
    g_assert_cmpint ((guchar) out->str[i], >=, 0x20);
  g_assert_nonnull (strstr (out->str, "caf\xc3\xa9 \xe2\x98\x83"));
  g_assert_nonnull (strstr (out->str, "\\\" backslash \\\\ slash /"));
  g_assert_nonnull (strstr (out->str, "\\b\\t\\n\\u000b\\f\\r"));
  g_assert_nonnull (strstr (out->str, "\\u001f\x7f end"));

  node = json_from_string (out->str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (node), 0), ==, text->str);
}

/* A length: the text may hold a NUL, and stops where it says */
static void
test_quoted_length (void)
{
  g_autoptr(GString) out = g_string_new ("prefix:");

  pp_json_string_append_quoted (out, "a\0b and more", 3);
  g_assert_cmpstr (out->str, ==, "prefix:\"a\\u0000b\"");

  g_string_truncate (out, 0);
  pp_json_string_append_quoted (out, "", -1);
  g_assert_cmpstr (out->str, ==, "\"\"");

  g_string_truncate (out, 0);
  pp_json_string_append_quoted (out, NULL, 0);
  g_assert_cmpstr (out->str, ==, "\"\"");
}

/* The escape of the byte @c in a JSON string, one byte at a time */
static void
append_escaped_byte (GString *out,
                     guchar   c)
{
  switch (c)
    {
    case '"': g_string_append (out, "\\\""); break;
    case '\\': g_string_append (out, "\\\\"); break;
    case '\b': g_string_append (out, "\\b"); break;
    case '\f': g_string_append (out, "\\f"); break;
    case '\n': g_string_append (out, "\\n"); break;
    case '\r': g_string_append (out, "\\r"); break;
    case '\t': g_string_append (out, "\\t"); break;
    default:
      if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
      break;
    }
}

/* Text is scanned several bytes at a time: a byte to escape, or one that
 * is next to those in value, is written right at every place of a word
 * and of the bytes after the last whole word */
static void
test_quoted_every_position (void)
{
  static const guchar bytes[] = {
    '"', '\\', '\n', '\0', 0x01, 0x1f, 0x20, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0xc3,
  };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  char text[24];

  for (gsize length = 1; length <= sizeof text; length++)
    for (gsize at = 0; at < length; at++)
      for (gsize b = 0; b < G_N_ELEMENTS (bytes); b++)
        {
          memset (text, 'a', length);
          text[at] = (char) bytes[b];

          g_string_assign (expected, "\"");
          for (gsize i = 0; i < length; i++)
            append_escaped_byte (expected, (guchar) text[i]);
          g_string_append_c (expected, '"');

          g_string_truncate (out, 0);
          pp_json_string_append_quoted (out, text, length);
          g_assert_cmpstr (out->str, ==, expected->str);
        }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-write/quoted/read-back", test_quoted_read_back);
  g_test_add_func ("/json-write/quoted/length", test_quoted_length);
  g_test_add_func ("/json-write/quoted/escape-at-every-position", test_quoted_every_position);

  return g_test_run ();
}
