/* pp-scheduler-private.h: libpp's timer thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GMainContext *pp_scheduler_get_context (void);

G_END_DECLS
