/* pp-test-server.c: an OpenAI-compatible server on its own thread, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "pp-mock-answer.h"
#include "pp-test-server.h"

/* The server's SoupServer, its held messages and its timers belong to its
 * thread; everything a test reads or scripts is behind the mutex. Delays
 * and holds pause the message (soup_server_message_pause()) and return to
 * the main loop, so that one slow answer never delays another. */

typedef struct
{
  guint status;
  char *body;          /* sent as is, or NULL */
  char *content;       /* or: a 200 whose assistant message is this */
  GStrv headers;       /* name, value, name, value… */

  /* or: bytes written on the connection as they are */
  GBytes *raw;
  GBytes *unit;        /* then this, again and again, or NULL */
  guint interval_ms;   /* between units; 0: as fast as the client reads */
  PpTestServerEnding ending;
} Reply;

/* A raw reply being written on a connection taken from the SoupServer;
 * the server thread's. Each pending operation holds a reference. */
typedef struct
{
  PpTestServer *self;
  GIOStream *stream;
  GSocket *socket;
  GCancellable *cancellable;
  GBytes *unit;              /* the unit, or a block of units */
  guint interval_ms;
  PpTestServerEnding ending;
  GSource *timer;
  gboolean done;
  guint64 sent;
} RawWriter;

struct _PpTestServer
{
  GMutex mutex;
  GCond cond;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  char *base_url;

  /* the server thread's */
  SoupServer *server;
  GPtrArray *held;             /* SoupServerMessage, paused until released */
  GPtrArray *timers;           /* GSource, each unpausing one message */
  GPtrArray *raw_writers;      /* RawWriter, until each is done */

  /* under mutex */
  gboolean started;
  guint latency_ms;
  guint latency_jitter_ms;     /* up to this much more, at random */
  PpTestServerAnswerFunc answer_func;
  gpointer answer_data;
  guint capacity;              /* 0: none */
  guint rejected_count;
  gboolean hold;
  GQueue replies;              /* Reply */
  GHashTable *refused_formats; /* response_format type → error body */
  GPtrArray *user_messages;
  GPtrArray *authorization_headers;
  GPtrArray *request_bodies;
  GArray *arrival_times;       /* gint64, monotonic µs */
  guint request_count;
  guint in_flight;
  guint peak_in_flight;
  guint connection_count;
  guint raw_active;
  guint64 raw_bytes_sent;
};

static GQuark
seen_socket_quark (void)
{
  return g_quark_from_static_string ("pp-test-server-seen");
}

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_free (reply->content);
  g_strfreev (reply->headers);
  g_clear_pointer (&reply->raw, g_bytes_unref);
  g_clear_pointer (&reply->unit, g_bytes_unref);
  g_free (reply);
}

static void
set_json_response (SoupServerMessage *msg,
                   guint              status,
                   char              *body)
{
  /* libsoup 3.2 has no phrase for 429 */
  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
  else
    soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);
}

static void
message_finished (SoupServerMessage *msg,
                  PpTestServer      *self)
{
  g_mutex_lock (&self->mutex);
  g_assert (self->in_flight > 0);
  self->in_flight--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_signal_handlers_disconnect_by_func (msg, message_finished, self);
}

typedef struct
{
  PpTestServer *self;
  SoupServerMessage *msg;
} Delayed;

static void
delayed_free (Delayed *delayed)
{
  g_object_unref (delayed->msg);
  g_free (delayed);
}

static gboolean
delayed_answer (gpointer data)
{
  Delayed *delayed = data;

  soup_server_message_unpause (delayed->msg);
  /* The main loop holds the source while dispatching it */
  g_ptr_array_remove_fast (delayed->self->timers, g_main_current_source ());

  return G_SOURCE_REMOVE;
}

static void
count_connection (PpTestServer      *self,
                  SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  /* Mark each connection's socket the first time it carries a request */
  if (socket == NULL || g_object_get_qdata (G_OBJECT (socket), seen_socket_quark ()) != NULL)
    return;

  g_object_set_qdata (G_OBJECT (socket), seen_socket_quark (), GINT_TO_POINTER (1));
  g_mutex_lock (&self->mutex);
  self->connection_count++;
  g_mutex_unlock (&self->mutex);
}

/* Raw replies: the connection is taken from the SoupServer and written to
 * as the reply says, whatever HTTP thinks of it */

static RawWriter *
raw_writer_ref (RawWriter *writer)
{
  return g_rc_box_acquire (writer);
}

