/* pp-redis-admin.c: counting and removing the entries under a key prefix
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

#include "pp-redis-admin.h"
#include "pp-redis-entry.h"

/*
 * The entries of a cache are the keys under its prefix, which `SCAN …
 * MATCH` walks a batch at a time without blocking the server as `KEYS`
 * would; each batch is then read or removed with one pipeline, one round
 * trip. `SCAN` returns every key that stays for the whole walk, and may
 * return a key twice: counting skips the keys already seen, and removing
 * counts only what `UNLINK` removed.
 *
 * A key under the prefix that is not a string is none of the cache's
 * entries: it is neither counted nor pruned (but cleared).
 */

/* How many keys SCAN looks at a step */
#define SCAN_COUNT "1000"

/* The last byte of the header, for GETRANGE */
#define HEADER_END "15"
G_STATIC_ASSERT (PP_REDIS_ENTRY_HEADER_SIZE == 15 + 1);

static gboolean
set_refused (PpRedisPool  *pool,
             const char   *command,
             redisReply   *reply,
             GError      **error)
{
  g_autofree char *cause = pp_redis_pool_describe_reply (pool, reply);

  g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED, "Redis cache %s: %s refused: %s",
               pp_redis_pool_get_display_url (pool), command, cause);

  return FALSE;
}

/* A MATCH pattern for the keys that start with @key_prefix, whose glob
 * characters stand for themselves */
static char *
make_prefix_pattern (const char *key_prefix)
{
  GString *pattern = g_string_new (NULL);

  for (const char *p = key_prefix; *p != '\0'; p++)
    {
      if (strchr ("*?[]\\", *p) != NULL)
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '*');

  return g_string_free (pattern, FALSE);
}

/* Called with each batch of keys, an array reply of strings; returns
 * FALSE with @error set to stop */
typedef gboolean (* ScanBatchFunc) (PpRedisPool  *pool,
                                    redisReply   *keys,
                                    gpointer      user_data,
                                    GError      **error);

static gboolean
is_scan_reply (redisReply *reply)
{
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
      reply->element[0]->type != REDIS_REPLY_STRING ||
      reply->element[1]->type != REDIS_REPLY_ARRAY)
    return FALSE;

  for (size_t i = 0; i < reply->element[1]->elements; i++)
    if (reply->element[1]->element[i]->type != REDIS_REPLY_STRING)
      return FALSE;

  return TRUE;
}

/* Walks the keys under @key_prefix, handing each batch to @func */
static gboolean
scan_prefix (PpRedisPool    *pool,
             const char     *key_prefix,
             ScanBatchFunc   func,
             gpointer        user_data,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autofree char *pattern = make_prefix_pattern (key_prefix);
  g_autofree char *cursor = g_strdup ("0");

  do
    {
      const char *argv[] = { "SCAN", cursor, "MATCH", pattern, "COUNT", SCAN_COUNT };
      PpRedisCommand command = { G_N_ELEMENTS (argv), argv, NULL };
      g_autoptr(redisReply) reply = NULL;
      redisReply *keys;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!pp_redis_pool_run_pipeline (pool, 1, &command, &reply, error))
        return FALSE;

      if (!is_scan_reply (reply))
        return set_refused (pool, "SCAN", reply, error);

      g_free (cursor);
      cursor = g_strndup (reply->element[0]->str, reply->element[0]->len);

      keys = reply->element[1];
      if (keys->elements > 0 && !func (pool, keys, user_data, error))
        return FALSE;
    }
  while (strcmp (cursor, "0") != 0);

  return TRUE;
}

/* Runs one command per key of @keys, `NAME key ARGS…`, in one pipeline;
 * @replies receives keys->elements replies */
static gboolean
run_per_key (PpRedisPool  *pool,
             redisReply   *keys,
             const char   *name,
             int           n_args,
             const char  **args,
             redisReply  **replies,
             GError      **error)
{
  int argc = 2 + n_args;
  g_autofree PpRedisCommand *commands = g_new (PpRedisCommand, keys->elements);
  g_autofree const char **argv = g_new (const char *, keys->elements * argc);
  g_autofree size_t *argv_len = g_new (size_t, keys->elements * argc);

  for (size_t i = 0; i < keys->elements; i++)
    {
      const char **command_argv = argv + i * argc;
      size_t *command_argv_len = argv_len + i * argc;

      command_argv[0] = name;
      command_argv_len[0] = strlen (name);
      command_argv[1] = keys->element[i]->str;
      command_argv_len[1] = keys->element[i]->len;
      for (int j = 0; j < n_args; j++)
        {
          command_argv[2 + j] = args[j];
          command_argv_len[2 + j] = strlen (args[j]);
        }

      commands[i].argc = argc;
      commands[i].argv = command_argv;
      commands[i].argv_len = command_argv_len;
    }

  return pp_redis_pool_run_pipeline (pool, keys->elements, commands, replies, error);
}

