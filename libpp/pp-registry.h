/* pp-registry.h: extension points and their implementations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PP_REGISTRY_ERROR:
 *
 * The error domain of the plugin registry.
 *
 * Since: 0.1
 */
#define PP_REGISTRY_ERROR (pp_registry_error_quark ())

/**
 * PpRegistryError:
 * @PP_REGISTRY_ERROR_NO_SUCH_POINT: the extension point does not exist
 * @PP_REGISTRY_ERROR_NOT_FOUND: no implementation of that name is registered
 * @PP_REGISTRY_ERROR_UNAVAILABLE: no implementation could be initialised
 * @PP_REGISTRY_ERROR_INVALID_PROPERTY: a property to set is not one that the
 *   implementation has and that can be set, or its value is of another type.
 *   Since: 0.2
 *
 * Error codes of #PP_REGISTRY_ERROR.
 *
 * Since: 0.1
 */
typedef enum {
  PP_REGISTRY_ERROR_NO_SUCH_POINT,
  PP_REGISTRY_ERROR_NOT_FOUND,
  PP_REGISTRY_ERROR_UNAVAILABLE,
  PP_REGISTRY_ERROR_INVALID_PROPERTY,
} PpRegistryError;

#define PP_TYPE_EXTENSION (pp_extension_get_type ())

/**
 * PpExtension:
 *
 * One implementation registered at an extension point: its type, name,
 * priority and a one-line description. A boxed type owned by the registry.
 *
 * Since: 0.1
 */
typedef struct _PpExtension PpExtension;

PP_AVAILABLE_IN_ALL
GQuark       pp_registry_error_quark         (void);

PP_AVAILABLE_IN_ALL
GType        pp_extension_get_type           (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
GType        pp_extension_get_implementation_type (PpExtension *extension);
PP_AVAILABLE_IN_ALL
const char  *pp_extension_get_name           (PpExtension *extension);
PP_AVAILABLE_IN_ALL
int          pp_extension_get_priority       (PpExtension *extension);
PP_AVAILABLE_IN_ALL
const char  *pp_extension_get_description    (PpExtension *extension);

PP_AVAILABLE_IN_ALL
void         pp_registry_ensure_loaded       (void);
PP_AVAILABLE_IN_ALL
void         pp_registry_load_directory      (const char  *directory);
PP_AVAILABLE_IN_0_2
gboolean     pp_registry_write_cache         (const char  *directory,
                                              GError     **error);

PP_AVAILABLE_IN_ALL
const char * const *pp_registry_list_points  (void);
PP_AVAILABLE_IN_ALL
GList       *pp_registry_list_extensions     (const char  *point);

PP_AVAILABLE_IN_ALL
void         pp_registry_register_type       (const char  *point,
                                              GType        type,
                                              const char  *name,
                                              int          priority,
                                              const char  *description);
PP_AVAILABLE_IN_ALL
GType        pp_registry_lookup              (const char  *point,
                                              const char  *name);

PP_AVAILABLE_IN_ALL
GObject     *pp_registry_create              (const char  *point,
                                              const char  *name,
                                              GError     **error,
                                              const char  *first_property_name,
                                              ...);
PP_AVAILABLE_IN_ALL
GObject     *pp_registry_create_with_properties (const char    *point,
                                                 const char    *name,
                                                 guint          n_properties,
                                                 const char   **names,
                                                 const GValue  *values,
                                                 GError       **error);

G_END_DECLS
