/* pp-registry.c: extension points and their implementations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <gmodule.h>
#include <gobject/gvaluecollector.h>

#include "pp-registry.h"
#include "pp-cache.h"
#include "pp-converter.h"
#include "pp-llm-client.h"
#include "pp-plugin-module-private.h"
#include "pp-reader.h"
#include "pp-reader-text-private.h"

/**
 * SECTION:pp-registry
 * @title: Plugin registry
 *
 * libpp's plugins are found the way GIO finds its modules. There are four
 * extension points, each with the interface its implementations must have:
 * %PP_LLM_CLIENT_EXTENSION_POINT (#PpLlmClient),
 * %PP_CONVERTER_EXTENSION_POINT (#PpConverter),
 * %PP_CACHE_EXTENSION_POINT (#PpCache) and, since 0.2,
 * %PP_READER_EXTENSION_POINT (#PpReader). An implementation is registered
 * with a name and a priority, by a plugin module or in-process with
 * pp_registry_register_type().
 *
 * pp_registry_ensure_loaded() loads the modules of the directories in the
 * `PP_PLUGIN_PATH` environment variable, then those of the installed plugin
 * directory; a module whose file name was seen already is skipped, so a
 * module in `PP_PLUGIN_PATH` overrides the installed one. A module that
 * cannot be loaded is skipped with a warning that names its file.
 *
 * pp_registry_create() makes an instance: the implementation named, or the
 * one named by the point's environment variable (`PP_LLM`, `PP_CONVERTER`,
 * `PP_CACHE`, `PP_READER`), or else the implementation of highest priority that
 * initialises (#GInitable).
 */

struct _PpExtension
{
  GType type;
  char *name;
  int priority;
  char *description;
};

typedef struct
{
  const char *name;
  const char *env_var;
  GType (* get_required_type) (void);
  GList *extensions;   /* PpExtension, highest priority first */
} PpExtensionPoint;

static PpExtensionPoint extension_points[] = {
  { PP_LLM_CLIENT_EXTENSION_POINT, "PP_LLM", pp_llm_client_get_type, NULL },
  { PP_CONVERTER_EXTENSION_POINT, "PP_CONVERTER", pp_converter_get_type, NULL },
  { PP_CACHE_EXTENSION_POINT, "PP_CACHE", pp_cache_get_type, NULL },
  { PP_READER_EXTENSION_POINT, "PP_READER", pp_reader_get_type, NULL },
};

static GMutex registry_lock;
static GHashTable *loaded_basenames;   /* basename → PpPluginModule, never freed */

/**
 * pp_registry_error_quark:
 *
 * The error domain of the registry of extension points, `PP_REGISTRY_ERROR`.
 *
 * Returns: the quark of the error domain
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (pp-registry-error-quark, pp_registry_error)

static PpExtension *
pp_extension_copy (PpExtension *extension)
{
  /* Owned by the registry for the life of the process */
  return extension;
}

static void
pp_extension_free (PpExtension *extension)
{
}

G_DEFINE_BOXED_TYPE (PpExtension, pp_extension, pp_extension_copy, pp_extension_free)

/**
 * pp_extension_get_implementation_type:
 * @extension: a #PpExtension
 *
 * Gets the type that implements the extension point.
 *
 * Returns: the type of the implementation
 *
 * Since: 0.1
 */
GType
pp_extension_get_implementation_type (PpExtension *extension)
{
  g_return_val_if_fail (extension != NULL, G_TYPE_INVALID);

  return extension->type;
}

/**
 * pp_extension_get_name:
 * @extension: a #PpExtension
 *
 * Gets the name of the implementation.
 *
 * Returns: the name the implementation was registered with
 *
 * Since: 0.1
 */
const char *
pp_extension_get_name (PpExtension *extension)
{
  g_return_val_if_fail (extension != NULL, NULL);

  return extension->name;
}

/**
 * pp_extension_get_priority:
 * @extension: a #PpExtension
 *
 * Gets the priority of the implementation.
 *
 * Returns: the priority; the highest wins when none is named
 *
 * Since: 0.1
 */
