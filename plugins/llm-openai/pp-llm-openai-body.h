/* pp-llm-openai-body.h: the bodies of chat-completion requests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

#include "pp-llm-openai-formats.h"

G_BEGIN_DECLS

typedef struct _PpLlmOpenaiBodies PpLlmOpenaiBodies;

PpLlmOpenaiBodies *pp_llm_openai_bodies_new          (void);
void               pp_llm_openai_bodies_free         (PpLlmOpenaiBodies *bodies);
GBytes            *pp_llm_openai_bodies_build        (PpLlmOpenaiBodies *bodies,
                                                      PpLlmRequest      *request,
                                                      const char        *model,
                                                      const char        *response_format);
gboolean           pp_llm_openai_bodies_first_format (PpLlmOpenaiBodies *bodies,
                                                      const char        *response_format,
                                                      PpLlmOpenaiFormat *first);

G_END_DECLS
