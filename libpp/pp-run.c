/* pp-run.c: runs and their tasks, from admission to completion
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-adjudication-private.h"
#include "pp-processor-private.h"
#include "pp-reconciler-private.h"
#include "pp-scheduler-private.h"

/* A run is a document, or the processor's stream of submitted segments.
 * Each of its segments is a task: admitted into the pool's queue when
 * there is room, converted by a worker, retried (pp-retry.c) or finished.
 * A document's finished tasks go to its reconciler, whose graph completes
 * the run; the stream's go to the processor's results. */

/* One thread for each request the limiter may let in flight. Handling an
 * answer takes a fraction of a millisecond, against the tens of
 * milliseconds or more that a request waits for its answer: threads beyond
 * the limit would keep almost no more requests in flight, and each would
 * wait on the limiter and be woken for every answer. */
guint
pp_processor_pool_size_for (guint max_workers)
{
  return max_workers;
}

/* Runs and tasks */

Run *
pp_run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

void
pp_run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;

  g_clear_object (&run->reconciler);
  g_clear_object (&run->requests);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->task);
  g_clear_pointer (&run->result, json_node_unref);
  g_clear_error (&run->error);
  g_clear_pointer (&run->dispatch, pp_dispatch_unref);
  g_free (run->first_error);
  g_free (run->name);
  if (!run->is_stream)
    g_object_unref (run->self);
  g_free (run);
}

