/* test-jsonld-node-map.c: node maps built from JSON values, and the
 * lifetime of what they point at
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-node-map-private.h"
#include "pp-jsonld-node-map-types-private.h"

static const char *document =
  "{\"@context\": {\"@vocab\": \"http://schema.org/\", \"ex\": \"http://example.org/\","
  " \"knows\": {\"@type\": \"@id\"},"
  " \"birthDate\": {\"@type\": \"http://www.w3.org/2001/XMLSchema#date\"}},"
  " \"@graph\": ["
  "  {\"@id\": \"ex:a\", \"@type\": \"Person\", \"name\": \"A\", \"birthDate\": \"1990-01-01\","
  "   \"knows\": \"ex:b\", \"address\": {\"@type\": \"PostalAddress\", \"addressLocality\": \"T\"},"
  "   \"tags\": {\"@list\": [\"x\", {\"@value\": 2, \"@type\": \"http://example.org/t\"}]}},"
  "  {\"@id\": \"ex:b\", \"@type\": \"Person\", \"name\": [\"B\", \"Bee\"], \"@index\": \"i\"},"
  "  {\"@id\": \"ex:a\", \"name\": \"A\", \"age\": 30}"
  " ]}";

/* @text expanded into an arena of its own, released here */
static PpJsonValue *
expand_text (const char   *text,
             PpJsonArena **arena)
{
  g_autoptr(GError) error = NULL;
  PpJsonValue *input;
  PpJsonValue *expanded;

  *arena = pp_json_arena_new ();
  input = pp_json_value_parse (*arena, text, -1, &error);
  g_assert_no_error (error);
  expanded = pp_jsonld_expand_value (*arena, input, NULL, NULL, &error);
  g_assert_no_error (error);

  return expanded;
}

static char *
flatten_to_text (PpJsonldNodeMap *map)
{
  g_autoptr(JsonNode) flattened = pp_jsonld_node_map_flatten (map, PP_JSONLD_FLATTEN_CANONICAL);

  return pp_jsonld_to_json (flattened, FALSE);
}

/* The map built from the tree of the same document, the reference */
static char *
flatten_tree (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) tree = json_from_string (document, &error);
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();

  g_assert_no_error (error);
  expanded = pp_jsonld_expand (tree, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pp_jsonld_node_map_add_document (map, expanded, "_:d-", NULL, &error));
  g_assert_no_error (error);

  return flatten_to_text (map);
}

/* Adds @value (of @arena, or copied when @arena is NULL) to @map, with
 * blank node labels from @prefix (NULL: the map's own) */
static void
add_value (PpJsonldNodeMap   *map,
           PpJsonArena       *arena,
           const PpJsonValue *value,
           const char        *prefix)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (pp_jsonld_node_map_add_document_value (map, arena, value, prefix, NULL, &error));
  g_assert_no_error (error);
}

/* Adds @text, expanded, to @map, its blank nodes labelled @prefix…; the
 * map keeps the values in their arena when @keeping_arena, and copies
 * them otherwise */
static void
add_text (PpJsonldNodeMap *map,
          const char      *text,
          const char      *prefix,
          gboolean         keeping_arena)
{
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text (text, &arena);

  add_value (map, keeping_arena ? arena : NULL, expanded, prefix);
  pp_json_arena_unref (arena);
}

/* Added without an arena, the map copies what it keeps: the document can
 * be freed at once */
