/* pp-mock-llm.c: a local OpenAI-compatible server for demos, tests and
 * benchmarks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
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

#include "pp-mock-adjudication.h"
#include "pp-mock-answer.h"
#include "pp-mock-faults.h"
#include "pp-mock-request-log.h"

/* pp-mock-llm answers POST /v1/chat/completions with the mock answer (see
 * pp-mock-answer.c), --latency-ms after the request began to arrive. A
 * waiting answer pauses its message and returns to the main loop, so any
 * number of requests wait at once. GET /stats tells what it saw, for
 * benchmarks:
 *
 *   {"requests":…,"adjudications":…,"in_flight":…,"peak_in_flight":…,"connections":…,
 *    "distinct_messages":…,"duplicates":…,
 *    "first_request_us":…,"last_answer_us":…}
 *
 * where adjudications counts the entity adjudication requests answered
 * (pp-mock-adjudication.c), connections counts the connections chat requests came on (few,
 * when clients keep them alive), duplicates the distinct user messages
 * answered more than once (a 429, 500 or drop answers none), and the last
 * two are the wall-clock times (g_get_real_time()) of the first chat
 * request and of the end of the last answer, 0 before there is any. /stats also writes the seed, the capacity
 * now (null when unlimited), and the outcomes and log of
 * pp-mock-request-log.c; `GET /stats?log=N` writes only the last N
 * requests of the log.
 *
 * On purpose, it can also answer badly: pp-mock-faults.c decides, per
 * request, whether to turn it away for capacity, and which random fault to
 * give it (the --p* options), reproducibly for a given --seed. A 429 is
 * sent at once, with Retry-After; every other answer, a fault or not, is
 * due --latency-ms (plus a random part of --latency-jitter-ms) after the
 * request began to arrive, and a hang holds it
 * back --hang-ms more. A request is in flight from the moment it is
 * accepted (not turned away for capacity) until its answer is sent or its
 * connection closed. Everything runs on the main thread. */

typedef struct
{
  SoupServer *server;
  GMainLoop *loop;
  guint latency_ms;
  guint latency_jitter_ms;     /* up to this much more, at random */
  GRand *jitter;               /* seeded with --seed */

  guint64 requests;
  guint64 adjudications;       /* entity adjudication requests answered */
  JsonObject *adjudication_table; /* --adjudications, or NULL */
  guint in_flight;
  guint peak_in_flight;
  guint connections;
  GHashTable *seen;            /* checksum of a user message → times seen */
  guint duplicates;
  gint64 first_request_us;     /* wall-clock time of the first chat request */
  gint64 last_answer_us;       /* and of the last answer sent */

  gint64 start_us;             /* monotonic time the server started */
  PpMockFaults *faults;
  PpMockRequestLog *log;
  guint32 seed;
  const char *retry_after;     /* seconds, as given */
  guint hang_ms;
  gboolean hang_close;         /* close after a hang, rather than answer */

  GQueue waiting;              /* (element-type Waiting) by due time */
  GSource *answer_source;      /* dispatched when the first of them is due */
  int timer_fd;                /* what wakes it up, where there is timerfd */
} MockLlm;

/* What to do with a message when it is due */
typedef enum
{
  ACTION_ANSWER,               /* send its answer */
  ACTION_TRUNCATE,             /* send half of its answer, and close */
  ACTION_CLOSE,                /* close its connection without a word */
} Action;

/* An answer held back until @due (monotonic time) */
typedef struct
{
  SoupServerMessage *msg;
  gint64 due;
  Action action;
} Waiting;

static void
set_json_response (SoupServerMessage *msg,
                   guint              status,
                   char              *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

/* Counts a user message answered, by its @checksum */
static void
note_user_message (MockLlm    *self,
                   const char *checksum)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->seen, checksum)) + 1;

  if (count == 2)
    self->duplicates++;
  g_hash_table_replace (self->seen, g_strdup (checksum), GUINT_TO_POINTER (count));
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

