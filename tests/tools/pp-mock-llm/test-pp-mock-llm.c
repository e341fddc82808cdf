/* test-pp-mock-llm.c: the mock answer and the pp-mock-llm server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pp-mock-answer.h"
#include "pp-test-tool.h"

/* A bound that only catches a hang */
#define WAIT_S 30

static void
assert_names (const char         *text,
              const char * const *expected)
{
  g_autoptr(GPtrArray) names = pp_mock_answer_find_names (text);
  guint n_expected = g_strv_length ((char **) expected);
  /* The TAP output must stay UTF-8 when the text is not */
  g_autofree char *shown = g_utf8_make_valid (text, -1);

  for (guint i = 0; i < names->len; i++)
    g_test_message ("“%s”: %s", shown, (const char *) names->pdata[i]);

  g_assert_cmpuint (names->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpstr (names->pdata[i], ==, expected[i]);
}

static void
test_names (void)
{
  assert_names ("Ada Lovelace met Charles Babbage in London.",
                (const char *[]) { "Ada Lovelace", "Charles Babbage", "London", NULL });
  /* Distinct, in order of first appearance */
  assert_names ("Paris is big, and Rome is old; Paris again.",
                (const char *[]) { "Paris", "Rome", NULL });
  /* A lone capitalised word starting a sentence only counts if it recurs */
  assert_names ("Yesterday it rained. London is old. London is big.",
                (const char *[]) { "London", NULL });
  /* Function words end names; a possessive is dropped */
  assert_names ("The Beatles played in Hamburg with Ada Lovelace’s cousin.",
                (const char *[]) { "Beatles", "Hamburg", "Ada Lovelace", NULL });
  /* A blank line or punctuation ends a name */
  assert_names ("We saw Grace Hopper\n\nNavy ships, then Alan Turing, Bletchley Park.",
                (const char *[]) { "Grace Hopper", "Alan Turing", "Bletchley Park", NULL });
  assert_names ("", (const char *[]) { NULL });
  assert_names ("nothing here at all", (const char *[]) { NULL });
  /* Invalid UTF-8 is tolerated */
  assert_names ("caf\xff with Émile Zola",
                (const char *[]) { "Émile Zola", NULL });
}

/* The content of the answer @body */
static char *
answer_content (const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  return g_strdup (json_object_get_string_member (
    json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (root, "choices"), 0),
                                   "message"),
    "content"));
}

/* An entity adjudication request, told by its system prompt, is answered
 * from the table by its sorted names; a group the table does not name is
 * told they are all different */
