/* pp-reconciler-private.h: the processor's side of PpReconciler
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-reconciler.h"

G_BEGIN_DECLS

/* Called once on the reconciler's thread with the merged graph (transfer
 * full): as a tree, or as the bytes of its indented JSON when the
 * reconciler writes bytes; or with neither and the error that stopped the
 * merge */
typedef void (* PpReconcilerDoneFunc) (JsonNode     *graph,
                                       GBytes       *bytes,
                                       const GError *error,
                                       gpointer      user_data);

/* Whether the done function gets the graph as the bytes of its indented
 * JSON, written on the reconciler's thread without building a tree; set
 * before the first segment arrives */
void pp_reconciler_set_writes_bytes (PpReconciler *reconciler,
                                     gboolean      writes_bytes);

/* Called once on the reconciler's thread, before the nodes are merged,
 * with the candidate groups (element-type PpMergeCandidateGroup): it may
 * decide them; the groups it confirms are merged */
typedef void (* PpReconcilerCandidatesFunc) (GPtrArray *groups,
                                             gpointer   user_data);

void pp_reconciler_set_candidates_func (PpReconciler               *reconciler,
                                        PpReconcilerCandidatesFunc  func,
                                        gpointer                    user_data,
                                        GDestroyNotify              destroy);

/* Called on the reconciler's thread once a segment's nodes are merged,
 * with the number of distinct entities so far */
typedef void (* PpReconcilerMergedFunc) (PpSegment *segment,
                                         guint      n_entities,
                                         gpointer   user_data);

void pp_reconciler_set_merged_func (PpReconciler           *reconciler,
                                    PpReconcilerMergedFunc  func,
                                    gpointer                user_data,
                                    GDestroyNotify          destroy);

/* Hands over (takes) @jsonld, the JSON-LD of @segment as JSON text:
 * expanded already, as pp_jsonld_expand_bytes() writes it with ordered
 * options, when @is_expanded, so that it is read once into values and not
 * expanded again. Thread-safe. */
void pp_reconciler_add_bytes (PpReconciler *reconciler,
                              PpSegment    *segment,
                              GBytes       *jsonld,
                              gboolean      is_expanded);

/* Like pp_reconciler_new(); unless @prepares_at_start, the thread prepares
 * the output context only when pp_reconciler_prepare_output_context() asks,
 * and not at all once a segment came: a run asks once its first requests
 * are out, so that they do not compete with it for the CPUs */
PpReconciler *pp_reconciler_new_full (guint        n_segments,
                                      PpOutputForm form,
                                      gboolean     prepares_at_start);

/* Has the thread prepare the output context now, unless a segment came
 * before. Thread-safe. */
void pp_reconciler_prepare_output_context (PpReconciler *reconciler);

void pp_reconciler_set_done_func (PpReconciler         *reconciler,
                                  PpReconcilerDoneFunc  func,
                                  gpointer              user_data,
                                  GDestroyNotify        destroy);

G_END_DECLS
