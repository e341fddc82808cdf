/* pp-jsonld-options.h: options of the JSON-LD algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>
#include <libpp/jsonld/pp-document-loader.h>

G_BEGIN_DECLS

/**
 * PpJsonldProcessingMode:
 * @PP_JSONLD_PROCESSING_MODE_1_1: `json-ld-1.1`, the default
 * @PP_JSONLD_PROCESSING_MODE_1_0: `json-ld-1.0`
 *
 * The processing mode of the JSON-LD algorithms.
 *
 * Since: 0.1
 */
typedef enum {
  PP_JSONLD_PROCESSING_MODE_1_1,
  PP_JSONLD_PROCESSING_MODE_1_0,
} PpJsonldProcessingMode;

/**
 * PpJsonldRdfDirection:
 * @PP_JSONLD_RDF_DIRECTION_NONE: base direction is not represented in RDF
 * @PP_JSONLD_RDF_DIRECTION_I18N_DATATYPE: `i18n-datatype`
 * @PP_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL: `compound-literal`
 *
 * How the base direction of strings is kept when producing RDF.
 *
 * Since: 0.1
 */
typedef enum {
  PP_JSONLD_RDF_DIRECTION_NONE,
  PP_JSONLD_RDF_DIRECTION_I18N_DATATYPE,
  PP_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL,
} PpJsonldRdfDirection;

#define PP_TYPE_JSONLD_OPTIONS (pp_jsonld_options_get_type ())

/**
 * PpJsonldOptions:
 *
 * The options of the JSON-LD API (JsonLdOptions in the specification): a
 * reference-counted boxed type.
 *
 * Since: 0.1
 */
typedef struct _PpJsonldOptions PpJsonldOptions;

PP_AVAILABLE_IN_ALL
GType                   pp_jsonld_options_get_type               (void) G_GNUC_CONST;
PP_AVAILABLE_IN_ALL
PpJsonldOptions        *pp_jsonld_options_new                    (void);
PP_AVAILABLE_IN_ALL
PpJsonldOptions        *pp_jsonld_options_ref                    (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_unref                  (PpJsonldOptions *options);

PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_base               (PpJsonldOptions *options,
                                                                  const char      *base);
PP_AVAILABLE_IN_ALL
const char             *pp_jsonld_options_get_base               (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_expand_context     (PpJsonldOptions *options,
                                                                  JsonNode        *context);
PP_AVAILABLE_IN_ALL
JsonNode               *pp_jsonld_options_get_expand_context     (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_processing_mode    (PpJsonldOptions *options,
                                                                  PpJsonldProcessingMode mode);
PP_AVAILABLE_IN_ALL
PpJsonldProcessingMode  pp_jsonld_options_get_processing_mode    (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_compact_arrays     (PpJsonldOptions *options,
                                                                  gboolean         compact_arrays);
PP_AVAILABLE_IN_ALL
gboolean                pp_jsonld_options_get_compact_arrays     (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_compact_to_relative (PpJsonldOptions *options,
                                                                   gboolean         compact_to_relative);
PP_AVAILABLE_IN_ALL
gboolean                pp_jsonld_options_get_compact_to_relative (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_produce_generalized_rdf (PpJsonldOptions *options,
                                                                       gboolean         produce);
PP_AVAILABLE_IN_ALL
gboolean                pp_jsonld_options_get_produce_generalized_rdf (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_rdf_direction      (PpJsonldOptions *options,
                                                                  PpJsonldRdfDirection direction);
PP_AVAILABLE_IN_ALL
PpJsonldRdfDirection    pp_jsonld_options_get_rdf_direction      (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_ordered            (PpJsonldOptions *options,
                                                                  gboolean         ordered);
PP_AVAILABLE_IN_ALL
gboolean                pp_jsonld_options_get_ordered            (PpJsonldOptions *options);
PP_AVAILABLE_IN_ALL
void                    pp_jsonld_options_set_document_loader    (PpJsonldOptions  *options,
                                                                  PpDocumentLoader *loader);
PP_AVAILABLE_IN_ALL
PpDocumentLoader       *pp_jsonld_options_get_document_loader    (PpJsonldOptions *options);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJsonldOptions, pp_jsonld_options_unref)

G_END_DECLS
