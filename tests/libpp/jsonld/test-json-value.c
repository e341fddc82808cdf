/* test-json-value.c: the JSON values of the JSON-LD core
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-json-value-private.h"

static const char * const round_trip_texts[] = {
  "null",
  "true",
  "[false,true,null]",
  "0",
  "-0",
  "9223372036854775807",
  "-9223372036854775808",
  "1.5",
  "1.50",
  "1e2",
  "1E-7",
  "123456789012345678901234567890.0",
  "0.1",
  "\"\"",
  "\"caf\\u00e9 \\ud83d\\ude00 \\\"quoted\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u001f\"",
  "\"plain ASCII and UTF-8: café, 日本\"",
  "{}",
  "[]",
  "{\"a\":1,\"b\":[1,2,{\"c\":null}],\"@id\":\"http://example.org/\"}",
  "  {\"z\": 1, \"a\": 2, \"m\": {\"y\": [], \"b\": {}}}  ",
  "\xEF\xBB\xBF[1]",
};

/* the values write the same bytes as the json-glib tree of the same text */
static void
test_round_trip (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (round_trip_texts); i++)
    {
      const char *text = round_trip_texts[i];
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GString) written = g_string_new (NULL);
      g_autoptr(GString) pretty = g_string_new (NULL);
      g_autofree char *expected = NULL;
      g_autofree char *expected_pretty = NULL;
      g_autofree char *again = NULL;
      g_autoptr(JsonNode) converted = NULL;
      PpJsonValue *value;

      g_test_message ("%s", text);
      value = pp_json_value_parse (arena, text, -1, &error);
      g_assert_no_error (error);
      g_assert_nonnull (value);

      node = pp_json_parse (text, -1, &error);
      g_assert_no_error (error);
      expected = pp_jsonld_to_json (node, FALSE);
      expected_pretty = pp_jsonld_to_json (node, TRUE);

      pp_json_value_write (written, value, PP_JSON_WRITE_NONE);
      g_assert_cmpstr (written->str, ==, expected);
      pp_json_value_write (pretty, value, PP_JSON_WRITE_PRETTY);
      g_assert_cmpstr (pretty->str, ==, expected_pretty);

      /* through JsonNode and back */
      converted = pp_json_value_to_json_node (value);
      g_assert_true (json_node_equal (converted, node));
      again = pp_jsonld_to_json (converted, FALSE);
      g_assert_cmpstr (again, ==, expected);
    }
}

static void
test_sorted_write (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GBytes) bytes = NULL;
  PpJsonValue *value;

  value = pp_json_value_parse (arena, "{\"b\":{\"y\":1,\"x\":2},\"a\":[{\"d\":0,\"c\":1}]}", -1, NULL);
  bytes = pp_json_value_to_bytes (value, PP_JSON_WRITE_SORTED);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   "{\"a\":[{\"c\":1,\"d\":0}],\"b\":{\"x\":2,\"y\":1}}", 39);
}

/* json-glib keeps a repeated member in its first place with its last value */
static void
test_repeated_member (void)
{
  g_autoptr(GString) members = g_string_new ("{");
  const char *texts[2] = { "{\"a\":1,\"b\":2,\"a\":3}", NULL };

  /* more members than are searched linearly */
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (members, "\"k%u\":%u,", i % 25, i);
  g_string_append (members, "\"k3\":\"last\"}");
  texts[1] = members->str;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(JsonNode) node = pp_json_parse (texts[i], -1, NULL);
      g_autoptr(GString) written = g_string_new (NULL);
      g_autofree char *expected = pp_jsonld_to_json (node, FALSE);
      PpJsonValue *value = pp_json_value_parse (arena, texts[i], -1, NULL);

      pp_json_value_write (written, value, PP_JSON_WRITE_NONE);
      g_assert_cmpstr (written->str, ==, expected);
    }
}

static void
test_interning (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) other = pp_json_arena_new ();
  g_autofree char *copy = g_strdup ("http://schema.org/name");
  const PpJsonMember *first, *second;
  const char *interned;
  PpJsonValue *value;

  interned = pp_json_arena_intern (arena, "http://schema.org/name");
  g_assert_true (interned == pp_json_arena_intern (arena, copy));
  g_assert_true (interned == pp_json_arena_intern_len (arena, "http://schema.org/name!", 22));
  g_assert_true (interned == pp_json_arena_lookup_interned (arena, copy));
  g_assert_null (pp_json_arena_lookup_interned (arena, "never interned"));
  g_assert_false (interned == pp_json_arena_intern (other, copy));

  /* keywords: the same pointers in every arena */
  g_assert_true (pp_json_arena_intern (arena, "@id") == PP_JSON_KW (ID));
  g_assert_true (pp_json_arena_intern (other, "@id") == PP_JSON_KW (ID));
  g_assert_true (pp_json_is_interned_keyword (PP_JSON_KW (VOCAB)));
  g_assert_true (pp_json_is_interned_keyword (pp_json_arena_intern (arena, "@requireAll")));
  g_assert_false (pp_json_is_interned_keyword (interned));
  g_assert_false (pp_json_is_interned_keyword (pp_json_arena_intern (arena, "@unknown")));

  /* member names of parsed objects are interned: equal names, equal pointers */
  value = pp_json_value_parse (arena, "[{\"@id\":\"x\",\"http://schema.org/name\":1},"
                                      "{\"@id\":\"y\",\"http://schema.org/name\":2}]", -1, NULL);
  first = pp_json_object_get_members (pp_json_array_get (value, 0));
  second = pp_json_object_get_members (pp_json_array_get (value, 1));
  g_assert_true (first[0].key == PP_JSON_KW (ID));
  g_assert_true (first[1].key == interned);
  g_assert_true (second[1].key == interned);
  g_assert_cmpint (pp_json_value_get_int (pp_json_object_get (pp_json_array_get (value, 1), interned)), ==, 2);
  g_assert_cmpstr (pp_json_object_get_string (pp_json_array_get (value, 1), PP_JSON_KW (ID)), ==, "y");
}

