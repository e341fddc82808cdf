/* pp-llm-client-private.h: what libpp alone records on LLM errors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-llm-client.h"

G_BEGIN_DECLS

void     pp_llm_error_set_not_sent (GError       *error);
gboolean pp_llm_error_get_not_sent (const GError *error);

G_END_DECLS
