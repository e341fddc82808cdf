/* test-circuit-breaker.c: the processor's circuit breaker, with time given
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-circuit-breaker-private.h"

#define SECOND G_TIME_SPAN_SECOND
#define T0 (1000 * SECOND)

static void
record_n (PpCircuitBreaker *breaker,
          guint             n,
          PpCircuitResult   result)
{
  for (guint i = 0; i < n; i++)
    pp_circuit_breaker_record (breaker, T0, FALSE, result);
}

static void
assert_admits (PpCircuitBreaker *breaker,
               gint64            now,
               gboolean          expect_probe)
{
  gboolean probe = !expect_probe;
  gint64 retry_in = -1;

  g_assert_true (pp_circuit_breaker_admit (breaker, now, &probe, &retry_in));
  g_assert_cmpint (probe, ==, expect_probe);
  g_assert_cmpint (retry_in, ==, 0);
}

static void
assert_refuses (PpCircuitBreaker *breaker,
                gint64            now,
                gint64            expect_retry_in)
{
  gboolean probe = TRUE;
  gint64 retry_in = 0;

  g_assert_false (pp_circuit_breaker_admit (breaker, now, &probe, &retry_in));
  g_assert_false (probe);
  g_assert_cmpint (retry_in, ==, expect_retry_in);
}

/* PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES transient failures in a row
 * open the circuit; a success between them starts the count again */
static void
test_consecutive_failures_open (void)
{
  g_autoptr(PpCircuitBreaker) breaker = pp_circuit_breaker_new ();
  const guint most = PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES - 1;

  record_n (breaker, most, PP_CIRCUIT_RESULT_FAILURE);
  record_n (breaker, 1, PP_CIRCUIT_RESULT_SUCCESS);
  record_n (breaker, most, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_CLOSED);
  assert_admits (breaker, T0, FALSE);

  /* Cancelled requests neither count nor break the series */
  record_n (breaker, 3, PP_CIRCUIT_RESULT_IGNORED);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_CLOSED);

  record_n (breaker, 1, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_OPEN);
  g_assert_cmpuint (pp_circuit_breaker_get_opened (breaker), ==, 1);
  assert_refuses (breaker, T0, PP_CIRCUIT_BREAKER_COOL_DOWN_US);
}

/* More failures than successes among the last 20 requests, once there are
 * 10, open the circuit though no five failed in a row; half does not */
static void
test_window_rate_opens (void)
{
  g_autoptr(PpCircuitBreaker) breaker = pp_circuit_breaker_new ();
  g_autoptr(PpCircuitBreaker) flaky = pp_circuit_breaker_new ();

  /* S F F F, four times: 12 of 16, too few requests to judge */
  for (guint i = 0; i < 4; i++)
    {
      record_n (breaker, 1, PP_CIRCUIT_RESULT_SUCCESS);
      record_n (breaker, 3, PP_CIRCUIT_RESULT_FAILURE);
    }
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_CLOSED);

  /* Once more: 15 of 20 is three quarters, not more */
  record_n (breaker, 1, PP_CIRCUIT_RESULT_SUCCESS);
  record_n (breaker, 3, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_CLOSED);

  /* The window slides past the first success: 16 of the last 20 */
  record_n (breaker, 1, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_OPEN);

  /* An endpoint that fails often but answers in between never trips it:
   * S F F F and S F for 200 requests */
  for (guint i = 0; i < 50; i++)
    {
      record_n (flaky, 1, PP_CIRCUIT_RESULT_SUCCESS);
      record_n (flaky, i % 2 ? 3 : 1, PP_CIRCUIT_RESULT_FAILURE);
    }
  g_assert_cmpint (pp_circuit_breaker_get_state (flaky), ==, PP_CIRCUIT_CLOSED);
}

static PpCircuitBreaker *
new_open_breaker (void)
{
  PpCircuitBreaker *breaker = pp_circuit_breaker_new ();

  record_n (breaker, PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_OPEN);

  return breaker;
}

/* No request goes during the cool-down; after it, one probe goes, and no
 * other while it is in flight */
