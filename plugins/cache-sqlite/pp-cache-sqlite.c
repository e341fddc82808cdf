/* pp-cache-sqlite.c: a persistent cache in an SQLite file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <glib/gstdio.h>

#include "pp-cache-sqlite.h"
#include "pp-cache-sqlite-connection.h"

/**
 * PpCacheSqlite:
 *
 * The "sqlite" implementation of #PpCache: paid answers kept in an SQLite
 * file, by default `$XDG_CACHE_HOME/libpp/llm-cache.sqlite`, shared safely
 * by many threads and processes at once.
 *
 * The directory is made private (0700) and the file is created private
 * (0600). The file is in WAL mode, so that readers never wait for a
 * writer; writers wait for each other (a busy timeout, across processes).
 * Each answer is committed, synchronously, when it is stored: a process
 * that crashes or is killed loses nothing it stored.
 *
 * Each entry keeps its key, the SHA-256 of its key and value (checked on
 * every hit: a damaged entry is a miss, never a wrong answer), when it was
 * stored, when it was last used and when it expires. With
 * #PpCacheSqlite:max-bytes set, storing beyond it drops expired entries,
 * then the least recently used. A hit records its use only when the last
 * one recorded is more than a minute old, so that lookups stay reads.
 *
 * A file that is not an SQLite database, is damaged, or cannot be opened is
 * said once, with a warning naming it; the cache then misses every lookup
 * and forgets every store, and the run goes on uncached.
 *
 * Connections are pooled: a thread takes an idle one, or opens one, and
 * puts it back, so that each is used by one thread at a time.
 *
 * It implements #PpCacheAdmin, for `pp-cache info`, `clear` and `prune`.
 */

#define TOUCH_INTERVAL_US (60 * G_USEC_PER_SEC)
#define MAX_IDLE_CONNECTIONS 16
#define SHA256_LENGTH 32

struct _PpCacheSqlite
{
  GObject parent_instance;

  /* Set at construction and by GInitable.init, read-only afterwards */
  char *path;
  gboolean initialised;

  GMutex lock;               /* guards every member below */
  guint64 max_bytes;
  GPtrArray *idle;           /* (element-type PpSqliteConnection) */
  gboolean broken;           /* said once: misses and forgets */
  gboolean closed;
  gboolean warned_damaged_entry;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_MAX_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pp_cache_sqlite_cache_iface_init (PpCacheInterface *iface);
static void pp_cache_sqlite_admin_iface_init (PpCacheAdminInterface *iface);
static void pp_cache_sqlite_initable_iface_init (GInitableIface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpCacheSqlite, pp_cache_sqlite, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (G_TYPE_INITABLE,
                                                               pp_cache_sqlite_initable_iface_init)
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CACHE,
                                                               pp_cache_sqlite_cache_iface_init)
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CACHE_ADMIN,
                                                               pp_cache_sqlite_admin_iface_init))

/* Says once why the file cannot be used, and stops using it */
static void
mark_broken (PpCacheSqlite *self,
             const char    *cause)
{
  gboolean first;

  g_mutex_lock (&self->lock);
  first = !self->broken;
  self->broken = TRUE;
  g_mutex_unlock (&self->lock);

  if (first)
    g_warning ("Cache file %s: unusable, answers will not be cached: %s",
               self->path, cause);
}

/* An idle connection, a new one, or NULL when the cache is closed or
 * broken */
static PpSqliteConnection *
acquire_connection (PpCacheSqlite *self)
{
  PpSqliteConnection *connection = NULL;
  g_autofree char *message = NULL;
  int rc;

  g_mutex_lock (&self->lock);
  if (self->closed || self->broken)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  if (self->idle->len > 0)
    connection = g_ptr_array_steal_index_fast (self->idle, self->idle->len - 1);
  g_mutex_unlock (&self->lock);

  if (connection != NULL)
    return connection;

  rc = pp_sqlite_connection_open (self->path, FALSE, &connection, &message);
  if (rc != SQLITE_OK)
    {
      mark_broken (self, message);
      return NULL;
    }

  return connection;
}

static void
release_connection (PpCacheSqlite      *self,
                    PpSqliteConnection *connection)
{
  g_mutex_lock (&self->lock);
  if (!self->closed && self->idle->len < MAX_IDLE_CONNECTIONS)
    {
      g_ptr_array_add (self->idle, connection);
      connection = NULL;
    }
  g_mutex_unlock (&self->lock);

  if (connection != NULL)
    pp_sqlite_connection_close (connection);
}