/* A string interned in one arena is interned in another by the hash and
 * length it keeps: the same copy as interning its text finds or makes */
static void
test_intern_interned (void)
{
  g_autoptr(PpJsonArena) source = pp_json_arena_new ();
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  const PpJsonMember *members;
  PpJsonValue *value;

  for (guint round = 0; round < 2; round++)
    {
      g_string_truncate (text, 0);
      for (guint len = 0; len < 80; len++)
        {
          const char *interned = pp_json_arena_intern_len (source, text->str, text->len);
          const char *copy;

          g_assert_true (pp_json_arena_intern_interned (source, interned) == interned);
          g_assert_cmpuint (pp_json_interned_hash (interned), ==,
                            pp_json_string_hash (text->str, text->len));

          /* every other string is in @arena already */
          if (len % 2 == 0)
            {
              copy = pp_json_arena_intern (arena, text->str);
              g_assert_true (pp_json_arena_intern_interned (arena, interned) == copy);
            }
          else
            {
              copy = pp_json_arena_intern_interned (arena, interned);
              g_assert_true (copy != interned);
              g_assert_cmpstr (copy, ==, text->str);
              g_assert_true (pp_json_arena_intern (arena, text->str) == copy);
            }
          g_assert_true (pp_json_arena_lookup_interned (arena, text->str) == copy);
          g_assert_cmpuint (pp_json_interned_hash (copy), ==, pp_json_interned_hash (interned));

          g_string_append_c (text, (char) ('a' + len % 26));
        }

      /* emptied, the arena interns them anew */
      pp_json_arena_reset (arena);
      g_assert_null (pp_json_arena_lookup_interned (arena, "a"));
    }

  /* keywords are the same everywhere */
  g_assert_true (pp_json_arena_intern_interned (arena, PP_JSON_KW (ID)) == PP_JSON_KW (ID));
  g_assert_cmpuint (pp_json_interned_hash (PP_JSON_KW (VALUE)), ==, pp_json_string_hash ("@value", 6));

  /* member names are interned */
  value = pp_json_value_parse (source, "{\"@id\": \"x\", \"http://schema.org/name\": 1, "
                                       "\"n\": 2, \"caf\u00e9\": 3}", -1, NULL);
  members = pp_json_object_get_members (value);
  for (guint i = 0; i < pp_json_value_get_size (value); i++)
    g_assert_true (pp_json_arena_intern_interned (arena, members[i].key) ==
                   pp_json_arena_intern (arena, members[i].key));
}

static void
test_number_text (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *value = pp_json_value_parse (arena, "[1.50, -0, 10, 2.5E+3, 12345678901234567890.0]", -1, NULL);

  g_assert_cmpint (pp_json_value_get_type (pp_json_array_get (value, 0)), ==, PP_JSON_TYPE_DOUBLE);
  g_assert_cmpfloat (pp_json_value_get_double (pp_json_array_get (value, 0)), ==, 1.5);
  g_assert_cmpstr (pp_json_value_get_number_text (pp_json_array_get (value, 0)), ==, "1.50");

  g_assert_cmpint (pp_json_value_get_type (pp_json_array_get (value, 1)), ==, PP_JSON_TYPE_INT);
  g_assert_cmpint (pp_json_value_get_int (pp_json_array_get (value, 1)), ==, 0);
  g_assert_cmpstr (pp_json_value_get_number_text (pp_json_array_get (value, 1)), ==, "-0");

  g_assert_cmpint (pp_json_value_get_int (pp_json_array_get (value, 2)), ==, 10);
  g_assert_cmpstr (pp_json_value_get_number_text (pp_json_array_get (value, 3)), ==, "2.5E+3");
  g_assert_cmpfloat (pp_json_value_get_double (pp_json_array_get (value, 3)), ==, 2500);
  g_assert_cmpstr (pp_json_value_get_number_text (pp_json_array_get (value, 4)), ==,
                   "12345678901234567890.0");

  /* built numbers have no text */
  g_assert_null (pp_json_value_get_number_text (pp_json_value_new_int (arena, 3)));
}

