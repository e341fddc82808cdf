/* pp-reader-text-private.h: libpp's readers of plain text and Markdown
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-reader.h"

G_BEGIN_DECLS

#define PP_TYPE_READER_TEXT (pp_reader_text_get_type ())
G_DECLARE_FINAL_TYPE (PpReaderText, pp_reader_text, PP, READER_TEXT, GObject)

#define PP_TYPE_READER_MARKDOWN (pp_reader_markdown_get_type ())
G_DECLARE_FINAL_TYPE (PpReaderMarkdown, pp_reader_markdown, PP, READER_MARKDOWN, GObject)

void pp_reader_text_register_builtins (void);

G_END_DECLS
