/* pp-cache-memory.c: an in-process LRU cache
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-cache-memory.h"

/**
 * PpCacheMemory:
 *
 * The "memory" implementation of #PpCache: a least-recently-used cache held
 * in the process and lost when it ends.
 *
 * It keeps at most #PpCacheMemory:max-entries entries whose keys and values
 * add up to at most #PpCacheMemory:max-bytes bytes; storing beyond either
 * bound drops the entries used least recently. A lookup counts as a use. An
 * entry stored with a time to live is a miss once it has expired, and is
 * dropped then. Values are kept as references to the #GBytes stored, never
 * copied.
 *
 * One mutex guards the cache; a lookup and a store are O(1): a hash table
 * finds the entry and a queue linked through the entries keeps their order
 * of use.
 */

#define DEFAULT_MAX_ENTRIES 10000
#define DEFAULT_MAX_BYTES ((guint64) 256 * 1024 * 1024)

typedef struct
{
  GList link;          /* in PpCacheMemory.lru; link.data is the entry */
  char *key;
  GBytes *value;
  gsize size;          /* what the entry counts against max-bytes */
  gint64 expires_at;   /* monotonic time in µs; 0: never */
} CacheEntry;

struct _PpCacheMemory
{
  GObject parent_instance;

  GMutex lock;         /* guards every member below */
  GHashTable *entries; /* key (owned by its CacheEntry) → CacheEntry */
  GQueue lru;          /* CacheEntry links, most recently used first */
  guint64 n_bytes;
  guint max_entries;
  guint64 max_bytes;
  gboolean closed;
};

enum {
  PROP_0,
  PROP_MAX_ENTRIES,
  PROP_MAX_BYTES,
  PROP_N_ENTRIES,
  PROP_N_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pp_cache_memory_cache_iface_init (PpCacheInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpCacheMemory, pp_cache_memory, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CACHE,
                                                               pp_cache_memory_cache_iface_init))

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  g_bytes_unref (entry->value);
  g_free (entry);
}

static void
remove_entry_locked (PpCacheMemory *self,
                     CacheEntry    *entry)
{
  g_hash_table_steal (self->entries, entry->key);
  g_queue_unlink (&self->lru, &entry->link);
  self->n_bytes -= entry->size;
  cache_entry_free (entry);
}

/* Drops the least recently used entries until both bounds hold */
static void
evict_locked (PpCacheMemory *self)
{
  while (self->lru.length > self->max_entries || self->n_bytes > self->max_bytes)
    remove_entry_locked (self, self->lru.tail->data);
}

static GBytes *
pp_cache_memory_lookup (PpCache       *cache,
                        const char    *key,
                        GCancellable  *cancellable,
                        GError       **error)
{
  PpCacheMemory *self = PP_CACHE_MEMORY (cache);
  CacheEntry *entry;
  GBytes *value = NULL;

  g_mutex_lock (&self->lock);

  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    {
      if (entry->expires_at != 0 && g_get_monotonic_time () >= entry->expires_at)
        {
          remove_entry_locked (self, entry);
        }
      else
        {
          g_queue_unlink (&self->lru, &entry->link);
          g_queue_push_head_link (&self->lru, &entry->link);
          value = g_bytes_ref (entry->value);
        }
    }

  g_mutex_unlock (&self->lock);

  return value;
}

static gboolean
pp_cache_memory_store (PpCache       *cache,
                       const char    *key,
                       GBytes        *value,
                       guint          ttl_s,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PpCacheMemory *self = PP_CACHE_MEMORY (cache);
  gsize size = strlen (key) + g_bytes_get_size (value);
  gint64 expires_at = 0;
  CacheEntry *entry;

  if (ttl_s > 0)
    expires_at = g_get_monotonic_time () + (gint64) ttl_s * G_USEC_PER_SEC;

  g_mutex_lock (&self->lock);

  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return FALSE;
    }

  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    remove_entry_locked (self, entry);

  /* A cache may forget anything at any time: an entry that could never fit
   * is simply not kept */
  if (size > self->max_bytes)
    {
      g_mutex_unlock (&self->lock);
      g_debug ("Not caching an entry of %" G_GSIZE_FORMAT " bytes: it exceeds max-bytes",
               size);
      return TRUE;
    }

  entry = g_new0 (CacheEntry, 1);
  entry->link.data = entry;
  entry->key = g_strdup (key);
  entry->value = g_bytes_ref (value);
  entry->size = size;
  entry->expires_at = expires_at;

  g_hash_table_insert (self->entries, entry->key, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->n_bytes += size;

  evict_locked (self);

  g_mutex_unlock (&self->lock);

  return TRUE;
}

