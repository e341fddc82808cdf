/* test-llm-openai.c: the "openai" LLM client against the test server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/libpp.h>

#include "pp-test-server.h"
#include "pp-test-secret.h"

#define API_KEY "sk-test-secret"
#define MODEL "test-model"

/* Bounds that only catch a hang; nothing here should come near them */
#define WAIT_MS 20000

static PpLlmClient *
create_client (const char  *base_url,
               GError     **error)
{
  return (PpLlmClient *) pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", error,
                                             "base-url", base_url,
                                             "api-key", API_KEY,
                                             "model", MODEL,
                                             NULL);
}

static PpLlmClient *
create_client_for (PpTestServer *server)
{
  g_autoptr(GError) error = NULL;
  PpLlmClient *client = create_client (pp_test_server_get_base_url (server), &error);

  g_assert_no_error (error);
  g_assert_true (PP_IS_LLM_CLIENT (client));

  return client;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_node_get_object (root);
}

/* The plugin is found through PP_PLUGIN_PATH and registered as documented */
static void
test_registry (void)
{
  GList *extensions;
  PpExtension *openai = NULL;
  GType type;

  pp_registry_ensure_loaded ();

  type = pp_registry_lookup (PP_LLM_CLIENT_EXTENSION_POINT, "openai");
  g_assert_true (type != G_TYPE_INVALID);
  g_assert_true (g_type_is_a (type, PP_TYPE_LLM_CLIENT));
  g_assert_true (g_type_is_a (type, G_TYPE_INITABLE));
  g_assert_true (G_TYPE_IS_FINAL (type));

  extensions = pp_registry_list_extensions (PP_LLM_CLIENT_EXTENSION_POINT);
  for (GList *l = extensions; l != NULL; l = l->next)
    {
      if (g_strcmp0 (pp_extension_get_name (l->data), "openai") == 0)
        openai = l->data;
    }
  g_assert_nonnull (openai);
  g_assert_cmpint (pp_extension_get_priority (openai), ==, 10);
  g_assert_nonnull (strstr (pp_extension_get_description (openai), "OpenAI-compatible"));
  g_list_free (extensions);
}

static void
test_success (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = NULL;
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) authorizations = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) content_parser = json_parser_new ();
  JsonObject *body;
  JsonObject *graph;
  JsonArray *messages;
  JsonArray *nodes;
  const char *user = "Ada Lovelace wrote to Charles Babbage from London.";

  request = pp_llm_request_new ("You extract schema.org JSON-LD.", user);
  pp_llm_request_set_temperature (request, 0.25);
  pp_llm_request_set_max_tokens (request, 512);
  pp_llm_request_set_json_mode (request, TRUE);

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);

  /* The mock's answer, as the client read it */
  graph = parse_object (content_parser, pp_llm_response_get_content (response));
  g_assert_cmpstr (json_object_get_string_member (graph, "@context"), ==, "https://schema.org");
  nodes = json_object_get_array_member (graph, "@graph");
  g_assert_cmpuint (json_array_get_length (nodes), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (nodes, 0), "name"), ==, "Ada Lovelace");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (nodes, 1), "name"), ==, "Charles Babbage");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (nodes, 2), "name"), ==, "London");
  g_assert_cmpstr (pp_llm_response_get_model (response), ==, MODEL);
  g_assert_cmpuint (pp_llm_response_get_prompt_tokens (response), >, 0);
  g_assert_cmpuint (pp_llm_response_get_completion_tokens (response), ==,
                    (strlen (pp_llm_response_get_content (response)) + 3) / 4);

  /* What the server received */
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 1);
  users = pp_test_server_dup_user_messages (server);
  g_assert_cmpuint (users->len, ==, 1);
  g_assert_cmpstr (users->pdata[0], ==, user);

  authorizations = pp_test_server_dup_authorization_headers (server);
  g_assert_cmpuint (authorizations->len, ==, 1);
  g_assert_cmpstr (authorizations->pdata[0], ==, "Bearer " API_KEY);

  bodies = pp_test_server_dup_request_bodies (server);
  g_assert_cmpuint (bodies->len, ==, 1);
  body = parse_object (parser, bodies->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, MODEL);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (body, "temperature"), 0.25, 1e-9);
  g_assert_cmpint (json_object_get_int_member (body, "max_tokens"), ==, 512);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (body, "response_format"), "type"),
                   ==, "json_object");
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==, "system");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"),
                   ==, "You extract schema.org JSON-LD.");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "content"), ==, user);
}

/* The texts of a request reach the server as they were: every control
 * character, quote and backslash escaped, everything else kept */
static void
test_request_text_escaped (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = NULL;
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) user = g_string_new ("quote \" backslash \\ slash / ");
  const char *system_prompt = "Say \"JSON\"\tonly:\r\n\\ \u00e9\u2603 \xf0\x9f\x98\x80";
  JsonArray *messages;

  for (guint c = 1; c < 0x20; c++)
    g_string_append_c (user, (char) c);
  g_string_append (user, "\x7f end");

  request = pp_llm_request_new (system_prompt, user->str);
  pp_llm_request_set_temperature (request, 0.1);
  pp_llm_request_set_top_p (request, 1e-7);
  pp_test_server_push_content (server, "plain text");

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);

  bodies = pp_test_server_dup_request_bodies (server);
  g_assert_cmpuint (bodies->len, ==, 1);
  /* Control characters never appear raw in the body */
  for (const char *p = bodies->pdata[0]; *p != '\0'; p++)
    g_assert_cmpint ((guchar) *p, >=, 0x20);

  messages = json_object_get_array_member (parse_object (parser, bodies->pdata[0]), "messages");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"),
                   ==, system_prompt);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "content"),
                   ==, user->str);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)),
                                                    "temperature"), ==, 0.1);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)),
                                                    "top_p"), ==, 1e-7);
}

/* A request's own model wins; optional settings stay out of the body */
static void
test_request_model (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello \xff");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *body;

  pp_llm_request_set_model (request, "other-model");
  pp_test_server_push_content (server, "plain text");

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pp_llm_response_get_content (response), ==, "plain text");
  g_assert_cmpstr (pp_llm_response_get_model (response), ==, "other-model");

  bodies = pp_test_server_dup_request_bodies (server);
  body = parse_object (parser, bodies->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (body, "model"), ==, "other-model");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (body, "messages")), ==, 1);
  g_assert_false (json_object_has_member (body, "temperature"));
  g_assert_false (json_object_has_member (body, "max_tokens"));
  g_assert_false (json_object_has_member (body, "response_format"));

  /* A byte that is not UTF-8 is replaced, not sent */
  users = pp_test_server_dup_user_messages (server);
  g_assert_cmpstr (users->pdata[0], ==, "Hello \xef\xbf\xbd");
}

typedef struct
{
  const char *name;
  guint status;
  const char *body;
  const char *retry_after;
  PpLlmError code;
  guint retry_after_ms;
} ErrorCase;

