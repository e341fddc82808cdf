/* pp-convert-limits.h: the system resources a number of jobs needs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *limits_reserve_for_jobs (guint jobs);

G_END_DECLS
