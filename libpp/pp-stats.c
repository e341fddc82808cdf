/* pp-stats.c: what a processor did
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>

#include "pp-stats.h"
#include "pp-stats-private.h"
#include "pp-cache.h"
#include "pp-converter.h"
#include "pp-document.h"
#include "pp-enum-types.h"
#include "pp-json-parse.h"
#include "pp-merge-candidates-private.h"
#include "pp-processor.h"

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
  GArray *failures;       /* (element-type PpStatsFailure): by document, then segment */
  guint failures_unlisted;
  GPtrArray *merge_candidates; /* (element-type PpMergeCandidateGroup): by
                                * document, then first node */
};

G_DEFINE_BOXED_TYPE (PpStats, pp_stats, pp_stats_ref, pp_stats_unref)

static void
failure_clear (PpStatsFailure *failure)
{
  g_clear_pointer (&failure->error_class, g_free);
  g_clear_pointer (&failure->document, g_free);
}

static GArray *
failures_new (guint reserved)
{
  GArray *failures = g_array_sized_new (FALSE, FALSE, sizeof (PpStatsFailure), reserved);

  g_array_set_clear_func (failures, (GDestroyNotify) failure_clear);
  return failures;
}

void
pp_stats_collector_init (PpStatsCollector *collector)
{
  memset (collector, 0, sizeof *collector);
  g_mutex_init (&collector->lock);
  collector->latencies_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  collector->failures = failures_new (0);
  collector->merge_candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_merge_candidate_group_unref);
}