static const ErrorCase error_cases[] = {
  { "bad-request", 400,
    "{\"error\":{\"message\":\"Unrecognized request argument\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}",
    NULL, PP_LLM_ERROR_BAD_REQUEST, 0 },
  { "context-length", 400,
    "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
    NULL, PP_LLM_ERROR_CONTEXT_LENGTH, 0 },
  /* The message alone says nothing the client may act on */
  { "context-length-text-only", 400,
    "{\"object\":\"error\",\"message\":\"This model's maximum context length is 8192 tokens\",\"type\":\"BadRequestError\",\"code\":400}",
    NULL, PP_LLM_ERROR_BAD_REQUEST, 0 },
  { "auth", 401,
    "{\"error\":{\"message\":\"Invalid authentication\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}",
    NULL, PP_LLM_ERROR_AUTH, 0 },
  { "forbidden", 403, "{\"error\":{\"message\":\"Not allowed\",\"type\":\"permission_error\"}}",
    NULL, PP_LLM_ERROR_AUTH, 0 },
  { "not-found", 404, "{\"error\":\"model 'nope' not found\"}", NULL, PP_LLM_ERROR_BAD_REQUEST, 0 },
  { "request-timeout", 408, NULL, NULL, PP_LLM_ERROR_TIMEOUT, 0 },
  { "request-timeout-retry-after", 408, NULL, "1", PP_LLM_ERROR_TIMEOUT, 1000 },
  { "rate-limited", 429,
    "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
    "2", PP_LLM_ERROR_RATE_LIMITED, 2000 },
  { "rate-limited-no-delay", 429, "{\"error\":{\"message\":\"Slow down\"}}", NULL, PP_LLM_ERROR_RATE_LIMITED, 0 },
  { "quota-429", 429,
    "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
    "20", PP_LLM_ERROR_QUOTA_EXHAUSTED, 0 },
  { "quota-403", 403,
    "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
    NULL, PP_LLM_ERROR_QUOTA_EXHAUSTED, 0 },
  { "server-error", 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}",
    NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "bad-gateway", 502, "<html><body>Bad Gateway</body></html>", NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "unavailable", 503, "{\"error\":{\"message\":\"Overloaded\"}}", "1", PP_LLM_ERROR_TRANSIENT, 1000 },
  /* A 200 whose body is not a chat completion came from a flaky server
   * or proxy: the same request may well succeed again */
  { "garbage", 200, "this is not json", NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "empty", 200, "", NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "no-choices", 200, "{\"choices\":[]}", NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "wrong-shapes", 200, "{\"choices\":[{\"message\":[1,2]}],\"usage\":\"many\"}", NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "null-content", 200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null}}]}",
    NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "error-in-200", 200, "{\"error\":{\"message\":\"upstream failed\"}}", NULL, PP_LLM_ERROR_TRANSIENT, 0 },
  { "quota-in-200", 200,
    "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
    NULL, PP_LLM_ERROR_QUOTA_EXHAUSTED, 0 },
  /* The model answered, and declined: asking again gets the same */
  { "refusal", 200, "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I cannot\"}}]}",
    NULL, PP_LLM_ERROR_INVALID_RESPONSE, 0 },
  { "rate-limited-fractional", 429, "{\"error\":{\"message\":\"Slow down\"}}", "0.5", PP_LLM_ERROR_RATE_LIMITED, 500 },
  { "unavailable-fractional", 503, "{\"error\":{\"message\":\"Overloaded\"}}", "1.25", PP_LLM_ERROR_TRANSIENT, 1250 },
  { "gateway-timeout", 504, NULL, "2", PP_LLM_ERROR_TRANSIENT, 2000 },
};

static void
test_error (gconstpointer data)
{
  const ErrorCase *error_case = data;
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = g_strconcat (pp_test_server_get_base_url (server), "/chat/completions", NULL);
  g_autofree char *status = g_strdup_printf ("HTTP %u", error_case->status);

  pp_test_server_push_reply (server, error_case->status, error_case->body, error_case->retry_after);

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, PP_LLM_ERROR, (int) error_case->code);
  g_test_message ("%s: %s", error_case->name, error->message);

  g_assert_nonnull (strstr (error->message, endpoint));
  g_assert_nonnull (strstr (error->message, status));
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_cmpuint (pp_llm_error_get_retry_after (error), ==, error_case->retry_after_ms);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 1);
}

/* A hostile server: a body nested 100,000 levels deep fails the request
 * with a clear error, whatever its status, and never the process */
static void
test_deep_body (gconstpointer data)
{
  gboolean objects = GPOINTER_TO_INT (data);
  const guint statuses[] = { 200, 500 };
  const PpLlmError codes[] = { PP_LLM_ERROR_TRANSIENT, PP_LLM_ERROR_TRANSIENT };
  g_autoptr(GString) body = g_string_new ("{\"choices\": ");

  for (guint i = 0; i < 100000; i++)
    g_string_append (body, objects ? "{\"a\":" : "[");
  g_string_append (body, "1");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (body, objects ? '}' : ']');
  g_string_append_c (body, '}');

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(PpTestServer) server = pp_test_server_new ();
      g_autoptr(PpLlmClient) client = create_client_for (server);
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      pp_test_server_push_reply (server, statuses[i], body->str, NULL);

      response = pp_llm_client_complete (client, request, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, PP_LLM_ERROR, (int) codes[i]);
      g_test_message ("HTTP %u: %.300s", statuses[i], error->message);
      if (statuses[i] == 200)
        g_assert_nonnull (strstr (error->message, "HTTP 200, but the body cannot be read as JSON: "
                                                  "arrays and objects nest deeper than 512 levels "
                                                  "at offset "));
    }
}

/* Values json-glib would change without a word fail the request, saying
 * where they are: a content cut at an escaped NUL would pass for whole */
static void
test_changed_values (void)
{
  const struct {
    const char *body;
    const char *problem;
  } cases[] = {
    { "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada\\u0000 Lovelace\"}}]}",
      "escaped NUL character (\\u0000) in a string at offset 57 (line 1, column 58)" },
    { "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada\"}}],"
      "\"usage\":{\"prompt_tokens\":1180591620717411303424}}",
      "integer 1180591620717411303424, which does not fit in 64 bits at offset 87 (line 1, column 88)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpTestServer) server = pp_test_server_new ();
      g_autoptr(PpLlmClient) client = create_client_for (server);
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      pp_test_server_push_reply (server, 200, cases[i].body, NULL);

      response = pp_llm_client_complete (client, request, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].problem));
    }
}

/* Retry-After may be an HTTP date */
static void
test_retry_after_date (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 30);
  g_autofree char *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  guint retry_after;

  pp_test_server_push_reply (server, 429, "{\"error\":{\"message\":\"Slow down\"}}", date);

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_RATE_LIMITED);
  retry_after = pp_llm_error_get_retry_after (error);
  /* The date has whole seconds: 29 to 30 s from now, less the time taken */
  g_assert_cmpuint (retry_after, >, 0);
  g_assert_cmpuint (retry_after, <=, 30000);
}

/* Every form of the delay a 429 asks for; when several are sent, the
 * longest is kept */
static void
test_retry_after_forms (void)
{
  const struct {
    const char *headers[5];
    guint retry_after_ms;
  } cases[] = {
    { { "Retry-After", "3", NULL }, 3000 },
    { { "Retry-After", "0.5", NULL }, 500 },
    { { "Retry-After", " 1.25 ", NULL }, 1250 },
    { { "Retry-After", "0.0001", NULL }, 1 },
    { { "retry-after-ms", "250", NULL }, 250 },
    { { "retry-after-ms", "1500.2", NULL }, 1501 },
    { { "Retry-After", "5", "retry-after-ms", "1500.2", NULL }, 5000 },
    { { "Retry-After", "1", "retry-after-ms", "2500", NULL }, 2500 },
    { { "Retry-After", "soon", "retry-after-ms", "700", NULL }, 700 },
    { { "Retry-After", "99999999999999", NULL }, G_MAXUINT },
    /* Neither seconds nor a date: no delay */
    { { "Retry-After", "soon", NULL }, 0 },
    { { "Retry-After", "-1", NULL }, 0 },
    { { "Retry-After", "nan", NULL }, 0 },
    { { "Retry-After", "inf", NULL }, 0 },
    { { "Retry-After", "1s", NULL }, 0 },
    { { "retry-after-ms", "-5", NULL }, 0 },
  };
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      pp_test_server_push_reply_with_headers (server, 429, "{\"error\":{\"message\":\"Slow down\"}}",
                                              cases[i].headers);
      response = pp_llm_client_complete (client, request, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_RATE_LIMITED);
      g_test_message ("%s: %s → %u ms", cases[i].headers[0], cases[i].headers[1],
                      pp_llm_error_get_retry_after (error));
      g_assert_cmpuint (pp_llm_error_get_retry_after (error), ==, cases[i].retry_after_ms);
    }
}

