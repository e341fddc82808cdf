/* pp-llm-openai-transfer.h: deadlines of requests, and bodies read under a cap
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PpLlmOpenaiDeadlines PpLlmOpenaiDeadlines;
typedef struct _PpLlmOpenaiDeadline PpLlmOpenaiDeadline;

PpLlmOpenaiDeadlines *pp_llm_openai_deadlines_new    (void);
void                  pp_llm_openai_deadlines_free   (PpLlmOpenaiDeadlines *deadlines);
PpLlmOpenaiDeadline  *pp_llm_openai_deadlines_add    (PpLlmOpenaiDeadlines *deadlines,
                                                      guint                 timeout_s,
                                                      GCancellable         *cancellable);
void                  pp_llm_openai_deadlines_remove (PpLlmOpenaiDeadlines *deadlines,
                                                      PpLlmOpenaiDeadline  *deadline);

GBytes               *pp_llm_openai_read_body        (GInputStream         *stream,
                                                      gsize                 max_size,
                                                      gsize                 expected_size,
                                                      gboolean             *more,
                                                      GCancellable         *cancellable,
                                                      GError              **error);

G_END_DECLS