static void
test_respond_adjudication (void)
{
  const char *request = "{\"messages\":["
                        "{\"role\":\"system\",\"content\":\"Entity adjudication (libpp).\\nSay which.\"},"
                        "{\"role\":\"user\",\"content\":\"{\\\"entities\\\":["
                        "{\\\"number\\\":0,\\\"name\\\":\\\"Marie Curie\\\",\\\"type\\\":\\\"Person\\\"},"
                        "{\\\"number\\\":1,\\\"name\\\":\\\"Curie\\\",\\\"type\\\":\\\"Person\\\"}]}\"}]}";
  const char *other = "{\"messages\":["
                      "{\"role\":\"system\",\"content\":\"Entity adjudication (libpp).\\nSay which.\"},"
                      "{\"role\":\"user\",\"content\":\"{\\\"entities\\\":["
                      "{\\\"number\\\":0,\\\"name\\\":\\\"IBM\\\",\\\"type\\\":\\\"Organization\\\"}]}\"}]}";
  g_autoptr(JsonNode) table = json_from_string ("{\"Curie|Marie Curie\": {\"same\": [[0, 1]]}}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *content = NULL;
  g_autofree char *other_body = NULL;
  g_autofree char *other_content = NULL;
  gboolean adjudication = FALSE;

  body = pp_mock_answer_respond_full (request, strlen (request), json_node_get_object (table), NULL,
                                      &adjudication, &error);
  g_assert_no_error (error);
  g_assert_true (adjudication);
  content = answer_content (body);
  g_assert_cmpstr (content, ==, "{\"same\":[[0,1]]}");

  other_body = pp_mock_answer_respond_full (other, strlen (other), json_node_get_object (table), NULL,
                                            &adjudication, &error);
  g_assert_no_error (error);
  g_assert_true (adjudication);
  other_content = answer_content (other_body);
  g_assert_cmpstr (other_content, ==, "{\"same\":[]}");
}

static void
test_respond (void)
{
  const char *request = "{\"model\":\"m1\",\"messages\":["
                        "{\"role\":\"system\",\"content\":\"Extract.\"},"
                        "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Ada Lovelace in London\"}]}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *user_message = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) content_parser = json_parser_new ();
  JsonObject *root;
  JsonObject *usage;
  JsonArray *graph;
  const char *content;

  body = pp_mock_answer_respond (request, strlen (request), &user_message, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (user_message, ==, "Ada Lovelace in London");

  json_parser_load_from_data (parser, body, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "object"), ==, "chat.completion");
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "m1");
  content = json_object_get_string_member (
    json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (root, "choices"), 0),
                                   "message"),
    "content");
  usage = json_object_get_object_member (root, "usage");
  g_assert_cmpint (json_object_get_int_member (usage, "completion_tokens"), ==, (strlen (content) + 3) / 4);
  g_assert_cmpint (json_object_get_int_member (usage, "total_tokens"), ==,
                   json_object_get_int_member (usage, "prompt_tokens") +
                   json_object_get_int_member (usage, "completion_tokens"));

  json_parser_load_from_data (content_parser, content, -1, &error);
  g_assert_no_error (error);
  graph = json_object_get_array_member (json_node_get_object (json_parser_get_root (content_parser)), "@graph");
  g_assert_cmpuint (json_array_get_length (graph), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (graph, 0), "@type"), ==, "Thing");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (graph, 1), "name"), ==, "London");

  /* Not a chat request */
  g_clear_pointer (&body, g_free);
  body = pp_mock_answer_respond ("{\"messages\":[{\"role\":\"user\",\"content\":7}]}", 43, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  body = pp_mock_answer_respond ("[1,2", 4, NULL, &error);
  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* The server, run as a program */

typedef struct
{
  PpTestMockLlm server;
  SoupSession *session;

  /* A watchdog thread cancels this if the test hangs, even in a blocking
   * call */
  GCancellable *cancellable;
  GThread *watchdog;
  GMutex mutex;
  GCond cond;
  gboolean stopping;
} MockProcess;

static gpointer
watchdog_thread (gpointer data)
{
  MockProcess *mock = data;
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_TIME_SPAN_SECOND;

  g_mutex_lock (&mock->mutex);
  while (!mock->stopping)
    {
      if (!g_cond_wait_until (&mock->cond, &mock->mutex, deadline))
        {
          g_cancellable_cancel (mock->cancellable);
          break;
        }
    }
  g_mutex_unlock (&mock->mutex);

  return NULL;
}

/* Starts pp-mock-llm with @options, a %NULL-terminated list */
static void
mock_process_start_with_options (MockProcess        *mock,
                                 const char * const *options)
{
  mock->cancellable = g_cancellable_new ();
  g_mutex_init (&mock->mutex);
  g_cond_init (&mock->cond);
  mock->watchdog = g_thread_new ("watchdog", watchdog_thread, mock);

  pp_test_mock_llm_start (&mock->server, NULL, options, mock->cancellable);

  mock->session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256, NULL);
}

static void
mock_process_start (MockProcess *mock,
                    const char  *latency_ms)
{
  mock_process_start_with_options (mock, (const char *[]) { "--latency-ms", latency_ms, NULL });
}

static void
mock_process_stop (MockProcess *mock)
{
  pp_test_mock_llm_stop (&mock->server, mock->cancellable);

  g_mutex_lock (&mock->mutex);
  mock->stopping = TRUE;
  g_cond_signal (&mock->cond);
  g_mutex_unlock (&mock->mutex);
  g_thread_join (mock->watchdog);
  g_mutex_clear (&mock->mutex);
  g_cond_clear (&mock->cond);

  g_clear_object (&mock->session);
  g_clear_object (&mock->cancellable);
}

static SoupMessage *
chat_message (MockProcess *mock,
              const char  *user_message)
{
  g_autofree char *url = g_strconcat (mock->server.base_url, "/chat/completions", NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg;
  gsize length;
  char *data;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, "test");
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "user");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, user_message);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  body = g_bytes_new_take (data, length);

  msg = soup_message_new (SOUP_METHOD_POST, url);
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);

  return msg;
}

