/* pp-plugin-module-private.h: a plugin module loaded with GModule
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gmodule.h>
#include <glib-object.h>

G_BEGIN_DECLS

#define PP_TYPE_PLUGIN_MODULE (pp_plugin_module_get_type ())

G_DECLARE_FINAL_TYPE (PpPluginModule, pp_plugin_module, PP, PLUGIN_MODULE, GTypeModule)

PpPluginModule *pp_plugin_module_new          (const char     *filename);
const char     *pp_plugin_module_get_filename (PpPluginModule *module);
char           *pp_plugin_module_name_from_filename (const char *basename);

G_END_DECLS