static void
raw_writer_clear (RawWriter *writer)
{
  g_clear_object (&writer->stream);
  g_clear_object (&writer->socket);
  g_clear_object (&writer->cancellable);
  g_clear_pointer (&writer->unit, g_bytes_unref);
}

static void
raw_writer_unref (RawWriter *writer)
{
  g_rc_box_release_full (writer, (GDestroyNotify) raw_writer_clear);
}

/* Ends @writer once, as its reply says, and counts the request answered */
static void
raw_writer_finish (RawWriter          *writer,
                   PpTestServerEnding  ending)
{
  PpTestServer *self = writer->self;

  if (writer->done)
    return;
  writer->done = TRUE;

  g_cancellable_cancel (writer->cancellable);
  if (writer->timer != NULL)
    {
      g_source_destroy (writer->timer);
      g_clear_pointer (&writer->timer, g_source_unref);
    }

  if (ending == PP_TEST_SERVER_ENDING_RESET && writer->socket != NULL)
    {
      struct linger linger = { 1, 0 };

      /* Closing with a zero linger time sends a RST */
      if (setsockopt (g_socket_get_fd (writer->socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger) != 0)
        g_error ("The test server cannot reset a connection: %s", g_strerror (errno));
    }
  g_io_stream_close (writer->stream, NULL, NULL);

  g_mutex_lock (&self->mutex);
  g_assert (self->in_flight > 0 && self->raw_active > 0);
  self->in_flight--;
  self->raw_active--;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_ptr_array_remove_fast (self->raw_writers, writer);
}

static void raw_writer_write (RawWriter *writer,
                              GBytes    *bytes);

static gboolean
raw_writer_next_unit (gpointer data)
{
  RawWriter *writer = data;

  g_clear_pointer (&writer->timer, g_source_unref);
  raw_writer_write (writer, writer->unit);

  return G_SOURCE_REMOVE;
}

static void
raw_writer_wrote (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  RawWriter *writer = data;
  gsize written = 0;
  gboolean ok;

  ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, NULL);

  g_mutex_lock (&writer->self->mutex);
  writer->self->raw_bytes_sent += written;
  g_mutex_unlock (&writer->self->mutex);
  writer->sent += written;

  if (writer->done)
    ;
  else if (!ok)
    raw_writer_finish (writer, PP_TEST_SERVER_ENDING_CLOSE);   /* the client went away */
  else if (writer->unit == NULL && writer->ending == PP_TEST_SERVER_ENDING_HANG)
    ;   /* until the client closes the connection */
  else if (writer->unit == NULL)
    raw_writer_finish (writer, writer->ending);
  else if (writer->sent >= PP_TEST_SERVER_ENDLESS_LIMIT)
    raw_writer_finish (writer, PP_TEST_SERVER_ENDING_CLOSE);
  else if (writer->interval_ms == 0)
    raw_writer_write (writer, writer->unit);
  else
    {
      writer->timer = g_timeout_source_new (writer->interval_ms);
      g_source_set_callback (writer->timer, raw_writer_next_unit,
                             raw_writer_ref (writer), (GDestroyNotify) raw_writer_unref);
      g_source_set_name (writer->timer, "[pp-test-server] next unit of a raw reply");
      g_source_attach (writer->timer, writer->self->context);
    }

  raw_writer_unref (writer);
}

static void
raw_writer_write (RawWriter *writer,
                  GBytes    *bytes)
{
  gsize length;
  const void *data = g_bytes_get_data (bytes, &length);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (writer->stream),
                                   data, length, G_PRIORITY_DEFAULT, writer->cancellable,
                                   raw_writer_wrote, raw_writer_ref (writer));
}

/* Whatever the client sends, until it closes the connection: then the
 * reply is over, however it was meant to end */
static void
raw_writer_read (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  RawWriter *writer = data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, NULL);

  if (writer->done)
    ;
  else if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    raw_writer_finish (writer, PP_TEST_SERVER_ENDING_CLOSE);
  else
    g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 4096, G_PRIORITY_DEFAULT,
                                     writer->cancellable, raw_writer_read, raw_writer_ref (writer));

  raw_writer_unref (writer);
}