static JsonNode *
send_for_json (MockProcess *mock,
               SoupMessage *msg,
               guint        expected_status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  JsonNode *node;

  body = soup_session_send_and_read (mock->session, msg, mock->cancellable, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);

  node = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static JsonNode *
get_stats (MockProcess *mock)
{
  g_autofree char *url = pp_test_mock_llm_build_url (&mock->server, "/stats");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);

  return send_for_json (mock, msg, SOUP_STATUS_OK);
}

static gint64
get_stat (JsonNode   *stats,
      const char *name)
{
  return json_object_get_int_member (json_node_get_object (stats), name);
}

static void
test_serve (void)
{
  MockProcess mock = { NULL, };
  const char *user = "Ada Lovelace met Charles Babbage in London.";
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) again = NULL;
  g_autoptr(SoupMessage) other = NULL;
  g_autoptr(SoupMessage) bad = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) graph_node = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(JsonNode) ignored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bad_body = g_bytes_new_static ("not json", 8);
  JsonObject *root;
  JsonArray *graph;
  const char *content;

  mock_process_start (&mock, "0");

  msg = chat_message (&mock, user);
  answer = send_for_json (&mock, msg, SOUP_STATUS_OK);
  root = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "test");
  content = json_object_get_string_member (
    json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (root, "choices"), 0),
                                   "message"),
    "content");
  graph_node = json_from_string (content, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (graph_node), "@context"), ==,
                   "https://schema.org");
  graph = json_object_get_array_member (json_node_get_object (graph_node), "@graph");
  g_assert_cmpuint (json_array_get_length (graph), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (graph, 0), "name"), ==, "Ada Lovelace");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (graph, 1), "name"), ==, "Charles Babbage");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (graph, 2), "name"), ==, "London");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "usage"), "prompt_tokens"), >, 0);

  /* The same message again, and another one */
  again = chat_message (&mock, user);
  ignored = send_for_json (&mock, again, SOUP_STATUS_OK);
  g_clear_pointer (&ignored, json_node_unref);
  other = chat_message (&mock, "Grace Hopper");
  ignored = send_for_json (&mock, other, SOUP_STATUS_OK);
  g_clear_pointer (&ignored, json_node_unref);

  /* Not a chat request: an OpenAI-shaped error */
  bad = soup_message_new_from_uri (SOUP_METHOD_POST, soup_message_get_uri (msg));
  soup_message_add_flags (bad, SOUP_MESSAGE_IDEMPOTENT);
  soup_message_set_request_body_from_bytes (bad, "application/json", bad_body);
  ignored = send_for_json (&mock, bad, SOUP_STATUS_BAD_REQUEST);
  g_assert_nonnull (json_object_get_object_member (json_node_get_object (ignored), "error"));

  stats = get_stats (&mock);
  g_assert_cmpint (get_stat (stats, "requests"), ==, 4);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);
  g_assert_cmpint (get_stat (stats, "peak_in_flight"), ==, 1);
  g_assert_cmpint (get_stat (stats, "connections"), ==, 1);
  g_assert_cmpint (get_stat (stats, "distinct_messages"), ==, 2);
  g_assert_cmpint (get_stat (stats, "duplicates"), ==, 1);

  mock_process_stop (&mock);
}

#define N_CONCURRENT 200

typedef struct
{
  guint done;
  guint failed;
} Pending;

/* A hostile request: a body nested 100,000 levels deep, or with a value
 * json-glib would change, is answered 400 and the server serves on */
