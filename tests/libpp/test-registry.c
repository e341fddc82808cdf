/* test-registry.c: the plugin registry, with real plugin modules
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gmodule.h>
#include <utime.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-dir.h"

static GPtrArray *warnings;   /* (element-type utf8) */
static GPtrArray *debug_messages;   /* (element-type utf8) */
static char *plugin_dir;

/* Records warnings instead of aborting on them; the library never installs
 * a writer, the test program does */
static GLogWriterOutput
record_warnings (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_DEBUG))
    {
      GPtrArray *messages = (log_level & G_LOG_LEVEL_WARNING) ? warnings : debug_messages;

      for (gsize i = 0; i < n_fields; i++)
        {
          if (g_str_equal (fields[i].key, "MESSAGE"))
            g_ptr_array_add (messages, g_strdup (fields[i].value));
        }
      if (log_level & G_LOG_LEVEL_WARNING)
        return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static gboolean
logged (GPtrArray  *messages,
        const char *needle,
        const char *also)
{
  for (guint i = 0; i < messages->len; i++)
    {
      const char *message = messages->pdata[i];

      if (strstr (message, needle) != NULL && (also == NULL || strstr (message, also) != NULL))
        return TRUE;
    }

  return FALSE;
}

static gboolean
warned_about (const char *needle,
              const char *also)
{
  return logged (warnings, needle, also);
}

static guint
count_extensions (const char *point,
                  const char *name)
{
  g_autoptr(GList) extensions = pp_registry_list_extensions (point);
  guint n = 0;

  for (GList *l = extensions; l != NULL; l = l->next)
    {
      if (g_str_equal (pp_extension_get_name (l->data), name))
        n++;
    }

  return n;
}

static void
test_broken_modules_skipped (void)
{
  /* Loading went on past the broken modules, naming each file */
  g_assert_true (warned_about ("libpp-test-no-load." G_MODULE_SUFFIX, "pp_test_no_load_load"));
  g_assert_true (warned_about ("libpp-test-wrong-abi." G_MODULE_SUFFIX, "ABI 999"));
  g_assert_true (warned_about ("libpp-garbage." G_MODULE_SUFFIX, NULL));

  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "test-high"), ==, 1);
  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "test-low"), ==, 1);
  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "test-no-load"), ==, 0);
  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "test-wrong-abi"), ==, 0);
}

static void
test_priority_order (void)
{
  g_autoptr(GList) extensions = pp_registry_list_extensions (PP_CACHE_EXTENSION_POINT);
  int previous = G_MAXINT;
  gint high = -1, low = -1, i = 0;

  for (GList *l = extensions; l != NULL; l = l->next, i++)
    {
      g_assert_cmpint (pp_extension_get_priority (l->data), <=, previous);
      previous = pp_extension_get_priority (l->data);
      if (g_str_equal (pp_extension_get_name (l->data), "test-high"))
        high = i;
      if (g_str_equal (pp_extension_get_name (l->data), "test-low"))
        low = i;
    }

  g_assert_cmpint (high, >=, 0);
  g_assert_cmpint (low, >, high);
  g_assert_cmpstr (g_type_name (pp_registry_lookup (PP_CACHE_EXTENSION_POINT, "test-low")), ==, "TestCache-test-low");
  g_assert_true (pp_registry_lookup (PP_CACHE_EXTENSION_POINT, "no-such") == G_TYPE_INVALID);
  g_assert_true (pp_registry_lookup ("no-such-point", NULL) == G_TYPE_INVALID);
}

static char *
lookup_name (PpCache *cache)
{
  g_autoptr(GBytes) bytes = pp_cache_lookup (cache, "key", NULL, NULL);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return g_strndup (data, size);
}

