/* pp-converter.c: the interface of segment-to-JSON-LD converters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-converter.h"
#include "pp-convert-context-private.h"
#include "pp-json-parse.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-util-private.h"

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
 * A converter gives its JSON-LD as a tree ([vfunc@Pp.Converter.convert]),
 * as JSON text ([vfunc@Pp.Converter.convert_bytes]), or both; the
 * processor asks for text, which it hands to its reconciler and reads into
 * a tree only for a handler of [signal@Pp.Processor::segment-done]. A
 * converter that checks its JSON-LD by expanding it gives that expansion
 * with the text, and the reconciler merges it without expanding the
 * document again.
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

/* Whether @converter left both convert and convert_bytes to the
 * interface, which would make each of the other: a programming error */
static gboolean converts_nothing (PpConverter  *converter,
                                  GError      **error);

/* For a converter that implements only convert_bytes: its text, read */
static JsonNode *
pp_converter_real_convert (PpConverter       *converter,
                           PpConvertContext  *context,
                           PpSegment         *segment,
                           GCancellable      *cancellable,
                           GError           **error)
{
  PpConverterInterface *iface = PP_CONVERTER_GET_IFACE (converter);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *graph;
  gsize size;
  const char *data;

  if (converts_nothing (converter, error))
    return NULL;

  bytes = iface->convert_bytes (converter, context, segment, cancellable, NULL, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  graph = pp_json_parse (data != NULL ? data : "", (gssize) MIN (size, G_MAXSSIZE), &local_error);
  if (graph == NULL)
    g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                 "Segment %u: the JSON-LD of converter %s cannot be read: %s",
                 pp_segment_get_index (segment), G_OBJECT_TYPE_NAME (converter),
                 local_error->message);

  return graph;
}

/* For a converter that implements only convert: its tree, written. There
 * is no expansion to give. */
static GBytes *
pp_converter_real_convert_bytes (PpConverter       *converter,
                                 PpConvertContext  *context,
                                 PpSegment         *segment,
                                 GCancellable      *cancellable,
                                 GBytes           **expanded,
                                 GError           **error)
{
  PpConverterInterface *iface = PP_CONVERTER_GET_IFACE (converter);
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  g_autoptr(GError) local_error = NULL;
  PpJsonValue *value;

  if (converts_nothing (converter, error))
    return NULL;

  graph = iface->convert (converter, context, segment, cancellable, error);
  if (graph == NULL)
    return NULL;

  /* Checked as the reconciler checks a tree it is given */
  arena = pp_json_arena_new ();
  value = pp_json_value_from_json_node (arena, graph, PP_JSONLD_MAX_DEPTH, &local_error);
  if (value == NULL)
    {
      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                   "Segment %u: the JSON-LD of converter %s cannot be written: %s",
                   pp_segment_get_index (segment), G_OBJECT_TYPE_NAME (converter),
                   local_error->message);
      return NULL;
    }

  return pp_json_value_to_bytes (value, PP_JSON_WRITE_NONE);
}

static gboolean
converts_nothing (PpConverter  *converter,
                  GError      **error)
{
  PpConverterInterface *iface = PP_CONVERTER_GET_IFACE (converter);

  if (iface->convert != pp_converter_real_convert ||
      iface->convert_bytes != pp_converter_real_convert_bytes)
    return FALSE;

  g_critical ("Converter %s implements neither convert nor convert_bytes",
              G_OBJECT_TYPE_NAME (converter));
  g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
               "Converter %s: implements no conversion", G_OBJECT_TYPE_NAME (converter));
  return TRUE;
}

static void
pp_converter_default_init (PpConverterInterface *iface)
{
  iface->convert = pp_converter_real_convert;
  iface->convert_bytes = pp_converter_real_convert_bytes;
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
 * pp_converter_convert_bytes:
 * @converter: a #PpConverter
 * @context: how to ask the LLM
 * @segment: the segment to convert
 * @cancellable: (nullable): a #GCancellable
 * @expanded: (out) (optional) (nullable) (transfer full): return location
 *   for the JSON-LD expanded, or %NULL
 * @error: return location for a #GError
 *
 * Turns @segment into JSON-LD, as [method@Pp.Converter.convert] does, and
 * gives it as JSON text in UTF-8: the text the converter made, or the tree
 * it made, written. Blocks; thread-safe. When it succeeds, the answers the
 * converter was given are stored in the context's cache.
 *
 * A converter that expanded the JSON-LD on the way, to check it, gives the
 * expansion in @expanded, so that whoever merges the segment's graph needs
 * not expand it again: the JSON text of the expanded document, as
 * [func@Pp.jsonld_expand_bytes] writes it with the default options and
 * [method@Pp.JsonldOptions.set_ordered] on. @expanded is set to %NULL when
 * the converter made no expansion, and when the call fails.
 *
 * Returns: (transfer full) (nullable): the JSON-LD as JSON text, or %NULL
 *   with @error set
 *
 * Since: 0.2
 */
GBytes *
pp_converter_convert_bytes (PpConverter       *converter,
                            PpConvertContext  *context,
                            PpSegment         *segment,
                            GCancellable      *cancellable,
                            GBytes           **expanded,
                            GError           **error)
{
  g_autoptr(GBytes) local_expanded = NULL;
  GBytes *bytes;

  g_return_val_if_fail (PP_IS_CONVERTER (converter), NULL);
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);
  g_return_val_if_fail (segment != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (expanded != NULL)
    *expanded = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  bytes = PP_CONVERTER_GET_IFACE (converter)->convert_bytes (converter, context, segment, cancellable,
                                                            expanded != NULL ? &local_expanded : NULL,
                                                            error);

  /* Only answers that made valid JSON-LD are worth keeping */
  pp_convert_context_end_conversion (context, bytes != NULL);

  if (bytes != NULL && expanded != NULL)
    *expanded = g_steal_pointer (&local_expanded);

  return bytes;
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
