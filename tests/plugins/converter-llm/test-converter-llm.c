/* test-converter-llm.c: the "llm" converter plugin, against a local server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-server.h"

#define VALID_ANSWER \
  "{\"@context\": \"https://schema.org\", \"@graph\": [" \
  "{\"@id\": \"_:ada\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\", " \
  "\"birthPlace\": {\"@id\": \"_:london\"}}, " \
  "{\"@id\": \"_:london\", \"@type\": \"City\", \"name\": \"London\"}]}"

#define SEGMENT_TEXT "Ada Lovelace was born in London."

typedef struct
{
  PpTestServer *server;
  PpLlmClient *client;
  PpCache *cache;               /* NULL unless the test asks for one */
  PpConvertContext *context;
  PpConverter *converter;
} Fixture;

static PpLlmClient *
create_client (PpTestServer *server)
{
  g_autoptr(GError) error = NULL;
  GObject *object;

  object = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (server),
                               NULL);
  g_assert_no_error (error);
  g_assert_true (PP_IS_LLM_CLIENT (object));

  return PP_LLM_CLIENT (object);
}

static PpConverter *
create_converter (guint max_reasks)
{
  g_autoptr(GError) error = NULL;
  GObject *object;

  object = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error,
                               "max-reasks", max_reasks,
                               NULL);
  g_assert_no_error (error);
  g_assert_true (PP_IS_CONVERTER (object));

  return PP_CONVERTER (object);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  gboolean with_cache = GPOINTER_TO_INT (user_data);

  fixture->server = pp_test_server_new ();
  fixture->client = create_client (fixture->server);

  if (with_cache)
    {
      g_autoptr(GError) error = NULL;

      fixture->cache = PP_CACHE (pp_registry_create (PP_CACHE_EXTENSION_POINT, "memory", &error,
                                                     "max-entries", 100,
                                                     NULL));
      g_assert_no_error (error);
    }

  fixture->context = pp_convert_context_new (fixture->client, fixture->cache);
  fixture->converter = create_converter (2);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->converter);
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->cache);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, pp_test_server_free);
}

static PpSegment *
segment_new (guint               index,
             const char         *text,
             const char * const *heading_path)
{
  return pp_segment_new (index, text, -1, 0, heading_path);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_parser_steal_root (parser);
}

static char *
dup_user_message (PpTestServer *server,
                  guint         index)
{
  g_autoptr(GPtrArray) messages = pp_test_server_dup_user_messages (server);

  g_assert_cmpuint (messages->len, >, index);

  return g_strdup (messages->pdata[index]);
}

/* Checks the shape of a converted segment: a tree of its own holding the
 * graph of VALID_ANSWER */
static void
assert_valid_result (JsonNode *node)
{
  g_autoptr(JsonNode) expected = parse_json (VALID_ANSWER);

  g_assert_nonnull (node);
  g_assert_false (json_node_is_immutable (node));
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_assert_true (json_node_equal (node, expected));
}

static JsonNode *
convert (Fixture    *fixture,
         PpSegment  *segment,
         GError    **error)
{
  return pp_converter_convert (fixture->converter, fixture->context, segment, NULL, error);
}

static void
test_registry (void)
{
  g_autoptr(PpConverter) converter = create_converter (2);
  GList *extensions;
  gboolean found = FALSE;
  double temperature = -2;
  guint max_reasks = 0;
  g_autofree char *prompt_file = NULL;

  g_assert_true (G_TYPE_IS_FINAL (G_OBJECT_TYPE (converter)));
  g_object_get (converter,
                "temperature", &temperature,
                "max-reasks", &max_reasks,
                "prompt-file", &prompt_file,
                NULL);
  g_assert_cmpfloat (temperature, ==, 0.0);
  g_assert_cmpuint (max_reasks, ==, 2);
  g_assert_null (prompt_file);

  extensions = pp_registry_list_extensions (PP_CONVERTER_EXTENSION_POINT);
  for (GList *l = extensions; l != NULL; l = l->next)
    {
      PpExtension *extension = l->data;

      if (g_strcmp0 (pp_extension_get_name (extension), "llm") != 0)
        continue;

      found = TRUE;
      g_assert_cmpint (pp_extension_get_priority (extension), ==, 10);
      g_assert_cmpstr (pp_extension_get_description (extension), ==,
                       "Asks an LLM for schema.org JSON-LD "
                       "(structured output, JSON repair, bounded re-ask)");
    }
  g_list_free (extensions);
  g_assert_true (found);
}

