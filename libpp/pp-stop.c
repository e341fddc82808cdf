/* pp-stop.c: stopping dispatch, on request or at a fatal error
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"

/* Every run and task belongs to the dispatch that was the processor's when
 * it was made. pp_processor_stop() stops that dispatch and opens a new one
 * for what comes later: a task of a stopped dispatch never starts (a worker
 * fails it at once, a waiting retry fires at once so that it does) and
 * sends no request (the check of pp_convert_context_ask_client()), while
 * the requests already sent finish. An LLM error that no request can
 * escape (pp_llm_error_is_fatal()) stops it the same way and becomes the
 * error of its runs.
 *
 * A document's requests are sent with a cancellable of its run's own
 * (Run:requests), cancelled when the caller's is: pp_processor_stop_now()
 * cancels it too, without the caller's, so that the segments whose
 * requests it aborts fail as stopped and the run completes with the
 * graph of the others, as after pp_processor_stop(). */

Dispatch *
pp_dispatch_new (void)
{
  Dispatch *dispatch = g_new0 (Dispatch, 1);

  g_atomic_ref_count_init (&dispatch->ref_count);
  dispatch->stopped = g_cancellable_new ();

  return dispatch;
}

Dispatch *
pp_dispatch_ref (Dispatch *dispatch)
{
  g_atomic_ref_count_inc (&dispatch->ref_count);
  return dispatch;
}

void
pp_dispatch_unref (Dispatch *dispatch)
{
  if (!g_atomic_ref_count_dec (&dispatch->ref_count))
    return;

  g_object_unref (dispatch->stopped);
  g_clear_error (&dispatch->reason);
  g_free (dispatch);
}

gboolean
pp_dispatch_is_stopped (Dispatch *dispatch)
{
  return g_cancellable_is_cancelled (dispatch->stopped);
}

/* Stops @dispatch (NULL: the processor's current one); when it is the
 * current one, a new one opens for what comes later. @reason, a fatal
 * error, becomes the error of the runs of @dispatch unless an earlier one
 * did: the answers to requests sent before the stop may bring the same
 * error again, and must not stop the dispatch opened since. */
void
pp_processor_stop_dispatch (PpProcessor  *self,
                            Dispatch     *dispatch,
                            const GError *reason)
{
  g_autoptr(Dispatch) stopped = NULL;

  g_mutex_lock (&self->lock);
  if (dispatch == NULL || dispatch == self->dispatch)
    {
      stopped = g_steal_pointer (&self->dispatch);
      self->dispatch = pp_dispatch_new ();
    }
  else
    stopped = pp_dispatch_ref (dispatch);
  if (reason != NULL && stopped->reason == NULL)
    stopped->reason = g_error_copy (reason);
  g_mutex_unlock (&self->lock);

  if (pp_dispatch_is_stopped (stopped))
    return;

  if (reason != NULL)
    g_info ("Stopping every run: %s", reason->message);
  else
    g_info ("Stopping every run: no segment starts any more");

  /* Also fires the waiting retries, in libpp's timer thread */
  g_cancellable_cancel (stopped->stopped);
}

GError *
pp_task_new_stopped_error (Task *task)
{
  return g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED,
                      "Segment %u of %s: not converted: processing was stopped",
                      pp_segment_get_index (task->segment), task->run->name);
}

/* Whether @error, the failure of an attempt at @task, is the abort of its
 * request by pp_processor_stop_now(), not a cancel of the caller's */
gboolean
pp_task_was_aborted (Task         *task,
                     const GError *error)
{
  Run *run = task->run;

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         run->requests != NULL && g_cancellable_is_cancelled (run->requests) &&
         !g_cancellable_is_cancelled (run->cancellable);
}

/* The PpConvertContextMaySendFunc of a task's conversion: a request is
 * sent only while the task's dispatch goes on */