/* An HTTP date with retry-after-ms: the later of the two */
static void
test_retry_after_date_and_ms (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 30);
  g_autofree char *date = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  const char *date_first[] = { "Retry-After", date, "retry-after-ms", "100", NULL };
  const char *ms_first[] = { "Retry-After", date, "retry-after-ms", "90000", NULL };

  pp_test_server_push_reply_with_headers (server, 429, NULL, date_first);
  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_RATE_LIMITED);
  /* The date has whole seconds: 29 to 30 s from now, less the time taken */
  g_assert_cmpuint (pp_llm_error_get_retry_after (error), >, 100);
  g_assert_cmpuint (pp_llm_error_get_retry_after (error), <=, 30000);
  g_clear_error (&error);

  pp_test_server_push_reply_with_headers (server, 429, NULL, ms_first);
  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_RATE_LIMITED);
  g_assert_cmpuint (pp_llm_error_get_retry_after (error), ==, 90000);
}

/* A server that echoes the key, and one that says too much */
static void
test_error_message_quoting (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) long_message = g_string_new (NULL);
  g_autofree char *long_body = NULL;
  PpLlmResponse *response;

  pp_test_server_push_reply (server, 401,
                             "{\"error\":{\"message\":\"Incorrect API key provided: " API_KEY ".\",\"code\":\"invalid_api_key\"}}",
                             NULL);
  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_AUTH);
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_nonnull (strstr (error->message, "Incorrect API key provided: [redacted]"));
  g_clear_error (&error);

  /* The key right where the quote is cut: no part of it may show */
  for (guint i = 0; i < 195; i++)
    g_string_append_c (long_message, 'x');
  g_string_append (long_message, API_KEY);
  for (guint i = 0; i < 5000; i++)
    g_string_append (long_message, "é");
  long_body = g_strdup_printf ("{\"error\":{\"message\":\"%s\"}}", long_message->str);
  pp_test_server_push_reply (server, 400, long_body, NULL);
  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_BAD_REQUEST);
  g_assert_null (strstr (error->message, "sk-"));
  g_assert_nonnull (strstr (error->message, "…"));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 400);
}

/* A key whose URL-encoded, JSON-escaped and base64 forms all differ */
#define ECHOED_KEY "sk-Te5t+k3y/Secret=Value"

static PpLlmClient *
create_client_with_key (PpTestServer *server,
                        const char   *api_key)
{
  g_autoptr(GError) error = NULL;
  GObject *client;

  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (server),
                               "api-key", api_key,
                               "model", MODEL,
                               NULL);
  g_assert_no_error (error);

  return PP_LLM_CLIENT (client);
}

/* A body of @status that holds @text as a JSON string at @path: "message"
 * for error.message, "code" for error.code, "refusal" for
 * choices[0].message.refusal */
static char *
build_echo_body (const char *path,
                 const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  if (strcmp (path, "refusal") == 0)
    {
      json_builder_set_member_name (builder, "choices");
      json_builder_begin_array (builder);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "message");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "content");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "refusal");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      json_builder_end_array (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "error");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, path);
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

/* Sends one request to a server that answers @status and @body, and checks
 * that the error quotes the echoed key in none of its forms */
static void
assert_echo_redacted (PpTestServer *server,
                      PpLlmClient  *client,
                      guint         status,
                      const char   *body)
{
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  pp_test_server_push_reply (server, status, body, NULL);
  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_null (response);
  g_assert_nonnull (error);
  g_assert_true (error->domain == PP_LLM_ERROR);
  g_test_message ("%s", error->message);

  pp_test_secret_assert_absent (error->message, ECHOED_KEY);
  g_assert_nonnull (strstr (error->message, "[redacted]"));
}

/* A server that echoes the key, in any form, in an error body, a refusal,
 * or a body that is not JSON: no error and no log quotes it */
static void
test_echoed_key_redacted (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with_key (server, ECHOED_KEY);
  g_autoptr(GPtrArray) forms = pp_test_secret_dup_forms (ECHOED_KEY);
  g_autoptr(GPtrArray) logged = NULL;

  pp_test_log_capture_clear ();

  for (guint i = 0; i < forms->len; i++)
    {
      const char *form = g_ptr_array_index (forms, i);
      g_autofree char *message = g_strdup_printf ("Incorrect API key provided: %s.", form);
      g_autofree char *error_body = build_echo_body ("message", message);
      g_autofree char *code_body = build_echo_body ("code", form);
      g_autofree char *refusal_body = build_echo_body ("refusal", message);
      g_autofree char *text_body = g_strdup_printf ("<html><body>Bad key %s</body></html>", form);
      g_autofree char *query_body = g_strdup_printf ("upstream rejected /v1/chat?key=%s&x=1", form);

      assert_echo_redacted (server, client, 401, error_body);
      assert_echo_redacted (server, client, 400, code_body);
      assert_echo_redacted (server, client, 200, refusal_body);
      assert_echo_redacted (server, client, 200, error_body);
      assert_echo_redacted (server, client, 502, text_body);
      assert_echo_redacted (server, client, 503, query_body);
    }

  logged = pp_test_log_capture_dup_messages ();
  for (guint i = 0; i < logged->len; i++)
    pp_test_secret_assert_absent (g_ptr_array_index (logged, i), ECHOED_KEY);
}

/* pp_llm_client_redact() blots out every form of the key, and leaves the
 * rest of the text as it is */
static void
test_redact (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with_key (server, ECHOED_KEY);
  g_autoptr(PpLlmClient) keyless = create_client_with_key (server, NULL);
  g_autoptr(GPtrArray) forms = pp_test_secret_dup_forms (ECHOED_KEY);
  g_autofree char *plain = NULL;
  g_autofree char *untouched = NULL;

  for (guint i = 0; i < forms->len; i++)
    {
      g_autofree char *text = g_strdup_printf ("before “%s” after", (const char *) g_ptr_array_index (forms, i));
      g_autofree char *redacted = pp_llm_client_redact (client, text);

      g_assert_cmpstr (redacted, ==, "before “[redacted]” after");
    }

  plain = pp_llm_client_redact (client, "nothing secret: sk-other, %2B, c2st");
  g_assert_cmpstr (plain, ==, "nothing secret: sk-other, %2B, c2st");

  untouched = pp_llm_client_redact (keyless, "before " ECHOED_KEY " after");
  g_assert_cmpstr (untouched, ==, "before " ECHOED_KEY " after");
}

/* A watchdog that cancels what hangs, so that a test fails instead */
typedef struct
{
  GMutex mutex;
  GCond cond;
  gboolean done;
  GCancellable *cancellable;
  GThread *thread;
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *watchdog = data;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&watchdog->mutex);
  while (!watchdog->done)
    {
      if (!g_cond_wait_until (&watchdog->cond, &watchdog->mutex, deadline))
        {
          g_cancellable_cancel (watchdog->cancellable);
          break;
        }
    }
  g_mutex_unlock (&watchdog->mutex);

  return NULL;
}

static Watchdog *
watchdog_start (void)
{
  Watchdog *watchdog = g_new0 (Watchdog, 1);

  g_mutex_init (&watchdog->mutex);
  g_cond_init (&watchdog->cond);
  watchdog->cancellable = g_cancellable_new ();
  watchdog->thread = g_thread_new ("watchdog", watchdog_thread, watchdog);

  return watchdog;
}

static void
watchdog_stop (Watchdog *watchdog)
{
  g_mutex_lock (&watchdog->mutex);
  watchdog->done = TRUE;
  g_cond_signal (&watchdog->cond);
  g_mutex_unlock (&watchdog->mutex);

  g_thread_join (watchdog->thread);
  g_object_unref (watchdog->cancellable);
  g_mutex_clear (&watchdog->mutex);
  g_cond_clear (&watchdog->cond);
  g_free (watchdog);
}

