/* pp-processor.c: runs segments through the converter on a thread pool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor.h"
#include "pp-enum-types.h"
#include "pp-convert-context-private.h"
#include "pp-reconciler-private.h"
#include "pp-scheduler-private.h"
#include "pp-stats-private.h"
#include "pp-jsonld-util-private.h"

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
 * at the LLM endpoint: a gate that a task passes for each request and
 * leaves as soon as the answer is there. The pool has a few more threads
 * than that, so that parsing and validating an answer never keeps the next
 * request waiting. The limit can change at any time: raising it lets
 * waiting tasks through at once; lowering it lets the requests in flight
 * finish and lets no more through than the new limit.
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
 * times, after the delay the endpoint asked for or an exponential back-off.
 * A waiting retry holds no worker: it is a timer on libpp's timer thread
 * that pushes the task back into the queue.
 *
 * ## Signals
 *
 * Signals are emitted on the #GMainContext that was thread-default when the
 * processor was created, from idle sources attached to it, in the order
 * the events happened: never from a worker thread. The JSON trees they
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
#define MAX_RETRY_DELAY_MS 60000

typedef struct _Run Run;

struct _PpProcessor
{
  GObject parent_instance;

  PpConverter *converter;
  PpLlmClient *client;
  PpCache *cache;
  PpSegmenter *segmenter;
  char *model;
  PpOutputForm output_form;
  guint min_workers;
  guint max_workers;
  guint queue_size;
  guint max_retries;
  guint retry_delay_ms;

  GThreadPool *pool;
  GMainContext *context;

  GMutex lock;
  GCond cond;
  guint n_queued;          /* tasks in the pool's queue, not started */
  GQueue backlog;          /* (element-type Task): waiting for room */
  Run *stream;             /* the run of pp_processor_submit() */
  GAsyncQueue *results;    /* (element-type PpResult) */

  GMutex event_lock;
  GQueue events;           /* (element-type Event) */
  gboolean event_source_pending;

  GMutex gate_lock;
  GCond gate_cond;
  guint gate_in_use;       /* requests in flight; at most max_workers */

  GMutex flight_lock;
  GCond flight_cond;
  GHashTable *flights;     /* cache key → Flight */

  PpStatsCollector stats;
};

struct _Run
{
  gatomicrefcount ref_count;
  PpProcessor *self;           /* owned, but for the processor's own stream */
  char *name;
  gboolean is_stream;
  GCancellable *cancellable;   /* (nullable): the caller's */
  gulong cancel_handler;
  PpReconciler *reconciler;
  GTask *task;                 /* asynchronous runs */
  gint64 start_time;

  /* under self->lock */
  guint total;
  guint done;
  guint failed;
  char *first_error;
  gboolean completed;
  JsonNode *result;            /* synchronous runs */
  GError *error;
};

typedef struct
{
  PpProcessor *self;           /* owned */
  Run *run;
  PpSegment *segment;
  guint attempt;
  gint64 queued_time;
  GTask *admit_task;           /* pp_processor_submit_async() */
  gboolean admitted;           /* pp_processor_submit() waits for it */
} Task;

struct _PpResult
{
  PpSegment *segment;
  JsonNode *graph;
  GError *error;
};

typedef enum {
  EVENT_STARTED,
  EVENT_DONE,
  EVENT_FAILED,
  EVENT_PROGRESS,
  EVENT_FINISHED,
  EVENT_RUN_OVER,
} EventKind;

typedef struct
{
  EventKind kind;
  PpSegment *segment;
  JsonNode *graph;
  GError *error;
  guint done;
  guint failed;
  guint total;
  Run *run;
} Event;

typedef struct
{
  gatomicrefcount ref_count;
  gboolean done;
  PpLlmResponse *response;
  GError *error;
} Flight;

enum {
  PROP_0,
  PROP_CONVERTER,
  PROP_LLM_CLIENT,
  PROP_CACHE,
  PROP_SEGMENTER,
  PROP_MIN_WORKERS,
  PROP_MAX_WORKERS,
  PROP_QUEUE_SIZE,
  PROP_MAX_RETRIES,
  PROP_RETRY_DELAY,
  PROP_MODEL,
  PROP_OUTPUT_FORM,
  N_PROPS
};

enum {
  SIGNAL_SEGMENT_STARTED,
  SIGNAL_SEGMENT_DONE,
  SIGNAL_SEGMENT_FAILED,
  SIGNAL_PROGRESS,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpProcessor, pp_processor, G_TYPE_OBJECT)

G_DEFINE_QUARK (pp-processor-error-quark, pp_processor_error)

static void worker_func (gpointer data, gpointer user_data);

/* Threads beyond the gate's limit, so that answers are handled while the
 * next requests are already in flight */
static guint
pool_size_for (guint max_workers)
{
  return max_workers + MAX (4, max_workers / 4);
}

/* Results */

static PpResult *
pp_result_copy (PpResult *result)
{
  PpResult *copy = g_new0 (PpResult, 1);

  copy->segment = pp_segment_ref (result->segment);
  copy->graph = result->graph != NULL ? pp_jsonld_node_copy_deep (result->graph) : NULL;
  copy->error = result->error != NULL ? g_error_copy (result->error) : NULL;

  return copy;
}

/**
 * pp_result_free:
 * @result: (transfer full): a #PpResult
 *
 * Frees a result.
 *
 * Since: 0.1
 */
