/* pp-test-redis.c: a real redis-server on a free loopback port, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <hiredis/hiredis.h>

#include "pp-test-dir.h"
#include "pp-test-redis.h"

#define START_TIMEOUT_MS 20000
#define START_ATTEMPTS 5
#define POLL_INTERVAL_MS 10
#define CLIENT_TIMEOUT_MS 2000

struct _PpTestRedis
{
  GSubprocess *process;   /* NULL once killed */
  guint16 port;
  char *password;
  char *dir;
};

/* Skips the test, with a message, when redis-server is not installed */
gboolean
pp_test_redis_skip_if_missing (void)
{
  g_autofree char *path = g_find_program_in_path ("redis-server");

  if (path != NULL)
    return FALSE;

  g_test_skip ("redis-server is not installed (Debian package redis-server)");
  return TRUE;
}

/* A loopback port that nothing listened on a moment ago */
guint16
pp_test_redis_pick_free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* In the child: dies with the thread that started it, so that a test that
 * crashes leaves no server behind */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
free_reply (redisReply *reply)
{
  freeReplyObject (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (redisReply, free_reply)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (redisContext, redisFree)

/* A client connection to @redis on database @db, or NULL with @error set */
static redisContext *
connect_client (PpTestRedis  *redis,
                guint         db,
                GError      **error)
{
  struct timeval timeout = { CLIENT_TIMEOUT_MS / 1000, (CLIENT_TIMEOUT_MS % 1000) * 1000 };
  g_autoptr(redisContext) context = redisConnectWithTimeout ("127.0.0.1", redis->port, timeout);
  g_autofree char *db_text = g_strdup_printf ("%u", db);
  const char *auth_argv[] = { "AUTH", redis->password };
  const char *select_argv[] = { "SELECT", db_text };
  const char *ping_argv[] = { "PING" };
  g_autoptr(redisReply) reply = NULL;

  g_assert_nonnull (context);
  if (context->err != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "connecting: %s", context->errstr);
      return NULL;
    }
  redisSetTimeout (context, timeout);

  if (redis->password != NULL)
    {
      reply = redisCommandArgv (context, G_N_ELEMENTS (auth_argv), auth_argv, NULL);
      if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "AUTH failed");
          return NULL;
        }
      g_clear_pointer (&reply, free_reply);
    }

  reply = redisCommandArgv (context, G_N_ELEMENTS (select_argv), select_argv, NULL);
  if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SELECT failed");
      return NULL;
    }
  g_clear_pointer (&reply, free_reply);

  reply = redisCommandArgv (context, G_N_ELEMENTS (ping_argv), ping_argv, NULL);
  if (reply == NULL || reply->type != REDIS_REPLY_STATUS || g_strcmp0 (reply->str, "PONG") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no PONG to PING");
      return NULL;
    }

  return g_steal_pointer (&context);
}

static char *
read_log (PpTestRedis *redis)
{
  g_autofree char *path = g_build_filename (redis->dir, "redis.log", NULL);
  char *log = NULL;

  if (!g_file_get_contents (path, &log, NULL, NULL))
    return g_strdup ("(no log)");

  return log;
}

/* Starts the server and waits until it answers PING; FALSE when it exited
 * first (the port was taken meanwhile, most likely) */
static gboolean
start (PpTestRedis *redis)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  gint64 deadline;

  g_ptr_array_add (argv, g_strdup ("redis-server"));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", redis->port));
  g_ptr_array_add (argv, g_strdup ("--bind"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1"));
  g_ptr_array_add (argv, g_strdup ("--save"));
  g_ptr_array_add (argv, g_strdup (""));
  g_ptr_array_add (argv, g_strdup ("--appendonly"));
  g_ptr_array_add (argv, g_strdup ("no"));
  g_ptr_array_add (argv, g_strdup ("--daemonize"));
  g_ptr_array_add (argv, g_strdup ("no"));
  g_ptr_array_add (argv, g_strdup ("--dir"));
  g_ptr_array_add (argv, g_strdup (redis->dir));
  g_ptr_array_add (argv, g_strdup ("--logfile"));
  g_ptr_array_add (argv, g_build_filename (redis->dir, "redis.log", NULL));
  if (redis->password != NULL)
    {
      g_ptr_array_add (argv, g_strdup ("--requirepass"));
      g_ptr_array_add (argv, g_strdup (redis->password));
    }
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  redis->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  /* Polls for a condition, with a bound: no settling time is assumed */
  deadline = g_get_monotonic_time () + START_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(redisContext) context = NULL;

      /* The identifier goes once GLib's worker thread has reaped the child */
      if (g_subprocess_get_identifier (redis->process) == NULL)
        {
          g_autofree char *log = read_log (redis);

          g_test_message ("redis-server on port %u exited at start: %s", redis->port, log);
          g_clear_object (&redis->process);
          return FALSE;
        }

      context = connect_client (redis, 0, NULL);
      if (context != NULL)
        return TRUE;

      g_usleep (POLL_INTERVAL_MS * 1000);
    }

  g_error ("redis-server on port %u did not answer PING within %u ms", redis->port, START_TIMEOUT_MS);
}

static PpTestRedis *
test_redis_new (guint16     port,
                const char *password)
{
  PpTestRedis *redis = g_new0 (PpTestRedis, 1);
  g_autoptr(GError) error = NULL;

  redis->port = port;
  redis->password = g_strdup (password);
  redis->dir = g_dir_make_tmp ("pp-test-redis-XXXXXX", &error);
  g_assert_no_error (error);

  return redis;
}