/* The monotonic time @msg's request began to arrive */
static gint64
arrival_of (SoupServerMessage *msg)
{
  gint64 arrival = GPOINTER_TO_SIZE (g_object_get_qdata (G_OBJECT (msg), arrival_quark ()));

  if (arrival == 0)
    {
      arrival = g_get_monotonic_time ();
      g_object_set_qdata (G_OBJECT (msg), arrival_quark (), GSIZE_TO_POINTER ((gsize) arrival));
    }

  return arrival;
}

/* Takes @msg's connection from the server, which forgets @msg: it is no
 * longer in flight, and its answer will not be sent */
static GIOStream *
take_connection (MockLlm           *self,
                 SoupServerMessage *msg)
{
  /* Unless it finished already, as when its client went away */
  if (g_signal_handler_find (msg, G_SIGNAL_MATCH_FUNC | G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                             completion_finished, self) != 0)
    completion_finished (msg, self);

  return soup_server_message_steal_connection (msg);
}

static void
close_connection (MockLlm           *self,
                  SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = take_connection (self, msg);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
}

typedef struct
{
  GIOStream *stream;
  GBytes *bytes;
} Truncation;

static void
truncation_written (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  Truncation *truncation = data;

  /* Whether or not the client read it all, the answer ends here */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (truncation->stream, NULL, NULL);

  g_object_unref (truncation->stream);
  g_bytes_unref (truncation->bytes);
  g_free (truncation);
}

/* Sends @msg's status, its headers with the Content-Length of its whole
 * body, and the first half of the body, then closes the connection: the
 * client sees an answer end early */
