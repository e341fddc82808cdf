/* pp-llm-openai.c: a client of OpenAI-compatible chat-completion servers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pp-llm-openai.h"
#include "pp-llm-openai-body.h"
#include "pp-llm-openai-formats.h"
#include "pp-llm-openai-headers.h"
#include "pp-llm-openai-redact.h"
#include "pp-llm-openai-transfer.h"

/**
 * PpLlmOpenai:
 *
 * The "openai" implementation of #PpLlmClient: it POSTs to the
 * `/chat/completions` endpoint of any OpenAI-compatible server (OpenAI,
 * vLLM, llama.cpp's server, Ollama's `/v1`, LM Studio, a LiteLLM proxy).
 *
 * Everything is configured at construction: one #SoupSession serves every
 * thread, through its synchronous API. Requests are flagged
 * %SOUP_MESSAGE_IDEMPOTENT, as a chat completion is safe to send again;
 * without the flag libsoup opens a new connection for every POST.
 * Connections are opened as requests need them and kept alive, up to
 * #PpLlmOpenai:max-connections, which is large enough never to be the
 * limit: how many requests are in flight is the caller's to decide (the
 * processor's #PpProcessor:max-workers and its concurrency limit).
 *
 * A hostile or broken server cannot hold a request or the memory for
 * ever: #PpLlmOpenai:timeout bounds each request from connecting to the
 * last byte of the answer, however slowly the server trickles it, and
 * #PpLlmOpenai:max-response-size bounds the body that is read.
 *
 * Failures are classified from the HTTP status and the `error.code` and
 * `error.type` of the server's error body, never from its message: 429 is
 * %PP_LLM_ERROR_RATE_LIMITED (or %PP_LLM_ERROR_QUOTA_EXHAUSTED with the code
 * `insufficient_quota`), 401 and 403 %PP_LLM_ERROR_AUTH, 408 and a request
 * past its timeout %PP_LLM_ERROR_TIMEOUT, a 4xx with the code
 * `context_length_exceeded` %PP_LLM_ERROR_CONTEXT_LENGTH, other 4xx
 * %PP_LLM_ERROR_BAD_REQUEST, 5xx %PP_LLM_ERROR_TRANSIENT. A connection
 * that is refused is %PP_LLM_ERROR_UNREACHABLE; one that breaks, closes or
 * is reset before the answer is whole, an answer HTTP cannot parse, and a
 * 200 whose body is cut short or is not a chat completion are
 * %PP_LLM_ERROR_TRANSIENT: a flaky server or proxy may well answer the
 * same request the next time. An error body in a 200 is classified by its
 * code like one with an error status. %PP_LLM_ERROR_INVALID_RESPONSE is
 * left for answers a retry would not change: a body larger than
 * #PpLlmOpenai:max-response-size, a refusal of the model, a redirection
 * libsoup did not follow.
 *
 * The delay asked for by `Retry-After` (whole or fractional seconds, or an
 * HTTP date) and `retry-after-ms`, the longest when several are sent, is
 * set on %PP_LLM_ERROR_RATE_LIMITED, %PP_LLM_ERROR_TRANSIENT and 408
 * errors with pp_llm_error_set_retry_after(). The rate limits OpenAI
 * reports with an answer (`x-ratelimit-remaining-requests`,
 * `x-ratelimit-remaining-tokens`, `x-ratelimit-reset-requests`,
 * `x-ratelimit-reset-tokens`) are set on the response with
 * pp_llm_response_set_rate_limits(). Messages name the endpoint and the
 * status, and quote at most 200 bytes of the server's message.
 *
 * A request whose response format is optional
 * ([method@Pp.LlmRequest.set_response_format_optional]) falls back when the
 * server refuses it: a `json_schema` format to `json_object`, then to none.
 * The server refuses a format with a 400 whose error names
 * `response_format`: in its `param` or `code` when it has either (as
 * OpenAI does), else in its message, the one case where a server's message
 * is read, as many servers (llama.cpp, vLLM, Ollama) give nothing else. The
 * client remembers what its server refused for the rest of its life, for
 * all threads: only the requests already under way when the first refusal
 * comes are refused too, each once.
 *
 * The API key is sent in the `Authorization` header and nowhere else: it
 * is not readable as a property, not part of pp_llm_client_dup_id(), and
 * is blotted out of any server message quoted in an error or a log, in
 * every form a server may echo it: as it is, percent-encoded, JSON-escaped,
 * or in base64 (of the key or of "Bearer <key>"). [method@Pp.LlmClient.redact]
 * does the same for the texts of other parts, such as a converter quoting
 * an answer.
 */

#define DEFAULT_BASE_URL "https://api.openai.com/v1"
#define DEFAULT_MODEL "gpt-4o-mini"
#define DEFAULT_MAX_CONNECTIONS 4096
#define DEFAULT_TIMEOUT 60
#define DEFAULT_MAX_RESPONSE_SIZE (G_GUINT64_CONSTANT (16) * 1024 * 1024)
#define DEFAULT_USER_AGENT "libpp/" PACKAGE_VERSION

