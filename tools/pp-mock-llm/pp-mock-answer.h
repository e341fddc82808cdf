/* pp-mock-answer.h: deterministic answers of the mock LLM
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * PP_MOCK_ANSWER_MODEL:
 *
 * The model the mock answers as when a request names none.
 */
#define PP_MOCK_ANSWER_MODEL "pp-mock"

GPtrArray *pp_mock_answer_find_names          (const char  *text);
char      *pp_mock_answer_graph               (const char  *user_message);
guint      pp_mock_answer_count_tokens        (const char  *text);
char      *pp_mock_answer_completion          (const char  *model,
                                               const char  *content,
                                               guint        prompt_tokens);
gboolean   pp_mock_answer_parse_request       (const char  *body,
                                               gsize        length,
                                               char       **model,
                                               char       **system_prompt,
                                               char       **user_message,
                                               GError     **error);
char      *pp_mock_answer_respond             (const char  *body,
                                               gsize        length,
                                               char       **user_message,
                                               GError     **error);
char      *pp_mock_answer_respond_full        (const char  *body,
                                               gsize        length,
                                               JsonObject  *adjudications,
                                               char       **user_message,
                                               gboolean    *adjudication,
                                               GError     **error);
char      *pp_mock_answer_error_body          (const char  *message,
                                               const char  *type,
                                               const char  *code);

GSocket   *pp_mock_listen_socket_new          (guint16      port,
                                               GError     **error);

G_END_DECLS
