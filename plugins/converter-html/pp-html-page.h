/* pp-html-page.h: an HTML page parsed, with what structured data needs of it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <libxml/HTMLparser.h>

G_BEGIN_DECLS

/**
 * PpHtmlPage:
 * @name: the page's name for messages: its document's name, or another
 * @base: (nullable): the IRI relative references are resolved against
 * @document: the parsed page
 * @scripts: (element-type xmlNode): the `<script type="application/ld+json">`
 *   elements, in document order
 * @items: (element-type xmlNode): the top-level microdata items: the
 *   elements with `itemscope` and without `itemprop`, in document order
 * @ids: (element-type utf8 xmlNode): the first element of each `id`
 * @order: (element-type xmlNode guint): the position of every element in
 *   document order, from 1
 *
 * What the structured data of a page is read from, found in one walk over
 * the page. Owned by one thread.
 */
typedef struct
{
  char *name;
  char *base;
  htmlDocPtr document;
  GPtrArray *scripts;
  GPtrArray *items;
  GHashTable *ids;
  GHashTable *order;
} PpHtmlPage;

void        pp_html_page_init_parser   (void);

PpHtmlPage *pp_html_page_new           (const char  *name,
                                        const char  *document_uri,
                                        const char  *html,
                                        gsize        length);
void        pp_html_page_free          (PpHtmlPage  *page);

char       *pp_html_page_resolve       (PpHtmlPage  *page,
                                        const char  *reference);

char       *pp_html_dup_attribute      (xmlNode     *element,
                                        const char  *name);
gboolean    pp_html_has_attribute      (xmlNode     *element,
                                        const char  *name);
char       *pp_html_dup_text           (xmlNode     *element);
char      **pp_html_split_tokens       (const char  *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpHtmlPage, pp_html_page_free)

G_END_DECLS