static guint16
find_closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* Bound but never listening: connections to it are refused */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);

  return port;
}

static void
test_unreachable (void)
{
  g_autofree char *base_url = g_strdup_printf ("http://127.0.0.1:%u/v1", find_closed_port ());
  g_autofree char *endpoint = g_strconcat (base_url, "/chat/completions", NULL);
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  Watchdog *watchdog;

  client = create_client (base_url, &error);
  g_assert_no_error (error);

  watchdog = watchdog_start ();
  response = pp_llm_client_complete (client, request, watchdog->cancellable, &error);
  watchdog_stop (watchdog);

  g_assert_null (response);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_UNREACHABLE);
  g_assert_true (pp_llm_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, endpoint));
}

static void
test_bad_base_url (void)
{
  const char *bad[] = { "not a url", "ftp://example.com/v1", "http:///v1" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PpLlmClient) client = create_client (bad[i], &error);

      g_assert_null (client);
      g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

/* The server holds the answer: the client waits, then gives up */
static void
test_timeout (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  Watchdog *watchdog;

  client = (PpLlmClient *) pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                               "base-url", pp_test_server_get_base_url (server),
                                               "timeout", 1,
                                               NULL);
  g_assert_no_error (error);
  pp_test_server_set_hold (server, TRUE);

  watchdog = watchdog_start ();
  response = pp_llm_client_complete (client, request, watchdog->cancellable, &error);
  watchdog_stop (watchdog);

  g_assert_null (response);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TIMEOUT);
  g_assert_true (pp_llm_error_is_transient (error));
  pp_test_server_set_hold (server, FALSE);
  g_assert_true (pp_test_server_wait_for_in_flight (server, 0, WAIT_MS));
}

static PpLlmClient *
create_client_with (PpTestServer *server,
                    const char   *first_property,
                    ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  GObject *client;
  va_list args;

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  g_ptr_array_add (names, (gpointer) "base-url");
  g_array_set_size (values, 1);
  g_value_init (&g_array_index (values, GValue, 0), G_TYPE_STRING);
  g_value_set_string (&g_array_index (values, GValue, 0), pp_test_server_get_base_url (server));

  va_start (args, first_property);
  for (const char *name = first_property; name != NULL; name = va_arg (args, const char *))
    {
      GValue *value;

      g_array_set_size (values, values->len + 1);
      value = &g_array_index (values, GValue, values->len - 1);
      g_ptr_array_add (names, (gpointer) name);
      if (g_str_equal (name, "max-response-size"))
        {
          g_value_init (value, G_TYPE_UINT64);
          g_value_set_uint64 (value, va_arg (args, guint64));
        }
      else
        {
          g_value_init (value, G_TYPE_UINT);
          g_value_set_uint (value, va_arg (args, guint));
        }
    }
  va_end (args);

  client = pp_registry_create_with_properties (PP_LLM_CLIENT_EXTENSION_POINT, "openai", names->len,
                                               (const char **) names->pdata,
                                               (const GValue *) values->data, &error);
  g_assert_no_error (error);

  return PP_LLM_CLIENT (client);
}

/* Sends one request, with a watchdog, and returns its error */
static GError *
complete_with_error (PpLlmClient *client)
{
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  GError *error = NULL;
  Watchdog *watchdog;

  watchdog = watchdog_start ();
  response = pp_llm_client_complete (client, request, watchdog->cancellable, &error);
  watchdog_stop (watchdog);

  g_assert_null (response);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);

  return error;
}

/* The timeout is a deadline for the whole request: a server that sends a
 * byte now and then, before or after its headers, never resets it. Each
 * unit comes 200 ms after the last, so only a deadline can end these. */
static void
test_timeout_trickling (gconstpointer data)
{
  const char *head = data;
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with (server, "timeout", 1, NULL);
  g_autofree char *endpoint = g_strconcat (pp_test_server_get_base_url (server), "/chat/completions", NULL);
  g_autoptr(GError) error = NULL;

  pp_test_server_push_endless_reply (server, head,
                                     g_str_has_suffix (head, "\r\n\r\n") ? " " : "X-Slow: 1\r\n",
                                     200);

  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TIMEOUT);
  g_assert_true (pp_llm_error_is_transient (error));
  g_assert_nonnull (strstr (error->message, endpoint));
  g_assert_nonnull (strstr (error->message, "1 s"));

  /* The client gave the connection up */
  g_assert_true (pp_test_server_wait_for_raw_replies_done (server, WAIT_MS));
}

/* A caller that cancelled is told so, not that the server was slow */
static void
test_timeout_cancel_wins (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with (server, "timeout", 1, NULL);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  response = pp_llm_client_complete (client, request, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A server that sends its headers and part of the body, then nothing */
static void
test_timeout_silent_after_headers (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with (server, "timeout", 1, NULL);
  g_autoptr(GError) error = NULL;

  pp_test_server_push_raw_reply (server,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 100\r\n\r\n{\"choices\":",
                                 PP_TEST_SERVER_ENDING_HANG);

  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TIMEOUT);
  g_assert_true (pp_test_server_wait_for_raw_replies_done (server, WAIT_MS));
}

/* A connection that breaks before or during the answer, or an answer cut
 * short, is a transient failure: the same request may well succeed */
typedef struct
{
  const char *name;
  const char *raw;
  PpTestServerEnding ending;
} BrokenAnswer;

static const BrokenAnswer broken_answers[] = {
  { "closed-before-answer", "", PP_TEST_SERVER_ENDING_CLOSE },
  { "reset-before-answer", "", PP_TEST_SERVER_ENDING_RESET },
  { "closed-in-headers", "HTTP/1.1 200 OK\r\nContent-Type: appl", PP_TEST_SERVER_ENDING_CLOSE },
  { "garbled-status-line", "HTTP/1.1 two hundred\r\n\r\n", PP_TEST_SERVER_ENDING_CLOSE },
  { "truncated-content-length",
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada", PP_TEST_SERVER_ENDING_CLOSE },
  { "reset-in-body",
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada", PP_TEST_SERVER_ENDING_RESET },
  { "truncated-chunked",
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    "40\r\n{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada Lovelace\r\n",
    PP_TEST_SERVER_ENDING_CLOSE },
  /* Framed by the end of the connection: whole as far as HTTP knows, but
   * not JSON */
  { "truncated-close-delimited",
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada", PP_TEST_SERVER_ENDING_CLOSE },
};

static void
test_broken_answer (gconstpointer data)
{
  const BrokenAnswer *broken = data;
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autofree char *endpoint = g_strconcat (pp_test_server_get_base_url (server), "/chat/completions", NULL);
  g_autoptr(GError) error = NULL;

  pp_test_server_push_raw_reply (server, broken->raw, broken->ending);

  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (error->message, endpoint));
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 1);
}

/* The body of an answer is read up to max-response-size bytes; a server
 * that sends more, however it frames it, fails the request at once with
 * an error that is not transient (it would send the same again) */
#define SMALL_CAP (G_GUINT64_CONSTANT (1024) * 1024)

static void
test_max_response_size_endless (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with (server, "max-response-size", SMALL_CAP, NULL);
  g_autofree char *limit = g_strdup_printf ("larger than %" G_GUINT64_FORMAT " bytes", SMALL_CAP);
  g_autoptr(GString) chunk = g_string_new ("1000\r\n");
  g_autoptr(GError) error = NULL;
  guint64 sent;

  for (guint i = 0; i < 0x1000; i++)
    g_string_append_c (chunk, ' ');
  g_string_append (chunk, "\r\n");
  pp_test_server_push_endless_reply (server,
                                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n"
                                     "1\r\n{\r\n",
                                     chunk->str, 0);

  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_INVALID_RESPONSE);
  g_assert_false (pp_llm_error_is_transient (error));
  g_assert_false (pp_llm_error_is_fatal (error));
  g_assert_nonnull (strstr (error->message, limit));

  /* The client closed the connection rather than read on: the server
   * could only send what the sockets' buffers took beyond the cap */
  g_assert_true (pp_test_server_wait_for_raw_replies_done (server, WAIT_MS));
  sent = pp_test_server_get_raw_bytes_sent (server);
  g_test_message ("the server sent %" G_GUINT64_FORMAT " bytes", sent);
  g_assert_cmpuint (sent, >, SMALL_CAP);
  g_assert_cmpuint (sent, <, SMALL_CAP + PP_TEST_SERVER_ENDLESS_LIMIT / 2);
}

/* An announced Content-Length over the cap fails before the body is read;
 * a body exactly at the cap is read */
static void
test_max_response_size_content_length (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(GString) body = g_string_new ("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada\"}}]}");
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  guint64 cap;

  /* Padding after the object is still JSON */
  while (body->len < 8192)
    g_string_append_c (body, ' ');
  cap = body->len;
  client = create_client_with (server, "max-response-size", cap, NULL);

  pp_test_server_push_reply (server, 200, body->str, NULL);
  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pp_llm_response_get_content (response), ==, "Ada");

  g_string_append_c (body, ' ');
  pp_test_server_push_reply (server, 200, body->str, NULL);
  g_clear_error (&error);
  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, "larger than 8192 bytes"));
}

