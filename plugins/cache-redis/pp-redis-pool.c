/* pp-redis-pool.c: connections to one Redis server, shared by threads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <libpp/libpp.h>

#include "pp-redis-pool.h"

/*
 * PpRedisPool:
 *
 * The connections of a cache to its Redis server. A hiredis context is not
 * thread-safe: each command takes a connection of its own out of the pool,
 * or opens one when none is idle, and gives it back once it has the reply,
 * so that as many connections are open as threads used the pool at once.
 * A connection is opened with a timeout, authenticated and switched to its
 * database, and every command on it times out too: a server that hangs
 * costs a command at most the timeout.
 *
 * A server that cannot be reached, or that breaks a connection, is taken
 * to be down: the commands of the next retry interval get no reply at once,
 * without trying, and the first after it tries one new connection. The
 * first failure of an outage is logged as a warning, the others only as
 * debug messages; an outage ends with the first reply.
 *
 * That is for the commands of the cache itself, which go on without the
 * server. A pipeline, which looking after the cache runs, is asked for by
 * someone waiting for its outcome: it tries a connection even during an
 * outage, says why it failed in a #GError rather than a warning, and
 * leaves the outage of the cache's own commands to them.
 *
 * No message names the password: the URL is shown with it hidden, and a
 * server's error message is shown with it replaced.
 */
struct _PpRedisPool
{
  PpRedisUrl *url;
  guint timeout_ms;
  gint64 retry_interval_us;

  GMutex lock;         /* guards every member below */
  GQueue idle;         /* (element-type redisContext): connected and ready */
  gint64 retry_at;     /* monotonic µs before which no connection is tried;
                        * 0 while the server is taken to be up */
  gboolean said_down;  /* the warning of the outage under way was logged */
  gboolean closed;
};

/* How a command is run: for the cache, which goes on without the server
 * and warns once (best effort), or for someone waiting for its outcome,
 * who is told why it failed (reporting) */
typedef enum
{
  RUN_BEST_EFFORT,
  RUN_REPORTING,
} RunMode;

PpRedisPool *
pp_redis_pool_new (PpRedisUrl *url,
                   guint       timeout_ms,
                   guint       retry_interval_s)
{
  PpRedisPool *pool;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (timeout_ms > 0, NULL);

  pool = g_new0 (PpRedisPool, 1);
  pool->url = url;
  pool->timeout_ms = timeout_ms;
  pool->retry_interval_us = (gint64) retry_interval_s * G_USEC_PER_SEC;
  g_mutex_init (&pool->lock);
  g_queue_init (&pool->idle);

  return pool;
}

static void
free_contexts (GQueue *contexts)
{
  redisContext *context;

  while ((context = g_queue_pop_head (contexts)) != NULL)
    redisFree (context);
}

void
pp_redis_pool_free (PpRedisPool *pool)
{
  if (pool == NULL)
    return;

  free_contexts (&pool->idle);
  g_mutex_clear (&pool->lock);
  pp_redis_url_free (pool->url);
  g_free (pool);
}

/* The URL with the password hidden */
const char *
pp_redis_pool_get_display_url (PpRedisPool *pool)
{
  return pool->url->display;
}

/* @text, such as a server's error message, with the password replaced */
char *
pp_redis_pool_hide_password (PpRedisPool *pool,
                             const char  *text)
{
  GString *hidden = g_string_new (text);

  if (pool->url->password != NULL)
    g_string_replace (hidden, pool->url->password, PP_REDIS_URL_HIDDEN, 0);

  return g_string_free (hidden, FALSE);
}

/* What is wrong with @reply, an error reply or one of another type than
 * expected, fit to show */
char *
pp_redis_pool_describe_reply (PpRedisPool *pool,
                              redisReply  *reply)
{
  if (reply->type == REDIS_REPLY_ERROR)
    return pp_redis_pool_hide_password (pool, reply->str);

  return g_strdup_printf ("a reply of unexpected type %d", reply->type);
}

