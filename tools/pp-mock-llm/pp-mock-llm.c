/* pp-mock-llm.c: a local OpenAI-compatible server for demos, tests and
 * benchmarks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_TIMERFD
#include <sys/timerfd.h>
#include <unistd.h>
#endif

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pp-mock-answer.h"

/* pp-mock-llm answers POST /v1/chat/completions with the mock answer (see
 * pp-mock-answer.c), --latency-ms after the request began to arrive. A
 * waiting answer pauses its message and returns to the main loop, so any
 * number of requests wait at once. GET /stats tells what it saw, for
 * benchmarks:
 *
 *   {"requests":…,"in_flight":…,"peak_in_flight":…,"connections":…,
 *    "distinct_messages":…,"duplicates":…,
 *    "first_request_us":…,"last_answer_us":…}
 *
 * where connections counts the connections chat requests came on (few,
 * when clients keep them alive), duplicates the distinct user messages
 * received more than once, and the last two are the wall-clock times
 * (g_get_real_time()) of the first chat request and of the end of the last
 * answer, 0 before there is any. Everything runs on the main thread. */

typedef struct
{
  SoupServer *server;
  GMainLoop *loop;
  guint latency_ms;

  guint64 requests;
  guint in_flight;
  guint peak_in_flight;
  guint connections;
  GHashTable *seen;            /* checksum of a user message → times seen */
  guint duplicates;
  gint64 first_request_us;     /* wall-clock time of the first chat request */
  gint64 last_answer_us;       /* and of the last answer sent */

  GQueue waiting;              /* (element-type Waiting) by due time */
  GSource *answer_source;      /* dispatched when the first of them is due */
  int timer_fd;                /* what wakes it up, where there is timerfd */
} MockLlm;

/* An answer held back until @due (monotonic time) */
typedef struct
{
  SoupServerMessage *msg;
  gint64 due;
} Waiting;

static void
set_json_response (SoupServerMessage *msg,
                   guint              status,
                   char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
note_user_message (MockLlm    *self,
                   const char *user_message)
{
  char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, user_message, -1);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->seen, checksum)) + 1;

  if (count == 2)
    self->duplicates++;
  g_hash_table_replace (self->seen, checksum, GUINT_TO_POINTER (count));
}

static void
note_connection (MockLlm           *self,
                 SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GQuark seen = g_quark_from_static_string ("pp-mock-llm-seen");

  /* Mark each connection's socket the first time it carries a request */
  if (socket == NULL || g_object_get_qdata (G_OBJECT (socket), seen) != NULL)
    return;

  g_object_set_qdata (G_OBJECT (socket), seen, GINT_TO_POINTER (1));
  self->connections++;
}

static void
completion_finished (SoupServerMessage *msg,
                     MockLlm           *self)
{
  self->in_flight--;
  self->last_answer_us = g_get_real_time ();
  g_signal_handlers_disconnect_by_func (msg, completion_finished, self);
}

static GQuark
arrival_quark (void)
{
  return g_quark_from_static_string ("pp-mock-llm-arrival");
}

static void
waiting_free (Waiting *waiting)
{
  g_object_unref (waiting->msg);
  g_free (waiting);
}

/* The answers wait in order of due time behind one source, dispatched when
 * the first of them is due. A GLib ready time wakes the main loop up to a
 * millisecond late (poll() counts in milliseconds), which would add half a
 * millisecond to the latency on average: where there is timerfd, the
 * source polls a timer that expires at the microsecond. */
static void
answer_timer_set (MockLlm *self,
                  gint64   due)
{
#ifdef HAVE_TIMERFD
  /* g_get_monotonic_time() is CLOCK_MONOTONIC */
  struct itimerspec spec = { { 0, 0 }, { due / G_USEC_PER_SEC, (due % G_USEC_PER_SEC) * 1000 } };

  if (due < 0)
    spec.it_value.tv_sec = spec.it_value.tv_nsec = 0;   /* disarmed */
  else if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
    spec.it_value.tv_nsec = 1;                          /* 0 would disarm */
  timerfd_settime (self->timer_fd, TFD_TIMER_ABSTIME, &spec, NULL);
#else
  g_source_set_ready_time (self->answer_source, due);
#endif
}

