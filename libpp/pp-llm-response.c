/* pp-llm-response.c: the answer to a chat-completion request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "pp-llm-response.h"
#include "pp-cache.h"
#include "pp-json-parse.h"

struct _PpLlmResponse
{
  char *content;
  char *model;
  guint prompt_tokens;
  guint completion_tokens;

  /* What the endpoint said of its rate limits; not kept in caches */
  gint64 remaining_requests;  /* -1: not sent */
  gint64 remaining_tokens;    /* -1: not sent */
  guint reset_requests_ms;    /* 0: not sent */
  guint reset_tokens_ms;      /* 0: not sent */
};

G_DEFINE_BOXED_TYPE (PpLlmResponse, pp_llm_response, pp_llm_response_ref, pp_llm_response_unref)

/* The version of the serialised form kept in caches */
#define RESPONSE_FORMAT_VERSION 1

static void
pp_llm_response_clear (PpLlmResponse *response)
{
  g_free (response->content);
  g_free (response->model);
}

/**
 * pp_llm_response_new:
 * @content: the text of the answer
 * @model: (nullable): the model that answered
 * @prompt_tokens: tokens of the prompt, as the endpoint counted them
 * @completion_tokens: tokens of the answer, as the endpoint counted them
 *
 * Creates the answer of an LLM, for an implementation of
 * [iface@Pp.LlmClient] to return.
 *
 * Returns: (transfer full): a new #PpLlmResponse
 *
 * Since: 0.1
 */
PpLlmResponse *
pp_llm_response_new (const char *content,
                     const char *model,
                     guint       prompt_tokens,
                     guint       completion_tokens)
{
  PpLlmResponse *response;

  g_return_val_if_fail (content != NULL, NULL);

  response = g_atomic_rc_box_new0 (PpLlmResponse);
  response->content = g_strdup (content);
  response->model = g_strdup (model);
  response->prompt_tokens = prompt_tokens;
  response->completion_tokens = completion_tokens;
  response->remaining_requests = -1;
  response->remaining_tokens = -1;

  return response;
}

/**
 * pp_llm_response_new_from_bytes:
 * @bytes: what pp_llm_response_to_bytes() returned
 * @error: return location for a #GError
 *
 * Reads back a response kept in a cache.
 *
 * Returns: (transfer full) (nullable): the response, or %NULL with
 *   %PP_CACHE_ERROR_CORRUPT set
 *
 * Since: 0.1
 */
PpLlmResponse *
pp_llm_response_new_from_bytes (GBytes  *bytes,
                                GError **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  const char *content;
  gsize size;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size > G_MAXSSIZE ||
      (root = pp_json_parse (data != NULL ? data : "", (gssize) size, &local_error)) == NULL)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_CORRUPT,
                   "Cached answer cannot be read: %s",
                   local_error != NULL ? local_error->message : "it is too long");
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    goto corrupt;

  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "v", 0) != RESPONSE_FORMAT_VERSION)
    goto corrupt;

  content = json_object_get_string_member_with_default (object, "content", NULL);
  if (content == NULL)
    goto corrupt;

  return pp_llm_response_new (content,
                              json_object_get_string_member_with_default (object, "model", NULL),
                              (guint) json_object_get_int_member_with_default (object, "prompt_tokens", 0),
                              (guint) json_object_get_int_member_with_default (object, "completion_tokens", 0));

corrupt:
  g_set_error_literal (error, PP_CACHE_ERROR, PP_CACHE_ERROR_CORRUPT,
                       "Cached answer has an unknown format");
  return NULL;
}

/**
 * pp_llm_response_to_bytes:
 * @response: a #PpLlmResponse
 *
 * Serialises @response for a cache.
 *
 * Returns: (transfer full): the serialised response
 *
 * Since: 0.1
 */
GBytes *
pp_llm_response_to_bytes (PpLlmResponse *response)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *data;
  gsize length;

  g_return_val_if_fail (response != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "v");
  json_builder_add_int_value (builder, RESPONSE_FORMAT_VERSION);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, response->content);
  if (response->model != NULL)
    {
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, response->model);
    }
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, response->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, response->completion_tokens);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  data = json_to_string (root, FALSE);
  length = strlen (data);

  return g_bytes_new_take (data, length);
}

/**
 * pp_llm_response_ref:
 * @response: a #PpLlmResponse
 *
 * Acquires a reference on @response.
 *
 * Returns: (transfer full): @response, with one more reference
 *
 * Since: 0.1
 */
PpLlmResponse *
pp_llm_response_ref (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return g_atomic_rc_box_acquire (response);
}

/**
 * pp_llm_response_unref:
 * @response: (transfer full): a #PpLlmResponse
 *
 * Drops a reference; the last one frees the response.
 *
 * Since: 0.1
 */
