/* pp-convert-output.h: a file written whole or not at all
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _OutputFile OutputFile;

OutputFile *output_file_open    (const char  *path,
                                 GError     **error);
gboolean    output_file_write   (OutputFile  *file,
                                 const char  *contents,
                                 gsize        length,
                                 GError     **error);
gboolean    output_file_commit  (OutputFile  *file,
                                 GError     **error);
void        output_file_discard (OutputFile  *file);
void        output_file_free    (OutputFile  *file);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OutputFile, output_file_free)

G_END_DECLS