static void
test_selection (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) best = NULL;
  g_autoptr(GObject) named = NULL;
  g_autoptr(GObject) fallback = NULL;
  g_autoptr(GObject) from_env = NULL;
  g_autofree char *name = NULL;

  /* By priority: the highest that initialises */
  best = pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error, NULL);
  g_assert_no_error (error);
  name = lookup_name (PP_CACHE (best));
  g_assert_cmpstr (name, ==, "test-high");
  g_clear_pointer (&name, g_free);

  g_setenv ("PP_TEST_HIGH_FAIL", "1", TRUE);
  fallback = pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error, NULL);
  g_assert_no_error (error);
  name = lookup_name (PP_CACHE (fallback));
  g_assert_cmpstr (name, ==, "test-low");
  g_clear_pointer (&name, g_free);

  /* Named, it is that one or an error */
  g_assert_null (pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-high", &error, NULL));
  g_assert_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED);
  g_clear_error (&error);
  g_unsetenv ("PP_TEST_HIGH_FAIL");

  named = pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-low", &error, NULL);
  g_assert_no_error (error);
  name = lookup_name (PP_CACHE (named));
  g_assert_cmpstr (name, ==, "test-low");
  g_clear_pointer (&name, g_free);

  g_assert_null (pp_registry_create (PP_CACHE_EXTENSION_POINT, "no-such", &error, NULL));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "test-low"));
  g_clear_error (&error);

  g_assert_null (pp_registry_create ("no-such-point", NULL, &error, NULL));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NO_SUCH_POINT);
  g_clear_error (&error);

  /* The point's environment variable names one */
  g_setenv ("PP_CACHE", "test-low", TRUE);
  from_env = pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error, NULL);
  g_unsetenv ("PP_CACHE");
  g_assert_no_error (error);
  name = lookup_name (PP_CACHE (from_env));
  g_assert_cmpstr (name, ==, "test-low");
}

static void
test_idempotent_load (void)
{
  g_autoptr(GObject) kept = NULL;

  /* The module was loaded to register its types, unloaded, and is loaded
   * again when its type is used: its load function runs more than once,
   * yet the implementation is registered once */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GObject) cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-low", NULL, NULL);

      g_assert_nonnull (cache);
    }

  kept = pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-low", NULL, NULL);
  g_assert_nonnull (kept);
  g_assert_nonnull (g_getenv ("PP_TEST_LOW_LOADS"));
  g_assert_cmpint (atoi (g_getenv ("PP_TEST_LOW_LOADS")), >=, 2);
  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "test-low"), ==, 1);
}

#define TEST_TYPE_INPROCESS_CACHE (test_inprocess_cache_get_type ())
G_DECLARE_FINAL_TYPE (TestInprocessCache, test_inprocess_cache, TEST, INPROCESS_CACHE, GObject)

struct _TestInprocessCache
{
  GObject parent_instance;
};

static GBytes *
inprocess_lookup (PpCache *cache, const char *key, GCancellable *cancellable, GError **error)
{
  return g_bytes_new_static ("in-process", 10);
}

static gboolean
inprocess_store (PpCache *cache, const char *key, GBytes *value, guint ttl_s,
                 GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static void
inprocess_iface_init (PpCacheInterface *iface)
{
  iface->lookup = inprocess_lookup;
  iface->store = inprocess_store;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestInprocessCache, test_inprocess_cache, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CACHE, inprocess_iface_init))

static void test_inprocess_cache_class_init (TestInprocessCacheClass *klass) { }
static void test_inprocess_cache_init (TestInprocessCache *self) { }

static void
test_register_in_process (void)
{
  g_autoptr(GObject) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  pp_registry_register_type (PP_CACHE_EXTENSION_POINT, TEST_TYPE_INPROCESS_CACHE,
                             "in-process", 5000, "Provided by the application");
  /* Again: nothing changes */
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT, TEST_TYPE_INPROCESS_CACHE,
                             "in-process", 5000, "Provided by the application");
  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "in-process"), ==, 1);

  cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error, NULL);
  g_assert_no_error (error);
  g_assert_true (G_OBJECT_TYPE (cache) == TEST_TYPE_INPROCESS_CACHE);
  name = lookup_name (PP_CACHE (cache));
  g_assert_cmpstr (name, ==, "in-process");
}

/* An in-process cache with properties: one that can be set and one that
 * cannot. It counts its instances, to see that a failed creation made none */
#define TEST_TYPE_CONFIGURABLE_CACHE (test_configurable_cache_get_type ())
G_DECLARE_FINAL_TYPE (TestConfigurableCache, test_configurable_cache, TEST, CONFIGURABLE_CACHE, GObject)

struct _TestConfigurableCache
{
  GObject parent_instance;

  guint capacity;
};

enum {
  PROP_CAPACITY = 1,
  PROP_SIZE,
};

static guint configurable_instances;

