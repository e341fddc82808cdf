/* test-pp-jsonld.c: the command-line contract of pp-jsonld
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "pp-test-dir.h"
#include "pp-test-tool.h"

typedef struct {
  char *tmpdir;
} Fixture;

static const char *doc =
  "{\n"
  "  \"@context\": {\"name\": \"http://schema.org/name\",\n"
  "               \"knows\": {\"@id\": \"http://schema.org/knows\", \"@type\": \"@id\"}},\n"
  "  \"@id\": \"http://example.org/ada\",\n"
  "  \"name\": \"Ada\",\n"
  "  \"knows\": {\"name\": \"Charles\"}\n"
  "}\n";

static const char *context_doc =
  "{\"@context\": {\"name\": \"http://schema.org/name\"}}\n";

static char *
write_file_len (Fixture    *fixture,
                const char *name,
                const char *contents,
                gssize      length)
{
  char *path = g_build_filename (fixture->tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  return write_file_len (fixture, name, contents, -1);
}

/* runs pp-jsonld with @args (NULL-terminated), feeding it @stdin_text */
static void
run_tool (PpTestRun  *run,
          const char *stdin_text,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, pp_test_tool_path ("pp-jsonld"));

  va_start (args, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  pp_test_run_argv (run, (const char * const *) argv->pdata, stdin_text);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->tmpdir = g_dir_make_tmp ("test-pp-jsonld-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  pp_test_remove_tree (fixture->tmpdir);
  g_free (fixture->tmpdir);
}

static void
test_expand (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "doc.jsonld", doc);
  g_autoptr(JsonNode) result = NULL;
  JsonObject *node;
  PpTestRun run = { 0, };

  run_tool (&run, NULL, "expand", input, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  /* pretty-printed with two spaces */
  g_assert_true (g_str_has_prefix (run.out, "[\n  {\n    \""));

  result = parse (run.out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (result));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (result)), ==, 1);
  node = json_array_get_object_element (json_node_get_array (result), 0);
  g_assert_cmpstr (json_object_get_string_member (node, "@id"), ==, "http://example.org/ada");
  g_assert_true (json_object_has_member (node, "http://schema.org/knows"));

  pp_test_run_clear (&run);
}

static void
test_stdin (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(JsonNode) result = NULL;
  PpTestRun run = { 0, };

  run_tool (&run, doc, "expand", "--base", "http://example.org/", "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  result = parse (run.out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (result));

  pp_test_run_clear (&run);
}

static void
test_compact (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "doc.jsonld", doc);
  g_autofree char *context = write_file (fixture, "context.jsonld", context_doc);
  g_autoptr(JsonNode) result = NULL;
  JsonObject *object;
  PpTestRun run = { 0, };

  run_tool (&run, NULL, "compact", "--context", context, input, NULL);
  g_assert_cmpint (run.status, ==, 0);
  result = parse (run.out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (result));
  object = json_node_get_object (result);
  g_assert_true (json_object_has_member (object, "@context"));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Ada");

  pp_test_run_clear (&run);
}

static void
test_flatten (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "doc.jsonld", doc);
  g_autofree char *context = write_file (fixture, "context.jsonld", context_doc);
  g_autoptr(JsonNode) flat = NULL;
  g_autoptr(JsonNode) compacted = NULL;
  JsonObject *object;
  PpTestRun run = { 0, };

  /* without a context: an array with both nodes, the blank node labelled */
  run_tool (&run, NULL, "flatten", input, NULL);
  g_assert_cmpint (run.status, ==, 0);
  flat = parse (run.out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (flat));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (flat)), ==, 2);
  g_assert_nonnull (strstr (run.out, "\"_:b0\""));
  pp_test_run_clear (&run);

  /* with a context: @context and @graph only */
  run_tool (&run, NULL, "flatten", "--context", context, input, NULL);
  g_assert_cmpint (run.status, ==, 0);
  compacted = parse (run.out);
  object = json_node_get_object (compacted);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  g_assert_true (json_object_has_member (object, "@context"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "@graph")), ==, 2);
  pp_test_run_clear (&run);
}

static void
test_to_rdf (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "doc.jsonld", doc);
  g_auto(GStrv) lines = NULL;
  PpTestRun run = { 0, };

  run_tool (&run, NULL, "to-rdf", input, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.err, ==, "");

  g_assert_nonnull (strstr (run.out, "<http://example.org/ada> <http://schema.org/name> \"Ada\" .\n"));
  g_assert_nonnull (strstr (run.out, "<http://example.org/ada> <http://schema.org/knows> _:b0 .\n"));
  g_assert_nonnull (strstr (run.out, "_:b0 <http://schema.org/name> \"Charles\" .\n"));

  lines = g_strsplit (run.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);  /* three quads and "" */

  pp_test_run_clear (&run);
}

