/* test-jsonld-compactor.c: compaction of JSON values, and the
 * compactor's item-by-item compaction
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-compact-private.h"

static const char *context_text =
  "{\"@vocab\": \"https://schema.org/\","
  " \"ex\": \"https://example.org/\","
  " \"id\": \"@id\", \"type\": \"@type\","
  " \"knows\": {\"@type\": \"@id\"},"
  " \"names\": {\"@id\": \"https://schema.org/alternateName\", \"@container\": \"@language\"},"
  " \"tags\": {\"@id\": \"https://schema.org/keywords\", \"@container\": \"@list\"},"
  " \"byType\": {\"@id\": \"https://schema.org/member\", \"@container\": \"@type\"},"
  " \"parentOf\": {\"@reverse\": \"https://schema.org/parent\"}}";

/* expanded documents that reach every path of compaction the context has */
static const char * const expanded_texts[] = {
  "[]",
  "[{\"@id\": \"https://example.org/a\"}]",
  "[{\"@id\": \"https://example.org/a\","
  "  \"@type\": [\"https://schema.org/Person\", \"https://example.org/Agent\"],"
  "  \"https://schema.org/name\": [{\"@value\": \"A\"}, {\"@value\": 1.5}, {\"@value\": true}],"
  "  \"https://schema.org/knows\": [{\"@id\": \"https://example.org/b\"}],"
  "  \"https://schema.org/alternateName\": [{\"@value\": \"Ana\", \"@language\": \"es\"},"
  "                                        {\"@value\": \"Anna\", \"@language\": \"de\"}],"
  "  \"https://schema.org/keywords\": [{\"@list\": [{\"@value\": \"x\"}, {\"@value\": \"y\"}]}],"
  "  \"https://schema.org/member\": [{\"@id\": \"https://example.org/c\","
  "                                  \"@type\": [\"https://schema.org/Person\"]}],"
  "  \"@reverse\": {\"https://schema.org/parent\": [{\"@id\": \"https://example.org/d\"}]}},"
  " {\"@id\": \"_:b0\", \"https://example.org/p\": [{\"@value\": \"v\", \"@type\": \"https://example.org/T\"}]}]",
};

static JsonNode *
parse (const char *text,
       gboolean    sealed)
{
  g_autoptr(JsonParser) parser = sealed ? json_parser_new_immutable () : json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

static char *
value_to_string (const PpJsonValue *value)
{
  g_autoptr(JsonNode) node = pp_json_value_to_json_node (value);

  return pp_jsonld_to_json (node, FALSE);
}

/* values compact to what the tree of the same document compacts to */
static void
test_same_as_tree (void)
{
  g_autoptr(JsonNode) context = parse (context_text, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (expanded_texts); i++)
    {
      g_autoptr(JsonNode) expanded = parse (expanded_texts[i], FALSE);
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) tree = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *got = NULL;
      PpJsonValue *input, *compacted;

      g_test_message ("%s", expanded_texts[i]);
      tree = pp_jsonld_compact_expanded (expanded, context, NULL, NULL, &error);
      g_assert_no_error (error);
      expected = pp_jsonld_to_json (tree, FALSE);

      input = pp_json_value_from_json_node (arena, expanded, 64, &error);
      g_assert_no_error (error);
      compacted = pp_jsonld_compact_expanded_value (arena, input, context, NULL, NULL, &error);
      g_assert_no_error (error);
      got = value_to_string (compacted);

      g_assert_cmpstr (got, ==, expected);
    }
}