static void
test_add_document_value_copies (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;

  add_text (map, document, "_:d-", FALSE);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* Added with its arena, the map keeps the arena alive */
static void
test_add_document_value_keeps_arena (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text (document, &arena);

  add_value (map, arena, expanded, "_:d-");
  pp_json_arena_unref (arena);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* A map merged into another can go: the other keeps what it points at */
static void
test_add_map_outlives_other (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;
  PpJsonldNodeMap *other = pp_jsonld_node_map_new ();

  add_text (other, document, "_:d-", TRUE);

  g_assert_true (pp_jsonld_node_map_add_map (map, other, &error));
  g_assert_no_error (error);
  pp_jsonld_node_map_unref (other);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* A map that points at its document's values passes copies of them on:
 * the map merged into keeps neither arena, and the other map can be
 * emptied for its next document */
static void
test_add_map_copied_keeps_no_arena (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonldNodeMap) other = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;

  add_text (other, document, "_:d-", TRUE);

  g_assert_true (pp_jsonld_node_map_add_map_copied (map, other, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (map->arenas->len, ==, 0);
  g_assert_false (other->arena_shared);
  pp_node_map_reset (other, 0);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* A node flattened into another arena leaves nothing in the map: the
 * values written for its @id, its references and its types are made in
 * that arena, not kept in the map for a node written once */
static void
test_flatten_node_value_keeps_nothing (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonArena) scratch = pp_json_arena_new ();
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text (document, &arena);
  PpJsonValue *node;
  Node *a, *b;

  add_value (map, NULL, expanded, "_:d-");
  pp_json_arena_unref (arena);

  node = pp_jsonld_node_map_flatten_node_value (map, scratch, "http://example.org/a",
                                                PP_JSONLD_FLATTEN_CANONICAL);
  g_assert_nonnull (node);
  g_assert_cmpstr (pp_json_value_get_string (pp_json_object_get (node, PP_JSON_KW (ID))), ==,
                   "http://example.org/a");

  a = pp_node_map_graph_find_node (pp_node_map_lookup_graph (map, "@default"), "http://example.org/a");
  b = pp_node_map_graph_find_node (pp_node_map_lookup_graph (map, "@default"), "http://example.org/b");
  g_assert_null (a->id_value);
  g_assert_null (b->reference);
  g_assert_null (map->string_values);
}

/* A map that copied the values of its documents is copied in turn when
 * merged: the map keeps no arena of it (one per document merged, mostly
 * empty, would be most of the memory of a map of many small documents) */
static void
test_add_map_copies_copied_values (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;
  PpJsonldNodeMap *other = pp_jsonld_node_map_new ();
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text (document, &arena);

  add_value (other, NULL, expanded, "_:d-");
  pp_json_arena_unref (arena);

  g_assert_true (pp_jsonld_node_map_add_map (map, other, &error));
  g_assert_no_error (error);
  pp_jsonld_node_map_unref (other);

  g_assert_cmpuint (map->arenas->len, ==, 0);
  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* A document added to a map that is not empty goes through a scratch map
 * first: a failure leaves the map as it was, a success merges it in */
static void
test_add_document_value_atomic (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text (document, &arena);
  PpJsonArena *conflict_arena;
  PpJsonValue *conflict = expand_text ("{\"@id\": \"http://example.org/b\", \"@index\": \"j\","
                                       " \"http://schema.org/name\": \"Other\"}",
                                       &conflict_arena);

  add_value (map, arena, expanded, "_:d-");
  before = flatten_to_text (map);

  g_assert_false (pp_jsonld_node_map_add_document_value (map, conflict_arena, conflict, "_:e-",
                                                         NULL, &error));
  g_assert_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_CONFLICTING_INDEXES);
  pp_json_arena_unref (conflict_arena);
  pp_json_arena_unref (arena);

  after = flatten_to_text (map);
  g_assert_cmpstr (after, ==, before);
}

/* A map keeps one copy of identical values, but a number written another
 * way is another value */
static void
test_add_document_value_numbers_apart (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;
  g_autoptr(JsonNode) c = NULL;
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text ("[{\"@id\": \"http://example.org/a\","
                                       "  \"http://example.org/p\": {\"@value\": 1.0}},"
                                       " {\"@id\": \"http://example.org/b\","
                                       "  \"http://example.org/p\": {\"@value\": 1}},"
                                       " {\"@id\": \"http://example.org/c\","
                                       "  \"http://example.org/p\": {\"@value\": 1.0}}]",
                                       &arena);
  JsonNode *value;

  add_value (map, NULL, expanded, NULL);
  pp_json_arena_unref (arena);

  a = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/a");
  b = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/b");
  c = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/c");

  value = json_object_get_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (a), "http://example.org/p"), 0), "@value");
  g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_DOUBLE);
  value = json_object_get_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (b), "http://example.org/p"), 0), "@value");
  g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_INT64);
  value = json_object_get_member (json_array_get_object_element (json_object_get_array_member (json_node_get_object (c), "http://example.org/p"), 0), "@value");
  g_assert_cmpint (json_node_get_value_type (value), ==, G_TYPE_DOUBLE);
}

/* Merged nodes: the references to the node merged away point at the node
 * it went into, once */
static void
test_merge_nodes (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  add_text (map, document, "_:d-", FALSE);

  g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/a",
                                                 "http://example.org/b", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 2);

  node = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/a");
  text = pp_jsonld_to_json (node, FALSE);
  g_assert_nonnull (strstr (text, "\"@id\":\"http://example.org/b\""));
  g_assert_nonnull (strstr (text, "\"@value\":\"Bee\""));
  g_assert_nonnull (strstr (text, "\"@value\":30"));
  /* a knows b, now b knows itself, once */
  g_assert_nonnull (strstr (text, "\"http://schema.org/knows\":[{\"@id\":\"http://example.org/b\"}]"));
}