/* A failed SQLite call: a damaged file is said once and the cache stops
 * using it (returns FALSE, @error unset); anything else is @error */
static gboolean
handle_failure (PpCacheSqlite       *self,
                PpSqliteConnection  *connection,
                int                  rc,
                const char          *what,
                GError             **error)
{
  const char *cause = sqlite3_errmsg (connection->db);

  if (pp_sqlite_result_is_corrupt (rc))
    {
      mark_broken (self, cause);
      return FALSE;
    }

  g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
               "Cache file %s: %s failed: %s", self->path, what, cause);
  return TRUE;
}

static void
compute_checksum (const char *key,
                  const void *value,
                  gsize       size,
                  guint8      digest[SHA256_LENGTH])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = SHA256_LENGTH;

  /* The NUL ends the key, so that no key and value run into another pair */
  g_checksum_update (checksum, (const guchar *) key, strlen (key) + 1);
  g_checksum_update (checksum, value, size);
  g_checksum_get_digest (checksum, digest, &length);
}

static void
warn_damaged_entry (PpCacheSqlite *self)
{
  gboolean first;

  g_mutex_lock (&self->lock);
  first = !self->warned_damaged_entry;
  self->warned_damaged_entry = TRUE;
  g_mutex_unlock (&self->lock);

  if (first)
    g_warning ("Cache file %s: a damaged entry was ignored (its checksum does not match)",
               self->path);
}

/* Records a use of @key, so that eviction keeps it */
static void
touch_entry (PpCacheSqlite      *self,
             PpSqliteConnection *connection,
             const char         *key,
             gint64              now)
{
  sqlite3_stmt *stmt;
  int rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_TOUCH, &stmt);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now);
      rc = sqlite3_step (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_reset (stmt);
    }

  /* Only the order of eviction suffers from a use not recorded */
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    {
      g_autoptr(GError) error = NULL;

      if (handle_failure (self, connection, rc, "recording a use", &error))
        g_debug ("%s", error->message);
    }
}

static GBytes *
pp_cache_sqlite_lookup (PpCache       *cache,
                        const char    *key,
                        GCancellable  *cancellable,
                        GError       **error)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (cache);
  PpSqliteConnection *connection;
  sqlite3_stmt *stmt = NULL;
  GBytes *value = NULL;
  gboolean touch = FALSE;
  gint64 now;
  int rc;

  connection = acquire_connection (self);
  if (connection == NULL)
    return NULL;

  now = g_get_real_time ();
  rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_LOOKUP, &stmt);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }

  if (rc == SQLITE_ROW)
    {
      const void *data = sqlite3_column_blob (stmt, 0);
      gsize size = (gsize) sqlite3_column_bytes (stmt, 0);
      const void *stored_checksum = sqlite3_column_blob (stmt, 1);
      gsize checksum_size = (gsize) sqlite3_column_bytes (stmt, 1);
      gint64 expires_at = sqlite3_column_int64 (stmt, 2);
      gint64 last_used = sqlite3_column_int64 (stmt, 3);
      guint8 checksum[SHA256_LENGTH];

      compute_checksum (key, data, size, checksum);
      if (checksum_size != SHA256_LENGTH || memcmp (checksum, stored_checksum, SHA256_LENGTH) != 0)
        {
          warn_damaged_entry (self);
        }
      else if (expires_at == 0 || now < expires_at)
        {
          value = g_bytes_new (data, size);
          touch = now - last_used > TOUCH_INTERVAL_US;
        }
      rc = SQLITE_DONE;
    }

  if (stmt != NULL)
    {
      sqlite3_clear_bindings (stmt);
      sqlite3_reset (stmt);
    }

  if (rc != SQLITE_DONE)
    handle_failure (self, connection, rc, "a lookup", error);
  else if (touch)
    touch_entry (self, connection, key, now);

  release_connection (self, connection);

  return value;
}

/* Within the store's transaction: drops entries until the cache fits its
 * cap, never @key */
static int
evict_locked (PpSqliteConnection *connection,
              const char         *key,
              guint64             max_bytes,
              gint64              now)
{
  for (;;)
    {
      sqlite3_stmt *stmt;
      gint64 bytes = 0;
      int rc;

      rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_TOTALS, &stmt);
      if (rc != SQLITE_OK)
        return rc;
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        bytes = sqlite3_column_int64 (stmt, 1);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW)
        return rc;

      if (bytes <= 0 || (guint64) bytes <= max_bytes)
        return SQLITE_OK;

      rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_EVICT_ONE, &stmt);
      if (rc != SQLITE_OK)
        return rc;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now);
      rc = sqlite3_step (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return rc;
      if (sqlite3_changes (connection->db) == 0)
        return SQLITE_OK;
    }
}

