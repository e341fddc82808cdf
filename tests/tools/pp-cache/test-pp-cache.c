/* test-pp-cache.c: pp-cache info, clear and prune, on a real cache file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libpp/libpp.h>
#include <sqlite3.h>

typedef struct
{
  char *dir;
  char *path;
  char *spec;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-pp-cache-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->spec = g_strconcat ("sqlite:", fixture->path, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_remove (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->spec);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static void
run_tool (Run *run,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tool = g_build_filename (g_getenv ("PP_TOOLS_DIR"), "pp-cache", "pp-cache", NULL);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, tool);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error));
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static void
fill_cache (Fixture *fixture,
            guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = pp_registry_create (PP_CACHE_EXTENSION_POINT, "sqlite", &error,
                                                  "path", fixture->path, NULL);
  PpCache *cache;

  g_assert_no_error (error);
  cache = PP_CACHE (object);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("key-%u", i);
      g_autoptr(GBytes) value = g_bytes_new ("0123456789", 10);

      g_assert_true (pp_cache_store (cache, key, value, 0, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (pp_cache_close (cache, NULL, NULL));
}

/* Makes the first @n entries look stored two days ago */
static void
age_entries (Fixture *fixture,
             guint    n)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE entries SET created_at = created_at - 172800000000 "
                                          "WHERE rowid <= %u", n);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_info (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_auto(Run) empty = { 0 };
  g_auto(Run) run = { 0 };
  g_autofree char *location = g_strdup_printf ("location: %s\n", fixture->path);

  run_tool (&empty, "--cache", fixture->spec, "info", NULL);
  g_assert_cmpint (empty.status, ==, 0);
  g_assert_nonnull (strstr (empty.out, "entries: 0\n"));
  g_assert_nonnull (strstr (empty.out, "oldest: -\n"));

  fill_cache (fixture, 3);
  run_tool (&run, "--cache", fixture->spec, "info", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, location));
  g_assert_nonnull (strstr (run.out, "entries: 3\n"));
  /* Keys of 5 characters and values of 10 */
  g_assert_nonnull (strstr (run.out, "bytes: 45\n"));
  g_assert_null (strstr (run.out, "oldest: -\n"));
  g_assert_null (strstr (run.out, "newest: -\n"));
}

static void
test_clear (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) info = { 0 };

  fill_cache (fixture, 4);
  run_tool (&run, "--cache", fixture->spec, "clear", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "removed: 4\n");

  run_tool (&info, "--cache", fixture->spec, "info", NULL);
  g_assert_nonnull (strstr (info.out, "entries: 0\n"));
  g_assert_nonnull (strstr (info.out, "bytes: 0\n"));
}

static void
test_prune (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_auto(Run) run = { 0 };
  g_auto(Run) none = { 0 };
  g_auto(Run) info = { 0 };

  fill_cache (fixture, 5);
  age_entries (fixture, 2);

  run_tool (&run, "--cache", fixture->spec, "prune", "--older-than", "1d", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "removed: 2\n");

  run_tool (&none, "--cache", fixture->spec, "prune", "--older-than", "3d", NULL);
  g_assert_cmpstr (none.out, ==, "removed: 0\n");

  run_tool (&info, "--cache", fixture->spec, "info", NULL);
  g_assert_nonnull (strstr (info.out, "entries: 3\n"));
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  user_data)
{
  const char *cases[][4] = {
    { "info", "--cache", "memory", NULL },
    { "prune", NULL },
    { "prune", "--older-than", "soon", NULL },
    { "frobnicate", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      run_tool (&run, cases[i][0], cases[i][1], cases[i][2], cases[i][3], NULL);
      g_test_message ("%s", run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (g_str_has_prefix (run.err, "pp-cache: "));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  pp_registry_ensure_loaded ();

#define ADD(path, func) \
  g_test_add ("/pp-cache/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("info", test_info);
  ADD ("clear", test_clear);
  ADD ("prune", test_prune);
  ADD ("usage-errors", test_usage_errors);

  return g_test_run ();
}