/* Canonical order tells apart strings that differ only after a NUL */
static void
test_canonical_order_after_nul (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonArena) arena = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autofree char *text = NULL;
  PpJsonValue *expanded;

  expanded = expand_text ("{\"@id\": \"http://example.org/a\","
                          " \"http://schema.org/name\": [\"a\\u0000c\", \"a\\u0000b\", \"a\"]}",
                          &arena);
  add_value (map, arena, expanded, NULL);

  written = pp_json_value_to_bytes (pp_jsonld_node_map_flatten_value (map, PP_JSONLD_FLATTEN_CANONICAL),
                                    PP_JSON_WRITE_NONE);
  text = g_strndup (g_bytes_get_data (written, NULL), g_bytes_get_size (written));
  g_assert_cmpstr (text, ==,
                   "[{\"@id\":\"http://example.org/a\",\"http://schema.org/name\":"
                   "[{\"@value\":\"a\"},{\"@value\":\"a\\u0000b\"},{\"@value\":\"a\\u0000c\"}]}]");
}

/* The elements of the expanded document, each added from an arena of its
 * own that is freed at once, give the map the whole document gives */
static void
test_builder_same_as_document (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *expanded = expand_text (document, &arena);
  PpJsonldNodeMapBuilder *builder = pp_jsonld_node_map_builder_new (map, NULL, "_:d-", NULL);

  for (guint i = 0; i < pp_json_value_get_size (expanded); i++)
    {
      g_autoptr(PpJsonArena) element_arena = pp_json_arena_new ();
      PpJsonValue *element = pp_json_value_copy (element_arena, pp_json_array_get (expanded, i));

      g_assert_true (pp_jsonld_node_map_builder_add (builder, element, &error));
      g_assert_no_error (error);
    }
  g_assert_true (pp_jsonld_node_map_builder_finish (builder, &error));
  g_assert_no_error (error);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* A blank node named in one element and again in a later one is one
 * node, though the first element (and the label in it) is gone by then */
static void
test_builder_blank_node_across_elements (void)
{
  const char *elements[] = {
    "{\"@id\": \"_:x\", \"http://schema.org/name\": [{\"@value\": \"A\"}]}",
    "{\"@id\": \"_:y\", \"http://schema.org/name\": [{\"@value\": \"B\"}]}",
    "{\"@id\": \"_:x\", \"http://schema.org/age\": [{\"@value\": 3}]}",
  };
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PpJsonldNodeMapBuilder *builder = pp_jsonld_node_map_builder_new (map, NULL, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      PpJsonValue *element = pp_json_value_parse (arena, elements[i], -1, &error);

      g_assert_no_error (error);
      g_assert_true (pp_jsonld_node_map_builder_add (builder, element, &error));
      g_assert_no_error (error);
    }
  g_assert_true (pp_jsonld_node_map_builder_finish (builder, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 2);
  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==,
                   "[{\"@id\":\"_:b0\",\"http://schema.org/age\":[{\"@value\":3}],"
                   "\"http://schema.org/name\":[{\"@value\":\"A\"}]},"
                   "{\"@id\":\"_:b1\",\"http://schema.org/name\":[{\"@value\":\"B\"}]}]");
}

/* Many blank node labels in one document, met as references first: each
 * label names one node, whichever the order labels come in, as many as
 * there are */
static void
test_add_document_value_many_labels (void)
{
  const guint n = 40;
  g_autoptr(GString) text = g_string_new ("[");
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) flattened = NULL;
  g_autoptr(GHashTable) next = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *nodes;
  const char *id;
  PpJsonValue *value;

  /* node i knows node i + 1, the last the first; listed last first */
  for (guint i = n; i > 0; i--)
    g_string_append_printf (text, "%s{\"@id\": \"_:n%u\", \"http://schema.org/knows\": "
                                  "[{\"@id\": \"_:n%u\"}], \"http://schema.org/name\": "
                                  "[{\"@value\": \"%u\"}]}",
                            i < n ? ", " : "", i - 1, i % n, i - 1);
  g_string_append (text, "]");
  value = pp_json_value_parse (arena, text->str, -1, &error);
  g_assert_no_error (error);
  add_value (map, arena, value, "_:d-");

  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, n);
  flattened = pp_jsonld_node_map_flatten (map, PP_JSONLD_FLATTEN_CANONICAL);
  nodes = json_node_get_array (flattened);
  g_assert_cmpuint (json_array_get_length (nodes), ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      JsonArray *knows = json_object_get_array_member (node, "http://schema.org/knows");
      JsonArray *name = json_object_get_array_member (node, "http://schema.org/name");

      id = json_object_get_string_member (node, "@id");
      g_assert_true (g_str_has_prefix (id, "_:d-"));
      g_assert_cmpuint (json_array_get_length (knows), ==, 1);
      g_hash_table_insert (next, (gpointer) id,
                           (gpointer) json_object_get_string_member (json_array_get_object_element (knows, 0), "@id"));
      g_hash_table_insert (names, (gpointer) id,
                           (gpointer) json_object_get_string_member (json_array_get_object_element (name, 0), "@value"));
    }

  /* node k knows node k + 1, whatever their new labels */
  for (guint i = 0; i < n; i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      const char *known;
      guint k;

      id = json_object_get_string_member (node, "@id");
      k = (guint) g_ascii_strtoull (g_hash_table_lookup (names, id), NULL, 10);
      known = g_hash_table_lookup (next, id);
      g_assert_nonnull (g_hash_table_lookup (names, known));
      g_assert_cmpuint ((guint) g_ascii_strtoull (g_hash_table_lookup (names, known), NULL, 10), ==,
                        (k + 1) % n);
    }
}

