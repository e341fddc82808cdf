/* test-jsonld-expand.c: expansion on JSON values, and the bytes entry
 * points of expansion and flattening
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-expand-private.h"

static const char *document =
  "{\"@context\": {\"@vocab\": \"http://schema.org/\","
  " \"knows\": {\"@type\": \"@id\"},"
  " \"tags\": {\"@container\": \"@list\"},"
  " \"label\": {\"@container\": \"@language\"}},"
  " \"@graph\": ["
  "  {\"@id\": \"http://example.org/a\", \"@type\": \"Person\", \"name\": \"A\","
  "   \"knows\": \"http://example.org/b\", \"tags\": [\"x\", \"y\"],"
  "   \"label\": {\"en\": \"a\", \"fr\": \"à\"},"
  "   \"address\": {\"@type\": \"PostalAddress\", \"streetAddress\": \"1 Main\"}},"
  "  {\"@id\": \"http://example.org/b\", \"name\": [\"B\", \"Bee\"], \"age\": 7.5}"
  " ]}";

static JsonNode *
parse_tree (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  return g_strndup (data, length);
}

/* pp_jsonld_expand_bytes() writes what pp_jsonld_expand() gives for the
 * tree of the same text */
static void
test_expand_bytes_same_as_tree (void)
{
  g_autoptr(GBytes) input = g_bytes_new_static (document, strlen (document));
  g_autoptr(JsonNode) tree = parse_tree (document);
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expected_pretty = NULL;
  g_autofree char *text = NULL;

  expanded = pp_jsonld_expand (tree, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = pp_jsonld_to_json (expanded, FALSE);
  expected_pretty = pp_jsonld_to_json (expanded, TRUE);

  bytes = pp_jsonld_expand_bytes (input, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  text = bytes_to_string (bytes);
  g_assert_cmpstr (text, ==, expected);

  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&text, g_free);
  bytes = pp_jsonld_expand_bytes (input, NULL, TRUE, NULL, &error);
  g_assert_no_error (error);
  text = bytes_to_string (bytes);
  g_assert_cmpstr (g_strchomp (text), ==, g_strchomp (expected_pretty));
}

static void
test_expand_bytes_not_json (void)
{
  const char *text = "{\"@id\": ";
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = pp_jsonld_expand_bytes (input, NULL, FALSE, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "loading document failed: "));
}

/* pp_jsonld_flatten_bytes() writes what pp_jsonld_flatten() gives */
static void
test_flatten_bytes_same_as_tree (void)
{
  g_autoptr(GBytes) input = g_bytes_new_static (document, strlen (document));
  g_autoptr(JsonNode) tree = parse_tree (document);
  g_autoptr(JsonNode) flattened = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  flattened = pp_jsonld_flatten (tree, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = pp_jsonld_to_json (flattened, FALSE);

  bytes = pp_jsonld_flatten_bytes (input, NULL, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  text = bytes_to_string (bytes);
  g_assert_cmpstr (text, ==, expected);
  /* the two nodes, the blank node of the address, none of @id alone */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (flattened)), ==, 3);
}

/* Without the ordered option, the properties of an expanded node come in
 * the order of the document's keys */
static void
test_expand_member_order (void)
{
  const char *text =
    "{\"@context\": {\"@vocab\": \"http://example.org/\"},"
    " \"zeta\": 1, \"alpha\": 2, \"mu\": 3, \"beta\": 4, \"omega\": 5, \"gamma\": 6,"
    " \"delta\": 7, \"kappa\": 8, \"eta\": 9, \"theta\": 10}";
  const char *order[] = { "zeta", "alpha", "mu", "beta", "omega", "gamma", "delta",
                          "kappa", "eta", "theta" };
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  const PpJsonMember *members;
  PpJsonValue *input;
  PpJsonValue *expanded;
  PpJsonValue *node;

  input = pp_json_value_parse (arena, text, -1, &error);
  g_assert_no_error (error);

  expanded = pp_jsonld_expand_value (arena, input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pp_json_value_get_size (expanded), ==, 1);

  node = pp_json_array_get (expanded, 0);
  g_assert_cmpuint (pp_json_value_get_size (node), ==, G_N_ELEMENTS (order));
  members = pp_json_object_get_members (node);
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      g_autofree char *iri = g_strconcat ("http://example.org/", order[i], NULL);

      g_assert_cmpstr (members[i].key, ==, iri);
    }
}

/* The same key means a different term under each nested context, more
 * keys than the expansion remembers at once: every one expands under the
 * context it is in */
static void
test_expand_key_in_its_context (void)
{
  g_autoptr(GString) text = g_string_new ("{\"@context\": {\"p\": \"http://example.org/outer\"}, "
                                          "\"p\": [");
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  PpJsonValue *input;
  PpJsonValue *expanded;
  PpJsonValue *values;
  guint n = 700;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"@context\": {\"p\": \"http://example.org/p%u\", "
                                  "\"k%u\": \"http://example.org/k%u\"}, "
                                  "\"p\": \"v%u\", \"k%u\": %u}",
                            i > 0 ? ", " : "", i, i, i, i, i, i);
  g_string_append (text, "]}");

  input = pp_json_value_parse (arena, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);

  expanded = pp_jsonld_expand_value (arena, input, NULL, NULL, &error);
  g_assert_no_error (error);

  values = pp_json_object_lookup (pp_json_array_get (expanded, 0), "http://example.org/outer");
  g_assert_cmpuint (pp_json_value_get_size (values), ==, n);

  for (guint i = 0; i < n; i++)
    {
      PpJsonValue *node = pp_json_array_get (values, i);
      g_autofree char *p = g_strdup_printf ("http://example.org/p%u", i);
      g_autofree char *k = g_strdup_printf ("http://example.org/k%u", i);
      g_autofree char *v = g_strdup_printf ("v%u", i);
      PpJsonValue *value;

      g_assert_cmpuint (pp_json_value_get_size (node), ==, 2);
      value = pp_json_array_get (pp_json_object_lookup (node, p), 0);
      g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (value, PP_JSON_KW (VALUE))),
                       ==, v);
      value = pp_json_array_get (pp_json_object_lookup (node, k), 0);
      g_assert_cmpint (pp_json_value_get_int (pp_json_object_get (value, PP_JSON_KW (VALUE))),
                       ==, i);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/expand-bytes/same-as-tree", test_expand_bytes_same_as_tree);
  g_test_add_func ("/jsonld/expand-bytes/not-json", test_expand_bytes_not_json);
  g_test_add_func ("/jsonld/flatten-bytes/same-as-tree", test_flatten_bytes_same_as_tree);
  g_test_add_func ("/jsonld/expand/member-order", test_expand_member_order);
  g_test_add_func ("/jsonld/expand/key-in-its-context", test_expand_key_in_its_context);

  return g_test_run ();
}
