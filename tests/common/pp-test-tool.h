/* pp-test-tool.h: running the built tools as subprocesses, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * PpTestRun:
 * @status: the exit status of the tool
 * @out: what it wrote to its standard output
 * @err: what it wrote to its standard error
 *
 * A tool run to its end. Clear it with pp_test_run_clear(), or declare it
 * g_auto(PpTestRun).
 */
typedef struct
{
  int status;
  char *out;
  char *err;
} PpTestRun;

/**
 * PpTestMockLlm:
 * @process: the running pp-mock-llm
 * @base_url: the URL it announced, http://127.0.0.1:PORT/v1
 *
 * pp-mock-llm, started by pp_test_mock_llm_start() and stopped by
 * pp_test_mock_llm_stop().
 */
typedef struct
{
  GSubprocess *process;
  char *base_url;
} PpTestMockLlm;

char                *pp_test_tool_path              (const char          *name);
void                 pp_test_child_die_with_parent  (gpointer             user_data);
GSubprocessLauncher *pp_test_tool_launcher_new      (GSubprocessFlags     flags);

void                 pp_test_run_clear              (PpTestRun           *run);
void                 pp_test_run_communicate        (PpTestRun           *run,
                                                     GSubprocess         *process,
                                                     const char          *stdin_text);
void                 pp_test_run_argv               (PpTestRun           *run,
                                                     const char * const  *argv,
                                                     const char          *stdin_text);

void                 pp_test_mock_llm_start         (PpTestMockLlm       *mock,
                                                     const char          *path,
                                                     const char * const  *options,
                                                     GCancellable        *cancellable);
void                 pp_test_mock_llm_stop          (PpTestMockLlm       *mock,
                                                     GCancellable        *cancellable);
char                *pp_test_mock_llm_build_url     (PpTestMockLlm       *mock,
                                                     const char          *path_and_query);
JsonObject          *pp_test_mock_llm_get_stats     (PpTestMockLlm       *mock);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpTestRun, pp_test_run_clear)

G_END_DECLS
