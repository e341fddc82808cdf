/* pp-processor.h: runs segments through the converter on a thread pool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-cache.h>
#include <libpp/pp-circuit-breaker.h>
#include <libpp/pp-concurrency-limiter.h>
#include <libpp/pp-converter.h>
#include <libpp/pp-document.h>
#include <libpp/pp-llm-client.h>
#include <libpp/pp-reconciler.h>
#include <libpp/pp-segment.h>
#include <libpp/pp-segmenter.h>
#include <libpp/pp-stats.h>

G_BEGIN_DECLS

/**
 * PP_PROCESSOR_ERROR:
 *
 * The error domain of the processor.
 *
 * Since: 0.1
 */
#define PP_PROCESSOR_ERROR (pp_processor_error_quark ())

/**
 * PpProcessorError:
 * @PP_PROCESSOR_ERROR_QUEUE_FULL: the task queue is full
 * @PP_PROCESSOR_ERROR_FAILED: every segment of a document failed
 * @PP_PROCESSOR_ERROR_RECONCILE: the segments' graphs could not be merged
 * @PP_PROCESSOR_ERROR_STOPPED: the segment was not converted because
 *   processing was stopped (pp_processor_stop(), or an LLM error that
 *   stops every run). Since: 0.2
 * @PP_PROCESSOR_ERROR_DEADLINE: the segment was not converted within
 *   #PpProcessor:segment-timeout. Since: 0.2
 *
 * Error codes of #PP_PROCESSOR_ERROR.
 *
 * Since: 0.1
 */
typedef enum {
  PP_PROCESSOR_ERROR_QUEUE_FULL,
  PP_PROCESSOR_ERROR_FAILED,
  PP_PROCESSOR_ERROR_RECONCILE,
  PP_PROCESSOR_ERROR_STOPPED,
  PP_PROCESSOR_ERROR_DEADLINE,
} PpProcessorError;

PP_AVAILABLE_IN_ALL
GQuark pp_processor_error_quark (void);

#define PP_TYPE_RESULT (pp_result_get_type ())

/**
 * PpResult:
 *
 * What became of a segment submitted with pp_processor_submit(): its
 * JSON-LD, or the error that stopped it.
 *
 * Since: 0.1
 */
typedef struct _PpResult PpResult;

