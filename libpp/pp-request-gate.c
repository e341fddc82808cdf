/* pp-request-gate.c: the path of one request: cache, single flight,
 * circuit breaker, rate budgets, concurrency limiter
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-processor-private.h"

/* Every request a converter makes through the processor's
 * #PpConvertContext comes here. The answer comes from the cache when it is
 * there; otherwise the first of identical requests in flight at the same
 * time (same cache key) is sent, and the others wait for its answer (the
 * single-flight table). The cache key is a SHA-256 of the whole request,
 * its long response format included: it is computed when there is a cache
 * to ask, and otherwise only to tell apart two requests in flight that
 * carry the same user message, which is what the table hashes. A request is sent only once the concurrency
 * limiter admits it, the rate budgets allow it (it waits for them holding
 * no place under the limit) and the circuit breaker lets it (otherwise it
 * fails at once, for the retry timer to try again); they all hear how it
 * ended. */

typedef struct
{
  gatomicrefcount ref_count;
  PpConvertContext *context;    /* of the request, while it is in flight */
  PpLlmRequest *request;
  char *key;                    /* the cache key, once computed */
  guint hash;                   /* of the user message: the table asks for
                                 * it on each lookup, add and remove */
  gboolean done;                /* under flight_lock, as the rest */
  PpLlmResponse *response;
  GError *error;
} Flight;

/* @key: (nullable): the cache key of @request, if it is known already */
static Flight *
flight_new (PpConvertContext *context,
            PpLlmRequest     *request,
            const char       *key)
{
  Flight *flight = g_new0 (Flight, 1);

  g_atomic_ref_count_init (&flight->ref_count);
  flight->context = g_object_ref (context);
  flight->request = pp_llm_request_ref (request);
  flight->key = g_strdup (key);
  flight->hash = g_str_hash (pp_llm_request_get_user_message (request));

  return flight;
}

static Flight *
flight_ref (Flight *flight)
{
  g_atomic_ref_count_inc (&flight->ref_count);
  return flight;
}

static void
flight_unref (Flight *flight)
{
  if (!g_atomic_ref_count_dec (&flight->ref_count))
    return;

  g_clear_object (&flight->context);
  g_clear_pointer (&flight->request, pp_llm_request_unref);
  g_free (flight->key);
  g_clear_pointer (&flight->response, pp_llm_response_unref);
  g_clear_error (&flight->error);
  g_free (flight);
}

/* Called under flight_lock */
static const char *
flight_get_key (Flight *flight)
{
  if (flight->key == NULL)
    flight->key = pp_convert_context_dup_cache_key (flight->context, flight->request);

  return flight->key;
}

static guint
flight_hash (gconstpointer flight)
{
  return ((const Flight *) flight)->hash;
}

/* Whether two flights carry the same request: the same user message, and
 * then the same cache key */
static gboolean
flight_equal (gconstpointer a,
              gconstpointer b)
{
  Flight *flight_a = (Flight *) a;
  Flight *flight_b = (Flight *) b;

  if (flight_a == flight_b)
    return TRUE;

  return g_str_equal (pp_llm_request_get_user_message (flight_a->request),
                      pp_llm_request_get_user_message (flight_b->request)) &&
         g_str_equal (flight_get_key (flight_a), flight_get_key (flight_b));
}

/* (element-type Flight): the requests in flight, each its own key */
GHashTable *
pp_processor_new_flight_table (void)
{
  return g_hash_table_new_full (flight_hash, flight_equal, (GDestroyNotify) flight_unref, NULL);
}

/* Waits on @cond (with @mutex held) for a wake-up or a short while, so that
 * the caller can check both its condition and @cancellable; FALSE once
 * @cancellable is cancelled */
static gboolean
wait_unless_cancelled (GCond        *cond,
                       GMutex       *mutex,
                       GCancellable *cancellable)
{
  if (g_cancellable_is_cancelled (cancellable))
    return FALSE;

  g_cond_wait_until (cond, mutex, g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND);
  return TRUE;
}

static PpLlmResponse *
wait_for_flight (PpProcessor   *self,
                 Flight        *flight,
                 GCancellable  *cancellable,
                 GError       **error)
{
  PpLlmResponse *response = NULL;

  /* flight_lock is held. The owner of the flight is running, not queued,
   * so this cannot deadlock; check the cancellable between wake-ups */
  self->flight_waiters++;
  while (!flight->done &&
         wait_unless_cancelled (&self->flight_cond, &self->flight_lock, cancellable))
    ;
  self->flight_waiters--;

  if (!flight->done)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  else if (flight->response != NULL)
    response = pp_llm_response_ref (flight->response);
  else
    g_propagate_error (error, g_error_copy (flight->error));

  return response;
}

/* The limiter */

