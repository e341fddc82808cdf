/* test-jsonld-robustness.c: hostile input for the JSON-LD processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libpp/libpp.h>

#define DEEP_LEVELS 100000

typedef enum {
  ALGORITHM_EXPAND,
  ALGORITHM_COMPACT,
  ALGORITHM_FLATTEN,
  ALGORITHM_TO_RDF,
  N_ALGORITHMS
} Algorithm;

static const char *algorithm_names[N_ALGORITHMS] = {
  "expand", "compact", "flatten", "toRdf",
};

static PpJsonldOptions *
options_new_offline (PpDocumentLoader *loader)
{
  PpJsonldOptions *options = pp_jsonld_options_new ();
  g_autoptr(PpDocumentLoader) own_loader = NULL;

  if (loader == NULL)
    loader = own_loader = pp_document_loader_new ();

  pp_jsonld_options_set_document_loader (options, loader);
  pp_jsonld_options_set_base (options, "https://example.org/doc");

  return options;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* The @value of the first value of https://example.org/p in @expanded,
 * the expansion of one node, as JSON */
static char *
dup_expanded_value (JsonNode *expanded)
{
  JsonObject *node = json_array_get_object_element (json_node_get_array (expanded), 0);
  JsonArray *values = json_object_get_array_member (node, "https://example.org/p");
  JsonObject *value = json_array_get_object_element (values, 0);

  return pp_jsonld_to_json (json_object_get_member (value, "@value"), FALSE);
}

/* Runs @algorithm on @input; returns whether it succeeded. On failure the
 * error is kept in @error. The result is discarded. */
static gboolean
run_algorithm (Algorithm         algorithm,
               JsonNode         *input,
               PpJsonldOptions  *options,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(JsonNode) context = parse_json ("{\"ex\": \"http://example.org/\"}");
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *nquads = NULL;

  switch (algorithm)
    {
    case ALGORITHM_EXPAND:
      result = pp_jsonld_expand (input, options, cancellable, error);
      return result != NULL;
    case ALGORITHM_COMPACT:
      result = pp_jsonld_compact (input, context, options, cancellable, error);
      return result != NULL;
    case ALGORITHM_FLATTEN:
      result = pp_jsonld_flatten (input, context, options, cancellable, error);
      return result != NULL;
    case ALGORITHM_TO_RDF:
      nquads = pp_jsonld_to_rdf (input, options, cancellable, error);
      return nquads != NULL;
    case N_ALGORITHMS:
    default:
      g_assert_not_reached ();
    }
}

/* Deep nesting. The tree is built and torn down level by level: json-glib
 * frees recursively, and would itself overflow the stack. */

typedef struct {
  JsonNode  *root;
  GPtrArray *containers;   /* JsonNode *, outermost first */
} DeepTree;

static void
deep_tree_free (DeepTree *tree)
{
  /* detach every level from the deepest up, so no free recurses */
  for (guint i = tree->containers->len; i > 0; i--)
    {
      JsonNode *node = g_ptr_array_index (tree->containers, i - 1);

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          while (json_array_get_length (array) > 0)
            json_array_remove_element (array, 0);
        }
      else
        {
          JsonObject *object = json_node_get_object (node);
          GList *members = json_object_get_members (object);

          for (GList *l = members; l != NULL; l = l->next)
            json_object_remove_member (object, l->data);
          g_list_free (members);
        }
    }

  g_ptr_array_unref (tree->containers);
  json_node_unref (tree->root);
  g_free (tree);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeepTree, deep_tree_free)

typedef enum {
  DEEP_ARRAYS,
  DEEP_OBJECTS,
  DEEP_LISTS,
  DEEP_CONTEXT,
} DeepShape;

static JsonNode *
container_new (JsonNodeType type)
{
  JsonNode *node = json_node_new (type);

  if (type == JSON_NODE_ARRAY)
    json_node_take_array (node, json_array_new ());
  else
    json_node_take_object (node, json_object_new ());

  return node;
}

/* Adds @child (a new container) to @parent, an array or (under @member) an
 * object, and records it; returns @child. */
static JsonNode *
deep_tree_add (DeepTree   *tree,
               JsonNode   *parent,
               const char *member,
               JsonNode   *child)
{
  if (JSON_NODE_HOLDS_ARRAY (parent))
    json_array_add_element (json_node_get_array (parent), child);
  else
    json_object_set_member (json_node_get_object (parent), member, child);

  g_ptr_array_add (tree->containers, child);

  return child;
}

