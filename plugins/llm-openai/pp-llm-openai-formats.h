/* pp-llm-openai-formats.h: which response formats a server takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The forms of answer a request may ask for, from the most to the least
 * constrained; each falls back to the next */
typedef enum {
  PP_LLM_OPENAI_FORMAT_JSON_SCHEMA,
  PP_LLM_OPENAI_FORMAT_JSON_OBJECT,
  PP_LLM_OPENAI_FORMAT_NONE,
  PP_LLM_OPENAI_N_FORMATS
} PpLlmOpenaiFormat;

typedef struct _PpLlmOpenaiFormats PpLlmOpenaiFormats;

const char         *pp_llm_openai_format_to_string (PpLlmOpenaiFormat         format);

PpLlmOpenaiFormats *pp_llm_openai_formats_new      (void);
void                pp_llm_openai_formats_free     (PpLlmOpenaiFormats       *formats);
PpLlmOpenaiFormat   pp_llm_openai_formats_choose   (PpLlmOpenaiFormats       *formats,
                                                    PpLlmOpenaiFormat         first);
gboolean            pp_llm_openai_formats_refuse   (PpLlmOpenaiFormats       *formats,
                                                    PpLlmOpenaiFormat         format);

G_END_DECLS