/* Adds the document @text, parsed into @arena, to @map */
static void
add_document_text (PpJsonldNodeMap *map,
                   PpJsonArena     *arena,
                   const char      *text)
{
  g_autoptr(GError) error = NULL;
  PpJsonValue *value = pp_json_value_parse (arena, text, -1, &error);

  g_assert_no_error (error);
  add_value (map, NULL, value, NULL);
}

/* The labels generated for nodes without @id name those nodes: they are
 * found by label, merged by label, and a document added later gets labels
 * of its own */
static void
test_builder_generated_labels_found (void)
{
  const char *first = "[{\"http://schema.org/name\": [{\"@value\": \"A\"}]},"
                      " {\"http://schema.org/name\": [{\"@value\": \"B\"}]}]";
  const char *second = "[{\"http://schema.org/name\": [{\"@value\": \"C\"}]}]";
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  add_document_text (map, arena, first);

  node = pp_jsonld_node_map_get_node (map, NULL, "_:b1");
  g_assert_nonnull (node);
  text = pp_jsonld_to_json (node, FALSE);
  g_assert_cmpstr (text, ==, "{\"@id\":\"_:b1\",\"http://schema.org/name\":[{\"@value\":\"B\"}]}");
  g_clear_pointer (&text, g_free);

  add_document_text (map, arena, second);
  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 3);

  g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "_:b2", "_:b0", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 2);
  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==,
                   "[{\"@id\":\"_:b0\",\"http://schema.org/name\":[{\"@value\":\"A\"},"
                   "{\"@value\":\"C\"}]},"
                   "{\"@id\":\"_:b1\",\"http://schema.org/name\":[{\"@value\":\"B\"}]}]");
}

/* A builder told where names are interned knows those by pointer, and
 * still compares by text the names interned elsewhere, whose memory the
 * next element may reuse for another name */
static void
test_builder_names_arena (void)
{
  const char *elements[] = {
    "{\"@id\": \"http://example.org/a\", \"http://schema.org/aaaa\": [{\"@value\": 1}]}",
    "{\"@id\": \"http://example.org/a\", \"http://schema.org/bbbb\": [{\"@value\": 2}]}",
  };
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonArena) names = pp_json_arena_new ();
  g_autoptr(PpJsonArena) scratch = pp_json_arena_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PpJsonldNodeMapBuilder *builder = pp_jsonld_node_map_builder_new (map, NULL, NULL, NULL);
  const char *name_key = pp_json_arena_intern (names, "http://schema.org/name");

  pp_jsonld_node_map_builder_set_names (builder, names);
  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      PpJsonValue *element;
      PpJsonValue *value;
      PpJsonValue *values;

      /* the same memory for each element, as the expansion reuses it */
      pp_json_arena_reset (scratch);
      element = pp_json_value_parse (scratch, elements[i], -1, &error);
      g_assert_no_error (error);

      value = pp_json_value_new_object (scratch, 1);
      values = pp_json_value_new_array (scratch, 1);
      pp_json_object_append (scratch, value, PP_JSON_KW (VALUE),
                             pp_json_value_new_string (scratch, i == 0 ? "A" : "B"));
      pp_json_array_append (scratch, values, value);
      pp_json_object_append (scratch, element, name_key, values);

      g_assert_true (pp_jsonld_node_map_builder_add (builder, element, &error));
      g_assert_no_error (error);
    }
  g_assert_true (pp_jsonld_node_map_builder_finish (builder, &error));
  g_assert_no_error (error);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==,
                   "[{\"@id\":\"http://example.org/a\",\"http://schema.org/aaaa\":[{\"@value\":1}],"
                   "\"http://schema.org/bbbb\":[{\"@value\":2}],"
                   "\"http://schema.org/name\":[{\"@value\":\"A\"},{\"@value\":\"B\"}]}]");
}

