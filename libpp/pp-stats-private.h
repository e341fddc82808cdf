/* pp-stats-private.h: the live counters behind PpStats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-stats.h"

G_BEGIN_DECLS

typedef struct
{
  GMutex lock;
  guint submitted;
  guint running;
  guint peak_running;
  guint done;
  guint failed;
  guint retried;
  guint cache_hits;
  guint llm_requests;
  guint in_flight;
  guint peak_in_flight;
  guint64 prompt_tokens;
  guint64 completion_tokens;
  GArray *latencies_us;   /* (element-type gint64): one per LLM request */
} PpStatsCollector;

void      pp_stats_collector_init      (PpStatsCollector *collector);
void      pp_stats_collector_clear     (PpStatsCollector *collector);
void      pp_stats_collector_add_llm   (PpStatsCollector *collector,
                                        gint64            latency_us,
                                        guint             prompt_tokens,
                                        guint             completion_tokens);
PpStats  *pp_stats_collector_snapshot  (PpStatsCollector *collector,
                                        guint             worker_limit);

G_END_DECLS
