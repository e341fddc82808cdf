/* pp-plugin-cache.c: the plugin cache of a directory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "pp-plugin-cache-private.h"
#include "pp-version.h"

/* Like GIO's giomodule.cache, a plugin directory may hold a cache that
 * lists, for each of its modules, the implementations its load function
 * registers, so that the registry registers them without loading the
 * module and loads it the first time one of them is used. pp-query-plugins
 * writes it. A GKeyFile:
 *
 *   [Plugin Cache]
 *   Version=1
 *   PluginAbi=1
 *
 *   [Module libpp-reader-pdf.so]
 *   Extensions=libpp-reader pdf;
 *
 *   [Extension libpp-reader-pdf.so libpp-reader pdf]
 *   Priority=10
 *   Description=PDF files, with poppler: the text layer, pages and outline
 *   ContentTypes=application/pdf;
 *
 * A module group lists the implementations as "<point> <name>"; one that
 * registers none has an empty list, and is never loaded to register. What
 * the cache cannot vouch for is loaded as if there were no cache: a module
 * it does not list, one modified after it was written, every module of a
 * directory whose cache cannot be read. */

#define CACHE_GROUP "Plugin Cache"
#define CACHE_VERSION 1
#define MODULE_GROUP_PREFIX "Module "
#define EXTENSION_GROUP_PREFIX "Extension "

struct _PpPluginCache
{
  char *path;               /* of the file read, or NULL */
  gint64 mtime_ns;          /* its modification time */
  GHashTable *modules;      /* basename → GPtrArray of PpCachedExtension */
  GPtrArray *module_order;  /* basenames, in the order added */
};

static void
cached_extension_free (gpointer data)
{
  PpCachedExtension *extension = data;

  g_free (extension->point);
  g_free (extension->name);
  g_free (extension->description);
  g_strfreev (extension->content_types);
  g_free (extension);
}

PpPluginCache *
pp_plugin_cache_new (void)
{
  PpPluginCache *cache = g_new0 (PpPluginCache, 1);

  cache->modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_ptr_array_unref);
  cache->module_order = g_ptr_array_new ();

  return cache;
}

void
pp_plugin_cache_free (PpPluginCache *cache)
{
  if (cache == NULL)
    return;

  g_free (cache->path);
  g_hash_table_unref (cache->modules);
  g_ptr_array_unref (cache->module_order);
  g_free (cache);
}

static GPtrArray *
ensure_module (PpPluginCache *cache,
               const char    *basename)
{
  GPtrArray *extensions = g_hash_table_lookup (cache->modules, basename);
  char *key;

  if (extensions != NULL)
    return extensions;

  key = g_strdup (basename);
  extensions = g_ptr_array_new_with_free_func (cached_extension_free);
  g_hash_table_insert (cache->modules, key, extensions);
  g_ptr_array_add (cache->module_order, key);

  return extensions;
}

void
pp_plugin_cache_add_module (PpPluginCache *cache,
                            const char    *basename)
{
  g_return_if_fail (cache != NULL);
  g_return_if_fail (basename != NULL);

  ensure_module (cache, basename);
}

void
pp_plugin_cache_add_extension (PpPluginCache           *cache,
                               const char              *basename,
                               const PpCachedExtension *extension)
{
  PpCachedExtension *copy;

  g_return_if_fail (cache != NULL);
  g_return_if_fail (basename != NULL);
  g_return_if_fail (extension != NULL);

  copy = g_new0 (PpCachedExtension, 1);
  copy->point = g_strdup (extension->point);
  copy->name = g_strdup (extension->name);
  copy->priority = extension->priority;
  copy->description = g_strdup (extension->description != NULL ? extension->description : "");
  copy->content_types = g_strdupv (extension->content_types);
  g_ptr_array_add (ensure_module (cache, basename), copy);
}