Run *
pp_run_new (PpProcessor  *self,
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

void
pp_run_disconnect_cancellable (Run *run)
{
  gulong handler;

  g_mutex_lock (&run->self->lock);
  handler = run->cancel_handler;
  run->cancel_handler = 0;
  g_mutex_unlock (&run->self->lock);

  if (handler != 0)
    g_cancellable_disconnect (run->cancellable, handler);
}

/* Called under self->lock: the task belongs to its run's dispatch, or,
 * for the stream, to the current one */
Task *
pp_task_new (Run       *run,
             PpSegment *segment)
{
  Task *task = g_new0 (Task, 1);

  task->self = g_object_ref (run->self);
  task->run = pp_run_ref (run);
  task->segment = pp_segment_ref (segment);
  task->queued_time = g_get_monotonic_time ();
  task->dispatch = pp_dispatch_ref (run->dispatch != NULL ? run->dispatch : run->self->dispatch);

  return task;
}

void
pp_task_free (Task *task)
{
  g_clear_object (&task->admit_task);
  pp_dispatch_unref (task->dispatch);
  pp_segment_unref (task->segment);
  pp_run_unref (task->run);
  g_object_unref (task->self);
  g_free (task);
}

/* Admission into the pool's queue. Tasks are admitted under the lock;
 * what follows from it happens once the lock is released:
 *
 * - the tasks are pushed to the pool (pp_processor_push_admitted()): a
 *   push may have to start a thread, and every worker takes the lock as
 *   it begins a task, so a run's first tasks start while the rest are
 *   still being pushed;
 * - the pp_processor_submit_async() calls they end are returned
 *   (pp_processor_return_admitted()): returning a GTask may run its
 *   callback there and then, and the callback may call the processor. */

void
pp_processor_admit_one_locked (PpProcessor *self,
                               Task        *task,
                               GQueue      *admitted)
{
  self->n_queued++;
  task->admitted = TRUE;
  g_queue_push_tail (admitted, task);
}

/* Admits at most @limit waiting tasks while there is room; @to_return
 * gets the GTasks of the submissions that ended */
static void
admit_up_to_locked (PpProcessor *self,
                    guint        limit,
                    GQueue      *admitted,
                    GQueue      *to_return)
{
  for (guint n = 0;
       n < limit && self->n_queued < self->queue_size && !g_queue_is_empty (&self->backlog);
       n++)
    {
      Task *task = g_queue_pop_head (&self->backlog);
      GTask *admit_task = g_steal_pointer (&task->admit_task);

      pp_processor_admit_one_locked (self, task, admitted);

      if (admit_task != NULL)
        g_queue_push_tail (to_return, admit_task);
    }

  /* Waking a condition is a system call even when nobody waits */
  if (self->cond_waiters > 0)
    g_cond_broadcast (&self->cond);
}

/* Admits waiting tasks while there is room; @to_return gets the GTasks of
 * the submissions that ended */
void
pp_processor_admit_locked (PpProcessor *self,
                           GQueue      *admitted,
                           GQueue      *to_return)
{
  admit_up_to_locked (self, G_MAXUINT, admitted, to_return);
}

/* Called without the lock */
void
pp_processor_push_admitted (PpProcessor *self,
                            GQueue      *admitted)
{
  Task *task;

  while ((task = g_queue_pop_head (admitted)) != NULL)
    g_thread_pool_push (self->pool, task, NULL);
}

/* Called without the lock */
void
pp_processor_return_admitted (GQueue *to_return)
{
  GTask *admit_task;

  while ((admit_task = g_queue_pop_head (to_return)) != NULL)
    {
      g_task_return_boolean (admit_task, TRUE);
      g_object_unref (admit_task);
    }
}

/* Completion */

/* Takes @graph, @bytes (the graph written as JSON) and @error, one of
 * which is set */
static void
run_complete (Run      *run,
              JsonNode *graph,
              GBytes   *bytes,
              GError   *error)
{
  PpProcessor *self = run->self;
  g_autoptr(JsonNode) owned_graph = graph;
  g_autoptr(GBytes) owned_bytes = bytes;
  g_autoptr(GError) owned_error = error;
  GTask *task;
  guint done, failed, total;

  g_mutex_lock (&self->lock);
  if (run->completed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  run->completed = TRUE;
  if (run->requests != NULL)
    g_ptr_array_remove_fast (self->runs, run);
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

  if (owned_graph != NULL)
    pp_processor_emit_finished (self, owned_graph);
  else if (owned_bytes != NULL && pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_FINISHED))
    {
      /* The handlers of finished take a tree: read from the bytes, for
       * them only */
      g_autoptr(JsonNode) as_tree = json_from_string (g_bytes_get_data (owned_bytes, NULL), NULL);

      if (as_tree != NULL)
        pp_processor_emit_finished (self, as_tree);
    }
  pp_processor_disconnect_run_later (self, run);

  if (task != NULL)
    pp_processor_return_task_later (self, task, g_steal_pointer (&owned_graph),
                                    g_steal_pointer (&owned_bytes), g_steal_pointer (&owned_error));
}

static void
reconciler_done (JsonNode     *graph,
                 GBytes       *bytes,
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
  /* A fatal error stopped the run: it is the run's one error */
  else if (run->dispatch->reason != NULL && run->done < run->total)
    run_error = g_error_copy (run->dispatch->reason);
  else if (run->done == 0 && run->total > 0 && pp_dispatch_is_stopped (run->dispatch))
    run_error = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED,
                             "%s: stopped before any of its %u segments was converted",
                             run->name, run->total);
  else if (run->done == 0 && run->total > 0)
    run_error = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_FAILED,
                             "%s: all %u segments failed; the first: %s",
                             run->name, run->total,
                             run->first_error != NULL ? run->first_error : "unknown error");
  g_mutex_unlock (&run->self->lock);

  if (run_error == NULL && graph == NULL && bytes == NULL)
    run_error = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_RECONCILE,
                             "%s: the segments' graphs could not be merged: %s",
                             run->name, error != NULL ? error->message : "unknown error");

  if (run_error != NULL)
    {
      g_clear_pointer (&graph, json_node_unref);
      g_clear_pointer (&bytes, g_bytes_unref);
      run_complete (run, NULL, NULL, run_error);
    }
  else
    run_complete (run, graph, bytes, NULL);
}

static void
run_cancelled (GCancellable *cancellable,
               gpointer      user_data)
{
  Run *run = user_data;

  g_cancellable_cancel (run->requests);
  if (run->reconciler != NULL)
    pp_reconciler_cancel (run->reconciler);

  run_complete (run, NULL, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                      "Operation was cancelled"));
}

/* Takes @jsonld (the segment's JSON-LD as JSON text), @expanded (its
 * expansion, if the converter made it) and @error; @jsonld or @error is
 * set */
