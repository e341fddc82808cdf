/* test-cache-plugin.c: small PpCache plugins for the registry tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built several times with different definitions:
 *   MODULE_NAME     the plugin's name in its entry points, e.g. test_high
 *   IMPL_NAME       the implementation's name
 *   IMPL_PRIORITY   its priority
 *   FAIL_ENV        if set in the environment, GInitable init fails
 *   PLUGIN_ABI      the ABI tag the module claims
 *   OMIT_LOAD       leave out the load entry point
 *   TYPE_NAME       the name of its type
 *   LOAD_COUNT_ENV  the environment variable counting its load calls
 */

#include "config.h"

#include <stdlib.h>
#include <gmodule.h>
#include <libpp/libpp.h>

#define CONCAT_(a, b, c) a##b##c
#define CONCAT(a, b, c) CONCAT_(a, b, c)
#define ENTRY(suffix) CONCAT (pp_, MODULE_NAME, suffix)

typedef struct
{
  GObject parent_instance;
} TestCache;

static GType test_cache_type;

static GBytes *
test_cache_lookup (PpCache       *cache,
                   const char    *key,
                   GCancellable  *cancellable,
                   GError       **error)
{
  /* Answers every key with the implementation's name */
  return g_bytes_new_static (IMPL_NAME, sizeof IMPL_NAME - 1);
}

static gboolean
test_cache_store (PpCache       *cache,
                  const char    *key,
                  GBytes        *value,
                  guint          ttl_s,
                  GCancellable  *cancellable,
                  GError       **error)
{
  return TRUE;
}

static void
test_cache_iface_init (PpCacheInterface *iface)
{
  iface->lookup = test_cache_lookup;
  iface->store = test_cache_store;
}

static gboolean
test_cache_initable_init (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  if (g_getenv (FAIL_ENV) != NULL)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED, "%s is unavailable", IMPL_NAME);
      return FALSE;
    }

  return TRUE;
}

static void
test_cache_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_cache_initable_init;
}

/* Registered by hand rather than with G_DEFINE_DYNAMIC_TYPE, so that each
 * variant's type has a name of its own (TYPE_NAME) */
static void
test_cache_register_type (GTypeModule *module)
{
  const GTypeInfo info = {
    .class_size = sizeof (GObjectClass),
    .instance_size = sizeof (TestCache),
  };
  const GInterfaceInfo cache_info = {
    .interface_init = (GInterfaceInitFunc) test_cache_iface_init,
  };
  const GInterfaceInfo initable_info = {
    .interface_init = (GInterfaceInitFunc) test_cache_initable_iface_init,
  };
  GType type;

  type = g_type_module_register_type (module, G_TYPE_OBJECT, TYPE_NAME, &info, G_TYPE_FLAG_FINAL);
  g_type_module_add_interface (module, type, PP_TYPE_CACHE, &cache_info);
  g_type_module_add_interface (module, type, G_TYPE_INITABLE, &initable_info);
  test_cache_type = type;
}

/* The macro expands its argument: the declarations use the name given by
 * the build */
PP_DECLARE_PLUGIN (MODULE_NAME);

const guint32 ENTRY (_abi) = PLUGIN_ABI;

#ifdef OMIT_LOAD
/* Misnamed: the registry looks for <prefix>_load */
G_MODULE_EXPORT void ENTRY (_init) (GTypeModule *module);

G_MODULE_EXPORT void
ENTRY (_init) (GTypeModule *module)
{
  test_cache_register_type (module);
}
#else
void
ENTRY (_load) (GTypeModule *module)
{
  /* Counted where an unload cannot reset it: the module's statics go away
   * with the module */
  {
    const char *count = g_getenv (LOAD_COUNT_ENV);
    g_autofree char *next = g_strdup_printf ("%u", (count != NULL ? (guint) atoi (count) : 0) + 1);

    g_setenv (LOAD_COUNT_ENV, next, TRUE);
  }
  test_cache_register_type (module);
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT, test_cache_type,
                             IMPL_NAME, IMPL_PRIORITY, "A cache for the registry tests");
}
#endif

void
ENTRY (_unload) (GTypeModule *module)
{
}
