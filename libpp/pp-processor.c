/* pp-processor.c: runs segments through the converter on a thread pool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"
#include "pp-aimd-limiter.h"
#include "pp-enum-types.h"

/**
 * PpProcessor:
 *
 * Runs segments through a #PpConverter on a thread pool, retries what fails
 * for a transient reason, and merges a document's graphs with a
 * #PpReconciler.
 *
 * ## Workers
 *
 * The processor pushes its tasks to a #GThreadPool that shares GLib's
 * threads (a non-exclusive pool): threads are made on demand and reused
 * between tasks and between processors.
 *
 * #PpProcessor:max-workers is the most requests the processor has in flight
 * at the LLM endpoint. Each request passes the processor's
 * [iface@Pp.ConcurrencyLimiter] and leaves it as soon as the answer is
 * there; the default one, a [class@Pp.AimdLimiter], adapts the limit
 * between #PpProcessor:min-workers and #PpProcessor:max-workers to what the
 * endpoint tolerates (see #PpProcessor:adaptive and
 * #PpProcessor:concurrency-limit). The pool has one thread for each of
 * max-workers' places: handling an answer is short against the wait for
 * it. The bounds can change at any time: raising them
 * lets waiting tasks through at once; lowering them lets the requests in
 * flight finish and lets no more through than the new limit.
 *
 * ## Endpoints that fail or ask to slow down
 *
 * A circuit breaker watches how requests end. After 8 transient failures
 * in a row (a 429 does not count: it says the endpoint is alive), or when
 * more than three quarters of the last 20 requests failed, it opens
 * (#PpProcessor:circuit-state): no request is sent, and the segments that
 * would send one wait, without spending a retry, until the cool-down is
 * over. An endpoint that fails one request in five and answers the rest
 * does not trip it. After the cool-down (1 second, doubled each time the
 * endpoint still fails, up to 30 seconds) one request probes the endpoint;
 * its success closes the circuit.
 *
 * #PpProcessor:requests-per-minute and #PpProcessor:tokens-per-minute
 * spread requests over time; what an endpoint says it has left
 * (`x-ratelimit-remaining-*` and `x-ratelimit-reset-*`) holds requests
 * back further until it renews its budget. A request waiting for its
 * budget holds no place under the concurrency limit.
 *
 * ## The task queue
 *
 * At most #PpProcessor:queue-size tasks wait in the pool's queue. Beyond
 * that, pp_processor_submit() blocks until there is room,
 * pp_processor_submit_async() completes when there is room, and
 * pp_processor_try_submit() fails with %PP_PROCESSOR_ERROR_QUEUE_FULL. The
 * segments of a document are fed to the queue as room frees up. Results of
 * submitted segments are collected with pp_processor_pop_result().
 *
 * ## Retries
 *
 * A task whose LLM call failed with a transient error
 * (pp_llm_error_is_transient()) is retried up to #PpProcessor:max-retries
 * times, after an exponential back-off with full jitter: a random delay
 * between 0 and #PpProcessor:retry-delay × 2^attempt (at most a minute),
 * never shorter than the delay the endpoint asked for in its answer
 * (`Retry-After`). Other errors fail the segment at once (a prompt too
 * long for the model's context, for one). A waiting retry holds no worker:
 * it is a timer on libpp's timer thread that pushes the task back into the
 * queue. #PpProcessor:segment-timeout bounds the time a segment may take
 * across all its attempts.
 *
 * ## Stopping
 *
 * pp_processor_stop() lets the requests in flight finish and starts no
 * other segment of the runs under way: each document completes with the
 * graph of what was converted. An LLM error that every request would meet
 * (pp_llm_error_is_fatal(): the credentials were refused, the quota is
 * exhausted) stops the processor in the same way, and is the error of the
 * documents under way. The segments that did not start fail with
 * %PP_PROCESSOR_ERROR_STOPPED.
 *
 * ## Signals
 *
 * Signals are emitted on the #GMainContext that was thread-default when the
 * processor was created, from a source attached to it, in the order the
 * events happened: never from a worker thread. The first event after a
 * quiet while is delivered at once; those that follow it are gathered for
 * two milliseconds at a time, so that a hundred workers finishing segments
 * wake the context up once in two milliseconds, not once an event. The JSON trees they
 * carry are copies that belong to that context's thread. An event reaches
 * the handlers that were connected when it happened; with none connected,
 * the context is not woken up for it.
 *
 * ## Requests
 *
 * Converters ask the LLM through a #PpConvertContext: the answer comes from
 * the cache when it is there; identical requests in flight at the same time
 * are sent once; the answers of a conversion are stored in the cache once
 * the converter made valid JSON-LD of them.
 *
 * Since: 0.1
 */

#define DEFAULT_MAX_WORKERS 8
#define DEFAULT_QUEUE_SIZE 1024
#define DEFAULT_MAX_RETRIES 4
#define DEFAULT_RETRY_DELAY_MS 500