static void
finish_task (PpProcessor *self,
             Task        *task,
             GBytes      *jsonld,
             GBytes      *expanded,
             GError      *error)
{
  Run *run = task->run;

  if (jsonld != NULL)
    {
      g_mutex_lock (&self->stats.lock);
      self->stats.done++;
      g_mutex_unlock (&self->stats.lock);
    }
  else
    pp_stats_collector_add_failed (&self->stats, run->name, task->segment, error);

  /* The signals first: the segment's graph may complete the run, whose
   * "finished" must come after this segment's "progress" */
  if (jsonld != NULL)
    pp_processor_emit_segment_done (self, task->segment, jsonld);
  else
    {
      g_debug ("Segment %u of %s failed: %s", pp_segment_get_index (task->segment),
               run->name, error->message);
      pp_processor_emit_segment_failed (self, task->segment, error);
    }

  g_mutex_lock (&self->lock);
  if (jsonld != NULL)
    run->done++;
  else
    {
      run->failed++;
      if (run->first_error == NULL)
        run->first_error = g_strdup_printf ("segment %u: %s",
                                            pp_segment_get_index (task->segment),
                                            error->message);
    }
  pp_processor_emit_progress (self, run->done, run->failed, run->total);
  g_mutex_unlock (&self->lock);

  if (run->is_stream)
    {
      g_clear_pointer (&expanded, g_bytes_unref);
      g_async_queue_push (self->results, pp_result_new (task->segment, jsonld, error));
    }
  else if (expanded != NULL)
    {
      /* The reconciler merges the expansion as it is */
      g_bytes_unref (jsonld);
      pp_reconciler_add_bytes (run->reconciler, task->segment, expanded, TRUE);
    }
  else if (jsonld != NULL)
    pp_reconciler_add_bytes (run->reconciler, task->segment, jsonld, FALSE);
  else
    {
      pp_reconciler_add_failure (run->reconciler, task->segment, error);
      g_error_free (error);
    }

  pp_task_free (task);
}

/* The worker */

static void
forward_cancel (GCancellable *cancellable,
                gpointer      data)
{
  g_cancellable_cancel (data);
}

static gboolean
cancel_at_deadline (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* One attempt at a task: its cancellable is the run's, and, when the task
 * has a deadline, one that is also cancelled at the deadline by a timer of
 * libpp's timer thread */
typedef struct
{
  GCancellable *run_cancellable;
  GCancellable *cancellable;
  gulong handler;
  GSource *timer;
} Attempt;

static void
attempt_begin (Attempt *attempt,
               Task    *task)
{
  gint64 remaining_us;

  attempt->run_cancellable = pp_run_get_requests_cancellable (task->run);
  if (task->deadline == 0)
    {
      attempt->cancellable = attempt->run_cancellable != NULL ? g_object_ref (attempt->run_cancellable) : NULL;
      return;
    }

  attempt->cancellable = g_cancellable_new ();
  if (attempt->run_cancellable != NULL)
    attempt->handler = g_cancellable_connect (attempt->run_cancellable, G_CALLBACK (forward_cancel),
                                              attempt->cancellable, NULL);

  remaining_us = task->deadline - g_get_monotonic_time ();
  attempt->timer = g_timeout_source_new ((guint) CLAMP ((remaining_us + 999) / 1000, 0, G_MAXUINT));
  g_source_set_static_name (attempt->timer, "[libpp] segment deadline");
  g_source_set_callback (attempt->timer, cancel_at_deadline,
                         g_object_ref (attempt->cancellable), g_object_unref);
  g_source_attach (attempt->timer, pp_scheduler_get_context ());
}

static void
attempt_end (Attempt *attempt)
{
  if (attempt->timer != NULL)
    {
      g_source_destroy (attempt->timer);
      g_clear_pointer (&attempt->timer, g_source_unref);
    }
  if (attempt->handler != 0)
    g_cancellable_disconnect (attempt->run_cancellable, attempt->handler);
  g_clear_object (&attempt->cancellable);
}

/* Whether @error, of an attempt that ended at the task's deadline or after
 * it, is the deadline's doing: the attempt was cancelled at the deadline,
 * or failed for a reason that a retry could have cured but too late */
static gboolean
task_missed_deadline (Task         *task,
                      const GError *error)
{
  if (task->deadline == 0 || g_get_monotonic_time () < task->deadline ||
      g_cancellable_is_cancelled (task->run->cancellable))
    return FALSE;

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         pp_llm_error_is_transient (error);
}

GError *
pp_task_new_deadline_error (Task         *task,
                            const GError *error)
{
  guint timeout_s = (guint) ((task->deadline - task->started_time) / G_USEC_PER_SEC);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_DEADLINE,
                        "Segment %u of %s: not converted within the segment timeout "
                        "of %u s (attempt %u was still under way)",
                        pp_segment_get_index (task->segment), task->run->name,
                        timeout_s, task->attempt + 1);

  return g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_DEADLINE,
                      "Segment %u of %s: not converted within the segment timeout "
                      "of %u s, after %u %s: %s",
                      pp_segment_get_index (task->segment), task->run->name, timeout_s,
                      task->attempt + 1, task->attempt == 0 ? "attempt" : "attempts",
                      error->message);
}

