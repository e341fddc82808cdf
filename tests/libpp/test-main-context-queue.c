/* test-main-context-queue.c: ordered delivery of events to a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#include "pp-main-context-queue-private.h"

typedef struct
{
  GArray *delivered;        /* (element-type guint): events, in order */
  guint n_events;
  guint delivered_before_other;
  gboolean other_ran;
} Fixture;

/* Events are indices, plus one */
static void
free_event (gpointer event)
{
}

/* A queue of @context that delivers events to @owner, which keeps
 * @fixture, through @dispatch; @fixture's list of delivered events made
 * empty */
static PpMainContextQueue *
fixture_queue_new (Fixture                        *fixture,
                   GMainContext                   *context,
                   GObject                        *owner,
                   PpMainContextQueueDispatchFunc  dispatch)
{
  fixture->delivered = g_array_new (FALSE, FALSE, sizeof (guint));
  g_object_set_data (owner, "fixture", fixture);

  return pp_main_context_queue_new (context, owner, "[test] events", dispatch, free_event);
}

/* An event whose handler works for a while, as an application's may */
static void
dispatch_slow_event (gpointer owner,
                     gpointer event)
{
  Fixture *fixture = g_object_get_data (owner, "fixture");
  guint index = GPOINTER_TO_UINT (event) - 1;
  gint64 until = g_get_monotonic_time () + 500;

  while (g_get_monotonic_time () < until)
    ;

  g_array_append_val (fixture->delivered, index);
}

/* Once every event is delivered, the queue's source goes: nothing is left
 * pending */
static void
wait_idle (GMainContext       *context,
           PpMainContextQueue *queue)
{
  while (!pp_main_context_queue_is_idle (queue))
    g_main_context_iteration (context, TRUE);

  g_assert_false (g_main_context_pending (context));
}

static gboolean
other_source (gpointer data)
{
  Fixture *fixture = data;

  fixture->other_ran = TRUE;
  fixture->delivered_before_other = fixture->delivered->len;

  return G_SOURCE_REMOVE;
}

/* A long burst of events is delivered over several dispatches, so that
 * the context's other sources run in between, and still in order */
static void
test_dispatch_bounded (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PpMainContextQueue) queue = NULL;
  g_autoptr(GSource) other = NULL;
  Fixture fixture = { NULL, 200, 0, FALSE };

  g_main_context_push_thread_default (context);
  queue = fixture_queue_new (&fixture, context, owner, dispatch_slow_event);

  for (guint i = 0; i < fixture.n_events; i++)
    pp_main_context_queue_push (queue, GUINT_TO_POINTER (i + 1));

  /* Attached after the queue's source, at the same priority */
  other = g_idle_source_new ();
  g_source_set_priority (other, G_PRIORITY_DEFAULT);
  g_source_set_callback (other, other_source, &fixture, NULL);
  g_source_attach (other, context);

  while (fixture.delivered->len < fixture.n_events || !fixture.other_ran)
    g_main_context_iteration (context, TRUE);

  g_assert_true (fixture.other_ran);
  g_assert_cmpuint (fixture.delivered_before_other, <, fixture.n_events);
  for (guint i = 0; i < fixture.n_events; i++)
    g_assert_cmpuint (g_array_index (fixture.delivered, guint, i), ==, i);

  wait_idle (context, queue);

  g_main_context_pop_thread_default (context);
  g_array_unref (fixture.delivered);
}

static void
dispatch_count (gpointer owner,
                gpointer event)
{
  Fixture *fixture = g_object_get_data (owner, "fixture");
  guint index = GPOINTER_TO_UINT (event) - 1;

  g_array_append_val (fixture->delivered, index);
}

/* Events pushed while the source is being dispatched, or after it was
 * removed, are all delivered */
static void
test_dispatch_later_pushes (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PpMainContextQueue) queue = NULL;
  Fixture fixture = { NULL, 0, 0, FALSE };

  queue = fixture_queue_new (&fixture, context, owner, dispatch_count);

  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 10; i++)
        pp_main_context_queue_push (queue, GUINT_TO_POINTER (round * 10 + i + 1));
      while (fixture.delivered->len < (round + 1) * 10)
        g_main_context_iteration (context, TRUE);
    }

  for (guint i = 0; i < 30; i++)
    g_assert_cmpuint (g_array_index (fixture.delivered, guint, i), ==, i);
  wait_idle (context, queue);

  g_array_unref (fixture.delivered);
}

#define N_PUSHERS 4
#define N_PUSHED 20000

typedef struct
{
  PpMainContextQueue *queue;
  guint pusher;
} Pusher;

/* Events are pusher * N_PUSHED + sequence, plus one */
static gpointer
push_events (gpointer data)
{
  Pusher *pusher = data;

  for (guint i = 0; i < N_PUSHED; i++)
    pp_main_context_queue_push (pusher->queue, GUINT_TO_POINTER (pusher->pusher * N_PUSHED + i + 1));

  return NULL;
}

/* Events pushed by several threads at once are all delivered, each
 * thread's in the order it pushed them, and the source goes once they are */
