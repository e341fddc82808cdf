/* pp-plugin-module.c: a plugin module loaded with GModule
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-plugin-module-private.h"
#include "pp-plugin.h"
#include "pp-version.h"

/* A plugin module is a shared library named lib<name>.so, for example
 * libpp-llm-openai.so. Its name with dashes turned into underscores,
 * pp_llm_openai, prefixes the symbols it must export, which pp-plugin.h
 * documents and PP_DECLARE_PLUGIN() declares:
 *
 *   const guint32 pp_llm_openai_abi;          equal to PP_PLUGIN_ABI_VERSION
 *   void pp_llm_openai_load (GTypeModule *);  registers its types; idempotent
 *   void pp_llm_openai_unload (GTypeModule *);
 *
 * Like GIO's modules, a module is loaded to register its types (at once,
 * or the first time one of its implementations is used when the plugin
 * cache of its directory lists it), then unloaded until one of its types is
 * used; load() runs again then, so it must be idempotent. */

struct _PpPluginModule
{
  GTypeModule parent_instance;

  char *filename;
  GModule *library;
  PpPluginLoadFunc load;
  PpPluginUnloadFunc unload;
};

G_DEFINE_FINAL_TYPE (PpPluginModule, pp_plugin_module, G_TYPE_TYPE_MODULE)

char *
pp_plugin_module_name_from_filename (const char *basename)
{
  const char *start = basename;
  const char *end;
  char *name;
  char *p;

  if (g_str_has_prefix (start, "lib"))
    start += 3;

  end = strchr (start, '.');
  if (end == NULL)
    end = start + strlen (start);

  name = g_strndup (start, end - start);
  for (p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        *p = '_';
    }

  return name;
}

static gboolean
lookup_symbol (PpPluginModule *self,
               const char     *name,
               const char     *suffix,
               gpointer       *symbol)
{
  g_autofree char *symbol_name = g_strconcat (name, suffix, NULL);

  if (!g_module_symbol (self->library, symbol_name, symbol) || *symbol == NULL)
    {
      g_warning ("Skipping plugin module %s: it does not export %s",
                 self->filename, symbol_name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
pp_plugin_module_load (GTypeModule *module)
{
  PpPluginModule *self = PP_PLUGIN_MODULE (module);
  g_autofree char *basename = g_path_get_basename (self->filename);
  g_autofree char *name = pp_plugin_module_name_from_filename (basename);
  gpointer abi = NULL;
  gpointer load = NULL;
  gpointer unload = NULL;

  self->library = g_module_open (self->filename, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (self->library == NULL)
    {
      g_warning ("Skipping plugin module %s: %s", self->filename, g_module_error ());
      return FALSE;
    }

  if (!lookup_symbol (self, name, "_abi", &abi) ||
      !lookup_symbol (self, name, "_load", &load) ||
      !lookup_symbol (self, name, "_unload", &unload))
    goto fail;

  if (*(const guint32 *) abi != PP_PLUGIN_ABI_VERSION)
    {
      g_warning ("Skipping plugin module %s: built for plugin ABI %u, this libpp has ABI %u",
                 self->filename, *(const guint32 *) abi, (guint) PP_PLUGIN_ABI_VERSION);
      goto fail;
    }

  self->load = (PpPluginLoadFunc) load;
  self->unload = (PpPluginUnloadFunc) unload;
  self->load (module);

  return TRUE;

fail:
  g_clear_pointer (&self->library, g_module_close);
  return FALSE;
}

static void
pp_plugin_module_unload (GTypeModule *module)
{
  PpPluginModule *self = PP_PLUGIN_MODULE (module);

  if (self->unload != NULL)
    self->unload (module);

  self->load = NULL;
  self->unload = NULL;
  g_clear_pointer (&self->library, g_module_close);
}

static void
pp_plugin_module_finalize (GObject *object)
{
  PpPluginModule *self = PP_PLUGIN_MODULE (object);

  g_free (self->filename);

  G_OBJECT_CLASS (pp_plugin_module_parent_class)->finalize (object);
}

static void
pp_plugin_module_class_init (PpPluginModuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTypeModuleClass *module_class = G_TYPE_MODULE_CLASS (klass);

  object_class->finalize = pp_plugin_module_finalize;
  module_class->load = pp_plugin_module_load;
  module_class->unload = pp_plugin_module_unload;
}

static void
pp_plugin_module_init (PpPluginModule *self)
{
}

PpPluginModule *
pp_plugin_module_new (const char *filename)
{
  PpPluginModule *self;

  g_return_val_if_fail (filename != NULL, NULL);

  self = g_object_new (PP_TYPE_PLUGIN_MODULE, NULL);
  self->filename = g_strdup (filename);
  g_type_module_set_name (G_TYPE_MODULE (self), filename);

  return self;
}

const char *
pp_plugin_module_get_filename (PpPluginModule *module)
{
  g_return_val_if_fail (PP_IS_PLUGIN_MODULE (module), NULL);

  return module->filename;
}
