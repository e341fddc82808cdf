/* pp-stats.h: what a processor did
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-circuit-breaker.h>
#include <libpp/pp-llm-client.h>

G_BEGIN_DECLS

#define PP_TYPE_STATS (pp_stats_get_type ())

/**
 * PpStats:
 *
 * A snapshot of a processor's counters: tasks submitted, running, done,
 * failed and retried (also by class of LLM error), the segments that
 * failed for good (since 0.2), the merge candidates (since 0.2), cache
 * hits, misses and
 * store failures, requests to
 * the LLM in flight, the current worker and concurrency limits, the state
 * of the circuit breaker, LLM latency percentiles and tokens used. A
 * reference-counted, immutable boxed type.
 *
 * Since: 0.1
 */
typedef struct _PpStats PpStats;

PP_AVAILABLE_IN_ALL
GType     pp_stats_get_type              (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
PpStats  *pp_stats_ref                   (PpStats *stats);
PP_AVAILABLE_IN_ALL
void      pp_stats_unref                 (PpStats *stats);

PP_AVAILABLE_IN_ALL
guint     pp_stats_get_submitted         (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_running           (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_done              (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_failed            (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_retried           (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_retried_by_error  (PpStats    *stats,
                                          PpLlmError  code);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_failed_by_error   (PpStats    *stats,
                                          PpLlmError  code);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_n_failures        (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_n_failures_unlisted (PpStats *stats);
PP_AVAILABLE_IN_0_2
gboolean  pp_stats_get_failure           (PpStats     *stats,
                                          guint        i,
                                          guint       *segment_index,
                                          gsize       *start,
                                          gsize       *end,
                                          const char **error_class,
                                          const char **document);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_n_merge_candidates (PpStats *stats);
PP_AVAILABLE_IN_0_2
gboolean  pp_stats_get_merge_candidate   (PpStats     *stats,
                                          guint        i,
                                          const char **reason,
                                          const char **decision,
                                          const char **document,
                                          guint       *n_nodes);
PP_AVAILABLE_IN_0_2
gboolean  pp_stats_get_merge_candidate_node (PpStats     *stats,
                                             guint        i,
                                             guint        node,
                                             const char **id,
                                             const char **name,
                                             const char **type);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_cache_hits        (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_cache_misses      (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_cache_store_failures (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_shared_answers    (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_llm_requests      (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_in_flight         (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_peak_in_flight    (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_worker_limit      (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_concurrency_limit (PpStats *stats);
PP_AVAILABLE_IN_0_2
PpCircuitState pp_stats_get_circuit_state (PpStats *stats);
PP_AVAILABLE_IN_0_2
guint     pp_stats_get_circuit_opened    (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint     pp_stats_get_peak_running      (PpStats *stats);
PP_AVAILABLE_IN_ALL
double    pp_stats_get_latency_percentile (PpStats *stats,
                                           double   percentile);
PP_AVAILABLE_IN_ALL
guint64   pp_stats_get_prompt_tokens     (PpStats *stats);
PP_AVAILABLE_IN_ALL
guint64   pp_stats_get_completion_tokens (PpStats *stats);

PP_AVAILABLE_IN_ALL
JsonNode *pp_stats_to_json               (PpStats *stats);
PP_AVAILABLE_IN_ALL
char     *pp_stats_to_string             (PpStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpStats, pp_stats_unref)

G_END_DECLS