enum {
  PROP_0,
  PROP_CONVERTER,
  PROP_LLM_CLIENT,
  PROP_CACHE,
  PROP_CACHE_TTL,
  PROP_SEGMENTER,
  PROP_MIN_WORKERS,
  PROP_MAX_WORKERS,
  PROP_QUEUE_SIZE,
  PROP_MAX_RETRIES,
  PROP_RETRY_DELAY,
  PROP_MODEL,
  PROP_OUTPUT_FORM,
  PROP_PROVENANCE,
  PROP_RESOLVE_MODE,
  PROP_SEGMENT_TIMEOUT,
  PROP_ADAPTIVE,
  PROP_CONCURRENCY_LIMIT,
  PROP_CIRCUIT_STATE,
  PROP_REQUESTS_PER_MINUTE,
  PROP_TOKENS_PER_MINUTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PpProcessor, pp_processor, G_TYPE_OBJECT)

/**
 * pp_processor_error_quark:
 *
 * The error domain of [class@Pp.Processor], `PP_PROCESSOR_ERROR`.
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (pp-processor-error-quark, pp_processor_error)

/* Documents */

/**
 * pp_processor_process_document:
 * @processor: a #PpProcessor
 * @document: a document
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Splits @document into segments, converts them on the thread pool and
 * merges their graphs. Blocks until the graph is there; signals are still
 * emitted on the processor's main context, when it is iterated.
 *
 * Returns: (transfer full) (nullable): the document's graph, or %NULL with
 *   @error set: %G_IO_ERROR_CANCELLED, a %PP_DOCUMENT_ERROR, or
 *   %PP_PROCESSOR_ERROR_FAILED when every segment failed. When only some
 *   segments failed, the graph holds the others' and #PpProcessor::segment-failed
 *   reports the failures.
 *
 * Since: 0.1
 */
JsonNode *
pp_processor_process_document (PpProcessor   *processor,
                               PpDocument    *document,
                               GCancellable  *cancellable,
                               GError       **error)
{
  Run *run;
  JsonNode *result;

  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);
  g_return_val_if_fail (PP_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run = pp_run_start_document (processor, document, cancellable, error);
  if (run == NULL)
    return NULL;

  g_mutex_lock (&processor->lock);
  while (!run->completed)
    g_cond_wait (&processor->cond, &processor->lock);
  result = g_steal_pointer (&run->result);
  if (result == NULL)
    g_propagate_error (error, g_steal_pointer (&run->error));
  g_mutex_unlock (&processor->lock);

  pp_run_disconnect_cancellable (run);
  pp_run_unref (run);

  return result;
}

/* Starts the run of @document for a GTask tagged @source_tag, whose
 * result is the graph as a tree or, with @as_bytes, as written JSON.
 * Splitting the document and starting its run happen on libpp's threads,
 * not on the caller's context. */
static void
start_document_task (PpProcessor         *processor,
                     PpDocument          *document,
                     GCancellable        *cancellable,
                     gboolean             as_bytes,
                     gpointer             source_tag,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) gtask = g_task_new (processor, cancellable, callback, user_data);

  g_task_set_source_tag (gtask, source_tag);
  g_task_set_check_cancellable (gtask, FALSE);
  pp_run_start_document_async (processor, document, cancellable, as_bytes, gtask);
}

/**
 * pp_processor_process_document_async:
 * @processor: a #PpProcessor
 * @document: a document
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called on the caller's thread-default main
 *   context when the graph is there
 * @user_data: data for @callback
 *
 * Splits @document into segments, converts them on the thread pool and
 * merges their graphs, without blocking. The document is split on a thread
 * of libpp's, so the processor's statistics may count its segments only
 * after this call returned. Cancelling @cancellable drops the queued
 * segments, aborts the requests in flight and completes the call at once
 * with %G_IO_ERROR_CANCELLED. Finish with
 * pp_processor_process_document_finish().
 *
 * Since: 0.1
 */
void
pp_processor_process_document_async (PpProcessor         *processor,
                                     PpDocument          *document,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (PP_IS_DOCUMENT (document));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_document_task (processor, document, cancellable, FALSE,
                       pp_processor_process_document_async, callback, user_data);
}

/**
 * pp_processor_process_document_finish:
 * @processor: a #PpProcessor
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes an operation started with
 * [method@Pp.Processor.process_document_async].
 *
 * Returns: (transfer full) (nullable): the document's graph, or %NULL with
 *   @error set, as pp_processor_process_document() says
 *
 * Since: 0.1
 */
