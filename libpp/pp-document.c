/* pp-document.c: a document to turn into JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-document.h"
#include "pp-document-private.h"

/**
 * PpDocument:
 *
 * A document to turn into JSON-LD: a name (for messages and provenance),
 * its text, valid UTF-8, and its format. Immutable.
 *
 * A document made by a [iface@Pp.Reader] also has the structure its reader
 * found ([method@Pp.Document.get_blocks]): the section path and page of
 * each block of its text, which its segments inherit, and may have a base
 * IRI ([method@Pp.Document.get_base_iri]).
 *
 * Since: 0.1
 */

struct _PpDocument
{
  GObject parent_instance;

  char *name;
  char *text;
  gsize length;
  PpTextFormat format;
  char *base_iri;
  GPtrArray *blocks;   /* (element-type PpDocumentBlock) (nullable) */
};

/* Larger documents are refused rather than exhausting memory */
#define MAX_DOCUMENT_SIZE ((gsize) 1 << 30)

G_DEFINE_FINAL_TYPE (PpDocument, pp_document, G_TYPE_OBJECT)

/**
 * pp_document_error_quark:
 *
 * The error domain of [class@Pp.Document], `PP_DOCUMENT_ERROR`.
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (pp-document-error-quark, pp_document_error)

/* Whether @text is valid UTF-8, with *@invalid set where it is not, as
 * g_utf8_validate_len() says. ASCII, most of most documents, is checked a
 * word at a time, and g_utf8_validate_len() checks the runs of other
 * bytes: no sequence of valid UTF-8 holds an ASCII byte, so every one of
 * them ends with its run */
static gboolean
utf8_validate (const char  *text,
               gsize        length,
               const char **invalid)
{
  const guchar *p = (const guchar *) text;
  const guchar *end = p + length;

  while (p < end)
    {
      const guchar *run;

      for (guint64 word; end - p >= (ptrdiff_t) sizeof word; p += sizeof word)
        {
          memcpy (&word, p, sizeof word);
          if ((word & G_GUINT64_CONSTANT (0x8080808080808080)) != 0)
            break;
        }
      while (p < end && *p < 0x80)
        p++;

      run = p;
      while (p < end && *p >= 0x80)
        p++;
      if (p > run && !g_utf8_validate_len ((const char *) run, p - run, invalid))
        return FALSE;
    }

  return TRUE;
}

/* Checks that a text is UTF-8 without NUL bytes */
gboolean
pp_text_check (const char  *text,
               gsize        length,
               GError     **error)
{
  const char *nul;
  const char *invalid = NULL;

  nul = length > 0 ? memchr (text, '\0', length) : NULL;
  if (nul != NULL)
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_BINARY,
                   "binary data (a NUL byte at byte %" G_GSIZE_FORMAT ")",
                   (gsize) (nul - text));
      return FALSE;
    }

  if (!utf8_validate (text, length, &invalid))
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_INVALID_UTF8,
                   "not valid UTF-8 (at byte %" G_GSIZE_FORMAT ")",
                   (gsize) (invalid - text));
      return FALSE;
    }

  return TRUE;
}

static void
pp_document_finalize (GObject *object)
{
  PpDocument *self = PP_DOCUMENT (object);

  g_free (self->name);
  g_free (self->text);
  g_free (self->base_iri);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_document_parent_class)->finalize (object);
}

static void
pp_document_class_init (PpDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_document_finalize;
}

static void
pp_document_init (PpDocument *self)
{
}

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isspace (text[i]))
        return FALSE;
    }
  return TRUE;
}

/* Makes a document of @text, taken, which must end with a NUL byte past
 * @length; with its readers' @blocks, taken, when it has some */
PpDocument *
pp_document_new_take (const char    *name,
                      char          *text,
                      gsize          length,
                      PpTextFormat   format,
                      const char    *base_iri,
                      GPtrArray     *blocks,
                      GError       **error)
{
  g_autofree char *owned = text;
  g_autoptr(GPtrArray) owned_blocks = blocks;
  g_autoptr(GError) local_error = NULL;
  PpDocument *self;

  if (length > MAX_DOCUMENT_SIZE)
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_TOO_LARGE,
                   "%s: too large (%" G_GSIZE_FORMAT " bytes; at most %" G_GSIZE_FORMAT ")",
                   name, length, MAX_DOCUMENT_SIZE);
      return NULL;
    }

  if (!pp_text_check (owned, length, &local_error))
    {
      g_set_error (error, PP_DOCUMENT_ERROR, local_error->code, "%s: %s", name, local_error->message);
      return NULL;
    }

  if (is_blank (owned, length))
    {
      g_set_error (error, PP_DOCUMENT_ERROR, PP_DOCUMENT_ERROR_EMPTY,
                   "%s: empty (no text to convert)", name);
      return NULL;
    }

  self = g_object_new (PP_TYPE_DOCUMENT, NULL);
  self->name = g_strdup (name);
  self->text = g_steal_pointer (&owned);
  self->length = length;
  self->format = format;
  self->base_iri = g_strdup (base_iri);
  self->blocks = g_steal_pointer (&owned_blocks);

  return self;
}

