/* pp-convert-tally.c: what became of each segment of a document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-convert-tally.h"

/* While a document is converted, the tally keeps, from the processor's
 * segment-failed signal, which segments were not converted: the processor
 * reports each segment it does not convert, stopped before its request or
 * aborted in flight, as failed with %PP_PROCESSOR_ERROR_STOPPED, before
 * the run completes. When the run is interrupted, the tally lists them,
 * and, when the run was stopped before any segment was converted and so
 * gave no graph, makes the graph of none, as the processor's own
 * reconciler would have made it. The graphs of the segments done are the
 * run's to keep: a run stopped at once (pp_processor_stop_now()) still
 * completes with them. The segments done are not listened to: a signal
 * for each would wake the main context for every answer, for a list that
 * only an interrupted run needs.
 *
 * How many segments the document makes is asked of the segmenter only
 * then: splitting the document is the run's first work, and splitting it
 * here as well, before the run starts, would delay the first request. */

typedef enum
{
  SEGMENT_ACCOUNTED,           /* converted, or failed for good */
  SEGMENT_NOT_CONVERTED,
} SegmentState;

struct _Tally
{
  char *name;
  PpSegmenter *segmenter;
  PpDocument *document;
  gboolean counted;
  guint n_segments;            /* once counted */
  GByteArray *states;          /* of SegmentState, by index */
  PpReconciler *reconciler;    /* merging, or NULL */
  TallyMergedFunc merged_func;
  gpointer merged_data;
};

/* The segments of @document, as @segmenter splits it */
Tally *
tally_new (PpSegmenter *segmenter,
           PpDocument  *document)
{
  Tally *tally = g_new0 (Tally, 1);

  tally->name = g_strdup (pp_document_get_name (document));
  tally->segmenter = g_object_ref (segmenter);
  tally->document = g_object_ref (document);
  tally->states = g_byte_array_new ();

  return tally;
}

void
tally_free (Tally *tally)
{
  if (tally == NULL)
    return;

  if (tally->reconciler != NULL)
    {
      g_signal_handlers_disconnect_by_data (tally->reconciler, tally);
      pp_reconciler_cancel (tally->reconciler);
      g_object_unref (tally->reconciler);
    }
  g_byte_array_unref (tally->states);
  g_object_unref (tally->document);
  g_object_unref (tally->segmenter);
  g_free (tally->name);
  g_free (tally);
}

/* Makes room for the first @n_segments segments, missing until told */
static void
tally_grow (Tally *tally,
            guint  n_segments)
{
  guint before = tally->states->len;

  if (n_segments <= before)
    return;

  g_byte_array_set_size (tally->states, n_segments);
  memset (tally->states->data + before, SEGMENT_ACCOUNTED, n_segments - before);
}

/* How many segments the document makes: counted the first time it is
 * asked */
static guint
tally_get_n_segments (Tally *tally)
{
  if (!tally->counted)
    {
      g_autoptr(GPtrArray) segments = pp_segmenter_split_document (tally->segmenter,
                                                                   tally->document);

      tally->n_segments = segments->len;
      tally->counted = TRUE;
      tally_grow (tally, tally->n_segments);
    }

  return tally->n_segments;
}

/* @segment was not converted: stopped, or aborted in flight */
void
tally_add_not_converted (Tally     *tally,
                         PpSegment *segment)
{
  guint index = pp_segment_get_index (segment);

  /* Once merging began, what comes late is left out, as it is of the list
   * of the missing */
  if (tally->reconciler != NULL)
    return;

  tally_grow (tally, index + 1);
  tally->states->data[index] = SEGMENT_NOT_CONVERTED;
}

static gboolean
is_missing (Tally *tally,
            guint  index)
{
  return tally->states->data[index] == SEGMENT_NOT_CONVERTED;
}

guint
tally_get_n_missing (Tally *tally)
{
  guint n_segments = tally_get_n_segments (tally);
  guint n = 0;

  for (guint i = 0; i < n_segments; i++)
    n += is_missing (tally, i);

  return n;
}

/* "0-3, 7, 9-12" for the ascending @indexes */
char *
format_ranges (const guint *indexes,
               guint        n_indexes)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_indexes; )
    {
      guint j = i;

      while (j + 1 < n_indexes && indexes[j + 1] == indexes[j] + 1)
        j++;

      if (text->len > 0)
        g_string_append (text, ", ");
      if (j > i)
        g_string_append_printf (text, "%u-%u", indexes[i], indexes[j]);
      else
        g_string_append_printf (text, "%u", indexes[i]);
      i = j + 1;
    }

  return g_string_free (text, FALSE);
}

/* "doc.md: 37 of 120 segments not converted: 83-119", or NULL when no
 * segment is missing */
char *
tally_describe_missing (Tally *tally)
{
  g_autoptr(GArray) missing = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *ranges = NULL;
  guint n_segments = tally_get_n_segments (tally);

  for (guint i = 0; i < n_segments; i++)
    if (is_missing (tally, i))
      g_array_append_val (missing, i);

  if (missing->len == 0)
    return NULL;

  ranges = format_ranges ((const guint *) (gpointer) missing->data, missing->len);
  return g_strdup_printf ("%s: %u of %u segments not converted: %s",
                          tally->name, missing->len, n_segments, ranges);
}

static void
on_merged (PpReconciler *reconciler,
           JsonNode     *graph,
           Tally        *tally)
{
  tally->merged_func (json_node_ref (graph), tally->merged_data);
}

/* Makes the graph of a document none of whose segments was converted,
 * in @form, with provenance if @provenance, as the processor's reconciler
 * would have made it, and gives it to @func on the main context. Once. */
void
tally_merge_none (Tally           *tally,
                  PpOutputForm     form,
                  gboolean         provenance,
                  TallyMergedFunc  func,
                  gpointer         user_data)
{
  g_autoptr(GError) not_converted = NULL;
  guint n_segments;

  g_return_if_fail (tally->reconciler == NULL);

  n_segments = tally_get_n_segments (tally);

  tally->merged_func = func;
  tally->merged_data = user_data;
  tally->reconciler = pp_reconciler_new (n_segments, form);
  g_object_set (tally->reconciler, "document-iri", tally->name, "provenance", provenance, NULL);
  g_signal_connect (tally->reconciler, "finished", G_CALLBACK (on_merged), tally);

  not_converted = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED,
                               "%s: not converted", tally->name);
  for (guint i = 0; i < n_segments; i++)
    {
      g_autoptr(PpSegment) placeholder = pp_segment_new (i, "", 0, 0, NULL);

      pp_reconciler_add_failure (tally->reconciler, placeholder, not_converted);
    }
}
