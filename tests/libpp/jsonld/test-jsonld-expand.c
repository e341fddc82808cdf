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

/* Documents of one shared context (schema.org, processed once for all
 * expansions) whose keys take the same place in memory and mean other
 * things: expansions that reuse the memory and caches of earlier ones must
 * know nothing of them */
static const char * const alike_documents[] = {
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"A\"}",
  "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"email\": \"A\"}",
  "{\"@context\": {\"@vocab\": \"http://example.com/vocab#\"}, \"@type\": \"Person\", \"name\": \"A\"}",
};

static const char * const alike_expanded[] = {
  "[{\"@type\":[\"http://schema.org/Person\"],\"http://schema.org/name\":[{\"@value\":\"A\"}]}]",
  "[{\"@type\":[\"http://schema.org/Person\"],\"http://schema.org/email\":[{\"@value\":\"A\"}]}]",
  "[{\"@type\":[\"http://example.com/vocab#Person\"],\"http://example.com/vocab#name\":[{\"@value\":\"A\"}]}]",
};

#define ALIKE_ROUNDS 50

static gpointer
expand_alike_documents (gpointer data)
{
  for (guint round = 0; round < ALIKE_ROUNDS; round++)
    {
      guint i = (round + GPOINTER_TO_UINT (data)) % G_N_ELEMENTS (alike_documents);
      g_autoptr(GBytes) input = g_bytes_new_static (alike_documents[i], strlen (alike_documents[i]));
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      bytes = pp_jsonld_expand_bytes (input, NULL, FALSE, NULL, &error);
      g_assert_no_error (error);
      text = bytes_to_string (bytes);
      g_assert_cmpstr (text, ==, alike_expanded[i]);
    }

  return NULL;
}

/* Documents expanded one after another, and on several threads at once,
 * each as if it were the first */