static void
test_hostile_request (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(SoupMessage) probe = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GString) deep_arrays = g_string_new ("{\"model\": \"test\", \"messages\": ");
  g_autoptr(GString) deep_objects = g_string_new ("{\"model\": \"test\", \"messages\": ");
  const char *nul_body = "{\"model\": \"test\", \"messages\": "
                         "[{\"role\": \"user\", \"content\": \"Ada\\u0000 Lovelace\"}]}";
  struct {
    const char *body;
    const char *problem;
  } cases[] = {
    { NULL, "arrays and objects nest deeper than 512 levels at offset 541" },
    { NULL, "arrays and objects nest deeper than 512 levels at offset 3096" },
    { nul_body, "escaped NUL character (\\u0000) in a string at offset 63" },
  };

  for (guint i = 0; i < 100000; i++)
    {
      g_string_append_c (deep_arrays, '[');
      g_string_append (deep_objects, "{\"m\": ");
    }
  for (guint i = 0; i < 100000; i++)
    {
      g_string_append_c (deep_arrays, ']');
      g_string_append_c (deep_objects, '}');
    }
  g_string_append_c (deep_arrays, '}');
  g_string_append_c (deep_objects, '}');
  cases[0].body = deep_arrays->str;
  cases[1].body = deep_objects->str;

  mock_process_start (&mock, "0");
  probe = chat_message (&mock, "Ada Lovelace");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new_from_uri (SOUP_METHOD_POST, soup_message_get_uri (probe));
      g_autoptr(GBytes) body = g_bytes_new_static (cases[i].body, strlen (cases[i].body));
      g_autoptr(JsonNode) error_body = NULL;
      const char *message;

      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
      error_body = send_for_json (&mock, msg, SOUP_STATUS_BAD_REQUEST);
      message = json_object_get_string_member (
        json_object_get_object_member (json_node_get_object (error_body), "error"), "message");
      g_test_message ("%s", message);
      g_assert_nonnull (strstr (message, cases[i].problem));
    }

  /* still serving */
  answer = send_for_json (&mock, probe, SOUP_STATUS_OK);
  g_assert_nonnull (answer);

  mock_process_stop (&mock);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
    pending->failed++;
  pending->done++;
}

/* Answers wait without blocking the server: all requests are in flight at
 * once, for the latency */
static void
test_concurrent (void)
{
  MockProcess mock = { NULL, };
  Pending pending = { 0, 0 };
  g_autoptr(JsonNode) stats = NULL;

  mock_process_start (&mock, "2000");

  for (guint i = 0; i < N_CONCURRENT; i++)
    {
      g_autofree char *user = g_strdup_printf ("Request %u for Ada Lovelace", i);
      g_autoptr(SoupMessage) msg = chat_message (&mock, user);

      soup_session_send_and_read_async (mock.session, msg, G_PRIORITY_DEFAULT, mock.cancellable,
                                        sent_cb, &pending);
    }

  while (pending.done < N_CONCURRENT)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (pending.failed, ==, 0);

  stats = get_stats (&mock);
  g_assert_cmpint (get_stat (stats, "requests"), ==, N_CONCURRENT);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);
  g_assert_cmpint (get_stat (stats, "peak_in_flight"), ==, N_CONCURRENT);
  g_assert_cmpint (get_stat (stats, "connections"), ==, N_CONCURRENT);
  g_assert_cmpint (get_stat (stats, "duplicates"), ==, 0);

  mock_process_stop (&mock);
}

static void
assert_usage_error (const char * const *argv)
{
  g_auto(PpTestRun) run = { 0, };

  pp_test_run_argv (&run, argv, NULL);

  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "pp-mock-llm: "));
  g_assert_true (g_str_has_suffix (run.err, "\n"));
  g_assert_true (strchr (run.err, '\n') == run.err + strlen (run.err) - 1);
}

static void
test_bad_options (void)
{
  g_autofree char *path = pp_test_tool_path ("pp-mock-llm");

  assert_usage_error ((const char *[]) { path, "--port", "nope", NULL });
  assert_usage_error ((const char *[]) { path, "--port", "70000", NULL });
  assert_usage_error ((const char *[]) { path, "--latency-ms", "-1", NULL });
  assert_usage_error ((const char *[]) { path, "--no-such-option", NULL });
  assert_usage_error ((const char *[]) { path, "extra", NULL });
}

/* Faults */

static JsonObject *
get_object (JsonNode   *node,
            const char *name)
{
  return json_object_get_object_member (json_node_get_object (node), name);
}

static gint64
get_outcome (JsonNode   *stats,
             const char *outcome)
{
  return json_object_get_int_member (get_object (stats, "outcomes"), outcome);
}