void
pp_result_free (PpResult *result)
{
  g_return_if_fail (result != NULL);

  pp_segment_unref (result->segment);
  g_clear_pointer (&result->graph, json_node_unref);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (PpResult, pp_result, pp_result_copy, pp_result_free)

/**
 * pp_result_get_segment:
 * @result: a #PpResult
 *
 * Returns: (transfer none): the segment
 *
 * Since: 0.1
 */
PpSegment *
pp_result_get_segment (PpResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->segment;
}

/**
 * pp_result_get_graph:
 * @result: a #PpResult
 *
 * Returns: (transfer none) (nullable): the segment's JSON-LD, or %NULL if
 *   it failed
 *
 * Since: 0.1
 */
JsonNode *
pp_result_get_graph (PpResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->graph;
}

/**
 * pp_result_get_error:
 * @result: a #PpResult
 *
 * Returns: (transfer none) (nullable): why the segment failed, or %NULL
 *
 * Since: 0.1
 */
const GError *
pp_result_get_error (PpResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->error;
}

/* Runs and tasks */

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  g_clear_object (&run->reconciler);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->task);
  g_clear_pointer (&run->result, json_node_unref);
  g_clear_error (&run->error);
  g_free (run->first_error);
  g_free (run->name);
  if (!run->is_stream)
    g_object_unref (run->self);
  g_free (run);
}

static Run *
run_new (PpProcessor  *self,
         const char   *name,
         guint         total,
         GCancellable *cancellable,
         gboolean      is_stream)
{
  Run *run = g_new0 (Run, 1);

  g_atomic_ref_count_init (&run->ref_count);
  /* The stream belongs to the processor: it must not keep it alive */
  run->is_stream = is_stream;
  run->self = is_stream ? self : g_object_ref (self);
  run->name = g_strdup (name);
  run->total = total;
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  run->start_time = g_get_monotonic_time ();

  return run;
}

static Task *
task_new (Run       *run,
          PpSegment *segment)
{
  Task *task = g_new0 (Task, 1);

  task->self = g_object_ref (run->self);
  task->run = run_ref (run);
  task->segment = pp_segment_ref (segment);
  task->queued_time = g_get_monotonic_time ();

  return task;
}

static void
task_free (Task *task)
{
  g_clear_object (&task->admit_task);
  pp_segment_unref (task->segment);
  run_unref (task->run);
  g_object_unref (task->self);
  g_free (task);
}

/* Events, delivered in order on the processor's context */

static void
event_free (Event *event)
{
  g_clear_pointer (&event->segment, pp_segment_unref);
  g_clear_pointer (&event->graph, json_node_unref);
  g_clear_error (&event->error);
  g_clear_pointer (&event->run, run_unref);
  g_free (event);
}

static void
run_disconnect_cancellable (Run *run)
{
  gulong handler;

  g_mutex_lock (&run->self->lock);
  handler = run->cancel_handler;
  run->cancel_handler = 0;
  g_mutex_unlock (&run->self->lock);

  if (handler != 0)
    g_cancellable_disconnect (run->cancellable, handler);
}

static gboolean
dispatch_events (gpointer data)
{
  PpProcessor *self = data;

  for (;;)
    {
      Event *event;

      g_mutex_lock (&self->event_lock);
      event = g_queue_pop_head (&self->events);
      if (event == NULL)
        self->event_source_pending = FALSE;
      g_mutex_unlock (&self->event_lock);

      if (event == NULL)
        break;

      switch (event->kind)
        {
        case EVENT_STARTED:
          g_signal_emit (self, signals[SIGNAL_SEGMENT_STARTED], 0, event->segment);
          break;
        case EVENT_DONE:
          g_signal_emit (self, signals[SIGNAL_SEGMENT_DONE], 0, event->segment, event->graph);
          break;
        case EVENT_FAILED:
          g_signal_emit (self, signals[SIGNAL_SEGMENT_FAILED], 0, event->segment, event->error);
          break;
        case EVENT_PROGRESS:
          g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, event->done, event->failed, event->total);
          break;
        case EVENT_FINISHED:
          g_signal_emit (self, signals[SIGNAL_FINISHED], 0, event->graph);
          break;
        case EVENT_RUN_OVER:
          run_disconnect_cancellable (event->run);
          break;
        default:
          g_assert_not_reached ();
        }

      event_free (event);
    }

  return G_SOURCE_REMOVE;
}

/* Events are queued only for the signals someone listens to: an
 * application that connects none is never woken up by a run */
static gboolean
has_handler (PpProcessor *self,
             guint        signal)
{
  return g_signal_has_handler_pending (self, signals[signal], 0, TRUE);
}

static void
queue_event (PpProcessor *self,
             Event       *event)
{
  gboolean attach;

  g_mutex_lock (&self->event_lock);
  g_queue_push_tail (&self->events, event);
  attach = !self->event_source_pending;
  self->event_source_pending = TRUE;
  g_mutex_unlock (&self->event_lock);

  if (attach)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[libpp] processor signals");
      g_source_set_callback (source, dispatch_events, g_object_ref (self), g_object_unref);
      g_source_attach (source, self->context);
    }
}

static Event *
event_new (EventKind  kind,
           PpSegment *segment)
{
  Event *event = g_new0 (Event, 1);

  event->kind = kind;
  event->segment = segment != NULL ? pp_segment_ref (segment) : NULL;

  return event;
}

/* Admission into the pool's queue. Tasks are admitted under the lock and
 * pushed to the pool once it is released: a push may have to start a
 * thread, and every worker takes the lock as it begins a task, so a run's
 * first tasks start while the rest are still being pushed. */

static void
admit_one_locked (PpProcessor *self,
                  Task        *task,
                  GQueue      *admitted)
{
  self->n_queued++;
  task->admitted = TRUE;
  g_queue_push_tail (admitted, task);
}