/* A builder freed without finishing leaves the map as it was, empty or
 * not */
static void
test_builder_free_leaves_map (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *expanded = expand_text (document, &arena);

  for (guint filled = 0; filled < 2; filled++)
    {
      g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;
      g_autofree char *label = NULL;
      PpJsonldNodeMapBuilder *builder;

      if (filled)
        {
          add_value (map, NULL, expanded, "_:d-");
        }
      before = flatten_to_text (map);

      builder = pp_jsonld_node_map_builder_new (map, NULL, NULL, NULL);
      for (guint i = 0; i < pp_json_value_get_size (expanded); i++)
        {
          g_assert_true (pp_jsonld_node_map_builder_add (builder, pp_json_array_get (expanded, i),
                                                         &error));
          g_assert_no_error (error);
        }
      pp_jsonld_node_map_builder_free (builder);

      after = flatten_to_text (map);
      g_assert_cmpstr (after, ==, before);
      /* the map's own labels start where they were */
      label = pp_jsonld_node_map_generate_blank_node (map);
      g_assert_cmpstr (label, ==, "_:b0");
    }
}

/* A value seen once early, then after enough values seen once to grow
 * the filter of values seen many times over, is known again: from its
 * third time on it is the same copy */
static void
test_keep_value_repeat_after_filter_grows (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *repeated = pp_json_value_new_string (arena, "1970-01-01");
  const PpJsonValue *first;
  const PpJsonValue *second;
  const PpJsonValue *third;

  first = pp_node_map_keep_value (map, repeated);
  for (guint i = 0; i < 200000; i++)
    {
      g_autofree char *text = g_strdup_printf ("Person %u", i);
      PpJsonValue *unique = pp_json_value_new_string (arena, text);
      const PpJsonValue *kept = pp_node_map_keep_value (map, unique);

      g_assert_true (kept != unique);
      g_assert_true (pp_json_value_equal (kept, unique));
    }
  second = pp_node_map_keep_value (map, repeated);
  third = pp_node_map_keep_value (map, repeated);

  g_assert_true (pp_json_value_equal (first, repeated));
  g_assert_true (pp_json_value_equal (second, repeated));
  g_assert_true (third == second);
}

/* A node merged into an identifier no node has yet is moved there, its
 * values not copied; it reads as the merge into an existing node would
 * have it, and the references to it, those added later too, point at its
 * new identifier */
static void
test_merge_nodes_into_new_id (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonldNodeMap) later = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) referrer = NULL;
  g_autofree char *text = NULL;
  g_autofree char *referrer_text = NULL;
  PpJsonArena *arena;
  PpJsonValue *expanded = expand_text (document, &arena);
  Graph *graph;
  Node *from;
  Node *into;
  Prop *props;

  add_value (map, NULL, expanded, "_:d-");
  pp_json_arena_unref (arena);

  graph = pp_node_map_lookup_graph (map, NULL);
  from = pp_node_map_graph_lookup_node (graph, "http://example.org/a");
  props = from->props;

  g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/a",
                                                 "http://example.org/minted", &error));
  g_assert_no_error (error);

  into = pp_node_map_graph_lookup_node (graph, "http://example.org/minted");
  g_assert_true (pp_node_map_graph_lookup_node (graph, "http://example.org/a") == into);
  g_assert_true (into->props == props);
  g_assert_true (pp_node_map_node_is_only_id (from));
  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 3);

  node = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/a");
  text = pp_jsonld_to_json (node, FALSE);
  g_assert_nonnull (strstr (text, "\"@id\":\"http://example.org/minted\""));
  g_assert_nonnull (strstr (text, "\"@type\":[\"http://schema.org/Person\"]"));
  g_assert_nonnull (strstr (text, "\"@value\":30"));
  g_assert_nonnull (strstr (text, "\"http://schema.org/knows\":[{\"@id\":\"http://example.org/b\"}]"));
  g_assert_null (pp_jsonld_node_map_get_node (map, NULL, "http://example.org/nobody"));

  /* a reference to the old identifier, added after the merge */
  expanded = expand_text ("{\"@id\": \"http://example.org/c\","
                          " \"http://schema.org/knows\": {\"@id\": \"http://example.org/a\"}}",
                          &arena);
  add_value (later, NULL, expanded, "_:e-");
  pp_json_arena_unref (arena);
  g_assert_true (pp_jsonld_node_map_add_map (map, later, &error));
  g_assert_no_error (error);

  referrer = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/c");
  referrer_text = pp_jsonld_to_json (referrer, FALSE);
  g_assert_cmpstr (referrer_text, ==,
                   "{\"@id\":\"http://example.org/c\","
                   "\"http://schema.org/knows\":[{\"@id\":\"http://example.org/minted\"}]}");
}