int
pp_extension_get_priority (PpExtension *extension)
{
  g_return_val_if_fail (extension != NULL, 0);

  return extension->priority;
}

/**
 * pp_extension_get_description:
 * @extension: a #PpExtension
 *
 * Gets the description of the implementation.
 *
 * Returns: a one-line description of the implementation
 *
 * Since: 0.1
 */
const char *
pp_extension_get_description (PpExtension *extension)
{
  g_return_val_if_fail (extension != NULL, NULL);

  return extension->description;
}

static PpExtensionPoint *
find_point (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (extension_points); i++)
    {
      if (g_strcmp0 (extension_points[i].name, name) == 0)
        return &extension_points[i];
    }

  return NULL;
}

static int
compare_extensions (gconstpointer a,
                    gconstpointer b)
{
  const PpExtension *ea = a;
  const PpExtension *eb = b;

  if (ea->priority != eb->priority)
    return eb->priority - ea->priority;

  return strcmp (ea->name, eb->name);
}

/**
 * pp_registry_register_type:
 * @point: the name of an extension point, such as
 *   %PP_LLM_CLIENT_EXTENSION_POINT
 * @type: a type that implements the point's interface
 * @name: the name the implementation is selected by, such as "openai"
 * @priority: the priority; when no name is given, the highest that
 *   initialises wins
 * @description: (nullable): a one-line description
 *
 * Registers an implementation at an extension point. Plugin modules call
 * this from their load function; an application may call it to provide an
 * implementation of its own. Registering the same type under the same name
 * again does nothing, so a module's load function may run more than once.
 *
 * Since: 0.1
 */
void
pp_registry_register_type (const char *point,
                           GType       type,
                           const char *name,
                           int         priority,
                           const char *description)
{
  PpExtensionPoint *ep;
  PpExtension *extension;
  GType required;

  g_return_if_fail (point != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  ep = find_point (point);
  if (ep == NULL)
    {
      g_critical ("%s: no extension point is named ‘%s’", G_STRFUNC, point);
      return;
    }

  required = ep->get_required_type ();
  if (!g_type_is_a (type, required))
    {
      g_critical ("%s: %s does not implement %s, required by extension point ‘%s’",
                  G_STRFUNC, g_type_name (type), g_type_name (required), point);
      return;
    }

  g_mutex_lock (&registry_lock);

  for (GList *l = ep->extensions; l != NULL; l = l->next)
    {
      PpExtension *existing = l->data;

      if (strcmp (existing->name, name) == 0)
        {
          if (existing->type != type)
            g_warning ("Extension point ‘%s’ has an implementation named ‘%s’ already (%s); ignoring %s",
                       point, name, g_type_name (existing->type), g_type_name (type));
          g_mutex_unlock (&registry_lock);
          return;
        }
    }

  extension = g_new0 (PpExtension, 1);
  extension->type = type;
  extension->name = g_strdup (name);
  extension->priority = priority;
  extension->description = g_strdup (description != NULL ? description : "");
  ep->extensions = g_list_insert_sorted (ep->extensions, extension, compare_extensions);

  g_mutex_unlock (&registry_lock);

  g_debug ("Registered %s as ‘%s’ at ‘%s’ (priority %d)", g_type_name (type), name, point, priority);
}

static GMutex load_lock;

static int
compare_filenames (gconstpointer a,
                   gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
load_module_locked (const char *filename,
                    const char *basename)
{
  PpPluginModule *module;

  if (g_hash_table_contains (loaded_basenames, basename))
    {
      g_debug ("Plugin module %s overridden by one loaded earlier", filename);
      return FALSE;
    }

  module = pp_plugin_module_new (filename);
  /* A type module can never be freed once it registered types: keep it */
  g_hash_table_insert (loaded_basenames, g_strdup (basename), module);

  if (!g_type_module_use (G_TYPE_MODULE (module)))
    return FALSE;

  g_type_module_unuse (G_TYPE_MODULE (module));
  g_debug ("Loaded plugin module %s", filename);

  return TRUE;
}

static void
ensure_basenames (void)
{
  if (loaded_basenames == NULL)
    loaded_basenames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * pp_registry_load_directory:
 * @directory: a directory
 *
 * Loads every plugin module (`*.so`) in @directory, in name order. A module
 * that fails to load is skipped with a warning; a missing directory is
 * ignored.
 *
 * Since: 0.1
 */
void
pp_registry_load_directory (const char *directory)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *entry;

  g_return_if_fail (directory != NULL);

  dir = g_dir_open (directory, 0, NULL);
  if (dir == NULL)
    {
      g_debug ("No plugin directory %s", directory);
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (entry, "." G_MODULE_SUFFIX))
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_ptr_array_sort (names, compare_filenames);

  /* Module load functions call pp_registry_register_type(), which takes
   * registry_lock: modules are loaded outside it, one caller at a time */
  g_mutex_lock (&load_lock);
  ensure_basenames ();
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *filename = g_build_filename (directory, names->pdata[i], NULL);

      load_module_locked (filename, names->pdata[i]);
    }
  g_mutex_unlock (&load_lock);
}

static gpointer
load_all_modules (gpointer data)
{
  const char *path = g_getenv ("PP_PLUGIN_PATH");

  /* libpp's own implementations, which modules may outrank */
  pp_reader_text_register_builtins ();

  if (path != NULL && *path != '\0')
    {
      g_auto(GStrv) dirs = g_strsplit (path, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; dirs[i] != NULL; i++)
        {
          if (*dirs[i] != '\0')
            pp_registry_load_directory (dirs[i]);
        }
    }

  pp_registry_load_directory (PP_PLUGINDIR);

  return NULL;
}

/**
 * pp_registry_ensure_loaded:
 *
 * Loads the plugin modules, once per process: those of the directories in
 * `PP_PLUGIN_PATH` (separated by `:`), then those of the installed plugin
 * directory. libpp's own readers are registered first. Thread-safe.
 *
 * Since: 0.1
 */
void
pp_registry_ensure_loaded (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, load_all_modules, NULL);
}