/* Whatever a converter or a client quotes of an answer, the client's
 * secrets never reach a log, a signal or the caller */
void
pp_processor_redact_error (PpProcessor *self,
                           GError      *error)
{
  g_autofree char *redacted = pp_llm_client_redact (self->client, error->message);

  g_free (error->message);
  error->message = g_steal_pointer (&redacted);
}

void
pp_processor_worker (gpointer data,
                     gpointer user_data)
{
  Task *task = data;
  PpProcessor *self = user_data;
  Run *run = task->run;
  g_autoptr(PpConvertContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *model = NULL;
  GBytes *jsonld = NULL;
  GBytes *expanded = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 waited = start - task->queued_time;
  guint index = pp_segment_get_index (task->segment);
  GQueue admitted = G_QUEUE_INIT;
  GQueue to_return = G_QUEUE_INIT;
  Attempt attempt = { NULL, };
  gboolean run_over;
  gboolean first_wave_out = FALSE;

  /* Finishing the task may drop the last reference of the run, and so of
   * the processor */
  g_object_ref (self);

  g_mutex_lock (&self->lock);
  self->n_queued--;
  pp_processor_admit_locked (self, &admitted, &to_return);
  run_over = run->completed && !run->is_stream;
  model = g_strdup (self->model);
  /* The deadline counts from the first attempt's start */
  if (task->attempt == 0)
    {
      task->started_time = start;
      if (self->segment_timeout_s > 0)
        task->deadline = start + (gint64) self->segment_timeout_s * G_USEC_PER_SEC;
      first_wave_out = ++run->n_started == run->first_wave;
    }
  g_mutex_unlock (&self->lock);
  pp_processor_push_admitted (self, &admitted);
  pp_processor_return_admitted (&to_return);

  /* The run's first requests are on their way, and their answers are
   * tens of milliseconds off: the CPUs are free for the output
   * context until then */
  if (first_wave_out && run->reconciler != NULL)
    pp_reconciler_prepare_output_context (run->reconciler);

  g_mutex_lock (&self->stats.lock);
  self->stats.running++;
  self->stats.peak_running = MAX (self->stats.peak_running, self->stats.running);
  g_mutex_unlock (&self->stats.lock);

  if (run_over || g_cancellable_set_error_if_cancelled (run->cancellable, &error))
    {
      if (error == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");
      finish_task (self, task, NULL, NULL, g_steal_pointer (&error));
      goto out;
    }

  if (pp_dispatch_is_stopped (task->dispatch))
    {
      finish_task (self, task, NULL, NULL, pp_task_new_stopped_error (task));
      goto out;
    }

  if (task->attempt == 0)
    pp_processor_emit_segment_started (self, task->segment);

  context = pp_convert_context_new_full (self->client, self->cache, model,
                                         pp_processor_complete_request, self);
  pp_convert_context_set_stats (context, &self->stats);
  pp_convert_context_set_cache_ttl (context, (guint) g_atomic_int_get (&self->cache_ttl_s));
  if (!run->is_stream)
    pp_convert_context_set_document_name (context, run->name);
  pp_convert_context_set_send_funcs (context, pp_task_may_send, pp_task_send_failed, task);
  attempt_begin (&attempt, task);
  jsonld = pp_converter_convert_bytes (self->converter, context, task->segment,
                                      attempt.cancellable, &expanded, &error);
  attempt_end (&attempt);

  /* Once per segment: not even formatted unless someone reads it */
  if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))
    g_debug ("Segment %u of %s: %s after %.1f ms queued, %.1f ms converting (attempt %u)",
             index, run->name, jsonld != NULL ? "done" : "failed",
             waited / 1000.0, (g_get_monotonic_time () - start) / 1000.0, task->attempt + 1);

  if (jsonld == NULL && error == NULL)
    g_set_error (&error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                 "Segment %u: the converter %s returned neither JSON-LD nor an error",
                 index, G_OBJECT_TYPE_NAME (self->converter));
  else if (jsonld != NULL)
    g_clear_error (&error);

  if (error != NULL)
    pp_processor_redact_error (self, error);

  /* A request aborted by pp_processor_stop_now(): its segment is stopped */
  if (jsonld == NULL && pp_task_was_aborted (task, error))
    {
      g_clear_error (&error);
      error = pp_task_new_stopped_error (task);
    }

  if (jsonld == NULL && task_missed_deadline (task, error))
    {
      GError *deadline_error = pp_task_new_deadline_error (task, error);

      g_clear_error (&error);
      error = deadline_error;
    }
  else if (jsonld == NULL && pp_llm_error_is_fatal (error))
    pp_processor_stop_dispatch (self, task->dispatch, error);
  else if (jsonld == NULL && pp_llm_error_is_transient (error) &&
           (task->attempt < self->max_retries || pp_llm_error_get_not_sent (error)) &&
           !g_cancellable_is_cancelled (run->cancellable))
    {
      GError *not_retried = NULL;

      /* A retry is a new start, which a stopped dispatch does not allow */
      if (pp_dispatch_is_stopped (task->dispatch))
        not_retried = pp_task_new_stopped_error (task);
      else if (pp_processor_schedule_retry (self, task, error, &not_retried))
        goto out;

      g_clear_error (&error);
      error = not_retried;
    }

  finish_task (self, task, jsonld, expanded, g_steal_pointer (&error));

out:
  g_mutex_lock (&self->stats.lock);
  self->stats.running--;
  g_mutex_unlock (&self->stats.lock);

  g_object_unref (self);
}

