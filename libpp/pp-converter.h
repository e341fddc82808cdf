/* pp-converter.h: the interface of segment-to-JSON-LD converters
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-segment.h>
#include <libpp/pp-convert-context.h>

G_BEGIN_DECLS

/**
 * PP_CONVERTER_EXTENSION_POINT:
 *
 * The name of the extension point of converters: "libpp-converter".
 *
 * Since: 0.1
 */
#define PP_CONVERTER_EXTENSION_POINT "libpp-converter"

/**
 * PP_CONVERTER_ERROR:
 *
 * The error domain of converters.
 *
 * Since: 0.1
 */
#define PP_CONVERTER_ERROR (pp_converter_error_quark ())

/**
 * PpConverterError:
 * @PP_CONVERTER_ERROR_INVALID_OUTPUT: the answer could not be made into
 *   JSON-LD, even after asking again
 * @PP_CONVERTER_ERROR_UNSUPPORTED: the converter cannot handle this segment
 * @PP_CONVERTER_ERROR_NOT_CONFIGURED: the converter lacks something it needs,
 *   such as its prompt template
 *
 * Error codes of #PP_CONVERTER_ERROR.
 *
 * Since: 0.1
 */
typedef enum {
  PP_CONVERTER_ERROR_INVALID_OUTPUT,
  PP_CONVERTER_ERROR_UNSUPPORTED,
  PP_CONVERTER_ERROR_NOT_CONFIGURED,
} PpConverterError;

/**
 * PpConverterInput:
 * @PP_CONVERTER_INPUT_TEXT: the document's text, cut into segments by the
 *   processor's [class@Pp.Segmenter]
 * @PP_CONVERTER_INPUT_SOURCE: the document's source, whole, as one segment:
 *   the raw contents of its file as UTF-8 text, such as the markup of an
 *   HTML page, neither read into text nor cut
 *
 * What a [iface@Pp.Converter] is to be given, as it says with
 * [method@Pp.Converter.get_input].
 *
 * Since: 0.2
 */
typedef enum {
  PP_CONVERTER_INPUT_TEXT,
  PP_CONVERTER_INPUT_SOURCE,
} PpConverterInput;

PP_AVAILABLE_IN_ALL
GQuark pp_converter_error_quark (void);

#define PP_TYPE_CONVERTER (pp_converter_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (PpConverter, pp_converter, PP, CONVERTER, GObject)

/**
 * PpConverterInterface:
 * @g_iface: the parent interface
 * @convert: turns one segment into JSON-LD. Called from many threads at
 *   once: it must be thread-safe. It asks the LLM only through
 *   pp_convert_context_complete(), and returns a JSON tree of its own that
 *   no other thread holds. When not implemented, the text of
 *   @convert_bytes is read into a tree.
 * @get_input: what the converter is to be given; when not implemented,
 *   %PP_CONVERTER_INPUT_TEXT. Since: 0.2
 * @uses_llm: whether the converter asks an LLM; when not implemented,
 *   %TRUE. Since: 0.2
 * @convert_bytes: turns one segment into JSON-LD as JSON text, and may give
 *   the expansion it made of it on the way, so that it is not made again.
 *   Thread-safe, as @convert. A converter implements @convert or
 *   @convert_bytes, or both: the one it leaves out is made of the other.
 *   Since: 0.2
 *
 * The virtual methods of #PpConverter.
 *
 * Since: 0.1
 */
struct _PpConverterInterface
{
  GTypeInterface g_iface;

  JsonNode * (* convert) (PpConverter       *converter,
                          PpConvertContext  *context,
                          PpSegment         *segment,
                          GCancellable      *cancellable,
                          GError           **error);
  PpConverterInput (* get_input) (PpConverter *converter);
  gboolean         (* uses_llm)  (PpConverter *converter);
  GBytes *   (* convert_bytes) (PpConverter       *converter,
                                PpConvertContext  *context,
                                PpSegment         *segment,
                                GCancellable      *cancellable,
                                GBytes           **expanded,
                                GError           **error);

  /*< private >*/
  gpointer padding[5];
};

PP_AVAILABLE_IN_ALL
JsonNode *pp_converter_convert (PpConverter       *converter,
                                PpConvertContext  *context,
                                PpSegment         *segment,
                                GCancellable      *cancellable,
                                GError           **error);

PP_AVAILABLE_IN_0_2
GBytes   *pp_converter_convert_bytes (PpConverter       *converter,
                                      PpConvertContext  *context,
                                      PpSegment         *segment,
                                      GCancellable      *cancellable,
                                      GBytes           **expanded,
                                      GError           **error);

PP_AVAILABLE_IN_0_2
PpConverterInput pp_converter_get_input (PpConverter *converter);
PP_AVAILABLE_IN_0_2
gboolean         pp_converter_uses_llm  (PpConverter *converter);

G_END_DECLS
