/* pp-convert-context.h: how a converter asks the LLM
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-llm-client.h>
#include <libpp/pp-cache.h>

G_BEGIN_DECLS

#define PP_TYPE_CONVERT_CONTEXT (pp_convert_context_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (PpConvertContext, pp_convert_context, PP, CONVERT_CONTEXT, GObject)

PP_AVAILABLE_IN_ALL
PpConvertContext *pp_convert_context_new        (PpLlmClient       *client,
                                                 PpCache           *cache);
PP_AVAILABLE_IN_ALL
PpLlmClient      *pp_convert_context_get_client (PpConvertContext  *context);
PP_AVAILABLE_IN_ALL
PpCache          *pp_convert_context_get_cache  (PpConvertContext  *context);
PP_AVAILABLE_IN_ALL
void              pp_convert_context_set_model  (PpConvertContext  *context,
                                                 const char        *model);
PP_AVAILABLE_IN_ALL
const char       *pp_convert_context_get_model  (PpConvertContext  *context);

PP_AVAILABLE_IN_0_2
void              pp_convert_context_set_document_name (PpConvertContext *context,
                                                        const char       *name);
PP_AVAILABLE_IN_0_2
const char       *pp_convert_context_get_document_name (PpConvertContext *context);

PP_AVAILABLE_IN_ALL
PpLlmResponse    *pp_convert_context_complete   (PpConvertContext  *context,
                                                 PpLlmRequest      *request,
                                                 GCancellable      *cancellable,
                                                 GError           **error);
PP_AVAILABLE_IN_0_2
void              pp_convert_context_reject_answer (PpConvertContext *context,
                                                    PpLlmResponse    *response);

G_END_DECLS
