/* bench-jsonld-flatten.c: how fast libpp flattens a large JSON-LD document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-jsonld-flatten [--dump] [--runs N] [--output FILE] NODES
 *
 * Builds a synthetic document of NODES node objects under one inline
 * context (every tenth node reuses the @id of an earlier one, so nodes get
 * merged, and every node embeds a blank node), reads its JSON text into
 * libpp's JSON values, then flattens it and prints one line:
 *
 *   nodes=100000 flattened=195000 parse_ms=… flatten_ms=… write_ms=… peak_rss_kb=…
 *
 * parse_ms is the time to read the text into values, outside the timed
 * part, as flatten.mjs parses before it times jsonld.flatten(); flatten_ms
 * is the time of the Flattening algorithm on the parsed document
 * (expansion, node map, flattened output built as values, as jsonld.js
 * builds its result array), the median of --runs runs; the flattening
 * takes the parsed document and frees it once the node map holds what it
 * keeps.  write_ms is the time to write that output as JSON text, which
 * jsonld.js is not asked to do: it is written a chunk at a time to FILE
 * (default /dev/null), so the whole text is never in memory.  flattened
 * counts the node objects of the result; peak_rss_kb is the peak resident
 * set size of the process (getrusage).  With --dump the document is
 * written to standard output instead, for other processors to flatten the
 * same input.
 *
 * The program is built with the JSON-LD sources of libpp, to reach the
 * value entry points the library does not export.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <libpp/libpp.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-flatten-private.h"

static const char *context =
  "{"
  "\"@vocab\": \"http://schema.org/\","
  "\"ex\": \"http://example.org/\","
  "\"knows\": {\"@id\": \"http://schema.org/knows\", \"@type\": \"@id\"},"
  "\"birthDate\": {\"@id\": \"http://schema.org/birthDate\","
  " \"@type\": \"http://www.w3.org/2001/XMLSchema#date\"}"
  "}";

/* the document as JSON text: {"@context": …, "@graph": [nodes]} */
static GString *
build_document (guint n_nodes)
{
  GString *out = g_string_sized_new (n_nodes * 300);
  guint i;

  g_string_append_printf (out, "{\"@context\": %s,\n\"@graph\": [\n", context);

  for (i = 0; i < n_nodes; i++)
    {
      /* every tenth node describes an earlier node again */
      guint id = (i % 10 == 9) ? i / 2 : i;

      if (i > 0)
        g_string_append (out, ",\n");

      g_string_append_printf (out,
                              "{\"@id\": \"ex:person/%u\", \"@type\": \"Person\","
                              " \"name\": \"Person %u\", \"age\": %u,"
                              " \"birthDate\": \"19%02u-01-%02u\","
                              " \"knows\": \"ex:person/%u\","
                              " \"address\": {\"@type\": \"PostalAddress\","
                              " \"streetAddress\": \"%u Main Street\","
                              " \"addressLocality\": \"Town %u\"}}",
                              id, i, 20 + i % 60, i % 100, 1 + i % 28,
                              i / 3, i, i % 100);
    }

  g_string_append (out, "\n]}\n");
  return out;
}

/* @path replaced, or /dev/null (which cannot be replaced) when NULL */
static GFileOutputStream *
open_output (const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path != NULL ? path : "/dev/null");

  if (path == NULL)
    return g_file_append_to (file, G_FILE_CREATE_NONE, NULL, error);

  return g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
}

static double
peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;

  return (double) usage.ru_maxrss;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return (da > db) - (da < db);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;
  g_autofree double *times = NULL;
  g_autofree double *write_times = NULL;
  g_autofree char *output_path = NULL;
  gboolean dump = FALSE;
  int runs = 1;
  guint64 n_nodes;
  guint n_flattened = 0;
  gint64 start;
  double parse_ms = 0;
  int i;
  const GOptionEntry entries[] = {
    { "dump", 0, 0, G_OPTION_ARG_NONE, &dump, "Write the document to standard output", NULL },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Flatten RUNS times and report the median", "RUNS" },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output_path, "Write the flattened document to FILE", "FILE" },
    { NULL }
  };

  option_context = g_option_context_new ("NODES");
  g_option_context_add_main_entries (option_context, entries, NULL);
  if (!g_option_context_parse (option_context, &argc, &argv, &error) || argc != 2 || runs < 1)
    {
      g_printerr ("usage: bench-jsonld-flatten [--dump] [--runs RUNS] [--output FILE] NODES\n");
      return 2;
    }

  n_nodes = g_ascii_strtoull (argv[1], NULL, 10);

  if (dump)
    {
      text = build_document ((guint) n_nodes);
      fwrite (text->str, 1, text->len, stdout);
      return 0;
    }

  times = g_new (double, runs);
  write_times = g_new (double, runs);
  for (i = 0; i < runs; i++)
    {
      g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
      g_autoptr(PpJsonldNodeMap) map = NULL;
      g_autoptr(GBytes) input = NULL;
      g_autoptr(GFileOutputStream) output = NULL;
      PpJsonValue *document;
      PpJsonValue *flattened;

      /* the text is dropped once read, as flatten.mjs drops its string */
      input = g_string_free_to_bytes (build_document ((guint) n_nodes));
      start = g_get_monotonic_time ();
      document = pp_jsonld_parse_document (arena, input, &error);
      parse_ms = (g_get_monotonic_time () - start) / 1000.0;
      g_clear_pointer (&input, g_bytes_unref);
      if (document == NULL)
        {
          g_printerr ("bench-jsonld-flatten: %s\n", error->message);
          return 1;
        }

      start = g_get_monotonic_time ();
      flattened = pp_jsonld_flatten_document (g_steal_pointer (&arena), document, NULL, NULL,
                                              NULL, &map, &error);
      times[i] = (g_get_monotonic_time () - start) / 1000.0;
      if (flattened == NULL)
        {
          g_printerr ("bench-jsonld-flatten: %s\n", error->message);
          return 1;
        }
      n_flattened = pp_json_value_get_size (flattened);

      output = open_output (output_path, &error);
      if (output == NULL)
        {
          g_printerr ("bench-jsonld-flatten: %s\n", error->message);
          return 1;
        }
      start = g_get_monotonic_time ();
      if (!pp_json_value_write_to_stream (flattened, PP_JSON_WRITE_NONE,
                                          G_OUTPUT_STREAM (output), NULL, &error) ||
          !g_output_stream_close (G_OUTPUT_STREAM (output), NULL, &error))
        {
          g_printerr ("bench-jsonld-flatten: %s\n", error->message);
          return 1;
        }
      write_times[i] = (g_get_monotonic_time () - start) / 1000.0;
    }

  qsort (times, runs, sizeof (double), compare_doubles);
  qsort (write_times, runs, sizeof (double), compare_doubles);

  printf ("nodes=%" G_GUINT64_FORMAT " flattened=%u parse_ms=%.1f flatten_ms=%.1f "
          "write_ms=%.1f peak_rss_kb=%.0f\n",
          n_nodes, n_flattened, parse_ms, times[runs / 2], write_times[runs / 2],
          peak_rss_kb ());

  return 0;
}
