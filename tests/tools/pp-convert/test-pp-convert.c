/* test-pp-convert.c: the pp-convert tool, run as a program
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-dir.h"
#include "pp-test-server.h"
#include "pp-test-tool.h"

typedef struct
{
  PpTestServer *server;
  char *dir;
} Fixture;

/* The default cache of the pp-convert runs of the current test: in a
 * directory of its own, beside the test's, so that no answer cached by another test, or by an earlier
 * run whose server had the same port, is found */
static char *cache_home;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = pp_test_server_new ();
  fixture->dir = g_dir_make_tmp ("pp-convert-XXXXXX", &error);
  g_assert_no_error (error);
  cache_home = g_dir_make_tmp ("pp-convert-cache-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  pp_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  pp_test_remove_tree (cache_home);
  g_clear_pointer (&cache_home, g_free);
  pp_test_server_free (fixture->server);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));

  return path;
}

/* In the child, before it runs pp-convert */
static void
set_file_limit (gpointer data)
{
  const struct rlimit *limit = data;

  pp_test_child_die_with_parent (NULL);
  setrlimit (RLIMIT_NOFILE, limit);
}

/* Starts pp-convert with @args, NULL-terminated, its standard output a
 * pipe and its standard error @stderr_fd (taken), or a pipe if -1; its
 * open files limited to @file_limit unless NULL */
static GSubprocess *
spawn_tool (const char          *api_key,
            int                  stderr_fd,
            const struct rlimit *file_limit,
            va_list              args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;

  g_ptr_array_add (argv, pp_test_tool_path ("pp-convert"));
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);

  launcher = pp_test_tool_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | (stderr_fd < 0 ? G_SUBPROCESS_FLAGS_STDERR_PIPE : 0));
  if (stderr_fd >= 0)
    g_subprocess_launcher_take_stderr_fd (launcher, stderr_fd);
  if (file_limit != NULL)
    g_subprocess_launcher_set_child_setup (launcher, set_file_limit, (gpointer) file_limit, NULL);
  if (api_key != NULL)
    g_subprocess_launcher_setenv (launcher, "OPENAI_API_KEY", api_key, TRUE);
  if (cache_home != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache_home, TRUE);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* Freeing the launcher closes its copy of @stderr_fd */
  return process;
}

/* Runs pp-convert with the arguments, NULL-terminated */
static void
run_tool (PpTestRun  *run,
          const char *api_key,
          ...)
{
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  va_start (args, api_key);
  process = spawn_tool (api_key, -1, NULL, args);
  va_end (args);

  pp_test_run_communicate (run, process, NULL);
}

/* Runs pp-convert with the arguments, NULL-terminated, under @file_limit */
static void
run_tool_with_file_limit (PpTestRun           *run,
                          const struct rlimit *file_limit,
                          ...)
{
  g_autoptr(GSubprocess) process = NULL;
  va_list args;

  va_start (args, file_limit);
  process = spawn_tool (NULL, -1, file_limit, args);
  va_end (args);

  pp_test_run_communicate (run, process, NULL);
}

/* Starts pp-convert with the arguments, NULL-terminated, its standard
 * error a pipe read line by line */
static GSubprocess *
start_tool (GDataInputStream **err,
            ...)
{
  GSubprocess *process;
  va_list args;

  va_start (args, err);
  process = spawn_tool (NULL, -1, NULL, args);
  va_end (args);
  *err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));

  return process;
}

/* Reads lines of @err into @text until one holds @until, or to its end if
 * @until is NULL */
static void
read_lines (GDataInputStream *err,
            GString          *text,
            const char       *until)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);

      g_assert_no_error (error);
      if (line == NULL)
        {
          if (until != NULL)
            g_error ("pp-convert never said “%s”; it said: %s", until, text->str);
          return;
        }
      g_string_append_printf (text, "%s\n", line);
      if (until != NULL && strstr (line, until) != NULL)
        return;
    }
}

/* A pseudo-terminal: what a process writes to @slave, the test reads from
 * @master */
typedef struct
{
  int master;
  int slave;
} Pty;

