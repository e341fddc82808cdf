/* pp-stats.c: what a processor did
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "pp-stats.h"
#include "pp-stats-private.h"
#include "pp-enum-types.h"

struct _PpStats
{
  guint submitted;
  guint running;
  guint peak_running;
  guint done;
  guint failed;
  guint retried;
  guint retried_by_error[PP_STATS_N_LLM_ERRORS];
  guint failed_by_error[PP_STATS_N_LLM_ERRORS];
  guint cache_hits;
  guint shared_answers;
  guint cache_misses;
  guint cache_store_failures;
  guint llm_requests;
  guint in_flight;
  guint peak_in_flight;
  guint worker_limit;
  guint concurrency_limit;
  PpCircuitState circuit_state;
  guint circuit_opened;
  guint64 prompt_tokens;
  guint64 completion_tokens;
  GArray *latencies_us;   /* sorted */
};

G_DEFINE_BOXED_TYPE (PpStats, pp_stats, pp_stats_ref, pp_stats_unref)

void
pp_stats_collector_init (PpStatsCollector *collector)
{
  memset (collector, 0, sizeof *collector);
  g_mutex_init (&collector->lock);
  collector->latencies_us = g_array_new (FALSE, FALSE, sizeof (gint64));
}

void
pp_stats_collector_clear (PpStatsCollector *collector)
{
  g_clear_pointer (&collector->latencies_us, g_array_unref);
  g_mutex_clear (&collector->lock);
}

void
pp_stats_collector_add_llm (PpStatsCollector *collector,
                            gint64            latency_us,
                            guint             prompt_tokens,
                            guint             completion_tokens)
{
  g_mutex_lock (&collector->lock);
  collector->llm_requests++;
  collector->prompt_tokens += prompt_tokens;
  collector->completion_tokens += completion_tokens;
  g_array_append_val (collector->latencies_us, latency_us);
  g_mutex_unlock (&collector->lock);
}

/* The index of @error's class in the by-error counters, or -1 when it is
 * not an LLM error */
static int
llm_error_class (const GError *error)
{
  if (error == NULL || error->domain != PP_LLM_ERROR ||
      error->code < 0 || error->code >= PP_STATS_N_LLM_ERRORS)
    return -1;

  return error->code;
}

/* Counts a retry after @error */
void
pp_stats_collector_add_retried (PpStatsCollector *collector,
                                const GError     *error)
{
  int class = llm_error_class (error);

  g_mutex_lock (&collector->lock);
  collector->retried++;
  if (class >= 0)
    collector->retried_by_error[class]++;
  g_mutex_unlock (&collector->lock);
}

/* Counts a segment that failed for good with @error */
void
pp_stats_collector_add_failed (PpStatsCollector *collector,
                               const GError     *error)
{
  int class = llm_error_class (error);

  g_mutex_lock (&collector->lock);
  collector->failed++;
  if (class >= 0)
    collector->failed_by_error[class]++;
  g_mutex_unlock (&collector->lock);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

PpStats *
pp_stats_collector_snapshot (PpStatsCollector *collector,
                             guint             worker_limit)
{
  PpStats *stats = g_atomic_rc_box_new0 (PpStats);

  g_mutex_lock (&collector->lock);
  stats->submitted = collector->submitted;
  stats->running = collector->running;
  stats->peak_running = collector->peak_running;
  stats->done = collector->done;
  stats->failed = collector->failed;
  stats->retried = collector->retried;
  memcpy (stats->retried_by_error, collector->retried_by_error, sizeof stats->retried_by_error);
  memcpy (stats->failed_by_error, collector->failed_by_error, sizeof stats->failed_by_error);
  stats->cache_hits = collector->cache_hits;
  stats->shared_answers = collector->shared_answers;
  stats->cache_misses = collector->cache_misses;
  stats->cache_store_failures = collector->cache_store_failures;
  stats->llm_requests = collector->llm_requests;
  stats->in_flight = collector->in_flight;
  stats->peak_in_flight = collector->peak_in_flight;
  stats->concurrency_limit = collector->concurrency_limit;
  stats->circuit_state = collector->circuit_state;
  stats->circuit_opened = collector->circuit_opened;
  stats->prompt_tokens = collector->prompt_tokens;
  stats->completion_tokens = collector->completion_tokens;
  stats->latencies_us = g_array_sized_new (FALSE, FALSE, sizeof (gint64), collector->latencies_us->len);
  g_array_append_vals (stats->latencies_us, collector->latencies_us->data, collector->latencies_us->len);
  g_mutex_unlock (&collector->lock);

  stats->worker_limit = worker_limit;
  g_array_sort (stats->latencies_us, compare_gint64);

  return stats;
}

/* An object with a member per class of LLM error, named by its nickname
 * with underscores */
static void
add_counts_by_error (JsonBuilder *builder,
                     const char  *member,
                     const guint *counts)
{
  GEnumClass *classes = g_type_class_ref (PP_TYPE_LLM_ERROR);

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  for (int i = 0; i < PP_STATS_N_LLM_ERRORS; i++)
    {
      GEnumValue *value = g_enum_get_value (classes, i);
      g_autofree char *name = g_strdup (value != NULL ? value->value_nick : "unknown");

      json_builder_set_member_name (builder, g_strdelimit (name, "-", '_'));
      json_builder_add_int_value (builder, counts[i]);
    }
  json_builder_end_object (builder);
  g_type_class_unref (classes);
}

static void
pp_stats_clear (PpStats *stats)
{
  g_clear_pointer (&stats->latencies_us, g_array_unref);
}

/**
 * pp_stats_ref:
 * @stats: a #PpStats
 *
 * Acquires a reference on @stats.
 *
 * Returns: (transfer full): @stats, with one more reference
 *
 * Since: 0.1
 */
PpStats *
pp_stats_ref (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, NULL);

  return g_atomic_rc_box_acquire (stats);
}

