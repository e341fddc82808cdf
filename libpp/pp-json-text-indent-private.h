/* pp-json-text-indent-private.h: compact JSON text indented as it is
 * copied
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void pp_json_text_append_newline  (GString    *out,
                                   guint       level);
void pp_json_text_append_indented (GString    *out,
                                   const char *text,
                                   gsize       length,
                                   guint       level);

G_END_DECLS
