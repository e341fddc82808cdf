/* test-gtk-example.c: runs the GTK 4 example under Xvfb against pp-mock-llm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test starts pp-mock-llm on a free loopback port and an Xvfb server on
 * a free display, which it learns from Xvfb once the server is ready, then
 * runs the example on a document with --exit-when-done and checks that it
 * converted every segment. It is skipped when GTK 4 or Xvfb was not found
 * at configure time.
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib-unix.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "pp-test-tool.h"

static char *opt_example;
static char *opt_xvfb;
static char *opt_mock_llm;
static char *opt_document;

typedef struct
{
  GSubprocess *process;
  char *display;      /* ":N" */
} Xvfb;

/* Starts Xvfb on a free display; -displayfd has it write the display's
 * number once it accepts clients */
static void
xvfb_start (Xvfb *xvfb)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GInputStream) pipe_stream = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  int fds[2];

  g_unix_open_pipe (fds, FD_CLOEXEC, &error);
  g_assert_no_error (error);

  launcher = pp_test_tool_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  xvfb->process = g_subprocess_launcher_spawnv (launcher, (const char * const[]) {
                                                  opt_xvfb, "-displayfd", "3", "-nolisten", "tcp",
                                                  "-screen", "0", "1024x768x24", NULL
                                                }, &error);
  g_assert_no_error (error);
  /* Our copy of the write end closes with the launcher: the read end sees
   * the end of the stream should Xvfb die before it is ready */
  g_clear_object (&launcher);

  pipe_stream = g_unix_input_stream_new (fds[0], TRUE);
  lines = g_data_input_stream_new (pipe_stream);
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);

  xvfb->display = g_strconcat (":", g_strstrip (line), NULL);
  g_test_message ("Xvfb on display %s", xvfb->display);
}

static void
xvfb_stop (Xvfb *xvfb)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (xvfb->process, SIGTERM);
  g_subprocess_wait (xvfb->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&xvfb->process);
  g_clear_pointer (&xvfb->display, g_free);
}

static gboolean
found (void)
{
  if (opt_example == NULL || *opt_example == '\0')
    {
      g_test_skip ("GTK 4 (libgtk-4-dev) was not found: the example was not built");
      return FALSE;
    }
  if (opt_xvfb == NULL || *opt_xvfb == '\0')
    {
      g_test_skip ("Xvfb (xvfb) was not found");
      return FALSE;
    }

  return TRUE;
}

static void
example_run (const char         *display,
             const char * const *args,
             PpTestRun          *run)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  launcher = pp_test_tool_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "DISPLAY", display, TRUE);
  g_subprocess_launcher_setenv (launcher, "GDK_BACKEND", "x11", TRUE);
  /* No session bus, accessibility bus or settings daemon to look for */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
  g_subprocess_launcher_setenv (launcher, "GTK_A11Y", "none", TRUE);
  g_subprocess_launcher_setenv (launcher, "NO_AT_BRIDGE", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);

  g_ptr_array_add (argv, opt_example);
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  pp_test_run_communicate (run, process, NULL);
  g_test_message ("standard error:\n%s", run->err);
}

static void
test_converts_document (void)
{
  g_autoptr(GRegex) done = g_regex_new ("^done: ([0-9]+) segments\n$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *count = NULL;
  g_auto(PpTestRun) run = { 0, };
  PpTestMockLlm mock = { 0, };
  Xvfb xvfb = { 0, };

  if (!found ())
    return;

  pp_test_mock_llm_start (&mock, opt_mock_llm, NULL, NULL);
  xvfb_start (&xvfb);

  example_run (xvfb.display, (const char * const[]) {
                 "--exit-when-done", "--endpoint", mock.base_url, opt_document, NULL
               }, &run);

  xvfb_stop (&xvfb);
  pp_test_mock_llm_stop (&mock, NULL);

  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_regex_match (done, run.out, 0, &match));
  count = g_match_info_fetch (match, 1);
  g_assert_cmpint (g_ascii_strtoll (count, NULL, 10), >, 0);
}

static void
test_missing_file_fails (void)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "pp-example-no-such-file.md", NULL);
  g_auto(PpTestRun) run = { 0, };
  PpTestMockLlm mock = { 0, };
  Xvfb xvfb = { 0, };

  if (!found ())
    return;

  pp_test_mock_llm_start (&mock, opt_mock_llm, NULL, NULL);
  xvfb_start (&xvfb);

  example_run (xvfb.display, (const char * const[]) {
                 "--exit-when-done", "--endpoint", mock.base_url, missing, NULL
               }, &run);

  xvfb_stop (&xvfb);
  pp_test_mock_llm_stop (&mock, NULL);

  g_assert_cmpint (run.status, !=, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, "pp-example-no-such-file.md"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "example", 0, 0, G_OPTION_ARG_FILENAME, &opt_example, "The GTK example, or empty", "PATH" },
    { "xvfb", 0, 0, G_OPTION_ARG_FILENAME, &opt_xvfb, "Xvfb, or empty", "PATH" },
    { "mock-llm", 0, 0, G_OPTION_ARG_FILENAME, &opt_mock_llm, "pp-mock-llm", "PATH" },
    { "document", 0, 0, G_OPTION_ARG_FILENAME, &opt_document, "A document to convert", "FILE" },
    G_OPTION_ENTRY_NULL
  };

  g_test_init (&argc, &argv, NULL);

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_mock_llm == NULL || opt_document == NULL)
    g_error ("--mock-llm and --document are required");

  g_test_add_func ("/examples/gtk/convert/file-argument-exit-when-done", test_converts_document);
  g_test_add_func ("/examples/gtk/convert/missing-file-fails", test_missing_file_fails);

  return g_test_run ();
}
