/* pp-convert-progress.h: the progress of a run, on a terminal's status line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

typedef struct _Progress Progress;

Progress *progress_new          (PpProcessor *processor,
                                 guint        n_documents,
                                 guint        n_segments);
void      progress_set_document (Progress    *progress,
                                 guint        index);
void      progress_finish       (Progress    *progress);
void      progress_free         (Progress    *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Progress, progress_free)

G_END_DECLS
