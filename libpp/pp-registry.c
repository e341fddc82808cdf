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
#include "pp-plugin-cache-private.h"
#include "pp-plugin-module-private.h"
#include "pp-reader.h"
#include "pp-reader-text-private.h"
#include "pp-registry-private.h"

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
 * pp_registry_ensure_loaded() finds the modules of the directories in the
 * `PP_PLUGIN_PATH` environment variable, then those of the installed plugin
 * directory; a module whose file name was seen already is skipped, so a
 * module in `PP_PLUGIN_PATH` overrides the installed one. A module that the
 * plugin cache of its directory lists (see pp_registry_write_cache()) is
 * registered as the cache says, and loaded the first time one of its
 * implementations is used; any other is loaded at once to register. A module
 * that cannot be loaded is skipped with a warning that names its file.
 *
 * pp_registry_create() makes an instance: the implementation named, or the
 * one named by the point's environment variable (`PP_LLM`, `PP_CONVERTER`,
 * `PP_CACHE`, `PP_READER`), or else the implementation of highest priority that
 * initialises (#GInitable).
 */

/* A plugin module found in a plugin directory. Never freed: a type module
 * cannot be once it registered types. */
typedef struct
{
  PpPluginModule *module;
  gboolean load_tried;   /* its load function was called to register */
  gboolean loaded;       /* and it ran */
  GPtrArray *extensions; /* PpExtension, those it registers */
} ModuleEntry;

typedef struct
{
  const char *name;
  const char *env_var;
  GType (* get_required_type) (void);
  /* For the points that choose an implementation by content type: the
   * types it reads, asked of an instance */
  char ** (* query_content_types) (GType type);
  GList *extensions;   /* PpExtension, highest priority first */
} PpExtensionPoint;

/* Extensions are never freed. Those registered from a plugin cache have no
 * type until their module is loaded; the fields that change are guarded by
 * registry_lock. */
struct _PpExtension
{
  GType type;             /* G_TYPE_INVALID until its module is loaded */
  char *name;
  int priority;
  char *description;
  PpExtensionPoint *point;
  ModuleEntry *module;    /* NULL when registered in-process */
  char **content_types;   /* from the cache, or asked once; then unchanged */
};

static char **query_reader_content_types (GType type);

static PpExtensionPoint extension_points[] = {
  { PP_LLM_CLIENT_EXTENSION_POINT, "PP_LLM", pp_llm_client_get_type, NULL, NULL },
  { PP_CONVERTER_EXTENSION_POINT, "PP_CONVERTER", pp_converter_get_type, NULL, NULL },
  { PP_CACHE_EXTENSION_POINT, "PP_CACHE", pp_cache_get_type, NULL, NULL },
  { PP_READER_EXTENSION_POINT, "PP_READER", pp_reader_get_type, query_reader_content_types, NULL },
};

/* Guards the extension points' lists and the extensions */
static GMutex registry_lock;

/* Serialises the loading of modules to register, which calls
 * pp_registry_register_type() and so takes registry_lock; guards
 * module_entries and the entries */
static GRecMutex load_lock;
static GHashTable *module_entries;   /* basename → ModuleEntry */

/* The entry whose load function this thread runs to register */
static GPrivate loading_entry;

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

static char **
query_reader_content_types (GType type)
{
  g_autoptr(GObject) reader = g_object_new (type, NULL);

  return g_strdupv ((char **) pp_reader_get_content_types (PP_READER (reader)));
}

static const char *
module_entry_get_filename (ModuleEntry *entry)
{
  return pp_plugin_module_get_filename (entry->module);
}

/* Calls the load function of @entry's module, once, so that it registers
 * its implementations; with load_lock held. The module is unloaded then,
 * unless it is loaded for good (@resident): for an implementation that is
 * about to be used, whose classes would load it again at once. */
static gboolean
module_entry_load_locked (ModuleEntry *entry,
                          gboolean     resident)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  if (entry->load_tried)
    return entry->loaded;

  entry->load_tried = TRUE;
  g_private_set (&loading_entry, entry);
  entry->loaded = g_type_module_use (G_TYPE_MODULE (entry->module));
  g_private_set (&loading_entry, NULL);
  if (!entry->loaded)
    return FALSE;

  if (!resident)
    g_type_module_unuse (G_TYPE_MODULE (entry->module));
  g_debug ("Loaded plugin module %s", module_entry_get_filename (entry));

  g_mutex_lock (&registry_lock);
  for (guint i = 0; i < entry->extensions->len; i++)
    {
      PpExtension *extension = entry->extensions->pdata[i];

      if (extension->type == G_TYPE_INVALID)
        g_ptr_array_add (missing, extension);
    }
  g_mutex_unlock (&registry_lock);

  for (guint i = 0; i < missing->len; i++)
    {
      PpExtension *extension = missing->pdata[i];

      g_warning ("Plugin module %s does not register ‘%s’ at ‘%s’ as the plugin cache of its "
                 "directory says: run pp-query-plugins on the directory",
                 module_entry_get_filename (entry), extension->name, extension->point->name);
    }

  return TRUE;
}