static void
admit_locked (PpProcessor *self,
              GQueue      *admitted)
{
  while (self->n_queued < self->queue_size && !g_queue_is_empty (&self->backlog))
    {
      Task *task = g_queue_pop_head (&self->backlog);
      GTask *admit_task = g_steal_pointer (&task->admit_task);

      admit_one_locked (self, task, admitted);

      if (admit_task != NULL)
        {
          g_task_return_boolean (admit_task, TRUE);
          g_object_unref (admit_task);
        }
    }

  g_cond_broadcast (&self->cond);
}

/* Called without the lock */
static void
push_admitted (PpProcessor *self,
               GQueue      *admitted)
{
  Task *task;

  while ((task = g_queue_pop_head (admitted)) != NULL)
    g_thread_pool_push (self->pool, task, NULL);
}

/* Completion */

static void
run_complete (Run      *run,
              JsonNode *graph,
              GError   *error)
{
  PpProcessor *self = run->self;
  g_autoptr(JsonNode) owned_graph = graph;
  g_autoptr(GError) owned_error = error;
  GTask *task;
  Event *event;
  guint done, failed, total;

  g_mutex_lock (&self->lock);
  if (run->completed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  run->completed = TRUE;
  done = run->done;
  failed = run->failed;
  total = run->total;
  task = g_steal_pointer (&run->task);
  if (task == NULL)
    {
      run->result = owned_graph != NULL ? json_node_ref (owned_graph) : NULL;
      run->error = owned_error != NULL ? g_error_copy (owned_error) : NULL;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);

  g_info ("%s: %u segments, %u done, %u failed, in %.1f ms%s%s",
          run->name, total, done, failed,
          (g_get_monotonic_time () - run->start_time) / 1000.0,
          owned_error != NULL ? ": " : "", owned_error != NULL ? owned_error->message : "");

  if (owned_graph != NULL && has_handler (self, SIGNAL_FINISHED))
    {
      event = event_new (EVENT_FINISHED, NULL);
      event->graph = pp_jsonld_node_copy_deep (owned_graph);
      queue_event (self, event);
    }

  event = event_new (EVENT_RUN_OVER, NULL);
  event->run = run_ref (run);
  queue_event (self, event);

  if (task != NULL)
    {
      if (owned_graph != NULL)
        g_task_return_pointer (task, g_steal_pointer (&owned_graph), (GDestroyNotify) json_node_unref);
      else
        g_task_return_error (task, g_steal_pointer (&owned_error));
      g_object_unref (task);
    }
}

static void
reconciler_done (JsonNode     *graph,
                 const GError *error,
                 gpointer      user_data)
{
  Run *run = user_data;
  GError *run_error = NULL;

  g_mutex_lock (&run->self->lock);
  /* The workers may see a cancel before its handler runs: a cancelled run
   * reports the cancel, not the failures it caused */
  if (g_cancellable_is_cancelled (run->cancellable))
    run_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
  else if (run->done == 0 && run->total > 0)
    run_error = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED,
                             "%s: all %u segments failed; the first: %s",
                             run->name, run->total,
                             run->first_error != NULL ? run->first_error : "unknown error");
  g_mutex_unlock (&run->self->lock);

  if (run_error == NULL && graph == NULL)
    run_error = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_RECONCILE,
                             "%s: the segments' graphs could not be merged: %s",
                             run->name, error != NULL ? error->message : "unknown error");

  if (run_error != NULL)
    {
      g_clear_pointer (&graph, json_node_unref);
      run_complete (run, NULL, run_error);
    }
  else
    run_complete (run, graph, NULL);
}

static void
run_cancelled (GCancellable *cancellable,
               gpointer      user_data)
{
  Run *run = user_data;

  if (run->reconciler != NULL)
    pp_reconciler_cancel (run->reconciler);

  run_complete (run, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                "Operation was cancelled"));
}

/* Takes @graph and @error */
static void
finish_task (PpProcessor *self,
             Task        *task,
             JsonNode    *graph,
             GError      *error)
{
  Run *run = task->run;
  Event *event;

  g_mutex_lock (&self->stats.lock);
  if (graph != NULL)
    self->stats.done++;
  else
    self->stats.failed++;
  g_mutex_unlock (&self->stats.lock);

  /* The signals first: the segment's graph may complete the run, whose
   * "finished" must come after this segment's "progress". A graph is
   * copied only when someone listens. */
  if (graph != NULL)
    {
      if (has_handler (self, SIGNAL_SEGMENT_DONE))
        {
          event = event_new (EVENT_DONE, task->segment);
          event->graph = pp_jsonld_node_copy_deep (graph);
          queue_event (self, event);
        }
    }
  else
    {
      g_debug ("Segment %u of %s failed: %s", pp_segment_get_index (task->segment),
               run->name, error->message);
      if (has_handler (self, SIGNAL_SEGMENT_FAILED))
        {
          event = event_new (EVENT_FAILED, task->segment);
          event->error = g_error_copy (error);
          queue_event (self, event);
        }
    }

  g_mutex_lock (&self->lock);
  if (graph != NULL)
    run->done++;
  else
    {
      run->failed++;
      if (run->first_error == NULL)
        run->first_error = g_strdup_printf ("segment %u: %s",
                                            pp_segment_get_index (task->segment),
                                            error->message);
    }
  /* Queued under the lock, so that progress events keep their order */
  if (has_handler (self, SIGNAL_PROGRESS))
    {
      event = event_new (EVENT_PROGRESS, NULL);
      event->done = run->done;
      event->failed = run->failed;
      event->total = run->total;
      queue_event (self, event);
    }
  g_mutex_unlock (&self->lock);

  if (run->is_stream)
    {
      PpResult *result = g_new0 (PpResult, 1);

      result->segment = pp_segment_ref (task->segment);
      result->graph = graph;
      result->error = error;
      g_async_queue_push (self->results, result);
    }
  else if (graph != NULL)
    pp_reconciler_add_graph (run->reconciler, task->segment, graph);
  else
    {
      pp_reconciler_add_failure (run->reconciler, task->segment, error);
      g_error_free (error);
    }

  task_free (task);
}

