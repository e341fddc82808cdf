/* pp-jsonld-node-map-private.h: node maps of expanded JSON-LD documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-options.h"

G_BEGIN_DECLS

/**
 * PpJsonldNodeMap:
 *
 * The node map of the JSON-LD 1.1 Processing Algorithms (Node Map
 * Generation): every graph of one or more expanded documents, each an index
 * of its nodes by `@id`, with all the properties of a node collected in one
 * place and every blank node given a fresh identifier.
 *
 * Several expanded documents can be added to the same map; nodes with the
 * same `@id` are merged.  Blank node identifiers are relabelled per
 * document, so `_:x` in two documents names two different nodes; give each
 * document its own prefix with pp_jsonld_node_map_add_document() to get
 * labels that do not depend on the order the documents are added in.
 *
 * Adding a document is atomic: a document that fails (conflicting
 * `@index` values, nesting too deep, cancelled) leaves the map as it was.
 *
 * The map keeps the value objects of the documents added to it, in their
 * arenas, instead of copying them: a document given as a tree is converted
 * once, and a document given as values (pp_jsonld_node_map_add_document_value())
 * is pointed at, its arena kept alive by the map.  Trees built from the map
 * share nothing with it.  A map is not thread-safe: use it from one thread
 * at a time.
 */
typedef struct _PpJsonldNodeMap PpJsonldNodeMap;

/**
 * PpJsonldFlattenFlags:
 * @PP_JSONLD_FLATTEN_NONE: nodes and graphs in the order they were first
 *   seen, properties in the order they were first seen
 * @PP_JSONLD_FLATTEN_ORDERED: graphs and nodes sorted by identifier (the
 *   `ordered` option of the specification)
 * @PP_JSONLD_FLATTEN_CANONICAL: everything of @PP_JSONLD_FLATTEN_ORDERED,
 *   plus the properties of every node sorted by IRI and the values of every
 *   property (and `@type`) sorted by their canonical JSON serialisation, so
 *   the output depends only on the merged graph, not on the order the
 *   documents were added in (given per-document blank node prefixes)
 *
 * How pp_jsonld_node_map_flatten() orders its output.
 */
typedef enum {
  PP_JSONLD_FLATTEN_NONE      = 0,
  PP_JSONLD_FLATTEN_ORDERED   = 1 << 0,
  PP_JSONLD_FLATTEN_CANONICAL = 1 << 1,
} PpJsonldFlattenFlags;

PpJsonldNodeMap *pp_jsonld_node_map_new                  (void);
PpJsonldNodeMap *pp_jsonld_node_map_ref                  (PpJsonldNodeMap      *map);
void             pp_jsonld_node_map_unref                (PpJsonldNodeMap      *map);

gboolean         pp_jsonld_node_map_add_document         (PpJsonldNodeMap      *map,
                                                          JsonNode             *expanded,
                                                          const char           *blank_node_prefix,
                                                          GCancellable         *cancellable,
                                                          GError              **error);

gboolean         pp_jsonld_node_map_add_document_value   (PpJsonldNodeMap      *map,
                                                          PpJsonArena          *arena,
                                                          const PpJsonValue    *expanded,
                                                          const char           *blank_node_prefix,
                                                          GCancellable         *cancellable,
                                                          GError              **error);

/**
 * PpJsonldNodeMapBuilder:
 *
 * One expanded document being added to a node map an element at a time
 * (pp_jsonld_node_map_builder_new()).
 */
typedef struct _PpJsonldNodeMapBuilder PpJsonldNodeMapBuilder;

PpJsonldNodeMapBuilder *pp_jsonld_node_map_builder_new   (PpJsonldNodeMap         *map,
                                                          PpJsonArena             *arena,
                                                          const char              *blank_node_prefix,
                                                          GCancellable            *cancellable);
void             pp_jsonld_node_map_builder_set_names    (PpJsonldNodeMapBuilder  *builder,
                                                          PpJsonArena             *names);
gboolean         pp_jsonld_node_map_builder_add          (PpJsonldNodeMapBuilder  *builder,
                                                          const PpJsonValue       *element,
                                                          GError                 **error);
gboolean         pp_jsonld_node_map_builder_finish       (PpJsonldNodeMapBuilder  *builder,
                                                          GError                 **error);
void             pp_jsonld_node_map_builder_free         (PpJsonldNodeMapBuilder  *builder);

gboolean         pp_jsonld_node_map_add_map              (PpJsonldNodeMap      *map,
                                                          PpJsonldNodeMap      *other,
                                                          GError              **error);
gboolean         pp_jsonld_node_map_add_map_copied       (PpJsonldNodeMap      *map,
                                                          PpJsonldNodeMap      *other,
                                                          GError              **error);

char            *pp_jsonld_node_map_generate_blank_node  (PpJsonldNodeMap      *map);

JsonNode        *pp_jsonld_node_map_flatten              (PpJsonldNodeMap      *map,
                                                          PpJsonldFlattenFlags  flags);
PpJsonValue     *pp_jsonld_node_map_flatten_value        (PpJsonldNodeMap      *map,
                                                          PpJsonldFlattenFlags  flags);
JsonNode        *pp_jsonld_node_map_flatten_node         (PpJsonldNodeMap      *map,
                                                          const char           *id,
                                                          PpJsonldFlattenFlags  flags);
PpJsonValue     *pp_jsonld_node_map_flatten_node_value   (PpJsonldNodeMap      *map,
                                                          PpJsonArena          *arena,
                                                          const char           *id,
                                                          PpJsonldFlattenFlags  flags);
JsonNode        *pp_jsonld_node_map_to_json              (PpJsonldNodeMap      *map,
                                                          PpJsonldFlattenFlags  flags);
JsonNode        *pp_jsonld_node_map_merge_graphs         (PpJsonldNodeMap      *map,
                                                          PpJsonldFlattenFlags  flags);

GPtrArray       *pp_jsonld_node_map_get_graph_names      (PpJsonldNodeMap      *map,
                                                          gboolean              sorted);
GPtrArray       *pp_jsonld_node_map_get_node_ids         (PpJsonldNodeMap      *map,
                                                          const char           *graph_name,
                                                          gboolean              sorted);
JsonNode        *pp_jsonld_node_map_get_node             (PpJsonldNodeMap      *map,
                                                          const char           *graph_name,
                                                          const char           *id);
guint            pp_jsonld_node_map_get_n_nodes          (PpJsonldNodeMap      *map,
                                                          const char           *graph_name);

gboolean         pp_jsonld_node_map_merge_nodes          (PpJsonldNodeMap      *map,
                                                          const char           *graph_name,
                                                          const char           *from_id,
                                                          const char           *into_id,
                                                          GError              **error);

/* implemented in pp-jsonld-rdf.c */
char            *pp_jsonld_node_map_to_nquads            (PpJsonldNodeMap      *map,
                                                          gboolean              produce_generalized_rdf,
                                                          PpJsonldRdfDirection  rdf_direction,
                                                          GCancellable         *cancellable,
                                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJsonldNodeMap, pp_jsonld_node_map_unref)

G_END_DECLS