/* The type of @extension, loading its plugin module for good if need be:
 * the type is asked for to be used, and a module loaded only to register
 * it would be loaded again by the first reference on its class.
 * G_TYPE_INVALID if the module could not register it. */
static GType
extension_ensure_type (PpExtension *extension)
{
  GType type;

  g_mutex_lock (&registry_lock);
  type = extension->type;
  g_mutex_unlock (&registry_lock);

  if (type != G_TYPE_INVALID || extension->module == NULL)
    return type;

  g_rec_mutex_lock (&load_lock);
  module_entry_load_locked (extension->module, TRUE);
  g_rec_mutex_unlock (&load_lock);

  g_mutex_lock (&registry_lock);
  type = extension->type;
  g_mutex_unlock (&registry_lock);

  return type;
}

/* Sets an error, without its subject, for an implementation whose plugin
 * module did not register it */
static void
set_not_registered_error (GError      **error,
                          PpExtension  *extension)
{
  ModuleEntry *entry = extension->module;

  if (entry->loaded)
    g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_UNAVAILABLE,
                 "plugin module %s does not register it", module_entry_get_filename (entry));
  else
    g_set_error (error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_UNAVAILABLE,
                 "plugin module %s could not be loaded", module_entry_get_filename (entry));
}

/* The content types @extension reads, for the points that choose by
 * content type: those its plugin cache lists or, without one, those an
 * instance gives. NULL for the other points, or when its module could not
 * be loaded. */
const char * const *
pp_extension_get_content_types (PpExtension *extension)
{
  char **types;
  GType type;

  g_return_val_if_fail (extension != NULL, NULL);

  g_mutex_lock (&registry_lock);
  types = extension->content_types;
  g_mutex_unlock (&registry_lock);

  if (types != NULL || extension->point->query_content_types == NULL)
    return (const char * const *) types;

  type = extension_ensure_type (extension);
  if (type == G_TYPE_INVALID)
    return NULL;

  types = extension->point->query_content_types (type);
  g_mutex_lock (&registry_lock);
  if (extension->content_types == NULL)
    extension->content_types = g_steal_pointer (&types);
  g_mutex_unlock (&registry_lock);
  g_strfreev (types);

  /* Set once, never changed again */
  return (const char * const *) extension->content_types;
}

/**
 * pp_extension_get_implementation_type:
 * @extension: a #PpExtension
 *
 * Gets the type that implements the extension point. Since 0.2, this loads
 * the plugin module that provides it if it is not loaded yet.
 *
 * Returns: the type of the implementation, or %G_TYPE_INVALID if its plugin
 *   module could not be loaded
 *
 * Since: 0.1
 */