/* Documents
 *
 * A document's run is made from what the call found: the document, the
 * caller's cancellable and task, the processor's dispatch and output
 * settings at the time of the call. The synchronous call starts it on the
 * caller's thread, which waits anyway; the asynchronous call starts it on
 * a thread of libpp's own, so that splitting the document, making the
 * run, its reconciler and its tasks never hold up the caller's main
 * context. */

typedef struct
{
  PpProcessor *self;
  PpDocument *document;
  GCancellable *cancellable;    /* (nullable) */
  GTask *gtask;                 /* (nullable): asynchronous runs */
  Dispatch *dispatch;           /* the processor's at the call */
  PpOutputForm output_form;
  gboolean provenance;
  gboolean as_bytes;            /* the graph completes @gtask as bytes */
} DocumentStart;

static DocumentStart *
document_start_new (PpProcessor  *self,
                    PpDocument   *document,
                    GCancellable *cancellable,
                    GTask        *gtask)
{
  DocumentStart *start = g_new0 (DocumentStart, 1);

  start->self = g_object_ref (self);
  start->document = g_object_ref (document);
  start->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  start->gtask = gtask != NULL ? g_object_ref (gtask) : NULL;
  start->output_form = self->output_form;
  start->provenance = self->provenance;
  g_mutex_lock (&self->lock);
  start->dispatch = pp_dispatch_ref (self->dispatch);
  g_mutex_unlock (&self->lock);

  return start;
}

static void
document_start_free (DocumentStart *start)
{
  pp_dispatch_unref (start->dispatch);
  g_clear_object (&start->gtask);
  g_clear_object (&start->cancellable);
  g_object_unref (start->document);
  g_object_unref (start->self);
  g_free (start);
}

/* Returns: (transfer full) (nullable): the run, or NULL with @error set
 * when the document gives no segment */
