/* pp-convert-limits.c: the system resources a number of jobs needs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/resource.h>

#include "pp-convert-limits.h"

/* Each job is a request in flight on a thread of its own. Running out of
 * file descriptors or threads in the middle of a run would abort the
 * process (GLib cannot go on without the wakeup of a main context or a
 * thread it asked for), so pp-convert takes what the system allows at
 * start, and refuses up front a --jobs that would not fit.
 *
 * The figures were measured with every job in flight (--no-adaptive, a
 * server that answers slowly, --jobs 1 to 512). A job holds the socket of
 * its connection, kept open between requests, and, while its request is
 * in flight, the wakeup (an eventfd) of the cancellable its blocking reads
 * poll, or else, while it looks an answer up in the sqlite cache or
 * stores one, a connection to the database and its journal: three
 * descriptors at most. The rest (standard streams, the wakeups of the main
 * context and of GLib's and libsoup's threads, the outputs) stays under 30
 * whatever the jobs. Threads: 1.1 per job, and 20 to 90 more. */
#define DESCRIPTORS_PER_JOB 3
#define DESCRIPTORS_BASE 64
#define THREADS_PER_JOB 2
#define THREADS_BASE 64

/* Raises the soft limit of @resource to its hard limit, and returns the
 * limit now in force */
static rlim_t
raise_to_hard_limit (int resource)
{
  struct rlimit limit;

  if (getrlimit (resource, &limit) < 0)
    return RLIM_INFINITY;

  if (limit.rlim_cur != limit.rlim_max)
    {
      struct rlimit raised = { .rlim_cur = limit.rlim_max, .rlim_max = limit.rlim_max };

      if (setrlimit (resource, &raised) == 0)
        limit.rlim_cur = limit.rlim_max;
      else
        g_debug ("Cannot raise the soft limit of resource %d to %" G_GUINT64_FORMAT ": %s",
                 resource, (guint64) limit.rlim_max, g_strerror (errno));
    }

  return limit.rlim_cur;
}

static guint64
needed (guint jobs,
        guint per_job,
        guint base)
{
  return (guint64) jobs * per_job + base;
}

/* The most jobs that fit under @limit, at least 0 */
static guint64
jobs_fitting (rlim_t limit,
              guint  per_job,
              guint  base)
{
  return limit > base ? ((guint64) limit - base) / per_job : 0;
}

/* The message refusing @jobs, which need @need of @what, over @limit */
static char *
refuse (guint       jobs,
        guint64     need,
        const char *what,
        rlim_t      limit,
        const char *limit_name,
        guint64     fitting)
{
  g_autofree char *advice = NULL;

  if (fitting > 0)
    advice = g_strdup_printf ("use --jobs %" G_GUINT64_FORMAT " or fewer, or raise the limit", fitting);

  return g_strdup_printf ("--jobs %u needs about %" G_GUINT64_FORMAT " %s, more than the limit of %"
                          G_GUINT64_FORMAT " (%s): %s",
                          jobs, need, what, (guint64) limit, limit_name,
                          advice != NULL ? advice : "raise the limit");
}

/**
 * limits_reserve_for_jobs:
 * @jobs: the requests that may be in flight at once
 *
 * Raises the process's limits on open files and threads to the hard
 * limits, and checks that @jobs fit under them.
 *
 * Returns: (transfer full) (nullable): %NULL when @jobs fit, or else the
 *   message of a usage error, naming the limit
 */
char *
limits_reserve_for_jobs (guint jobs)
{
  rlim_t files = raise_to_hard_limit (RLIMIT_NOFILE);
  rlim_t threads = raise_to_hard_limit (RLIMIT_NPROC);
  guint64 need;

  need = needed (jobs, DESCRIPTORS_PER_JOB, DESCRIPTORS_BASE);
  if (files != RLIM_INFINITY && need > files)
    return refuse (jobs, need, "open files", files, "ulimit -Hn",
                   jobs_fitting (files, DESCRIPTORS_PER_JOB, DESCRIPTORS_BASE));

  need = needed (jobs, THREADS_PER_JOB, THREADS_BASE);
  if (threads != RLIM_INFINITY && need > threads)
    return refuse (jobs, need, "threads", threads, "processes, ulimit -Hu",
                   jobs_fitting (threads, THREADS_PER_JOB, THREADS_BASE));

  return NULL;
}