/*
 * pp_test_redis_new:
 * @password: (nullable): the password the server requires, if any
 *
 * Starts a server at a free port of 127.0.0.1 and waits until it answers.
 * Call it from the test's main thread (the server dies with the thread that
 * started it), after pp_test_redis_skip_if_missing().
 */
PpTestRedis *
pp_test_redis_new (const char *password)
{
  for (guint i = 0; i < START_ATTEMPTS; i++)
    {
      PpTestRedis *redis = test_redis_new (pp_test_redis_pick_free_port (), password);

      if (start (redis))
        return redis;

      pp_test_redis_free (redis);
    }

  g_error ("redis-server did not start in %u attempts", START_ATTEMPTS);
}

/* Starts a server at @port, which must be free, and waits until it answers */
PpTestRedis *
pp_test_redis_new_on_port (guint16     port,
                           const char *password)
{
  PpTestRedis *redis = test_redis_new (port, password);

  if (!start (redis))
    g_error ("redis-server did not start on port %u", port);

  return redis;
}

void
pp_test_redis_free (PpTestRedis *redis)
{
  if (redis == NULL)
    return;

  pp_test_redis_kill (redis);
  pp_test_remove_tree (redis->dir);

  g_free (redis->dir);
  g_free (redis->password);
  g_free (redis);
}

guint16
pp_test_redis_get_port (PpTestRedis *redis)
{
  return redis->port;
}

/* The URL of database @db, with the server's password if it has one */
char *
pp_test_redis_dup_url (PpTestRedis *redis,
                       guint        db)
{
  g_autofree char *password = NULL;

  if (redis->password == NULL)
    return g_strdup_printf ("redis://127.0.0.1:%u/%u", redis->port, db);

  password = g_uri_escape_string (redis->password, NULL, FALSE);
  return g_strdup_printf ("redis://:%s@127.0.0.1:%u/%u", password, redis->port, db);
}

/*
 * pp_test_redis_query:
 * @redis: a server
 * @db: the database to run the command on
 * @first_arg: the command, followed by its arguments and %NULL
 *
 * Runs a command on a connection of its own, as another client would.
 *
 * Returns: (nullable): a string reply, status or error (as "(error) …") as
 *   it is, an integer in decimal, an array as its elements one a line, or
 *   %NULL for a nil reply
 */
char *
pp_test_redis_query (PpTestRedis *redis,
                     guint        db,
                     const char  *first_arg,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(redisContext) context = NULL;
  g_autoptr(redisReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);

  context = connect_client (redis, db, &error);
  g_assert_no_error (error);

  reply = redisCommandArgv (context, argv->len, (const char **) argv->pdata, NULL);
  g_assert_nonnull (reply);

  switch (reply->type)
    {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      return g_strndup (reply->str, reply->len);

    case REDIS_REPLY_ERROR:
      return g_strdup_printf ("(error) %s", reply->str);

    case REDIS_REPLY_INTEGER:
      return g_strdup_printf ("%lld", reply->integer);

    case REDIS_REPLY_ARRAY:
      {
        GString *lines = g_string_new (NULL);

        for (size_t i = 0; i < reply->elements; i++)
          g_string_append_printf (lines, "%s%.*s", i > 0 ? "\n" : "",
                                  (int) reply->element[i]->len, reply->element[i]->str);
        return g_string_free (lines, FALSE);
      }

    default:
      return NULL;
    }
}

/* Waits, at most @timeout_ms, until @key no longer exists in database @db */
gboolean
pp_test_redis_wait_for_key_gone (PpTestRedis *redis,
                                 guint        db,
                                 const char  *key,
                                 guint        timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  for (;;)
    {
      g_autofree char *exists = pp_test_redis_query (redis, db, "EXISTS", key, NULL);

      if (g_strcmp0 (exists, "0") == 0)
        return TRUE;
      if (g_get_monotonic_time () >= deadline)
        return FALSE;

      g_usleep (POLL_INTERVAL_MS * 1000);
    }
}

/* Kills the server at once (SIGKILL), as a crash would, and reaps it */
void
pp_test_redis_kill (PpTestRedis *redis)
{
  if (redis->process == NULL)
    return;

  g_subprocess_force_exit (redis->process);
  g_subprocess_wait (redis->process, NULL, NULL);
  g_clear_object (&redis->process);
}

/* The state letter of process @pid, from /proc (R, S, T…) */
static char
get_process_state (const char *pid)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return '?';

  /* "pid (comm) state …", where comm may hold anything */
  end = strrchr (stat, ')');
  if (end == NULL || end[1] != ' ')
    return '?';

  return end[2];
}

/* Stops the server (SIGSTOP), and waits until it has stopped: connections
 * stay open and nothing answers */
void
pp_test_redis_pause (PpTestRedis *redis)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  const char *pid;

  g_assert_nonnull (redis->process);
  pid = g_subprocess_get_identifier (redis->process);
  g_assert_nonnull (pid);

  g_subprocess_send_signal (redis->process, SIGSTOP);

  while (get_process_state (pid) != 'T')
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (POLL_INTERVAL_MS * 1000);
    }
}

void
pp_test_redis_resume (PpTestRedis *redis)
{
  g_assert_nonnull (redis->process);

  g_subprocess_send_signal (redis->process, SIGCONT);
}