/* integers are read exactly up to both ends of 64 bits */
static void
test_integer_values (void)
{
  static const struct {
    const char *text;
    gint64      value;
  } cases[] = {
    { "0", 0 },
    { "-0", 0 },
    { "7", 7 },
    { "-1", -1 },
    { "1234567890123456789", G_GINT64_CONSTANT (1234567890123456789) },
    { "9223372036854775807", G_MAXINT64 },
    { "-9223372036854775807", -G_MAXINT64 },
    { "-9223372036854775808", G_MININT64 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autofree char *text = g_strdup_printf ("[%s]", cases[i].text);
      PpJsonValue *value = pp_json_value_parse (arena, text, -1, NULL);
      const PpJsonValue *number;

      g_test_message ("%s", cases[i].text);
      g_assert_nonnull (value);
      number = pp_json_array_get (value, 0);
      g_assert_cmpint (pp_json_value_get_type (number), ==, PP_JSON_TYPE_INT);
      g_assert_cmpint (pp_json_value_get_int (number), ==, cases[i].value);
      g_assert_cmpstr (pp_json_value_get_number_text (number), ==, cases[i].text);
    }
}

/* Parses @text (@length bytes, copied to a block of exactly that size, so
 * that reading past its end is caught under AddressSanitizer) and checks
 * that pp_json_validate() agrees; returns the error message or NULL */
static char *
parse_exact_copy (PpJsonArena  *arena,
                  const char   *text,
                  gsize         length,
                  PpJsonValue **value)
{
  g_autofree char *copy = g_memdup2 (text, length);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) validate_error = NULL;
  gboolean valid = pp_json_validate (copy, length, &validate_error);

  *value = pp_json_value_parse (arena, copy, length, &error);
  g_assert_true ((*value != NULL) == valid);
  if (*value != NULL)
    return NULL;

  g_assert_cmpstr (error->message, ==, validate_error->message);
  return g_strdup (error->message);
}

/* a byte that ends a run of plain ASCII in a string is found wherever it
 * stands, before, across and after blocks of 8 and 16 bytes, and at the
 * very end of the text */
static void
test_string_stop_byte_anywhere (void)
{
  static const struct {
    const char *bytes;     /* inserted into the string */
    const char *content;   /* the string value, or NULL: refused */
    const char *problem;   /* the start of the message when refused */
  } stops[] = {
    { "\x01", NULL, "the text is not JSON: unescaped control character U+0001 in a string" },
    { "\x1F", NULL, "the text is not JSON: unescaped control character U+001F in a string" },
    { "\xFF", NULL, "the text is not valid UTF-8" },
    { "\xC3", NULL, "the text is not valid UTF-8" },
    { "\xED\xA0\x80", NULL, "the text is not valid UTF-8" },
    { "\xC3\xA9", "\xC3\xA9", NULL },
    { "\xE6\x97\xA5\xF0\x9F\x98\x80", "\xE6\x97\xA5\xF0\x9F\x98\x80", NULL },
    { "\\n", "\n", NULL },
    { "\\\"", "\"", NULL },
    { "\x7F", "\x7F", NULL },
    { "~", "~", NULL },
  };

  for (guint before = 0; before <= 40; before++)
    for (guint after = 0; after <= 20; after += 3)
      for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
        {
          g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
          g_autoptr(GString) text = g_string_new ("\"");
          g_autoptr(GString) expected = g_string_new (NULL);
          g_autofree char *message = NULL;
          PpJsonValue *value;

          for (guint j = 0; j < before; j++)
            g_string_append_c (text, 'a' + j % 26);
          g_string_append (expected, text->str + 1);
          g_string_append (text, stops[i].bytes);
          g_string_append (expected, stops[i].content != NULL ? stops[i].content : "");
          for (guint j = 0; j < after; j++)
            g_string_append_c (text, 'A' + j % 26);
          g_string_append (expected, text->str + text->len - after);
          g_string_append_c (text, '"');

          message = parse_exact_copy (arena, text->str, text->len, &value);
          if (stops[i].content != NULL)
            {
              g_assert_null (message);
              g_assert_cmpmem (pp_json_value_get_string (value), pp_json_value_get_string_length (value),
                               expected->str, expected->len);
            }
          else
            {
              g_autofree char *position = g_strdup_printf (" at offset %u (line 1, column %u)",
                                                           1 + before, 2 + before);

              g_assert_nonnull (message);
              g_assert_true (g_str_has_prefix (message, stops[i].problem));
              g_assert_true (g_str_has_suffix (message, position));
            }

          /* the same string not closed, the text ending right after it */
          g_string_truncate (text, text->len - 1);
          if (stops[i].content != NULL)
            {
              g_clear_pointer (&message, g_free);
              message = parse_exact_copy (arena, text->str, text->len, &value);
              g_assert_cmpstr (message, ==,
                               "the text is not JSON: a string is not closed at offset 0 (line 1, column 1)");
            }
        }
}

/* member names are interned whatever their length and spelling, the same
 * name in nested objects stays apart, and an object with more names than
 * any lookaside holds still finds the names it repeats */
