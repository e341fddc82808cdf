/* pp-aimd-window.c: how PpAimdLimiter's limit grows and shrinks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-aimd-window-private.h"

/* The limit is a window of requests in flight, as TCP's congestion window
 * is one of bytes. Only successes of requests that went out while the
 * limit was full grow it: a limit that is not what holds requests back
 * says nothing by succeeding.
 *
 * It starts low and grows by one for every such success (slow start: it
 * doubles every round trip), until the endpoint first answers that it is
 * overloaded (a 429 or a timeout).
 *
 * An overloaded answer to a request sent while the limit was growing
 * locates the endpoint's capacity: the request went out as the nth in
 * flight and was one too many, so the limit goes to n - 1 (but it never
 * loses more than a twentieth at once). There it holds for
 * PP_AIMD_WINDOW_HOLD_US: it sits at the capacity rather than in a
 * sawtooth below it, and asks for more only now and then, since every
 * refused request waits for the endpoint's Retry-After and may end a run
 * late. Then it probes: one more at once, three more over the next round
 * trip (a limit's worth of successes), nine over the one after, then
 * sixteen a round trip, so that it soon finds the room after an endpoint's
 * capacity went up, until the endpoint refuses again.
 *
 * An overloaded answer after a decrease, before the limit grew again, says
 * that the capacity fell below where it was located, or that the endpoint
 * refuses now and then whatever the load: the limit takes a twentieth off
 * for each such episode, and stops holding, to locate the capacity again. All the
 * overloaded answers of requests sent before a decrease belong to the
 * episode that caused it, and do not shrink the limit again. */

/* A ticket: the episode in the upper 32 bits; bit 31 set when the limit was
 * full as the request went; the request's place in flight below */
#define TICKET_LIMITED ((guint64) 1 << 31)
#define TICKET_POSITION_MASK ((guint64) G_MAXINT32)

void
pp_aimd_window_init (PpAimdWindow *window,
                     guint         min_limit,
                     guint         max_limit)
{
  *window = (PpAimdWindow) {
    .window = CLAMP (PP_AIMD_WINDOW_INITIAL, min_limit, max_limit),
    .min_limit = min_limit,
    .max_limit = max_limit,
    .slow_start = TRUE,
    .backlog = G_MAXUINT,
  };
}

void
pp_aimd_window_set_backlog (PpAimdWindow *window,
                            guint         backlog)
{
  window->backlog = backlog;
}

/* Whether the work left would be done within a hold at the rate it is
 * done now: a probe then gains next to nothing, and a refused one makes a
 * request wait out the server's Retry-After, which may end the run late */
static gboolean
little_work_left (const PpAimdWindow *window,
                  gint64              now)
{
  gint64 elapsed = now - window->located_at;

  if (window->backlog == G_MAXUINT || window->successes == 0 || elapsed <= 0)
    return FALSE;

  /* backlog / (successes / elapsed) < hold */
  return (guint64) window->backlog * (guint64) elapsed <
         (guint64) window->successes * (guint64) PP_AIMD_WINDOW_HOLD_US;
}

guint
pp_aimd_window_get_limit (const PpAimdWindow *window)
{
  return CLAMP ((guint) window->window, window->min_limit, window->max_limit);
}

void
pp_aimd_window_set_bounds (PpAimdWindow *window,
                           guint         min_limit,
                           guint         max_limit)
{
  window->min_limit = min_limit;
  window->max_limit = max_limit;
  window->window = CLAMP (window->window, (double) min_limit, (double) max_limit);
}

/* The ticket of a request that goes out as the @in_flight th in flight */
guint64
pp_aimd_window_admit (const PpAimdWindow *window,
                      guint               in_flight)
{
  guint64 ticket = (guint64) window->episode << 32 | MIN (in_flight, TICKET_POSITION_MASK);

  if (in_flight >= pp_aimd_window_get_limit (window))
    ticket |= TICKET_LIMITED;

  return ticket;
}

static void
start_round (PpAimdWindow *window,
             double        step)
{
  window->round_base = window->window;
  window->step = step;
  window->round_size = MAX ((guint) window->window, 1);
  window->round_done = 0;
}

static void
grow (PpAimdWindow *window,
      gint64        now)
{
  if (window->slow_start)
    {
      window->window += 1.0;
      return;
    }

  if (now < window->hold_until)
    return;

  /* The probe, then a round trip's worth of successes at each step */
  if (!window->grown)
    {
      if (little_work_left (window, now))
        return;

      window->window = (double) (guint) window->window + 1.0;
      window->grown = TRUE;
      start_round (window, PP_AIMD_WINDOW_GROWTH_STEP);
      return;
    }

  window->round_done++;
  window->window = window->round_base + window->step * window->round_done / window->round_size;
  if (window->round_done == window->round_size)
    start_round (window, MIN (PP_AIMD_WINDOW_GROWTH_STEP * window->step, PP_AIMD_WINDOW_MAX_GROWTH_STEP));
}

static void
shrink (PpAimdWindow *window,
        guint         position,
        gint64        now)
{
  double target = window->window * PP_AIMD_WINDOW_DECREASE_FACTOR;

  window->episode++;

  /* Holding: the capacity fell below where it was located, or the endpoint
   * refuses now and then whatever the load. Either way, where it was
   * located no longer holds: look for it again */
  if (!window->slow_start && !window->grown)
    {
      window->window = MAX ((double) window->min_limit, (double) (guint) target);
      window->hold_until = MIN (window->hold_until, now);
      return;
    }

  /* Grown since the last episode: this answers the growth, and says where
   * the capacity is */
  target = MAX (target, (double) position - 1.0);
  window->window = MAX ((double) window->min_limit, (double) (guint) target);
  window->slow_start = FALSE;
  window->grown = FALSE;
  window->hold_until = now + PP_AIMD_WINDOW_HOLD_US;
  window->located_at = now;
  window->successes = 0;
}

/* Takes in how the request of @ticket ended, at @now (monotonic, µs) */
void
pp_aimd_window_record (PpAimdWindow     *window,
                       guint64           ticket,
                       PpRequestOutcome  outcome,
                       gint64            now)
{
  switch (outcome)
    {
    case PP_REQUEST_OUTCOME_SUCCESS:
      window->successes++;
      /* Grow only when the limit was what held requests back */
      if ((ticket & TICKET_LIMITED) != 0 && window->window < window->max_limit)
        grow (window, now);
      break;

    case PP_REQUEST_OUTCOME_OVERLOADED:
      if ((guint32) (ticket >> 32) == window->episode)
        shrink (window, (guint) (ticket & TICKET_POSITION_MASK), now);
      break;

    case PP_REQUEST_OUTCOME_IGNORED:
    default:
      break;
    }

  window->window = CLAMP (window->window, (double) window->min_limit, (double) window->max_limit);
}
