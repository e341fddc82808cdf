/* pp-main-context-queue.c: ordered delivery of events to a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-main-context-queue-private.h"

/* Events pushed from any thread are delivered to their owner on one
 * GMainContext, in the order they were pushed, from one source. The push
 * that finds the queue idle attaches the source, ready at once: that wakes
 * the context up, which delivers the event. Once it has delivered events,
 * the source stays attached and gathers those that come next for two
 * milliseconds before it delivers them, so that a steady stream of events
 * (thousands a second, from a hundred workers) wakes the context up once
 * in two milliseconds, not once an event, and the pushes in between never
 * wake it: the context sleeps until the source's ready time, which it
 * knows. When that while brought nothing, the source goes, and the queue
 * is idle again. One dispatch delivers events for a bounded time, so that
 * a long burst never blocks the context.
 *
 * The context's thread shares no lock with the pushing threads, which are
 * many and busy: a thread that took a lock and lost its processor would
 * keep the context waiting until it runs again. A push links its event
 * onto a stack with one atomic exchange; the source takes the whole stack at
 * once, puts it back in push order and delivers it from a list of its own.
 * The head of the stack also tells whether the source is attached: DETACHED
 * when it is not, so that the push that finds it attaches one.
 *
 * The queue refers to its owner weakly, so that events in the queue never
 * keep it alive: an event that arrives after the owner went away is freed
 * undelivered. The source holds a reference on the queue, so the
 * owner may drop its own at any time. */

typedef struct _Link Link;

struct _Link
{
  Link *next;
  gpointer event;
};

/* The head of the stack when it is empty and no source is attached */
static Link detached_mark;
#define DETACHED (&detached_mark)

struct _PpMainContextQueue
{
  gatomicrefcount ref_count;

  GMainContext *context;
  GWeakRef owner;
  const char *source_name;         /* static */
  PpMainContextQueueDispatchFunc dispatch;
  GDestroyNotify free_event;

  Link *pushed;                    /* atomic: the events pushed, the last
                                    * first; NULL: none, a source is
                                    * attached; DETACHED: none, none is */
  Link *taken;                     /* on the context: the events taken, in
                                    * push order */
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
  queue->pushed = DETACHED;

  return queue;
}

PpMainContextQueue *
pp_main_context_queue_ref (PpMainContextQueue *queue)
{
  g_atomic_ref_count_inc (&queue->ref_count);
  return queue;
}

static void
free_links (PpMainContextQueue *queue,
            Link               *link)
{
  while (link != NULL && link != DETACHED)
    {
      Link *next = link->next;

      queue->free_event (link->event);
      g_free (link);
      link = next;
    }
}

void
pp_main_context_queue_unref (PpMainContextQueue *queue)
{
  if (!g_atomic_ref_count_dec (&queue->ref_count))
    return;

  free_links (queue, queue->taken);
  free_links (queue, queue->pushed);
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

/* Whether no source of the queue is attached: no event waits, and the
 * next push wakes the context up */
gboolean
pp_main_context_queue_is_idle (PpMainContextQueue *queue)
{
  return g_atomic_pointer_get (&queue->pushed) == DETACHED;
}

/* How long one dispatch of the source may deliver events: the events
 * left for later wait for the context's next iteration, so that its other
 * sources (an application's input, timeouts, redraws) run in between */
#define DISPATCH_BUDGET_US (2 * G_TIME_SPAN_MILLISECOND)

/* How long the source gathers events after it delivered some */
#define GATHER_US (2 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GSource source;
  PpMainContextQueue *queue;
} QueueSource;

/* When no event taken waits, takes those pushed since, in push order;
 * returns whether any event waits */
static gboolean
take_events (PpMainContextQueue *queue)
{
  Link *stack;

  if (queue->taken != NULL)
    return TRUE;

  /* The stack holds the last event first */
  stack = g_atomic_pointer_exchange (&queue->pushed, NULL);
  while (stack != NULL)
    {
      Link *next = stack->next;

      stack->next = queue->taken;
      queue->taken = stack;
      stack = next;
    }

  return queue->taken != NULL;
}

static gboolean
dispatch_events (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  PpMainContextQueue *queue = ((QueueSource *) source)->queue;
  gint64 deadline = g_get_monotonic_time () + DISPATCH_BUDGET_US;

  /* Nothing came since the last dispatch: the source goes, unless an
   * event comes in between, and the next push attaches another */
  if (!take_events (queue) &&
      g_atomic_pointer_compare_and_exchange (&queue->pushed, NULL, DETACHED))
    return G_SOURCE_REMOVE;

  do
    {
      Link *link;

      while ((link = queue->taken) != NULL)
        {
          /* The owner is held while its handlers run: they may drop the
           * last reference the application had, and the events after
           * that one are not delivered */
          g_autoptr(GObject) owner = pp_main_context_queue_dup_owner (queue);

          queue->taken = link->next;
          link->next = NULL;
          if (owner != NULL)
            queue->dispatch (owner, link->event);
          free_links (queue, link);

          /* The rest in the context's next iteration, once its other
           * sources had their turn. (The source is blocked while it is
           * dispatched: setting its ready time does not wake the context
           * up.) */
          if (g_get_monotonic_time () >= deadline)
            {
              g_source_set_ready_time (source, 0);
              return G_SOURCE_CONTINUE;
            }
        }
    }
  while (take_events (queue));

  g_source_set_ready_time (source, g_get_monotonic_time () + GATHER_US);

  return G_SOURCE_CONTINUE;
}

static void
finalize_queue_source (GSource *source)
{
  pp_main_context_queue_unref (((QueueSource *) source)->queue);
}

static GSourceFuncs queue_source_funcs = {
  .dispatch = dispatch_events,
  .finalize = finalize_queue_source,
};

/* Takes @event; thread-safe */
void
pp_main_context_queue_push (PpMainContextQueue *queue,
                            gpointer            event)
{
  Link *link = g_new (Link, 1);
  Link *head;

  link->event = event;
  do
    {
      head = g_atomic_pointer_get (&queue->pushed);
      link->next = head == DETACHED ? NULL : head;
    }
  while (!g_atomic_pointer_compare_and_exchange (&queue->pushed, head, link));

  if (head == DETACHED)
    {
      g_autoptr(GSource) source = g_source_new (&queue_source_funcs, sizeof (QueueSource));

      ((QueueSource *) source)->queue = pp_main_context_queue_ref (queue);
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, queue->source_name);
      g_source_set_ready_time (source, 0);
      g_source_attach (source, queue->context);
    }
}