/* A node merged into a new identifier and then joined by another reads
 * as the two merged into an existing node do */
static void
test_merge_nodes_into_new_id_then_join (void)
{
  g_autofree char *moved = NULL;
  g_autofree char *copied = NULL;

  for (guint existing = 0; existing < 2; existing++)
    {
      g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) flattened = NULL;

      add_text (map, document, "_:d-", FALSE);

      /* the target made first with a value, so that a is copied into it */
      if (existing)
        {
          g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "_:d-0",
                                                         "http://example.org/m", &error));
          g_assert_no_error (error);
        }
      g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/a",
                                                     "http://example.org/m", &error));
      g_assert_no_error (error);
      if (!existing)
        {
          g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "_:d-0",
                                                         "http://example.org/m", &error));
          g_assert_no_error (error);
        }
      g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/b",
                                                     "http://example.org/m", &error));
      g_assert_no_error (error);

      g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 1);
      flattened = pp_jsonld_node_map_flatten (map, PP_JSONLD_FLATTEN_CANONICAL);
      *(existing ? &copied : &moved) = pp_jsonld_to_json (flattened, FALSE);
    }

  g_assert_cmpstr (moved, ==, copied);
}

/* A node merged into another of its graph, which has values already,
 * gives it its types, @index, values (once each, after those it has) and
 * lists, with its references to a node merged away before pointing at
 * the node that one went into, and the references to it pointing at the
 * node it went into */
static void
test_merge_nodes_into_existing (void)
{
  const char *text =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"},"
    " \"@graph\": ["
    "  {\"@id\": \"http://example.org/x\", \"@type\": [\"Person\", \"Patient\"],"
    "   \"@index\": \"i\", \"name\": [\"X\", \"Shared\"],"
    "   \"knows\": [{\"@id\": \"http://example.org/b\"}, {\"@id\": \"http://example.org/c\"}],"
    "   \"item\": {\"@list\": [{\"@id\": \"http://example.org/b\"}, \"one\"]},"
    "   \"address\": {\"streetAddress\": \"Main\"},"
    "   \"description\": {\"@value\": \"thirty\", \"@language\": \"en\"}},"
    "  {\"@id\": \"http://example.org/y\", \"@type\": \"Person\", \"name\": \"Shared\","
    "   \"knows\": {\"@id\": \"http://example.org/c\"}},"
    "  {\"@id\": \"http://example.org/b\", \"name\": \"Bee\"},"
    "  {\"@id\": \"http://example.org/c\", \"knows\": {\"@id\": \"http://example.org/x\"}}"
    " ]}";
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) flattened = NULL;
  g_autofree char *json = NULL;

  add_text (map, text, "_:d-", FALSE);

  g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/b",
                                                 "http://example.org/c", &error));
  g_assert_no_error (error);
  g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/x",
                                                 "http://example.org/y", &error));
  g_assert_no_error (error);

  node = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/x");
  json = pp_jsonld_to_json (node, FALSE);
  g_assert_cmpstr (json, ==,
                   "{\"@id\":\"http://example.org/y\","
                   "\"@type\":[\"http://schema.org/Person\",\"http://schema.org/Patient\"],"
                   "\"@index\":\"i\",\"http://schema.org/knows\":[{\"@id\":\"http://example.org/c\"}],"
                   "\"http://schema.org/name\":[{\"@value\":\"Shared\"},{\"@value\":\"X\"}],"
                   "\"http://schema.org/address\":[{\"@id\":\"_:d-0\"}],"
                   "\"http://schema.org/description\":[{\"@value\":\"thirty\",\"@language\":\"en\"}],"
                   "\"http://schema.org/item\":[{\"@list\":[{\"@id\":\"http://example.org/c\"},"
                   "{\"@value\":\"one\"}]}]}");
  g_clear_pointer (&json, g_free);

  flattened = pp_jsonld_node_map_flatten (map, PP_JSONLD_FLATTEN_CANONICAL);
  json = pp_jsonld_to_json (flattened, FALSE);
  g_assert_cmpstr (json, ==,
                   "[{\"@id\":\"_:d-0\",\"http://schema.org/streetAddress\":[{\"@value\":\"Main\"}]},"
                   "{\"@id\":\"http://example.org/c\","
                   "\"http://schema.org/knows\":[{\"@id\":\"http://example.org/y\"}],"
                   "\"http://schema.org/name\":[{\"@value\":\"Bee\"}]},"
                   "{\"@id\":\"http://example.org/y\","
                   "\"@type\":[\"http://schema.org/Patient\",\"http://schema.org/Person\"],"
                   "\"@index\":\"i\",\"http://schema.org/address\":[{\"@id\":\"_:d-0\"}],"
                   "\"http://schema.org/description\":[{\"@value\":\"thirty\",\"@language\":\"en\"}],"
                   "\"http://schema.org/item\":[{\"@list\":[{\"@id\":\"http://example.org/c\"},"
                   "{\"@value\":\"one\"}]}],"
                   "\"http://schema.org/knows\":[{\"@id\":\"http://example.org/c\"}],"
                   "\"http://schema.org/name\":[{\"@value\":\"Shared\"},{\"@value\":\"X\"}]}]");
}

