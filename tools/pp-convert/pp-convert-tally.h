/* pp-convert-tally.h: what became of each segment of a document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

typedef struct _Tally Tally;

/* Called on the main context with the graph, owned by the callee, or NULL
 * if it could not be made */
typedef void (*TallyMergedFunc) (JsonNode *graph,
                                 gpointer  user_data);

Tally *tally_new               (PpSegmenter     *segmenter,
                                PpDocument      *document);
void   tally_free              (Tally           *tally);
void   tally_add_not_converted (Tally           *tally,
                                PpSegment       *segment);
guint  tally_get_n_missing     (Tally           *tally);
char  *tally_describe_missing  (Tally           *tally);
void   tally_merge_none        (Tally           *tally,
                                PpOutputForm     form,
                                gboolean         provenance,
                                TallyMergedFunc  func,
                                gpointer         user_data);

char  *format_ranges           (const guint     *indexes,
                                guint            n_indexes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tally, tally_free)

G_END_DECLS