/* Nothing to flush: the entries are dropped, and the cache stays empty */
static gboolean
pp_cache_memory_close (PpCache       *cache,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PpCacheMemory *self = PP_CACHE_MEMORY (cache);

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  while (self->lru.tail != NULL)
    remove_entry_locked (self, self->lru.tail->data);
  g_mutex_unlock (&self->lock);

  return TRUE;
}

static void
pp_cache_memory_cache_iface_init (PpCacheInterface *iface)
{
  iface->lookup = pp_cache_memory_lookup;
  iface->store = pp_cache_memory_store;
  iface->close = pp_cache_memory_close;
}

static void
pp_cache_memory_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PpCacheMemory *self = PP_CACHE_MEMORY (object);

  g_mutex_lock (&self->lock);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      g_value_set_uint (value, self->max_entries);
      break;

    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
      break;

    case PROP_N_ENTRIES:
      g_value_set_uint (value, self->lru.length);
      break;

    case PROP_N_BYTES:
      g_value_set_uint64 (value, self->n_bytes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }

  g_mutex_unlock (&self->lock);
}

static void
pp_cache_memory_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PpCacheMemory *self = PP_CACHE_MEMORY (object);
  gboolean changed = FALSE;

  g_mutex_lock (&self->lock);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      changed = self->max_entries != g_value_get_uint (value);
      self->max_entries = g_value_get_uint (value);
      evict_locked (self);
      break;

    case PROP_MAX_BYTES:
      changed = self->max_bytes != g_value_get_uint64 (value);
      self->max_bytes = g_value_get_uint64 (value);
      evict_locked (self);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }

  g_mutex_unlock (&self->lock);

  if (changed)
    g_object_notify_by_pspec (object, pspec);
}

static void
pp_cache_memory_finalize (GObject *object)
{
  PpCacheMemory *self = PP_CACHE_MEMORY (object);

  /* The queue's links live inside the entries the table frees */
  g_hash_table_destroy (self->entries);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (pp_cache_memory_parent_class)->finalize (object);
}

static void
pp_cache_memory_class_init (PpCacheMemoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_cache_memory_get_property;
  object_class->set_property = pp_cache_memory_set_property;
  object_class->finalize = pp_cache_memory_finalize;

  /**
   * PpCacheMemory:max-entries:
   *
   * The most entries the cache keeps; storing more drops the least
   * recently used. Lowering it drops entries at once.
   */
  properties[PROP_MAX_ENTRIES] =
    g_param_spec_uint ("max-entries", NULL, NULL,
                       1, G_MAXUINT, DEFAULT_MAX_ENTRIES,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheMemory:max-bytes:
   *
   * The most bytes the keys and values of the entries may add up to;
   * storing more drops the least recently used entries. An entry larger
   * than this on its own is not kept. Lowering it drops entries at once.
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         1, G_MAXUINT64, DEFAULT_MAX_BYTES,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheMemory:n-entries:
   *
   * How many entries the cache holds, expired ones not yet dropped
   * included. Not notified.
   */
  properties[PROP_N_ENTRIES] =
    g_param_spec_uint ("n-entries", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * PpCacheMemory:n-bytes:
   *
   * How many bytes the keys and values of the entries add up to. Not
   * notified.
   */
  properties[PROP_N_BYTES] =
    g_param_spec_uint64 ("n-bytes", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_cache_memory_class_finalize (PpCacheMemoryClass *klass)
{
}

static void
pp_cache_memory_init (PpCacheMemory *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal,
                                         NULL, (GDestroyNotify) cache_entry_free);
  g_queue_init (&self->lru);
  self->max_entries = DEFAULT_MAX_ENTRIES;
  self->max_bytes = DEFAULT_MAX_BYTES;
}

/**
 * pp_cache_memory_register:
 * @module: the type module of the plugin
 *
 * Registers #PpCacheMemory with the type system and, as "memory", at
 * %PP_CACHE_EXTENSION_POINT. May be called again each time the module is
 * loaded.
 */
void
pp_cache_memory_register (GTypeModule *module)
{
  pp_cache_memory_register_type (module);
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT,
                             PP_TYPE_CACHE_MEMORY,
                             "memory",
                             10,
                             "In-process LRU cache, lost when the process ends");
}
