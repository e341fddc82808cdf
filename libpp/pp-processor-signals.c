/* pp-processor-signals.c: the processor's signals, emitted in order on its
 * main context
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"
#include "pp-reconciler-private.h"
#include "pp-json-parse.h"
#include "pp-jsonld-util-private.h"
#include "pp-marshal.h"

/* Workers report what happens as events; the processor's event queue
 * carries them to the context that was thread-default when it was made,
 * where they are emitted as signals in the order they happened. Events are
 * queued only for the signals someone listens to, so that an application
 * that connects none is never woken up by a run. A segment's JSON-LD
 * comes from the converter as JSON text: it is read into a tree only for a
 * handler of segment-done, and handed as it is to one of
 * segment-done-bytes. */

typedef enum {
  EVENT_STARTED,
  EVENT_DONE,
  EVENT_FAILED,
  EVENT_PROGRESS,
  EVENT_FINISHED,
  EVENT_MERGED,
  EVENT_RUN_OVER,
  EVENT_RETURN,
  EVENT_NOTIFY,
} EventKind;

typedef struct
{
  EventKind kind;
  PpSegment *segment;
  JsonNode *graph;
  GBytes *bytes;                /* EVENT_DONE: the segment's JSON-LD, for
                                 * segment-done-bytes (or NULL);
                                 * EVENT_RETURN: the graph */
  GError *error;
  guint done;
  guint failed;
  guint total;
  Run *run;
  GTask *task;
  GParamSpec *pspec;
} Event;

static guint signals[PP_PROCESSOR_N_SIGNALS];

static Event *
event_new (EventKind  kind,
           PpSegment *segment)
{
  Event *event = g_new0 (Event, 1);

  event->kind = kind;
  event->segment = segment != NULL ? pp_segment_ref (segment) : NULL;

  return event;
}

static void
event_free (Event *event)
{
  g_clear_pointer (&event->segment, pp_segment_unref);
  g_clear_pointer (&event->graph, json_node_unref);
  g_clear_pointer (&event->bytes, g_bytes_unref);
  g_clear_error (&event->error);
  g_clear_pointer (&event->run, pp_run_unref);
  g_clear_object (&event->task);
  g_free (event);
}

/* Completes the task of @event with its graph, or its error */
static void
return_task (Event *event)
{
  GTask *task = g_steal_pointer (&event->task);

  if (event->graph != NULL)
    g_task_return_pointer (task, g_steal_pointer (&event->graph), (GDestroyNotify) json_node_unref);
  else if (event->bytes != NULL)
    g_task_return_pointer (task, g_steal_pointer (&event->bytes), (GDestroyNotify) g_bytes_unref);
  else
    g_task_return_error (task, g_steal_pointer (&event->error));
  g_object_unref (task);
}

static void
dispatch_event (gpointer owner,
                gpointer data)
{
  PpProcessor *self = owner;
  Event *event = data;

  switch (event->kind)
    {
    case EVENT_STARTED:
      g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_SEGMENT_STARTED], 0, event->segment);
      break;
    case EVENT_DONE:
      /* one event for both signals, so that nothing comes between them */
      if (event->bytes != NULL)
        g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_SEGMENT_DONE_BYTES], 0, event->segment, event->bytes);
      if (event->graph != NULL)
        g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_SEGMENT_DONE], 0, event->segment, event->graph);
      break;
    case EVENT_FAILED:
      g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_SEGMENT_FAILED], 0, event->segment, event->error);
      break;
    case EVENT_PROGRESS:
      g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_PROGRESS], 0, event->done, event->failed, event->total);
      break;
    case EVENT_FINISHED:
      g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_FINISHED], 0, event->graph);
      break;
    case EVENT_MERGED:
      g_signal_emit (self, signals[PP_PROCESSOR_SIGNAL_SEGMENT_MERGED], 0,
                     pp_segment_get_index (event->segment), event->done);
      break;
    case EVENT_RUN_OVER:
      pp_run_disconnect_cancellable (event->run);
      break;
    case EVENT_RETURN:
      return_task (event);
      break;
    case EVENT_NOTIFY:
      g_object_notify_by_pspec (G_OBJECT (self), event->pspec);
      break;
    default:
      g_assert_not_reached ();
    }
}

PpMainContextQueue *
pp_processor_new_event_queue (PpProcessor *self)
{
  return pp_main_context_queue_new (self->context, self, "[libpp] processor signals",
                                    dispatch_event, (GDestroyNotify) event_free);
}

gboolean
pp_processor_has_handler (PpProcessor       *self,
                          PpProcessorSignal  signal)
{
  return g_signal_has_handler_pending (self, signals[signal], 0, TRUE);
}

void
pp_processor_emit_segment_started (PpProcessor *self,
                                   PpSegment   *segment)
{
  if (pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_SEGMENT_STARTED))
    pp_main_context_queue_push (self->events, event_new (EVENT_STARTED, segment));
}

/* The tree of @jsonld, the JSON-LD of @segment as its converter wrote it,
 * or NULL when it cannot be read (a converter's fault, logged) */
