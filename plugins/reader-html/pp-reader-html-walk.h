/* pp-reader-html-walk.h: the visible text of an HTML page, block by block
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>
#include <libxml/HTMLtree.h>

G_BEGIN_DECLS

/* What the page says of itself besides its text */
typedef struct
{
  char *title;         /* <title>, whitespace collapsed, or NULL */
  char *canonical;     /* href of <link rel="canonical">, or NULL */
} HtmlHead;

void html_walk      (htmlDocPtr         document,
                     PpDocumentBuilder *builder,
                     HtmlHead          *head);
void html_head_clear (HtmlHead         *head);

G_END_DECLS