static void
test_loader_map (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *contexts = g_build_filename (fixture->tmpdir, "contexts", NULL);
  g_autofree char *remote = NULL;
  g_autofree char *input = NULL;
  g_autofree char *mapping = NULL;
  PpTestRun run = { 0, };

  g_assert_cmpint (g_mkdir (contexts, 0700), ==, 0);
  remote = write_file (fixture, "contexts/person.jsonld",
                       "{\"@context\": {\"name\": \"http://schema.org/name\"}}");
  input = write_file (fixture, "remote.jsonld",
                      "{\"@context\": \"https://contexts.example/person.jsonld\","
                      " \"@id\": \"http://example.org/ada\", \"name\": \"Ada\"}");
  mapping = g_strconcat ("https://contexts.example/=", contexts, NULL);

  run_tool (&run, NULL, "to-rdf", "--loader-map", mapping, input, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "<http://example.org/ada> <http://schema.org/name> \"Ada\" .\n");
  pp_test_run_clear (&run);
}

static void
test_jsonld_error (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "invalid.jsonld",
                                       "{\"@id\": 42, \"http://schema.org/name\": \"x\"}");
  PpTestRun run = { 0, };

  run_tool (&run, NULL, "expand", input, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "pp-jsonld: invalid @id value"));
  /* one line */
  g_assert_nonnull (strchr (run.err, '\n'));
  g_assert_cmpstr (strchr (run.err, '\n'), ==, "\n");
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "to-rdf", input, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "pp-jsonld: invalid @id value"));
  pp_test_run_clear (&run);
}

static void
test_not_json (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "broken.jsonld", "{\"@id\": ");
  g_autofree char *missing = g_build_filename (fixture->tmpdir, "missing.jsonld", NULL);
  PpTestRun run = { 0, };

  run_tool (&run, NULL, "flatten", input, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "pp-jsonld: loading document failed"));
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "flatten", missing, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "pp-jsonld: loading document failed"));
  pp_test_run_clear (&run);

  /* invalid UTF-8 */
  run_tool (&run, "{\"http://schema.org/name\": \"\xff\xfe\"}", "expand", "-", NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "pp-jsonld: loading document failed"));
  pp_test_run_clear (&run);
}

/* Hostile input: the tool exits with an error, never with a signal */

#define HOSTILE_LEVELS 100000

/* runs each command on @input and checks that each fails with one line
 * that starts with @prefix and holds @detail */
static void
assert_every_command_fails (const char *input,
                            const char *prefix,
                            const char *detail)
{
  const char *commands[] = { "expand", "flatten", "to-rdf" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      PpTestRun run = { 0, };

      run_tool (&run, NULL, commands[i], input, NULL);
      g_test_message ("%s: %s", commands[i], run.err);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (g_str_has_prefix (run.err, prefix));
      g_assert_nonnull (strstr (run.err, detail));
      g_assert_cmpstr (strchr (run.err, '\n'), ==, "\n");
      pp_test_run_clear (&run);
    }
}

static void
test_deep_arrays (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{\"@id\": \"http://example.org/s\", \"http://schema.org/name\": ");
  g_autofree char *input = NULL;

  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  input = write_file (fixture, "deep.jsonld", text->str);

  assert_every_command_fails (input, "pp-jsonld: loading document failed: ",
                              "arrays and objects nest deeper than 512 levels at offset 569 "
                              "(line 1, column 570)");
}

/* A context whose terms are defined one for another, t0 by t1, t1 by t2… */
static void
test_term_chain (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("{\"@context\": {");
  g_autofree char *input = NULL;

  for (guint i = 0; i < HOSTILE_LEVELS; i++)
    g_string_append_printf (text, "\"t%u\": \"t%u\", ", i, i + 1);
  g_string_append_printf (text, "\"t%u\": \"http://schema.org/name\"}, "
                          "\"@id\": \"http://example.org/s\", \"t0\": \"Ada\"}",
                          HOSTILE_LEVELS);
  input = write_file (fixture, "chain.jsonld", text->str);

  assert_every_command_fails (input, "pp-jsonld: context overflow: term \"t",
                              "is defined through a chain of more than 512 terms");
}

/* A string value with an escaped NUL is kept whole, in JSON and N-Quads,
 * from text to text; a member name with one is refused, with where it is */
