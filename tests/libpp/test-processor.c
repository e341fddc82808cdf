/* test-processor.c: PpProcessor with the real plugins against a local server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

#include "pp-mock-answer.h"
#include "pp-test-converters.h"
#include "pp-test-server.h"
#include "pp-test-text.h"

#define N_PARAGRAPHS 60

static const char *first_names[] = {
  "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "John", "Margaret", "Niklaus",
};
static const char *last_names[] = {
  "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth",
};

typedef struct
{
  PpTestServer *server;
  PpProcessor *processor;
  GMainLoop *loop;
} Fixture;

static char *
person_name (guint i)
{
  return g_strdup_printf ("%s %s", first_names[i % G_N_ELEMENTS (first_names)],
                          last_names[(i / G_N_ELEMENTS (first_names)) % G_N_ELEMENTS (last_names)]);
}

static char *
paragraph (guint i)
{
  g_autofree char *name = person_name (i);

  return g_strdup_printf ("In chapter %u the scientist %s wrote a long letter about engines.", i, name);
}

/* A document @name of @n paragraphs, one segment each with a
 * 100-character budget */
static PpDocument *
make_named_document (const char *name,
                     guint       n)
{
  g_autoptr(GString) text = g_string_new ("");
  g_autoptr(GError) error = NULL;
  PpDocument *document;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *p = paragraph (i);

      g_string_append_printf (text, "%s\n\n", p);
    }

  document = pp_document_new_from_text (name, text->str, text->len, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_no_error (error);

  return document;
}

static PpDocument *
make_document (guint n)
{
  return make_named_document ("test.txt", n);
}

static PpProcessor *
create_processor (PpTestServer *server,
                  guint         max_workers,
                  gboolean      with_cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;
  g_autoptr(GObject) converter = NULL;
  g_autoptr(GObject) cache = NULL;
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (100);

  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (server),
                               "max-connections", 64u,
                               NULL);
  g_assert_no_error (error);

  converter = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error, NULL);
  g_assert_no_error (error);

  if (with_cache)
    {
      cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, "memory", &error, NULL);
      g_assert_no_error (error);
    }

  return g_object_new (PP_TYPE_PROCESSOR,
                       "converter", converter,
                       "llm-client", client,
                       "cache", cache,
                       "segmenter", segmenter,
                       "max-workers", max_workers,
                       "retry-delay", 1u,
                       NULL);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->server = pp_test_server_new ();
  fixture->processor = create_processor (fixture->server, 8, GPOINTER_TO_INT (user_data));
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gpointer processor = fixture->processor;
  guint wake_id;

  /* The processor goes away once its last task, timer and signal are
   * gone: nothing keeps it alive in a cycle */
  g_object_add_weak_pointer (processor, &processor);
  g_clear_object (&fixture->processor);
  wake_id = g_timeout_add (10, wake_up, NULL);
  for (guint i = 0; processor != NULL && i < 1000; i++)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake_id);
  g_assert_null (processor);

  g_clear_pointer (&fixture->server, pp_test_server_free);
  g_clear_pointer (&fixture->loop, g_main_loop_unref);
}

/* The values of schema:name of the nodes of a graph */
static GHashTable *
collect_names (JsonNode *graph)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expanded = pp_jsonld_expand (graph, NULL, NULL, &error);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *nodes;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (expanded));

  nodes = json_node_get_array (expanded);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      JsonArray *values;

      if (!json_object_has_member (node, "http://schema.org/name"))
        continue;
      values = json_object_get_array_member (node, "http://schema.org/name");
      for (guint j = 0; j < json_array_get_length (values); j++)
        {
          JsonObject *value = json_array_get_object_element (values, j);

          g_hash_table_add (names, g_strdup (json_object_get_string_member (value, "@value")));
        }
    }

  return names;
}

static void
document_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static JsonNode *
process_async (PpProcessor   *processor,
               PpDocument    *document,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pp_processor_process_document_async (processor, document, cancellable, document_done, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  return pp_processor_process_document_finish (processor, result, error);
}

static GBytes *
process_bytes_async (PpProcessor   *processor,
                     PpDocument    *document,
                     GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pp_processor_process_document_bytes_async (processor, document, NULL, document_done, &result);
  while (result == NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);

  return pp_processor_process_document_bytes_finish (processor, result, error);
}

/* The graph as bytes is the graph as a tree, written, in every form, with
 * and without provenance */
static void
test_process_document_bytes_same_as_tree (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (12);
  const PpOutputForm forms[] = {
    PP_OUTPUT_FORM_COMPACTED, PP_OUTPUT_FORM_FLATTENED, PP_OUTPUT_FORM_EXPANDED,
  };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    for (guint provenance = 0; provenance < 2; provenance++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) graph = NULL;
        g_autoptr(GBytes) bytes = NULL;
        g_autofree char *expected = NULL;
        gsize length;
        const char *data;

        g_object_set (fixture->processor, "output-form", forms[i], "provenance", provenance, NULL);
        graph = process_async (fixture->processor, document, NULL, &error);
        g_assert_no_error (error);
        bytes = process_bytes_async (fixture->processor, document, &error);
        g_assert_no_error (error);

        expected = pp_jsonld_to_json (graph, TRUE);
        data = g_bytes_get_data (bytes, &length);
        g_assert_cmpmem (data, length, expected, strlen (expected));
      }
}

/* A run asks its reconciler for the output context once its first wave
 * of requests is out, while the other segments are still to come: the
 * request is not counted as a segment, and every segment is merged */
static void
test_process_document_output_context_asked_mid_run (Fixture       *fixture,
                                                    gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (24);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  g_object_set (fixture->processor, "output-form", PP_OUTPUT_FORM_COMPACTED, "provenance", TRUE, NULL);

  graph = pp_processor_process_document (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  text = pp_jsonld_to_json (graph, TRUE);
  g_assert_cmpuint (pp_test_count_occurrences (text, "\"pp:SegmentRef\""), ==, 24);

  bytes = process_bytes_async (fixture->processor, document, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   text, strlen (text));
}

static void
on_finished_keep_graph (PpProcessor *processor,
                        JsonNode    *graph,
                        gpointer     user_data)
{
  JsonNode **out = user_data;

  g_clear_pointer (out, json_node_unref);
  *out = json_node_ref (graph);
}

/* A run that gives bytes still hands ::finished the graph as a tree */
static void
test_process_document_bytes_finished_signal (Fixture       *fixture,
                                             gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (6);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) finished = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *written = NULL;

  g_signal_connect (fixture->processor, "finished", G_CALLBACK (on_finished_keep_graph), &finished);
  bytes = process_bytes_async (fixture->processor, document, &error);
  g_assert_no_error (error);

  /* The signal comes before the call completes */
  g_assert_nonnull (finished);
  written = pp_jsonld_to_json (finished, TRUE);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), written, strlen (written));
}

/* The bytes of a run that fails: none, and the run's error */
static void
test_process_document_bytes_all_failed (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  pp_test_server_push_reply (fixture->server, 400, "{\"error\": {\"message\": \"no such model\"}}", NULL);
  bytes = process_bytes_async (fixture->processor, document, &error);
  g_assert_null (bytes);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
}

/* A document of 60 paragraphs through 8 workers: every paragraph reaches the
 * server exactly once and every name comes back in one graph */
static void
test_end_to_end (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (N_PARAGRAPHS);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(PpStats) stats = NULL;
  JsonObject *root;

  pp_test_server_set_latency_ms (fixture->server, 20);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  messages = pp_test_server_dup_user_messages (fixture->server);
  g_assert_cmpuint (messages->len, ==, N_PARAGRAPHS);
  for (guint i = 0; i < N_PARAGRAPHS; i++)
    {
      g_autofree char *p = paragraph (i);
      guint seen = 0;

      for (guint j = 0; j < messages->len; j++)
        {
          if (strstr (messages->pdata[j], p) != NULL)
            seen++;
        }
      g_assert_cmpuint (seen, ==, 1);
    }

  /* Compacted with the schema.org context (and the provenance terms), one
   * graph */
  g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));
  root = json_node_get_object (graph);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (root, "@context"), 0),
                   ==, "https://schema.org");
  g_assert_true (json_object_has_member (root, "@graph"));

  names = collect_names (graph);
  for (guint i = 0; i < N_PARAGRAPHS; i++)
    {
      g_autofree char *name = person_name (i);

      g_assert_true (g_hash_table_contains (names, name));
    }

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_submitted (stats), ==, N_PARAGRAPHS);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, N_PARAGRAPHS);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 0);
  g_assert_cmpuint (pp_stats_get_llm_requests (stats), ==, N_PARAGRAPHS);
  g_assert_cmpuint (pp_stats_get_peak_in_flight (stats), <=, 8);
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (fixture->server), <=, 8);
  g_assert_cmpfloat (pp_stats_get_latency_percentile (stats, 50), >=, 20.0);
  g_assert_cmpuint (pp_stats_get_prompt_tokens (stats), >, 0);
}

/* The same document gives the same bytes whatever the number of workers,
 * the order of completion or the cache */
static void
test_canonical_output (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (24);
  g_autoptr(PpProcessor) one = create_processor (fixture->server, 1, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) by_one = NULL;
  g_autoptr(JsonNode) by_eight = NULL;
  g_autoptr(JsonNode) from_cache = NULL;
  g_autofree char *text_one = NULL;
  g_autofree char *text_eight = NULL;
  g_autofree char *text_cache = NULL;
  g_autoptr(PpStats) stats = NULL;

  by_one = pp_processor_process_document (one, document, NULL, &error);
  g_assert_no_error (error);
  by_eight = pp_processor_process_document (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  from_cache = pp_processor_process_document (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);

  text_one = json_to_string (by_one, FALSE);
  text_eight = json_to_string (by_eight, FALSE);
  text_cache = json_to_string (from_cache, FALSE);
  g_assert_cmpstr (text_one, ==, text_eight);
  g_assert_cmpstr (text_one, ==, text_cache);

  /* The second run of the cached processor asked the server nothing */
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_cache_hits (stats), ==, 24);
  g_assert_cmpuint (pp_stats_get_llm_requests (stats), ==, 24);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 48);
}

typedef struct
{
  GThread *owner;
  GMainContext *context;
  guint started;
  guint done;
  guint failed;
  guint progress;
  guint finished;
  gboolean wrong_thread;
  char *finished_graph;
} SignalLog;

static void
check_thread (SignalLog *log)
{
  if (g_thread_self () != log->owner || !g_main_context_is_owner (log->context))
    log->wrong_thread = TRUE;
}

static void
on_started (PpProcessor *p, PpSegment *s, SignalLog *log)
{
  check_thread (log);
  log->started++;
}

static void
on_done (PpProcessor *p, PpSegment *s, JsonNode *graph, SignalLog *log)
{
  check_thread (log);
  g_assert_nonnull (graph);
  log->done++;
}

static void
on_failed (PpProcessor *p, PpSegment *s, GError *error, SignalLog *log)
{
  check_thread (log);
  log->failed++;
}

static void
on_progress (PpProcessor *p, guint done, guint failed, guint total, SignalLog *log)
{
  check_thread (log);
  g_assert_cmpuint (done + failed, <=, total);
  log->progress++;
}

static void
on_finished (PpProcessor *p, JsonNode *graph, SignalLog *log)
{
  check_thread (log);
  /* Last of the run's signals */
  g_assert_cmpuint (log->done, ==, 12);
  log->finished++;
  g_free (log->finished_graph);
  log->finished_graph = json_to_string (graph, FALSE);
}

typedef struct
{
  PpTestServer *server;
  SignalLog log;
  GError *error;
} ThreadData;