/* An error body over the cap is cut, and the status still decides */
static void
test_max_response_size_error_body (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_with (server, "max-response-size", (guint64) 1024, NULL);
  g_autoptr(GString) body = g_string_new ("{\"error\":{\"message\":\"Slow down\",\"code\":\"rate_limit_exceeded\"}}");
  g_autoptr(GError) error = NULL;

  while (body->len < 100000)
    g_string_append_c (body, ' ');

  pp_test_server_push_reply (server, 429, body->str, "2");
  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_RATE_LIMITED);
  g_assert_cmpuint (pp_llm_error_get_retry_after (error), ==, 2000);
  g_assert_nonnull (strstr (error->message, "Slow down"));
  g_clear_error (&error);

  g_string_truncate (body, 0);
  g_string_append (body, "<html>");
  while (body->len < 100000)
    g_string_append (body, "Bad Gateway ");
  pp_test_server_push_reply (server, 502, body->str, NULL);
  error = complete_with_error (client);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT);
}

#define COMPLETION_BODY "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Ada\"}}]}"

/* OpenAI's x-ratelimit-* headers reach the response */
static void
test_rate_limit_headers (void)
{
  const struct {
    const char *headers[9];
    gint64 remaining_requests;
    gint64 remaining_tokens;
    guint reset_requests_ms;
    guint reset_tokens_ms;
  } cases[] = {
    { { "x-ratelimit-remaining-requests", "59", "x-ratelimit-remaining-tokens", "149984",
        "x-ratelimit-reset-requests", "1s", "x-ratelimit-reset-tokens", "6m0s" },
      59, 149984, 1000, 360000 },
    { { "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "20ms",
        "x-ratelimit-reset-tokens", "1.5s", NULL },
      0, -1, 20, 1500 },
    { { "x-ratelimit-reset-requests", "1h2m3.5s", "x-ratelimit-reset-tokens", "0.25ms", NULL },
      -1, -1, 3723500, 1 },
    { { "x-ratelimit-reset-requests", "250us", "x-ratelimit-reset-tokens", "7", NULL },
      -1, -1, 1, 7000 },
    /* What is not a count or a duration is as if not sent */
    { { "x-ratelimit-remaining-requests", "many", "x-ratelimit-remaining-tokens", "-3",
        "x-ratelimit-reset-requests", "soon", "x-ratelimit-reset-tokens", "5x" },
      -1, -1, 0, 0 },
    { { "x-ratelimit-reset-requests", "1s2", "x-ratelimit-reset-tokens", "", NULL },
      -1, -1, 0, 0 },
    { { NULL }, -1, -1, 0, 0 },
  };
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      pp_test_server_push_reply_with_headers (server, 200, COMPLETION_BODY, cases[i].headers);
      response = pp_llm_client_complete (client, request, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (pp_llm_response_get_remaining_requests (response), ==, cases[i].remaining_requests);
      g_assert_cmpint (pp_llm_response_get_remaining_tokens (response), ==, cases[i].remaining_tokens);
      g_assert_cmpuint (pp_llm_response_get_reset_requests_ms (response), ==, cases[i].reset_requests_ms);
      g_assert_cmpuint (pp_llm_response_get_reset_tokens_ms (response), ==, cases[i].reset_tokens_ms);
    }
}

/* Rate limits describe the moment of an answer: a cached copy has none */
static void
test_rate_limits_not_cached (void)
{
  g_autoptr(PpLlmResponse) response = pp_llm_response_new ("Ada", MODEL, 3, 4);
  g_autoptr(PpLlmResponse) copy = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (pp_llm_response_get_remaining_requests (response), ==, -1);
  g_assert_cmpint (pp_llm_response_get_remaining_tokens (response), ==, -1);
  g_assert_cmpuint (pp_llm_response_get_reset_requests_ms (response), ==, 0);
  g_assert_cmpuint (pp_llm_response_get_reset_tokens_ms (response), ==, 0);

  pp_llm_response_set_rate_limits (response, 10, 2000, 1500, 60000);
  g_assert_cmpint (pp_llm_response_get_remaining_requests (response), ==, 10);
  g_assert_cmpint (pp_llm_response_get_remaining_tokens (response), ==, 2000);
  g_assert_cmpuint (pp_llm_response_get_reset_requests_ms (response), ==, 1500);
  g_assert_cmpuint (pp_llm_response_get_reset_tokens_ms (response), ==, 60000);

  bytes = pp_llm_response_to_bytes (response);
  copy = pp_llm_response_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pp_llm_response_get_content (copy), ==, "Ada");
  g_assert_cmpint (pp_llm_response_get_remaining_requests (copy), ==, -1);
  g_assert_cmpint (pp_llm_response_get_remaining_tokens (copy), ==, -1);
  g_assert_cmpuint (pp_llm_response_get_reset_requests_ms (copy), ==, 0);
  g_assert_cmpuint (pp_llm_response_get_reset_tokens_ms (copy), ==, 0);
}

/* Which errors stop a run, and which a retry may cure: never both */
static void
test_error_is_fatal (void)
{
  const struct {
    PpLlmError code;
    gboolean fatal;
    gboolean transient;
  } cases[] = {
    { PP_LLM_ERROR_RATE_LIMITED, FALSE, TRUE },
    { PP_LLM_ERROR_TRANSIENT, FALSE, TRUE },
    { PP_LLM_ERROR_TIMEOUT, FALSE, TRUE },
    { PP_LLM_ERROR_UNREACHABLE, FALSE, TRUE },
    { PP_LLM_ERROR_INVALID_RESPONSE, FALSE, FALSE },
    { PP_LLM_ERROR_AUTH, TRUE, FALSE },
    { PP_LLM_ERROR_BAD_REQUEST, FALSE, FALSE },
    { PP_LLM_ERROR_QUOTA_EXHAUSTED, TRUE, FALSE },
    { PP_LLM_ERROR_CONTEXT_LENGTH, FALSE, FALSE },
    { PP_LLM_ERROR_NOT_CONFIGURED, TRUE, FALSE },
  };
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  g_autoptr(GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "Denied");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (PP_LLM_ERROR, cases[i].code, "failed");

      g_assert_cmpint (pp_llm_error_is_fatal (error), ==, cases[i].fatal);
      g_assert_cmpint (pp_llm_error_is_transient (error), ==, cases[i].transient);
    }

  g_assert_false (pp_llm_error_is_fatal (cancelled));
  g_assert_false (pp_llm_error_is_fatal (other));
}