JsonNode *
pp_processor_process_document_finish (PpProcessor   *processor,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);
  g_return_val_if_fail (g_task_is_valid (result, processor), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, pp_processor_process_document_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pp_processor_process_document_bytes_async:
 * @processor: a #PpProcessor
 * @document: a document
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called on the caller's thread-default main
 *   context when the graph is written
 * @user_data: data for @callback
 *
 * Like [method@Pp.Processor.process_document_async], but the graph comes
 * written as JSON, for a caller that only stores or sends it: the
 * reconciler writes it on its own thread, straight from the merged
 * nodes, without building a tree. Finish with
 * [method@Pp.Processor.process_document_bytes_finish].
 *
 * Since: 0.2
 */
void
pp_processor_process_document_bytes_async (PpProcessor         *processor,
                                           PpDocument          *document,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (PP_IS_DOCUMENT (document));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start_document_task (processor, document, cancellable, TRUE,
                       pp_processor_process_document_bytes_async, callback, user_data);
}

/**
 * pp_processor_process_document_bytes_finish:
 * @processor: a #PpProcessor
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes an operation started with
 * [method@Pp.Processor.process_document_bytes_async].
 *
 * Returns: (transfer full) (nullable): the document's graph in the
 *   processor's [property@Pp.Processor:output-form], as UTF-8 JSON indented
 *   the way `pp_jsonld_to_json (graph, TRUE)` writes the graph that
 *   [method@Pp.Processor.process_document_finish] returns, without a
 *   final newline; or %NULL with @error set, as
 *   [method@Pp.Processor.process_document] says
 *
 * Since: 0.2
 */
GBytes *
pp_processor_process_document_bytes_finish (PpProcessor   *processor,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);
  g_return_val_if_fail (g_task_is_valid (result, processor), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, pp_processor_process_document_bytes_async), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * pp_processor_get_stats:
 * @processor: a #PpProcessor
 *
 * Takes a snapshot of the processor's counters. Thread-safe.
 *
 * Returns: (transfer full): the snapshot
 *
 * Since: 0.1
 */
PpStats *
pp_processor_get_stats (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  pp_processor_update_path_stats (processor);
  return pp_stats_collector_snapshot (&processor->stats, processor->max_workers);
}

/* The object */

static void
pp_processor_constructed (GObject *object)
{
  PpProcessor *self = PP_PROCESSOR (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (pp_processor_parent_class)->constructed (object);

  g_assert (self->converter != NULL);
  g_assert (self->client != NULL);

  if (self->segmenter == NULL)
    self->segmenter = pp_segmenter_new (2000);

  self->events = pp_processor_new_event_queue (self);

  /* A shared pool cannot fail to be created */
  self->pool = g_thread_pool_new (pp_processor_worker, self, (int) pp_processor_pool_size_for (self->max_workers), FALSE, &error);
  g_assert_no_error (error);
}

/* No task is left to look up or store: what the cache buffers is flushed */
static void
close_cache (PpProcessor *self)
{
  g_autoptr(GError) error = NULL;

  if (self->cache != NULL && !pp_cache_close (self->cache, NULL, &error))
    g_warning ("Cache %s: could not be closed: %s",
               G_OBJECT_TYPE_NAME (self->cache), error->message);
}

static void
pp_processor_finalize (GObject *object)
{
  PpProcessor *self = PP_PROCESSOR (object);

  /* Every task holds a reference: the pool is idle, unless this runs on
   * one of its threads, at the end of the last task. Do not wait. */
  g_thread_pool_free (self->pool, FALSE, FALSE);

  g_clear_pointer (&self->stream, pp_run_unref);
  g_clear_pointer (&self->dispatch, pp_dispatch_unref);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_async_queue_unref (self->results);
  pp_main_context_queue_unref (self->events);
  g_hash_table_unref (self->flights);
  g_main_context_unref (self->context);
  pp_stats_collector_clear (&self->stats);
  close_cache (self);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->flight_lock);
  g_mutex_clear (&self->limiter_lock);
  g_clear_object (&self->limiter);
  g_clear_pointer (&self->breaker, pp_circuit_breaker_free);
  g_clear_pointer (&self->request_budget, pp_rate_budget_free);
  g_clear_pointer (&self->token_budget, pp_rate_budget_free);
  g_cond_clear (&self->cond);
  g_cond_clear (&self->flight_cond);

  g_clear_object (&self->converter);
  g_clear_object (&self->client);
  g_clear_object (&self->cache);
  g_clear_object (&self->segmenter);
  g_free (self->model);

  G_OBJECT_CLASS (pp_processor_parent_class)->finalize (object);
}

static void
pp_processor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PpProcessor *self = PP_PROCESSOR (object);

  switch (prop_id)
    {
    case PROP_CONVERTER:
      g_value_set_object (value, self->converter);
      break;
    case PROP_LLM_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;
    case PROP_CACHE_TTL:
      g_value_set_uint (value, (guint) g_atomic_int_get (&self->cache_ttl_s));
      break;
    case PROP_SEGMENTER:
      g_value_set_object (value, self->segmenter);
      break;
    case PROP_MIN_WORKERS:
      g_value_set_uint (value, self->min_workers);
      break;
    case PROP_MAX_WORKERS:
      g_value_set_uint (value, self->max_workers);
      break;
    case PROP_QUEUE_SIZE:
      g_value_set_uint (value, self->queue_size);
      break;
    case PROP_MAX_RETRIES:
      g_value_set_uint (value, self->max_retries);
      break;
    case PROP_RETRY_DELAY:
      g_value_set_uint (value, self->retry_delay_ms);
      break;
    case PROP_MODEL:
      g_mutex_lock (&self->lock);
      g_value_set_string (value, self->model);
      g_mutex_unlock (&self->lock);
      break;
    case PROP_OUTPUT_FORM:
      g_value_set_enum (value, self->output_form);
      break;
    case PROP_PROVENANCE:
      g_value_set_boolean (value, self->provenance);
      break;
    case PROP_RESOLVE_MODE:
      g_value_set_enum (value, self->resolve_mode);
      break;
    case PROP_SEGMENT_TIMEOUT:
      g_value_set_uint (value, self->segment_timeout_s);
      break;
    case PROP_ADAPTIVE:
      g_value_set_boolean (value, pp_processor_get_adaptive (self));
      break;
    case PROP_CONCURRENCY_LIMIT:
      g_value_set_uint (value, pp_processor_get_concurrency_limit (self));
      break;
    case PROP_CIRCUIT_STATE:
      g_value_set_enum (value, pp_processor_get_circuit_state (self));
      break;
    case PROP_REQUESTS_PER_MINUTE:
      g_value_set_uint (value, pp_processor_get_requests_per_minute (self));
      break;
    case PROP_TOKENS_PER_MINUTE:
      g_value_set_uint (value, pp_processor_get_tokens_per_minute (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_processor_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PpProcessor *self = PP_PROCESSOR (object);

  switch (prop_id)
    {
    case PROP_CONVERTER:
      self->converter = g_value_dup_object (value);
      break;
    case PROP_LLM_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;
    case PROP_CACHE_TTL:
      g_atomic_int_set (&self->cache_ttl_s, g_value_get_uint (value));
      break;
    case PROP_SEGMENTER:
      self->segmenter = g_value_dup_object (value);
      break;
    case PROP_MIN_WORKERS:
      pp_processor_set_min_workers (self, g_value_get_uint (value));
      break;
    case PROP_MAX_WORKERS:
      pp_processor_set_max_workers (self, g_value_get_uint (value));
      break;
    case PROP_QUEUE_SIZE:
      pp_processor_set_queue_size (self, g_value_get_uint (value));
      break;
    case PROP_MAX_RETRIES:
      self->max_retries = g_value_get_uint (value);
      break;
    case PROP_RETRY_DELAY:
      self->retry_delay_ms = g_value_get_uint (value);
      break;
    case PROP_MODEL:
      pp_processor_set_model (self, g_value_get_string (value));
      break;
    case PROP_OUTPUT_FORM:
      pp_processor_set_output_form (self, g_value_get_enum (value));
      break;
    case PROP_PROVENANCE:
      self->provenance = g_value_get_boolean (value);
      break;
    case PROP_RESOLVE_MODE:
      self->resolve_mode = g_value_get_enum (value);
      break;
    case PROP_SEGMENT_TIMEOUT:
      self->segment_timeout_s = g_value_get_uint (value);
      break;
    case PROP_ADAPTIVE:
      pp_processor_set_adaptive (self, g_value_get_boolean (value));
      break;
    case PROP_REQUESTS_PER_MINUTE:
      pp_processor_set_requests_per_minute (self, g_value_get_uint (value));
      break;
    case PROP_TOKENS_PER_MINUTE:
      pp_processor_set_tokens_per_minute (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_processor_class_init (PpProcessorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = pp_processor_constructed;
  object_class->finalize = pp_processor_finalize;
  object_class->get_property = pp_processor_get_property;
  object_class->set_property = pp_processor_set_property;

  /**
   * PpProcessor:converter:
   *
   * The converter that turns segments into JSON-LD.
   *
   * Since: 0.1
   */
  properties[PROP_CONVERTER] =
    g_param_spec_object ("converter", NULL, NULL, PP_TYPE_CONVERTER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:llm-client:
   *
   * The LLM client converters ask.
   *
   * Since: 0.1
   */
  properties[PROP_LLM_CLIENT] =
    g_param_spec_object ("llm-client", NULL, NULL, PP_TYPE_LLM_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:cache:
   *
   * The cache of answers, or %NULL for none.
   *
   * Since: 0.1
   */
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, PP_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:cache-ttl:
   *
   * How long the answers stored in the cache from now on stay valid, in
   * seconds; 0 for ever. The processor closes its cache
   * ([method@Pp.Cache.close]) when it is finalized.
   *
   * Since: 0.2
   */
  properties[PROP_CACHE_TTL] =
    g_param_spec_uint ("cache-ttl", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:segmenter:
   *
   * The segmenter that splits documents; by default one with a budget of
   * 2000 characters.
   *
   * Since: 0.1
   */
  properties[PROP_SEGMENTER] =
    g_param_spec_object ("segmenter", NULL, NULL, PP_TYPE_SEGMENTER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:min-workers:
   *
   * The fewest workers the processor keeps the limit at when it adapts
   * its concurrency; at most #PpProcessor:max-workers.
   *
   * Since: 0.1
   */
  properties[PROP_MIN_WORKERS] =
    g_param_spec_uint ("min-workers", NULL, NULL, 1, 4096, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:max-workers:
   *
   * The most requests in flight at the LLM endpoint, and so the most
   * segments converted at once. Takes effect at once, also during a run.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_WORKERS] =
    g_param_spec_uint ("max-workers", NULL, NULL, 1, 4096, DEFAULT_MAX_WORKERS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:queue-size:
   *
   * The most tasks waiting in the queue for a worker.
   *
   * Since: 0.1
   */
  properties[PROP_QUEUE_SIZE] =
    g_param_spec_uint ("queue-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_QUEUE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:max-retries:
   *
   * How many times a segment is retried after a transient LLM error.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL, 0, 100, DEFAULT_MAX_RETRIES,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:retry-delay:
   *
   * The delay before the first retry, in milliseconds, when the endpoint
   * did not ask for one; it doubles at each retry.
   *
   * Since: 0.1
   */
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 1, PP_PROCESSOR_MAX_RETRY_DELAY_MS, DEFAULT_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:model:
   *
   * The model converters ask for, or %NULL for the client's default.
   *
   * Since: 0.1
   */
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:output-form:
   *
   * The form of the documents' graphs.
   *
   * Since: 0.1
   */
  properties[PROP_OUTPUT_FORM] =
    g_param_spec_enum ("output-form", NULL, NULL, PP_TYPE_OUTPUT_FORM, PP_OUTPUT_FORM_COMPACTED,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:provenance:
   *
   * Whether every node of the documents' graphs records the segments it
   * came from (see [property@Pp.Reconciler:provenance]). Applies to the
   * documents processed from then on.
   *
   * Since: 0.2
   */
  properties[PROP_PROVENANCE] =
    g_param_spec_boolean ("provenance", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:resolve-mode:
   *
   * How the entities the resolution rules leave apart but that look alike
   * (the merge candidates, see [class@Pp.Reconciler]) are settled. With
   * %PP_RESOLVE_MODE_RULES they stay apart, and are listed in the
   * [struct@Pp.Stats]. With %PP_RESOLVE_MODE_LLM, once every segment of a
   * document is in, the processor asks the LLM about each candidate group,
   * through the same cache, concurrency limit, rate budgets and retries as
   * the segments, and merges the entities it finds to be one; the stats
   * record each group's decision. Applies to the documents processed from
   * then on.
   *
   * Since: 0.2
   */
  properties[PROP_RESOLVE_MODE] =
    g_param_spec_enum ("resolve-mode", NULL, NULL, PP_TYPE_RESOLVE_MODE, PP_RESOLVE_MODE_RULES,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:segment-timeout:
   *
   * The most time a segment may take, in seconds, across all its attempts
   * and the waits between them, from when a worker first starts on it; 0
   * for no limit. A segment past it fails with
   * %PP_PROCESSOR_ERROR_DEADLINE: its request in flight is aborted, and it
   * is not retried when its next attempt could not start in time. Applies
   * to the segments whose conversion starts from then on.
   *
   * Since: 0.2
   */
  properties[PROP_SEGMENT_TIMEOUT] =
    g_param_spec_uint ("segment-timeout", NULL, NULL, 0, G_MAXUINT / 1000, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:adaptive:
   *
   * Whether the concurrency limit adapts to the endpoint, between
   * #PpProcessor:min-workers and #PpProcessor:max-workers: it grows while
   * requests succeed and shrinks when the endpoint answers 429 or does not
   * answer in time. %FALSE pins it at #PpProcessor:max-workers. Takes
   * effect at once, also during a run.
   *
   * Since: 0.2
   */
  properties[PROP_ADAPTIVE] =
    g_param_spec_boolean ("adaptive", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:concurrency-limit:
   *
   * How many requests may be in flight at the LLM endpoint now, as the
   * processor's [iface@Pp.ConcurrencyLimiter] decides. It changes as
   * requests end; it is notified on the processor's main context, never
   * from a worker thread.
   *
   * Since: 0.2
   */
  properties[PROP_CONCURRENCY_LIMIT] =
    g_param_spec_uint ("concurrency-limit", NULL, NULL, 1, G_MAXUINT, DEFAULT_MAX_WORKERS,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:circuit-state:
   *
   * The state of the circuit breaker in front of the LLM endpoint: while
   * it is open, no request is sent. Notified on the processor's main
   * context, never from a worker thread.
   *
   * Since: 0.2
   */
  properties[PROP_CIRCUIT_STATE] =
    g_param_spec_enum ("circuit-state", NULL, NULL, PP_TYPE_CIRCUIT_STATE, PP_CIRCUIT_CLOSED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:requests-per-minute:
   *
   * The most requests sent to the LLM endpoint per minute, or 0 for no
   * limit. Requests are spread over the minute: no more than a second's
   * share (and at least one) goes at once. Answers from the cache do not
   * count. Takes effect at once.
   *
   * Since: 0.2
   */
  properties[PROP_REQUESTS_PER_MINUTE] =
    g_param_spec_uint ("requests-per-minute", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:tokens-per-minute:
   *
   * The most tokens, prompt and completion, spent at the LLM endpoint per
   * minute, or 0 for no limit; spread over the minute like
   * #PpProcessor:requests-per-minute. A request's cost is estimated before
   * it is sent, as a quarter of the characters of its prompt plus its
   * max-tokens (or, when it sets none, as much again as its prompt), and
   * corrected from the usage the answer reports. Takes effect at once.
   *
   * Since: 0.2
   */
  properties[PROP_TOKENS_PER_MINUTE] =
    g_param_spec_uint ("tokens-per-minute", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  pp_processor_class_add_signals (object_class);
}

static void
pp_processor_init (PpProcessor *self)
{
  self->min_workers = 1;
  self->max_workers = DEFAULT_MAX_WORKERS;
  self->queue_size = DEFAULT_QUEUE_SIZE;
  self->max_retries = DEFAULT_MAX_RETRIES;
  self->retry_delay_ms = DEFAULT_RETRY_DELAY_MS;
  self->output_form = PP_OUTPUT_FORM_COMPACTED;
  self->provenance = TRUE;
  self->context = g_main_context_ref_thread_default ();
  self->results = g_async_queue_new_full ((GDestroyNotify) pp_result_free);
  self->flights = pp_processor_new_flight_table ();
  self->dispatch = pp_dispatch_new ();
  self->runs = g_ptr_array_new ();
  g_mutex_init (&self->lock);
  g_mutex_init (&self->flight_lock);
  g_mutex_init (&self->limiter_lock);
  self->adaptive = TRUE;
  self->limiter = PP_CONCURRENCY_LIMITER (pp_aimd_limiter_new (self->min_workers, self->max_workers));
  self->announced_limit = pp_concurrency_limiter_get_limit (self->limiter);
  self->breaker = pp_circuit_breaker_new ();
  self->request_budget = pp_rate_budget_new ();
  self->token_budget = pp_rate_budget_new ();
  g_cond_init (&self->cond);
  g_cond_init (&self->flight_cond);
  g_queue_init (&self->backlog);
  pp_stats_collector_init (&self->stats);
}

/**
 * pp_processor_new:
 * @converter: the converter
 * @client: the LLM client converters ask
 * @cache: (nullable): a cache of answers
 *
 * Makes a processor. Its signals are emitted on the thread-default main
 * context of the calling thread.
 *
 * Returns: (transfer full): a new #PpProcessor
 *
 * Since: 0.1
 */
PpProcessor *
pp_processor_new (PpConverter *converter,
                  PpLlmClient *client,
                  PpCache     *cache)
{
  g_return_val_if_fail (PP_IS_CONVERTER (converter), NULL);
  g_return_val_if_fail (PP_IS_LLM_CLIENT (client), NULL);
  g_return_val_if_fail (cache == NULL || PP_IS_CACHE (cache), NULL);

  return g_object_new (PP_TYPE_PROCESSOR,
                       "converter", converter,
                       "llm-client", client,
                       "cache", cache,
                       NULL);
}

/**
 * pp_processor_get_converter:
 * @processor: a #PpProcessor
 *
 * Gets the converter the processor was created with.
 *
 * Returns: (transfer none): the converter
 *
 * Since: 0.1
 */
PpConverter *
pp_processor_get_converter (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  return processor->converter;
}

/**
 * pp_processor_get_llm_client:
 * @processor: a #PpProcessor
 *
 * Gets the LLM client the processor was created with.
 *
 * Returns: (transfer none): the LLM client
 *
 * Since: 0.1
 */
PpLlmClient *
pp_processor_get_llm_client (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  return processor->client;
}

/**
 * pp_processor_get_cache:
 * @processor: a #PpProcessor
 *
 * Gets the cache the processor was created with.
 *
 * Returns: (transfer none) (nullable): the cache
 *
 * Since: 0.1
 */
PpCache *
pp_processor_get_cache (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  return processor->cache;
}

/**
 * pp_processor_get_segmenter:
 * @processor: a #PpProcessor
 *
 * Gets the segmenter the processor splits documents with.
 *
 * Returns: (transfer none): the segmenter; change its settings between
 *   documents
 *
 * Since: 0.1
 */
PpSegmenter *
pp_processor_get_segmenter (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  return processor->segmenter;
}

/**
 * pp_processor_get_max_workers:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:max-workers] property.
 *
 * Returns: the most segments converted at once
 *
 * Since: 0.1
 */
guint
pp_processor_get_max_workers (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), 0);

  return processor->max_workers;
}

/**
 * pp_processor_set_max_workers:
 * @processor: a #PpProcessor
 * @max_workers: the most segments converted at once, at least 1
 *
 * Sets the worker limit: the most requests in flight at the LLM endpoint.
 * It takes effect at once, also during a run: raising it lets queued
 * segments through; lowering it lets the requests in flight finish and
 * sends no more at once than the new limit.
 *
 * Since: 0.1
 */
void
pp_processor_set_max_workers (PpProcessor *processor,
                              guint        max_workers)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (max_workers >= 1);

  g_mutex_lock (&processor->lock);
  if (processor->max_workers == max_workers)
    {
      g_mutex_unlock (&processor->lock);
      return;
    }
  g_atomic_int_set (&processor->max_workers, max_workers);
  processor->min_workers = MIN (processor->min_workers, max_workers);
  if (processor->pool != NULL)
    g_thread_pool_set_max_threads (processor->pool, (int) pp_processor_pool_size_for (max_workers), NULL);
  g_mutex_unlock (&processor->lock);

  pp_processor_apply_limiter_bounds (processor);

  g_debug ("Worker limit set to %u", max_workers);
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_MAX_WORKERS]);
}

/**
 * pp_processor_get_min_workers:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:min-workers] property.
 *
 * Returns: the fewest workers the limit adapts down to
 *
 * Since: 0.1
 */
guint
pp_processor_get_min_workers (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), 0);

  return processor->min_workers;
}

/**
 * pp_processor_set_min_workers:
 * @processor: a #PpProcessor
 * @min_workers: the fewest workers the limit adapts down to, at least 1;
 *   raises #PpProcessor:max-workers if it is lower
 *
 * Sets the floor of the worker limit.
 *
 * Since: 0.1
 */
void
pp_processor_set_min_workers (PpProcessor *processor,
                              guint        min_workers)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (min_workers >= 1);

  if (processor->min_workers == min_workers)
    return;

  processor->min_workers = min_workers;
  if (processor->max_workers < min_workers)
    pp_processor_set_max_workers (processor, min_workers);
  else
    pp_processor_apply_limiter_bounds (processor);
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_MIN_WORKERS]);
}

/**
 * pp_processor_get_queue_size:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:queue-size] property.
 *
 * Returns: the most tasks waiting in the queue
 *
 * Since: 0.1
 */
guint
pp_processor_get_queue_size (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), 0);

  return processor->queue_size;
}

/**
 * pp_processor_set_queue_size:
 * @processor: a #PpProcessor
 * @queue_size: the most tasks waiting in the queue, at least 1
 *
 * Bounds the task queue.
 *
 * Since: 0.1
 */
void
pp_processor_set_queue_size (PpProcessor *processor,
                             guint        queue_size)
{
  GQueue admitted = G_QUEUE_INIT;
  GQueue to_return = G_QUEUE_INIT;

  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (queue_size >= 1);

  g_mutex_lock (&processor->lock);
  processor->queue_size = queue_size;
  pp_processor_admit_locked (processor, &admitted, &to_return);
  g_mutex_unlock (&processor->lock);
  pp_processor_push_admitted (processor, &admitted);
  pp_processor_return_admitted (&to_return);

  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_QUEUE_SIZE]);
}

/**
 * pp_processor_set_model:
 * @processor: a #PpProcessor
 * @model: (nullable): the model converters ask for, or %NULL for the
 *   client's default
 *
 * Sets the model for the segments whose conversion starts from now on.
 * Thread-safe.
 *
 * Since: 0.1
 */
void
pp_processor_set_model (PpProcessor *processor,
                        const char  *model)
{
  g_autofree char *old_model = NULL;

  g_return_if_fail (PP_IS_PROCESSOR (processor));

  /* Workers take a copy of the model as they begin a task */
  g_mutex_lock (&processor->lock);
  old_model = g_steal_pointer (&processor->model);
  processor->model = g_strdup (model);
  g_mutex_unlock (&processor->lock);
}

/**
 * pp_processor_set_output_form:
 * @processor: a #PpProcessor
 * @form: the form of the documents' graphs
 *
 * Sets the form of the graphs of the documents processed from now on.
 *
 * Since: 0.1
 */
void
pp_processor_set_output_form (PpProcessor  *processor,
                              PpOutputForm  form)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));

  processor->output_form = form;
}

/**
 * pp_processor_set_limiter:
 * @processor: a #PpProcessor
 * @limiter: (nullable): the limiter of requests in flight, or %NULL for a
 *   new [class@Pp.AimdLimiter]
 *
 * Replaces the [iface@Pp.ConcurrencyLimiter] every request to the LLM
 * endpoint passes, for example with one that several machines share. The
 * processor sets its bounds on it: #PpProcessor:min-workers and
 * #PpProcessor:max-workers, or max-workers alone when
 * #PpProcessor:adaptive is %FALSE. Requests in flight finish under the
 * limiter that let them go; the next ones pass @limiter.
 *
 * Since: 0.2
 */
void
pp_processor_set_limiter (PpProcessor          *processor,
                          PpConcurrencyLimiter *limiter)
{
  g_autoptr(PpConcurrencyLimiter) old_limiter = NULL;

  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (limiter == NULL || PP_IS_CONCURRENCY_LIMITER (limiter));

  if (limiter == NULL)
    limiter = PP_CONCURRENCY_LIMITER (pp_aimd_limiter_new (processor->min_workers, processor->max_workers));
  else
    g_object_ref (limiter);

  g_mutex_lock (&processor->limiter_lock);
  old_limiter = g_steal_pointer (&processor->limiter);
  processor->limiter = limiter;
  g_mutex_unlock (&processor->limiter_lock);

  pp_processor_apply_limiter_bounds (processor);
}

/**
 * pp_processor_get_adaptive:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:adaptive] property.
 *
 * Returns: whether the concurrency limit adapts to the endpoint
 *
 * Since: 0.2
 */
gboolean
pp_processor_get_adaptive (PpProcessor *processor)
{
  gboolean adaptive;

  g_return_val_if_fail (PP_IS_PROCESSOR (processor), FALSE);

  g_mutex_lock (&processor->limiter_lock);
  adaptive = processor->adaptive;
  g_mutex_unlock (&processor->limiter_lock);

  return adaptive;
}

/**
 * pp_processor_set_adaptive:
 * @processor: a #PpProcessor
 * @adaptive: whether the concurrency limit adapts to the endpoint
 *
 * Lets the concurrency limit adapt between [property@Pp.Processor:min-workers]
 * and [property@Pp.Processor:max-workers], or pins it at max-workers. Takes
 * effect at once, also during a run.
 *
 * Since: 0.2
 */
void
pp_processor_set_adaptive (PpProcessor *processor,
                           gboolean     adaptive)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));

  adaptive = !!adaptive;
  g_mutex_lock (&processor->limiter_lock);
  if (processor->adaptive == adaptive)
    {
      g_mutex_unlock (&processor->limiter_lock);
      return;
    }
  processor->adaptive = adaptive;
  g_mutex_unlock (&processor->limiter_lock);

  pp_processor_apply_limiter_bounds (processor);
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_ADAPTIVE]);
}

