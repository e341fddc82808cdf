/* pp-llm-request.c: one chat-completion request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "pp-llm-request.h"
#include "pp-jsonld-json-writer-private.h"

struct _PpLlmRequest
{
  char *system_prompt;
  char *user_message;
  char *model;
  double temperature;
  double top_p;
  gint64 seed;
  gboolean has_seed;
  guint max_tokens;
  gboolean json_mode;
  char *response_format;   /* canonical JSON text of an object, or NULL */
  gboolean response_format_optional;
  char *prompt_version;
};

G_DEFINE_BOXED_TYPE (PpLlmRequest, pp_llm_request, pp_llm_request_ref, pp_llm_request_unref)

/* The converters of a process build each of their requests with the same
 * system prompt and response format: what is made of them is kept, for
 * the few last ones, rather than made again for every request. */
#define N_REMEMBERED 4

/* Response formats, as given and in canonical form */
typedef struct
{
  char *text;
  char *canonical;
} RememberedFormat;

static GMutex formats_lock;
static RememberedFormat remembered_formats[N_REMEMBERED];   /* under formats_lock */
static guint next_format;                                  /* under formats_lock */

/* The start of cache keys: the checksum of the canonical JSON up to the
 * system prompt's message, for a client, a max-tokens and a system prompt */
typedef struct
{
  char *client_id;
  guint max_tokens;
  char *system_prompt;
  GChecksum *checksum;
} RememberedKeyStart;

static GMutex key_starts_lock;
static RememberedKeyStart remembered_key_starts[N_REMEMBERED];   /* under key_starts_lock */
static guint next_key_start;                                    /* under key_starts_lock */

static void
pp_llm_request_clear (PpLlmRequest *request)
{
  g_free (request->system_prompt);
  g_free (request->user_message);
  g_free (request->model);
  g_free (request->response_format);
  g_free (request->prompt_version);
}

/**
 * pp_llm_request_new:
 * @system_prompt: (nullable): the system prompt
 * @user_message: the user's message
 *
 * Creates a request with the client's default model, the endpoint's default
 * temperature and no token limit.
 *
 * Returns: (transfer full): a new #PpLlmRequest
 *
 * Since: 0.1
 */
PpLlmRequest *
pp_llm_request_new (const char *system_prompt,
                    const char *user_message)
{
  PpLlmRequest *request;

  g_return_val_if_fail (user_message != NULL, NULL);

  request = g_atomic_rc_box_new0 (PpLlmRequest);
  request->system_prompt = g_strdup (system_prompt);
  request->user_message = g_strdup (user_message);
  request->temperature = -1.0;
  request->top_p = -1.0;

  return request;
}

/**
 * pp_llm_request_ref:
 * @request: a #PpLlmRequest
 *
 * Acquires a reference on @request.
 *
 * Returns: (transfer full): @request, with one more reference
 *
 * Since: 0.1
 */
PpLlmRequest *
pp_llm_request_ref (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_atomic_rc_box_acquire (request);
}

/**
 * pp_llm_request_unref:
 * @request: (transfer full): a #PpLlmRequest
 *
 * Drops a reference; the last one frees the request.
 *
 * Since: 0.1
 */
void
pp_llm_request_unref (PpLlmRequest *request)
{
  g_return_if_fail (request != NULL);

  g_atomic_rc_box_release_full (request, (GDestroyNotify) pp_llm_request_clear);
}

/**
 * pp_llm_request_get_system_prompt:
 * @request: a #PpLlmRequest
 *
 * Gets the system prompt of the request.
 *
 * Returns: (nullable): the system prompt
 *
 * Since: 0.1
 */
const char *
pp_llm_request_get_system_prompt (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->system_prompt;
}

/**
 * pp_llm_request_get_user_message:
 * @request: a #PpLlmRequest
 *
 * Gets the user's message of the request.
 *
 * Returns: the user's message
 *
 * Since: 0.1
 */
const char *
pp_llm_request_get_user_message (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->user_message;
}

/**
 * pp_llm_request_set_model:
 * @request: a #PpLlmRequest
 * @model: (nullable): a model name, or %NULL for the client's default
 *
 * Sets the model that should answer.
 *
 * Since: 0.1
 */