static DeepTree *
deep_tree_new (DeepShape shape,
               guint     levels)
{
  DeepTree *tree = g_new0 (DeepTree, 1);
  JsonNode *current;

  tree->containers = g_ptr_array_new ();

  /* the document: a node object */
  tree->root = container_new (JSON_NODE_OBJECT);
  g_ptr_array_add (tree->containers, tree->root);
  json_object_set_string_member (json_node_get_object (tree->root), "@id",
                                 "https://example.org/s");

  switch (shape)
    {
    case DEEP_ARRAYS:
      /* {"p": [[[…]]]} */
      current = deep_tree_add (tree, tree->root, "https://example.org/p",
                               container_new (JSON_NODE_ARRAY));
      for (guint i = 0; i < levels; i++)
        current = deep_tree_add (tree, current, NULL,
                                 container_new (JSON_NODE_ARRAY));
      break;

    case DEEP_OBJECTS:
      /* {"p": {"p": {…}}} */
      current = tree->root;
      for (guint i = 0; i < levels; i++)
        current = deep_tree_add (tree, current, "https://example.org/p",
                                 container_new (JSON_NODE_OBJECT));
      break;

    case DEEP_LISTS:
      /* {"p": {"@list": [{"@list": […]}]}} */
      current = deep_tree_add (tree, tree->root, "https://example.org/p",
                               container_new (JSON_NODE_OBJECT));
      for (guint i = 0; i < levels; i++)
        {
          current = deep_tree_add (tree, current, "@list",
                                   container_new (JSON_NODE_ARRAY));
          current = deep_tree_add (tree, current, NULL,
                                   container_new (JSON_NODE_OBJECT));
        }
      break;

    case DEEP_CONTEXT:
    default:
      /* {"@context": {"t": {"@id": "ex:t", "@context": {"t": …}}}, "t": "v"} */
      current = deep_tree_add (tree, tree->root, "@context",
                               container_new (JSON_NODE_OBJECT));
      json_object_set_string_member (json_node_get_object (current),
                                     "ex", "https://example.org/");
      for (guint i = 0; i < levels; i++)
        {
          current = deep_tree_add (tree, current, "t",
                                   container_new (JSON_NODE_OBJECT));
          json_object_set_string_member (json_node_get_object (current),
                                         "@id", "ex:t");
          current = deep_tree_add (tree, current, "@context",
                                   container_new (JSON_NODE_OBJECT));
        }
      json_object_set_string_member (json_node_get_object (tree->root), "t",
                                     "value");
      break;
    }

  return tree;
}

static void
test_deep_nesting (gconstpointer data)
{
  DeepShape shape = GPOINTER_TO_INT (data);
  g_autoptr(DeepTree) tree = deep_tree_new (shape, DEEP_LEVELS);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      g_test_message ("%s of %u nested levels", algorithm_names[a], DEEP_LEVELS);
      ok = run_algorithm (a, tree->root, options, NULL, &error);
      g_assert_false (ok);
      g_assert_nonnull (error);
      g_assert_true (error->domain == PP_JSONLD_ERROR);
    }
}

/* Moderate nesting is fine. */
static void
test_moderate_nesting (void)
{
  g_autoptr(DeepTree) tree = deep_tree_new (DEEP_OBJECTS, 100);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (run_algorithm (a, tree->root, options, NULL, &error));
      g_assert_no_error (error);
    }
}

/* The deepest document expansion accepts compacts too; flattening and
 * toRdf may refuse it, with an error */
static void
test_nesting_at_limit (void)
{
  g_autoptr(DeepTree) tree = deep_tree_new (DEEP_OBJECTS, 500);
  g_autoptr(DeepTree) deeper = deep_tree_new (DEEP_OBJECTS, 1000);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = run_algorithm (a, tree->root, options, NULL, &error);

      if (a == ALGORITHM_EXPAND || a == ALGORITHM_COMPACT)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else if (!ok)
        {
          g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
        }

      g_clear_error (&error);
      g_assert_false (run_algorithm (a, deeper->root, options, NULL, &error));
      g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
    }
}

/* Context cycles */

static void
add_document (PpDocumentLoader *loader,
              const char       *iri,
              const char       *text)
{
  g_autoptr(JsonNode) node = parse_json (text);

  pp_document_loader_add_document (loader, iri, node);
}

