/* bench-cache-lookup.c: lookups per second of a cache, from many threads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-cache-lookup [--cache sqlite:PATH] [--threads 8] [--entries 10000]
 *                      [--lookups 400000] [--value-size 2000]
 *
 * Fills the cache with --entries answers of --value-size bytes, then looks
 * up random keys of them from --threads threads, --lookups in all, and
 * prints the lookups per second. Run it with PP_PLUGIN_PATH pointing at the
 * built plugins, as run.sh does.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>
#include <libpp/libpp.h>

static char *opt_cache;
static int opt_threads = 8;
static int opt_entries = 10000;
static int opt_lookups = 400000;
static int opt_value_size = 2000;

static const GOptionEntry entries[] = {
  { "cache", 0, 0, G_OPTION_ARG_STRING, &opt_cache, "The cache (default: sqlite in a temporary directory)", "CACHE" },
  { "threads", 0, 0, G_OPTION_ARG_INT, &opt_threads, "Threads looking up at once (default: 8)", "N" },
  { "entries", 0, 0, G_OPTION_ARG_INT, &opt_entries, "Entries stored first (default: 10000)", "N" },
  { "lookups", 0, 0, G_OPTION_ARG_INT, &opt_lookups, "Lookups in all (default: 400000)", "N" },
  { "value-size", 0, 0, G_OPTION_ARG_INT, &opt_value_size, "Bytes of each value (default: 2000)", "BYTES" },
  { NULL }
};

typedef struct
{
  PpCache *cache;
  guint seed;
  guint n_lookups;
  guint n_hits;
} Worker;

static char *
make_key (guint i)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) &i, sizeof i);
}

static gpointer
run_worker (gpointer user_data)
{
  Worker *worker = user_data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (worker->seed);

  for (guint i = 0; i < worker->n_lookups; i++)
    {
      g_autofree char *key = make_key ((guint) g_rand_int_range (rand, 0, opt_entries));
      g_autoptr(GBytes) value = pp_cache_lookup (worker->cache, key, NULL, NULL);

      if (value != NULL)
        worker->n_hits++;
    }

  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("— lookups per second of a cache");
  g_autoptr(GError) error = NULL;
  g_autoptr(PpCache) cache = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *value = NULL;
  g_autofree Worker *workers = NULL;
  g_autofree GThread **threads = NULL;
  guint n_hits = 0;
  gint64 start, elapsed;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      opt_threads < 1 || opt_entries < 1 || opt_lookups < 1 || opt_value_size < 0)
    {
      fprintf (stderr, "bench-cache-lookup: %s\n", error != NULL ? error->message : "bad numbers");
      return 2;
    }

  if (opt_cache == NULL)
    {
      dir = g_dir_make_tmp ("bench-cache-XXXXXX", &error);
      g_assert_no_error (error);
      spec = g_strconcat ("sqlite:", dir, "/cache.sqlite", NULL);
    }

  pp_registry_ensure_loaded ();
  cache = pp_cache_new_for_spec (opt_cache != NULL ? opt_cache : spec, &error);
  if (cache == NULL)
    {
      fprintf (stderr, "bench-cache-lookup: %s\n", error->message);
      return 1;
    }

  value = g_strnfill ((gsize) opt_value_size, 'v');
  start = g_get_monotonic_time ();
  for (int i = 0; i < opt_entries; i++)
    {
      g_autofree char *key = make_key ((guint) i);
      g_autoptr(GBytes) bytes = g_bytes_new (value, (gsize) opt_value_size);

      if (!pp_cache_store (cache, key, bytes, 0, NULL, &error))
        {
          fprintf (stderr, "bench-cache-lookup: %s\n", error != NULL ? error->message : "not stored");
          return 1;
        }
    }
  elapsed = g_get_monotonic_time () - start;
  printf ("stored %d entries of %d bytes in %.2f s (%.0f stores/s, one commit each)\n",
          opt_entries, opt_value_size, elapsed / 1e6, opt_entries / (elapsed / 1e6));

  workers = g_new0 (Worker, opt_threads);
  threads = g_new0 (GThread *, opt_threads);
  start = g_get_monotonic_time ();
  for (int t = 0; t < opt_threads; t++)
    {
      workers[t] = (Worker) { cache, (guint) t + 1, (guint) (opt_lookups / opt_threads), 0 };
      threads[t] = g_thread_new ("lookup", run_worker, &workers[t]);
    }
  for (int t = 0; t < opt_threads; t++)
    {
      g_thread_join (threads[t]);
      n_hits += workers[t].n_hits;
    }
  elapsed = g_get_monotonic_time () - start;

  printf ("%u lookups from %d threads in %.2f s: %.0f lookups/s (%u hits)\n",
          (guint) (opt_lookups / opt_threads) * opt_threads, opt_threads, elapsed / 1e6,
          (opt_lookups / opt_threads) * opt_threads / (elapsed / 1e6), n_hits);

  pp_cache_close (cache, NULL, NULL);
  if (dir != NULL)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };

      for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (dir, "/cache.sqlite", suffixes[i], NULL);

          g_remove (file);
        }
      g_rmdir (dir);
    }

  return 0;
}
