/* pp-retry.c: back-off, and its timer on libpp's scheduler thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"
#include "pp-scheduler-private.h"

/* A task that failed for a transient reason waits for its retry on a timer
 * of libpp's scheduler thread, not in a worker: when the timer fires, or
 * the run is cancelled, the task goes back into the pool's queue. */

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
  /* The task goes back to the pool, which finishes a cancelled task at once */
  return retry_fire (data);
}

void
pp_processor_schedule_retry (PpProcessor  *self,
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
      delay_ms = (guint) MIN (backoff, PP_PROCESSOR_MAX_RETRY_DELAY_MS);
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