/* Creates a processor with its own main context in this thread, runs a
 * document and records the threads signals arrive on */
static gpointer
signals_thread (gpointer user_data)
{
  ThreadData *data = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(PpProcessor) processor = NULL;
  g_autoptr(PpDocument) document = make_document (12);
  g_autoptr(JsonNode) graph = NULL;

  g_main_context_push_thread_default (context);

  data->log.owner = g_thread_self ();
  data->log.context = context;
  processor = create_processor (data->server, 4, FALSE);
  g_signal_connect (processor, "segment-started", G_CALLBACK (on_started), &data->log);
  g_signal_connect (processor, "segment-done", G_CALLBACK (on_done), &data->log);
  g_signal_connect (processor, "segment-failed", G_CALLBACK (on_failed), &data->log);
  g_signal_connect (processor, "progress", G_CALLBACK (on_progress), &data->log);
  g_signal_connect (processor, "finished", G_CALLBACK (on_finished), &data->log);

  graph = process_async (processor, document, NULL, &data->error);
  /* The finished signal comes before the call completes */
  g_assert_cmpuint (data->log.finished, ==, 1);
  g_clear_pointer (&data->log.finished_graph, g_free);
  while (g_main_context_iteration (context, FALSE))
    ;

  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
test_signals_thread (Fixture       *fixture,
                     gconstpointer  user_data)
{
  ThreadData data = { 0, };
  GThread *thread;

  data.server = fixture->server;
  thread = g_thread_new ("signals", signals_thread, &data);
  g_thread_join (thread);

  g_assert_no_error (data.error);
  g_assert_false (data.log.wrong_thread);
  g_assert_cmpuint (data.log.started, ==, 12);
  g_assert_cmpuint (data.log.done, ==, 12);
  g_assert_cmpuint (data.log.failed, ==, 0);
  g_assert_cmpuint (data.log.progress, ==, 12);
  g_assert_cmpuint (data.log.finished, ==, 1);
}

static void
test_signals_main_thread (Fixture       *fixture,
                          gconstpointer  user_data)
{
  SignalLog log = { 0, };
  g_autoptr(PpDocument) document = make_document (12);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autofree char *text = NULL;

  log.owner = g_thread_self ();
  log.context = g_main_context_default ();
  g_signal_connect (fixture->processor, "segment-started", G_CALLBACK (on_started), &log);
  g_signal_connect (fixture->processor, "segment-done", G_CALLBACK (on_done), &log);
  g_signal_connect (fixture->processor, "progress", G_CALLBACK (on_progress), &log);
  g_signal_connect (fixture->processor, "finished", G_CALLBACK (on_finished), &log);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (log.wrong_thread);
  g_assert_cmpuint (log.done, ==, 12);
  g_assert_cmpuint (log.finished, ==, 1);
  g_signal_handlers_disconnect_by_data (fixture->processor, &log);

  /* The signal's copy is the graph, members in the same order */
  text = json_to_string (graph, FALSE);
  g_assert_cmpstr (log.finished_graph, ==, text);
  g_free (log.finished_graph);
}

/* Changing max-workers during a run changes the requests in flight (the
 * limit pinned at max-workers, not adapting) */
static void
test_max_workers_at_run_time (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (30);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;

  pp_processor_set_adaptive (fixture->processor, FALSE);
  pp_processor_set_max_workers (fixture->processor, 2);
  pp_test_server_set_hold (fixture->server, TRUE);
  pp_processor_process_document_async (fixture->processor, document, NULL, document_done, &result);

  g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 2, 10000));
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_in_flight (stats), ==, 2);
  g_assert_cmpuint (pp_test_server_get_in_flight (fixture->server), ==, 2);
  g_assert_cmpuint (pp_stats_get_worker_limit (stats), ==, 2);
  g_clear_pointer (&stats, pp_stats_unref);

  /* Raised: more requests in flight without any finishing */
  pp_processor_set_max_workers (fixture->processor, 6);
  g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 6, 10000));
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 6);

  /* Lowered: the six in flight finish, and then one request at a time
   * goes out: while the seventh is held, no eighth is sent */
  pp_processor_set_max_workers (fixture->processor, 1);
  pp_test_server_set_hold (fixture->server, FALSE);
  pp_test_server_set_hold (fixture->server, TRUE);
  g_assert_true (pp_test_server_wait_for_requests (fixture->server, 7, 10000));
  g_clear_pointer (&stats, pp_stats_unref);
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_in_flight (stats), ==, 1);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 7);
  g_clear_pointer (&stats, pp_stats_unref);
  pp_test_server_set_hold (fixture->server, FALSE);

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_no_error (error);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 30);
  g_assert_cmpuint (pp_stats_get_peak_in_flight (stats), ==, 6);
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (fixture->server), ==, 6);
}

/* Identical segments converted at once send one request: the others share
 * its answer while it is in flight */
static void
test_identical_segments_share_one_request (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  gint64 deadline;

  for (guint i = 0; i < 16; i++)
    g_string_append (text, "Ada Lovelace wrote the first program for the Analytical Engine of Charles Babbage.\n\n");
  document = pp_document_new_from_text ("same.txt", text->str, text->len, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_no_error (error);

  pp_processor_set_adaptive (fixture->processor, FALSE);
  pp_processor_set_max_workers (fixture->processor, 16);
  pp_test_server_set_hold (fixture->server, TRUE);
  pp_processor_process_document_async (fixture->processor, document, NULL, document_done, &result);

  /* Held until the fifteen others wait on the first request */
  g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 1, 10000));
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  do
    {
      g_clear_pointer (&stats, pp_stats_unref);
      stats = pp_processor_get_stats (fixture->processor);
      if (pp_stats_get_shared_answers (stats) < 15)
        g_usleep (G_TIME_SPAN_MILLISECOND);
    }
  while (pp_stats_get_shared_answers (stats) < 15 && g_get_monotonic_time () < deadline);
  g_assert_cmpuint (pp_stats_get_shared_answers (stats), ==, 15);
  pp_test_server_set_hold (fixture->server, FALSE);

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_no_error (error);

  g_clear_pointer (&stats, pp_stats_unref);
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 16);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

static void
count_progress (PpProcessor *processor,
                guint        done,
                guint        failed,
                guint        total,
                guint       *finished)
{
  *finished = done + failed;
}

/* Cancelling completes the call at once, while the server still holds the
 * requests, and aborts them */
static void
test_cancellation (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (40);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;

  guint finished = 0;

  /* Each segment's end, failed or not, is reported by "progress" */
  g_signal_connect (fixture->processor, "progress", G_CALLBACK (count_progress), &finished);
  pp_test_server_set_hold (fixture->server, TRUE);
  pp_processor_process_document_async (fixture->processor, document, cancellable, document_done, &result);
  g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 8, 10000));

  g_cancellable_cancel (cancellable);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (graph);

  /* The server never answered: the requests in flight were aborted, not
   * awaited, and the queued segments were dropped without a request */
  while (finished < 40)
    g_main_context_iteration (NULL, TRUE);
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 40);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 8);
  pp_test_server_set_hold (fixture->server, FALSE);
}

/* Transient errors are retried; others are not */
static void
test_retries (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;

  pp_test_server_push_reply (fixture->server, 503, "{\"error\": {\"message\": \"busy\"}}", NULL);
  pp_test_server_push_reply (fixture->server, 429, "{\"error\": {\"message\": \"slow down\"}}", NULL);

  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 3);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_retried (stats), ==, 2);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 1);
  g_clear_pointer (&graph, json_node_unref);

  /* A bad request fails at once; a document whose every segment failed is
   * an error that quotes the first failure */
  pp_test_server_push_reply (fixture->server, 400, "{\"error\": {\"message\": \"no such model\"}}", NULL);
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "test.txt"));
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 4);
}

/* Only answers that made valid JSON-LD are cached: a segment that failed
 * asks again next time; one that succeeded does not */
static void
test_cache_keeps_valid_answers (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  /* The converter asks once and twice again, then gives up */
  for (guint i = 0; i < 3; i++)
    pp_test_server_push_content (fixture->server, "I cannot answer that.");
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  g_assert_null (graph);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 3);
  g_clear_error (&error);

  /* Nothing was cached: the LLM is asked again, and answers well */
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 4);
  g_clear_pointer (&graph, json_node_unref);

  /* That answer was cached */
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 4);
}

/* The bounded queue: try_submit fails when full, submit waits, results pop */
static void
test_queue (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_segment_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GAsyncResult) submitted = NULL;
  guint queued = 0;

  for (guint i = 0; i < 64; i++)
    {
      g_autofree char *p = paragraph (i);

      g_ptr_array_add (segments, pp_segment_new (i, p, -1, 0, NULL));
    }

  pp_processor_set_max_workers (fixture->processor, 1);
  pp_processor_set_queue_size (fixture->processor, 2);
  pp_test_server_set_hold (fixture->server, TRUE);

  /* With the one request held, the queue fills up (the workers take
   * some of the segments meanwhile), and a submission finds it full */
  while (pp_processor_try_submit (fixture->processor, segments->pdata[queued], &error))
    {
      queued++;
      g_assert_cmpuint (queued, <, 60);
    }
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_QUEUE_FULL);
  g_clear_error (&error);
  /* the two places of the queue at least */
  g_assert_cmpuint (queued, >=, 2);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), <=, 1);

  /* A blocking submit gives up when cancelled */
  g_cancellable_cancel (cancellable);
  g_assert_false (pp_processor_submit (fixture->processor, segments->pdata[queued], cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* An asynchronous submit completes once there is room */
  pp_processor_submit_async (fixture->processor, segments->pdata[queued++], NULL, document_done, &submitted);
  pp_test_server_set_hold (fixture->server, FALSE);
  while (submitted == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pp_processor_submit_finish (fixture->processor, submitted, &error));
  g_assert_no_error (error);

  g_assert_true (pp_processor_submit (fixture->processor, segments->pdata[queued++], NULL, &error));
  g_assert_no_error (error);

  /* Every segment queued comes back once, converted */
  for (guint i = 0; i < queued; i++)
    {
      g_autoptr(PpResult) result = pp_processor_timeout_pop_result (fixture->processor, 30 * G_USEC_PER_SEC);
      guint index;

      g_assert_nonnull (result);
      g_assert_null (pp_result_get_error (result));
      g_assert_nonnull (pp_result_get_graph (result));
      index = pp_segment_get_index (pp_result_get_segment (result));
      g_assert_cmpuint (index, <, queued);
      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (index)));
      g_hash_table_add (seen, GUINT_TO_POINTER (index));
    }
  g_assert_null (pp_processor_timeout_pop_result (fixture->processor, 0));
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, queued);
}

/* Reentering the processor from a submit_async() callback. The callback
 * runs there and then when its submission is admitted from a source of its
 * context: here set_queue_size() from an idle, and the callback submits
 * again. A worker that starts may admit the submission first, from its
 * thread; the rounds go on until the idle admitted one. Run in a
 * subprocess, so that a deadlock fails the test instead of hanging the
 * suite. */

typedef struct
{
  PpProcessor *processor;
  PpSegment *extra;
  GAsyncResult *result;
  gboolean growing;
  gboolean called_while_growing;
  guint queued;
} Reentry;

static void
reentry_submitted (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Reentry *reentry = user_data;
  g_autoptr(GError) error = NULL;

  reentry->result = g_object_ref (result);
  reentry->called_while_growing = reentry->growing;
  if (pp_processor_try_submit (reentry->processor, reentry->extra, &error))
    reentry->queued++;
  else
    g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_QUEUE_FULL);
}