static gint64
stat_mtime_ns (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

/* Reads the implementations of one module, or fails with an error that
 * says what is wrong in its groups */
static GPtrArray *
read_module (GKeyFile    *key_file,
             const char  *group,
             const char  *basename,
             GError     **error)
{
  g_autoptr(GPtrArray) extensions = g_ptr_array_new_with_free_func (cached_extension_free);
  g_auto(GStrv) ids = NULL;

  ids = g_key_file_get_string_list (key_file, group, "Extensions", NULL, error);
  if (ids == NULL)
    return NULL;

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *extension_group = g_strconcat (EXTENSION_GROUP_PREFIX, basename, " ", ids[i], NULL);
      g_autoptr(GError) local_error = NULL;
      const char *space = strchr (ids[i], ' ');
      PpCachedExtension *extension;

      if (space == NULL || space == ids[i] || space[1] == '\0')
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "‘%s’ is not an extension point and a name", ids[i]);
          return NULL;
        }

      extension = g_new0 (PpCachedExtension, 1);
      g_ptr_array_add (extensions, extension);
      extension->point = g_strndup (ids[i], space - ids[i]);
      extension->name = g_strdup (space + 1);
      extension->priority = g_key_file_get_integer (key_file, extension_group, "Priority", &local_error);
      if (local_error == NULL)
        extension->description = g_key_file_get_string (key_file, extension_group, "Description", &local_error);
      if (local_error == NULL && g_key_file_has_key (key_file, extension_group, "ContentTypes", NULL))
        extension->content_types = g_key_file_get_string_list (key_file, extension_group, "ContentTypes",
                                                               NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "[%s]: ", extension_group);
          return NULL;
        }
    }

  return g_steal_pointer (&extensions);
}

/* Reads the cache of @directory; NULL when it has none or it cannot be
 * used, which is logged at debug level */
PpPluginCache *
pp_plugin_cache_read (const char *directory)
{
  g_autofree char *path = g_build_filename (directory, PP_PLUGIN_CACHE_BASENAME, NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(PpPluginCache) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) groups = NULL;
  struct stat st;
  int version;
  int abi = 0;

  g_return_val_if_fail (directory != NULL, NULL);

  if (stat (path, &st) != 0)
    {
      g_debug ("Plugin directory %s has no plugin cache: loading every module", directory);
      return NULL;
    }

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error))
    {
      g_debug ("Plugin cache %s is ignored, loading every module of its directory: %s",
               path, error->message);
      return NULL;
    }

  version = g_key_file_get_integer (key_file, CACHE_GROUP, "Version", &error);
  if (error == NULL)
    abi = g_key_file_get_integer (key_file, CACHE_GROUP, "PluginAbi", &error);
  if (error != NULL || version != CACHE_VERSION || abi != PP_PLUGIN_ABI_VERSION)
    {
      g_debug ("Plugin cache %s is ignored, loading every module of its directory: %s", path,
               error != NULL ? error->message : "written for another version of libpp");
      return NULL;
    }

  cache = pp_plugin_cache_new ();
  cache->path = g_steal_pointer (&path);
  cache->mtime_ns = stat_mtime_ns (&st);

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *basename = groups[i] + strlen (MODULE_GROUP_PREFIX);
      g_autoptr(GError) module_error = NULL;
      GPtrArray *extensions;

      if (!g_str_has_prefix (groups[i], MODULE_GROUP_PREFIX))
        continue;

      extensions = read_module (key_file, groups[i], basename, &module_error);
      if (extensions == NULL)
        {
          g_debug ("Plugin cache %s: module %s is left out: %s", cache->path, basename,
                   module_error->message);
          continue;
        }
      g_hash_table_replace (cache->modules, g_strdup (basename), extensions);
    }

  return g_steal_pointer (&cache);
}

/* The implementations the module @filename registers, as the cache records
 * them (element-type PpCachedExtension) (transfer none); NULL when the
 * cache does not list the module or the module is newer than the cache,
 * which is logged at debug level */
