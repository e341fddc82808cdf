/* pp-cache.h: the interface of caches of paid answers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PP_CACHE_EXTENSION_POINT:
 *
 * The name of the extension point of caches: "libpp-cache".
 *
 * Since: 0.1
 */
#define PP_CACHE_EXTENSION_POINT "libpp-cache"

/**
 * PP_CACHE_ERROR:
 *
 * The error domain of caches.
 *
 * Since: 0.1
 */
#define PP_CACHE_ERROR (pp_cache_error_quark ())

/**
 * PpCacheError:
 * @PP_CACHE_ERROR_FAILED: the cache's storage failed
 * @PP_CACHE_ERROR_CORRUPT: a stored entry could not be read back
 *
 * Error codes of #PP_CACHE_ERROR.
 *
 * Since: 0.1
 */
typedef enum {
  PP_CACHE_ERROR_FAILED,
  PP_CACHE_ERROR_CORRUPT,
} PpCacheError;

PP_AVAILABLE_IN_ALL
GQuark pp_cache_error_quark (void);

#define PP_TYPE_CACHE (pp_cache_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (PpCache, pp_cache, PP, CACHE, GObject)

/**
 * PpCacheInterface:
 * @g_iface: the parent interface
 * @lookup: returns the value stored under a key, or %NULL without an error
 *   when there is none (or it expired)
 * @store: stores a value under a key for @ttl_s seconds (0: no expiry);
 *   returns %FALSE with an error when it failed, or %FALSE without one
 *   when it did not store the value and gives no reason (a cache that
 *   declines some values)
 *
 * The virtual methods of #PpCache. Both are called from many threads at
 * once and must be thread-safe.
 *
 * Since: 0.1
 */
struct _PpCacheInterface
{
  GTypeInterface g_iface;

  GBytes *  (* lookup) (PpCache     *cache,
                        const char  *key,
                        GError     **error);
  gboolean  (* store)  (PpCache     *cache,
                        const char  *key,
                        GBytes      *value,
                        guint        ttl_s,
                        GError     **error);

  /*< private >*/
  gpointer padding[8];
};

PP_AVAILABLE_IN_ALL
GBytes   *pp_cache_lookup (PpCache     *cache,
                           const char  *key,
                           GError     **error);
PP_AVAILABLE_IN_ALL
gboolean  pp_cache_store  (PpCache     *cache,
                           const char  *key,
                           GBytes      *value,
                           guint        ttl_s,
                           GError     **error);

G_END_DECLS
