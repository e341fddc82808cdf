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

static void
pp_converter_default_init (PpConverterInterface *iface)
{
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