static Run *
document_start_run (DocumentStart  *start,
                    GError        **error)
{
  PpProcessor *self = start->self;
  PpDocument *document = start->document;
  g_autoptr(GPtrArray) segments = NULL;
  GQueue admitted = G_QUEUE_INIT;
  GQueue to_return = G_QUEUE_INIT;
  Run *run;

  segments = pp_segmenter_split_document (self->segmenter, document);
  if (segments->len == 0)
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_EMPTY,
                   "%s: empty (no text to convert)", pp_document_get_name (document));
      return NULL;
    }

  run = pp_run_new (self, pp_document_get_name (document), segments->len, start->cancellable, FALSE);
  run->task = start->gtask != NULL ? g_object_ref (start->gtask) : NULL;
  run->dispatch = pp_dispatch_ref (start->dispatch);
  run->requests = g_cancellable_new ();
  run->first_wave = MIN (segments->len, (guint) g_atomic_int_get (&self->max_workers));
  run->reconciler = pp_reconciler_new_full (segments->len, start->output_form, FALSE);
  g_object_set (run->reconciler,
                "document-iri", pp_document_get_base_iri (document) != NULL
                                  ? pp_document_get_base_iri (document)
                                  : pp_document_get_name (document),
                "provenance", start->provenance,
                NULL);
  pp_reconciler_set_writes_bytes (run->reconciler, start->as_bytes);
  pp_reconciler_set_done_func (run->reconciler, reconciler_done, pp_run_ref (run),
                               (GDestroyNotify) pp_run_unref);
  pp_processor_watch_merges (self, run);
  pp_adjudication_attach (self, run);

  g_info ("%s: %u segments, up to %u workers", run->name, segments->len,
          (guint) g_atomic_int_get (&self->max_workers));

  g_mutex_lock (&self->stats.lock);
  self->stats.submitted += segments->len;
  g_mutex_unlock (&self->stats.lock);

  if (start->cancellable != NULL)
    {
      gulong handler = g_cancellable_connect (start->cancellable, G_CALLBACK (run_cancelled),
                                              pp_run_ref (run), (GDestroyNotify) pp_run_unref);

      g_mutex_lock (&self->lock);
      run->cancel_handler = handler;
      g_mutex_unlock (&self->lock);
    }

  g_mutex_lock (&self->lock);
  /* Until it completes (run_complete()) */
  if (!run->completed)
    g_ptr_array_add (self->runs, run);
  for (guint i = 0; i < segments->len; i++)
    g_queue_push_tail (&self->backlog, pp_task_new (run, segments->pdata[i]));
  /* Pushing a task to the pool may start a thread: this thread starts
   * one, and the workers admit the others as they begin */
  admit_up_to_locked (self, 1, &admitted, &to_return);
  g_mutex_unlock (&self->lock);
  pp_processor_push_admitted (self, &admitted);
  pp_processor_return_admitted (&to_return);

  return run;
}

/* Starts a document's run on the calling thread */
Run *
pp_run_start_document (PpProcessor   *self,
                       PpDocument    *document,
                       GCancellable  *cancellable,
                       GError       **error)
{
  DocumentStart *start = document_start_new (self, document, cancellable, NULL);
  Run *run = document_start_run (start, error);

  document_start_free (start);

  return run;
}

static gpointer
start_document_thread (gpointer data)
{
  DocumentStart *start = data;
  g_autoptr(GError) error = NULL;
  Run *run = document_start_run (start, &error);

  if (run != NULL)
    pp_run_unref (run);
  else
    pp_processor_return_task_later (start->self, g_steal_pointer (&start->gtask),
                                    NULL, NULL, g_steal_pointer (&error));

  document_start_free (start);

  return NULL;
}

/* Starts the run of @document on a thread of libpp's; @gtask completes
 * with it, on its context, with the graph as a tree, or as the bytes of
 * its indented JSON when @as_bytes */
void
pp_run_start_document_async (PpProcessor  *self,
                             PpDocument   *document,
                             GCancellable *cancellable,
                             gboolean      as_bytes,
                             GTask        *gtask)
{
  DocumentStart *start = document_start_new (self, document, cancellable, gtask);

  start->as_bytes = as_bytes;
  g_thread_unref (g_thread_new ("pp-run-start", start_document_thread, start));
}
