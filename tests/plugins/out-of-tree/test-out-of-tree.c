/* test-out-of-tree.c: a plugin built against the installed libpp-1
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Installs this build into a staging directory, builds the example plugin of
 * docs/plugins.md (example-cache/) against its libpp-1.pc with meson, and
 * loads it: with the installed pp-convert, and through the registry. The
 * build tells where things are through the environment:
 *
 *   PP_TEST_MESON        the meson command that configured this build
 *   PP_TEST_CC           the C compiler command
 *   PP_TEST_PKG_CONFIG   pkg-config
 *   PP_TEST_BUILD_ROOT   this build
 *   PP_TEST_PREFIX       its prefix, PP_TEST_LIBDIR and PP_TEST_BINDIR its
 *                        library and program directories (absolute)
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

/* Each test needs the ones before it: a failure stops the program, and
 * removes the work directory first (see fail()) */
static char *work_dir;
static char *pkg_config_dir;   /* the installed libpp-1.pc, relocated */
static char *plugin_dir;       /* the example plugin's build directory */

static char *
dup_source_path (const char *first,
                 ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  va_list args;

  /* G_TEST_SRCDIR is tests/ */
  g_ptr_array_add (parts, (gpointer) g_test_get_dir (G_TEST_DIST));
  va_start (args, first);
  for (const char *part = first; part != NULL; part = va_arg (args, const char *))
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

static gboolean
remove_tree (GFile   *file,
             GError **error)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL)
    {
      GFile *child;

      if (!g_file_enumerator_iterate (children, NULL, &child, NULL, error))
        return FALSE;
      if (child == NULL)
        break;
      if (!remove_tree (child, error))
        return FALSE;
    }

  return g_file_delete (file, NULL, error);
}

static void
remove_work_dir (void)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GError) error = NULL;

  if (work_dir == NULL)
    return;

  dir = g_file_new_for_path (work_dir);
  if (!remove_tree (dir, &error))
    g_printerr ("# %s: could not remove: %s\n", work_dir, error->message);
  g_clear_pointer (&work_dir, g_free);
}

/* Ends the program with a failure, removing the work directory first */
G_NORETURN static void G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  remove_work_dir ();
  g_error ("%s", message);
}

static void
check_no_error (const GError *error)
{
  if (error != NULL)
    fail ("%s", error->message);
}

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    fail ("%s is not set: run this test with meson test", name);

  return value;
}

/* Runs @argv in @cwd with @env_pairs (name, value, …, NULL) added to the
 * environment; its output and error output together in @output. Fails,
 * quoting the output, when the exit status is not @expect_success. */
static gboolean
run (const char * const  *argv,
     const char          *cwd,
     gboolean             expect_success,
     char               **output,
     GError             **error,
     ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *command = g_strjoinv (" ", (char **) argv);
  g_autofree char *out = NULL;
  va_list args;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_cwd (launcher, cwd);
  va_start (args, error);
  for (const char *name = va_arg (args, const char *); name != NULL; name = va_arg (args, const char *))
    g_subprocess_launcher_setenv (launcher, name, va_arg (args, const char *), TRUE);
  va_end (args);

  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    {
      g_prefix_error (error, "%s: ", command);
      return FALSE;
    }

  if (!g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, error))
    {
      g_prefix_error (error, "%s: ", command);
      return FALSE;
    }

  if (g_subprocess_get_successful (process) != expect_success)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s:\n%s", command,
                   expect_success ? "failed" : "succeeded, and should have failed", out);
      return FALSE;
    }

  if (output != NULL)
    *output = g_steal_pointer (&out);

  return TRUE;
}

static char **
parse_command (const char *variable)
{
  g_autoptr(GError) error = NULL;
  char **argv = NULL;

  if (!g_shell_parse_argv (require_env (variable), NULL, &argv, &error))
    fail ("%s: %s", variable, error->message);

  return argv;
}

static void
assert_guide_quotes (const char *guide,
                     const char *language,
                     const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *block = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  check_no_error (error);
  block = g_strdup_printf ("```%s\n%s```\n", language, contents);

  if (strstr (guide, block) == NULL)
    fail ("docs/plugins.md does not quote %s as it is: copy it into its ```%s block",
          path, language);
}