static gboolean
grow_queue (gpointer user_data)
{
  Reentry *reentry = user_data;

  reentry->growing = TRUE;
  pp_processor_set_queue_size (reentry->processor, pp_processor_get_queue_size (reentry->processor) + 1);
  reentry->growing = FALSE;

  return G_SOURCE_REMOVE;
}

static void
test_submit_async_reenter_from_callback (Fixture       *fixture,
                                         gconstpointer  user_data)
{
  g_autoptr(GPtrArray) segments = NULL;
  Reentry reentry = { 0, };
  guint next = 0;

  if (!g_test_subprocess ())
    {
      /* Generous: a guard against a deadlock, not a measure of speed */
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  segments = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_segment_unref);
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *p = paragraph (i);

      g_ptr_array_add (segments, pp_segment_new (i, p, -1, 0, NULL));
    }

  pp_processor_set_max_workers (fixture->processor, 1);
  pp_processor_set_queue_size (fixture->processor, 1);
  pp_test_server_set_hold (fixture->server, TRUE);
  reentry.processor = fixture->processor;

  while (!reentry.called_while_growing)
    {
      g_autoptr(GError) error = NULL;

      /* Fill the queue; then a submission waits for room */
      while (pp_processor_try_submit (fixture->processor, segments->pdata[next], &error))
        {
          reentry.queued++;
          next++;
          g_assert_cmpuint (next, <, segments->len - 2);
        }
      g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_QUEUE_FULL);
      g_clear_error (&error);

      reentry.extra = segments->pdata[next + 1];
      pp_processor_submit_async (fixture->processor, segments->pdata[next], NULL,
                                 reentry_submitted, &reentry);
      next += 2;
      g_idle_add (grow_queue, &reentry);
      while (reentry.result == NULL)
        g_main_context_iteration (NULL, TRUE);

      g_assert_true (pp_processor_submit_finish (fixture->processor, reentry.result, &error));
      g_assert_no_error (error);
      g_clear_object (&reentry.result);
      reentry.queued++;
    }

  pp_test_server_set_hold (fixture->server, FALSE);
  for (guint i = 0; i < reentry.queued; i++)
    {
      g_autoptr(PpResult) result = pp_processor_timeout_pop_result (fixture->processor, 30 * G_USEC_PER_SEC);

      g_assert_nonnull (result);
      g_assert_null (pp_result_get_error (result));
    }
}

/* The model changes many times while documents are converted: each
 * request asks for one of the models set, read whole */

typedef struct
{
  PpProcessor *processor;
  gint stop;
  guint n_changes;
} ModelChanger;

static const char *changed_models[] = {
  "model-a",
  "a-model-with-a-much-longer-name-that-takes-another-allocation-size",
  NULL,
  "model-b",
};

static gpointer
change_models (gpointer user_data)
{
  ModelChanger *changer = user_data;

  while (!g_atomic_int_get (&changer->stop))
    {
      const char *model = changed_models[changer->n_changes % G_N_ELEMENTS (changed_models)];

      pp_processor_set_model (changer->processor, model);
      changer->n_changes++;
    }

  return NULL;
}

static void
test_model_set_during_run (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (N_PARAGRAPHS);
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(GHashTable) allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ModelChanger changer = { fixture->processor, 0, 0 };
  GThread *thread;

  /* The client's default model, asked for when the model is unset */
  {
    g_autoptr(PpDocument) one = make_document (1);
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
    g_autoptr(JsonNode) body = NULL;

    g_assert_no_error (error);
    bodies = pp_test_server_dup_request_bodies (fixture->server);
    g_assert_cmpuint (bodies->len, ==, 1);
    body = json_from_string (bodies->pdata[0], &error);
    g_assert_no_error (error);
    g_hash_table_add (allowed, g_strdup (json_object_get_string_member (json_node_get_object (body), "model")));
    g_clear_pointer (&bodies, g_ptr_array_unref);
  }
  for (guint i = 0; i < G_N_ELEMENTS (changed_models); i++)
    if (changed_models[i] != NULL)
      g_hash_table_add (allowed, g_strdup (changed_models[i]));

  thread = g_thread_new ("models", change_models, &changer);
  for (guint run = 0; run < 30; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) graph = pp_processor_process_document (fixture->processor, document, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (graph);
    }
  g_atomic_int_set (&changer.stop, TRUE);
  g_thread_join (thread);
  g_assert_cmpuint (changer.n_changes, >, 0);

  bodies = pp_test_server_dup_request_bodies (fixture->server);
  for (guint i = 0; i < bodies->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) body = json_from_string (bodies->pdata[i], &error);
      const char *model;

      g_assert_no_error (error);
      model = json_object_get_string_member (json_node_get_object (body), "model");
      if (!g_hash_table_contains (allowed, model))
        g_error ("Request %u asked for a model never set: %s", i, model);
    }
}

/* Plugins that return what their interface allows, or a little less: the
 * processor goes on, and says which plugin it was */

#define TEST_TYPE_FAILING_CACHE (test_failing_cache_get_type ())
G_DECLARE_FINAL_TYPE (TestFailingCache, test_failing_cache, TEST, FAILING_CACHE, GObject)

struct _TestFailingCache
{
  GObject parent_instance;
  gboolean lookup_error;     /* lookups fail with an error, or miss */
  gboolean store_error;      /* stores fail with an error, or without */
  guint n_lookups;
  guint n_stores;
};

static GBytes *
test_failing_cache_lookup (PpCache       *cache,
                           const char    *key,
                           GCancellable  *cancellable,
                           GError       **error)
{
  TestFailingCache *self = TEST_FAILING_CACHE (cache);

  g_atomic_int_inc (&self->n_lookups);
  if (self->lookup_error)
    g_set_error_literal (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED, "the disk is on fire");

  return NULL;
}

static gboolean
test_failing_cache_store (PpCache       *cache,
                          const char    *key,
                          GBytes        *value,
                          guint          ttl_s,
                          GCancellable  *cancellable,
                          GError       **error)
{
  TestFailingCache *self = TEST_FAILING_CACHE (cache);

  g_atomic_int_inc (&self->n_stores);
  if (self->store_error)
    g_set_error_literal (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED, "the disk is full");

  return FALSE;
}

static void
test_failing_cache_iface_init (PpCacheInterface *iface)
{
  iface->lookup = test_failing_cache_lookup;
  iface->store = test_failing_cache_store;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestFailingCache, test_failing_cache, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CACHE, test_failing_cache_iface_init))

static void
test_failing_cache_class_init (TestFailingCacheClass *klass)
{
}

static void
test_failing_cache_init (TestFailingCache *self)
{
}

#define TEST_TYPE_SILENT_CLIENT (test_silent_client_get_type ())
G_DECLARE_FINAL_TYPE (TestSilentClient, test_silent_client, TEST, SILENT_CLIENT, GObject)

struct _TestSilentClient
{
  GObject parent_instance;
};

/* Neither an answer nor an error */
static PpLlmResponse *
test_silent_client_complete (PpLlmClient   *client,
                             PpLlmRequest  *request,
                             GCancellable  *cancellable,
                             GError       **error)
{
  return NULL;
}

static char *
test_silent_client_dup_id (PpLlmClient *client)
{
  return g_strdup ("silent");
}

static void
test_silent_client_iface_init (PpLlmClientInterface *iface)
{
  iface->complete = test_silent_client_complete;
  iface->dup_id = test_silent_client_dup_id;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSilentClient, test_silent_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_LLM_CLIENT, test_silent_client_iface_init))

static void
test_silent_client_class_init (TestSilentClientClass *klass)
{
}

static void
test_silent_client_init (TestSilentClient *self)
{
}

#define TEST_TYPE_GRAPHLESS_CONVERTER (test_graphless_converter_get_type ())
G_DECLARE_FINAL_TYPE (TestGraphlessConverter, test_graphless_converter, TEST, GRAPHLESS_CONVERTER, GObject)

/* Returns no graph: with no error, or with an error saying @message */
struct _TestGraphlessConverter
{
  GObject parent_instance;
  const char *message;
};

static JsonNode *
test_graphless_converter_convert (PpConverter       *converter,
                                  PpConvertContext  *context,
                                  PpSegment         *segment,
                                  GCancellable      *cancellable,
                                  GError           **error)
{
  TestGraphlessConverter *self = TEST_GRAPHLESS_CONVERTER (converter);

  if (self->message != NULL)
    g_set_error_literal (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT, self->message);
  return NULL;
}

static void
test_graphless_converter_iface_init (PpConverterInterface *iface)
{
  iface->convert = test_graphless_converter_convert;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestGraphlessConverter, test_graphless_converter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CONVERTER, test_graphless_converter_iface_init))

static void
test_graphless_converter_class_init (TestGraphlessConverterClass *klass)
{
}

static void
test_graphless_converter_init (TestGraphlessConverter *self)
{
}

#define ADA_TEXT "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada Lovelace\"}"
#define GRACE_EXPANDED "[{\"@type\":[\"http://schema.org/Person\"]," \
                       "\"http://schema.org/name\":[{\"@value\":\"Grace Hopper\"}]}]"

#define LEAKED_KEY "sk-test-0123456789abcdef"

/* A message of libpp that a test waits for: the thread that logged the
 * first one that starts with the prefix */
static struct
{
  GMutex lock;
  GCond cond;
  char *prefix;      /* under lock */
  GThread *thread;   /* under lock: the thread that logged it, once it did */
} log_watch;

static void
log_watch_start (const char *prefix)
{
  g_mutex_lock (&log_watch.lock);
  g_free (log_watch.prefix);
  log_watch.prefix = g_strdup (prefix);
  log_watch.thread = NULL;
  g_mutex_unlock (&log_watch.lock);
}

static void
log_watch_check (const char *domain,
                 const char *message)
{
  if (g_strcmp0 (domain, "libpp") != 0 || message == NULL)
    return;

  g_mutex_lock (&log_watch.lock);
  if (log_watch.prefix != NULL && log_watch.thread == NULL &&
      g_str_has_prefix (message, log_watch.prefix))
    {
      log_watch.thread = g_thread_self ();
      g_cond_broadcast (&log_watch.cond);
    }
  g_mutex_unlock (&log_watch.lock);
}

/* Returns: (transfer none): the thread that logged the message watched */
static GThread *
log_watch_wait (void)
{
  GThread *thread;

  g_mutex_lock (&log_watch.lock);
  while (log_watch.thread == NULL)
    g_cond_wait (&log_watch.cond, &log_watch.lock);
  thread = log_watch.thread;
  g_clear_pointer (&log_watch.prefix, g_free);
  g_mutex_unlock (&log_watch.lock);

  return thread;
}

/* Warnings about caches, and about JSON-LD that cannot be read as a tree,
 * are caught and counted; any other warning stays fatal */
static GMutex caught_lock;
static GPtrArray *caught_warnings;   /* (element-type utf8): under caught_lock */

static GLogWriterOutput
catch_cache_warnings (GLogLevelFlags   log_level,
                      const GLogField *fields,
                      gsize            n_fields,
                      gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  log_watch_check (domain, message);

  if ((log_level & G_LOG_LEVEL_WARNING) != 0 && g_strcmp0 (domain, "libpp") == 0 &&
      message != NULL && (g_str_has_prefix (message, "Cache TestFailingCache: ") ||
                          strstr (message, ": its JSON-LD cannot be read as a tree: ") != NULL))
    {
      g_mutex_lock (&caught_lock);
      g_ptr_array_add (caught_warnings, g_strdup (message));
      g_mutex_unlock (&caught_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static GPtrArray *
steal_caught_warnings (void)
{
  GPtrArray *warnings;

  g_mutex_lock (&caught_lock);
  warnings = g_steal_pointer (&caught_warnings);
  caught_warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&caught_lock);

  return warnings;
}

static PpProcessor *
create_processor_with (PpTestServer *server,
                       PpConverter  *converter,
                       PpLlmClient  *client,
                       PpCache      *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) openai = NULL;
  g_autoptr(GObject) llm = NULL;

  if (client == NULL)
    {
      openai = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                   "base-url", pp_test_server_get_base_url (server),
                                   NULL);
      g_assert_no_error (error);
      client = PP_LLM_CLIENT (openai);
    }
  if (converter == NULL)
    {
      llm = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error, NULL);
      g_assert_no_error (error);
      converter = PP_CONVERTER (llm);
    }

  return pp_processor_new (converter, client, cache);
}

