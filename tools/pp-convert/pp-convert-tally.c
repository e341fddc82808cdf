/* pp-convert-tally.c: what became of each segment of a document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-convert-tally.h"

/* While a document is converted, the tally keeps, from the processor's
 * signals, the JSON-LD of each segment done, as the converter's JSON text,
 * and which segments failed for good. When the run is interrupted, what is left is the segments neither
 * done nor failed: the tally lists them, and, when the run was cancelled
 * and so gave no graph, merges the graphs of the segments done into the
 * graph the processor would have made of them. */

struct _Tally
{
  char *name;
  guint n_segments;
  PpSegment **segments;        /* by index: the segments done */
  GBytes **graphs;             /* by index: their JSON-LD, until merged */
  gboolean *failed;            /* by index: whether it failed for good */
  PpReconciler *reconciler;    /* merging, or NULL */
  TallyMergedFunc merged_func;
  gpointer merged_data;
};

/* @n_segments: the segments of the document @name */
Tally *
tally_new (const char *name,
           guint       n_segments)
{
  Tally *tally = g_new0 (Tally, 1);

  tally->name = g_strdup (name);
  tally->n_segments = n_segments;
  tally->segments = g_new0 (PpSegment *, n_segments);
  tally->graphs = g_new0 (GBytes *, n_segments);
  tally->failed = g_new0 (gboolean, n_segments);

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
  for (guint i = 0; i < tally->n_segments; i++)
    {
      g_clear_pointer (&tally->segments[i], pp_segment_unref);
      g_clear_pointer (&tally->graphs[i], g_bytes_unref);
    }
  g_free (tally->segments);
  g_free (tally->graphs);
  g_free (tally->failed);
  g_free (tally->name);
  g_free (tally);
}

static gboolean
is_known (Tally     *tally,
          PpSegment *segment)
{
  guint index = pp_segment_get_index (segment);

  /* Once merging began, what comes late is left out, as it is of the list
   * of the missing */
  return index < tally->n_segments && tally->reconciler == NULL;
}

/* @jsonld: the segment's JSON-LD, as #PpProcessor::segment-done-bytes
 * gives it */
void
tally_add_done (Tally     *tally,
                PpSegment *segment,
                GBytes    *jsonld)
{
  guint index = pp_segment_get_index (segment);

  if (!is_known (tally, segment) || tally->segments[index] != NULL)
    return;

  tally->segments[index] = pp_segment_ref (segment);
  tally->graphs[index] = g_bytes_ref (jsonld);
}

/* @segment failed for good: it is not missing */
void
tally_add_failed (Tally     *tally,
                  PpSegment *segment)
{
  if (is_known (tally, segment))
    tally->failed[pp_segment_get_index (segment)] = TRUE;
}

static gboolean
is_missing (Tally *tally,
            guint  index)
{
  return tally->segments[index] == NULL && !tally->failed[index];
}

guint
tally_get_n_missing (Tally *tally)
{
  guint n = 0;

  for (guint i = 0; i < tally->n_segments; i++)
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

  for (guint i = 0; i < tally->n_segments; i++)
    if (is_missing (tally, i))
      g_array_append_val (missing, i);

  if (missing->len == 0)
    return NULL;

  ranges = format_ranges ((const guint *) (gpointer) missing->data, missing->len);
  return g_strdup_printf ("%s: %u of %u segments not converted: %s",
                          tally->name, missing->len, tally->n_segments, ranges);
}

static void
on_merged (PpReconciler *reconciler,
           JsonNode     *graph,
           Tally        *tally)
{
  tally->merged_func (json_node_ref (graph), tally->merged_data);
}

/* Merges the graphs of the segments done, in @form, with their provenance
 * if @provenance, as the processor does, and gives the graph to @func on
 * the main context. Once. */
void
tally_merge (Tally           *tally,
             PpOutputForm     form,
             gboolean         provenance,
             TallyMergedFunc  func,
             gpointer         user_data)
{
  g_autoptr(GError) not_converted = NULL;

  g_return_if_fail (tally->reconciler == NULL);

  tally->merged_func = func;
  tally->merged_data = user_data;
  tally->reconciler = pp_reconciler_new (tally->n_segments, form);
  /* Entities minted their identifiers from the document, as in the
   * processor's own reconciler */
  g_object_set (tally->reconciler, "document-iri", tally->name, "provenance", provenance, NULL);
  g_signal_connect (tally->reconciler, "finished", G_CALLBACK (on_merged), tally);

  not_converted = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED,
                               "%s: not converted", tally->name);
  for (guint i = 0; i < tally->n_segments; i++)
    {
      g_autoptr(GBytes) jsonld = g_steal_pointer (&tally->graphs[i]);
      JsonNode *graph = NULL;

      if (jsonld != NULL)
        graph = pp_json_parse (g_bytes_get_data (jsonld, NULL), (gssize) g_bytes_get_size (jsonld), NULL);

      if (graph != NULL)
        pp_reconciler_add_graph (tally->reconciler, tally->segments[i], graph);
      else
        {
          g_autoptr(PpSegment) placeholder = pp_segment_new (i, "", 0, 0, NULL);

          pp_reconciler_add_failure (tally->reconciler, placeholder, not_converted);
        }
    }
}