static void
start_raw_reply (PpTestServer      *self,
                 SoupServerMessage *msg,
                 Reply             *reply)
{
  RawWriter *writer = g_rc_box_new0 (RawWriter);
  GSocket *socket = soup_server_message_get_socket (msg);

  writer->self = self;
  writer->socket = socket != NULL ? g_object_ref (socket) : NULL;
  writer->stream = soup_server_message_steal_connection (msg);
  g_assert (writer->stream != NULL);
  writer->cancellable = g_cancellable_new ();
  writer->interval_ms = reply->interval_ms;
  writer->ending = reply->ending;

  if (reply->unit != NULL && reply->interval_ms == 0)
    {
      /* Units as fast as the client reads: write them a block at a time */
      gsize unit_length;
      const char *unit = g_bytes_get_data (reply->unit, &unit_length);
      g_autoptr(GByteArray) block = g_byte_array_new ();

      while (block->len < 64 * 1024)
        g_byte_array_append (block, (const guint8 *) unit, unit_length);
      writer->unit = g_byte_array_free_to_bytes (g_steal_pointer (&block));
    }
  else if (reply->unit != NULL)
    writer->unit = g_bytes_ref (reply->unit);

  g_mutex_lock (&self->mutex);
  self->raw_active++;
  g_mutex_unlock (&self->mutex);

  g_ptr_array_add (self->raw_writers, writer);
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (writer->stream), 4096, G_PRIORITY_DEFAULT,
                                   writer->cancellable, raw_writer_read, raw_writer_ref (writer));
  raw_writer_write (writer, reply->raw);
}

/* The type of the request's response_format, or NULL */
static char *
dup_response_format_type (const char *data,
                          gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *format;
  JsonNode *type;

  if (data == NULL || !json_parser_load_from_data (parser, data, (gssize) length, NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  format = json_object_get_member (json_node_get_object (root), "response_format");
  if (format == NULL || !JSON_NODE_HOLDS_OBJECT (format))
    return NULL;

  type = json_object_get_member (json_node_get_object (format), "type");
  if (type == NULL || json_node_get_value_type (type) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (type));
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  PpTestServer *self = user_data;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) request_body = NULL;
  g_autofree char *user_message = NULL;
  g_autofree char *model = NULL;
  g_autofree char *format_type = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *answered = NULL;
  const char *authorization;
  const char *data;
  gsize length;
  Reply *reply;
  guint latency_ms;
  PpTestServerAnswerFunc answer_func;
  gpointer answer_data;
  gboolean hold;
  gboolean over_capacity;

  count_connection (self, msg);

  if (strcmp (path, "/v1/chat/completions") != 0)
    {
      set_json_response (msg, SOUP_STATUS_NOT_FOUND,
                         pp_mock_answer_error_body ("No such endpoint", "invalid_request_error", NULL));
      return;
    }

  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "POST");
      set_json_response (msg, SOUP_STATUS_METHOD_NOT_ALLOWED,
                         pp_mock_answer_error_body ("Use POST", "invalid_request_error", NULL));
      return;
    }

  request_body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  data = g_bytes_get_data (request_body, &length);
  pp_mock_answer_parse_request (data, length, &model, NULL, &user_message, NULL);
  format_type = dup_response_format_type (data, length);
  authorization = soup_message_headers_get_one (request_headers, "Authorization");

  g_mutex_lock (&self->mutex);
  self->request_count++;
  self->in_flight++;
  over_capacity = self->capacity > 0 && self->in_flight > self->capacity;
  if (over_capacity)
    self->rejected_count++;
  else
    self->peak_in_flight = MAX (self->peak_in_flight, self->in_flight);
  if (user_message != NULL)
    g_ptr_array_add (self->user_messages, g_strdup (user_message));
  g_ptr_array_add (self->authorization_headers, g_strdup (authorization != NULL ? authorization : ""));
  g_ptr_array_add (self->request_bodies, g_strndup (data != NULL ? data : "", length));
  g_array_append_vals (self->arrival_times, &(gint64) { g_get_monotonic_time () }, 1);
  if (!over_capacity && format_type != NULL)
    refusal = g_strdup (g_hash_table_lookup (self->refused_formats, format_type));
  reply = over_capacity || refusal != NULL ? NULL : g_queue_pop_head (&self->replies);
  latency_ms = self->latency_ms;
  if (self->latency_jitter_ms > 0)
    latency_ms += (guint) g_random_int_range (0, (gint32) self->latency_jitter_ms + 1);
  answer_func = self->answer_func;
  answer_data = self->answer_data;
  hold = self->hold;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (reply != NULL && reply->raw != NULL)
    {
      start_raw_reply (self, msg, reply);
      reply_free (reply);
      return;
    }

  g_signal_connect (msg, "finished", G_CALLBACK (message_finished), self);

  if (over_capacity)
    {
      set_json_response (msg, 429, pp_mock_answer_error_body ("Too many requests at once",
                                                              "requests", "rate_limit_exceeded"));
      return;
    }

  if (refusal != NULL)
    {
      set_json_response (msg, SOUP_STATUS_BAD_REQUEST, g_steal_pointer (&refusal));
    }
  else if (reply != NULL && reply->content != NULL)
    {
      set_json_response (msg, SOUP_STATUS_OK,
                         pp_mock_answer_completion (model, reply->content,
                                                    pp_mock_answer_count_tokens (user_message)));
    }
  else if (reply != NULL)
    {
      for (guint i = 0; reply->headers != NULL && reply->headers[i] != NULL; i += 2)
        soup_message_headers_append (soup_server_message_get_response_headers (msg),
                                     reply->headers[i], reply->headers[i + 1]);
      set_json_response (msg, reply->status, g_steal_pointer (&reply->body));
    }
  else if (answer_func != NULL && user_message != NULL &&
           (answered = answer_func (user_message, answer_data)) != NULL)
    {
      set_json_response (msg, SOUP_STATUS_OK,
                         pp_mock_answer_completion (model, answered,
                                                    pp_mock_answer_count_tokens (user_message)));
    }
  else
    {
      g_autoptr(GError) error = NULL;
      char *body = pp_mock_answer_respond (data, length, NULL, &error);

      if (body != NULL)
        set_json_response (msg, SOUP_STATUS_OK, body);
      else
        set_json_response (msg, SOUP_STATUS_BAD_REQUEST,
                           pp_mock_answer_error_body (error->message, "invalid_request_error", NULL));
    }

  g_clear_pointer (&reply, reply_free);

  if (hold)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (self->held, g_object_ref (msg));
    }
  else if (latency_ms > 0)
    {
      Delayed *delayed = g_new0 (Delayed, 1);
      GSource *source = g_timeout_source_new (latency_ms);

      delayed->self = self;
      delayed->msg = g_object_ref (msg);
      soup_server_message_pause (msg);
      g_source_set_callback (source, delayed_answer, delayed, (GDestroyNotify) delayed_free);
      g_source_set_name (source, "[pp-test-server] delayed answer");
      g_source_attach (source, self->context);
      g_ptr_array_add (self->timers, source);
    }
}