/* Sends a chat request, and returns its body, or %NULL with @error set */
static GBytes *
send_chat (MockProcess  *mock,
           SoupSession  *session,
           const char   *user_message,
           guint        *status,
           GError      **error)
{
  g_autoptr(SoupMessage) msg = chat_message (mock, user_message);
  GBytes *body;

  body = soup_session_send_and_read (session, msg, mock->cancellable, error);
  *status = soup_message_get_status (msg);

  return body;
}

static void
test_fault_server_error (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) stats = NULL;

  mock_process_start_with_options (&mock, (const char *[]) { "--p500", "1", NULL });

  msg = chat_message (&mock, "Ada Lovelace");
  answer = send_for_json (&mock, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  g_assert_cmpstr (json_object_get_string_member (get_object (answer, "error"), "type"), ==, "server_error");

  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "500"), ==, 1);
  g_assert_cmpint (get_outcome (stats, "200"), ==, 0);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);

  mock_process_stop (&mock);
}

static void
test_fault_rate_limited (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) stats = NULL;
  JsonObject *error;

  mock_process_start_with_options (&mock, (const char *[]) { "--p429", "1", "--retry-after", "0.5", NULL });

  msg = chat_message (&mock, "Ada Lovelace");
  answer = send_for_json (&mock, msg, 429);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"), ==, "0.5");
  error = get_object (answer, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "type"), ==, "requests");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "rate_limit_exceeded");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "0.5 s"));

  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "429"), ==, 1);
  g_assert_cmpint (get_stat (stats, "over_capacity"), ==, 0);

  mock_process_stop (&mock);
}

/* The answer stops half-way, with its Content-Length promising more: a
 * client sees an error */
static void
test_fault_truncate (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) stats = NULL;
  guint status;

  mock_process_start_with_options (&mock, (const char *[]) { "--ptruncate", "1", NULL });

  body = send_chat (&mock, mock.session, "Ada Lovelace", &status, &error);
  g_test_message ("truncated answer: %s", error != NULL ? error->message : "none");
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT);
  g_assert_null (body);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);

  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "truncated"), ==, 1);
  g_assert_cmpint (get_outcome (stats, "200"), ==, 0);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);

  mock_process_stop (&mock);
}

static void
test_fault_drop (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) stats = NULL;
  guint status;

  mock_process_start_with_options (&mock, (const char *[]) { "--pdrop", "1", NULL });

  body = send_chat (&mock, mock.session, "Ada Lovelace", &status, &error);
  g_test_message ("dropped request: %s", error != NULL ? error->message : "none");
  g_assert_null (body);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_cmpuint (status, ==, SOUP_STATUS_NONE);

  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "dropped"), ==, 1);
  g_assert_cmpint (get_stat (stats, "requests"), ==, 1);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);

  mock_process_stop (&mock);
}

/* A hang outlasts a client's timeout */
static void
test_fault_hang_timeout (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(SoupSession) impatient = soup_session_new_with_options ("timeout", 1, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) stats = NULL;
  guint status;

  mock_process_start_with_options (&mock, (const char *[]) { "--phang", "1", "--hang-ms", "600000", NULL });

  body = send_chat (&mock, impatient, "Ada Lovelace", &status, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_null (body);

  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "hung"), ==, 1);
  g_assert_cmpint (get_stat (stats, "requests"), ==, 1);

  mock_process_stop (&mock);
}

/* After a hang, the answer comes, or the connection closes */
static void
test_fault_hang_end (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) stats = NULL;
  guint status;

  mock_process_start_with_options (&mock, (const char *[]) { "--phang", "1", "--hang-ms", "1", NULL });
  body = send_chat (&mock, mock.session, "Ada Lovelace", &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  answer = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (answer), "object"), ==, "chat.completion");
  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "hung"), ==, 1);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);
  mock_process_stop (&mock);
  g_clear_pointer (&body, g_bytes_unref);
  g_clear_pointer (&stats, json_node_unref);

  mock_process_start_with_options (&mock, (const char *[]) { "--phang", "1", "--hang-ms", "1", "--hang-close", NULL });
  body = send_chat (&mock, mock.session, "Ada Lovelace", &status, &error);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_null (body);
  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "hung"), ==, 1);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, 0);
  mock_process_stop (&mock);
}

#define CAPACITY 2
#define N_OVER_CAPACITY 5

