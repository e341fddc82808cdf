/* pp-converter-html-module.c: the entry points of the converter-html plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-converter-html.h"

PP_DECLARE_PLUGIN (converter_html);
PP_DEFINE_PLUGIN_ABI (converter_html);

/**
 * pp_converter_html_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "html" converter. Runs each time the module is loaded, so
 * it only does what may be done again.
 */
void
pp_converter_html_load (GTypeModule *module)
{
  pp_converter_html_register (module);
}

/**
 * pp_converter_html_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 * libxml2 is not cleaned up: the application may use it too.
 */
void
pp_converter_html_unload (GTypeModule *module)
{
}