static gboolean
release_held (gpointer data)
{
  PpTestServer *self = data;
  g_autoptr(GPtrArray) held = NULL;

  held = g_steal_pointer (&self->held);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < held->len; i++)
    soup_server_message_unpause (held->pdata[i]);

  return G_SOURCE_REMOVE;
}

static gboolean
announce_started (gpointer data)
{
  PpTestServer *self = data;

  g_mutex_lock (&self->mutex);
  self->started = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  return G_SOURCE_REMOVE;
}

static gpointer
server_thread (gpointer data)
{
  PpTestServer *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  GSource *source;
  GSList *uris;

  g_main_context_push_thread_default (self->context);

  self->server = soup_server_new ("server-header", "pp-test-server ", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  socket = pp_mock_listen_socket_new (0, &error);
  if (socket == NULL || !soup_server_listen_socket (self->server, socket, 0, &error))
    g_error ("The test server cannot listen on 127.0.0.1: %s", error->message);

  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);

  self->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Started once the loop runs: a g_main_loop_quit() before that is lost */
  source = g_idle_source_new ();
  g_source_set_callback (source, announce_started, self, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);

  g_main_loop_run (self->loop);

  for (guint i = 0; i < self->timers->len; i++)
    g_source_destroy (self->timers->pdata[i]);
  g_ptr_array_set_size (self->timers, 0);

  while (self->raw_writers->len > 0)
    raw_writer_finish (self->raw_writers->pdata[0], PP_TEST_SERVER_ENDING_CLOSE);

  soup_server_disconnect (self->server);
  g_ptr_array_set_size (self->held, 0);
  g_clear_object (&self->server);

  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * pp_test_server_new:
 *
 * Starts a server on 127.0.0.1, on a free port, in a thread of its own.
 * Aborts the test if it cannot listen.
 *
 * Returns: (transfer full): the server, listening
 */
PpTestServer *
pp_test_server_new (void)
{
  PpTestServer *self = g_new0 (PpTestServer, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->replies);
  self->refused_formats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->timers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->raw_writers = g_ptr_array_new_with_free_func ((GDestroyNotify) raw_writer_unref);
  self->user_messages = g_ptr_array_new_with_free_func (g_free);
  self->authorization_headers = g_ptr_array_new_with_free_func (g_free);
  self->request_bodies = g_ptr_array_new_with_free_func (g_free);
  self->arrival_times = g_array_new (FALSE, FALSE, sizeof (gint64));

  self->thread = g_thread_new ("pp-test-server", server_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

/**
 * pp_test_server_free:
 * @server: (transfer full): a #PpTestServer
 *
 * Stops the server, closing its connections and dropping the answers it
 * holds, and joins its thread.
 */
void
pp_test_server_free (PpTestServer *server)
{
  g_return_if_fail (server != NULL);

  g_main_loop_quit (server->loop);
  g_thread_join (server->thread);

  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_ptr_array_unref (server->held);
  g_ptr_array_unref (server->timers);
  g_ptr_array_unref (server->raw_writers);
  g_queue_clear_full (&server->replies, (GDestroyNotify) reply_free);
  g_hash_table_unref (server->refused_formats);
  g_ptr_array_unref (server->user_messages);
  g_ptr_array_unref (server->authorization_headers);
  g_ptr_array_unref (server->request_bodies);
  g_array_unref (server->arrival_times);
  g_free (server->base_url);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server);
}

/**
 * pp_test_server_get_base_url:
 * @server: a #PpTestServer
 *
 * Returns: the base URL of the API, such as "http://127.0.0.1:41234/v1",
 *   for an OpenAI client's "base-url"
 */
const char *
pp_test_server_get_base_url (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return server->base_url;
}

/**
 * pp_test_server_set_latency_ms:
 * @server: a #PpTestServer
 * @latency_ms: the delay of each answer, in milliseconds
 *
 * Delays every answer to requests that arrive from now on. The server
 * keeps serving others while an answer waits.
 */
void
pp_test_server_set_latency_ms (PpTestServer *server,
                               guint         latency_ms)
{
  g_return_if_fail (server != NULL);

  g_mutex_lock (&server->mutex);
  server->latency_ms = latency_ms;
  g_mutex_unlock (&server->mutex);
}

/**
 * pp_test_server_set_latency_jitter_ms:
 * @server: a #PpTestServer
 * @jitter_ms: the most an answer is delayed beyond the latency, in
 *   milliseconds
 *
 * Delays every answer to requests that arrive from now on by a random
 * time between 0 and @jitter_ms more than pp_test_server_set_latency_ms()
 * says, drawn anew for each request, so that answers come back in another
 * order than their requests.
 */
void
pp_test_server_set_latency_jitter_ms (PpTestServer *server,
                                      guint         jitter_ms)
{
  g_return_if_fail (server != NULL);

  g_mutex_lock (&server->mutex);
  server->latency_jitter_ms = jitter_ms;
  g_mutex_unlock (&server->mutex);
}

/**
 * pp_test_server_set_answer_func:
 * @server: a #PpTestServer
 * @func: (nullable): what answers a request, or %NULL for the mock answer
 * @user_data: the data of @func
 *
 * Makes @func answer the requests no scripted reply answers: it gets the
 * user's message and returns the assistant's message (transfer full), or
 * %NULL to leave the request to the mock answer. It is called on the
 * server's thread, while the test may run: it should only read what was
 * set up before.
 */
void
pp_test_server_set_answer_func (PpTestServer           *server,
                                PpTestServerAnswerFunc  func,
                                gpointer                user_data)
{
  g_return_if_fail (server != NULL);

  g_mutex_lock (&server->mutex);
  server->answer_func = func;
  server->answer_data = user_data;
  g_mutex_unlock (&server->mutex);
}

/**
 * pp_test_server_set_capacity:
 * @server: a #PpTestServer
 * @capacity: the most requests in flight it serves, or 0 for no limit
 *
 * Answers 429 at once, without using a scripted reply, to a request that
 * arrives while @capacity others are in flight. Rejected requests count in
 * pp_test_server_get_request_count() and pp_test_server_get_rejected_count(),
 * not in pp_test_server_get_peak_in_flight().
 */
void
pp_test_server_set_capacity (PpTestServer *server,
                             guint         capacity)
{
  g_return_if_fail (server != NULL);

  g_mutex_lock (&server->mutex);
  server->capacity = capacity;
  g_mutex_unlock (&server->mutex);
}

static void
push (PpTestServer *server,
      Reply        *reply)
{
  g_mutex_lock (&server->mutex);
  g_queue_push_tail (&server->replies, reply);
  g_mutex_unlock (&server->mutex);
}

/**
 * pp_test_server_push_reply:
 * @server: a #PpTestServer
 * @status: the HTTP status
 * @body: (nullable): the body, sent as `application/json` whatever it is
 * @retry_after: (nullable): the value of a `Retry-After` header
 *
 * Scripts the answer to a coming request. Scripted answers are used one
 * per request, in the order they were pushed; when none is left, the
 * server answers with the mock answer.
 */
void
pp_test_server_push_reply (PpTestServer *server,
                           guint         status,
                           const char   *body,
                           const char   *retry_after)
{
  const char *headers[] = { "Retry-After", retry_after, NULL };

  g_return_if_fail (server != NULL);

  pp_test_server_push_reply_with_headers (server, status, body,
                                          retry_after != NULL ? headers : NULL);
}

/**
 * pp_test_server_push_reply_with_headers:
 * @server: a #PpTestServer
 * @status: the HTTP status
 * @body: (nullable): the body, sent as `application/json` whatever it is
 * @headers: (nullable) (array zero-terminated=1): response headers, as
 *   names and values in turn: `{ "retry-after-ms", "1500", NULL }`
 *
 * Like pp_test_server_push_reply(), with any headers.
 */
void
pp_test_server_push_reply_with_headers (PpTestServer       *server,
                                        guint               status,
                                        const char         *body,
                                        const char * const *headers)
{
  Reply *reply;

  g_return_if_fail (server != NULL);
  g_return_if_fail (status >= 100 && status < 600);
  g_return_if_fail (headers == NULL || g_strv_length ((char **) headers) % 2 == 0);

  reply = g_new0 (Reply, 1);
  reply->status = status;
  reply->body = g_strdup (body);
  reply->headers = g_strdupv ((char **) headers);
  push (server, reply);
}

/**
 * pp_test_server_push_content:
 * @server: a #PpTestServer
 * @assistant_content: the text of the assistant's message
 *
 * Scripts a successful chat completion whose message is
 * @assistant_content, like pp_test_server_push_reply().
 */
void
pp_test_server_push_content (PpTestServer *server,
                             const char   *assistant_content)
{
  Reply *reply;

  g_return_if_fail (server != NULL);
  g_return_if_fail (assistant_content != NULL);

  reply = g_new0 (Reply, 1);
  reply->status = SOUP_STATUS_OK;
  reply->content = g_strdup (assistant_content);
  push (server, reply);
}

/**
 * pp_test_server_refuse_response_format:
 * @server: a #PpTestServer
 * @type: the `type` of a `response_format`, such as "json_schema"
 * @error_body: the body of the 400 that refuses it
 *
 * Makes the server answer every request whose `response_format` has the
 * type @type with a 400 and @error_body, as a server that does not
 * support it does, before any scripted reply.
 */
void
pp_test_server_refuse_response_format (PpTestServer *server,
                                       const char   *type,
                                       const char   *error_body)
{
  g_return_if_fail (server != NULL);
  g_return_if_fail (type != NULL);
  g_return_if_fail (error_body != NULL);

  g_mutex_lock (&server->mutex);
  g_hash_table_replace (server->refused_formats, g_strdup (type), g_strdup (error_body));
  g_mutex_unlock (&server->mutex);
}

/**
 * pp_test_server_set_hold:
 * @server: a #PpTestServer
 * @hold: whether to hold answers
 *
 * While @hold is %TRUE, requests are received and counted but not
 * answered. Setting it back to %FALSE sends the answers held.
 */
void
pp_test_server_set_hold (PpTestServer *server,
                         gboolean      hold)
{
  g_return_if_fail (server != NULL);

  g_mutex_lock (&server->mutex);
  server->hold = hold;
  g_mutex_unlock (&server->mutex);

  if (!hold)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_callback (source, release_held, server, NULL);
      g_source_set_name (source, "[pp-test-server] release held answers");
      g_source_attach (source, server->context);
      g_source_unref (source);
    }
}

/**
 * pp_test_server_push_raw_reply:
 * @server: a #PpTestServer
 * @raw: the bytes to send, status line and headers included, such as
 *   "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut"
 * @ending: what to do once they are written
 *
 * Scripts the answer to a coming request, like pp_test_server_push_reply(),
 * as bytes written on the connection whatever HTTP makes of them: a
 * truncated body, a connection dropped or reset before any answer (@raw
 * empty), or one left hanging. The connection is not used again.
 */
void
pp_test_server_push_raw_reply (PpTestServer       *server,
                               const char         *raw,
                               PpTestServerEnding  ending)
{
  Reply *reply;

  g_return_if_fail (server != NULL);
  g_return_if_fail (raw != NULL);

  reply = g_new0 (Reply, 1);
  reply->raw = g_bytes_new (raw, strlen (raw));
  reply->ending = ending;
  push (server, reply);
}

/**
 * pp_test_server_push_endless_reply:
 * @server: a #PpTestServer
 * @head: the first bytes to send, status line and headers included
 * @unit: the bytes to send again and again after @head
 * @interval_ms: the delay between two units, or 0 to send them as fast as
 *   the client reads
 *
 * Scripts an answer that never ends, like pp_test_server_push_raw_reply():
 * a body trickled a unit at a time, or an endless chunked body (@head
 * with `Transfer-Encoding: chunked`, @unit a whole chunk). It stops when
 * the client closes the connection, or after
 * %PP_TEST_SERVER_ENDLESS_LIMIT bytes.
 */
void
pp_test_server_push_endless_reply (PpTestServer *server,
                                   const char   *head,
                                   const char   *unit,
                                   guint         interval_ms)
{
  Reply *reply;

  g_return_if_fail (server != NULL);
  g_return_if_fail (head != NULL);
  g_return_if_fail (unit != NULL && *unit != '\0');

  reply = g_new0 (Reply, 1);
  reply->raw = g_bytes_new (head, strlen (head));
  reply->unit = g_bytes_new (unit, strlen (unit));
  reply->interval_ms = interval_ms;
  reply->ending = PP_TEST_SERVER_ENDING_CLOSE;
  push (server, reply);
}

static guint
get_counter (PpTestServer *server,
             const guint  *counter)
{
  guint value;

  g_mutex_lock (&server->mutex);
  value = *counter;
  g_mutex_unlock (&server->mutex);

  return value;
}

/**
 * pp_test_server_get_request_count:
 * @server: a #PpTestServer
 *
 * Returns: the number of chat-completion requests received so far
 */
guint
pp_test_server_get_request_count (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, 0);

  return get_counter (server, &server->request_count);
}