/* Retries */

static gboolean
retry_fire (gpointer data)
{
  Task *task = data;
  PpProcessor *self = task->self;
  GQueue admitted = G_QUEUE_INIT;

  g_mutex_lock (&self->lock);
  admit_one_locked (self, task, &admitted);
  g_mutex_unlock (&self->lock);
  push_admitted (self, &admitted);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_cancelled (GCancellable *cancellable,
                 gpointer      data)
{
  /* The task goes back to the pool, which finishes a cancelled task at once */
  return retry_fire (data);
}

static void
schedule_retry (PpProcessor  *self,
                Task         *task,
                const GError *error)
{
  g_autoptr(GSource) source = NULL;
  guint delay_ms = pp_llm_error_get_retry_after (error);

  if (delay_ms == 0)
    {
      guint64 backoff = (guint64) self->retry_delay_ms << MIN (task->attempt, 16);

      /* Up to a quarter more, so that the retries of many tasks spread out */
      backoff += g_random_int_range (0, (gint32) MAX (backoff / 4, 1));
      delay_ms = (guint) MIN (backoff, MAX_RETRY_DELAY_MS);
    }

  task->attempt++;

  g_mutex_lock (&self->stats.lock);
  self->stats.retried++;
  g_mutex_unlock (&self->stats.lock);

  g_debug ("Segment %u of %s: %s; retry %u of %u in %u ms",
           pp_segment_get_index (task->segment), task->run->name, error->message,
           task->attempt, self->max_retries, delay_ms);

  source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (source, "[libpp] retry");
  g_source_set_callback (source, retry_fire, task, NULL);
  if (task->run->cancellable != NULL)
    {
      g_autoptr(GSource) cancel_source = g_cancellable_source_new (task->run->cancellable);

      g_source_set_callback (cancel_source, G_SOURCE_FUNC (retry_cancelled), task, NULL);
      g_source_add_child_source (source, cancel_source);
    }
  g_source_attach (source, pp_scheduler_get_context ());
}

/* Requests, through the cache and the single-flight table */

static Flight *
flight_ref (Flight *flight)
{
  g_atomic_ref_count_inc (&flight->ref_count);
  return flight;
}

static void
flight_unref (Flight *flight)
{
  if (!g_atomic_ref_count_dec (&flight->ref_count))
    return;

  g_clear_pointer (&flight->response, pp_llm_response_unref);
  g_clear_error (&flight->error);
  g_free (flight);
}

/* Waits on @cond (with @mutex held) for a wake-up or a short while, so that
 * the caller can check both its condition and @cancellable; FALSE once
 * @cancellable is cancelled */
static gboolean
wait_unless_cancelled (GCond        *cond,
                       GMutex       *mutex,
                       GCancellable *cancellable)
{
  if (g_cancellable_is_cancelled (cancellable))
    return FALSE;

  g_cond_wait_until (cond, mutex, g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND);
  return TRUE;
}

static PpLlmResponse *
wait_for_flight (PpProcessor   *self,
                 Flight        *flight,
                 GCancellable  *cancellable,
                 GError       **error)
{
  PpLlmResponse *response = NULL;

  /* flight_lock is held. The owner of the flight is running, not queued,
   * so this cannot deadlock; check the cancellable between wake-ups */
  while (!flight->done &&
         wait_unless_cancelled (&self->flight_cond, &self->flight_lock, cancellable))
    ;

  if (!flight->done)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  else if (flight->response != NULL)
    response = pp_llm_response_ref (flight->response);
  else
    g_propagate_error (error, g_error_copy (flight->error));

  return response;
}

/* Waits for room under the limit of requests in flight. The holders of the
 * gate are running requests, never queued tasks, so this cannot deadlock;
 * the cancellable is checked between wake-ups. */
static gboolean
gate_enter (PpProcessor   *self,
            GCancellable  *cancellable,
            GError       **error)
{
  g_mutex_lock (&self->gate_lock);
  while (self->gate_in_use >= (guint) g_atomic_int_get (&self->max_workers))
    {
      if (!wait_unless_cancelled (&self->gate_cond, &self->gate_lock, cancellable))
        {
          g_mutex_unlock (&self->gate_lock);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return FALSE;
        }
    }
  self->gate_in_use++;
  g_mutex_unlock (&self->gate_lock);

  g_mutex_lock (&self->stats.lock);
  self->stats.in_flight++;
  self->stats.peak_in_flight = MAX (self->stats.peak_in_flight, self->stats.in_flight);
  g_mutex_unlock (&self->stats.lock);

  return TRUE;
}

static void
gate_leave (PpProcessor *self)
{
  g_mutex_lock (&self->stats.lock);
  self->stats.in_flight--;
  g_mutex_unlock (&self->stats.lock);

  g_mutex_lock (&self->gate_lock);
  self->gate_in_use--;
  g_cond_signal (&self->gate_cond);
  g_mutex_unlock (&self->gate_lock);
}

static PpLlmResponse *
processor_complete (PpConvertContext  *context,
                    PpLlmRequest      *request,
                    GCancellable      *cancellable,
                    gpointer           user_data,
                    GError           **error)
{
  PpProcessor *self = user_data;
  g_autofree char *key = pp_convert_context_dup_cache_key (context, request);
  g_autoptr(GError) local_error = NULL;
  PpLlmResponse *response;
  Flight *flight;
  gint64 start = 0;

  response = pp_convert_context_lookup_cache (context, key);
  if (response != NULL)
    {
      g_mutex_lock (&self->stats.lock);
      self->stats.cache_hits++;
      g_mutex_unlock (&self->stats.lock);
      return response;
    }

  g_mutex_lock (&self->flight_lock);
  flight = g_hash_table_lookup (self->flights, key);
  if (flight != NULL)
    {
      flight_ref (flight);
      response = wait_for_flight (self, flight, cancellable, error);
      g_mutex_unlock (&self->flight_lock);
      flight_unref (flight);
      return response;
    }
  flight = g_new0 (Flight, 1);
  g_atomic_ref_count_init (&flight->ref_count);
  g_hash_table_insert (self->flights, g_strdup (key), flight);
  g_mutex_unlock (&self->flight_lock);

  response = NULL;
  if (gate_enter (self, cancellable, &local_error))
    {
      start = g_get_monotonic_time ();
      response = pp_llm_client_complete (self->client, request, cancellable, &local_error);
      gate_leave (self);
    }

  if (response != NULL)
    {
      pp_stats_collector_add_llm (&self->stats, g_get_monotonic_time () - start,
                                  pp_llm_response_get_prompt_tokens (response),
                                  pp_llm_response_get_completion_tokens (response));
      pp_convert_context_add_answer (context, key, response);
    }

  g_mutex_lock (&self->flight_lock);
  flight->done = TRUE;
  flight->response = response != NULL ? pp_llm_response_ref (response) : NULL;
  flight->error = local_error != NULL ? g_error_copy (local_error) : NULL;
  g_hash_table_remove (self->flights, key);
  g_cond_broadcast (&self->flight_cond);
  g_mutex_unlock (&self->flight_lock);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return response;
}

/* Workers */

static void
worker_func (gpointer data,
             gpointer user_data)
{
  Task *task = data;
  PpProcessor *self = user_data;
  Run *run = task->run;
  g_autoptr(PpConvertContext) context = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *graph = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 waited = start - task->queued_time;
  guint index = pp_segment_get_index (task->segment);
  GQueue admitted = G_QUEUE_INIT;
  gboolean stopped;

  /* Finishing the task may drop the last reference of the run, and so of
   * the processor */
  g_object_ref (self);

  g_mutex_lock (&self->lock);
  self->n_queued--;
  admit_locked (self, &admitted);
  stopped = run->completed && !run->is_stream;
  g_mutex_unlock (&self->lock);
  push_admitted (self, &admitted);

  g_mutex_lock (&self->stats.lock);
  self->stats.running++;
  self->stats.peak_running = MAX (self->stats.peak_running, self->stats.running);
  g_mutex_unlock (&self->stats.lock);

  if (stopped || g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      finish_task (self, task, NULL, g_steal_pointer (&error));
      goto out;
    }

  if (task->attempt == 0 && has_handler (self, SIGNAL_SEGMENT_STARTED))
    queue_event (self, event_new (EVENT_STARTED, task->segment));

  context = pp_convert_context_new_full (self->client, self->cache, self->model,
                                         processor_complete, self);
  graph = pp_converter_convert (self->converter, context, task->segment,
                                run->cancellable, &error);

  g_debug ("Segment %u of %s: %s after %.1f ms queued, %.1f ms converting (attempt %u)",
           index, run->name, graph != NULL ? "done" : "failed",
           waited / 1000.0, (g_get_monotonic_time () - start) / 1000.0, task->attempt + 1);

  if (graph == NULL && error == NULL)
    g_set_error (&error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                 "Segment %u: the converter returned nothing", index);

  if (graph == NULL && pp_llm_error_is_transient (error) &&
      task->attempt < self->max_retries &&
      !g_cancellable_is_cancelled (run->cancellable))
    {
      schedule_retry (self, task, error);
      goto out;
    }

  finish_task (self, task, graph, g_steal_pointer (&error));

out:
  g_mutex_lock (&self->stats.lock);
  self->stats.running--;
  g_mutex_unlock (&self->stats.lock);

  g_object_unref (self);
}

/* Submitting segments */

static Run *
ensure_stream_locked (PpProcessor *self)
{
  if (self->stream == NULL)
    {
      self->stream = run_new (self, "submitted segments", 0, NULL, TRUE);
    }

  return self->stream;
}

static Task *
new_stream_task_locked (PpProcessor *self,
                        PpSegment   *segment)
{
  Run *stream = ensure_stream_locked (self);

  stream->total++;

  g_mutex_lock (&self->stats.lock);
  self->stats.submitted++;
  g_mutex_unlock (&self->stats.lock);

  return task_new (stream, segment);
}

/**
 * pp_processor_try_submit:
 * @processor: a #PpProcessor
 * @segment: a segment
 * @error: return location for a #GError
 *
 * Queues @segment for conversion if there is room in the queue. Its result
 * is collected with pp_processor_pop_result(). Does not block.
 *
 * Returns: %TRUE if the segment was queued; %FALSE with
 *   %PP_PROCESSOR_ERROR_QUEUE_FULL otherwise
 *
 * Since: 0.1
 */
gboolean
pp_processor_try_submit (PpProcessor  *processor,
                         PpSegment    *segment,
                         GError      **error)
{
  GQueue admitted = G_QUEUE_INIT;

  g_return_val_if_fail (PP_IS_PROCESSOR (processor), FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&processor->lock);
  if (processor->n_queued >= processor->queue_size || !g_queue_is_empty (&processor->backlog))
    {
      guint queue_size = processor->queue_size;

      g_mutex_unlock (&processor->lock);
      g_set_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_QUEUE_FULL,
                   "The task queue is full (%u segments wait); segment %u was not queued",
                   queue_size, pp_segment_get_index (segment));
      return FALSE;
    }

  admit_one_locked (processor, new_stream_task_locked (processor, segment), &admitted);
  g_mutex_unlock (&processor->lock);
  push_admitted (processor, &admitted);

  return TRUE;
}