GType
pp_extension_get_implementation_type (PpExtension *extension)
{
  g_return_val_if_fail (extension != NULL, G_TYPE_INVALID);

  return extension_ensure_type (extension);
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

/* Adds an implementation to @ep; @type is G_TYPE_INVALID for one that
 * @entry's cache lists */
static PpExtension *
add_extension_locked (PpExtensionPoint    *ep,
                      GType                type,
                      const char          *name,
                      int                  priority,
                      const char          *description,
                      ModuleEntry         *entry,
                      const char * const  *content_types)
{
  PpExtension *extension = g_new0 (PpExtension, 1);

  extension->type = type;
  extension->name = g_strdup (name);
  extension->priority = priority;
  extension->description = g_strdup (description != NULL ? description : "");
  extension->point = ep;
  extension->module = entry;
  extension->content_types = g_strdupv ((char **) content_types);
  ep->extensions = g_list_insert_sorted (ep->extensions, extension, compare_extensions);
  if (entry != NULL)
    g_ptr_array_add (entry->extensions, extension);

  return extension;
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
  ModuleEntry *entry = g_private_get (&loading_entry);
  PpExtensionPoint *ep;
  PpExtension *existing;
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

  existing = find_extension_locked (ep, name);
  if (existing != NULL && existing->type == G_TYPE_INVALID &&
      existing->module != NULL && existing->module == entry)
    {
      /* Registered from the plugin cache: its module is loaded now */
      existing->type = type;
      g_mutex_unlock (&registry_lock);
      g_debug ("Registered %s as ‘%s’ at ‘%s’, as the plugin cache said", g_type_name (type), name, point);
      return;
    }

  if (existing != NULL)
    {
      if (existing->type == G_TYPE_INVALID)
        g_warning ("Extension point ‘%s’ has an implementation named ‘%s’ already (of plugin module %s); ignoring %s",
                   point, name, module_entry_get_filename (existing->module), g_type_name (type));
      else if (existing->type != type)
        g_warning ("Extension point ‘%s’ has an implementation named ‘%s’ already (%s); ignoring %s",
                   point, name, g_type_name (existing->type), g_type_name (type));
      g_mutex_unlock (&registry_lock);
      return;
    }

  add_extension_locked (ep, type, name, priority, description, entry, NULL);

  g_mutex_unlock (&registry_lock);

  g_debug ("Registered %s as ‘%s’ at ‘%s’ (priority %d)", g_type_name (type), name, point, priority);
}

static int
compare_filenames (gconstpointer a,
                   gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The file names of the plugin modules of @directory, in name order */
static GPtrArray *
list_modules (const char  *directory,
              GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *entry;

  dir = g_dir_open (directory, 0, error);
  if (dir == NULL)
    return NULL;

  names = g_ptr_array_new_with_free_func (g_free);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (entry, "." G_MODULE_SUFFIX))
        g_ptr_array_add (names, g_strdup (entry));
    }
  g_ptr_array_sort (names, compare_filenames);

  return g_steal_pointer (&names);
}

/* The entry of the module @basename, or NULL; with load_lock held */
static ModuleEntry *
lookup_module_entry_locked (const char *basename)
{
  if (module_entries == NULL)
    module_entries = g_hash_table_new (g_str_hash, g_str_equal);

  return g_hash_table_lookup (module_entries, basename);
}

static ModuleEntry *
add_module_entry_locked (const char *filename,
                         const char *basename)
{
  ModuleEntry *entry = g_new0 (ModuleEntry, 1);

  entry->module = pp_plugin_module_new (filename);
  entry->extensions = g_ptr_array_new ();
  g_hash_table_insert (module_entries, g_strdup (basename), entry);

  return entry;
}

/* Registers, without loading @entry's module, the implementations its
 * plugin cache lists */
static void
register_from_cache (ModuleEntry *entry,
                     GPtrArray   *cached)
{
  const char *filename = module_entry_get_filename (entry);

  g_mutex_lock (&registry_lock);
  for (guint i = 0; i < cached->len; i++)
    {
      PpCachedExtension *extension = cached->pdata[i];
      PpExtensionPoint *ep = find_point (extension->point);
      PpExtension *existing;

      if (ep == NULL)
        {
          g_debug ("Plugin module %s: its cached ‘%s’ is at ‘%s’, which is no extension point",
                   filename, extension->name, extension->point);
          continue;
        }

      existing = find_extension_locked (ep, extension->name);
      if (existing != NULL)
        {
          g_warning ("Extension point ‘%s’ has an implementation named ‘%s’ already; ignoring that of plugin module %s",
                     ep->name, extension->name, filename);
          continue;
        }

      add_extension_locked (ep, G_TYPE_INVALID, extension->name, extension->priority,
                            extension->description, entry,
                            (const char * const *) extension->content_types);
    }
  g_mutex_unlock (&registry_lock);

  g_debug ("Registered plugin module %s from the plugin cache, without loading it", filename);
}