/**
 * pp_test_server_get_in_flight:
 * @server: a #PpTestServer
 *
 * Returns: the number of requests received and not yet answered
 */
guint
pp_test_server_get_in_flight (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, 0);

  return get_counter (server, &server->in_flight);
}

/**
 * pp_test_server_get_peak_in_flight:
 * @server: a #PpTestServer
 *
 * Returns: the largest number of requests that were in flight at once
 */
guint
pp_test_server_get_peak_in_flight (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, 0);

  return get_counter (server, &server->peak_in_flight);
}

/**
 * pp_test_server_get_rejected_count:
 * @server: a #PpTestServer
 *
 * Returns: the number of requests answered 429 for arriving beyond the
 *   capacity (see pp_test_server_set_capacity())
 */
guint
pp_test_server_get_rejected_count (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, 0);

  return get_counter (server, &server->rejected_count);
}

/**
 * pp_test_server_get_connection_count:
 * @server: a #PpTestServer
 *
 * The number of distinct connections requests arrived on: a client that
 * keeps connections alive makes few for many requests.
 *
 * Returns: the number of connections that carried a request
 */
guint
pp_test_server_get_connection_count (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, 0);

  return get_counter (server, &server->connection_count);
}

/**
 * pp_test_server_get_raw_bytes_sent:
 * @server: a #PpTestServer
 *
 * The bytes written by raw and endless replies so far: what a client was
 * offered, less what is still in the sockets' buffers.
 *
 * Returns: the number of bytes
 */
