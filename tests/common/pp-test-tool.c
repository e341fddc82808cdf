/* pp-test-tool.c: running the built tools as subprocesses, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>

#include <libsoup/soup.h>
#endif

#include "pp-test-tool.h"

#define MOCK_LLM_ANNOUNCEMENT "pp-mock-llm listening on "

/**
 * pp_test_tool_path:
 * @name: a tool, such as "pp-convert"
 *
 * Returns: the path of the built tool @name, in the directory
 *   PP_TOOLS_DIR names (set by the test environment)
 */
char *
pp_test_tool_path (const char *name)
{
  const char *tools_dir = g_getenv ("PP_TOOLS_DIR");

  g_assert_nonnull (tools_dir);
  return g_build_filename (tools_dir, name, name, NULL);
}

/**
 * pp_test_child_die_with_parent:
 * @user_data: unused
 *
 * A #GSpawnChildSetupFunc: the child gets SIGTERM when the test dies. A
 * failed assertion aborts the test; a tool or server left running would
 * keep the test's output open and run on.
 */
void
pp_test_child_die_with_parent (gpointer user_data)
{
#ifdef __linux__
  prctl (PR_SET_PDEATHSIG, SIGTERM);
#endif
}

/**
 * pp_test_tool_launcher_new:
 * @flags: the pipes to open
 *
 * Returns: (transfer full): a launcher whose children die with the test
 *   and see none of the environment that would choose their server, key
 *   or model, or turn on their debug messages
 */
GSubprocessLauncher *
pp_test_tool_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, pp_test_child_die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_BASE_URL");
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_MODEL");
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  return launcher;
}

/**
 * pp_test_run_clear:
 * @run: a run
 *
 * Frees what @run holds, leaving it ready for another run.
 */
void
pp_test_run_clear (PpTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  run->status = 0;
}

/**
 * pp_test_run_communicate:
 * @run: an empty run
 * @process: a process with its standard output and error piped, and its
 *   standard input too if @stdin_text is not %NULL
 * @stdin_text: (nullable): what to write to its standard input
 *
 * Waits for @process to end, and fills @run. The process must have
 * exited, not been killed by a signal or an abort.
 */
void
pp_test_run_communicate (PpTestRun   *run,
                         GSubprocess *process,
                         const char  *stdin_text)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
}

/**
 * pp_test_run_argv:
 * @run: an empty run
 * @argv: the tool and its arguments, %NULL-terminated
 * @stdin_text: (nullable): its standard input, or %NULL for an empty one
 *
 * Runs a tool to its end, launched by pp_test_tool_launcher_new(), and
 * fills @run.
 */
void
pp_test_run_argv (PpTestRun          *run,
                  const char * const *argv,
                  const char         *stdin_text)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  launcher = pp_test_tool_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  pp_test_run_communicate (run, process, stdin_text);
}

/**
 * pp_test_mock_llm_start:
 * @mock: a cleared #PpTestMockLlm
 * @path: (nullable): pp-mock-llm, or %NULL for the built one
 * @options: (nullable): its options, %NULL-terminated
 * @cancellable: (nullable): cancels the wait for its announcement
 *
 * Starts pp-mock-llm on a free loopback port, and reads the URL it
 * announces on its first line.
 */
void
pp_test_mock_llm_start (PpTestMockLlm      *mock,
                        const char         *path,
                        const char * const *options,
                        GCancellable       *cancellable)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *built_path = NULL;
  g_autoptr(GStrvBuilder) argv_builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) stdout_data = NULL;
  g_autofree char *line = NULL;

  g_assert_null (mock->process);

  if (path == NULL)
    path = built_path = pp_test_tool_path ("pp-mock-llm");
  g_strv_builder_add_many (argv_builder, path, "--port", "0", NULL);
  if (options != NULL)
    g_strv_builder_addv (argv_builder, (const char **) options);
  argv = g_strv_builder_end (argv_builder);

  launcher = pp_test_tool_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  mock->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);

  stdout_data = g_data_input_stream_new (g_subprocess_get_stdout_pipe (mock->process));
  line = g_data_input_stream_read_line_utf8 (stdout_data, NULL, cancellable, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, MOCK_LLM_ANNOUNCEMENT));
  mock->base_url = g_strdup (line + strlen (MOCK_LLM_ANNOUNCEMENT));
  g_assert_true (g_str_has_prefix (mock->base_url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (mock->base_url, "/v1"));
}

/**
 * pp_test_mock_llm_stop:
 * @mock: a started #PpTestMockLlm
 * @cancellable: (nullable): cancels the wait for its end
 *
 * Stops pp-mock-llm with SIGTERM and checks that it exited with status 0;
 * clears @mock.
 */
void
pp_test_mock_llm_stop (PpTestMockLlm *mock,
                       GCancellable  *cancellable)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (mock->process, SIGTERM);
  g_subprocess_wait (mock->process, cancellable, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (mock->process));
  g_assert_cmpint (g_subprocess_get_exit_status (mock->process), ==, 0);

  g_clear_object (&mock->process);
  g_clear_pointer (&mock->base_url, g_free);
}

/**
 * pp_test_mock_llm_build_url:
 * @mock: a started #PpTestMockLlm
 * @path_and_query: a path from the server's root, such as "/stats?log=1"
 *
 * Returns: (transfer full): the URL of @path_and_query on @mock
 */
char *
pp_test_mock_llm_build_url (PpTestMockLlm *mock,
                            const char    *path_and_query)
{
  gsize root_length = strlen (mock->base_url) - strlen ("/v1");

  return g_strdup_printf ("%.*s%s", (int) root_length, mock->base_url, path_and_query);
}

/* (transfer full): what the server's GET /stats says */
JsonObject *
pp_test_mock_llm_get_stats (PpTestMockLlm *mock)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = pp_test_mock_llm_build_url (mock, "/stats");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_OK);
  root = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (root));
}
