/* pp-convert-console.c: standard error, shared by messages and the
 * status line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pp-convert-console.h"

/* Standard error carries whole lines: messages, from any thread, and on a
 * terminal one status line at the bottom, drawn in place from the main
 * thread. A message clears the status line, takes its place and has the
 * status line drawn again below it, so the two never mix. */

#define CLEAR_TO_END_OF_LINE "\033[K"

static GMutex lock;
static char *status;           /* the status line drawn, or NULL; guarded by lock */

/* Called with lock held */
static void
draw_status (void)
{
  fputs ("\r", stderr);
  fputs (status, stderr);
  fputs (CLEAR_TO_END_OF_LINE, stderr);
  fflush (stderr);
}

/* Writes @line and a newline to standard error, above the status line if
 * one is drawn. Thread-safe. */
void
console_print_line (const char *line)
{
  g_mutex_lock (&lock);
  if (status != NULL)
    fputs ("\r" CLEAR_TO_END_OF_LINE, stderr);
  fputs (line, stderr);
  fputc ('\n', stderr);
  if (status != NULL)
    draw_status ();
  else
    fflush (stderr);
  g_mutex_unlock (&lock);
}

/* Whether standard error is a terminal, where a status line may be drawn */
gboolean
console_is_terminal (void)
{
  return isatty (STDERR_FILENO);
}

/* The columns of the terminal, or 0 when unknown */
static guint
terminal_width (void)
{
  struct winsize size;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) < 0)
    return 0;

  return size.ws_col;
}

/* Draws @text, one line of ASCII, as the status line at the bottom of
 * standard error in the place of the previous one, cut to the width of the
 * terminal: a line that wrapped could not be drawn again in place. For a
 * terminal only; from one thread. */
void
console_set_status (const char *text)
{
  guint width = terminal_width ();

  g_mutex_lock (&lock);
  g_free (status);
  /* The last column stays free: writing in it wraps on some terminals */
  if (width > 1 && strlen (text) >= width)
    status = g_strndup (text, width - 1);
  else
    status = g_strdup (text);
  draw_status ();
  g_mutex_unlock (&lock);
}

/* Ends the status line, if one is drawn, with a newline: it stays on the
 * terminal as drawn last, and what follows goes below it. */
void
console_end_status (void)
{
  g_mutex_lock (&lock);
  if (status != NULL)
    {
      fputc ('\n', stderr);
      fflush (stderr);
      g_clear_pointer (&status, g_free);
    }
  g_mutex_unlock (&lock);
}