static void
test_remote_context_cycle (void)
{
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();
  g_autoptr(PpJsonldOptions) options = options_new_offline (loader);
  g_autoptr(JsonNode) input = NULL;

  add_document (loader, "https://example.org/a.jsonld",
                "{\"@context\": [\"https://example.org/b.jsonld\", {\"a\": \"ex:a\"}]}");
  add_document (loader, "https://example.org/b.jsonld",
                "{\"@context\": \"https://example.org/a.jsonld\"}");
  input = parse_json ("{\"@context\": \"https://example.org/a.jsonld\","
                      " \"@id\": \"https://example.org/s\", \"a\": 1}");

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;

      /* JSON-LD 1.1 follows the cycle until too many contexts nest */
      g_assert_false (run_algorithm (a, input, options, NULL, &error));
      g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_CONTEXT_OVERFLOW);
      g_assert_true (g_str_has_prefix (error->message, "context overflow"));
    }
}

static void
test_import_cycle (void)
{
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();
  g_autoptr(PpJsonldOptions) options = options_new_offline (loader);
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GError) error = NULL;

  add_document (loader, "https://example.org/i1.jsonld",
                "{\"@context\": {\"@import\": \"https://example.org/i2.jsonld\"}}");
  add_document (loader, "https://example.org/i2.jsonld",
                "{\"@context\": {\"@import\": \"https://example.org/i1.jsonld\"}}");
  input = parse_json ("{\"@context\": {\"@import\": \"https://example.org/i1.jsonld\"},"
                      " \"@id\": \"https://example.org/s\"}");

  g_assert_false (run_algorithm (ALGORITHM_EXPAND, input, options, NULL, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY);
  g_assert_true (g_str_has_prefix (error->message, "invalid context entry"));
}

/* A property-scoped context that redefines its own term with itself: every
 * level of the data applies it again, which must terminate. */
static void
test_scoped_context_self_reference (void)
{
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();
  g_autoptr(PpJsonldOptions) options = options_new_offline (loader);
  g_autoptr(GString) text = g_string_new ("{\"@context\": \"https://example.org/s.jsonld\"");
  g_autoptr(JsonNode) input = NULL;

  add_document (loader, "https://example.org/s.jsonld",
                "{\"@context\": {\"p\": {\"@id\": \"https://example.org/p\","
                " \"@context\": \"https://example.org/s.jsonld\"}}}");

  for (guint i = 0; i < 50; i++)
    g_string_append (text, ", \"p\": {\"@id\": \"https://example.org/n\"");
  for (guint i = 0; i < 50; i++)
    g_string_append_c (text, '}');
  g_string_append_c (text, '}');
  input = parse_json (text->str);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (run_algorithm (a, input, options, NULL, &error));
      g_assert_no_error (error);
    }
}

/* A context whose terms are defined one for another, t0 by t1, t1 by t2…:
 * each link recurses, so a long chain is refused */
static GString *
term_chain_text_new (guint length)
{
  GString *text = g_string_new ("{\"@context\": {");

  for (guint i = 0; i < length; i++)
    g_string_append_printf (text, "\"t%u\": \"t%u\", ", i, i + 1);
  g_string_append_printf (text, "\"t%u\": \"https://example.org/p\"}, "
                          "\"@id\": \"https://example.org/s\", \"t0\": \"v\"}", length);

  return text;
}

static void
test_term_chain (void)
{
  g_autoptr(GString) text = term_chain_text_new (DEEP_LEVELS);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GError) error = NULL;

  input = pp_json_parse (text->str, (gssize) text->len, &error);
  g_assert_no_error (error);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_test_message ("%s of a chain of %u terms", algorithm_names[a], DEEP_LEVELS);
      g_assert_false (run_algorithm (a, input, options, NULL, &error));
      g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_CONTEXT_OVERFLOW);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "context overflow: term \"t"));
      g_assert_nonnull (strstr (error->message, "a chain of more than 512 terms"));
      g_clear_error (&error);
    }
}

/* A chain of a hundred terms is fine */
static void
test_term_chain_moderate (void)
{
  g_autoptr(GString) text = term_chain_text_new (100);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  input = pp_json_parse (text->str, (gssize) text->len, &error);
  g_assert_no_error (error);
  expanded = pp_jsonld_expand (input, options, NULL, &error);
  g_assert_no_error (error);
  json = dup_expanded_value (expanded);
  g_assert_cmpstr (json, ==, "\"v\"");
}