/* the result lives in its own arena: the input can go first */
static void
test_shares_nothing (void)
{
  g_autoptr(JsonNode) context = parse (context_text, TRUE);
  g_autoptr(JsonNode) expanded = parse (expanded_texts[2], FALSE);
  g_autoptr(PpJsonArena) input_arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  PpJsonValue *input, *compacted;

  tree = pp_jsonld_compact_expanded (expanded, context, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = pp_jsonld_to_json (tree, FALSE);

  input = pp_json_value_from_json_node (input_arena, expanded, 64, &error);
  g_assert_no_error (error);
  compacted = pp_jsonld_compact_expanded_value (arena, input, context, NULL, NULL, &error);
  g_assert_no_error (error);

  /* overwrite the input before it goes, so that any use of it shows */
  memset ((char *) pp_json_value_get_string (pp_json_object_get (pp_json_array_get (input, 0),
                                                                 PP_JSON_KW (ID))),
          'X', strlen ("https://example.org/a"));
  g_clear_pointer (&input_arena, pp_json_arena_unref);

  got = value_to_string (compacted);
  g_assert_cmpstr (got, ==, expected);
}

/* item by item, in arenas of their own, then the document: the same as the
 * whole array at once */
static void
test_compactor_items (void)
{
  g_autoptr(JsonNode) context = parse (context_text, TRUE);
  g_autoptr(JsonNode) expanded = parse (expanded_texts[2], FALSE);
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  g_autoptr(PpJsonArena) input_arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  PpJsonValue *input, *items, *document;

  tree = pp_jsonld_compact_expanded (expanded, context, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = pp_jsonld_to_json (tree, FALSE);

  compactor = pp_jsonld_compactor_new (context, NULL, NULL, &error);
  g_assert_no_error (error);

  input = pp_json_value_from_json_node (input_arena, expanded, 64, &error);
  g_assert_no_error (error);
  items = pp_json_value_new_array (arena, 0);
  for (guint i = 0; i < pp_json_value_get_size (input); i++)
    {
      g_autoptr(PpJsonArena) item_arena = pp_json_arena_new ();
      PpJsonValue *item;

      item = pp_jsonld_compactor_compact_item_value (compactor, item_arena,
                                                     pp_json_array_get (input, i), &error);
      g_assert_no_error (error);
      pp_json_array_append (arena, items, pp_json_value_copy (arena, item));
    }

  document = pp_jsonld_compactor_finish_value (compactor, arena, items, &error);
  g_assert_no_error (error);
  got = value_to_string (document);
  g_assert_cmpstr (got, ==, expected);
}

/* the tree API of the compactor gives the same document */
static void
test_compactor_tree_items (void)
{
  g_autoptr(JsonNode) context = parse (context_text, TRUE);
  g_autoptr(JsonNode) expanded = parse (expanded_texts[2], FALSE);
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = NULL;
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  JsonArray *input = json_node_get_array (expanded);
  JsonArray *items = json_array_new ();

  tree = pp_jsonld_compact_expanded (expanded, context, NULL, NULL, &error);
  g_assert_no_error (error);
  expected = pp_jsonld_to_json (tree, FALSE);

  compactor = pp_jsonld_compactor_new (context, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < json_array_get_length (input); i++)
    {
      JsonNode *item = pp_jsonld_compactor_compact_item (compactor,
                                                         json_array_get_element (input, i),
                                                         &error);

      g_assert_no_error (error);
      json_array_add_element (items, item);
    }

  document = pp_jsonld_compactor_finish (compactor, items, &error);
  g_assert_no_error (error);
  got = pp_jsonld_to_json (document, FALSE);
  g_assert_cmpstr (got, ==, expected);
}

/* Compacts each item of @expanded_text through one compactor, every item
 * into an arena of its own, or all into one arena when @one_arena, and
 * checks each against the item compacted alone, by a compactor of its
 * own, and against @expected */
static void
check_items_one_by_one (const char         *context_text_,
                        const char         *expanded_text,
                        const char * const *expected,
                        gboolean            one_arena)
{
  g_autoptr(JsonNode) context = parse (context_text_, TRUE);
  g_autoptr(JsonNode) expanded = parse (expanded_text, FALSE);
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  g_autoptr(PpJsonArena) input_arena = pp_json_arena_new ();
  g_autoptr(PpJsonArena) shared_arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  PpJsonValue *input;

  compactor = pp_jsonld_compactor_new (context, NULL, NULL, &error);
  g_assert_no_error (error);

  input = pp_json_value_from_json_node (input_arena, expanded, 64, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < pp_json_value_get_size (input); i++)
    {
      g_autoptr(PpJsonArena) item_arena = pp_json_arena_new ();
      g_autoptr(PpJsonArena) alone_arena = pp_json_arena_new ();
      g_autoptr(PpJsonldCompactor) alone_compactor = NULL;
      g_autofree char *got = NULL;
      g_autofree char *alone = NULL;
      PpJsonValue *item;

      item = pp_jsonld_compactor_compact_item_value (compactor,
                                                     one_arena ? shared_arena : item_arena,
                                                     pp_json_array_get (input, i), &error);
      g_assert_no_error (error);
      got = value_to_string (item);

      alone_compactor = pp_jsonld_compactor_new (context, NULL, NULL, &error);
      g_assert_no_error (error);
      item = pp_jsonld_compactor_compact_item_value (alone_compactor, alone_arena,
                                                     pp_json_array_get (input, i), &error);
      g_assert_no_error (error);
      alone = value_to_string (item);

      g_assert_cmpstr (got, ==, alone);
      g_assert_cmpstr (got, ==, expected[i]);
    }
}

/* one IRI with values that select different terms, one after another:
 * what was selected for one value is not taken for another */
static void
check_value_shapes (gboolean one_arena)
{
  static const char *shapes_context =
    "{\"@vocab\": \"http://ex.org/\","
    " \"xsd\": \"http://www.w3.org/2001/XMLSchema#\","
    " \"name\": {\"@id\": \"http://ex.org/name\", \"@language\": \"en\"},"
    " \"nameDate\": {\"@id\": \"http://ex.org/name\", \"@type\": \"xsd:date\"},"
    " \"nameRef\": {\"@id\": \"http://ex.org/name\", \"@type\": \"@id\"},"
    " \"nameVocab\": {\"@id\": \"http://ex.org/name\", \"@type\": \"@vocab\"},"
    " \"Bob\": \"http://ex.org/Bob\"}";
  static const char *expanded_text =
    "[{\"http://ex.org/name\": [{\"@value\": \"Ann\", \"@language\": \"en\"}]},"
    " {\"http://ex.org/name\": [{\"@value\": \"Ann\"}]},"
    " {\"http://ex.org/name\": [{\"@value\": \"2020-01-01\","
    "                            \"@type\": \"http://www.w3.org/2001/XMLSchema#date\"}]},"
    " {\"http://ex.org/name\": [{\"@id\": \"http://ex.org/Bob\"}]},"
    " {\"http://ex.org/name\": [{\"@id\": \"http://ex.org/carol\"}]},"
    " {\"http://ex.org/name\": [{\"@value\": \"Anna\", \"@language\": \"DE\"}]},"
    " {\"http://ex.org/name\": [{\"@value\": \"Ann\", \"@language\": \"EN\"}]}]";
  static const char * const expected[] = {
    "{\"name\":\"Ann\"}",
    "{\"http://ex.org/name\":\"Ann\"}",
    "{\"nameDate\":\"2020-01-01\"}",
    "{\"nameVocab\":\"Bob\"}",
    "{\"nameRef\":\"http://ex.org/carol\"}",
    "{\"http://ex.org/name\":{\"@value\":\"Anna\",\"@language\":\"DE\"}}",
    "{\"name\":\"Ann\"}",
  };

  check_items_one_by_one (shapes_context, expanded_text, expected, one_arena);
}

static void
test_compactor_value_shapes (void)
{
  check_value_shapes (FALSE);
}

/* the same into one arena, where the compacted terms keep their
 * addresses from one item to the next */
static void
test_compactor_one_arena_value_shapes (void)
{
  check_value_shapes (TRUE);
}

/* one IRI in two active contexts, a scoped context giving it a term of
 * its own: what it compacts to in one is not taken for the other */
static void
test_compactor_scoped_context (void)
{
  static const char *scoped_context =
    "{\"@vocab\": \"http://ex.org/\","
    " \"outer\": {\"@id\": \"http://ex.org/outer\","
    "             \"@context\": {\"label\": \"http://ex.org/name\"}}}";
  static const char *expanded_text =
    "[{\"http://ex.org/name\": [{\"@value\": \"a\"}],"
    "  \"http://ex.org/outer\": [{\"http://ex.org/name\": [{\"@value\": \"b\"}]}]},"
    " {\"http://ex.org/outer\": [{\"http://ex.org/name\": [{\"@value\": \"c\"}]}],"
    "  \"http://ex.org/name\": [{\"@value\": \"d\"}]}]";
  static const char * const expected[] = {
    "{\"name\":\"a\",\"outer\":{\"label\":\"b\"}}",
    "{\"outer\":{\"label\":\"c\"},\"name\":\"d\"}",
  };

  check_items_one_by_one (scoped_context, expanded_text, expected, FALSE);
  check_items_one_by_one (scoped_context, expanded_text, expected, TRUE);
}

/* Into one arena, one term in several active contexts: a protected term
 * that a property-scoped context redefines with a container, and a term
 * that only a type-scoped context has. What a term is in one context is not taken
 * for another, from one item to the next. */
static void
test_compactor_one_arena_scoped_terms (void)
{
  static const char *terms_context =
    "{\"@vocab\": \"http://ex.org/\","
    " \"name\": {\"@id\": \"http://ex.org/name\", \"@protected\": true},"
    " \"about\": {\"@id\": \"http://ex.org/about\","
    "             \"@context\": {\"name\": {\"@id\": \"http://ex.org/label\","
    "                                    \"@container\": \"@set\"}}},"
    " \"Book\": {\"@id\": \"http://ex.org/Book\","
    "            \"@context\": {\"t\": \"http://ex.org/name\"}}}";
  static const char *expanded_text =
    "[{\"http://ex.org/name\": [{\"@value\": \"a\"}]},"
    " {\"@type\": [\"http://ex.org/Book\"], \"http://ex.org/name\": [{\"@value\": \"b\"}]},"
    " {\"http://ex.org/about\": [{\"http://ex.org/label\": [{\"@value\": \"c\"}],"
    "                             \"http://ex.org/name\": [{\"@value\": \"d\"}]}],"
    "  \"http://ex.org/name\": [{\"@value\": \"e\"}]},"
    " {\"http://ex.org/name\": [{\"@value\": \"f\"}],"
    "  \"http://ex.org/about\": [{\"@type\": [\"http://ex.org/Book\"],"
    "                             \"http://ex.org/name\": [{\"@value\": \"g\"}]}]},"
    " {\"@type\": [\"http://ex.org/Book\"], \"http://ex.org/name\": [{\"@value\": \"h\"}]}]";
  static const char * const expected[] = {
    "{\"name\":\"a\"}",
    "{\"@type\":\"Book\",\"t\":\"b\"}",
    "{\"about\":{\"name\":[\"c\"],\"http://ex.org/name\":\"d\"},\"name\":\"e\"}",
    "{\"name\":\"f\",\"about\":{\"@type\":\"Book\",\"t\":\"g\"}}",
    "{\"@type\":\"Book\",\"t\":\"h\"}",
  };

  check_items_one_by_one (terms_context, expanded_text, expected, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/compact-value/same-as-tree", test_same_as_tree);
  g_test_add_func ("/jsonld/compact-value/shares-nothing-with-input", test_shares_nothing);
  g_test_add_func ("/jsonld/compactor/items-as-values", test_compactor_items);
  g_test_add_func ("/jsonld/compactor/items-as-trees", test_compactor_tree_items);
  g_test_add_func ("/jsonld/compactor/memo/value-shapes", test_compactor_value_shapes);
  g_test_add_func ("/jsonld/compactor/memo/scoped-context", test_compactor_scoped_context);
  g_test_add_func ("/jsonld/compactor/one-arena/value-shapes",
                   test_compactor_one_arena_value_shapes);
  g_test_add_func ("/jsonld/compactor/one-arena/scoped-terms",
                   test_compactor_one_arena_scoped_terms);

  return g_test_run ();
}
