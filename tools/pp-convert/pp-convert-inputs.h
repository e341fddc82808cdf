/* pp-convert-inputs.h: the files named on the command line, and those of
 * the directories named
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  GFile *file;
  char *relative;          /* its path below the directory named, or its basename */
  gboolean in_directory;   /* found in a directory rather than named */
} Input;

typedef void (* InputErrorFunc) (const GError *error,
                                 gpointer      user_data);

GPtrArray *inputs_collect (const char * const *args,
                           const char * const *includes,
                           const char * const *excludes,
                           InputErrorFunc      report,
                           gpointer            user_data);

G_END_DECLS