static void
wake_waiters (GCancellable *cancellable,
              gpointer      user_data)
{
  PpProcessor *self = user_data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * pp_processor_submit:
 * @processor: a #PpProcessor
 * @segment: a segment
 * @cancellable: (nullable): a #GCancellable to stop waiting for room
 * @error: return location for a #GError
 *
 * Queues @segment for conversion, waiting for room in the queue if it is
 * full. Its result is collected with pp_processor_pop_result(). Do not call
 * this from a task of the processor's own pool.
 *
 * Returns: %TRUE if the segment was queued; %FALSE if @cancellable was
 *   cancelled first
 *
 * Since: 0.1
 */
gboolean
pp_processor_submit (PpProcessor   *processor,
                     PpSegment     *segment,
                     GCancellable  *cancellable,
                     GError       **error)
{
  GQueue admitted_tasks = G_QUEUE_INIT;
  Task *task;
  gulong handler = 0;
  gboolean admitted;

  g_return_val_if_fail (PP_IS_PROCESSOR (processor), FALSE);
  g_return_val_if_fail (segment != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_waiters), processor, NULL);

  g_mutex_lock (&processor->lock);
  task = new_stream_task_locked (processor, segment);
  g_queue_push_tail (&processor->backlog, task);
  admit_locked (processor, &admitted_tasks);
  /* Whatever this call admitted goes to the pool before it waits */
  if (!task->admitted && !g_queue_is_empty (&admitted_tasks))
    {
      g_mutex_unlock (&processor->lock);
      push_admitted (processor, &admitted_tasks);
      g_mutex_lock (&processor->lock);
    }
  while (!task->admitted && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&processor->cond, &processor->lock);
  admitted = task->admitted;
  if (!admitted)
    {
      g_queue_remove (&processor->backlog, task);
      processor->stream->total--;
    }
  g_mutex_unlock (&processor->lock);
  push_admitted (processor, &admitted_tasks);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (!admitted)
    {
      g_mutex_lock (&processor->stats.lock);
      processor->stats.submitted--;
      g_mutex_unlock (&processor->stats.lock);
      task_free (task);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return FALSE;
    }

  return TRUE;
}

