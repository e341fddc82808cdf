/* test-aimd-limiter.c: PpAimdLimiter and the PpConcurrencyLimiter contract
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

static PpConcurrencyLimiter *
limiter_new (guint min_limit,
             guint max_limit)
{
  return PP_CONCURRENCY_LIMITER (pp_aimd_limiter_new (min_limit, max_limit));
}

/* Acquires @n slots, which must all be free, into @tickets */
static void
acquire_n (PpConcurrencyLimiter *limiter,
           guint                 n,
           guint64              *tickets)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (pp_concurrency_limiter_acquire (limiter, NULL, &tickets[i], &error));
      g_assert_no_error (error);
    }
}

static void
release_n (PpConcurrencyLimiter *limiter,
           guint                 n,
           guint64              *tickets,
           PpRequestOutcome      outcome)
{
  for (guint i = 0; i < n; i++)
    pp_concurrency_limiter_release (limiter, tickets[i], outcome);
}

static void
test_starts_low_within_bounds (void)
{
  g_autoptr(PpConcurrencyLimiter) wide = limiter_new (1, 256);
  g_autoptr(PpConcurrencyLimiter) narrow = limiter_new (1, 4);
  g_autoptr(PpConcurrencyLimiter) high_floor = limiter_new (20, 256);

  g_assert_cmpuint (pp_concurrency_limiter_get_limit (wide), ==, 8);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (narrow), ==, 4);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (high_floor), ==, 20);
}

/* Successes grow the limit only while it is what holds requests back */
static void
test_grows_when_in_use (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (1, 100);
  guint64 tickets[100];

  /* Below the limit: no growth however many succeed */
  for (guint round = 0; round < 20; round++)
    {
      acquire_n (limiter, 4, tickets);
      release_n (limiter, 4, tickets, PP_REQUEST_OUTCOME_SUCCESS);
    }
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 8);

  /* At the limit: the request that filled it grows it by one (slow start) */
  acquire_n (limiter, 8, tickets);
  release_n (limiter, 8, tickets, PP_REQUEST_OUTCOME_SUCCESS);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 9);
}

/* All the 429s of requests sent before a decrease are one episode */
static void
test_decreases_once_per_episode (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (1, 100);
  guint64 tickets[100];
  guint64 late;

  acquire_n (limiter, 8, tickets);
  release_n (limiter, 8, tickets, PP_REQUEST_OUTCOME_OVERLOADED);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 7);

  /* A request sent after the decrease starts a new episode */
  acquire_n (limiter, 1, &late);
  release_n (limiter, 1, &late, PP_REQUEST_OUTCOME_OVERLOADED);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 6);

  /* Errors that say nothing about load change nothing */
  acquire_n (limiter, 6, tickets);
  release_n (limiter, 6, tickets, PP_REQUEST_OUTCOME_IGNORED);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 6);
}

/* After the first episode, growth is one per limit's worth of successes */
static void
test_additive_increase_after_congestion (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (1, 100);
  guint64 tickets[100];
  guint limit;

  acquire_n (limiter, 8, tickets);
  release_n (limiter, 8, tickets, PP_REQUEST_OUTCOME_OVERLOADED);
  limit = pp_concurrency_limiter_get_limit (limiter);
  g_assert_cmpuint (limit, ==, 7);

  /* Keep the limit full, as a busy run does: each request that ends makes
   * room for the next. Two rounds of 7 successes at limit 7 (the first
   * round mostly requests sent before the limit was full) give one more,
   * not seven or fourteen more */
  acquire_n (limiter, limit, tickets);
  for (guint i = 0; i < 2 * limit; i++)
    {
      pp_concurrency_limiter_release (limiter, tickets[i % limit], PP_REQUEST_OUTCOME_SUCCESS);
      acquire_n (limiter, 1, &tickets[i % limit]);
    }
  release_n (limiter, limit, tickets, PP_REQUEST_OUTCOME_IGNORED);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 8);
}

/* A long time without congestion speeds the growth up, so the limit finds
 * the room again soon after an endpoint's capacity went up: 300 successes
 * at a full limit from 7 take it well past what one more per limit's worth
 * would give (about 25) */
static void
test_growth_speeds_up_without_congestion (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (1, 100);
  g_autoptr(GArray) held = g_array_new (FALSE, FALSE, sizeof (guint64));
  guint64 tickets[100];
  guint in_use = 0;

  acquire_n (limiter, 8, tickets);
  release_n (limiter, 8, tickets, PP_REQUEST_OUTCOME_OVERLOADED);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, 7);

  for (guint i = 0; i < 300; i++)
    {
      /* Fill the limit, then the oldest request succeeds */
      while (in_use < pp_concurrency_limiter_get_limit (limiter))
        {
          guint64 ticket;

          acquire_n (limiter, 1, &ticket);
          g_array_append_val (held, ticket);
          in_use++;
        }
      pp_concurrency_limiter_release (limiter, g_array_index (held, guint64, 0), PP_REQUEST_OUTCOME_SUCCESS);
      g_array_remove_index (held, 0);
      in_use--;
    }

  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), >, 40);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), <=, 100);
  release_n (limiter, held->len, (guint64 *) held->data, PP_REQUEST_OUTCOME_IGNORED);
}

