/* pp-html-microdata.h: the microdata items of an HTML page, as JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "pp-html-page.h"

G_BEGIN_DECLS

void pp_html_microdata_collect (PpHtmlPage *page,
                                GPtrArray  *sources);

G_END_DECLS
