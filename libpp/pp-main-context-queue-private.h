/* pp-main-context-queue-private.h: ordered delivery of events to a GMainContext
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Delivers an event to @owner, on the queue's context */
typedef void (* PpMainContextQueueDispatchFunc) (gpointer owner,
                                                 gpointer event);

typedef struct _PpMainContextQueue PpMainContextQueue;

PpMainContextQueue *pp_main_context_queue_new       (GMainContext                   *context,
                                                     gpointer                        owner,
                                                     const char                     *source_name,
                                                     PpMainContextQueueDispatchFunc  dispatch,
                                                     GDestroyNotify                  free_event);
PpMainContextQueue *pp_main_context_queue_ref       (PpMainContextQueue             *queue);
void                pp_main_context_queue_unref     (PpMainContextQueue             *queue);
void                pp_main_context_queue_push      (PpMainContextQueue             *queue,
                                                     gpointer                        event);
gpointer            pp_main_context_queue_dup_owner (PpMainContextQueue             *queue);
gboolean            pp_main_context_queue_is_idle   (PpMainContextQueue             *queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMainContextQueue, pp_main_context_queue_unref)

G_END_DECLS