/* Numbers out of range */

static JsonNode *
node_with_number (JsonNode *number)
{
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "@id", "https://example.org/s");
  json_object_set_member (object, "https://example.org/p", number);
  json_node_take_object (root, object);

  return root;
}

static void
test_huge_numbers (void)
{
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  const double values[] = { INFINITY, -INFINITY, NAN, 1180591620717411303424.0, 1e308 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      JsonNode *number = json_node_new (JSON_NODE_VALUE);
      g_autoptr(JsonNode) input = NULL;

      json_node_set_double (number, values[i]);
      input = node_with_number (number);

      for (Algorithm a = 0; a < N_ALGORITHMS; a++)
        {
          g_autoptr(GError) error = NULL;

          if (!isfinite (values[i]))
            {
              /* JSON has no such number: refused, never made null */
              g_assert_false (run_algorithm (a, input, options, NULL, &error));
              g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
              g_assert_nonnull (strstr (error->message, "a number is not finite"));
            }
          else if (!run_algorithm (a, input, options, NULL, &error))
            g_assert_true (error != NULL && error->domain == PP_JSONLD_ERROR);
          else
            g_assert_no_error (error);
        }
    }
}

/* JSON text, read by pp_json_parse() and by the document loader: values
 * json-glib 1.6 would change are refused, with where they are */

/* Loads @text (@length bytes) from a file through the document loader */
static JsonNode *
load_text (const char  *text,
           gssize       length,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-jsonld-robustness-XXXXXX", &local_error);
  g_autofree char *path = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();
  JsonNode *document;

  g_assert_no_error (local_error);
  path = g_build_filename (dir, "doc.jsonld", NULL);
  g_file_set_contents (path, text, length, &local_error);
  g_assert_no_error (local_error);

  directory = g_file_new_for_path (dir);
  pp_document_loader_add_prefix_mapping (loader, "https://example.org/docs/", directory);
  document = pp_document_loader_load (loader, "https://example.org/docs/doc.jsonld",
                                      NULL, NULL, error);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  return document;
}

/* Both readers refuse @text with @code, saying where: at @offset */
static void
assert_text_refused (const char  *text,
                     gssize       length,
                     PpJsonError  code,
                     const char  *problem,
                     gsize        offset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *where = g_strdup_printf (" at offset %" G_GSIZE_FORMAT " (line ", offset);

  node = pp_json_parse (text, length, &error);
  g_assert_null (node);
  g_assert_error (error, PP_JSON_ERROR, (int) code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, problem));
  g_assert_nonnull (strstr (error->message, where));
  g_clear_error (&error);

  node = load_text (text, length, &error);
  g_assert_null (node);
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  g_assert_true (g_str_has_prefix (error->message,
                                   "loading document failed: https://example.org/docs/doc.jsonld: "));
  g_assert_nonnull (strstr (error->message, problem));
  g_assert_nonnull (strstr (error->message, where));
}

static GString *
deep_text_new (DeepShape shape,
               guint     levels)
{
  GString *text = g_string_new ("{\"@id\": \"https://example.org/s\", \"https://example.org/p\": ");

  for (guint i = 0; i < levels; i++)
    g_string_append (text, shape == DEEP_ARRAYS ? "[" : "{\"https://example.org/p\": ");
  g_string_append (text, "1");
  for (guint i = 0; i < levels; i++)
    g_string_append_c (text, shape == DEEP_ARRAYS ? ']' : '}');
  g_string_append_c (text, '}');

  return text;
}

/* Deep nesting is refused before anything recurses */
static void
test_text_deep (gconstpointer data)
{
  DeepShape shape = GPOINTER_TO_INT (data);
  g_autoptr(GString) text = deep_text_new (shape, DEEP_LEVELS);
  const char *prefix = strstr (text->str, "p\": ") + 4;
  /* the first bracket too many: 512 levels open, the document's own first */
  gsize offset = (gsize) (prefix - text->str) +
                 (PP_JSON_MAX_DEPTH - 1) * (shape == DEEP_ARRAYS ? 1 : strlen ("{\"https://example.org/p\": "));

  assert_text_refused (text->str, (gssize) text->len, PP_JSON_ERROR_TOO_DEEP,
                       "arrays and objects nest deeper than 512 levels", offset);
}