/**
 * pp_registry_list_points:
 *
 * Lists libpp's extension points.
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 *   extension points
 *
 * Since: 0.1
 */
const char * const *
pp_registry_list_points (void)
{
  static const char * const points[] = {
    PP_LLM_CLIENT_EXTENSION_POINT,
    PP_CONVERTER_EXTENSION_POINT,
    PP_CACHE_EXTENSION_POINT,
    PP_READER_EXTENSION_POINT,
    NULL,
  };

  return points;
}

/**
 * pp_registry_list_extensions:
 * @point: the name of an extension point
 *
 * Lists the implementations registered at @point, highest priority first.
 * Does not load plugin modules: call pp_registry_ensure_loaded() first.
 *
 * Returns: (transfer container) (element-type PpExtension): the
 *   implementations
 *
 * Since: 0.1
 */
GList *
pp_registry_list_extensions (const char *point)
{
  PpExtensionPoint *ep;
  GList *list;

  g_return_val_if_fail (point != NULL, NULL);

  ep = find_point (point);
  if (ep == NULL)
    return NULL;

  g_mutex_lock (&registry_lock);
  list = g_list_copy (ep->extensions);
  g_mutex_unlock (&registry_lock);

  return list;
}

static PpExtension *
find_extension_locked (PpExtensionPoint *ep,
                       const char       *name)
{
  for (GList *l = ep->extensions; l != NULL; l = l->next)
    {
      PpExtension *extension = l->data;

      if (strcmp (extension->name, name) == 0)
        return extension;
    }

  return NULL;
}

/**
 * pp_registry_lookup:
 * @point: the name of an extension point
 * @name: (nullable): the name of an implementation, or %NULL for the one of
 *   highest priority
 *
 * Looks up the type of an implementation. Does not load plugin modules.
 *
 * Returns: the type, or %G_TYPE_INVALID if there is none
 *
 * Since: 0.1
 */