static int
upsert (PpSqliteConnection *connection,
        const char         *key,
        GBytes             *value,
        gsize               size,
        gint64              now,
        gint64              expires_at)
{
  guint8 checksum[SHA256_LENGTH];
  gsize length;
  const void *data = g_bytes_get_data (value, &length);
  sqlite3_stmt *stmt;
  int rc;

  rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_UPSERT, &stmt);
  if (rc != SQLITE_OK)
    return rc;

  compute_checksum (key, data, length, checksum);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  /* A zero-length blob is bound as such, not as NULL */
  sqlite3_bind_blob64 (stmt, 2, data != NULL ? data : "", length, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, checksum, SHA256_LENGTH, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, (gint64) size);
  sqlite3_bind_int64 (stmt, 5, now);
  sqlite3_bind_int64 (stmt, 6, expires_at);
  rc = sqlite3_step (stmt);
  sqlite3_clear_bindings (stmt);
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static gboolean
pp_cache_sqlite_store (PpCache       *cache,
                       const char    *key,
                       GBytes        *value,
                       guint          ttl_s,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (cache);
  PpSqliteConnection *connection;
  gsize size = strlen (key) + g_bytes_get_size (value);
  gint64 now = g_get_real_time ();
  gint64 expires_at = ttl_s > 0 ? now + (gint64) ttl_s * G_USEC_PER_SEC : 0;
  guint64 max_bytes;
  gboolean closed;
  int rc;

  g_mutex_lock (&self->lock);
  max_bytes = self->max_bytes;
  closed = self->closed;
  g_mutex_unlock (&self->lock);

  if (closed)
    return FALSE;

  /* A cache may forget anything: an entry that could never fit is not kept */
  if (max_bytes > 0 && size > max_bytes)
    {
      g_debug ("Not caching an entry of %" G_GSIZE_FORMAT " bytes: it exceeds max-bytes", size);
      return TRUE;
    }

  /* A broken file was said once: what is stored there is forgotten */
  connection = acquire_connection (self);
  if (connection == NULL)
    return !closed;

  rc = pp_sqlite_connection_exec (connection, PP_SQLITE_BEGIN);
  if (rc == SQLITE_OK)
    rc = upsert (connection, key, value, size, now, expires_at);
  if (rc == SQLITE_OK && max_bytes > 0)
    rc = evict_locked (connection, key, max_bytes, now);
  if (rc == SQLITE_OK)
    rc = pp_sqlite_connection_exec (connection, PP_SQLITE_COMMIT);

  if (rc != SQLITE_OK)
    {
      gboolean failed = handle_failure (self, connection, rc, "storing an entry", error);

      if (!sqlite3_get_autocommit (connection->db))
        pp_sqlite_connection_exec (connection, PP_SQLITE_ROLLBACK);
      release_connection (self, connection);

      /* Damage was said once, and what is stored is forgotten */
      return !failed;
    }

  release_connection (self, connection);

  return TRUE;
}

static gboolean
pp_cache_sqlite_close (PpCache       *cache,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (cache);
  g_autoptr(GPtrArray) idle = NULL;

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  idle = g_steal_pointer (&self->idle);
  self->idle = g_ptr_array_new ();
  g_mutex_unlock (&self->lock);

  /* Every store was committed: closing checkpoints the journal */
  for (guint i = 0; i < idle->len; i++)
    pp_sqlite_connection_close (idle->pdata[i]);

  return TRUE;
}

static void
pp_cache_sqlite_cache_iface_init (PpCacheInterface *iface)
{
  iface->lookup = pp_cache_sqlite_lookup;
  iface->store = pp_cache_sqlite_store;
  iface->close = pp_cache_sqlite_close;
}

/* Administration */

/* A connection for an administrative task, or @error */
static PpSqliteConnection *
acquire_for_admin (PpCacheSqlite  *self,
                   GError        **error)
{
  PpSqliteConnection *connection = acquire_connection (self);

  if (connection == NULL)
    g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                 "Cache file %s: %s", self->path,
                 self->closed ? "the cache is closed" : "the file is unusable");

  return connection;
}

