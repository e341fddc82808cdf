/* pp-json-write.h: JSON text written without building a tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

PP_AVAILABLE_IN_0_2
GString *pp_json_string_append_quoted (GString    *string,
                                       const char *text,
                                       gssize      length);

G_END_DECLS
