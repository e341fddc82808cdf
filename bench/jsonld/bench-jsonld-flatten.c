/* bench-jsonld-flatten.c: how fast libpp flattens a large JSON-LD document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-jsonld-flatten [--dump] [--runs N] NODES
 *
 * Builds a synthetic document of NODES node objects under one inline
 * context (every tenth node reuses the @id of an earlier one, so nodes get
 * merged, and every node embeds a blank node), then flattens its JSON
 * text with pp_jsonld_flatten_bytes() and prints one line:
 *
 *   nodes=100000 flattened=190000 flatten_ms=… peak_rss_kb=…
 *
 * flatten_ms is the time of pp_jsonld_flatten_bytes(), the median of --runs
 * runs: bytes in, bytes out, so it includes reading the text and writing
 * the result, which the jsonld.js figure does not; flattened counts the
 * node objects of the result. peak_rss_kb is the peak resident set size of
 * the process (getrusage). With --dump the document is written to standard
 * output instead, for other processors to flatten the same input.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <libpp/libpp.h>

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

/* the node objects of a flattened document without a context: the
 * objects of the top-level array */
static guint
count_nodes (GBytes *flattened)
{
  gsize length;
  const char *p = g_bytes_get_data (flattened, &length);
  guint depth = 0, n = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = p[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (c == '{' && depth == 1)
            n++;
          depth++;
        }
      else if (c == ']' || c == '}')
        depth--;
    }

  return n;
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
  g_autoptr(GBytes) input = NULL;
  g_autofree double *times = NULL;
  gboolean dump = FALSE;
  int runs = 1;
  guint64 n_nodes;
  guint n_flattened = 0;
  gint64 start;
  int i;
  const GOptionEntry entries[] = {
    { "dump", 0, 0, G_OPTION_ARG_NONE, &dump, "Write the document to standard output", NULL },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Flatten N times and report the median", "N" },
    { NULL }
  };

  option_context = g_option_context_new ("NODES");
  g_option_context_add_main_entries (option_context, entries, NULL);
  if (!g_option_context_parse (option_context, &argc, &argv, &error) || argc != 2 ||
      !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXUINT32, &n_nodes, NULL) || runs < 1)
    {
      g_printerr ("usage: bench-jsonld-flatten [--dump] [--runs N] NODES\n");
      return 2;
    }

  text = build_document ((guint) n_nodes);

  if (dump)
    {
      fwrite (text->str, 1, text->len, stdout);
      return 0;
    }

  input = g_string_free_to_bytes (g_steal_pointer (&text));

  times = g_new (double, runs);
  for (i = 0; i < runs; i++)
    {
      g_autoptr(GBytes) flattened = NULL;

      start = g_get_monotonic_time ();
      flattened = pp_jsonld_flatten_bytes (input, NULL, NULL, FALSE, NULL, &error);
      times[i] = (g_get_monotonic_time () - start) / 1000.0;

      if (flattened == NULL)
        {
          g_printerr ("bench-jsonld-flatten: %s\n", error->message);
          return 1;
        }
      n_flattened = count_nodes (flattened);
    }

  qsort (times, runs, sizeof (double), compare_doubles);

  printf ("nodes=%" G_GUINT64_FORMAT " flattened=%u flatten_ms=%.1f peak_rss_kb=%.0f\n",
          n_nodes, n_flattened, times[runs / 2], peak_rss_kb ());

  return 0;
}
