/* bench-mainloop.c: how smooth an application's main loop stays during a run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-mainloop [--realtime] BASE_URL SEGMENTS WORKERS
 *
 * Converts a document of SEGMENTS paragraphs through
 * pp_processor_process_document_async() from the main loop, as a GNOME
 * application does, with handlers on PpProcessor::progress and
 * PpProcessor::segment-done, while a 5 ms timeout measures how late each of
 * its ticks comes: a tick is late by as long as the main context was kept
 * from running it. Prints the longest lateness, the 99th percentile and how
 * many ticks were more than 8 ms late, from the call to its completion.
 * The same timeout on a thread of its own, with a context that nothing else
 * uses, shows how late the system alone makes a tick on this machine.
 * With --realtime, both threads run under SCHED_FIFO where the system
 * allows it, so that a busy machine does not keep them from running: what
 * is left of the lateness is the work done on the context.
 */

#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpp/libpp.h>

#define TICK_MS 5
#define STALL_MS 8

typedef struct
{
  GArray *lateness;     /* (element-type gint64): of each tick, in µs */
  gint64 next_tick;     /* when the next tick is due */
} Ticks;

typedef struct
{
  GMainLoop *loop;
  Ticks ticks;
  guint progress;
  guint segments_done;
  JsonNode *graph;
  GError *error;
} Bench;

static gboolean
tick (gpointer data)
{
  Ticks *ticks = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = MAX (now - ticks->next_tick, 0);

  g_array_append_val (ticks->lateness, late);
  ticks->next_tick = now + TICK_MS * G_TIME_SPAN_MILLISECOND;

  return G_SOURCE_CONTINUE;
}

static void
ticks_start (Ticks        *ticks,
             GMainContext *context)
{
  g_autoptr(GSource) source = g_timeout_source_new (TICK_MS);

  ticks->lateness = g_array_new (FALSE, FALSE, sizeof (gint64));
  ticks->next_tick = g_get_monotonic_time () + TICK_MS * G_TIME_SPAN_MILLISECOND;
  g_source_set_callback (source, tick, ticks, NULL);
  g_source_attach (source, context);
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

static void
ticks_print (Ticks      *ticks,
             const char *what)
{
  GArray *lateness = ticks->lateness;
  guint over = 0;

  g_array_sort (lateness, compare_spans);
  for (guint i = 0; i < lateness->len; i++)
    over += g_array_index (lateness, gint64, i) > STALL_MS * G_TIME_SPAN_MILLISECOND;

  printf ("%s: %u ticks of %d ms, longest %.1f ms late, p99 %.1f ms, %u over %d ms",
          what, lateness->len, TICK_MS,
          lateness->len > 0 ? g_array_index (lateness, gint64, lateness->len - 1) / 1000.0 : 0.0,
          lateness->len > 0 ? g_array_index (lateness, gint64, lateness->len * 99 / 100) / 1000.0 : 0.0,
          over, STALL_MS);
  g_array_unref (lateness);
}

static gboolean realtime;

/* Puts the calling thread under SCHED_FIFO, with --realtime */
static void
make_realtime (void)
{
  struct sched_param param = { .sched_priority = 1 };
  int code;

  if (!realtime)
    return;

  code = pthread_setschedparam (pthread_self (), SCHED_FIFO, &param);
  if (code != 0)
    g_printerr ("bench-mainloop: no real-time scheduling: %s\n", g_strerror (code));
}

/* The control: the same ticks on a context of their own */
typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  Ticks ticks;
} Control;

static gpointer
control_thread (gpointer data)
{
  Control *control = data;

  make_realtime ();
  g_main_context_push_thread_default (control->context);
  ticks_start (&control->ticks, control->context);
  g_main_loop_run (control->loop);
  g_main_context_pop_thread_default (control->context);

  return NULL;
}

