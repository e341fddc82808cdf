/* pp-llm-openai-redact.h: blots an API key out of text, in every form it takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_LLM_OPENAI_REDACTED "[redacted]"

char *pp_llm_openai_redact_key (const char *text,
                                const char *key);

G_END_DECLS