static void
test_member_names (void)
{
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GString) written = g_string_new (NULL);
  g_autofree char *expected = NULL;
  PpJsonValue *value;
  guint n_members = 0;

  for (guint round = 0; round < 3; round++)
    {
      g_string_append (text, "{\"\": 0, \"abcdefgh\": 1, \"abcdefghi\": 2, \"abcdefghijklmnop\": 3,"
                       " \"abcdefghijklmnoq\": 4, \"abcdefghijklmnopq\": 5,"
                       " \"\\u0061bcdefgh\": 6, \"caf\\u00e9\": 7, \"caf\xC3\xA9\": 8,"
                       " \"a\": {\"a\": 9, \"b\": {\"a\": 10}, \"a\": 11}, \"b\": 12, \"a\": 13},");
      /* more distinct names than are remembered, each twice */
      g_string_append_c (text, '{');
      for (guint i = 0; i < 300; i++)
        g_string_append_printf (text, "\"name %u\": %u, ", (i * 7) % 150, i);
      g_string_append (text, "\"last\": true},");
    }
  g_string_append (text, "{}]");

  value = pp_json_value_parse (arena, text->str, text->len, NULL);
  g_assert_nonnull (value);

  /* the values of json-glib's tree, where a name that comes again takes
   * the last value in its first place */
  node = pp_json_parse (text->str, text->len, NULL);
  expected = pp_jsonld_to_json (node, FALSE);
  pp_json_value_write (written, value, PP_JSON_WRITE_NONE);
  g_assert_cmpstr (written->str, ==, expected);

  for (guint i = 0; i < pp_json_value_get_size (value); i++)
    {
      const PpJsonValue *object = pp_json_array_get (value, i);
      const PpJsonMember *members = pp_json_object_get_members (object);

      for (guint j = 0; j < pp_json_value_get_size (object); j++)
        {
          g_assert_true (members[j].key == pp_json_arena_lookup_interned (arena, members[j].key));
          n_members++;
        }
    }
  g_assert_cmpuint (n_members, ==, 3 * (9 + 151));
  g_assert_nonnull (pp_json_arena_lookup_interned (arena, "abcdefgh"));
  g_assert_cmpint (pp_json_value_get_int (pp_json_object_lookup (pp_json_array_get (value, 0),
                                                                  "abcdefgh")), ==, 6);
  g_assert_cmpint (pp_json_value_get_int (pp_json_object_lookup (pp_json_array_get (value, 0),
                                                                  "caf\xC3\xA9")), ==, 8);
}

static char *
nested_arrays (guint depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');

  return g_string_free (text, FALSE);
}

/* Objects nested deeper than a builder has room for at first keep every
 * member at every level, many-membered ones (found by hash) included, and
 * a text cut short at the deepest level leaves nothing behind */
