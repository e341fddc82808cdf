/* pp-llm-openai-module.c: the entry points of the llm-openai plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-llm-openai.h"

PP_DECLARE_PLUGIN (llm_openai);
PP_DEFINE_PLUGIN_ABI (llm_openai);

/**
 * pp_llm_openai_load:
 * @module: the #GTypeModule of this plugin
 *
 * Registers the "openai" LLM client. Runs each time the module is loaded
 * again; registering again is harmless.
 */
void
pp_llm_openai_load (GTypeModule *module)
{
  pp_llm_openai_register (module);
}

/**
 * pp_llm_openai_unload:
 * @module: the #GTypeModule of this plugin
 *
 * Nothing to release: the types stay registered with @module.
 */
void
pp_llm_openai_unload (GTypeModule *module)
{
}
