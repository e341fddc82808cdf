/* pp-llm-request.c: one chat-completion request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-llm-request.h"

struct _PpLlmRequest
{
  char *system_prompt;
  char *user_message;
  char *model;
  double temperature;
  guint max_tokens;
  gboolean json_mode;
};

G_DEFINE_BOXED_TYPE (PpLlmRequest, pp_llm_request, pp_llm_request_ref, pp_llm_request_unref)

static void
pp_llm_request_clear (PpLlmRequest *request)
{
  g_free (request->system_prompt);
  g_free (request->user_message);
  g_free (request->model);
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

static void
checksum_update_field (GChecksum  *checksum,
                       const char *field)
{
  gsize len = field != NULL ? strlen (field) : 0;
  guint64 len_le = GUINT64_TO_LE ((guint64) len);

  /* Length-prefixed, so that ("ab", "c") and ("a", "bc") differ */
  g_checksum_update (checksum, (const guchar *) &len_le, sizeof len_le);
  if (len > 0)
    g_checksum_update (checksum, (const guchar *) field, len);
}

/**
 * pp_llm_request_get_cache_key:
 * @request: a #PpLlmRequest
 * @client_id: (nullable): what identifies the answering endpoint and model,
 *   such as "openai:http://host/v1:model"; never a secret
 *
 * Computes the key under which the answer to @request is cached: a SHA-256
 * over everything that shapes the answer.
 *
 * Returns: (transfer full): a hexadecimal key
 *
 * Since: 0.1
 */
char *
pp_llm_request_get_cache_key (PpLlmRequest *request,
                              const char   *client_id)
{
  g_autoptr(GChecksum) checksum = NULL;
  char number[64];

  g_return_val_if_fail (request != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  checksum_update_field (checksum, "libpp-llm-request-1");
  checksum_update_field (checksum, client_id);
  checksum_update_field (checksum, request->model);
  checksum_update_field (checksum, request->system_prompt);
  checksum_update_field (checksum, request->user_message);
  g_ascii_dtostr (number, sizeof number, request->temperature);
  checksum_update_field (checksum, number);
  g_snprintf (number, sizeof number, "%u:%d", request->max_tokens, request->json_mode);
  checksum_update_field (checksum, number);

  return g_strdup (g_checksum_get_string (checksum));
}