/* A store that fails without an error is counted, not warned about (the
 * cache has said why itself, or has nothing to say); the run goes on */
static void
test_cache_store_fails_without_error (Fixture       *fixture,
                                      gconstpointer  user_data)
{
  g_autoptr(TestFailingCache) cache = g_object_new (TEST_TYPE_FAILING_CACHE, NULL);
  g_autoptr(PpProcessor) processor = create_processor_with (fixture->server, NULL, NULL, PP_CACHE (cache));
  g_autoptr(PpDocument) document = make_document (12);
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(PpStats) stats = NULL;

  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) graph = pp_processor_process_document (processor, document, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (graph);
    }

  g_assert_cmpuint (cache->n_stores, >=, 2);
  stats = pp_processor_get_stats (processor);
  g_assert_cmpuint (pp_stats_get_cache_store_failures (stats), ==, cache->n_stores);
  warnings = steal_caught_warnings ();
  g_assert_cmpuint (warnings->len, ==, 0);
}

/* Lookups and stores that fail with an error are said with it; the run
 * goes on */
static void
test_cache_fails_with_error (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(TestFailingCache) cache = g_object_new (TEST_TYPE_FAILING_CACHE, NULL);
  g_autoptr(PpProcessor) processor = create_processor_with (fixture->server, NULL, NULL, PP_CACHE (cache));
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  guint n_lookup = 0, n_store = 0;

  cache->lookup_error = TRUE;
  cache->store_error = TRUE;
  graph = pp_processor_process_document (processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  warnings = steal_caught_warnings ();
  for (guint i = 0; i < warnings->len; i++)
    {
      if (strstr (warnings->pdata[i], "lookup failed") && strstr (warnings->pdata[i], "the disk is on fire"))
        n_lookup++;
      else if (strstr (warnings->pdata[i], "could not store") && strstr (warnings->pdata[i], "the disk is full"))
        n_store++;
    }
  g_assert_cmpuint (n_lookup, ==, cache->n_lookups);
  g_assert_cmpuint (n_store, ==, cache->n_stores);
  g_assert_cmpuint (n_lookup + n_store, ==, warnings->len);
}

/* An LLM client that returns neither an answer nor an error fails the
 * segments, naming the client */
static void
test_llm_client_returns_nothing (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(TestSilentClient) client = g_object_new (TEST_TYPE_SILENT_CLIENT, NULL);
  g_autoptr(PpProcessor) processor = create_processor_with (fixture->server, NULL, PP_LLM_CLIENT (client), NULL);
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  graph = pp_processor_process_document (processor, document, NULL, &error);
  g_assert_null (graph);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "TestSilentClient"));
}

/* A converter that returns neither JSON-LD nor an error fails the
 * segments, naming the converter */
static void
test_converter_returns_nothing (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autoptr(TestGraphlessConverter) converter = g_object_new (TEST_TYPE_GRAPHLESS_CONVERTER, NULL);
  g_autoptr(PpProcessor) processor = create_processor_with (fixture->server, PP_CONVERTER (converter), NULL, NULL);
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  graph = pp_processor_process_document (processor, document, NULL, &error);
  g_assert_null (graph);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "TestGraphlessConverter"));
}

/* A processor of @converter that cuts documents as create_processor()
 * does: one segment per paragraph */
static PpProcessor *
create_processor_of (PpTestServer *server,
                     PpConverter  *converter)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (100);

  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (server), NULL);
  g_assert_no_error (error);

  return g_object_new (PP_TYPE_PROCESSOR,
                       "converter", converter,
                       "llm-client", client,
                       "segmenter", segmenter,
                       NULL);
}

static void
call_log_done_tree (PpProcessor *processor,
                    PpSegment   *segment,
                    JsonNode    *graph,
                    GPtrArray   *trees)
{
  g_ptr_array_add (trees, json_to_string (graph, FALSE));
}

static void
count_tree (PpProcessor *processor,
            PpSegment   *segment,
            JsonNode    *graph,
            guint       *n_trees)
{
  (*n_trees)++;
}

/* A segment's JSON-LD is read into a tree only for a handler of
 * segment-done: the converter's text here is not JSON, and its expansion
 * is what the reconciler merges */
static void
test_segment_done_no_tree_without_handler (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(PpProcessor) processor = create_processor_of (fixture->server, PP_CONVERTER (converter));
  g_autoptr(PpDocument) document = make_document (4);
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  guint n_trees = 0;

  converter->text = "{\"@context\": \"https://schema.org\", \"name\": ";
  converter->expanded = GRACE_EXPANDED;

  graph = process_async (processor, document, NULL, &error);
  g_assert_no_error (error);
  names = collect_names (graph);
  g_assert_true (g_hash_table_contains (names, "Grace Hopper"));
  g_clear_pointer (&warnings, g_ptr_array_unref);
  warnings = steal_caught_warnings ();
  g_assert_cmpuint (warnings->len, ==, 0);

  /* With a handler, each segment's text is read, and fails */
  g_signal_connect (processor, "segment-done", G_CALLBACK (count_tree), &n_trees);
  g_clear_pointer (&graph, json_node_unref);
  graph = process_async (processor, document, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&warnings, g_ptr_array_unref);
  warnings = steal_caught_warnings ();
  g_assert_cmpuint (warnings->len, ==, 4);
  g_assert_cmpuint (n_trees, ==, 0);
}

/* The expansion a converter gives is merged as it is, not made again from
 * its text; segment-done still gets the text, read */
static void
test_convert_bytes_expansion_merged_as_is (Fixture       *fixture,
                                           gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(PpProcessor) processor = create_processor_of (fixture->server, PP_CONVERTER (converter));
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GPtrArray) trees = g_ptr_array_new_with_free_func (g_free);

  converter->text = ADA_TEXT;
  converter->expanded = GRACE_EXPANDED;
  g_signal_connect (processor, "segment-done", G_CALLBACK (call_log_done_tree), trees);

  graph = process_async (processor, document, NULL, &error);
  g_assert_no_error (error);
  names = collect_names (graph);
  g_assert_cmpuint (g_hash_table_size (names), ==, 1);
  g_assert_true (g_hash_table_contains (names, "Grace Hopper"));

  g_assert_cmpuint (trees->len, ==, 3);
  for (guint i = 0; i < trees->len; i++)
    g_assert_nonnull (strstr (trees->pdata[i], "\"Ada Lovelace\""));
}

static void
collect_bytes (PpProcessor *processor,
               PpSegment   *segment,
               GBytes      *jsonld,
               GPtrArray   *texts)
{
  g_ptr_array_add (texts, g_strndup (g_bytes_get_data (jsonld, NULL), g_bytes_get_size (jsonld)));
}

/* A converter that makes trees keeps working: its tree is merged, and is
 * the text segment-done-bytes gives */
static void
test_convert_bytes_tree_only_converter (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(TestTreeConverter) converter = g_object_new (TEST_TYPE_TREE_CONVERTER, NULL);
  g_autoptr(PpProcessor) processor = create_processor_of (fixture->server, PP_CONVERTER (converter));
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  converter->name = "Barbara Liskov";
  g_signal_connect (processor, "segment-done-bytes", G_CALLBACK (collect_bytes), texts);

  graph = process_async (processor, document, NULL, &error);
  g_assert_no_error (error);
  names = collect_names (graph);
  g_assert_true (g_hash_table_contains (names, "Barbara Liskov"));

  g_assert_cmpuint (texts->len, ==, 3);
  for (guint i = 0; i < texts->len; i++)
    g_assert_cmpstr (texts->pdata[i], ==,
                     "{\"@context\":\"https://schema.org\",\"@type\":\"Person\",\"name\":\"Barbara Liskov\"}");
}

typedef struct
{
  GPtrArray *order;   /* (element-type utf8): "bytes 3", "tree 3"… */
  GPtrArray *texts;   /* (element-type utf8): the bytes' text */
} DoneLog;

static void
done_log_bytes (PpProcessor *processor,
                PpSegment   *segment,
                GBytes      *jsonld,
                DoneLog     *log)
{
  g_ptr_array_add (log->order, g_strdup_printf ("bytes %u", pp_segment_get_index (segment)));
  collect_bytes (processor, segment, jsonld, log->texts);
}

static void
done_log_tree (PpProcessor *processor,
               PpSegment   *segment,
               JsonNode    *graph,
               DoneLog     *log)
{
  g_ptr_array_add (log->order, g_strdup_printf ("tree %u", pp_segment_get_index (segment)));
}

/* segment-done-bytes gives the converter's text as it is, right before
 * segment-done */
static void
test_segment_done_bytes_before_tree (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(TestTextConverter) converter = g_object_new (TEST_TYPE_TEXT_CONVERTER, NULL);
  g_autoptr(PpProcessor) processor = create_processor_of (fixture->server, PP_CONVERTER (converter));
  g_autoptr(PpDocument) document = make_document (5);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  DoneLog log = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };

  converter->text = ADA_TEXT;
  g_signal_connect (processor, "segment-done-bytes", G_CALLBACK (done_log_bytes), &log);
  g_signal_connect (processor, "segment-done", G_CALLBACK (done_log_tree), &log);

  graph = process_async (processor, document, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (log.order->len, ==, 10);
  for (guint i = 0; i < log.order->len; i += 2)
    {
      const char *index = strchr (log.order->pdata[i], ' ');

      g_assert_true (g_str_has_prefix (log.order->pdata[i], "bytes "));
      g_assert_true (g_str_has_prefix (log.order->pdata[i + 1], "tree "));
      g_assert_cmpstr (index, ==, strchr (log.order->pdata[i + 1], ' '));
    }
  for (guint i = 0; i < log.texts->len; i++)
    g_assert_cmpstr (log.texts->pdata[i], ==, ADA_TEXT);

  g_ptr_array_unref (log.order);
  g_ptr_array_unref (log.texts);
}

static void
collect_failure (PpProcessor *processor,
                 PpSegment   *segment,
                 GError      *error,
                 gpointer     user_data)
{
  g_ptr_array_add (user_data, g_strdup (error->message));
}

/* Whatever a converter quotes, the client's key reaches neither the
 * segment-failed signal nor the caller's error */
static void
test_converter_error_redacted (Fixture       *fixture,
                               gconstpointer  user_data)
{
  /* Quotes the client's key, as a converter might quote an answer that
   * echoes it */
  g_autoptr(TestGraphlessConverter) converter = g_object_new (TEST_TYPE_GRAPHLESS_CONVERTER, NULL);
  g_autoptr(GObject) client = NULL;
  g_autoptr(PpProcessor) processor = NULL;
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (fixture->server),
                               "api-key", LEAKED_KEY,
                               NULL);
  g_assert_no_error (error);
  converter->message = "the answer has an unknown term “" LEAKED_KEY "” "
                       "(and percent-encoded, “sk%2Dtest%2D0123456789abcdef”)";
  processor = pp_processor_new (PP_CONVERTER (converter), PP_LLM_CLIENT (client), NULL);
  g_signal_connect (processor, "segment-failed", G_CALLBACK (collect_failure), failures);

  graph = pp_processor_process_document (processor, document, NULL, &error);
  g_assert_null (graph);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  g_assert_null (strstr (error->message, "0123456789abcdef"));
  g_assert_nonnull (strstr (error->message, "[redacted]"));

  /* The signals are delivered on this thread's context */
  while (failures->len < 1)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < failures->len; i++)
    {
      g_assert_null (strstr (failures->pdata[i], "0123456789abcdef"));
      g_assert_nonnull (strstr (failures->pdata[i], "unknown term"));
    }
}

