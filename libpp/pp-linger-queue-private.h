/* pp-linger-queue-private.h: items handed from many threads to one, in bursts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PpLingerQueue PpLingerQueue;

PpLingerQueue *pp_linger_queue_new        (guint           n_expected,
                                           GTimeSpan       linger,
                                           GDestroyNotify  free_item);
void           pp_linger_queue_free       (PpLingerQueue  *queue);
void           pp_linger_queue_push       (PpLingerQueue  *queue,
                                           gpointer        item,
                                           gboolean        urgent);
void           pp_linger_queue_push_front (PpLingerQueue  *queue,
                                           gpointer        item);
gpointer       pp_linger_queue_pop        (PpLingerQueue  *queue);
gboolean       pp_linger_queue_is_empty   (PpLingerQueue  *queue);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpLingerQueue, pp_linger_queue_free)

G_END_DECLS