/* Opens @pty, @columns wide, in raw mode (no newline translation) */
static void
pty_open (Pty   *pty,
          guint  columns)
{
  struct winsize size = { .ws_row = 24, .ws_col = columns };
  struct termios attributes;

  pty->master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (pty->master, >=, 0);
  g_assert_cmpint (grantpt (pty->master), ==, 0);
  g_assert_cmpint (unlockpt (pty->master), ==, 0);
  pty->slave = open (ptsname (pty->master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (pty->slave, >=, 0);

  g_assert_cmpint (tcgetattr (pty->slave, &attributes), ==, 0);
  cfmakeraw (&attributes);
  g_assert_cmpint (tcsetattr (pty->slave, TCSANOW, &attributes), ==, 0);
  g_assert_cmpint (ioctl (pty->slave, TIOCSWINSZ, &size), ==, 0);
}

/* How long the other side of a terminal may stay silent before the test
 * gives up: a safety net so that a tool that never draws fails the test
 * instead of hanging it, not a measure of speed */
#define PTY_SILENCE_LIMIT_MS (60 * 1000)

/* Reads what the other side wrote to @pty into @text until @until is in
 * it, or until the other side closed it if @until is NULL. Returns
 * whether the other side is still there. */
static gboolean
pty_read (Pty        *pty,
          GString    *text,
          const char *until)
{
  while (until == NULL || strstr (text->str, until) == NULL)
    {
      char buffer[4096];
      struct pollfd readable = { .fd = pty->master, .events = POLLIN };
      gssize n;

      if (poll (&readable, 1, PTY_SILENCE_LIMIT_MS) == 0)
        g_error ("The terminal stayed silent for %d s; read so far: %s",
                 PTY_SILENCE_LIMIT_MS / 1000, text->str);
      n = read (pty->master, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      /* EIO once no process has the terminal open any more */
      if (n < 0 && errno == EIO)
        return FALSE;
      g_assert_cmpint (n, >=, 0);
      if (n == 0)
        return FALSE;
      g_string_append_len (text, buffer, n);
    }

  return TRUE;
}

/* Runs pp-convert with the arguments, NULL-terminated, its standard error
 * a terminal whose output lands in @run->err. When @server is not NULL, it
 * answers once @hold_until was written to the terminal. */
static void
run_tool_on_terminal (PpTestRun    *run,
                      PpTestServer *server,
                      const char   *hold_until,
                      ...)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) err = g_string_new (NULL);
  Pty pty;
  va_list args;

  pty_open (&pty, 100);
  va_start (args, hold_until);
  process = spawn_tool (NULL, pty.slave, NULL, args);
  va_end (args);

  if (server != NULL)
    {
      g_assert_true (pty_read (&pty, err, hold_until));
      pp_test_server_set_hold (server, FALSE);
    }
  pty_read (&pty, err, NULL);
  close (pty.master);

  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  run->status = g_subprocess_get_exit_status (process);
  run->err = g_string_free (g_steal_pointer (&err), FALSE);
}

static guint
count_char (const char *text,
            char        c)
{
  guint n = 0;

  for (; *text != '\0'; text++)
    n += *text == c;

  return n;
}

static gboolean
is_one_line (const char *text)
{
  const char *nl = strchr (text, '\n');

  return nl != NULL && nl[1] == '\0';
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* The node of the compacted @graph whose member @member is @value */
static JsonObject *
find_node (JsonNode   *graph,
           const char *member,
           const char *value)
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (json_object_has_member (node, member) &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (node, member)) &&
          g_strcmp0 (json_object_get_string_member (node, member), value) == 0)
        return node;
    }

  return NULL;
}

/* The node named @name in @graph came from @n_segments segments, of the
 * section "Notes", whose byte ranges in @document each hold @name */
static void
assert_derived_from_text (JsonNode   *graph,
                          const char *document,
                          const char *name,
                          guint       n_segments)
{
  JsonObject *node = find_node (graph, "name", name);
  g_autoptr(JsonNode) refs = NULL;
  JsonArray *ids;

  g_assert_nonnull (node);
  refs = json_object_dup_member (node, "pp:derivedFrom");
  g_assert_nonnull (refs);
  if (JSON_NODE_HOLDS_VALUE (refs))
    {
      g_autoptr(JsonArray) one = json_array_new ();

      json_array_add_element (one, g_steal_pointer (&refs));
      refs = json_node_init_array (json_node_alloc (), one);
    }
  ids = json_node_get_array (refs);
  g_assert_cmpuint (json_array_get_length (ids), ==, n_segments);

  for (guint i = 0; i < json_array_get_length (ids); i++)
    {
      JsonObject *segment = find_node (graph, "id", json_array_get_string_element (ids, i));
      g_autofree char *bytes = NULL;
      gint64 start, end;

      g_assert_nonnull (segment);
      g_assert_cmpstr (json_object_get_string_member (segment, "type"), ==, "pp:SegmentRef");
      g_assert_cmpstr (json_object_get_string_member (segment, "pp:section"), ==, "Notes");
      start = json_object_get_int_member (segment, "pp:start");
      end = json_object_get_int_member (segment, "pp:end");
      g_assert_cmpint (start, >=, 0);
      g_assert_cmpint (start, <, end);
      g_assert_cmpint (end, <=, (gint64) strlen (document));
      bytes = g_strndup (document + start, end - start);
      g_assert_nonnull (strstr (bytes, name));
    }
}

static void
test_converts_document (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(GString) text = g_string_new ("# Notes\n\n");
  g_autofree char *doc = NULL;
  g_autofree char *stats_path = g_build_filename (fixture->dir, "stats.json", NULL);
  g_autofree char *stats_text = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_auto(PpTestRun) run = { 0, };
  g_autofree char *graph_text = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (text, "Entry %u: the painter Frida Kahlo%c met Diego Rivera%c.\n\n",
                            i, 'a' + i % 26, 'a' + i / 26);
  doc = write_file (fixture, "doc.md", text->str, -1);

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--jobs", "8", "--segment-size", "80", "--stats", stats_path, doc, NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  /* Every paragraph reached the server once */
  messages = pp_test_server_dup_user_messages (fixture->server);
  g_assert_cmpuint (messages->len, ==, 50);

  graph = parse_json (run.out);
  graph_text = json_to_string (graph, FALSE);
  g_assert_nonnull (strstr (graph_text, "\"@context\":[\"https://schema.org\",{\"pp\":\"https://libpp.org/ns#\""));
  g_assert_nonnull (strstr (graph_text, "Frida Kahloa"));
  g_assert_nonnull (strstr (graph_text, "Diego Riverab"));
  /* Each painter came from the segments whose bytes name them */
  assert_derived_from_text (graph, text->str, "Frida Kahloa", 2);
  assert_derived_from_text (graph, text->str, "Diego Riverab", 24);

  g_assert_true (g_file_get_contents (stats_path, &stats_text, NULL, NULL));
  stats = parse_json (stats_text);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "done"), ==, 50);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (stats), "worker_limit"), ==, 8);
}

