/* pp-cache-redis-module.c: the entry points of the cache-redis plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-cache-redis.h"

PP_DECLARE_PLUGIN (cache_redis);
PP_DEFINE_PLUGIN_ABI (cache_redis);

/**
 * pp_cache_redis_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "redis" cache. Runs each time the module is loaded, so it
 * only does what may be done again.
 */
void
pp_cache_redis_load (GTypeModule *module)
{
  pp_cache_redis_register (module);
}

/**
 * pp_cache_redis_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 */
void
pp_cache_redis_unload (GTypeModule *module)
{
}