typedef struct
{
  guint done;
  guint rate_limited;
} Burst;

static void
burst_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Burst *burst = user_data;
  g_autoptr(GBytes) body = NULL;
  SoupMessage *msg;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  if (body != NULL && soup_message_get_status (msg) == 429)
    {
      g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"),
                       ==, "0.5");
      burst->rate_limited++;
    }
  burst->done++;
}

/* With the first requests in flight for good, exactly those above the
 * capacity get 429 */
static void
test_fault_capacity (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns-per-host", 16, NULL);
  g_autoptr(JsonNode) stats = NULL;
  Burst burst = { 0, 0 };

  mock_process_start_with_options (&mock, (const char *[]) {
    "--capacity", G_STRINGIFY (CAPACITY), "--retry-after", "0.5", "--latency-ms", "600000", NULL });

  for (guint i = 0; i < N_OVER_CAPACITY; i++)
    {
      g_autofree char *user = g_strdup_printf ("Request %u for Ada Lovelace", i);
      g_autoptr(SoupMessage) msg = chat_message (&mock, user);

      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, mock.cancellable,
                                        burst_sent_cb, &burst);
    }

  /* The answers of those in flight are not due before the end of the test */
  while (burst.done < N_OVER_CAPACITY - CAPACITY)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (burst.rate_limited, ==, N_OVER_CAPACITY - CAPACITY);

  stats = get_stats (&mock);
  g_assert_cmpint (get_stat (stats, "requests"), ==, N_OVER_CAPACITY);
  g_assert_cmpint (get_stat (stats, "capacity"), ==, CAPACITY);
  g_assert_cmpint (get_stat (stats, "in_flight"), ==, CAPACITY);
  g_assert_cmpint (get_stat (stats, "peak_in_flight"), ==, CAPACITY);
  g_assert_cmpint (get_outcome (stats, "429"), ==, N_OVER_CAPACITY - CAPACITY);
  g_assert_cmpint (get_stat (stats, "over_capacity"), ==, N_OVER_CAPACITY - CAPACITY);

  /* The server's end ends the requests it holds */
  g_subprocess_send_signal (mock.server.process, SIGTERM);
  while (burst.done < N_OVER_CAPACITY)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (burst.rate_limited, ==, N_OVER_CAPACITY - CAPACITY);

  mock_process_stop (&mock);
}

/* A schedule's point at 0 s holds from the start; --capacity holds before
 * its first point */
static void
test_fault_capacity_schedule (void)
{
  MockProcess mock = { NULL, };
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) again = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) stats = NULL;

  mock_process_start_with_options (&mock, (const char *[]) {
    "--capacity", "3", "--capacity-schedule", "0:0,3600:5", NULL });
  msg = chat_message (&mock, "Ada Lovelace");
  answer = send_for_json (&mock, msg, 429);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After"), ==, "1");
  stats = get_stats (&mock);
  g_assert_cmpint (get_stat (stats, "capacity"), ==, 0);
  g_assert_cmpint (get_stat (stats, "over_capacity"), ==, 1);
  g_assert_cmpint (get_stat (stats, "peak_in_flight"), ==, 0);
  mock_process_stop (&mock);
  g_clear_pointer (&answer, json_node_unref);
  g_clear_pointer (&stats, json_node_unref);

  mock_process_start_with_options (&mock, (const char *[]) {
    "--capacity", "1", "--capacity-schedule", "3600:0", NULL });
  again = chat_message (&mock, "Ada Lovelace");
  answer = send_for_json (&mock, again, SOUP_STATUS_OK);
  stats = get_stats (&mock);
  g_assert_cmpint (get_stat (stats, "capacity"), ==, 1);
  g_assert_cmpint (get_stat (stats, "over_capacity"), ==, 0);
  g_assert_cmpint (get_outcome (stats, "200"), ==, 1);
  mock_process_stop (&mock);
}

#define N_IN_ORDER 40

/* Sends N_IN_ORDER requests one at a time, each on a connection of its
 * own, to a server with every fault and @seed, and returns what the client
 * saw of each: its status, or "error" */