static void
test_expand_bytes_one_after_another (void)
{
  GThread *threads[4];

  expand_alike_documents (GUINT_TO_POINTER (0));

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("expand", expand_alike_documents, GUINT_TO_POINTER (i));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

/* Documents whose @context is a string, naming contexts that give "name"
 * other meanings, directly or relative to the base of the document: each
 * expands with its own context, the first time (processed) and afterwards
 * (found processed), on several threads at once */
typedef struct {
  const char *base;
  const char *context;
  const char *expanded;
} StringContextCase;

static const StringContextCase string_context_cases[] = {
  { NULL, "http://example.org/a.jsonld",
    "[{\"http://example.org/a#name\":[{\"@value\":\"A\"}]}]" },
  { NULL, "http://example.org/b.jsonld",
    "[{\"http://example.org/b#name\":[{\"@value\":\"A\"}]}]" },
  { "http://example.org/", "a.jsonld",
    "[{\"http://example.org/a#name\":[{\"@value\":\"A\"}]}]" },
  { "http://example.net/", "a.jsonld",
    "[{\"http://example.net/a#name\":[{\"@value\":\"A\"}]}]" },
  { NULL, "https://schema.org",
    "[{\"http://schema.org/name\":[{\"@value\":\"A\"}]}]" },
};

static const char * const string_context_documents[][2] = {
  { "http://example.org/a.jsonld", "{\"@context\": {\"name\": \"http://example.org/a#name\"}}" },
  { "http://example.org/b.jsonld", "{\"@context\": {\"name\": \"http://example.org/b#name\"}}" },
  { "http://example.net/a.jsonld", "{\"@context\": {\"name\": \"http://example.net/a#name\"}}" },
};

#define STRING_CONTEXT_ROUNDS 40

typedef struct {
  PpDocumentLoader *loader;
  guint             first;
} StringContextRun;

static gpointer
expand_string_context_documents (gpointer data)
{
  StringContextRun *run = data;

  for (guint round = 0; round < STRING_CONTEXT_ROUNDS; round++)
    {
      const StringContextCase *c = &string_context_cases[(round + run->first) %
                                                         G_N_ELEMENTS (string_context_cases)];
      char *text = g_strdup_printf ("{\"@context\": \"%s\", \"name\": \"A\"}", c->context);
      gsize length = strlen (text);
      g_autoptr(GBytes) input = g_bytes_new_take (text, length);
      g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *result = NULL;

      pp_jsonld_options_set_document_loader (options, run->loader);
      if (c->base != NULL)
        pp_jsonld_options_set_base (options, c->base);

      bytes = pp_jsonld_expand_bytes (input, options, FALSE, NULL, &error);
      g_assert_no_error (error);
      result = bytes_to_string (bytes);
      g_assert_cmpstr (result, ==, c->expanded);
    }

  return NULL;
}

static void
test_expand_bytes_string_contexts (void)
{
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();
  StringContextRun runs[4];
  GThread *threads[G_N_ELEMENTS (runs)];

  for (guint i = 0; i < G_N_ELEMENTS (string_context_documents); i++)
    {
      g_autoptr(JsonNode) context = parse_tree (string_context_documents[i][1]);

      pp_document_loader_add_document (loader, string_context_documents[i][0], context);
    }

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      runs[i].loader = loader;
      runs[i].first = i;
      threads[i] = g_thread_new ("expand", expand_string_context_documents, &runs[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

/* A string @context names the document the loader has now, not the one it
 * had when the context was processed for an earlier document */
static void
test_expand_bytes_string_context_replaced (void)
{
  const char *text = "{\"@context\": \"http://example.org/a.jsonld\", \"name\": \"A\"}";
  const char *contexts[] = {
    "{\"@context\": {\"name\": \"http://example.org/a#name\"}}",
    "{\"@context\": {\"name\": \"http://example.org/other#name\"}}",
  };
  const char *expected[] = {
    "[{\"http://example.org/a#name\":[{\"@value\":\"A\"}]}]",
    "[{\"http://example.org/other#name\":[{\"@value\":\"A\"}]}]",
  };
  g_autoptr(PpDocumentLoader) loader = pp_document_loader_new ();
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));

  pp_jsonld_options_set_document_loader (options, loader);

  for (guint i = 0; i < G_N_ELEMENTS (contexts); i++)
    {
      g_autoptr(JsonNode) context = parse_tree (contexts[i]);

      pp_document_loader_add_document (loader, "http://example.org/a.jsonld", context);

      /* twice: processed, then found processed */
      for (guint j = 0; j < 2; j++)
        {
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GError) error = NULL;
          g_autofree char *result = NULL;

          bytes = pp_jsonld_expand_bytes (input, options, FALSE, NULL, &error);
          g_assert_no_error (error);
          result = bytes_to_string (bytes);
          g_assert_cmpstr (result, ==, expected[i]);
        }
    }
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

/* what pp_jsonld_expand_value_foreach() hands over, copied out of the
 * expansion's memory */
typedef struct {
  PpJsonArena *arena;
  PpJsonValue *elements;
  guint        fail_at;  /* 1 + the element to fail at, 0: never */
} Collected;

static gboolean
collect_element (const PpJsonValue  *element,
                 gpointer            user_data,
                 GError            **error)
{
  Collected *collected = user_data;

  if (collected->fail_at == pp_json_value_get_size (collected->elements) + 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "element refused");
      return FALSE;
    }

  pp_json_array_append (collected->arena, collected->elements,
                        pp_json_value_copy (collected->arena, element));
  return TRUE;
}

static char *
value_to_string (const PpJsonValue *value)
{
  g_autoptr(GString) out = g_string_new (NULL);

  pp_json_value_write (out, value, PP_JSON_WRITE_NONE);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The elements handed over one at a time are those of the expanded
 * document, in order, whatever the shape of the document */
static void
test_expand_foreach_same_as_expand (void)
{
  const char *documents[] = {
    document,
    /* @graph under an alias, with arrays, values and nulls in it */
    "{\"@context\": {\"@vocab\": \"http://schema.org/\", \"nodes\": \"@graph\"},"
    " \"nodes\": [{\"name\": \"a\"}, [{\"name\": \"b\"}, {\"@id\": \"http://example.org/c\"}],"
    "  \"free\", null, {\"@value\": 1}, {\"@set\": [{\"name\": \"d\"}]}]}",
    /* one node object for @graph */
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"}, \"@graph\": {\"name\": \"a\"}}",
    /* a named graph: the document is no list of nodes */
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"}, \"@id\": \"http://example.org/g\","
    " \"@graph\": [{\"name\": \"a\"}]}",
    /* a key that expands to nothing besides @graph */
    "{\"@context\": {\"@vocab\": \"http://schema.org/\", \"skip\": null},"
    " \"skip\": 1, \"@graph\": [{\"name\": \"a\"}]}",
    /* no @graph at all */
    "[{\"http://schema.org/name\": \"a\"}, {\"http://schema.org/name\": \"b\"}]",
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"}, \"@graph\": []}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(PpJsonArena) names = pp_json_arena_new ();
      g_autoptr(PpJsonArena) collected_arena = pp_json_arena_new ();
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *text = NULL;
      Collected collected = { collected_arena, pp_json_value_new_array (collected_arena, 0), 0 };
      PpJsonValue *input;

      input = pp_json_value_parse (arena, documents[i], -1, &error);
      g_assert_no_error (error);
      expected = value_to_string (pp_jsonld_expand_value (arena, input, NULL, NULL, &error));
      g_assert_no_error (error);

      g_assert_true (pp_jsonld_expand_value_foreach (names, input, NULL, NULL, collect_element,
                                                     &collected, &error));
      g_assert_no_error (error);
      text = value_to_string (collected.elements);
      g_assert_cmpstr (text, ==, expected);
    }
}

/* A document of many nodes in @graph is expanded a node at a time: what
 * stays in the arena afterwards is a small part of the expansion */
static void
test_expand_foreach_node_at_a_time (void)
{
  g_autoptr(GString) text = g_string_new ("{\"@context\": {\"@vocab\": \"http://schema.org/\"},"
                                          " \"@graph\": [");
  g_autoptr(PpJsonArena) input_arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) whole = pp_json_arena_new ();
  g_autoptr(PpJsonArena) names = pp_json_arena_new ();
  g_autoptr(PpJsonArena) collected_arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  Collected collected = { collected_arena, pp_json_value_new_array (collected_arena, 0), 0 };
  PpJsonValue *input;
  guint n = 5000;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"@id\": \"http://example.org/%u\", \"@type\": \"Person\","
                                  " \"name\": \"Person %u\", \"knows\": {\"name\": \"Friend %u\"}}",
                            i > 0 ? ", " : "", i, i, i);
  g_string_append (text, "]}");

  input = pp_json_value_parse (input_arena, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);

  g_assert_nonnull (pp_jsonld_expand_value (whole, input, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (pp_jsonld_expand_value_foreach (names, input, NULL, NULL, collect_element,
                                                 &collected, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (pp_json_value_get_size (collected.elements), ==, n);
  g_assert_cmpuint (pp_json_arena_get_size (names) * 20, <, pp_json_arena_get_size (whole));
}

/* When the function refuses an element and a later element cannot be
 * expanded, the error of the expansion is reported, as when the whole
 * document is expanded first; else the function's */
static void
test_expand_foreach_expansion_error_first (void)
{
  const char *bad =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"}, \"@graph\": ["
    " {\"name\": \"a\"}, {\"name\": \"b\"}, {\"@id\": 5}]}";
  const char *good =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"}, \"@graph\": ["
    " {\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"c\"}]}";
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) collected_arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  Collected collected = { collected_arena, pp_json_value_new_array (collected_arena, 0), 2 };
  PpJsonValue *input;

  input = pp_json_value_parse (arena, bad, -1, &error);
  g_assert_no_error (error);
  g_assert_false (pp_jsonld_expand_value_foreach (arena, input, NULL, NULL, collect_element,
                                                  &collected, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_ID_VALUE);
  g_clear_error (&error);

  collected.elements = pp_json_value_new_array (collected_arena, 0);
  input = pp_json_value_parse (arena, good, -1, &error);
  g_assert_no_error (error);
  g_assert_false (pp_jsonld_expand_value_foreach (arena, input, NULL, NULL, collect_element,
                                                  &collected, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  /* nothing after the refused element */
  g_assert_cmpuint (pp_json_value_get_size (collected.elements), ==, 1);
}

/* The expansion of the document @text, which has @n_elements top-level
 * elements */
static PpJsonValue *
expand_elements (PpJsonArena *arena,
                 GString     *text,
                 guint        n_elements)
{
  g_autoptr(GError) error = NULL;
  PpJsonValue *input;
  PpJsonValue *expanded;

  input = pp_json_value_parse (arena, text->str, (gssize) text->len, &error);
  g_assert_no_error (error);

  expanded = pp_jsonld_expand_value (arena, input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pp_json_value_get_size (expanded), ==, n_elements);

  return expanded;
}

/* The same type under many contexts, more than the expansion remembers
 * at once, expands under the context it is in */
static void
test_expand_type_in_its_context (void)
{
  g_autoptr(GString) text = g_string_new ("{\"@context\": {\"@vocab\": \"http://schema.org/\"}, "
                                          "\"@graph\": [");
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *expanded;
  guint n = 700;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"@context\": {\"T\": \"http://example.org/T%u\"}, "
                                  "\"@id\": \"http://example.org/n%u\", \"@type\": \"T\"}, "
                                  "{\"@id\": \"http://example.org/m%u\", \"@type\": \"T\"}",
                            i > 0 ? ", " : "", i, i, i);
  g_string_append (text, "]}");

  expanded = expand_elements (arena, text, 2 * n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *type = g_strdup_printf ("http://example.org/T%u", i);
      PpJsonValue *node = pp_json_array_get (expanded, 2 * i);
      PpJsonValue *types = pp_json_object_get (node, PP_JSON_KW (TYPE));

      g_assert_cmpstr (pp_json_value_get_string (pp_json_array_get (types, 0)), ==, type);

      node = pp_json_array_get (expanded, 2 * i + 1);
      types = pp_json_object_get (node, PP_JSON_KW (TYPE));
      g_assert_cmpstr (pp_json_value_get_string (pp_json_array_get (types, 0)), ==,
                       "http://schema.org/T");
    }
}

/* A compact IRI given as an identifier expands with the prefix of the
 * context it is in, however many contexts define the same prefix */
static void
test_expand_id_compact_iri_in_its_context (void)
{
  g_autoptr(GString) text = g_string_new ("{\"@context\": {\"ex\": \"http://example.org/outer/\", "
                                          "\"knows\": {\"@id\": \"http://schema.org/knows\", "
                                          "\"@type\": \"@id\"}}, \"@graph\": [");
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *expanded;
  guint n = 300;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s{\"@context\": {\"ex\": \"http://example.org/c%u/\"}, "
                                  "\"@id\": \"ex:n%u\", \"knows\": \"ex:k\"}, "
                                  "{\"@id\": \"ex:m%u\", \"knows\": [\"_:b\", \"ex://host/\"]}",
                            i > 0 ? ", " : "", i, i, i);
  g_string_append (text, "]}");

  expanded = expand_elements (arena, text, 2 * n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("http://example.org/c%u/n%u", i, i);
      g_autofree char *known = g_strdup_printf ("http://example.org/c%u/k", i);
      g_autofree char *outer = g_strdup_printf ("http://example.org/outer/m%u", i);
      PpJsonValue *node = pp_json_array_get (expanded, 2 * i);
      PpJsonValue *knows = pp_json_object_get (node, pp_json_arena_intern (arena, "http://schema.org/knows"));

      g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (node, PP_JSON_KW (ID))), ==, id);
      g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (pp_json_array_get (knows, 0),
                                                                     PP_JSON_KW (ID))), ==, known);

      node = pp_json_array_get (expanded, 2 * i + 1);
      knows = pp_json_object_get (node, pp_json_arena_intern (arena, "http://schema.org/knows"));
      g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (node, PP_JSON_KW (ID))), ==, outer);
      g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (pp_json_array_get (knows, 0),
                                                                     PP_JSON_KW (ID))), ==, "_:b");
      g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (pp_json_array_get (knows, 1),
                                                                     PP_JSON_KW (ID))), ==, "ex://host/");
    }
}