/* How much of a server's error message an error quotes, in bytes */
#define MAX_QUOTED 200

/* How much of an error body is read: only its start is ever quoted */
#define MAX_ERROR_BODY (64 * 1024)

struct _PpLlmOpenai
{
  GObject parent_instance;

  /* construct-only settings */
  char *base_url;
  char *api_key;
  char *model;
  guint max_connections;
  guint timeout;
  guint64 max_response_size;
  char *user_agent;

  /* set by g_initable_init(), then read-only */
  GUri *endpoint;
  char *endpoint_display;     /* the endpoint without user information */
  char *base_url_display;     /* the base URL without user information */
  char *authorization;        /* "Bearer <key>", or NULL without a key */
  SoupSession *session;
  GMainContext *session_context;     /* the session's own, never iterated */
  PpLlmOpenaiDeadlines *deadlines;   /* NULL without a timeout */

  /* thread-safe: which response formats the server takes, as learnt from
   * requests whose format is optional */
  PpLlmOpenaiFormats *formats;

  /* thread-safe: the parts of request bodies that requests share */
  PpLlmOpenaiBodies *bodies;
};

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_MODEL,
  PROP_MAX_CONNECTIONS,
  PROP_TIMEOUT,
  PROP_MAX_RESPONSE_SIZE,
  PROP_USER_AGENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pp_llm_openai_client_iface_init   (PpLlmClientInterface *iface);
static void pp_llm_openai_initable_iface_init (GInitableIface       *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpLlmOpenai, pp_llm_openai, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_LLM_CLIENT,
                                                               pp_llm_openai_client_iface_init)
                                G_IMPLEMENT_INTERFACE_DYNAMIC (G_TYPE_INITABLE,
                                                               pp_llm_openai_initable_iface_init))

/* A non-empty environment variable, or NULL */
static const char *
getenv_nonempty (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static char *
strip_trailing_slashes (const char *url)
{
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    len--;

  return g_strndup (url, len);
}

/* JSON access that tolerates any shape of document */

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static JsonObject *
get_object_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static guint
get_uint_member (JsonObject *object,
                 const char *name)
{
  JsonNode *node = get_member (object, name);
  gint64 value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      value = json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      value = (gint64) CLAMP (json_node_get_double (node), 0.0, (double) G_MAXUINT);
      break;
    default:
      return 0;
    }

  return (guint) CLAMP (value, 0, (gint64) G_MAXUINT);
}

/* The object @bytes holds, or NULL with @error saying why ("the body is
 * …"); *@tree owns it */
static JsonObject *
parse_object (GBytes      *bytes,
              JsonNode   **tree,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  if (data == NULL || length == 0 || length > G_MAXSSIZE)
    {
      g_set_error_literal (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX,
                           length == 0 ? "the body is empty" : "the body is too long");
      return NULL;
    }

  *tree = pp_json_parse (data, (gssize) length, &local_error);
  if (*tree == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "the body cannot be read as JSON: %s", local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (*tree))
    {
      g_set_error_literal (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX,
                           "the body is not a JSON object");
      return NULL;
    }

  return json_node_get_object (*tree);
}

/* Errors */

/* A server's message made fit to quote: the key blotted out, white space
 * folded, at most MAX_QUOTED bytes cut at a character boundary */
static char *
quote_server_text (PpLlmOpenai *self,
                   const char  *text,
                   gssize       length)
{
  g_autofree char *made_valid = g_utf8_make_valid (text, length);
  /* Before cutting, so that no part of the key can be left */
  g_autofree char *valid = pp_llm_openai_redact_key (made_valid, self->api_key);
  g_autoptr(GString) quoted = g_string_new (NULL);
  gboolean space = FALSE;
  gboolean truncated = FALSE;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char utf8[6];
      int n;

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          space = quoted->len > 0;
          continue;
        }

      n = g_unichar_to_utf8 (c, utf8);
      if (quoted->len + (space ? 1 : 0) + n > MAX_QUOTED)
        {
          truncated = TRUE;
          break;
        }

      if (space)
        g_string_append_c (quoted, ' ');
      space = FALSE;
      g_string_append_len (quoted, utf8, n);
    }

  if (truncated)
    g_string_append (quoted, "…");

  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

typedef struct
{
  char *message;     /* error.message, or another message field */
  char *code;        /* error.code, when it is a string */
  char *type;        /* error.type */
  char *param;       /* error.param: the request member at fault */
} ServerError;