static GPtrArray *
run_in_order (const char  *seed,
              GPtrArray  **server_faults)
{
  MockProcess mock = { NULL, };
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) stats = NULL;
  JsonArray *log;

  mock_process_start_with_options (&mock, (const char *[]) {
    "--seed", seed, "--p500", "0.2", "--p429", "0.2", "--phang", "0.1", "--hang-ms", "0",
    "--ptruncate", "0.15", "--pdrop", "0.15", NULL });

  for (guint i = 0; i < N_IN_ORDER; i++)
    {
      g_autofree char *user = g_strdup_printf ("Request %u for Ada Lovelace", i);
      g_autoptr(SoupMessage) msg = chat_message (&mock, user);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;

      /* Not resent by libsoup when its connection closes early */
      soup_message_remove_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      body = soup_session_send_and_read (mock.session, msg, mock.cancellable, &error);
      g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
      g_ptr_array_add (seen, body != NULL ? g_strdup_printf ("%u", soup_message_get_status (msg))
                                          : g_strdup ("error"));
    }

  stats = get_stats (&mock);
  g_assert_cmpint (get_stat (stats, "requests"), ==, N_IN_ORDER);
  log = json_object_get_array_member (json_node_get_object (stats), "log");
  g_assert_cmpuint (json_array_get_length (log), ==, N_IN_ORDER);
  *server_faults = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < N_IN_ORDER; i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      const char *fault = json_object_get_string_member (entry, "fault");
      const char *expected = g_str_equal (fault, "server-error") ? "500" :
                             g_str_equal (fault, "rate-limited") ? "429" :
                             g_str_equal (fault, "truncate") || g_str_equal (fault, "drop") ? "error" :
                             "200";

      /* The client saw what the server says it did */
      g_assert_cmpint (json_object_get_int_member (entry, "n"), ==, i);
      g_assert_cmpstr (seen->pdata[i], ==, expected);
      g_ptr_array_add (*server_faults, g_strdup (fault));
    }

  mock_process_stop (&mock);

  return g_steal_pointer (&seen);
}

static gboolean
same_strings (GPtrArray *a,
              GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (!g_str_equal (a->pdata[i], b->pdata[i]))
      return FALSE;

  return TRUE;
}

/* The same seed gives the same faults in the same order of arrival */
static void
test_fault_seed (void)
{
  g_autoptr(GPtrArray) seen = NULL;
  g_autoptr(GPtrArray) faults = NULL;
  g_autoptr(GPtrArray) seen_again = NULL;
  g_autoptr(GPtrArray) faults_again = NULL;
  g_autoptr(GPtrArray) seen_other = NULL;
  g_autoptr(GPtrArray) faults_other = NULL;
  g_autoptr(GHashTable) kinds = g_hash_table_new (g_str_hash, g_str_equal);

  seen = run_in_order ("42", &faults);
  seen_again = run_in_order ("42", &faults_again);
  seen_other = run_in_order ("43", &faults_other);

  g_assert_true (same_strings (seen, seen_again));
  g_assert_true (same_strings (faults, faults_again));
  g_assert_false (same_strings (faults, faults_other));

  /* Every fault came up */
  for (guint i = 0; i < faults->len; i++)
    g_hash_table_add (kinds, faults->pdata[i]);
  g_assert_cmpuint (g_hash_table_size (kinds), ==, 6);
}

/* /stats keeps when each request came and what it asked, to check a
 * client's Retry-After from the server's side */
