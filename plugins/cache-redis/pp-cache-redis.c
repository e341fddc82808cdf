/* pp-cache-redis.c: a cache shared through a Redis server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-cache-redis.h"
#include "pp-redis-admin.h"
#include "pp-redis-entry.h"
#include "pp-redis-pool.h"
#include "pp-redis-url.h"

/**
 * PpCacheRedis:
 *
 * The "redis" implementation of [iface@Pp.Cache]: entries kept by a Redis
 * server, so that the processes and machines that use the same server
 * share them, and none pays twice for the same answer.
 *
 * An entry is a Redis string under #PpCacheRedis:key-prefix followed by
 * the cache key: a header of 16 bytes (a magic number, a version, and
 * when it was stored), then the value as it is (any bytes). A string
 * without a valid header is a miss, never an answer. An entry stored with
 * a time to live is stored with `SET … EX`, so that the server drops it
 * when it expires.
 *
 * It implements [iface@Pp.CacheAdmin] over the keys under its prefix, and
 * no other: info counts them and the bytes of their names and values,
 * clear removes them, and prune removes those stored too long ago and
 * those without a valid header. Each walks the keys with `SCAN`, a batch
 * at a time, so that the server goes on serving meanwhile.
 *
 * A server that cannot be reached at start, or goes away during a run,
 * never fails the run: lookups are misses and stores store nothing, one
 * warning says so, and a new connection is tried at most every
 * #PpCacheRedis:retry-interval seconds. Each connection and
 * each command waits at most #PpCacheRedis:timeout-ms, so a
 * server that hangs costs no more. An error reply to a command (a full
 * server, a key of another type) is a miss or a value not stored, warned
 * about once.
 *
 * Lookups and stores may run from any number of threads: each takes a
 * connection of its own from a pool, which [method@Pp.Cache.close]
 * closes. The password of #PpCacheRedis:url is never logged,
 * put in an error, or read back.
 */

#define DEFAULT_URL "redis://localhost:6379"
#define DEFAULT_KEY_PREFIX "libpp:llm:"
#define DEFAULT_TIMEOUT_MS 2000
#define DEFAULT_RETRY_INTERVAL 5

struct _PpCacheRedis
{
  GObject parent_instance;

  /* set at construction, then read-only */
  char *url;              /* as given, password included; wiped by init */
  char *url_display;      /* with the password hidden */
  char *key_prefix;
  guint timeout_ms;
  guint retry_interval;

  /* set by g_initable_init(), then read-only; thread-safe itself */
  PpRedisPool *pool;

  int said_refused;       /* (atomic): an error reply was warned about */
};

enum {
  PROP_0,
  PROP_URL,
  PROP_KEY_PREFIX,
  PROP_TIMEOUT_MS,
  PROP_RETRY_INTERVAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pp_cache_redis_cache_iface_init    (PpCacheInterface *iface);
static void pp_cache_redis_initable_iface_init (GInitableIface   *iface);
static void pp_cache_redis_admin_iface_init    (PpCacheAdminInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpCacheRedis, pp_cache_redis, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (G_TYPE_INITABLE,
                                                               pp_cache_redis_initable_iface_init)
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CACHE,
                                                               pp_cache_redis_cache_iface_init)
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CACHE_ADMIN,
                                                               pp_cache_redis_admin_iface_init))

static void
wipe_string (char **string)
{
  if (*string != NULL)
    explicit_bzero (*string, strlen (*string));
  g_clear_pointer (string, g_free);
}

/* An error reply is warned about once; the same failure would otherwise be
 * warned about for every entry of every run */
static void
say_refused (PpCacheRedis *self,
             const char   *command,
             redisReply   *reply)
{
  g_autofree char *cause = pp_redis_pool_describe_reply (self->pool, reply);

  if (g_atomic_int_compare_and_exchange (&self->said_refused, FALSE, TRUE))
    g_warning ("Redis cache %s: %s refused: %s; such a failure is a miss, "
               "and is not warned about again",
               self->url_display, command, cause);
  else
    g_debug ("Redis cache %s: %s refused: %s", self->url_display, command, cause);
}

