/* pp-plugin-cache-private.h: the plugin cache of a directory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The name of the file, in a plugin directory, that lists what each of its
 * modules registers */
#define PP_PLUGIN_CACHE_BASENAME "pp-plugins.cache"

/* One implementation a plugin module registers, as the cache records it */
typedef struct
{
  char *point;
  char *name;
  int priority;
  char *description;
  char **content_types;   /* NULL unless the point chooses by content type */
} PpCachedExtension;

typedef struct _PpPluginCache PpPluginCache;

PpPluginCache *pp_plugin_cache_new    (void);
PpPluginCache *pp_plugin_cache_read   (const char       *directory);
void           pp_plugin_cache_free   (PpPluginCache    *cache);

GPtrArray     *pp_plugin_cache_lookup (PpPluginCache    *cache,
                                       const char       *filename);

void           pp_plugin_cache_add_module    (PpPluginCache           *cache,
                                              const char              *basename);
void           pp_plugin_cache_add_extension (PpPluginCache           *cache,
                                              const char              *basename,
                                              const PpCachedExtension *extension);
gboolean       pp_plugin_cache_write  (PpPluginCache    *cache,
                                       const char       *directory,
                                       GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPluginCache, pp_plugin_cache_free)

G_END_DECLS
