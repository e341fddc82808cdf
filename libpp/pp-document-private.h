/* pp-document-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-document.h"

G_BEGIN_DECLS

gboolean pp_text_check (const char  *text,
                        gsize        length,
                        GError     **error);

PpDocument      *pp_document_new_take       (const char       *name,
                                             char             *text,
                                             gsize             length,
                                             PpTextFormat      format,
                                             const char       *base_iri,
                                             GPtrArray        *blocks,
                                             GError          **error);

PpDocumentBlock *pp_document_block_new      (gsize             start,
                                             gsize             end,
                                             guint             page,
                                             const char * const *section_path,
                                             goffset           source_start,
                                             goffset           source_end);

G_END_DECLS
