/* pp-mock-request-log.c: what the mock LLM did with each request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "pp-mock-request-log.h"

/* The log counts the chat requests by outcome, and keeps the latest of
 * them, up to a limit, in a ring: enough to check from the server's side
 * how a client behaved, such as whether it waited for Retry-After before it
 * sent a prompt again. pp_mock_request_log_build() writes:
 *
 *   "outcomes": {"200":…,"400":…,"429":…,"500":…,
 *                "truncated":…,"dropped":…,"hung":…},
 *   "over_capacity": …,
 *   "log": [{"n":…,"arrival_us":…,"prompt":…,"outcome":…,"fault":…}, …]
 *
 * Each request has one outcome: the status of its answer, or "truncated",
 * "dropped" or "hung" for those faults (a hung request counts as hung
 * however it ends). "over_capacity" counts the 429s that were for
 * capacity. In the log, oldest first, "n" is the request's rank in order of
 * arrival from 0, "arrival_us" when it began to arrive in microseconds
 * since the start (monotonic), "prompt" the first 16 hexadecimal digits of
 * the SHA-256 of its user message (null when it had none) and "fault" the
 * fault it was given (see pp_mock_fault_to_string()). */

typedef enum
{
  OUTCOME_OK,
  OUTCOME_BAD_REQUEST,
  OUTCOME_RATE_LIMITED,
  OUTCOME_SERVER_ERROR,
  OUTCOME_TRUNCATED,
  OUTCOME_DROPPED,
  OUTCOME_HUNG,
  N_OUTCOMES
} Outcome;

static const char * const outcome_names[N_OUTCOMES] = {
  "200", "400", "429", "500", "truncated", "dropped", "hung",
};

typedef struct
{
  guint64 n;
  gint64 arrival_us;
  guint64 prompt;              /* the checksum's first 64 bits */
  gboolean has_prompt;
  Outcome outcome;
  PpMockFault fault;
} Entry;

struct _PpMockRequestLog
{
  guint limit;
  GArray *entries;             /* (element-type Entry) a ring, when full */
  guint64 requests;
  guint64 outcomes[N_OUTCOMES];
  guint64 over_capacity;
};

/**
 * pp_mock_request_log_new:
 * @limit: how many of the latest requests to keep, at least 1
 *
 * Returns: (transfer full): an empty log
 */
PpMockRequestLog *
pp_mock_request_log_new (guint limit)
{
  PpMockRequestLog *log;

  g_return_val_if_fail (limit > 0, NULL);

  log = g_new0 (PpMockRequestLog, 1);
  log->limit = limit;
  log->entries = g_array_new (FALSE, FALSE, sizeof (Entry));

  return log;
}

void
pp_mock_request_log_free (PpMockRequestLog *log)
{
  if (log == NULL)
    return;

  g_array_unref (log->entries);
  g_free (log);
}

static Outcome
outcome_of (PpMockFault fault,
            guint       status)
{
  switch (fault)
    {
    case PP_MOCK_FAULT_HANG:
      return OUTCOME_HUNG;
    case PP_MOCK_FAULT_TRUNCATE:
      return OUTCOME_TRUNCATED;
    case PP_MOCK_FAULT_DROP:
      return OUTCOME_DROPPED;
    case PP_MOCK_FAULT_NONE:
    case PP_MOCK_FAULT_OVER_CAPACITY:
    case PP_MOCK_FAULT_SERVER_ERROR:
    case PP_MOCK_FAULT_RATE_LIMITED:
    default:
      break;
    }

  switch (status)
    {
    case SOUP_STATUS_OK:
      return OUTCOME_OK;
    case PP_MOCK_STATUS_TOO_MANY_REQUESTS:
      return OUTCOME_RATE_LIMITED;
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      return OUTCOME_SERVER_ERROR;
    case SOUP_STATUS_BAD_REQUEST:
    default:
      return OUTCOME_BAD_REQUEST;
    }
}

/**
 * pp_mock_request_log_add:
 * @log: the log
 * @arrival_us: when the request began to arrive, in microseconds since the
 *   start
 * @prompt_checksum: (nullable): the SHA-256 of its user message, in
 *   hexadecimal, or %NULL when it had none
 * @fault: what was done with it
 * @status: the status of its answer, when @fault lets it have one
 *
 * Counts the next request in order of arrival.
 */
void
pp_mock_request_log_add (PpMockRequestLog *log,
                         gint64            arrival_us,
                         const char       *prompt_checksum,
                         PpMockFault       fault,
                         guint             status)
{
  Entry entry = { 0, };

  g_return_if_fail (log != NULL);

  entry.n = log->requests++;
  entry.arrival_us = arrival_us;
  if (prompt_checksum != NULL)
    {
      g_autofree char *prefix = g_strndup (prompt_checksum, 16);

      entry.prompt = g_ascii_strtoull (prefix, NULL, 16);
      entry.has_prompt = TRUE;
    }
  entry.outcome = outcome_of (fault, status);
  entry.fault = fault;

  log->outcomes[entry.outcome]++;
  if (fault == PP_MOCK_FAULT_OVER_CAPACITY)
    log->over_capacity++;

  if (log->entries->len < log->limit)
    g_array_append_val (log->entries, entry);
  else
    g_array_index (log->entries, Entry, entry.n % log->limit) = entry;
}

/**
 * pp_mock_request_log_build:
 * @log: the log
 * @builder: a builder in an object
 * @max_entries: how many of the latest requests to write, at most
 *
 * Adds the members "outcomes", "over_capacity" and "log" to the object
 * @builder is building.
 */
void
pp_mock_request_log_build (PpMockRequestLog *log,
                           JsonBuilder      *builder,
                           guint             max_entries)
{
  guint n_entries;

  g_return_if_fail (log != NULL);
  g_return_if_fail (JSON_IS_BUILDER (builder));

  json_builder_set_member_name (builder, "outcomes");
  json_builder_begin_object (builder);
  for (guint i = 0; i < N_OUTCOMES; i++)
    {
      json_builder_set_member_name (builder, outcome_names[i]);
      json_builder_add_int_value (builder, (gint64) log->outcomes[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "over_capacity");
  json_builder_add_int_value (builder, (gint64) log->over_capacity);

  json_builder_set_member_name (builder, "log");
  json_builder_begin_array (builder);
  n_entries = MIN (max_entries, log->entries->len);
  for (guint64 n = log->requests - n_entries; n < log->requests; n++)
    {
      const Entry *entry = &g_array_index (log->entries, Entry, n % log->limit);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "n");
      json_builder_add_int_value (builder, (gint64) entry->n);
      json_builder_set_member_name (builder, "arrival_us");
      json_builder_add_int_value (builder, entry->arrival_us);
      json_builder_set_member_name (builder, "prompt");
      if (entry->has_prompt)
        {
          char prompt[17];

          g_snprintf (prompt, sizeof prompt, "%016" G_GINT64_MODIFIER "x", entry->prompt);
          json_builder_add_string_value (builder, prompt);
        }
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, outcome_names[entry->outcome]);
      json_builder_set_member_name (builder, "fault");
      json_builder_add_string_value (builder, pp_mock_fault_to_string (entry->fault));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