static void
submit_async_cancelled (GCancellable *cancellable,
                        gpointer      user_data)
{
  PpProcessor *self = user_data;
  GList *l;

  /* Runs in the thread that cancelled: withdraw the waiting tasks whose
   * submission this cancellable covers */
  g_mutex_lock (&self->lock);
  l = self->backlog.head;
  while (l != NULL)
    {
      GList *next = l->next;
      Task *task = l->data;

      if (task->admit_task != NULL && g_task_get_cancellable (task->admit_task) == cancellable)
        {
          g_queue_delete_link (&self->backlog, l);
          self->stream->total--;
          g_mutex_lock (&self->stats.lock);
          self->stats.submitted--;
          g_mutex_unlock (&self->stats.lock);
          g_task_return_error_if_cancelled (task->admit_task);
          task_free (task);
        }
      l = next;
    }
  g_mutex_unlock (&self->lock);
}

/**
 * pp_processor_submit_async:
 * @processor: a #PpProcessor
 * @segment: a segment
 * @cancellable: (nullable): a #GCancellable to stop waiting for room
 * @callback: (scope async): called when the segment is queued
 * @user_data: data for @callback
 *
 * Queues @segment for conversion once there is room in the queue, without
 * blocking. Finish with pp_processor_submit_finish().
 *
 * Since: 0.1
 */
void
pp_processor_submit_async (PpProcessor         *processor,
                           PpSegment           *segment,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) gtask = NULL;
  GQueue admitted = G_QUEUE_INIT;
  Task *task;

  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (segment != NULL);

  gtask = g_task_new (processor, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, pp_processor_submit_async);

  if (g_task_return_error_if_cancelled (gtask))
    return;

  g_mutex_lock (&processor->lock);
  task = new_stream_task_locked (processor, segment);
  task->admit_task = g_object_ref (gtask);
  g_queue_push_tail (&processor->backlog, task);
  admit_locked (processor, &admitted);
  g_mutex_unlock (&processor->lock);
  push_admitted (processor, &admitted);

  if (cancellable != NULL)
    {
      /* Withdraws the task if it is still waiting when cancelled */
      gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (submit_async_cancelled),
                                              g_object_ref (processor), g_object_unref);

      g_object_set_data_full (G_OBJECT (gtask), "pp-cancel-handler",
                              GSIZE_TO_POINTER (handler), NULL);
    }
}

/**
 * pp_processor_submit_finish:
 * @processor: a #PpProcessor
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the segment was queued
 *
 * Since: 0.1
 */
gboolean
pp_processor_submit_finish (PpProcessor   *processor,
                            GAsyncResult  *result,
                            GError       **error)
{
  GCancellable *cancellable;
  gulong handler;

  g_return_val_if_fail (PP_IS_PROCESSOR (processor), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, processor), FALSE);

  cancellable = g_task_get_cancellable (G_TASK (result));
  handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (result), "pp-cancel-handler"));
  if (cancellable != NULL && handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  g_object_set_data (G_OBJECT (result), "pp-cancel-handler", NULL);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pp_processor_pop_result:
 * @processor: a #PpProcessor
 *
 * Waits for the result of a segment queued with pp_processor_submit(),
 * pp_processor_try_submit() or pp_processor_submit_async(), in the order
 * they complete.
 *
 * Returns: (transfer full): the result
 *
 * Since: 0.1
 */
PpResult *
pp_processor_pop_result (PpProcessor *processor)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  return g_async_queue_pop (processor->results);
}

