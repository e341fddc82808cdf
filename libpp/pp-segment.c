/* pp-segment.c: one piece of a document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-segment-private.h"

/* The text lives in the same block, after the structure */
struct _PpSegment
{
  guint index;
  char *text;
  gsize length;
  gsize offset;
  char **heading_path;
  guint page;
  char *hash;
};

G_DEFINE_BOXED_TYPE (PpSegment, pp_segment, pp_segment_ref, pp_segment_unref)

static void
pp_segment_clear (PpSegment *segment)
{
  g_strfreev (segment->heading_path);
  g_free (segment->hash);
}

/**
 * pp_segment_new:
 * @index: the position of the segment in its document, from 0
 * @text: the text, valid UTF-8
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 * @offset: the byte offset of @text in the source document
 * @heading_path: (nullable) (array zero-terminated=1): the titles of the
 *   sections that contain the segment, outermost first
 *
 * Creates a segment on no page. Its hash is the SHA-256 of its text.
 *
 * Returns: (transfer full): a new #PpSegment
 *
 * Since: 0.1
 */
PpSegment *
pp_segment_new (guint               index,
                const char         *text,
                gssize              length,
                gsize               offset,
                const char * const *heading_path)
{
  g_return_val_if_fail (text != NULL, NULL);

  return pp_segment_new_full (index, text, length, offset, heading_path, 0);
}

/**
 * pp_segment_new_full:
 * @index: the position of the segment in its document, from 0
 * @text: the text, valid UTF-8
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 * @offset: the byte offset of @text in the source document
 * @heading_path: (nullable) (array zero-terminated=1): the titles of the
 *   sections that contain the segment, outermost first
 * @page: the page the segment starts on, from 1, or 0 when its document
 *   has no pages
 *
 * Creates a segment. Its hash is the SHA-256 of its text.
 *
 * Returns: (transfer full): a new #PpSegment
 *
 * Since: 0.2
 */
PpSegment *
pp_segment_new_full (guint               index,
                     const char         *text,
                     gssize              length,
                     gsize               offset,
                     const char * const *heading_path,
                     guint               page)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strlen (text);

  return pp_segment_new_take_path (index, text, length, offset,
                                   heading_path != NULL ? g_strdupv ((char **) heading_path) : NULL,
                                   page);
}

/*
 * pp_segment_new_take_path:
 *
 * Declared in pp-segment-private.h: pp_segment_new_full() taking
 * @heading_path (or none when %NULL) rather than copying it.
 */
PpSegment *
pp_segment_new_take_path (guint        index,
                          const char  *text,
                          gsize        length,
                          gsize        offset,
                          char       **heading_path,
                          guint        page)
{
  PpSegment *segment;

  segment = g_atomic_rc_box_alloc0 (sizeof (PpSegment) + length + 1);
  segment->index = index;
  segment->text = (char *) (segment + 1);
  memcpy (segment->text, text, length);
  segment->length = length;
  segment->offset = offset;
  segment->heading_path = heading_path != NULL ? heading_path : g_new0 (char *, 1);
  segment->page = page;

  return segment;
}

/**
 * pp_segment_ref:
 * @segment: a #PpSegment
 *
 * Acquires a reference on @segment.
 *
 * Returns: (transfer full): @segment, with one more reference
 *
 * Since: 0.1
 */
PpSegment *
pp_segment_ref (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, NULL);

  return g_atomic_rc_box_acquire (segment);
}

/**
 * pp_segment_unref:
 * @segment: (transfer full): a #PpSegment
 *
 * Drops a reference; the last one frees the segment.
 *
 * Since: 0.1
 */
void
pp_segment_unref (PpSegment *segment)
{
  g_return_if_fail (segment != NULL);

  g_atomic_rc_box_release_full (segment, (GDestroyNotify) pp_segment_clear);
}

/**
 * pp_segment_get_index:
 * @segment: a #PpSegment
 *
 * Gets the position of the segment in its document.
 *
 * Returns: the position of the segment in its document, from 0
 *
 * Since: 0.1
 */
guint
pp_segment_get_index (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, 0);

  return segment->index;
}

/**
 * pp_segment_get_text:
 * @segment: a #PpSegment
 *
 * Gets the text of the segment.
 *
 * Returns: the text of the segment
 *
 * Since: 0.1
 */
const char *
pp_segment_get_text (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, NULL);

  return segment->text;
}

/**
 * pp_segment_get_length:
 * @segment: a #PpSegment
 *
 * Gets the length of the segment's text.
 *
 * Returns: the length of the text in bytes
 *
 * Since: 0.1
 */
gsize
pp_segment_get_length (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, 0);

  return segment->length;
}

/**
 * pp_segment_get_offset:
 * @segment: a #PpSegment
 *
 * Gets where the segment's text starts in its document.
 *
 * Returns: the byte offset of the text in its source document
 *
 * Since: 0.1
 */
gsize
pp_segment_get_offset (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, 0);

  return segment->offset;
}

/**
 * pp_segment_get_heading_path:
 * @segment: a #PpSegment
 *
 * Gets the titles of the sections above the segment.
 *
 * Returns: (transfer none) (array zero-terminated=1): the titles of the
 *   sections that contain the segment, outermost first; may be empty
 *
 * Since: 0.1
 */
const char * const *
pp_segment_get_heading_path (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, NULL);

  return (const char * const *) segment->heading_path;
}

/**
 * pp_segment_get_page:
 * @segment: a #PpSegment
 *
 * Gets the page the segment starts on, in a document that has pages, such
 * as a PDF file.
 *
 * Returns: the page, from 1, or 0 when the document has no pages
 *
 * Since: 0.2
 */
guint
pp_segment_get_page (PpSegment *segment)
{
  g_return_val_if_fail (segment != NULL, 0);

  return segment->page;
}

/**
 * pp_segment_get_hash:
 * @segment: a #PpSegment
 *
 * Gets the content hash of the segment's text.
 *
 * Returns: the SHA-256 of the text, in hexadecimal
 *
 * Since: 0.1
 */
const char *
pp_segment_get_hash (PpSegment *segment)
{
  char *hash;

  g_return_val_if_fail (segment != NULL, NULL);

  /* Computed on first use, which may be on several threads at once: the
   * first to finish keeps its own */
  hash = g_atomic_pointer_get (&segment->hash);
  if (hash != NULL)
    return hash;

  hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) segment->text,
                                      segment->length);
  if (!g_atomic_pointer_compare_and_exchange (&segment->hash, NULL, hash))
    g_free (hash);

  return g_atomic_pointer_get (&segment->hash);
}