static void
test_deep_objects (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const guint depth = 200;
  const PpJsonValue *level;
  PpJsonValue *value;

  for (guint i = 0; i < depth; i++)
    {
      g_string_append_printf (text, "{\"a\":%u,", i);
      /* more members than are searched linearly, at some levels */
      if (i % 50 == 0)
        for (guint m = 0; m < 20; m++)
          g_string_append_printf (text, "\"m%u\":%u,", m, m);
      g_string_append (text, "\"k\":");
    }
  g_string_append (text, "null");
  for (guint i = 0; i < depth; i++)
    g_string_append_printf (text, ",\"z\":%u}", i);

  value = pp_json_value_parse (arena, text->str, text->len, &error);
  g_assert_no_error (error);

  level = value;
  for (guint i = 0; i < depth; i++)
    {
      g_assert_true (pp_json_value_is_object (level));
      g_assert_cmpint (pp_json_value_get_int (pp_json_object_lookup (level, "a")), ==, i);
      /* the closing members were written innermost first */
      g_assert_cmpint (pp_json_value_get_int (pp_json_object_lookup (level, "z")), ==, depth - 1 - i);
      if (i % 50 == 0)
        g_assert_cmpint (pp_json_value_get_int (pp_json_object_lookup (level, "m19")), ==, 19);
      level = pp_json_object_lookup (level, "k");
    }
  g_assert_true (pp_json_value_is_null (level));

  /* cut short with many levels open, some with tables of names: refused,
   * and nothing of the open levels is left (the sanitizers see to that) */
  g_string_truncate (text, text->len / 2);
  g_assert_null (pp_json_value_parse (arena, text->str, text->len, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX);
}

static void
test_too_deep (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autofree char *deepest = nested_arrays (PP_JSON_MAX_DEPTH);
  g_autofree char *too_deep = nested_arrays (PP_JSON_MAX_DEPTH + 1);
  g_autofree char *far_too_deep = nested_arrays (100000);
  g_autoptr(GError) error = NULL;
  PpJsonValue *value;

  value = pp_json_value_parse (arena, deepest, -1, &error);
  g_assert_no_error (error);
  g_assert_true (pp_json_value_is_array (value));

  g_assert_null (pp_json_value_parse (arena, too_deep, -1, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  g_assert_null (pp_json_value_parse (arena, far_too_deep, -1, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_TOO_DEEP);
}

/* every refusal as pp_json_validate() words it, with its position */
static void
test_refused (void)
{
  static const struct {
    const char *text;
    gssize      length;
    PpJsonError code;
    const char *message;
  } cases[] = {
    { "[\"ok\",\n \"caf\xC3\"]", -1, PP_JSON_ERROR_INVALID_ENCODING,
      "the text is not valid UTF-8 at offset 12 (line 2, column 6)" },
    { "{\"a\xFF\": 1}", -1, PP_JSON_ERROR_INVALID_ENCODING,
      "the text is not valid UTF-8 at offset 3 (line 1, column 4)" },
    { "[\"\\ud800\"]", -1, PP_JSON_ERROR_UNSUPPORTED_VALUE, NULL },
    { "[18446744073709551616]", -1, PP_JSON_ERROR_UNSUPPORTED_VALUE, NULL },
    { "1e400", -1, PP_JSON_ERROR_UNSUPPORTED_VALUE, NULL },
    { "[1,]", -1, PP_JSON_ERROR_INVALID_SYNTAX, NULL },
    { "{\"a\" 1}", -1, PP_JSON_ERROR_INVALID_SYNTAX, NULL },
    { "[1] [2]", -1, PP_JSON_ERROR_INVALID_SYNTAX, NULL },
    { "", 0, PP_JSON_ERROR_INVALID_SYNTAX, "the text is empty" },
    { "[1,\0 2]", 6, PP_JSON_ERROR_INVALID_ENCODING, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) expected = NULL;

      g_test_message ("case %u", i);
      g_assert_null (pp_json_value_parse (arena, cases[i].text, cases[i].length, &error));
      g_assert_error (error, PP_JSON_ERROR, (int) cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);

      g_assert_false (pp_json_validate (cases[i].text, cases[i].length, &expected));
      g_assert_cmpstr (error->message, ==, expected->message);
    }
}

/* a string value keeps an escaped NUL exactly, NUL inside its length, and
 * is written back byte for byte */
static void
test_escaped_nul_kept (void)
{
  static const char text[] = "[\"a\\u0000b\",\"\\u0000\",{\"k\":\"x\\u0000\\u0000y\\u0001\"}]";
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) written = NULL;
  PpJsonValue *value;
  const PpJsonValue *first;
  const PpJsonValue *nested;

  value = pp_json_value_parse (arena, text, -1, &error);
  g_assert_no_error (error);

  first = pp_json_array_get (value, 0);
  g_assert_cmpuint (pp_json_value_get_string_length (first), ==, 3);
  g_assert_cmpmem (pp_json_value_get_string (first), 4, "a\0b", 4);
  g_assert_cmpuint (pp_json_value_get_string_length (pp_json_array_get (value, 1)), ==, 1);
  nested = pp_json_object_lookup (pp_json_array_get (value, 2), "k");
  g_assert_cmpmem (pp_json_value_get_string (nested), pp_json_value_get_string_length (nested),
                   "x\0\0y\1", 5);

  written = pp_json_value_to_bytes (value, PP_JSON_WRITE_NONE);
  g_assert_cmpmem (g_bytes_get_data (written, NULL), g_bytes_get_size (written),
                   text, sizeof text - 1);
}

/* strings that differ after a NUL are different values */
static void
test_escaped_nul_equal (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *value = pp_json_value_parse (arena, "[\"a\\u0000b\",\"a\\u0000c\",\"a\",\"a\\u0000b\"]",
                                            -1, NULL);

  g_assert_false (pp_json_value_equal (pp_json_array_get (value, 0), pp_json_array_get (value, 1)));
  g_assert_false (pp_json_value_equal (pp_json_array_get (value, 0), pp_json_array_get (value, 2)));
  g_assert_true (pp_json_value_equal (pp_json_array_get (value, 0), pp_json_array_get (value, 3)));
  g_assert_cmpuint (pp_json_value_hash (pp_json_array_get (value, 0)), ==,
                    pp_json_value_hash (pp_json_array_get (value, 3)));
}

/* pp_json_validate() and pp_json_parse(), in front of json-glib, still
 * refuse the text the values keep */
static void
test_escaped_nul_validate_refuses (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_json_validate ("[\"a\\u0000b\"]", -1, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_UNSUPPORTED_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "unsupported escaped NUL character (\\u0000) in a string at offset 3 (line 1, column 4)");
  g_clear_error (&error);

  g_assert_null (pp_json_parse ("[\"a\\u0000b\"]", -1, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_UNSUPPORTED_VALUE);
}

/* a member name becomes a key, a term or an IRI, read as a C string: the
 * values refuse an escaped NUL there, and say where */
static void
test_escaped_nul_in_member_name (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (pp_json_value_parse (arena, "[{\"ok\": 1},\n {\"a\\u0000b\": 1}]", -1, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_UNSUPPORTED_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "unsupported escaped NUL character (\\u0000) in a member name at offset 16 "
                   "(line 2, column 5)");
}

/* json-glib cannot hold a string with NUL: the checked conversion names it
 * by its JSON Pointer instead of handing over a string cut short */
static void
test_escaped_nul_to_json_node (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  PpJsonValue *value;

  value = pp_json_value_parse (arena, "{\"x\":[1,{\"a/b~\":\"ab\\u0000c\"}]}", -1, &error);
  g_assert_no_error (error);
  g_assert_null (pp_json_value_to_json_node_checked (value, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_UNSUPPORTED_VALUE);
  g_assert_cmpstr (error->message, ==,
                   "the string at “/x/1/a~1b~0” holds a NUL character (U+0000) at byte 2, "
                   "which a JSON tree cannot hold");
  g_clear_error (&error);

  value = pp_json_value_parse (arena, "\"\\u0000\"", -1, &error);
  g_assert_no_error (error);
  g_assert_null (pp_json_value_to_json_node_checked (value, &error));
  g_assert_cmpstr (error->message, ==,
                   "the string holds a NUL character (U+0000) at byte 0, "
                   "which a JSON tree cannot hold");
  g_clear_error (&error);

  /* without NUL, the same tree as the unchecked conversion */
  value = pp_json_value_parse (arena, "{\"x\":[1,{\"a/b~\":\"abc\"}],\"y\":null}", -1, &error);
  g_assert_no_error (error);
  node = pp_json_value_to_json_node_checked (value, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) unchecked = pp_json_value_to_json_node (value);

    g_assert_true (json_node_equal (node, unchecked));
  }
}

static void
test_from_json_node_checks (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(JsonNode) bad_string = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) infinite = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) deep = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) written = g_string_new (NULL);
  JsonArray *inner = json_array_new ();

  json_node_set_string (bad_string, "caf\xC3");
  g_assert_null (pp_json_value_from_json_node (arena, bad_string, 512, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "invalid input: a string is not valid UTF-8");
  g_clear_error (&error);

  json_node_set_double (infinite, 1.0 / 0.0);
  g_assert_null (pp_json_value_from_json_node (arena, infinite, 512, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  /* unchecked, written as null as pp_jsonld_to_json() does */
  pp_json_value_write (written, pp_json_value_from_json_node_unchecked (arena, infinite), 0);
  g_assert_cmpstr (written->str, ==, "null");

  json_array_add_array_element (inner, json_array_new ());
  json_node_take_array (deep, inner);
  g_assert_nonnull (pp_json_value_from_json_node (arena, deep, 1, &error));
  g_assert_no_error (error);
  g_assert_null (pp_json_value_from_json_node (arena, deep, 0, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
}

static void
test_building (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) other = pp_json_arena_new ();
  const char *name = pp_json_arena_intern (arena, "name");
  PpJsonValue *object = pp_json_value_new_object (arena, 0);
  PpJsonValue *array = pp_json_value_new_array (arena, 0);
  PpJsonValue *copy;
  g_autoptr(GString) out = g_string_new (NULL);

  pp_json_object_set (arena, object, PP_JSON_KW (ID), pp_json_value_new_string (arena, "_:b0"));
  pp_json_object_set (arena, object, name, pp_json_value_new_string (arena, "first"));
  pp_json_object_set (arena, object, PP_JSON_KW (ID), pp_json_value_new_string (arena, "_:b1"));
  pp_json_object_add_value (arena, object, PP_JSON_KW (TYPE), pp_json_value_new_string_static (arena, "T"), TRUE);
  pp_json_object_add_value (arena, object, name, pp_json_value_new_double (arena, 0.5), FALSE);
  pp_json_value_write (out, object, 0);
  g_assert_cmpstr (out->str, ==, "{\"@id\":\"_:b1\",\"name\":[\"first\",0.5],\"@type\":[\"T\"]}");

  g_assert_true (pp_json_object_remove (object, PP_JSON_KW (ID)));
  g_assert_false (pp_json_object_remove (object, PP_JSON_KW (ID)));
  g_assert_nonnull (pp_json_object_lookup (object, "name"));
  g_string_truncate (out, 0);
  pp_json_value_write (out, object, 0);
  g_assert_cmpstr (out->str, ==, "{\"name\":[\"first\",0.5],\"@type\":[\"T\"]}");

  /* arrays grow past the arena's chunks */
  for (guint i = 0; i < 100000; i++)
    pp_json_array_append (arena, array, pp_json_value_new_int (arena, i));
  g_assert_cmpuint (pp_json_value_get_size (array), ==, 100000);
  for (guint i = 0; i < 100000; i += 997)
    g_assert_cmpint (pp_json_value_get_int (pp_json_array_get (array, i)), ==, i);

  copy = pp_json_value_copy (other, object);
  g_assert_true (pp_json_value_equal (copy, object));
  g_assert_cmpuint (pp_json_value_hash (copy), ==, pp_json_value_hash (object));
  g_assert_true (pp_json_object_get_members (copy)[0].key == pp_json_arena_lookup_interned (other, "name"));
  g_assert_true (pp_json_value_is_node_object (copy));
  g_assert_false (pp_json_value_is_value_object (copy));
}

static void
test_equal (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *a = pp_json_value_parse (arena, "{\"x\":1,\"y\":[true,\"s\"]}", -1, NULL);
  PpJsonValue *b = pp_json_value_parse (arena, "{\"y\":[true,\"s\"],\"x\":1.0}", -1, NULL);
  PpJsonValue *c = pp_json_value_parse (arena, "{\"y\":[true,\"t\"],\"x\":1}", -1, NULL);

  g_assert_true (pp_json_value_equal (a, b));
  g_assert_cmpuint (pp_json_value_hash (a), ==, pp_json_value_hash (b));
  g_assert_false (pp_json_value_equal (a, c));
}

/* bytes in, bytes out: the same document as the tree path gives */
static void
test_flatten_bytes (void)
{
  const char *text =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"},"
    " \"@graph\": [{\"@id\": \"http://example.org/a\", \"name\": \"A\","
    " \"address\": {\"streetAddress\": \"1 Main Street\"}},"
    " {\"@id\": \"http://example.org/a\", \"age\": 1.5}]}";
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));
  g_autoptr(GBytes) flattened = NULL;
  g_autoptr(GBytes) pretty = NULL;
  g_autoptr(JsonNode) tree = pp_json_parse (text, -1, NULL);
  g_autoptr(JsonNode) expected_tree = pp_jsonld_flatten (tree, NULL, NULL, NULL, NULL);
  g_autofree char *expected = pp_jsonld_to_json (expected_tree, FALSE);
  g_autofree char *expected_pretty = pp_jsonld_to_json (expected_tree, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) broken = g_bytes_new_static ("[\"caf\xC3\"]", 8);

  flattened = pp_jsonld_flatten_bytes (input, NULL, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (flattened, NULL), g_bytes_get_size (flattened),
                   expected, strlen (expected));

  pretty = pp_jsonld_flatten_bytes (input, NULL, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (pretty, NULL), g_bytes_get_size (pretty),
                   expected_pretty, strlen (expected_pretty));

  g_assert_null (pp_jsonld_flatten_bytes (broken, NULL, NULL, FALSE, NULL, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "loading document failed: the text is not valid UTF-8 at offset 5 (line 1, column 6)");
}

/* A stream that keeps what it is given and counts the writes, to see
 * the text arrive a chunk at a time */
#define TEST_TYPE_COUNTING_STREAM (test_counting_stream_get_type ())
G_DECLARE_FINAL_TYPE (TestCountingStream, test_counting_stream, TEST, COUNTING_STREAM, GOutputStream)

struct _TestCountingStream {
  GOutputStream parent_instance;
  GString      *received;
  guint         n_writes;
  gsize         largest_write;
};

G_DEFINE_FINAL_TYPE (TestCountingStream, test_counting_stream, G_TYPE_OUTPUT_STREAM)

static gssize
test_counting_stream_write_fn (GOutputStream  *stream,
                               const void     *buffer,
                               gsize           count,
                               GCancellable   *cancellable,
                               GError        **error)
{
  TestCountingStream *self = TEST_COUNTING_STREAM (stream);

  g_string_append_len (self->received, buffer, count);
  self->n_writes++;
  self->largest_write = MAX (self->largest_write, count);
  return count;
}

static void
test_counting_stream_finalize (GObject *object)
{
  TestCountingStream *self = TEST_COUNTING_STREAM (object);

  g_string_free (self->received, TRUE);
  G_OBJECT_CLASS (test_counting_stream_parent_class)->finalize (object);
}

static void
test_counting_stream_class_init (TestCountingStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_counting_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = test_counting_stream_write_fn;
}

static void
test_counting_stream_init (TestCountingStream *self)
{
  self->received = g_string_new (NULL);
}

/* an array of @n node objects, about 150 bytes of text each */
static PpJsonValue *
build_large_array (PpJsonArena *arena,
                   guint        n)
{
  PpJsonValue *array = pp_json_value_new_array (arena, n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("http://example.org/node/%u", i);
      PpJsonValue *node = pp_json_value_new_object (arena, 3);
      PpJsonValue *names = pp_json_value_new_array (arena, 1);
      PpJsonValue *name = pp_json_value_new_object (arena, 1);

      pp_json_object_append (arena, name, PP_JSON_KW (VALUE),
                             pp_json_value_new_string (arena, "a name with \"quotes\" and caf\xC3\xA9"));
      pp_json_array_append (arena, names, name);
      pp_json_object_append (arena, node, PP_JSON_KW (ID), pp_json_value_new_string (arena, id));
      pp_json_object_append (arena, node, pp_json_arena_intern (arena, "http://schema.org/name"),
                             names);
      pp_json_object_append (arena, node, pp_json_arena_intern (arena, "http://schema.org/age"),
                             pp_json_value_new_int (arena, i));
      pp_json_array_append (arena, array, node);
    }

  return array;
}

/* a text of several megabytes reaches the stream in chunks, the same bytes
 * as written whole, compact and pretty */
static void
test_write_to_stream_in_chunks (void)
{
  const PpJsonWriteFlags flags[] = { PP_JSON_WRITE_NONE, PP_JSON_WRITE_PRETTY, PP_JSON_WRITE_SORTED };
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *array = build_large_array (arena, 20000);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(TestCountingStream) stream = g_object_new (TEST_TYPE_COUNTING_STREAM, NULL);
      g_autoptr(GBytes) whole = pp_json_value_to_bytes (array, flags[i]);
      g_autoptr(GError) error = NULL;

      g_assert_true (pp_json_value_write_to_stream (array, flags[i], G_OUTPUT_STREAM (stream),
                                                    NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (stream->received->str, stream->received->len,
                       g_bytes_get_data (whole, NULL), g_bytes_get_size (whole));

      /* no write holds more than a chunk and one member */
      g_assert_cmpuint (stream->n_writes, >, g_bytes_get_size (whole) / (128 * 1024));
      g_assert_cmpuint (stream->largest_write, <=, 128 * 1024);
    }
}

/* a stream that fails stops the writing, its error reported */
static void
test_write_to_stream_failure (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *array = build_large_array (arena, 2000);
  g_autofree char *buffer = g_malloc (1000);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new (buffer, 1000, NULL, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_json_value_write_to_stream (array, PP_JSON_WRITE_NONE, stream, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
}

/* with a context, the compacted result outlives the document it came
 * from: bytes and tree give the same text */
static void
test_flatten_bytes_compacted (void)
{
  const char *text =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\", \"ex\": \"http://example.org/\"},"
    " \"@graph\": [{\"@id\": \"ex:a\", \"name\": \"A\", \"knows\": {\"@id\": \"ex:b\"},"
    " \"address\": {\"streetAddress\": \"1 Main Street\"}},"
    " {\"@id\": \"ex:a\", \"age\": 1.5}]}";
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));
  g_autoptr(JsonNode) tree = pp_json_parse (text, -1, NULL);
  g_autoptr(JsonNode) context = json_node_copy (json_object_get_member (json_node_get_object (tree),
                                                                        "@context"));
  g_autoptr(JsonNode) expected_tree = pp_jsonld_flatten (tree, context, NULL, NULL, NULL);
  g_autofree char *expected = pp_jsonld_to_json (expected_tree, FALSE);
  g_autoptr(GBytes) flattened = NULL;
  g_autoptr(GError) error = NULL;

  flattened = pp_jsonld_flatten_bytes (input, context, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (flattened, NULL), g_bytes_get_size (flattened),
                   expected, strlen (expected));
  g_assert_nonnull (strstr (expected, "\"@graph\":[{\"@id\":\"ex:a\""));
}

/* The memory of an arena given up serves the next chunk another arena
 * needs, before any new memory */
static void
test_arena_take_memory_reused (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonArena *donor = pp_json_arena_new ();
  gpointer donated = pp_json_arena_alloc (donor, 1000);
  gsize size;

  memset (donated, 1, 1000);
  /* the first chunk full */
  for (guint i = 0; i < 8; i++)
    pp_json_arena_alloc (arena, 1000);
  size = pp_json_arena_get_size (arena);

  pp_json_arena_take_memory (arena, donor);
  g_assert_true (pp_json_arena_alloc (arena, 1000) == donated);
  g_assert_cmpuint (pp_json_arena_get_size (arena), >, size);
  pp_json_arena_release_spare (arena);
}

/* An arena someone else still holds keeps its memory and its values */
static void
test_arena_take_memory_shared_donor (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) donor = pp_json_arena_new ();
  PpJsonValue *value = pp_json_value_new_string (donor, "kept");

  pp_json_arena_take_memory (arena, pp_json_arena_ref (donor));
  for (guint i = 0; i < 64; i++)
    memset (pp_json_arena_alloc (arena, 1000), 0, 1000);

  g_assert_cmpstr (pp_json_value_get_string (value), ==, "kept");
}

/* Spare memory not used is freed; an arena that took memory and was
 * reset or freed frees it too (checked under a leak checker) */
static void
test_arena_release_spare (void)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonArena *donor = pp_json_arena_new ();
  PpJsonArena *other = pp_json_arena_new ();
  gsize size;

  pp_json_arena_alloc (donor, 100000);
  pp_json_arena_alloc (other, 100);
  size = pp_json_arena_get_size (arena);
  pp_json_arena_take_memory (arena, donor);
  pp_json_arena_release_spare (arena);
  memset (pp_json_arena_alloc (arena, 16000), 0, 16000);
  g_assert_cmpuint (pp_json_arena_get_size (arena), >, size);

  pp_json_arena_take_memory (arena, other);
  pp_json_arena_reset (arena);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-value/parse/writes-as-json-glib-tree", test_round_trip);
  g_test_add_func ("/json-value/write/sorted-members", test_sorted_write);
  g_test_add_func ("/json-value/parse/repeated-member-first-place-last-value", test_repeated_member);
  g_test_add_func ("/json-value/intern/equal-strings-equal-pointers", test_interning);
  g_test_add_func ("/json-value/intern/interned-elsewhere-by-kept-hash", test_intern_interned);
  g_test_add_func ("/json-value/parse/number-source-text-kept", test_number_text);
  g_test_add_func ("/json-value/parse/integers-exact-to-64-bits", test_integer_values);
  g_test_add_func ("/json-value/parse/string-stop-byte-anywhere", test_string_stop_byte_anywhere);
  g_test_add_func ("/json-value/parse/member-names-interned-and-repeated", test_member_names);
  g_test_add_func ("/json-value/parse/too-deep-refused", test_too_deep);
  g_test_add_func ("/json-value/parse/deep-objects", test_deep_objects);
  g_test_add_func ("/json-value/parse/refused-as-validate-words-it", test_refused);
  g_test_add_func ("/json-value/json-node/checked-conversion", test_from_json_node_checks);
  g_test_add_func ("/json-value/parse/escaped-nul-kept-and-written-back", test_escaped_nul_kept);
  g_test_add_func ("/json-value/equal/escaped-nul-counts", test_escaped_nul_equal);
  g_test_add_func ("/json-value/validate/escaped-nul-still-refused", test_escaped_nul_validate_refuses);
  g_test_add_func ("/json-value/parse/escaped-nul-in-member-name-refused",
                   test_escaped_nul_in_member_name);
  g_test_add_func ("/json-value/json-node/escaped-nul-refused-by-pointer", test_escaped_nul_to_json_node);
  g_test_add_func ("/json-value/build/members-arrays-copies", test_building);
  g_test_add_func ("/json-value/equal/members-in-any-order", test_equal);
  g_test_add_func ("/json-value/arena/take-memory/reused-before-new", test_arena_take_memory_reused);
  g_test_add_func ("/json-value/arena/take-memory/shared-donor-kept", test_arena_take_memory_shared_donor);
  g_test_add_func ("/json-value/arena/take-memory/spare-released", test_arena_release_spare);
  g_test_add_func ("/jsonld/flatten-bytes/same-as-tree", test_flatten_bytes);
  g_test_add_func ("/jsonld/flatten-bytes/compacted-same-as-tree", test_flatten_bytes_compacted);
  g_test_add_func ("/json-value/write/stream-in-chunks-same-bytes", test_write_to_stream_in_chunks);
  g_test_add_func ("/json-value/write/stream-failure-reported", test_write_to_stream_failure);

  return g_test_run ();
}