/* What a server answers decides fatality: a refused key, an empty quota */
static void
test_error_is_fatal_from_server (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(GError) error = NULL;

  pp_test_server_push_reply (server, 401, "{\"error\":{\"message\":\"Bad key\",\"code\":\"invalid_api_key\"}}", NULL);
  error = complete_with_error (client);
  g_assert_true (pp_llm_error_is_fatal (error));
  g_clear_error (&error);

  pp_test_server_push_reply (server, 429, "{\"error\":{\"message\":\"No quota\",\"type\":\"insufficient_quota\"}}", NULL);
  error = complete_with_error (client);
  g_assert_true (pp_llm_error_is_fatal (error));
  g_clear_error (&error);

  pp_test_server_push_reply (server, 429, "{\"error\":{\"message\":\"Slow down\"}}", NULL);
  error = complete_with_error (client);
  g_assert_false (pp_llm_error_is_fatal (error));
}

typedef struct
{
  PpLlmClient *client;
  PpLlmRequest *request;
  GCancellable *cancellable;

  GMutex mutex;
  GCond cond;
  gboolean done;
  PpLlmResponse *response;
  GError *error;
} Call;

static gpointer
call_thread (gpointer data)
{
  Call *call = data;
  GError *error = NULL;
  PpLlmResponse *response;

  response = pp_llm_client_complete (call->client, call->request, call->cancellable, &error);

  g_mutex_lock (&call->mutex);
  call->response = response;
  call->error = error;
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->mutex);

  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Call call = { client, request, cancellable, };
  gint64 deadline;
  GThread *thread;

  g_mutex_init (&call.mutex);
  g_cond_init (&call.cond);
  pp_test_server_set_hold (server, TRUE);

  thread = g_thread_new ("complete", call_thread, &call);
  g_assert_true (pp_test_server_wait_for_in_flight (server, 1, WAIT_MS));

  /* Cancelled from this thread while the other waits for the answer */
  g_cancellable_cancel (cancellable);

  deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;
  g_mutex_lock (&call.mutex);
  while (!call.done)
    {
      if (!g_cond_wait_until (&call.cond, &call.mutex, deadline))
        break;
    }
  g_mutex_unlock (&call.mutex);

  g_assert_true (call.done);
  g_thread_join (thread);
  g_assert_null (call.response);
  g_assert_error (call.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_error (&call.error);
  g_mutex_clear (&call.mutex);
  g_cond_clear (&call.cond);

  /* The answer the client gave up on is done with once released */
  pp_test_server_set_hold (server, FALSE);
  g_assert_true (pp_test_server_wait_for_in_flight (server, 0, WAIT_MS));
}

static void
test_secret (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autofree char *id = pp_llm_client_dup_id (client);
  g_autofree char *expected = g_strdup_printf ("openai %s %s", pp_test_server_get_base_url (server), MODEL);
  GParamSpec *pspec;

  g_assert_cmpstr (id, ==, expected);
  g_assert_null (strstr (id, API_KEY));

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (client), "api-key");
  g_assert_nonnull (pspec);
  g_assert_false (pspec->flags & G_PARAM_READABLE);
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
}

/* A trailing slash is dropped, user information stays out of the id */
static void
test_base_url_forms (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autofree char *slashed = g_strconcat (pp_test_server_get_base_url (server), "/", NULL);
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Hello");
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *id = NULL;

  client = create_client (slashed, &error);
  g_assert_no_error (error);
  g_object_get (client, "base-url", &base_url, NULL);
  g_assert_cmpstr (base_url, ==, pp_test_server_get_base_url (server));

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_clear_object (&client);
  g_clear_pointer (&base_url, g_free);

  base_url = g_strdup_printf ("http://user:hunter2@%s", pp_test_server_get_base_url (server) + strlen ("http://"));
  client = create_client (base_url, &error);
  g_assert_no_error (error);
  id = pp_llm_client_dup_id (client);
  g_assert_null (strstr (id, "hunter2"));
}

/* Many sequential requests go over one or two kept-alive connections */
static void
test_keep_alive (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *user = g_strdup_printf ("Request %u from Ada Lovelace", i);
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, user);
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = pp_llm_client_complete (client, request, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (response);
    }

  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 50);
  g_assert_cmpuint (pp_test_server_get_connection_count (server), <=, 2);
}

#define N_THREADS 64
#define N_PER_THREAD 10

static gpointer
concurrent_thread (gpointer data)
{
  PpLlmClient *client = data;

  for (guint i = 0; i < N_PER_THREAD; i++)
    {
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Ada Lovelace in London");
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = pp_llm_client_complete (client, request, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (response);
    }

  return NULL;
}

/* Threads share the client; connections stay within max-connections */
static void
test_concurrent (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(GError) error = NULL;
  GThread *threads[N_THREADS];

  client = (PpLlmClient *) pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                               "base-url", pp_test_server_get_base_url (server),
                                               "max-connections", N_THREADS,
                                               NULL);
  g_assert_no_error (error);
  pp_test_server_set_latency_ms (server, 20);

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("complete", concurrent_thread, client);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (server), <=, N_THREADS);
  g_assert_cmpuint (pp_test_server_get_connection_count (server), <=, N_THREADS);
}

/* The identifier of a source attached to @context and destroyed at once:
 * a context numbers its sources in the order they are attached */
static guint
attach_marker (GMainContext *context)
{
  g_autoptr(GSource) marker = g_idle_source_new ();
  guint id = g_source_attach (marker, context);

  g_source_destroy (marker);

  return id;
}

/* Requests made from other threads leave nothing to do on the main
 * context the client was made in: no source falls due there, not even
 * later (a timer would wake that thread up), and none is even attached
 * there (its main loop would look at each on every iteration) */
static void
test_main_context_untouched (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(PpLlmClient) client = NULL;
  GThread *threads[4];
  GPollFD fds[16];
  int priority = 0;
  int timeout = 0;
  guint first_marker;

  first_marker = attach_marker (context);
  g_main_context_push_thread_default (context);
  client = create_client_for (server);
  g_main_context_pop_thread_default (context);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("complete", concurrent_thread, client);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, G_N_ELEMENTS (threads) * N_PER_THREAD);

  g_assert_true (g_main_context_acquire (context));
  g_assert_false (g_main_context_prepare (context, &priority));
  g_main_context_query (context, G_MAXINT, &timeout, fds, G_N_ELEMENTS (fds));
  g_main_context_release (context);
  g_assert_cmpint (timeout, ==, -1);

  g_assert_cmpuint (attach_marker (context), ==, first_marker + 1);
}

#define N_LIMITED 4

/* max-connections caps the requests in flight: libsoup's default would
 * allow 2 to one host, and nothing caps the threads */
static void
test_max_connections (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(GError) error = NULL;
  GThread *threads[4 * N_LIMITED];

  client = (PpLlmClient *) pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                               "base-url", pp_test_server_get_base_url (server),
                                               "max-connections", N_LIMITED,
                                               NULL);
  g_assert_no_error (error);
  pp_test_server_set_hold (server, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("complete", concurrent_thread, client);

  g_assert_true (pp_test_server_wait_for_in_flight (server, N_LIMITED, WAIT_MS));
  pp_test_server_set_hold (server, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, G_N_ELEMENTS (threads) * N_PER_THREAD);
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (server), ==, N_LIMITED);
  g_assert_cmpuint (pp_test_server_get_connection_count (server), <=, N_LIMITED);
}

typedef struct
{
  GMainContext *context;
  GThread *thread;
  gboolean called;
  PpLlmResponse *response;
  GError *error;
} AsyncData;

