/* pp-llm-openai-headers.h: what an answer's headers say of rate limits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libsoup/soup.h>
#include <libpp/libpp.h>

G_BEGIN_DECLS

guint pp_llm_openai_headers_get_retry_after (SoupMessageHeaders *headers);
void  pp_llm_openai_headers_read_rate_limits (SoupMessageHeaders *headers,
                                              PpLlmResponse      *response);

G_END_DECLS
