/* pp-segmenter.c: splits a document into segments under a size budget
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-segmenter.h"
#include "pp-document-private.h"
#include "pp-segment-private.h"

/**
 * PpSegmenter:
 *
 * Splits text into #PpSegment<!-- -->s of at most #PpSegmenter:max-chars
 * characters. Paragraphs (separated by blank lines) are packed greedily into
 * a segment while they fit; in Markdown a heading always starts a new
 * segment, and the titles of the sections above a segment are its heading
 * path. A paragraph longer than the budget is split at sentence boundaries,
 * and a sentence longer than the budget at a space, or at a character
 * boundary when there is none; a cut never falls inside a UTF-8 sequence.
 *
 * Each segment is a contiguous range of the source text, trimmed of
 * surrounding blank space. With #PpSegmenter:overlap, a segment also
 * begins with up to that many characters of the text before it, so that
 * the LLM sees the context of its first sentence; the overlap counts within
 * the budget (at most half of it).
 *
 * Since: 0.1
 */

struct _PpSegmenter
{
  GObject parent_instance;

  guint max_chars;
  guint overlap;
};

enum {
  PROP_0,
  PROP_MAX_CHARS,
  PROP_OVERLAP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_MAX_CHARS 2000

G_DEFINE_FINAL_TYPE (PpSegmenter, pp_segmenter, G_TYPE_OBJECT)

/* A block is a paragraph, a heading or a fenced code block: a byte range */
typedef enum {
  BLOCK_PARAGRAPH,
  BLOCK_HEADING,
} BlockKind;

typedef struct
{
  gsize start;
  gsize end;
  BlockKind kind;
  guint level;     /* headings: 1 to 6 */
} Block;

typedef struct
{
  PpSegmenter *self;
  const char *text;
  gsize length;
  GPtrArray *segments;
  GPtrArray *headings;      /* (element-type utf8): the current section path */
  const char * const *block_path;  /* or the section path of the reader's
                                    * block, when the document has blocks */
  guint page;               /* the page of the reader's block, or 0 */
  char **segment_headings;  /* heading path of the segment being packed */
  guint segment_page;       /* page of the segment being packed */
  gsize seg_start;
  gsize seg_end;
  gsize seg_chars;
  gboolean have_segment;
  gsize last_emitted_start;
  guint budget;             /* characters for packing, leaving room for the overlap */
} Packer;

/* The characters of a range of valid UTF-8: its bytes that start one */
static gsize
count_chars (const char *text,
             gsize       start,
             gsize       end)
{
  const guchar *p = (const guchar *) text + start;
  gsize n = end - start;
  gsize continuations = 0;

  for (gsize i = 0; i < n; i++)
    continuations += (p[i] & 0xC0) == 0x80;

  return n - continuations;
}

static gboolean
is_blank_range (const char *text,
                gsize       start,
                gsize       end)
{
  for (gsize i = start; i < end; i++)
    {
      if (!g_ascii_isspace (text[i]))
        return FALSE;
    }
  return TRUE;
}

static void
trim_range (const char *text,
            gsize      *start,
            gsize      *end)
{
  while (*start < *end && g_ascii_isspace (text[*start]))
    (*start)++;
  while (*end > *start && g_ascii_isspace (text[*end - 1]))
    (*end)--;
}

static guint
heading_level (const char *line,
               gsize       line_len)
{
  guint level = 0;

  while (level < line_len && line[level] == '#')
    level++;

  if (level == 0 || level > 6)
    return 0;
  if (level < line_len && line[level] != ' ' && line[level] != '\t')
    return 0;

  return level;
}

static gboolean
is_fence (const char *line,
          gsize       line_len)
{
  gsize i = 0;

  while (i < line_len && i < 3 && line[i] == ' ')
    i++;

  return line_len - i >= 3 &&
         (strncmp (line + i, "```", 3) == 0 || strncmp (line + i, "~~~", 3) == 0);
}

static GArray *
split_blocks (const char   *text,
              gsize         length,
              PpTextFormat  format)
{
  GArray *blocks = g_array_new (FALSE, FALSE, sizeof (Block));
  gsize pos = 0;
  gsize para_start = 0;
  gboolean in_para = FALSE;
  gboolean in_fence = FALSE;

  while (pos < length)
    {
      const char *nl = memchr (text + pos, '\n', length - pos);
      gsize line_end = nl != NULL ? (gsize) (nl - text) : length;
      gsize next = nl != NULL ? line_end + 1 : length;
      const char *line = text + pos;
      gsize line_len = line_end - pos;
      gboolean blank = is_blank_range (text, pos, line_end);
      guint level = 0;

      if (format == PP_TEXT_FORMAT_MARKDOWN && !in_fence)
        level = heading_level (line, line_len);

      if (format == PP_TEXT_FORMAT_MARKDOWN && is_fence (line, line_len))
        {
          if (!in_para)
            {
              para_start = pos;
              in_para = TRUE;
            }
          in_fence = !in_fence;
        }
      else if (in_fence)
        {
          /* Blank lines inside a fenced block do not end it */
        }
      else if (level > 0)
        {
          Block heading = { pos, line_end, BLOCK_HEADING, level };

          if (in_para)
            {
              Block para = { para_start, pos, BLOCK_PARAGRAPH, 0 };
              g_array_append_val (blocks, para);
              in_para = FALSE;
            }
          g_array_append_val (blocks, heading);
        }
      else if (blank)
        {
          if (in_para)
            {
              Block para = { para_start, pos, BLOCK_PARAGRAPH, 0 };
              g_array_append_val (blocks, para);
              in_para = FALSE;
            }
        }
      else if (!in_para)
        {
          para_start = pos;
          in_para = TRUE;
        }

      pos = next;
    }

  if (in_para)
    {
      Block para = { para_start, length, BLOCK_PARAGRAPH, 0 };
      g_array_append_val (blocks, para);
    }

  return blocks;
}

static void
packer_emit (Packer *packer)
{
  gsize start = packer->seg_start;
  gsize end = packer->seg_end;
  PpSegment *segment;

  if (!packer->have_segment)
    return;

  trim_range (packer->text, &start, &end);
  if (start < end)
    {
      gsize range_start = start;

      /* Overlap: back up over the characters before the segment, never
       * past the start of the previous segment */
      if (packer->self->overlap > 0 && packer->segments->len > 0)
        {
          const char *p = packer->text + start;
          const char *floor = packer->text + packer->last_emitted_start;

          guint overlap = MIN (packer->self->overlap, packer->self->max_chars / 2);

          for (guint i = 0; i < overlap && p > floor; i++)
            p = g_utf8_find_prev_char (floor, p);
          range_start = p - packer->text;
          while (range_start < start && g_ascii_isspace (packer->text[range_start]))
            range_start++;
        }

      segment = pp_segment_new_take_path (packer->segments->len,
                                          packer->text + range_start, end - range_start,
                                          range_start,
                                          g_steal_pointer (&packer->segment_headings),
                                          packer->segment_page);
      g_ptr_array_add (packer->segments, segment);
      packer->last_emitted_start = start;
    }

  packer->have_segment = FALSE;
  packer->seg_chars = 0;
}

static void
packer_snapshot_headings (Packer *packer)
{
  g_strfreev (packer->segment_headings);
  packer->segment_page = packer->page;
  if (packer->block_path != NULL)
    {
      packer->segment_headings = g_strdupv ((char **) packer->block_path);
      return;
    }
  g_ptr_array_add (packer->headings, NULL);
  packer->segment_headings = g_strdupv ((char **) packer->headings->pdata);
  g_ptr_array_set_size (packer->headings, packer->headings->len - 1);
}

/* Adds a piece of text that fits the budget on its own */
static void
packer_add (Packer *packer,
            gsize   start,
            gsize   end,
            gsize   chars)
{
  /* the segment's text holds what separates the pieces too */
  gsize separator = packer->have_segment ? count_chars (packer->text, packer->seg_end, start) : 0;

  if (packer->have_segment && packer->seg_chars + separator + chars > packer->budget)
    packer_emit (packer);

  if (!packer->have_segment)
    {
      packer->seg_start = start;
      packer->seg_chars = 0;
      packer->have_segment = TRUE;
      packer_snapshot_headings (packer);
    }
  else
    packer->seg_chars += separator;

  packer->seg_end = end;
  packer->seg_chars += chars;
}

static gboolean
is_sentence_end (const char *text,
                 gsize       pos,
                 gsize       end,
                 gsize      *after)
{
  gunichar c = g_utf8_get_char (text + pos);
  const char *next = g_utf8_next_char (text + pos);
  gsize next_pos = next - text;

  if (c == 0x3002 || c == 0xFF01 || c == 0xFF1F)   /* 。！？ end a sentence at once */
    {
      *after = next_pos;
      return TRUE;
    }

  if (c != '.' && c != '!' && c != '?' && c != 0x2026)
    return FALSE;

  /* Closing quotes and brackets stay with their sentence */
  while (next_pos < end && strchr ("\"')]", text[next_pos]) != NULL)
    next_pos++;

  if (next_pos < end && !g_ascii_isspace (text[next_pos]))
    return FALSE;

  *after = next_pos;
  return TRUE;
}

/* Splits a piece longer than the budget at spaces or, failing that, at
 * character boundaries */
static void
packer_add_hard (Packer *packer,
                 gsize   start,
                 gsize   end)
{
  guint max_chars = packer->budget;
  const char *text = packer->text;

  while (start < end)
    {
      gsize pos = start;
      gsize last_space = 0;
      gsize chars = 0;

      while (pos < end && chars < max_chars)
        {
          if (g_ascii_isspace (text[pos]) && chars > max_chars / 2)
            last_space = pos;
          pos = g_utf8_next_char (text + pos) - text;
          chars++;
        }

      if (pos < end && last_space > start)
        pos = last_space;

      packer_add (packer, start, pos, count_chars (text, start, pos));
      packer_emit (packer);

      start = pos;
      while (start < end && g_ascii_isspace (text[start]))
        start++;
    }
}

static void
packer_add_sentence (Packer *packer,
                     gsize   start,
                     gsize   end)
{
  gsize chars;

  trim_range (packer->text, &start, &end);
  if (start == end)
    return;

  chars = count_chars (packer->text, start, end);
  if (chars > packer->budget)
    {
      packer_emit (packer);
      packer_add_hard (packer, start, end);
    }
  else
    packer_add (packer, start, end, chars);
}

/* Splits a paragraph longer than the budget at sentence boundaries */
static void
packer_add_long (Packer *packer,
                 gsize   start,
                 gsize   end)
{
  const char *text = packer->text;
  gsize sentence_start = start;
  gsize pos = start;

  packer_emit (packer);

  while (pos < end)
    {
      gsize after;

      if (is_sentence_end (text, pos, end, &after))
        {
          packer_add_sentence (packer, sentence_start, after);
          sentence_start = pos = after;
          continue;
        }

      pos = g_utf8_next_char (text + pos) - text;
    }

  if (sentence_start < end)
    packer_add_sentence (packer, sentence_start, end);

  packer_emit (packer);
}

static void
packer_enter_heading (Packer     *packer,
                      const Block *block)
{
  const char *line = packer->text + block->start;
  gsize s = block->level;
  gsize e = block->end - block->start;

  while (s < e && (line[s] == ' ' || line[s] == '\t'))
    s++;
  /* Closing hashes of an ATX heading are not part of its title */
  while (e > s && (line[e - 1] == '#' || line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
    e--;

  while (packer->headings->len >= block->level)
    g_ptr_array_remove_index (packer->headings, packer->headings->len - 1);
  while (packer->headings->len < block->level - 1)
    g_ptr_array_add (packer->headings, g_strdup (""));
  g_ptr_array_add (packer->headings, g_strndup (line + s, e - s));
}

/* Adds a paragraph, a heading or a reader's block */
static void
packer_add_block (Packer *packer,
                  gsize   start,
                  gsize   end)
{
  gsize chars;

  trim_range (packer->text, &start, &end);
  if (start == end)
    return;

  chars = count_chars (packer->text, start, end);
  if (chars > packer->budget)
    packer_add_long (packer, start, end);
  else
    packer_add (packer, start, end, chars);
}

static void
packer_init (Packer      *packer,
             PpSegmenter *segmenter,
             const char  *text,
             gsize        length,
             GPtrArray   *headings)
{
  packer->self = segmenter;
  packer->text = text;
  packer->length = length;
  packer->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_segment_unref);
  packer->headings = headings;
  /* The overlap comes on top of the packed text: keep both within max-chars */
  packer->budget = segmenter->max_chars - MIN (segmenter->overlap, segmenter->max_chars / 2);
}

/* Ends packing: the segments */
static GPtrArray *
packer_finish (Packer *packer)
{
  packer_emit (packer);
  g_strfreev (packer->segment_headings);

  return packer->segments;
}

/* Splits @text, which pp_text_check() passed */
static GPtrArray *
split_text (PpSegmenter  *segmenter,
            const char   *text,
            gsize         length,
            PpTextFormat  format)
{
  g_autoptr(GArray) blocks = NULL;
  g_autoptr(GPtrArray) headings = NULL;
  Packer packer = { 0, };

  headings = g_ptr_array_new_with_free_func (g_free);
  packer_init (&packer, segmenter, text, length, headings);

  blocks = split_blocks (text, length, format);
  for (guint i = 0; i < blocks->len; i++)
    {
      const Block *block = &g_array_index (blocks, Block, i);

      if (block->kind == BLOCK_HEADING)
        {
          /* A heading starts a new segment, which it opens */
          packer_emit (&packer);
          packer_enter_heading (&packer, block);
        }

      packer_add_block (&packer, block->start, block->end);
    }

  return packer_finish (&packer);
}

/**
 * pp_segmenter_split:
 * @segmenter: a #PpSegmenter
 * @text: the text to split
 * @length: the length of @text in bytes, or -1 if it is nul-terminated
 * @format: the format of @text
 * @error: return location for a #GError
 *
 * Splits @text into segments numbered from 0. Empty or blank text gives no
 * segments.
 *
 * Returns: (transfer container) (element-type PpSegment): the segments, or
 *   %NULL with a %PP_DOCUMENT_ERROR set when @text is not valid UTF-8 or
 *   holds NUL bytes
 *
 * Since: 0.1
 */
GPtrArray *
pp_segmenter_split (PpSegmenter  *segmenter,
                    const char   *text,
                    gssize        length,
                    PpTextFormat  format,
                    GError      **error)
{
  g_return_val_if_fail (PP_IS_SEGMENTER (segmenter), NULL);
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);

  if (!pp_text_check (text, length, error))
    return NULL;

  return split_text (segmenter, text, length, format);
}

/**
 * pp_segmenter_split_document:
 * @segmenter: a #PpSegmenter
 * @document: a #PpDocument
 *
 * Splits a document into segments numbered from 0. A document with the
 * blocks of a [iface@Pp.Reader] ([method@Pp.Document.get_blocks]) is split
 * at its blocks: a segment packs the blocks of one section on one page,
 * and takes their section path and page. Any other document is split as
 * [method@Pp.Segmenter.split] splits its text.
 *
 * Returns: (transfer container) (element-type PpSegment): the segments,
 *   none when the document is blank
 *
 * Since: 0.2
 */
GPtrArray *
pp_segmenter_split_document (PpSegmenter *segmenter,
                             PpDocument  *document)
{
  GPtrArray *blocks;
  Packer packer = { 0, };

  g_return_val_if_fail (PP_IS_SEGMENTER (segmenter), NULL);
  g_return_val_if_fail (PP_IS_DOCUMENT (document), NULL);

  /* a document's text passed pp_text_check() when it was made */
  blocks = pp_document_get_blocks (document);
  if (blocks == NULL)
    return split_text (segmenter, pp_document_get_text (document),
                       pp_document_get_length (document),
                       pp_document_get_format (document));

  packer_init (&packer, segmenter, pp_document_get_text (document),
               pp_document_get_length (document), NULL);

  for (guint i = 0; i < blocks->len; i++)
    {
      PpDocumentBlock *block = blocks->pdata[i];
      const char * const *path = pp_document_block_get_section_path (block);
      guint page = pp_document_block_get_page (block);

      /* A segment stays within one section of one page */
      if (packer.block_path == NULL || page != packer.page ||
          !g_strv_equal (path, packer.block_path))
        {
          packer_emit (&packer);
          packer.block_path = path;
          packer.page = page;
        }

      packer_add_block (&packer, pp_document_block_get_start (block),
                        pp_document_block_get_end (block));
    }

  return packer_finish (&packer);
}

static void
pp_segmenter_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  PpSegmenter *self = PP_SEGMENTER (object);

