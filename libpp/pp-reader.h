/* pp-reader.h: the interface of readers of documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-document.h>

G_BEGIN_DECLS

/**
 * PP_READER_EXTENSION_POINT:
 *
 * The name of the extension point of readers: "libpp-reader".
 *
 * Since: 0.2
 */
#define PP_READER_EXTENSION_POINT "libpp-reader"

/**
 * PP_READER_ERROR:
 *
 * The error domain of readers.
 *
 * Since: 0.2
 */
#define PP_READER_ERROR (pp_reader_error_quark ())

/**
 * PpReaderError:
 * @PP_READER_ERROR_UNSUPPORTED: no reader reads documents of this content type
 * @PP_READER_ERROR_CORRUPT: the document is damaged or not of its format
 * @PP_READER_ERROR_ENCRYPTED: the document is encrypted
 * @PP_READER_ERROR_NO_TEXT: the document has no text to read, such as a
 *   PDF file of scanned pages without a text layer
 *
 * Error codes of #PP_READER_ERROR.
 *
 * Since: 0.2
 */
typedef enum {
  PP_READER_ERROR_UNSUPPORTED,
  PP_READER_ERROR_CORRUPT,
  PP_READER_ERROR_ENCRYPTED,
  PP_READER_ERROR_NO_TEXT,
} PpReaderError;

PP_AVAILABLE_IN_0_2
GQuark pp_reader_error_quark (void);

#define PP_TYPE_READER (pp_reader_get_type ())

PP_AVAILABLE_IN_0_2
G_DECLARE_INTERFACE (PpReader, pp_reader, PP, READER, GObject)

/**
 * PpReaderInterface:
 * @g_iface: the parent interface
 * @get_content_types: lists the content types the reader reads, such as
 *   "application/pdf"; it also reads their subtypes
 * @read_bytes: makes a document of the contents of a file. Called from any
 *   thread, one call per document: it must be thread-safe.
 *
 * The virtual methods of #PpReader.
 *
 * Since: 0.2
 */
struct _PpReaderInterface
{
  GTypeInterface g_iface;

  const char * const * (* get_content_types) (PpReader      *reader);
  PpDocument *         (* read_bytes)        (PpReader      *reader,
                                              GBytes        *bytes,
                                              const char    *name,
                                              const char    *content_type,
                                              const char    *uri,
                                              GCancellable  *cancellable,
                                              GError       **error);

  /*< private >*/
  gpointer padding[8];
};

PP_AVAILABLE_IN_0_2
const char * const *pp_reader_get_content_types      (PpReader      *reader);
PP_AVAILABLE_IN_0_2
PpDocument         *pp_reader_read_bytes             (PpReader      *reader,
                                                      GBytes        *bytes,
                                                      const char    *name,
                                                      const char    *content_type,
                                                      const char    *uri,
                                                      GCancellable  *cancellable,
                                                      GError       **error);
PP_AVAILABLE_IN_0_2
PpDocument         *pp_reader_read_file              (PpReader      *reader,
                                                      GFile         *file,
                                                      GCancellable  *cancellable,
                                                      GError       **error);

PP_AVAILABLE_IN_0_2
char               *pp_reader_guess_content_type     (const char    *name,
                                                      GBytes        *bytes);
PP_AVAILABLE_IN_0_2
PpReader           *pp_reader_new_for_content_type   (const char    *content_type,
                                                      const char    *name,
                                                      GError       **error);
PP_AVAILABLE_IN_0_2
PpDocument         *pp_reader_read_document          (GFile         *file,
                                                      const char    *reader_name,
                                                      GCancellable  *cancellable,
                                                      GError       **error);

G_END_DECLS
