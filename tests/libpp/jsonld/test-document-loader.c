/* test-document-loader.c: the document loader's directories mapped to IRI
 * prefixes, and the documents it serves as trees and to context processing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libpp/libpp.h>

#define PREFIX "http://example.org/contexts/"

/* What a file outside the mapped directory holds: the test fails if an
 * error quotes it */
#define OUTSIDE_TOKEN "outside-token-7f3a"
#define INSIDE_TOKEN "inside-token-91c2"

#define CONTEXT_DOCUMENT "{\"@context\": {\"name\": \"http://schema.org/name\"}}"

/* root/
 *   mapped/             the directory mapped to PREFIX
 *     context.jsonld
 *     nested/deeper/context.jsonld
 *     not-json.txt      INSIDE_TOKEN, not JSON
 *     link.jsonld       → ../outside/secret.txt
 *     link-dir          → ../outside
 *     inner-link.jsonld → context.jsonld
 *   outside/
 *     secret.txt        OUTSIDE_TOKEN, not JSON
 *     secret.jsonld     valid JSON */
typedef struct
{
  char *root;
  char *mapped;
  char *outside;
  PpDocumentLoader *loader;
} Fixture;

static void
write_file (const char *directory,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static void
make_link (const char *directory,
           const char *name,
           const char *target)
{
  g_autoptr(GFile) file = g_file_new_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_make_symbolic_link (file, target, NULL, &error);
  g_assert_no_error (error);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
        remove_tree (child);
    }

  g_file_delete (file, NULL, NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) mapped = NULL;

  fixture->root = g_dir_make_tmp ("test-document-loader-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->mapped = g_build_filename (fixture->root, "mapped", NULL);
  fixture->outside = g_build_filename (fixture->root, "outside", NULL);

  write_file (fixture->mapped, "context.jsonld", CONTEXT_DOCUMENT);
  write_file (fixture->mapped, "nested/deeper/context.jsonld", CONTEXT_DOCUMENT);
  write_file (fixture->mapped, "not-json.txt", "\n  " INSIDE_TOKEN " and more\n");
  write_file (fixture->outside, "secret.txt", OUTSIDE_TOKEN "\n");
  write_file (fixture->outside, "secret.jsonld", "{\"@context\": {\"" OUTSIDE_TOKEN "\": \"http://x/\"}}");
  make_link (fixture->mapped, "link.jsonld", "../outside/secret.txt");
  make_link (fixture->mapped, "link-dir", "../outside");
  make_link (fixture->mapped, "inner-link.jsonld", "context.jsonld");

  mapped = g_file_new_for_path (fixture->mapped);
  fixture->loader = pp_document_loader_new ();
  pp_document_loader_add_prefix_mapping (fixture->loader, PREFIX, mapped);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GFile) root = g_file_new_for_path (fixture->root);

  remove_tree (root);
  g_clear_object (&fixture->loader);
  g_clear_pointer (&fixture->root, g_free);
  g_clear_pointer (&fixture->mapped, g_free);
  g_clear_pointer (&fixture->outside, g_free);
}

static void
assert_loads (Fixture    *fixture,
              const char *iri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *document_url = NULL;

  document = pp_document_loader_load (fixture->loader, iri, &document_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (document));
  g_assert_true (json_object_has_member (json_node_get_object (document), "@context"));
  g_assert_cmpstr (document_url, ==, iri);
}

/* @iri fails to load, with an error that names it, says it is outside the
 * mapped directory and quotes nothing of a file */
static void
assert_outside (Fixture    *fixture,
                const char *iri)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *expected = g_strdup_printf ("%s is outside the mapped directory", iri);

  document = pp_document_loader_load (fixture->loader, iri, NULL, NULL, &error);
  g_test_message ("%s: %s", iri, error != NULL ? error->message : "(loaded)");
  g_assert_null (document);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_true (g_str_has_suffix (error->message, expected));
  g_assert_null (strstr (error->message, OUTSIDE_TOKEN));
}

static void
test_nested_file (Fixture       *fixture,
                  gconstpointer  user_data)
{
  assert_loads (fixture, PREFIX "context.jsonld");
  assert_loads (fixture, PREFIX "nested/deeper/context.jsonld");
  assert_loads (fixture, PREFIX "nested/deeper/context.jsonld#fragment");
  assert_loads (fixture, PREFIX "nested%2Fdeeper/context%2Ejsonld");
  /* a link that stays inside the directory */
  assert_loads (fixture, PREFIX "inner-link.jsonld");
}

static void
test_absolute_path (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  g_autofree char *secret_jsonld = g_build_filename (fixture->outside, "secret.jsonld", NULL);
  g_autofree char *iri = g_strconcat (PREFIX, secret, NULL);
  g_autofree char *iri_jsonld = g_strconcat (PREFIX, secret_jsonld, NULL);

  g_assert_true (g_path_is_absolute (secret));
  assert_outside (fixture, iri);
  assert_outside (fixture, iri_jsonld);
  assert_outside (fixture, PREFIX "/etc/passwd");
}

