/* pp-redis-admin.h: counting and removing the entries under a key prefix
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pp-redis-pool.h"

G_BEGIN_DECLS

gboolean pp_redis_admin_count (PpRedisPool   *pool,
                               const char    *key_prefix,
                               GVariantDict  *info,
                               GCancellable  *cancellable,
                               GError       **error);
gboolean pp_redis_admin_clear (PpRedisPool   *pool,
                               const char    *key_prefix,
                               guint64       *n_removed,
                               GCancellable  *cancellable,
                               GError       **error);
gboolean pp_redis_admin_prune (PpRedisPool   *pool,
                               const char    *key_prefix,
                               gint64         created_before,
                               guint64       *n_removed,
                               GCancellable  *cancellable,
                               GError       **error);

G_END_DECLS