void
pp_llm_request_set_model (PpLlmRequest *request,
                          const char   *model)
{
  g_return_if_fail (request != NULL);

  g_free (request->model);
  request->model = g_strdup (model);
}

/**
 * pp_llm_request_get_model:
 * @request: a #PpLlmRequest
 *
 * Gets the model the request asks for.
 *
 * Returns: (nullable): the model, or %NULL for the client's default
 *
 * Since: 0.1
 */
const char *
pp_llm_request_get_model (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->model;
}

/**
 * pp_llm_request_set_temperature:
 * @request: a #PpLlmRequest
 * @temperature: a sampling temperature, or a negative value for the
 *   endpoint's default
 *
 * Sets the sampling temperature.
 *
 * Since: 0.1
 */
void
pp_llm_request_set_temperature (PpLlmRequest *request,
                                double        temperature)
{
  g_return_if_fail (request != NULL);

  request->temperature = temperature;
}

/**
 * pp_llm_request_get_temperature:
 * @request: a #PpLlmRequest
 *
 * Gets the sampling temperature of the request.
 *
 * Returns: the sampling temperature; negative when unset
 *
 * Since: 0.1
 */
double
pp_llm_request_get_temperature (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, -1.0);

  return request->temperature;
}

/**
 * pp_llm_request_set_max_tokens:
 * @request: a #PpLlmRequest
 * @max_tokens: the most tokens the answer may have, or 0 for no limit
 *
 * Bounds the length of the answer.
 *
 * Since: 0.1
 */
void
pp_llm_request_set_max_tokens (PpLlmRequest *request,
                               guint         max_tokens)
{
  g_return_if_fail (request != NULL);

  request->max_tokens = max_tokens;
}

/**
 * pp_llm_request_get_max_tokens:
 * @request: a #PpLlmRequest
 *
 * Gets the most tokens the answer may have.
 *
 * Returns: the most tokens the answer may have; 0 for no limit
 *
 * Since: 0.1
 */
guint
pp_llm_request_get_max_tokens (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, 0);

  return request->max_tokens;
}

/**
 * pp_llm_request_set_json_mode:
 * @request: a #PpLlmRequest
 * @json_mode: whether the answer must be one JSON object
 *
 * Asks the endpoint for structured output (a JSON object), where it can.
 *
 * Since: 0.1
 */
void
pp_llm_request_set_json_mode (PpLlmRequest *request,
                              gboolean      json_mode)
{
  g_return_if_fail (request != NULL);

  request->json_mode = !!json_mode;
}

/**
 * pp_llm_request_get_json_mode:
 * @request: a #PpLlmRequest
 *
 * Gets whether the request asks for an answer in JSON.
 *
 * Returns: whether the answer must be one JSON object
 *
 * Since: 0.1
 */
gboolean
pp_llm_request_get_json_mode (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, FALSE);

  return request->json_mode;
}

/**
 * pp_llm_request_set_top_p:
 * @request: a #PpLlmRequest
 * @top_p: the nucleus-sampling probability mass, or a negative value for
 *   the endpoint's default
 *
 * Sets the nucleus-sampling parameter (`top_p`).
 *
 * Since: 0.2
 */
void
pp_llm_request_set_top_p (PpLlmRequest *request,
                          double        top_p)
{
  g_return_if_fail (request != NULL);

  request->top_p = top_p;
}

/**
 * pp_llm_request_get_top_p:
 * @request: a #PpLlmRequest
 *
 * Gets the nucleus-sampling parameter of the request.
 *
 * Returns: the `top_p` of the request; negative when unset
 *
 * Since: 0.2
 */
double
pp_llm_request_get_top_p (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, -1.0);

  return request->top_p;
}

/**
 * pp_llm_request_set_seed:
 * @request: a #PpLlmRequest
 * @seed: the sampling seed
 *
 * Asks the endpoint to sample deterministically with @seed, where it can.
 *
 * Since: 0.2
 */
void
pp_llm_request_set_seed (PpLlmRequest *request,
                         gint64        seed)
{
  g_return_if_fail (request != NULL);

  request->seed = seed;
  request->has_seed = TRUE;
}

/**
 * pp_llm_request_unset_seed:
 * @request: a #PpLlmRequest
 *
 * Removes the seed set with [method@Pp.LlmRequest.set_seed]: the endpoint
 * samples as it likes.
 *
 * Since: 0.2
 */