static void
send_truncated (MockLlm           *self,
                SoupServerMessage *msg)
{
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  guint status = soup_server_message_get_status (msg);
  GString *response = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  Truncation *truncation;
  GIOStream *stream;

  g_string_append_printf (response, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, soup_server_message_get_response_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0)
      g_string_append_printf (response, "%s: %s\r\n", name, value);
  g_string_append_printf (response, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", g_bytes_get_size (body));
  g_string_append_len (response, g_bytes_get_data (body, NULL), g_bytes_get_size (body) / 2);

  stream = take_connection (self, msg);
  if (stream == NULL)
    {
      g_string_free (response, TRUE);
      return;
    }

  truncation = g_new0 (Truncation, 1);
  truncation->stream = stream;
  truncation->bytes = g_string_free_to_bytes (response);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (truncation->bytes, NULL),
                                   g_bytes_get_size (truncation->bytes),
                                   G_PRIORITY_DEFAULT, NULL, truncation_written, truncation);
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
      switch (waiting->action)
        {
        case ACTION_ANSWER:
          soup_server_message_unpause (waiting->msg);
          break;
        case ACTION_TRUNCATE:
          send_truncated (self, waiting->msg);
          break;
        case ACTION_CLOSE:
        default:
          close_connection (self, waiting->msg);
          break;
        }
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

/* Holds @msg back until @delay_ms after its request began to arrive,
 * however long reading and parsing it took, then does @action. With one
 * delay for all, they fall due in about the order requests arrived. */
static void
answer_later (MockLlm           *self,
              SoupServerMessage *msg,
              guint64            delay_ms,
              Action             action)
{
  Waiting *waiting;
  GList *l;

  waiting = g_new0 (Waiting, 1);
  waiting->msg = g_object_ref (msg);
  waiting->due = arrival_of (msg) + (gint64) delay_ms * 1000;
  waiting->action = action;

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

/* How long after its request began to arrive an answer is due:
 * --latency-ms, and up to --latency-jitter-ms more */
static guint64
answer_delay_ms (MockLlm *self)
{
  guint64 delay_ms = self->latency_ms;

  if (self->latency_jitter_ms > 0)
    delay_ms += g_rand_int_range (self->jitter, 0, (gint32) self->latency_jitter_ms + 1);

  return delay_ms;
}

/* A 429 with Retry-After, shaped like OpenAI's */
static void
set_rate_limited (MockLlm           *self,
                  SoupServerMessage *msg,
                  PpMockFault        fault)
{
  g_autofree char *message = NULL;

  if (fault == PP_MOCK_FAULT_OVER_CAPACITY)
    message = g_strdup_printf ("Too many requests in flight: the server takes %u at once. "
                               "Please try again in %s s.",
                               pp_mock_faults_get_capacity (self->faults, arrival_of (msg) - self->start_us),
                               self->retry_after);
  else
    message = g_strdup_printf ("Rate limit reached for requests. Please try again in %s s.", self->retry_after);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", self->retry_after);
  set_json_response (msg, PP_MOCK_STATUS_TOO_MANY_REQUESTS,
                     pp_mock_answer_error_body (message, "requests", "rate_limit_exceeded"));
  /* libsoup 3.2 has no reason phrase for it */
  soup_server_message_set_status (msg, PP_MOCK_STATUS_TOO_MANY_REQUESTS, "Too Many Requests");
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
  g_autofree char *checksum = NULL;
  g_autofree char *body = NULL;
  gboolean adjudication = FALSE;
  gint64 arrival_us;
  PpMockFault fault;
  const char *data;
  gsize length;

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

  arrival_us = arrival_of (msg) - self->start_us;
  fault = pp_mock_faults_decide (self->faults, arrival_us, self->in_flight);
  if (fault != PP_MOCK_FAULT_OVER_CAPACITY)
    {
      self->in_flight++;
      self->peak_in_flight = MAX (self->peak_in_flight, self->in_flight);
      g_signal_connect (msg, "finished", G_CALLBACK (completion_finished), self);
    }

  request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (request_body, &length);
  body = pp_mock_answer_respond_full (data, length, self->adjudication_table, &user_message,
                                      &adjudication, &error);
  if (user_message != NULL)
    checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, user_message, -1);

  switch (fault)
    {
    case PP_MOCK_FAULT_OVER_CAPACITY:
    case PP_MOCK_FAULT_RATE_LIMITED:
      set_rate_limited (self, msg, fault);
      break;
    case PP_MOCK_FAULT_SERVER_ERROR:
      set_json_response (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                         pp_mock_answer_error_body ("The server had an error while processing the request",
                                                    "server_error", NULL));
      break;
    case PP_MOCK_FAULT_DROP:
      break;
    case PP_MOCK_FAULT_NONE:
    case PP_MOCK_FAULT_HANG:
    case PP_MOCK_FAULT_TRUNCATE:
    default:
      if (body == NULL)
        set_json_response (msg, SOUP_STATUS_BAD_REQUEST,
                           pp_mock_answer_error_body (error->message, "invalid_request_error", NULL));
      else
        {
          note_user_message (self, checksum);
          if (adjudication)
            self->adjudications++;
          set_json_response (msg, SOUP_STATUS_OK, g_steal_pointer (&body));
        }
      break;
    }

  pp_mock_request_log_add (self->log, arrival_us, checksum, fault, soup_server_message_get_status (msg));

  switch (fault)
    {
    case PP_MOCK_FAULT_OVER_CAPACITY:
    case PP_MOCK_FAULT_RATE_LIMITED:
      break;                    /* at once */
    case PP_MOCK_FAULT_HANG:
      answer_later (self, msg, (guint64) self->hang_ms + self->latency_ms,
                    self->hang_close ? ACTION_CLOSE : ACTION_ANSWER);
      break;
    case PP_MOCK_FAULT_TRUNCATE:
      answer_later (self, msg, answer_delay_ms (self), ACTION_TRUNCATE);
      break;
    case PP_MOCK_FAULT_DROP:
      answer_later (self, msg, answer_delay_ms (self), ACTION_CLOSE);
      break;
    case PP_MOCK_FAULT_NONE:
    case PP_MOCK_FAULT_SERVER_ERROR:
    default:
      if (self->latency_ms > 0 || self->latency_jitter_ms > 0)
        answer_later (self, msg, answer_delay_ms (self), ACTION_ANSWER);
      break;
    }
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
  const char *log = query != NULL ? g_hash_table_lookup (query, "log") : NULL;
  guint64 max_entries = G_MAXUINT;
  guint capacity;

  if (log != NULL && !g_ascii_string_to_unsigned (log, 10, 0, G_MAXUINT, &max_entries, NULL))
    {
      set_json_response (msg, SOUP_STATUS_BAD_REQUEST,
                         pp_mock_answer_error_body ("log must be a number of requests", "invalid_request_error", NULL));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, (gint64) self->requests);
  json_builder_set_member_name (builder, "adjudications");
  json_builder_add_int_value (builder, (gint64) self->adjudications);
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
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, self->seed);
  json_builder_set_member_name (builder, "capacity");
  capacity = pp_mock_faults_get_capacity (self->faults, g_get_monotonic_time () - self->start_us);
  if (capacity == PP_MOCK_CAPACITY_UNLIMITED)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, capacity);
  pp_mock_request_log_build (self->log, builder, (guint) max_entries);
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

