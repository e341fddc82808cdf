/* test-rate-budget.c: budgets per minute, with time given
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-rate-budget-private.h"

#define MS G_TIME_SPAN_MILLISECOND
#define SECOND G_TIME_SPAN_SECOND
#define T0 (1000 * SECOND)

/* Waits are rounded up to the microsecond from floating-point levels */
#define assert_wait(budget, cost, now, expected) \
  G_STMT_START { \
    gint64 wait_ = pp_rate_budget_take ((budget), (cost), (now)); \
    g_assert_cmpint (wait_, >=, (expected)); \
    g_assert_cmpint (wait_, <=, (expected) + 1); \
  } G_STMT_END

static void
test_no_budget (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  for (guint i = 0; i < 1000; i++)
    g_assert_cmpint (pp_rate_budget_take (budget, 100000, T0), ==, 0);

  /* Back to none after one */
  pp_rate_budget_set_per_minute (budget, 60, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), >, 0);
  pp_rate_budget_set_per_minute (budget, 0, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
}

/* 600 a minute: a second's share, 10, goes at once, then one every 100 ms */
static void
test_refill (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  pp_rate_budget_set_per_minute (budget, 600, T0);
  g_assert_cmpuint (pp_rate_budget_get_per_minute (budget), ==, 600);

  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
  assert_wait (budget, 1, T0, 100 * MS);
  assert_wait (budget, 1, T0 + 40 * MS, 60 * MS);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 100 * MS), ==, 0);
  assert_wait (budget, 1, T0 + 100 * MS, 100 * MS);

  /* A long pause fills the bucket, no more */
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 600 * SECOND), ==, 0);
  assert_wait (budget, 1, T0 + 600 * SECOND, 100 * MS);

  /* Over a minute, 600 go (and the 10 of the start) */
  {
    guint sent = 0;

    for (gint64 now = T0 + 601 * SECOND; now < T0 + 661 * SECOND; now += 10 * MS)
      while (pp_rate_budget_take (budget, 1, now) == 0)
        sent++;
    g_assert_cmpuint (sent, >=, 600);
    g_assert_cmpuint (sent, <=, 610);
  }
}

/* Less than one a second: one at once, then one every 10 s */
static void
test_small_budget (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  pp_rate_budget_set_per_minute (budget, 6, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
  assert_wait (budget, 1, T0, 10 * SECOND);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 10 * SECOND), ==, 0);
}

/* A cost beyond the bucket goes once the bucket is full, and those after
 * it wait until the debt is paid */
static void
test_cost_beyond_bucket (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  /* 100 tokens a second, at most 100 in the bucket */
  pp_rate_budget_set_per_minute (budget, 6000, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 250, T0), ==, 0);
  /* -150: 50 more are there in 2 s */
  assert_wait (budget, 50, T0, 2 * SECOND);
  assert_wait (budget, 250, T0, 2500 * MS);
  g_assert_cmpint (pp_rate_budget_take (budget, 250, T0 + 2500 * MS), ==, 0);
}

/* What an estimate took beyond the real cost comes back; what it missed
 * is owed */
static void
test_usage_correction (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  pp_rate_budget_set_per_minute (budget, 6000, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 100, T0), ==, 0);
  assert_wait (budget, 60, T0, 600 * MS);

  /* It cost 40 */
  pp_rate_budget_adjust (budget, 60, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 60, T0), ==, 0);
  assert_wait (budget, 10, T0, 100 * MS);

  /* It cost 160 */
  pp_rate_budget_adjust (budget, -100, T0);
  assert_wait (budget, 10, T0, 1100 * MS);

  /* Giving back never fills the bucket beyond its size */
  pp_rate_budget_adjust (budget, 100000, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 100, T0), ==, 0);
  assert_wait (budget, 10, T0, 100 * MS);
}

/* What the endpoint says it has left holds requests back until it renews
 * its budget, however full the bucket */
static void
test_header_tightening (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  pp_rate_budget_set_per_minute (budget, 600, T0);
  pp_rate_budget_tighten (budget, 2, 5000, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 1 * MS), ==, 0);
  assert_wait (budget, 1, T0 + 1 * SECOND, 4 * SECOND);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 5 * SECOND), ==, 0);

  /* An endpoint with more to give does not loosen the configured budget */
  pp_rate_budget_tighten (budget, 100000, 60000, T0 + 5 * SECOND);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 5 * SECOND), ==, 0);
  assert_wait (budget, 1, T0 + 5 * SECOND, 100 * MS);

  /* An answer that does not say, changes nothing */
  pp_rate_budget_tighten (budget, -1, 0, T0 + 5 * SECOND);
  assert_wait (budget, 1, T0 + 5 * SECOND, 100 * MS);
}

/* Without a configured budget, the endpoint's word is the only limit; a
 * reset it does not give is taken as a second */
static void
test_header_without_budget (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  pp_rate_budget_tighten (budget, 0, 2000, T0);
  assert_wait (budget, 1, T0, 2 * SECOND);
  assert_wait (budget, 1, T0 + 500 * MS, 1500 * MS);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0 + 2 * SECOND), ==, 0);

  pp_rate_budget_tighten (budget, 1000, 0, T0 + 3 * SECOND);
  g_assert_cmpint (pp_rate_budget_take (budget, 1000, T0 + 3 * SECOND), ==, 0);
  assert_wait (budget, 1, T0 + 3 * SECOND, PP_RATE_BUDGET_DEFAULT_RESET_MS * MS);

  /* Unused tokens given back count for the endpoint too */
  pp_rate_budget_adjust (budget, 10, T0 + 3 * SECOND);
  g_assert_cmpint (pp_rate_budget_take (budget, 10, T0 + 3 * SECOND), ==, 0);
}

/* A lower rate during a run takes effect at once */
static void
test_rate_change (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  pp_rate_budget_set_per_minute (budget, 600, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
  pp_rate_budget_set_per_minute (budget, 60, T0);
  g_assert_cmpint (pp_rate_budget_take (budget, 1, T0), ==, 0);
  assert_wait (budget, 1, T0, 1 * SECOND);
}

/* A budget counts what a request costs only while it has a rate or the
 * endpoint's word, which holds until the reset it gave */
static void
test_counts_cost (void)
{
  g_autoptr(PpRateBudget) budget = pp_rate_budget_new ();

  g_assert_false (pp_rate_budget_counts_cost (budget, T0));

  pp_rate_budget_set_per_minute (budget, 60, T0);
  g_assert_true (pp_rate_budget_counts_cost (budget, T0));
  pp_rate_budget_set_per_minute (budget, 0, T0);
  g_assert_false (pp_rate_budget_counts_cost (budget, T0));

  pp_rate_budget_tighten (budget, 1000, 500, T0);
  g_assert_true (pp_rate_budget_counts_cost (budget, T0 + 499 * MS));
  g_assert_false (pp_rate_budget_counts_cost (budget, T0 + 500 * MS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rate-budget/no-budget", test_no_budget);
  g_test_add_func ("/rate-budget/refill", test_refill);
  g_test_add_func ("/rate-budget/small-budget", test_small_budget);
  g_test_add_func ("/rate-budget/cost-beyond-bucket", test_cost_beyond_bucket);
  g_test_add_func ("/rate-budget/usage-correction", test_usage_correction);
  g_test_add_func ("/rate-budget/header-tightening", test_header_tightening);
  g_test_add_func ("/rate-budget/header-without-budget", test_header_without_budget);
  g_test_add_func ("/rate-budget/rate-change", test_rate_change);
  g_test_add_func ("/rate-budget/counts-cost", test_counts_cost);

  return g_test_run ();
}