static void
test_clean_answer (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (0, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *user_message = NULL;
  JsonObject *request;
  JsonArray *messages;
  JsonObject *system;

  pp_test_server_push_content (fixture->server, VALID_ANSWER);

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);

  /* Without a heading path, the user message is the text itself */
  user_message = dup_user_message (fixture->server, 0);
  g_assert_cmpstr (user_message, ==, SEGMENT_TEXT);

  /* The system prompt is the bundled extraction prompt, at temperature 0 */
  bodies = pp_test_server_dup_request_bodies (fixture->server);
  g_assert_cmpuint (bodies->len, ==, 1);
  body = parse_json (bodies->pdata[0]);
  request = json_node_get_object (body);
  g_assert_true (json_object_has_member (request, "temperature"));
  g_assert_cmpfloat (json_object_get_double_member (request, "temperature"), ==, 0.0);
  messages = json_object_get_array_member (request, "messages");
  g_assert_nonnull (messages);
  system = json_array_get_object_element (messages, 0);
  g_assert_cmpstr (json_object_get_string_member (system, "role"), ==, "system");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (system, "content"),
                                   "You turn text into structured data."));
  g_assert_nonnull (strstr (json_object_get_string_member (system, "content"),
                            "\"@context\": \"https://schema.org\""));
}

static void
test_fenced_answer (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (1, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  pp_test_server_push_content (fixture->server,
                               "Here is the JSON-LD for this text [as requested]:\n\n"
                               "```json\n" VALID_ANSWER "\n```\n\n"
                               "Let me know if you need {anything} else.");

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
test_prose_around_answer (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (1, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* No fence: the brackets of the prose must not be taken for the JSON */
  pp_test_server_push_content (fixture->server,
                               "Sure [1]! The entities are:\n" VALID_ANSWER "\nThat is all.");

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
test_trailing_commas (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (2, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  pp_test_server_push_content (fixture->server,
                               "{\"@context\": \"https://schema.org\", \"@graph\": [\n"
                               "  {\"@id\": \"_:ada\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\",\n"
                               "   \"birthPlace\": {\"@id\": \"_:london\",},},\n"
                               "  {\"@id\": \"_:london\", \"@type\": \"City\", \"name\": \"London\", },\n"
                               "],\n"
                               "}");

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
test_truncated_answer (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (3, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *graph;

  /* Cut short inside the name of the third entity's member */
  pp_test_server_push_content (fixture->server,
                               "{\"@context\": \"https://schema.org\", \"@graph\": ["
                               "{\"@id\": \"_:ada\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}, "
                               "{\"@id\": \"_:london\", \"@type\": \"City\", \"name\": \"London\"}, "
                               "{\"@type\": \"Pla");

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);

  graph = json_object_get_array_member (json_node_get_object (node), "@graph");
  g_assert_nonnull (graph);
  g_assert_cmpuint (json_array_get_length (graph), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (graph, 1), "name"),
                   ==, "London");
}

static void
test_missing_context (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (3, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* The schema.org context the prompt asks for is added when left out */
  pp_test_server_push_content (fixture->server,
                               "{\"@graph\": ["
                               "{\"@id\": \"_:ada\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\", "
                               "\"birthPlace\": {\"@id\": \"_:london\"}}, "
                               "{\"@id\": \"_:london\", \"@type\": \"City\", \"name\": \"London\"}]}");

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
test_array_answer (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (3, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;

  /* An array of top-level objects without the context, cut short in a
   * string: the name cut short is dropped, not kept as "Lond", and each
   * object gets the context */
  pp_test_server_push_content (fixture->server,
                               "[{\"@type\": \"Person\", \"name\": \"Ada Lovelace\"},\n"
                               " {\"@type\": \"City\", \"name\": \"Lond");

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);

  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i), "@context"),
                     ==, "https://schema.org");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 0), "name"),
                   ==, "Ada Lovelace");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, 1), "@type"),
                   ==, "City");
  g_assert_false (json_object_has_member (json_array_get_object_element (array, 1), "name"));
}

