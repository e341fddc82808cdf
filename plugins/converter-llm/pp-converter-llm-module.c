/* pp-converter-llm-module.c: the entry points of the converter-llm plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-converter-llm.h"

PP_DECLARE_PLUGIN (converter_llm);
PP_DEFINE_PLUGIN_ABI (converter_llm);

/**
 * pp_converter_llm_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "llm" converter. Runs each time the module is loaded, so it
 * only does what may be done again.
 */
void
pp_converter_llm_load (GTypeModule *module)
{
  pp_converter_llm_register (module);
}

/**
 * pp_converter_llm_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 */
void
pp_converter_llm_unload (GTypeModule *module)
{
}
