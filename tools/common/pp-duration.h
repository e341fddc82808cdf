/* pp-duration.h: durations as the tools take them, such as 30d or 12h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean pp_duration_parse (const char  *text,
                            guint64     *seconds,
                            GError     **error);

G_END_DECLS
