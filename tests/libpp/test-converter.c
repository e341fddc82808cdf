/* test-converter.c: PpConverter, a tree or JSON text made of the other
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

#include "pp-test-converters.h"

#define PERSON_TEXT "{\"@context\":\"https://schema.org\",\"@type\":\"Person\",\"name\":\"Ada Lovelace\"}"
#define PERSON_EXPANDED "[{\"@type\":[\"http://schema.org/Person\"]," \
                        "\"http://schema.org/name\":[{\"@value\":\"Ada Lovelace\"}]}]"

typedef struct
{
  PpConvertContext *context;
  PpSegment *segment;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;

  /* The converters here never ask: the client is never sent anything */
  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", "http://127.0.0.1:9/v1", NULL);
  g_assert_no_error (error);

  fixture->context = pp_convert_context_new (PP_LLM_CLIENT (client), NULL);
  fixture->segment = pp_segment_new (4, "Ada Lovelace wrote the first program.", -1, 0, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->context);
  g_clear_pointer (&fixture->segment, pp_segment_unref);
}

static void
assert_bytes_equal (GBytes     *bytes,
                    const char *expected)
{
  g_assert_nonnull (bytes);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, strlen (expected));
}

/* A converter that makes trees gives its tree as text, written, and no
 * expansion */
static void
test_convert_bytes_default_from_convert (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr(PpConverter) converter = g_object_new (TEST_TYPE_TREE_CONVERTER, NULL);
  g_autoptr(GBytes) expanded = g_bytes_new_static ("stale", 5);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = pp_converter_convert_bytes (converter, fixture->context, fixture->segment, NULL,
                                      &expanded, &error);
  g_assert_no_error (error);
  assert_bytes_equal (bytes, PERSON_TEXT);
  g_assert_null (expanded);

  /* The expansion is optional */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = pp_converter_convert_bytes (converter, fixture->context, fixture->segment, NULL,
                                      NULL, &error);
  g_assert_no_error (error);
  assert_bytes_equal (bytes, PERSON_TEXT);
}

/* A converter that makes text gives its text, read, as a tree */
static void
test_convert_default_from_convert_bytes (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(JsonNode) expected = pp_json_parse (PERSON_TEXT, -1, NULL);
  g_autoptr(GError) error = NULL;

  converter->text = PERSON_TEXT;
  converter->expanded = PERSON_EXPANDED;
  graph = pp_converter_convert (PP_CONVERTER (converter), fixture->context, fixture->segment, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  g_assert_true (json_node_equal (graph, expected));
}

/* Text that is not JSON fails the tree, naming the segment and the
 * converter */
static void
test_convert_default_unreadable_text (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GError) error = NULL;

  converter->text = "{\"@context\": ";
  graph = pp_converter_convert (PP_CONVERTER (converter), fixture->context, fixture->segment, NULL, &error);
  g_assert_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT);
  g_assert_null (graph);
  g_assert_true (g_str_has_prefix (error->message, "Segment 4: the JSON-LD of converter TestTextConverter cannot be read: "));
}

/* The expansion a converter made is given as it is, when asked for */
static void
test_convert_bytes_gives_expansion (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(GBytes) expanded = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  converter->text = PERSON_TEXT;
  converter->expanded = PERSON_EXPANDED;
  bytes = pp_converter_convert_bytes (PP_CONVERTER (converter), fixture->context, fixture->segment,
                                      NULL, &expanded, &error);
  g_assert_no_error (error);
  assert_bytes_equal (bytes, PERSON_TEXT);
  assert_bytes_equal (expanded, PERSON_EXPANDED);
}

/* A cancelled call fails at once, with no expansion */
static void
test_convert_bytes_cancelled (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) expanded = g_bytes_new_static ("stale", 5);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  converter->text = PERSON_TEXT;
  converter->expanded = PERSON_EXPANDED;
  g_cancellable_cancel (cancellable);
  bytes = pp_converter_convert_bytes (PP_CONVERTER (converter), fixture->context, fixture->segment,
                                      cancellable, &expanded, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (bytes);
  g_assert_null (expanded);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/converter/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("convert-bytes/default-from-convert", test_convert_bytes_default_from_convert);
  ADD ("convert-bytes/gives-expansion", test_convert_bytes_gives_expansion);
  ADD ("convert-bytes/cancelled", test_convert_bytes_cancelled);
  ADD ("convert/default-from-convert-bytes", test_convert_default_from_convert_bytes);
  ADD ("convert/default-unreadable-text", test_convert_default_unreadable_text);

#undef ADD

  return g_test_run ();
}
