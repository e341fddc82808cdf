/* pp-reader.c: the interface of readers of documents
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-reader.h"
#include "pp-registry-private.h"

/**
 * PpReader:
 *
 * Makes a [class@Pp.Document] of a file's contents: its text, and the
 * structure the reader finds in it, block by block (see
 * [class@Pp.DocumentBuilder]): the section path and the page of each
 * block, which the segments of the document inherit and their provenance
 * shows.
 *
 * Implementations are registered at the extension point
 * %PP_READER_EXTENSION_POINT; libpp has a "text" and a "markdown" reader of
 * its own, and the plugins `reader-pdf` and `reader-html` add "pdf" and
 * "html". A reader is chosen by the content type of the file
 * ([func@Pp.Reader.guess_content_type]), unless one is named, or named by
 * the environment variable `PP_READER`: see
 * [func@Pp.Reader.new_for_content_type].
 *
 * Since: 0.2
 */

G_DEFINE_INTERFACE (PpReader, pp_reader, G_TYPE_OBJECT)

/**
 * pp_reader_error_quark:
 *
 * The error domain of [iface@Pp.Reader] implementations, `PP_READER_ERROR`.
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.2
 */
G_DEFINE_QUARK (pp-reader-error-quark, pp_reader_error)

/* How much of a file content types are guessed from */
#define SNIFF_SIZE 4096

static void
pp_reader_default_init (PpReaderInterface *iface)
{
}

/**
 * pp_reader_get_content_types:
 * @reader: a #PpReader
 *
 * Lists the content types @reader reads. It reads their subtypes too, but
 * a reader of the type itself is preferred to it for them.
 *
 * Returns: (transfer none) (array zero-terminated=1): the content types
 *
 * Since: 0.2
 */
const char * const *
pp_reader_get_content_types (PpReader *reader)
{
  g_return_val_if_fail (PP_IS_READER (reader), NULL);

  return PP_READER_GET_IFACE (reader)->get_content_types (reader);
}

/**
 * pp_reader_read_bytes:
 * @reader: a #PpReader
 * @bytes: the contents of the file
 * @name: the name of the document, for messages and provenance, such as
 *   the file's name
 * @content_type: the content type of @bytes, one @reader reads
 * @uri: (nullable): the URI of the file, if the contents come from one
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes a document of @bytes. Thread-safe.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with an
 *   error that names it: a %PP_READER_ERROR when it cannot be read, a
 *   %PP_DOCUMENT_ERROR when it has no text
 *
 * Since: 0.2
 */
PpDocument *
pp_reader_read_bytes (PpReader      *reader,
                      GBytes        *bytes,
                      const char    *name,
                      const char    *content_type,
                      const char    *uri,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_return_val_if_fail (PP_IS_READER (reader), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  return PP_READER_GET_IFACE (reader)->read_bytes (reader, bytes, name, content_type, uri,
                                                   cancellable, error);
}

/**
 * pp_reader_guess_content_type:
 * @name: (nullable): the name of the file
 * @bytes: (nullable): its contents, or their start
 *
 * Guesses the content type of a file from its name and its contents, with
 * g_content_type_guess().
 *
 * Returns: (transfer full): the content type
 *
 * Since: 0.2
 */
char *
pp_reader_guess_content_type (const char *name,
                              GBytes     *bytes)
{
  const guchar *data = NULL;
  gsize size = 0;

  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &size);
      size = MIN (size, SNIFF_SIZE);
    }

  return g_content_type_guess (name, data, size, NULL);
}

/* How well a reader of @types fits @content_type: 2 when it reads that
 * type, 1 when it reads a supertype of it, 0 when it does not read it */
static guint
match_content_type (const char * const *types,
                    const char         *content_type)
{
  guint best = 0;

  for (guint i = 0; types != NULL && types[i] != NULL; i++)
    {
      if (g_content_type_equals (content_type, types[i]))
        return 2;
      if (g_content_type_is_a (content_type, types[i]))
        best = 1;
    }

  return best;
}

typedef struct
{
  PpExtension *extension;
  guint fit;
} Candidate;

static int
compare_candidates (gconstpointer a,
                    gconstpointer b)
{
  const Candidate *ca = a;
  const Candidate *cb = b;

  return (int) cb->fit - (int) ca->fit;
}

