/* pp-scheduler.c: libpp's timer thread
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-scheduler-private.h"

/* Retries wait on timers, not on sleeping workers. The timers run on one
 * thread of libpp's own, with a main context of its own, so that they fire
 * whether or not the application iterates its main loop (a synchronous
 * call blocks it). The thread lives as long as the process. */

static gpointer
scheduler_thread (gpointer data)
{
  GMainContext *context = data;

  g_main_context_push_thread_default (context);
  for (;;)
    g_main_context_iteration (context, TRUE);

  return NULL;
}

static gpointer
create_scheduler (gpointer data)
{
  GMainContext *context = g_main_context_new ();

  g_thread_unref (g_thread_new ("pp-scheduler", scheduler_thread, context));

  return context;
}

/* Returns: (transfer none): the main context of the timer thread */
GMainContext *
pp_scheduler_get_context (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, create_scheduler, NULL);

  return once.retval;
}
