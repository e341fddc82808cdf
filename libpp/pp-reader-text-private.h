/* pp-reader-text-private.h: libpp's readers of plain text and Markdown
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-reader.h"

G_BEGIN_DECLS

#define PP_TYPE_READER_TEXT (pp_reader_text_get_type ())
G_DECLARE_DERIVABLE_TYPE (PpReaderText, pp_reader_text, PP, READER_TEXT, GObject)

/* A reader of text in one format: the class says which, and the content
 * types it reads */
struct _PpReaderTextClass
{
  GObjectClass parent_class;

  PpTextFormat        format;
  const char * const *content_types;
};

/* Markdown: the text reader, with headings as section paths */
#define PP_TYPE_READER_MARKDOWN (pp_reader_markdown_get_type ())
G_DECLARE_FINAL_TYPE (PpReaderMarkdown, pp_reader_markdown, PP, READER_MARKDOWN, PpReaderText)

void pp_reader_text_register_builtins (void);

G_END_DECLS
