/* pp-rate-budget-private.h: a budget of requests or tokens per minute
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* When an answer says how much is left but not when it is renewed */
#define PP_RATE_BUDGET_DEFAULT_RESET_MS 1000

typedef struct _PpRateBudget PpRateBudget;

PpRateBudget *pp_rate_budget_new            (void);
void          pp_rate_budget_free           (PpRateBudget *budget);
void          pp_rate_budget_set_per_minute (PpRateBudget *budget,
                                             guint         per_minute,
                                             gint64        now);
guint         pp_rate_budget_get_per_minute (PpRateBudget *budget);
gboolean      pp_rate_budget_counts_cost    (PpRateBudget *budget,
                                             gint64        now);
gint64        pp_rate_budget_take           (PpRateBudget *budget,
                                             guint64       cost,
                                             gint64        now);
void          pp_rate_budget_adjust         (PpRateBudget *budget,
                                             gint64        unused,
                                             gint64        now);
void          pp_rate_budget_tighten        (PpRateBudget *budget,
                                             gint64        remaining,
                                             guint         reset_ms,
                                             gint64        now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpRateBudget, pp_rate_budget_free)

G_END_DECLS