/**
 * pp_processor_timeout_pop_result:
 * @processor: a #PpProcessor
 * @timeout_us: how long to wait, in microseconds
 *
 * Like pp_processor_pop_result(), waiting at most @timeout_us.
 *
 * Returns: (transfer full) (nullable): the result, or %NULL if none came in
 *   time
 *
 * Since: 0.1
 */
PpResult *
pp_processor_timeout_pop_result (PpProcessor *processor,
                                 guint64      timeout_us)
{
  g_return_val_if_fail (PP_IS_PROCESSOR (processor), NULL);

  return g_async_queue_timeout_pop (processor->results, timeout_us);
}

/* Documents */

static Run *
start_document (PpProcessor   *self,
                PpDocument    *document,
                GCancellable  *cancellable,
                GTask         *gtask,
                GError       **error)
{
  g_autoptr(GPtrArray) segments = NULL;
  GQueue admitted = G_QUEUE_INIT;
  Run *run;

  segments = pp_segmenter_split (self->segmenter,
                                 pp_document_get_text (document),
                                 pp_document_get_length (document),
                                 pp_document_get_format (document),
                                 error);
  if (segments == NULL)
    return NULL;

  if (segments->len == 0)
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_EMPTY,
                   "%s: empty (no text to convert)", pp_document_get_name (document));
      return NULL;
    }

  run = run_new (self, pp_document_get_name (document), segments->len, cancellable, FALSE);
  run->task = gtask != NULL ? g_object_ref (gtask) : NULL;
  run->reconciler = pp_reconciler_new (segments->len, self->output_form);
  pp_reconciler_set_done_func (run->reconciler, reconciler_done, run_ref (run),
                               (GDestroyNotify) run_unref);

  g_info ("%s: %u segments, up to %u workers", run->name, segments->len, self->max_workers);

  g_mutex_lock (&self->stats.lock);
  self->stats.submitted += segments->len;
  g_mutex_unlock (&self->stats.lock);

  if (cancellable != NULL)
    run->cancel_handler = g_cancellable_connect (cancellable, G_CALLBACK (run_cancelled),
                                                 run_ref (run), (GDestroyNotify) run_unref);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < segments->len; i++)
    g_queue_push_tail (&self->backlog, task_new (run, segments->pdata[i]));
  admit_locked (self, &admitted);
  g_mutex_unlock (&self->lock);
  push_admitted (self, &admitted);

  return run;
}

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

  run = start_document (processor, document, cancellable, NULL, error);
  if (run == NULL)
    return NULL;

  g_mutex_lock (&processor->lock);
  while (!run->completed)
    g_cond_wait (&processor->cond, &processor->lock);
  result = g_steal_pointer (&run->result);
  if (result == NULL)
    g_propagate_error (error, g_steal_pointer (&run->error));
  g_mutex_unlock (&processor->lock);

  run_disconnect_cancellable (run);
  run_unref (run);

  return result;
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
 * merges their graphs, without blocking. Cancelling @cancellable drops the
 * queued segments, aborts the requests in flight and completes the call at
 * once with %G_IO_ERROR_CANCELLED. Finish with
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
  g_autoptr(GTask) gtask = NULL;
  g_autoptr(GError) error = NULL;
  Run *run;

  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (PP_IS_DOCUMENT (document));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  gtask = g_task_new (processor, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, pp_processor_process_document_async);
  g_task_set_check_cancellable (gtask, FALSE);

  run = start_document (processor, document, cancellable, gtask, &error);
  if (run == NULL)
    {
      g_task_return_error (gtask, g_steal_pointer (&error));
      return;
    }

  run_unref (run);
}

/**
 * pp_processor_process_document_finish:
 * @processor: a #PpProcessor
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
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
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pp_processor_process_document_async, NULL);

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

  /* A shared pool cannot fail to be created */
  self->pool = g_thread_pool_new (worker_func, self, (int) pool_size_for (self->max_workers), FALSE, &error);
  g_assert_no_error (error);
}

