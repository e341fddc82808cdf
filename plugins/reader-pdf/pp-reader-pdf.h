/* pp-reader-pdf.h: a reader of PDF files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_READER_PDF (pp_reader_pdf_get_type ())

G_DECLARE_FINAL_TYPE (PpReaderPdf, pp_reader_pdf, PP, READER_PDF, GObject)

void pp_reader_pdf_register (GTypeModule *module);

G_END_DECLS
