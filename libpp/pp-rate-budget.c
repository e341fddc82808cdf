/* pp-rate-budget.c: a budget of requests or tokens per minute
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "pp-rate-budget-private.h"

/* A token bucket: it fills at the configured rate per minute and holds one
 * second's share (at least one unit), so that a minute's budget is spread
 * over the minute rather than spent in a burst that an endpoint enforcing
 * its limit per second would refuse. A request takes its cost when the
 * bucket holds as much (or is full, for a cost larger than the bucket);
 * the bucket may go below zero, and the requests after it wait until it
 * is filled again. A cost that was an estimate is corrected once known.
 *
 * The endpoint may say what it has left: N units until its budget is
 * renewed in T ms (x-ratelimit-remaining-* and x-ratelimit-reset-*). That
 * tightens the budget until then: no more than N units go before T ms are
 * over, however full the bucket. It never loosens it: without a
 * configured rate, the endpoint's word is the only limit.
 *
 * Time is the caller's: every call that needs it takes "now", in the
 * microseconds of g_get_monotonic_time(). All functions are thread-safe. */

struct _PpRateBudget
{
  GMutex lock;                  /* guards all below */
  guint per_minute;             /* 0: no configured budget */
  double rate;                  /* units per microsecond */
  double capacity;
  double level;
  gint64 filled_at;             /* when level was last brought up to date */

  gboolean has_hint;            /* the endpoint's last word */
  double hint_remaining;
  gint64 hint_until;
};

PpRateBudget *
pp_rate_budget_new (void)
{
  PpRateBudget *budget = g_new0 (PpRateBudget, 1);

  g_mutex_init (&budget->lock);

  return budget;
}

void
pp_rate_budget_free (PpRateBudget *budget)
{
  g_mutex_clear (&budget->lock);
  g_free (budget);
}

/* lock is held */
static void
refill_locked (PpRateBudget *budget,
               gint64        now)
{
  if (now > budget->filled_at)
    {
      budget->level = MIN (budget->capacity, budget->level + (double) (now - budget->filled_at) * budget->rate);
      budget->filled_at = now;
    }

  if (budget->has_hint && now >= budget->hint_until)
    budget->has_hint = FALSE;
}

/*
 * pp_rate_budget_set_per_minute:
 * @per_minute: the units per minute, or 0 for no configured budget
 * @now: the monotonic time
 *
 * Sets the rate; a bucket that had none starts full.
 */
void
pp_rate_budget_set_per_minute (PpRateBudget *budget,
                               guint         per_minute,
                               gint64        now)
{
  g_mutex_lock (&budget->lock);
  refill_locked (budget, now);
  if (budget->per_minute == 0)
    budget->level = G_MAXDOUBLE;
  budget->per_minute = per_minute;
  budget->rate = per_minute / (60.0 * G_TIME_SPAN_SECOND);
  budget->capacity = per_minute > 0 ? MAX (per_minute / 60.0, 1.0) : 0.0;
  budget->level = MIN (budget->level, budget->capacity);
  budget->filled_at = now;
  g_mutex_unlock (&budget->lock);
}

guint
pp_rate_budget_get_per_minute (PpRateBudget *budget)
{
  guint per_minute;

  g_mutex_lock (&budget->lock);
  per_minute = budget->per_minute;
  g_mutex_unlock (&budget->lock);

  return per_minute;
}

/* The microseconds until @amount is in the bucket, rounded up */
static gint64
time_to_fill (PpRateBudget *budget,
              double        amount)
{
  return MAX ((gint64) ceil ((amount - budget->level) / budget->rate), 1);
}

/*
 * pp_rate_budget_counts_cost:
 *
 * Whether what a request costs matters to the budget now: it has a
 * configured rate, or the endpoint said what it has left. When it does
 * not, pp_rate_budget_take() lets any cost through and takes nothing, and
 * the cost need not be worked out.
 *
 * Returns: %TRUE when the cost of a request is counted
 */
gboolean
pp_rate_budget_counts_cost (PpRateBudget *budget,
                            gint64        now)
{
  gboolean counts;

  g_mutex_lock (&budget->lock);
  refill_locked (budget, now);
  counts = budget->per_minute > 0 || budget->has_hint;
  g_mutex_unlock (&budget->lock);

  return counts;
}

/*
 * pp_rate_budget_take:
 * @cost: what the request costs, or an estimate of it
 * @now: the monotonic time
 *
 * Takes @cost from the budget if it allows it now.
 *
 * Returns: 0 when @cost was taken; otherwise, with nothing taken, the
 *   microseconds to wait before asking again
 */
gint64
pp_rate_budget_take (PpRateBudget *budget,
                     guint64       cost,
                     gint64        now)
{
  gint64 wait = 0;

  g_mutex_lock (&budget->lock);
  refill_locked (budget, now);

  if (budget->per_minute > 0)
    {
      double needed = MIN ((double) cost, budget->capacity);

      if (budget->level < needed)
        wait = time_to_fill (budget, needed);
    }

  /* Until the endpoint renews its budget, nothing beyond what it has left */
  if (budget->has_hint && budget->hint_remaining < (double) cost)
    wait = MAX (wait, budget->hint_until - now);

  if (wait == 0)
    {
      if (budget->per_minute > 0)
        budget->level -= (double) cost;
      if (budget->has_hint)
        budget->hint_remaining -= (double) cost;
    }
  g_mutex_unlock (&budget->lock);

  return wait;
}

/*
 * pp_rate_budget_adjust:
 * @unused: what to give back: what was taken and not used (a request that
 *   was not sent, an estimate larger than the real cost), or, when
 *   negative, what was used beyond what was taken
 * @now: the monotonic time
 *
 * Corrects what pp_rate_budget_take() took.
 */
void
pp_rate_budget_adjust (PpRateBudget *budget,
                       gint64        unused,
                       gint64        now)
{
  g_mutex_lock (&budget->lock);
  refill_locked (budget, now);
  if (budget->per_minute > 0)
    budget->level = MIN (budget->capacity, budget->level + (double) unused);
  if (budget->has_hint)
    budget->hint_remaining += (double) unused;
  g_mutex_unlock (&budget->lock);
}

/*
 * pp_rate_budget_tighten:
 * @remaining: what the endpoint has left, or a negative value when it did
 *   not say
 * @reset_ms: when the endpoint renews its budget, in milliseconds from
 *   @now, or 0 when it did not say
 * @now: the monotonic time
 *
 * Takes in what an answer says of the endpoint's own budget: until it is
 * renewed, no more than @remaining go.
 */
void
pp_rate_budget_tighten (PpRateBudget *budget,
                        gint64        remaining,
                        guint         reset_ms,
                        gint64        now)
{
  if (remaining < 0)
    return;

  if (reset_ms == 0)
    reset_ms = PP_RATE_BUDGET_DEFAULT_RESET_MS;

  g_mutex_lock (&budget->lock);
  refill_locked (budget, now);
  budget->has_hint = TRUE;
  budget->hint_remaining = (double) remaining;
  budget->hint_until = now + (gint64) reset_ms * G_TIME_SPAN_MILLISECOND;
  g_mutex_unlock (&budget->lock);
}