static struct timeval
get_timeout (PpRedisPool *pool)
{
  struct timeval timeout = {
    .tv_sec = pool->timeout_ms / 1000,
    .tv_usec = (pool->timeout_ms % 1000) * 1000,
  };

  return timeout;
}

static gboolean
is_timeout (redisContext *context,
            int           saved_errno)
{
  return context->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK);
}

/* Why a command on @context got no reply; @saved_errno is errno just after it */
static char *
describe_failure (PpRedisPool  *pool,
                  redisContext *context,
                  int           saved_errno)
{
  if (is_timeout (context, saved_errno))
    return g_strdup_printf ("no reply within %u ms", pool->timeout_ms);

  if (context->err == REDIS_ERR_EOF)
    return g_strdup ("the server closed the connection");

  return g_strdup (context->errstr);
}

/* Runs a command that readies a new connection; @what names it in errors */
static gboolean
run_setup_command (PpRedisPool   *pool,
                   redisContext  *context,
                   const char    *what,
                   int            argc,
                   const char   **argv,
                   GError       **error)
{
  g_autoptr(redisReply) reply = redisCommandArgv (context, argc, argv, NULL);
  int saved_errno = errno;

  if (reply == NULL)
    {
      g_autofree char *cause = describe_failure (pool, context, saved_errno);

      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED, "%s: %s", what, cause);
      return FALSE;
    }

  if (reply->type == REDIS_REPLY_ERROR)
    {
      g_autofree char *cause = pp_redis_pool_hide_password (pool, reply->str);

      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED, "%s refused: %s", what, cause);
      return FALSE;
    }

  return TRUE;
}

/* A new connection, authenticated and on its database, whose commands time out */
static redisContext *
open_connection (PpRedisPool  *pool,
                 GError      **error)
{
  PpRedisUrl *url = pool->url;
  redisContext *context;

  context = redisConnectWithTimeout (url->host, url->port, get_timeout (pool));
  if (context == NULL)
    {
      g_set_error_literal (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                           "could not connect: out of memory");
      return NULL;
    }

  if (context->err != 0)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "could not connect: %s", context->errstr);
      redisFree (context);
      return NULL;
    }

  if (redisSetTimeout (context, get_timeout (pool)) != REDIS_OK)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "could not set the timeout of commands: %s", context->errstr);
      redisFree (context);
      return NULL;
    }

  if (url->password != NULL)
    {
      const char *user_argv[] = { "AUTH", url->user, url->password };
      const char *password_argv[] = { "AUTH", url->password };
      gboolean done;

      if (url->user != NULL)
        done = run_setup_command (pool, context, "AUTH", 3, user_argv, error);
      else
        done = run_setup_command (pool, context, "AUTH", 2, password_argv, error);

      if (!done)
        {
          redisFree (context);
          return NULL;
        }
    }

  if (url->db != 0)
    {
      g_autofree char *db = g_strdup_printf ("%u", url->db);
      const char *argv[] = { "SELECT", db };

      if (!run_setup_command (pool, context, "SELECT", 2, argv, error))
        {
          redisFree (context);
          return NULL;
        }
    }

  return context;
}

/* The server failed (@cause says how): no connection is tried for a
 * retry interval, and the idle ones, most likely broken too, are closed */
static void
mark_down (PpRedisPool *pool,
           const char  *cause)
{
  GQueue broken = G_QUEUE_INIT;
  gboolean first;

  g_mutex_lock (&pool->lock);
  pool->retry_at = g_get_monotonic_time () + pool->retry_interval_us;
  first = !pool->said_down;
  pool->said_down = TRUE;
  broken = pool->idle;
  g_queue_init (&pool->idle);
  g_mutex_unlock (&pool->lock);

  free_contexts (&broken);

  if (first)
    g_warning ("Redis cache %s: %s; going on without the cache, and trying again "
               "every %" G_GINT64_FORMAT " s",
               pool->url->display, cause, pool->retry_interval_us / G_USEC_PER_SEC);
  else
    g_debug ("Redis cache %s: %s", pool->url->display, cause);
}

