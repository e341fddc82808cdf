/* pp-reader-text.c: libpp's readers of plain text and Markdown
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-document-private.h"
#include "pp-reader-text-private.h"
#include "pp-registry.h"

/* Both readers take the file's text as the document's text, UTF-8 as it
 * is; the segmenter finds its paragraphs and, in Markdown, its headings */

struct _PpReaderMarkdown
{
  PpReaderText parent_instance;
};

static const char * const *
pp_reader_text_get_content_types (PpReader *reader)
{
  return PP_READER_TEXT_GET_CLASS (reader)->content_types;
}

static PpDocument *
pp_reader_text_read_bytes (PpReader      *reader,
                           GBytes        *bytes,
                           const char    *name,
                           const char    *content_type,
                           const char    *uri,
                           GCancellable  *cancellable,
                           GError       **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  /* pp_document_new_take() wants the text NUL-terminated past its length */
  return pp_document_new_take (name, g_strndup (data, length), length,
                               PP_READER_TEXT_GET_CLASS (reader)->format, NULL, NULL, error);
}

static void
pp_reader_text_iface_init (PpReaderInterface *iface)
{
  iface->get_content_types = pp_reader_text_get_content_types;
  iface->read_bytes = pp_reader_text_read_bytes;
}

G_DEFINE_TYPE_WITH_CODE (PpReaderText, pp_reader_text, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (PP_TYPE_READER, pp_reader_text_iface_init))

static void
pp_reader_text_class_init (PpReaderTextClass *klass)
{
  static const char * const types[] = { "text/plain", NULL };

  klass->format = PP_TEXT_FORMAT_PLAIN;
  klass->content_types = types;
}

static void
pp_reader_text_init (PpReaderText *self)
{
}

G_DEFINE_FINAL_TYPE (PpReaderMarkdown, pp_reader_markdown, PP_TYPE_READER_TEXT)

static void
pp_reader_markdown_class_init (PpReaderMarkdownClass *klass)
{
  static const char * const types[] = { "text/markdown", "text/x-markdown", NULL };
  PpReaderTextClass *text_class = PP_READER_TEXT_CLASS (klass);

  text_class->format = PP_TEXT_FORMAT_MARKDOWN;
  text_class->content_types = types;
}

static void
pp_reader_markdown_init (PpReaderMarkdown *self)
{
}

/* Registers the readers at PP_READER_EXTENSION_POINT */
void
pp_reader_text_register_builtins (void)
{
  pp_registry_register_type (PP_READER_EXTENSION_POINT, PP_TYPE_READER_TEXT, "text", 0,
                             "Plain text, UTF-8: paragraphs between blank lines");
  pp_registry_register_type (PP_READER_EXTENSION_POINT, PP_TYPE_READER_MARKDOWN, "markdown", 0,
                             "Markdown, UTF-8: headings as section paths");
}