void
pp_stats_collector_clear (PpStatsCollector *collector)
{
  g_clear_pointer (&collector->latencies_us, g_array_unref);
  g_clear_pointer (&collector->failures, g_array_unref);
  g_clear_pointer (&collector->merge_candidates, g_ptr_array_unref);
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

/* The enumeration of each error domain whose codes have nicknames */
static GType
error_domain_enum (GQuark domain)
{
  if (domain == PP_LLM_ERROR)
    return PP_TYPE_LLM_ERROR;
  if (domain == PP_CONVERTER_ERROR)
    return PP_TYPE_CONVERTER_ERROR;
  if (domain == PP_PROCESSOR_ERROR)
    return PP_TYPE_PROCESSOR_ERROR;
  if (domain == PP_CACHE_ERROR)
    return PP_TYPE_CACHE_ERROR;
  if (domain == PP_DOCUMENT_ERROR)
    return PP_TYPE_DOCUMENT_ERROR;
  if (domain == PP_JSON_ERROR)
    return PP_TYPE_JSON_ERROR;
  if (domain == G_IO_ERROR)
    return G_TYPE_IO_ERROR_ENUM;
  return G_TYPE_INVALID;
}

/* The class of @error, as [method@Pp.Stats.get_failure] documents it:
 * "rate-limited" for PP_LLM_ERROR_RATE_LIMITED, "converter/invalid-output"
 * for PP_CONVERTER_ERROR_INVALID_OUTPUT, "g-io/cancelled",
 * "some-domain/3" for a domain without nicknames */
static char *
error_class_new (const GError *error)
{
  GType enum_type = error_domain_enum (error->domain);
  const char *domain = g_quark_to_string (error->domain);
  g_autofree char *code = NULL;
  gsize domain_len;

  if (enum_type != G_TYPE_INVALID)
    {
      GEnumClass *codes = g_type_class_ref (enum_type);
      GEnumValue *value = g_enum_get_value (codes, error->code);

      if (value != NULL)
        code = g_strdup (value->value_nick);
      g_type_class_unref (codes);
    }
  if (code == NULL)
    code = g_strdup_printf ("%d", error->code);

  if (error->domain == PP_LLM_ERROR)
    return g_steal_pointer (&code);

  /* "pp-converter-error-quark" is "converter" */
  if (g_str_has_prefix (domain, "pp-"))
    domain += strlen ("pp-");
  domain_len = strlen (domain);
  if (g_str_has_suffix (domain, "-error-quark"))
    domain_len -= strlen ("-error-quark");

  return g_strdup_printf ("%.*s/%s", (int) domain_len, domain, code);
}

/* Counts a segment of @document that failed for good with @error, and
 * lists it unless a stopped dispatch skipped it: the first
 * PP_STATS_MAX_FAILURES are listed, the others only counted */
void
pp_stats_collector_add_failed (PpStatsCollector *collector,
                               const char       *document,
                               PpSegment        *segment,
                               const GError     *error)
{
  int class = llm_error_class (error);
  gboolean listed = !g_error_matches (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED);
  PpStatsFailure failure = { 0, };

  if (listed)
    {
      gsize offset = pp_segment_get_offset (segment);

      failure.segment_index = pp_segment_get_index (segment);
      failure.start = offset;
      failure.end = offset + pp_segment_get_length (segment);
      failure.error_class = error_class_new (error);
      failure.document = g_strdup (document);
    }

  g_mutex_lock (&collector->lock);
  collector->failed++;
  if (class >= 0)
    collector->failed_by_error[class]++;
  if (listed && collector->failures->len < PP_STATS_MAX_FAILURES)
    {
      g_array_append_val (collector->failures, failure);
      listed = FALSE;
    }
  else if (listed)
    collector->failures_unlisted++;
  g_mutex_unlock (&collector->lock);

  /* Not kept */
  if (listed)
    failure_clear (&failure);
}

/* Adds a document's merge candidate groups, decided: they are not
 * changed any more */
void
pp_stats_collector_add_merge_candidates (PpStatsCollector *collector,
                                         GPtrArray        *groups)
{
  g_mutex_lock (&collector->lock);
  for (guint i = 0; i < groups->len; i++)
    g_ptr_array_add (collector->merge_candidates, pp_merge_candidate_group_ref (groups->pdata[i]));
  g_mutex_unlock (&collector->lock);
}

/* By document, then first node */
static int
compare_merge_candidates (gconstpointer a,
                          gconstpointer b)
{
  const PpMergeCandidateGroup *x = *(PpMergeCandidateGroup * const *) a;
  const PpMergeCandidateGroup *y = *(PpMergeCandidateGroup * const *) b;
  int order = g_strcmp0 (x->document, y->document);

  if (order == 0)
    order = strcmp (g_array_index (x->nodes, PpMergeCandidateNode, 0).id,
                    g_array_index (y->nodes, PpMergeCandidateNode, 0).id);
  return order;
}

/* By document, then segment */
static int
compare_failures (gconstpointer a,
                  gconstpointer b)
{
  const PpStatsFailure *x = a;
  const PpStatsFailure *y = b;
  int by_document = g_strcmp0 (x->document, y->document);

  if (by_document != 0)
    return by_document;
  return (x->segment_index > y->segment_index) - (x->segment_index < y->segment_index);
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
  stats->failures = failures_new (collector->failures->len);
  for (guint i = 0; i < collector->failures->len; i++)
    {
      const PpStatsFailure *failure = &g_array_index (collector->failures, PpStatsFailure, i);
      PpStatsFailure copy = *failure;

      copy.error_class = g_strdup (failure->error_class);
      copy.document = g_strdup (failure->document);
      g_array_append_val (stats->failures, copy);
    }
  stats->failures_unlisted = collector->failures_unlisted;
  stats->merge_candidates = g_ptr_array_new_full (collector->merge_candidates->len,
                                                  (GDestroyNotify) pp_merge_candidate_group_unref);
  for (guint i = 0; i < collector->merge_candidates->len; i++)
    g_ptr_array_add (stats->merge_candidates,
                     pp_merge_candidate_group_ref (collector->merge_candidates->pdata[i]));
  g_mutex_unlock (&collector->lock);

  stats->worker_limit = worker_limit;
  g_array_sort (stats->latencies_us, compare_gint64);
  g_array_sort (stats->failures, compare_failures);
  g_ptr_array_sort (stats->merge_candidates, compare_merge_candidates);

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

/* The listed failures, as an array of objects, and how many are not */
static void
add_failures (JsonBuilder *builder,
              PpStats     *stats)
{
  json_builder_set_member_name (builder, "failures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < stats->failures->len; i++)
    {
      const PpStatsFailure *failure = &g_array_index (stats->failures, PpStatsFailure, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "segment");
      json_builder_add_int_value (builder, failure->segment_index);
      json_builder_set_member_name (builder, "start");
      json_builder_add_int_value (builder, (gint64) failure->start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_int_value (builder, (gint64) failure->end);
      json_builder_set_member_name (builder, "error");
      json_builder_add_string_value (builder, failure->error_class);
      json_builder_set_member_name (builder, "document");
      if (failure->document != NULL)
        json_builder_add_string_value (builder, failure->document);
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "failures_unlisted");
  json_builder_add_int_value (builder, stats->failures_unlisted);
}

/* The merge candidate groups, and how many were decided each way */
static void
add_merge_candidates (JsonBuilder *builder,
                      PpStats     *stats)
{
  guint decisions[PP_MERGE_DECISION_UNANSWERED + 1] = { 0, };

  json_builder_set_member_name (builder, "merge_candidates");
  json_builder_add_value (builder, pp_merge_candidates_to_json (stats->merge_candidates));

  for (guint i = 0; i < stats->merge_candidates->len; i++)
    decisions[((PpMergeCandidateGroup *) stats->merge_candidates->pdata[i])->decision]++;
  json_builder_set_member_name (builder, "merge_decisions");
  json_builder_begin_object (builder);
  for (guint d = 0; d < G_N_ELEMENTS (decisions); d++)
    {
      json_builder_set_member_name (builder, pp_merge_decision_to_string (d));
      json_builder_add_int_value (builder, decisions[d]);
    }
  json_builder_end_object (builder);
}

static void
pp_stats_clear (PpStats *stats)
{
  g_clear_pointer (&stats->latencies_us, g_array_unref);
  g_clear_pointer (&stats->failures, g_array_unref);
  g_clear_pointer (&stats->merge_candidates, g_ptr_array_unref);
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
 * pp_stats_get_n_failures:
 * @stats: a #PpStats
 *
 * Gets how many segments that failed for good are listed, for
 * [method@Pp.Stats.get_failure]. Segments that a stopped processor did not
 * convert (%PP_PROCESSOR_ERROR_STOPPED) count in
 * [method@Pp.Stats.get_failed] but are not listed; past the first 1,000,
 * failures are counted by [method@Pp.Stats.get_n_failures_unlisted]
 * instead.
 *
 * Returns: the failed segments listed
 *
 * Since: 0.2
 */
guint
pp_stats_get_n_failures (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->failures->len;
}

/**
 * pp_stats_get_n_failures_unlisted:
 * @stats: a #PpStats
 *
 * Gets how many segments failed for good past the first 1,000 listed
 * (see [method@Pp.Stats.get_n_failures]).
 *
 * Returns: the failed segments that are not listed
 *
 * Since: 0.2
 */
guint
pp_stats_get_n_failures_unlisted (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->failures_unlisted;
}

/**
 * pp_stats_get_failure:
 * @stats: a #PpStats
 * @i: the failure's position, from 0, in the order of documents' names
 *   and then of segments
 * @segment_index: (out) (optional): return location for the segment's index
 * @start: (out) (optional): return location for the byte offset where the
 *   segment starts in its document's text
 * @end: (out) (optional): return location for the byte offset just past
 *   the segment
 * @error_class: (out) (optional) (transfer none): return location for the
 *   class of the error the segment failed with
 * @document: (out) (optional) (nullable) (transfer none): return location
 *   for the name of the segment's document, or %NULL when it has none
 *
 * Gets a segment that failed for good, after its retries. The error class
 * is the nickname of the [error@Pp.LlmError] for LLM errors
 * (`rate-limited`, `transient`, `context-length`…); otherwise the error's
 * domain without its `pp-` prefix and `-error-quark` suffix, a slash and
 * the nickname of the code, such as `converter/invalid-output`,
 * `processor/deadline` or `g-io/cancelled`, or the code as a number when
 * the domain has no nicknames.
 *
 * The strings belong to @stats.
 *
 * Returns: %TRUE, or %FALSE when @i is not below
 *   [method@Pp.Stats.get_n_failures]
 *
 * Since: 0.2
 */
gboolean
pp_stats_get_failure (PpStats     *stats,
                      guint        i,
                      guint       *segment_index,
                      gsize       *start,
                      gsize       *end,
                      const char **error_class,
                      const char **document)
{
  const PpStatsFailure *failure;

  g_return_val_if_fail (stats != NULL, FALSE);

  if (i >= stats->failures->len)
    return FALSE;

  failure = &g_array_index (stats->failures, PpStatsFailure, i);
  if (segment_index != NULL)
    *segment_index = failure->segment_index;
  if (start != NULL)
    *start = failure->start;
  if (end != NULL)
    *end = failure->end;
  if (error_class != NULL)
    *error_class = failure->error_class;
  if (document != NULL)
    *document = failure->document;

  return TRUE;
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
 * Also since 0.2, `failures` lists the segments that failed for good as
 * [method@Pp.Stats.get_failure] gives them, each an object with members
 * `segment` (its index), `start` and `end` (its byte range), `error` (the
 * error class) and `document` (the document's name, or null), and
 * `failures_unlisted` counts those past the first 1,000.
 *
 * Also since 0.2, `merge_candidates` lists the groups of entities that the
 * resolution rules left apart but that look alike (see
 * [class@Pp.Reconciler]), by document and then by their first node, each
 * an object with members `document` (the document's name, or null),
 * `reason` (`edit-distance`, `acronym` or `token-subset`), `decision`
 * (`undecided` when nobody was asked, as with %PP_RESOLVE_MODE_RULES;
 * `confirmed` when the LLM found some of them to be one, and they were
 * merged; `rejected` when it found them all different; `unanswered` when
 * the question failed or its answer made no sense, and they were left
 * apart), `nodes` (an array of objects with the `id` a node has in the
 * output before any confirmed merge, its `name` and `type`, the entity's
 * type family) and `same` (the sets of positions in `nodes` found to be
 * one entity, such as `[[0, 2]]`). `merge_decisions` counts the groups by
 * decision, with a member per decision.
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
  add_failures (builder, stats);
  add_merge_candidates (builder, stats);
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

/**
 * pp_stats_get_n_merge_candidates:
 * @stats: a #PpStats
 *
 * Gets how many groups of merge candidates the documents had: entities
 * that the resolution rules left apart but that look alike (see
 * [class@Pp.Reconciler]).
 *
 * Returns: the merge candidate groups, for
 *   [method@Pp.Stats.get_merge_candidate]
 *
 * Since: 0.2
 */
guint
pp_stats_get_n_merge_candidates (PpStats *stats)
{
  g_return_val_if_fail (stats != NULL, 0);

  return stats->merge_candidates->len;
}

/**
 * pp_stats_get_merge_candidate:
 * @stats: a #PpStats
 * @i: the group's position, from 0, in the order of documents' names and
 *   then of the groups' first nodes' identifiers
 * @reason: (out) (optional) (transfer none): return location for why its
 *   entities look alike: `edit-distance`, `acronym` or `token-subset`
 * @decision: (out) (optional) (transfer none): return location for what
 *   became of it: `undecided`, `confirmed`, `rejected` or `unanswered`
 *   (see [method@Pp.Stats.to_json])
 * @document: (out) (optional) (nullable) (transfer none): return location
 *   for the name of its document
 * @n_nodes: (out) (optional): return location for how many nodes it has,
 *   for [method@Pp.Stats.get_merge_candidate_node]
 *
 * Gets a group of merge candidates. The strings belong to @stats.
 *
 * Returns: %TRUE, or %FALSE when @i is not below
 *   [method@Pp.Stats.get_n_merge_candidates]
 *
 * Since: 0.2
 */
gboolean
pp_stats_get_merge_candidate (PpStats     *stats,
                              guint        i,
                              const char **reason,
                              const char **decision,
                              const char **document,
                              guint       *n_nodes)
{
  PpMergeCandidateGroup *group;

  g_return_val_if_fail (stats != NULL, FALSE);

  if (i >= stats->merge_candidates->len)
    return FALSE;

  group = stats->merge_candidates->pdata[i];
  if (reason != NULL)
    *reason = pp_merge_reason_to_string (group->reason);
  if (decision != NULL)
    *decision = pp_merge_decision_to_string (group->decision);
  if (document != NULL)
    *document = group->document;
  if (n_nodes != NULL)
    *n_nodes = group->nodes->len;

  return TRUE;
}

/**
 * pp_stats_get_merge_candidate_node:
 * @stats: a #PpStats
 * @i: the group's position, as for [method@Pp.Stats.get_merge_candidate]
 * @node: the node's position in the group, from 0, in the order of
 *   identifiers
 * @id: (out) (optional) (transfer none): return location for the node's
 *   identifier in the output (before any merge the group's decision made)
 * @name: (out) (optional) (transfer none): return location for its name
 * @type: (out) (optional) (transfer none): return location for its type
 *   family, such as `Person`
 *
 * Gets a node of a group of merge candidates. The strings belong to
 * @stats.
 *
 * Returns: %TRUE, or %FALSE when there is no such group or node
 *
 * Since: 0.2
 */
gboolean
pp_stats_get_merge_candidate_node (PpStats     *stats,
                                   guint        i,
                                   guint        node,
                                   const char **id,
                                   const char **name,
                                   const char **type)
{
  PpMergeCandidateGroup *group;
  PpMergeCandidateNode *found;

  g_return_val_if_fail (stats != NULL, FALSE);

  if (i >= stats->merge_candidates->len)
    return FALSE;
  group = stats->merge_candidates->pdata[i];
  if (node >= group->nodes->len)
    return FALSE;

  found = &g_array_index (group->nodes, PpMergeCandidateNode, node);
  if (id != NULL)
    *id = found->id;
  if (name != NULL)
    *name = found->name;
  if (type != NULL)
    *type = found->type;

  return TRUE;
}