static void
test_encoded_absolute_path (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  g_autofree char *escaped = g_uri_escape_string (secret, NULL, FALSE);
  g_autofree char *iri = g_strconcat (PREFIX, escaped, NULL);
  g_autofree char *lower = g_ascii_strdown (iri, -1);

  g_assert_true (g_str_has_prefix (escaped, "%2F"));
  assert_outside (fixture, iri);
  assert_outside (fixture, lower);
}

static void
test_dot_dot_segment (Fixture       *fixture,
                      gconstpointer  user_data)
{
  assert_outside (fixture, PREFIX "../outside/secret.txt");
  assert_outside (fixture, PREFIX "../outside/secret.jsonld");
  assert_outside (fixture, PREFIX "nested/../../outside/secret.txt");
  assert_outside (fixture, PREFIX "nested/..");
  assert_outside (fixture, PREFIX "..");
}

static void
test_encoded_dot_dot_segment (Fixture       *fixture,
                              gconstpointer  user_data)
{
  assert_outside (fixture, PREFIX "%2e%2e/outside/secret.txt");
  assert_outside (fixture, PREFIX "%2E%2E%2Foutside%2Fsecret.txt");
  assert_outside (fixture, PREFIX ".%2e/outside/secret.jsonld");
  assert_outside (fixture, PREFIX "nested%2F%2E%2E%2F%2E%2E%2Foutside%2Fsecret.txt");
}

static void
test_empty_and_dot_segments (Fixture       *fixture,
                             gconstpointer  user_data)
{
  assert_outside (fixture, PREFIX "");
  assert_outside (fixture, PREFIX "nested//deeper/context.jsonld");
  assert_outside (fixture, PREFIX "nested/deeper/");
  assert_outside (fixture, PREFIX "./context.jsonld");
  assert_outside (fixture, PREFIX "%2e/context.jsonld");
}

static void
test_nul_and_backslash (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;

  assert_outside (fixture, PREFIX "context.jsonld%00.txt");
  assert_outside (fixture, PREFIX "..\\outside\\secret.txt");
  assert_outside (fixture, PREFIX "..%5Coutside%5Csecret.txt");
  assert_outside (fixture, PREFIX "nested%5cdeeper%5ccontext.jsonld");

  /* a broken escape is no path at all */
  document = pp_document_loader_load (fixture->loader, PREFIX "context%zz.jsonld", NULL, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_nonnull (strstr (error->message, PREFIX "context%zz.jsonld"));
}

static void
test_symlink_out (Fixture       *fixture,
                  gconstpointer  user_data)
{
  assert_outside (fixture, PREFIX "link.jsonld");
  assert_outside (fixture, PREFIX "link-dir/secret.txt");
  assert_outside (fixture, PREFIX "link-dir/secret.jsonld");
}

/* A mapped file that is not JSON: the error says where, not what */
static void
test_not_json_unquoted (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;

  document = pp_document_loader_load (fixture->loader, PREFIX "not-json.txt", NULL, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, PREFIX "not-json.txt"));
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_assert_null (strstr (error->message, "inside-token"));
}

/* A document is checked as pp_json_validate() checks a text: a string
 * value with an escaped NUL, which the values could hold, is refused */
static void
test_escaped_nul_refused (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) document = NULL;

  write_file (fixture->mapped, "escaped-nul.jsonld",
              "{\"@context\": {\"name\": \"http://schema.org/na\\u0000me\"}}");

  document = pp_document_loader_load (fixture->loader, PREFIX "escaped-nul.jsonld", NULL, NULL, &error);
  g_assert_null (document);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_nonnull (strstr (error->message, PREFIX "escaped-nul.jsonld: "));
  g_assert_nonnull (strstr (error->message,
                            "unsupported escaped NUL character (\\u0000) in a string at offset 43"));
}

/* The same through the JSON-LD API, as `pp-jsonld --loader-map` uses it */
static void
test_remote_context (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = g_build_filename (fixture->outside, "secret.txt", NULL);
  g_autofree char *input = g_strdup_printf ("{\"@context\": \"%s%s\", \"name\": \"x\"}", PREFIX, secret);

  pp_jsonld_options_set_document_loader (options, fixture->loader);
  json_parser_load_from_data (parser, input, -1, &error);
  g_assert_no_error (error);

  expanded = pp_jsonld_expand (json_parser_get_root (parser), options, NULL, &error);
  g_assert_null (expanded);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "is outside the mapped directory"));
  g_assert_null (strstr (error->message, OUTSIDE_TOKEN));
}

/* The first "name" IRI of @input expanded with @loader */
static char *
expand_name_iri (PpDocumentLoader *loader,
                 const char       *input)
{
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *node;
  GList *members;
  char *iri;

  pp_jsonld_options_set_document_loader (options, loader);
  json_parser_load_from_data (parser, input, -1, &error);
  g_assert_no_error (error);

  expanded = pp_jsonld_expand (json_parser_get_root (parser), options, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (expanded));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (expanded)), ==, 1);

  node = json_array_get_object_element (json_node_get_array (expanded), 0);
  members = json_object_get_members (node);
  g_assert_cmpuint (g_list_length (members), ==, 1);
  iri = g_strdup (members->data);
  g_list_free (members);

  return iri;
}