static gboolean
admin_failure (PpCacheSqlite       *self,
               PpSqliteConnection  *connection,
               int                  rc,
               const char          *what,
               GError             **error)
{
  g_autofree char *cause = g_strdup (sqlite3_errmsg (connection->db));

  if (!handle_failure (self, connection, rc, what, error))
    g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_CORRUPT,
                 "Cache file %s: %s failed: %s", self->path, what, cause);
  release_connection (self, connection);

  return FALSE;
}

static GVariant *
pp_cache_sqlite_query_info (PpCacheAdmin  *admin,
                            GCancellable  *cancellable,
                            GError       **error)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (admin);
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  PpSqliteConnection *connection;
  sqlite3_stmt *stmt;
  guint64 max_bytes;
  int rc;

  connection = acquire_for_admin (self, error);
  if (connection == NULL)
    return NULL;

  g_variant_dict_insert (&dict, "location", "s", self->path);
  g_mutex_lock (&self->lock);
  max_bytes = self->max_bytes;
  g_mutex_unlock (&self->lock);
  g_variant_dict_insert (&dict, "max-bytes", "t", max_bytes);

  rc = pp_sqlite_connection_exec (connection, PP_SQLITE_BEGIN);
  if (rc == SQLITE_OK)
    rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_TOTALS, &stmt);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          g_variant_dict_insert (&dict, "entries", "t", (guint64) sqlite3_column_int64 (stmt, 0));
          g_variant_dict_insert (&dict, "bytes", "t", (guint64) sqlite3_column_int64 (stmt, 1));
          rc = SQLITE_OK;
        }
      sqlite3_reset (stmt);
    }
  if (rc == SQLITE_OK)
    rc = pp_sqlite_connection_prepare (connection, PP_SQLITE_AGE_RANGE, &stmt);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            {
              g_variant_dict_insert (&dict, "oldest", "x", sqlite3_column_int64 (stmt, 0));
              g_variant_dict_insert (&dict, "newest", "x", sqlite3_column_int64 (stmt, 1));
            }
          rc = SQLITE_OK;
        }
      sqlite3_reset (stmt);
    }
  if (rc == SQLITE_OK)
    rc = pp_sqlite_connection_exec (connection, PP_SQLITE_COMMIT);

  if (rc != SQLITE_OK)
    {
      if (!sqlite3_get_autocommit (connection->db))
        pp_sqlite_connection_exec (connection, PP_SQLITE_ROLLBACK);
      admin_failure (self, connection, rc, "reading its size", error);
      return NULL;
    }

  release_connection (self, connection);

  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
delete_entries (PpCacheSqlite  *self,
                gboolean        prune,
                gint64          created_before,
                guint64        *n_removed,
                GError        **error)
{
  PpSqliteConnection *connection;
  sqlite3_stmt *stmt;
  int rc;

  connection = acquire_for_admin (self, error);
  if (connection == NULL)
    return FALSE;

  rc = pp_sqlite_connection_prepare (connection, prune ? PP_SQLITE_PRUNE : PP_SQLITE_CLEAR, &stmt);
  if (rc == SQLITE_OK)
    {
      if (prune)
        {
          sqlite3_bind_int64 (stmt, 1, created_before);
          sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
        }
      rc = sqlite3_step (stmt);
      sqlite3_clear_bindings (stmt);
      sqlite3_reset (stmt);
    }

  if (rc != SQLITE_DONE)
    return admin_failure (self, connection, rc, prune ? "pruning" : "clearing", error);

  *n_removed = (guint64) sqlite3_changes64 (connection->db);
  release_connection (self, connection);

  return TRUE;
}

static gboolean
pp_cache_sqlite_clear (PpCacheAdmin  *admin,
                       guint64       *n_removed,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return delete_entries (PP_CACHE_SQLITE (admin), FALSE, 0, n_removed, error);
}

static gboolean
pp_cache_sqlite_prune (PpCacheAdmin  *admin,
                       guint64        older_than_s,
                       guint64       *n_removed,
                       GCancellable  *cancellable,
                       GError       **error)
{
  gint64 now = g_get_real_time ();
  gint64 created_before = older_than_s > (guint64) (now / G_USEC_PER_SEC)
    ? 0 : now - (gint64) older_than_s * G_USEC_PER_SEC;

  return delete_entries (PP_CACHE_SQLITE (admin), TRUE, created_before, n_removed, error);
}

static void
pp_cache_sqlite_admin_iface_init (PpCacheAdminInterface *iface)
{
  iface->query_info = pp_cache_sqlite_query_info;
  iface->clear = pp_cache_sqlite_clear;
  iface->prune = pp_cache_sqlite_prune;
}

/* Initialisation */