static void
server_error_clear (ServerError *server_error)
{
  g_clear_pointer (&server_error->message, g_free);
  g_clear_pointer (&server_error->code, g_free);
  g_clear_pointer (&server_error->type, g_free);
  g_clear_pointer (&server_error->param, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ServerError, server_error_clear)

/* Reads an error body: OpenAI's {"error":{"message","type","code"}},
 * {"error":"…"} (Ollama), {"message","type","code"} (vLLM) or
 * {"detail":"…"} (FastAPI); anything else is quoted as text */
static void
read_server_error (PpLlmOpenai *self,
                   GBytes      *body,
                   ServerError *server_error)
{
  g_autoptr(JsonNode) tree = NULL;
  JsonObject *root;
  JsonObject *error;
  const char *message = NULL;
  const char *code;
  const char *type;

  if (body == NULL || g_bytes_get_size (body) == 0)
    return;

  root = parse_object (body, &tree, NULL);
  if (root == NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (body, &length);

      server_error->message = quote_server_text (self, data, MIN (length, 4096));
      return;
    }

  error = get_object_member (root, "error");
  if (error == NULL)
    error = root;

  message = get_string_member (error, "message");
  if (message == NULL)
    message = get_string_member (root, "error");
  if (message == NULL)
    message = get_string_member (root, "detail");
  code = get_string_member (error, "code");
  type = get_string_member (error, "type");

  if (message != NULL)
    server_error->message = quote_server_text (self, message, -1);
  server_error->code = g_strdup (code);
  server_error->type = g_strdup (type);
  server_error->param = g_strdup (get_string_member (error, "param"));
}

static gboolean
server_error_is (const ServerError *server_error,
                 const char        *what)
{
  return g_strcmp0 (server_error->code, what) == 0 || g_strcmp0 (server_error->type, what) == 0;
}

static PpLlmError
classify_status (guint              status,
                 const ServerError *server_error)
{
  if (server_error_is (server_error, "insufficient_quota") && (status == 429 || status == 403 || status == 402))
    return PP_LLM_ERROR_QUOTA_EXHAUSTED;

  if (status == 429 /* Too Many Requests */)
    return PP_LLM_ERROR_RATE_LIMITED;

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    return PP_LLM_ERROR_AUTH;

  if (status == SOUP_STATUS_REQUEST_TIMEOUT)
    return PP_LLM_ERROR_TIMEOUT;

  if (status >= 400 && status < 500)
    {
      if (server_error_is (server_error, "context_length_exceeded"))
        return PP_LLM_ERROR_CONTEXT_LENGTH;

      return PP_LLM_ERROR_BAD_REQUEST;
    }

  if (status >= 500 && status < 600)
    return PP_LLM_ERROR_TRANSIENT;

  /* 1xx, or a redirection libsoup did not follow */
  return PP_LLM_ERROR_INVALID_RESPONSE;
}

static gboolean
names_response_format (const char *text)
{
  return text != NULL && strstr (text, "response_format") != NULL;
}

/* Whether the server refused the response_format of the request: a 400
 * whose error names it. OpenAI names the member at fault in `param`, and
 * some servers give a `code` of their own; when the error has either, it
 * alone decides. Many servers (llama.cpp, vLLM, Ollama, LM Studio) give
 * neither, only a message: then, and only then, the message is read, for
 * the name `response_format`. */
static gboolean
server_error_refuses_response_format (guint              status,
                                      const ServerError *server_error)
{
  if (status != SOUP_STATUS_BAD_REQUEST)
    return FALSE;

  if (server_error->param != NULL || server_error->code != NULL)
    return names_response_format (server_error->param) || names_response_format (server_error->code);

  return names_response_format (server_error->message);
}

/* An error body that came with a 200, as some proxies send: its code
 * decides what the error is, else it is the failure of an upstream */
static PpLlmError
classify_error_in_answer (const ServerError *server_error)
{
  if (server_error_is (server_error, "insufficient_quota"))
    return PP_LLM_ERROR_QUOTA_EXHAUSTED;

  if (server_error_is (server_error, "context_length_exceeded"))
    return PP_LLM_ERROR_CONTEXT_LENGTH;

  return PP_LLM_ERROR_TRANSIENT;
}

/* The standard phrase of a status, rather than whatever the server said */
static const char *
status_phrase (guint status)
{
  const char *phrase;

  if (status == 429)
    return "Too Many Requests";

  phrase = soup_status_get_phrase (status);
  return g_strcmp0 (phrase, "Unknown Error") != 0 ? phrase : NULL;
}

/* Sets @error from an answer with an error status; *@refuses_format tells
 * whether the server refused the request's response_format */
static void
set_http_error (PpLlmOpenai  *self,
                SoupMessage  *msg,
                GBytes       *body,
                gboolean     *refuses_format,
                GError      **error)
{
  g_auto(ServerError) server_error = { NULL, };
  g_autoptr(GString) message = g_string_new (NULL);
  guint status = soup_message_get_status (msg);
  const char *reason = status_phrase (status);
  PpLlmError code;
  GError *new_error;

  read_server_error (self, body, &server_error);
  code = classify_status (status, &server_error);
  *refuses_format = server_error_refuses_response_format (status, &server_error);

  g_string_append_printf (message, "POST %s: HTTP %u", self->endpoint_display, status);
  if (reason != NULL)
    g_string_append_printf (message, " %s", reason);
  if (server_error.code != NULL)
    {
      g_autofree char *quoted_code = quote_server_text (self, server_error.code, -1);

      g_string_append_printf (message, " (%s)", quoted_code);
    }
  if (server_error.message != NULL && *server_error.message != '\0')
    g_string_append_printf (message, ": “%s”", server_error.message);

  new_error = g_error_new_literal (PP_LLM_ERROR, code, message->str);
  /* A 503 or a 408 may say when to come back, as a 429 does */
  if (code == PP_LLM_ERROR_RATE_LIMITED || code == PP_LLM_ERROR_TRANSIENT || code == PP_LLM_ERROR_TIMEOUT)
    pp_llm_error_set_retry_after (new_error,
                                  pp_llm_openai_headers_get_retry_after (soup_message_get_response_headers (msg)));

  g_propagate_error (error, new_error);
}

static void
set_timeout_error (PpLlmOpenai  *self,
                   GError      **error)
{
  g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TIMEOUT,
               "POST %s: no complete answer within %u s", self->endpoint_display, self->timeout);
}