/* The server replied: an outage, if any, is over. Not said on a mere
 * connection, which a server that hangs still accepts. */
static void
mark_up (PpRedisPool *pool)
{
  gboolean was_down;

  g_mutex_lock (&pool->lock);
  was_down = pool->said_down;
  pool->retry_at = 0;
  pool->said_down = FALSE;
  g_mutex_unlock (&pool->lock);

  if (was_down)
    g_info ("Redis cache %s: reachable again", pool->url->display);
}

/* A command failed because the server did (@cause says how). For a
 * best-effort command, the server is taken to be down; a reporting one
 * reports the failure itself and leaves the cache's outage, if any, to the
 * cache's own commands, which warn about it. */
static void
fail (PpRedisPool  *pool,
      RunMode       mode,
      const char   *cause,
      GError      **error)
{
  if (mode == RUN_BEST_EFFORT)
    mark_down (pool, cause);
  else
    g_debug ("Redis cache %s: %s", pool->url->display, cause);

  g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
               "Redis cache %s: %s", pool->url->display, cause);
}

/* A connection to run a command on: an idle one when @reuse is TRUE and
 * there is one (*@reused is then TRUE), or a new one. NULL when the pool
 * is closed, or the server is down (during a retry interval, only for a
 * best-effort command); a reporting command then gets @error. */
static redisContext *
acquire (PpRedisPool  *pool,
         RunMode       mode,
         gboolean      reuse,
         gboolean     *reused,
         GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  redisContext *context = NULL;

  *reused = FALSE;

  g_mutex_lock (&pool->lock);

  if (pool->closed)
    {
      g_mutex_unlock (&pool->lock);
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis cache %s: the cache is closed", pool->url->display);
      return NULL;
    }

  if (reuse)
    context = g_queue_pop_head (&pool->idle);

  if (context == NULL && pool->retry_at != 0 && mode == RUN_BEST_EFFORT)
    {
      gint64 now = g_get_monotonic_time ();

      if (now < pool->retry_at)
        {
          g_mutex_unlock (&pool->lock);
          return NULL;
        }

      /* This thread tries; the others go on without the server until it knows */
      pool->retry_at = now + pool->retry_interval_us;
    }

  g_mutex_unlock (&pool->lock);

  if (context != NULL)
    {
      *reused = TRUE;
      return context;
    }

  context = open_connection (pool, &local_error);
  if (context == NULL)
    {
      fail (pool, mode, local_error->message, error);
      return NULL;
    }

  return context;
}

static void
release (PpRedisPool  *pool,
         redisContext *context)
{
  g_mutex_lock (&pool->lock);

  if (!pool->closed)
    {
      g_queue_push_head (&pool->idle, context);
      context = NULL;
    }

  g_mutex_unlock (&pool->lock);

  if (context != NULL)
    redisFree (context);
}

/* Sends @n_commands commands at once, and reads their replies into
 * @replies; on failure, frees the replies read and saves errno */
static gboolean
send_commands (redisContext         *context,
               guint                 n_commands,
               const PpRedisCommand *commands,
               redisReply          **replies,
               int                  *saved_errno)
{
  guint n_replies;

  for (guint i = 0; i < n_commands; i++)
    if (redisAppendCommandArgv (context, commands[i].argc, commands[i].argv,
                                commands[i].argv_len) != REDIS_OK)
      {
        *saved_errno = errno;
        return FALSE;
      }

  for (n_replies = 0; n_replies < n_commands; n_replies++)
    {
      void *reply = NULL;

      if (redisGetReply (context, &reply) != REDIS_OK)
        {
          *saved_errno = errno;
          for (guint i = 0; i < n_replies; i++)
            g_clear_pointer (&replies[i], freeReplyObject);
          return FALSE;
        }
      replies[n_replies] = reply;
    }

  return TRUE;
}

