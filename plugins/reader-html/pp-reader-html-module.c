/* pp-reader-html-module.c: the entry points of the reader-html plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-reader-html.h"

PP_DECLARE_PLUGIN (reader_html);
PP_DEFINE_PLUGIN_ABI (reader_html);

/**
 * pp_reader_html_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "html" reader. Runs each time the module is loaded, so it
 * only does what may be done again.
 */
void
pp_reader_html_load (GTypeModule *module)
{
  pp_reader_html_register (module);
}

/**
 * pp_reader_html_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 */
void
pp_reader_html_unload (GTypeModule *module)
{
}