JsonNode *
pp_processor_read_jsonld (PpSegment *segment,
                          GBytes    *jsonld)
{
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize size;
  JsonNode *graph;

  data = g_bytes_get_data (jsonld, &size);
  graph = pp_json_parse (data != NULL ? data : "", (gssize) MIN (size, G_MAXSSIZE), &error);
  if (graph == NULL)
    g_warning ("Segment %u: its JSON-LD cannot be read as a tree: %s",
               pp_segment_get_index (segment), error->message);

  return graph;
}

/* @jsonld stays the caller's: the handlers of segment-done get a tree of
 * it, read here, on the worker's thread, and those of segment-done-bytes
 * the bytes themselves */
void
pp_processor_emit_segment_done (PpProcessor *self,
                                PpSegment   *segment,
                                GBytes      *jsonld)
{
  gboolean wants_bytes = pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_SEGMENT_DONE_BYTES);
  JsonNode *graph = NULL;
  Event *event;

  if (pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_SEGMENT_DONE))
    graph = pp_processor_read_jsonld (segment, jsonld);

  if (!wants_bytes && graph == NULL)
    return;

  event = event_new (EVENT_DONE, segment);
  event->bytes = wants_bytes ? g_bytes_ref (jsonld) : NULL;
  event->graph = graph;
  pp_main_context_queue_push (self->events, event);
}

void
pp_processor_emit_segment_failed (PpProcessor  *self,
                                  PpSegment    *segment,
                                  const GError *error)
{
  Event *event;

  if (!pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_SEGMENT_FAILED))
    return;

  event = event_new (EVENT_FAILED, segment);
  event->error = g_error_copy (error);
  pp_main_context_queue_push (self->events, event);
}

/* Call it under self->lock, so that progress events keep their order */
void
pp_processor_emit_progress (PpProcessor *self,
                            guint        done,
                            guint        failed,
                            guint        total)
{
  Event *event;

  if (!pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_PROGRESS))
    return;

  event = event_new (EVENT_PROGRESS, NULL);
  event->done = done;
  event->failed = failed;
  event->total = total;
  pp_main_context_queue_push (self->events, event);
}

/* @graph stays the caller's: the handlers get a copy */
void
pp_processor_emit_finished (PpProcessor *self,
                            JsonNode    *graph)
{
  Event *event;

  if (!pp_processor_has_handler (self, PP_PROCESSOR_SIGNAL_FINISHED))
    return;

  event = event_new (EVENT_FINISHED, NULL);
  event->graph = pp_jsonld_node_copy_deep (graph);
  pp_main_context_queue_push (self->events, event);
}

/* On the reconciler's thread: the segment's nodes are merged, and the
 * document has @n_entities distinct entities so far. Queued after the
 * segment's segment-done, which the worker queued before it handed the
 * graph over. */
static void
segment_merged (PpSegment *segment,
                guint      n_entities,
                gpointer   user_data)
{
  Run *run = user_data;
  Event *event;

  if (!pp_processor_has_handler (run->self, PP_PROCESSOR_SIGNAL_SEGMENT_MERGED))
    return;

  event = event_new (EVENT_MERGED, segment);
  event->done = n_entities;
  pp_main_context_queue_push (run->self->events, event);
}

/* Has the reconciler of @run report the segments it merged as
 * segment-merged */
void
pp_processor_watch_merges (PpProcessor *self,
                           Run         *run)
{
  pp_reconciler_set_merged_func (run->reconciler, segment_merged, pp_run_ref (run),
                                 (GDestroyNotify) pp_run_unref);
}

/* Disconnects @run from its cancellable once the events before this one
 * were emitted, on the processor's context */
void
pp_processor_disconnect_run_later (PpProcessor *self,
                                   Run         *run)
{
  Event *event = event_new (EVENT_RUN_OVER, NULL);

  event->run = pp_run_ref (run);
  pp_main_context_queue_push (self->events, event);
}

/* Completes @task, an asynchronous call of the processor, with @graph,
 * @bytes or @error; takes all four. On the processor's context, it completes after the
 * events queued before, so that its callback comes after the last signal
 * of the run; from the event's dispatch, GTask runs the callback there and
 * then. A task of another context has no order to keep with the signals:
 * it completes from an idle of its own context. */
void
pp_processor_return_task_later (PpProcessor *self,
                                GTask       *task,
                                JsonNode    *graph,
                                GBytes      *bytes,
                                GError      *error)
{
  Event *event = event_new (EVENT_RETURN, NULL);

  g_assert ((graph != NULL) + (bytes != NULL) + (error != NULL) == 1);

  event->task = task;
  event->graph = graph;
  event->bytes = bytes;
  event->error = error;
  if (g_task_get_context (task) == self->context)
    pp_main_context_queue_push (self->events, event);
  else
    {
      return_task (event);
      event_free (event);
    }
}

/* Notifies @pspec, a static property of the processor, on its context,
 * if anyone listens to it */
