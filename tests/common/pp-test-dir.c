/* pp-test-dir.c: scratch directories of the tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "pp-test-dir.h"

/**
 * pp_test_remove_tree:
 * @path: a directory a test made, or a file
 *
 * Removes @path and everything in it, quietly: what is already gone is no
 * matter.
 */
void
pp_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pp_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}
