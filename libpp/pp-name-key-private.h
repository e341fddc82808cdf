/* pp-name-key-private.h: names normalised for comparison
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *pp_name_key_new       (const char *name);
gboolean  pp_name_key_ends_with (const char *key,
                                 const char *suffix);
guint     pp_name_key_n_tokens  (const char *key);
char     *pp_name_key_to_slug   (const char *key);
void      pp_name_key_append_slug (GString    *out,
                                   const char *key);

G_END_DECLS
