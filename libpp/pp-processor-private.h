/* pp-processor-private.h: what the processor's files share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-processor.h"
#include "pp-convert-context-private.h"
#include "pp-llm-client-private.h"
#include "pp-main-context-queue-private.h"
#include "pp-stats-private.h"
#include "pp-circuit-breaker-private.h"
#include "pp-rate-budget-private.h"

G_BEGIN_DECLS

#define PP_PROCESSOR_MAX_RETRY_DELAY_MS 60000

typedef struct _Run Run;
typedef struct _Task Task;
typedef struct _Dispatch Dispatch;

struct _PpProcessor
{
  GObject parent_instance;

  /* Set at construction, then read-only */
  PpConverter *converter;
  PpLlmClient *client;
  PpCache *cache;
  guint cache_ttl_s;            /* atomic: how long stored answers stay valid */
  PpSegmenter *segmenter;
  GThreadPool *pool;
  GMainContext *context;
  PpMainContextQueue *events;   /* (element-type PpProcessorEvent): signals */
  GAsyncQueue *results;         /* (element-type PpResult): thread-safe */

  /* Set from the application's thread, read when a run or retry starts */
  PpOutputForm output_form;
  gboolean provenance;
  PpResolveMode resolve_mode;
  guint min_workers;
  guint max_retries;
  guint retry_delay_ms;
  guint segment_timeout_s;

  /* max_workers is written under lock and read atomically */
  guint max_workers;

  /* lock guards: model, queue_size, n_queued, backlog, stream, and the
   * counters and state of every Run and Task (see there). cond is
   * broadcast when a task is admitted into the pool's queue, if a
   * submission waits for room (cond_waiters), and when a synchronous run
   * completes. */
  GMutex lock;
  GCond cond;
  guint cond_waiters;           /* submissions waiting on cond for room */
  char *model;
  guint queue_size;
  guint n_queued;               /* tasks in the pool's queue, not started */
  GQueue backlog;               /* (element-type Task): waiting for room */
  Run *stream;                  /* the run of pp_processor_submit() */
  Dispatch *dispatch;           /* what pp_processor_stop() ends next */
  GPtrArray *runs;              /* (element-type Run): the documents' runs
                                 * under way, whose requests
                                 * pp_processor_stop_now() aborts */

  /* The request path (pp-request-gate.c). limiter_lock guards limiter
   * and adaptive; a request holds its own reference to the limiter it
   * acquired. The breaker and the budgets are thread-safe. The values
   * last announced are atomic. */
  GMutex limiter_lock;
  PpConcurrencyLimiter *limiter;
  gboolean adaptive;
  PpCircuitBreaker *breaker;
  PpRateBudget *request_budget; /* requests per minute */
  PpRateBudget *token_budget;   /* tokens per minute */
  guint announced_limit;        /* the concurrency-limit last notified */
  guint announced_circuit;      /* the circuit-state last notified */

  /* flight_lock guards flights, flight_waiters and every Flight's result;
   * flight_cond is broadcast when a flight lands and someone waits for
   * one */
  GMutex flight_lock;
  GCond flight_cond;
  guint flight_waiters;         /* requests waiting for another's answer */
  GHashTable *flights;          /* (element-type Flight): the requests in
                                 * flight, by request */

  PpStatsCollector stats;       /* its own lock */
};

/* A document, or the processor's stream of submitted segments */
struct _Run
{
  gatomicrefcount ref_count;
  PpProcessor *self;            /* owned, but for the processor's own stream */
  char *name;
  gboolean is_stream;
  Dispatch *dispatch;           /* documents: the one of their tasks, the
                                 * processor's when the call was made */
  GCancellable *cancellable;    /* (nullable): the caller's */
  GCancellable *requests;       /* (nullable): documents: the one their
                                 * requests are sent with, cancelled with
                                 * the caller's, or to abort them
                                 * (pp_processor_stop_now()) */
  PpReconciler *reconciler;
  gint64 start_time;

  /* under self->lock */
  gulong cancel_handler;
  GTask *task;                  /* asynchronous runs, until they complete */
  guint total;
  guint done;
  guint failed;
  guint n_started;              /* tasks that began a first attempt */
  guint first_wave;             /* how many begin before the first answer */
  char *first_error;
  gboolean completed;
  JsonNode *result;             /* synchronous runs */
  GError *error;
};

/* What a run's requests are sent with */
static inline GCancellable *
pp_run_get_requests_cancellable (Run *run)
{
  return run->requests != NULL ? run->requests : run->cancellable;
}

/* One segment of a run, from admission to its result */
struct _Task
{
  PpProcessor *self;            /* owned */
  Run *run;                     /* owned */
  PpSegment *segment;
  guint attempt;
  gint64 queued_time;
  Dispatch *dispatch;
  gint64 started_time;          /* when its first attempt started */
  gint64 deadline;              /* monotonic; 0: none, or not started */

  /* under self->lock */
  GTask *admit_task;            /* pp_processor_submit_async(), until admitted */
  gboolean admitted;            /* pp_processor_submit() waits for it */
};

/* What pp_processor_stop() ends: every run and task belongs to the
 * dispatch that was the processor's when it was made */
struct _Dispatch
{
  gatomicrefcount ref_count;
  GCancellable *stopped;        /* cancelled when it is stopped */
  GError *reason;               /* under self->lock: the fatal error that
                                 * stopped it, if one did */
};

/* pp-stop.c: stopping dispatch, on request or at a fatal error */
Dispatch *pp_dispatch_new                   (void);
Dispatch *pp_dispatch_ref                   (Dispatch      *dispatch);
void      pp_dispatch_unref                 (Dispatch      *dispatch);
gboolean  pp_dispatch_is_stopped            (Dispatch      *dispatch);
void      pp_processor_stop_dispatch        (PpProcessor   *self,
                                             Dispatch      *dispatch,
                                             const GError  *reason);
