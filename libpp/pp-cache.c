/* pp-cache.c: the interface of caches of paid answers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-cache.h"

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
 * @error: return location for a #GError
 *
 * Looks up the value stored under @key. A miss is not an error: it returns
 * %NULL and leaves @error unset.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL
 *
 * Since: 0.1
 */
GBytes *
pp_cache_lookup (PpCache     *cache,
                 const char  *key,
                 GError     **error)
{
  g_return_val_if_fail (PP_IS_CACHE (cache), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return PP_CACHE_GET_IFACE (cache)->lookup (cache, key, error);
}

/**
 * pp_cache_store:
 * @cache: a #PpCache
 * @key: the key
 * @value: the value
 * @ttl_s: how long the value stays valid, in seconds; 0 for ever
 * @error: return location for a #GError
 *
 * Stores @value under @key, replacing what was there.
 *
 * %FALSE without @error set means that the value was not stored and the
 * cache gives no reason. The processor takes it as it takes a failed
 * store: the conversion stands and the answer will be asked of the LLM
 * again. It logs a warning naming the cache type the first time a cache
 * of that type does it, rather than for every answer.
 *
 * Returns: %TRUE if the value was stored; %FALSE if it was not, with
 *   @error set when the cache says why
 *
 * Since: 0.1
 */
gboolean
pp_cache_store (PpCache     *cache,
                const char  *key,
                GBytes      *value,
                guint        ttl_s,
                GError     **error)
{
  g_return_val_if_fail (PP_IS_CACHE (cache), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return PP_CACHE_GET_IFACE (cache)->store (cache, key, value, ttl_s, error);
}