static void
test_reask_after_non_json (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (4, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  pp_test_server_push_content (fixture->server, "I am sorry, but I cannot help with that.");
  pp_test_server_push_content (fixture->server, VALID_ANSWER);

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 2);

  first = dup_user_message (fixture->server, 0);
  second = dup_user_message (fixture->server, 1);
  g_assert_cmpstr (first, ==, SEGMENT_TEXT);

  /* The follow-up repeats the text and quotes what was wrong */
  g_assert_true (g_str_has_prefix (second, SEGMENT_TEXT));
  g_assert_nonnull (strstr (second, "the answer holds no JSON object or array"));
}

static void
test_reask_after_invalid_jsonld (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (5, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;

  /* JSON, but not JSON-LD: a string, then an object with a remote
   * context, which is never fetched */
  pp_test_server_push_content (fixture->server, "\"Ada Lovelace\"");
  pp_test_server_push_content (fixture->server,
                               "{\"@context\": \"https://example.org/context.jsonld\", "
                               "\"name\": \"Ada Lovelace\"}");
  pp_test_server_push_content (fixture->server, VALID_ANSWER);

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 3);

  second = dup_user_message (fixture->server, 1);
  third = dup_user_message (fixture->server, 2);
  g_assert_nonnull (strstr (second, "the answer holds no JSON object or array"));
  g_assert_nonnull (strstr (third, "not valid JSON-LD"));
}

static void
test_invalid_output (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (7, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) messages = NULL;

  pp_test_server_push_content (fixture->server, "no JSON here");
  pp_test_server_push_content (fixture->server, "still none");
  pp_test_server_push_content (fixture->server, "{\"@context\": \"https://schema.org\", \"@graph\": []}");
  /* Were a fourth request made, it would get this valid answer */
  pp_test_server_push_content (fixture->server, VALID_ANSWER);

  node = convert (fixture, segment, &error);
  g_assert_null (node);
  g_assert_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT);
  g_test_message ("%s", error->message);

  /* One request and max-reasks (2) more */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 3);

  /* The message names the segment and the last cause */
  g_assert_true (g_str_has_prefix (error->message, "Segment 7:"));
  g_assert_nonnull (strstr (error->message, "describes no entity"));

  messages = pp_test_server_dup_user_messages (fixture->server);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_nonnull (strstr (messages->pdata[2], "the answer holds no JSON object or array"));
}

static void
test_no_reask (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(PpConverter) converter = create_converter (0);
  g_autoptr(PpSegment) segment = segment_new (8, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  pp_test_server_push_content (fixture->server, "[1, 2, 3]");
  pp_test_server_push_content (fixture->server, VALID_ANSWER);

  node = pp_converter_convert (converter, fixture->context, segment, NULL, &error);
  g_assert_null (node);
  g_assert_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT);
  g_assert_true (g_str_has_prefix (error->message, "Segment 8:"));
  g_assert_nonnull (strstr (error->message, "element 0"));
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
test_heading_path (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char * const heading_path[] = { "History", "Early years", NULL };
  g_autoptr(PpSegment) segment = segment_new (9, SEGMENT_TEXT, heading_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *user_message = NULL;

  pp_test_server_push_content (fixture->server, VALID_ANSWER);

  node = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (node);

  user_message = dup_user_message (fixture->server, 0);
  g_assert_cmpstr (user_message, ==, "Section: History > Early years\n\n" SEGMENT_TEXT);
}

static void
test_blank_segment (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (13, " \n\t ", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = convert (fixture, segment, &error);
  g_assert_null (node);
  g_assert_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "Segment 13:"));
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);
}

