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

struct _PpReaderText
{
  GObject parent_instance;
};

struct _PpReaderMarkdown
{
  GObject parent_instance;
};

static PpDocument *
read_text (GBytes        *bytes,
           const char    *name,
           PpTextFormat   format,
           GError       **error)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  /* pp_document_new_take() wants the text NUL-terminated past its length */
  return pp_document_new_take (name, g_strndup (data, length), length, format, NULL, NULL, error);
}

static const char * const *
pp_reader_text_get_content_types (PpReader *reader)
{
  static const char * const types[] = { "text/plain", NULL };

  return types;
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
  return read_text (bytes, name, PP_TEXT_FORMAT_PLAIN, error);
}

static void
pp_reader_text_iface_init (PpReaderInterface *iface)
{
  iface->get_content_types = pp_reader_text_get_content_types;
  iface->read_bytes = pp_reader_text_read_bytes;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PpReaderText, pp_reader_text, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_READER, pp_reader_text_iface_init))

static void
pp_reader_text_class_init (PpReaderTextClass *klass)
{
}

static void
pp_reader_text_init (PpReaderText *self)
{
}

static const char * const *
pp_reader_markdown_get_content_types (PpReader *reader)
{
  static const char * const types[] = { "text/markdown", "text/x-markdown", NULL };

  return types;
}

static PpDocument *
pp_reader_markdown_read_bytes (PpReader      *reader,
                               GBytes        *bytes,
                               const char    *name,
                               const char    *content_type,
                               const char    *uri,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return read_text (bytes, name, PP_TEXT_FORMAT_MARKDOWN, error);
}

static void
pp_reader_markdown_iface_init (PpReaderInterface *iface)
{
  iface->get_content_types = pp_reader_markdown_get_content_types;
  iface->read_bytes = pp_reader_markdown_read_bytes;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (PpReaderMarkdown, pp_reader_markdown, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_READER, pp_reader_markdown_iface_init))

static void
pp_reader_markdown_class_init (PpReaderMarkdownClass *klass)
{
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
