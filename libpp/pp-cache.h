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
 *   when it did not store the value and has said why itself, or has
 *   nothing to say (a cache that declines some values, or whose storage
 *   is away and was reported once)
 * @close: optional (%NULL: nothing to do): flushes what is buffered and
 *   releases the storage; called when the cache's owner is done with it,
 *   and may be called again (then it does nothing). Lookups after it are
 *   misses and stores after it store nothing. Since: 0.2
 *
 * The virtual methods of [iface@Pp.Cache]. Lookup and store are called from
 * many threads at once and must be thread-safe.
 *
 * Since: 0.1
 */
struct _PpCacheInterface
{
  GTypeInterface g_iface;

  GBytes *  (* lookup) (PpCache       *cache,
                        const char    *key,
                        GCancellable  *cancellable,
                        GError       **error);
  gboolean  (* store)  (PpCache       *cache,
                        const char    *key,
                        GBytes        *value,
                        guint          ttl_s,
                        GCancellable  *cancellable,
                        GError       **error);
  gboolean  (* close)  (PpCache       *cache,
                        GCancellable  *cancellable,
                        GError       **error);

  /*< private >*/
  gpointer padding[7];
};

PP_AVAILABLE_IN_ALL
GBytes   *pp_cache_lookup (PpCache       *cache,
                           const char    *key,
                           GCancellable  *cancellable,
                           GError       **error);
PP_AVAILABLE_IN_ALL
gboolean  pp_cache_store  (PpCache       *cache,
                           const char    *key,
                           GBytes        *value,
                           guint          ttl_s,
                           GCancellable  *cancellable,
                           GError       **error);
PP_AVAILABLE_IN_0_2
gboolean  pp_cache_close  (PpCache       *cache,
                           GCancellable  *cancellable,
                           GError       **error);

PP_AVAILABLE_IN_0_2
PpCache  *pp_cache_new_for_spec (const char  *spec,
                                 GError     **error);

#define PP_TYPE_CACHE_ADMIN (pp_cache_admin_get_type ())

PP_AVAILABLE_IN_0_2
G_DECLARE_INTERFACE (PpCacheAdmin, pp_cache_admin, PP, CACHE_ADMIN, PpCache)

/**
 * PpCacheAdminInterface:
 * @g_iface: the parent interface
 * @query_info: describes the cache's storage and what it holds, as a
 *   `a{sv}` dictionary (see [method@Pp.CacheAdmin.query_info])
 * @clear: removes every entry
 * @prune: removes the entries stored more than a given number of seconds
 *   ago, and those expired
 *
 * The virtual methods of [iface@Pp.CacheAdmin]. All are required.
 *
 * Since: 0.2
 */
struct _PpCacheAdminInterface
{
  GTypeInterface g_iface;

  GVariant *  (* query_info) (PpCacheAdmin  *admin,
                              GCancellable  *cancellable,
                              GError       **error);
  gboolean    (* clear)      (PpCacheAdmin  *admin,
                              guint64       *n_removed,
                              GCancellable  *cancellable,
                              GError       **error);
  gboolean    (* prune)      (PpCacheAdmin  *admin,
                              guint64        older_than_s,
                              guint64       *n_removed,
                              GCancellable  *cancellable,
                              GError       **error);

  /*< private >*/
  gpointer padding[8];
};

PP_AVAILABLE_IN_0_2
GVariant *pp_cache_admin_query_info (PpCacheAdmin  *admin,
                                     GCancellable  *cancellable,
                                     GError       **error);
PP_AVAILABLE_IN_0_2
gboolean  pp_cache_admin_clear      (PpCacheAdmin  *admin,
                                     guint64       *n_removed,
                                     GCancellable  *cancellable,
                                     GError       **error);
PP_AVAILABLE_IN_0_2
gboolean  pp_cache_admin_prune      (PpCacheAdmin  *admin,
                                     guint64        older_than_s,
                                     guint64       *n_removed,
                                     GCancellable  *cancellable,
                                     GError       **error);

G_END_DECLS
