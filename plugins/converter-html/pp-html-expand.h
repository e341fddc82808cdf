/* pp-html-expand.h: the JSON-LD documents of an HTML page, expanded
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-html-page.h"

G_BEGIN_DECLS

/**
 * PpHtmlSource:
 * @label: where in the page it is, for messages, such as "JSON-LD block 2
 *   (line 7)"
 * @document: a JSON-LD document
 *
 * One piece of a page's structured data, as JSON-LD.
 */
typedef struct
{
  char *label;
  JsonNode *document;
} PpHtmlSource;

PpHtmlSource *pp_html_source_new     (char          *label,
                                      JsonNode      *document);
void          pp_html_source_free    (PpHtmlSource  *source);

gboolean      pp_html_sources_expand (PpHtmlPage    *page,
                                      GPtrArray     *sources,
                                      JsonArray     *nodes,
                                      GCancellable  *cancellable,
                                      GError       **error);

G_END_DECLS
