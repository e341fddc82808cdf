/* test-pp-mock-llm.c: the mock answer and the pp-mock-llm server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pp-mock-answer.h"

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

static char *
tool_path (void)
{
  const char *tools_dir = g_getenv ("PP_TOOLS_DIR");

  g_assert_nonnull (tools_dir);
  return g_build_filename (tools_dir, "pp-mock-llm", "pp-mock-llm", NULL);
}

typedef struct
{
  GSubprocess *process;
  char *base_url;
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

/* A failed assertion aborts the test: take the server down with it, or it
 * would keep the test's output open and run on */
static void
die_with_parent (gpointer data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

static void
mock_process_start (MockProcess *mock,
                    const char  *latency_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tool_path ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) stdout_data = NULL;
  g_autofree char *line = NULL;
  const char *prefix = "pp-mock-llm listening on ";

  mock->cancellable = g_cancellable_new ();
  g_mutex_init (&mock->mutex);
  g_cond_init (&mock->cond);
  mock->watchdog = g_thread_new ("watchdog", watchdog_thread, mock);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  mock->process = g_subprocess_launcher_spawn (launcher, &error,
                                               path, "--port", "0", "--latency-ms", latency_ms, NULL);
  g_assert_no_error (error);

  /* The port is announced on the first line */
  stdout_data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock->process));
  line = g_data_input_stream_read_line_utf8 (stdout_data, NULL, mock->cancellable, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  mock->base_url = g_strdup (line + strlen (prefix));
  g_assert_true (g_str_has_prefix (mock->base_url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (mock->base_url, "/v1"));

  mock->session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256, NULL);
}

static void
mock_process_stop (MockProcess *mock)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (mock->process, SIGTERM);
  g_subprocess_wait (mock->process, mock->cancellable, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (mock->process));
  g_assert_cmpint (g_subprocess_get_exit_status (mock->process), ==, 0);

  g_mutex_lock (&mock->mutex);
  mock->stopping = TRUE;
  g_cond_signal (&mock->cond);
  g_mutex_unlock (&mock->mutex);
  g_thread_join (mock->watchdog);
  g_mutex_clear (&mock->mutex);
  g_cond_clear (&mock->cond);

  g_clear_object (&mock->session);
  g_clear_object (&mock->process);
  g_clear_object (&mock->cancellable);
  g_clear_pointer (&mock->base_url, g_free);
}

static SoupMessage *
chat_message (MockProcess *mock,
              const char  *user_message)
{
  g_autofree char *url = g_strconcat (mock->base_url, "/chat/completions", NULL);
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
  g_autofree char *base = g_strndup (mock->base_url, strlen (mock->base_url) - strlen ("/v1"));
  g_autofree char *url = g_strconcat (base, "/stats", NULL);
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
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);

  g_test_message ("%s", err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "pp-mock-llm: "));
  g_assert_true (g_str_has_suffix (err, "\n"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
}

static void
test_bad_options (void)
{
  g_autofree char *path = tool_path ();

  assert_usage_error ((const char *[]) { path, "--port", "nope", NULL });
  assert_usage_error ((const char *[]) { path, "--port", "70000", NULL });
  assert_usage_error ((const char *[]) { path, "--latency-ms", "-1", NULL });
  assert_usage_error ((const char *[]) { path, "--no-such-option", NULL });
  assert_usage_error ((const char *[]) { path, "extra", NULL });
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mock-answer/names", test_names);
  g_test_add_func ("/mock-answer/respond", test_respond);
  g_test_add_func ("/mock-llm/serve", test_serve);
  g_test_add_func ("/mock-llm/concurrent", test_concurrent);
  g_test_add_func ("/mock-llm/bad-options", test_bad_options);

  return g_test_run ();
}
