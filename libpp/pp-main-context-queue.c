/* pp-main-context-queue.c: ordered delivery of events to a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-main-context-queue-private.h"

/* Events pushed from any thread are delivered to their owner on one
 * GMainContext, in the order they were pushed, from one idle source that
 * drains the queue: a burst of events wakes the context up once. One
 * dispatch delivers events for a bounded time, so that a long burst never
 * blocks the context.
 *
 * The queue refers to its owner weakly, so that events in the queue never
 * keep it alive: an event that arrives after the owner went away is freed
 * undelivered. The idle source holds a reference on the queue, so the
 * owner may drop its own at any time. */

struct _PpMainContextQueue
{
  gatomicrefcount ref_count;

  GMainContext *context;
  GWeakRef owner;
  const char *source_name;         /* static */
  PpMainContextQueueDispatchFunc dispatch;
  GDestroyNotify free_event;

  GMutex lock;
  GQueue events;                   /* under lock */
  gboolean source_pending;         /* under lock: an idle will drain the queue */
};

PpMainContextQueue *
pp_main_context_queue_new (GMainContext                   *context,
                           gpointer                        owner,
                           const char                     *source_name,
                           PpMainContextQueueDispatchFunc  dispatch,
                           GDestroyNotify                  free_event)
{
  PpMainContextQueue *queue = g_new0 (PpMainContextQueue, 1);

  g_atomic_ref_count_init (&queue->ref_count);
  queue->context = g_main_context_ref (context);
  g_weak_ref_init (&queue->owner, owner);
  queue->source_name = source_name;
  queue->dispatch = dispatch;
  queue->free_event = free_event;
  g_mutex_init (&queue->lock);
  g_queue_init (&queue->events);

  return queue;
}

PpMainContextQueue *
pp_main_context_queue_ref (PpMainContextQueue *queue)
{
  g_atomic_ref_count_inc (&queue->ref_count);
  return queue;
}

void
pp_main_context_queue_unref (PpMainContextQueue *queue)
{
  if (!g_atomic_ref_count_dec (&queue->ref_count))
    return;

  g_queue_clear_full (&queue->events, queue->free_event);
  g_mutex_clear (&queue->lock);
  g_weak_ref_clear (&queue->owner);
  g_main_context_unref (queue->context);
  g_free (queue);
}

/* (transfer full) (nullable): the owner, unless it went away */
gpointer
pp_main_context_queue_dup_owner (PpMainContextQueue *queue)
{
  return g_weak_ref_get (&queue->owner);
}

/* How long one dispatch of the idle source may deliver events: the events
 * left for later wait for the context's next iteration, so that its other
 * sources (an application's input, timeouts, redraws) run in between */
#define DISPATCH_BUDGET_US (2 * G_TIME_SPAN_MILLISECOND)

/* Takes the events waiting into @batch; when there are none, the source
 * is no longer pending, and the next push attaches another */
static void
take_events (PpMainContextQueue *queue,
             GQueue             *batch)
{
  g_mutex_lock (&queue->lock);
  *batch = queue->events;
  g_queue_init (&queue->events);
  if (g_queue_is_empty (batch))
    queue->source_pending = FALSE;
  g_mutex_unlock (&queue->lock);
}

/* Puts the events of @batch not delivered back, before those pushed
 * since; returns whether any event waits. When none does, the source is
 * no longer pending, as in take_events(). */
static gboolean
put_back_events (PpMainContextQueue *queue,
                 GQueue             *batch)
{
  gboolean waiting;

  g_mutex_lock (&queue->lock);
  while (!g_queue_is_empty (batch))
    g_queue_push_head (&queue->events, g_queue_pop_tail (batch));
  waiting = !g_queue_is_empty (&queue->events);
  if (!waiting)
    queue->source_pending = FALSE;
  g_mutex_unlock (&queue->lock);

  return waiting;
}

static gboolean
drain_events (gpointer data)
{
  PpMainContextQueue *queue = data;
  gint64 deadline = g_get_monotonic_time () + DISPATCH_BUDGET_US;
  GQueue batch;

  /* The events are taken in batches, so that the lock that every pushing
   * thread takes is taken seldom here */
  for (take_events (queue, &batch); !g_queue_is_empty (&batch); take_events (queue, &batch))
    {
      gpointer event;

      while ((event = g_queue_pop_head (&batch)) != NULL)
        {
          /* The owner is held while its handlers run: they may drop the
           * last reference the application had, and the events after
           * that one are not delivered */
          g_autoptr(GObject) owner = pp_main_context_queue_dup_owner (queue);

          if (owner != NULL)
            queue->dispatch (owner, event);
          queue->free_event (event);

          if (g_get_monotonic_time () >= deadline)
            return put_back_events (queue, &batch) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
        }
    }

  return G_SOURCE_REMOVE;
}

/* Takes @event; thread-safe */
void
pp_main_context_queue_push (PpMainContextQueue *queue,
                            gpointer            event)
{
  gboolean attach;

  g_mutex_lock (&queue->lock);
  g_queue_push_tail (&queue->events, event);
  attach = !queue->source_pending;
  queue->source_pending = TRUE;
  g_mutex_unlock (&queue->lock);

  if (attach)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, queue->source_name);
      g_source_set_callback (source, drain_events, pp_main_context_queue_ref (queue),
                             (GDestroyNotify) pp_main_context_queue_unref);
      g_source_attach (source, queue->context);
    }
}
