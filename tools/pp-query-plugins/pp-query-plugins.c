/* pp-query-plugins.c: writes the plugin cache of plugin directories
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   pp-query-plugins DIRECTORY…
 *
 * Like GIO's gio-querymodules: loads the plugin modules of each DIRECTORY
 * and writes there pp-plugins.cache, which lists the implementations each
 * registers, so that libpp loads a module only when one of them is used.
 * Run it again whenever a module is added, removed or replaced; until then,
 * libpp loads a module missing from the cache or newer than it to register,
 * as it does without a cache. Exits with 0, 1 when a cache could not be
 * written, 2 on a usage error.
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <libpp/libpp.h>

#define EXIT_FAILED 1
#define EXIT_USAGE  2

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  int status = EXIT_SUCCESS;

  setlocale (LC_ALL, "");

  context = g_option_context_new ("DIRECTORY… — write the plugin cache of plugin directories");
  g_option_context_set_summary (context,
                                "Loads the plugin modules of each DIRECTORY and writes there pp-plugins.cache,\n"
                                "so that libpp loads a module only when one of its implementations is used.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "pp-query-plugins: %s\n", error->message);
      return EXIT_USAGE;
    }

  if (argc < 2)
    {
      fprintf (stderr, "pp-query-plugins: no plugin directory given\n");
      return EXIT_USAGE;
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!pp_registry_write_cache (argv[i], &local_error))
        {
          fprintf (stderr, "pp-query-plugins: %s\n", local_error->message);
          status = EXIT_FAILED;
        }
    }

  return status;
}
