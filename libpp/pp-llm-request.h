/* pp-llm-request.h: one chat-completion request
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

#define PP_TYPE_LLM_REQUEST (pp_llm_request_get_type ())

/**
 * PpLlmRequest:
 *
 * One request to an LLM: a system prompt, a user message, sampling
 * settings and the form of the answer. A reference-counted boxed type; build it, then treat it as
 * immutable, so that it can be shared between threads.
 *
 * Since: 0.1
 */
typedef struct _PpLlmRequest PpLlmRequest;

PP_AVAILABLE_IN_ALL
GType         pp_llm_request_get_type         (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
PpLlmRequest *pp_llm_request_new              (const char   *system_prompt,
                                               const char   *user_message);
PP_AVAILABLE_IN_ALL
PpLlmRequest *pp_llm_request_ref              (PpLlmRequest *request);
PP_AVAILABLE_IN_ALL
void          pp_llm_request_unref            (PpLlmRequest *request);

PP_AVAILABLE_IN_ALL
const char   *pp_llm_request_get_system_prompt (PpLlmRequest *request);
PP_AVAILABLE_IN_ALL
const char   *pp_llm_request_get_user_message  (PpLlmRequest *request);
PP_AVAILABLE_IN_ALL
void          pp_llm_request_set_model         (PpLlmRequest *request,
                                                const char   *model);
PP_AVAILABLE_IN_ALL
const char   *pp_llm_request_get_model         (PpLlmRequest *request);
PP_AVAILABLE_IN_ALL
void          pp_llm_request_set_temperature   (PpLlmRequest *request,
                                                double        temperature);
PP_AVAILABLE_IN_ALL
double        pp_llm_request_get_temperature   (PpLlmRequest *request);
PP_AVAILABLE_IN_ALL
void          pp_llm_request_set_max_tokens    (PpLlmRequest *request,
                                                guint         max_tokens);
PP_AVAILABLE_IN_ALL
guint         pp_llm_request_get_max_tokens    (PpLlmRequest *request);
PP_AVAILABLE_IN_ALL
void          pp_llm_request_set_json_mode     (PpLlmRequest *request,
                                                gboolean      json_mode);
PP_AVAILABLE_IN_ALL
gboolean      pp_llm_request_get_json_mode     (PpLlmRequest *request);

PP_AVAILABLE_IN_0_2
void          pp_llm_request_set_top_p         (PpLlmRequest *request,
                                                double        top_p);
PP_AVAILABLE_IN_0_2
double        pp_llm_request_get_top_p         (PpLlmRequest *request);
PP_AVAILABLE_IN_0_2
void          pp_llm_request_set_seed          (PpLlmRequest *request,
                                                gint64        seed);
PP_AVAILABLE_IN_0_2
void          pp_llm_request_unset_seed        (PpLlmRequest *request);
PP_AVAILABLE_IN_0_2
gboolean      pp_llm_request_get_seed          (PpLlmRequest *request,
                                                gint64       *seed);
PP_AVAILABLE_IN_0_2
gboolean      pp_llm_request_set_response_format (PpLlmRequest  *request,
                                                  const char    *response_format,
                                                  GError       **error);
PP_AVAILABLE_IN_0_2
const char   *pp_llm_request_get_response_format (PpLlmRequest *request);
PP_AVAILABLE_IN_0_2
void          pp_llm_request_set_response_format_optional (PpLlmRequest *request,
                                                           gboolean      optional);
PP_AVAILABLE_IN_0_2
gboolean      pp_llm_request_get_response_format_optional (PpLlmRequest *request);
PP_AVAILABLE_IN_0_2
void          pp_llm_request_set_prompt_version (PpLlmRequest *request,
                                                 const char   *prompt_version);
PP_AVAILABLE_IN_0_2
const char   *pp_llm_request_get_prompt_version (PpLlmRequest *request);

PP_AVAILABLE_IN_ALL
char         *pp_llm_request_get_cache_key     (PpLlmRequest *request,
                                                const char   *client_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpLlmRequest, pp_llm_request_unref)

G_END_DECLS