static void
configurable_iface_init (PpCacheInterface *iface)
{
  iface->lookup = inprocess_lookup;
  iface->store = inprocess_store;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestConfigurableCache, test_configurable_cache, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CACHE, configurable_iface_init))

static void
test_configurable_cache_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  TestConfigurableCache *self = TEST_CONFIGURABLE_CACHE (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;

    case PROP_SIZE:
      g_value_set_uint (value, 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_configurable_cache_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  TestConfigurableCache *self = TEST_CONFIGURABLE_CACHE (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      self->capacity = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_configurable_cache_class_init (TestConfigurableCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_configurable_cache_get_property;
  object_class->set_property = test_configurable_cache_set_property;

  g_object_class_install_property (object_class, PROP_CAPACITY,
    g_param_spec_uint ("capacity", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (object_class, PROP_SIZE,
    g_param_spec_uint ("size", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
}

static void
test_configurable_cache_init (TestConfigurableCache *self)
{
  configurable_instances++;
}

/* Below every other implementation: picked by priority only when the
 * others cannot take the properties given */
static void
register_configurable (void)
{
  pp_registry_register_type (PP_CACHE_EXTENSION_POINT, TEST_TYPE_CONFIGURABLE_CACHE,
                             "configurable", -1000, "Has properties");
}

static void
assert_error_names (const GError *error,
                    const char   *first,
                    ...)
{
  va_list args;

  va_start (args, first);
  for (const char *needle = first; needle != NULL; needle = va_arg (args, const char *))
    {
      if (strstr (error->message, needle) == NULL)
        g_error ("‘%s’ is not in the error message: %s", needle, error->message);
    }
  va_end (args);
}

static void
test_create_unknown_property_named (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) cache = NULL;
  guint instances;

  register_configurable ();
  instances = configurable_instances;

  /* A property another implementation has, but not the one named */
  g_assert_null (pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-low", &error,
                                     "capacity", 5u, NULL));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacity’", "‘test-low’", "‘" PP_CACHE_EXTENSION_POINT "’", NULL);
  g_clear_error (&error);

  /* A misspelt property of the implementation named */
  g_assert_null (pp_registry_create (PP_CACHE_EXTENSION_POINT, "configurable", &error,
                                     "capacty", 5u, NULL));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacty’", "‘configurable’", "‘" PP_CACHE_EXTENSION_POINT "’", NULL);
  g_clear_error (&error);

  /* Named through the environment: the same */
  g_setenv ("PP_CACHE", "configurable", TRUE);
  g_assert_null (pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error,
                                     "capacty", 5u, NULL));
  g_unsetenv ("PP_CACHE");
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacty’", "‘configurable’", NULL);
  g_clear_error (&error);

  g_assert_cmpuint (configurable_instances, ==, instances);

  /* Spelt right, it is set */
  cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, "configurable", &error,
                              "capacity", 5u, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (TEST_CONFIGURABLE_CACHE (cache)->capacity, ==, 5);
}

static void
test_create_unknown_property_by_priority (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) cache = NULL;
  guint instances;

  register_configurable ();
  instances = configurable_instances;

  /* The implementations that do not have it are passed over */
  cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error, "capacity", 7u, NULL);
  g_assert_no_error (error);
  g_assert_true (G_OBJECT_TYPE (cache) == TEST_TYPE_CONFIGURABLE_CACHE);
  g_assert_cmpuint (TEST_CONFIGURABLE_CACHE (cache)->capacity, ==, 7);
  instances = configurable_instances;

  /* No implementation has it: an error, not the best one without it */
  g_assert_null (pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error,
                                     "capacty", 5u, NULL));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacty’", "‘" PP_CACHE_EXTENSION_POINT "’", NULL);
  g_clear_error (&error);
  g_assert_cmpuint (configurable_instances, ==, instances);
}

/* Calls pp_registry_create_with_properties() with one property */
static GObject *
create_with_one_property (const char    *name,
                          const char    *property_name,
                          const GValue  *value,
                          GError       **error)
{
  return pp_registry_create_with_properties (PP_CACHE_EXTENSION_POINT, name, 1,
                                             &property_name, value, error);
}

static void
test_create_with_properties_unknown_property (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) cache = NULL;
  g_auto(GValue) number = G_VALUE_INIT;
  g_auto(GValue) text = G_VALUE_INIT;
  guint instances;

  register_configurable ();
  instances = configurable_instances;
  g_value_init (&number, G_TYPE_UINT);
  g_value_set_uint (&number, 5);
  g_value_init (&text, G_TYPE_STRING);
  g_value_set_string (&text, "five");

  /* Misspelt, on the implementation named and on any */
  g_assert_null (create_with_one_property ("configurable", "capacty", &number, &error));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacty’", "‘configurable’", "‘" PP_CACHE_EXTENSION_POINT "’", NULL);
  g_clear_error (&error);

  g_assert_null (create_with_one_property (NULL, "capacty", &number, &error));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacty’", "configurable", "test-high", "‘" PP_CACHE_EXTENSION_POINT "’", NULL);
  g_clear_error (&error);

  /* One that cannot be set */
  g_assert_null (create_with_one_property ("configurable", "size", &number, &error));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘size’", "‘configurable’", NULL);
  g_clear_error (&error);

  /* A value of a type that does not convert to the property's */
  g_assert_null (create_with_one_property ("configurable", "capacity", &text, &error));
  g_assert_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY);
  assert_error_names (error, "‘capacity’", "‘configurable’", "guint", "gchararray", NULL);
  g_clear_error (&error);

  g_assert_cmpuint (configurable_instances, ==, instances);

  cache = create_with_one_property ("configurable", "capacity", &number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (TEST_CONFIGURABLE_CACHE (cache)->capacity, ==, 5);
}

