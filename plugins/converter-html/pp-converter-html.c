/* pp-converter-html.c: the structured data an HTML page already holds
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-converter-html.h"
#include "pp-html-expand.h"
#include "pp-html-jsonld.h"
#include "pp-html-microdata.h"
#include "pp-html-page.h"

/**
 * PpConverterHtml:
 *
 * The "html" implementation of #PpConverter: it asks no LLM, and reads the
 * structured data an HTML page already holds, its
 * `<script type="application/ld+json">` blocks and its microdata
 * (`itemscope`, `itemtype`, `itemprop`, `itemid`, `itemref`).
 *
 * It takes the page's source, whole, as its one segment
 * (%PP_CONVERTER_INPUT_SOURCE), and parses it with libxml2's HTML parser,
 * forgiving what browsers forgive and fetching nothing. It returns the
 * nodes of all the blocks and items as one expanded JSON-LD array,
 * expanded against the page's base IRI: the `href` of its `<base>`, else
 * of its `<link rel="canonical">`, else the URI of its document, from
 * [method@Pp.ConvertContext.get_document_name].
 *
 * A block that is not JSON, or not JSON-LD that expands offline, is skipped
 * with a warning that names the page and the block. A page without
 * structured data gives an empty array, with a message that says so.
 *
 * It has no settings and keeps no state between calls: one converter
 * serves any number of threads at once.
 */

struct _PpConverterHtml
{
  GObject parent_instance;
};

static void pp_converter_html_converter_iface_init (PpConverterInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpConverterHtml, pp_converter_html, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CONVERTER,
                                                               pp_converter_html_converter_iface_init))

static JsonNode *
pp_converter_html_convert (PpConverter       *converter,
                           PpConvertContext  *context,
                           PpSegment         *segment,
                           GCancellable      *cancellable,
                           GError           **error)
{
  const char *document_name = pp_convert_context_get_document_name (context);
  g_autofree char *name = NULL;
  g_autoptr(PpHtmlPage) page = NULL;
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_html_source_free);
  g_autoptr(JsonArray) nodes = json_array_new ();

  name = document_name != NULL
    ? g_strdup (document_name)
    : g_strdup_printf ("Segment %u", pp_segment_get_index (segment));
  page = pp_html_page_new (name, document_name,
                           pp_segment_get_text (segment), pp_segment_get_length (segment));

  pp_html_jsonld_collect (page, sources);
  pp_html_microdata_collect (page, sources);
  if (!pp_html_sources_expand (page, sources, nodes, cancellable, error))
    return NULL;

  if (json_array_get_length (nodes) == 0)
    g_message ("%s: no structured data", name);
  else
    g_debug ("%s: %u nodes of structured data, base %s", name,
             json_array_get_length (nodes), page->base != NULL ? page->base : "(none)");

  return json_node_init_array (json_node_alloc (), nodes);
}

static PpConverterInput
pp_converter_html_get_input (PpConverter *converter)
{
  return PP_CONVERTER_INPUT_SOURCE;
}

static gboolean
pp_converter_html_uses_llm (PpConverter *converter)
{
  return FALSE;
}

static void
pp_converter_html_converter_iface_init (PpConverterInterface *iface)
{
  iface->convert = pp_converter_html_convert;
  iface->get_input = pp_converter_html_get_input;
  iface->uses_llm = pp_converter_html_uses_llm;
}

static void
pp_converter_html_class_init (PpConverterHtmlClass *klass)
{
  /* Once, before any worker parses a page */
  pp_html_page_init_parser ();
}

static void
pp_converter_html_class_finalize (PpConverterHtmlClass *klass)
{
}

static void
pp_converter_html_init (PpConverterHtml *self)
{
}

/**
 * pp_converter_html_register:
 * @module: the type module of the plugin
 *
 * Registers #PpConverterHtml with the type system and, as "html", at
 * %PP_CONVERTER_EXTENSION_POINT, below the LLM converter. May be called
 * again each time the module is loaded.
 */
void
pp_converter_html_register (GTypeModule *module)
{
  pp_converter_html_register_type (module);
  pp_registry_register_type (PP_CONVERTER_EXTENSION_POINT,
                             PP_TYPE_CONVERTER_HTML,
                             "html",
                             0,
                             "Reads the JSON-LD blocks and microdata of HTML pages (no LLM)");
}