static void
test_guide_quotes_skeleton (void)
{
  g_autofree char *guide_path = dup_source_path ("..", "docs", "plugins.md", NULL);
  g_autofree char *source = dup_source_path ("plugins", "out-of-tree", "example-cache", "pp-example-cache.c", NULL);
  g_autofree char *build = dup_source_path ("plugins", "out-of-tree", "example-cache", "meson.build", NULL);
  g_autofree char *guide = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (guide_path, &guide, NULL, &error);
  check_no_error (error);

  assert_guide_quotes (guide, "c", source);
  assert_guide_quotes (guide, "meson", build);
}

/* Points the installed libpp-1.pc at the staging directory: a copy with its
 * prefix moved there */
static gboolean
relocate_pkg_config (const char  *staged_prefix,
                     GError     **error)
{
  const char *prefix = require_env ("PP_TEST_PREFIX");
  g_autofree char *installed = g_build_filename (work_dir, "root", require_env ("PP_TEST_LIBDIR"),
                                                 "pkgconfig", "libpp-1.pc", NULL);
  g_autofree char *relocated = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *prefix_line = g_strdup_printf ("prefix=%s\n", prefix);
  g_autoptr(GString) moved = NULL;

  if (!g_file_get_contents (installed, &contents, NULL, error))
    return FALSE;

  if (!g_str_has_prefix (contents, prefix_line))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: does not start with %s", installed, prefix_line);
      return FALSE;
    }

  moved = g_string_new (contents);
  g_string_replace (moved, prefix_line, "", 1);
  g_string_prepend (moved, "\n");
  g_string_prepend (moved, staged_prefix);
  g_string_prepend (moved, "prefix=");

  pkg_config_dir = g_build_filename (work_dir, "pkgconfig", NULL);
  relocated = g_build_filename (pkg_config_dir, "libpp-1.pc", NULL);
  if (g_mkdir (pkg_config_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: %s", pkg_config_dir, g_strerror (saved_errno));
      return FALSE;
    }

  return g_file_set_contents (relocated, moved->str, moved->len, error);
}

static void
test_install (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *meson_command = NULL;
  g_autofree char *destdir = g_build_filename (work_dir, "root", NULL);
  g_autofree char *staged_prefix = g_build_filename (destdir, require_env ("PP_TEST_PREFIX"), NULL);
  g_auto(GStrv) meson = parse_command ("PP_TEST_MESON");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;

  /* What this build made, as it was made: the test depends on the targets */
  g_strv_builder_addv (builder, (const char **) meson);
  g_strv_builder_add_many (builder, "install", "--no-rebuild", "--quiet",
                           "--tags", "devel,runtime",
                           "-C", require_env ("PP_TEST_BUILD_ROOT"),
                           "--destdir", destdir, NULL);
  argv = g_strv_builder_end (builder);

  if (run ((const char * const *) argv, work_dir, TRUE, NULL, &error, NULL))
    relocate_pkg_config (staged_prefix, &error);
  check_no_error (error);
}

/* A definition of an entry point of the wrong type does not compile, and
 * one of the right type does: the prototypes come from PP_DECLARE_PLUGIN() */
static void
test_entry_point_signature (void)
{
  static const char *entry_points[] = {
    "void pp_example_cache_load (GTypeModule *module) { }\n",
    "void pp_example_cache_load (void) { }\n",
    "int pp_example_cache_unload (GTypeModule *module) { return 0; }\n",
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *cflags = NULL;
  const char *pkg_config[] = { require_env ("PP_TEST_PKG_CONFIG"), "--cflags", "libpp-1", NULL };
  g_auto(GStrv) cc = parse_command ("PP_TEST_CC");
  g_auto(GStrv) cflags_argv = NULL;

  if (!run (pkg_config, work_dir, TRUE, &cflags, &error,
            "PKG_CONFIG_PATH", pkg_config_dir, NULL) ||
      !g_shell_parse_argv (cflags, NULL, &cflags_argv, &error))
    check_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (entry_points); i++)
    {
      g_autofree char *path = g_build_filename (work_dir, "entry-point.c", NULL);
      g_autofree char *source = g_strconcat ("#include <libpp/libpp.h>\n"
                                             "PP_DECLARE_PLUGIN (example_cache);\n",
                                             entry_points[i], NULL);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) argv = NULL;

      g_strv_builder_addv (builder, (const char **) cc);
      g_strv_builder_addv (builder, (const char **) cflags_argv);
      g_strv_builder_add_many (builder, "-fsyntax-only", "-Wall", "-Wmissing-prototypes",
                               "-Werror", path, NULL);
      argv = g_strv_builder_end (builder);

      if (g_file_set_contents (path, source, -1, &error))
        run ((const char * const *) argv, work_dir, i == 0, NULL, &error, NULL);
      check_no_error (error);
    }
}

