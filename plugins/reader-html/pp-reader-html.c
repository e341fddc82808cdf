/* pp-reader-html.c: a reader of HTML pages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libxml/parser.h>
#include <libxml/HTMLparser.h>

#include "pp-reader-html.h"
#include "pp-reader-html-walk.h"

/* PpReaderHtml reads an HTML page with libxml2's HTML parser, which
 * decodes it from the encoding it declares (<meta charset>, or
 * <meta http-equiv="Content-Type">; else UTF-8 or what its bytes show),
 * and keeps its visible text (see pp-reader-html-walk.c). The page's
 * <title> names the document, and its <link rel="canonical">, resolved
 * against the file's URI, else the file's URI, is the document's base IRI. */

struct _PpReaderHtml
{
  GObject parent_instance;
};

static void pp_reader_html_iface_init (PpReaderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpReaderHtml, pp_reader_html, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_READER,
                                                               pp_reader_html_iface_init))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (xmlDoc, xmlFreeDoc)

/* @href resolved against @uri, when it can be */
static char *
resolve_href (const char *href,
              const char *uri)
{
  g_autofree char *resolved = NULL;

  if (uri != NULL)
    resolved = g_uri_resolve_relative (uri, href, G_URI_FLAGS_NONE, NULL);
  if (resolved == NULL && g_uri_is_valid (href, G_URI_FLAGS_NONE, NULL))
    resolved = g_strdup (href);

  return g_steal_pointer (&resolved);
}

static PpDocument *
pp_reader_html_read_bytes (PpReader      *reader,
                           GBytes        *bytes,
                           const char    *name,
                           const char    *content_type,
                           const char    *uri,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(xmlDoc) document = NULL;
  g_autoptr(PpDocumentBuilder) builder = NULL;
  g_autofree char *canonical = NULL;
  HtmlHead head = { NULL, NULL };
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (size > G_MAXINT)
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_TOO_LARGE,
                   "%s: too large (%" G_GSIZE_FORMAT " bytes; at most %d)", name, size, G_MAXINT);
      return NULL;
    }

  /* Never fetches anything; a page that is not well-formed is read as a
   * browser would, without a word about it */
  document = htmlReadMemory (data != NULL ? data : "", (int) size, uri, NULL,
                             HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                             HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  if (document == NULL)
    {
      g_set_error (error, PP_READER_ERROR, PP_READER_ERROR_CORRUPT,
                   "%s: not a readable HTML page", name);
      return NULL;
    }

  builder = pp_document_builder_new (name);
  html_walk (document, builder, &head);

  if (head.title != NULL)
    pp_document_builder_set_name (builder, head.title);
  if (head.canonical != NULL)
    canonical = resolve_href (head.canonical, uri);
  pp_document_builder_set_base_iri (builder, canonical != NULL ? canonical : uri);
  html_head_clear (&head);

  return pp_document_builder_end (builder, error);
}

static const char * const *
pp_reader_html_get_content_types (PpReader *reader)
{
  static const char * const types[] = { "text/html", "application/xhtml+xml", NULL };

  return types;
}

static void
pp_reader_html_iface_init (PpReaderInterface *iface)
{
  iface->get_content_types = pp_reader_html_get_content_types;
  iface->read_bytes = pp_reader_html_read_bytes;
}

static void
pp_reader_html_class_init (PpReaderHtmlClass *klass)
{
  /* libxml2 initialises its globals once, before threads parse at once */
  xmlInitParser ();
}

static void
pp_reader_html_class_finalize (PpReaderHtmlClass *klass)
{
}

static void
pp_reader_html_init (PpReaderHtml *self)
{
}

/**
 * pp_reader_html_register:
 * @module: the type module of the plugin
 *
 * Registers #PpReaderHtml with the type system and, as "html", at
 * %PP_READER_EXTENSION_POINT. May be called again each time the module is
 * loaded.
 */
void
pp_reader_html_register (GTypeModule *module)
{
  pp_reader_html_register_type (module);
  pp_registry_register_type (PP_READER_EXTENSION_POINT, PP_TYPE_READER_HTML, "html", 10,
                             "HTML pages, with libxml2: the visible text, headings as sections");
}
