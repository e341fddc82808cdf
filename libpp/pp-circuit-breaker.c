/* pp-circuit-breaker.c: stops sending to an endpoint that keeps failing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-circuit-breaker-private.h"

/* A circuit breaker in front of an endpoint. While CLOSED, every request
 * goes, and the breaker watches how they end: PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES
 * transient failures in a row, or more than three quarters of failures
 * among the last PP_CIRCUIT_BREAKER_WINDOW requests (once there are
 * PP_CIRCUIT_BREAKER_MIN_WINDOW of them), open it. While OPEN, no request
 * goes until the cool-down is over; then the circuit is HALF_OPEN and the
 * next request is the probe, the only one in flight. The probe's success
 * closes the circuit; its failure opens it again for twice the cool-down,
 * up to PP_CIRCUIT_BREAKER_MAX_COOL_DOWN_US.
 *
 * Time is the caller's: every call that needs it takes "now", in the
 * microseconds of g_get_monotonic_time(). All functions are thread-safe. */

struct _PpCircuitBreaker
{
  GMutex lock;                  /* guards all below */
  PpCircuitState state;
  guint consecutive_failures;
  gboolean window[PP_CIRCUIT_BREAKER_WINDOW];  /* TRUE: a failure */
  guint window_length;
  guint window_next;
  guint window_failures;
  gint64 cool_down;             /* of the last opening */
  gint64 open_until;            /* OPEN: when the probe may go */
  gboolean probe_in_flight;     /* HALF_OPEN */
  guint opened;
};

PpCircuitBreaker *
pp_circuit_breaker_new (void)
{
  PpCircuitBreaker *breaker = g_new0 (PpCircuitBreaker, 1);

  g_mutex_init (&breaker->lock);
  breaker->state = PP_CIRCUIT_CLOSED;
  breaker->cool_down = PP_CIRCUIT_BREAKER_COOL_DOWN_US;

  return breaker;
}

void
pp_circuit_breaker_free (PpCircuitBreaker *breaker)
{
  g_mutex_clear (&breaker->lock);
  g_free (breaker);
}

/* lock is held */
static void
forget_requests_locked (PpCircuitBreaker *breaker)
{
  breaker->consecutive_failures = 0;
  breaker->window_length = 0;
  breaker->window_next = 0;
  breaker->window_failures = 0;
}

/* lock is held */
static void
open_locked (PpCircuitBreaker *breaker,
             gint64            now,
             gint64            cool_down)
{
  breaker->state = PP_CIRCUIT_OPEN;
  breaker->cool_down = cool_down;
  breaker->open_until = now + cool_down;
  breaker->probe_in_flight = FALSE;
  breaker->opened++;
  forget_requests_locked (breaker);
}

/* lock is held */
static void
add_to_window_locked (PpCircuitBreaker *breaker,
                      gboolean          failure)
{
  if (breaker->window_length == PP_CIRCUIT_BREAKER_WINDOW)
    breaker->window_failures -= breaker->window[breaker->window_next] ? 1 : 0;
  else
    breaker->window_length++;

  breaker->window[breaker->window_next] = failure;
  breaker->window_failures += failure ? 1 : 0;
  breaker->window_next = (breaker->window_next + 1) % PP_CIRCUIT_BREAKER_WINDOW;
}

/*
 * pp_circuit_breaker_admit:
 * @now: the monotonic time
 * @probe: (out): set to whether the request is the probe of a half-open
 *   circuit, to hand back to pp_circuit_breaker_record()
 * @retry_in: (out): when the request may not go, the microseconds after
 *   which the breaker may let one through
 *
 * Decides whether a request may go now. A request let through must be
 * recorded with pp_circuit_breaker_record(), whatever becomes of it.
 *
 * Returns: whether the request may go
 */
gboolean
pp_circuit_breaker_admit (PpCircuitBreaker *breaker,
                          gint64            now,
                          gboolean         *probe,
                          gint64           *retry_in)
{
  gboolean admitted = FALSE;
  gboolean half_opened = FALSE;

  *probe = FALSE;
  *retry_in = 0;

  g_mutex_lock (&breaker->lock);
  switch (breaker->state)
    {
    case PP_CIRCUIT_CLOSED:
      admitted = TRUE;
      break;

    case PP_CIRCUIT_OPEN:
      if (now < breaker->open_until)
        {
          *retry_in = breaker->open_until - now;
          break;
        }
      breaker->state = PP_CIRCUIT_HALF_OPEN;
      breaker->probe_in_flight = FALSE;
      half_opened = TRUE;
      G_GNUC_FALLTHROUGH;

    case PP_CIRCUIT_HALF_OPEN:
      if (breaker->probe_in_flight)
        {
          /* The probe's answer decides; if it fails, this is the least
           * the circuit stays open */
          *retry_in = breaker->cool_down;
          break;
        }
      breaker->probe_in_flight = TRUE;
      *probe = TRUE;
      admitted = TRUE;
      break;

    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&breaker->lock);

  if (half_opened)
    g_debug ("Circuit half open: one request probes the endpoint");

  return admitted;
}

