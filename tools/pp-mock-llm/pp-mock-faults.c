/* pp-mock-faults.c: what the mock LLM does wrong, decided per request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "pp-mock-faults.h"

/* PpMockFaults decides, for each request in order of arrival, whether the
 * mock answers it normally or with a fault. It only decides: the server
 * carries the decision out.
 *
 * Capacity. A request that arrives while the requests in flight fill the
 * capacity is turned away (PP_MOCK_FAULT_OVER_CAPACITY). The capacity is
 * unlimited, or what pp_mock_faults_set_capacity() set, until the first
 * point of the schedule, if any; from there on it is the capacity of the
 * latest point reached, counted from the server's start.
 *
 * Random faults. Each request draws one number in [0, 1) from a GRand
 * seeded at construction; the faults' probabilities are consecutive bands
 * of [0, 1) in the order of PpMockFault, and the band the draw falls in is
 * the fault (none past the last band). Every request draws exactly once,
 * even one turned away for capacity, so the fault of the n-th request
 * depends only on the seed and n, whatever the timing: with a given GLib,
 * the same seed and the same requests sent one at a time give the same
 * faults in the same order. Turning requests away for capacity depends on
 * how many are in flight, so on timing, and comes before the draw's
 * fault. */

typedef struct
{
  gint64 from_us;              /* elapsed time at which it takes effect */
  guint capacity;
} CapacityPoint;

struct _PpMockFaults
{
  GRand *rand;
  double probability[PP_MOCK_N_FAULTS];
  guint capacity;              /* before the schedule's first point */
  GArray *schedule;            /* (element-type CapacityPoint) by time */
};

/**
 * pp_mock_faults_new:
 * @seed: the seed of the random draws
 *
 * Decisions with no fault and unlimited capacity, until told otherwise.
 *
 * Returns: (transfer full): the decisions
 */
PpMockFaults *
pp_mock_faults_new (guint32 seed)
{
  PpMockFaults *faults = g_new0 (PpMockFaults, 1);

  faults->rand = g_rand_new_with_seed (seed);
  faults->capacity = PP_MOCK_CAPACITY_UNLIMITED;
  faults->schedule = g_array_new (FALSE, FALSE, sizeof (CapacityPoint));

  return faults;
}

void
pp_mock_faults_free (PpMockFaults *faults)
{
  if (faults == NULL)
    return;

  g_rand_free (faults->rand);
  g_array_unref (faults->schedule);
  g_free (faults);
}

/**
 * pp_mock_faults_set_probability:
 * @faults: the decisions
 * @fault: a random fault: any but %PP_MOCK_FAULT_NONE and
 *   %PP_MOCK_FAULT_OVER_CAPACITY
 * @probability: between 0 and 1
 * @error: return location for a #GError
 *
 * Sets the probability that a request gets @fault. The probabilities of
 * all faults must add up to 1 at most.
 *
 * Returns: whether @probability was valid, else @error says why
 */
gboolean
pp_mock_faults_set_probability (PpMockFaults  *faults,
                                PpMockFault    fault,
                                double         probability,
                                GError       **error)
{
  double total = 0.0;

  g_return_val_if_fail (faults != NULL, FALSE);
  g_return_val_if_fail (fault > PP_MOCK_FAULT_OVER_CAPACITY && fault < PP_MOCK_N_FAULTS, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!isfinite (probability) || probability < 0.0 || probability > 1.0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The probability of %s must be between 0 and 1, not %g",
                   pp_mock_fault_to_string (fault), probability);
      return FALSE;
    }

  for (guint i = 0; i < PP_MOCK_N_FAULTS; i++)
    total += i == fault ? probability : faults->probability[i];
  /* Allows for rounding, as in 0.1 + 0.2 + 0.7 */
  if (total > 1.0 + 1e-9)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The probabilities of the faults add up to %g, more than 1", total);
      return FALSE;
    }

  faults->probability[fault] = probability;

  return TRUE;
}

/**
 * pp_mock_faults_set_capacity:
 * @faults: the decisions
 * @capacity: how many requests may be in flight at once, or
 *   %PP_MOCK_CAPACITY_UNLIMITED
 *
 * Sets the capacity from the start until the schedule's first point.
 */
void
pp_mock_faults_set_capacity (PpMockFaults *faults,
                             guint         capacity)
{
  g_return_if_fail (faults != NULL);

  faults->capacity = capacity;
}

/**
 * pp_mock_faults_set_capacity_schedule:
 * @faults: the decisions
 * @schedule: points `T:N` separated by commas, such as `0:48,5:12,10:48`:
 *   from T seconds after the start (a decimal number, increasing from one
 *   point to the next) the capacity is N requests in flight
 * @error: return location for a #GError
 *
 * Replaces the capacity schedule.
 *
 * Returns: whether @schedule was valid, else @error says why
 */