/* lock is not held; called from the application's thread */
void
pp_processor_apply_limiter_bounds (PpProcessor *self)
{
  g_autoptr(PpConcurrencyLimiter) limiter = pp_processor_dup_limiter (self);
  guint max_workers = g_atomic_int_get (&self->max_workers);
  guint min_workers;

  min_workers = pp_processor_get_adaptive (self) ? MIN (self->min_workers, max_workers) : max_workers;

  pp_concurrency_limiter_set_bounds (limiter, min_workers, max_workers);
  pp_processor_announce_limit (self);
}

/* Notifies PpProcessor:concurrency-limit when the limit is not the one
 * last announced; from any thread */
void
pp_processor_announce_limit (PpProcessor *self)
{
  guint limit = pp_processor_get_concurrency_limit (self);
  guint before = (guint) g_atomic_int_exchange ((gint *) &self->announced_limit, (gint) limit);

  if (before == limit)
    return;

  g_debug ("Concurrency limit %u → %u", before, limit);
  if (self->events != NULL)
    pp_processor_notify_concurrency_limit_later (self);
}

PpConcurrencyLimiter *
pp_processor_dup_limiter (PpProcessor *self)
{
  PpConcurrencyLimiter *limiter;

  g_mutex_lock (&self->limiter_lock);
  limiter = g_object_ref (self->limiter);
  g_mutex_unlock (&self->limiter_lock);

  return limiter;
}

/* What a request says about the endpoint's load */
static PpRequestOutcome
limiter_outcome (PpLlmResponse *response,
                 const GError  *error)
{
  if (response != NULL)
    return PP_REQUEST_OUTCOME_SUCCESS;
  if (g_error_matches (error, PP_LLM_ERROR, PP_LLM_ERROR_RATE_LIMITED) ||
      g_error_matches (error, PP_LLM_ERROR, PP_LLM_ERROR_TIMEOUT))
    return PP_REQUEST_OUTCOME_OVERLOADED;
  return PP_REQUEST_OUTCOME_IGNORED;
}

/* The circuit breaker */

static void
announce_circuit_state (PpProcessor *self)
{
  PpCircuitState state = pp_circuit_breaker_get_state (self->breaker);
  guint before = (guint) g_atomic_int_exchange ((gint *) &self->announced_circuit, (gint) state);

  if (before == state)
    return;

  pp_processor_notify_circuit_state_later (self);
}

/* Brings the limit and the breaker's state into the stats, before a
 * snapshot */
void
pp_processor_update_path_stats (PpProcessor *self)
{
  guint limit = pp_processor_get_concurrency_limit (self);
  PpCircuitState state = pp_circuit_breaker_get_state (self->breaker);
  guint opened = pp_circuit_breaker_get_opened (self->breaker);

  g_mutex_lock (&self->stats.lock);
  self->stats.concurrency_limit = limit;
  self->stats.circuit_state = state;
  self->stats.circuit_opened = opened;
  g_mutex_unlock (&self->stats.lock);
}

/* What a request says about the endpoint's health: a rate limit, a bad
 * request or a refused key are answers from an endpoint that works */
static PpCircuitResult
circuit_result (PpLlmResponse *response,
                const GError  *error)
{
  if (response != NULL)
    return PP_CIRCUIT_RESULT_SUCCESS;
  if (error == NULL || error->domain != PP_LLM_ERROR)
    return PP_CIRCUIT_RESULT_IGNORED;
  if (pp_llm_error_is_transient (error) && error->code != PP_LLM_ERROR_RATE_LIMITED)
    return PP_CIRCUIT_RESULT_FAILURE;
  return PP_CIRCUIT_RESULT_SUCCESS;
}

/* Sets a transient error that asks to try again once the breaker may let
 * a request through: the task waits on the retry timer, not in a worker */
static void
set_circuit_open_error (GError **error,
                        gint64   retry_in)
{
  guint retry_in_ms = (guint) MIN ((retry_in + G_TIME_SPAN_MILLISECOND - 1) / G_TIME_SPAN_MILLISECOND,
                                   (gint64) G_MAXUINT);
  GError *local_error;

  local_error = g_error_new (PP_LLM_ERROR, PP_LLM_ERROR_TRANSIENT,
                             "LLM endpoint: not asked: it keeps failing, "
                             "and its circuit breaker is open for %u ms more",
                             retry_in_ms);
  pp_llm_error_set_retry_after (local_error, MAX (retry_in_ms, 1));
  pp_llm_error_set_not_sent (local_error);
  g_propagate_error (error, local_error);
}

/* The rate budgets */

/* The characters of @text, valid UTF-8, as g_utf8_strlen() counts them:
 * its bytes less those that continue a character (10xxxxxx), counted
 * eight at a time, for a system prompt of some kilobytes goes with every
 * request */
