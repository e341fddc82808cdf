/* pp-node-embedding-private.h: the expanded form of a flattened graph,
 * blank nodes embedded where they are referred to
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode *pp_node_embedding_embed (JsonNode *flattened);

G_END_DECLS
