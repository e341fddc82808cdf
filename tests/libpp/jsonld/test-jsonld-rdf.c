/* test-jsonld-rdf.c: JSON-LD to RDF, as N-Quads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

static char *
to_rdf_text (const char  *text,
             GError     **error)
{
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(GBytes) output = NULL;

  pp_jsonld_options_set_rdf_direction (options, PP_JSONLD_RDF_DIRECTION_I18N_DATATYPE);
  output = pp_jsonld_to_rdf_bytes (input, options, NULL, error);
  if (output == NULL)
    return NULL;

  return g_strndup (g_bytes_get_data (output, NULL), g_bytes_get_size (output));
}

/* a literal holding NUL is written whole, the NUL as N-Quads escapes it,
 * in every kind of literal. The first two hold the literals of the W3C
 * toRdf syntax tests tnt01 and tnt03, which give no expected output; they
 * expect the N-Triples of the RDF 1.1 tests those come from
 * (literal_ascii_boundaries, literal_all_controls), written with the
 * escapes this writer chooses. */
static void
test_literal_with_nul (void)
{
  static const struct {
    const char *document;
    const char *nquads;
  } cases[] = {
    { "{\"@id\": \"http://a.example/s\","
      " \"http://a.example/p\": {\"@value\": \"\\u0000\\t\\u000B\\f\\u000e&([]\\u007F\"}}",
      "<http://a.example/s> <http://a.example/p> \"\\u0000\\t\\u000B\\f\\u000E&([]\\u007F\" .\n" },
    { "[{\"@id\": \"http://a.example/s\", \"http://a.example/p\": [{\"@value\":"
      " \"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\u000b\\f\\u000E\\u000F"
      "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C"
      "\\u001D\\u001E\\u001F\"}]}]",
      "<http://a.example/s> <http://a.example/p> "
      "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\u000B\\f\\u000E\\u000F"
      "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001A\\u001B\\u001C"
      "\\u001D\\u001E\\u001F\" .\n" },
    { "{\"@id\": \"http://a.example/s\", \"http://a.example/p\": \"a\\u0000b\"}",
      "<http://a.example/s> <http://a.example/p> \"a\\u0000b\" .\n" },
    { "{\"@id\": \"http://a.example/s\","
      " \"http://a.example/p\": {\"@value\": \"a\\u0000b\", \"@language\": \"en\"}}",
      "<http://a.example/s> <http://a.example/p> \"a\\u0000b\"@en .\n" },
    { "{\"@id\": \"http://a.example/s\","
      " \"http://a.example/p\": {\"@value\": \"a\\u0000b\", \"@type\": \"http://a.example/t\"}}",
      "<http://a.example/s> <http://a.example/p> \"a\\u0000b\"^^<http://a.example/t> .\n" },
    { "{\"@id\": \"http://a.example/s\","
      " \"http://a.example/p\": {\"@value\": \"a\\u0000b\", \"@language\": \"en\", \"@direction\": \"rtl\"}}",
      "<http://a.example/s> <http://a.example/p> \"a\\u0000b\"^^<https://www.w3.org/ns/i18n#en_rtl> .\n" },
    /* in a JSON literal, JCS escapes it, and N-Quads the backslash */
    { "{\"@id\": \"http://a.example/s\","
      " \"http://a.example/p\": {\"@value\": {\"k\": \"a\\u0000b\"}, \"@type\": \"@json\"}}",
      "<http://a.example/s> <http://a.example/p> \"{\\\"k\\\":\\\"a\\\\u0000b\\\"}\""
      "^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> .\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *nquads = NULL;

      g_test_message ("%s", cases[i].document);
      nquads = to_rdf_text (cases[i].document, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (nquads, ==, cases[i].nquads);
    }
}

/* literals equal up to a NUL are different literals: neither is lost as a
 * duplicate of the other */
static void
test_literals_differing_after_nul (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = NULL;

  nquads = to_rdf_text ("{\"@id\": \"http://a.example/s\","
                        " \"http://a.example/p\": [\"a\\u0000b\", \"a\\u0000c\", \"a\", \"a\\u0000b\"]}",
                        &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nquads, ==,
                   "<http://a.example/s> <http://a.example/p> \"a\\u0000b\" .\n"
                   "<http://a.example/s> <http://a.example/p> \"a\\u0000c\" .\n"
                   "<http://a.example/s> <http://a.example/p> \"a\" .\n");
}

/* a member name with NUL would become a term or an IRI cut short: refused */
static void
test_member_name_with_nul_refused (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (to_rdf_text ("{\"@id\": \"http://a.example/s\", \"http://a.example/p\\u0000q\": \"x\"}",
                              &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "loading document failed: "));
  g_assert_nonnull (strstr (error->message,
                            "unsupported escaped NUL character (\\u0000) in a member name "
                            "at offset 49 (line 1, column 50)"));
}

/* text that a tree can hold gives the N-Quads of the tree */
static void
test_bytes_same_as_tree (void)
{
  static const char text[] =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"},"
    " \"@id\": \"http://example.org/a\", \"@type\": \"Person\","
    " \"name\": [\"Ada\", {\"@value\": \"Ada\", \"@language\": \"en\"}],"
    " \"knows\": {\"name\": \"Charles\", \"birthDate\": 1791},"
    " \"height\": 1.65, \"list\": {\"@list\": [true, \"x\\n\\\"y\\\"\"]}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = pp_json_parse (text, -1, &error);
  g_autofree char *from_tree = NULL;
  g_autofree char *from_text = NULL;

  g_assert_no_error (error);
  from_tree = pp_jsonld_to_rdf (tree, NULL, NULL, &error);
  g_assert_no_error (error);
  from_text = to_rdf_text (text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_text, ==, from_tree);
  g_assert_nonnull (strstr (from_text, "\"x\\n\\\"y\\\"\""));
}

/* text that is not JSON fails as the other entry points from bytes do */
static void
test_bytes_not_json (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (to_rdf_text ("{\"@id\": ", &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_true (g_str_has_prefix (error->message, "loading document failed: the text is not JSON"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/to-rdf-bytes/literal-with-nul-escaped", test_literal_with_nul);
  g_test_add_func ("/jsonld/to-rdf-bytes/literals-differing-after-nul-kept",
                   test_literals_differing_after_nul);
  g_test_add_func ("/jsonld/to-rdf-bytes/member-name-with-nul-refused",
                   test_member_name_with_nul_refused);
  g_test_add_func ("/jsonld/to-rdf-bytes/same-as-tree", test_bytes_same_as_tree);
  g_test_add_func ("/jsonld/to-rdf-bytes/not-json-refused", test_bytes_not_json);

  return g_test_run ();
}
