/* pp-document-builder.h: makes a document block by block
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <libpp/pp-version-macros.h>
#include <libpp/pp-document.h>

G_BEGIN_DECLS

#define PP_TYPE_DOCUMENT_BUILDER (pp_document_builder_get_type ())

PP_AVAILABLE_IN_0_2
G_DECLARE_FINAL_TYPE (PpDocumentBuilder, pp_document_builder, PP, DOCUMENT_BUILDER, GObject)

PP_AVAILABLE_IN_0_2
PpDocumentBuilder *pp_document_builder_new              (const char          *name);
PP_AVAILABLE_IN_0_2
void               pp_document_builder_set_name         (PpDocumentBuilder   *builder,
                                                         const char          *name);
PP_AVAILABLE_IN_0_2
void               pp_document_builder_set_base_iri     (PpDocumentBuilder   *builder,
                                                         const char          *base_iri);
PP_AVAILABLE_IN_0_2
void               pp_document_builder_set_page         (PpDocumentBuilder   *builder,
                                                         guint                page);
PP_AVAILABLE_IN_0_2
void               pp_document_builder_set_section_path (PpDocumentBuilder   *builder,
                                                         const char * const  *section_path);
PP_AVAILABLE_IN_0_2
void               pp_document_builder_add_block        (PpDocumentBuilder   *builder,
                                                         const char          *text,
                                                         gssize               length,
                                                         goffset              source_start,
                                                         goffset              source_end);
PP_AVAILABLE_IN_0_2
PpDocument        *pp_document_builder_end              (PpDocumentBuilder   *builder,
                                                         GError             **error);

G_END_DECLS