static void
copy_file (const char *from,
           const char *to_dir)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autofree char *basename = g_path_get_basename (from);
  g_autofree char *to_path = g_build_filename (to_dir, basename, NULL);
  g_autoptr(GFile) dest = g_file_new_for_path (to_path);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

/* The plugin caches: each test runs in a process of its own, which loads
 * the plugin directory it makes */

static guint
load_count (const char *variable)
{
  const char *count = g_getenv (variable);

  return count != NULL ? (guint) atoi (count) : 0;
}

static char *
module_path (const char *dir,
             const char *module)
{
  return g_strdup_printf ("%s/libpp-%s." G_MODULE_SUFFIX, dir, module);
}

/* A plugin directory with the test modules named */
static char *
make_plugin_dir (const char * const *modules)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pp-registry-cache-XXXXXX", &error);

  g_assert_no_error (error);
  for (guint i = 0; modules[i] != NULL; i++)
    {
      g_autofree char *file = g_strdup_printf ("libpp-%s." G_MODULE_SUFFIX, modules[i]);
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "libpp", "registry-modules", file, NULL);

      copy_file (path, dir);
    }

  return dir;
}

/* Writes the plugin cache of @dir with pp-query-plugins, as the build
 * and the installation do */
static void
query_plugins (const char *dir)
{
  g_autofree char *tool = g_test_build_filename (G_TEST_BUILT, "..", "plugins", "pp-query-plugins", NULL);
  const char *argv[] = { tool, dir, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
}

static char *
cache_path (const char *dir)
{
  return g_build_filename (dir, "pp-plugins.cache", NULL);
}

/* Sets the modification time of @module in @dir to that of its cache,
 * plus @seconds */
static void
set_mtime_from_cache (const char *dir,
                      const char *module,
                      int         seconds)
{
  g_autofree char *cache = cache_path (dir);
  g_autofree char *path = module_path (dir, module);
  struct utimbuf times;
  GStatBuf st;

  g_assert_cmpint (g_stat (cache, &st), ==, 0);
  times.actime = st.st_mtime + seconds;
  times.modtime = st.st_mtime + seconds;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* Registers the plugin modules of @dir, and no other, in this process */
static void
use_plugin_dir (const char *dir)
{
  g_unsetenv ("PP_TEST_HIGH_LOADS");
  g_unsetenv ("PP_TEST_LOW_LOADS");
  g_setenv ("PP_PLUGIN_PATH", dir, TRUE);
  pp_registry_ensure_loaded ();
}

static void
assert_registered (const char *name,
                   int         priority)
{
  g_autoptr(GList) extensions = pp_registry_list_extensions (PP_CACHE_EXTENSION_POINT);

  for (GList *l = extensions; l != NULL; l = l->next)
    {
      if (g_str_equal (pp_extension_get_name (l->data), name))
        {
          g_assert_cmpint (pp_extension_get_priority (l->data), ==, priority);
          g_assert_cmpstr (pp_extension_get_description (l->data), ==, "A cache for the registry tests");
          return;
        }
    }

  g_error ("‘%s’ is not registered", name);
}

static gboolean
run_in_subprocess (void)
{
  if (g_test_subprocess ())
    return FALSE;

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return TRUE;
}

static void
test_cache_loaded_on_first_use (void)
{
  static const char * const modules[] = { "test-high", "test-low", NULL };
  g_autofree char *dir = NULL;
  g_autoptr(GObject) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (run_in_subprocess ())
    return;

  dir = make_plugin_dir (modules);
  query_plugins (dir);
  use_plugin_dir (dir);

  /* Registered as the cache says, without loading either module */
  assert_registered ("test-high", 1000);
  assert_registered ("test-low", 900);
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 0);
  g_assert_cmpuint (load_count ("PP_TEST_LOW_LOADS"), ==, 0);

  /* Making an instance loads its module, once (not once to register its
   * types and again for the instance), and that one only */
  cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-low", &error, NULL);
  g_assert_no_error (error);
  name = lookup_name (PP_CACHE (cache));
  g_assert_cmpstr (name, ==, "test-low");
  g_assert_cmpuint (load_count ("PP_TEST_LOW_LOADS"), ==, 1);
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 0);

  /* So does asking for its type, and the module stays for the classes
   * and instances of the type */
  g_assert_cmpstr (g_type_name (pp_registry_lookup (PP_CACHE_EXTENSION_POINT, "test-high")), ==,
                   "TestCache-test-high");
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 1);
  g_assert_cmpuint (count_extensions (PP_CACHE_EXTENSION_POINT, "test-high"), ==, 1);
  g_clear_object (&cache);
  cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, "test-high", &error, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 1);

  pp_test_remove_tree (dir);
}