static void
test_build (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source_dir = dup_source_path ("plugins", "out-of-tree", "example-cache", NULL);
  g_auto(GStrv) meson = parse_command ("PP_TEST_MESON");
  g_autoptr(GStrvBuilder) setup = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) compile = g_strv_builder_new ();
  g_auto(GStrv) setup_argv = NULL;
  g_auto(GStrv) compile_argv = NULL;

  plugin_dir = g_build_filename (work_dir, "example-cache", NULL);

  g_strv_builder_addv (setup, (const char **) meson);
  g_strv_builder_add_many (setup, "setup", "--werror", plugin_dir, source_dir, NULL);
  setup_argv = g_strv_builder_end (setup);
  g_strv_builder_addv (compile, (const char **) meson);
  g_strv_builder_add_many (compile, "compile", "-C", plugin_dir, NULL);
  compile_argv = g_strv_builder_end (compile);

  if (run ((const char * const *) setup_argv, work_dir, TRUE, NULL, &error,
           "PKG_CONFIG_PATH", pkg_config_dir, NULL))
    run ((const char * const *) compile_argv, work_dir, TRUE, NULL, &error, NULL);
  check_no_error (error);
}

/* The installed pp-convert, on the installed library, lists it */
static void
test_listed_by_installed_tool (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  g_autofree char *root = g_build_filename (work_dir, "root", NULL);
  g_autofree char *pp_convert = g_build_filename (root, require_env ("PP_TEST_BINDIR"), "pp-convert", NULL);
  g_autofree char *libdir = g_build_filename (root, require_env ("PP_TEST_LIBDIR"), NULL);
  const char *argv[] = { pp_convert, "--list-plugins", NULL };

  if (!run (argv, work_dir, TRUE, &output, &error,
            "LD_LIBRARY_PATH", libdir, "PP_PLUGIN_PATH", plugin_dir, NULL))
    check_no_error (error);

  if (strstr (output, "example") == NULL ||
      strstr (output, "An example cache, kept in memory") == NULL)
    fail ("pp-convert --list-plugins does not list the example cache:\n%s", output);
}

static void
test_store_and_lookup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = NULL;
  g_autoptr(GBytes) value = g_bytes_new_static ("answer", 6);
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GBytes) missing = NULL;
  PpCache *cache;

  g_setenv ("PP_PLUGIN_PATH", plugin_dir, TRUE);
  pp_registry_ensure_loaded ();

  object = pp_registry_create (PP_CACHE_EXTENSION_POINT, "example", &error, NULL);
  check_no_error (error);
  if (!PP_IS_CACHE (object))
    fail ("The example plugin made a %s, not a cache", G_OBJECT_TYPE_NAME (object));
  cache = PP_CACHE (object);

  if (!pp_cache_store (cache, "key", value, 0, NULL, &error))
    fail ("The example cache did not store a value: %s", error != NULL ? error->message : "no reason given");
  found = pp_cache_lookup (cache, "key", NULL, &error);
  check_no_error (error);
  if (found == NULL || !g_bytes_equal (found, value))
    fail ("The example cache did not give back the value stored");

  missing = pp_cache_lookup (cache, "other key", NULL, &error);
  check_no_error (error);
  if (missing != NULL)
    fail ("The example cache found a value under a key never stored");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  work_dir = g_dir_make_tmp ("pp-out-of-tree-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/out-of-tree/guide-quotes-skeleton", test_guide_quotes_skeleton);
  g_test_add_func ("/out-of-tree/install", test_install);
  g_test_add_func ("/out-of-tree/entry-point-signature", test_entry_point_signature);
  g_test_add_func ("/out-of-tree/build", test_build);
  g_test_add_func ("/out-of-tree/load/listed-by-installed-tool", test_listed_by_installed_tool);
  g_test_add_func ("/out-of-tree/load/store-and-lookup", test_store_and_lookup);

  ret = g_test_run ();

  remove_work_dir ();
  g_free (pkg_config_dir);
  g_free (plugin_dir);

  return ret;
}