GPtrArray *
pp_plugin_cache_lookup (PpPluginCache *cache,
                        const char    *filename)
{
  g_autofree char *basename = NULL;
  GPtrArray *extensions;
  struct stat st;

  g_return_val_if_fail (cache != NULL, NULL);
  g_return_val_if_fail (filename != NULL, NULL);

  basename = g_path_get_basename (filename);
  extensions = g_hash_table_lookup (cache->modules, basename);
  if (extensions == NULL)
    {
      g_debug ("Plugin module %s is not in the plugin cache %s: loading it", filename, cache->path);
      return NULL;
    }

  if (stat (filename, &st) != 0 || stat_mtime_ns (&st) > cache->mtime_ns)
    {
      g_debug ("Plugin module %s is newer than the plugin cache %s: loading it", filename, cache->path);
      return NULL;
    }

  return extensions;
}

/* Whether @text can be part of a group name: no brackets, no control
 * characters */
static gboolean
is_group_text (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p))
        return FALSE;
    }

  return TRUE;
}

static gboolean
module_fits_key_file (const char *basename,
                      GPtrArray  *extensions)
{
  if (!is_group_text (basename))
    return FALSE;

  for (guint i = 0; i < extensions->len; i++)
    {
      PpCachedExtension *extension = extensions->pdata[i];

      if (!is_group_text (extension->point) || strchr (extension->point, ' ') != NULL ||
          !is_group_text (extension->name))
        return FALSE;
    }

  return TRUE;
}

static char *
extension_id (const PpCachedExtension *extension)
{
  return g_strconcat (extension->point, " ", extension->name, NULL);
}

static void
write_module (GKeyFile   *key_file,
              const char *basename,
              GPtrArray  *extensions)
{
  g_autofree char *group = g_strconcat (MODULE_GROUP_PREFIX, basename, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;

  for (guint i = 0; i < extensions->len; i++)
    {
      g_autofree char *id = extension_id (extensions->pdata[i]);

      g_strv_builder_add (builder, id);
    }
  ids = g_strv_builder_end (builder);
  g_key_file_set_string_list (key_file, group, "Extensions", (const char * const *) ids,
                              g_strv_length (ids));

  for (guint i = 0; i < extensions->len; i++)
    {
      PpCachedExtension *extension = extensions->pdata[i];
      g_autofree char *extension_group = g_strconcat (EXTENSION_GROUP_PREFIX, basename, " ", ids[i], NULL);

      g_key_file_set_integer (key_file, extension_group, "Priority", extension->priority);
      g_key_file_set_string (key_file, extension_group, "Description", extension->description);
      if (extension->content_types != NULL)
        g_key_file_set_string_list (key_file, extension_group, "ContentTypes",
                                    (const char * const *) extension->content_types,
                                    g_strv_length (extension->content_types));
    }
}

/* Writes the cache into @directory, replacing the file atomically. A
 * module whose names a key file cannot hold is left out: it will be loaded
 * to register, as without a cache. */
gboolean
pp_plugin_cache_write (PpPluginCache  *cache,
                       const char     *directory,
                       GError        **error)
{
  g_autofree char *path = g_build_filename (directory, PP_PLUGIN_CACHE_BASENAME, NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_key_file_set_integer (key_file, CACHE_GROUP, "Version", CACHE_VERSION);
  g_key_file_set_integer (key_file, CACHE_GROUP, "PluginAbi", PP_PLUGIN_ABI_VERSION);
  g_key_file_set_comment (key_file, NULL, NULL,
                          " The implementations that the plugin modules of this directory register,\n"
                          " so that libpp loads a module only when one of them is used.\n"
                          " Written by pp-query-plugins: do not edit.", NULL);

  for (guint i = 0; i < cache->module_order->len; i++)
    {
      const char *basename = cache->module_order->pdata[i];
      GPtrArray *extensions = g_hash_table_lookup (cache->modules, basename);

      if (!module_fits_key_file (basename, extensions))
        {
          g_debug ("Plugin module %s/%s is left out of the plugin cache: its names do not fit in it",
                   directory, basename);
          continue;
        }
      write_module (key_file, basename, extensions);
    }

  data = g_key_file_to_data (key_file, &length, NULL);

  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
