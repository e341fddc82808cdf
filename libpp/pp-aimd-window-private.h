/* pp-aimd-window-private.h: how PpAimdLimiter's limit grows and shrinks
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-concurrency-limiter.h"

G_BEGIN_DECLS

/* Where the limit starts, within the bounds */
#define PP_AIMD_WINDOW_INITIAL 8
/* The least that is left of the limit after a congestion episode */
#define PP_AIMD_WINDOW_DECREASE_FACTOR 0.95
/* How long the limit stays where a congestion episode located the
 * capacity before it asks the endpoint for more */
#define PP_AIMD_WINDOW_HOLD_US (1000 * G_TIME_SPAN_MILLISECOND)
/* How much the limit grows in the first round trip after the probe; each
 * round trip grows it by as many times more, up to the most */
#define PP_AIMD_WINDOW_GROWTH_STEP 3
#define PP_AIMD_WINDOW_MAX_GROWTH_STEP 16

/* The limit of a PpAimdLimiter, with the time given: not thread-safe (the
 * limiter's lock guards it) */
typedef struct
{
  double window;
  guint min_limit;
  guint max_limit;
  /* Counts the congestion episodes; tickets carry it in their upper half */
  guint32 episode;
  gboolean slow_start;
  /* Since the last decrease: whether the limit grew; the round trip it
   * grows in now (a limit's worth of successes: round_size), the limit as
   * it began, how much the round adds, and its successes so far */
  gboolean grown;
  double round_base;
  double step;
  guint round_size;
  guint round_done;
  /* The limit holds until then (monotonic time, µs) */
  gint64 hold_until;
  /* Since the capacity was last located: when, and the successes since,
   * which give the rate at which work gets done */
  gint64 located_at;
  guint successes;
  /* Requests waiting to be sent besides those in flight; G_MAXUINT when
   * not known */
  guint backlog;
} PpAimdWindow;

void     pp_aimd_window_init       (PpAimdWindow     *window,
                                    guint             min_limit,
                                    guint             max_limit);
guint    pp_aimd_window_get_limit  (const PpAimdWindow *window);
void     pp_aimd_window_set_bounds (PpAimdWindow     *window,
                                    guint             min_limit,
                                    guint             max_limit);
void     pp_aimd_window_set_backlog (PpAimdWindow    *window,
                                     guint            backlog);
guint64  pp_aimd_window_admit      (const PpAimdWindow *window,
                                    guint             in_flight);
void     pp_aimd_window_record     (PpAimdWindow     *window,
                                    guint64           ticket,
                                    PpRequestOutcome  outcome,
                                    gint64            now);

G_END_DECLS
