/* pp-jsonld.h: the JSON-LD 1.1 algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>
#include <libpp/jsonld/pp-jsonld-error.h>
#include <libpp/jsonld/pp-jsonld-options.h>
#include <libpp/jsonld/pp-document-loader.h>

G_BEGIN_DECLS

PP_AVAILABLE_IN_ALL
JsonNode *pp_jsonld_expand  (JsonNode        *input,
                             PpJsonldOptions *options,
                             GCancellable    *cancellable,
                             GError         **error);

PP_AVAILABLE_IN_0_2
GBytes   *pp_jsonld_expand_bytes (GBytes          *input,
                                  PpJsonldOptions *options,
                                  gboolean         pretty,
                                  GCancellable    *cancellable,
                                  GError         **error);

PP_AVAILABLE_IN_ALL
JsonNode *pp_jsonld_compact (JsonNode        *input,
                             JsonNode        *context,
                             PpJsonldOptions *options,
                             GCancellable    *cancellable,
                             GError         **error);

PP_AVAILABLE_IN_ALL
JsonNode *pp_jsonld_flatten (JsonNode        *input,
                             JsonNode        *context,
                             PpJsonldOptions *options,
                             GCancellable    *cancellable,
                             GError         **error);

PP_AVAILABLE_IN_0_2
GBytes   *pp_jsonld_flatten_bytes (GBytes          *input,
                                   JsonNode        *context,
                                   PpJsonldOptions *options,
                                   gboolean         pretty,
                                   GCancellable    *cancellable,
                                   GError         **error);

PP_AVAILABLE_IN_ALL
char     *pp_jsonld_to_json (JsonNode        *node,
                             gboolean         pretty);

PP_AVAILABLE_IN_ALL
char     *pp_jsonld_to_rdf  (JsonNode        *input,
                             PpJsonldOptions *options,
                             GCancellable    *cancellable,
                             GError         **error);

PP_AVAILABLE_IN_0_2
GBytes   *pp_jsonld_to_rdf_bytes (GBytes          *input,
                                  PpJsonldOptions *options,
                                  GCancellable    *cancellable,
                                  GError         **error);

G_END_DECLS
