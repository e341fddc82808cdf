/* pp-json-repair.h: finds and mends the JSON in an LLM's answer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GString *pp_json_repair (const char  *text,
                         GError     **error);

G_END_DECLS