/* Finishing a call with the result of another is a programming error */
static void
test_finish_wrong_result (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (1);
  g_autoptr(PpSegment) segment = pp_segment_new (0, "Ada Lovelace wrote about engines.", -1, 0, NULL);
  g_autoptr(GAsyncResult) document_result = NULL;
  g_autoptr(GAsyncResult) submit_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpResult) result = NULL;

  if (!g_test_undefined ())
    return;

  pp_processor_process_document_async (fixture->processor, document, NULL, document_done, &document_result);
  pp_processor_submit_async (fixture->processor, segment, NULL, document_done, &submit_result);
  while (document_result == NULL || submit_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_test_expect_message ("libpp", G_LOG_LEVEL_CRITICAL, "*g_async_result_is_tagged*");
  g_assert_false (pp_processor_submit_finish (fixture->processor, document_result, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  g_test_expect_message ("libpp", G_LOG_LEVEL_CRITICAL, "*g_async_result_is_tagged*");
  g_assert_null (pp_processor_process_document_finish (fixture->processor, submit_result, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);

  /* Each is still finished by its own function */
  g_assert_true (pp_processor_submit_finish (fixture->processor, submit_result, &error));
  g_assert_no_error (error);
  graph = pp_processor_process_document_finish (fixture->processor, document_result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  result = pp_processor_timeout_pop_result (fixture->processor, 30 * G_USEC_PER_SEC);
  g_assert_nonnull (result);
}

/* A cancellable that is not one is a programming error */
static void
test_submit_async_invalid_cancellable (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autoptr(PpSegment) segment = pp_segment_new (0, "Ada Lovelace wrote about engines.", -1, 0, NULL);
  g_autoptr(GObject) not_a_cancellable = g_object_new (G_TYPE_OBJECT, NULL);

  if (!g_test_undefined ())
    return;

  g_test_expect_message ("libpp", G_LOG_LEVEL_CRITICAL, "*G_IS_CANCELLABLE*");
  pp_processor_submit_async (fixture->processor, segment, (GCancellable *) not_a_cancellable,
                             document_done, NULL);
  g_test_assert_expected_messages ();
}

/* Resilience: retries, fatal errors, stopping, deadlines */

#define QUOTA_BODY "{\"error\": {\"message\": \"You exceeded your current quota\", " \
  "\"type\": \"insufficient_quota\", \"code\": \"insufficient_quota\"}}"
#define AUTH_BODY "{\"error\": {\"message\": \"Incorrect API key provided\", " \
  "\"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}"
#define CONTEXT_LENGTH_BODY "{\"error\": {\"message\": \"This model's maximum context length is 8 tokens\", " \
  "\"type\": \"invalid_request_error\", \"code\": \"context_length_exceeded\"}}"
#define BUSY_BODY "{\"error\": {\"message\": \"busy\"}}"
#define SLOW_DOWN_BODY "{\"error\": {\"message\": \"slow down\"}}"

/* The segment-failed signals of a run, by error */
typedef struct
{
  guint total;
  guint stopped;
  guint deadline;
  guint llm[PP_LLM_ERROR_NOT_CONFIGURED + 1];
  guint other;
} Failures;

static void
count_failure (PpProcessor *processor,
               PpSegment   *segment,
               GError      *error,
               Failures    *failures)
{
  failures->total++;
  if (g_error_matches (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED))
    failures->stopped++;
  else if (g_error_matches (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_DEADLINE))
    failures->deadline++;
  else if (error->domain == PP_LLM_ERROR && error->code >= 0 && error->code <= PP_LLM_ERROR_NOT_CONFIGURED)
    failures->llm[error->code]++;
  else
    failures->other++;
}

static void
wait_for_failures (Failures *failures,
                   guint     n)
{
  while (failures->total < n)
    g_main_context_iteration (NULL, TRUE);
}

/* The delays between consecutive requests with the same body (a segment's
 * attempts), in ms, by the server's clock */
static GArray *
retry_gaps_ms (PpTestServer *server)
{
  g_autoptr(GPtrArray) bodies = pp_test_server_dup_request_bodies (server);
  g_autoptr(GArray) arrivals = pp_test_server_dup_arrival_times (server);
  g_autoptr(GHashTable) last_arrival = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *gaps = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_cmpuint (bodies->len, ==, arrivals->len);
  for (guint i = 0; i < bodies->len; i++)
    {
      gint64 *previous = g_hash_table_lookup (last_arrival, bodies->pdata[i]);
      gint64 *arrival = &g_array_index (arrivals, gint64, i);

      if (previous != NULL)
        {
          double gap = (*arrival - *previous) / 1000.0;

          g_array_append_val (gaps, gap);
        }
      g_hash_table_insert (last_arrival, bodies->pdata[i], arrival);
    }

  return gaps;
}

/* A retry waits at least as long as the endpoint's Retry-After asked */
static void
test_retry_after_honoured (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GArray) gaps = NULL;

  pp_test_server_push_reply (fixture->server, 429, "{\"error\": {\"message\": \"slow down\"}}", "1");

  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  gaps = retry_gaps_ms (fixture->server);
  g_assert_cmpuint (gaps->len, ==, 1);
  g_assert_cmpfloat (g_array_index (gaps, double, 0), >=, 1000.0);
}

/* Back-off with full jitter: the retries of segments that failed together
 * come back at different times, none sooner than the endpoint asked */
static void
test_retry_full_jitter (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const char *headers[] = { "retry-after-ms", "200", NULL };
  g_autoptr(PpDocument) document = make_document (16);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GArray) gaps = NULL;
  double shortest = G_MAXDOUBLE, longest = 0.0;

  /* Rate limiting: the endpoint is up, and keeps no circuit from closing */
  pp_processor_set_max_workers (fixture->processor, 16);
  g_object_set (fixture->processor, "retry-delay", 1000u, NULL);
  for (guint i = 0; i < 16; i++)
    pp_test_server_push_reply_with_headers (fixture->server, 429, SLOW_DOWN_BODY, headers);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  gaps = retry_gaps_ms (fixture->server);
  g_assert_cmpuint (gaps->len, ==, 16);
  for (guint i = 0; i < gaps->len; i++)
    {
      double gap = g_array_index (gaps, double, i);

      g_assert_cmpfloat (gap, >=, 200.0);
      shortest = MIN (shortest, gap);
      longest = MAX (longest, gap);
    }
  /* Drawn between 0 and 1000 ms, and raised to 200: 16 draws that all
   * fall within 200 ms of each other are not a spread */
  g_assert_cmpfloat (longest - shortest, >=, 200.0);
}

/* An error every request would meet stops the run: one error, that one,
 * and no request beyond those already in flight */
static void
check_fatal_error_stops_run (Fixture    *fixture,
                             guint       status,
                             const char *body,
                             PpLlmError  code)
{
  g_autoptr(PpDocument) document = make_document (20);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  Failures failures = { 0, };
  guint requests;

  pp_processor_set_max_workers (fixture->processor, 2);
  for (guint i = 0; i < 20; i++)
    pp_test_server_push_reply (fixture->server, status, body, NULL);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, (int) code);
  g_assert_null (graph);
  wait_for_failures (&failures, 20);

  requests = pp_test_server_get_request_count (fixture->server);
  g_assert_cmpuint (requests, >=, 1);
  g_assert_cmpuint (requests, <=, 2);
  g_assert_cmpuint (failures.llm[code], ==, requests);
  g_assert_cmpuint (failures.stopped, ==, 20 - requests);
  g_assert_cmpuint (failures.total, ==, 20);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 20);
  g_assert_cmpuint (pp_stats_get_failed_by_error (stats, code), ==, requests);
  g_assert_cmpuint (pp_stats_get_retried (stats), ==, 0);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
}

static void
test_fatal_auth (Fixture       *fixture,
                 gconstpointer  user_data)
{
  check_fatal_error_stops_run (fixture, 401, AUTH_BODY, PP_LLM_ERROR_AUTH);
}

static void
test_fatal_quota (Fixture       *fixture,
                  gconstpointer  user_data)
{
  check_fatal_error_stops_run (fixture, 429, QUOTA_BODY, PP_LLM_ERROR_QUOTA_EXHAUSTED);
}

/* The processor stops only the runs under way: the next one goes on */
static void
test_fatal_next_run (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  pp_test_server_push_reply (fixture->server, 401, AUTH_BODY, NULL);
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_error (error, PP_LLM_ERROR, PP_LLM_ERROR_AUTH);
  g_clear_error (&error);

  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
}

/* A prompt too long for the model fails its segment at once, and only it */
static void
test_context_length_not_retried (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  Failures failures = { 0, };

  pp_processor_set_max_workers (fixture->processor, 1);
  pp_test_server_push_reply (fixture->server, 400, CONTEXT_LENGTH_BODY, NULL);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  wait_for_failures (&failures, 1);
  g_assert_cmpuint (failures.llm[PP_LLM_ERROR_CONTEXT_LENGTH], ==, 1);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 3);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 2);
  g_assert_cmpuint (pp_stats_get_retried (stats), ==, 0);
  g_assert_cmpuint (pp_stats_get_failed_by_error (stats, PP_LLM_ERROR_CONTEXT_LENGTH), ==, 1);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
}

/* Stopping lets the requests in flight finish; the other segments fail
 * with STOPPED and are reported; the graph holds what was done */
static void
test_stop_mid_run (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (10);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(PpStats) stats = NULL;
  Failures failures = { 0, };

  pp_processor_set_max_workers (fixture->processor, 2);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);
  pp_test_server_set_hold (fixture->server, TRUE);
  pp_processor_process_document_async (fixture->processor, document, NULL, document_done, &result);
  g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 2, 10000));

  pp_processor_stop (fixture->processor);
  pp_test_server_set_hold (fixture->server, FALSE);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  names = collect_names (graph);
  g_assert_cmpuint (g_hash_table_size (names), ==, 2);

  wait_for_failures (&failures, 8);
  g_assert_cmpuint (failures.stopped, ==, 8);
  g_assert_cmpuint (failures.total, ==, 8);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 2);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 2);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 8);
  /* Not converted because of the stop, not failed: not listed */
  g_assert_cmpuint (pp_stats_get_n_failures (stats), ==, 0);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
}

/* An answer whose body never ends: its request stays in flight until the
 * client gives it up */
static void
push_endless_answer (PpTestServer *server)
{
  pp_test_server_push_endless_reply (server,
                                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 100000\r\n\r\n",
                                     " ", 50);
}

/* Stopping now aborts the requests in flight: their segments fail with
 * STOPPED as the ones not started do, and the run completes at once with
 * the graph of the segments converted before */