/* Whether @text is a number of seconds, such as 1 or 0.5 */
static gboolean
is_seconds (const char *text)
{
  char *end = NULL;
  double seconds = g_ascii_strtod (text, &end);

  return end != text && *end == '\0' && isfinite (seconds) && seconds >= 0.0;
}

/* Sets the probability of @fault from @option, or says why it cannot, as
 * usage_error() does */
static gboolean
set_probability (PpMockFaults   *faults,
                 PpMockFault     fault,
                 double          probability,
                 const char     *option,
                 GOptionContext *context)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!(probability >= 0.0 && probability <= 1.0))
    message = g_strdup_printf ("%s must be between 0 and 1", option);
  else if (!pp_mock_faults_set_probability (faults, fault, probability, &error))
    message = g_strdup_printf ("%s: %s", option, error->message);
  else
    return TRUE;

  usage_error (context, message);
  return FALSE;
}

int
main (int   argc,
      char *argv[])
{
  MockLlm self = { NULL, };
  int port = 0;
  int latency_ms = 0;
  int latency_jitter_ms = 0;
  int capacity = -1;
  g_autofree char *capacity_schedule = NULL;
  g_autofree char *retry_after = NULL;
  double p500 = 0.0;
  double p429 = 0.0;
  double phang = 0.0;
  double ptruncate = 0.0;
  double pdrop = 0.0;
  int hang_ms = 300000;
  gboolean hang_close = FALSE;
  gint64 seed = 0;
  g_autofree char *adjudications = NULL;
  g_autoptr(JsonObject) adjudication_table = NULL;
  g_autoptr(PpMockFaults) faults = NULL;
  g_autoptr(PpMockRequestLog) log = pp_mock_request_log_new (PP_MOCK_REQUEST_LOG_LIMIT);
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
    { "latency-jitter-ms", 0, 0, G_OPTION_ARG_INT, &latency_jitter_ms,
      "Answer up to N milliseconds later still, a time drawn for each request from --seed, so that "
      "answers come back in another order than their requests (default 0)", "N" },
    { "capacity", 0, 0, G_OPTION_ARG_INT, &capacity,
      "Answer 429 with Retry-After to a request that arrives while N requests are in flight "
      "(default: no limit)", "N" },
    { "capacity-schedule", 0, 0, G_OPTION_ARG_STRING, &capacity_schedule,
      "Change the capacity during the run: from T seconds after the start, N requests "
      "(such as 0:48,5:12,10:48; --capacity holds before the first T)", "T:N,…" },
    { "retry-after", 0, 0, G_OPTION_ARG_STRING, &retry_after,
      "The Retry-After of a 429, in seconds, written as given, such as 0.5 (default 1)", "S" },
    { "p500", 0, 0, G_OPTION_ARG_DOUBLE, &p500,
      "Answer a request 500 with an error body, with probability P (default 0)", "P" },
    { "p429", 0, 0, G_OPTION_ARG_DOUBLE, &p429,
      "Answer a request 429 with Retry-After, whatever the capacity, with probability P (default 0)", "P" },
    { "phang", 0, 0, G_OPTION_ARG_DOUBLE, &phang,
      "Say nothing to a request for --hang-ms, then answer it (or close), with probability P (default 0)", "P" },
    { "hang-ms", 0, 0, G_OPTION_ARG_INT, &hang_ms,
      "How long a hang lasts, in milliseconds, on top of --latency-ms (default 300000)", "MS" },
    { "hang-close", 0, 0, G_OPTION_ARG_NONE, &hang_close,
      "Close the connection when a hang ends, rather than answer", NULL },
    { "ptruncate", 0, 0, G_OPTION_ARG_DOUBLE, &ptruncate,
      "Send half of a 200's body, with the whole body's Content-Length, and close, with probability P "
      "(default 0)", "P" },
    { "pdrop", 0, 0, G_OPTION_ARG_DOUBLE, &pdrop,
      "Close the connection without answering a request, with probability P (default 0)", "P" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      "Seed the random faults with N: the fault of each request depends only on N and the order "
      "in which requests arrive, so a run is reproducible (default 0)", "N" },
    { "adjudications", 0, 0, G_OPTION_ARG_FILENAME, &adjudications,
      "Answer libpp's entity adjudication requests from FILE, a JSON object mapping a group's "
      "names, sorted and joined by |, to the answer, such as {\"Curie|Marie Curie\": {\"same\": "
      "[[0, 1]]}} (default: every group is told {\"same\": []})", "FILE" },
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
  g_option_context_set_description (context,
                                    "Once it listens, it prints one line to standard output:\n"
                                    "  pp-mock-llm listening on http://127.0.0.1:PORT/v1\n"
                                    "where the URL is the base URL to give a client (pp-convert --endpoint URL,\n"
                                    "or OPENAI_BASE_URL=URL). It serves until SIGINT or SIGTERM.");
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
  if (latency_jitter_ms < 0)
    return usage_error (context, "--latency-jitter-ms must not be negative");
  if (hang_ms < 0)
    return usage_error (context, "--hang-ms must not be negative");
  if (capacity < -1)
    return usage_error (context, "--capacity must not be negative");
  if (seed < 0 || seed > G_MAXUINT32)
    return usage_error (context, "--seed must be between 0 and 4294967295");
  if (retry_after != NULL && !is_seconds (retry_after))
    return usage_error (context, "--retry-after must be a number of seconds, such as 1 or 0.5");

  if (adjudications != NULL &&
      (adjudication_table = pp_mock_adjudication_load_table (adjudications, &error)) == NULL)
    {
      g_autofree char *message = g_strdup_printf ("--adjudications: %s", error->message);

      return usage_error (context, message);
    }

  faults = pp_mock_faults_new ((guint32) seed);
  if (capacity >= 0)
    pp_mock_faults_set_capacity (faults, (guint) capacity);
  if (capacity_schedule != NULL && !pp_mock_faults_set_capacity_schedule (faults, capacity_schedule, &error))
    {
      g_autofree char *message = g_strdup_printf ("--capacity-schedule: %s", error->message);

      return usage_error (context, message);
    }
  if (!set_probability (faults, PP_MOCK_FAULT_SERVER_ERROR, p500, "--p500", context) ||
      !set_probability (faults, PP_MOCK_FAULT_RATE_LIMITED, p429, "--p429", context) ||
      !set_probability (faults, PP_MOCK_FAULT_HANG, phang, "--phang", context) ||
      !set_probability (faults, PP_MOCK_FAULT_TRUNCATE, ptruncate, "--ptruncate", context) ||
      !set_probability (faults, PP_MOCK_FAULT_DROP, pdrop, "--pdrop", context))
    return 2;
  g_option_context_free (context);

  self.latency_ms = latency_ms;
  self.latency_jitter_ms = latency_jitter_ms;
  self.jitter = g_rand_new_with_seed ((guint32) seed);
  self.adjudication_table = adjudication_table;
  self.faults = faults;
  self.log = log;
  self.seed = (guint32) seed;
  self.retry_after = retry_after != NULL ? retry_after : "1";
  self.hang_ms = hang_ms;
  self.hang_close = hang_close;
  self.loop = g_main_loop_new (NULL, FALSE);
  self.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.server = soup_server_new ("server-header", "pp-mock-llm/" PACKAGE_VERSION " ", NULL);

  g_signal_connect (self.server, "request-started", G_CALLBACK (request_started), NULL);
  answer_source_attach (&self);
  self.start_us = g_get_monotonic_time ();

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

  /* Stopping: a second signal while the server shuts down changes nothing
   * (the default action would kill it before it said it stopped) */
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  signal (SIGINT, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  answer_source_destroy (&self);
  soup_server_disconnect (self.server);
  g_clear_object (&self.server);
  g_hash_table_unref (self.seen);
  g_rand_free (self.jitter);
  g_main_loop_unref (self.loop);

  return EXIT_SUCCESS;
}
