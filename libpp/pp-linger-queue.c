/* pp-linger-queue.c: items handed from many threads to one, in bursts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-linger-queue-private.h"

/* A first-in first-out queue from any number of threads to one consumer
 * thread, for items that come in bursts: a hundred within a few
 * milliseconds, then none for a while. A queue that wakes its consumer for
 * each item (GAsyncQueue) makes it sleep and wake once an item when each
 * takes it less time than the next takes to come.
 *
 * Once it has taken an item, the consumer that finds the queue empty
 * lingers: it waits for at most the queue's linger time without being
 * woken, and then takes what came in that while, all at once. Only when
 * nothing came does it fall asleep until the next push wakes it. A burst
 * is so taken with a handful of wake-ups, an item waits at most the linger
 * time before it is taken, and an idle consumer sleeps without polling.
 *
 * Some items must not wait: an urgent push, one to the front, and the push
 * that brings the count of items pushed to the back to the number
 * expected (the last one) wake a lingering consumer at once. */

typedef enum {
  CONSUMER_BUSY,        /* not waiting */
  CONSUMER_LINGERING,   /* waiting for the linger time, woken only by an
                         * item that must not wait */
  CONSUMER_SLEEPING,    /* waiting for the next item */
  CONSUMER_WOKEN,       /* woken, and not running yet: no need to wake it
                         * again */
} ConsumerState;

struct _PpLingerQueue
{
  GMutex lock;
  GCond cond;
  GQueue items;
  guint n_pushed;               /* to the back */
  guint n_expected;
  GTimeSpan linger;
  GDestroyNotify free_item;
  ConsumerState consumer;
  gboolean took_any;            /* the consumer took an item */
};

/* Makes a queue whose consumer lingers for @linger (microseconds) after it
 * took an item, and which expects @n_expected items at its back */
PpLingerQueue *
pp_linger_queue_new (guint          n_expected,
                     GTimeSpan      linger,
                     GDestroyNotify free_item)
{
  PpLingerQueue *queue = g_new0 (PpLingerQueue, 1);

  g_mutex_init (&queue->lock);
  g_cond_init (&queue->cond);
  g_queue_init (&queue->items);
  queue->n_expected = n_expected;
  queue->linger = linger;
  queue->free_item = free_item;
  queue->consumer = CONSUMER_BUSY;

  return queue;
}

/* Frees the items left; no thread may use @queue any longer */
void
pp_linger_queue_free (PpLingerQueue *queue)
{
  g_queue_clear_full (&queue->items, queue->free_item);
  g_cond_clear (&queue->cond);
  g_mutex_clear (&queue->lock);
  g_free (queue);
}

/* With the lock held: wakes the consumer, if it waits for this item */
static void
wake_consumer_locked (PpLingerQueue *queue,
                      gboolean       urgent)
{
  if (queue->consumer == CONSUMER_SLEEPING ||
      (urgent && queue->consumer == CONSUMER_LINGERING))
    {
      queue->consumer = CONSUMER_WOKEN;
      g_cond_signal (&queue->cond);
    }
}

/* Takes @item, and puts it at the back. A lingering consumer is woken for
 * it when @urgent, or when it is the last item expected. Thread-safe. */
void
pp_linger_queue_push (PpLingerQueue *queue,
                      gpointer       item,
                      gboolean       urgent)
{
  g_mutex_lock (&queue->lock);
  g_queue_push_tail (&queue->items, item);
  queue->n_pushed++;
  wake_consumer_locked (queue, urgent || queue->n_pushed == queue->n_expected);
  g_mutex_unlock (&queue->lock);
}

/* Takes @item, and puts it at the front, for the consumer to take next,
 * at once. It does not count as an item expected. Thread-safe. */
void
pp_linger_queue_push_front (PpLingerQueue *queue,
                            gpointer       item)
{
  g_mutex_lock (&queue->lock);
  g_queue_push_head (&queue->items, item);
  wake_consumer_locked (queue, TRUE);
  g_mutex_unlock (&queue->lock);
}

/* On the consumer's thread: takes the item at the front; when there is
 * none, lingers if it took one before, and else waits for one */
gpointer
pp_linger_queue_pop (PpLingerQueue *queue)
{
  gpointer item;

  g_mutex_lock (&queue->lock);

  if (g_queue_is_empty (&queue->items) && queue->took_any)
    {
      gint64 end_time = g_get_monotonic_time () + queue->linger;

      queue->consumer = CONSUMER_LINGERING;
      while (queue->consumer == CONSUMER_LINGERING &&
             g_cond_wait_until (&queue->cond, &queue->lock, end_time))
        ;
    }

  queue->consumer = CONSUMER_SLEEPING;
  while (g_queue_is_empty (&queue->items))
    g_cond_wait (&queue->cond, &queue->lock);

  queue->consumer = CONSUMER_BUSY;
  queue->took_any = TRUE;
  item = g_queue_pop_head (&queue->items);

  g_mutex_unlock (&queue->lock);

  return item;
}

/* Whether no item waits. Thread-safe. */
gboolean
pp_linger_queue_is_empty (PpLingerQueue *queue)
{
  gboolean empty;

  g_mutex_lock (&queue->lock);
  empty = g_queue_is_empty (&queue->items);
  g_mutex_unlock (&queue->lock);

  return empty;
}