static void
test_stop_now_aborts_requests (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (6);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GHashTable) names = NULL;
  Failures failures = { 0, };
  guint finished = 0;

  /* Two answers, then two that never end */
  pp_processor_set_max_workers (fixture->processor, 2);
  pp_test_server_push_content (fixture->server,
                               "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Ada\"}");
  pp_test_server_push_content (fixture->server,
                               "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": \"Grace\"}");
  push_endless_answer (fixture->server);
  push_endless_answer (fixture->server);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);
  g_signal_connect (fixture->processor, "progress", G_CALLBACK (count_progress), &finished);

  pp_processor_process_document_async (fixture->processor, document, NULL, document_done, &result);
  g_assert_true (pp_test_server_wait_for_requests (fixture->server, 4, 10000));
  while (finished < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (result);

  pp_processor_stop_now (fixture->processor);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_no_error (error);
  names = collect_names (graph);
  g_assert_cmpuint (g_hash_table_size (names), ==, 2);
  g_assert_true (g_hash_table_contains (names, "Ada"));
  g_assert_true (g_hash_table_contains (names, "Grace"));

  wait_for_failures (&failures, 4);
  g_assert_cmpuint (failures.stopped, ==, 4);
  g_assert_cmpuint (failures.total, ==, 4);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 4);
  /* The client gave the two endless answers up */
  g_assert_true (pp_test_server_wait_for_raw_replies_done (fixture->server, 10000));
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
  g_signal_handlers_disconnect_by_data (fixture->processor, &finished);
}

/* After a stop, stopping now still aborts the requests that the stop let
 * finish */
static void
test_stop_now_after_stop (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  Failures failures = { 0, };

  push_endless_answer (fixture->server);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);

  pp_processor_process_document_async (fixture->processor, document, NULL, document_done, &result);
  g_assert_true (pp_test_server_wait_for_requests (fixture->server, 1, 10000));
  pp_processor_stop (fixture->processor);
  g_assert_null (result);

  pp_processor_stop_now (fixture->processor);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* Nothing was converted */
  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED);
  g_assert_null (graph);
  wait_for_failures (&failures, 1);
  g_assert_cmpuint (failures.stopped, ==, 1);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
}

/* A retry waiting when the processor stops does not keep the run waiting:
 * the run completes with STOPPED, nothing having been converted */
static void
test_stop_while_retry_waits (Fixture       *fixture,
                             gconstpointer  user_data)
{
  const char *headers[] = { "retry-after-ms", "600000", NULL };
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;

  pp_test_server_push_reply_with_headers (fixture->server, 503, BUSY_BODY, headers);
  pp_processor_process_document_async (fixture->processor, one, NULL, document_done, &result);
  do
    {
      g_clear_pointer (&stats, pp_stats_unref);
      g_main_context_iteration (NULL, FALSE);
      stats = pp_processor_get_stats (fixture->processor);
    }
  while (pp_stats_get_retried (stats) == 0);

  pp_processor_stop (fixture->processor);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED);
  g_assert_null (graph);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
}

/* Cancelling a run while a retry waits finishes the segment once */
static void
test_cancel_while_retry_waits (Fixture       *fixture,
                               gconstpointer  user_data)
{
  const char *headers[] = { "retry-after-ms", "600000", NULL };
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  guint finished = 0;

  g_signal_connect (fixture->processor, "progress", G_CALLBACK (count_progress), &finished);
  pp_test_server_push_reply_with_headers (fixture->server, 503, BUSY_BODY, headers);
  pp_processor_process_document_async (fixture->processor, one, cancellable, document_done, &result);
  do
    {
      g_clear_pointer (&stats, pp_stats_unref);
      g_main_context_iteration (NULL, FALSE);
      stats = pp_processor_get_stats (fixture->processor);
    }
  while (pp_stats_get_retried (stats) == 0);

  g_cancellable_cancel (cancellable);
  while (result == NULL || finished < 1)
    g_main_context_iteration (NULL, TRUE);
  graph = pp_processor_process_document_finish (fixture->processor, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Let a second finish of the same task show, if there were one */
  g_clear_pointer (&stats, pp_stats_unref);
  stats = pp_processor_get_stats (fixture->processor);
  while (pp_stats_get_running (stats) > 0)
    {
      g_clear_pointer (&stats, pp_stats_unref);
      g_main_context_iteration (NULL, FALSE);
      stats = pp_processor_get_stats (fixture->processor);
    }
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 1);
  g_signal_handlers_disconnect_by_data (fixture->processor, &finished);
}

/* A segment that keeps failing transiently fails at its deadline, however
 * many retries it had left */
static void
test_segment_timeout_retries (Fixture       *fixture,
                              gconstpointer  user_data)
{
  const char *headers[] = { "retry-after-ms", "300", NULL };
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  Failures failures = { 0, };

  g_object_set (fixture->processor, "segment-timeout", 1u, "max-retries", 100u, NULL);
  for (guint i = 0; i < 100; i++)
    pp_test_server_push_reply_with_headers (fixture->server, 503, BUSY_BODY, headers);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);

  graph = process_async (fixture->processor, one, NULL, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  g_assert_null (graph);
  wait_for_failures (&failures, 1);
  g_assert_cmpuint (failures.deadline, ==, 1);

  /* At least 300 ms between attempts: at most four fit in a second */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), >=, 1);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), <=, 4);
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_retried_by_error (stats, PP_LLM_ERROR_TRANSIENT), ==,
                    pp_test_server_get_request_count (fixture->server) - 1);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
}

/* The deadline also ends an attempt that does not end by itself */
static void
test_segment_timeout_aborts_attempt (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  Failures failures = { 0, };

  g_object_set (fixture->processor, "segment-timeout", 1u, NULL);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (count_failure), &failures);
  pp_test_server_set_hold (fixture->server, TRUE);

  graph = process_async (fixture->processor, one, NULL, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);
  wait_for_failures (&failures, 1);
  g_assert_cmpuint (failures.deadline, ==, 1);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 1);
  pp_test_server_set_hold (fixture->server, FALSE);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failures);
}

/* Retries and failures are counted by class of LLM error */
static void
test_stats_by_error (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;

  pp_test_server_push_reply (fixture->server, 429, "{\"error\": {\"message\": \"slow down\"}}", NULL);
  pp_test_server_push_reply (fixture->server, 503, BUSY_BODY, NULL);
  pp_test_server_push_reply (fixture->server, 503, BUSY_BODY, NULL);
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&graph, json_node_unref);

  pp_test_server_push_reply (fixture->server, 400, CONTEXT_LENGTH_BODY, NULL);
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_retried (stats), ==, 3);
  g_assert_cmpuint (pp_stats_get_retried_by_error (stats, PP_LLM_ERROR_RATE_LIMITED), ==, 1);
  g_assert_cmpuint (pp_stats_get_retried_by_error (stats, PP_LLM_ERROR_TRANSIENT), ==, 2);
  g_assert_cmpuint (pp_stats_get_retried_by_error (stats, PP_LLM_ERROR_CONTEXT_LENGTH), ==, 0);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 1);
  g_assert_cmpuint (pp_stats_get_failed_by_error (stats, PP_LLM_ERROR_CONTEXT_LENGTH), ==, 1);
  g_assert_cmpuint (pp_stats_get_failed_by_error (stats, PP_LLM_ERROR_TRANSIENT), ==, 0);

  /* The existing members stay; the new ones come with them */
  json = pp_stats_to_json (stats);
  object = json_node_get_object (json);
  g_assert_cmpint (json_object_get_int_member (object, "retried"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "failed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "retried_by_error"),
                                               "rate_limited"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "retried_by_error"),
                                               "transient"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "failed_by_error"),
                                               "context_length"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "failed_by_error"),
                                               "auth"), ==, 0);
}

static void
keep_failed_segment (PpProcessor  *processor,
                     PpSegment    *segment,
                     GError       *error,
                     PpSegment   **failed)
{
  g_assert_null (*failed);
  *failed = pp_segment_ref (segment);
}

/* A segment that failed for good is listed in the stats with its index,
 * byte range and error class, and the graph holds the other segments; a
 * segment retried and then converted is not listed */
static void
test_stats_failures_listed (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(PpDocument) document = make_document (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(PpStats) stats = NULL;
  g_autoptr(PpSegment) failed = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *failed_text = NULL;
  JsonArray *listed;
  JsonObject *object;
  guint segment_index = G_MAXUINT;
  gsize start = 0;
  gsize end = 0;
  const char *error_class = NULL;
  const char *document_name = NULL;

  /* Retried, then converted */
  pp_test_server_push_reply (fixture->server, 503, BUSY_BODY, NULL);
  graph = pp_processor_process_document (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&graph, json_node_unref);
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_retried (stats), ==, 1);
  g_assert_cmpuint (pp_stats_get_n_failures (stats), ==, 0);
  g_assert_false (pp_stats_get_failure (stats, 0, NULL, NULL, NULL, NULL, NULL));
  g_clear_pointer (&stats, pp_stats_unref);

  /* One segment of three fails for good */
  pp_processor_set_max_workers (fixture->processor, 1);
  pp_test_server_push_reply (fixture->server, 400, CONTEXT_LENGTH_BODY, NULL);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (keep_failed_segment), &failed);
  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  names = collect_names (graph);
  g_assert_cmpuint (g_hash_table_size (names), ==, 2);
  while (failed == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (fixture->processor, &failed);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 1);
  g_assert_cmpuint (pp_stats_get_n_failures (stats), ==, 1);
  g_assert_cmpuint (pp_stats_get_n_failures_unlisted (stats), ==, 0);
  g_assert_true (pp_stats_get_failure (stats, 0, &segment_index, &start, &end, &error_class, &document_name));
  g_assert_false (pp_stats_get_failure (stats, 1, NULL, NULL, NULL, NULL, NULL));
  g_assert_cmpuint (segment_index, ==, pp_segment_get_index (failed));
  g_assert_cmpuint (start, ==, pp_segment_get_offset (failed));
  g_assert_cmpuint (end, ==, start + pp_segment_get_length (failed));
  g_assert_cmpuint (end, <=, strlen (pp_document_get_text (document)));
  failed_text = g_strndup (pp_document_get_text (document) + start, end - start);
  g_assert_cmpstr (failed_text, ==, pp_segment_get_text (failed));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = person_name (i);

      g_assert_true (g_hash_table_contains (names, name) == (i != segment_index));
    }
  g_assert_cmpstr (error_class, ==, "context-length");
  g_assert_cmpstr (document_name, ==, "test.txt");

  json = pp_stats_to_json (stats);
  object = json_node_get_object (json);
  listed = json_object_get_array_member (object, "failures");
  g_assert_cmpuint (json_array_get_length (listed), ==, 1);
  object = json_array_get_object_element (listed, 0);
  g_assert_cmpint (json_object_get_int_member (object, "segment"), ==, segment_index);
  g_assert_cmpint (json_object_get_int_member (object, "start"), ==, start);
  g_assert_cmpint (json_object_get_int_member (object, "end"), ==, end);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "context-length");
  g_assert_cmpstr (json_object_get_string_member (object, "document"), ==, "test.txt");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "failures_unlisted"), ==, 0);
}

/* Notifications of the processor's request path, checked to arrive on the
 * thread of the main context */
typedef struct
{
  GThread *thread;
  gboolean wrong_thread;
  guint limit_notifies;
  GArray *circuit_states;       /* PpCircuitState, one per notification */
} PathNotifications;

static void
path_notifications_init (PathNotifications *n)
{
  n->thread = g_thread_self ();
  n->wrong_thread = FALSE;
  n->limit_notifies = 0;
  n->circuit_states = g_array_new (FALSE, FALSE, sizeof (PpCircuitState));
}

static void
path_notifications_clear (PathNotifications *n)
{
  g_clear_pointer (&n->circuit_states, g_array_unref);
}

static void
on_concurrency_limit (PpProcessor       *processor,
                      GParamSpec        *pspec,
                      PathNotifications *n)
{
  n->wrong_thread |= g_thread_self () != n->thread;
  n->limit_notifies++;
}