static void
set_transport_error (PpLlmOpenai  *self,
                     GError       *cause,
                     GError      **error)
{
  g_autofree char *cause_message = NULL;

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_error_copy (cause));
      return;
    }

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      set_timeout_error (self, error);
      return;
    }

  /* What the connection said may come from the server */
  cause_message = pp_llm_openai_redact_key (cause->message, self->api_key);

  if (cause->domain == G_RESOLVER_ERROR ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED) ||
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_PROXY_NOT_ALLOWED) ||
      cause->domain == G_TLS_ERROR)
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_UNREACHABLE,
                   "Cannot reach %s: %s", self->endpoint_display, cause_message);
      return;
    }

  /* A garbled answer is as likely to come from a flaky server or proxy
   * as a broken connection is; redirections say where the endpoint is not */
  if (g_error_matches (cause, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING) ||
      g_error_matches (cause, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT,
                   "POST %s: not a valid HTTP answer: %s", self->endpoint_display, cause_message);
      return;
    }

  if (g_error_matches (cause, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_TOO_MANY_REDIRECTS) ||
      g_error_matches (cause, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_NO_LOCATION) ||
      g_error_matches (cause, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_REDIRECT_BAD_URI))
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_INVALID_RESPONSE,
                   "POST %s: redirected elsewhere: %s", self->endpoint_display, cause_message);
      return;
    }

  /* A connection that broke, closed or was reset on the way */
  g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT,
               "POST %s failed: %s", self->endpoint_display, cause_message);
}

/* Reading the answer */

static PpLlmResponse *
parse_completion (PpLlmOpenai  *self,
                  GBytes       *body,
                  guint         status,
                  const char   *requested_model,
                  GError      **error)
{
  g_autoptr(JsonNode) tree = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *root;
  JsonObject *choice = NULL;
  JsonObject *message;
  JsonObject *usage;
  JsonNode *choices;
  const char *content;
  const char *model;

  /* A body cut short or mangled on the way may come whole next time */
  root = parse_object (body, &tree, &local_error);
  if (root == NULL)
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT,
                   "POST %s: HTTP %u, but %s",
                   self->endpoint_display, status, local_error->message);
      return NULL;
    }

  choices = get_member (root, "choices");
  if (choices != NULL && JSON_NODE_HOLDS_ARRAY (choices) &&
      json_array_get_length (json_node_get_array (choices)) > 0)
    {
      JsonNode *first = json_array_get_element (json_node_get_array (choices), 0);

      if (JSON_NODE_HOLDS_OBJECT (first))
        choice = json_node_get_object (first);
    }

  message = get_object_member (choice, "message");
  content = get_string_member (message, "content");
  if (content == NULL)
    {
      g_auto(ServerError) server_error = { NULL, };
      const char *refusal = get_string_member (message, "refusal");

      if (refusal != NULL)
        {
          g_autofree char *quoted = quote_server_text (self, refusal, -1);

          g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_INVALID_RESPONSE,
                       "POST %s: HTTP %u, but the model refused: “%s”",
                       self->endpoint_display, status, quoted);
          return NULL;
        }

      read_server_error (self, body, &server_error);
      if (get_member (root, "error") != NULL && server_error.message != NULL)
        g_set_error (error, PP_LLM_ERROR, classify_error_in_answer (&server_error),
                     "POST %s: HTTP %u, but the body is an error: “%s”",
                     self->endpoint_display, status, server_error.message);
      else
        g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT,
                     "POST %s: HTTP %u, but the body has no choices[0].message.content",
                     self->endpoint_display, status);
      return NULL;
    }

  model = get_string_member (root, "model");
  usage = get_object_member (root, "usage");

  return pp_llm_response_new (content,
                              model != NULL ? model : requested_model,
                              get_uint_member (usage, "prompt_tokens"),
                              get_uint_member (usage, "completion_tokens"));
}

