/* pp-cache-sqlite-module.c: the entry points of the cache-sqlite plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-cache-sqlite.h"

PP_DECLARE_PLUGIN (cache_sqlite);
PP_DEFINE_PLUGIN_ABI (cache_sqlite);

/**
 * pp_cache_sqlite_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "sqlite" cache. Runs each time the module is loaded, so it
 * only does what may be done again.
 */
void
pp_cache_sqlite_load (GTypeModule *module)
{
  pp_cache_sqlite_register (module);
}

/**
 * pp_cache_sqlite_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 */
void
pp_cache_sqlite_unload (GTypeModule *module)
{
}