static void
test_llm_error_propagates (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (10, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  pp_test_server_push_reply (fixture->server, 401,
                             "{\"error\": {\"message\": \"Incorrect API key\", "
                             "\"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}",
                             NULL);

  node = convert (fixture, segment, &error);
  g_assert_null (node);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_AUTH);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
test_cache_hit (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = segment_new (11, SEGMENT_TEXT, NULL);
  g_autoptr(PpSegment) same = segment_new (11, SEGMENT_TEXT, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) second = NULL;

  g_assert_nonnull (fixture->cache);

  pp_test_server_push_content (fixture->server, VALID_ANSWER);
  /* Were the second conversion to ask, it would get this */
  pp_test_server_push_content (fixture->server, "not JSON at all");

  first = convert (fixture, segment, &error);
  g_assert_no_error (error);
  assert_valid_result (first);

  second = convert (fixture, same, &error);
  g_assert_no_error (error);
  assert_valid_result (second);

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
  /* Each caller gets a tree of its own */
  g_assert_true (first != second);
}

static void
test_prompt_file (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GObject) object = NULL;
  g_autoptr(PpSegment) segment = segment_new (12, SEGMENT_TEXT, NULL);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonArray *messages;
  int fd;

  fd = g_file_open_tmp ("pp-prompt-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, "Extract schema.org JSON-LD.\n", -1, &error);
  g_assert_no_error (error);

  object = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error,
                               "prompt-file", path,
                               NULL);
  g_assert_no_error (error);

  pp_test_server_push_content (fixture->server, VALID_ANSWER);
  node = pp_converter_convert (PP_CONVERTER (object), fixture->context, segment, NULL, &error);
  g_assert_no_error (error);
  assert_valid_result (node);

  bodies = pp_test_server_dup_request_bodies (fixture->server);
  body = parse_json (bodies->pdata[0]);
  messages = json_object_get_array_member (json_node_get_object (body), "messages");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"),
                   ==, "Extract schema.org JSON-LD.");

  g_unlink (path);
}

static void
test_prompt_file_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = NULL;

  object = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error,
                               "prompt-file", "/nonexistent/prompt.txt",
                               NULL);
  g_assert_null (object);
  g_assert_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED);
}

#define N_THREADS 8
#define N_SEGMENTS_PER_THREAD 8

typedef struct
{
  Fixture *fixture;
  guint thread_index;
  guint failures;
} ThreadData;

static gpointer
convert_thread (gpointer user_data)
{
  ThreadData *data = user_data;

  for (guint i = 0; i < N_SEGMENTS_PER_THREAD; i++)
    {
      guint index = data->thread_index * N_SEGMENTS_PER_THREAD + i;
      g_autofree char *text = g_strdup_printf ("They say Person%u met Person%u in Town%u.",
                                               index, index + 1000, index);
      g_autoptr(PpSegment) segment = segment_new (index, text, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = convert (data->fixture, segment, &error);
      g_autofree char *serialised = NULL;
      g_autofree char *expected_name = g_strdup_printf ("\"Person%u\"", index);

      if (node == NULL)
        {
          data->failures++;
          continue;
        }

      /* The mock answer names the capitalised words of the message */
      serialised = json_to_string (node, FALSE);
      if (strstr (serialised, expected_name) == NULL)
        data->failures++;
    }

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  user_data)
{
  ThreadData data[N_THREADS];
  GThread *threads[N_THREADS];

  /* Nothing scripted: the server gives every request its mock answer */
  for (guint i = 0; i < N_THREADS; i++)
    {
      data[i] = (ThreadData) { .fixture = fixture, .thread_index = i };
      threads[i] = g_thread_new ("convert", convert_thread, &data[i]);
    }

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (data[i].failures, ==, 0);
    }

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==,
                    N_THREADS * N_SEGMENTS_PER_THREAD);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, with_cache) \
  g_test_add ("/converter-llm/" path, Fixture, GINT_TO_POINTER (with_cache), \
              fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/converter-llm/registry", test_registry);
  ADD ("clean-answer", test_clean_answer, FALSE);
  ADD ("fenced-answer", test_fenced_answer, FALSE);
  ADD ("prose-around-answer", test_prose_around_answer, FALSE);
  ADD ("trailing-commas", test_trailing_commas, FALSE);
  ADD ("truncated-answer", test_truncated_answer, FALSE);
  ADD ("missing-context", test_missing_context, FALSE);
  ADD ("array-answer", test_array_answer, FALSE);
  ADD ("reask-after-non-json", test_reask_after_non_json, FALSE);
  ADD ("reask-after-invalid-jsonld", test_reask_after_invalid_jsonld, FALSE);
  ADD ("invalid-output", test_invalid_output, FALSE);
  ADD ("no-reask", test_no_reask, FALSE);
  ADD ("heading-path", test_heading_path, FALSE);
  ADD ("blank-segment", test_blank_segment, FALSE);
  ADD ("llm-error-propagates", test_llm_error_propagates, FALSE);
  ADD ("cache-hit", test_cache_hit, TRUE);
  ADD ("prompt-file", test_prompt_file, FALSE);
  g_test_add_func ("/converter-llm/prompt-file-missing", test_prompt_file_missing);
  ADD ("threads", test_threads, FALSE);

#undef ADD

  return g_test_run ();
}
