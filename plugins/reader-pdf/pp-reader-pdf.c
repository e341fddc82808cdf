/* pp-reader-pdf.c: a reader of PDF files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-reader-pdf.h"
#include "pp-reader-pdf-outline.h"

/* PpReaderPdf reads the text layer of a PDF file with poppler, page by
 * page in reading order. Each page's text is cut into blocks at blank
 * lines and at the headings of the outline: an outline entry whose title
 * is a line of its page opens its section at that line, one whose title is
 * not opens it at the top of the page. Every block knows its page.
 *
 * A file poppler cannot open is PP_READER_ERROR_CORRUPT, one that needs a
 * password PP_READER_ERROR_ENCRYPTED, and one whose pages hold no text, as
 * a scan does, PP_READER_ERROR_NO_TEXT. */

struct _PpReaderPdf
{
  GObject parent_instance;
};

static void pp_reader_pdf_iface_init (PpReaderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpReaderPdf, pp_reader_pdf, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_READER,
                                                               pp_reader_pdf_iface_init))

/* The state of reading one document */
typedef struct
{
  PpDocumentBuilder *builder;
  GArray *outline;          /* PdfOutlineEntry, by page */
  guint next_entry;         /* the first entry not yet applied */
  GString *paragraph;
} PdfRead;

static void
flush_paragraph (PdfRead *read)
{
  if (read->paragraph->len > 0)
    pp_document_builder_add_block (read->builder, read->paragraph->str, read->paragraph->len, -1, -1);
  g_string_truncate (read->paragraph, 0);
}

static void
enter_section (PdfRead         *read,
               PdfOutlineEntry *entry)
{
  flush_paragraph (read);
  pp_document_builder_set_section_path (read->builder, (const char * const *) entry->path);
}

/* Whether an entry of the outline on this page after the next one is
 * titled @line: that entry opens at @line, and the ones before it at the
 * top of the page */