void
pp_llm_request_unset_seed (PpLlmRequest *request)
{
  g_return_if_fail (request != NULL);

  request->seed = 0;
  request->has_seed = FALSE;
}

/**
 * pp_llm_request_get_seed:
 * @request: a #PpLlmRequest
 * @seed: (out) (optional): return location for the seed
 *
 * Gets the sampling seed of the request, if it has one.
 *
 * Returns: whether the request has a seed
 *
 * Since: 0.2
 */
gboolean
pp_llm_request_get_seed (PpLlmRequest *request,
                         gint64       *seed)
{
  g_return_val_if_fail (request != NULL, FALSE);

  if (seed != NULL)
    *seed = request->seed;

  return request->has_seed;
}

/* (transfer full) (nullable): the canonical form of @text, if it is
 * remembered */
static char *
dup_remembered_format (const char *text)
{
  char *canonical = NULL;

  g_mutex_lock (&formats_lock);
  for (guint i = 0; i < N_REMEMBERED && canonical == NULL; i++)
    {
      if (g_strcmp0 (remembered_formats[i].text, text) == 0)
        canonical = g_strdup (remembered_formats[i].canonical);
    }
  g_mutex_unlock (&formats_lock);

  return canonical;
}

static void
remember_format (const char *text,
                 const char *canonical)
{
  RememberedFormat *slot;

  g_mutex_lock (&formats_lock);
  slot = &remembered_formats[next_format];
  next_format = (next_format + 1) % N_REMEMBERED;
  g_free (slot->text);
  g_free (slot->canonical);
  slot->text = g_strdup (text);
  slot->canonical = g_strdup (canonical);
  g_mutex_unlock (&formats_lock);
}

/**
 * pp_llm_request_set_response_format:
 * @request: a #PpLlmRequest
 * @response_format: (nullable): the `response_format` object of an
 *   OpenAI-compatible request, as JSON text, such as
 *   `{"type": "json_schema", "json_schema": {…}}`; %NULL for none
 * @error: return location for a #GError
 *
 * Asks for answers of a given form, such as a JSON schema. When set, it
 * takes the place of [method@Pp.LlmRequest.set_json_mode] in what a client
 * sends. The text is kept in canonical form (members sorted, no spaces).
 *
 * Returns: %TRUE if @response_format was set; %FALSE with @error set if it
 *   is not a JSON object
 *
 * Since: 0.2
 */
gboolean
pp_llm_request_set_response_format (PpLlmRequest  *request,
                                    const char    *response_format,
                                    GError       **error)
{
  g_autoptr(JsonNode) node = NULL;
  GString *canonical;
  char *remembered;

  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (response_format == NULL)
    {
      g_clear_pointer (&request->response_format, g_free);
      return TRUE;
    }

  remembered = dup_remembered_format (response_format);
  if (remembered != NULL)
    {
      g_free (request->response_format);
      request->response_format = remembered;
      return TRUE;
    }

  node = json_from_string (response_format, error);
  if (node == NULL)
    {
      g_prefix_error (error, "Response format: ");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           "Response format: not a JSON object");
      return FALSE;
    }

  canonical = g_string_new (NULL);
  pp_json_append_canonical (canonical, node);
  g_free (request->response_format);
  request->response_format = g_string_free (canonical, FALSE);
  remember_format (response_format, request->response_format);

  return TRUE;
}

/**
 * pp_llm_request_get_response_format:
 * @request: a #PpLlmRequest
 *
 * Gets the `response_format` object of the request, in canonical JSON.
 *
 * Returns: (nullable): the response format, or %NULL for none
 *
 * Since: 0.2
 */
const char *
pp_llm_request_get_response_format (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->response_format;
}

/**
 * pp_llm_request_set_response_format_optional:
 * @request: a #PpLlmRequest
 * @optional: whether the client may ask for less than the response format
 *   when the server does not support it
 *
 * Marks the form of the answer asked for (the response format, or the
 * JSON mode) as a preference rather than a requirement. A client whose
 * server refuses it then asks again for less: a `json_schema` format falls
 * back to `json_object`, then to no response format at all, and the client
 * remembers what its server takes. When not optional (the default), a
 * refused format fails the request.
 *
 * This is not part of the cache key: for a given client and endpoint, an
 * optional format yields the same answers as a required one wherever the
 * required one yields any.
 *
 * Since: 0.2
 */