GType
pp_registry_lookup (const char *point,
                    const char *name)
{
  PpExtensionPoint *ep;
  PpExtension *extension = NULL;
  GType type;

  g_return_val_if_fail (point != NULL, G_TYPE_INVALID);

  ep = find_point (point);
  if (ep == NULL)
    return G_TYPE_INVALID;

  g_mutex_lock (&registry_lock);
  if (name != NULL)
    extension = find_extension_locked (ep, name);
  else if (ep->extensions != NULL)
    extension = ep->extensions->data;
  type = extension != NULL ? extension->type : G_TYPE_INVALID;
  g_mutex_unlock (&registry_lock);

  return type;
}

/* Sets an error, without its subject, for a property @klass has not or
 * that cannot be set */
static void
set_no_property_error (GError       **error,
                       GObjectClass  *klass,
                       const char    *property_name)
{
  g_autofree GParamSpec **pspecs = NULL;
  g_autoptr(GString) settable = g_string_new (NULL);
  guint n_pspecs;

  if (g_object_class_find_property (klass, property_name) != NULL)
    {
      g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY,
                   "property ‘%s’ cannot be set", property_name);
      return;
    }

  pspecs = g_object_class_list_properties (klass, &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      if ((pspecs[i]->flags & G_PARAM_WRITABLE) != 0)
        g_string_append_printf (settable, "%s%s", settable->len > 0 ? ", " : "", pspecs[i]->name);
    }

  if (settable->len > 0)
    g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY,
                 "no property ‘%s’ (it has: %s)", property_name, settable->str);
  else
    g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY,
                 "no property ‘%s’ (it has none to set)", property_name);
}

static void
prefix_implementation (GError      **error,
                       const char   *point,
                       PpExtension  *extension)
{
  g_prefix_error (error, "Implementation ‘%s’ of ‘%s’: ", extension->name, point);
}

/* Checks that every property can be set on @klass to its value; the error
 * has no subject */
static gboolean
check_properties (GObjectClass  *klass,
                  guint          n_properties,
                  const char   **names,
                  const GValue  *values,
                  GError       **error)
{
  for (guint i = 0; i < n_properties; i++)
    {
      GParamSpec *pspec = g_object_class_find_property (klass, names[i]);

      if (pspec == NULL || (pspec->flags & G_PARAM_WRITABLE) == 0)
        {
          set_no_property_error (error, klass, names[i]);
          return FALSE;
        }

      if (!g_value_type_transformable (G_VALUE_TYPE (&values[i]), pspec->value_type))
        {
          g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY,
                       "property ‘%s’ takes a %s, not a %s", names[i],
                       g_type_name (pspec->value_type), G_VALUE_TYPE_NAME (&values[i]));
          return FALSE;
        }
    }

  return TRUE;
}

/* Makes an instance of @extension with every property set, or none; an
 * error about the properties has no subject */
static GObject *
instantiate (PpExtension   *extension,
             guint          n_properties,
             const char   **names,
             const GValue  *values,
             GError       **error)
{
  g_autoptr(GTypeClass) klass = g_type_class_ref (extension->type);
  GObject *object;

  if (!check_properties (G_OBJECT_CLASS (klass), n_properties, names, values, error))
    return NULL;

  object = g_object_new_with_properties (extension->type, n_properties, names, values);

  if (G_IS_INITABLE (object) && !g_initable_init (G_INITABLE (object), NULL, error))
    {
      g_object_unref (object);
      return NULL;
    }

  return object;
}

/* Loads the plugin modules if need be and finds the implementations of
 * @point to try, in order: the one named (by @name or, when it is NULL, by
 * the point's environment variable), else every one by priority. Sets @ep
 * to the point, and @name to the name that applies or NULL. */