void
pp_processor_notify_later (PpProcessor *self,
                           GParamSpec  *pspec)
{
  Event *event;

  if (!g_signal_has_handler_pending (self, g_signal_lookup ("notify", G_TYPE_OBJECT),
                                     g_param_spec_get_name_quark (pspec), TRUE))
    return;

  event = event_new (EVENT_NOTIFY, NULL);
  event->pspec = pspec;
  pp_main_context_queue_push (self->events, event);
}

void
pp_processor_class_add_signals (GObjectClass *object_class)
{
  GType type = G_TYPE_FROM_CLASS (object_class);

  /**
   * PpProcessor::segment-started:
   * @processor: the processor
   * @segment: the segment
   *
   * Emitted when a worker starts on a segment (not again on retries).
   *
   * Since: 0.1
   */
  signals[PP_PROCESSOR_SIGNAL_SEGMENT_STARTED] =
    g_signal_new ("segment-started", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1, PP_TYPE_SEGMENT);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_SEGMENT_STARTED], type,
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * PpProcessor::segment-done:
   * @processor: the processor
   * @segment: the segment
   * @graph: the segment's JSON-LD, a tree that belongs to the handler's
   *   thread
   *
   * Emitted when a segment was converted, if a handler was connected by
   * then: the tree is read from the converter's JSON text only for someone.
   * A handler that needs the text rather than a tree connects to
   * [signal@Pp.Processor::segment-done-bytes] instead, which costs
   * nothing.
   *
   * Since: 0.1
   */
  signals[PP_PROCESSOR_SIGNAL_SEGMENT_DONE] =
    g_signal_new ("segment-done", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__BOXED_BOXED,
                  G_TYPE_NONE, 2, PP_TYPE_SEGMENT, JSON_TYPE_NODE);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_SEGMENT_DONE], type,
                              _pp_marshal_VOID__BOXED_BOXEDv);

  /**
   * PpProcessor::segment-done-bytes:
   * @processor: the processor
   * @segment: the segment
   * @jsonld: the segment's JSON-LD as JSON text in UTF-8, as the converter
   *   gave it (see [method@Pp.Converter.convert_bytes])
   *
   * Emitted when a segment was converted, if a handler was connected by
   * then, right before [signal@Pp.Processor::segment-done]. @jsonld is
   * immutable and the same for every handler: nothing is copied or read
   * for it, and a handler may keep a reference.
   *
   * Since: 0.2
   */
  signals[PP_PROCESSOR_SIGNAL_SEGMENT_DONE_BYTES] =
    g_signal_new ("segment-done-bytes", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__BOXED_BOXED,
                  G_TYPE_NONE, 2, PP_TYPE_SEGMENT, G_TYPE_BYTES);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_SEGMENT_DONE_BYTES], type,
                              _pp_marshal_VOID__BOXED_BOXEDv);

  /**
   * PpProcessor::segment-failed:
   * @processor: the processor
   * @segment: the segment
   * @error: why it failed, after the retries
   *
   * Emitted when a segment failed for good.
   *
   * Since: 0.1
   */
  signals[PP_PROCESSOR_SIGNAL_SEGMENT_FAILED] =
    g_signal_new ("segment-failed", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__BOXED_BOXED,
                  G_TYPE_NONE, 2, PP_TYPE_SEGMENT, G_TYPE_ERROR);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_SEGMENT_FAILED], type,
                              _pp_marshal_VOID__BOXED_BOXEDv);

  /**
   * PpProcessor::progress:
   * @processor: the processor
   * @done: the segments of the run converted so far
   * @failed: the segments of the run that failed
   * @total: the segments of the run (a document, or all those submitted)
   *
   * Emitted after each segment.
   *
   * Since: 0.1
   */
  signals[PP_PROCESSOR_SIGNAL_PROGRESS] =
    g_signal_new ("progress", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__UINT_UINT_UINT,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_PROGRESS], type,
                              _pp_marshal_VOID__UINT_UINT_UINTv);

  /**
   * PpProcessor::finished:
   * @processor: the processor
   * @graph: the document's graph, a copy that belongs to the handler's
   *   thread
   *
   * Emitted when a document's graph is ready, before the asynchronous call
   * completes, if a handler was connected by then.
   *
   * Since: 0.1
   */
  signals[PP_PROCESSOR_SIGNAL_FINISHED] =
    g_signal_new ("finished", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1, JSON_TYPE_NODE);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_FINISHED], type,
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * PpProcessor::segment-merged:
   * @processor: the processor
   * @index: the index of the segment
   * @n_entities: how many distinct entities the document's segments merged
   *   so far describe
   *
   * Emitted when the nodes of a segment of a document were merged into the
   * document's graph, after the segment's [signal@Pp.Processor::segment-done],
   * for every segment that gave a graph, in the order they were merged. See
   * [signal@Pp.Reconciler::segment-merged] for how the entities are
   * counted.
   *
   * Since: 0.2
   */
  signals[PP_PROCESSOR_SIGNAL_SEGMENT_MERGED] =
    g_signal_new ("segment-merged", type, G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__UINT_UINT,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  g_signal_set_va_marshaller (signals[PP_PROCESSOR_SIGNAL_SEGMENT_MERGED], type,
                              _pp_marshal_VOID__UINT_UINTv);
}