/**
 * pp_document_new_from_text:
 * @name: a name for the document, used in messages and provenance
 * @text: the text
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 * @format: the format of @text
 * @error: return location for a #GError
 *
 * Makes a document of a text, which must be valid UTF-8 and not blank.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with a
 *   %PP_DOCUMENT_ERROR that names it
 *
 * Since: 0.1
 */
PpDocument *
pp_document_new_from_text (const char    *name,
                           const char    *text,
                           gssize         length,
                           PpTextFormat   format,
                           GError       **error)
{
  char *copy;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);

  copy = g_malloc (length + 1);
  if (length > 0)
    memcpy (copy, text, length);
  copy[length] = '\0';

  return pp_document_new_take (name, copy, length, format, NULL, NULL, error);
}

static PpTextFormat
format_for_name (const char *name)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (g_str_has_suffix (lower, ".md") || g_str_has_suffix (lower, ".markdown") ||
      g_str_has_suffix (lower, ".mdown") || g_str_has_suffix (lower, ".mkd"))
    return PP_TEXT_FORMAT_MARKDOWN;

  return PP_TEXT_FORMAT_PLAIN;
}

/**
 * pp_document_new_from_file:
 * @file: a file
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads a document from a file. Its format follows its name: Markdown for
 * `.md` and `.markdown`, plain text otherwise.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with an error
 *   that names the file: a #GIOError when it cannot be read, a
 *   %PP_DOCUMENT_ERROR when it is empty, binary or not UTF-8
 *
 * Since: 0.1
 */
PpDocument *
pp_document_new_from_file (GFile         *file,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  name = g_file_get_parse_name (file);

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", name, local_error->message);
      return NULL;
    }

  return pp_document_new_take (name, contents, length, format_for_name (name), NULL, NULL, error);
}

/**
 * pp_document_get_name:
 * @document: a #PpDocument
 *
 * Gets the name of the document, as given when it was created.
 *
 * Returns: the name of the document
 *
 * Since: 0.1
 */
const char *
pp_document_get_name (PpDocument *document)
{
  g_return_val_if_fail (PP_IS_DOCUMENT (document), NULL);

  return document->name;
}

/**
 * pp_document_get_text:
 * @document: a #PpDocument
 *
 * Gets the text of the document, valid UTF-8.
 *
 * Returns: the text of the document
 *
 * Since: 0.1
 */
const char *
pp_document_get_text (PpDocument *document)
{
  g_return_val_if_fail (PP_IS_DOCUMENT (document), NULL);

  return document->text;
}

/**
 * pp_document_get_length:
 * @document: a #PpDocument
 *
 * Gets the length of the document's text.
 *
 * Returns: the length of the text in bytes
 *
 * Since: 0.1
 */
gsize
pp_document_get_length (PpDocument *document)
{
  g_return_val_if_fail (PP_IS_DOCUMENT (document), 0);

  return document->length;
}

/**
 * pp_document_get_format:
 * @document: a #PpDocument
 *
 * Gets the format of the document's text.
 *
 * Returns: the format of the text
 *
 * Since: 0.1
 */
PpTextFormat
pp_document_get_format (PpDocument *document)
{
  g_return_val_if_fail (PP_IS_DOCUMENT (document), PP_TEXT_FORMAT_PLAIN);

  return document->format;
}

/**
 * pp_document_get_base_iri:
 * @document: a #PpDocument
 *
 * Gets the IRI the document is known by, against which the identifiers
 * minted for its entities are made: the canonical URL of a web page, or the
 * URI of the file it was read from.
 *
 * Returns: (nullable): the base IRI, or %NULL when it has none
 *
 * Since: 0.2
 */
const char *
pp_document_get_base_iri (PpDocument *document)
{
  g_return_val_if_fail (PP_IS_DOCUMENT (document), NULL);

  return document->base_iri;
}

/**
 * pp_document_get_blocks:
 * @document: a #PpDocument
 *
 * Gets the blocks of the document's text, in order, as its reader found
 * them: where each is in the text, its section path and its page. A
 * document made of a plain or Markdown text has none: the segmenter finds
 * its paragraphs and headings itself.
 *
 * Returns: (transfer none) (element-type PpDocumentBlock) (nullable): the
 *   blocks, or %NULL when the document has none
 *
 * Since: 0.2
 */
GPtrArray *
pp_document_get_blocks (PpDocument *document)
{
  g_return_val_if_fail (PP_IS_DOCUMENT (document), NULL);

  return document->blocks;
}
