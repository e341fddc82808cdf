/* pp-convert-console.h: standard error, shared by messages and the
 * status line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void     console_print_line  (const char *line);
gboolean console_is_terminal (void);
void     console_set_status  (const char *status);
void     console_end_status  (void);

G_END_DECLS