/* A string holding NUL where the document gives an IRI, a term or a
 * keyword value */
typedef struct {
  const char   *document;
  PpJsonldError code;
  const char   *message;
} NulCase;

static const NulCase nul_id = {
  "{\"@id\": \"http://example.org/s\\u0000t\", \"http://example.org/p\": \"v\"}",
  PP_JSONLD_ERROR_INVALID_ID_VALUE,
  "invalid @id value: the value of \"@id\" holds a NUL character (U+0000)",
};

static const NulCase nul_type = {
  "{\"@context\": {\"kind\": \"@type\"},"
  " \"@id\": \"http://example.org/s\", \"kind\": \"http://example.org/T\\u0000U\"}",
  PP_JSONLD_ERROR_INVALID_TYPE_VALUE,
  "invalid type value: the value of \"kind\" holds a NUL character (U+0000)",
};

static const NulCase nul_type_in_array = {
  "{\"@id\": \"http://example.org/s\","
  " \"@type\": [\"http://example.org/A\", \"http://example.org/T\\u0000U\"]}",
  PP_JSONLD_ERROR_INVALID_TYPE_VALUE,
  "invalid type value: the value of \"@type\" holds a NUL character (U+0000)",
};

/* a @nest object is not a node: its @type is read by the keyword alone */
static const NulCase nul_type_in_nest = {
  "{\"@context\": {\"meta\": \"@nest\"},"
  " \"@id\": \"http://example.org/s\", \"meta\": {\"@type\": \"http://example.org/T\\u0000U\"}}",
  PP_JSONLD_ERROR_INVALID_TYPE_VALUE,
  "invalid type value: the value of \"@type\" holds a NUL character (U+0000)",
};

