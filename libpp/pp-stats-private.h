/* pp-stats-private.h: the live counters behind PpStats
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-stats.h"
#include "pp-segment.h"

G_BEGIN_DECLS

/* The classes of PpLlmError, from 0 */
#define PP_STATS_N_LLM_ERRORS (PP_LLM_ERROR_NOT_CONFIGURED + 1)

typedef struct
{
  GMutex lock;
  guint submitted;
  guint running;
  guint peak_running;
  guint done;
  guint failed;
  guint retried;
  guint retried_by_error[PP_STATS_N_LLM_ERRORS];
  guint failed_by_error[PP_STATS_N_LLM_ERRORS];
  guint cache_hits;
  guint cache_misses;
  guint cache_store_failures;
  guint shared_answers;
  guint llm_requests;
  guint in_flight;
  guint peak_in_flight;
  guint concurrency_limit;
  PpCircuitState circuit_state;
  guint circuit_opened;
  guint64 prompt_tokens;
  guint64 completion_tokens;
  GArray *latencies_us;   /* (element-type gint64): one per LLM request */
  GArray *failures;       /* (element-type PpStatsFailure): the first PP_STATS_MAX_FAILURES */
  guint failures_unlisted; /* failures past PP_STATS_MAX_FAILURES */
  GPtrArray *merge_candidates; /* (element-type PpMergeCandidateGroup) */
} PpStatsCollector;

/* How many failed segments a processor lists; the rest are only counted */
#define PP_STATS_MAX_FAILURES 1000

/* A segment that failed for good */
typedef struct
{
  guint segment_index;
  gsize start;
  gsize end;
  char *error_class;
  char *document;         /* (nullable) */
} PpStatsFailure;

void      pp_stats_collector_init      (PpStatsCollector *collector);
void      pp_stats_collector_clear     (PpStatsCollector *collector);
void      pp_stats_collector_add_llm   (PpStatsCollector *collector,
                                        gint64            latency_us,
                                        guint             prompt_tokens,
                                        guint             completion_tokens);
void      pp_stats_collector_add_retried (PpStatsCollector *collector,
                                         const GError     *error);
void      pp_stats_collector_add_failed  (PpStatsCollector *collector,
                                         const char       *document,
                                         PpSegment        *segment,
                                         const GError     *error);
void      pp_stats_collector_add_merge_candidates (PpStatsCollector *collector,
                                                   GPtrArray        *groups);
PpStats  *pp_stats_collector_snapshot  (PpStatsCollector *collector,
                                        guint             worker_limit);

G_END_DECLS