/**
 * pp_registry_load_directory:
 * @directory: a directory
 *
 * Registers the implementations of every plugin module (`*.so`) in
 * @directory, in name order. Since 0.2, a module that the plugin cache of
 * @directory lists (see [func@Pp.registry_write_cache]) is registered as the
 * cache says and loaded the first time one of its implementations is used;
 * any other is loaded now. A module that fails to load is skipped with a
 * warning; a missing directory is ignored.
 *
 * Since: 0.1
 */
void
pp_registry_load_directory (const char *directory)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(PpPluginCache) cache = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (directory != NULL);

  names = list_modules (directory, &error);
  if (names == NULL)
    {
      g_debug ("No plugin directory %s: %s", directory, error->message);
      return;
    }

  if (names->len > 0)
    cache = pp_plugin_cache_read (directory);

  /* Module load functions call pp_registry_register_type(), which takes
   * registry_lock: modules are loaded outside it, one caller at a time */
  g_rec_mutex_lock (&load_lock);
  for (guint i = 0; i < names->len; i++)
    {
      const char *basename = names->pdata[i];
      g_autofree char *filename = g_build_filename (directory, basename, NULL);
      GPtrArray *cached;
      ModuleEntry *entry;

      if (lookup_module_entry_locked (basename) != NULL)
        {
          g_debug ("Plugin module %s overridden by one found earlier", filename);
          continue;
        }

      entry = add_module_entry_locked (filename, basename);
      cached = cache != NULL ? pp_plugin_cache_lookup (cache, filename) : NULL;
      if (cached != NULL)
        register_from_cache (entry, cached);
      else
        module_entry_load_locked (entry, FALSE);
    }
  g_rec_mutex_unlock (&load_lock);
}

/* Adds what @entry's module registers to @cache; with load_lock held */
static void
add_to_cache_locked (PpPluginCache *cache,
                     const char    *basename,
                     ModuleEntry   *entry)
{
  pp_plugin_cache_add_module (cache, basename);

  for (guint i = 0; i < entry->extensions->len; i++)
    {
      PpExtension *extension = entry->extensions->pdata[i];
      g_auto(GStrv) content_types = NULL;
      PpCachedExtension cached;
      GType type;

      g_mutex_lock (&registry_lock);
      type = extension->type;
      g_mutex_unlock (&registry_lock);

      /* Listed by an older cache, no longer registered */
      if (type == G_TYPE_INVALID)
        continue;

      if (extension->point->query_content_types != NULL)
        content_types = extension->point->query_content_types (type);

      cached.point = (char *) extension->point->name;
      cached.name = extension->name;
      cached.priority = extension->priority;
      cached.description = extension->description;
      cached.content_types = content_types;
      pp_plugin_cache_add_extension (cache, basename, &cached);
    }
}

/**
 * pp_registry_write_cache:
 * @directory: a plugin directory
 * @error: return location for a #GError
 *
 * Writes the plugin cache of @directory, the file `pp-plugins.cache`, as
 * GIO's `gio-querymodules` writes `giomodule.cache`: it loads each plugin
 * module of @directory and records the implementations that the module
 * registers, with their priorities and descriptions, and for readers the
 * content types they read.
 *
 * A process that finds the cache registers those implementations without
 * loading the module, and loads it the first time one of them is used, so
 * that a module and the libraries it links are mapped only by the
 * processes that use it. A module the cache does not list, or one modified
 * after the cache was written, is loaded to register as without a cache.
 *
 * The modules are loaded into the calling process: call this from a
 * program of its own, such as `pp-query-plugins`, which the build runs on
 * its plugin directories and the installation on the installed one. A
 * module that cannot be loaded is left out of the cache, with a warning
 * that names its file.
 *
 * Returns: %TRUE if the cache was written, %FALSE with @error set if
 *   @directory cannot be read or the cache cannot be written
 *
 * Since: 0.2
 */
