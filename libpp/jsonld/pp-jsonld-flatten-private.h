/* pp-jsonld-flatten-private.h: the Flattening algorithm on JSON values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-node-map-private.h"
#include "pp-jsonld-options.h"

G_BEGIN_DECLS

PpJsonValue *pp_jsonld_flatten_document (PpJsonArena        *arena,
                                         const PpJsonValue  *document,
                                         JsonNode           *context,
                                         PpJsonldOptions    *options,
                                         GCancellable       *cancellable,
                                         PpJsonldNodeMap   **map,
                                         GError            **error);

G_END_DECLS
