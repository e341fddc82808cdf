/* pp-request-gate.c: the path of one request: cache, single flight, gate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"

/* Every request a converter makes through the processor's
 * #PpConvertContext comes here. The answer comes from the cache when it is
 * there; otherwise the first of identical requests in flight at the same
 * time (same cache key) is sent, and the others wait for its answer (the
 * single-flight table); a request is sent only once it passes the gate,
 * which lets at most #PpProcessor:max-workers requests be in flight. */

typedef struct
{
  gatomicrefcount ref_count;
  gboolean done;                /* under flight_lock, as the rest */
  PpLlmResponse *response;
  GError *error;
} Flight;

static Flight *
flight_new (void)
{
  Flight *flight = g_new0 (Flight, 1);

  g_atomic_ref_count_init (&flight->ref_count);

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

  g_clear_pointer (&flight->response, pp_llm_response_unref);
  g_clear_error (&flight->error);
  g_free (flight);
}

GHashTable *
pp_processor_new_flight_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) flight_unref);
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
  while (!flight->done &&
         wait_unless_cancelled (&self->flight_cond, &self->flight_lock, cancellable))
    ;

  if (!flight->done)
    g_cancellable_set_error_if_cancelled (cancellable, error);
  else if (flight->response != NULL)
    response = pp_llm_response_ref (flight->response);
  else
    g_propagate_error (error, g_error_copy (flight->error));

  return response;
}

/* Waits for room under the limit of requests in flight. The holders of the
 * gate are running requests, never queued tasks, so this cannot deadlock;
 * the cancellable is checked between wake-ups. */
static gboolean
gate_enter (PpProcessor   *self,
            GCancellable  *cancellable,
            GError       **error)
{
  g_mutex_lock (&self->gate_lock);
  while (self->gate_in_use >= (guint) g_atomic_int_get (&self->max_workers))
    {
      if (!wait_unless_cancelled (&self->gate_cond, &self->gate_lock, cancellable))
        {
          g_mutex_unlock (&self->gate_lock);
          g_cancellable_set_error_if_cancelled (cancellable, error);
          return FALSE;
        }
    }
  self->gate_in_use++;
  g_mutex_unlock (&self->gate_lock);

  g_mutex_lock (&self->stats.lock);
  self->stats.in_flight++;
  self->stats.peak_in_flight = MAX (self->stats.peak_in_flight, self->stats.in_flight);
  g_mutex_unlock (&self->stats.lock);

  return TRUE;
}

static void
gate_leave (PpProcessor *self)
{
  g_mutex_lock (&self->stats.lock);
  self->stats.in_flight--;
  g_mutex_unlock (&self->stats.lock);

  g_mutex_lock (&self->gate_lock);
  self->gate_in_use--;
  g_cond_signal (&self->gate_cond);
  g_mutex_unlock (&self->gate_lock);
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
  g_autofree char *key = pp_convert_context_dup_cache_key (context, request);
  g_autoptr(GError) local_error = NULL;
  PpLlmResponse *response;
  Flight *flight;
  gint64 start = 0;

  response = pp_convert_context_lookup_cache (context, key);
  if (response != NULL)
    {
      g_mutex_lock (&self->stats.lock);
      self->stats.cache_hits++;
      g_mutex_unlock (&self->stats.lock);
      return response;
    }

  g_mutex_lock (&self->flight_lock);
  flight = g_hash_table_lookup (self->flights, key);
  if (flight != NULL)
    {
      flight_ref (flight);
      response = wait_for_flight (self, flight, cancellable, error);
      g_mutex_unlock (&self->flight_lock);
      flight_unref (flight);
      return response;
    }
  flight = flight_new ();
  g_hash_table_insert (self->flights, g_strdup (key), flight);
  g_mutex_unlock (&self->flight_lock);

  response = NULL;
  if (gate_enter (self, cancellable, &local_error))
    {
      start = g_get_monotonic_time ();
      response = pp_convert_context_ask_client (context, request, cancellable, &local_error);
      gate_leave (self);
    }

  if (response != NULL)
    {
      pp_stats_collector_add_llm (&self->stats, g_get_monotonic_time () - start,
                                  pp_llm_response_get_prompt_tokens (response),
                                  pp_llm_response_get_completion_tokens (response));
      pp_convert_context_add_answer (context, key, response);
    }

  g_mutex_lock (&self->flight_lock);
  flight->done = TRUE;
  flight->response = response != NULL ? pp_llm_response_ref (response) : NULL;
  flight->error = local_error != NULL ? g_error_copy (local_error) : NULL;
  g_hash_table_remove (self->flights, key);
  g_cond_broadcast (&self->flight_cond);
  g_mutex_unlock (&self->flight_lock);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return response;
}
