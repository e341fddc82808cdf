/* bench-transport.c: the floor under the processor benchmark
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-transport BASE_URL PROMPT_FILE SEGMENTS WORKERS
 *
 * Sends the requests pp-convert sends for the benchmark's document (the
 * extraction prompt, and one "Record N: …" paragraph as the user message)
 * straight through the openai LLM client, from WORKERS threads that each
 * send the next request as soon as their last one is answered: no
 * processor, converter, cache or reconciler. What pp-convert takes beyond
 * this program is libpp's own work; what this program takes beyond the
 * ideal is the HTTP client's and the server's.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <libpp/libpp.h>

typedef struct
{
  PpLlmClient *client;
  const char *prompt;
  guint segments;
  guint next;        /* atomic: the next segment to send */
  guint failed;      /* atomic */
} Transport;

static gpointer
send_thread (gpointer data)
{
  Transport *transport = data;
  guint index;

  while ((index = (guint) g_atomic_int_add (&transport->next, 1)) < transport->segments)
    {
      g_autofree char *text = g_strdup_printf ("Record %u: the engineer Grace Hopper%u visited Boston.",
                                               index, index);
      g_autoptr(PpLlmRequest) request = pp_llm_request_new (transport->prompt, text);
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GError) error = NULL;

      pp_llm_request_set_json_mode (request, TRUE);
      response = pp_llm_client_complete (transport->client, request, NULL, &error);
      if (response == NULL)
        {
          g_printerr ("bench-transport: segment %u: %s\n", index, error->message);
          g_atomic_int_inc (&transport->failed);
        }
    }

  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;
  g_autofree char *prompt = NULL;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  Transport transport = { NULL, };
  guint workers;
  gint64 start;

  if (argc != 5 || atoi (argv[3]) <= 0 || atoi (argv[4]) <= 0)
    {
      g_printerr ("usage: bench-transport BASE_URL PROMPT_FILE SEGMENTS WORKERS\n");
      return 2;
    }

  if (!g_file_get_contents (argv[2], &prompt, NULL, &error))
    {
      g_printerr ("bench-transport: %s\n", error->message);
      return 1;
    }
  g_strstrip (prompt);

  workers = (guint) atoi (argv[4]);
  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", argv[1], "max-connections", workers, NULL);
  if (client == NULL)
    {
      g_printerr ("bench-transport: %s\n", error->message);
      return 1;
    }

  transport.client = PP_LLM_CLIENT (client);
  transport.prompt = prompt;
  transport.segments = (guint) atoi (argv[3]);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < workers; i++)
    g_ptr_array_add (threads, g_thread_new ("bench-transport", send_thread, &transport));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);

  printf ("%u requests, %u at a time: %.1f ms from the first request to the last answer, %u failed\n",
          transport.segments, workers, (g_get_monotonic_time () - start) / 1000.0,
          (guint) g_atomic_int_get (&transport.failed));

  return transport.failed == 0 ? 0 : 1;
}