static void
test_stats_log (void)
{
  MockProcess mock = { NULL, };
  const char *users[] = { "Ada Lovelace", "Grace Hopper", "Ada Lovelace" };
  g_autoptr(JsonNode) stats = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) limited = NULL;
  g_autoptr(SoupMessage) bad = NULL;
  g_autoptr(JsonNode) last = NULL;
  g_autoptr(JsonNode) ignored = NULL;
  JsonArray *log;
  gint64 previous_arrival = 0;

  mock_process_start_with_options (&mock, (const char *[]) { "--p429", "1", NULL });

  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autoptr(SoupMessage) msg = chat_message (&mock, users[i]);

      ignored = send_for_json (&mock, msg, 429);
      g_clear_pointer (&ignored, json_node_unref);
    }

  stats = get_stats (&mock);
  g_assert_cmpint (get_outcome (stats, "429"), ==, 3);
  log = json_object_get_array_member (json_node_get_object (stats), "log");
  g_assert_cmpuint (json_array_get_length (log), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *entry = json_array_get_object_element (log, i);
      g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, users[i], -1);
      gint64 arrival = json_object_get_int_member (entry, "arrival_us");

      g_assert_cmpint (json_object_get_int_member (entry, "n"), ==, i);
      g_assert_cmpint (arrival, >=, previous_arrival);
      previous_arrival = arrival;
      g_assert_true (g_str_has_prefix (checksum, json_object_get_string_member (entry, "prompt")));
      g_assert_cmpuint (strlen (json_object_get_string_member (entry, "prompt")), ==, 16);
      g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, "429");
      g_assert_cmpstr (json_object_get_string_member (entry, "fault"), ==, "rate-limited");
    }

  /* ?log=N keeps the last N */
  url = pp_test_mock_llm_build_url (&mock.server, "/stats?log=1");
  limited = soup_message_new (SOUP_METHOD_GET, url);
  last = send_for_json (&mock, limited, SOUP_STATUS_OK);
  log = json_object_get_array_member (json_node_get_object (last), "log");
  g_assert_cmpuint (json_array_get_length (log), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (log, 0), "n"), ==, 2);
  g_clear_pointer (&url, g_free);
  url = pp_test_mock_llm_build_url (&mock.server, "/stats?log=few");
  bad = soup_message_new (SOUP_METHOD_GET, url);
  ignored = send_for_json (&mock, bad, SOUP_STATUS_BAD_REQUEST);

  mock_process_stop (&mock);
}

static void
test_fault_bad_options (void)
{
  g_autofree char *path = pp_test_tool_path ("pp-mock-llm");

  assert_usage_error ((const char *[]) { path, "--p500", "1.5", NULL });
  assert_usage_error ((const char *[]) { path, "--pdrop", "-0.1", NULL });
  assert_usage_error ((const char *[]) { path, "--p500", "0.6", "--p429", "0.6", NULL });
  assert_usage_error ((const char *[]) { path, "--capacity", "-2", NULL });
  assert_usage_error ((const char *[]) { path, "--capacity-schedule", "5:1,2:3", NULL });
  assert_usage_error ((const char *[]) { path, "--capacity-schedule", "5", NULL });
  assert_usage_error ((const char *[]) { path, "--capacity-schedule", "0:many", NULL });
  assert_usage_error ((const char *[]) { path, "--retry-after", "soon", NULL });
  assert_usage_error ((const char *[]) { path, "--retry-after", "-1", NULL });
  assert_usage_error ((const char *[]) { path, "--hang-ms", "-1", NULL });
  assert_usage_error ((const char *[]) { path, "--seed", "-1", NULL });
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mock-answer/names", test_names);
  g_test_add_func ("/mock-answer/respond", test_respond);
  g_test_add_func ("/mock-answer/respond/adjudication", test_respond_adjudication);
  g_test_add_func ("/mock-llm/serve", test_serve);
  g_test_add_func ("/mock-llm/hostile-request", test_hostile_request);
  g_test_add_func ("/mock-llm/concurrent", test_concurrent);
  g_test_add_func ("/mock-llm/bad-options", test_bad_options);
  g_test_add_func ("/mock-llm/faults/server-error", test_fault_server_error);
  g_test_add_func ("/mock-llm/faults/rate-limited", test_fault_rate_limited);
  g_test_add_func ("/mock-llm/faults/truncate", test_fault_truncate);
  g_test_add_func ("/mock-llm/faults/drop", test_fault_drop);
  g_test_add_func ("/mock-llm/faults/hang/outlasts-client-timeout", test_fault_hang_timeout);
  g_test_add_func ("/mock-llm/faults/hang/answers-or-closes", test_fault_hang_end);
  g_test_add_func ("/mock-llm/faults/capacity", test_fault_capacity);
  g_test_add_func ("/mock-llm/faults/capacity-schedule", test_fault_capacity_schedule);
  g_test_add_func ("/mock-llm/faults/seed-reproduces-order", test_fault_seed);
  g_test_add_func ("/mock-llm/faults/bad-options", test_fault_bad_options);
  g_test_add_func ("/mock-llm/stats/log", test_stats_log);

  return g_test_run ();
}
