/* pp-example-cache.c: a libpp plugin providing a cache, built out of tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The module is libpp-example-cache.so, so its entry points are
 * pp_example_cache_load() and pp_example_cache_unload(), and its ABI tag is
 * pp_example_cache_abi. The build defines G_LOG_DOMAIN "libpp-example-cache".
 */

#include <libpp/libpp.h>

#define EXAMPLE_TYPE_CACHE (example_cache_get_type ())
G_DECLARE_FINAL_TYPE (ExampleCache, example_cache, EXAMPLE, CACHE, GObject)

typedef struct
{
  GBytes *value;
  gint64 expires_at;   /* monotonic time in µs; 0: never */
} Entry;

struct _ExampleCache
{
  GObject parent_instance;

  /* lookup() and store() are called from libpp's worker threads, many at
   * once: this lock guards the table */
  GMutex lock;
  GHashTable *entries;   /* key → Entry */
};

static void example_cache_iface_init (PpCacheInterface *iface);

/* A dynamic type: it is registered with the plugin's GTypeModule */
G_DEFINE_DYNAMIC_TYPE_EXTENDED (ExampleCache, example_cache, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CACHE,
                                                               example_cache_iface_init))

static void
entry_free (Entry *entry)
{
  g_bytes_unref (entry->value);
  g_free (entry);
}

/* NULL without an error is a miss; an error is logged by libpp, and the
 * answer is asked of the LLM as on a miss */
static GBytes *
example_cache_lookup (PpCache       *cache,
                      const char    *key,
                      GCancellable  *cancellable,
                      GError       **error)
{
  ExampleCache *self = EXAMPLE_CACHE (cache);
  GBytes *value = NULL;
  Entry *entry;

  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    {
      if (entry->expires_at != 0 && g_get_monotonic_time () >= entry->expires_at)
        g_hash_table_remove (self->entries, key);
      else
        value = g_bytes_ref (entry->value);
    }
  g_mutex_unlock (&self->lock);

  g_debug ("%s %s", value != NULL ? "Hit" : "Miss", key);

  return value;
}

/* FALSE with an error, or without one when the value was not kept and the
 * cache has nothing more to say: libpp counts it and the run goes on */
static gboolean
example_cache_store (PpCache       *cache,
                     const char    *key,
                     GBytes        *value,
                     guint          ttl_s,
                     GCancellable  *cancellable,
                     GError       **error)
{
  ExampleCache *self = EXAMPLE_CACHE (cache);
  Entry *entry = g_new0 (Entry, 1);

  entry->value = g_bytes_ref (value);
  if (ttl_s > 0)
    entry->expires_at = g_get_monotonic_time () + (gint64) ttl_s * G_USEC_PER_SEC;

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->entries, g_strdup (key), entry);
  g_mutex_unlock (&self->lock);

  return TRUE;
}

/* close() is optional: a cache that buffers nothing leaves it NULL */
static void
example_cache_iface_init (PpCacheInterface *iface)
{
  iface->lookup = example_cache_lookup;
  iface->store = example_cache_store;
}

static void
example_cache_finalize (GObject *object)
{
  ExampleCache *self = EXAMPLE_CACHE (object);

  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (example_cache_parent_class)->finalize (object);
}

static void
example_cache_class_init (ExampleCacheClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = example_cache_finalize;
}

static void
example_cache_class_finalize (ExampleCacheClass *klass)
{
}

static void
example_cache_init (ExampleCache *self)
{
  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal,
                                         g_free, (GDestroyNotify) entry_free);
}

/* The entry points: declared by PP_DECLARE_PLUGIN(), so that a definition
 * of the wrong type does not compile */
PP_DECLARE_PLUGIN (example_cache);
PP_DEFINE_PLUGIN_ABI (example_cache);

/* Runs each time libpp loads the module: registering again is harmless */
void
pp_example_cache_load (GTypeModule *module)
{
  example_cache_register_type (module);
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT, EXAMPLE_TYPE_CACHE,
                             "example", 0, "An example cache, kept in memory");
}

/* The type stays registered with the module: nothing to release */
void
pp_example_cache_unload (GTypeModule *module)
{
}
