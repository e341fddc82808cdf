/* pp-entity-resolver-private.h: merges the nodes of a graph that describe
 * the same entity
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pp-jsonld-node-map-private.h"

G_BEGIN_DECLS

GHashTable *pp_entity_resolver_resolve          (PpJsonldNodeMap *map,
                                                 const char      *document_iri,
                                                 gboolean         mint_ids);
char       *pp_entity_resolver_mint_prefix      (const char      *document_iri);
void        pp_entity_resolver_drop_supertypes  (JsonNode        *node);

G_END_DECLS