/* --no-provenance leaves the segments out of the graph */
static void
test_no_provenance (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.md", "# Poets\n\nThe poet Pablo Neruda lived in Chile.\n", -1);
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonNode) graph = NULL;

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--no-provenance", doc, NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  graph = parse_json (run.out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (graph), "@context"),
                   ==, "https://schema.org");
  g_assert_nonnull (strstr (run.out, "Pablo Neruda"));
  g_assert_null (strstr (run.out, "derivedFrom"));
  g_assert_null (strstr (run.out, "SegmentRef"));
}

static void
test_output_file_and_forms (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The poet Pablo Neruda lived in Chile.\n", -1);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_autofree char *written = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_auto(PpTestRun) run = { 0, };
  g_auto(PpTestRun) nquads = { 0, };

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--output", out_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  graph = parse_json (written);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));

  run_tool (&nquads, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--form", "nquads", doc, NULL);
  g_assert_cmpint (nquads.status, ==, 0);
  g_assert_nonnull (strstr (nquads.out, "<http://schema.org/name> \"Pablo Neruda\" ."));
}

/* Whether @dir holds files other than those named */
static gboolean
dir_holds_others (const char *dir,
                  ...)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      const char *known;
      gboolean found = FALSE;
      va_list args;

      va_start (args, dir);
      while (!found && (known = va_arg (args, const char *)) != NULL)
        found = g_str_equal (name, known);
      va_end (args);

      if (!found)
        return TRUE;
    }

  return FALSE;
}

static void
test_output_unwritable (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The poet Pablo Neruda lived in Chile.\n", -1);
  g_autofree char *missing_dir = g_build_filename (fixture->dir, "missing", "out.jsonld", NULL);
  g_autofree char *stats_in_missing_dir = g_build_filename (fixture->dir, "missing", "stats.json", NULL);
  const char *outputs[][2] = {
    { "--output", missing_dir },
    { "--output", fixture->dir },   /* a directory */
    { "--stats", stats_in_missing_dir },
  };

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_auto(PpTestRun) run = { 0, };

      run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
                outputs[i][0], outputs[i][1], doc, NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (is_one_line (run.err));
      g_assert_true (g_str_has_prefix (run.err, "pp-convert: "));
      g_assert_nonnull (strstr (run.err, outputs[i][1]));
    }

  /* Found out before anything was paid for */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);
  g_assert_false (dir_holds_others (fixture->dir, "doc.txt", NULL));
}

static void
test_output_replaced_atomically (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The poet Pablo Neruda lived in Chile.\n", -1);
  g_autofree char *out_path = write_file (fixture, "out.jsonld", "old graph\n", -1);
  g_autofree char *link_path = g_build_filename (fixture->dir, "link.jsonld", NULL);
  g_autofree char *written = NULL;
  g_autofree char *linked = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_auto(PpTestRun) failed = { 0, };
  g_auto(PpTestRun) run = { 0, };

  /* A second name for the old file: it keeps the old contents if the new
   * file takes the name's place, not if the old file is written over */
  g_assert_cmpint (link (out_path, link_path), ==, 0);

  /* A failed run leaves the old file as it was, and nothing else */
  pp_test_server_push_reply (fixture->server, 400, "{\"error\": {\"message\": \"bad request\"}}", NULL);
  run_tool (&failed, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--retries", "0", "--output", out_path, doc, NULL);
  g_assert_cmpint (failed.status, ==, 1);
  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, "old graph\n");
  g_assert_false (dir_holds_others (fixture->dir, "doc.txt", "out.jsonld", "link.jsonld", NULL));
  g_clear_pointer (&written, g_free);

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--output", out_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  graph = parse_json (written);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));
  g_assert_true (g_file_get_contents (link_path, &linked, NULL, NULL));
  g_assert_cmpstr (linked, ==, "old graph\n");
  g_assert_false (dir_holds_others (fixture->dir, "doc.txt", "out.jsonld", "link.jsonld", NULL));
}

static void
test_verbose_logs_on_stderr (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.md", "# Poets\n\nPablo Neruda lived in Chile.\n", -1);
  g_autoptr(JsonNode) graph = NULL;
  g_auto(PpTestRun) run = { 0, };

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--verbose", doc, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* Standard output holds the graph alone */
  graph = parse_json (run.out);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));

  /* The debug messages of libpp and of a plugin */
  g_assert_true (g_regex_match_simple ("^\\(pp-convert:\\d+\\): libpp-DEBUG: ", run.err, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^\\(pp-convert:\\d+\\): libpp-[a-z-]+-DEBUG: ", run.err,
                                       G_REGEX_MULTILINE, 0));
}

static void
test_help_usage_line (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };

  run_tool (&run, NULL, "--help", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\n  pp-convert [OPTION…] FILE…\n"));
  g_assert_null (strstr (run.out, "FILE… FILE…"));
  g_assert_nonnull (strstr (run.out, "-q, --quiet"));

  /* The options of resilience, and what interrupting does */
  g_assert_nonnull (strstr (run.out, "--timeout=SECONDS"));
  g_assert_nonnull (strstr (run.out, "(default: 60)"));
  g_assert_nonnull (strstr (run.out, "--min-jobs=N"));
  g_assert_nonnull (strstr (run.out, "--no-adaptive"));
  g_assert_nonnull (strstr (run.out, "--rpm=N"));
  g_assert_nonnull (strstr (run.out, "--tpm=N"));
  g_assert_nonnull (strstr (run.out, "--segment-timeout=SECONDS"));
  g_assert_nonnull (strstr (run.out, "--retries=N"));
  g_assert_nonnull (strstr (run.out, "130 (SIGINT) or 143 (SIGTERM)"));
}