gboolean
pp_task_may_send (gpointer   data,
                  GError   **error)
{
  Task *task = data;

  if (!pp_dispatch_is_stopped (task->dispatch))
    return TRUE;

  g_propagate_error (error, pp_task_new_stopped_error (task));
  return FALSE;
}

/* The PpConvertContextSendFailedFunc of a task's conversion: a fatal error
 * stops dispatch before the request's slot under the concurrency limit
 * goes to a request that would meet it too */
void
pp_task_send_failed (gpointer      data,
                     const GError *error)
{
  Task *task = data;
  g_autoptr(GError) reason = NULL;

  if (!pp_llm_error_is_fatal (error))
    return;

  reason = g_error_copy (error);
  pp_processor_redact_error (task->self, reason);
  pp_processor_stop_dispatch (task->self, task->dispatch, reason);
}

/**
 * pp_processor_stop:
 * @processor: a #PpProcessor
 *
 * Stops dispatch: of the runs under way and the segments submitted so far,
 * no segment starts any more, and no further request is sent for them.
 * The requests in flight finish, and so do the segments they belong to.
 * The segments that had not started, or were waiting to be retried, fail
 * with %PP_PROCESSOR_ERROR_STOPPED, each reported by
 * #PpProcessor::segment-failed (and in [method@Pp.Processor.pop_result]
 * for submitted segments), so that an application can list what is left
 * to do.
 *
 * Each document under way then completes with the graph of the segments
 * that were converted, if there is one: when at least one segment was
 * converted, the result is that graph, as when some segments fail;
 * when none was, the error is %PP_PROCESSOR_ERROR_STOPPED.
 *
 * Documents and segments given to the processor after this call are
 * processed as usual. Cancelling a run's #GCancellable, by contrast, also
 * aborts its requests in flight.
 *
 * The processor stops in the same way by itself when the LLM client fails
 * with an error that every request would meet
 * ([func@Pp.LlmError.is_fatal]: the credentials were refused, the quota is
 * exhausted): that error is then the error of every document under way.
 *
 * Thread-safe.
 *
 * Since: 0.2
 */
void
pp_processor_stop (PpProcessor *processor)
{
  g_return_if_fail (PP_IS_PROCESSOR (processor));

  pp_processor_stop_dispatch (processor, NULL, NULL);
}

/**
 * pp_processor_stop_now:
 * @processor: a #PpProcessor
 *
 * Stops dispatch as [method@Pp.Processor.stop] does, and aborts the
 * requests in flight of the documents under way, including those of
 * documents stopped before: their segments fail with
 * %PP_PROCESSOR_ERROR_STOPPED too. Each document under way then
 * completes at once with the graph of the segments that were converted,
 * or, when none was, with the error %PP_PROCESSOR_ERROR_STOPPED.
 *
 * Cancelling a run's #GCancellable aborts its requests as well, but the
 * run then ends with %G_IO_ERROR_CANCELLED and no graph: this is the way
 * to stop at once and keep what was done, say on a second Ctrl+C.
 * Segments given with [method@Pp.Processor.submit] are stopped as by
 * [method@Pp.Processor.stop]: their requests in flight finish.
 *
 * Thread-safe.
 *
 * Since: 0.2
 */
void
pp_processor_stop_now (PpProcessor *processor)
{
  g_autoptr(GPtrArray) runs = NULL;

  g_return_if_fail (PP_IS_PROCESSOR (processor));

  pp_processor_stop_dispatch (processor, NULL, NULL);

  g_mutex_lock (&processor->lock);
  runs = g_ptr_array_copy (processor->runs, (GCopyFunc) pp_run_ref, NULL);
  g_mutex_unlock (&processor->lock);
  g_ptr_array_set_free_func (runs, (GDestroyNotify) pp_run_unref);

  if (runs->len > 0)
    g_info ("Aborting the requests in flight of %u %s", runs->len,
            runs->len == 1 ? "document" : "documents");
  for (guint i = 0; i < runs->len; i++)
    {
      Run *run = runs->pdata[i];

      g_cancellable_cancel (run->requests);
    }
}
