/* pp-schema-types-private.h: the schema.org class hierarchy
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *pp_schema_types_local_name  (const char *type_iri);
gboolean    pp_schema_types_is_subclass (const char *type_iri,
                                         const char *super_iri);
gboolean    pp_schema_types_compatible  (const char *a_iri,
                                         const char *b_iri);
const char *pp_schema_types_get_family  (const char *type_iri);
const char *pp_schema_types_prefer_family (const char *family,
                                           const char *candidate);

G_END_DECLS
