/* pp-concurrency-limiter.h: how many requests may be in flight now
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PpRequestOutcome:
 * @PP_REQUEST_OUTCOME_SUCCESS: the endpoint answered
 * @PP_REQUEST_OUTCOME_OVERLOADED: the endpoint said it had too much to do
 *   (it answered 429 or did not answer in time)
 * @PP_REQUEST_OUTCOME_IGNORED: the request ended in a way that says nothing
 *   about the endpoint's load (another error, or it was cancelled)
 *
 * How a request admitted by a [iface@Pp.ConcurrencyLimiter] ended.
 *
 * Since: 0.2
 */
typedef enum {
  PP_REQUEST_OUTCOME_SUCCESS,
  PP_REQUEST_OUTCOME_OVERLOADED,
  PP_REQUEST_OUTCOME_IGNORED,
} PpRequestOutcome;

#define PP_TYPE_CONCURRENCY_LIMITER (pp_concurrency_limiter_get_type ())

PP_AVAILABLE_IN_0_2
G_DECLARE_INTERFACE (PpConcurrencyLimiter, pp_concurrency_limiter, PP, CONCURRENCY_LIMITER, GObject)

/**
 * PpConcurrencyLimiterInterface:
 * @g_iface: the parent interface
 * @acquire: waits until one more request may be in flight, then counts it
 *   and sets a ticket that the matching @release gets back; fails only
 *   when the cancellable is cancelled
 * @release: counts a request out, with how it ended
 * @get_limit: how many requests may be in flight now
 * @set_bounds: the least and the most requests the limit may allow
 * @set_backlog: how many requests wait to be sent, besides those in
 *   flight; optional. Since: 0.2
 *
 * The virtual methods of [iface@Pp.ConcurrencyLimiter]. @acquire and
 * @release are called from many threads at once; every method must be
 * thread-safe.
 *
 * Since: 0.2
 */
struct _PpConcurrencyLimiterInterface
{
  GTypeInterface g_iface;

  gboolean  (* acquire)    (PpConcurrencyLimiter  *limiter,
                            GCancellable          *cancellable,
                            guint64               *ticket,
                            GError               **error);
  void      (* release)    (PpConcurrencyLimiter  *limiter,
                            guint64                ticket,
                            PpRequestOutcome       outcome);
  guint     (* get_limit)  (PpConcurrencyLimiter  *limiter);
  void      (* set_bounds) (PpConcurrencyLimiter  *limiter,
                            guint                  min_limit,
                            guint                  max_limit);
  void      (* set_backlog) (PpConcurrencyLimiter *limiter,
                             guint                 backlog);

  /*< private >*/
  gpointer padding[7];
};

PP_AVAILABLE_IN_0_2
gboolean pp_concurrency_limiter_acquire    (PpConcurrencyLimiter  *limiter,
                                            GCancellable          *cancellable,
                                            guint64               *ticket,
                                            GError               **error);
PP_AVAILABLE_IN_0_2
void     pp_concurrency_limiter_release    (PpConcurrencyLimiter  *limiter,
                                            guint64                ticket,
                                            PpRequestOutcome       outcome);
PP_AVAILABLE_IN_0_2
guint    pp_concurrency_limiter_get_limit  (PpConcurrencyLimiter  *limiter);
PP_AVAILABLE_IN_0_2
void     pp_concurrency_limiter_set_bounds (PpConcurrencyLimiter  *limiter,
                                            guint                  min_limit,
                                            guint                  max_limit);
PP_AVAILABLE_IN_0_2
void     pp_concurrency_limiter_set_backlog (PpConcurrencyLimiter *limiter,
                                             guint                 backlog);

G_END_DECLS
