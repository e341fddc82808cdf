/* pp-segment-private.h: making segments inside libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-segment.h"

G_BEGIN_DECLS

PpSegment *pp_segment_new_take_path (guint        index,
                                     const char  *text,
                                     gsize        length,
                                     gsize        offset,
                                     char       **heading_path,
                                     guint        page);

G_END_DECLS
