/* pp-cache-memory-module.c: the entry points of the cache-memory plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-cache-memory.h"

PP_DECLARE_PLUGIN (cache_memory);
PP_DEFINE_PLUGIN_ABI (cache_memory);

/**
 * pp_cache_memory_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "memory" cache. Runs each time the module is loaded, so it
 * only does what may be done again.
 */
void
pp_cache_memory_load (GTypeModule *module)
{
  pp_cache_memory_register (module);
}

/**
 * pp_cache_memory_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 */
void
pp_cache_memory_unload (GTypeModule *module)
{
}
