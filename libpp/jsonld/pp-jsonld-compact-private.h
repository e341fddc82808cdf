/* pp-jsonld-compact-private.h: compaction of expanded documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-jsonld-options.h"

G_BEGIN_DECLS

/* Steps 5 to 9 of the compact() method on an already expanded document:
 * processes @context (a context, or a map with an @context entry; NULL
 * compacts against an empty context and adds none), compacts @expanded,
 * wraps an array result in @graph and adds the context. @expanded is not
 * modified. @options may be NULL. */
JsonNode *pp_jsonld_compact_expanded (JsonNode         *expanded,
                                      JsonNode         *context,
                                      PpJsonldOptions  *options,
                                      GCancellable     *cancellable,
                                      GError          **error);

G_END_DECLS
