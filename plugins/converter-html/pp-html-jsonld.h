/* pp-html-jsonld.h: the JSON-LD blocks of an HTML page
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "pp-html-page.h"

G_BEGIN_DECLS

void pp_html_jsonld_collect (PpHtmlPage *page,
                             GPtrArray  *sources);

G_END_DECLS
