/* bench-rusage.c: what a benchmarked command costs, to the microsecond
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   bench-rusage FILE COMMAND [ARGUMENT…]
 *
 * Runs COMMAND and writes to FILE one line, "USER SYSTEM PEAK_RSS": the
 * user and system CPU seconds of COMMAND and of the children it waited
 * for, to the microsecond, and its peak resident set in KiB. Exits with
 * COMMAND's status. /usr/bin/time writes the CPU times cut to the
 * hundredth of a second, which is several percent of a run of the
 * processor benchmark and biased low.
 */

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

static double
seconds (const struct timeval *tv)
{
  return tv->tv_sec + tv->tv_usec / 1e6;
}

int
main (int   argc,
      char *argv[])
{
  struct rusage usage;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  pid_t pid;

  if (argc < 3)
    {
      g_printerr ("usage: bench-rusage FILE COMMAND [ARGUMENT…]\n");
      return 2;
    }

  pid = fork ();
  if (pid < 0)
    {
      g_printerr ("bench-rusage: cannot fork: %s\n", g_strerror (errno));
      return 1;
    }
  if (pid == 0)
    {
      execvp (argv[2], argv + 2);
      g_printerr ("bench-rusage: cannot run %s: %s\n", argv[2], g_strerror (errno));
      _exit (127);
    }

  while (wait4 (pid, &status, 0, &usage) < 0)
    {
      if (errno != EINTR)
        {
          g_printerr ("bench-rusage: cannot wait for %s: %s\n", argv[2], g_strerror (errno));
          return 1;
        }
    }

  line = g_strdup_printf ("%.6f %.6f %ld\n",
                          seconds (&usage.ru_utime), seconds (&usage.ru_stime),
                          usage.ru_maxrss);
  if (!g_file_set_contents (argv[1], line, -1, &error))
    {
      g_printerr ("bench-rusage: %s\n", error->message);
      return 1;
    }

  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + (WIFSIGNALED (status) ? WTERMSIG (status) : 0);
}
