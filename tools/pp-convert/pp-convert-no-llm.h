/* pp-convert-no-llm.h: the LLM client of a converter that asks none
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_CONVERT_NO_LLM (pp_convert_no_llm_get_type ())

G_DECLARE_FINAL_TYPE (PpConvertNoLlm, pp_convert_no_llm, PP, CONVERT_NO_LLM, GObject)

PpLlmClient *pp_convert_no_llm_new (void);

G_END_DECLS