PP_AVAILABLE_IN_ALL
GType         pp_result_get_type    (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
void          pp_result_free        (PpResult *result);
PP_AVAILABLE_IN_ALL
PpSegment    *pp_result_get_segment (PpResult *result);
PP_AVAILABLE_IN_ALL
JsonNode     *pp_result_get_graph   (PpResult *result);
PP_AVAILABLE_IN_ALL
const GError *pp_result_get_error   (PpResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpResult, pp_result_free)

/**
 * PpResolveMode:
 * @PP_RESOLVE_MODE_RULES: entities are merged by the resolution rules
 *   alone; the merge candidates are only reported. Deterministic and
 *   offline.
 * @PP_RESOLVE_MODE_LLM: the LLM is asked about each group of merge
 *   candidates, and the entities it finds to be one are merged
 *
 * How [class@Pp.Processor] settles the entities that the resolution rules
 * leave apart but that look alike (see [property@Pp.Processor:resolve-mode]).
 *
 * Since: 0.2
 */
typedef enum {
  PP_RESOLVE_MODE_RULES,
  PP_RESOLVE_MODE_LLM,
} PpResolveMode;

#define PP_TYPE_PROCESSOR (pp_processor_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (PpProcessor, pp_processor, PP, PROCESSOR, GObject)

PP_AVAILABLE_IN_ALL
PpProcessor *pp_processor_new                      (PpConverter          *converter,
                                                    PpLlmClient          *client,
                                                    PpCache              *cache);

PP_AVAILABLE_IN_ALL
PpConverter *pp_processor_get_converter            (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
PpLlmClient *pp_processor_get_llm_client           (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
PpCache     *pp_processor_get_cache                (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
PpSegmenter *pp_processor_get_segmenter            (PpProcessor          *processor);

PP_AVAILABLE_IN_ALL
guint        pp_processor_get_max_workers          (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
void         pp_processor_set_max_workers          (PpProcessor          *processor,
                                                    guint                 max_workers);
PP_AVAILABLE_IN_ALL
guint        pp_processor_get_min_workers          (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
void         pp_processor_set_min_workers          (PpProcessor          *processor,
                                                    guint                 min_workers);
PP_AVAILABLE_IN_ALL
guint        pp_processor_get_queue_size           (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
void         pp_processor_set_queue_size           (PpProcessor          *processor,
                                                    guint                 queue_size);
PP_AVAILABLE_IN_ALL
void         pp_processor_set_model                (PpProcessor          *processor,
                                                    const char           *model);
PP_AVAILABLE_IN_ALL
void         pp_processor_set_output_form          (PpProcessor          *processor,
                                                    PpOutputForm          form);

PP_AVAILABLE_IN_ALL
gboolean     pp_processor_submit                   (PpProcessor          *processor,
                                                    PpSegment            *segment,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
PP_AVAILABLE_IN_ALL
gboolean     pp_processor_try_submit               (PpProcessor          *processor,
                                                    PpSegment            *segment,
                                                    GError              **error);
PP_AVAILABLE_IN_ALL
void         pp_processor_submit_async             (PpProcessor          *processor,
                                                    PpSegment            *segment,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
PP_AVAILABLE_IN_ALL
gboolean     pp_processor_submit_finish            (PpProcessor          *processor,
                                                    GAsyncResult         *result,
                                                    GError              **error);
PP_AVAILABLE_IN_ALL
PpResult    *pp_processor_pop_result               (PpProcessor          *processor);
PP_AVAILABLE_IN_ALL
PpResult    *pp_processor_timeout_pop_result       (PpProcessor          *processor,
                                                    guint64               timeout_us);

PP_AVAILABLE_IN_ALL
JsonNode    *pp_processor_process_document        (PpProcessor          *processor,
                                                    PpDocument           *document,
                                                    GCancellable         *cancellable,
                                                    GError              **error);
PP_AVAILABLE_IN_ALL
void         pp_processor_process_document_async   (PpProcessor          *processor,
                                                    PpDocument           *document,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
PP_AVAILABLE_IN_ALL
JsonNode    *pp_processor_process_document_finish  (PpProcessor          *processor,
                                                    GAsyncResult         *result,
                                                    GError              **error);

PP_AVAILABLE_IN_0_2
void         pp_processor_process_document_bytes_async  (PpProcessor         *processor,
                                                         PpDocument          *document,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
PP_AVAILABLE_IN_0_2
GBytes      *pp_processor_process_document_bytes_finish (PpProcessor         *processor,
                                                         GAsyncResult        *result,
                                                         GError             **error);

PP_AVAILABLE_IN_0_2
void         pp_processor_stop                     (PpProcessor          *processor);
PP_AVAILABLE_IN_0_2
void         pp_processor_stop_now                 (PpProcessor          *processor);

PP_AVAILABLE_IN_0_2
void         pp_processor_set_limiter              (PpProcessor          *processor,
                                                    PpConcurrencyLimiter *limiter);
PP_AVAILABLE_IN_0_2
gboolean     pp_processor_get_adaptive             (PpProcessor          *processor);
PP_AVAILABLE_IN_0_2
void         pp_processor_set_adaptive             (PpProcessor          *processor,
                                                    gboolean              adaptive);
PP_AVAILABLE_IN_0_2
guint        pp_processor_get_concurrency_limit    (PpProcessor          *processor);
PP_AVAILABLE_IN_0_2
PpCircuitState pp_processor_get_circuit_state      (PpProcessor          *processor);
PP_AVAILABLE_IN_0_2
guint        pp_processor_get_requests_per_minute  (PpProcessor          *processor);
PP_AVAILABLE_IN_0_2
void         pp_processor_set_requests_per_minute  (PpProcessor          *processor,
                                                    guint                 requests_per_minute);
PP_AVAILABLE_IN_0_2
guint        pp_processor_get_tokens_per_minute    (PpProcessor          *processor);
PP_AVAILABLE_IN_0_2
void         pp_processor_set_tokens_per_minute    (PpProcessor          *processor,
                                                    guint                 tokens_per_minute);

PP_AVAILABLE_IN_ALL
PpStats     *pp_processor_get_stats                (PpProcessor          *processor);

G_END_DECLS