guint64
pp_test_server_get_raw_bytes_sent (PpTestServer *server)
{
  guint64 sent;

  g_return_val_if_fail (server != NULL, 0);

  g_mutex_lock (&server->mutex);
  sent = server->raw_bytes_sent;
  g_mutex_unlock (&server->mutex);

  return sent;
}

static GPtrArray *
dup_strings (PpTestServer *server,
             GPtrArray    *strings)
{
  GPtrArray *copy;

  g_mutex_lock (&server->mutex);
  copy = g_ptr_array_copy (strings, (GCopyFunc) g_strdup, NULL);
  g_mutex_unlock (&server->mutex);
  g_ptr_array_set_free_func (copy, g_free);

  return copy;
}

/**
 * pp_test_server_dup_user_messages:
 * @server: a #PpTestServer
 *
 * The last user message of each chat-completion request that had one.
 *
 * Returns: (transfer full) (element-type utf8): the messages, in the order
 *   the requests arrived
 */
GPtrArray *
pp_test_server_dup_user_messages (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return dup_strings (server, server->user_messages);
}

/**
 * pp_test_server_dup_authorization_headers:
 * @server: a #PpTestServer
 *
 * The `Authorization` header of each chat-completion request, or an empty
 * string for a request without one.
 *
 * Returns: (transfer full) (element-type utf8): the headers, in the order
 *   the requests arrived
 */
