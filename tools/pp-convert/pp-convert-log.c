/* pp-convert-log.c: where pp-convert's log messages go
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "pp-convert-console.h"
#include "pp-convert-log.h"

/* Every log message goes to standard error, never to standard output,
 * which carries the graph; on a terminal, above the status line. */

static Verbosity verbosity;

static char *
dup_domain (const GLogField *fields,
            gsize            n_fields)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      return fields[i].length < 0 ? g_strdup (fields[i].value)
                                  : g_strndup (fields[i].value, fields[i].length);

  return NULL;
}

/* libpp, its plugins (libpp-<plugin>) and pp-convert itself */
static gboolean
is_own_domain (const char *domain)
{
  return domain != NULL
         && (g_str_equal (domain, "libpp")
             || g_str_has_prefix (domain, "libpp-")
             || g_str_equal (domain, G_LOG_DOMAIN));
}

static gboolean
is_shown (GLogLevelFlags   level,
          const GLogField *fields,
          gsize            n_fields)
{
  g_autofree char *domain = NULL;

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return TRUE;
  if (verbosity == VERBOSITY_QUIET)
    return FALSE;
  if (level & G_LOG_LEVEL_MESSAGE)
    return TRUE;

  /* Debug and info */
  domain = dup_domain (fields, n_fields);
  if (verbosity == VERBOSITY_VERBOSE)
    return is_own_domain (domain);

  return !g_log_writer_default_would_drop (level, domain);
}

static GLogWriterOutput
write_to_stderr (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  g_autofree char *line = NULL;

  if (!is_shown (level, fields, n_fields))
    return G_LOG_WRITER_HANDLED;

  if (g_log_writer_is_journald (STDERR_FILENO)
      && g_log_writer_journald (level, fields, n_fields, user_data) == G_LOG_WRITER_HANDLED)
    return G_LOG_WRITER_HANDLED;

  line = g_log_writer_format_fields (level, fields, n_fields,
                                     g_log_writer_supports_color (STDERR_FILENO));
  console_print_line (line);

  return G_LOG_WRITER_HANDLED;
}

/* Sends the log messages that @level shows to standard error. Call once,
 * before any thread starts. */
void
install_log_writer (Verbosity level)
{
  verbosity = level;

  /* So that code checking g_log_writer_default_would_drop() logs */
  if (level == VERBOSITY_VERBOSE)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  g_log_set_writer_func (write_to_stderr, NULL, NULL);
}