static gboolean
line_is_heading (PdfRead    *read,
                 guint       page,
                 const char *line,
                 gsize       length,
                 guint      *found)
{
  for (guint i = read->next_entry; i < read->outline->len; i++)
    {
      PdfOutlineEntry *entry = &g_array_index (read->outline, PdfOutlineEntry, i);

      if (entry->page != page)
        break;
      if (strlen (entry->title) == length && memcmp (entry->title, line, length) == 0)
        {
          *found = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Applies the entries up to @page that open above its text: on earlier
 * pages (an entry whose heading was not found), or on @page and titled
 * with none of its lines */
static void
enter_sections_above (PdfRead    *read,
                      guint       page,
                      const char *text)
{
  while (read->next_entry < read->outline->len)
    {
      PdfOutlineEntry *entry = &g_array_index (read->outline, PdfOutlineEntry, read->next_entry);
      gboolean in_text = FALSE;

      if (entry->page > page)
        break;

      if (entry->page == page)
        {
          g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

          for (guint i = 0; lines[i] != NULL && !in_text; i++)
            in_text = g_str_equal (g_strstrip (lines[i]), entry->title);
        }
      if (in_text)
        break;

      enter_section (read, entry);
      read->next_entry++;
    }
}

static void
read_page_text (PdfRead    *read,
                guint       page,
                const char *text)
{
  const char *line = text;

  enter_sections_above (read, page, text);

  while (*line != '\0')
    {
      const char *nl = strchr (line, '\n');
      gsize length = nl != NULL ? (gsize) (nl - line) : strlen (line);
      const char *start = line;
      gsize trimmed = length;
      guint found;

      while (trimmed > 0 && g_ascii_isspace (*start))
        {
          start++;
          trimmed--;
        }
      while (trimmed > 0 && g_ascii_isspace (start[trimmed - 1]))
        trimmed--;

      if (trimmed == 0)
        flush_paragraph (read);
      else if (line_is_heading (read, page, start, trimmed, &found))
        {
          while (read->next_entry <= found)
            enter_section (read, &g_array_index (read->outline, PdfOutlineEntry, read->next_entry++));
          pp_document_builder_add_block (read->builder, start, trimmed, -1, -1);
        }
      else
        {
          if (read->paragraph->len > 0)
            g_string_append_c (read->paragraph, '\n');
          g_string_append_len (read->paragraph, start, trimmed);
        }

      line = nl != NULL ? nl + 1 : line + length;
    }

  flush_paragraph (read);
}

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text++)
    {
      if (!g_ascii_isspace (*text))
        return FALSE;
    }

  return TRUE;
}

static PopplerDocument *
open_document (GBytes      *bytes,
               const char  *name,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  PopplerDocument *document;

  document = poppler_document_new_from_bytes (bytes, NULL, &local_error);
  if (document != NULL)
    return document;

  if (g_error_matches (local_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
    g_set_error (error, PP_READER_ERROR, PP_READER_ERROR_ENCRYPTED,
                 "%s: encrypted: the PDF file needs a password to be read", name);
  else
    g_set_error (error, PP_READER_ERROR, PP_READER_ERROR_CORRUPT,
                 "%s: not a readable PDF file: %s", name, local_error->message);

  return NULL;
}

static PpDocument *
pp_reader_pdf_read_bytes (PpReader      *reader,
                          GBytes        *bytes,
                          const char    *name,
                          const char    *content_type,
                          const char    *uri,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(PopplerDocument) document = NULL;
  g_autoptr(PpDocumentBuilder) builder = NULL;
  g_autoptr(GArray) outline = NULL;
  g_autoptr(GString) paragraph = g_string_new (NULL);
  PdfRead read = { 0, };
  int n_pages;
  gboolean any_text = FALSE;

  document = open_document (bytes, name, error);
  if (document == NULL)
    return NULL;

  n_pages = poppler_document_get_n_pages (document);
  if (n_pages <= 0)
    {
      g_set_error (error, PP_READER_ERROR, PP_READER_ERROR_CORRUPT,
                   "%s: not a readable PDF file: no pages", name);
      return NULL;
    }

  builder = pp_document_builder_new (name);
  outline = pdf_outline_read (document);
  read.builder = builder;
  read.outline = outline;
  read.paragraph = paragraph;

  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (document, i);
      g_autofree char *text = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (page == NULL)
        continue;

      text = poppler_page_get_text (page);
      if (text == NULL)
        continue;
      if (!g_utf8_validate (text, -1, NULL))
        {
          char *valid = g_utf8_make_valid (text, -1);

          g_free (text);
          text = valid;
        }

      any_text = any_text || !is_blank (text);
      pp_document_builder_set_page (builder, (guint) i + 1);
      read_page_text (&read, (guint) i + 1, text);
    }

  if (!any_text)
    {
      g_set_error (error, PP_READER_ERROR, PP_READER_ERROR_NO_TEXT,
                   "%s: no text layer (%d %s of images only; run it through OCR first)",
                   name, n_pages, n_pages == 1 ? "page" : "pages");
      return NULL;
    }

  return pp_document_builder_end (builder, error);
}

static const char * const *
pp_reader_pdf_get_content_types (PpReader *reader)
{
  static const char * const types[] = { "application/pdf", NULL };

  return types;
}

static void
pp_reader_pdf_iface_init (PpReaderInterface *iface)
{
  iface->get_content_types = pp_reader_pdf_get_content_types;
  iface->read_bytes = pp_reader_pdf_read_bytes;
}

static void
pp_reader_pdf_class_init (PpReaderPdfClass *klass)
{
}

static void
pp_reader_pdf_class_finalize (PpReaderPdfClass *klass)
{
}

static void
pp_reader_pdf_init (PpReaderPdf *self)
{
}

/**
 * pp_reader_pdf_register:
 * @module: the type module of the plugin
 *
 * Registers #PpReaderPdf with the type system and, as "pdf", at
 * %PP_READER_EXTENSION_POINT. May be called again each time the module is
 * loaded.
 */
void
pp_reader_pdf_register (GTypeModule *module)
{
  pp_reader_pdf_register_type (module);
  pp_registry_register_type (PP_READER_EXTENSION_POINT, PP_TYPE_READER_PDF, "pdf", 10,
                             "PDF files, with poppler: the text layer, pages and outline");
}