static gboolean
run_commands (PpRedisPool           *pool,
              RunMode                mode,
              guint                  n_commands,
              const PpRedisCommand  *commands,
              redisReply           **replies,
              GError               **error)
{
  gboolean reuse = TRUE;

  for (;;)
    {
      g_autofree char *reason = NULL;
      g_autofree char *cause = NULL;
      redisContext *context;
      gboolean reused;
      gboolean timed_out;
      int saved_errno = 0;

      context = acquire (pool, mode, reuse, &reused, error);
      if (context == NULL)
        return FALSE;

      if (send_commands (context, n_commands, commands, replies, &saved_errno))
        {
          release (pool, context);
          mark_up (pool);
          return TRUE;
        }

      timed_out = is_timeout (context, saved_errno);
      reason = describe_failure (pool, context, saved_errno);
      redisFree (context);

      /* The server may have closed an idle connection meanwhile (its idle
       * timeout, a restart), and then likely all of them: one new
       * connection is tried before the server is taken to be down. Not
       * after a timeout, which would make a hung server cost twice. */
      if (reused && !timed_out)
        {
          GQueue stale = G_QUEUE_INIT;

          g_debug ("Redis cache %s: an idle connection was lost (%s); connecting again",
                   pool->url->display, reason);

          g_mutex_lock (&pool->lock);
          stale = pool->idle;
          g_queue_init (&pool->idle);
          g_mutex_unlock (&pool->lock);
          free_contexts (&stale);

          reuse = FALSE;
          continue;
        }

      cause = g_strconcat ("lost the connection: ", reason, NULL);
      fail (pool, mode, cause, error);
      return FALSE;
    }
}

/*
 * pp_redis_pool_run:
 * @pool: a pool
 * @argc: the number of arguments
 * @argv: (array length=argc): the command and its arguments
 * @argv_len: (array length=argc) (nullable): their lengths in bytes, or
 *   %NULL when all are nul-terminated strings
 *
 * Runs a command of the cache on a connection of its own, and gives the
 * connection back. An error reply is a reply: the caller decides what it
 * means.
 *
 * Returns: (transfer full) (nullable): the reply, or %NULL when there is
 *   none: the pool is closed, the server is down, or it failed now (which
 *   is logged)
 */
redisReply *
pp_redis_pool_run (PpRedisPool   *pool,
                   int            argc,
                   const char   **argv,
                   const size_t  *argv_len)
{
  PpRedisCommand command = { argc, argv, argv_len };
  redisReply *reply = NULL;

  if (!run_commands (pool, RUN_BEST_EFFORT, 1, &command, &reply, NULL))
    return NULL;

  return reply;
}

/*
 * pp_redis_pool_run_pipeline:
 * @pool: a pool
 * @n_commands: how many commands there are
 * @commands: (array length=n_commands): the commands
 * @replies: (out caller-allocates) (array length=n_commands): where to put
 *   the replies, in the order of the commands
 * @error: return location for a #GError
 *
 * Sends @n_commands commands at once on one connection, then reads their
 * replies: one round trip for them all. An error reply is a reply. Tries a
 * connection even while the server is taken to be down, and logs no
 * warning: the caller is told why it failed.
 *
 * Returns: %TRUE when every command got a reply, each of which the caller
 *   frees; %FALSE with @error set and no reply otherwise
 */
gboolean
pp_redis_pool_run_pipeline (PpRedisPool           *pool,
                            guint                  n_commands,
                            const PpRedisCommand  *commands,
                            redisReply           **replies,
                            GError               **error)
{
  g_return_val_if_fail (n_commands == 0 || (commands != NULL && replies != NULL), FALSE);

  if (n_commands == 0)
    return TRUE;

  return run_commands (pool, RUN_REPORTING, n_commands, commands, replies, error);
}

/* Closes every connection; commands run after it get no reply, and
 * connections in use are closed when they are given back */
void
pp_redis_pool_close (PpRedisPool *pool)
{
  GQueue idle = G_QUEUE_INIT;

  g_mutex_lock (&pool->lock);
  pool->closed = TRUE;
  idle = pool->idle;
  g_queue_init (&pool->idle);
  g_mutex_unlock (&pool->lock);

  free_contexts (&idle);
}