void
pp_llm_response_unref (PpLlmResponse *response)
{
  g_return_if_fail (response != NULL);

  g_atomic_rc_box_release_full (response, (GDestroyNotify) pp_llm_response_clear);
}

/**
 * pp_llm_response_get_content:
 * @response: a #PpLlmResponse
 *
 * Gets the text of the answer.
 *
 * Returns: the text of the answer
 *
 * Since: 0.1
 */
const char *
pp_llm_response_get_content (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->content;
}

/**
 * pp_llm_response_get_model:
 * @response: a #PpLlmResponse
 *
 * Gets the model that answered, as the endpoint named it.
 *
 * Returns: (nullable): the model that answered
 *
 * Since: 0.1
 */
const char *
pp_llm_response_get_model (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, NULL);

  return response->model;
}

/**
 * pp_llm_response_get_prompt_tokens:
 * @response: a #PpLlmResponse
 *
 * Gets how many tokens the prompt has, as the endpoint counted them.
 *
 * Returns: the tokens of the prompt
 *
 * Since: 0.1
 */
guint
pp_llm_response_get_prompt_tokens (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->prompt_tokens;
}

/**
 * pp_llm_response_get_completion_tokens:
 * @response: a #PpLlmResponse
 *
 * Gets how many tokens the answer has, as the endpoint counted them.
 *
 * Returns: the tokens of the answer
 *
 * Since: 0.1
 */
guint
pp_llm_response_get_completion_tokens (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->completion_tokens;
}

/**
 * pp_llm_response_set_rate_limits:
 * @response: a #PpLlmResponse
 * @remaining_requests: the requests the endpoint still allows in the
 *   current window, or -1 if it did not say
 * @remaining_tokens: the tokens the endpoint still allows in the current
 *   window, or -1 if it did not say
 * @reset_requests_ms: in how many milliseconds the request budget is
 *   whole again, or 0 if the endpoint did not say
 * @reset_tokens_ms: in how many milliseconds the token budget is whole
 *   again, or 0 if the endpoint did not say
 *
 * Records the rate limits the endpoint reported with its answer, such as
 * OpenAI's `x-ratelimit-remaining-requests` and
 * `x-ratelimit-reset-requests` headers. For an implementation of
 * [iface@Pp.LlmClient] to call before it returns @response; a response is
 * not changed once returned.
 *
 * Rate limits describe the moment of the answer, so they are not part of
 * [method@Pp.LlmResponse.to_bytes]: a response read back from a cache has
 * none.
 *
 * Since: 0.2
 */
void
pp_llm_response_set_rate_limits (PpLlmResponse *response,
                                 gint64         remaining_requests,
                                 gint64         remaining_tokens,
                                 guint          reset_requests_ms,
                                 guint          reset_tokens_ms)
{
  g_return_if_fail (response != NULL);

  response->remaining_requests = MAX (remaining_requests, -1);
  response->remaining_tokens = MAX (remaining_tokens, -1);
  response->reset_requests_ms = reset_requests_ms;
  response->reset_tokens_ms = reset_tokens_ms;
}

/**
 * pp_llm_response_get_remaining_requests:
 * @response: a #PpLlmResponse
 *
 * Gets how many requests the endpoint said it still allows in its current
 * window.
 *
 * Returns: the remaining requests, or -1 if the endpoint did not say
 *
 * Since: 0.2
 */
gint64
pp_llm_response_get_remaining_requests (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, -1);

  return response->remaining_requests;
}

/**
 * pp_llm_response_get_remaining_tokens:
 * @response: a #PpLlmResponse
 *
 * Gets how many tokens the endpoint said it still allows in its current
 * window.
 *
 * Returns: the remaining tokens, or -1 if the endpoint did not say
 *
 * Since: 0.2
 */
gint64
pp_llm_response_get_remaining_tokens (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, -1);

  return response->remaining_tokens;
}

/**
 * pp_llm_response_get_reset_requests_ms:
 * @response: a #PpLlmResponse
 *
 * Gets in how long the endpoint said its request budget is whole again,
 * counted from the answer.
 *
 * Returns: the delay in milliseconds, or 0 if the endpoint did not say
 *
 * Since: 0.2
 */
guint
pp_llm_response_get_reset_requests_ms (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->reset_requests_ms;
}

/**
 * pp_llm_response_get_reset_tokens_ms:
 * @response: a #PpLlmResponse
 *
 * Gets in how long the endpoint said its token budget is whole again,
 * counted from the answer.
 *
 * Returns: the delay in milliseconds, or 0 if the endpoint did not say
 *
 * Since: 0.2
 */
guint
pp_llm_response_get_reset_tokens_ms (PpLlmResponse *response)
{
  g_return_val_if_fail (response != NULL, 0);

  return response->reset_tokens_ms;
}
