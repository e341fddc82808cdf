/* pp-document.h: a document to turn into JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PP_DOCUMENT_ERROR:
 *
 * The error domain of documents: input that cannot be processed.
 *
 * Since: 0.1
 */
#define PP_DOCUMENT_ERROR (pp_document_error_quark ())

/**
 * PpDocumentError:
 * @PP_DOCUMENT_ERROR_EMPTY: the document has no text
 * @PP_DOCUMENT_ERROR_INVALID_UTF8: the document is not valid UTF-8
 * @PP_DOCUMENT_ERROR_BINARY: the document holds NUL bytes: binary data
 * @PP_DOCUMENT_ERROR_TOO_LARGE: the document is larger than libpp accepts
 *
 * Error codes of #PP_DOCUMENT_ERROR.
 *
 * Since: 0.1
 */
typedef enum {
  PP_DOCUMENT_ERROR_EMPTY,
  PP_DOCUMENT_ERROR_INVALID_UTF8,
  PP_DOCUMENT_ERROR_BINARY,
  PP_DOCUMENT_ERROR_TOO_LARGE,
} PpDocumentError;

/**
 * PpTextFormat:
 * @PP_TEXT_FORMAT_PLAIN: plain text: paragraphs are separated by blank lines
 * @PP_TEXT_FORMAT_MARKDOWN: Markdown: ATX headings (`# Title`) start
 *   sections and fenced code blocks are kept whole
 *
 * The format of a text.
 *
 * Since: 0.1
 */
typedef enum {
  PP_TEXT_FORMAT_PLAIN,
  PP_TEXT_FORMAT_MARKDOWN,
} PpTextFormat;

PP_AVAILABLE_IN_ALL
GQuark pp_document_error_quark (void);

#define PP_TYPE_DOCUMENT_BLOCK (pp_document_block_get_type ())

/**
 * PpDocumentBlock:
 *
 * One block of a document's text as its reader found it: a paragraph, a
 * heading, a list item, a table cell. It knows its byte range in the
 * document's text, the titles of the sections above it, its page (0 when
 * the document has no pages) and, when the reader knows it, its byte range
 * in the source file. A reference-counted, immutable boxed type.
 *
 * Since: 0.2
 */
typedef struct _PpDocumentBlock PpDocumentBlock;

PP_AVAILABLE_IN_0_2
GType               pp_document_block_get_type         (void) G_GNUC_CONST;
PP_AVAILABLE_IN_0_2
PpDocumentBlock    *pp_document_block_ref              (PpDocumentBlock *block);
PP_AVAILABLE_IN_0_2
void                pp_document_block_unref            (PpDocumentBlock *block);
PP_AVAILABLE_IN_0_2
gsize               pp_document_block_get_start        (PpDocumentBlock *block);
PP_AVAILABLE_IN_0_2
gsize               pp_document_block_get_end          (PpDocumentBlock *block);
PP_AVAILABLE_IN_0_2
guint               pp_document_block_get_page         (PpDocumentBlock *block);
PP_AVAILABLE_IN_0_2
const char * const *pp_document_block_get_section_path (PpDocumentBlock *block);
PP_AVAILABLE_IN_0_2
gboolean            pp_document_block_get_source_range (PpDocumentBlock *block,
                                                        goffset         *start,
                                                        goffset         *end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpDocumentBlock, pp_document_block_unref)

#define PP_TYPE_DOCUMENT (pp_document_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (PpDocument, pp_document, PP, DOCUMENT, GObject)

PP_AVAILABLE_IN_ALL
PpDocument   *pp_document_new_from_text (const char    *name,
                                         const char    *text,
                                         gssize         length,
                                         PpTextFormat   format,
                                         GError       **error);
PP_AVAILABLE_IN_ALL
PpDocument   *pp_document_new_from_file (GFile         *file,
                                         GCancellable  *cancellable,
                                         GError       **error);

PP_AVAILABLE_IN_ALL
const char   *pp_document_get_name      (PpDocument    *document);
PP_AVAILABLE_IN_ALL
const char   *pp_document_get_text      (PpDocument    *document);
PP_AVAILABLE_IN_ALL
gsize         pp_document_get_length    (PpDocument    *document);
PP_AVAILABLE_IN_ALL
PpTextFormat  pp_document_get_format    (PpDocument    *document);
PP_AVAILABLE_IN_0_2
const char   *pp_document_get_base_iri  (PpDocument    *document);
PP_AVAILABLE_IN_0_2
GPtrArray    *pp_document_get_blocks    (PpDocument    *document);

G_END_DECLS
