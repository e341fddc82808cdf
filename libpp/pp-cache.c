/* pp-cache.c: the interface of caches of paid answers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-cache.h"
#include "pp-registry.h"

/**
 * PpCache:
 *
 * A store of paid LLM answers, keyed by the hash of the request.
 *
 * Implementations are registered at the extension point
 * %PP_CACHE_EXTENSION_POINT. The processor calls lookup and store from its
 * worker threads, many at once: both must be thread-safe. A cache never
 * sees secrets: keys are hashes and values are the answers.
 *
 * Since: 0.1
 */

G_DEFINE_INTERFACE (PpCache, pp_cache, G_TYPE_OBJECT)

/**
 * pp_cache_error_quark:
 *
 * The error domain of [iface@Pp.Cache] implementations, `PP_CACHE_ERROR`.
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (pp-cache-error-quark, pp_cache_error)

static void
pp_cache_default_init (PpCacheInterface *iface)
{
}

/**
 * pp_cache_lookup:
 * @cache: a #PpCache
 * @key: the key
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Looks up the value stored under @key. A miss is not an error: it returns
 * %NULL and leaves @error unset. After [method@Pp.Cache.close] every lookup
 * is a miss.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL
 *
 * Since: 0.1
 */
GBytes *
pp_cache_lookup (PpCache       *cache,
                 const char    *key,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_return_val_if_fail (PP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return PP_CACHE_GET_IFACE (cache)->lookup (cache, key, cancellable, error);
}

/**
 * pp_cache_store:
 * @cache: a #PpCache
 * @key: the key
 * @value: the value
 * @ttl_s: how long the value stays valid, in seconds; 0 for ever
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Stores @value under @key, replacing what was there.
 *
 * %FALSE without @error set means that the value was not stored and the
 * cache has said why itself (a cache whose storage went away warns once,
 * not for every answer) or has nothing to say (it declines some values).
 * The processor counts it as a store failure in its [struct@Pp.Stats] and
 * logs it at debug level only; %FALSE with @error set is logged as a
 * warning with the error. Either way the conversion stands, and the answer
 * will be asked of the LLM again next time. After [method@Pp.Cache.close]
 * nothing is stored.
 *
 * Returns: %TRUE if the value was stored; %FALSE if it was not, with
 *   @error set when the cache says why
 *
 * Since: 0.1
 */
gboolean
pp_cache_store (PpCache       *cache,
                const char    *key,
                GBytes        *value,
                guint          ttl_s,
                GCancellable  *cancellable,
                GError       **error)
{
  g_return_val_if_fail (PP_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return PP_CACHE_GET_IFACE (cache)->store (cache, key, value, ttl_s,
                                            cancellable, error);
}

/**
 * pp_cache_close:
 * @cache: a #PpCache
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Flushes what @cache buffers and releases its storage. The owner of a
 * cache calls it once, when it is done with the cache: [class@Pp.Processor]
 * calls it when it is disposed, and `pp-convert` before it exits. Lookups
 * after it are misses and stores after it store nothing. A cache without a
 * close method has nothing to flush and this returns %TRUE.
 *
 * Returns: %TRUE on success, %FALSE with @error set if flushing failed
 *
 * Since: 0.2
 */
gboolean
pp_cache_close (PpCache       *cache,
                GCancellable  *cancellable,
                GError       **error)
{
  PpCacheInterface *iface;

  g_return_val_if_fail (PP_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = PP_CACHE_GET_IFACE (cache);
  if (iface->close == NULL)
    return TRUE;

  return iface->close (cache, cancellable, error);
}

/**
 * pp_cache_new_for_spec:
 * @spec: what cache to make, as `pp-convert --cache` takes it: `memory`,
 *   `sqlite` (the default file), `sqlite:PATH`, a `redis://` or `rediss://`
 *   URL (`redis://[user:password@]host:port[/db]`), or the name of another
 *   cache implementation
 * @error: return location for a #GError
 *
 * Makes the cache @spec names, from the implementations registered at
 * %PP_CACHE_EXTENSION_POINT: `sqlite:PATH` sets the "path" property of the
 * "sqlite" implementation, and a Redis URL the "url" property of the
 * "redis" implementation. Plugins must have been loaded
 * ([func@Pp.registry_ensure_loaded]).
 *
 * Returns: (transfer full) (nullable): the cache, or %NULL with @error set
 *   when no implementation fits @spec or it could not be initialised
 *
 * Since: 0.2
 */
PpCache *
pp_cache_new_for_spec (const char  *spec,
                       GError     **error)
{
  g_autoptr(GObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name = spec;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_str_has_prefix (spec, "sqlite:"))
    {
      name = "sqlite";
      object = pp_registry_create (PP_CACHE_EXTENSION_POINT, name, &local_error,
                                   "path", spec + strlen ("sqlite:"), NULL);
    }
  else if (g_str_has_prefix (spec, "redis://") || g_str_has_prefix (spec, "rediss://"))
    {
      name = "redis";
      object = pp_registry_create (PP_CACHE_EXTENSION_POINT, name, &local_error,
                                   "url", spec, NULL);
    }
  else if (*spec != '\0')
    {
      object = pp_registry_create (PP_CACHE_EXTENSION_POINT, spec, &local_error, NULL);
    }
  else
    {
      g_set_error_literal (&local_error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND,
                           "no cache named");
    }

  if (object == NULL)
    {
      /* The URL may carry a password: it is never quoted */
      if (g_error_matches (local_error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND))
        g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND,
                     "Cache “%s”: no such cache plugin is installed: %s",
                     name, local_error->message);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     "Cache “%s”: %s", name, local_error->message);
      return NULL;
    }

  if (!PP_IS_CACHE (object))
    {
      g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND,
                   "Cache “%s”: the implementation is not a cache", name);
      return NULL;
    }

  return PP_CACHE (g_steal_pointer (&object));
}

