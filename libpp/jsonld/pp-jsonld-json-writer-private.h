/* pp-jsonld-json-writer-private.h: JSON text as JSON-LD processors print it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void pp_json_append_number (GString    *out,
                            double      value);
void pp_json_append_string (GString    *out,
                            const char *str);
void pp_json_append_string_len (GString    *out,
                                const char *str,
                                gsize       len);
void pp_json_append_canonical (GString  *out,
                               JsonNode *node);

G_END_DECLS
