/* test-linger-queue.c: items handed from many threads to one, in bursts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib.h>

#include "pp-linger-queue-private.h"

/* Longer than any test may run: a consumer that lingers this long for an
 * item that must not wait makes the test time out */
#define FOREVER_US (G_TIME_SPAN_HOUR)

/* Items are numbers, plus one */
static void
free_item (gpointer item)
{
}

typedef struct
{
  PpLingerQueue *queue;
  guint n_pops;
  GMutex lock;
  GCond cond;
  GArray *taken;            /* (element-type guint): the items taken */
} Consumer;

static gpointer
consume (gpointer data)
{
  Consumer *consumer = data;

  for (guint i = 0; i < consumer->n_pops; i++)
    {
      guint item = GPOINTER_TO_UINT (pp_linger_queue_pop (consumer->queue)) - 1;

      g_mutex_lock (&consumer->lock);
      g_array_append_val (consumer->taken, item);
      g_cond_signal (&consumer->cond);
      g_mutex_unlock (&consumer->lock);
    }

  return NULL;
}

static GThread *
consumer_start (Consumer      *consumer,
                PpLingerQueue *queue,
                guint          n_pops)
{
  consumer->queue = queue;
  consumer->n_pops = n_pops;
  g_mutex_init (&consumer->lock);
  g_cond_init (&consumer->cond);
  consumer->taken = g_array_new (FALSE, FALSE, sizeof (guint));

  return g_thread_new ("consumer", consume, consumer);
}

static void
consumer_wait_taken (Consumer *consumer,
                     guint     n_taken)
{
  g_mutex_lock (&consumer->lock);
  while (consumer->taken->len < n_taken)
    g_cond_wait (&consumer->cond, &consumer->lock);
  g_mutex_unlock (&consumer->lock);
}

static void
consumer_clear (Consumer *consumer)
{
  g_array_unref (consumer->taken);
  g_cond_clear (&consumer->cond);
  g_mutex_clear (&consumer->lock);
}

typedef void (*PushFunc) (PpLingerQueue *queue,
                          gpointer       item);

/* A queue expecting @n_expected items: the consumer takes the first, and,
 * lingering after it, the second, pushed with @push_second, at once (with
 * a linger of an hour, a test of an item that waits times out) */
