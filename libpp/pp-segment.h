/* pp-segment.h: one piece of a document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

#define PP_TYPE_SEGMENT (pp_segment_get_type ())

/**
 * PpSegment:
 *
 * One piece of a document: its index, its text, the byte range it came
 * from, the titles of the sections above it, its page (since 0.2) and a
 * hash of its content.
 * A reference-counted, immutable boxed type, safe to share between threads.
 *
 * Since: 0.1
 */
typedef struct _PpSegment PpSegment;

PP_AVAILABLE_IN_ALL
GType               pp_segment_get_type         (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
PpSegment          *pp_segment_new              (guint               index,
                                                 const char         *text,
                                                 gssize              length,
                                                 gsize               offset,
                                                 const char * const *heading_path);
PP_AVAILABLE_IN_0_2
PpSegment          *pp_segment_new_full         (guint               index,
                                                 const char         *text,
                                                 gssize              length,
                                                 gsize               offset,
                                                 const char * const *heading_path,
                                                 guint               page);
PP_AVAILABLE_IN_ALL
PpSegment          *pp_segment_ref              (PpSegment          *segment);
PP_AVAILABLE_IN_ALL
void                pp_segment_unref            (PpSegment          *segment);

PP_AVAILABLE_IN_ALL
guint               pp_segment_get_index        (PpSegment          *segment);
PP_AVAILABLE_IN_ALL
const char         *pp_segment_get_text         (PpSegment          *segment);
PP_AVAILABLE_IN_ALL
gsize               pp_segment_get_length       (PpSegment          *segment);
PP_AVAILABLE_IN_ALL
gsize               pp_segment_get_offset       (PpSegment          *segment);
PP_AVAILABLE_IN_ALL
const char * const *pp_segment_get_heading_path (PpSegment          *segment);
PP_AVAILABLE_IN_0_2
guint               pp_segment_get_page         (PpSegment          *segment);
PP_AVAILABLE_IN_ALL
const char         *pp_segment_get_hash         (PpSegment          *segment);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpSegment, pp_segment_unref)

G_END_DECLS