static void
assert_tree_equals (JsonNode   *document,
                    const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_is_immutable (document));
  g_assert_true (json_node_equal (document, json_parser_get_root (parser)));
}

/* a context read from a file for context processing is served as a tree
 * too, whole and sealed, once */
static void
test_tree_after_context_use (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *iri = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;

  iri = expand_name_iri (fixture->loader,
                         "{\"@context\": \"" PREFIX "context.jsonld\", \"name\": \"x\"}");
  g_assert_cmpstr (iri, ==, "http://schema.org/name");

  document = pp_document_loader_load (fixture->loader, PREFIX "context.jsonld", NULL, NULL, &error);
  g_assert_no_error (error);
  assert_tree_equals (document, CONTEXT_DOCUMENT);

  again = pp_document_loader_load (fixture->loader, PREFIX "context.jsonld", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (again == document);
}

/* a preloaded document serves context processing, and a document
 * preloaded again for the same IRI replaces it there */
static void
test_added_document_as_context (Fixture       *fixture,
                                gconstpointer  user_data)
{
  static const char input[] = "{\"@context\": \"http://example.com/added\", \"name\": \"x\"}";
  static const char first[] = "{\"@context\": {\"name\": \"http://example.com/first\"}}";
  static const char second[] = "{\"@context\": {\"name\": \"http://example.com/second\"}}";
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *iri = NULL;

  document = json_from_string (first, &error);
  g_assert_no_error (error);
  pp_document_loader_add_document (fixture->loader, "http://example.com/added", document);
  iri = expand_name_iri (fixture->loader, input);
  g_assert_cmpstr (iri, ==, "http://example.com/first");

  g_clear_pointer (&document, json_node_unref);
  document = json_from_string (second, &error);
  g_assert_no_error (error);
  pp_document_loader_add_document (fixture->loader, "http://example.com/added", document);
  g_clear_pointer (&iri, g_free);
  iri = expand_name_iri (fixture->loader, input);
  g_assert_cmpstr (iri, ==, "http://example.com/second");

  g_clear_pointer (&document, json_node_unref);
  document = pp_document_loader_load (fixture->loader, "http://example.com/added", NULL, NULL, &error);
  g_assert_no_error (error);
  assert_tree_equals (document, second);
}

/* the bundled schema.org context, once processed, is still served as a
 * tree: read again, whole */
static void
test_bundled_after_context_use (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autofree char *iri = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *context;

  iri = expand_name_iri (fixture->loader, "{\"@context\": \"https://schema.org\", \"name\": \"x\"}");
  g_assert_cmpstr (iri, ==, "http://schema.org/name");

  document = pp_document_loader_load (fixture->loader, "https://schema.org", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_is_immutable (document));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (document));
  context = json_object_get_member (json_node_get_object (document), "@context");
  g_assert_nonnull (context);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (context));
  g_assert_true (json_object_has_member (json_node_get_object (context), "name"));
  g_assert_cmpuint (json_object_get_size (json_node_get_object (context)), >, 1000);

  /* and processed again from there by a loader that forgot its contexts */
  pp_document_loader_add_document (fixture->loader, "http://example.com/unrelated", document);
  g_clear_pointer (&iri, g_free);
  iri = expand_name_iri (fixture->loader, "{\"@context\": \"https://schema.org\", \"name\": \"x\"}");
  g_assert_cmpstr (iri, ==, "http://schema.org/name");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/document-loader/prefix-mapping/" path, Fixture, NULL, \
              fixture_set_up, func, fixture_tear_down)

  ADD ("nested-file", test_nested_file);
  ADD ("absolute-path", test_absolute_path);
  ADD ("encoded-absolute-path", test_encoded_absolute_path);
  ADD ("dot-dot-segment", test_dot_dot_segment);
  ADD ("encoded-dot-dot-segment", test_encoded_dot_dot_segment);
  ADD ("empty-and-dot-segments", test_empty_and_dot_segments);
  ADD ("nul-and-backslash", test_nul_and_backslash);
  ADD ("symlink-out", test_symlink_out);
  ADD ("not-json-unquoted", test_not_json_unquoted);
  ADD ("remote-context", test_remote_context);

#undef ADD

  g_test_add ("/document-loader/load/escaped-nul-refused", Fixture, NULL,
              fixture_set_up, test_escaped_nul_refused, fixture_tear_down);
  g_test_add ("/document-loader/load/tree-after-context-use", Fixture, NULL,
              fixture_set_up, test_tree_after_context_use, fixture_tear_down);
  g_test_add ("/document-loader/load/bundled-after-context-use", Fixture, NULL,
              fixture_set_up, test_bundled_after_context_use, fixture_tear_down);
  g_test_add ("/document-loader/add-document/used-as-context", Fixture, NULL,
              fixture_set_up, test_added_document_as_context, fixture_tear_down);

  return g_test_run ();
}
