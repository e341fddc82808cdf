/* pp-converter-html.h: the structured data an HTML page already holds
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_TYPE_CONVERTER_HTML (pp_converter_html_get_type ())

G_DECLARE_FINAL_TYPE (PpConverterHtml, pp_converter_html, PP, CONVERTER_HTML, GObject)

void pp_converter_html_register (GTypeModule *module);

G_END_DECLS
