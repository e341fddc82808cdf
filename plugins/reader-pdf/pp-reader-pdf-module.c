/* pp-reader-pdf-module.c: the entry points of the reader-pdf plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-reader-pdf.h"

PP_DECLARE_PLUGIN (reader_pdf);
PP_DEFINE_PLUGIN_ABI (reader_pdf);

/**
 * pp_reader_pdf_load:
 * @module: the type module that loaded this plugin
 *
 * Registers the "pdf" reader. Runs each time the module is loaded, so it
 * only does what may be done again.
 */
void
pp_reader_pdf_load (GTypeModule *module)
{
  pp_reader_pdf_register (module);
}

/**
 * pp_reader_pdf_unload:
 * @module: the type module that loaded this plugin
 *
 * Called before the module is unloaded; there is nothing to release.
 */
void
pp_reader_pdf_unload (GTypeModule *module)
{
}
