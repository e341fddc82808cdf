/* pp-mock-adjudication.h: the mock's answers to entity adjudication
 * requests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean    pp_mock_adjudication_is_request (const char  *system_prompt);
JsonObject *pp_mock_adjudication_load_table (const char  *path,
                                             GError     **error);
char       *pp_mock_adjudication_answer     (JsonObject  *table,
                                             const char  *user_message);

G_END_DECLS
