/* pp-test-server.h: an OpenAI-compatible server on its own thread, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PpTestServer:
 *
 * A chat-completions server on 127.0.0.1 that runs its own thread and main
 * context, so that a test may block on a request to it. It answers with
 * the mock answer (see pp_mock_answer_respond()) unless a reply was
 * scripted. All its functions are thread-safe.
 */
typedef struct _PpTestServer PpTestServer;

/**
 * PpTestServerEnding:
 * @PP_TEST_SERVER_ENDING_CLOSE: close the connection
 * @PP_TEST_SERVER_ENDING_RESET: reset the connection (a TCP RST)
 * @PP_TEST_SERVER_ENDING_HANG: keep the connection open and send nothing
 *   more, until the client goes away or the server is freed
 *
 * What a raw reply does once its bytes are written.
 */
typedef enum {
  PP_TEST_SERVER_ENDING_CLOSE,
  PP_TEST_SERVER_ENDING_RESET,
  PP_TEST_SERVER_ENDING_HANG,
} PpTestServerEnding;

/**
 * PP_TEST_SERVER_ENDLESS_LIMIT:
 *
 * How many bytes an endless reply sends at most before it closes the
 * connection, so that a client that reads without bound fails rather than
 * fill the machine's memory.
 */
#define PP_TEST_SERVER_ENDLESS_LIMIT (G_GUINT64_CONSTANT (64) * 1024 * 1024)

/**
 * PpTestServerAnswerFunc:
 * @user_message: the user's message of a request
 * @user_data: the data given with the function
 *
 * Answers a request, see pp_test_server_set_answer_func().
 *
 * Returns: (transfer full) (nullable): the assistant's message, or %NULL
 *   for the mock answer
 */
typedef char * (* PpTestServerAnswerFunc) (const char *user_message,
                                           gpointer    user_data);

PpTestServer *pp_test_server_new                       (void);
void          pp_test_server_free                      (PpTestServer *server);
const char   *pp_test_server_get_base_url              (PpTestServer *server);

void          pp_test_server_set_latency_ms            (PpTestServer *server,
                                                        guint         latency_ms);
void          pp_test_server_set_latency_jitter_ms     (PpTestServer *server,
                                                        guint         jitter_ms);
void          pp_test_server_set_answer_func           (PpTestServer           *server,
                                                        PpTestServerAnswerFunc  func,
                                                        gpointer                user_data);
void          pp_test_server_set_capacity              (PpTestServer *server,
                                                        guint         capacity);
void          pp_test_server_push_reply                (PpTestServer *server,
                                                        guint         status,
                                                        const char   *body,
                                                        const char   *retry_after);
void          pp_test_server_push_reply_with_headers   (PpTestServer       *server,
                                                        guint               status,
                                                        const char         *body,
                                                        const char * const *headers);
void          pp_test_server_push_content              (PpTestServer *server,
                                                        const char   *assistant_content);
void          pp_test_server_refuse_response_format    (PpTestServer *server,
                                                        const char   *type,
                                                        const char   *error_body);
void          pp_test_server_set_hold                  (PpTestServer *server,
                                                        gboolean      hold);
void          pp_test_server_push_raw_reply            (PpTestServer       *server,
                                                        const char         *raw,
                                                        PpTestServerEnding  ending);
void          pp_test_server_push_endless_reply        (PpTestServer *server,
                                                        const char   *head,
                                                        const char   *unit,
                                                        guint         interval_ms);

guint         pp_test_server_get_request_count         (PpTestServer *server);
guint         pp_test_server_get_in_flight             (PpTestServer *server);
guint         pp_test_server_get_peak_in_flight        (PpTestServer *server);
guint         pp_test_server_get_rejected_count        (PpTestServer *server);
guint         pp_test_server_get_connection_count      (PpTestServer *server);
guint64       pp_test_server_get_raw_bytes_sent        (PpTestServer *server);
GPtrArray    *pp_test_server_dup_user_messages         (PpTestServer *server);
GPtrArray    *pp_test_server_dup_authorization_headers (PpTestServer *server);
GPtrArray    *pp_test_server_dup_request_bodies        (PpTestServer *server);
GArray       *pp_test_server_dup_arrival_times         (PpTestServer *server);

gboolean      pp_test_server_wait_for_in_flight        (PpTestServer *server,
                                                        guint         n,
                                                        guint         timeout_ms);
gboolean      pp_test_server_wait_for_requests         (PpTestServer *server,
                                                        guint         n,
                                                        guint         timeout_ms);
gboolean      pp_test_server_wait_for_raw_replies_done (PpTestServer *server,
                                                        guint         timeout_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestServer, pp_test_server_free)

G_END_DECLS
