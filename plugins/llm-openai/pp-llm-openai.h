/* pp-llm-openai.h: a client of OpenAI-compatible chat-completion servers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_LLM_OPENAI (pp_llm_openai_get_type ())

G_DECLARE_FINAL_TYPE (PpLlmOpenai, pp_llm_openai, PP, LLM_OPENAI, GObject)

void pp_llm_openai_register (GTypeModule *module);

G_END_DECLS