  switch (prop_id)
    {
    case PROP_MAX_CHARS:
      g_value_set_uint (value, self->max_chars);
      break;
    case PROP_OVERLAP:
      g_value_set_uint (value, self->overlap);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_segmenter_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  PpSegmenter *self = PP_SEGMENTER (object);

  switch (prop_id)
    {
    case PROP_MAX_CHARS:
      pp_segmenter_set_max_chars (self, g_value_get_uint (value));
      break;
    case PROP_OVERLAP:
      pp_segmenter_set_overlap (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_segmenter_class_init (PpSegmenterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_segmenter_get_property;
  object_class->set_property = pp_segmenter_set_property;

  /**
   * PpSegmenter:max-chars:
   *
   * The most characters (not bytes) a segment may have.
   *
   * Since: 0.1
   */
  properties[PROP_MAX_CHARS] =
    g_param_spec_uint ("max-chars", NULL, NULL,
                       16, G_MAXUINT, DEFAULT_MAX_CHARS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpSegmenter:overlap:
   *
   * How many characters of the preceding text a segment repeats at its
   * start; 0 for none.
   *
   * Since: 0.1
   */
  properties[PROP_OVERLAP] =
    g_param_spec_uint ("overlap", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_segmenter_init (PpSegmenter *self)
{
  self->max_chars = DEFAULT_MAX_CHARS;
}

/**
 * pp_segmenter_new:
 * @max_chars: the most characters a segment may have, at least 16
 *
 * Creates a segmenter that cuts text into segments of at most @max_chars
 * characters.
 *
 * Returns: (transfer full): a new #PpSegmenter
 *
 * Since: 0.1
 */
PpSegmenter *
pp_segmenter_new (guint max_chars)
{
  return g_object_new (PP_TYPE_SEGMENTER, "max-chars", max_chars, NULL);
}

/**
 * pp_segmenter_get_max_chars:
 * @segmenter: a #PpSegmenter
 *
 * Gets the [property@Pp.Segmenter:max-chars] property.
 *
 * Returns: the most characters a segment may have
 *
 * Since: 0.1
 */
guint
pp_segmenter_get_max_chars (PpSegmenter *segmenter)
{
  g_return_val_if_fail (PP_IS_SEGMENTER (segmenter), 0);

  return segmenter->max_chars;
}

/**
 * pp_segmenter_set_max_chars:
 * @segmenter: a #PpSegmenter
 * @max_chars: the most characters a segment may have, at least 16
 *
 * Sets the size budget of segments.
 *
 * Since: 0.1
 */
void
pp_segmenter_set_max_chars (PpSegmenter *segmenter,
                            guint        max_chars)
{
  g_return_if_fail (PP_IS_SEGMENTER (segmenter));
  g_return_if_fail (max_chars >= 16);

  if (segmenter->max_chars == max_chars)
    return;

  segmenter->max_chars = max_chars;
  g_object_notify_by_pspec (G_OBJECT (segmenter), properties[PROP_MAX_CHARS]);
}

/**
 * pp_segmenter_get_overlap:
 * @segmenter: a #PpSegmenter
 *
 * Gets the [property@Pp.Segmenter:overlap] property.
 *
 * Returns: how many characters of the preceding text a segment repeats
 *
 * Since: 0.1
 */
guint
pp_segmenter_get_overlap (PpSegmenter *segmenter)
{
  g_return_val_if_fail (PP_IS_SEGMENTER (segmenter), 0);

  return segmenter->overlap;
}

/**
 * pp_segmenter_set_overlap:
 * @segmenter: a #PpSegmenter
 * @overlap: how many characters of the preceding text a segment repeats
 *
 * Sets the overlap between consecutive segments.
 *
 * Since: 0.1
 */
void
pp_segmenter_set_overlap (PpSegmenter *segmenter,
                          guint        overlap)
{
  g_return_if_fail (PP_IS_SEGMENTER (segmenter));

  if (segmenter->overlap == overlap)
    return;

  segmenter->overlap = overlap;
  g_object_notify_by_pspec (G_OBJECT (segmenter), properties[PROP_OVERLAP]);
}
