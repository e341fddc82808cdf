/* pp-jsonld-compact-private.h: compaction of expanded documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-options.h"

G_BEGIN_DECLS

/* Steps 5 to 9 of the compact() method on an already expanded document:
 * processes @context (a context, or a map with an @context entry; NULL
 * compacts against an empty context and adds none), compacts @expanded,
 * wraps an array result in @graph and adds the context. @expanded is not
 * modified. @options may be NULL. */
JsonNode    *pp_jsonld_compact_expanded       (JsonNode           *expanded,
                                               JsonNode           *context,
                                               PpJsonldOptions    *options,
                                               GCancellable       *cancellable,
                                               GError            **error);

/* pp_jsonld_compact_expanded() on values: @expanded (of any arena) is
 * compacted into a document of @arena, which shares nothing with it */
PpJsonValue *pp_jsonld_compact_expanded_value (PpJsonArena        *arena,
                                               const PpJsonValue  *expanded,
                                               JsonNode           *context,
                                               PpJsonldOptions    *options,
                                               GCancellable       *cancellable,
                                               GError            **error);

/* Compaction of a document item by item, against one context processed
 * once: pp_jsonld_compactor_compact_item() for each item of the expanded
 * document's top-level array (a node object, say), then
 * pp_jsonld_compactor_finish() with the compacted items in the document's
 * order gives what pp_jsonld_compact_expanded() gives for the whole array.
 * A compactor is used by one thread at a time. */
typedef struct _PpJsonldCompactor PpJsonldCompactor;

PpJsonldCompactor *pp_jsonld_compactor_new          (JsonNode           *context,
                                                     PpJsonldOptions    *options,
                                                     GCancellable       *cancellable,
                                                     GError            **error);
void               pp_jsonld_compactor_free         (PpJsonldCompactor  *compactor);
JsonNode          *pp_jsonld_compactor_compact_item (PpJsonldCompactor  *compactor,
                                                     JsonNode           *item,
                                                     GError            **error);
JsonNode          *pp_jsonld_compactor_finish       (PpJsonldCompactor  *compactor,
                                                     JsonArray          *items,
                                                     GError            **error);

/* The same on values: an item (of any arena) compacted into @arena, and
 * the document of @items (an array of @arena) in @arena */
PpJsonValue       *pp_jsonld_compactor_compact_item_value (PpJsonldCompactor  *compactor,
                                                           PpJsonArena        *arena,
                                                           const PpJsonValue  *item,
                                                           GError            **error);
PpJsonValue       *pp_jsonld_compactor_finish_value       (PpJsonldCompactor  *compactor,
                                                           PpJsonArena        *arena,
                                                           PpJsonValue        *items,
                                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJsonldCompactor, pp_jsonld_compactor_free)

G_END_DECLS