static void
test_bounds (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (5, 6);
  g_autoptr(PpConcurrencyLimiter) pinned = limiter_new (24, 24);
  guint64 tickets[100];

  for (guint round = 0; round < 10; round++)
    {
      guint limit = pp_concurrency_limiter_get_limit (limiter);

      acquire_n (limiter, limit, tickets);
      release_n (limiter, limit, tickets,
                 round % 2 ? PP_REQUEST_OUTCOME_SUCCESS : PP_REQUEST_OUTCOME_OVERLOADED);
      g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), >=, 5);
      g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), <=, 6);

      acquire_n (pinned, 24, tickets);
      release_n (pinned, 24, tickets,
                 round % 2 ? PP_REQUEST_OUTCOME_SUCCESS : PP_REQUEST_OUTCOME_OVERLOADED);
      g_assert_cmpuint (pp_concurrency_limiter_get_limit (pinned), ==, 24);
    }

  /* Narrowing the bounds moves the limit into them at once */
  pp_concurrency_limiter_set_bounds (pinned, 2, 3);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (pinned), ==, 3);
  pp_concurrency_limiter_set_bounds (pinned, 30, 40);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (pinned), ==, 30);
}

typedef struct {
  PpConcurrencyLimiter *limiter;
  GCancellable *cancellable;
  GMutex lock;
  GCond cond;
  guint in_use;
  guint peak;
  guint started;
  gboolean acquired;
  GError *error;
} Shared;

static gpointer
acquire_thread (gpointer data)
{
  Shared *shared = data;
  guint64 ticket;
  gboolean acquired;
  GError *error = NULL;

  g_mutex_lock (&shared->lock);
  shared->started++;
  g_cond_broadcast (&shared->cond);
  g_mutex_unlock (&shared->lock);

  acquired = pp_concurrency_limiter_acquire (shared->limiter, shared->cancellable, &ticket, &error);

  g_mutex_lock (&shared->lock);
  shared->acquired = acquired;
  shared->error = error;
  g_cond_broadcast (&shared->cond);
  g_mutex_unlock (&shared->lock);

  if (acquired)
    pp_concurrency_limiter_release (shared->limiter, ticket, PP_REQUEST_OUTCOME_IGNORED);

  return NULL;
}

/* A full limiter holds a request until one ends, or until it is cancelled */
static void
test_waits_and_cancels (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (2, 2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Shared shared = { limiter, cancellable };
  guint64 tickets[2];
  GThread *thread;

  g_mutex_init (&shared.lock);
  g_cond_init (&shared.cond);

  acquire_n (limiter, 2, tickets);
  thread = g_thread_new ("acquire", acquire_thread, &shared);

  /* Released by a slot coming free */
  g_mutex_lock (&shared.lock);
  while (shared.started == 0)
    g_cond_wait (&shared.cond, &shared.lock);
  g_assert_false (shared.acquired);
  g_mutex_unlock (&shared.lock);
  pp_concurrency_limiter_release (limiter, tickets[0], PP_REQUEST_OUTCOME_SUCCESS);
  g_thread_join (thread);
  g_assert_true (shared.acquired);
  g_assert_no_error (shared.error);

  /* Released by the cancellable */
  acquire_n (limiter, 1, tickets);
  shared.started = 0;
  shared.acquired = FALSE;
  thread = g_thread_new ("acquire", acquire_thread, &shared);
  g_mutex_lock (&shared.lock);
  while (shared.started == 0)
    g_cond_wait (&shared.cond, &shared.lock);
  g_mutex_unlock (&shared.lock);
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_false (shared.acquired);
  g_assert_error (shared.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&shared.error);

  /* Already cancelled: fails at once even with room */
  release_n (limiter, 2, tickets, PP_REQUEST_OUTCOME_SUCCESS);
  {
    g_autoptr(GError) error = NULL;
    guint64 ticket;

    g_assert_false (pp_concurrency_limiter_acquire (limiter, cancellable, &ticket, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  g_mutex_clear (&shared.lock);
  g_cond_clear (&shared.cond);
}

#define N_THREADS 16
#define N_REQUESTS 400

static gpointer
busy_thread (gpointer data)
{
  Shared *shared = data;

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      guint64 ticket;

      g_assert_true (pp_concurrency_limiter_acquire (shared->limiter, NULL, &ticket, NULL));

      g_mutex_lock (&shared->lock);
      shared->in_use++;
      shared->peak = MAX (shared->peak, shared->in_use);
      g_mutex_unlock (&shared->lock);

      g_thread_yield ();

      g_mutex_lock (&shared->lock);
      shared->in_use--;
      g_mutex_unlock (&shared->lock);

      pp_concurrency_limiter_release (shared->limiter, ticket,
                                      i % 7 == 0 ? PP_REQUEST_OUTCOME_OVERLOADED : PP_REQUEST_OUTCOME_SUCCESS);
    }

  return NULL;
}

/* Many threads at once never have more in flight than the bounds allow */
static void
test_threads_respect_the_limit (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (1, 5);
  Shared shared = { limiter };
  GThread *threads[N_THREADS];

  g_mutex_init (&shared.lock);
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("busy", busy_thread, &shared);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&shared.lock);

  g_assert_cmpuint (shared.in_use, ==, 0);
  g_assert_cmpuint (shared.peak, >=, 1);
  g_assert_cmpuint (shared.peak, <=, 5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aimd-limiter/starts-low-within-bounds", test_starts_low_within_bounds);
  g_test_add_func ("/aimd-limiter/grows-when-in-use", test_grows_when_in_use);
  g_test_add_func ("/aimd-limiter/decreases-once-per-episode", test_decreases_once_per_episode);
  g_test_add_func ("/aimd-limiter/additive-increase-after-congestion", test_additive_increase_after_congestion);
  g_test_add_func ("/aimd-limiter/growth-speeds-up-without-congestion", test_growth_speeds_up_without_congestion);
  g_test_add_func ("/aimd-limiter/bounds", test_bounds);
  g_test_add_func ("/aimd-limiter/waits-and-cancels", test_waits_and_cancels);
  g_test_add_func ("/aimd-limiter/threads-respect-the-limit", test_threads_respect_the_limit);

  return g_test_run ();
}