/**
 * pp_reader_new_for_content_type:
 * @content_type: a content type, such as "application/pdf"
 * @name: (nullable): the name of a reader, such as "pdf", or %NULL for the
 *   one named by the environment variable `PP_READER` or, failing that, the
 *   one that fits @content_type best
 * @error: return location for a #GError
 *
 * Loads the plugin modules if need be and makes the reader of a content
 * type. The one that fits best reads @content_type itself rather than a
 * supertype of it ("text/html" is a subtype of "text/plain"); of those that
 * fit as well, the one of highest priority wins, and when it is not
 * available, the next. A reader named is used whatever the content type.
 *
 * Readers are chosen by the content types the plugin cache lists for them
 * (see [func@Pp.registry_write_cache]): only the plugin module of the
 * reader chosen is loaded.
 *
 * Returns: (transfer full) (nullable): the reader, or %NULL with a
 *   %PP_READER_ERROR_UNSUPPORTED when none reads @content_type, or a
 *   %PP_REGISTRY_ERROR when the one named is not available
 *
 * Since: 0.2
 */
PpReader *
pp_reader_new_for_content_type (const char  *content_type,
                                const char  *name,
                                GError     **error)
{
  g_autoptr(GList) extensions = NULL;
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr(GString) names = g_string_new (NULL);

  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL || *name == '\0')
    name = g_getenv ("PP_READER");
  if (name != NULL && *name != '\0')
    return PP_READER (pp_registry_create (PP_READER_EXTENSION_POINT, name, error, NULL));

  pp_registry_ensure_loaded ();
  extensions = pp_registry_list_extensions (PP_READER_EXTENSION_POINT);
  for (GList *l = extensions; l != NULL; l = l->next)
    {
      Candidate candidate = { l->data, 0 };

      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                              pp_extension_get_name (candidate.extension));
      candidate.fit = match_content_type (pp_extension_get_content_types (candidate.extension),
                                          content_type);
      if (candidate.fit > 0)
        g_array_append_val (candidates, candidate);
    }

  /* A stable sort: by fit, then by priority as listed */
  g_array_sort (candidates, compare_candidates);
  for (guint i = 0; i < candidates->len; i++)
    {
      const char *extension_name = pp_extension_get_name (g_array_index (candidates, Candidate, i).extension);
      g_autoptr(GError) local_error = NULL;
      GObject *reader;

      reader = pp_registry_create (PP_READER_EXTENSION_POINT, extension_name, &local_error, NULL);
      if (reader != NULL)
        return PP_READER (reader);

      g_debug ("Reader ‘%s’ is not available: %s", extension_name, local_error->message);
    }

  g_set_error (error, PP_READER_ERROR, PP_READER_ERROR_UNSUPPORTED,
               "no reader reads %s (readers: %s)", content_type,
               names->len > 0 ? names->str : "none");
  return NULL;
}

/* Loads @file: its contents, name, content type and URI */
static GBytes *
load_file (GFile         *file,
           char         **name,
           char         **content_type,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *basename = g_file_get_basename (file);
  GBytes *bytes;

  *name = g_file_get_parse_name (file);
  bytes = g_file_load_bytes (file, cancellable, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", *name, local_error->message);
      return NULL;
    }

  *content_type = pp_reader_guess_content_type (basename, bytes);

  return bytes;
}

/**
 * pp_reader_read_file:
 * @reader: a #PpReader
 * @file: a file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes a document of a file with @reader, whatever its content type. The
 * document is named after the file.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with an
 *   error that names the file: a #GIOError when it cannot be loaded, or an
 *   error of [method@Pp.Reader.read_bytes]
 *
 * Since: 0.2
 */
PpDocument *
pp_reader_read_file (PpReader      *reader,
                     GFile         *file,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (PP_IS_READER (reader), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = load_file (file, &name, &content_type, cancellable, error);
  if (bytes == NULL)
    return NULL;

  uri = g_file_get_uri (file);
  return pp_reader_read_bytes (reader, bytes, name, content_type, uri, cancellable, error);
}

/**
 * pp_reader_read_document:
 * @file: a file
 * @reader_name: (nullable): the name of the reader to read it with, or
 *   %NULL for the one [func@Pp.Reader.new_for_content_type] chooses
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Makes a document of a file with the reader of its content type, guessed
 * from its name and contents. The document is named after the file.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with an
 *   error that names the file: a #GIOError when it cannot be loaded, a
 *   %PP_READER_ERROR_UNSUPPORTED when no reader reads its content type, or
 *   an error of [method@Pp.Reader.read_bytes]
 *
 * Since: 0.2
 */
PpDocument *
pp_reader_read_document (GFile         *file,
                         const char    *reader_name,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PpReader) reader = NULL;
  g_autofree char *name = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *uri = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = load_file (file, &name, &content_type, cancellable, error);
  if (bytes == NULL)
    return NULL;

  reader = pp_reader_new_for_content_type (content_type, reader_name, error);
  if (reader == NULL)
    {
      g_prefix_error (error, "%s: ", name);
      return NULL;
    }

  uri = g_file_get_uri (file);
  return pp_reader_read_bytes (reader, bytes, name, content_type, uri, cancellable, error);
}
