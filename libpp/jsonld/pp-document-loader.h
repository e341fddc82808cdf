/* pp-document-loader.h: loads remote JSON-LD documents and contexts, offline by default
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

G_BEGIN_DECLS

#define PP_TYPE_DOCUMENT_LOADER (pp_document_loader_get_type ())

PP_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (PpDocumentLoader, pp_document_loader, PP, DOCUMENT_LOADER, GObject)

PP_AVAILABLE_IN_ALL
PpDocumentLoader *pp_document_loader_new                (void);
PP_AVAILABLE_IN_ALL
PpDocumentLoader *pp_document_loader_get_default        (void);

PP_AVAILABLE_IN_ALL
void              pp_document_loader_add_prefix_mapping (PpDocumentLoader *loader,
                                                         const char       *iri_prefix,
                                                         GFile            *directory);
PP_AVAILABLE_IN_ALL
void              pp_document_loader_add_document       (PpDocumentLoader *loader,
                                                         const char       *iri,
                                                         JsonNode         *document);
PP_AVAILABLE_IN_ALL
void              pp_document_loader_allow_host         (PpDocumentLoader *loader,
                                                         const char       *host);

PP_AVAILABLE_IN_ALL
JsonNode         *pp_document_loader_load               (PpDocumentLoader *loader,
                                                         const char       *iri,
                                                         char            **document_url,
                                                         GCancellable     *cancellable,
                                                         GError          **error);

G_END_DECLS
