/* test-json-writer.c: pp_jsonld_to_json()
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <libpp/libpp.h>

static char *
write_double (double value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

  json_node_set_double (node, value);
  return pp_jsonld_to_json (node, FALSE);
}

static void
test_numbers (void)
{
  const struct { double value; const char *text; } cases[] = {
    { 1e30, "1e+30" },
    { 0.1, "0.1" },
    { 1.5e-7, "1.5e-7" },
    { 0.000001, "0.000001" },
    { 123456789012.5, "123456789012.5" },
    { -2.5, "-2.5" },
    { 1e21, "1e+21" },
    { 1e20, "100000000000000000000" },
    { 0.0, "0" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = write_double (cases[i].value);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* JSON has no infinity */
  {
    g_autofree char *text = write_double (INFINITY);

    g_assert_cmpstr (text, ==, "null");
  }
}

static void
test_document (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;
  const char *input =
    "{\"z\": 1, \"a\": [true, null, \"tab\\there \\\"q\\\" \\u0001\"], \"m\": {}, \"e\": []}";

  json_parser_load_from_data (parser, input, -1, &error);
  g_assert_no_error (error);

  /* Members in document order, escapes JSON requires */
  compact = pp_jsonld_to_json (json_parser_get_root (parser), FALSE);
  g_assert_cmpstr (compact, ==,
                   "{\"z\":1,\"a\":[true,null,\"tab\\there \\\"q\\\" \\u0001\"],\"m\":{},\"e\":[]}");

  pretty = pp_jsonld_to_json (json_parser_get_root (parser), TRUE);
  g_assert_cmpstr (pretty, ==,
                   "{\n"
                   "  \"z\": 1,\n"
                   "  \"a\": [\n"
                   "    true,\n"
                   "    null,\n"
                   "    \"tab\\there \\\"q\\\" \\u0001\"\n"
                   "  ],\n"
                   "  \"m\": {},\n"
                   "  \"e\": []\n"
                   "}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-writer/numbers", test_numbers);
  g_test_add_func ("/json-writer/document", test_document);

  return g_test_run ();
}
