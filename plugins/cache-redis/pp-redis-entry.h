/* pp-redis-entry.h: the stored form of a cache entry: a header, then the value
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The size of the header in front of every stored value */
#define PP_REDIS_ENTRY_HEADER_SIZE 16

GBytes   *pp_redis_entry_pack        (GBytes     *value,
                                      gint64      created_us);
gboolean  pp_redis_entry_read_header (const char *data,
                                      gsize       size,
                                      gint64     *created_us);
GBytes   *pp_redis_entry_unpack      (const char *data,
                                      gsize       size);

G_END_DECLS