static void
free_replies (redisReply **replies,
              size_t       n_replies)
{
  for (size_t i = 0; i < n_replies; i++)
    g_clear_pointer (&replies[i], freeReplyObject);
  g_free (replies);
}

/* The header of each key of @keys, as `GETRANGE key 0 15` replies */
static redisReply **
read_headers (PpRedisPool  *pool,
              redisReply   *keys,
              GError      **error)
{
  static const char *range[] = { "0", HEADER_END };
  redisReply **replies = g_new0 (redisReply *, keys->elements);

  if (!run_per_key (pool, keys, "GETRANGE", G_N_ELEMENTS (range), range, replies, error))
    {
      g_free (replies);
      return NULL;
    }

  return replies;
}

/* Removes the keys of @keys that @remove, if not NULL, flags, with one
 * `UNLINK`, and adds how many there were to *@n_removed */
static gboolean
unlink_keys (PpRedisPool     *pool,
             redisReply      *keys,
             const gboolean  *remove,
             guint64         *n_removed,
             GError         **error)
{
  g_autofree const char **argv = g_new (const char *, keys->elements + 1);
  g_autofree size_t *argv_len = g_new (size_t, keys->elements + 1);
  PpRedisCommand command = { 1, argv, argv_len };
  g_autoptr(redisReply) reply = NULL;

  argv[0] = "UNLINK";
  argv_len[0] = strlen (argv[0]);
  for (size_t i = 0; i < keys->elements; i++)
    {
      if (remove != NULL && !remove[i])
        continue;
      argv[command.argc] = keys->element[i]->str;
      argv_len[command.argc] = keys->element[i]->len;
      command.argc++;
    }

  if (command.argc == 1)
    return TRUE;

  if (!pp_redis_pool_run_pipeline (pool, 1, &command, &reply, error))
    return FALSE;

  if (reply->type != REDIS_REPLY_INTEGER)
    return set_refused (pool, "UNLINK", reply, error);

  *n_removed += (guint64) reply->integer;

  return TRUE;
}

/* Counting */

typedef struct
{
  GHashTable *seen;       /* (element-type utf8): the keys counted */
  guint64 n_entries;
  guint64 n_bytes;
  gboolean any_time;
  gint64 oldest;
  gint64 newest;
} Count;

static gboolean
count_batch (PpRedisPool  *pool,
             redisReply   *keys,
             gpointer      user_data,
             GError      **error)
{
  Count *count = user_data;
  redisReply **lengths = g_new0 (redisReply *, keys->elements);
  redisReply **headers = NULL;
  gboolean done = FALSE;

  if (!run_per_key (pool, keys, "STRLEN", 0, NULL, lengths, error))
    goto out;

  headers = read_headers (pool, keys, error);
  if (headers == NULL)
    goto out;

  for (size_t i = 0; i < keys->elements; i++)
    {
      redisReply *key = keys->element[i];
      gint64 created_us;

      /* Not a string, or gone since the SCAN: no entry */
      if (lengths[i]->type != REDIS_REPLY_INTEGER || lengths[i]->integer <= 0)
        continue;

      if (!g_hash_table_add (count->seen, g_strndup (key->str, key->len)))
        continue;

      count->n_entries++;
      count->n_bytes += key->len + (guint64) lengths[i]->integer;

      if (headers[i]->type == REDIS_REPLY_STRING &&
          pp_redis_entry_read_header (headers[i]->str, headers[i]->len, &created_us))
        {
          count->oldest = count->any_time ? MIN (count->oldest, created_us) : created_us;
          count->newest = count->any_time ? MAX (count->newest, created_us) : created_us;
          count->any_time = TRUE;
        }
    }

  done = TRUE;

out:
  free_replies (lengths, keys->elements);
  if (headers != NULL)
    free_replies (headers, keys->elements);

  return done;
}

