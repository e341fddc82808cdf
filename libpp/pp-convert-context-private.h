/* pp-convert-context-private.h: the processor's side of PpConvertContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-convert-context.h"
#include "pp-stats-private.h"

G_BEGIN_DECLS

/* Answers a request in place of the plain cache-then-client path: the
 * processor's single-flight table, concurrency gate and statistics. */
typedef PpLlmResponse * (* PpConvertContextCompleteFunc) (PpConvertContext  *context,
                                                          PpLlmRequest      *request,
                                                          GCancellable      *cancellable,
                                                          gpointer           user_data,
                                                          GError           **error);

/* Whether a request may still be sent, asked once it is about to go:
 * FALSE with @error set keeps it from being sent. */
typedef gboolean (* PpConvertContextMaySendFunc)    (gpointer       user_data,
                                                     GError       **error);
/* The error a sent request failed with, told before the caller of
 * pp_convert_context_ask_client() learns of it */
typedef void     (* PpConvertContextSendFailedFunc) (gpointer       user_data,
                                                     const GError  *error);

PpConvertContext *pp_convert_context_new_full (PpLlmClient                  *client,
                                               PpCache                      *cache,
                                               const char                   *model,
                                               PpConvertContextCompleteFunc  complete_func,
                                               gpointer                      user_data);

void              pp_convert_context_set_stats (PpConvertContext *context,
                                                PpStatsCollector *stats);
void              pp_convert_context_set_cache_ttl (PpConvertContext *context,
                                                    guint             ttl_s);

void              pp_convert_context_set_send_funcs (PpConvertContext               *context,
                                                     PpConvertContextMaySendFunc     may_send,
                                                     PpConvertContextSendFailedFunc  send_failed,
                                                     gpointer                        user_data);

char             *pp_convert_context_dup_cache_key (PpConvertContext *context,
                                                    PpLlmRequest     *request);
PpLlmResponse    *pp_convert_context_lookup_cache  (PpConvertContext *context,
                                                    const char       *key,
                                                    GCancellable     *cancellable);
PpLlmResponse    *pp_convert_context_ask_client    (PpConvertContext  *context,
                                                    PpLlmRequest      *request,
                                                    GCancellable      *cancellable,
                                                    GError           **error);
void              pp_convert_context_add_answer    (PpConvertContext *context,
                                                    const char       *key,
                                                    PpLlmResponse    *response);
void              pp_convert_context_end_conversion (PpConvertContext *context,
                                                     gboolean          succeeded);

G_END_DECLS
