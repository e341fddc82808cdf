/* pp-llm-response.h: the answer to a chat-completion request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

#define PP_TYPE_LLM_RESPONSE (pp_llm_response_get_type ())

/**
 * PpLlmResponse:
 *
 * The answer of an LLM: its text, the model that wrote it, the tokens it
 * cost and, when the endpoint sent them, its rate limits. A
 * reference-counted boxed type, immutable once the client that made it
 * returned it.
 *
 * Since: 0.1
 */
typedef struct _PpLlmResponse PpLlmResponse;

PP_AVAILABLE_IN_ALL
GType          pp_llm_response_get_type              (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
PpLlmResponse *pp_llm_response_new                   (const char    *content,
                                                      const char    *model,
                                                      guint          prompt_tokens,
                                                      guint          completion_tokens);
PP_AVAILABLE_IN_ALL
PpLlmResponse *pp_llm_response_new_from_bytes        (GBytes        *bytes,
                                                      GError       **error);
PP_AVAILABLE_IN_ALL
GBytes        *pp_llm_response_to_bytes              (PpLlmResponse *response);
PP_AVAILABLE_IN_ALL
PpLlmResponse *pp_llm_response_ref                   (PpLlmResponse *response);
PP_AVAILABLE_IN_ALL
void           pp_llm_response_unref                 (PpLlmResponse *response);

PP_AVAILABLE_IN_ALL
const char    *pp_llm_response_get_content           (PpLlmResponse *response);
PP_AVAILABLE_IN_ALL
const char    *pp_llm_response_get_model             (PpLlmResponse *response);
PP_AVAILABLE_IN_ALL
guint          pp_llm_response_get_prompt_tokens     (PpLlmResponse *response);
PP_AVAILABLE_IN_ALL
guint          pp_llm_response_get_completion_tokens (PpLlmResponse *response);

PP_AVAILABLE_IN_0_2
void           pp_llm_response_set_rate_limits       (PpLlmResponse *response,
                                                      gint64         remaining_requests,
                                                      gint64         remaining_tokens,
                                                      guint          reset_requests_ms,
                                                      guint          reset_tokens_ms);
PP_AVAILABLE_IN_0_2
gint64         pp_llm_response_get_remaining_requests (PpLlmResponse *response);
PP_AVAILABLE_IN_0_2
gint64         pp_llm_response_get_remaining_tokens  (PpLlmResponse *response);
PP_AVAILABLE_IN_0_2
guint          pp_llm_response_get_reset_requests_ms (PpLlmResponse *response);
PP_AVAILABLE_IN_0_2
guint          pp_llm_response_get_reset_tokens_ms   (PpLlmResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpLlmResponse, pp_llm_response_unref)

G_END_DECLS