/* PP_JSON_MAX_DEPTH levels are read, and expand */
static void
test_text_nesting_at_limit (void)
{
  g_autoptr(GString) text = deep_text_new (DEEP_ARRAYS, PP_JSON_MAX_DEPTH - 1);
  g_autoptr(GString) deeper = deep_text_new (DEEP_ARRAYS, PP_JSON_MAX_DEPTH);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GError) error = NULL;

  node = pp_json_parse (text->str, (gssize) text->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  expanded = pp_jsonld_expand (node, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (expanded);

  g_assert_null (pp_json_parse (deeper->str, (gssize) deeper->len, &error));
  g_assert_error (error, PP_JSON_ERROR, PP_JSON_ERROR_TOO_DEEP);
}

/* json-glib 1.6 cuts a string at an escaped NUL: "a" for "a\u0000b" */
static void
test_text_escaped_nul (void)
{
  const char *documents[] = {
    /* in a value */
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": \"a\\u0000b\"}",
    /* in a member name */
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\\u0000q\": \"ab\"}",
    /* in @id */
    "{\"@id\": \"https://example.org/s\\u0000t\", \"https://example.org/p\": \"ab\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    assert_text_refused (documents[i], -1, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                         "escaped NUL character (\\u0000)",
                         (gsize) (strstr (documents[i], "\\u0000") - documents[i]));
}

/* A NUL byte is not invalid UTF-8: it is said for what it is */
static void
test_text_nul_byte (void)
{
  static const char text[] = "{\"@id\": \"https://example.org/s\",\n \"https://example.org/p\": \"a\0b\"}";
  g_autoptr(GError) error = NULL;

  assert_text_refused (text, sizeof text - 1, PP_JSON_ERROR_INVALID_ENCODING,
                       "the text contains a NUL byte", strlen (text));

  g_assert_null (pp_json_parse (text, sizeof text - 1, &error));
  g_assert_nonnull (strstr (error->message, "(line 2, column 29)"));
}

/* json-glib 1.6 wraps integers beyond 64 bits (2^70 becomes -1) and makes
 * 1e400 infinite, which expansion turns into null */
static void
test_numbers_parsed (void)
{
  const char *refused[] = {
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": 1180591620717411303424}",
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": 9223372036854775808}",
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": -9223372036854775809}",
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": 1e400}",
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": -1e400}",
  };
  const char *kept[] = {
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": 9223372036854775807}",
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": -9223372036854775808}",
    "{\"@id\": \"https://example.org/s\", \"https://example.org/p\": 1.7976931348623157e308}",
  };
  const char *kept_values[] = {
    "9223372036854775807", "-9223372036854775808", "1.7976931348623157e+308",
  };
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      const char *number = strstr (refused[i], "p\": ") + 4;

      assert_text_refused (refused[i], -1, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                           i < 3 ? "does not fit in 64 bits" : "too large for a double",
                           (gsize) (number - refused[i]));
    }

  for (guint i = 0; i < G_N_ELEMENTS (kept); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = pp_json_parse (kept[i], -1, &error);
      g_autoptr(JsonNode) expanded = NULL;
      g_autofree char *json = NULL;

      g_assert_no_error (error);
      expanded = pp_jsonld_expand (node, options, NULL, &error);
      g_assert_no_error (error);
      json = dup_expanded_value (expanded);
      g_assert_cmpstr (json, ==, kept_values[i]);
    }
}

/* 2^70 is not an integer that fits in 64 bits: a double, canonical in RDF */
static void
test_large_double_to_rdf (void)
{
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  JsonNode *number = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nquads = NULL;

  json_node_set_double (number, 1180591620717411303424.0);
  input = node_with_number (number);
  nquads = pp_jsonld_to_rdf (input, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (nquads);
  /* the canonical form of xsd:double, to 15 or more significant digits */
  g_assert_true (g_str_has_prefix (nquads, "<https://example.org/s> <https://example.org/p> "
                                           "\"1.18059162071741"));
  g_assert_true (g_str_has_suffix (nquads, "E21\"^^<http://www.w3.org/2001/XMLSchema#double> .\n"));
}

/* Invalid UTF-8 */

static void
test_invalid_utf8 (gconstpointer data)
{
  gboolean in_key = GPOINTER_TO_INT (data);
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  g_autoptr(JsonNode) input = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonNode *value = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (value, "bad \xff\xfe bytes \xc3");
  json_object_set_string_member (object, "@id", "https://example.org/s");
  json_object_set_member (object,
                          in_key ? "https://example.org/\xff" : "https://example.org/p",
                          value);
  json_node_take_object (input, object);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (run_algorithm (a, input, options, NULL, &error));
      g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT);
    }
}

/* Remote contexts are not fetched unless allowed */

static void
test_remote_context_not_allowed (void)
{
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  g_autoptr(JsonNode) input = parse_json (
      "{\"@context\": \"https://schema.example.invalid/context.jsonld\","
      " \"@id\": \"https://example.org/s\", \"name\": \"x\"}");

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (run_algorithm (a, input, options, NULL, &error));
      g_assert_error (error, PP_JSONLD_ERROR,
                      PP_JSONLD_ERROR_LOADING_REMOTE_CONTEXT_FAILED);
      g_assert_true (g_str_has_prefix (error->message,
                                       "loading remote context failed"));
    }
}

/* A cancelled operation stops with an error */

static void
test_cancelled (void)
{
  g_autoptr(PpJsonldOptions) options = options_new_offline (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(JsonNode) input = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < 20000; i++)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "@id", "https://example.org/s");
      json_object_set_int_member (object, "https://example.org/p", i);
      json_array_add_object_element (array, object);
    }
  json_node_take_array (input, array);
  g_cancellable_cancel (cancellable);

  for (Algorithm a = 0; a < N_ALGORITHMS; a++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (run_algorithm (a, input, options, cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/jsonld/robustness/deep/arrays",
                        GINT_TO_POINTER (DEEP_ARRAYS), test_deep_nesting);
  g_test_add_data_func ("/jsonld/robustness/deep/objects",
                        GINT_TO_POINTER (DEEP_OBJECTS), test_deep_nesting);
  g_test_add_data_func ("/jsonld/robustness/deep/lists",
                        GINT_TO_POINTER (DEEP_LISTS), test_deep_nesting);
  g_test_add_data_func ("/jsonld/robustness/deep/context",
                        GINT_TO_POINTER (DEEP_CONTEXT), test_deep_nesting);
  g_test_add_func ("/jsonld/robustness/moderate-nesting", test_moderate_nesting);
  g_test_add_func ("/jsonld/robustness/nesting-at-limit", test_nesting_at_limit);
  g_test_add_func ("/jsonld/robustness/context/remote-cycle",
                   test_remote_context_cycle);
  g_test_add_func ("/jsonld/robustness/context/import-cycle", test_import_cycle);
  g_test_add_func ("/jsonld/robustness/context/scoped-self-reference",
                   test_scoped_context_self_reference);
  g_test_add_func ("/jsonld/robustness/context/term-chain", test_term_chain);
  g_test_add_func ("/jsonld/robustness/context/term-chain-moderate",
                   test_term_chain_moderate);
  g_test_add_data_func ("/jsonld/robustness/text/deep/arrays",
                        GINT_TO_POINTER (DEEP_ARRAYS), test_text_deep);
  g_test_add_data_func ("/jsonld/robustness/text/deep/objects",
                        GINT_TO_POINTER (DEEP_OBJECTS), test_text_deep);
  g_test_add_func ("/jsonld/robustness/text/nesting-at-limit", test_text_nesting_at_limit);
  g_test_add_func ("/jsonld/robustness/text/escaped-nul", test_text_escaped_nul);
  g_test_add_func ("/jsonld/robustness/text/nul-byte", test_text_nul_byte);
  g_test_add_func ("/jsonld/robustness/numbers/huge", test_huge_numbers);
  g_test_add_func ("/jsonld/robustness/numbers/parsed", test_numbers_parsed);
  g_test_add_func ("/jsonld/robustness/numbers/large-double-to-rdf",
                   test_large_double_to_rdf);
  g_test_add_data_func ("/jsonld/robustness/utf8/value", GINT_TO_POINTER (FALSE),
                        test_invalid_utf8);
  g_test_add_data_func ("/jsonld/robustness/utf8/key", GINT_TO_POINTER (TRUE),
                        test_invalid_utf8);
  g_test_add_func ("/jsonld/robustness/remote-context-not-allowed",
                   test_remote_context_not_allowed);
  g_test_add_func ("/jsonld/robustness/cancelled", test_cancelled);

  return g_test_run ();
}