/* A node's references to two nodes merged into one since are written
 * once; its other values, and those of a property without such a
 * reference, all */
static void
test_flatten_merged_references_once (void)
{
  const char *text =
    "{\"@context\": {\"@vocab\": \"http://schema.org/\"},"
    " \"@id\": \"http://example.org/z\","
    " \"knows\": [{\"@id\": \"http://example.org/b\"}, {\"@id\": \"http://example.org/c\"},"
    "             {\"@id\": \"http://example.org/d\"}, \"b\", \"c\"],"
    " \"name\": [\"b\", \"c\"]}";
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;

  add_text (map, text, "_:d-", FALSE);

  g_assert_true (pp_jsonld_node_map_merge_nodes (map, NULL, "http://example.org/b",
                                                 "http://example.org/c", &error));
  g_assert_no_error (error);

  for (guint canonical = 0; canonical < 2; canonical++)
    {
      g_autoptr(JsonNode) flattened =
        pp_jsonld_node_map_flatten (map, canonical ? PP_JSONLD_FLATTEN_CANONICAL : PP_JSONLD_FLATTEN_NONE);
      g_autofree char *json = pp_jsonld_to_json (flattened, FALSE);
      const char *z = strstr (json, "{\"@id\":\"http://example.org/z\"");

      g_assert_nonnull (z);
      g_assert_nonnull (strstr (z, "\"http://schema.org/knows\":[{\"@id\":\"http://example.org/c\"},"
                                   "{\"@id\":\"http://example.org/d\"},"
                                   "{\"@value\":\"b\"},{\"@value\":\"c\"}]"));
      g_assert_nonnull (strstr (z, "\"http://schema.org/name\":[{\"@value\":\"b\"},{\"@value\":\"c\"}]"));
    }
}

/* A map emptied for reuse takes a document as a new map does: the graphs
 * of the one before are gone, its default graph and tables are kept */
static void
test_reset_reuse (void)
{
  const char *named =
    "{\"@id\": \"http://example.org/g\", \"@graph\": {\"@id\": \"http://example.org/x\","
    " \"http://schema.org/name\": \"X\"}}";
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonldNodeMap) fresh = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *label = NULL;
  Graph *graph = pp_node_map_lookup_graph (map, NULL);
  PpJsonArena *arena;
  PpJsonValue *expanded;

  add_text (map, named, "_:d-", FALSE);
  g_assert_true (pp_jsonld_node_map_merge_nodes (map, "http://example.org/g",
                                                 "http://example.org/x",
                                                 "http://example.org/y", &error));
  g_assert_no_error (error);

  pp_node_map_reset (map, 0);
  names = pp_jsonld_node_map_get_graph_names (map, FALSE);
  g_assert_cmpuint (names->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "@default");
  g_assert_cmpuint (pp_jsonld_node_map_get_n_nodes (map, NULL), ==, 0);
  g_assert_true (pp_node_map_lookup_graph (map, NULL) == graph);

  expanded = expand_text (document, &arena);
  add_value (map, NULL, expanded, "_:d-");
  add_value (fresh, NULL, expanded, "_:d-");
  pp_json_arena_unref (arena);

  text = flatten_to_text (map);
  expected = flatten_to_text (fresh);
  g_assert_cmpstr (text, ==, expected);
  label = pp_jsonld_node_map_generate_blank_node (map);
  g_assert_cmpstr (label, ==, "_:b0");
}

/* A map whose arena another map keeps can be emptied: the other keeps
 * what it points at */
static void
test_reset_shared_arena (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(PpJsonldNodeMap) other = pp_jsonld_node_map_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = flatten_tree ();
  g_autofree char *text = NULL;
  PpJsonArena *arena;
  PpJsonValue *expanded;

  /* values kept in their arena: merging them shares the arena of @other */
  add_text (other, document, "_:d-", TRUE);
  g_assert_true (pp_jsonld_node_map_add_map (map, other, &error));
  g_assert_no_error (error);

  pp_node_map_reset (other, 0);
  expanded = expand_text ("{\"@id\": \"http://example.org/z\", \"http://schema.org/name\": \"Z\"}",
                          &arena);
  add_value (other, NULL, expanded, "_:e-");
  pp_json_arena_unref (arena);

  text = flatten_to_text (map);
  g_assert_cmpstr (text, ==, expected);
}

