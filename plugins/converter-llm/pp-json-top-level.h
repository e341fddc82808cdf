/* pp-json-top-level.h: the top level of a JSON text, read without a tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean pp_json_top_level_add_context (GString     *json,
                                        const char  *context,
                                        GError     **error);

G_END_DECLS