/*
 * pp_redis_admin_count:
 * @pool: the connections to the server
 * @key_prefix: what the keys of the entries start with
 * @info: the dictionary to add `entries`, `bytes` (of the keys and the
 *   stored values, headers included) and, when any entry has a valid
 *   header, `oldest` and `newest` to
 * @cancellable: (nullable): a #GCancellable, checked between batches
 * @error: return location for a #GError
 *
 * Counts the entries under @key_prefix.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 */
gboolean
pp_redis_admin_count (PpRedisPool   *pool,
                      const char    *key_prefix,
                      GVariantDict  *info,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Count count = { .seen = seen };

  if (!scan_prefix (pool, key_prefix, count_batch, &count, cancellable, error))
    return FALSE;

  g_variant_dict_insert (info, "entries", "t", count.n_entries);
  g_variant_dict_insert (info, "bytes", "t", count.n_bytes);
  if (count.any_time)
    {
      g_variant_dict_insert (info, "oldest", "x", count.oldest);
      g_variant_dict_insert (info, "newest", "x", count.newest);
    }

  return TRUE;
}

/* Removing */

static gboolean
clear_batch (PpRedisPool  *pool,
             redisReply   *keys,
             gpointer      user_data,
             GError      **error)
{
  return unlink_keys (pool, keys, NULL, user_data, error);
}

/*
 * pp_redis_admin_clear:
 * @pool: the connections to the server
 * @key_prefix: what the keys of the entries start with
 * @n_removed: (out): return location for how many keys were removed
 * @cancellable: (nullable): a #GCancellable, checked between batches
 * @error: return location for a #GError
 *
 * Removes every key under @key_prefix, and no other.
 *
 * Returns: %TRUE on success, %FALSE with @error set (*@n_removed then
 *   says how many were removed before the failure)
 */
gboolean
pp_redis_admin_clear (PpRedisPool   *pool,
                      const char    *key_prefix,
                      guint64       *n_removed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  *n_removed = 0;

  return scan_prefix (pool, key_prefix, clear_batch, n_removed, cancellable, error);
}

typedef struct
{
  gint64 created_before;
  guint64 n_removed;
} Prune;

static gboolean
prune_batch (PpRedisPool  *pool,
             redisReply   *keys,
             gpointer      user_data,
             GError      **error)
{
  Prune *prune = user_data;
  g_autofree gboolean *remove = g_new0 (gboolean, keys->elements);
  redisReply **headers;

  headers = read_headers (pool, keys, error);
  if (headers == NULL)
    return FALSE;

  for (size_t i = 0; i < keys->elements; i++)
    {
      gint64 created_us;

      /* Not a string: none of the cache's entries */
      if (headers[i]->type != REDIS_REPLY_STRING)
        continue;

      /* Without a valid header, an entry is never found: it only takes room */
      remove[i] = !pp_redis_entry_read_header (headers[i]->str, headers[i]->len, &created_us) ||
                  created_us < prune->created_before;
    }
  free_replies (headers, keys->elements);

  /* An entry stored again between the two round trips goes too, and
   * is only a miss the next time */
  return unlink_keys (pool, keys, remove, &prune->n_removed, error);
}

/*
 * pp_redis_admin_prune:
 * @pool: the connections to the server
 * @key_prefix: what the keys of the entries start with
 * @created_before: the time, in µs since 1970 UTC, before which entries
 *   were stored to be removed
 * @n_removed: (out): return location for how many entries were removed
 * @cancellable: (nullable): a #GCancellable, checked between batches
 * @error: return location for a #GError
 *
 * Removes the entries under @key_prefix stored before @created_before, and
 * those without a valid header, which are never found. Expired entries are
 * gone already: the server drops them.
 *
 * Returns: %TRUE on success, %FALSE with @error set (*@n_removed then
 *   says how many were removed before the failure)
 */
gboolean
pp_redis_admin_prune (PpRedisPool   *pool,
                      const char    *key_prefix,
                      gint64         created_before,
                      guint64       *n_removed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  Prune prune = { created_before, 0 };
  gboolean done;

  done = scan_prefix (pool, key_prefix, prune_batch, &prune, cancellable, error);
  *n_removed = prune.n_removed;

  return done;
}
