/* pp-reader-pdf-outline.h: the outline of a PDF document, as section paths
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <poppler.h>

G_BEGIN_DECLS

/* poppler-glib 22.12 declares no cleanup functions of its own */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerIndexIter, poppler_index_iter_free)

/* One entry of the outline: the section it opens, on its page */
typedef struct
{
  guint page;          /* from 1 */
  char *title;
  char **path;         /* the titles from the outermost entry to this one */
} PdfOutlineEntry;

GArray *pdf_outline_read (PopplerDocument *document);

G_END_DECLS