/**
 * pp_stats_unref:
 * @stats: (transfer full): a #PpStats
 *
 * Drops a reference; the last one frees the snapshot.
 *
 * Since: 0.1
 */
void
pp_stats_unref (PpStats *stats)
{
  g_return_if_fail (stats != NULL);

  g_atomic_rc_box_release_full (stats, (GDestroyNotify) pp_stats_clear);
}

/**
 * pp_stats_get_submitted:
 * @stats: a #PpStats
 *
 * Gets how many segments were submitted.
 *
 * Returns: the segments submitted
 *
 * Since: 0.1
 */
guint
pp_stats_get_submitted (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->submitted;
}

/**
 * pp_stats_get_running:
 * @stats: a #PpStats
 *
 * Gets how many segments were being converted.
 *
 * Returns: the segments being converted
 *
 * Since: 0.1
 */
guint
pp_stats_get_running (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->running;
}

/**
 * pp_stats_get_peak_running:
 * @stats: a #PpStats
 *
 * Gets the most segments that were converted at once.
 *
 * Returns: the most segments converted at once
 *
 * Since: 0.1
 */
guint
pp_stats_get_peak_running (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->peak_running;
}

/**
 * pp_stats_get_done:
 * @stats: a #PpStats
 *
 * Gets how many segments were converted.
 *
 * Returns: the segments converted
 *
 * Since: 0.1
 */
guint
pp_stats_get_done (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->done;
}

/**
 * pp_stats_get_failed:
 * @stats: a #PpStats
 *
 * Gets how many segments failed for good.
 *
 * Returns: the segments that failed for good
 *
 * Since: 0.1
 */
guint
pp_stats_get_failed (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->failed;
}

/**
 * pp_stats_get_retried:
 * @stats: a #PpStats
 *
 * Gets how many retries were scheduled after transient errors.
 *
 * Returns: the retries scheduled after transient errors
 *
 * Since: 0.1
 */
guint
pp_stats_get_retried (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->retried;
}

/**
 * pp_stats_get_retried_by_error:
 * @stats: a #PpStats
 * @code: a class of LLM error
 *
 * Gets how many retries were scheduled after an LLM error of class @code.
 * Only transient classes are retried (see
 * [func@Pp.LlmError.is_transient]): the others count 0.
 *
 * Returns: the retries scheduled after errors of class @code
 *
 * Since: 0.2
 */
guint
pp_stats_get_retried_by_error (PpStats    *stats,
                               PpLlmError  code)
{
  g_return_val_if_fail (stats != NULL, 0);
  g_return_val_if_fail ((int) code >= 0 && (int) code < PP_STATS_N_LLM_ERRORS, 0);

  return stats->retried_by_error[code];
}

/**
 * pp_stats_get_failed_by_error:
 * @stats: a #PpStats
 * @code: a class of LLM error
 *
 * Gets how many segments failed for good with an LLM error of class
 * @code. Segments that failed with another error (an answer the converter
 * could not use, %PP_PROCESSOR_ERROR_STOPPED, %PP_PROCESSOR_ERROR_DEADLINE,
 * a cancellation) count only in [method@Pp.Stats.get_failed].
 *
 * Returns: the segments that failed for good with errors of class @code
 *
 * Since: 0.2
 */
guint
pp_stats_get_failed_by_error (PpStats    *stats,
                              PpLlmError  code)
{
  g_return_val_if_fail (stats != NULL, 0);
  g_return_val_if_fail ((int) code >= 0 && (int) code < PP_STATS_N_LLM_ERRORS, 0);

  return stats->failed_by_error[code];
}

