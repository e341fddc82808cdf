/* pp-llm-client.c: the interface of LLM back-ends
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-llm-client.h"
#include "pp-llm-client-private.h"

/**
 * PpLlmClient:
 *
 * An LLM back-end: one blocking, thread-safe call that sends a
 * #PpLlmRequest and returns the #PpLlmResponse.
 *
 * Implementations are registered at the extension point
 * %PP_LLM_CLIENT_EXTENSION_POINT. The processor calls
 * pp_llm_client_complete() from its worker threads, many at once, so an
 * implementation must be thread-safe: configure everything at construction
 * and keep no per-call state in the object. Errors must be in the
 * %PP_LLM_ERROR domain (or %G_IO_ERROR_CANCELLED), classified so that the
 * processor can decide from the code alone what to retry.
 *
 * Since: 0.1
 */

G_DEFINE_INTERFACE (PpLlmClient, pp_llm_client, G_TYPE_OBJECT)

typedef struct
{
  guint retry_after_ms;
  gboolean not_sent;   /* libpp held the request back: the endpoint never saw it */
} PpLlmErrorPrivate;

static void
pp_llm_error_private_init (PpLlmErrorPrivate *priv)
{
  priv->retry_after_ms = 0;
  priv->not_sent = FALSE;
}

static void
pp_llm_error_private_copy (const PpLlmErrorPrivate *src,
                           PpLlmErrorPrivate       *dest)
{
  dest->retry_after_ms = src->retry_after_ms;
  dest->not_sent = src->not_sent;
}

static void
pp_llm_error_private_clear (PpLlmErrorPrivate *priv)
{
}

/**
 * pp_llm_error_quark:
 *
 * The error domain of [iface@Pp.LlmClient] implementations, `PP_LLM_ERROR`.
 * Its errors carry the delay the endpoint asked for
 * ([func@Pp.LlmError.get_retry_after]).
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.1
 */
G_DEFINE_EXTENDED_ERROR (PpLlmError, pp_llm_error)

/**
 * pp_llm_error_is_transient:
 * @error: a #GError
 *
 * Whether @error is a failure that may go away when the request is sent
 * again later: rate limiting, a timeout, a 5xx answer, a dropped or refused
 * connection, an answer cut short or mangled on the way
 * (%PP_LLM_ERROR_RATE_LIMITED, %PP_LLM_ERROR_TRANSIENT,
 * %PP_LLM_ERROR_TIMEOUT, %PP_LLM_ERROR_UNREACHABLE).
 *
 * This is the one place that says which errors are retried: decide from
 * it, never from the code or the message of the error.
 *
 * Returns: %TRUE if the request may be retried
 *
 * Since: 0.1
 */
gboolean
pp_llm_error_is_transient (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != PP_LLM_ERROR)
    return FALSE;

  switch ((PpLlmError) error->code)
    {
    case PP_LLM_ERROR_RATE_LIMITED:
    case PP_LLM_ERROR_TRANSIENT:
    case PP_LLM_ERROR_TIMEOUT:
    case PP_LLM_ERROR_UNREACHABLE:
      return TRUE;
    case PP_LLM_ERROR_INVALID_RESPONSE:
    case PP_LLM_ERROR_AUTH:
    case PP_LLM_ERROR_BAD_REQUEST:
    case PP_LLM_ERROR_QUOTA_EXHAUSTED:
    case PP_LLM_ERROR_CONTEXT_LENGTH:
    case PP_LLM_ERROR_NOT_CONFIGURED:
    default:
      return FALSE;
    }
}

/**
 * pp_llm_error_is_fatal:
 * @error: a #GError
 *
 * Whether @error stops a whole run rather than one request: the endpoint
 * refused our credentials (%PP_LLM_ERROR_AUTH), the account has no quota
 * left (%PP_LLM_ERROR_QUOTA_EXHAUSTED) or the client lacks a setting
 * (%PP_LLM_ERROR_NOT_CONFIGURED). Every other request would fail the same
 * way, so there is no point in sending them.
 *
 * A fatal error is never transient (see [func@Pp.LlmError.is_transient]).
 *
 * Returns: %TRUE if no further request should be sent
 *
 * Since: 0.2
 */
gboolean
pp_llm_error_is_fatal (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain != PP_LLM_ERROR)
    return FALSE;

  switch ((PpLlmError) error->code)
    {
    case PP_LLM_ERROR_AUTH:
    case PP_LLM_ERROR_QUOTA_EXHAUSTED:
    case PP_LLM_ERROR_NOT_CONFIGURED:
      return TRUE;
    case PP_LLM_ERROR_RATE_LIMITED:
    case PP_LLM_ERROR_TRANSIENT:
    case PP_LLM_ERROR_TIMEOUT:
    case PP_LLM_ERROR_UNREACHABLE:
    case PP_LLM_ERROR_INVALID_RESPONSE:
    case PP_LLM_ERROR_BAD_REQUEST:
    case PP_LLM_ERROR_CONTEXT_LENGTH:
    default:
      return FALSE;
    }
}

/**
 * pp_llm_error_get_retry_after:
 * @error: a #GError
 *
 * The delay the endpoint asked for before the next request, for
 * %PP_LLM_ERROR_RATE_LIMITED errors that carried a `Retry-After`.
 *
 * Returns: the delay in milliseconds, or 0 when none was given
 *
 * Since: 0.1
 */
guint
pp_llm_error_get_retry_after (const GError *error)
{
  PpLlmErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != PP_LLM_ERROR)
    return 0;

  priv = pp_llm_error_get_private (error);
  return priv != NULL ? priv->retry_after_ms : 0;
}

