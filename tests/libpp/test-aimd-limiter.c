/* test-aimd-limiter.c: PpAimdLimiter and the PpConcurrencyLimiter
 * contract, and how its limit moves, with time given (pp-aimd-window.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-aimd-window-private.h"

#define T0 (1000 * G_TIME_SPAN_SECOND)

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

/* The window's side of a request that went out with the limit full */
static guint64
admit_at_limit (PpAimdWindow *window)
{
  return pp_aimd_window_admit (window, pp_aimd_window_get_limit (window));
}

/* @n requests, each sent with the limit full, succeed at @now */
static void
succeed_at_limit (PpAimdWindow *window,
                  guint         n,
                  gint64        now)
{
  for (guint i = 0; i < n; i++)
    pp_aimd_window_record (window, admit_at_limit (window), PP_REQUEST_OUTCOME_SUCCESS, now);
}

/* Slow start up to @limit, at T0 */
static void
window_grown_to (PpAimdWindow *window,
                 guint         limit)
{
  pp_aimd_window_init (window, 1, 100);
  succeed_at_limit (window, limit - PP_AIMD_WINDOW_INITIAL, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (window), ==, limit);
}

/* A request refused as the nth in flight, while the limit grew, says the
 * endpoint takes n - 1: the limit goes there, not a share below it, so
 * that it does not sit under the capacity */
static void
test_decreases_to_refused_place (void)
{
  PpAimdWindow window;

  window_grown_to (&window, 25);
  pp_aimd_window_record (&window, pp_aimd_window_admit (&window, 25),
                         PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);

  /* Never more than a twentieth at once: a refusal low in the window is
   * not the capacity's edge */
  window_grown_to (&window, 30);
  pp_aimd_window_record (&window, pp_aimd_window_admit (&window, 5),
                         PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 28);
}

/* After a decrease the limit holds where it is, however many requests
 * succeed, until the hold is over; then it asks for one more at once */
static void
test_holds_after_decrease (void)
{
  PpAimdWindow window;
  gint64 end = T0 + PP_AIMD_WINDOW_HOLD_US;

  window_grown_to (&window, 25);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);

  succeed_at_limit (&window, 10 * 24, T0);
  succeed_at_limit (&window, 10 * 24, end - 1);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);

  succeed_at_limit (&window, 1, end);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 25);

  /* The probe refused: back to where it was, and hold again */
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, end);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);
  succeed_at_limit (&window, 10 * 24, end + PP_AIMD_WINDOW_HOLD_US - 1);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);
}

/* Refusals after a decrease, before the limit grew again, say the capacity
 * fell below where it was located: each episode takes a twentieth off, so
 * that a limit far above a capacity that fell soon comes down */
static void
test_shrinks_while_holding (void)
{
  PpAimdWindow window;

  window_grown_to (&window, 41);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 40);

  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 38);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 36);
}

/* A refusal while the limit holds ends the hold: the capacity fell, or the
 * endpoint refuses whatever the load, and holding would only let such
 * refusals wear the limit down */
static void
test_refusal_while_holding_ends_hold (void)
{
  PpAimdWindow window;

  window_grown_to (&window, 25);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);

  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0 + 1);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 22);

  /* Well within the hold that the first refusal began: the probe */
  succeed_at_limit (&window, 1, T0 + 2);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 23);
}

/* Past the hold, growth speeds up every round trip (a limit's worth of
 * successes), so that the limit finds the room soon after an endpoint's
 * capacity went up: from 12, within a quarter of 48 in three round trips
 * after the probe, while the first of them adds only three */
static void
test_growth_speeds_up_after_hold (void)
{
  PpAimdWindow window;
  gint64 now = T0 + PP_AIMD_WINDOW_HOLD_US;

  window_grown_to (&window, 13);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 12);

  succeed_at_limit (&window, 1, now);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 13);

  succeed_at_limit (&window, 13, now);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 16);
  succeed_at_limit (&window, 16, now);
  succeed_at_limit (&window, 25, now);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), >=, 36);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), <=, 48);
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

/* Past the hold, no probe while the work left would be done within a
 * hold at the rate it gets done: a refused probe would make a request wait
 * out the server's Retry-After and end the run late. With more work left,
 * or none known, it probes. */
static void
test_no_probe_when_little_work_left (void)
{
  PpAimdWindow window;
  gint64 end = T0 + PP_AIMD_WINDOW_HOLD_US;

  window_grown_to (&window, 25);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);

  /* 480 done in the hold: 480 a second */
  succeed_at_limit (&window, 480, end - 1);

  /* 200 left: done in well under a second, so no probe */
  pp_aimd_window_set_backlog (&window, 200);
  succeed_at_limit (&window, 10, end);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 24);

  /* 2,000 left: four seconds of work, so it probes */
  pp_aimd_window_set_backlog (&window, 2000);
  succeed_at_limit (&window, 1, end);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 25);

  /* Not known: it probes, as without a backlog */
  window_grown_to (&window, 25);
  pp_aimd_window_record (&window, admit_at_limit (&window), PP_REQUEST_OUTCOME_OVERLOADED, T0);
  succeed_at_limit (&window, 480, end - 1);
  succeed_at_limit (&window, 1, end);
  g_assert_cmpuint (pp_aimd_window_get_limit (&window), ==, 25);
}

/* The processor tells the limiter how much work is left through the
 * interface */
static void
test_backlog_through_interface (void)
{
  g_autoptr(PpConcurrencyLimiter) limiter = limiter_new (1, 100);

  /* Accepted, and changes nothing by itself */
  pp_concurrency_limiter_set_backlog (limiter, 5);
  g_assert_cmpuint (pp_concurrency_limiter_get_limit (limiter), ==, PP_AIMD_WINDOW_INITIAL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/aimd-limiter/starts-low-within-bounds", test_starts_low_within_bounds);
  g_test_add_func ("/aimd-limiter/grows-when-in-use", test_grows_when_in_use);
  g_test_add_func ("/aimd-limiter/decreases-once-per-episode", test_decreases_once_per_episode);
  g_test_add_func ("/aimd-limiter/decreases-to-refused-place", test_decreases_to_refused_place);
  g_test_add_func ("/aimd-limiter/holds-after-decrease", test_holds_after_decrease);
  g_test_add_func ("/aimd-limiter/shrinks-while-holding", test_shrinks_while_holding);
  g_test_add_func ("/aimd-limiter/refusal-while-holding-ends-hold", test_refusal_while_holding_ends_hold);
  g_test_add_func ("/aimd-limiter/growth-speeds-up-after-hold", test_growth_speeds_up_after_hold);
  g_test_add_func ("/aimd-limiter/no-probe-when-little-work-left", test_no_probe_when_little_work_left);
  g_test_add_func ("/aimd-limiter/backlog-through-interface", test_backlog_through_interface);
  g_test_add_func ("/aimd-limiter/bounds", test_bounds);
  g_test_add_func ("/aimd-limiter/waits-and-cancels", test_waits_and_cancels);
  g_test_add_func ("/aimd-limiter/threads-respect-the-limit", test_threads_respect_the_limit);

  return g_test_run ();
}
