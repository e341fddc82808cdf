/* pp-convert-progress.c: the progress of a run, on a terminal's status line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-convert-console.h"
#include "pp-convert-progress.h"

/* While a run goes on, the status line shows the processor's figures,
 * redrawn from a timeout on the main context five times a second: the
 * workers never draw. The figures are the processor's statistics, which
 * count every document processed so far; the total is the segments of
 * all the documents, counted before the first starts. */

#define REDRAW_INTERVAL_MS 200

struct _Progress
{
  PpProcessor *processor;
  guint n_documents;
  guint n_segments;            /* of all the documents */
  guint document;              /* the one being processed, from 0 */
  gint64 start_us;
  GSource *timeout;
};

/* "1:05" or "2:03:45" */
static char *
format_duration (double seconds)
{
  guint64 s = (guint64) (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT ":%02u:%02u", s / 3600, (guint) (s / 60 % 60), (guint) (s % 60));

  return g_strdup_printf ("%u:%02u", (guint) (s / 60), (guint) (s % 60));
}

/* The status line, as "doc 1/2, 37/120 segments, 2 failed, 5 retries,
 * 8 in flight, 12.3/s, ETA 0:07", in ASCII */
static char *
progress_format (guint    document,
                 guint    n_documents,
                 guint    n_segments,
                 PpStats *stats,
                 double   elapsed_s)
{
  GString *line = g_string_new (NULL);
  guint done = pp_stats_get_done (stats);
  guint failed = pp_stats_get_failed (stats);
  guint total = MAX (pp_stats_get_submitted (stats), n_segments);
  guint finished = done + failed;
  double rate = elapsed_s > 0 ? finished / elapsed_s : 0;

  if (n_documents > 1)
    g_string_append_printf (line, "doc %u/%u, ", document + 1, n_documents);
  g_string_append_printf (line, "%u/%u segments, %u failed, %u retries, %u in flight, %.1f/s, ETA ",
                          done, total, failed, pp_stats_get_retried (stats),
                          pp_stats_get_in_flight (stats), rate);
  if (finished >= total && total > 0)
    g_string_append (line, "0:00");
  else if (rate > 0)
    {
      g_autofree char *eta = format_duration ((total - finished) / rate);

      g_string_append (line, eta);
    }
  else
    g_string_append (line, "-:--");

  return g_string_free (line, FALSE);
}

static void
draw (Progress *progress)
{
  g_autoptr(PpStats) stats = pp_processor_get_stats (progress->processor);
  g_autofree char *line = NULL;
  double elapsed_s = (g_get_monotonic_time () - progress->start_us) / (double) G_USEC_PER_SEC;

  line = progress_format (progress->document, progress->n_documents, progress->n_segments,
                          stats, elapsed_s);
  console_set_status (line);
}

static gboolean
redraw (gpointer data)
{
  draw (data);

  return G_SOURCE_CONTINUE;
}

/* Starts drawing the progress of @processor, which will process
 * @n_documents of @n_segments segments in all, on the status line */
Progress *
progress_new (PpProcessor *processor,
              guint        n_documents,
              guint        n_segments)
{
  Progress *progress = g_new0 (Progress, 1);

  progress->processor = g_object_ref (processor);
  progress->n_documents = n_documents;
  progress->n_segments = n_segments;
  progress->start_us = g_get_monotonic_time ();

  progress->timeout = g_timeout_source_new (REDRAW_INTERVAL_MS);
  g_source_set_callback (progress->timeout, redraw, progress, NULL);
  g_source_set_static_name (progress->timeout, "[pp-convert] progress");
  g_source_attach (progress->timeout, NULL);

  draw (progress);

  return progress;
}

/* @index: the document now processed, from 0 */
void
progress_set_document (Progress *progress,
                       guint     index)
{
  progress->document = index;
}

/* Draws the final figures, and ends the status line */
void
progress_finish (Progress *progress)
{
  if (progress->timeout == NULL)
    return;

  g_source_destroy (progress->timeout);
  g_clear_pointer (&progress->timeout, g_source_unref);
  draw (progress);
  console_end_status ();
}

void
progress_free (Progress *progress)
{
  if (progress == NULL)
    return;

  progress_finish (progress);
  g_object_unref (progress->processor);
  g_free (progress);
}
