/* pp-convert-output.c: a file written whole or not at all
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "pp-convert-output.h"

/* An output file is a temporary file in the directory of its path,
 * created when the output is opened, so that a path that cannot be
 * written fails before anything is paid for. Committing writes it and
 * renames it over the path: readers see the old file or the whole new
 * one, never a part, and a run that fails leaves the path as it was.
 * (g_file_replace() writes a file that does not exist yet in place, and
 * would leave it empty or cut short when the run fails.) */

struct _OutputFile
{
  char *path;
  char *temp_path;     /* NULL once committed or discarded */
  int fd;
};

/* Creates the temporary file of @path, so that @path can be written */
OutputFile *
output_file_open (const char  *path,
                  GError     **error)
{
  g_autoptr(OutputFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, "%s: is a directory", path);
      return NULL;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  name = g_strdup_printf (".%s.XXXXXX", base);

  file = g_new0 (OutputFile, 1);
  file->path = g_strdup (path);
  file->temp_path = g_build_filename (dir, name, NULL);
  file->fd = g_mkstemp_full (file->temp_path, O_RDWR | O_CLOEXEC, 0666);
  if (file->fd < 0)
    {
      int saved_errno = errno;

      g_clear_pointer (&file->temp_path, g_free);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: cannot create a file in its directory: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&file);
}

static gboolean
write_all (int          fd,
           const char  *contents,
           gsize        length)
{
  while (length > 0)
    {
      gssize written = write (fd, contents, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        return FALSE;
      contents += written;
      length -= (gsize) written;
    }

  return TRUE;
}

/* Adds @contents to @file's temporary file; on failure, discards it */
gboolean
output_file_write (OutputFile  *file,
                   const char  *contents,
                   gsize        length,
                   GError     **error)
{
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (file->temp_path != NULL, FALSE);

  if (!write_all (file->fd, contents, length))
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: cannot write: %s", file->path, g_strerror (saved_errno));
      output_file_discard (file);
      return FALSE;
    }

  return TRUE;
}

/* Puts @file's temporary file, as written, in the place of @file's path */
gboolean
output_file_commit (OutputFile  *file,
                    GError     **error)
{
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail (file->temp_path != NULL, FALSE);

  /* On the disk before it takes the place of the old file */
  if (fsync (file->fd) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: cannot write: %s", file->path, g_strerror (saved_errno));
      output_file_discard (file);
      return FALSE;
    }

  if (!g_close (file->fd, error))
    {
      file->fd = -1;
      g_prefix_error (error, "%s: ", file->path);
      output_file_discard (file);
      return FALSE;
    }
  file->fd = -1;

  if (g_rename (file->temp_path, file->path) < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: cannot replace: %s", file->path, g_strerror (saved_errno));
      output_file_discard (file);
      return FALSE;
    }
  g_clear_pointer (&file->temp_path, g_free);

  return TRUE;
}

/* Removes @file's temporary file, if not committed: its path stays as it
 * was */
void
output_file_discard (OutputFile *file)
{
  g_return_if_fail (file != NULL);

  if (file->fd >= 0)
    close (file->fd);
  file->fd = -1;
  if (file->temp_path != NULL)
    unlink (file->temp_path);
  g_clear_pointer (&file->temp_path, g_free);
}

/* Discards @file, if not committed, and frees it */
void
output_file_free (OutputFile *file)
{
  if (file == NULL)
    return;

  output_file_discard (file);
  g_free (file->path);
  g_free (file);
}