/* A document of three paragraphs: three segments at --segment-size 60 */
static char *
write_three_segments (Fixture *fixture)
{
  return write_file (fixture, "doc.md",
                     "The painter Frida Kahlo lived in Mexico City.\n\n"
                     "The painter Diego Rivera painted murals there.\n\n"
                     "The poet Pablo Neruda lived in Chile for years.\n", -1);
}

static void
test_progress_on_terminal (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *doc = write_three_segments (fixture);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_auto(PpTestRun) run = { 0, };
  const char *last;

  /* The answers wait until the line showed the three requests in flight:
   * drawn again, in place, while nothing completes */
  pp_test_server_set_hold (fixture->server, TRUE);
  run_tool_on_terminal (&run, fixture->server, "0/3 segments, 0 failed, 0 retries, 3 in flight",
                        "--endpoint", pp_test_server_get_base_url (fixture->server),
                        "--segment-size", "60", "--output", out_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "");

  /* One line drawn several times, each time from its start, and cleared
   * to its end */
  g_assert_true (g_str_has_prefix (run.err, "\r"));
  g_assert_cmpuint (count_char (run.err, '\r'), >=, 3);
  g_assert_nonnull (strstr (run.err, "\033[K"));
  g_assert_cmpuint (count_char (run.err, '\n'), ==, 1);

  /* Left with the final figures, and a newline */
  g_assert_true (g_str_has_suffix (run.err, "\n"));
  last = strrchr (run.err, '\r') + 1;
  g_assert_true (g_str_has_prefix (last, "3/3 segments, 0 failed, 0 retries, 0 in flight, "));
  g_assert_true (g_str_has_suffix (last, "ETA 0:00\033[K\n"));
}

/* What a terminal shows of @text: of each line, what was drawn after its
 * last carriage return, without the clearing to the end of the line */
static char *
shown_on_terminal (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *shown = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *cr = strrchr (lines[i], '\r');
      g_auto(GStrv) parts = g_strsplit (cr != NULL ? cr + 1 : lines[i], "\033[K", -1);
      g_autofree char *line = g_strjoinv ("", parts);

      g_string_append (shown, line);
      if (lines[i + 1] != NULL)
        g_string_append_c (shown, '\n');
    }

  return g_string_free (shown, FALSE);
}