/* A node embedded in a value of its own property adds properties to
 * it, which may move them: the values of the property that come after
 * it go to the same property */
static void
test_generate_values_after_embedded_self (void)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GString) text = g_string_new ("[{\"@id\": \"http://example.org/a\","
                                          "  \"http://example.org/p\": [{\"@value\": 1},"
                                          "   {\"@id\": \"http://example.org/a\"");
  PpJsonArena *arena;
  PpJsonValue *expanded;
  JsonObject *object;
  JsonArray *values;

  /* more properties than the node has room for, and than are looked up
   * without an index */
  for (guint i = 0; i < 10; i++)
    g_string_append_printf (text, ", \"http://example.org/q%u\": {\"@value\": %u}", i, i);
  g_string_append (text, "}, {\"@value\": 2}]}]");

  expanded = expand_text (text->str, &arena);
  add_value (map, NULL, expanded, NULL);
  pp_json_arena_unref (arena);

  node = pp_jsonld_node_map_get_node (map, NULL, "http://example.org/a");
  object = json_node_get_object (node);
  values = json_object_get_array_member (object, "http://example.org/p");
  g_assert_cmpuint (json_array_get_length (values), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (values, 0), "@value"),
                   ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (values, 1), "@id"),
                   ==, "http://example.org/a");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (values, 2), "@value"),
                   ==, 2);
  g_assert_cmpuint (json_object_get_size (object), ==, 1 + 1 + 10);
  g_assert_true (json_object_has_member (object, "http://example.org/q9"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jsonld/node-map/add-document-value/copies", test_add_document_value_copies);
  g_test_add_func ("/jsonld/node-map/add-document-value/keeps-arena",
                   test_add_document_value_keeps_arena);
  g_test_add_func ("/jsonld/node-map/add-document-value/atomic", test_add_document_value_atomic);
  g_test_add_func ("/jsonld/node-map/add-document-value/many-blank-node-labels",
                   test_add_document_value_many_labels);
  g_test_add_func ("/jsonld/node-map/add-document-value/numbers-apart",
                   test_add_document_value_numbers_apart);
  g_test_add_func ("/jsonld/node-map/add-map/outlives-other", test_add_map_outlives_other);
  g_test_add_func ("/jsonld/node-map/add-map/copies-copied-values",
                   test_add_map_copies_copied_values);
  g_test_add_func ("/jsonld/node-map/add-map-copied/keeps-no-arena",
                   test_add_map_copied_keeps_no_arena);
  g_test_add_func ("/jsonld/node-map/flatten-node-value/keeps-nothing-in-map",
                   test_flatten_node_value_keeps_nothing);
  g_test_add_func ("/jsonld/node-map/merge-nodes", test_merge_nodes);
  g_test_add_func ("/jsonld/node-map/merge-nodes/into-new-id/moves", test_merge_nodes_into_new_id);
  g_test_add_func ("/jsonld/node-map/merge-nodes/into-new-id/then-join",
                   test_merge_nodes_into_new_id_then_join);
  g_test_add_func ("/jsonld/node-map/merge-nodes/into-existing",
                   test_merge_nodes_into_existing);
  g_test_add_func ("/jsonld/node-map/flatten/merged-references-once",
                   test_flatten_merged_references_once);
  g_test_add_func ("/jsonld/node-map/reset/reuse", test_reset_reuse);
  g_test_add_func ("/jsonld/node-map/reset/shared-arena", test_reset_shared_arena);
  g_test_add_func ("/jsonld/node-map/builder/same-as-document", test_builder_same_as_document);
  g_test_add_func ("/jsonld/node-map/builder/blank-node-across-elements",
                   test_builder_blank_node_across_elements);
  g_test_add_func ("/jsonld/node-map/builder/free-leaves-map", test_builder_free_leaves_map);
  g_test_add_func ("/jsonld/node-map/builder/generated-labels-found",
                   test_builder_generated_labels_found);
  g_test_add_func ("/jsonld/node-map/builder/names-arena", test_builder_names_arena);
  g_test_add_func ("/jsonld/node-map/keep-value/repeat-known-after-filter-grows",
                   test_keep_value_repeat_after_filter_grows);
  g_test_add_func ("/jsonld/node-map/flatten/canonical-order-after-nul",
                   test_canonical_order_after_nul);
  g_test_add_func ("/jsonld/node-map/generate/values-after-embedded-self",
                   test_generate_values_after_embedded_self);

  return g_test_run ();
}
