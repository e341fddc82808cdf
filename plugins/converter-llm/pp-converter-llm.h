/* pp-converter-llm.h: asks an LLM for schema.org JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_CONVERTER_LLM (pp_converter_llm_get_type ())

G_DECLARE_FINAL_TYPE (PpConverterLlm, pp_converter_llm, PP, CONVERTER_LLM, GObject)

void pp_converter_llm_register (GTypeModule *module);

G_END_DECLS
