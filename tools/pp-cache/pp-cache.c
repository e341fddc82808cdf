/* pp-cache.c: looks after the cache of paid LLM answers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   pp-cache [--cache CACHE] info|clear|prune --older-than DURATION
 *
 * CACHE is sqlite (the default file), sqlite:PATH, or a redis:// URL when a
 * cache plugin for it implements PpCacheAdmin. info prints where the cache
 * is, how many entries and bytes it holds and when the oldest and newest
 * were stored; clear removes every entry; prune removes those stored longer
 * ago than DURATION (such as 30d or 12h) and those expired. Exits with 0,
 * 1 when the cache failed, 2 on a usage error.
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpp/libpp.h>

#include "pp-duration.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

static char *opt_cache;
static char *opt_older_than;

static const GOptionEntry entries[] = {
  { "cache", 0, 0, G_OPTION_ARG_STRING, &opt_cache,
    "The cache: sqlite[:PATH] or redis://… (default: sqlite, in $XDG_CACHE_HOME/libpp/llm-cache.sqlite)",
    "CACHE" },
  { "older-than", 0, 0, G_OPTION_ARG_STRING, &opt_older_than,
    "prune: remove the entries stored longer ago than DURATION, such as 30d or 12h", "DURATION" },
  { NULL }
};

static void G_GNUC_PRINTF (1, 2)
print_error (const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "pp-cache: %s\n", message);
}

static char *
format_time (GVariantDict *info,
             const char   *member)
{
  g_autoptr(GDateTime) time = NULL;
  gint64 us;

  if (!g_variant_dict_lookup (info, member, "x", &us))
    return g_strdup ("-");

  time = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  if (time == NULL)
    return g_strdup ("-");

  return g_date_time_format_iso8601 (time);
}

static int
show_info (PpCacheAdmin *admin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(GVariantDict) info = NULL;
  g_autofree char *oldest = NULL;
  g_autofree char *newest = NULL;
  const char *location = "-";
  guint64 n_entries = 0, n_bytes = 0, max_bytes = 0;

  variant = pp_cache_admin_query_info (admin, NULL, &error);
  if (variant == NULL)
    {
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }

  info = g_variant_dict_new (variant);
  g_variant_dict_lookup (info, "location", "&s", &location);
  g_variant_dict_lookup (info, "entries", "t", &n_entries);
  g_variant_dict_lookup (info, "bytes", "t", &n_bytes);
  g_variant_dict_lookup (info, "max-bytes", "t", &max_bytes);
  oldest = format_time (info, "oldest");
  newest = format_time (info, "newest");

  printf ("location: %s\n", location);
  printf ("entries: %" G_GUINT64_FORMAT "\n", n_entries);
  printf ("bytes: %" G_GUINT64_FORMAT "\n", n_bytes);
  if (max_bytes > 0)
    printf ("max-bytes: %" G_GUINT64_FORMAT "\n", max_bytes);
  printf ("oldest: %s\n", oldest);
  printf ("newest: %s\n", newest);

  return EXIT_SUCCESS;
}

static int
remove_entries (PpCacheAdmin *admin,
                gboolean      prune,
                guint64       older_than_s)
{
  g_autoptr(GError) error = NULL;
  guint64 n_removed = 0;
  gboolean done;

  if (prune)
    done = pp_cache_admin_prune (admin, older_than_s, &n_removed, NULL, &error);
  else
    done = pp_cache_admin_clear (admin, &n_removed, NULL, &error);

  if (!done)
    {
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }

  printf ("removed: %" G_GUINT64_FORMAT "\n", n_removed);

  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpCache) cache = NULL;
  const char *command;
  const char *spec;
  guint64 older_than_s = 0;
  int status;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("info|clear|prune — look after the cache of LLM answers");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      print_error ("%s", error->message);
      return EXIT_USAGE;
    }

  if (argc != 2)
    {
      print_error ("one command is needed: info, clear or prune (see --help)");
      return EXIT_USAGE;
    }
  command = argv[1];

  if (g_str_equal (command, "prune"))
    {
      if (opt_older_than == NULL)
        {
          print_error ("prune: --older-than DURATION is needed, such as 30d");
          return EXIT_USAGE;
        }
      if (!pp_duration_parse (opt_older_than, &older_than_s, &error))
        {
          print_error ("--older-than: %s", error->message);
          return EXIT_USAGE;
        }
    }
  else if (!g_str_equal (command, "info") && !g_str_equal (command, "clear"))
    {
      print_error ("unknown command “%s”: info, clear or prune", command);
      return EXIT_USAGE;
    }

  spec = opt_cache != NULL ? opt_cache : "sqlite";
  if (g_str_equal (spec, "memory") || g_str_equal (spec, "none"))
    {
      print_error ("--cache %s: there is no stored cache to look after; "
                   "use sqlite[:PATH] or a redis:// URL", spec);
      return EXIT_USAGE;
    }

  pp_registry_ensure_loaded ();
  cache = pp_cache_new_for_spec (spec, &error);
  if (cache == NULL)
    {
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }

  if (!PP_IS_CACHE_ADMIN (cache))
    {
      print_error ("the %s cache cannot be looked after: it offers no info, clear or prune",
                   G_OBJECT_TYPE_NAME (cache));
      return EXIT_FAILED;
    }

  if (g_str_equal (command, "info"))
    status = show_info (PP_CACHE_ADMIN (cache));
  else
    status = remove_entries (PP_CACHE_ADMIN (cache), g_str_equal (command, "prune"), older_than_s);

  if (!pp_cache_close (cache, NULL, &error))
    {
      print_error ("%s", error->message);
      return EXIT_FAILED;
    }

  return status;
}