static void
log_request (PpLlmOpenai  *self,
             const char   *model,
             guint         status,
             const GError *error,
             gint64        duration_us)
{
  g_autofree char *status_text = NULL;
  g_autofree char *duration_text = NULL;
  g_autofree char *error_message = NULL;
  double duration_ms = duration_us / 1000.0;

  if (g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    return;

  status_text = g_strdup_printf ("%u", status);
  duration_text = g_strdup_printf ("%.1f", duration_ms);

  if (error != NULL)
    {
      error_message = pp_llm_openai_redact_key (error->message, self->api_key);
      g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                        "CODE_FILE", __FILE__,
                        "CODE_FUNC", G_STRFUNC,
                        "PP_LLM_URL", self->endpoint_display,
                        "PP_LLM_MODEL", model,
                        "PP_LLM_DURATION_MS", duration_text,
                        "MESSAGE", "POST %s (%s) failed after %.1f ms: %s",
                        self->endpoint_display, model, duration_ms, error_message);
    }
  else
    g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG,
                      "CODE_FILE", __FILE__,
                      "CODE_FUNC", G_STRFUNC,
                      "PP_LLM_URL", self->endpoint_display,
                      "PP_LLM_MODEL", model,
                      "PP_LLM_HTTP_STATUS", status_text,
                      "PP_LLM_DURATION_MS", duration_text,
                      "MESSAGE", "POST %s (%s): HTTP %u in %.1f ms",
                      self->endpoint_display, model, status, duration_ms);
}

static void
cancel_request (GCancellable *caller_cancellable,
                GCancellable *request_cancellable)
{
  g_cancellable_cancel (request_cancellable);
}

/* Gives up the rest of a body, and its connection with it. Closing a body
 * lets libsoup skip what is left of it to keep the connection; a body may
 * have no end, so the close is cancelled from the start, and the
 * connection dropped, whatever libsoup's version does */
static void
drop_body (GInputStream *stream)
{
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_cancellable_cancel (cancelled);
  g_input_stream_close (stream, cancelled, NULL);
}

/* Sends @msg and reads its answer's body, under the cap for its status;
 * %NULL with @error set on failure, in the PP_LLM_ERROR domain when the
 * body is too large */
static GBytes *
send_and_read (PpLlmOpenai   *self,
               SoupMessage   *msg,
               GCancellable  *request_cancellable,
               GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupMessageHeaders *headers;
  gboolean successful;
  gboolean more = FALSE;
  guint64 max_size;
  guint64 expected_size = 0;

  stream = soup_session_send (self->session, msg, request_cancellable, error);
  if (stream == NULL)
    return NULL;

  headers = soup_message_get_response_headers (msg);
  successful = SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg));
  max_size = successful ? self->max_response_size : MIN (self->max_response_size, MAX_ERROR_BODY);
  max_size = MIN (max_size, (guint64) G_MAXUINT - 1);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    expected_size = (guint64) soup_message_headers_get_content_length (headers);

  if (successful && expected_size > max_size)
    more = TRUE;
  else
    body = pp_llm_openai_read_body (stream, (gsize) max_size, (gsize) MIN (expected_size, max_size),
                                    &more, request_cancellable, &local_error);

  if (more || body == NULL)
    drop_body (stream);
  else
    g_input_stream_close (stream, request_cancellable, NULL);

  if (successful && more)
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_INVALID_RESPONSE,
                   "POST %s: HTTP %u, but the answer is larger than %" G_GUINT64_FORMAT " bytes",
                   self->endpoint_display, soup_message_get_status (msg), max_size);
      return NULL;
    }

  if (successful && body == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* An error status says what happened even if its body broke off */
  if (body == NULL)
    body = g_bytes_new (NULL, 0);

  return g_steal_pointer (&body);
}

/* POSTs @request once, with @response_format (nullable, JSON text) as its
 * response_format; *@refuses_format tells whether a failure is the server
 * refusing that format */
static PpLlmResponse *
post_completion (PpLlmOpenai   *self,
                 PpLlmRequest  *request,
                 const char    *response_format,
                 gboolean      *refuses_format,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request_body = NULL;
  g_autoptr(GBytes) response_body = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GCancellable) request_cancellable = NULL;
  PpLlmResponse *response;
  SoupMessageHeaders *headers;
  PpLlmOpenaiDeadline *deadline = NULL;
  gulong cancelled_id = 0;
  const char *model;
  gint64 start;
  guint status;

  *refuses_format = FALSE;

  model = pp_llm_request_get_model (request);
  if (model == NULL || *model == '\0')
    model = self->model;

  request_body = pp_llm_openai_bodies_build (self->bodies, request, model, response_format);

  msg = soup_message_new_from_uri (SOUP_METHOD_POST, self->endpoint);
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->authorization != NULL)
    soup_message_headers_replace (headers, "Authorization", self->authorization);
  soup_message_set_request_body_from_bytes (msg, "application/json", request_body);

  /* The request's own cancellable: cancelled by the caller's, or by the
   * deadline */
  request_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_request),
                                          request_cancellable, NULL);
  if (self->deadlines != NULL)
    deadline = pp_llm_openai_deadlines_add (self->deadlines, self->timeout, request_cancellable);

  start = g_get_monotonic_time ();
  response_body = send_and_read (self, msg, request_cancellable, &local_error);

  if (deadline != NULL)
    pp_llm_openai_deadlines_remove (self->deadlines, deadline);
  if (cancelled_id != 0)
    g_cancellable_disconnect (cancellable, cancelled_id);

  if (response_body == NULL)
    {
      log_request (self, model, 0, local_error, g_get_monotonic_time () - start);

      if (local_error->domain == PP_LLM_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ;
      else if (g_cancellable_is_cancelled (request_cancellable))
        set_timeout_error (self, error);
      else
        set_transport_error (self, local_error, error);
      return NULL;
    }

  status = soup_message_get_status (msg);
  log_request (self, model, status, NULL, g_get_monotonic_time () - start);

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      set_http_error (self, msg, response_body, refuses_format, error);
      return NULL;
    }

  response = parse_completion (self, response_body, status, model, error);
  if (response != NULL)
    pp_llm_openai_headers_read_rate_limits (soup_message_get_response_headers (msg), response);

  return response;
}

