/* pp-merged-graph-private.h: the graph the reconciler merges the segments'
 * graphs into
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pp-reconciler.h"
#include "pp-json-value-private.h"
#include "pp-merge-candidates-private.h"

G_BEGIN_DECLS

typedef struct _PpMergedGraph PpMergedGraph;

/* Decides the candidate groups (element-type PpMergeCandidateGroup) */
typedef void (* PpMergedGraphCandidatesFunc) (GPtrArray *groups,
                                              gpointer   user_data);

PpMergedGraph *pp_merged_graph_new    (PpOutputForm    form,
                                       gboolean        provenance);
void           pp_merged_graph_free   (PpMergedGraph  *merged);
gboolean       pp_merged_graph_add    (PpMergedGraph  *merged,
                                       PpSegment      *segment,
                                       JsonNode       *graph,
                                       GError        **error);
gboolean       pp_merged_graph_add_value (PpMergedGraph *merged,
                                          PpSegment     *segment,
                                          PpJsonArena   *arena,
                                          PpJsonValue   *document,
                                          gboolean       is_expanded,
                                          GError       **error);
guint          pp_merged_graph_get_n_entities (PpMergedGraph *merged);
void           pp_merged_graph_set_resolution (PpMergedGraph *merged,
                                               const char    *document_iri,
                                               gboolean       mint_ids);
void           pp_merged_graph_set_candidates_func (PpMergedGraph               *merged,
                                                    PpMergedGraphCandidatesFunc  func,
                                                    gpointer                     user_data);
GPtrArray     *pp_merged_graph_get_candidates (PpMergedGraph *merged);
JsonNode      *pp_merged_graph_finish (PpMergedGraph  *merged,
                                       GError        **error);
GBytes        *pp_merged_graph_finish_bytes (PpMergedGraph  *merged,
                                             gboolean        pretty,
                                             GError        **error);

void           pp_merged_graph_prepare_output_context (gboolean provenance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMergedGraph, pp_merged_graph_free)

G_END_DECLS