gboolean
pp_registry_write_cache (const char  *directory,
                         GError     **error)
{
  g_autoptr(PpPluginCache) cache = pp_plugin_cache_new ();
  g_autoptr(GPtrArray) names = NULL;

  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  names = list_modules (directory, error);
  if (names == NULL)
    return FALSE;

  g_rec_mutex_lock (&load_lock);
  for (guint i = 0; i < names->len; i++)
    {
      const char *basename = names->pdata[i];
      g_autofree char *filename = g_build_filename (directory, basename, NULL);
      ModuleEntry *entry = lookup_module_entry_locked (basename);

      if (entry != NULL && strcmp (module_entry_get_filename (entry), filename) != 0)
        {
          g_warning ("Plugin module %s is left out of the plugin cache: one of that name was found in %s",
                     filename, module_entry_get_filename (entry));
          continue;
        }

      if (entry == NULL)
        entry = add_module_entry_locked (filename, basename);
      if (module_entry_load_locked (entry, FALSE))
        add_to_cache_locked (cache, basename, entry);
    }
  g_rec_mutex_unlock (&load_lock);

  return pp_plugin_cache_write (cache, directory, error);
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
 * Registers the implementations of the plugin modules, once per process:
 * those of the directories in `PP_PLUGIN_PATH` (separated by `:`), then
 * those of the installed plugin directory, as
 * [func@Pp.registry_load_directory] does. libpp's own readers are registered
 * first. Thread-safe.
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

/**
 * pp_registry_lookup:
 * @point: the name of an extension point
 * @name: (nullable): the name of an implementation, or %NULL for the one of
 *   highest priority
 *
 * Looks up the type of an implementation. Does not look for plugin
 * modules: call pp_registry_ensure_loaded() first. Since 0.2, this loads
 * the plugin module of the implementation if it is not loaded yet.
 *
 * Returns: the type, or %G_TYPE_INVALID if there is none or its plugin
 *   module could not be loaded
 *
 * Since: 0.1
 */
GType
pp_registry_lookup (const char *point,
                    const char *name)
{
  PpExtensionPoint *ep;
  PpExtension *extension = NULL;

  g_return_val_if_fail (point != NULL, G_TYPE_INVALID);

  ep = find_point (point);
  if (ep == NULL)
    return G_TYPE_INVALID;

  g_mutex_lock (&registry_lock);
  if (name != NULL)
    extension = find_extension_locked (ep, name);
  else if (ep->extensions != NULL)
    extension = ep->extensions->data;
  g_mutex_unlock (&registry_lock);

  /* Extensions are never freed: the pointer outlives the lock */
  return extension != NULL ? extension_ensure_type (extension) : G_TYPE_INVALID;
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
  g_autoptr(GTypeClass) klass = NULL;
  GType type = extension_ensure_type (extension);
  GObject *object;

  if (type == G_TYPE_INVALID)
    {
      set_not_registered_error (error, extension);
      return NULL;
    }

  klass = g_type_class_ref (type);
  if (!check_properties (G_OBJECT_CLASS (klass), n_properties, names, values, error))
    return NULL;

  object = g_object_new_with_properties (type, n_properties, names, values);

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

      /* The registry's errors have no subject */
      if (name != NULL && local_error->domain == PP_REGISTRY_ERROR)
        prefix_implementation (&local_error, ep->name, extension);
      if (g_error_matches (local_error, PP_REGISTRY_ERROR, PP_REGISTRY_ERROR_INVALID_PROPERTY))
        n_without_properties++;

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
      g_autoptr(GTypeClass) klass = NULL;
      GType type = extension_ensure_type (extension);
      GParamSpec *pspec = NULL;

      if (type != G_TYPE_INVALID)
        {
          klass = g_type_class_ref (type);
          pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), property_name);
          if (pspec != NULL && (pspec->flags & G_PARAM_WRITABLE) != 0)
            return pspec->value_type;
        }

      if (name != NULL)
        {
          if (klass == NULL)
            set_not_registered_error (error, extension);
          else
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