static const NulCase nul_vocab_value = {
  "{\"@context\": {\"@vocab\": \"http://example.org/\", \"status\": {\"@type\": \"@vocab\"}},"
  " \"@id\": \"http://example.org/s\", \"status\": \"Active\\u0000Draft\"}",
  PP_JSONLD_ERROR_INVALID_ID_VALUE,
  "invalid @id value: the value of \"status\" holds a NUL character (U+0000)",
};

static const NulCase nul_language = {
  "{\"http://example.org/p\": {\"@value\": \"v\", \"@language\": \"en\\u0000x\"}}",
  PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_STRING,
  "invalid language-tagged string: the value of \"@language\" holds a NUL character (U+0000)",
};

static const NulCase nul_index = {
  "{\"http://example.org/p\": {\"@value\": \"v\", \"@index\": \"i\\u0000j\"}}",
  PP_JSONLD_ERROR_INVALID_INDEX_VALUE,
  "invalid @index value: the value of \"@index\" holds a NUL character (U+0000)",
};

static const NulCase nul_direction = {
  "{\"http://example.org/p\": {\"@value\": \"v\", \"@direction\": \"ltr\\u0000x\"}}",
  PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
  "invalid base direction: the value of \"@direction\" holds a NUL character (U+0000)",
};

static const NulCase nul_context_term_id = {
  "{\"@context\": {\"p\": {\"@id\": \"http://example.org/p\\u0000q\"}}, \"p\": \"v\"}",
  PP_JSONLD_ERROR_INVALID_LOCAL_CONTEXT,
  "invalid local context: in the @context, the string at “/p/@id” holds a NUL character "
  "(U+0000) at byte 20, which a JSON tree cannot hold",
};

