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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-write/quoted/read-back", test_quoted_read_back);
  g_test_add_func ("/json-write/quoted/length", test_quoted_length);

  return g_test_run ();
}