static void
test_progress_with_verbose (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autofree char *doc = write_three_segments (fixture);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_autofree char *shown = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(PpTestRun) run = { 0, };
  guint n;

  pp_test_server_set_hold (fixture->server, TRUE);
  run_tool_on_terminal (&run, fixture->server, "3 in flight",
                        "--endpoint", pp_test_server_get_base_url (fixture->server),
                        "--segment-size", "60", "--verbose", "--output", out_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 0);

  /* The log lines above, whole, and the progress line last */
  shown = shown_on_terminal (run.err);
  lines = g_strsplit (shown, "\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpuint (n, >=, 3);
  g_assert_cmpstr (lines[n - 1], ==, "");
  g_assert_true (g_str_has_prefix (lines[n - 2], "3/3 segments, 0 failed, "));
  for (guint i = 0; i < n - 2; i++)
    {
      g_assert_null (strstr (lines[i], " retries, "));
      g_assert_true (strstr (lines[i], "DEBUG") != NULL || strstr (lines[i], "INFO") != NULL);
    }
}

static void
test_progress_not_on_pipe_or_quiet (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *doc = write_three_segments (fixture);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_auto(PpTestRun) piped = { 0, };
  g_auto(PpTestRun) quiet = { 0, };

  run_tool (&piped, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--segment-size", "60", "--output", out_path, doc, NULL);
  g_assert_cmpint (piped.status, ==, 0);
  g_assert_cmpstr (piped.err, ==, "");

  run_tool_on_terminal (&quiet, NULL, NULL,
                        "--endpoint", pp_test_server_get_base_url (fixture->server),
                        "--segment-size", "60", "--quiet", "--output", out_path, doc, NULL);
  g_assert_cmpint (quiet.status, ==, 0);
  g_assert_cmpstr (quiet.err, ==, "");
}

static void
test_bad_input (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.md", NULL);
  g_autofree char *invalid = write_file (fixture, "invalid.md", "caf\xe9 au lait\n", -1);
  g_autofree char *empty = write_file (fixture, "empty.md", "\n  \n", -1);
  g_autofree char *binary = write_file (fixture, "binary.md", "ab\0cd", 5);
  const char *bad[][2] = {
    { missing, "missing.md" },
    { invalid, "UTF-8" },
    { empty, "empty" },
    { binary, "binary" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(PpTestRun) run = { 0, };

      run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
                bad[i][0], NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (is_one_line (run.err));
      g_assert_true (g_str_has_prefix (run.err, "pp-convert: "));
      g_assert_nonnull (strstr (run.err, bad[i][1]));
    }

  /* Nothing was asked of the server */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);
}

static void
test_usage_errors (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Some Text here.\n", -1);
  const char *bad[][2] = {
    { "--jobs", "0" },
    { "--min-jobs", "0" },
    { "--min-jobs", "9" },   /* above --jobs */
    { "--rpm", "-1" },
    { "--tpm", "-1" },
    { "--timeout", "-1" },
    { "--segment-timeout", "-1" },
    { "--segment-size", "3" },
    { "--form", "turtle" },
    { "--quiet", "--verbose" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(PpTestRun) run = { 0, };

      run_tool (&run, NULL, bad[i][0], bad[i][1], doc, NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_true (is_one_line (run.err));
    }
}

static void
test_endpoint_not_http (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Some Text here.\n", -1);
  const char *bad[][2] = {
    { "ftp://example.com/v1", "‘ftp://example.com/v1’" },
    { "localhost:8080", "‘localhost:8080’" },
    { "not a URL", "‘not a URL’" },
    { "https://user:secret@/v1", "https://user@/v1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(PpTestRun) run = { 0, };

      run_tool (&run, NULL, "--endpoint", bad[i][0], doc, NULL);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (is_one_line (run.err));
      g_assert_nonnull (strstr (run.err, "--endpoint"));
      g_assert_nonnull (strstr (run.err, bad[i][1]));
      g_assert_null (strstr (run.err, "secret"));
    }
}

static void
test_unreachable_endpoint (Fixture       *fixture,
                           gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The city of Lisbon.\n\nThe river Tagus.\n", -1);
  g_autofree char *url = NULL;
  g_auto(PpTestRun) run = { 0, };
  PpTestServer *closed = pp_test_server_new ();

  /* A port nobody listens on any more */
  url = g_strdup (pp_test_server_get_base_url (closed));
  pp_test_server_free (closed);

  run_tool (&run, NULL, "--endpoint", url, "--retries", "1", doc, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "all 1 segments failed"));
  g_assert_nonnull (strstr (run.err, url));
}

static void
test_secret_not_shown (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "The city of Lisbon.\n", -1);
  g_auto(PpTestRun) run = { 0, };

  pp_test_server_push_reply (fixture->server, 401, "{\"error\": {\"message\": \"bad key sk-very-secret-key\"}}", NULL);
  run_tool (&run, "sk-very-secret-key", "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--verbose", doc, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_null (strstr (run.err, "sk-very-secret-key"));
  g_assert_null (strstr (run.out, "sk-very-secret-key"));
}

static void
test_list_plugins (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };

  run_tool (&run, NULL, "--list-plugins", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "libpp-llm:\n"));
  g_assert_nonnull (strstr (run.out, "libpp-converter:\n"));
  g_assert_nonnull (strstr (run.out, "libpp-cache:\n"));
  g_assert_true (g_regex_match_simple ("\\n  openai +10  OpenAI-compatible", run.out, 0, 0));
  g_assert_true (g_regex_match_simple ("\\n  llm +10  ", run.out, 0, 0));
  g_assert_true (g_regex_match_simple ("\\n  memory +10  ", run.out, 0, 0));
}

/* A document of @n paragraphs, each its own segment at --segment-size 80,
 * the one of index i naming the painter "Frida Kahlo" followed by the
 * letters of i */
static char *
write_numbered_paragraphs (Fixture *fixture,
                           guint    n)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "Entry %u: the painter Frida Kahlo%c%c lived in Mexico.\n\n",
                            i, 'a' + i / 26 % 26, 'a' + i % 26);

  return write_file (fixture, "doc.md", text->str, -1);
}

/* The indexes of the segments whose painter is in @graph_text */
static GHashTable *
painters_in_graph (const char *graph_text)
{
  GHashTable *indexes = g_hash_table_new (NULL, NULL);
  const char *found = graph_text;

  while ((found = strstr (found, "Frida Kahlo")) != NULL)
    {
      found += strlen ("Frida Kahlo");
      g_hash_table_add (indexes, GUINT_TO_POINTER ((found[0] - 'a') * 26 + (found[1] - 'a')));
    }

  return indexes;
}

/* The indexes that "0-3, 7, 9-12" lists */
static GHashTable *
parse_ranges (const char *ranges)
{
  GHashTable *indexes = g_hash_table_new (NULL, NULL);
  g_auto(GStrv) parts = g_strsplit (ranges, ", ", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 first, last;
      char *end;

      first = g_ascii_strtoull (parts[i], &end, 10);
      last = *end == '-' ? g_ascii_strtoull (end + 1, &end, 10) : first;
      g_assert_cmpint (*end, ==, '\0');
      for (guint64 index = first; index <= last; index++)
        g_hash_table_add (indexes, GUINT_TO_POINTER ((guint) index));
    }

  return indexes;
}

/* @err says that @n_missing of @n_segments were not converted, and lists
 * them: exactly those of the segments not in @graph_text */
static void
assert_missing_listed (const char *err,
                       const char *graph_text,
                       guint       n_missing,
                       guint       n_segments)
{
  g_autofree char *pattern = g_strdup_printf ("^pp-convert: interrupted: .*doc\\.md: %u of %u segments "
                                              "not converted: ([0-9, -]+)$", n_missing, n_segments);
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *ranges = NULL;
  g_autoptr(GHashTable) missing = NULL;
  g_autoptr(GHashTable) done = painters_in_graph (graph_text);

  g_assert_true (g_regex_match (regex, err, 0, &match));
  ranges = g_match_info_fetch (match, 1);
  missing = parse_ranges (ranges);

  g_assert_cmpuint (g_hash_table_size (missing), ==, n_missing);
  g_assert_cmpuint (g_hash_table_size (done), ==, n_segments - n_missing);
  for (guint i = 0; i < n_segments; i++)
    g_assert_true (g_hash_table_contains (missing, GUINT_TO_POINTER (i)) !=
                   g_hash_table_contains (done, GUINT_TO_POINTER (i)));
}