/* Sends the answers that are due, and waits for the next one */
static gboolean
answer_due (gpointer data)
{
  MockLlm *self = data;
  gint64 now = g_get_monotonic_time ();
  Waiting *waiting;

#ifdef HAVE_TIMERFD
  guint64 expirations;

  /* Non-blocking: nothing to read when the timer was set again since */
  if (read (self->timer_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
    g_warning ("Cannot read the answer timer: %s", g_strerror (errno));
#endif

  while ((waiting = g_queue_peek_head (&self->waiting)) != NULL && waiting->due <= now)
    {
      g_queue_pop_head (&self->waiting);
      soup_server_message_unpause (waiting->msg);
      waiting_free (waiting);
    }

  answer_timer_set (self, waiting != NULL ? waiting->due : -1);

  return G_SOURCE_CONTINUE;
}

static gboolean
answer_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs answer_source_funcs = {
  .dispatch = answer_source_dispatch,
};

static void
answer_source_attach (MockLlm *self)
{
  self->answer_source = g_source_new (&answer_source_funcs, sizeof (GSource));
#ifdef HAVE_TIMERFD
  self->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->timer_fd < 0)
    g_error ("Cannot create a timer: %s", g_strerror (errno));
  g_source_add_unix_fd (self->answer_source, self->timer_fd, G_IO_IN);
#endif
  g_source_set_callback (self->answer_source, answer_due, self, NULL);
  g_source_set_static_name (self->answer_source, "[pp-mock-llm] answers");
  g_source_attach (self->answer_source, NULL);
}

static void
answer_source_destroy (MockLlm *self)
{
  g_source_destroy (self->answer_source);
  g_clear_pointer (&self->answer_source, g_source_unref);
#ifdef HAVE_TIMERFD
  close (self->timer_fd);
#endif
  g_queue_clear_full (&self->waiting, (GDestroyNotify) waiting_free);
}

/* Holds @msg's answer back until @latency_ms after its request began to
 * arrive, however long reading and parsing it took. With one latency for
 * all, answers fall due in about the order requests arrived. */
static void
answer_later (MockLlm           *self,
              SoupServerMessage *msg)
{
  gint64 arrival = GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (msg), arrival_quark ()));
  Waiting *waiting;
  GList *l;

  if (arrival == 0)
    arrival = g_get_monotonic_time ();

  waiting = g_new0 (Waiting, 1);
  waiting->msg = g_object_ref (msg);
  waiting->due = arrival + (gint64) self->latency_ms * 1000;

  soup_server_message_pause (msg);
  /* Almost always at the tail */
  for (l = self->waiting.tail; l != NULL && ((Waiting *) l->data)->due > waiting->due; l = l->prev)
    ;
  if (l != NULL)
    g_queue_insert_after (&self->waiting, l, waiting);
  else
    g_queue_push_head (&self->waiting, waiting);
  if (g_queue_peek_head (&self->waiting) == waiting)
    answer_timer_set (self, waiting->due);
}

static void
request_started (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  g_object_set_qdata (G_OBJECT (msg), arrival_quark (),
                      GSIZE_TO_POINTER ((gsize) g_get_monotonic_time ()));
}

static void
handle_completions (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  MockLlm *self = user_data;
  g_autoptr(GBytes) request_body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_message = NULL;
  const char *data;
  gsize length;
  char *body;

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      set_json_response (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                         pp_mock_answer_error_body ("Use POST", "invalid_request_error", NULL));
      return;
    }

  note_connection (self, msg);
  if (self->requests == 0)
    self->first_request_us = g_get_real_time ();
  self->requests++;
  self->in_flight++;
  self->peak_in_flight = MAX (self->peak_in_flight, self->in_flight);
  g_signal_connect (msg, "finished", G_CALLBACK (completion_finished), self);

  request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (request_body, &length);
  body = pp_mock_answer_respond (data, length, &user_message, &error);
  if (body == NULL)
    {
      set_json_response (msg, SOUP_STATUS_BAD_REQUEST,
                         pp_mock_answer_error_body (error->message, "invalid_request_error", NULL));
      return;
    }

  note_user_message (self, user_message);
  set_json_response (msg, SOUP_STATUS_OK, body);

  if (self->latency_ms > 0)
    answer_later (self, msg);
}

