/* pp-llm-openai-transfer.h: deadlines of requests, and bodies read under a cap
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PpLlmOpenaiDeadlines PpLlmOpenaiDeadlines;

PpLlmOpenaiDeadlines *pp_llm_openai_deadlines_new    (void);
void                  pp_llm_openai_deadlines_free   (PpLlmOpenaiDeadlines *deadlines);
GSource              *pp_llm_openai_deadlines_add    (PpLlmOpenaiDeadlines *deadlines,
                                                      guint                 timeout_s,
                                                      GCancellable         *cancellable);

GBytes               *pp_llm_openai_read_body        (GInputStream         *stream,
                                                      gsize                 max_size,
                                                      gboolean             *more,
                                                      GCancellable         *cancellable,
                                                      GError              **error);

G_END_DECLS
