/* pp-plugin.h: the entry points a plugin module exports
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gmodule.h>
#include <glib-object.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PpPluginLoadFunc:
 * @module: the #GTypeModule that loaded the plugin module
 *
 * The type of the load entry point of a plugin module.
 *
 * A plugin module is a shared library named `libpp-<name>.so`, built with
 * meson's `shared_module('pp-<name>', …)`; the writing of plugins is
 * described in [Writing plugins](plugins.html). Its name with the `lib` prefix and
 * the suffix dropped and every other character than a letter or a digit
 * turned into an underscore prefixes the three symbols it exports:
 * `libpp-cache-disk.so` exports
 *
 * - `pp_cache_disk_abi`, a `const guint32` equal to
 *   [const@Pp.PLUGIN_ABI_VERSION], defined with `PP_DEFINE_PLUGIN_ABI()`;
 * - `pp_cache_disk_load()`, a [callback@Pp.PluginLoadFunc];
 * - `pp_cache_disk_unload()`, a [callback@Pp.PluginUnloadFunc].
 *
 * `PP_DECLARE_PLUGIN()` declares the three, so that the module builds
 * with `-Wmissing-prototypes` and a definition of the wrong type does not
 * compile. A module that lacks one of them or was built for another ABI is
 * skipped with a warning that names its file.
 *
 * The load function registers the module's types with @module, defined with
 * `G_DEFINE_DYNAMIC_TYPE_EXTENDED()` and `G_IMPLEMENT_INTERFACE_DYNAMIC()`,
 * then registers each implementation at its extension point with
 * [func@Pp.registry_register_type]. Like GIO, libpp loads a module to
 * register its types, unloads it, and loads it again when one of its types
 * is used: the load function runs more than once and must only do what may
 * be done again. A module that the plugin cache of its directory lists (see
 * [func@Pp.registry_write_cache]) is first loaded when one of its
 * implementations is used, any other when the registry looks for modules.
 * The load function may run while the registry loads modules: it must not
 * call [func@Pp.registry_ensure_loaded] or [func@Pp.registry_create].
 *
 * A plugin logs in the domain `libpp-<name>`: build it with
 * `-DG_LOG_DOMAIN="libpp-cache-disk"`. It never installs a log writer.
 *
 * Since: 0.2
 */
typedef void (* PpPluginLoadFunc) (GTypeModule *module);

/**
 * PpPluginUnloadFunc:
 * @module: the #GTypeModule that loaded the plugin module
 *
 * The type of the unload entry point of a plugin module, `pp_<name>_unload()`,
 * called before the module is unloaded. The types the module registered stay
 * registered with @module; release here only what the load function
 * acquired besides them, which is usually nothing. See
 * [callback@Pp.PluginLoadFunc].
 *
 * Since: 0.2
 */
typedef void (* PpPluginUnloadFunc) (GTypeModule *module);

#define _PP_DEFINE_PLUGIN_ABI(name) \
  G_MODULE_EXPORT const guint32 pp_##name##_abi = PP_PLUGIN_ABI_VERSION

/**
 * PP_DEFINE_PLUGIN_ABI:
 * @name: the plugin's name with underscores, as in its entry points
 *
 * Defines the ABI tag of a plugin module, `pp_<name>_abi`, which the registry
 * checks before it calls `pp_<name>_load()`. Use it once, in the file that
 * defines the entry points, followed by a semicolon.
 *
 * Since: 0.1
 */
#define PP_DEFINE_PLUGIN_ABI(name) _PP_DEFINE_PLUGIN_ABI (name)

#define _PP_DECLARE_PLUGIN(name) \
  G_MODULE_EXPORT extern const guint32 pp_##name##_abi; \
  G_MODULE_EXPORT void pp_##name##_load (GTypeModule *module); \
  G_MODULE_EXPORT void pp_##name##_unload (GTypeModule *module)

/**
 * PP_DECLARE_PLUGIN:
 * @name: the plugin's name with underscores, such as `cache_disk` for the
 *   module `libpp-cache-disk.so`
 *
 * Declares the symbols a plugin module exports: the ABI tag
 * `pp_<name>_abi`, and the entry points `pp_<name>_load()`, a
 * [callback@Pp.PluginLoadFunc], and `pp_<name>_unload()`, a
 * [callback@Pp.PluginUnloadFunc]. Use it before their definitions, followed
 * by a semicolon; the definitions need no `G_MODULE_EXPORT` of their own:
 *
 * ```c
 * PP_DECLARE_PLUGIN (cache_disk);
 * PP_DEFINE_PLUGIN_ABI (cache_disk);
 *
 * void
 * pp_cache_disk_load (GTypeModule *module)
 * {
 *   pp_cache_disk_register_type (module);
 *   pp_registry_register_type (PP_CACHE_EXTENSION_POINT, PP_TYPE_CACHE_DISK,
 *                              "disk", 20, "Files under the user's cache directory");
 * }
 *
 * void
 * pp_cache_disk_unload (GTypeModule *module)
 * {
 * }
 * ```
 *
 * Since: 0.2
 */
#define PP_DECLARE_PLUGIN(name) _PP_DECLARE_PLUGIN (name)

G_END_DECLS