GPtrArray *
pp_test_server_dup_authorization_headers (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return dup_strings (server, server->authorization_headers);
}

/**
 * pp_test_server_dup_request_bodies:
 * @server: a #PpTestServer
 *
 * The body of each chat-completion request, to check the model, sampling
 * settings and messages a client sent.
 *
 * Returns: (transfer full) (element-type utf8): the bodies, in the order
 *   the requests arrived
 */
GPtrArray *
pp_test_server_dup_request_bodies (PpTestServer *server)
{
  g_return_val_if_fail (server != NULL, NULL);

  return dup_strings (server, server->request_bodies);
}

/**
 * pp_test_server_dup_arrival_times:
 * @server: a #PpTestServer
 *
 * When each chat-completion request arrived, as the server saw it, to
 * judge the delays between a client's attempts.
 *
 * Returns: (transfer full) (element-type gint64): monotonic times in
 *   microseconds (g_get_monotonic_time()), in the order the requests
 *   arrived, as pp_test_server_dup_request_bodies() lists them
 */
GArray *
pp_test_server_dup_arrival_times (PpTestServer *server)
{
  GArray *copy;

  g_return_val_if_fail (server != NULL, NULL);

  g_mutex_lock (&server->mutex);
  copy = g_array_copy (server->arrival_times);
  g_mutex_unlock (&server->mutex);

  return copy;
}

