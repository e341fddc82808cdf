/* pp-document-builder.c: makes a document block by block
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-document-builder.h"
#include "pp-document-private.h"

/**
 * PpDocumentBuilder:
 *
 * Makes a [class@Pp.Document] of the blocks a [iface@Pp.Reader] finds, in
 * reading order: each block's text is appended to the document's text, a
 * blank line between two blocks, and the block keeps its range in that
 * text with the page and section path set when it was added.
 *
 * ```c
 * g_autoptr(PpDocumentBuilder) builder = pp_document_builder_new ("report.pdf");
 * const char *path[] = { "Results", NULL };
 *
 * pp_document_builder_set_page (builder, 3);
 * pp_document_builder_set_section_path (builder, path);
 * pp_document_builder_add_block (builder, "Revenue grew by 4%.", -1, -1, -1);
 * document = pp_document_builder_end (builder, error);
 * ```
 *
 * Since: 0.2
 */

struct _PpDocumentBuilder
{
  GObject parent_instance;

  char *name;
  char *base_iri;
  guint page;
  char **section_path;
  GString *text;
  GPtrArray *blocks;
};

G_DEFINE_FINAL_TYPE (PpDocumentBuilder, pp_document_builder, G_TYPE_OBJECT)

static void
pp_document_builder_finalize (GObject *object)
{
  PpDocumentBuilder *self = PP_DOCUMENT_BUILDER (object);

  g_free (self->name);
  g_free (self->base_iri);
  g_strfreev (self->section_path);
  if (self->text != NULL)
    g_string_free (self->text, TRUE);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_document_builder_parent_class)->finalize (object);
}

static void
pp_document_builder_class_init (PpDocumentBuilderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_document_builder_finalize;
}

static void
pp_document_builder_init (PpDocumentBuilder *self)
{
  self->section_path = g_new0 (char *, 1);
  self->text = g_string_new (NULL);
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_document_block_unref);
}

/**
 * pp_document_builder_new:
 * @name: the name of the document, used in messages and provenance: the
 *   name of its file
 *
 * Creates a builder of a document with no blocks yet, on no page (0) and
 * in no section.
 *
 * Returns: (transfer full): a new #PpDocumentBuilder
 *
 * Since: 0.2
 */
PpDocumentBuilder *
pp_document_builder_new (const char *name)
{
  PpDocumentBuilder *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (PP_TYPE_DOCUMENT_BUILDER, NULL);
  self->name = g_strdup (name);

  return self;
}

/**
 * pp_document_builder_set_name:
 * @builder: a #PpDocumentBuilder
 * @name: the name of the document, such as the title a web page gives itself
 *
 * Sets the name of the document.
 *
 * Since: 0.2
 */
void
pp_document_builder_set_name (PpDocumentBuilder *builder,
                              const char        *name)
{
  g_return_if_fail (PP_IS_DOCUMENT_BUILDER (builder));
  g_return_if_fail (name != NULL);

  g_free (builder->name);
  builder->name = g_strdup (name);
}

/**
 * pp_document_builder_set_base_iri:
 * @builder: a #PpDocumentBuilder
 * @base_iri: (nullable): the IRI the document is known by, or %NULL
 *
 * Sets the base IRI of the document, see [method@Pp.Document.get_base_iri].
 *
 * Since: 0.2
 */
void
pp_document_builder_set_base_iri (PpDocumentBuilder *builder,
                                  const char        *base_iri)
{
  g_return_if_fail (PP_IS_DOCUMENT_BUILDER (builder));

  g_free (builder->base_iri);
  builder->base_iri = g_strdup (base_iri);
}

/**
 * pp_document_builder_set_page:
 * @builder: a #PpDocumentBuilder
 * @page: the page of the blocks added next, from 1, or 0 for none
 *
 * Sets the page of the blocks added from now on.
 *
 * Since: 0.2
 */
void
pp_document_builder_set_page (PpDocumentBuilder *builder,
                              guint              page)
{
  g_return_if_fail (PP_IS_DOCUMENT_BUILDER (builder));

  builder->page = page;
}

/**
 * pp_document_builder_set_section_path:
 * @builder: a #PpDocumentBuilder
 * @section_path: (nullable) (array zero-terminated=1): the titles of the
 *   sections of the blocks added next, outermost first, or %NULL for none
 *
 * Sets the section path of the blocks added from now on. Add a heading
 * after setting the path of the section it opens.
 *
 * Since: 0.2
 */
void
pp_document_builder_set_section_path (PpDocumentBuilder  *builder,
                                      const char * const *section_path)
{
  g_return_if_fail (PP_IS_DOCUMENT_BUILDER (builder));

  g_strfreev (builder->section_path);
  builder->section_path = section_path != NULL ? g_strdupv ((char **) section_path) : g_new0 (char *, 1);
}

/**
 * pp_document_builder_add_block:
 * @builder: a #PpDocumentBuilder
 * @text: the text of the block
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 * @source_start: the byte offset of the block in the source file, or -1
 *   when it is not known
 * @source_end: the byte offset just past the block in the source file, or
 *   -1 when it is not known
 *
 * Appends a block to the document, on the current page and in the current
 * section. Blank space around @text is left out, and a block of blank
 * space only is not added. The text is checked when the document is made.
 *
 * Since: 0.2
 */
void
pp_document_builder_add_block (PpDocumentBuilder *builder,
                               const char        *text,
                               gssize             length,
                               goffset            source_start,
                               goffset            source_end)
{
  gsize start;

  g_return_if_fail (PP_IS_DOCUMENT_BUILDER (builder));
  g_return_if_fail (text != NULL || length == 0);

  if (length < 0)
    length = strlen (text);

  while (length > 0 && g_ascii_isspace (text[0]))
    {
      text++;
      length--;
    }
  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  if (length == 0)
    return;

  if (builder->text->len > 0)
    g_string_append (builder->text, "\n\n");
  start = builder->text->len;
  g_string_append_len (builder->text, text, length);

  g_ptr_array_add (builder->blocks,
                   pp_document_block_new (start, builder->text->len, builder->page,
                                          (const char * const *) builder->section_path,
                                          source_start, source_end));
}

/**
 * pp_document_builder_end:
 * @builder: a #PpDocumentBuilder
 * @error: return location for a #GError
 *
 * Makes the document of the blocks added. The builder is left empty.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL with a
 *   %PP_DOCUMENT_ERROR that names it when it has no text or its text is not
 *   valid UTF-8
 *
 * Since: 0.2
 */
PpDocument *
pp_document_builder_end (PpDocumentBuilder  *builder,
                         GError            **error)
{
  gsize length;
  char *text;
  GPtrArray *blocks;

  g_return_val_if_fail (PP_IS_DOCUMENT_BUILDER (builder), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = builder->text->len;
  text = g_string_free (g_steal_pointer (&builder->text), FALSE);
  blocks = g_steal_pointer (&builder->blocks);
  builder->text = g_string_new (NULL);
  builder->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_document_block_unref);

  return pp_document_new_take (builder->name, text, length, PP_TEXT_FORMAT_PLAIN,
                               builder->base_iri, blocks, error);
}
