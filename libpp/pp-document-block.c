/* pp-document-block.c: one block of a document's text
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-document.h"
#include "pp-document-private.h"

struct _PpDocumentBlock
{
  gsize start;
  gsize end;
  guint page;
  char **section_path;
  goffset source_start;   /* -1: unknown */
  goffset source_end;
};

G_DEFINE_BOXED_TYPE (PpDocumentBlock, pp_document_block, pp_document_block_ref, pp_document_block_unref)

static void
pp_document_block_clear (PpDocumentBlock *block)
{
  g_strfreev (block->section_path);
}

/* A block of the text from @start to @end; @source_start and @source_end
 * are -1 when the reader does not know where it was in the source */
PpDocumentBlock *
pp_document_block_new (gsize               start,
                       gsize               end,
                       guint               page,
                       const char * const *section_path,
                       goffset             source_start,
                       goffset             source_end)
{
  PpDocumentBlock *block = g_atomic_rc_box_new0 (PpDocumentBlock);

  block->start = start;
  block->end = end;
  block->page = page;
  block->section_path = section_path != NULL ? g_strdupv ((char **) section_path) : g_new0 (char *, 1);
  block->source_start = source_start >= 0 && source_end >= source_start ? source_start : -1;
  block->source_end = block->source_start >= 0 ? source_end : -1;

  return block;
}

/**
 * pp_document_block_ref:
 * @block: a #PpDocumentBlock
 *
 * Acquires a reference on @block.
 *
 * Returns: (transfer full): @block, with one more reference
 *
 * Since: 0.2
 */
PpDocumentBlock *
pp_document_block_ref (PpDocumentBlock *block)
{
  g_return_val_if_fail (block != NULL, NULL);

  return g_atomic_rc_box_acquire (block);
}

/**
 * pp_document_block_unref:
 * @block: (transfer full): a #PpDocumentBlock
 *
 * Drops a reference; the last one frees the block.
 *
 * Since: 0.2
 */
void
pp_document_block_unref (PpDocumentBlock *block)
{
  g_return_if_fail (block != NULL);

  g_atomic_rc_box_release_full (block, (GDestroyNotify) pp_document_block_clear);
}

/**
 * pp_document_block_get_start:
 * @block: a #PpDocumentBlock
 *
 * Gets where the block starts in its document's text.
 *
 * Returns: the byte offset of the block in the text of its document
 *
 * Since: 0.2
 */
gsize
pp_document_block_get_start (PpDocumentBlock *block)
{
  g_return_val_if_fail (block != NULL, 0);

  return block->start;
}

/**
 * pp_document_block_get_end:
 * @block: a #PpDocumentBlock
 *
 * Gets where the block ends in its document's text.
 *
 * Returns: the byte offset just past the block in the text of its document
 *
 * Since: 0.2
 */
gsize
pp_document_block_get_end (PpDocumentBlock *block)
{
  g_return_val_if_fail (block != NULL, 0);

  return block->end;
}

/**
 * pp_document_block_get_page:
 * @block: a #PpDocumentBlock
 *
 * Gets the page the block is on.
 *
 * Returns: the page, from 1, or 0 when the document has no pages
 *
 * Since: 0.2
 */
guint
pp_document_block_get_page (PpDocumentBlock *block)
{
  g_return_val_if_fail (block != NULL, 0);

  return block->page;
}

/**
 * pp_document_block_get_section_path:
 * @block: a #PpDocumentBlock
 *
 * Gets the titles of the sections the block is in. A heading is in the
 * section it opens.
 *
 * Returns: (transfer none) (array zero-terminated=1): the titles of the
 *   sections, outermost first; may be empty
 *
 * Since: 0.2
 */
const char * const *
pp_document_block_get_section_path (PpDocumentBlock *block)
{
  g_return_val_if_fail (block != NULL, NULL);

  return (const char * const *) block->section_path;
}

/**
 * pp_document_block_get_source_range:
 * @block: a #PpDocumentBlock
 * @start: (out) (optional): return location for the byte offset of the
 *   block in the source file
 * @end: (out) (optional): return location for the byte offset just past
 *   the block in the source file
 *
 * Gets where the block was in the source file, such as the element of an
 * HTML page it was read from, when its reader knows it.
 *
 * Returns: %TRUE and the range, or %FALSE, with -1 in both, when the
 *   reader does not know it
 *
 * Since: 0.2
 */
gboolean
pp_document_block_get_source_range (PpDocumentBlock *block,
                                    goffset         *start,
                                    goffset         *end)
{
  g_return_val_if_fail (block != NULL, FALSE);

  if (start != NULL)
    *start = block->source_start;
  if (end != NULL)
    *end = block->source_end;

  return block->source_start >= 0;
}