static void
assert_second_taken_at_once (guint    n_expected,
                             PushFunc push_second)
{
  g_autoptr(PpLingerQueue) queue = pp_linger_queue_new (n_expected, FOREVER_US, free_item);
  Consumer consumer;
  GThread *thread = consumer_start (&consumer, queue, 2);

  pp_linger_queue_push (queue, GUINT_TO_POINTER (1), FALSE);
  consumer_wait_taken (&consumer, 1);
  push_second (queue, GUINT_TO_POINTER (2));
  g_thread_join (thread);

  g_assert_cmpuint (consumer.taken->len, ==, 2);
  g_assert_cmpuint (g_array_index (consumer.taken, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (consumer.taken, guint, 1), ==, 1);
  consumer_clear (&consumer);
}

static void
push_not_urgent (PpLingerQueue *queue,
                 gpointer       item)
{
  pp_linger_queue_push (queue, item, FALSE);
}

static void
push_urgent (PpLingerQueue *queue,
             gpointer       item)
{
  pp_linger_queue_push (queue, item, TRUE);
}

/* The last item expected is taken at once */
static void
test_pop_last_expected_not_lingered (void)
{
  assert_second_taken_at_once (2, push_not_urgent);
}

/* An urgent item is taken at once, though more are expected */
static void
test_pop_urgent_not_lingered (void)
{
  assert_second_taken_at_once (10, push_urgent);
}

/* An item pushed to the front is taken at once, though more are
 * expected */
static void
test_pop_front_not_lingered (void)
{
  assert_second_taken_at_once (10, pp_linger_queue_push_front);
}

/* An item pushed to the front is taken before those that wait, and does
 * not count as one expected */
static void
test_pop_front_first (void)
{
  g_autoptr(PpLingerQueue) queue = pp_linger_queue_new (2, FOREVER_US, free_item);

  pp_linger_queue_push (queue, GUINT_TO_POINTER (1), FALSE);
  pp_linger_queue_push_front (queue, GUINT_TO_POINTER (3));
  pp_linger_queue_push (queue, GUINT_TO_POINTER (2), FALSE);

  g_assert_false (pp_linger_queue_is_empty (queue));
  g_assert_cmpuint (GPOINTER_TO_UINT (pp_linger_queue_pop (queue)), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (pp_linger_queue_pop (queue)), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (pp_linger_queue_pop (queue)), ==, 2);
  g_assert_true (pp_linger_queue_is_empty (queue));
}

/* A consumer that took nothing yet, or lingered in vain, sleeps until an
 * item comes, whatever the item */
static void
test_pop_sleeps_until_pushed (void)
{
  g_autoptr(PpLingerQueue) queue = pp_linger_queue_new (10, G_TIME_SPAN_MILLISECOND, free_item);
  Consumer consumer;
  GThread *thread = consumer_start (&consumer, queue, 3);

  for (guint i = 0; i < 3; i++)
    {
      pp_linger_queue_push (queue, GUINT_TO_POINTER (i + 1), FALSE);
      consumer_wait_taken (&consumer, i + 1);
    }
  g_thread_join (thread);

  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (g_array_index (consumer.taken, guint, i), ==, i);
  consumer_clear (&consumer);
}

#define N_PRODUCERS 8
#define N_PRODUCED 5000

typedef struct
{
  PpLingerQueue *queue;
  guint producer;
} Producer;

/* Items are producer * N_PRODUCED + sequence, plus one; every 100th is
 * urgent */
static gpointer
produce (gpointer data)
{
  Producer *producer = data;

  for (guint i = 0; i < N_PRODUCED; i++)
    pp_linger_queue_push (producer->queue, GUINT_TO_POINTER (producer->producer * N_PRODUCED + i + 1),
                          i % 100 == 99);

  return NULL;
}

/* Items pushed by many threads at once are all taken, each thread's in
 * the order it pushed them, the last without waiting */
static void
test_pop_many_producers (void)
{
  g_autoptr(PpLingerQueue) queue = pp_linger_queue_new (N_PRODUCERS * N_PRODUCED, FOREVER_US,
                                                        free_item);
  Producer producers[N_PRODUCERS];
  GThread *threads[N_PRODUCERS];
  guint next[N_PRODUCERS] = { 0, };
  Consumer consumer;
  GThread *thread = consumer_start (&consumer, queue, N_PRODUCERS * N_PRODUCED);

  for (guint t = 0; t < N_PRODUCERS; t++)
    {
      producers[t].queue = queue;
      producers[t].producer = t;
      threads[t] = g_thread_new ("producer", produce, &producers[t]);
    }
  for (guint t = 0; t < N_PRODUCERS; t++)
    g_thread_join (threads[t]);
  g_thread_join (thread);

  g_assert_cmpuint (consumer.taken->len, ==, N_PRODUCERS * N_PRODUCED);
  for (guint i = 0; i < consumer.taken->len; i++)
    {
      guint item = g_array_index (consumer.taken, guint, i);
      guint t = item / N_PRODUCED;

      g_assert_cmpuint (item % N_PRODUCED, ==, next[t]);
      next[t]++;
    }
  g_assert_true (pp_linger_queue_is_empty (queue));
  consumer_clear (&consumer);
}

static void
free_counted (gpointer item)
{
  guint *n_freed = item;

  (*n_freed)++;
}

/* The items left are freed with the queue */
static void
test_free_items_left (void)
{
  PpLingerQueue *queue = pp_linger_queue_new (2, FOREVER_US, free_counted);
  guint n_freed = 0;

  pp_linger_queue_push (queue, &n_freed, FALSE);
  pp_linger_queue_push_front (queue, &n_freed);
  pp_linger_queue_free (queue);

  g_assert_cmpuint (n_freed, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/linger-queue/pop/last-expected-not-lingered", test_pop_last_expected_not_lingered);
  g_test_add_func ("/linger-queue/pop/urgent-not-lingered", test_pop_urgent_not_lingered);
  g_test_add_func ("/linger-queue/pop/front-not-lingered", test_pop_front_not_lingered);
  g_test_add_func ("/linger-queue/pop/front-first", test_pop_front_first);
  g_test_add_func ("/linger-queue/pop/sleeps-until-pushed", test_pop_sleeps_until_pushed);
  g_test_add_func ("/linger-queue/pop/many-producers", test_pop_many_producers);
  g_test_add_func ("/linger-queue/free/items-left", test_free_items_left);

  return g_test_run ();
}
