/* pp-adjudication.c: the processor settles a document's merge candidates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-adjudication-private.h"
#include "pp-json-parse.h"
#include "pp-merge-candidates-private.h"
#include "pp-reconciler-private.h"

/* When every segment of a document is in, its reconciler finds the groups
 * of entities that the resolution rules left apart but that look alike,
 * and hands them to the processor (on the reconciler's thread) before it
 * merges anything. The processor records them in its stats; with
 * PP_RESOLVE_MODE_LLM it first asks the LLM about each group: one short
 * chat request per group, sent as the segments' are, through the
 * processor's PpConvertContext (cache, single flight, concurrency limiter,
 * rate budgets, circuit breaker, statistics), and retried after a
 * transient error with the processor's back-off, on a timer. The groups
 * are asked about at once, up to max-workers at a time, and the limiter
 * decides how many are in flight.
 *
 * The request lists the group's entities, numbered in the group's order,
 * as JSON: {"entities": [{"number": 0, "name": "Curie", "type": "Person"},
 * …]}, and asks for {"same": [[0, 2]]}: the sets of numbers that are one
 * entity. An answer that is not such an object, or a request that failed,
 * leaves the group apart ("unanswered", logged); only well-formed answers
 * are stored in the cache. */

#define SYSTEM_PROMPT \
  PP_ADJUDICATION_PROMPT_MARKER "\n" \
  "You are given entities found in one document, each with a number, a name and a " \
  "schema.org type. Say which of them denote the same real-world entity. Answer with a " \
  "JSON object only: {\"same\": [[0, 2]]} lists each set of numbers of entities that are " \
  "one and the same entity; {\"same\": []} when they are all different. Only join " \
  "entities you are sure are the same."

#define MAX_ANSWER_TOKENS 200

typedef struct
{
  PpProcessor *self;
  Run *run;
  PpResolveMode mode;
  char *model;
} Adjudication;

static void
adjudication_free (Adjudication *adjudication)
{
  g_object_unref (adjudication->self);
  pp_run_unref (adjudication->run);
  g_free (adjudication->model);
  g_free (adjudication);
}

static char *
describe_group (PpMergeCandidateGroup *group)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < group->nodes->len; i++)
    g_string_append_printf (names, "%s“%s”", i > 0 ? ", " : "",
                            g_array_index (group->nodes, PpMergeCandidateNode, i).name);

  return g_string_free (g_steal_pointer (&names), FALSE);
}

static PpLlmRequest *
request_new (Adjudication          *adjudication,
             PpMergeCandidateGroup *group)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *user_message = NULL;
  PpLlmRequest *request;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < group->nodes->len; i++)
    {
      PpMergeCandidateNode *node = &g_array_index (group->nodes, PpMergeCandidateNode, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, i);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, node->name);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, node->type);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  user_message = json_to_string (root, FALSE);

  request = pp_llm_request_new (SYSTEM_PROMPT, user_message);
  if (adjudication->model != NULL)
    pp_llm_request_set_model (request, adjudication->model);
  pp_llm_request_set_temperature (request, 0.0);
  pp_llm_request_set_max_tokens (request, MAX_ANSWER_TOKENS);
  pp_llm_request_set_json_mode (request, TRUE);

  return request;
}

/* The PpConvertContextMaySendFunc of an adjudication: nothing is sent once
 * the run's dispatch is stopped */
static gboolean
may_send (gpointer   data,
          GError   **error)
{
  Adjudication *adjudication = data;

  if (!pp_dispatch_is_stopped (adjudication->run->dispatch))
    return TRUE;

  g_set_error (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED,
               "%s: merge candidates not adjudicated: processing was stopped",
               adjudication->run->name);
  return FALSE;
}

static gboolean
wake_up (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
add_wake_up (GMainContext *context,
             GSource      *source,
             gboolean     *woken)
{
  g_source_set_callback (source, wake_up, woken, NULL);
  g_source_attach (source, context);
  g_source_unref (source);
}

/* Waits @delay_ms on a timer, or until the run is cancelled or stopped */
static void
wait_for_retry (Adjudication *adjudication,
                guint         delay_ms)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  gboolean woken = FALSE;

  add_wake_up (context, g_timeout_source_new (delay_ms), &woken);
  add_wake_up (context, g_cancellable_source_new (adjudication->run->dispatch->stopped), &woken);
  if (pp_run_get_requests_cancellable (adjudication->run) != NULL)
    add_wake_up (context, g_cancellable_source_new (pp_run_get_requests_cancellable (adjudication->run)),
                 &woken);

  while (!woken)
    g_main_context_iteration (context, TRUE);
}

