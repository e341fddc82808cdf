/* pp-registry-private.h: what the registry knows of an implementation
 * beyond its public accessors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-registry.h"

G_BEGIN_DECLS

const char * const *pp_extension_get_content_types (PpExtension *extension);

G_END_DECLS