/*
 * pp_circuit_breaker_record:
 * @now: the monotonic time
 * @probe: what pp_circuit_breaker_admit() set
 * @result: what the request says about the endpoint
 *
 * Counts a request that pp_circuit_breaker_admit() let through; this may
 * open or close the circuit. Requests that went out before the circuit
 * opened and end while it is open or half open do not count.
 */
void
pp_circuit_breaker_record (PpCircuitBreaker *breaker,
                           gint64            now,
                           gboolean          probe,
                           PpCircuitResult   result)
{
  PpCircuitState before, after;
  guint consecutive = 0, window_failures = 0, window_length = 0;
  gint64 cool_down;

  g_mutex_lock (&breaker->lock);
  before = breaker->state;

  if (probe && breaker->state == PP_CIRCUIT_HALF_OPEN)
    {
      switch (result)
        {
        case PP_CIRCUIT_RESULT_SUCCESS:
          breaker->state = PP_CIRCUIT_CLOSED;
          breaker->cool_down = PP_CIRCUIT_BREAKER_COOL_DOWN_US;
          breaker->probe_in_flight = FALSE;
          forget_requests_locked (breaker);
          break;
        case PP_CIRCUIT_RESULT_FAILURE:
          open_locked (breaker, now, MIN (breaker->cool_down * 2, PP_CIRCUIT_BREAKER_MAX_COOL_DOWN_US));
          break;
        case PP_CIRCUIT_RESULT_IGNORED:
        default:
          /* The next request probes instead */
          breaker->probe_in_flight = FALSE;
          break;
        }
    }
  else if (!probe && breaker->state == PP_CIRCUIT_CLOSED && result != PP_CIRCUIT_RESULT_IGNORED)
    {
      gboolean failure = result == PP_CIRCUIT_RESULT_FAILURE;

      breaker->consecutive_failures = failure ? breaker->consecutive_failures + 1 : 0;
      add_to_window_locked (breaker, failure);

      consecutive = breaker->consecutive_failures;
      window_failures = breaker->window_failures;
      window_length = breaker->window_length;

      if (consecutive >= PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES ||
          (window_length >= PP_CIRCUIT_BREAKER_MIN_WINDOW && window_failures * 4 > window_length * 3))
        open_locked (breaker, now, PP_CIRCUIT_BREAKER_COOL_DOWN_US);
    }

  after = breaker->state;
  cool_down = breaker->cool_down;
  g_mutex_unlock (&breaker->lock);

  if (after == PP_CIRCUIT_OPEN && before == PP_CIRCUIT_CLOSED)
    g_info ("Circuit open: %u of the last %u requests failed, %u of them in a row; "
            "no request goes for %" G_GINT64_FORMAT " ms",
            window_failures, window_length, consecutive, cool_down / G_TIME_SPAN_MILLISECOND);
  else if (after == PP_CIRCUIT_OPEN && before == PP_CIRCUIT_HALF_OPEN)
    g_info ("Circuit open again: the probe failed; no request goes for %" G_GINT64_FORMAT " ms",
            cool_down / G_TIME_SPAN_MILLISECOND);
  else if (after == PP_CIRCUIT_CLOSED && before != PP_CIRCUIT_CLOSED)
    g_info ("Circuit closed: the probe succeeded");
}

PpCircuitState
pp_circuit_breaker_get_state (PpCircuitBreaker *breaker)
{
  PpCircuitState state;

  g_mutex_lock (&breaker->lock);
  state = breaker->state;
  g_mutex_unlock (&breaker->lock);

  return state;
}

/* How many times the circuit opened, counting reopenings after a failed
 * probe */
guint
pp_circuit_breaker_get_opened (PpCircuitBreaker *breaker)
{
  guint opened;

  g_mutex_lock (&breaker->lock);
  opened = breaker->opened;
  g_mutex_unlock (&breaker->lock);

  return opened;
}