static void
on_circuit_state (PpProcessor       *processor,
                  GParamSpec        *pspec,
                  PathNotifications *n)
{
  PpCircuitState state = pp_processor_get_circuit_state (processor);

  n->wrong_thread |= g_thread_self () != n->thread;
  g_array_append_val (n->circuit_states, state);
}

#define SERVER_CAPACITY 4

/* Against an endpoint that serves 4 requests at once and answers 429
 * beyond, the adaptive limit comes down near 4 and stays there, probing
 * now and then: fewer requests are refused than half the segments, where
 * 16 in flight have hundreds refused. Its changes are notified on the
 * main context. */
static void
test_limit_settles_under_capacity (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (N_PARAGRAPHS);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  PathNotifications n;
  guint limit;

  path_notifications_init (&n);
  pp_test_server_set_capacity (fixture->server, SERVER_CAPACITY);
  pp_test_server_set_latency_ms (fixture->server, 20);
  pp_processor_set_max_workers (fixture->processor, 16);
  g_object_set (fixture->processor, "max-retries", 100u, NULL);
  g_signal_connect (fixture->processor, "notify::concurrency-limit", G_CALLBACK (on_concurrency_limit), &n);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, N_PARAGRAPHS);
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (fixture->server), <=, SERVER_CAPACITY);
  g_assert_cmpuint (pp_test_server_get_rejected_count (fixture->server), <, N_PARAGRAPHS / 2);

  limit = pp_processor_get_concurrency_limit (fixture->processor);
  g_assert_cmpuint (limit, >=, SERVER_CAPACITY / 2);
  g_assert_cmpuint (limit, <=, SERVER_CAPACITY * 2);
  g_assert_cmpuint (pp_stats_get_concurrency_limit (stats), ==, limit);

  while (n.limit_notifies == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (n.wrong_thread);

  g_signal_handlers_disconnect_by_data (fixture->processor, &n);
  path_notifications_clear (&n);
}

/* Pinned, the limit follows max-workers at once, notified */
static void
test_limit_pinned_follows_max_workers (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  PathNotifications n;

  path_notifications_init (&n);
  g_signal_connect (fixture->processor, "notify::concurrency-limit", G_CALLBACK (on_concurrency_limit), &n);

  g_assert_true (pp_processor_get_adaptive (fixture->processor));
  pp_processor_set_max_workers (fixture->processor, 3);
  g_assert_cmpuint (pp_processor_get_concurrency_limit (fixture->processor), ==, 3);
  while (n.limit_notifies < 1)
    g_main_context_iteration (NULL, TRUE);

  /* Adaptive from 1 to 20, the limit starts below the top */
  pp_processor_set_max_workers (fixture->processor, 20);
  g_assert_cmpuint (pp_processor_get_concurrency_limit (fixture->processor), <, 20);
  pp_processor_set_adaptive (fixture->processor, FALSE);
  g_assert_cmpuint (pp_processor_get_concurrency_limit (fixture->processor), ==, 20);
  while (n.limit_notifies < 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (n.wrong_thread);

  g_signal_handlers_disconnect_by_data (fixture->processor, &n);
  path_notifications_clear (&n);
}

/* A limiter of the application's takes over, with the processor's bounds */
static void
test_limiter_replaced (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(PpAimdLimiter) limiter = pp_aimd_limiter_new (1, 1);
  g_autoptr(PpDocument) document = make_document (12);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  guint min_limit, max_limit;

  pp_processor_set_adaptive (fixture->processor, FALSE);
  pp_processor_set_max_workers (fixture->processor, 2);
  pp_processor_set_limiter (fixture->processor, PP_CONCURRENCY_LIMITER (limiter));
  g_object_get (limiter, "min-limit", &min_limit, "max-limit", &max_limit, NULL);
  g_assert_cmpuint (min_limit, ==, 2);
  g_assert_cmpuint (max_limit, ==, 2);

  pp_test_server_set_latency_ms (fixture->server, 20);
  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (fixture->server), ==, 2);
}

#define UNAVAILABLE_BODY "{\"error\": {\"message\": \"The server is overloaded\"}}"

/* The failures in a row that open the circuit (PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES) */
#define CIRCUIT_FAILURES 8u

/* Eight failures in a row open the circuit: no request goes during the
 * cool-down, then one probe does, and its success closes the circuit */
static void
test_circuit_opens_and_closes (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  g_autoptr(GArray) arrivals = NULL;
  PathNotifications n;
  gboolean seen_open = FALSE;
  gint64 gap;

  path_notifications_init (&n);
  g_object_set (fixture->processor, "max-retries", 20u, NULL);
  for (guint i = 0; i < CIRCUIT_FAILURES; i++)
    pp_test_server_push_reply (fixture->server, 503, UNAVAILABLE_BODY, NULL);
  g_signal_connect (fixture->processor, "notify::circuit-state", G_CALLBACK (on_circuit_state), &n);

  graph = process_async (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  /* The eight failures, and the probe that found the endpoint back, a
   * cool-down after the last failure */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, CIRCUIT_FAILURES + 1);
  arrivals = pp_test_server_dup_arrival_times (fixture->server);
  gap = g_array_index (arrivals, gint64, CIRCUIT_FAILURES) - g_array_index (arrivals, gint64, CIRCUIT_FAILURES - 1);
  g_assert_cmpint (gap, >=, G_TIME_SPAN_SECOND);

  while (n.circuit_states->len == 0 ||
         g_array_index (n.circuit_states, PpCircuitState, n.circuit_states->len - 1) != PP_CIRCUIT_CLOSED)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < n.circuit_states->len; i++)
    seen_open |= g_array_index (n.circuit_states, PpCircuitState, i) == PP_CIRCUIT_OPEN;
  g_assert_true (seen_open);
  g_assert_false (n.wrong_thread);

  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpint (pp_stats_get_circuit_state (stats), ==, PP_CIRCUIT_CLOSED);
  g_assert_cmpuint (pp_stats_get_circuit_opened (stats), ==, 1);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 1);

  g_signal_handlers_disconnect_by_data (fixture->processor, &n);
  path_notifications_clear (&n);
}

/* While the circuit is open, a segment waits for the probe without
 * spending its retries: the eight failures took eight of its eight retries,
 * and the probe after the cool-down still converts it */
static void
test_circuit_open_spends_no_retries (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(PpDocument) one = make_document (1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;

  g_object_set (fixture->processor, "max-retries", CIRCUIT_FAILURES, NULL);
  for (guint i = 0; i < CIRCUIT_FAILURES; i++)
    pp_test_server_push_reply (fixture->server, 503, UNAVAILABLE_BODY, NULL);

  graph = process_async (fixture->processor, one, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, CIRCUIT_FAILURES + 1);
  stats = pp_processor_get_stats (fixture->processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, 1);
  g_assert_cmpuint (pp_stats_get_retried (stats), ==, CIRCUIT_FAILURES);
}

#define REQUESTS_PER_MINUTE 600
#define REQUESTS_PER_SECOND (REQUESTS_PER_MINUTE / 60)

/* With a budget of 600 requests a minute, no stretch of the server's
 * clock sees more than a second's share at once (10) plus 10 a second */
static void
test_requests_per_minute_spaces_requests (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_document (2 * REQUESTS_PER_SECOND + 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GArray) arrivals = NULL;

  pp_processor_set_requests_per_minute (fixture->processor, REQUESTS_PER_MINUTE);
  g_assert_cmpuint (pp_processor_get_requests_per_minute (fixture->processor), ==, REQUESTS_PER_MINUTE);

  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);

  arrivals = pp_test_server_dup_arrival_times (fixture->server);
  g_assert_cmpuint (arrivals->len, ==, 2 * REQUESTS_PER_SECOND + 5);
  for (guint i = 0; i < arrivals->len; i++)
    for (guint j = i; j < arrivals->len; j++)
      {
        gint64 span = g_array_index (arrivals, gint64, j) - g_array_index (arrivals, gint64, i);
        guint count = j - i + 1;

        /* Two more for the trips from the client to the server's clock */
        g_assert_cmpuint (count, <=, REQUESTS_PER_SECOND + (span * REQUESTS_PER_SECOND) / G_TIME_SPAN_SECOND + 2);
      }
}

/* An answer whose @headers say the endpoint has too little left for 500
 * ms holds the next request back until then */
static void
assert_endpoint_word_holds_back (Fixture            *fixture,
                                 const char * const *headers)
{
  g_autoptr(PpDocument) two = make_document (2);
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GArray) arrivals = NULL;
  gint64 gap;

  body = pp_mock_answer_completion (NULL, "{\"@context\": \"https://schema.org\", "
                                    "\"@type\": \"Person\", \"name\": \"Ada Lovelace\"}", 10);
  pp_test_server_push_reply_with_headers (fixture->server, 200, body, headers);
  pp_processor_set_max_workers (fixture->processor, 1);

  graph = process_async (fixture->processor, two, NULL, &error);
  g_assert_no_error (error);

  arrivals = pp_test_server_dup_arrival_times (fixture->server);
  g_assert_cmpuint (arrivals->len, ==, 2);
  gap = g_array_index (arrivals, gint64, 1) - g_array_index (arrivals, gint64, 0);
  g_assert_cmpint (gap, >=, 500 * G_TIME_SPAN_MILLISECOND);
}

/* No request left */
static void
test_endpoint_remaining_holds_back (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  const char *headers[] = {
    "x-ratelimit-remaining-requests", "0",
    "x-ratelimit-reset-requests", "500ms",
    NULL
  };

  assert_endpoint_word_holds_back (fixture, headers);
}

/* Fewer tokens left than the next request's prompt holds: its tokens are
 * estimated, though no token budget is configured */
static void
test_endpoint_remaining_tokens_hold_back (Fixture       *fixture,
                                          gconstpointer  user_data)
{
  const char *headers[] = {
    "x-ratelimit-remaining-tokens", "10",
    "x-ratelimit-reset-tokens", "500ms",
    NULL
  };

  assert_endpoint_word_holds_back (fixture, headers);
}

typedef struct
{
  GThread *owner;
  GMainContext *context;
  gboolean wrong_thread;
  GHashTable *done;            /* indices of the segments done */
  GHashTable *failed;          /* indices of the segments failed */
  GHashTable *merged;          /* indices of the segments merged */
  gboolean merged_before_done;
  gboolean merged_twice;
  gboolean merged_failed;
  guint n_entities;
} MergeLog;

static void
merge_log_check_thread (MergeLog *log)
{
  if (g_thread_self () != log->owner || !g_main_context_is_owner (log->context))
    log->wrong_thread = TRUE;
}

static void
on_merge_log_done (PpProcessor *p, PpSegment *s, JsonNode *graph, MergeLog *log)
{
  merge_log_check_thread (log);
  g_hash_table_add (log->done, GUINT_TO_POINTER (pp_segment_get_index (s)));
}

static void
on_merge_log_failed (PpProcessor *p, PpSegment *s, GError *error, MergeLog *log)
{
  merge_log_check_thread (log);
  g_hash_table_add (log->failed, GUINT_TO_POINTER (pp_segment_get_index (s)));
}

static void
on_merge_log_merged (PpProcessor *p, guint index, guint n_entities, MergeLog *log)
{
  merge_log_check_thread (log);
  if (!g_hash_table_contains (log->done, GUINT_TO_POINTER (index)))
    log->merged_before_done = TRUE;
  if (g_hash_table_contains (log->failed, GUINT_TO_POINTER (index)))
    log->merged_failed = TRUE;
  if (!g_hash_table_add (log->merged, GUINT_TO_POINTER (index)))
    log->merged_twice = TRUE;
  g_assert_cmpuint (n_entities, >=, log->n_entities);
  log->n_entities = n_entities;
}