static void
handle_stats (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  MockLlm *self = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, (gint64) self->requests);
  json_builder_set_member_name (builder, "in_flight");
  json_builder_add_int_value (builder, self->in_flight);
  json_builder_set_member_name (builder, "peak_in_flight");
  json_builder_add_int_value (builder, self->peak_in_flight);
  json_builder_set_member_name (builder, "connections");
  json_builder_add_int_value (builder, self->connections);
  json_builder_set_member_name (builder, "distinct_messages");
  json_builder_add_int_value (builder, g_hash_table_size (self->seen));
  json_builder_set_member_name (builder, "duplicates");
  json_builder_add_int_value (builder, self->duplicates);
  json_builder_set_member_name (builder, "first_request_us");
  json_builder_add_int_value (builder, self->first_request_us);
  json_builder_set_member_name (builder, "last_answer_us");
  json_builder_add_int_value (builder, self->last_answer_us);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  set_json_response (msg, SOUP_STATUS_OK, json_generator_to_data (generator, NULL));
}

static void
handle_models (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  set_json_response (msg, SOUP_STATUS_OK,
                     g_strdup ("{\"object\":\"list\",\"data\":[{\"id\":\"" PP_MOCK_ANSWER_MODEL "\","
                               "\"object\":\"model\",\"owned_by\":\"libpp\"}]}"));
}

static void
handle_other (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  set_json_response (msg, SOUP_STATUS_NOT_FOUND,
                     pp_mock_answer_error_body ("No such endpoint", "invalid_request_error", NULL));
}

static gboolean
quit (gpointer data)
{
  MockLlm *self = data;

  g_main_loop_quit (self->loop);

  return G_SOURCE_CONTINUE;
}

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_printerr ("pp-mock-llm: %s (see --help)\n", message);
  g_option_context_free (context);

  return 2;
}

int
main (int   argc,
      char *argv[])
{
  MockLlm self = { NULL, };
  int port = 0;
  int latency_ms = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  GOptionContext *context;
  GSList *uris;
  guint sigint_id;
  guint sigterm_id;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "The port to listen on, on 127.0.0.1; 0 picks a free one (default)", "N" },
    { "latency-ms", 'l', 0, G_OPTION_ARG_INT, &latency_ms,
      "Answer N milliseconds after each request began to arrive (default 0)", "N" },
    G_OPTION_ENTRY_NULL
  };

  setlocale (LC_ALL, "");
  g_set_prgname ("pp-mock-llm");

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                "A local OpenAI-compatible chat-completions server for demos, tests and\n"
                                "benchmarks. POST /v1/chat/completions answers with schema.org JSON-LD naming\n"
                                "the capitalised names of the user's message; GET /stats reports requests,\n"
                                "in_flight, peak_in_flight, connections, distinct_messages, duplicates, and\n"
                                "the wall-clock times of the first request and the last answer.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return usage_error (context, error->message);
  if (argc > 1)
    {
      g_autofree char *message = g_strdup_printf ("unexpected argument ‘%s’", argv[1]);

      return usage_error (context, message);
    }
  if (port < 0 || port > 65535)
    return usage_error (context, "--port must be between 0 and 65535");
  if (latency_ms < 0)
    return usage_error (context, "--latency-ms must not be negative");
  g_option_context_free (context);

  self.latency_ms = latency_ms;
  self.loop = g_main_loop_new (NULL, FALSE);
  self.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.server = soup_server_new ("server-header", "pp-mock-llm/" PACKAGE_VERSION " ", NULL);

  g_signal_connect (self.server, "request-started", G_CALLBACK (request_started), NULL);
  answer_source_attach (&self);

  soup_server_add_handler (self.server, "/v1/chat/completions", handle_completions, &self, NULL);
  soup_server_add_handler (self.server, "/v1/models", handle_models, &self, NULL);
  soup_server_add_handler (self.server, "/stats", handle_stats, &self, NULL);
  soup_server_add_handler (self.server, NULL, handle_other, &self, NULL);

  socket = pp_mock_listen_socket_new (port, &error);
  if (socket == NULL || !soup_server_listen_socket (self.server, socket, 0, &error))
    {
      g_printerr ("pp-mock-llm: cannot listen on 127.0.0.1:%d: %s\n", port, error->message);
      return 1;
    }

  uris = soup_server_get_uris (self.server);
  g_print ("pp-mock-llm listening on http://127.0.0.1:%d/v1\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  sigint_id = g_unix_signal_add (SIGINT, quit, &self);
  sigterm_id = g_unix_signal_add (SIGTERM, quit, &self);

  g_main_loop_run (self.loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  answer_source_destroy (&self);
  soup_server_disconnect (self.server);
  g_clear_object (&self.server);
  g_hash_table_unref (self.seen);
  g_main_loop_unref (self.loop);

  return EXIT_SUCCESS;
}
