/* pp-submission.c: segments submitted one by one, and their results
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"

/* Segments submitted on their own belong to the processor's stream, a run
 * that never completes; their results wait in the processor's results
 * queue for pp_processor_pop_result(). */

static Run *
ensure_stream_locked (PpProcessor *self)
{
  if (self->stream == NULL)
    {
      self->stream = pp_run_new (self, "submitted segments", 0, NULL, TRUE);
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

  return pp_task_new (stream, segment);
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

  pp_processor_admit_one_locked (processor, new_stream_task_locked (processor, segment), &admitted);
  g_mutex_unlock (&processor->lock);
  pp_processor_push_admitted (processor, &admitted);

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
  GQueue to_return = G_QUEUE_INIT;
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
  pp_processor_admit_locked (processor, &admitted_tasks, &to_return);
  /* Whatever this call admitted goes on its way before it waits */
  if (!task->admitted && (!g_queue_is_empty (&admitted_tasks) || !g_queue_is_empty (&to_return)))
    {
      g_mutex_unlock (&processor->lock);
      pp_processor_push_admitted (processor, &admitted_tasks);
      pp_processor_return_admitted (&to_return);
      g_mutex_lock (&processor->lock);
    }
  processor->cond_waiters++;
  while (!task->admitted && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&processor->cond, &processor->lock);
  processor->cond_waiters--;
  admitted = task->admitted;
  if (!admitted)
    {
      g_queue_remove (&processor->backlog, task);
      processor->stream->total--;
    }
  g_mutex_unlock (&processor->lock);
  pp_processor_push_admitted (processor, &admitted_tasks);
  pp_processor_return_admitted (&to_return);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (!admitted)
    {
      g_mutex_lock (&processor->stats.lock);
      processor->stats.submitted--;
      g_mutex_unlock (&processor->stats.lock);
      pp_task_free (task);
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
  GQueue withdrawn = G_QUEUE_INIT;
  GList *l;
  Task *task;

  /* Runs in the thread that cancelled: withdraw the waiting tasks whose
   * submission this cancellable covers, and end their submissions once
   * the lock is released (a callback may run at once, and call the
   * processor) */
  g_mutex_lock (&self->lock);
  l = self->backlog.head;
  while (l != NULL)
    {
      GList *next = l->next;

      task = l->data;
      if (task->admit_task != NULL && g_task_get_cancellable (task->admit_task) == cancellable)
        {
          g_queue_delete_link (&self->backlog, l);
          self->stream->total--;
          g_mutex_lock (&self->stats.lock);
          self->stats.submitted--;
          g_mutex_unlock (&self->stats.lock);
          g_queue_push_tail (&withdrawn, task);
        }
      l = next;
    }
  g_mutex_unlock (&self->lock);

  while ((task = g_queue_pop_head (&withdrawn)) != NULL)
    {
      g_task_return_error_if_cancelled (task->admit_task);
      pp_task_free (task);
    }
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
  GQueue to_return = G_QUEUE_INIT;
  Task *task;

  g_return_if_fail (PP_IS_PROCESSOR (processor));
  g_return_if_fail (segment != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  gtask = g_task_new (processor, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, pp_processor_submit_async);

  if (g_task_return_error_if_cancelled (gtask))
    return;

  g_mutex_lock (&processor->lock);
  task = new_stream_task_locked (processor, segment);
  task->admit_task = g_object_ref (gtask);
  g_queue_push_tail (&processor->backlog, task);
  pp_processor_admit_locked (processor, &admitted, &to_return);
  g_mutex_unlock (&processor->lock);
  pp_processor_push_admitted (processor, &admitted);
  pp_processor_return_admitted (&to_return);

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
 * Finishes an operation started with [method@Pp.Processor.submit_async].
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
  g_return_val_if_fail (g_async_result_is_tagged (result, pp_processor_submit_async), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

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
