/* test-main-context-queue.c: ordered delivery of events to a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

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
  Fixture fixture = { g_array_new (FALSE, FALSE, sizeof (guint)), 200, 0, FALSE };

  g_main_context_push_thread_default (context);
  g_object_set_data (owner, "fixture", &fixture);
  queue = pp_main_context_queue_new (context, owner, "[test] events", dispatch_slow_event, free_event);

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

  /* Nothing is left pending */
  g_assert_false (g_main_context_pending (context));

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
  Fixture fixture = { g_array_new (FALSE, FALSE, sizeof (guint)), 0, 0, FALSE };

  g_object_set_data (owner, "fixture", &fixture);
  queue = pp_main_context_queue_new (context, owner, "[test] events", dispatch_count, free_event);

  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 10; i++)
        pp_main_context_queue_push (queue, GUINT_TO_POINTER (round * 10 + i + 1));
      while (fixture.delivered->len < (round + 1) * 10)
        g_main_context_iteration (context, TRUE);
    }

  for (guint i = 0; i < 30; i++)
    g_assert_cmpuint (g_array_index (fixture.delivered, guint, i), ==, i);
  g_assert_false (g_main_context_pending (context));

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
 * thread's in the order it pushed them, and the idle goes once they are */
static void
test_dispatch_concurrent_pushes (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GObject) owner = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(PpMainContextQueue) queue = NULL;
  Fixture fixture = { g_array_new (FALSE, FALSE, sizeof (guint)), 0, 0, FALSE };
  Pusher pushers[N_PUSHERS];
  GThread *threads[N_PUSHERS];
  guint next[N_PUSHERS] = { 0, };

  g_object_set_data (owner, "fixture", &fixture);
  queue = pp_main_context_queue_new (context, owner, "[test] events", dispatch_count, free_event);

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
  g_assert_false (g_main_context_pending (context));

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

  return g_test_run ();
}