static GBytes *
pp_cache_redis_lookup (PpCache       *cache,
                       const char    *key,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (cache);
  g_autofree char *redis_key = NULL;
  g_autoptr(redisReply) reply = NULL;
  const char *argv[2];
  GBytes *value;

  g_return_val_if_fail (self->pool != NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  redis_key = g_strconcat (self->key_prefix, key, NULL);
  argv[0] = "GET";
  argv[1] = redis_key;

  /* No reply: the server is down, which was logged */
  reply = pp_redis_pool_run (self->pool, G_N_ELEMENTS (argv), argv, NULL);
  if (reply == NULL)
    return NULL;

  switch (reply->type)
    {
    case REDIS_REPLY_STRING:
      value = pp_redis_entry_unpack (reply->str, reply->len);
      if (value == NULL)
        g_debug ("Redis cache %s: key “%s” holds no valid entry; a miss",
                 self->url_display, redis_key);
      return value;

    case REDIS_REPLY_NIL:
      return NULL;

    default:
      say_refused (self, "GET", reply);
      return NULL;
    }
}

static gboolean
pp_cache_redis_store (PpCache       *cache,
                      const char    *key,
                      GBytes        *value,
                      guint          ttl_s,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (cache);
  g_autofree char *redis_key = NULL;
  g_autofree char *ttl = NULL;
  g_autoptr(redisReply) reply = NULL;
  g_autoptr(GBytes) entry = NULL;
  const char *argv[5];
  size_t argv_len[5];
  gsize size = 0;
  const char *data;
  int argc = 3;

  g_return_val_if_fail (self->pool != NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  redis_key = g_strconcat (self->key_prefix, key, NULL);
  entry = pp_redis_entry_pack (value, g_get_real_time ());
  data = g_bytes_get_data (entry, &size);

  argv[0] = "SET";
  argv[1] = redis_key;
  argv[2] = data;
  argv_len[0] = strlen (argv[0]);
  argv_len[1] = strlen (argv[1]);
  argv_len[2] = size;

  if (ttl_s > 0)
    {
      ttl = g_strdup_printf ("%u", ttl_s);
      argv[3] = "EX";
      argv[4] = ttl;
      argv_len[3] = strlen (argv[3]);
      argv_len[4] = strlen (argv[4]);
      argc = 5;
    }

  /* No reply: the server is down, which was logged; not stored, and no
   * more to say */
  reply = pp_redis_pool_run (self->pool, argc, argv, argv_len);
  if (reply == NULL)
    return FALSE;

  if (reply->type == REDIS_REPLY_STATUS)
    return TRUE;

  say_refused (self, "SET", reply);

  return FALSE;
}

static gboolean
pp_cache_redis_close (PpCache       *cache,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (cache);

  /* Every store is done when it returns: there is nothing to flush */
  if (self->pool != NULL)
    pp_redis_pool_close (self->pool);

  return TRUE;
}

static void
pp_cache_redis_cache_iface_init (PpCacheInterface *iface)
{
  iface->lookup = pp_cache_redis_lookup;
  iface->store = pp_cache_redis_store;
  iface->close = pp_cache_redis_close;
}

/* Administration */

static GVariant *
pp_cache_redis_query_info (PpCacheAdmin  *admin,
                           GCancellable  *cancellable,
                           GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (admin);
  g_auto(GVariantDict) info = G_VARIANT_DICT_INIT (NULL);

  g_return_val_if_fail (self->pool != NULL, NULL);

  g_variant_dict_insert (&info, "location", "s", self->url_display);
  if (!pp_redis_admin_count (self->pool, self->key_prefix, &info, cancellable, error))
    return NULL;

  return g_variant_ref_sink (g_variant_dict_end (&info));
}

static gboolean
pp_cache_redis_clear (PpCacheAdmin  *admin,
                      guint64       *n_removed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (admin);

  g_return_val_if_fail (self->pool != NULL, FALSE);

  return pp_redis_admin_clear (self->pool, self->key_prefix, n_removed, cancellable, error);
}

static gboolean
pp_cache_redis_prune (PpCacheAdmin  *admin,
                      guint64        older_than_s,
                      guint64       *n_removed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (admin);
  gint64 now = g_get_real_time ();
  gint64 created_before = older_than_s > (guint64) (now / G_USEC_PER_SEC)
    ? 0 : now - (gint64) older_than_s * G_USEC_PER_SEC;

  g_return_val_if_fail (self->pool != NULL, FALSE);

  return pp_redis_admin_prune (self->pool, self->key_prefix, created_before,
                               n_removed, cancellable, error);
}

static void
pp_cache_redis_admin_iface_init (PpCacheAdminInterface *iface)
{
  iface->query_info = pp_cache_redis_query_info;
  iface->clear = pp_cache_redis_clear;
  iface->prune = pp_cache_redis_prune;
}

static gboolean
pp_cache_redis_initable_init (GInitable     *initable,
                              GCancellable  *cancellable,
                              GError       **error)
{
  PpCacheRedis *self = PP_CACHE_REDIS (initable);
  PpRedisUrl *url;

  if (self->pool != NULL)
    return TRUE;

  /* No connection yet: a server that is down at start is no error, only
   * a cache that misses */
  url = pp_redis_url_parse (self->url, error);
  if (url == NULL)
    return FALSE;

  self->pool = pp_redis_pool_new (url, self->timeout_ms, self->retry_interval);
  wipe_string (&self->url);

  g_debug ("Redis cache %s, keys prefixed “%s”, %u ms timeout",
           self->url_display, self->key_prefix, self->timeout_ms);

  return TRUE;
}

static void
pp_cache_redis_initable_iface_init (GInitableIface *iface)
{
  iface->init = pp_cache_redis_initable_init;
}

static void
pp_cache_redis_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PpCacheRedis *self = PP_CACHE_REDIS (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url_display);
      break;

    case PROP_KEY_PREFIX:
      g_value_set_string (value, self->key_prefix);
      break;

    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, self->timeout_ms);
      break;

    case PROP_RETRY_INTERVAL:
      g_value_set_uint (value, self->retry_interval);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_cache_redis_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PpCacheRedis *self = PP_CACHE_REDIS (object);

  switch (prop_id)
    {
    case PROP_URL:
      wipe_string (&self->url);
      g_clear_pointer (&self->url_display, g_free);
      self->url = g_value_dup_string (value);
      if (self->url == NULL)
        self->url = g_strdup (DEFAULT_URL);
      self->url_display = pp_redis_url_hide_password (self->url);
      break;

    case PROP_KEY_PREFIX:
      g_free (self->key_prefix);
      self->key_prefix = g_value_dup_string (value);
      if (self->key_prefix == NULL)
        self->key_prefix = g_strdup (DEFAULT_KEY_PREFIX);
      break;

    case PROP_TIMEOUT_MS:
      self->timeout_ms = g_value_get_uint (value);
      break;

    case PROP_RETRY_INTERVAL:
      self->retry_interval = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_cache_redis_finalize (GObject *object)
{
  PpCacheRedis *self = PP_CACHE_REDIS (object);

  g_clear_pointer (&self->pool, pp_redis_pool_free);
  wipe_string (&self->url);
  g_free (self->url_display);
  g_free (self->key_prefix);

  G_OBJECT_CLASS (pp_cache_redis_parent_class)->finalize (object);
}

static void
pp_cache_redis_class_init (PpCacheRedisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_cache_redis_get_property;
  object_class->set_property = pp_cache_redis_set_property;
  object_class->finalize = pp_cache_redis_finalize;

  /* hiredis writes to its sockets with write(), which raises SIGPIPE when
   * the server has gone away; GIO ignores SIGPIPE process-wide once its
   * socket class is set up, for the same reason, and so this does it
   * through GIO rather than a second time on its own */
  g_type_class_unref (g_type_class_ref (G_TYPE_SOCKET));

  /**
   * PpCacheRedis:url:
   *
   * The server, as `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`: the
   * password to `AUTH` with (and the user name, for a Redis 6 ACL user),
   * percent-encoded; the port, 6379 when left out; and the database to
   * `SELECT`, 0 when left out. %NULL is `redis://localhost:6379`.
   *
   * Read back, the password is replaced with `***`.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheRedis:key-prefix:
   *
   * What the Redis key of each entry starts with, followed by the cache
   * key; caches with the same server and prefix share their entries.
   */
  properties[PROP_KEY_PREFIX] =
    g_param_spec_string ("key-prefix", NULL, NULL,
                         DEFAULT_KEY_PREFIX,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheRedis:timeout-ms:
   *
   * How long to wait for the server to accept a connection, and for the
   * reply to each command, in milliseconds.
   */
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL,
                       1, G_MAXINT, DEFAULT_TIMEOUT_MS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheRedis:retry-interval:
   *
   * Once the server failed, how long to go on without it before a new
   * connection is tried, in seconds.
   */
  properties[PROP_RETRY_INTERVAL] =
    g_param_spec_uint ("retry-interval", NULL, NULL,
                       1, G_MAXINT, DEFAULT_RETRY_INTERVAL,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_cache_redis_class_finalize (PpCacheRedisClass *klass)
{
}

static void
pp_cache_redis_init (PpCacheRedis *self)
{
}

/**
 * pp_cache_redis_register:
 * @module: the type module of the plugin
 *
 * Registers #PpCacheRedis with the type system and, as "redis", at
 * %PP_CACHE_EXTENSION_POINT. It has the lowest priority: a cache that
 * needs a server is used only when named. May be called again each time
 * the module is loaded.
 */
void
pp_cache_redis_register (GTypeModule *module)
{
  pp_cache_redis_register_type (module);
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT,
                             PP_TYPE_CACHE_REDIS,
                             "redis",
                             0,
                             "Shared through a Redis server by processes and machines");
}