static GPtrArray *
find_candidates (const char         *point,
                 PpExtensionPoint  **ep_out,
                 const char        **name,
                 GError            **error)
{
  g_autoptr(GPtrArray) candidates = g_ptr_array_new ();
  PpExtensionPoint *ep;

  ep = *ep_out = find_point (point);
  if (ep == NULL)
    {
      g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NO_SUCH_POINT,
                   "No extension point is named ‘%s’", point);
      return NULL;
    }

  pp_registry_ensure_loaded ();

  if (*name == NULL || **name == '\0')
    {
      *name = g_getenv (ep->env_var);
      if (*name != NULL && **name == '\0')
        *name = NULL;
    }

  g_mutex_lock (&registry_lock);
  if (*name != NULL)
    {
      PpExtension *extension = find_extension_locked (ep, *name);

      if (extension == NULL)
        {
          g_autoptr(GString) available = g_string_new (NULL);

          for (GList *l = ep->extensions; l != NULL; l = l->next)
            g_string_append_printf (available, "%s%s", available->len > 0 ? ", " : "",
                                    ((PpExtension *) l->data)->name);
          g_mutex_unlock (&registry_lock);
          g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_NOT_FOUND,
                       "No implementation of ‘%s’ is named ‘%s’ (available: %s)",
                       ep->name, *name, available->len > 0 ? available->str : "none");
          return NULL;
        }
      g_ptr_array_add (candidates, extension);
    }
  else
    {
      /* Extensions are never freed: the pointers outlive the lock */
      for (GList *l = ep->extensions; l != NULL; l = l->next)
        g_ptr_array_add (candidates, l->data);
    }
  g_mutex_unlock (&registry_lock);

  return g_steal_pointer (&candidates);
}

static GObject *
create_from_candidates (PpExtensionPoint  *ep,
                        const char        *name,
                        GPtrArray         *candidates,
                        guint              n_properties,
                        const char       **names,
                        const GValue      *values,
                        GError           **error)
{
  g_autoptr(GString) failures = g_string_new (NULL);
  guint n_without_properties = 0;

  for (guint i = 0; i < candidates->len; i++)
    {
      PpExtension *extension = candidates->pdata[i];
      g_autoptr(GError) local_error = NULL;
      GObject *object;

      object = instantiate (extension, n_properties, names, values, &local_error);
      if (object != NULL)
        return object;

      if (g_error_matches (local_error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY))
        {
          if (name != NULL)
            prefix_implementation (&local_error, ep->name, extension);
          n_without_properties++;
        }

      if (name != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* Picking by priority passes over an implementation that cannot take
       * the properties given, as over one that does not initialise */
      g_debug ("Implementation ‘%s’ of ‘%s’ is not available: %s",
               extension->name, ep->name, local_error->message);
      g_string_append_printf (failures, "; %s: %s", extension->name, local_error->message);
    }

  g_set_error (error, PP_REGISTRY_ERROR,
               candidates->len > 0 && n_without_properties == candidates->len
                 ? PP_REGISTRY_ERROR_INVALID_PROPERTY
                 : PP_REGISTRY_ERROR_UNAVAILABLE,
               "No implementation of ‘%s’ is available%s", ep->name,
               candidates->len == 0 ? " (no plugin registered one)" : failures->str);
  return NULL;
}

/**
 * pp_registry_create_with_properties:
 * @point: the name of an extension point
 * @name: (nullable): the name of an implementation, or %NULL for the one
 *   named by the point's environment variable or, failing that, the one of
 *   highest priority that initialises
 * @n_properties: the number of properties
 * @names: (array length=n_properties): property names
 * @values: (array length=n_properties): property values
 * @error: return location for a #GError
 *
 * Like [func@Pp.registry_create], with the properties in arrays, for
 * language bindings.
 *
 * Every property must be one that the implementation created has and that
 * can be set, and its value must be of its type or one that converts to it;
 * otherwise nothing is created and @error is set to
 * [error@Pp.RegistryError.INVALID_PROPERTY], naming the property, the
 * implementation and the extension point. When the implementation is picked
 * by priority, one that cannot take the properties is passed over.
 *
 * Returns: (transfer full) (nullable): the new object, or %NULL with @error
 *   set
 *
 * Since: 0.1
 */
GObject *
pp_registry_create_with_properties (const char    *point,
                                    const char    *name,
                                    guint          n_properties,
                                    const char   **names,
                                    const GValue  *values,
                                    GError       **error)
{
  PpExtensionPoint *ep;
  g_autoptr(GPtrArray) candidates = NULL;

  g_return_val_if_fail (point != NULL, NULL);
  g_return_val_if_fail (n_properties == 0 || (names != NULL && values != NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < n_properties; i++)
    {
      g_return_val_if_fail (names[i] != NULL, NULL);
      g_return_val_if_fail (G_IS_VALUE (&values[i]), NULL);
    }

  candidates = find_candidates (point, &ep, &name, error);
  if (candidates == NULL)
    return NULL;

  return create_from_candidates (ep, name, candidates, n_properties, names, values, error);
}

/* The type of the value of @property_name, from the first candidate that
 * has it; with one candidate named, an error when it has not */
static GType
find_property_type (PpExtensionPoint  *ep,
                    const char        *name,
                    GPtrArray         *candidates,
                    const char        *property_name,
                    GError           **error)
{
  /* Classes are referenced outside registry_lock: that may load a module,
   * whose load function registers its types */
  for (guint i = 0; i < candidates->len; i++)
    {
      PpExtension *extension = candidates->pdata[i];
      g_autoptr(GTypeClass) klass = g_type_class_ref (extension->type);
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), property_name);

      if (pspec != NULL && (pspec->flags & G_PARAM_WRITABLE) != 0)
        return pspec->value_type;

      if (name != NULL)
        {
          set_no_property_error (error, G_OBJECT_CLASS (klass), property_name);
          prefix_implementation (error, ep->name, extension);
          return G_TYPE_INVALID;
        }
    }

  g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY,
               "No implementation of ‘%s’ has a property ‘%s’ that can be set",
               ep->name, property_name);
  return G_TYPE_INVALID;
}