static guint64
count_characters (const char *text)
{
  const guint64 high_bits = G_GUINT64_CONSTANT (0x8080808080808080);
  const guchar *p = (const guchar *) text;
  gsize length = strlen (text);
  guint64 continuing = 0;
  gsize i = 0;

  for (; i + sizeof (guint64) <= length; i += sizeof (guint64))
    {
      guint64 word;
      guint64 marks;

      memcpy (&word, p + i, sizeof word);
      /* bit 7 set and bit 6 clear, at bit 7 of each byte */
      marks = word & ~(word << 1) & high_bits;
      for (; marks != 0; marks &= marks - 1)
        continuing++;
    }

  for (; i < length; i++)
    continuing += (p[i] & 0xC0) == 0x80;

  return length - continuing;
}

/* A request's tokens before it is sent: a quarter of its prompt's
 * characters, and its max-tokens or, when it has none, as much again */
static guint64
estimate_tokens (PpLlmRequest *request)
{
  const char *system_prompt = pp_llm_request_get_system_prompt (request);
  const char *user_message = pp_llm_request_get_user_message (request);
  guint64 characters = 0;
  guint64 prompt;
  guint max_tokens = pp_llm_request_get_max_tokens (request);

  if (system_prompt != NULL)
    characters += count_characters (system_prompt);
  if (user_message != NULL)
    characters += count_characters (user_message);

  prompt = characters / 4 + 1;

  return prompt + (max_tokens > 0 ? max_tokens : prompt);
}