#define JSON_OBJECT_FORMAT "{\"type\":\"json_object\"}"

/* The response_format @request asks for, as JSON text: the one it sets, or
 * the JSON mode's; NULL for none */
static const char *
get_requested_format (PpLlmRequest *request)
{
  const char *response_format = pp_llm_request_get_response_format (request);

  if (response_format != NULL)
    return response_format;

  if (pp_llm_request_get_json_mode (request))
    return JSON_OBJECT_FORMAT;

  return NULL;
}

/* What is sent for @format, falling back from @requested */
static const char *
get_fallback_format (const char        *requested,
                     PpLlmOpenaiFormat  format)
{
  switch (format)
    {
    case PP_LLM_OPENAI_FORMAT_JSON_SCHEMA:
      return requested;
    case PP_LLM_OPENAI_FORMAT_JSON_OBJECT:
      return JSON_OBJECT_FORMAT;
    case PP_LLM_OPENAI_FORMAT_NONE:
    case PP_LLM_OPENAI_N_FORMATS:
    default:
      return NULL;
    }
}

static PpLlmResponse *
pp_llm_openai_complete (PpLlmClient   *client,
                        PpLlmRequest  *request,
                        GCancellable  *cancellable,
                        GError       **error)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (client);
  const char *requested;
  PpLlmOpenaiFormat format;
  gboolean refuses_format;

  g_return_val_if_fail (self->session != NULL, NULL);

  requested = get_requested_format (request);

  if (!pp_llm_request_get_response_format_optional (request) ||
      !pp_llm_openai_bodies_first_format (self->bodies, requested, &format))
    return post_completion (self, request, requested, &refuses_format, cancellable, error);

  /* An optional format: the best the server takes, from the one asked for
   * down to none, each refusal remembered for all threads */
  for (format = pp_llm_openai_formats_choose (self->formats, format); ;
       format = pp_llm_openai_formats_choose (self->formats, format + 1))
    {
      const char *response_format = get_fallback_format (requested, format);
      g_autoptr(GError) local_error = NULL;
      PpLlmResponse *response;

      response = post_completion (self, request, response_format, &refuses_format,
                                  cancellable, &local_error);
      if (response != NULL)
        return response;

      if (!refuses_format || format == PP_LLM_OPENAI_FORMAT_NONE)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (pp_llm_openai_formats_refuse (self->formats, format))
        g_info ("%s; asking for response_format %s from now on",
                local_error->message,
                pp_llm_openai_format_to_string (pp_llm_openai_formats_choose (self->formats, format + 1)));
    }
}

static char *
pp_llm_openai_dup_id (PpLlmClient *client)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (client);

  return g_strdup_printf ("openai %s %s",
                          self->base_url_display != NULL ? self->base_url_display : self->base_url,
                          self->model);
}

static char *
pp_llm_openai_redact (PpLlmClient *client,
                      const char  *text)
{
  return pp_llm_openai_redact_key (text, PP_LLM_OPENAI (client)->api_key);
}

static void
pp_llm_openai_client_iface_init (PpLlmClientInterface *iface)
{
  iface->complete = pp_llm_openai_complete;
  iface->dup_id = pp_llm_openai_dup_id;
  iface->redact = pp_llm_openai_redact;
}

/* Initialisation */