/* the document of nothing but @context and @graph, expanded a node at a
 * time */
static const NulCase nul_context_of_graph = {
  "{\"@context\": {\"@vocab\": \"http://example.org/v\\u0000w/\"},"
  " \"@graph\": [{\"@id\": \"http://example.org/s\", \"p\": \"v\"}]}",
  PP_JSONLD_ERROR_INVALID_LOCAL_CONTEXT,
  "invalid local context: in the @context, the string at “/@vocab” holds a NUL character "
  "(U+0000) at byte 20, which a JSON tree cannot hold",
};

/* Refused with the error of its place, rather than read up to the NUL */
static void
test_expand_nul_refused (gconstpointer data)
{
  const NulCase *nul = data;
  g_autoptr(GBytes) input = g_bytes_new_static (nul->document, strlen (nul->document));
  g_autoptr(GBytes) expanded = NULL;
  g_autoptr(GBytes) flattened = NULL;
  g_autoptr(GError) error = NULL;

  expanded = pp_jsonld_expand_bytes (input, NULL, FALSE, NULL, &error);
  if (expanded != NULL)
    {
      g_autofree char *text = bytes_to_string (expanded);

      g_test_message ("expanded to %s", text);
    }
  g_assert_error (error, PP_JSONLD_ERROR, (int) nul->code);
  g_assert_cmpstr (error->message, ==, nul->message);
  g_assert_null (expanded);

  /* flattening expands a node at a time when it can: the same error */
  g_clear_error (&error);
  flattened = pp_jsonld_flatten_bytes (input, NULL, NULL, FALSE, NULL, &error);
  g_assert_error (error, PP_JSONLD_ERROR, (int) nul->code);
  g_assert_cmpstr (error->message, ==, nul->message);
  g_assert_null (flattened);
}