/* Once pp-convert says it, an interruption stopped dispatch */
#define STOPPING "pp-convert: interrupted: finishing the requests in flight"

/* The first SIGINT or SIGTERM: the requests in flight finish, their
 * graph is written, the others are listed, and the status tells */
static void
test_interrupt_finishes_in_flight (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  const struct {
    int signum;
    int status;
  } signals[] = {
    { SIGINT, 130 },
    { SIGTERM, 143 },
  };
  g_autofree char *doc = write_numbered_paragraphs (fixture, 12);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GDataInputStream) err = NULL;
      g_autoptr(GString) err_text = g_string_new (NULL);
      g_autoptr(JsonNode) graph = NULL;
      g_autofree char *written = NULL;
      g_auto(PpTestRun) rest = { 0, };

      pp_test_server_set_hold (fixture->server, TRUE);
      process = start_tool (&err, "--endpoint", pp_test_server_get_base_url (fixture->server),
                            "--jobs", "4", "--no-adaptive", "--segment-size", "80", "--cache", "none",
                            "--output", out_path, doc, NULL);
      g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 4, 30000));

      g_subprocess_send_signal (process, signals[i].signum);
      read_lines (err, err_text, STOPPING);
      pp_test_server_set_hold (fixture->server, FALSE);
      read_lines (err, err_text, NULL);
      pp_test_run_communicate (&rest, process, NULL);

      g_test_message ("pp-convert said: %s", err_text->str);
      g_assert_cmpint (rest.status, ==, signals[i].status);
      g_assert_cmpstr (rest.out, ==, "");

      /* The four in flight were converted, and no other was asked for */
      g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
      graph = parse_json (written);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));
      assert_missing_listed (err_text->str, written, 8, 12);
      g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 4 * (i + 1));

      /* The segments not converted are listed together, not one by one */
      g_assert_null (strstr (err_text->str, "segment 1"));
      g_assert_null (strstr (err_text->str, "segments failed"));
    }
}

/* A second SIGINT aborts the requests in flight, and the graph of what
 * was converted is still written */
static void
test_interrupt_twice_aborts_in_flight (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autofree char *doc = write_numbered_paragraphs (fixture, 12);
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) err = NULL;
  g_autoptr(GString) err_text = g_string_new (NULL);
  g_autoptr(JsonNode) graph = NULL;
  g_autofree char *written = NULL;
  g_auto(PpTestRun) rest = { 0, };

  /* Of the two requests in flight, one is answered and the other never is */
  pp_test_server_set_hold (fixture->server, TRUE);
  pp_test_server_push_raw_reply (fixture->server,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 1000\r\n\r\n{",
                                 PP_TEST_SERVER_ENDING_HANG);
  process = start_tool (&err, "--endpoint", pp_test_server_get_base_url (fixture->server),
                        "--jobs", "2", "--no-adaptive", "--segment-size", "80", "--cache", "none",
                        "--verbose", "--output", out_path, doc, NULL);
  g_assert_true (pp_test_server_wait_for_in_flight (fixture->server, 2, 30000));

  g_subprocess_send_signal (process, SIGINT);
  read_lines (err, err_text, STOPPING);
  pp_test_server_set_hold (fixture->server, FALSE);
  read_lines (err, err_text, ": 1/12 segments done, ");

  g_subprocess_send_signal (process, SIGINT);
  read_lines (err, err_text, NULL);
  pp_test_run_communicate (&rest, process, NULL);

  g_test_message ("pp-convert said: %s", err_text->str);
  g_assert_cmpint (rest.status, ==, 130);
  g_assert_nonnull (strstr (err_text->str, "pp-convert: interrupted again: aborting the requests in flight\n"));

  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  graph = parse_json (written);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (graph));
  assert_missing_listed (err_text->str, written, 11, 12);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 2);
}

/* --jobs beyond the soft limit on open files, within the hard one: the
 * soft limit is raised, and every job works */
static void
test_jobs_raise_file_limit (Fixture       *fixture,
                            gconstpointer  user_data)
{
  const struct rlimit limit = { .rlim_cur = 256, .rlim_max = 2048 };
  g_autofree char *doc = write_numbered_paragraphs (fixture, 520);
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GHashTable) done = NULL;
  g_auto(PpTestRun) run = { 0, };

  /* Slow enough that the jobs pile up */
  pp_test_server_set_latency_ms (fixture->server, 1000);
  run_tool_with_file_limit (&run, &limit, "--endpoint", pp_test_server_get_base_url (fixture->server),
                            "--jobs", "512", "--no-adaptive", "--segment-size", "80", "--cache", "none",
                            doc, NULL);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);

  graph = parse_json (run.out);
  done = painters_in_graph (run.out);
  g_assert_cmpuint (g_hash_table_size (done), ==, 520);

  /* More requests in flight at once than the soft limit allowed
   * descriptors for */
  g_assert_cmpuint (pp_test_server_get_peak_in_flight (fixture->server), >, 256);
}