/* segment-merged comes once for each segment that gave a graph, after its
 * segment-done, on the processor's context; never for a segment that
 * failed */
static void
test_signals_segment_merged (Fixture       *fixture,
                             gconstpointer  user_data)
{
  MergeLog log = { 0, };
  g_autoptr(PpDocument) document = make_document (12);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  log.owner = g_thread_self ();
  log.context = g_main_context_default ();
  log.done = g_hash_table_new (NULL, NULL);
  log.failed = g_hash_table_new (NULL, NULL);
  log.merged = g_hash_table_new (NULL, NULL);
  g_signal_connect (fixture->processor, "segment-done", G_CALLBACK (on_merge_log_done), &log);
  g_signal_connect (fixture->processor, "segment-failed", G_CALLBACK (on_merge_log_failed), &log);
  g_signal_connect (fixture->processor, "segment-merged", G_CALLBACK (on_merge_log_merged), &log);

  /* One segment fails for good: it gives no graph */
  pp_test_server_push_reply (fixture->server, 400, CONTEXT_LENGTH_BODY, NULL);
  graph = process_async (fixture->processor, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  while (g_hash_table_size (log.merged) < g_hash_table_size (log.done))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_handlers_disconnect_by_data (fixture->processor, &log);

  g_assert_false (log.wrong_thread);
  g_assert_cmpuint (g_hash_table_size (log.failed), ==, 1);
  g_assert_cmpuint (g_hash_table_size (log.done), ==, 11);
  g_assert_cmpuint (g_hash_table_size (log.merged), ==, 11);
  g_assert_false (log.merged_before_done);
  g_assert_false (log.merged_twice);
  g_assert_false (log.merged_failed);
  g_assert_cmpuint (log.n_entities, >, 0);

  g_hash_table_unref (log.done);
  g_hash_table_unref (log.failed);
  g_hash_table_unref (log.merged);
}

/* The main context of a call to process_document_async() */

typedef struct
{
  guint started;
  guint done;
  guint progress;
  gboolean returned;        /* the call returned */
  gboolean early;           /* a signal came before it did */
  guint done_at_finished;
  guint done_at_callback;
  gboolean completed;
  GAsyncResult *result;
} CallLog;

static void
call_log_started (PpProcessor *p, PpSegment *s, CallLog *log)
{
  log->early |= !log->returned;
  log->started++;
}

static void
call_log_done (PpProcessor *p, PpSegment *s, JsonNode *graph, CallLog *log)
{
  log->early |= !log->returned;
  log->done++;
}

static void
call_log_progress (PpProcessor *p, guint done, guint failed, guint total, CallLog *log)
{
  log->early |= !log->returned;
  log->progress++;
}

static void
call_log_finished (PpProcessor *p, JsonNode *graph, CallLog *log)
{
  log->done_at_finished = log->done;
}

static void
call_log_completed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  CallLog *log = user_data;

  log->done_at_callback = log->done;
  log->result = g_object_ref (result);
}

static void
call_log_connect (CallLog     *log,
                  PpProcessor *processor)
{
  g_signal_connect (processor, "segment-started", G_CALLBACK (call_log_started), log);
  g_signal_connect (processor, "segment-done", G_CALLBACK (call_log_done), log);
  g_signal_connect (processor, "progress", G_CALLBACK (call_log_progress), log);
  g_signal_connect (processor, "finished", G_CALLBACK (call_log_finished), log);
}

/* Returns: (transfer full): the graph of the call */
static JsonNode *
call_log_wait (CallLog     *log,
               PpProcessor *processor)
{
  g_autoptr(GError) error = NULL;
  JsonNode *graph;

  while (log->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  graph = pp_processor_process_document_finish (processor, log->result, &error);
  g_assert_no_error (error);
  g_clear_object (&log->result);
  g_signal_handlers_disconnect_by_data (processor, log);

  return graph;
}

/* The call splits the document and starts its run on a thread of libpp's:
 * the caller's context only gets the signals, after the call returned,
 * every segment-done before finished and before the callback */
static void
test_process_document_async_splits_off_caller (Fixture       *fixture,
                                               gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_named_document ("off-caller.txt", 20);
  g_autoptr(JsonNode) graph = NULL;
  CallLog log = { 0, };

  call_log_connect (&log, fixture->processor);
  log_watch_start ("off-caller.txt: 20 segments, up to ");
  pp_processor_process_document_async (fixture->processor, document, NULL,
                                       call_log_completed, &log);
  log.returned = TRUE;

  /* The run announces its start where it splits the document */
  g_assert_true (log_watch_wait () != g_thread_self ());

  graph = call_log_wait (&log, fixture->processor);
  g_assert_nonnull (graph);
  g_assert_false (log.early);
  g_assert_cmpuint (log.started, ==, 20);
  g_assert_cmpuint (log.progress, ==, 20);
  g_assert_cmpuint (log.done_at_finished, ==, 20);
  g_assert_cmpuint (log.done_at_callback, ==, 20);
}

/* An application slow to handle segment-done, as one drawing each graph:
 * the first handler waits until the run completed, each one takes longer
 * than one dispatch of the signals may last */
static void
slow_segment_done (PpProcessor *p, PpSegment *s, JsonNode *graph, gpointer data)
{
  if (GPOINTER_TO_UINT (data) == 0)
    log_watch_wait ();
  g_usleep (3 * G_TIME_SPAN_MILLISECOND);
}

/* The call completes after the signals of its run, even when the
 * application is still behind with them when the run completes */
static void
test_process_document_async_completes_after_signals (Fixture       *fixture,
                                                     gconstpointer  user_data)
{
  g_autoptr(PpDocument) document = make_named_document ("behind.txt", 12);
  g_autoptr(JsonNode) graph = NULL;
  CallLog log = { 0, };
  gulong slow;

  call_log_connect (&log, fixture->processor);
  slow = g_signal_connect (fixture->processor, "segment-done", G_CALLBACK (slow_segment_done), NULL);
  /* The run is over once it logs its figures */
  log_watch_start ("behind.txt: 12 segments, 12 done, ");
  pp_processor_process_document_async (fixture->processor, document, NULL,
                                       call_log_completed, &log);
  log.returned = TRUE;

  graph = call_log_wait (&log, fixture->processor);
  g_signal_handler_disconnect (fixture->processor, slow);
  g_assert_nonnull (graph);
  g_assert_cmpuint (log.done_at_finished, ==, 12);
  g_assert_cmpuint (log.done_at_callback, ==, 12);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  caught_warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (catch_cache_warnings, NULL, NULL);

#define ADD(path, func, cache) \
  g_test_add ("/processor/" path, Fixture, GINT_TO_POINTER (cache), fixture_set_up, func, fixture_tear_down)

  ADD ("end-to-end", test_end_to_end, FALSE);
  ADD ("canonical-output", test_canonical_output, TRUE);
  ADD ("process-document-bytes/same-as-tree", test_process_document_bytes_same_as_tree, FALSE);
  ADD ("process-document-bytes/finished-signal", test_process_document_bytes_finished_signal, FALSE);
  ADD ("process-document-bytes/all-failed", test_process_document_bytes_all_failed, FALSE);
  ADD ("process-document/output-context-asked-mid-run", test_process_document_output_context_asked_mid_run, FALSE);
  ADD ("signals/main-thread", test_signals_main_thread, FALSE);
  ADD ("signals/other-thread", test_signals_thread, FALSE);
  ADD ("signals/segment-merged", test_signals_segment_merged, FALSE);
  ADD ("max-workers-at-run-time", test_max_workers_at_run_time, FALSE);
  ADD ("single-flight/identical-segments-share-one-request", test_identical_segments_share_one_request, FALSE);
  ADD ("cancellation", test_cancellation, FALSE);
  ADD ("retries", test_retries, FALSE);
  ADD ("queue", test_queue, FALSE);
  ADD ("cache-keeps-valid-answers", test_cache_keeps_valid_answers, TRUE);
  ADD ("submit-async/reenter-from-callback", test_submit_async_reenter_from_callback, FALSE);
  ADD ("submit-async/invalid-cancellable", test_submit_async_invalid_cancellable, FALSE);
  ADD ("finish/wrong-result", test_finish_wrong_result, FALSE);
  ADD ("model/set-during-run", test_model_set_during_run, TRUE);
  ADD ("cache/store-fails-without-error", test_cache_store_fails_without_error, FALSE);
  ADD ("cache/fails-with-error", test_cache_fails_with_error, FALSE);
  ADD ("plugins/llm-client-returns-nothing", test_llm_client_returns_nothing, FALSE);
  ADD ("plugins/converter-returns-nothing", test_converter_returns_nothing, FALSE);
  ADD ("plugins/converter-error-redacted", test_converter_error_redacted, FALSE);
  ADD ("segment-done/no-tree-without-handler", test_segment_done_no_tree_without_handler, FALSE);
  ADD ("segment-done-bytes/before-tree", test_segment_done_bytes_before_tree, FALSE);
  ADD ("convert-bytes/expansion-merged-as-is", test_convert_bytes_expansion_merged_as_is, FALSE);
  ADD ("convert-bytes/tree-only-converter", test_convert_bytes_tree_only_converter, FALSE);
  ADD ("retry/retry-after-honoured", test_retry_after_honoured, FALSE);
  ADD ("retry/full-jitter", test_retry_full_jitter, FALSE);
  ADD ("retry/context-length-not-retried", test_context_length_not_retried, FALSE);
  ADD ("retry/cancel-while-waiting", test_cancel_while_retry_waits, FALSE);
  ADD ("fatal/auth-stops-run", test_fatal_auth, FALSE);
  ADD ("fatal/quota-stops-run", test_fatal_quota, FALSE);
  ADD ("fatal/next-run-goes-on", test_fatal_next_run, FALSE);
  ADD ("stop/mid-run", test_stop_mid_run, FALSE);
  ADD ("stop/now-aborts-requests", test_stop_now_aborts_requests, FALSE);
  ADD ("stop/now-after-stop", test_stop_now_after_stop, FALSE);
  ADD ("stop/while-retry-waits", test_stop_while_retry_waits, FALSE);
  ADD ("segment-timeout/keeps-failing", test_segment_timeout_retries, FALSE);
  ADD ("segment-timeout/aborts-attempt", test_segment_timeout_aborts_attempt, FALSE);
  ADD ("stats/by-error", test_stats_by_error, FALSE);
  ADD ("stats/failures-listed", test_stats_failures_listed, FALSE);
  ADD ("process-document-async/splits-off-caller", test_process_document_async_splits_off_caller, FALSE);
  ADD ("process-document-async/completes-after-signals", test_process_document_async_completes_after_signals, FALSE);

  ADD ("limiter/settles-under-capacity", test_limit_settles_under_capacity, FALSE);
  ADD ("limiter/pinned-follows-max-workers", test_limit_pinned_follows_max_workers, FALSE);
  ADD ("limiter/replaced", test_limiter_replaced, FALSE);
  ADD ("circuit-breaker/opens-and-closes", test_circuit_opens_and_closes, FALSE);
  ADD ("circuit-breaker/open-spends-no-retries", test_circuit_open_spends_no_retries, FALSE);
  ADD ("rate-budget/requests-per-minute-spaces-requests", test_requests_per_minute_spaces_requests, FALSE);
  ADD ("rate-budget/endpoint-remaining-holds-back", test_endpoint_remaining_holds_back, FALSE);
  ADD ("rate-budget/endpoint-remaining-tokens-hold-back", test_endpoint_remaining_tokens_hold_back, FALSE);

#undef ADD

  return g_test_run ();
}
