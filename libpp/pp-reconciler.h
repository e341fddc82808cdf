/* pp-reconciler.h: merges the segments' graphs into one graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-segment.h>

G_BEGIN_DECLS

/**
 * PpOutputForm:
 * @PP_OUTPUT_FORM_COMPACTED: flattened, then compacted with the output
 *   context (schema.org by default) into `{"@context": …, "@graph": […]}`
 * @PP_OUTPUT_FORM_FLATTENED: flattened, in expanded form: an array of node
 *   objects with full IRIs
 * @PP_OUTPUT_FORM_EXPANDED: expanded: an array of node objects with full
 *   IRIs, where a blank node referred to once is embedded where it is
 *   referred to, without its label, as expanding the segments' JSON-LD
 *   gives it (an address inside its person). Since: 0.2
 *
 * The form of the graph a reconciler produces. Whatever the form, the
 * output is canonical: the same for the same segments' graphs, whatever
 * the order they arrived in.
 *
 * Since: 0.1
 */
typedef enum {
  PP_OUTPUT_FORM_COMPACTED,
  PP_OUTPUT_FORM_FLATTENED,
  PP_OUTPUT_FORM_EXPANDED,
} PpOutputForm;

#define PP_TYPE_RECONCILER (pp_reconciler_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (PpReconciler, pp_reconciler, PP, RECONCILER, GObject)

PP_AVAILABLE_IN_ALL
PpReconciler *pp_reconciler_new            (guint          n_segments,
                                            PpOutputForm   form);
PP_AVAILABLE_IN_ALL
void          pp_reconciler_add_graph      (PpReconciler  *reconciler,
                                            PpSegment     *segment,
                                            JsonNode      *graph);
PP_AVAILABLE_IN_ALL
void          pp_reconciler_add_failure    (PpReconciler  *reconciler,
                                            PpSegment     *segment,
                                            const GError  *error);
PP_AVAILABLE_IN_ALL
void          pp_reconciler_cancel         (PpReconciler  *reconciler);
PP_AVAILABLE_IN_ALL
JsonNode     *pp_reconciler_dup_graph      (PpReconciler  *reconciler);
PP_AVAILABLE_IN_ALL
guint         pp_reconciler_get_n_segments (PpReconciler  *reconciler);
PP_AVAILABLE_IN_0_2
JsonNode     *pp_reconciler_dup_merge_candidates (PpReconciler *reconciler);

G_END_DECLS