/* --jobs beyond the hard limit: refused up front, naming the limit */
static void
test_jobs_over_file_limit_refused (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autofree char *doc = write_numbered_paragraphs (fixture, 3);
  const rlim_t limits[] = { 64, 1024 };

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      const struct rlimit limit = { .rlim_cur = limits[i], .rlim_max = limits[i] };
      g_autofree char *named = g_strdup_printf ("more than the limit of %u ", (guint) limits[i]);
      g_auto(PpTestRun) run = { 0, };

      run_tool_with_file_limit (&run, &limit, "--endpoint", pp_test_server_get_base_url (fixture->server),
                                "--jobs", "512", "--cache", "none", doc, NULL);
      g_test_message ("pp-convert said: %s", run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_cmpstr (run.out, ==, "");
      g_assert_true (is_one_line (run.err));
      g_assert_true (g_str_has_prefix (run.err, "pp-convert: --jobs 512 needs about "));
      g_assert_nonnull (strstr (run.err, named));
    }

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);
}

/* Some segments failed: exit status 3, and the statistics say why */
static void
test_stats_of_failures (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autofree char *doc = write_numbered_paragraphs (fixture, 3);
  g_autofree char *stats_path = g_build_filename (fixture->dir, "stats.json", NULL);
  g_autofree char *stats_text = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autofree char *basename = g_path_get_basename (doc);
  g_autofree char *doc_text = NULL;
  gsize doc_length = 0;
  g_auto(PpTestRun) run = { 0, };
  JsonObject *object;
  JsonArray *failures;
  JsonObject *failure;

  pp_test_server_push_reply (fixture->server, 400, "{\"error\": {\"message\": \"bad request\"}}", NULL);
  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--segment-size", "80", "--cache", "none", "--stats", stats_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 3);

  g_assert_true (g_file_get_contents (stats_path, &stats_text, NULL, NULL));
  stats = parse_json (stats_text);
  object = json_node_get_object (stats);
  g_assert_cmpint (json_object_get_int_member (object, "done"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "failed"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (object, "failed_by_error"),
                                               "bad_request"), ==, 1);
  g_assert_true (json_object_has_member (object, "retried_by_error"));
  g_assert_true (json_object_has_member (object, "concurrency_limit"));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "circuit"), "state"),
                   ==, "closed");

  /* The failed segment is listed: which one, where, and why */
  g_assert_true (g_file_get_contents (doc, &doc_text, &doc_length, NULL));
  failures = json_object_get_array_member (object, "failures");
  g_assert_cmpuint (json_array_get_length (failures), ==, 1);
  failure = json_array_get_object_element (failures, 0);
  g_assert_cmpint (json_object_get_int_member (failure, "segment"), <, 3);
  g_assert_cmpint (json_object_get_int_member (failure, "start"), <, json_object_get_int_member (failure, "end"));
  g_assert_cmpint (json_object_get_int_member (failure, "end"), <=, doc_length);
  g_assert_cmpstr (json_object_get_string_member (failure, "error"), ==, "bad-request");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (failure, "document"), basename));
  g_assert_cmpint (json_object_get_int_member (object, "failures_unlisted"), ==, 0);
}

/* --types and --prompt change what is asked, and so the cache key: a run
 * with other ones asks again, a run with the same ones is answered from
 * the cache */
static void
test_types_and_prompt_in_cache_key (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Ada Lovelace worked with Charles Babbage.\n", -1);
  g_autofree char *prompt = write_file (fixture, "prompt.txt", "Extract schema.org JSON-LD.\n", -1);
  g_autofree char *cache = g_strdup_printf ("sqlite:%s/cache.db", fixture->dir);
  const char *endpoint = pp_test_server_get_base_url (fixture->server);
  g_autofree char *tool = pp_test_tool_path ("pp-convert");
  const struct {
    const char *types;    /* NULL: no --types */
    gboolean prompt;      /* with --prompt */
    const char *prompt_text;   /* rewrites the prompt file first, unless NULL */
    guint requests;       /* the server's count after the run */
  } runs[] = {
    { "Person", FALSE, NULL, 1 },
    { "Person", FALSE, NULL, 1 },
    { "Organization", FALSE, NULL, 2 },
    { " Person , Organization ", FALSE, NULL, 3 },
    { "Person,Organization", FALSE, NULL, 3 },
    { NULL, TRUE, NULL, 4 },
    { NULL, TRUE, NULL, 4 },
    { NULL, TRUE, "Extract schema.org JSON-LD, please.\n", 5 },
    { "Person", TRUE, NULL, 6 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_auto(PpTestRun) run = { 0, };
      const char *argv[16];
      guint n = 0;

      if (runs[i].prompt_text != NULL)
        g_assert_true (g_file_set_contents (prompt, runs[i].prompt_text, -1, NULL));

      argv[n++] = tool;
      argv[n++] = "--endpoint";
      argv[n++] = endpoint;
      argv[n++] = "--cache";
      argv[n++] = cache;
      if (runs[i].types != NULL)
        {
          argv[n++] = "--types";
          argv[n++] = runs[i].types;
        }
      if (runs[i].prompt)
        {
          argv[n++] = "--prompt";
          argv[n++] = prompt;
        }
      argv[n++] = doc;
      argv[n] = NULL;

      pp_test_run_argv (&run, argv, NULL);
      g_test_message ("run %u: %s", i, run.err);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, runs[i].requests);
    }
}