void
pp_llm_request_set_response_format_optional (PpLlmRequest *request,
                                             gboolean      optional)
{
  g_return_if_fail (request != NULL);

  request->response_format_optional = !!optional;
}

/**
 * pp_llm_request_get_response_format_optional:
 * @request: a #PpLlmRequest
 *
 * Gets whether the form of the answer asked for is a preference, as set
 * with [method@Pp.LlmRequest.set_response_format_optional].
 *
 * Returns: %TRUE if a client may ask for less when its server refuses it
 *
 * Since: 0.2
 */
gboolean
pp_llm_request_get_response_format_optional (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, FALSE);

  return request->response_format_optional;
}

/**
 * pp_llm_request_set_prompt_version:
 * @request: a #PpLlmRequest
 * @prompt_version: (nullable): what names the converter's prompt and its
 *   version, such as `schemaorg-extract@<sha256 of the template>`
 *
 * Tags the request with the version of the prompt that built it. It is
 * never sent: it is part of the cache key, so that answers to an older
 * prompt are not taken for answers to a newer one.
 *
 * Since: 0.2
 */
void
pp_llm_request_set_prompt_version (PpLlmRequest *request,
                                   const char   *prompt_version)
{
  g_return_if_fail (request != NULL);

  g_free (request->prompt_version);
  request->prompt_version = g_strdup (prompt_version);
}

/**
 * pp_llm_request_get_prompt_version:
 * @request: a #PpLlmRequest
 *
 * Gets the prompt version the request is tagged with.
 *
 * Returns: (nullable): the prompt version, or %NULL
 *
 * Since: 0.2
 */
const char *
pp_llm_request_get_prompt_version (PpLlmRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->prompt_version;
}


static void
append_string_or_null (GString    *out,
                       const char *value)
{
  if (value != NULL)
    pp_json_append_string (out, value);
  else
    g_string_append (out, "null");
}

/* A sampling setting: negative when it is not set */
static void
append_number_or_null (GString *out,
                       double   value)
{
  if (value >= 0.0)
    pp_json_append_number (out, value);
  else
    g_string_append (out, "null");
}

static void
append_message (GString    *out,
                const char *role,
                const char *content)
{
  g_string_append (out, "{\"content\":");
  pp_json_append_string (out, content);
  g_string_append (out, ",\"role\":");
  pp_json_append_string (out, role);
  g_string_append_c (out, '}');
}

/* The start of the canonical JSON of a cache key, up to the system
 * prompt's message and the comma after it */
static void
append_key_start (GString     *canonical,
                  const char  *client_id,
                  guint        max_tokens,
                  const char  *system_prompt)
{
  g_string_append (canonical, "{\"client\":");
  append_string_or_null (canonical, client_id);
  g_string_append (canonical, ",\"max_tokens\":");
  if (max_tokens > 0)
    g_string_append_printf (canonical, "%u", max_tokens);
  else
    g_string_append (canonical, "null");
  g_string_append (canonical, ",\"messages\":[");
  if (system_prompt != NULL && *system_prompt != '\0')
    {
      append_message (canonical, "system", system_prompt);
      g_string_append_c (canonical, ',');
    }
}

/* (transfer full): a checksum that has been fed the start of the key, as
 * append_key_start() writes it */