/**
 * pp_processor_get_concurrency_limit:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:concurrency-limit] property. Thread-safe.
 *
 * Returns: how many requests may be in flight at the LLM endpoint now
 *
 * Since: 0.2
 */
guint
pp_processor_get_concurrency_limit (PpProcessor *processor)
{
  g_autoptr(PpConcurrencyLimiter) limiter = NULL;

  g_return_val_if_fail (PP_IS_PROCESSOR (processor), 0);

  limiter = pp_processor_dup_limiter (processor);
  return pp_concurrency_limiter_get_limit (limiter);
}

/**
 * pp_processor_get_circuit_state:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:circuit-state] property. Thread-safe.
 *
 * Returns: the state of the circuit breaker in front of the LLM endpoint
 *
 * Since: 0.2
 */
PpCircuitState
pp_processor_get_circuit_state (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), PP_CIRCUIT_CLOSED);

  return pp_circuit_breaker_get_state (processor->breaker);
}

/**
 * pp_processor_get_requests_per_minute:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:requests-per-minute] property.
 *
 * Returns: the most requests per minute, or 0 for no limit
 *
 * Since: 0.2
 */
guint
pp_processor_get_requests_per_minute (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), 0);

  return pp_rate_budget_get_per_minute (processor->request_budget);
}

