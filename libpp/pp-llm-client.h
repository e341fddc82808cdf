/* pp-llm-client.h: the interface of LLM back-ends
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-llm-request.h>
#include <libpp/pp-llm-response.h>

G_BEGIN_DECLS

/**
 * PP_LLM_CLIENT_EXTENSION_POINT:
 *
 * The name of the extension point of LLM clients: "libpp-llm".
 *
 * Since: 0.1
 */
#define PP_LLM_CLIENT_EXTENSION_POINT "libpp-llm"

/**
 * PP_LLM_ERROR:
 *
 * The error domain of LLM clients. The processor decides whether to retry a
 * failed call (see pp_llm_error_is_transient()) or to stop the run (see
 * pp_llm_error_is_fatal()) from the error code alone, never from the
 * message.
 *
 * Since: 0.1
 */
#define PP_LLM_ERROR (pp_llm_error_quark ())

/**
 * PpLlmError:
 * @PP_LLM_ERROR_RATE_LIMITED: the endpoint asked us to slow down (HTTP 429);
 *   see pp_llm_error_get_retry_after(). Transient.
 * @PP_LLM_ERROR_TRANSIENT: a failure that may go away: HTTP 5xx, a
 *   connection that broke, closed or was reset before the answer was
 *   whole, an answer cut short, garbled, or not a chat completion. Transient.
 * @PP_LLM_ERROR_TIMEOUT: the endpoint did not answer in time (HTTP 408, or
 *   the client's own deadline passed). Transient.
 * @PP_LLM_ERROR_UNREACHABLE: no connection could be made to the endpoint.
 *   Transient.
 * @PP_LLM_ERROR_INVALID_RESPONSE: an answer that sending the request again
 *   would not change: larger than the client accepts, a refusal of the
 *   model, a redirection elsewhere
 * @PP_LLM_ERROR_AUTH: the endpoint refused our credentials (HTTP 401/403).
 *   Fatal.
 * @PP_LLM_ERROR_BAD_REQUEST: the endpoint refused the request (HTTP 4xx)
 * @PP_LLM_ERROR_QUOTA_EXHAUSTED: the account has no quota left. Fatal.
 * @PP_LLM_ERROR_CONTEXT_LENGTH: the prompt does not fit the model's context
 * @PP_LLM_ERROR_NOT_CONFIGURED: the client lacks a setting it needs, such as
 *   the endpoint's URL. Fatal.
 *
 * Error codes of #PP_LLM_ERROR. Implementations classify every failure
 * from what the endpoint did (its HTTP status, the code or type in its
 * error body, what became of the connection), never from the text of a
 * message. What to do with an error follows from its code alone: retry a
 * transient one ([func@Pp.LlmError.is_transient]), stop the whole run on
 * a fatal one ([func@Pp.LlmError.is_fatal]), fail just the request on
 * the others.
 *
 * Since: 0.1
 */
typedef enum {
  PP_LLM_ERROR_RATE_LIMITED,
  PP_LLM_ERROR_TRANSIENT,
  PP_LLM_ERROR_TIMEOUT,
  PP_LLM_ERROR_UNREACHABLE,
  PP_LLM_ERROR_INVALID_RESPONSE,
  PP_LLM_ERROR_AUTH,
  PP_LLM_ERROR_BAD_REQUEST,
  PP_LLM_ERROR_QUOTA_EXHAUSTED,
  PP_LLM_ERROR_CONTEXT_LENGTH,
  PP_LLM_ERROR_NOT_CONFIGURED,
} PpLlmError;

PP_AVAILABLE_IN_ALL
GQuark    pp_llm_error_quark             (void);
PP_AVAILABLE_IN_ALL
gboolean  pp_llm_error_is_transient      (const GError *error);
PP_AVAILABLE_IN_0_2
gboolean  pp_llm_error_is_fatal          (const GError *error);
PP_AVAILABLE_IN_ALL
guint     pp_llm_error_get_retry_after   (const GError *error);
PP_AVAILABLE_IN_ALL
void      pp_llm_error_set_retry_after   (GError       *error,
                                          guint         retry_after_ms);

#define PP_TYPE_LLM_CLIENT (pp_llm_client_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (PpLlmClient, pp_llm_client, PP, LLM_CLIENT, GObject)

/**
 * PpLlmClientInterface:
 * @g_iface: the parent interface
 * @complete: sends one request and waits for its answer. Called from many
 *   threads at once: it must be thread-safe, and must return promptly with
 *   %G_IO_ERROR_CANCELLED once @cancellable is cancelled.
 * @dup_id: returns what identifies the endpoint and default model, such as
 *   "openai http://127.0.0.1:8080/v1 gpt-4o-mini", for cache keys; never a
 *   secret. The default returns the type name.
 * @redact: returns a copy of a text with every secret the client holds (in
 *   every form an endpoint may echo it) replaced by "[redacted]". Called
 *   from many threads at once. The default returns a plain copy. Since: 0.2
 *
 * The virtual methods of #PpLlmClient.
 *
 * Since: 0.1
 */
struct _PpLlmClientInterface
{
  GTypeInterface g_iface;

  PpLlmResponse * (* complete) (PpLlmClient   *client,
                                PpLlmRequest  *request,
                                GCancellable  *cancellable,
                                GError       **error);
  char *          (* dup_id)   (PpLlmClient   *client);
  char *          (* redact)   (PpLlmClient   *client,
                                const char    *text);

  /*< private >*/
  gpointer padding[7];
};

PP_AVAILABLE_IN_ALL
PpLlmResponse *pp_llm_client_complete        (PpLlmClient         *client,
                                              PpLlmRequest        *request,
                                              GCancellable        *cancellable,
                                              GError             **error);
PP_AVAILABLE_IN_ALL
char          *pp_llm_client_dup_id          (PpLlmClient         *client);
PP_AVAILABLE_IN_0_2
char          *pp_llm_client_redact          (PpLlmClient         *client,
                                              const char          *text);
PP_AVAILABLE_IN_ALL
void           pp_llm_client_complete_async  (PpLlmClient         *client,
                                              PpLlmRequest        *request,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
PP_AVAILABLE_IN_ALL
PpLlmResponse *pp_llm_client_complete_finish (PpLlmClient         *client,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS
