/* pp-reader-html.h: a reader of HTML pages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_READER_HTML (pp_reader_html_get_type ())

G_DECLARE_FINAL_TYPE (PpReaderHtml, pp_reader_html, PP, READER_HTML, GObject)

void pp_reader_html_register (GTypeModule *module);

G_END_DECLS
