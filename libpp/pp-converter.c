/* pp-converter.c: the interface of segment-to-JSON-LD converters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-converter.h"
#include "pp-convert-context-private.h"

/**
 * PpConverter:
 *
 * Turns a #PpSegment into JSON-LD.
 *
 * Implementations are registered at the extension point
 * %PP_CONVERTER_EXTENSION_POINT. The processor calls pp_converter_convert()
 * from its worker threads, many at once: an implementation must be
 * thread-safe and keep no per-call state in the object. It asks the LLM
 * only through the #PpConvertContext it is handed, so that every call goes
 * through the cache, the single-flight table and the concurrency gate; a
 * converter never talks to a cache or a client itself. The JSON tree it
 * returns must be its own: json-glib's objects and arrays are not safe to
 * share between threads.
 *
 * Since: 0.1
 */

G_DEFINE_INTERFACE (PpConverter, pp_converter, G_TYPE_OBJECT)

/**
 * pp_converter_error_quark:
 *
 * The error domain of [iface@Pp.Converter] implementations,
 * `PP_CONVERTER_ERROR`.
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (pp-converter-error-quark, pp_converter_error)

static PpConverterInput
pp_converter_real_get_input (PpConverter *converter)
{
  return PP_CONVERTER_INPUT_TEXT;
}

static gboolean
pp_converter_real_uses_llm (PpConverter *converter)
{
  return TRUE;
}

static void
pp_converter_default_init (PpConverterInterface *iface)
{
  iface->get_input = pp_converter_real_get_input;
  iface->uses_llm = pp_converter_real_uses_llm;
}

/**
 * pp_converter_convert:
 * @converter: a #PpConverter
 * @context: how to ask the LLM
 * @segment: the segment to convert
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Turns @segment into JSON-LD. Blocks; thread-safe. When it succeeds, the
 * answers the converter was given are stored in the context's cache.
 *
 * Returns: (transfer full) (nullable): the JSON-LD, or %NULL with @error set
 *
 * Since: 0.1
 */
JsonNode *
pp_converter_convert (PpConverter       *converter,
                      PpConvertContext  *context,
                      PpSegment         *segment,
                      GCancellable      *cancellable,
                      GError           **error)
{
  JsonNode *graph;

  g_return_val_if_fail (PP_IS_CONVERTER (converter), NULL);
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);
  g_return_val_if_fail (segment != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  graph = PP_CONVERTER_GET_IFACE (converter)->convert (converter, context, segment, cancellable, error);

  /* Only answers that made valid JSON-LD are worth keeping */
  pp_convert_context_end_conversion (context, graph != NULL);

  return graph;
}

/**
 * pp_converter_get_input:
 * @converter: a #PpConverter
 *
 * Tells what @converter is to be given. Most converters take the text of a
 * document, cut into segments. One that reads markup, such as the
 * structured data of an HTML page, takes the source instead: the whole
 * file, unread and uncut, as the one segment of its document. The
 * processor cuts every document with its segmenter, so an application that
 * feeds such a converter makes each document of the raw contents of its
 * file, named by the file, and gives the processor a segmenter that does
 * not cut them, as `pp-convert` does. The answer is fixed for the life of
 * @converter.
 *
 * Returns: what @converter is to be given
 *
 * Since: 0.2
 */
PpConverterInput
pp_converter_get_input (PpConverter *converter)
{
  g_return_val_if_fail (PP_IS_CONVERTER (converter), PP_CONVERTER_INPUT_TEXT);

  return PP_CONVERTER_GET_IFACE (converter)->get_input (converter);
}

/**
 * pp_converter_uses_llm:
 * @converter: a #PpConverter
 *
 * Tells whether @converter asks an LLM, through
 * [method@Pp.ConvertContext.complete]. One that does not, such as a
 * converter that reads the structured data a page already holds, needs no
 * endpoint, no credentials and no cache of answers: the application may
 * give the processor an LLM client that is never asked. The answer is fixed
 * for the life of @converter.
 *
 * Returns: %TRUE if @converter asks an LLM
 *
 * Since: 0.2
 */
gboolean
pp_converter_uses_llm (PpConverter *converter)
{
  g_return_val_if_fail (PP_IS_CONVERTER (converter), TRUE);

  return PP_CONVERTER_GET_IFACE (converter)->uses_llm (converter);
}