/**
 * PpCacheAdmin:
 *
 * What a persistent [iface@Pp.Cache] may offer to be looked after: a
 * description of what it holds, emptying, and pruning old entries. The
 * `pp-cache` tool uses it; the "sqlite" cache implements it.
 *
 * Since: 0.2
 */

G_DEFINE_INTERFACE (PpCacheAdmin, pp_cache_admin, PP_TYPE_CACHE)

static void
pp_cache_admin_default_init (PpCacheAdminInterface *iface)
{
}

/**
 * pp_cache_admin_query_info:
 * @admin: a #PpCacheAdmin
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Describes the cache as a `a{sv}` dictionary. Its members, each present
 * when the cache knows it:
 *
 * - `location` (`s`): where the entries are, such as a file name;
 * - `entries` (`t`): how many entries it holds, expired ones included;
 * - `bytes` (`t`): how many bytes their keys and values add up to;
 * - `max-bytes` (`t`): the cap on that, 0 for none;
 * - `oldest`, `newest` (`x`): when the oldest and newest entries were
 *   stored, in microseconds since 1970 UTC (absent when it is empty).
 *
 * Returns: (transfer full): the description, an `a{sv}` #GVariant, or
 *   %NULL with @error set
 *
 * Since: 0.2
 */
GVariant *
pp_cache_admin_query_info (PpCacheAdmin  *admin,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (PP_IS_CACHE_ADMIN (admin), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return PP_CACHE_ADMIN_GET_IFACE (admin)->query_info (admin, cancellable, error);
}

/**
 * pp_cache_admin_clear:
 * @admin: a #PpCacheAdmin
 * @n_removed: (out) (optional): return location for how many entries were
 *   removed
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes every entry of the cache.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 0.2
 */
gboolean
pp_cache_admin_clear (PpCacheAdmin  *admin,
                      guint64       *n_removed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  guint64 removed = 0;

  g_return_val_if_fail (PP_IS_CACHE_ADMIN (admin), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!PP_CACHE_ADMIN_GET_IFACE (admin)->clear (admin, &removed, cancellable, error))
    return FALSE;

  if (n_removed != NULL)
    *n_removed = removed;

  return TRUE;
}

/**
 * pp_cache_admin_prune:
 * @admin: a #PpCacheAdmin
 * @older_than_s: the age in seconds beyond which entries go
 * @n_removed: (out) (optional): return location for how many entries were
 *   removed
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes the entries stored more than @older_than_s seconds ago, and those
 * whose time to live is over.
 *
 * Returns: %TRUE on success, %FALSE with @error set
 *
 * Since: 0.2
 */
gboolean
pp_cache_admin_prune (PpCacheAdmin  *admin,
                      guint64        older_than_s,
                      guint64       *n_removed,
                      GCancellable  *cancellable,
                      GError       **error)
{
  guint64 removed = 0;

  g_return_val_if_fail (PP_IS_CACHE_ADMIN (admin), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!PP_CACHE_ADMIN_GET_IFACE (admin)->prune (admin, older_than_s, &removed, cancellable, error))
    return FALSE;

  if (n_removed != NULL)
    *n_removed = removed;

  return TRUE;
}