static char *
default_path (void)
{
  return g_build_filename (g_get_user_cache_dir (), "libpp", "llm-cache.sqlite", NULL);
}

/* Creates the directory (0700) and the file (0600) where missing; FALSE
 * with @message set when it cannot */
static gboolean
prepare_file (const char  *path,
              char       **message)
{
  g_autofree char *directory = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      *message = g_strdup_printf ("cannot create the directory %s: %s",
                                  directory, g_strerror (saved_errno));
      return FALSE;
    }

  /* Only a file that is not there is opened here: closing a descriptor of
   * a file would drop every POSIX lock this process holds on it, those of
   * the SQLite connections included, and another process could then take
   * itself for the last user and remove the journal under them */
  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST)
        return TRUE;

      *message = g_strdup (g_strerror (saved_errno));
      return FALSE;
    }
  g_close (fd, NULL);

  return TRUE;
}

static gboolean
pp_cache_sqlite_initable_init (GInitable     *initable,
                               GCancellable  *cancellable,
                               GError       **error)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (initable);
  PpSqliteConnection *connection = NULL;
  g_autofree char *message = NULL;
  int rc;

  if (self->initialised)
    return TRUE;

  if (self->path == NULL)
    self->path = default_path ();

  /* The only configurations that can never work */
  if (*self->path == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Cache file: the path is empty");
      return FALSE;
    }
  if (g_file_test (self->path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   "Cache file %s: is a directory", self->path);
      return FALSE;
    }

  self->initialised = TRUE;

  /* Anything else degrades to no caching, said once */
  if (!prepare_file (self->path, &message))
    {
      mark_broken (self, message);
      return TRUE;
    }

  rc = pp_sqlite_connection_open (self->path, TRUE, &connection, &message);
  if (rc != SQLITE_OK)
    {
      mark_broken (self, message);
      return TRUE;
    }

  release_connection (self, connection);

  return TRUE;
}

static void
pp_cache_sqlite_initable_iface_init (GInitableIface *iface)
{
  iface->init = pp_cache_sqlite_initable_init;
}

/* The object */

static void
pp_cache_sqlite_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_MAX_BYTES:
      g_mutex_lock (&self->lock);
      g_value_set_uint64 (value, self->max_bytes);
      g_mutex_unlock (&self->lock);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_cache_sqlite_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (object);
  gboolean changed;

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      break;

    case PROP_MAX_BYTES:
      g_mutex_lock (&self->lock);
      changed = self->max_bytes != g_value_get_uint64 (value);
      self->max_bytes = g_value_get_uint64 (value);
      g_mutex_unlock (&self->lock);
      if (changed)
        g_object_notify_by_pspec (object, pspec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_cache_sqlite_finalize (GObject *object)
{
  PpCacheSqlite *self = PP_CACHE_SQLITE (object);

  pp_cache_sqlite_close (PP_CACHE (self), NULL, NULL);
  g_ptr_array_unref (self->idle);
  g_free (self->path);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (pp_cache_sqlite_parent_class)->finalize (object);
}

static void
pp_cache_sqlite_class_init (PpCacheSqliteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_cache_sqlite_get_property;
  object_class->set_property = pp_cache_sqlite_set_property;
  object_class->finalize = pp_cache_sqlite_finalize;

  /**
   * PpCacheSqlite:path:
   *
   * The SQLite file, or %NULL for `llm-cache.sqlite` in `libpp` under the
   * user's cache directory (`$XDG_CACHE_HOME`, `~/.cache`). Once the cache
   * is initialised, the file in use.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheSqlite:max-bytes:
   *
   * The most bytes the keys and values of the entries may add up to, or 0
   * for no cap. Storing beyond it drops expired entries, then the least
   * recently used; an entry larger than it on its own is not kept.
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_cache_sqlite_class_finalize (PpCacheSqliteClass *klass)
{
}

static void
pp_cache_sqlite_init (PpCacheSqlite *self)
{
  g_mutex_init (&self->lock);
  self->idle = g_ptr_array_new ();
}

/**
 * pp_cache_sqlite_register:
 * @module: the type module of the plugin
 *
 * Registers #PpCacheSqlite with the type system and, as "sqlite", at
 * %PP_CACHE_EXTENSION_POINT. May be called again each time the module is
 * loaded.
 */
void
pp_cache_sqlite_register (GTypeModule *module)
{
  pp_cache_sqlite_register_type (module);
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT,
                             PP_TYPE_CACHE_SQLITE,
                             "sqlite",
                             20,
                             "Persistent cache in an SQLite file, shared by threads and processes");
}
