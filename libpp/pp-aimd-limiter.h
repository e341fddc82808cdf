/* pp-aimd-limiter.h: a concurrency limit that adapts to the endpoint
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <libpp/pp-concurrency-limiter.h>

G_BEGIN_DECLS

#define PP_TYPE_AIMD_LIMITER (pp_aimd_limiter_get_type ())

PP_AVAILABLE_IN_0_2
G_DECLARE_FINAL_TYPE (PpAimdLimiter, pp_aimd_limiter, PP, AIMD_LIMITER, GObject)

PP_AVAILABLE_IN_0_2
PpAimdLimiter *pp_aimd_limiter_new (guint min_limit,
                                    guint max_limit);

G_END_DECLS
