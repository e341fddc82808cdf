/* pp-main-context-queue.c: ordered delivery of events to a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-main-context-queue-private.h"

/* Events pushed from any thread are delivered to their owner on one
 * GMainContext, in the order they were pushed, from one idle source that
 * drains the queue: a burst of events wakes the context up once.
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

static gboolean
drain_events (gpointer data)
{
  PpMainContextQueue *queue = data;

  for (;;)
    {
      g_autoptr(GObject) owner = NULL;
      gpointer event;

      g_mutex_lock (&queue->lock);
      event = g_queue_pop_head (&queue->events);
      if (event == NULL)
        queue->source_pending = FALSE;
      g_mutex_unlock (&queue->lock);

      if (event == NULL)
        break;

      /* The owner is held while its handlers run: they may drop the last
       * reference the application had */
      owner = pp_main_context_queue_dup_owner (queue);
      if (owner != NULL)
        queue->dispatch (owner, event);
      queue->free_event (event);
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
