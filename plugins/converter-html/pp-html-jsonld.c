/* pp-html-jsonld.c: the JSON-LD blocks of an HTML page
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-html-expand.h"
#include "pp-html-jsonld.h"

/**
 * pp_html_jsonld_collect:
 * @page: a page
 * @sources: (element-type PpHtmlSource): where the blocks go
 *
 * Adds to @sources every `<script type="application/ld+json">` block of
 * @page, parsed. A block that is not JSON is skipped with a warning that
 * names the page, the block and its line.
 */
void
pp_html_jsonld_collect (PpHtmlPage *page,
                        GPtrArray  *sources)
{
  for (guint i = 0; i < page->scripts->len; i++)
    {
      xmlNode *script = g_ptr_array_index (page->scripts, i);
      g_autofree char *text = pp_html_dup_text (script);
      g_autofree char *label = g_strdup_printf ("JSON-LD block %u (line %ld)", i + 1, xmlGetLineNo (script));
      g_autoptr(GError) error = NULL;
      JsonNode *block;

      block = pp_json_parse (text, -1, &error);
      if (block == NULL)
        {
          g_warning ("%s: %s: skipped: not JSON: %s", page->name, label, error->message);
          continue;
        }

      g_ptr_array_add (sources, pp_html_source_new (g_steal_pointer (&label), block));
    }
}