typedef gboolean (* Predicate) (PpTestServer *server,
                                guint         n);

static gboolean
wait_for (PpTestServer *server,
          Predicate     predicate,
          guint         n,
          guint         timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * G_TIME_SPAN_MILLISECOND;
  gboolean reached;

  g_mutex_lock (&server->mutex);
  while (!(reached = predicate (server, n)))
    {
      if (!g_cond_wait_until (&server->cond, &server->mutex, deadline))
        {
          reached = predicate (server, n);
          break;
        }
    }
  g_mutex_unlock (&server->mutex);

  return reached;
}

static gboolean
in_flight_reached (PpTestServer *server,
                   guint         n)
{
  return n == 0 ? server->in_flight == 0 : server->in_flight >= n;
}

/**
 * pp_test_server_wait_for_in_flight:
 * @server: a #PpTestServer
 * @n: the number of requests to wait for
 * @timeout_ms: how long to wait at most, in milliseconds
 *
 * Waits until at least @n requests are in flight, or, when @n is 0, until
 * none is.
 *
 * Returns: %TRUE if that happened within @timeout_ms
 */
gboolean
pp_test_server_wait_for_in_flight (PpTestServer *server,
                                   guint         n,
                                   guint         timeout_ms)
{
  g_return_val_if_fail (server != NULL, FALSE);

  return wait_for (server, in_flight_reached, n, timeout_ms);
}

static gboolean
requests_reached (PpTestServer *server,
                  guint         n)
{
  return server->request_count >= n;
}

/**
 * pp_test_server_wait_for_requests:
 * @server: a #PpTestServer
 * @n: the number of requests to wait for
 * @timeout_ms: how long to wait at most, in milliseconds
 *
 * Waits until at least @n chat-completion requests have arrived.
 *
 * Returns: %TRUE if that happened within @timeout_ms
 */
gboolean
pp_test_server_wait_for_requests (PpTestServer *server,
                                  guint         n,
                                  guint         timeout_ms)
{
  g_return_val_if_fail (server != NULL, FALSE);

  return wait_for (server, requests_reached, n, timeout_ms);
}

static gboolean
raw_replies_done (PpTestServer *server,
                  guint         n)
{
  return server->raw_active == 0;
}

/**
 * pp_test_server_wait_for_raw_replies_done:
 * @server: a #PpTestServer
 * @timeout_ms: how long to wait at most, in milliseconds
 *
 * Waits until every raw or endless reply started is over: written and
 * closed, or given up because the client closed the connection.
 *
 * Returns: %TRUE if that happened within @timeout_ms
 */
gboolean
pp_test_server_wait_for_raw_replies_done (PpTestServer *server,
                                          guint         timeout_ms)
{
  g_return_val_if_fail (server != NULL, FALSE);

  return wait_for (server, raw_replies_done, 0, timeout_ms);
}
