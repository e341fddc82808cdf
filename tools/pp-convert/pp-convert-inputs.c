/* pp-convert-inputs.c: the files named on the command line, and those of
 * the directories named
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-convert-inputs.h"

/* A directory is walked recursively, its entries in byte order of their
 * names so that the order, and so the graph, never depends on the file
 * system. Hidden entries (a name starting with a dot) are left out. A file
 * found in a directory is taken when it matches an --include pattern, if
 * there are any, and no --exclude pattern; a pattern matches the file's
 * name or its path below the directory named. Symbolic links to
 * directories are not followed, so that a loop cannot trap the walk. */

typedef struct
{
  const char * const *includes;
  const char * const *excludes;
  InputErrorFunc report;
  gpointer user_data;
  GPtrArray *inputs;
} Walk;

static void
input_free (gpointer data)
{
  Input *input = data;

  g_object_unref (input->file);
  g_free (input->relative);
  g_free (input);
}

static void
add_input (Walk       *walk,
           GFile      *file,
           const char *relative,
           gboolean    in_directory)
{
  Input *input = g_new0 (Input, 1);

  input->file = g_object_ref (file);
  input->relative = g_strdup (relative);
  input->in_directory = in_directory;
  g_ptr_array_add (walk->inputs, input);
}

static gboolean
matches_any (const char * const *patterns,
             const char         *name,
             const char         *relative)
{
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    {
      if (g_pattern_match_simple (patterns[i], name) || g_pattern_match_simple (patterns[i], relative))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_wanted (Walk       *walk,
           const char *name,
           const char *relative)
{
  if (walk->includes != NULL && walk->includes[0] != NULL &&
      !matches_any (walk->includes, name, relative))
    return FALSE;

  return !matches_any (walk->excludes, name, relative);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
report_error (Walk         *walk,
              GFile        *file,
              const GError *error)
{
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GError) named = g_error_new (error->domain, error->code, "%s: %s", name, error->message);

  walk->report (named, walk->user_data);
}

static void
walk_directory (Walk       *walk,
                GFile      *directory,
                const char *prefix)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  GFileInfo *info;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                          G_FILE_ATTRIBUTE_STANDARD_IS_HIDDEN,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  if (enumerator == NULL)
    {
      report_error (walk, directory, error);
      return;
    }

  while ((info = g_file_enumerator_next_file (enumerator, NULL, &error)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      if (!g_file_info_get_is_hidden (info))
        {
          g_ptr_array_add (names, g_strdup (name));
          g_hash_table_insert (types, g_strdup (name), GINT_TO_POINTER (g_file_info_get_file_type (info)));
        }
      g_object_unref (info);
    }
  if (error != NULL)
    report_error (walk, directory, error);

  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      g_autoptr(GFile) child = g_file_get_child (directory, name);
      g_autofree char *relative = prefix != NULL ? g_build_filename (prefix, name, NULL) : g_strdup (name);
      GFileType type = GPOINTER_TO_INT (g_hash_table_lookup (types, name));

      if (type == G_FILE_TYPE_DIRECTORY)
        walk_directory (walk, child, relative);
      else if ((type == G_FILE_TYPE_REGULAR || type == G_FILE_TYPE_SYMBOLIC_LINK) &&
               is_wanted (walk, name, relative))
        add_input (walk, child, relative, TRUE);
    }
}

/* The files to convert: each of @args that is not a directory, and the
 * files of those that are, filtered by @includes and @excludes (glob
 * patterns). A directory that cannot be read is reported to @report and
 * left out. */
GPtrArray *
inputs_collect (const char * const *args,
                const char * const *includes,
                const char * const *excludes,
                InputErrorFunc      report,
                gpointer            user_data)
{
  Walk walk = { includes, excludes, report, user_data, NULL };

  walk.inputs = g_ptr_array_new_with_free_func (input_free);

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (args[i]);
      g_autofree char *basename = g_file_get_basename (file);

      if (g_file_query_file_type (file, G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
        walk_directory (&walk, file, NULL);
      else
        add_input (&walk, file, basename, FALSE);
    }

  return walk.inputs;
}