static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
pp_llm_openai_initable_init (GInitable     *initable,
                             GCancellable  *cancellable,
                             GError       **error)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (initable);
  g_autoptr(GUri) base = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *display = NULL;
  const char *scheme;
  const char *host;

  if (self->session != NULL)
    return TRUE;

  base = g_uri_parse (self->base_url, SOUP_HTTP_URI_FLAGS, &local_error);
  if (base == NULL)
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED,
                   "The OpenAI base URL ‘%s’ is not valid: %s", self->base_url, local_error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (base);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED,
                   "The OpenAI base URL ‘%s’ is not an http or https URL", self->base_url);
      return FALSE;
    }

  host = g_uri_get_host (base);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED,
                   "The OpenAI base URL ‘%s’ has no host", self->base_url);
      return FALSE;
    }

  if (self->api_key == NULL && g_ascii_strcasecmp (host, "api.openai.com") == 0)
    {
      g_set_error (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED,
                   "No API key for %s: set OPENAI_API_KEY, or the client’s “api-key”",
                   self->base_url);
      return FALSE;
    }

  /* The query, if any (such as Azure's api-version), is kept */
  path = g_strconcat (g_uri_get_path (base), "/chat/completions", NULL);
  self->endpoint = g_uri_build (g_uri_get_flags (base), scheme, g_uri_get_userinfo (base), host,
                                g_uri_get_port (base), path, g_uri_get_query (base), NULL);
  self->endpoint_display = g_uri_to_string_partial (self->endpoint, G_URI_HIDE_USERINFO);
  display = g_uri_to_string_partial (base, G_URI_HIDE_USERINFO);
  self->base_url_display = strip_trailing_slashes (display);

  if (self->api_key != NULL)
    self->authorization = g_strconcat ("Bearer ", self->api_key, NULL);

  /* Requests are sent from the threads that ask, never from a main loop:
   * the session is made in a context of its own, which nothing iterates.
   * libsoup attaches a source for each connection to the context its
   * session was made in, and the application's main loop (often its UI
   * thread) would look at every one of them on each of its iterations.
   *
   * No idle timeout: libsoup would arm that source each time a connection
   * falls idle. An idle connection stays open until the server closes it,
   * and a closed one is noticed before it is used again. */
  self->session_context = g_main_context_new ();
  g_main_context_push_thread_default (self->session_context);
  self->session = soup_session_new_with_options ("max-conns", self->max_connections,
                                                 "max-conns-per-host", self->max_connections,
                                                 "timeout", self->timeout,
                                                 "idle-timeout", 0,
                                                 "user-agent", self->user_agent,
                                                 NULL);
  g_main_context_pop_thread_default (self->session_context);

  /* A server on this machine (llama.cpp, Ollama, LM Studio…) is never
   * reached through a proxy, as GNOME's default ignore-hosts say; asking
   * the system's proxy resolver anyway costs every request a lookup */
  if (is_loopback_host (host))
    soup_session_set_proxy_resolver (self->session, NULL);

  if (self->timeout > 0)
    self->deadlines = pp_llm_openai_deadlines_new ();
  self->formats = pp_llm_openai_formats_new ();
  self->bodies = pp_llm_openai_bodies_new ();

  g_debug ("OpenAI client for %s, model %s, up to %u connections, %u s timeout, "
           "answers up to %" G_GUINT64_FORMAT " bytes",
           self->endpoint_display, self->model, self->max_connections, self->timeout,
           self->max_response_size);

  return TRUE;
}

static void
pp_llm_openai_initable_iface_init (GInitableIface *iface)
{
  iface->init = pp_llm_openai_initable_init;
}

/* GObject */

static void
pp_llm_openai_constructed (GObject *object)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (object);

  G_OBJECT_CLASS (pp_llm_openai_parent_class)->constructed (object);

  if (self->base_url == NULL)
    {
      const char *base_url = getenv_nonempty ("OPENAI_BASE_URL");

      self->base_url = strip_trailing_slashes (base_url != NULL ? base_url : DEFAULT_BASE_URL);
    }

  if (self->api_key == NULL)
    self->api_key = g_strdup (getenv_nonempty ("OPENAI_API_KEY"));

  if (self->model == NULL)
    {
      const char *model = getenv_nonempty ("OPENAI_MODEL");

      self->model = g_strdup (model != NULL ? model : DEFAULT_MODEL);
    }

  if (self->user_agent == NULL)
    self->user_agent = g_strdup (DEFAULT_USER_AGENT);
}

static void
pp_llm_openai_finalize (GObject *object)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->session_context, g_main_context_unref);
  g_clear_pointer (&self->deadlines, pp_llm_openai_deadlines_free);
  g_clear_pointer (&self->formats, pp_llm_openai_formats_free);
  g_clear_pointer (&self->bodies, pp_llm_openai_bodies_free);
  g_clear_pointer (&self->endpoint, g_uri_unref);
  g_free (self->endpoint_display);
  g_free (self->base_url_display);
  if (self->authorization != NULL)
    memset (self->authorization, 0, strlen (self->authorization));
  g_free (self->authorization);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->base_url);
  g_free (self->model);
  g_free (self->user_agent);

  G_OBJECT_CLASS (pp_llm_openai_parent_class)->finalize (object);
}

/* A non-empty string, or NULL for the default */
static char *
dup_setting (const GValue *value)
{
  const char *string = g_value_get_string (value);

  return string != NULL && *string != '\0' ? g_strdup (string) : NULL;
}

