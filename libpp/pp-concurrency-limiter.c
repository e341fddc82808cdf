/* pp-concurrency-limiter.c: how many requests may be in flight now
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-concurrency-limiter.h"

/**
 * PpConcurrencyLimiter:
 *
 * Decides how many requests to an endpoint may be in flight at once.
 *
 * The processor acquires a limiter before every request it sends and
 * releases it with the request's [enum@Pp.RequestOutcome] when the answer
 * (or the error) is in. [class@Pp.AimdLimiter], the default, adapts the
 * limit to what the endpoint tolerates; an implementation shared by several
 * machines can take its place without any change to the processor.
 *
 * Since: 0.2
 */

G_DEFINE_INTERFACE (PpConcurrencyLimiter, pp_concurrency_limiter, G_TYPE_OBJECT)

static void
pp_concurrency_limiter_default_init (PpConcurrencyLimiterInterface *iface)
{
}

/**
 * pp_concurrency_limiter_acquire:
 * @limiter: a limiter
 * @cancellable: (nullable): a cancellable
 * @ticket: (out): where to put the ticket to give back to
 *   [method@Pp.ConcurrencyLimiter.release]
 * @error: return location for a #GError
 *
 * Waits until one more request may be in flight and counts it in. Every
 * successful call must be matched by one call to
 * [method@Pp.ConcurrencyLimiter.release] with the same @ticket.
 *
 * Returns: %TRUE when the request may go; %FALSE, with @error set, when
 *   @cancellable was cancelled while waiting
 *
 * Since: 0.2
 */
gboolean
pp_concurrency_limiter_acquire (PpConcurrencyLimiter  *limiter,
                                GCancellable          *cancellable,
                                guint64               *ticket,
                                GError               **error)
{
  g_return_val_if_fail (PP_IS_CONCURRENCY_LIMITER (limiter), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (ticket != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return PP_CONCURRENCY_LIMITER_GET_IFACE (limiter)->acquire (limiter, cancellable, ticket, error);
}

/**
 * pp_concurrency_limiter_release:
 * @limiter: a limiter
 * @ticket: the ticket [method@Pp.ConcurrencyLimiter.acquire] gave
 * @outcome: how the request ended
 *
 * Counts out a request that [method@Pp.ConcurrencyLimiter.acquire] let go.
 *
 * Since: 0.2
 */
void
pp_concurrency_limiter_release (PpConcurrencyLimiter *limiter,
                                guint64               ticket,
                                PpRequestOutcome      outcome)
{
  g_return_if_fail (PP_IS_CONCURRENCY_LIMITER (limiter));

  PP_CONCURRENCY_LIMITER_GET_IFACE (limiter)->release (limiter, ticket, outcome);
}

/**
 * pp_concurrency_limiter_get_limit:
 * @limiter: a limiter
 *
 * Gets how many requests the limiter lets be in flight at once now.
 *
 * Returns: how many requests may be in flight now
 *
 * Since: 0.2
 */
guint
pp_concurrency_limiter_get_limit (PpConcurrencyLimiter *limiter)
{
  g_return_val_if_fail (PP_IS_CONCURRENCY_LIMITER (limiter), 0);

  return PP_CONCURRENCY_LIMITER_GET_IFACE (limiter)->get_limit (limiter);
}

/**
 * pp_concurrency_limiter_set_bounds:
 * @limiter: a limiter
 * @min_limit: the least requests in flight the limit allows, at least 1
 * @max_limit: the most requests in flight the limit allows, at least
 *   @min_limit
 *
 * Sets the range the limit stays in; equal bounds pin it. Takes effect at
 * once, also while requests are in flight.
 *
 * Since: 0.2
 */
void
pp_concurrency_limiter_set_bounds (PpConcurrencyLimiter *limiter,
                                   guint                 min_limit,
                                   guint                 max_limit)
{
  g_return_if_fail (PP_IS_CONCURRENCY_LIMITER (limiter));
  g_return_if_fail (min_limit >= 1);
  g_return_if_fail (max_limit >= min_limit);

  PP_CONCURRENCY_LIMITER_GET_IFACE (limiter)->set_bounds (limiter, min_limit, max_limit);
}

/**
 * pp_concurrency_limiter_set_backlog:
 * @limiter: a #PpConcurrencyLimiter
 * @backlog: how many requests wait to be sent, besides those in flight
 *
 * Tells @limiter how much work is left: the processor calls it as
 * answers come in. A limiter may use it not to look for more capacity
 * when too little work is left to profit from it (a refused probe costs
 * a request the server's `Retry-After`). Limiters that have no use for it
 * leave the method unset.
 *
 * Since: 0.2
 */
void
pp_concurrency_limiter_set_backlog (PpConcurrencyLimiter *limiter,
                                    guint                 backlog)
{
  PpConcurrencyLimiterInterface *iface;

  g_return_if_fail (PP_IS_CONCURRENCY_LIMITER (limiter));

  iface = PP_CONCURRENCY_LIMITER_GET_IFACE (limiter);
  if (iface->set_backlog != NULL)
    iface->set_backlog (limiter, backlog);
}