static void
test_cache_stale_module_loaded (void)
{
  static const char * const modules[] = { "test-high", "test-low", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *low = NULL;

  if (run_in_subprocess ())
    return;

  dir = make_plugin_dir (modules);
  query_plugins (dir);
  /* test-low was replaced after the cache was written */
  set_mtime_from_cache (dir, "test-low", 10);
  use_plugin_dir (dir);

  low = module_path (dir, "test-low");
  g_assert_true (logged (debug_messages, low, "newer than the plugin cache"));
  g_assert_cmpuint (load_count ("PP_TEST_LOW_LOADS"), >=, 1);
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 0);
  assert_registered ("test-low", 900);

  pp_test_remove_tree (dir);
}

static void
test_cache_unlisted_module_loaded (void)
{
  static const char * const modules[] = { "test-high", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *low = NULL;
  g_autofree char *built_low = g_test_build_filename (G_TEST_BUILT, "libpp", "registry-modules",
                                                      "libpp-test-low." G_MODULE_SUFFIX, NULL);

  if (run_in_subprocess ())
    return;

  dir = make_plugin_dir (modules);
  query_plugins (dir);
  /* Added after the cache was written, though older than it */
  copy_file (built_low, dir);
  set_mtime_from_cache (dir, "test-low", -10);
  use_plugin_dir (dir);

  low = module_path (dir, "test-low");
  g_assert_true (logged (debug_messages, low, "not in the plugin cache"));
  g_assert_cmpuint (load_count ("PP_TEST_LOW_LOADS"), >=, 1);
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 0);

  pp_test_remove_tree (dir);
}

static void
test_cache_corrupt_ignored (void)
{
  static const char * const modules[] = { "test-high", "test-low", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *cache_file = NULL;
  g_autoptr(GObject) cache = NULL;
  g_autoptr(GError) error = NULL;

  if (run_in_subprocess ())
    return;

  dir = make_plugin_dir (modules);
  cache_file = cache_path (dir);
  g_file_set_contents (cache_file, "\xff\xfe[Plugin Cache\nVersion=\x01\n[[", -1, &error);
  g_assert_no_error (error);
  use_plugin_dir (dir);

  /* Both loaded, as without a cache */
  g_assert_true (logged (debug_messages, cache_file, "is ignored"));
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), >=, 1);
  g_assert_cmpuint (load_count ("PP_TEST_LOW_LOADS"), >=, 1);
  cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, NULL, &error, NULL);
  g_assert_no_error (error);

  pp_test_remove_tree (dir);
}