gboolean
pp_mock_faults_set_capacity_schedule (PpMockFaults  *faults,
                                      const char    *schedule,
                                      GError       **error)
{
  g_auto(GStrv) points = NULL;
  g_autoptr(GArray) parsed = g_array_new (FALSE, FALSE, sizeof (CapacityPoint));

  g_return_val_if_fail (faults != NULL, FALSE);
  g_return_val_if_fail (schedule != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (*schedule == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Capacity schedule is empty");
      return FALSE;
    }

  points = g_strsplit (schedule, ",", -1);
  for (guint i = 0; points[i] != NULL; i++)
    {
      const char *colon = strchr (points[i], ':');
      g_autofree char *time = colon != NULL ? g_strndup (points[i], colon - points[i]) : NULL;
      char *end = NULL;
      double seconds = time != NULL ? g_ascii_strtod (time, &end) : NAN;
      guint64 capacity = 0;
      CapacityPoint point;

      if (time == NULL || end == time || *end != '\0' || !isfinite (seconds) || seconds < 0.0 ||
          seconds > (double) G_MAXINT64 / G_USEC_PER_SEC ||
          !g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT - 1, &capacity, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Capacity schedule point ‘%s’ is not SECONDS:CAPACITY", points[i]);
          return FALSE;
        }

      point.from_us = (gint64) (seconds * G_USEC_PER_SEC);
      point.capacity = (guint) capacity;
      if (parsed->len > 0 && point.from_us <= g_array_index (parsed, CapacityPoint, parsed->len - 1).from_us)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Capacity schedule point ‘%s’ does not come after the one before it", points[i]);
          return FALSE;
        }
      g_array_append_val (parsed, point);
    }

  g_array_unref (faults->schedule);
  faults->schedule = g_steal_pointer (&parsed);

  return TRUE;
}

/**
 * pp_mock_faults_get_capacity:
 * @faults: the decisions
 * @elapsed_us: microseconds since the start
 *
 * Returns: how many requests may be in flight at once @elapsed_us after
 *   the start, or %PP_MOCK_CAPACITY_UNLIMITED
 */
guint
pp_mock_faults_get_capacity (PpMockFaults *faults,
                             gint64        elapsed_us)
{
  guint capacity;

  g_return_val_if_fail (faults != NULL, PP_MOCK_CAPACITY_UNLIMITED);

  capacity = faults->capacity;
  for (guint i = 0; i < faults->schedule->len; i++)
    {
      const CapacityPoint *point = &g_array_index (faults->schedule, CapacityPoint, i);

      if (point->from_us > elapsed_us)
        break;
      capacity = point->capacity;
    }

  return capacity;
}

/**
 * pp_mock_faults_decide:
 * @faults: the decisions
 * @elapsed_us: microseconds since the start, when the request arrived
 * @in_flight: how many requests are in flight, not counting this one
 *
 * Decides what to do with the next request in order of arrival. Call it
 * once for every request.
 *
 * Returns: the request's fault, or %PP_MOCK_FAULT_NONE
 */
PpMockFault
pp_mock_faults_decide (PpMockFaults *faults,
                       gint64        elapsed_us,
                       guint         in_flight)
{
  double draw;
  double band = 0.0;

  g_return_val_if_fail (faults != NULL, PP_MOCK_FAULT_NONE);

  /* Before anything else, so that every request draws once */
  draw = g_rand_double (faults->rand);

  if (in_flight >= pp_mock_faults_get_capacity (faults, elapsed_us))
    return PP_MOCK_FAULT_OVER_CAPACITY;

  for (guint fault = PP_MOCK_FAULT_SERVER_ERROR; fault < PP_MOCK_N_FAULTS; fault++)
    {
      band += faults->probability[fault];
      if (draw < band)
        return fault;
    }

  return PP_MOCK_FAULT_NONE;
}

/**
 * pp_mock_fault_to_string:
 * @fault: a fault
 *
 * Returns: a short name of @fault, as /stats writes it
 */
const char *
pp_mock_fault_to_string (PpMockFault fault)
{
  switch (fault)
    {
    case PP_MOCK_FAULT_NONE:
      return "none";
    case PP_MOCK_FAULT_OVER_CAPACITY:
      return "over-capacity";
    case PP_MOCK_FAULT_SERVER_ERROR:
      return "server-error";
    case PP_MOCK_FAULT_RATE_LIMITED:
      return "rate-limited";
    case PP_MOCK_FAULT_HANG:
      return "hang";
    case PP_MOCK_FAULT_TRUNCATE:
      return "truncate";
    case PP_MOCK_FAULT_DROP:
      return "drop";
    default:
      g_return_val_if_reached (NULL);
    }
}
