/* pp-cache-memory.h: an in-process LRU cache
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_CACHE_MEMORY (pp_cache_memory_get_type ())

G_DECLARE_FINAL_TYPE (PpCacheMemory, pp_cache_memory, PP, CACHE_MEMORY, GObject)

void pp_cache_memory_register (GTypeModule *module);

G_END_DECLS