static void
test_escaped_nul (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *value = write_file (fixture, "value.jsonld",
                                       "{\"@id\": \"http://example.org/s\",\n"
                                       " \"http://schema.org/name\": \"a\\u0000b\"}");
  g_autofree char *key = write_file (fixture, "key.jsonld",
                                     "{\"@id\": \"http://example.org/s\",\n"
                                     " \"http://schema.org/na\\u0000me\": \"ab\"}");
  const char *commands[] = { "expand", "flatten", "to-rdf" };
  const char *written[] = {
    "\"@value\": \"a\\u0000b\"",
    "\"@value\": \"a\\u0000b\"",
    "<http://example.org/s> <http://schema.org/name> \"a\\u0000b\" .\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      PpTestRun run = { 0, };

      run_tool (&run, NULL, commands[i], value, NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_nonnull (strstr (run.out, written[i]));
      pp_test_run_clear (&run);
    }

  assert_every_command_fails (key, "pp-jsonld: loading document failed: ",
                              "escaped NUL character (\\u0000) in a member name at offset 54 "
                              "(line 2, column 23)");
}

/* A string with an escaped NUL where an IRI is read is refused, rather
 * than read up to the NUL */
static void
test_escaped_nul_in_iri (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "id.jsonld",
                                       "{\"@id\": \"http://example.org/s\\u0000t\",\n"
                                       " \"http://schema.org/name\": \"ab\"}");

  assert_every_command_fails (input, "pp-jsonld: invalid @id value: ",
                              "the value of \"@id\" holds a NUL character (U+0000)");
}

static void
test_numbers_out_of_range (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *integer = write_file (fixture, "integer.jsonld",
                                         "{\"@id\": \"http://example.org/s\","
                                         " \"http://schema.org/size\": 1180591620717411303424}");
  g_autofree char *large = write_file (fixture, "large.jsonld",
                                       "{\"@id\": \"http://example.org/s\","
                                       " \"http://schema.org/size\": 1e400}");

  assert_every_command_fails (integer, "pp-jsonld: loading document failed: ",
                              "integer 1180591620717411303424, which does not fit in 64 bits "
                              "at offset 58 (line 1, column 59)");
  assert_every_command_fails (large, "pp-jsonld: loading document failed: ",
                              "number 1e400, which is too large for a double at offset 58 "
                              "(line 1, column 59)");
}

/* A NUL byte is not invalid UTF-8: it is said for what it is */
static void
test_nul_byte (Fixture       *fixture,
               gconstpointer  data)
{
  static const char text[] = "{\"@id\": \"http://example.org/s\", \"http://schema.org/name\": \"a\0b\"}";
  g_autofree char *input = write_file_len (fixture, "nul.jsonld", text, sizeof text - 1);

  assert_every_command_fails (input, "pp-jsonld: loading document failed: ",
                              "the text contains a NUL byte at offset 60 (line 1, column 61)");
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *input = write_file (fixture, "doc.jsonld", doc);
  PpTestRun run = { 0, };

  run_tool (&run, NULL, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "pp-jsonld: "));
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "compact", input, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--context"));
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "frame", input, NULL);
  g_assert_cmpint (run.status, ==, 2);
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "expand", "--processing-mode", "json-ld-2.0", input, NULL);
  g_assert_cmpint (run.status, ==, 2);
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "to-rdf", "--rdf-direction", "sideways", input, NULL);
  g_assert_cmpint (run.status, ==, 2);
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "expand", "--loader-map", "nodirectory", input, NULL);
  g_assert_cmpint (run.status, ==, 2);
  pp_test_run_clear (&run);

  run_tool (&run, NULL, "expand", "--no-such-option", input, NULL);
  g_assert_cmpint (run.status, ==, 2);
  pp_test_run_clear (&run);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *tool = NULL;

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("PP_TOOLS_DIR") != NULL)
    tool = pp_test_tool_path ("pp-jsonld");
  if (tool == NULL || !g_file_test (tool, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("pp-jsonld is not built (set PP_TOOLS_DIR)");
      return g_test_run ();
    }

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/pp-jsonld/expand", test_expand);
  ADD ("/pp-jsonld/stdin", test_stdin);
  ADD ("/pp-jsonld/compact", test_compact);
  ADD ("/pp-jsonld/flatten", test_flatten);
  ADD ("/pp-jsonld/to-rdf", test_to_rdf);
  ADD ("/pp-jsonld/loader-map", test_loader_map);
  ADD ("/pp-jsonld/jsonld-error", test_jsonld_error);
  ADD ("/pp-jsonld/not-json", test_not_json);
  ADD ("/pp-jsonld/usage", test_usage);
  ADD ("/pp-jsonld/hostile/deep-arrays", test_deep_arrays);
  ADD ("/pp-jsonld/hostile/term-chain", test_term_chain);
  ADD ("/pp-jsonld/values/escaped-nul", test_escaped_nul);
  ADD ("/pp-jsonld/values/escaped-nul-in-iri", test_escaped_nul_in_iri);
  ADD ("/pp-jsonld/values/numbers-out-of-range", test_numbers_out_of_range);
  ADD ("/pp-jsonld/not-json/nul-byte", test_nul_byte);

#undef ADD

  return g_test_run ();
}