/* Garbage in --types or --structured-output is a usage error, found
 * before any request */
static void
test_converter_usage_errors (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Ada Lovelace worked with Charles Babbage.\n", -1);
  const char *endpoint = pp_test_server_get_base_url (fixture->server);
  const char *cases[][2] = {
    { "--types", "Person,Bad Type" },
    { "--types", "Person,,Place" },
    { "--types", "" },
    { "--types", "schema:Person" },
    { "--structured-output", "xml" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(PpTestRun) run = { 0, };

      run_tool (&run, NULL, "--endpoint", endpoint, "--cache", "none", cases[i][0], cases[i][1], doc, NULL);
      g_test_message ("%s", run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, cases[i][0]));
    }

  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);
}

/* --structured-output reaches the requests */
static void
test_structured_output_option (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Ada Lovelace worked with Charles Babbage.\n", -1);
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(GPtrArray) bodies = NULL;
  g_autoptr(JsonNode) body = NULL;
  JsonObject *format;

  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server), "--cache", "none",
            "--structured-output", "json-object", doc, NULL);
  g_assert_cmpint (run.status, ==, 0);

  bodies = pp_test_server_dup_request_bodies (fixture->server);
  g_assert_cmpuint (bodies->len, ==, 1);
  body = parse_json (bodies->pdata[0]);
  format = json_object_get_object_member (json_node_get_object (body), "response_format");
  g_assert_cmpstr (json_object_get_string_member (format, "type"), ==, "json_object");
}

/* A chat completion whose answer is @content, with the usage given */
static char *
build_completion (const char *content,
                  guint       prompt_tokens,
                  guint       completion_tokens)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, completion_tokens);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* The tokens of answers that were asked again count as much as the last
 * one's */
static void
test_stats_tokens_of_reasks (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autofree char *doc = write_file (fixture, "doc.txt", "Ada Lovelace worked with Charles Babbage.\n", -1);
  g_autofree char *stats_path = g_build_filename (fixture->dir, "stats.json", NULL);
  g_autofree char *not_json = build_completion ("Sorry, I cannot do that.", 100, 7);
  g_autofree char *empty = build_completion ("{\"@context\": \"https://schema.org\", \"@graph\": []}", 150, 11);
  g_autofree char *valid = build_completion ("{\"@context\": \"https://schema.org\", \"@graph\": "
                                             "[{\"@type\": \"Person\", \"name\": \"Ada Lovelace\"}]}",
                                             200, 30);
  g_autofree char *stats_text = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_auto(PpTestRun) run = { 0, };
  JsonObject *tokens;

  pp_test_server_push_reply (fixture->server, 200, not_json, NULL);
  pp_test_server_push_reply (fixture->server, 200, empty, NULL);
  pp_test_server_push_reply (fixture->server, 200, valid, NULL);
  run_tool (&run, NULL, "--endpoint", pp_test_server_get_base_url (fixture->server),
            "--cache", "none", "--stats", stats_path, doc, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 3);

  g_assert_true (g_file_get_contents (stats_path, &stats_text, NULL, NULL));
  stats = parse_json (stats_text);
  tokens = json_object_get_object_member (json_node_get_object (stats), "tokens");
  g_assert_cmpint (json_object_get_int_member (tokens, "prompt"), ==, 100 + 150 + 200);
  g_assert_cmpint (json_object_get_int_member (tokens, "completion"), ==, 7 + 11 + 30);
  g_assert_cmpint (json_object_get_int_member (tokens, "total"), ==, 450 + 48);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pp-convert/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("converts-document", test_converts_document);
  ADD ("output-file-and-forms", test_output_file_and_forms);
  ADD ("provenance/off", test_no_provenance);
  ADD ("bad-input", test_bad_input);
  ADD ("usage-errors", test_usage_errors);
  ADD ("usage-errors/endpoint-not-http", test_endpoint_not_http);
  ADD ("output/unwritable-found-before-requests", test_output_unwritable);
  ADD ("output/replaced-atomically", test_output_replaced_atomically);
  ADD ("verbose/logs-on-stderr-only", test_verbose_logs_on_stderr);
  ADD ("help/usage-line", test_help_usage_line);
  ADD ("progress/redrawn-on-terminal", test_progress_on_terminal);
  ADD ("progress/log-lines-above", test_progress_with_verbose);
  ADD ("progress/not-on-pipe-or-quiet", test_progress_not_on_pipe_or_quiet);
  ADD ("unreachable-endpoint", test_unreachable_endpoint);
  ADD ("secret-not-shown", test_secret_not_shown);
  ADD ("list-plugins", test_list_plugins);
  ADD ("interrupt/first-finishes-in-flight", test_interrupt_finishes_in_flight);
  ADD ("interrupt/second-aborts-in-flight", test_interrupt_twice_aborts_in_flight);
  ADD ("jobs/soft-file-limit-raised", test_jobs_raise_file_limit);
  ADD ("jobs/over-file-limit-refused", test_jobs_over_file_limit_refused);
  ADD ("stats/failures-by-error", test_stats_of_failures);
  ADD ("stats/tokens-of-reasks-summed", test_stats_tokens_of_reasks);
  ADD ("converter/types-and-prompt-in-cache-key", test_types_and_prompt_in_cache_key);
  ADD ("converter/structured-output", test_structured_output_option);
  ADD ("usage-errors/types-and-structured-output", test_converter_usage_errors);

#undef ADD

  return g_test_run ();
}