/* The answer to @request, retried as a segment's would be */
static PpLlmResponse *
ask (Adjudication      *adjudication,
     PpConvertContext  *context,
     PpLlmRequest      *request,
     GError           **error)
{
  PpProcessor *self = adjudication->self;
  GCancellable *cancellable = pp_run_get_requests_cancellable (adjudication->run);
  guint attempt = 0;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      PpLlmResponse *response = pp_convert_context_complete (context, request, cancellable,
                                                             &local_error);
      gboolean not_sent;

      if (response != NULL)
        return response;

      pp_processor_redact_error (self, local_error);
      not_sent = pp_llm_error_get_not_sent (local_error);
      if (!pp_llm_error_is_transient (local_error) ||
          (attempt >= self->max_retries && !not_sent) ||
          g_cancellable_is_cancelled (cancellable) ||
          pp_dispatch_is_stopped (adjudication->run->dispatch))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      wait_for_retry (adjudication, pp_processor_retry_delay_ms (self, attempt, local_error));
      if (!not_sent)
        {
          attempt++;
          pp_stats_collector_add_retried (&self->stats, local_error);
        }
    }
}

/* Decides @group from @response; FALSE with @error set when the answer is
 * not {"same": [[…], …]} */
static gboolean
read_answer (PpMergeCandidateGroup  *group,
             PpLlmResponse          *response,
             GError                **error)
{
  const char *content = pp_llm_response_get_content (response);
  g_autoptr(JsonNode) answer = NULL;

  answer = pp_json_parse (content != NULL ? content : "", -1, error);
  if (answer == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (answer) ||
      !json_object_has_member (json_node_get_object (answer), "same"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the answer is not an object with “same”");
      return FALSE;
    }

  return pp_merge_candidate_group_set_same (group,
                                            json_object_get_member (json_node_get_object (answer), "same"),
                                            error);
}

static void
adjudicate_group (gpointer data,
                  gpointer user_data)
{
  PpMergeCandidateGroup *group = data;
  Adjudication *adjudication = user_data;
  PpProcessor *self = adjudication->self;
  g_autoptr(PpConvertContext) context = NULL;
  g_autoptr(PpLlmRequest) request = request_new (adjudication, group);
  g_autoptr(PpLlmResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;

  context = pp_convert_context_new_full (self->client, self->cache, adjudication->model,
                                         pp_processor_complete_request, self);
  pp_convert_context_set_stats (context, &self->stats);
  pp_convert_context_set_cache_ttl (context, (guint) g_atomic_int_get (&self->cache_ttl_s));
  pp_convert_context_set_send_funcs (context, may_send, NULL, adjudication);

  response = ask (adjudication, context, request, &error);
  if (response != NULL && read_answer (group, response, &error))
    {
      pp_convert_context_end_conversion (context, TRUE);
      return;
    }

  /* Not stored: asked again next time */
  pp_convert_context_end_conversion (context, FALSE);
  group->decision = PP_MERGE_DECISION_UNANSWERED;
  names = describe_group (group);
  if (response != NULL)
    g_warning ("%s: merge candidates %s: left apart, the answer makes no sense: %s",
               adjudication->run->name, names, error->message);
  else
    g_warning ("%s: merge candidates %s: left apart, not adjudicated: %s",
               adjudication->run->name, names, error->message);
}

/* The PpReconcilerCandidatesFunc of a document's reconciler */
static void
settle_candidates (GPtrArray *groups,
                   gpointer   user_data)
{
  Adjudication *adjudication = user_data;
  PpProcessor *self = adjudication->self;

  for (guint i = 0; i < groups->len; i++)
    pp_merge_candidate_group_set_document (groups->pdata[i], adjudication->run->name);

  if (adjudication->mode == PP_RESOLVE_MODE_LLM && groups->len > 0)
    {
      guint max_workers = (guint) g_atomic_int_get (&self->max_workers);
      g_autoptr(GError) error = NULL;
      GThreadPool *pool;
      gint64 start = g_get_monotonic_time ();

      pool = g_thread_pool_new (adjudicate_group, adjudication,
                                (int) CLAMP (MIN (max_workers, groups->len), 1, G_MAXINT),
                                FALSE, &error);
      g_assert_no_error (error);   /* a shared pool never fails */
      for (guint i = 0; i < groups->len; i++)
        g_thread_pool_push (pool, groups->pdata[i], NULL);
      g_thread_pool_free (pool, FALSE, TRUE);

      g_debug ("%s: %u groups of merge candidates adjudicated in %.1f ms",
               adjudication->run->name, groups->len,
               (g_get_monotonic_time () - start) / 1000.0);
    }

  pp_stats_collector_add_merge_candidates (&self->stats, groups);
}

/* Has the reconciler of @run hand its merge candidates to the processor,
 * which settles them as its resolve-mode says */
void
pp_adjudication_attach (PpProcessor *self,
                        Run         *run)
{
  Adjudication *adjudication = g_new0 (Adjudication, 1);

  adjudication->self = g_object_ref (self);
  adjudication->run = pp_run_ref (run);
  adjudication->mode = self->resolve_mode;
  g_mutex_lock (&self->lock);
  adjudication->model = g_strdup (self->model);
  g_mutex_unlock (&self->lock);

  pp_reconciler_set_candidates_func (run->reconciler, settle_candidates, adjudication,
                                     (GDestroyNotify) adjudication_free);
}
