/* pp-segmenter.h: splits a document into segments under a size budget
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-segment.h>
#include <libpp/pp-document.h>

G_BEGIN_DECLS

#define PP_TYPE_SEGMENTER (pp_segmenter_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (PpSegmenter, pp_segmenter, PP, SEGMENTER, GObject)

PP_AVAILABLE_IN_ALL
PpSegmenter *pp_segmenter_new           (guint         max_chars);
PP_AVAILABLE_IN_ALL
guint        pp_segmenter_get_max_chars (PpSegmenter  *segmenter);
PP_AVAILABLE_IN_ALL
void         pp_segmenter_set_max_chars (PpSegmenter  *segmenter,
                                         guint         max_chars);
PP_AVAILABLE_IN_ALL
guint        pp_segmenter_get_overlap   (PpSegmenter  *segmenter);
PP_AVAILABLE_IN_ALL
void         pp_segmenter_set_overlap   (PpSegmenter  *segmenter,
                                         guint         overlap);

PP_AVAILABLE_IN_ALL
GPtrArray   *pp_segmenter_split         (PpSegmenter  *segmenter,
                                         const char   *text,
                                         gssize        length,
                                         PpTextFormat  format,
                                         GError      **error);
PP_AVAILABLE_IN_0_2
GPtrArray   *pp_segmenter_split_document (PpSegmenter *segmenter,
                                          PpDocument  *document);

G_END_DECLS
