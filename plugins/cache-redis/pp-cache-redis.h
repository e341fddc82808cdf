/* pp-cache-redis.h: a cache shared through a Redis server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_CACHE_REDIS (pp_cache_redis_get_type ())

G_DECLARE_FINAL_TYPE (PpCacheRedis, pp_cache_redis, PP, CACHE_REDIS, GObject)

void pp_cache_redis_register (GTypeModule *module);

G_END_DECLS