static GChecksum *
dup_key_start_checksum (const char *client_id,
                        guint       max_tokens,
                        const char *system_prompt)
{
  g_autoptr(GString) start = NULL;
  GChecksum *checksum = NULL;
  RememberedKeyStart *slot;

  g_mutex_lock (&key_starts_lock);
  for (guint i = 0; i < N_REMEMBERED && checksum == NULL; i++)
    {
      slot = &remembered_key_starts[i];
      if (slot->checksum != NULL && slot->max_tokens == max_tokens &&
          g_strcmp0 (slot->client_id, client_id) == 0 &&
          g_strcmp0 (slot->system_prompt, system_prompt) == 0)
        checksum = g_checksum_copy (slot->checksum);
    }
  g_mutex_unlock (&key_starts_lock);

  if (checksum != NULL)
    return checksum;

  start = g_string_sized_new (64 + (system_prompt != NULL ? strlen (system_prompt) : 0));
  append_key_start (start, client_id, max_tokens, system_prompt);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) start->str, (gssize) start->len);

  g_mutex_lock (&key_starts_lock);
  slot = &remembered_key_starts[next_key_start];
  next_key_start = (next_key_start + 1) % N_REMEMBERED;
  g_free (slot->client_id);
  g_free (slot->system_prompt);
  g_clear_pointer (&slot->checksum, g_checksum_free);
  slot->client_id = g_strdup (client_id);
  slot->max_tokens = max_tokens;
  slot->system_prompt = g_strdup (system_prompt);
  slot->checksum = g_checksum_copy (checksum);
  g_mutex_unlock (&key_starts_lock);

  return checksum;
}

/**
 * pp_llm_request_get_cache_key:
 * @request: a #PpLlmRequest
 * @client_id: (nullable): what identifies the answering client plugin, its
 *   endpoint and its default model, as [method@Pp.LlmClient.dup_id] gives
 *   it (such as "openai https://host/v1 model"); never a secret
 *
 * Computes the key under which the answer to @request is cached: the
 * SHA-256, in lowercase hexadecimal, of the canonical JSON (members sorted,
 * no white space, numbers as ECMAScript prints them) of an object holding
 * exactly what shapes the answer:
 *
 * - `client`: @client_id (the client plugin, its endpoint's normalised base
 *   URL, its default model; never the API key);
 * - `model`: the model of the request, or null for the client's default;
 * - `messages`: the system prompt (when not empty) and the user message,
 *   in order, each as `{"content": …, "role": …}`;
 * - `temperature`, `top_p`, `seed`, `max_tokens`: their values, or null
 *   when unset (a `max_tokens` of 0 is unset);
 * - `response_format`: the object set with
 *   [method@Pp.LlmRequest.set_response_format], or `{"type":
 *   "json_object"}` in JSON mode, or null;
 * - `prompt_version`: the converter's prompt version, or null;
 * - `v`: the version of this layout, 1.
 *
 * Nothing else goes in: a client's timeouts, API key or request ids, and
 * the order settings were made in, leave the key as it is.
 *
 * Returns: (transfer full): a hexadecimal key of 64 characters
 *
 * Since: 0.1
 */
char *
pp_llm_request_get_cache_key (PpLlmRequest *request,
                              const char   *client_id)
{
  g_autoptr(GString) canonical = NULL;
  g_autoptr(GChecksum) checksum = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  /* Written straight as canonical JSON: members in name order, no white
   * space, numbers as ECMAScript prints them — the bytes that
   * pp_json_append_canonical() writes for the same object, without
   * building it. Its start, with the long system prompt, is the same for
   * most requests: its checksum is remembered. */
  checksum = dup_key_start_checksum (client_id, request->max_tokens, request->system_prompt);

  canonical = g_string_sized_new (256 + (request->user_message != NULL ? strlen (request->user_message) : 0));
  append_message (canonical, "user", request->user_message);
  g_string_append (canonical, "],\"model\":");
  append_string_or_null (canonical, request->model);
  g_string_append (canonical, ",\"prompt_version\":");
  append_string_or_null (canonical, request->prompt_version);
  g_string_append (canonical, ",\"response_format\":");
  if (request->response_format != NULL)
    g_string_append (canonical, request->response_format);
  else if (request->json_mode)
    g_string_append (canonical, "{\"type\":\"json_object\"}");
  else
    g_string_append (canonical, "null");
  g_string_append (canonical, ",\"seed\":");
  if (request->has_seed)
    g_string_append_printf (canonical, "%" G_GINT64_FORMAT, request->seed);
  else
    g_string_append (canonical, "null");
  g_string_append (canonical, ",\"temperature\":");
  append_number_or_null (canonical, request->temperature);
  g_string_append (canonical, ",\"top_p\":");
  append_number_or_null (canonical, request->top_p);
  g_string_append (canonical, ",\"v\":1}");

  g_checksum_update (checksum, (const guchar *) canonical->str, (gssize) canonical->len);

  return g_strdup (g_checksum_get_string (checksum));
}