/**
 * pp_stats_get_cache_hits:
 * @stats: a #PpStats
 *
 * Gets how many answers were found in the cache.
 *
 * Returns: the answers found in the cache
 *
 * Since: 0.1
 */
guint
pp_stats_get_cache_hits (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->cache_hits;
}

/**
 * pp_stats_get_shared_answers:
 * @stats: a #PpStats
 *
 * Gets how many requests were not sent because an identical one was in
 * flight at the time: they shared its answer (or its error).
 *
 * Returns: the requests that shared the answer of an identical one
 *
 * Since: 0.2
 */
guint
pp_stats_get_shared_answers (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->shared_answers;
}

/**
 * pp_stats_get_cache_misses:
 * @stats: a #PpStats
 *
 * Gets how many answers were looked up in the cache and not found there
 * (or found unreadable, or the lookup failed).
 *
 * Returns: the cache misses
 *
 * Since: 0.2
 */
guint
pp_stats_get_cache_misses (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->cache_misses;
}

/**
 * pp_stats_get_cache_store_failures:
 * @stats: a #PpStats
 *
 * Gets how many accepted answers the cache did not store, with an error or
 * without one.
 *
 * Returns: the answers the cache failed to store
 *
 * Since: 0.2
 */
guint
pp_stats_get_cache_store_failures (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->cache_store_failures;
}

/**
 * pp_stats_get_llm_requests:
 * @stats: a #PpStats
 *
 * Gets how many requests the LLM client answered.
 *
 * Returns: the requests answered by the LLM client
 *
 * Since: 0.1
 */
guint
pp_stats_get_llm_requests (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->llm_requests;
}

/**
 * pp_stats_get_in_flight:
 * @stats: a #PpStats
 *
 * Gets how many requests to the LLM were in flight.
 *
 * Returns: the requests to the LLM in flight
 *
 * Since: 0.1
 */
guint
pp_stats_get_in_flight (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->in_flight;
}

/**
 * pp_stats_get_peak_in_flight:
 * @stats: a #PpStats
 *
 * Gets the most requests to the LLM that were in flight at once.
 *
 * Returns: the most requests to the LLM in flight at once
 *
 * Since: 0.1
 */
guint
pp_stats_get_peak_in_flight (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->peak_in_flight;
}

/**
 * pp_stats_get_worker_limit:
 * @stats: a #PpStats
 *
 * Gets how many segments could be converted at once.
 *
 * Returns: the worker limit when the snapshot was taken
 *
 * Since: 0.1
 */
guint
pp_stats_get_worker_limit (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->worker_limit;
}

/**
 * pp_stats_get_concurrency_limit:
 * @stats: a #PpStats
 *
 * Gets how many requests could be in flight at once, as the processor's
 * concurrency limiter decided (see [property@Pp.Processor:concurrency-limit]).
 *
 * Returns: the concurrency limit when the snapshot was taken
 *
 * Since: 0.2
 */
guint
pp_stats_get_concurrency_limit (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->concurrency_limit;
}

/**
 * pp_stats_get_circuit_state:
 * @stats: a #PpStats
 *
 * Gets the state of the processor's circuit breaker (see
 * [property@Pp.Processor:circuit-state]).
 *
 * Returns: the state when the snapshot was taken
 *
 * Since: 0.2
 */
PpCircuitState
pp_stats_get_circuit_state (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, PP_CIRCUIT_CLOSED);

  return stats->circuit_state;
}

/**
 * pp_stats_get_circuit_opened:
 * @stats: a #PpStats
 *
 * Gets how many times the processor's circuit breaker opened, counting
 * each time a failed probe opened it again.
 *
 * Returns: how many times the circuit opened
 *
 * Since: 0.2
 */
guint
pp_stats_get_circuit_opened (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->circuit_opened;
}

/**
 * pp_stats_get_prompt_tokens:
 * @stats: a #PpStats
 *
 * Gets how many prompt tokens the endpoint counted.
 *
 * Returns: the prompt tokens the endpoint counted
 *
 * Since: 0.1
 */
guint64
pp_stats_get_prompt_tokens (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->prompt_tokens;
}

/**
 * pp_stats_get_completion_tokens:
 * @stats: a #PpStats
 *
 * Gets how many answer tokens the endpoint counted.
 *
 * Returns: the answer tokens the endpoint counted
 *
 * Since: 0.1
 */
guint64
pp_stats_get_completion_tokens (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->completion_tokens;
}