GError   *pp_task_new_stopped_error         (Task          *task);
gboolean  pp_task_was_aborted               (Task          *task,
                                             const GError  *error);
gboolean  pp_task_may_send                  (gpointer       task,
                                             GError       **error);
void      pp_task_send_failed               (gpointer       task,
                                             const GError  *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Dispatch, pp_dispatch_unref)

/* pp-result.c */
PpResult *pp_result_new (PpSegment *segment,
                         GBytes    *jsonld,
                         GError    *error);

/* pp-processor-signals.c: the signals, carried in order to the
 * processor's context */
typedef enum {
  PP_PROCESSOR_SIGNAL_SEGMENT_STARTED,
  PP_PROCESSOR_SIGNAL_SEGMENT_DONE,
  PP_PROCESSOR_SIGNAL_SEGMENT_FAILED,
  PP_PROCESSOR_SIGNAL_PROGRESS,
  PP_PROCESSOR_SIGNAL_FINISHED,
  PP_PROCESSOR_SIGNAL_SEGMENT_MERGED,
  PP_PROCESSOR_SIGNAL_SEGMENT_DONE_BYTES,
  PP_PROCESSOR_N_SIGNALS
} PpProcessorSignal;

void      pp_processor_class_add_signals    (GObjectClass *object_class);
JsonNode *pp_processor_read_jsonld          (PpSegment         *segment,
                                             GBytes            *jsonld);
PpMainContextQueue *pp_processor_new_event_queue (PpProcessor *self);
gboolean  pp_processor_has_handler          (PpProcessor       *self,
                                             PpProcessorSignal  signal);
void      pp_processor_emit_segment_started (PpProcessor       *self,
                                             PpSegment         *segment);
void      pp_processor_emit_segment_done    (PpProcessor       *self,
                                             PpSegment         *segment,
                                             GBytes            *jsonld);
void      pp_processor_emit_segment_failed  (PpProcessor       *self,
                                             PpSegment         *segment,
                                             const GError      *error);
void      pp_processor_emit_progress        (PpProcessor       *self,
                                             guint              done,
                                             guint              failed,
                                             guint              total);
void      pp_processor_emit_finished        (PpProcessor       *self,
                                             JsonNode          *graph);
void      pp_processor_watch_merges         (PpProcessor       *self,
                                             Run               *run);
void      pp_processor_disconnect_run_later (PpProcessor       *self,
                                             Run               *run);
void      pp_processor_return_task_later    (PpProcessor       *self,
                                             GTask             *task,
                                             JsonNode          *graph,
                                             GBytes            *bytes,
                                             GError            *error);
void      pp_processor_notify_later         (PpProcessor       *self,
                                             GParamSpec        *pspec);

/* pp-run.c: runs and tasks, admission, the worker, completion */
Run      *pp_run_new                        (PpProcessor   *self,
                                             const char    *name,
                                             guint          total,
                                             GCancellable  *cancellable,
                                             gboolean       is_stream);
Run      *pp_run_ref                        (Run           *run);
void      pp_run_unref                      (Run           *run);
void      pp_run_disconnect_cancellable     (Run           *run);
Run      *pp_run_start_document             (PpProcessor   *self,
                                             PpDocument    *document,
                                             GCancellable  *cancellable,
                                             GError       **error);
void      pp_run_start_document_async       (PpProcessor   *self,
                                             PpDocument    *document,
                                             GCancellable  *cancellable,
                                             gboolean       as_bytes,
                                             GTask         *gtask);
Task     *pp_task_new                       (Run           *run,
                                             PpSegment     *segment);
void      pp_task_free                      (Task          *task);
void      pp_processor_admit_one_locked     (PpProcessor   *self,
                                             Task          *task,
                                             GQueue        *admitted);
void      pp_processor_admit_locked         (PpProcessor   *self,
                                             GQueue        *admitted,
                                             GQueue        *to_return);
void      pp_processor_push_admitted        (PpProcessor   *self,
                                             GQueue        *admitted);
void      pp_processor_return_admitted      (GQueue        *to_return);
void      pp_processor_worker               (gpointer       data,
                                             gpointer       user_data);
GError   *pp_task_new_deadline_error        (Task          *task,
                                             const GError  *error);
void      pp_processor_redact_error         (PpProcessor   *self,
                                             GError        *error);
guint     pp_processor_pool_size_for        (guint          max_workers);

/* pp-retry.c */
guint     pp_processor_retry_delay_ms       (PpProcessor   *self,
                                             guint          attempt,
                                             const GError  *error);
gboolean  pp_processor_schedule_retry       (PpProcessor   *self,
                                             Task          *task,
                                             const GError  *error,
                                             GError       **deadline_error);

/* pp-request-gate.c: the path of one request */
PpLlmResponse *pp_processor_complete_request (PpConvertContext  *context,
                                              PpLlmRequest      *request,
                                              GCancellable      *cancellable,
                                              gpointer           user_data,
                                              GError           **error);
GHashTable    *pp_processor_new_flight_table (void);
PpConcurrencyLimiter *pp_processor_dup_limiter (PpProcessor *self);
void           pp_processor_apply_limiter_bounds (PpProcessor *self);
void           pp_processor_announce_limit       (PpProcessor *self);
void           pp_processor_update_path_stats    (PpProcessor *self);

/* pp-processor.c: notifications on the processor's context, from any
 * thread */
void           pp_processor_notify_concurrency_limit_later (PpProcessor *self);
void           pp_processor_notify_circuit_state_later     (PpProcessor *self);

G_END_DECLS
