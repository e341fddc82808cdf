/* bench-cancel.c: how long a cancelled document takes to complete
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs a document of 2,000 segments through the processor with 100 workers
 * against a local server that holds every answer, waits until 100 requests
 * are in flight, cancels, and measures the time until the asynchronous call
 * completes with G_IO_ERROR_CANCELLED and until every worker is free again.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <libpp/libpp.h>

#include "pp-test-server.h"

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  gint64 *done_at = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = pp_processor_process_document_finish (PP_PROCESSOR (source), result, &error);

  g_assert_null (graph);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done_at = g_get_monotonic_time ();
}

static double
run_once (PpTestServer *server,
          PpDocument   *document)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;
  g_autoptr(GObject) converter = NULL;
  g_autoptr(PpProcessor) processor = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (80);
  gint64 cancelled_at, done_at = 0;

  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (server),
                               "max-connections", 100u, NULL);
  g_assert_no_error (error);
  converter = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error, NULL);
  g_assert_no_error (error);
  processor = g_object_new (PP_TYPE_PROCESSOR, "converter", converter, "llm-client", client,
                            "segmenter", segmenter, "max-workers", 100u,
                            /* 100 requests held in flight at once: the limit must not
                             * have to learn them first */
                            "adaptive", FALSE, NULL);

  pp_test_server_set_hold (server, TRUE);
  pp_processor_process_document_async (processor, document, cancellable, on_done, &done_at);
  g_assert_true (pp_test_server_wait_for_in_flight (server, 100, 30000));

  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  while (done_at == 0)
    g_main_context_iteration (NULL, TRUE);

  pp_test_server_set_hold (server, FALSE);

  return (done_at - cancelled_at) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  guint runs = argc > 1 ? (guint) atoi (argv[1]) : 5;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < 2000; i++)
    g_string_append_printf (text, "Record %u: the engineer Grace Hopper%u visited Boston.\n\n", i, i);
  document = pp_document_new_from_text ("bench", text->str, text->len, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_no_error (error);

  for (guint r = 0; r < runs; r++)
    {
      double ms = run_once (server, document);

      g_array_append_val (times, ms);
      printf ("  run %u: completed %.2f ms after the cancel\n", r + 1, ms);
    }

  g_array_sort (times, compare_doubles);
  printf ("cancel with 100 requests in flight and 1,900 queued: median %.2f ms, max %.2f ms (%u runs)\n",
          g_array_index (times, double, runs / 2), g_array_index (times, double, runs - 1), runs);

  return 0;
}