/**
 * pp_stats_get_latency_percentile:
 * @stats: a #PpStats
 * @percentile: a percentile, from 0 to 100
 *
 * The latency of LLM requests at @percentile (nearest-rank), over the
 * requests the LLM client answered (cache hits excluded).
 *
 * Returns: the latency in milliseconds, or 0 when there was no request
 *
 * Since: 0.1
 */
double
pp_stats_get_latency_percentile (PpStats *stats,
                                 double   percentile)
{
  guint n;
  guint rank;

  g_return_val_if_fail (stats != NULL, 0.0);
  g_return_val_if_fail (percentile >= 0.0 && percentile <= 100.0, 0.0);

  n = stats->latencies_us->len;
  if (n == 0)
    return 0.0;

  rank = (guint) ceil (percentile / 100.0 * n);
  rank = CLAMP (rank, 1, n);

  return g_array_index (stats->latencies_us, gint64, rank - 1) / 1000.0;
}

/**
 * pp_stats_to_json:
 * @stats: a #PpStats
 *
 * Serialises the snapshot to a JSON object: the counters, the LLM latency
 * percentiles (`llm_latency_ms`) and the token counts (`tokens`). Since
 * 0.2, `retried_by_error` and `failed_by_error` count by class of LLM
 * error, with a member per class named by its nickname with underscores
 * (`rate_limited`, `transient`, `context_length`…), and `cache_misses` and
 * `cache_store_failures` join `cache_hits`, and `shared_answers` counts
 * the requests that shared the answer of an identical one in flight.
 *
 * Returns: (transfer full): the snapshot as a JSON object
 *
 * Since: 0.1
 */
JsonNode *
pp_stats_to_json (PpStats *stats)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GEnumClass *circuit_states;

  g_return_val_if_fail (stats != NULL, NULL);

#define ADD_INT(name, value) \
  G_STMT_START { \
    json_builder_set_member_name (builder, name); \
    json_builder_add_int_value (builder, (gint64) (value)); \
  } G_STMT_END
#define ADD_DOUBLE(name, value) \
  G_STMT_START { \
    json_builder_set_member_name (builder, name); \
    json_builder_add_double_value (builder, (value)); \
  } G_STMT_END

  json_builder_begin_object (builder);
  ADD_INT ("submitted", stats->submitted);
  ADD_INT ("running", stats->running);
  ADD_INT ("peak_running", stats->peak_running);
  ADD_INT ("done", stats->done);
  ADD_INT ("failed", stats->failed);
  ADD_INT ("retried", stats->retried);
  add_counts_by_error (builder, "retried_by_error", stats->retried_by_error);
  add_counts_by_error (builder, "failed_by_error", stats->failed_by_error);
  ADD_INT ("cache_hits", stats->cache_hits);
  ADD_INT ("cache_misses", stats->cache_misses);
  ADD_INT ("cache_store_failures", stats->cache_store_failures);
  ADD_INT ("shared_answers", stats->shared_answers);
  ADD_INT ("llm_requests", stats->llm_requests);
  ADD_INT ("in_flight", stats->in_flight);
  ADD_INT ("peak_in_flight", stats->peak_in_flight);
  ADD_INT ("worker_limit", stats->worker_limit);
  ADD_INT ("concurrency_limit", stats->concurrency_limit);
  json_builder_set_member_name (builder, "circuit");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "state");
  circuit_states = g_type_class_ref (PP_TYPE_CIRCUIT_STATE);
  json_builder_add_string_value (builder, g_enum_get_value (circuit_states, (int) stats->circuit_state)->value_nick);
  g_type_class_unref (circuit_states);
  ADD_INT ("opened", stats->circuit_opened);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "llm_latency_ms");
  json_builder_begin_object (builder);
  ADD_DOUBLE ("p50", pp_stats_get_latency_percentile (stats, 50));
  ADD_DOUBLE ("p95", pp_stats_get_latency_percentile (stats, 95));
  ADD_DOUBLE ("p99", pp_stats_get_latency_percentile (stats, 99));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "tokens");
  json_builder_begin_object (builder);
  ADD_INT ("prompt", stats->prompt_tokens);
  ADD_INT ("completion", stats->completion_tokens);
  ADD_INT ("total", stats->prompt_tokens + stats->completion_tokens);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

#undef ADD_INT
#undef ADD_DOUBLE

  return json_builder_get_root (builder);
}

/**
 * pp_stats_to_string:
 * @stats: a #PpStats
 *
 * Serialises the snapshot to pretty-printed JSON, as
 * [method@Pp.Stats.to_json] builds it.
 *
 * Returns: (transfer full): the snapshot as pretty-printed JSON
 *
 * Since: 0.1
 */
char *
pp_stats_to_string (PpStats *stats)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (stats != NULL, NULL);

  root = pp_stats_to_json (stats);
  return json_to_string (root, TRUE);
}