static void
complete_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_true (g_thread_self () == data->thread);
  g_assert_true (g_main_context_get_thread_default () == data->context);
  data->called = TRUE;
  data->response = pp_llm_client_complete_finish (PP_LLM_CLIENT (source), result, &data->error);
  g_main_context_wakeup (data->context);
}

static void
test_async (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "Grace Hopper joined the Navy.");
  g_autoptr(GMainContext) context = g_main_context_new ();
  AsyncData data = { context, g_thread_self (), FALSE, NULL, NULL };
  Watchdog *watchdog;

  g_main_context_push_thread_default (context);

  watchdog = watchdog_start ();
  pp_llm_client_complete_async (client, request, watchdog->cancellable, complete_cb, &data);
  while (!data.called)
    g_main_context_iteration (context, TRUE);
  watchdog_stop (watchdog);

  g_main_context_pop_thread_default (context);

  g_assert_no_error (data.error);
  g_assert_nonnull (data.response);
  g_assert_nonnull (strstr (pp_llm_response_get_content (data.response), "Grace Hopper"));
  pp_llm_response_unref (data.response);
}

/* Settings from the environment, in a subprocess of its own */
static void
test_environment (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(PpLlmClient) client = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *base_url = NULL;
      g_autofree char *model = NULL;
      g_autofree char *user_agent = NULL;
      guint max_connections;
      guint timeout;
      guint64 max_response_size;

      g_setenv ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1/", TRUE);
      g_setenv ("OPENAI_MODEL", "env-model", TRUE);
      g_setenv ("OPENAI_API_KEY", "sk-env-secret", TRUE);

      client = (PpLlmClient *) pp_registry_create_with_properties (PP_LLM_CLIENT_EXTENSION_POINT, "openai",
                                                                   0, NULL, NULL, &error);
      g_assert_no_error (error);
      g_object_get (client,
                    "base-url", &base_url,
                    "model", &model,
                    "user-agent", &user_agent,
                    "max-connections", &max_connections,
                    "timeout", &timeout,
                    "max-response-size", &max_response_size,
                    NULL);
      g_assert_cmpstr (base_url, ==, "http://127.0.0.1:9/v1");
      g_assert_cmpstr (model, ==, "env-model");
      g_assert_cmpstr (user_agent, ==, "libpp/" PACKAGE_VERSION);
      /* Never the cap on requests in flight: the processor's limit is */
      g_assert_cmpuint (max_connections, ==, 4096);
      g_assert_cmpuint (timeout, ==, 60);
      g_assert_cmpuint (max_response_size, ==, 16 * 1024 * 1024);
      g_clear_object (&client);

      /* OpenAI itself, without a key, is not configured */
      g_unsetenv ("OPENAI_BASE_URL");
      g_unsetenv ("OPENAI_API_KEY");
      client = (PpLlmClient *) pp_registry_create_with_properties (PP_LLM_CLIENT_EXTENSION_POINT, "openai",
                                                                   0, NULL, NULL, &error);
      g_assert_null (client);
      g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED);
      g_assert_nonnull (strstr (error->message, "OPENAI_API_KEY"));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Structured output: an optional response format falls back when refused */

#define SCHEMA_FORMAT \
  "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"graph\", \"strict\": false, " \
  "\"schema\": {\"type\": \"object\"}}}"

static PpLlmRequest *
structured_request_new (gboolean optional)
{
  PpLlmRequest *request = pp_llm_request_new ("You extract schema.org JSON-LD.",
                                              "Ada Lovelace met Charles Babbage.");
  g_autoptr(GError) error = NULL;

  pp_llm_request_set_response_format (request, SCHEMA_FORMAT, &error);
  g_assert_no_error (error);
  pp_llm_request_set_response_format_optional (request, optional);

  return request;
}

/* The response_format types the server received, in order ("none" for
 * none), joined by spaces */
static char *
dup_sent_formats (PpTestServer *server)
{
  g_autoptr(GPtrArray) bodies = pp_test_server_dup_request_bodies (server);
  g_autoptr(GString) sent = g_string_new (NULL);

  for (guint i = 0; i < bodies->len; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *body = parse_object (parser, bodies->pdata[i]);
      JsonObject *format = json_object_has_member (body, "response_format")
        ? json_object_get_object_member (body, "response_format") : NULL;

      if (sent->len > 0)
        g_string_append_c (sent, ' ');
      g_string_append (sent, format != NULL ? json_object_get_string_member (format, "type") : "none");
    }

  return g_string_free (g_steal_pointer (&sent), FALSE);
}

static void
complete_ok (PpLlmClient  *client,
             PpLlmRequest *request)
{
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
}

/* A server that takes json_schema gets it every time */
static void
test_structured_output_accepted (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (TRUE);
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *sent = NULL;
  JsonObject *format;

  for (guint i = 0; i < 3; i++)
    complete_ok (client, request);

  sent = dup_sent_formats (server);
  g_assert_cmpstr (sent, ==, "json_schema json_schema json_schema");

  /* Sent as it was set */
  bodies = pp_test_server_dup_request_bodies (server);
  format = json_object_get_object_member (parse_object (parser, bodies->pdata[0]), "response_format");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (format, "json_schema"), "name"),
                   ==, "graph");
}

#define N_FALLBACK_THREADS 8
#define N_FALLBACK_REQUESTS 4

typedef struct
{
  PpLlmClient *client;
  PpLlmRequest *request;
  guint failures;
} FallbackThread;

static gpointer
fallback_thread (gpointer user_data)
{
  FallbackThread *data = user_data;

  for (guint i = 0; i < N_FALLBACK_REQUESTS; i++)
    {
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      response = pp_llm_client_complete (data->client, data->request, NULL, &error);
      if (response == NULL)
        data->failures++;
    }

  return NULL;
}

#define REFUSE_SCHEMA_WITH_PARAM \
  "{\"error\": {\"message\": \"Invalid parameter: this model does not support it.\", " \
  "\"type\": \"invalid_request_error\", \"param\": \"response_format\", \"code\": null}}"

/* Runs N_FALLBACK_THREADS threads of N_FALLBACK_REQUESTS requests each */
static void
run_fallback_threads (PpLlmClient  *client,
                      PpLlmRequest *request)
{
  FallbackThread data[N_FALLBACK_THREADS];
  GThread *threads[N_FALLBACK_THREADS];

  for (guint i = 0; i < N_FALLBACK_THREADS; i++)
    {
      data[i] = (FallbackThread) { .client = client, .request = request };
      threads[i] = g_thread_new ("fallback", fallback_thread, &data[i]);
    }
  for (guint i = 0; i < N_FALLBACK_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (data[i].failures, ==, 0);
    }
}

/* Counts the response_format types the server received */
static void
count_sent_formats (PpTestServer *server,
                    guint        *schema,
                    guint        *object)
{
  g_autofree char *joined = dup_sent_formats (server);
  g_auto(GStrv) sent = g_strsplit (joined, " ", -1);

  *schema = *object = 0;
  for (guint i = 0; sent[i] != NULL; i++)
    {
      if (g_str_equal (sent[i], "json_schema"))
        (*schema)++;
      else if (g_str_equal (sent[i], "json_object"))
        (*object)++;
      else
        g_assert_not_reached ();
    }
}

/* A server that refuses json_schema, naming response_format in `param` as
 * OpenAI does, sees it refused once; the client remembers it for every
 * thread */
static void
test_structured_output_fallback_once (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (TRUE);
  g_autofree char *first = NULL;
  guint schema, object;

  pp_test_server_refuse_response_format (server, "json_schema", REFUSE_SCHEMA_WITH_PARAM);

  complete_ok (client, request);
  first = dup_sent_formats (server);
  g_assert_cmpstr (first, ==, "json_schema json_object");

  run_fallback_threads (client, request);
  count_sent_formats (server, &schema, &object);
  g_assert_cmpuint (schema, ==, 1);
  g_assert_cmpuint (object, ==, 1 + N_FALLBACK_THREADS * N_FALLBACK_REQUESTS);
}