/**
 * pp_registry_create:
 * @point: the name of an extension point
 * @name: (nullable): the name of an implementation, or %NULL for the one
 *   named by the point's environment variable or, failing that, the one of
 *   highest priority that initialises
 * @error: return location for a #GError
 * @first_property_name: (nullable): the name of the first property to set,
 *   followed by its value, then more pairs, ending with %NULL
 * @...: the value of the first property, then more name/value pairs
 *
 * Loads the plugin modules if need be and makes an instance of an
 * implementation of @point, with the properties given set.
 *
 * Every property must be one that the implementation created has and that
 * can be set: a property name it does not know, such as a misspelt one, is
 * an error, [error@Pp.RegistryError.INVALID_PROPERTY], that names the
 * property, the implementation and the extension point, and nothing is
 * created. When the implementation is picked by priority, one that lacks a
 * property is passed over.
 *
 * Returns: (transfer full) (nullable): the new object, or %NULL with @error
 *   set
 *
 * Since: 0.1
 */
GObject *
pp_registry_create (const char  *point,
                    const char  *name,
                    GError     **error,
                    const char  *first_property_name,
                    ...)
{
  PpExtensionPoint *ep;
  g_autoptr(GPtrArray) candidates = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  const char *property_name;
  va_list args;

  g_return_val_if_fail (point != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);

  candidates = find_candidates (point, &ep, &name, error);
  if (candidates == NULL)
    return NULL;

  va_start (args, first_property_name);
  for (property_name = first_property_name; property_name != NULL; property_name = va_arg (args, const char *))
    {
      GValue value = G_VALUE_INIT;
      g_autofree char *collect_error = NULL;
      GType value_type;

      /* The value's type is only known from a class that has the property */
      value_type = find_property_type (ep, name, candidates, property_name, error);
      if (value_type == G_TYPE_INVALID)
        {
          va_end (args);
          return NULL;
        }

      G_VALUE_COLLECT_INIT (&value, value_type, args, 0, &collect_error);
      if (collect_error != NULL)
        {
          va_end (args);
          g_critical ("%s: %s", G_STRFUNC, collect_error);
          return NULL;
        }

      g_ptr_array_add (names, (gpointer) property_name);
      g_array_append_val (values, value);
    }
  va_end (args);

  return create_from_candidates (ep, name, candidates, names->len,
                                 (const char **) names->pdata,
                                 (const GValue *) values->data,
                                 error);
}