static void
pp_llm_openai_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (object);
  g_autofree char *setting = NULL;

  switch (prop_id)
    {
    case PROP_BASE_URL:
      setting = dup_setting (value);
      g_free (self->base_url);
      self->base_url = setting != NULL ? strip_trailing_slashes (setting) : NULL;
      break;

    case PROP_API_KEY:
      g_free (self->api_key);
      self->api_key = dup_setting (value);
      break;

    case PROP_MODEL:
      g_free (self->model);
      self->model = dup_setting (value);
      break;

    case PROP_MAX_CONNECTIONS:
      self->max_connections = g_value_get_uint (value);
      break;

    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      break;

    case PROP_MAX_RESPONSE_SIZE:
      self->max_response_size = g_value_get_uint64 (value);
      break;

    case PROP_USER_AGENT:
      g_free (self->user_agent);
      self->user_agent = dup_setting (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_llm_openai_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PpLlmOpenai *self = PP_LLM_OPENAI (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_MODEL:
      g_value_set_string (value, self->model);
      break;

    case PROP_MAX_CONNECTIONS:
      g_value_set_uint (value, self->max_connections);
      break;

    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;

    case PROP_MAX_RESPONSE_SIZE:
      g_value_set_uint64 (value, self->max_response_size);
      break;

    case PROP_USER_AGENT:
      g_value_set_string (value, self->user_agent);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_llm_openai_class_init (PpLlmOpenaiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = pp_llm_openai_constructed;
  object_class->finalize = pp_llm_openai_finalize;
  object_class->set_property = pp_llm_openai_set_property;
  object_class->get_property = pp_llm_openai_get_property;

  /**
   * PpLlmOpenai:base-url:
   *
   * The base URL of the API, such as "http://127.0.0.1:8080/v1"; requests
   * go to its `/chat/completions`. A trailing slash is dropped. Defaults to
   * `$OPENAI_BASE_URL`, else "https://api.openai.com/v1".
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpLlmOpenai:api-key:
   *
   * The API key, sent as a bearer token. Write-only. Defaults to
   * `$OPENAI_API_KEY`; local servers usually need none.
   */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpLlmOpenai:model:
   *
   * The model of requests that name none. Defaults to `$OPENAI_MODEL`,
   * else "gpt-4o-mini".
   */
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpLlmOpenai:max-connections:
   *
   * How many connections to the server may be open at once. They are
   * opened as requests need them, so the default, 4096, never caps the
   * requests in flight: the caller decides how many there are (the
   * processor's #PpProcessor:max-workers and its concurrency limit). Set
   * it lower only to cap a client used from many threads without a
   * processor.
   */
  properties[PROP_MAX_CONNECTIONS] =
    g_param_spec_uint ("max-connections", NULL, NULL,
                       1, G_MAXINT, DEFAULT_MAX_CONNECTIONS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpLlmOpenai:timeout:
   *
   * How long a request may take, in seconds, from connecting to the last
   * byte of the answer, however slowly the server sends it; past it the
   * request fails with %PP_LLM_ERROR_TIMEOUT. It also bounds each wait for
   * the server within the request. 0 waits for ever.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       0, G_MAXUINT, DEFAULT_TIMEOUT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpLlmOpenai:max-response-size:
   *
   * The largest body of an answer that is read, in bytes. A larger answer
   * fails the request with %PP_LLM_ERROR_INVALID_RESPONSE as soon as it
   * is seen to be larger (from its `Content-Length`, or once that many
   * bytes have come), and the rest is never read. Only the start of an
   * error body is read, whatever this is.
   */
  properties[PROP_MAX_RESPONSE_SIZE] =
    g_param_spec_uint64 ("max-response-size", NULL, NULL,
                         1, G_MAXUINT - 1, DEFAULT_MAX_RESPONSE_SIZE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpLlmOpenai:user-agent:
   *
   * The `User-Agent` of requests.
   */
  properties[PROP_USER_AGENT] =
    g_param_spec_string ("user-agent", NULL, NULL,
                         DEFAULT_USER_AGENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_llm_openai_class_finalize (PpLlmOpenaiClass *klass)
{
}

static void
pp_llm_openai_init (PpLlmOpenai *self)
{
  self->max_connections = DEFAULT_MAX_CONNECTIONS;
  self->timeout = DEFAULT_TIMEOUT;
  self->max_response_size = DEFAULT_MAX_RESPONSE_SIZE;
}

/**
 * pp_llm_openai_register:
 * @module: the plugin's #GTypeModule
 *
 * Registers #PpLlmOpenai with @module and at
 * %PP_LLM_CLIENT_EXTENSION_POINT as "openai". Safe to call again when the
 * module is loaded again.
 */
void
pp_llm_openai_register (GTypeModule *module)
{
  pp_llm_openai_register_type (module);
  pp_registry_register_type (PP_LLM_CLIENT_EXTENSION_POINT,
                             PP_TYPE_LLM_OPENAI,
                             "openai",
                             10,
                             "OpenAI-compatible chat-completions server "
                             "(OpenAI, vLLM, llama.cpp, Ollama /v1, LM Studio, LiteLLM)");
}
