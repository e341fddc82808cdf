/* test-json-text-indent.c: compact JSON text indented as it is copied
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-json-text-indent-private.h"
#include "pp-json-value-private.h"

/* Texts whose strings hold what is structure outside them: brackets,
 * commas, colons, escaped quotes and backslashes */
static const char * const texts[] = {
  "null",
  "\"a string\"",
  "-12.5e-7",
  "{}",
  "[]",
  "[{}, [], {\"a\": []}, [{}]]",
  "{\"@context\": \"https://schema.org\", \"@graph\": [{\"@id\": \"_:b0\", \"name\": \"Ada\"},"
  " {\"@id\": \"urn:x\", \"knows\": [{\"@id\": \"_:b0\"}, {\"@id\": \"urn:y\"}]}]}",
  "{\"a{b\": \"[c,d]:e\", \"f\\\"g\": \"h\\\\\", \"i\\\\\": \"\\\"}]\", \"j\": [true, false, null]}",
  "[\"\\\\\\\"\", \"\\\\\", \"\\u0000\\n\\t\", \"\\u00e9\\u2603\", 1e+21, 0.000001]",
  "[[[[[[[[[[[[[[[[[[[[{\"deep\": [1, {\"deeper\": {}}]}]]]]]]]]]]]]]]]]]]]]",
  /* empty strings, keys and containers next to one another */
  "{\"\": \"\", \"e\": [[], [[]], {}, [{}], \"\"], \"o\": {\"\": {}}}",
  /* quotes escaped at the start and the end of a string, and after
   * backslashes escaped themselves */
  "[\"\\\"x\", \"x\\\"\", \"\\\\\\\\\", \"\\\\\\\\\\\"\\\\\", \"\\\"\\\"\\\"\"]",
  /* strings longer than a vector, quotes and brackets in them at every
   * place */
  "{\"a long key with [brackets], {braces}, commas, and: colons\": "
  "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\\\"}]0123456789abcdef"
  "0123456789abcdef0123456789abcdef0123456789abcdef\", \"k\": [\"x\", 1, -2.5, true, false, null]}",
  /* UTF-8 as it is, and escaped */
  "{\"caf\\u00e9\": \"\\u2603 \\ud83d\\ude00 {\\u65e5}\", \"\\u00e9\": [\"[\\u00e9]\"]}",
  "{\"caf\xc3\xa9\": \"\xe2\x98\x83 \xf0\x9f\x98\x80 {\xe6\x97\xa5}\", \"\xc3\xa9\": [\"[\xc3\xa9]\"]}",
};

/* The text of @value written with @flags */
static char *
write_value (const PpJsonValue *value,
             PpJsonWriteFlags   flags)
{
  GString *out = g_string_new (NULL);

  pp_json_value_write (out, value, flags);

  return g_string_free (out, FALSE);
}

/* Indenting the compact text gives the indented one */
static void
test_indented_as_written (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(GError) error = NULL;
      PpJsonValue *value = pp_json_value_parse (arena, texts[i], -1, &error);
      g_autofree char *compact = NULL;
      g_autofree char *pretty = NULL;
      g_autoptr(GString) indented = g_string_new (NULL);

      g_assert_no_error (error);
      compact = write_value (value, PP_JSON_WRITE_NONE);
      pretty = write_value (value, PP_JSON_WRITE_PRETTY);
      pp_json_text_append_indented (indented, compact, strlen (compact), 0);
      g_assert_cmpstr (indented->str, ==, pretty);
    }
}

/* Indented at a level, the text is as it is written nested that deep:
 * inside two arrays, it is written at level 2 */
static void
test_indented_at_level (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(GError) error = NULL;
      PpJsonValue *value = pp_json_value_parse (arena, texts[i], -1, &error);
      PpJsonValue *inner = pp_json_value_new_array (arena, 1);
      PpJsonValue *outer = pp_json_value_new_array (arena, 1);
      g_autofree char *compact = NULL;
      g_autofree char *nested = NULL;
      g_autoptr(GString) indented = g_string_new ("[\n  [\n    ");

      g_assert_no_error (error);
      pp_json_array_append (arena, inner, value);
      pp_json_array_append (arena, outer, inner);
      compact = write_value (value, PP_JSON_WRITE_NONE);
      nested = write_value (outer, PP_JSON_WRITE_PRETTY);
      pp_json_text_append_indented (indented, compact, strlen (compact), 2);
      pp_json_text_append_newline (indented, 1);
      g_string_append_c (indented, ']');
      pp_json_text_append_newline (indented, 0);
      g_string_append_c (indented, ']');
      g_assert_cmpstr (indented->str, ==, nested);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-text-indent/indented-as-written", test_indented_as_written);
  g_test_add_func ("/json-text-indent/indented-at-level", test_indented_at_level);

  return g_test_run ();
}