static void
test_cache_corrupt_entry_ignored (void)
{
  static const char * const modules[] = { "test-high", "test-low", NULL };
  g_autofree char *dir = NULL;
  g_autofree char *cache_file = NULL;
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  if (run_in_subprocess ())
    return;

  dir = make_plugin_dir (modules);
  query_plugins (dir);
  cache_file = cache_path (dir);

  /* The entry of test-low loses its priority */
  g_key_file_load_from_file (key_file, cache_file, G_KEY_FILE_KEEP_COMMENTS, &error);
  g_assert_no_error (error);
  g_key_file_set_string (key_file, "Extension libpp-test-low." G_MODULE_SUFFIX " libpp-cache test-low",
                         "Priority", "high");
  g_key_file_save_to_file (key_file, cache_file, &error);
  g_assert_no_error (error);
  set_mtime_from_cache (dir, "test-low", -10);
  set_mtime_from_cache (dir, "test-high", -10);
  use_plugin_dir (dir);

  /* That module is loaded, as if the cache did not list it; the other is not */
  g_assert_true (logged (debug_messages, cache_file, "libpp-test-low." G_MODULE_SUFFIX " is left out"));
  g_assert_cmpuint (load_count ("PP_TEST_LOW_LOADS"), >=, 1);
  g_assert_cmpuint (load_count ("PP_TEST_HIGH_LOADS"), ==, 0);
  assert_registered ("test-low", 900);
  assert_registered ("test-high", 1000);

  pp_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  static const char *modules[] = { "test-high", "test-low", "test-no-load", "test-wrong-abi" };
  g_autoptr(GError) error = NULL;
  g_autofree char *garbage = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  warnings = g_ptr_array_new_with_free_func (g_free);
  debug_messages = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (record_warnings, NULL, NULL);

  /* A plugin directory of our own, without a plugin cache: the test
   * modules and a file that is not a module at all. The tests of the
   * cache make theirs in processes of their own. */
  if (!g_test_subprocess ())
    {
      plugin_dir = g_dir_make_tmp ("pp-registry-XXXXXX", &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
        {
          g_autofree char *file = g_strdup_printf ("libpp-%s." G_MODULE_SUFFIX, modules[i]);
          g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "libpp", "registry-modules", file, NULL);

          copy_file (path, plugin_dir);
        }
      garbage = g_build_filename (plugin_dir, "libpp-garbage." G_MODULE_SUFFIX, NULL);
      g_assert_true (g_file_set_contents (garbage, "not an ELF file", -1, NULL));

      g_setenv ("PP_PLUGIN_PATH", plugin_dir, TRUE);
      pp_registry_ensure_loaded ();
    }

  g_test_add_func ("/registry/broken-modules-skipped", test_broken_modules_skipped);
  g_test_add_func ("/registry/priority-order", test_priority_order);
  g_test_add_func ("/registry/selection", test_selection);
  g_test_add_func ("/registry/idempotent-load", test_idempotent_load);
  g_test_add_func ("/registry/register-in-process", test_register_in_process);
  g_test_add_func ("/registry/create/unknown-property/named", test_create_unknown_property_named);
  g_test_add_func ("/registry/create/unknown-property/by-priority", test_create_unknown_property_by_priority);
  g_test_add_func ("/registry/create-with-properties/unknown-property", test_create_with_properties_unknown_property);
  g_test_add_func ("/registry/cache/loaded-on-first-use", test_cache_loaded_on_first_use);
  g_test_add_func ("/registry/cache/stale-module-loaded", test_cache_stale_module_loaded);
  g_test_add_func ("/registry/cache/unlisted-module-loaded", test_cache_unlisted_module_loaded);
  g_test_add_func ("/registry/cache/corrupt-ignored", test_cache_corrupt_ignored);
  g_test_add_func ("/registry/cache/corrupt-entry-ignored", test_cache_corrupt_entry_ignored);

  ret = g_test_run ();

  if (plugin_dir != NULL)
    pp_test_remove_tree (plugin_dir);
  g_free (plugin_dir);
  g_ptr_array_unref (warnings);
  g_ptr_array_unref (debug_messages);

  return ret;
}
