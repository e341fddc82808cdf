/* pp-duration.c: durations as the tools take them, such as 30d or 12h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-duration.h"

/* A whole number followed by a unit: s, m, h, d or w (seconds when there is
 * none); "0" is no time at all */
gboolean
pp_duration_parse (const char  *text,
                   guint64     *seconds,
                   GError     **error)
{
  static const struct { char unit; guint64 seconds; } units[] = {
    { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 },
  };
  guint64 number;
  char *end = NULL;

  if (text == NULL || !g_ascii_isdigit (*text))
    goto invalid;

  number = g_ascii_strtoull (text, &end, 10);
  if (*end == '\0')
    {
      *seconds = number;
      return TRUE;
    }

  if (end[1] != '\0')
    goto invalid;

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (*end != units[i].unit)
        continue;
      if (number > G_MAXUINT64 / units[i].seconds)
        goto invalid;
      *seconds = number * units[i].seconds;
      return TRUE;
    }

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "Duration “%s”: not a number followed by s, m, h, d or w (such as 30d or 12h)",
               text != NULL ? text : "");
  return FALSE;
}