/**
 * pp_llm_error_set_retry_after:
 * @error: a #GError in the %PP_LLM_ERROR domain
 * @retry_after_ms: the delay the endpoint asked for, in milliseconds
 *
 * Records the delay an endpoint asked for before the next request.
 *
 * Since: 0.1
 */
void
pp_llm_error_set_retry_after (GError *error,
                              guint   retry_after_ms)
{
  PpLlmErrorPrivate *priv;

  g_return_if_fail (error != NULL);
  g_return_if_fail (error->domain == PP_LLM_ERROR);

  priv = pp_llm_error_get_private (error);
  if (priv != NULL)
    priv->retry_after_ms = retry_after_ms;
}

static char *
pp_llm_client_real_dup_id (PpLlmClient *client)
{
  return g_strdup (G_OBJECT_TYPE_NAME (client));
}

static char *
pp_llm_client_real_redact (PpLlmClient *client,
                           const char  *text)
{
  return g_strdup (text);
}

static void
pp_llm_client_default_init (PpLlmClientInterface *iface)
{
  iface->dup_id = pp_llm_client_real_dup_id;
  iface->redact = pp_llm_client_real_redact;
}

/**
 * pp_llm_client_dup_id:
 * @client: a #PpLlmClient
 *
 * What identifies the endpoint and the default model of @client, for cache
 * keys. Never contains a secret.
 *
 * Returns: (transfer full): the identifier
 *
 * Since: 0.1
 */
char *
pp_llm_client_dup_id (PpLlmClient *client)
{
  g_return_val_if_fail (PP_IS_LLM_CLIENT (client), NULL);

  return PP_LLM_CLIENT_GET_IFACE (client)->dup_id (client);
}

/**
 * pp_llm_client_redact:
 * @client: a #PpLlmClient
 * @text: a text that may quote what the endpoint said, such as an error
 *   message
 *
 * Blots the secrets of @client out of @text: every secret it holds, such
 * as an API key, in every form an endpoint may echo it (as it is,
 * percent-encoded, JSON-escaped, base64…), is replaced by "[redacted]".
 *
 * Run every message that quotes an answer or an error of the endpoint
 * through it before it reaches a #GError, a log or a user. Thread-safe.
 *
 * Returns: (transfer full): the redacted copy of @text
 *
 * Since: 0.2
 */
char *
pp_llm_client_redact (PpLlmClient *client,
                      const char  *text)
{
  PpLlmClientInterface *iface;

  g_return_val_if_fail (PP_IS_LLM_CLIENT (client), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  iface = PP_LLM_CLIENT_GET_IFACE (client);
  if (iface->redact == NULL)
    return g_strdup (text);

  return iface->redact (client, text);
}

/**
 * pp_llm_client_complete:
 * @client: a #PpLlmClient
 * @request: the request
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sends @request and waits for the answer. Thread-safe; blocks the calling
 * thread, so call it from a worker thread, or use
 * pp_llm_client_complete_async().
 *
 * Returns: (transfer full) (nullable): the answer, or %NULL with @error set
 *
 * Since: 0.1
 */
PpLlmResponse *
pp_llm_client_complete (PpLlmClient   *client,
                        PpLlmRequest  *request,
                        GCancellable  *cancellable,
                        GError       **error)
{
  PpLlmClientInterface *iface;

  g_return_val_if_fail (PP_IS_LLM_CLIENT (client), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = PP_LLM_CLIENT_GET_IFACE (client);
  g_return_val_if_fail (iface->complete != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return iface->complete (client, request, cancellable, error);
}

static void
complete_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  PpLlmResponse *response;

  response = pp_llm_client_complete (source_object, task_data, cancellable, &error);
  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) pp_llm_response_unref);
}

/**
 * pp_llm_client_complete_async:
 * @client: a #PpLlmClient
 * @request: the request
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called on the thread-default main context of
 *   the caller when the answer is there
 * @user_data: data for @callback
 *
 * Sends @request from a worker thread; @callback runs on the caller's
 * thread-default main context. Finish with pp_llm_client_complete_finish().
 *
 * Since: 0.1
 */
void
pp_llm_client_complete_async (PpLlmClient         *client,
                              PpLlmRequest        *request,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PP_IS_LLM_CLIENT (client));
  g_return_if_fail (request != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_llm_client_complete_async);
  g_task_set_task_data (task, pp_llm_request_ref (request), (GDestroyNotify) pp_llm_request_unref);
  g_task_run_in_thread (task, complete_thread);
}

/**
 * pp_llm_client_complete_finish:
 * @client: a #PpLlmClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes an operation started with [method@Pp.LlmClient.complete_async].
 *
 * Returns: (transfer full) (nullable): the answer, or %NULL with @error set
 *
 * Since: 0.1
 */
PpLlmResponse *
pp_llm_client_complete_finish (PpLlmClient   *client,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (PP_IS_LLM_CLIENT (client), NULL);
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pp_llm_client_complete_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Marks @error as one that libpp made up for a request it held back (the
 * circuit breaker was open): the endpoint never saw the request, so trying
 * again spends none of the segment's retries */
void
pp_llm_error_set_not_sent (GError *error)
{
  PpLlmErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == PP_LLM_ERROR);

  priv = pp_llm_error_get_private (error);
  if (priv != NULL)
    priv->not_sent = TRUE;
}

gboolean
pp_llm_error_get_not_sent (const GError *error)
{
  const PpLlmErrorPrivate *priv;

  if (error == NULL || error->domain != PP_LLM_ERROR)
    return FALSE;

  priv = pp_llm_error_get_private (error);
  return priv != NULL && priv->not_sent;
}