static void
pp_processor_finalize (GObject *object)
{
  PpProcessor *self = PP_PROCESSOR (object);

  /* Every task holds a reference: the pool is idle, unless this runs on
   * one of its threads, at the end of the last task. Do not wait. */
  g_thread_pool_free (self->pool, FALSE, FALSE);

  g_clear_pointer (&self->stream, run_unref);
  g_async_queue_unref (self->results);
  g_queue_clear_full (&self->events, (GDestroyNotify) event_free);
  g_hash_table_unref (self->flights);
  g_main_context_unref (self->context);
  pp_stats_collector_clear (&self->stats);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->event_lock);
  g_mutex_clear (&self->flight_lock);
  g_mutex_clear (&self->gate_lock);
  g_cond_clear (&self->gate_cond);
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
      g_value_set_string (value, self->model);
      break;
    case PROP_OUTPUT_FORM:
      g_value_set_enum (value, self->output_form);
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
   */
  properties[PROP_CONVERTER] =
    g_param_spec_object ("converter", NULL, NULL, PP_TYPE_CONVERTER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:llm-client:
   *
   * The LLM client converters ask.
   */
  properties[PROP_LLM_CLIENT] =
    g_param_spec_object ("llm-client", NULL, NULL, PP_TYPE_LLM_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:cache: (nullable)
   *
   * The cache of answers, if any.
   */
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL, PP_TYPE_CACHE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:segmenter:
   *
   * The segmenter that splits documents; by default one with a budget of
   * 2000 characters.
   */
  properties[PROP_SEGMENTER] =
    g_param_spec_object ("segmenter", NULL, NULL, PP_TYPE_SEGMENTER,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:min-workers:
   *
   * The fewest workers the processor keeps the limit at when it adapts
   * its concurrency; at most #PpProcessor:max-workers.
   */
  properties[PROP_MIN_WORKERS] =
    g_param_spec_uint ("min-workers", NULL, NULL, 1, 4096, 1,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:max-workers:
   *
   * The most requests in flight at the LLM endpoint, and so the most
   * segments converted at once. Takes effect at once, also during a run.
   */
  properties[PROP_MAX_WORKERS] =
    g_param_spec_uint ("max-workers", NULL, NULL, 1, 4096, DEFAULT_MAX_WORKERS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:queue-size:
   *
   * The most tasks waiting in the queue for a worker.
   */
  properties[PROP_QUEUE_SIZE] =
    g_param_spec_uint ("queue-size", NULL, NULL, 1, G_MAXUINT, DEFAULT_QUEUE_SIZE,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:max-retries:
   *
   * How many times a segment is retried after a transient LLM error.
   */
  properties[PROP_MAX_RETRIES] =
    g_param_spec_uint ("max-retries", NULL, NULL, 0, 100, DEFAULT_MAX_RETRIES,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:retry-delay:
   *
   * The delay before the first retry, in milliseconds, when the endpoint
   * did not ask for one; it doubles at each retry.
   */
  properties[PROP_RETRY_DELAY] =
    g_param_spec_uint ("retry-delay", NULL, NULL, 1, MAX_RETRY_DELAY_MS, DEFAULT_RETRY_DELAY_MS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:model: (nullable)
   *
   * The model converters ask for, or %NULL for the client's default.
   */
  properties[PROP_MODEL] =
    g_param_spec_string ("model", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  /**
   * PpProcessor:output-form:
   *
   * The form of the documents' graphs.
   */
  properties[PROP_OUTPUT_FORM] =
    g_param_spec_enum ("output-form", NULL, NULL, PP_TYPE_OUTPUT_FORM, PP_OUTPUT_FORM_COMPACTED,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PpProcessor::segment-started:
   * @processor: the processor
   * @segment: the segment
   *
   * Emitted when a worker starts on a segment (not again on retries).
   */
  signals[SIGNAL_SEGMENT_STARTED] =
    g_signal_new ("segment-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PP_TYPE_SEGMENT);

  /**
   * PpProcessor::segment-done:
   * @processor: the processor
   * @segment: the segment
   * @graph: the segment's JSON-LD, a copy that belongs to the handler's
   *   thread
   *
   * Emitted when a segment was converted, if a handler was connected by
   * then (the graph is copied only for someone).
   */
  signals[SIGNAL_SEGMENT_DONE] =
    g_signal_new ("segment-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, PP_TYPE_SEGMENT, JSON_TYPE_NODE);

  /**
   * PpProcessor::segment-failed:
   * @processor: the processor
   * @segment: the segment
   * @error: why it failed, after the retries
   *
   * Emitted when a segment failed for good.
   */
  signals[SIGNAL_SEGMENT_FAILED] =
    g_signal_new ("segment-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, PP_TYPE_SEGMENT, G_TYPE_ERROR);

  /**
   * PpProcessor::progress:
   * @processor: the processor
   * @done: the segments of the run converted so far
   * @failed: the segments of the run that failed
   * @total: the segments of the run (a document, or all those submitted)
   *
   * Emitted after each segment.
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);

  /**
   * PpProcessor::finished:
   * @processor: the processor
   * @graph: the document's graph, a copy that belongs to the handler's
   *   thread
   *
   * Emitted when a document's graph is ready, before the asynchronous call
   * completes, if a handler was connected by then.
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_NODE);
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
  self->context = g_main_context_ref_thread_default ();
  self->results = g_async_queue_new_full ((GDestroyNotify) pp_result_free);
  self->flights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) flight_unref);
  g_mutex_init (&self->lock);
  g_mutex_init (&self->event_lock);
  g_mutex_init (&self->flight_lock);
  g_mutex_init (&self->gate_lock);
  g_cond_init (&self->gate_cond);
  g_cond_init (&self->cond);
  g_cond_init (&self->flight_cond);
  g_queue_init (&self->backlog);
  g_queue_init (&self->events);
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
    g_thread_pool_set_max_threads (processor->pool, (int) pool_size_for (max_workers), NULL);
  g_mutex_unlock (&processor->lock);

  /* Tasks waiting at the gate see the new limit */
  g_mutex_lock (&processor->gate_lock);
  g_cond_broadcast (&processor->gate_cond);
  g_mutex_unlock (&processor->gate_lock);

  g_debug ("Worker limit set to %u", max_workers);
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_MAX_WORKERS]);
}

/**
 * pp_processor_get_min_workers:
 * @processor: a #PpProcessor
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
  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_MIN_WORKERS]);
}

/**
 * pp_processor_get_queue_size:
 * @processor: a #PpProcessor
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

  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (queue_size >= 1);

  g_mutex_lock (&processor->lock);
  processor->queue_size = queue_size;
  admit_locked (processor, &admitted);
  g_mutex_unlock (&processor->lock);
  push_admitted (processor, &admitted);

  g_object_notify_by_pspec (G_OBJECT (processor), properties[PROP_QUEUE_SIZE]);
}

/**
 * pp_processor_set_model:
 * @processor: a #PpProcessor
 * @model: (nullable): the model converters ask for, or %NULL for the
 *   client's default
 *
 * Sets the model for the documents processed from now on.
 *
 * Since: 0.1
 */
void
pp_processor_set_model (PpProcessor *processor,
                        const char  *model)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));

  g_free (processor->model);
  processor->model = g_strdup (model);
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
