/* pp-entity-resolver-private.h: merges the nodes of a graph that describe
 * the same entity
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "pp-jsonld-node-map-private.h"
#include "pp-merge-candidates-private.h"

G_BEGIN_DECLS

typedef struct _PpEntityResolver PpEntityResolver;

PpEntityResolver *pp_entity_resolver_new             (void);
void              pp_entity_resolver_free            (PpEntityResolver      *resolver);
void              pp_entity_resolver_add_nodes       (PpEntityResolver      *resolver,
                                                      PpJsonldNodeMap       *map);
guint             pp_entity_resolver_get_n_entities  (PpEntityResolver      *resolver);
void              pp_entity_resolver_set_minting     (PpEntityResolver      *resolver,
                                                      const char            *document_iri,
                                                      gboolean               mint_ids);
const char       *pp_entity_resolver_get_provisional_id (PpEntityResolver   *resolver,
                                                         const char         *id,
                                                         gboolean           *joined);
void              pp_entity_resolver_group           (PpEntityResolver      *resolver,
                                                      PpJsonldNodeMap       *map,
                                                      const char            *document_iri,
                                                      gboolean               mint_ids);
GPtrArray        *pp_entity_resolver_find_candidates (PpEntityResolver      *resolver);
void              pp_entity_resolver_confirm         (PpEntityResolver      *resolver,
                                                      PpMergeCandidateGroup *group);
void              pp_entity_resolver_merge           (PpEntityResolver      *resolver,
                                                      GPtrArray             *changed,
                                                      GPtrArray             *renamed);

char             *pp_entity_resolver_mint_prefix     (const char            *document_iri);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpEntityResolver, pp_entity_resolver_free)

G_END_DECLS
