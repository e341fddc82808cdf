/* pp-cache-sqlite.h: a persistent cache in an SQLite file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_CACHE_SQLITE (pp_cache_sqlite_get_type ())

G_DECLARE_FINAL_TYPE (PpCacheSqlite, pp_cache_sqlite, PP, CACHE_SQLITE, GObject)

void pp_cache_sqlite_register (GTypeModule *module);

G_END_DECLS
