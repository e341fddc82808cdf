/* pp-retry.c: back-off, and its timer on libpp's scheduler thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"
#include "pp-scheduler-private.h"

/* A task that failed for a transient reason waits for its retry on a timer
 * of libpp's scheduler thread, not in a worker: when the timer fires, the
 * run is cancelled or the task's dispatch is stopped, the task goes back
 * into the pool's queue (whose worker fails it at once in the last two
 * cases).
 *
 * The delay is exponential back-off with full jitter: a random delay
 * between 0 and retry-delay × 2^attempt (at most
 * PP_PROCESSOR_MAX_RETRY_DELAY_MS), so that the retries of tasks that
 * failed together spread out instead of coming back together; and never
 * less than the delay the endpoint asked for in this attempt's answer. */

static gboolean
retry_fire (gpointer data)
{
  Task *task = data;
  PpProcessor *self = task->self;
  GQueue admitted = G_QUEUE_INIT;

  g_mutex_lock (&self->lock);
  pp_processor_admit_one_locked (self, task, &admitted);
  g_mutex_unlock (&self->lock);
  pp_processor_push_admitted (self, &admitted);

  return G_SOURCE_REMOVE;
}

static gboolean
retry_cancelled (GCancellable *cancellable,
                 gpointer      data)
{
  /* A child source that triggers dispatches its parent as well: the
   * timer's retry_fire() sends the task back to the pool, which finishes a
   * cancelled or stopped task at once */
  return G_SOURCE_REMOVE;
}

/* Fires @source when @cancellable is cancelled */
static void
add_cancel_source (GSource      *source,
                   GCancellable *cancellable)
{
  g_autoptr(GSource) cancel_source = g_cancellable_source_new (cancellable);

  g_source_set_callback (cancel_source, G_SOURCE_FUNC (retry_cancelled), NULL, NULL);
  g_source_add_child_source (source, cancel_source);
}

/* The delay before retrying a request that failed with @error, after
 * @attempt earlier retries */
guint
pp_processor_retry_delay_ms (PpProcessor  *self,
                             guint         attempt,
                             const GError *error)
{
  guint64 ceiling = MIN ((guint64) self->retry_delay_ms << MIN (attempt, 16),
                         PP_PROCESSOR_MAX_RETRY_DELAY_MS);
  guint delay_ms = (guint) g_random_int_range (0, (gint32) ceiling + 1);

  return MAX (delay_ms, pp_llm_error_get_retry_after (error));
}

/* Schedules the retry of @task after @error; FALSE with @deadline_error
 * set when the retry could not start before the task's deadline */
gboolean
pp_processor_schedule_retry (PpProcessor   *self,
                             Task          *task,
                             const GError  *error,
                             GError       **deadline_error)
{
  g_autoptr(GSource) source = NULL;
  guint delay_ms = pp_processor_retry_delay_ms (self, task->attempt, error);

  if (task->deadline != 0 &&
      g_get_monotonic_time () + (gint64) delay_ms * G_TIME_SPAN_MILLISECOND >= task->deadline)
    {
      g_propagate_error (deadline_error, pp_task_new_deadline_error (task, error));
      return FALSE;
    }

  /* A request that was held back (the circuit breaker was open) never
   * reached the endpoint: trying it again spends none of the retries */
  if (!pp_llm_error_get_not_sent (error))
    {
      task->attempt++;
      pp_stats_collector_add_retried (&self->stats, error);
    }

  g_debug ("Segment %u of %s: %s; retry %u of %u in %u ms",
           pp_segment_get_index (task->segment), task->run->name, error->message,
           task->attempt, self->max_retries, delay_ms);

  source = g_timeout_source_new (delay_ms);
  g_source_set_static_name (source, "[libpp] retry");
  g_source_set_callback (source, retry_fire, task, NULL);
  if (task->run->cancellable != NULL)
    add_cancel_source (source, task->run->cancellable);
  add_cancel_source (source, task->dispatch->stopped);
  g_source_attach (source, pp_scheduler_get_context ());

  return TRUE;
}