/* A NUL in a literal is kept, whole */
static void
test_expand_nul_literal_kept (void)
{
  const char *text = "{\"http://example.org/p\": [{\"@value\": \"a\\u0000b\"}, \"c\\u0000d\"]}";
  g_autoptr(GBytes) input = g_bytes_new_static (text, strlen (text));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expanded = NULL;

  bytes = pp_jsonld_expand_bytes (input, NULL, FALSE, NULL, &error);
  g_assert_no_error (error);
  expanded = bytes_to_string (bytes);
  g_assert_cmpstr (expanded, ==,
                   "[{\"http://example.org/p\":[{\"@value\":\"a\\u0000b\"},"
                   "{\"@value\":\"c\\u0000d\"}]}]");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/expand-bytes/same-as-tree", test_expand_bytes_same_as_tree);
  g_test_add_func ("/jsonld/expand-bytes/not-json", test_expand_bytes_not_json);
  g_test_add_func ("/jsonld/expand-bytes/one-after-another", test_expand_bytes_one_after_another);
  g_test_add_func ("/jsonld/expand-bytes/string-context/several-on-threads",
                   test_expand_bytes_string_contexts);
  g_test_add_func ("/jsonld/expand-bytes/string-context/document-replaced",
                   test_expand_bytes_string_context_replaced);
  g_test_add_func ("/jsonld/flatten-bytes/same-as-tree", test_flatten_bytes_same_as_tree);
  g_test_add_func ("/jsonld/expand/member-order", test_expand_member_order);
  g_test_add_func ("/jsonld/expand/key-in-its-context", test_expand_key_in_its_context);
  g_test_add_func ("/jsonld/expand/type-in-its-context", test_expand_type_in_its_context);
  g_test_add_func ("/jsonld/expand/id-compact-iri-in-its-context",
                   test_expand_id_compact_iri_in_its_context);
  g_test_add_func ("/jsonld/expand-foreach/same-as-expand", test_expand_foreach_same_as_expand);
  g_test_add_func ("/jsonld/expand-foreach/node-at-a-time", test_expand_foreach_node_at_a_time);
  g_test_add_func ("/jsonld/expand-foreach/expansion-error-first",
                   test_expand_foreach_expansion_error_first);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/id-refused", &nul_id,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/type-refused", &nul_type,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/type-in-array-refused", &nul_type_in_array,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/type-in-nest-refused", &nul_type_in_nest,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/vocab-value-refused", &nul_vocab_value,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/language-refused", &nul_language,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/index-refused", &nul_index,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/direction-refused", &nul_direction,
                        test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/context-term-id-refused",
                        &nul_context_term_id, test_expand_nul_refused);
  g_test_add_data_func ("/jsonld/expand-bytes/nul/context-of-graph-refused",
                        &nul_context_of_graph, test_expand_nul_refused);
  g_test_add_func ("/jsonld/expand-bytes/nul/literal-kept", test_expand_nul_literal_kept);

  return g_test_run ();
}