/* Threads that all start before the first refusal comes are each refused
 * at most once, and then all fall back */
static void
test_structured_output_first_wave (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (TRUE);
  guint schema, object;

  pp_test_server_refuse_response_format (server, "json_schema", REFUSE_SCHEMA_WITH_PARAM);
  pp_test_server_set_latency_ms (server, 20);

  run_fallback_threads (client, request);
  count_sent_formats (server, &schema, &object);
  g_assert_cmpuint (schema, >=, 1);
  g_assert_cmpuint (schema, <=, N_FALLBACK_THREADS);
  g_assert_cmpuint (object, ==, N_FALLBACK_THREADS * N_FALLBACK_REQUESTS);
}

/* A server that refuses both, saying so only in its message (as llama.cpp
 * and vLLM do), ends with no response_format, each refused once */
static void
test_structured_output_fallback_to_none (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (TRUE);
  g_autofree char *sent = NULL;

  pp_test_server_refuse_response_format (server, "json_schema",
    "{\"error\": \"response_format of type json_schema is not supported\"}");
  pp_test_server_refuse_response_format (server, "json_object",
    "{\"object\": \"error\", \"message\": \"'response_format' is not supported\", "
    "\"type\": \"BadRequestError\", \"code\": 400}");

  for (guint i = 0; i < 3; i++)
    complete_ok (client, request);

  sent = dup_sent_formats (server);
  g_assert_cmpstr (sent, ==, "json_schema json_object none none none");
}

/* The error's `param` or `code`, when it has one, decides; a message that
 * names response_format then does not */
static void
test_structured_output_other_param (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (TRUE);
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = NULL;

  pp_test_server_refuse_response_format (server, "json_schema",
    "{\"error\": {\"message\": \"messages must not be empty when response_format is set\", "
    "\"type\": \"invalid_request_error\", \"param\": \"messages\"}}");

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_BAD_REQUEST);
  g_assert_null (response);

  sent = dup_sent_formats (server);
  g_assert_cmpstr (sent, ==, "json_schema");
}

/* A code of the server's own that names response_format is enough */
static void
test_structured_output_code (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (TRUE);
  g_autofree char *sent = NULL;

  pp_test_server_refuse_response_format (server, "json_schema",
    "{\"error\": {\"message\": \"Not supported\", \"code\": \"unsupported_response_format\"}}");

  complete_ok (client, request);
  complete_ok (client, request);

  sent = dup_sent_formats (server);
  g_assert_cmpstr (sent, ==, "json_schema json_object json_object");
}

/* A required response format is never fallen back from */
static void
test_structured_output_required (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpLlmClient) client = create_client_for (server);
  g_autoptr(PpLlmRequest) request = structured_request_new (FALSE);
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = NULL;

  pp_test_server_refuse_response_format (server, "json_schema",
    "{\"error\": {\"message\": \"Invalid parameter\", \"param\": \"response_format\"}}");

  response = pp_llm_client_complete (client, request, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_BAD_REQUEST);
  g_assert_null (response);

  sent = dup_sent_formats (server);
  g_assert_cmpstr (sent, ==, "json_schema");
}

int
main (int   argc,
      char *argv[])
{
  pp_test_log_capture_install ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/llm-openai/registry", test_registry);
  g_test_add_func ("/llm-openai/environment", test_environment);
  g_test_add_func ("/llm-openai/success", test_success);
  g_test_add_func ("/llm-openai/request-model", test_request_model);
  g_test_add_func ("/llm-openai/request-text-escaped", test_request_text_escaped);
  for (gsize i = 0; i < G_N_ELEMENTS (error_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/llm-openai/error/%s", error_cases[i].name);

      g_test_add_data_func (path, &error_cases[i], test_error);
    }
  g_test_add_data_func ("/llm-openai/hostile-body/deep-arrays", GINT_TO_POINTER (FALSE),
                        test_deep_body);
  g_test_add_data_func ("/llm-openai/hostile-body/deep-objects", GINT_TO_POINTER (TRUE),
                        test_deep_body);
  g_test_add_func ("/llm-openai/hostile-body/changed-values", test_changed_values);
  g_test_add_func ("/llm-openai/retry-after/date", test_retry_after_date);
  g_test_add_func ("/llm-openai/retry-after/forms", test_retry_after_forms);
  g_test_add_func ("/llm-openai/retry-after/date-and-ms", test_retry_after_date_and_ms);
  g_test_add_func ("/llm-openai/error-message-quoting", test_error_message_quoting);
  g_test_add_func ("/llm-openai/redact/echoed-key", test_echoed_key_redacted);
  g_test_add_func ("/llm-openai/redact/forms", test_redact);
  g_test_add_func ("/llm-openai/unreachable", test_unreachable);
  g_test_add_func ("/llm-openai/bad-base-url", test_bad_base_url);
  g_test_add_func ("/llm-openai/timeout/silent-server", test_timeout);
  g_test_add_data_func ("/llm-openai/timeout/trickling-body",
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
                        test_timeout_trickling);
  g_test_add_data_func ("/llm-openai/timeout/trickling-headers", "HTTP/1.1 200 OK\r\n",
                        test_timeout_trickling);
  g_test_add_func ("/llm-openai/timeout/silent-after-headers", test_timeout_silent_after_headers);
  g_test_add_func ("/llm-openai/timeout/cancel-wins", test_timeout_cancel_wins);
  for (gsize i = 0; i < G_N_ELEMENTS (broken_answers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/llm-openai/broken-answer/%s", broken_answers[i].name);

      g_test_add_data_func (path, &broken_answers[i], test_broken_answer);
    }
  g_test_add_func ("/llm-openai/max-response-size/endless-chunked", test_max_response_size_endless);
  g_test_add_func ("/llm-openai/max-response-size/content-length", test_max_response_size_content_length);
  g_test_add_func ("/llm-openai/max-response-size/error-body", test_max_response_size_error_body);
  g_test_add_func ("/llm-openai/rate-limits/headers", test_rate_limit_headers);
  g_test_add_func ("/llm-openai/rate-limits/not-cached", test_rate_limits_not_cached);
  g_test_add_func ("/llm-openai/error-is-fatal/codes", test_error_is_fatal);
  g_test_add_func ("/llm-openai/error-is-fatal/from-server", test_error_is_fatal_from_server);
  g_test_add_func ("/llm-openai/cancel", test_cancel);
  g_test_add_func ("/llm-openai/secret", test_secret);
  g_test_add_func ("/llm-openai/base-url-forms", test_base_url_forms);
  g_test_add_func ("/llm-openai/keep-alive", test_keep_alive);
  g_test_add_func ("/llm-openai/concurrent", test_concurrent);
  g_test_add_func ("/llm-openai/max-connections", test_max_connections);
  g_test_add_func ("/llm-openai/main-context-untouched", test_main_context_untouched);
  g_test_add_func ("/llm-openai/async", test_async);
  g_test_add_func ("/llm-openai/structured-output/accepted-every-time", test_structured_output_accepted);
  g_test_add_func ("/llm-openai/structured-output/refused-once-remembered-for-all-threads",
                   test_structured_output_fallback_once);
  g_test_add_func ("/llm-openai/structured-output/first-wave-refused-at-most-once-each",
                   test_structured_output_first_wave);
  g_test_add_func ("/llm-openai/structured-output/falls-back-to-none", test_structured_output_fallback_to_none);
  g_test_add_func ("/llm-openai/structured-output/other-param-not-fallen-back",
                   test_structured_output_other_param);
  g_test_add_func ("/llm-openai/structured-output/code-names-response-format", test_structured_output_code);
  g_test_add_func ("/llm-openai/structured-output/required-not-fallen-back", test_structured_output_required);

  return g_test_run ();
}