static gboolean
quit_control (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
on_progress (PpProcessor *processor,
             guint        done,
             guint        failed,
             guint        total,
             gpointer     data)
{
  Bench *bench = data;

  bench->progress++;
}

static void
on_segment_done (PpProcessor *processor,
                 PpSegment   *segment,
                 JsonNode    *graph,
                 gpointer     data)
{
  Bench *bench = data;

  bench->segments_done++;
}

static void
on_finished (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  Bench *bench = data;

  /* The graph is the application's: what it does with it, and freeing
   * it, are not measured */
  bench->graph = pp_processor_process_document_finish (PP_PROCESSOR (source), result, &bench->error);
  g_main_loop_quit (bench->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;
  g_autoptr(GObject) converter = NULL;
  g_autoptr(PpProcessor) processor = NULL;
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (80);
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Bench bench = { loop, };
  Control control = { NULL, };
  g_autoptr(GSource) quit = NULL;
  GThread *thread;
  guint segments, workers;
  gint64 start, call_us;

  if (argc > 1 && strcmp (argv[1], "--realtime") == 0)
    {
      realtime = TRUE;
      argv++;
      argc--;
    }
  if (argc != 4 || atoi (argv[2]) <= 0 || atoi (argv[3]) <= 0)
    {
      g_printerr ("usage: bench-mainloop [--realtime] BASE_URL SEGMENTS WORKERS\n");
      return 2;
    }
  segments = (guint) atoi (argv[2]);
  workers = (guint) atoi (argv[3]);

  for (guint i = 0; i < segments; i++)
    g_string_append_printf (text, "Record %u: the engineer Grace Hopper%u visited Boston.\n\n", i, i);
  document = pp_document_new_from_text ("bench.txt", text->str, (gssize) text->len,
                                        PP_TEXT_FORMAT_PLAIN, &error);
  if (document != NULL)
    client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                 "base-url", argv[1], NULL);
  if (client != NULL)
    converter = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error, NULL);
  if (converter == NULL)
    {
      g_printerr ("bench-mainloop: %s\n", error->message);
      return 1;
    }

  processor = g_object_new (PP_TYPE_PROCESSOR, "converter", converter, "llm-client", client,
                            "segmenter", segmenter, "max-workers", workers, NULL);
  g_signal_connect (processor, "progress", G_CALLBACK (on_progress), &bench);
  g_signal_connect (processor, "segment-done", G_CALLBACK (on_segment_done), &bench);

  control.context = g_main_context_new ();
  control.loop = g_main_loop_new (control.context, FALSE);
  thread = g_thread_new ("control", control_thread, &control);

  start = g_get_monotonic_time ();
  ticks_start (&bench.ticks, g_main_context_default ());
  pp_processor_process_document_async (processor, document, NULL, on_finished, &bench);
  call_us = g_get_monotonic_time () - start;
  /* Once the call started the run's threads: they must not inherit it */
  make_realtime ();
  g_main_loop_run (loop);
  g_source_destroy (g_main_context_find_source_by_user_data (NULL, &bench.ticks));

  quit = g_idle_source_new ();
  g_source_set_callback (quit, quit_control, control.loop, NULL);
  g_source_attach (quit, control.context);
  g_thread_join (thread);
  g_main_loop_unref (control.loop);
  g_main_context_unref (control.context);
  g_clear_pointer (&bench.graph, json_node_unref);

  if (bench.error != NULL)
    {
      g_printerr ("bench-mainloop: %s\n", bench.error->message);
      g_clear_error (&bench.error);
      return 1;
    }

  printf ("%u segments, %u workers, %.0f ms, %u progress, %u segment-done; "
          "the call took %.1f ms\n    ",
          segments, workers, (g_get_monotonic_time () - start) / 1000.0,
          bench.progress, bench.segments_done, call_us / 1000.0);
  ticks_print (&bench.ticks, "main loop");
  printf ("\n    ");
  ticks_print (&control.ticks, "idle thread (control)");
  printf ("\n");

  return 0;
}