static void
test_dispatch_concurrent_pushes (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PpMainContextQueue) queue = NULL;
  Fixture fixture = { NULL, 0, 0, FALSE };
  Pusher pushers[N_PUSHERS];
  GThread *threads[N_PUSHERS];
  guint next[N_PUSHERS] = { 0, };

  queue = fixture_queue_new (&fixture, context, owner, dispatch_count);

  for (guint t = 0; t < N_PUSHERS; t++)
    {
      pushers[t].queue = queue;
      pushers[t].pusher = t;
      threads[t] = g_thread_new ("pusher", push_events, &pushers[t]);
    }
  while (fixture.delivered->len < N_PUSHERS * N_PUSHED)
    g_main_context_iteration (context, TRUE);
  for (guint t = 0; t < N_PUSHERS; t++)
    g_thread_join (threads[t]);

  for (guint i = 0; i < fixture.delivered->len; i++)
    {
      guint event = g_array_index (fixture.delivered, guint, i);
      guint t = event / N_PUSHED;

      g_assert_cmpuint (event % N_PUSHED, ==, next[t]);
      next[t]++;
    }
  wait_idle (context, queue);

  g_array_unref (fixture.delivered);
}

/* The first event pushed to an idle queue is delivered in the context's
 * next iteration: the context is woken up once for it, not once to learn
 * of a source and again when the source is ready */
static void
test_push_idle_delivered_next_iteration (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PpMainContextQueue) queue = NULL;
  Fixture fixture = { NULL, 0, 0, FALSE };

  queue = fixture_queue_new (&fixture, context, owner, dispatch_count);

  g_assert_true (pp_main_context_queue_is_idle (queue));
  pp_main_context_queue_push (queue, GUINT_TO_POINTER (1));
  g_assert_false (pp_main_context_queue_is_idle (queue));
  g_main_context_iteration (context, FALSE);
  g_assert_cmpuint (fixture.delivered->len, ==, 1);

  wait_idle (context, queue);
  g_array_unref (fixture.delivered);
}

/* What the poll function of the context of the test below shares with it */
static struct
{
  PpMainContextQueue *queue;
  gboolean push;              /* push an event during the next poll that waits */
  guint n_pushed;
  guint n_pushed_gathering;   /* while the source was attached */
  guint n_woken;              /* polls that returned for a file descriptor:
                               * the context's wake-up */
  guint n_woken_gathering;    /* of which after a push while the source was
                               * attached */
} poll_state;

static gpointer
push_one (gpointer data)
{
  pp_main_context_queue_push (poll_state.queue, GUINT_TO_POINTER (poll_state.n_pushed + 1));

  return NULL;
}

/* Pushes an event from another thread while the context waits, when the
 * test asks for one */
static gint
poll_pushing (GPollFD *fds,
              guint    n_fds,
              gint     timeout)
{
  gboolean gathering = FALSE;
  gint ready;

  if (poll_state.push && timeout != 0)
    {
      gathering = !pp_main_context_queue_is_idle (poll_state.queue);
      g_thread_join (g_thread_new ("pusher", push_one, NULL));
      poll_state.push = FALSE;
      poll_state.n_pushed++;
      if (gathering)
        poll_state.n_pushed_gathering++;
    }

  ready = g_poll (fds, n_fds, timeout);
  if (ready > 0)
    {
      poll_state.n_woken++;
      if (gathering)
        poll_state.n_woken_gathering++;
    }

  return ready;
}

/* An event pushed while the queue's source gathers events does not wake
 * the context up: the context waits until the source is ready */
static void
test_push_gathering_no_wakeup (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PpMainContextQueue) queue = NULL;
  Fixture fixture = { NULL, 0, 0, FALSE };

  queue = fixture_queue_new (&fixture, context, owner, dispatch_count);
  memset (&poll_state, 0, sizeof poll_state);
  poll_state.queue = queue;
  g_main_context_set_poll_func (context, poll_pushing);

  /* After an event is delivered, the next is pushed while the context
   * waits: while the source gathers events, unless the context came to
   * wait only once the source had gone. A hundred rounds at most, until
   * three pushes came while the source gathered. */
  pp_main_context_queue_push (queue, GUINT_TO_POINTER (++poll_state.n_pushed));
  while (fixture.delivered->len < poll_state.n_pushed)
    g_main_context_iteration (context, TRUE);
  while (poll_state.n_pushed < 100 && poll_state.n_pushed_gathering < 3)
    {
      guint n_delivered = fixture.delivered->len;

      poll_state.push = TRUE;
      while (fixture.delivered->len == n_delivered)
        g_main_context_iteration (context, TRUE);
    }

  g_assert_cmpuint (poll_state.n_pushed_gathering, ==, 3);
  g_assert_cmpuint (poll_state.n_woken_gathering, ==, 0);
  for (guint i = 0; i < fixture.delivered->len; i++)
    g_assert_cmpuint (g_array_index (fixture.delivered, guint, i), ==, i);

  wait_idle (context, queue);
  g_array_unref (fixture.delivered);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/main-context-queue/dispatch/bounded", test_dispatch_bounded);
  g_test_add_func ("/main-context-queue/dispatch/concurrent-pushes", test_dispatch_concurrent_pushes);
  g_test_add_func ("/main-context-queue/dispatch/later-pushes", test_dispatch_later_pushes);
  g_test_add_func ("/main-context-queue/push/idle-delivered-next-iteration",
                   test_push_idle_delivered_next_iteration);
  g_test_add_func ("/main-context-queue/push/gathering-no-wakeup", test_push_gathering_no_wakeup);

  return g_test_run ();
}