static void
test_cool_down_then_one_probe (void)
{
  g_autoptr(PpCircuitBreaker) breaker = new_open_breaker ();

  assert_refuses (breaker, T0 + 1, PP_CIRCUIT_BREAKER_COOL_DOWN_US - 1);
  assert_refuses (breaker, T0 + PP_CIRCUIT_BREAKER_COOL_DOWN_US - 1, 1);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_OPEN);

  assert_admits (breaker, T0 + PP_CIRCUIT_BREAKER_COOL_DOWN_US, TRUE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_HALF_OPEN);
  assert_refuses (breaker, T0 + PP_CIRCUIT_BREAKER_COOL_DOWN_US, PP_CIRCUIT_BREAKER_COOL_DOWN_US);
  assert_refuses (breaker, T0 + 100 * SECOND, PP_CIRCUIT_BREAKER_COOL_DOWN_US);

  /* Requests sent before the circuit opened end now: they change nothing */
  pp_circuit_breaker_record (breaker, T0 + 2 * SECOND, FALSE, PP_CIRCUIT_RESULT_SUCCESS);
  pp_circuit_breaker_record (breaker, T0 + 2 * SECOND, FALSE, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_HALF_OPEN);
  assert_refuses (breaker, T0 + 2 * SECOND, PP_CIRCUIT_BREAKER_COOL_DOWN_US);
}

/* The probe's success closes the circuit: every request goes again, and
 * it takes as many new failures in a row to open it */
static void
test_probe_success_closes (void)
{
  g_autoptr(PpCircuitBreaker) breaker = new_open_breaker ();
  gint64 now = T0 + PP_CIRCUIT_BREAKER_COOL_DOWN_US;

  assert_admits (breaker, now, TRUE);
  pp_circuit_breaker_record (breaker, now, TRUE, PP_CIRCUIT_RESULT_SUCCESS);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_CLOSED);
  assert_admits (breaker, now, FALSE);
  assert_admits (breaker, now, FALSE);

  for (guint i = 0; i < PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES - 1; i++)
    pp_circuit_breaker_record (breaker, now, FALSE, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_CLOSED);
  pp_circuit_breaker_record (breaker, now, FALSE, PP_CIRCUIT_RESULT_FAILURE);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_OPEN);
  g_assert_cmpuint (pp_circuit_breaker_get_opened (breaker), ==, 2);

  /* With the first cool-down again */
  assert_refuses (breaker, now, PP_CIRCUIT_BREAKER_COOL_DOWN_US);
}

/* A failed probe opens the circuit again for twice as long, up to the
 * longest cool-down */
static void
test_probe_failure_reopens_longer (void)
{
  g_autoptr(PpCircuitBreaker) breaker = new_open_breaker ();
  gint64 cool_down = PP_CIRCUIT_BREAKER_COOL_DOWN_US;
  gint64 now = T0;
  guint opened = 1;

  for (guint i = 0; i < 10; i++)
    {
      now += cool_down;
      assert_admits (breaker, now, TRUE);
      pp_circuit_breaker_record (breaker, now, TRUE, PP_CIRCUIT_RESULT_FAILURE);
      g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_OPEN);
      g_assert_cmpuint (pp_circuit_breaker_get_opened (breaker), ==, ++opened);

      cool_down = MIN (cool_down * 2, PP_CIRCUIT_BREAKER_MAX_COOL_DOWN_US);
      assert_refuses (breaker, now, cool_down);
    }
  g_assert_cmpint (cool_down, ==, PP_CIRCUIT_BREAKER_MAX_COOL_DOWN_US);
}

/* A probe that was cancelled says nothing: the next request probes */
static void
test_probe_ignored (void)
{
  g_autoptr(PpCircuitBreaker) breaker = new_open_breaker ();
  gint64 now = T0 + PP_CIRCUIT_BREAKER_COOL_DOWN_US;

  assert_admits (breaker, now, TRUE);
  pp_circuit_breaker_record (breaker, now, TRUE, PP_CIRCUIT_RESULT_IGNORED);
  g_assert_cmpint (pp_circuit_breaker_get_state (breaker), ==, PP_CIRCUIT_HALF_OPEN);
  assert_admits (breaker, now, TRUE);
  assert_refuses (breaker, now, PP_CIRCUIT_BREAKER_COOL_DOWN_US);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/circuit-breaker/consecutive-failures-open", test_consecutive_failures_open);
  g_test_add_func ("/circuit-breaker/window-rate-opens", test_window_rate_opens);
  g_test_add_func ("/circuit-breaker/cool-down-then-one-probe", test_cool_down_then_one_probe);
  g_test_add_func ("/circuit-breaker/probe-success-closes", test_probe_success_closes);
  g_test_add_func ("/circuit-breaker/probe-failure-reopens-longer", test_probe_failure_reopens_longer);
  g_test_add_func ("/circuit-breaker/probe-ignored", test_probe_ignored);

  return g_test_run ();
}