/**
 * pp_processor_set_requests_per_minute:
 * @processor: a #PpProcessor
 * @requests_per_minute: the most requests per minute, or 0 for no limit
 *
 * Sets the budget of requests to the LLM endpoint, spread over the minute.
 * Takes effect at once, also during a run.
 *
 * Since: 0.2
 */
void
pp_processor_set_requests_per_minute (PpProcessor *processor,
                                      guint        requests_per_minute)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));

  if (pp_rate_budget_get_per_minute (processor->request_budget) == requests_per_minute)
    return;

  pp_rate_budget_set_per_minute (processor->request_budget, requests_per_minute, g_get_monotonic_time ());
  g_debug ("Requests per minute set to %u", requests_per_minute);
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_REQUESTS_PER_MINUTE]);
}

/**
 * pp_processor_get_tokens_per_minute:
 * @processor: a #PpProcessor
 *
 * Gets the [property@Pp.Processor:tokens-per-minute] property.
 *
 * Returns: the most tokens per minute, or 0 for no limit
 *
 * Since: 0.2
 */
guint
pp_processor_get_tokens_per_minute (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), 0);

  return pp_rate_budget_get_per_minute (processor->token_budget);
}

/**
 * pp_processor_set_tokens_per_minute:
 * @processor: a #PpProcessor
 * @tokens_per_minute: the most tokens per minute, or 0 for no limit
 *
 * Sets the budget of tokens spent at the LLM endpoint, spread over the
 * minute; see [property@Pp.Processor:tokens-per-minute] for how a
 * request's cost is counted. Takes effect at once, also during a run.
 *
 * Since: 0.2
 */
void
pp_processor_set_tokens_per_minute (PpProcessor *processor,
                                    guint        tokens_per_minute)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));

  if (pp_rate_budget_get_per_minute (processor->token_budget) == tokens_per_minute)
    return;

  pp_rate_budget_set_per_minute (processor->token_budget, tokens_per_minute, g_get_monotonic_time ());
  g_debug ("Tokens per minute set to %u", tokens_per_minute);
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_TOKENS_PER_MINUTE]);
}

void
pp_processor_notify_concurrency_limit_later (PpProcessor *self)
{
  pp_processor_notify_later (self, properties[PROP_CONCURRENCY_LIMIT]);
}

void
pp_processor_notify_circuit_state_later (PpProcessor *self)
{
  pp_processor_notify_later (self, properties[PROP_CIRCUIT_STATE]);
}