/* Sleeps @wait microseconds, or until @cancellable is cancelled */
static gboolean
sleep_unless_cancelled (gint64         wait,
                        GCancellable  *cancellable,
                        GError       **error)
{
  GPollFD pollfd;

  if (g_cancellable_make_pollfd (cancellable, &pollfd))
    {
      g_poll (&pollfd, 1, (gint) MIN ((wait + G_TIME_SPAN_MILLISECOND - 1) / G_TIME_SPAN_MILLISECOND, G_MAXINT));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep ((gulong) wait);

  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Takes one request of @tokens from both budgets if they allow it now;
 * otherwise, taking nothing, returns how long to wait before asking again.
 * @tokens is 0 until @request's tokens are estimated: the estimate reads
 * the whole prompt, so it is made only once a budget counts tokens */
static gint64
take_budget (PpProcessor  *self,
             PpLlmRequest *request,
             guint64      *tokens)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = pp_rate_budget_take (self->request_budget, 1, now);

  if (wait > 0)
    return wait;

  if (*tokens == 0 && pp_rate_budget_counts_cost (self->token_budget, now))
    *tokens = estimate_tokens (request);

  wait = pp_rate_budget_take (self->token_budget, *tokens, now);
  if (wait > 0)
    pp_rate_budget_adjust (self->request_budget, 1, now);

  return wait;
}

/* Gives back what a request that was not sent took */
static void
give_back_budget (PpProcessor *self,
                  guint64      tokens)
{
  gint64 now = g_get_monotonic_time ();

  pp_rate_budget_adjust (self->request_budget, 1, now);
  pp_rate_budget_adjust (self->token_budget, (gint64) tokens, now);
}

/* Gives back what a request did not use, and takes in what the endpoint
 * says it has left */
static void
settle_budget (PpProcessor   *self,
               guint64        tokens,
               PpLlmResponse *response)
{
  gint64 now = g_get_monotonic_time ();
  guint64 used;

  if (response == NULL)
    {
      pp_rate_budget_adjust (self->token_budget, (gint64) tokens, now);
      return;
    }

  used = (guint64) pp_llm_response_get_prompt_tokens (response) +
         pp_llm_response_get_completion_tokens (response);
  if (used > 0)
    pp_rate_budget_adjust (self->token_budget, (gint64) tokens - (gint64) used, now);

  pp_rate_budget_tighten (self->request_budget,
                          pp_llm_response_get_remaining_requests (response),
                          pp_llm_response_get_reset_requests_ms (response), now);
  pp_rate_budget_tighten (self->token_budget,
                          pp_llm_response_get_remaining_tokens (response),
                          pp_llm_response_get_reset_tokens_ms (response), now);
}

/* Sends @request once the breaker, the budgets and the limiter let it go,
 * and tells them how it ended */
static PpLlmResponse *
send_request (PpProcessor       *self,
              PpConvertContext  *context,
              PpLlmRequest      *request,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(PpConcurrencyLimiter) limiter = NULL;
  g_autoptr(GError) local_error = NULL;
  PpLlmResponse *response = NULL;
  guint64 tokens = 0;            /* not estimated yet */
  guint64 ticket;
  gboolean admitted, probe;
  guint backlog;
  gint64 retry_in;
  gint64 start;

  /* The budgets are asked once the limiter admitted the request, and the
   * breaker last, right before it goes, so that they have heard from the
   * answers that came in meanwhile. Waiting for the budgets, the request
   * gives its place under the limit back. */
  limiter = pp_processor_dup_limiter (self);
  for (;;)
    {
      gint64 wait;

      if (!pp_concurrency_limiter_acquire (limiter, cancellable, &ticket, error))
        return NULL;

      wait = take_budget (self, request, &tokens);
      if (wait == 0)
        break;

      pp_concurrency_limiter_release (limiter, ticket, PP_REQUEST_OUTCOME_IGNORED);
      g_debug ("Rate budget: a request waits %" G_GINT64_FORMAT " ms", wait / G_TIME_SPAN_MILLISECOND);
      if (!sleep_unless_cancelled (wait, cancellable, error))
        return NULL;
    }

  admitted = pp_circuit_breaker_admit (self->breaker, g_get_monotonic_time (), &probe, &retry_in);
  announce_circuit_state (self);
  if (!admitted)
    {
      give_back_budget (self, tokens);
      pp_concurrency_limiter_release (limiter, ticket, PP_REQUEST_OUTCOME_IGNORED);
      set_circuit_open_error (error, retry_in);
      return NULL;
    }

  g_mutex_lock (&self->stats.lock);
  self->stats.in_flight++;
  self->stats.peak_in_flight = MAX (self->stats.peak_in_flight, self->stats.in_flight);
  g_mutex_unlock (&self->stats.lock);

  start = g_get_monotonic_time ();
  response = pp_convert_context_ask_client (context, request, cancellable, &local_error);

  g_mutex_lock (&self->stats.lock);
  self->stats.in_flight--;
  /* The segments not finished and not in flight, this one among them */
  backlog = self->stats.submitted - MIN (self->stats.submitted,
                                         self->stats.done + self->stats.failed + self->stats.in_flight);
  g_mutex_unlock (&self->stats.lock);

  /* What the answer says is known to the budgets, the breaker and the
   * limiter before the next request takes the place under the limit */
  settle_budget (self, tokens, response);
  pp_circuit_breaker_record (self->breaker, g_get_monotonic_time (), probe,
                             circuit_result (response, local_error));
  pp_concurrency_limiter_set_backlog (limiter, backlog);
  pp_concurrency_limiter_release (limiter, ticket, limiter_outcome (response, local_error));

  announce_circuit_state (self);
  pp_processor_announce_limit (self);

  if (response != NULL)
    pp_stats_collector_add_llm (&self->stats, g_get_monotonic_time () - start,
                                pp_llm_response_get_prompt_tokens (response),
                                pp_llm_response_get_completion_tokens (response));
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

  return response;
}

/* The PpConvertContextCompleteFunc of the processor's contexts */
PpLlmResponse *
pp_processor_complete_request (PpConvertContext  *context,
                               PpLlmRequest      *request,
                               GCancellable      *cancellable,
                               gpointer           user_data,
                               GError           **error)
{
  PpProcessor *self = user_data;
  g_autofree char *key = NULL;
  g_autoptr(GError) local_error = NULL;
  PpLlmResponse *response;
  Flight *flight;
  Flight *in_flight;

  if (pp_convert_context_get_cache (context) != NULL)
    {
      key = pp_convert_context_dup_cache_key (context, request);
      response = pp_convert_context_lookup_cache (context, key, cancellable);
      if (response != NULL)
        {
          g_mutex_lock (&self->stats.lock);
          self->stats.cache_hits++;
          g_mutex_unlock (&self->stats.lock);
          return response;
        }
    }

  flight = flight_new (context, request, key);

  g_mutex_lock (&self->flight_lock);
  in_flight = g_hash_table_lookup (self->flights, flight);
  if (in_flight != NULL)
    {
      g_mutex_lock (&self->stats.lock);
      self->stats.shared_answers++;
      g_mutex_unlock (&self->stats.lock);

      flight_ref (in_flight);
      response = wait_for_flight (self, in_flight, cancellable, error);
      g_mutex_unlock (&self->flight_lock);
      flight_unref (in_flight);
      flight_unref (flight);
      return response;
    }
  g_hash_table_add (self->flights, flight_ref (flight));
  g_mutex_unlock (&self->flight_lock);

  response = send_request (self, context, request, cancellable, &local_error);
  if (response != NULL && key != NULL)
    pp_convert_context_add_answer (context, key, response);

  g_mutex_lock (&self->flight_lock);
  flight->done = TRUE;
  flight->response = response != NULL ? pp_llm_response_ref (response) : NULL;
  flight->error = local_error != NULL ? g_error_copy (local_error) : NULL;
  g_hash_table_remove (self->flights, flight);
  if (self->flight_waiters > 0)
    g_cond_broadcast (&self->flight_cond);
  g_mutex_unlock (&self->flight_lock);
  flight_unref (flight);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return response;
}
