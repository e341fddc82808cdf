/* pp-jsonld-options.c: options of the JSON-LD algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-options.h"
#include "pp-jsonld-util-private.h"

struct _PpJsonldOptions
{
  gint                    ref_count;

  char                   *base;
  JsonNode               *expand_context;
  PpJsonldProcessingMode  processing_mode;
  PpJsonldRdfDirection    rdf_direction;
  PpDocumentLoader       *loader;
  guint                   compact_arrays : 1;
  guint                   compact_to_relative : 1;
  guint                   produce_generalized_rdf : 1;
  guint                   ordered : 1;
};

G_DEFINE_BOXED_TYPE (PpJsonldOptions, pp_jsonld_options,
                     pp_jsonld_options_ref, pp_jsonld_options_unref)

/**
 * pp_jsonld_options_new:
 *
 * Creates options with the defaults of the specification: processing mode
 * `json-ld-1.1`, compact arrays and compact to relative on, unordered, no
 * generalized RDF, no RDF direction, and the default document loader.
 *
 * Options are meant to be set up once and then only read: they may then be
 * shared between threads.
 *
 * Returns: (transfer full): new options
 *
 * Since: 0.1
 */
PpJsonldOptions *
pp_jsonld_options_new (void)
{
  PpJsonldOptions *options = g_new0 (PpJsonldOptions, 1);

  options->ref_count = 1;
  options->processing_mode = PP_JSONLD_PROCESSING_MODE_1_1;
  options->rdf_direction = PP_JSONLD_RDF_DIRECTION_NONE;
  options->compact_arrays = TRUE;
  options->compact_to_relative = TRUE;
  options->produce_generalized_rdf = FALSE;
  options->ordered = FALSE;

  return options;
}

/**
 * pp_jsonld_options_ref:
 * @options: a #PpJsonldOptions
 *
 * Acquires a reference, atomically.
 *
 * Returns: (transfer full): @options
 *
 * Since: 0.1
 */
PpJsonldOptions *
pp_jsonld_options_ref (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  g_atomic_int_inc (&options->ref_count);

  return options;
}

/**
 * pp_jsonld_options_unref:
 * @options: (transfer full): a #PpJsonldOptions
 *
 * Releases a reference, atomically; the last one frees @options.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_unref (PpJsonldOptions *options)
{
  g_return_if_fail (options != NULL);

  if (!g_atomic_int_dec_and_test (&options->ref_count))
    return;

  g_free (options->base);
  g_clear_pointer (&options->expand_context, json_node_unref);
  g_clear_object (&options->loader);
  g_free (options);
}

/**
 * pp_jsonld_options_set_base:
 * @options: a #PpJsonldOptions
 * @base: (nullable): the base IRI
 *
 * Sets the base IRI used to resolve relative IRIs, overriding the document
 * URL.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_base (PpJsonldOptions *options,
                            const char      *base)
{
  g_return_if_fail (options != NULL);

  g_free (options->base);
  options->base = g_strdup (base);
}

/**
 * pp_jsonld_options_get_base:
 * @options: a #PpJsonldOptions
 *
 * Gets the base IRI that relative IRIs are resolved against.
 *
 * Returns: (nullable): the base IRI
 *
 * Since: 0.1
 */
const char *
pp_jsonld_options_get_base (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return options->base;
}

/**
 * pp_jsonld_options_set_expand_context:
 * @options: a #PpJsonldOptions
 * @context: (nullable): a context (an object, array or IRI string), or an
 *   object with an `@context` member
 *
 * Sets a context that expansion applies before the document's own. A deep
 * copy of @context is kept, so @context may be changed afterwards.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_expand_context (PpJsonldOptions *options,
                                      JsonNode        *context)
{
  g_return_if_fail (options != NULL);

  g_clear_pointer (&options->expand_context, json_node_unref);
  if (context == NULL)
    return;

  /* a context nesting too deeply to copy safely, or with invalid UTF-8,
   * is kept as is: the algorithms will reject it */
  if (!pp_jsonld_node_validate_utf8 (context, PP_JSONLD_MAX_DEPTH, NULL))
    {
      options->expand_context = json_node_ref (context);
      return;
    }

  options->expand_context = pp_jsonld_node_copy_deep (context);
  json_node_seal (options->expand_context);
}

/**
 * pp_jsonld_options_get_expand_context:
 * @options: a #PpJsonldOptions
 *
 * Gets the context that expansion applies before the document's own.
 *
 * Returns: (transfer none) (nullable): the expansion context, sealed
 *   unless it was rejected as invalid input
 *
 * Since: 0.1
 */
JsonNode *
pp_jsonld_options_get_expand_context (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return options->expand_context;
}

/**
 * pp_jsonld_options_set_processing_mode:
 * @options: a #PpJsonldOptions
 * @mode: the processing mode
 *
 * Sets the processing mode.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_processing_mode (PpJsonldOptions        *options,
                                       PpJsonldProcessingMode  mode)
{
  g_return_if_fail (options != NULL);

  options->processing_mode = mode;
}

/**
 * pp_jsonld_options_get_processing_mode:
 * @options: a #PpJsonldOptions
 *
 * Gets the JSON-LD processing mode.
 *
 * Returns: the processing mode
 *
 * Since: 0.1
 */
PpJsonldProcessingMode
pp_jsonld_options_get_processing_mode (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, PP_JSONLD_PROCESSING_MODE_1_1);

  return options->processing_mode;
}

/**
 * pp_jsonld_options_set_compact_arrays:
 * @options: a #PpJsonldOptions
 * @compact_arrays: whether compaction replaces one-element arrays by their
 *   element
 *
 * Sets the compactArrays option.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_compact_arrays (PpJsonldOptions *options,
                                      gboolean         compact_arrays)
{
  g_return_if_fail (options != NULL);

  options->compact_arrays = !!compact_arrays;
}

/**
 * pp_jsonld_options_get_compact_arrays:
 * @options: a #PpJsonldOptions
 *
 * Gets whether compaction turns arrays of one value into the value.
 *
 * Returns: the compactArrays option
 *
 * Since: 0.1
 */
gboolean
pp_jsonld_options_get_compact_arrays (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, TRUE);

  return options->compact_arrays;
}

/**
 * pp_jsonld_options_set_compact_to_relative:
 * @options: a #PpJsonldOptions
 * @compact_to_relative: whether compaction makes IRIs relative to the base
 *
 * Sets the compactToRelative option.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_compact_to_relative (PpJsonldOptions *options,
                                           gboolean         compact_to_relative)
{
  g_return_if_fail (options != NULL);

  options->compact_to_relative = !!compact_to_relative;
}

/**
 * pp_jsonld_options_get_compact_to_relative:
 * @options: a #PpJsonldOptions
 *
 * Gets whether compaction makes IRIs relative to the base IRI.
 *
 * Returns: the compactToRelative option
 *
 * Since: 0.1
 */
gboolean
pp_jsonld_options_get_compact_to_relative (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, TRUE);

  return options->compact_to_relative;
}

/**
 * pp_jsonld_options_set_produce_generalized_rdf:
 * @options: a #PpJsonldOptions
 * @produce: whether RDF output may have blank node predicates
 *
 * Sets the produceGeneralizedRdf option.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_produce_generalized_rdf (PpJsonldOptions *options,
                                               gboolean         produce)
{
  g_return_if_fail (options != NULL);

  options->produce_generalized_rdf = !!produce;
}

/**
 * pp_jsonld_options_get_produce_generalized_rdf:
 * @options: a #PpJsonldOptions
 *
 * Gets whether conversion to RDF keeps blank node predicates.
 *
 * Returns: the produceGeneralizedRdf option
 *
 * Since: 0.1
 */
gboolean
pp_jsonld_options_get_produce_generalized_rdf (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);

  return options->produce_generalized_rdf;
}

/**
 * pp_jsonld_options_set_rdf_direction:
 * @options: a #PpJsonldOptions
 * @direction: how base directions are kept in RDF
 *
 * Sets the rdfDirection option.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_rdf_direction (PpJsonldOptions      *options,
                                     PpJsonldRdfDirection  direction)
{
  g_return_if_fail (options != NULL);

  options->rdf_direction = direction;
}

/**
 * pp_jsonld_options_get_rdf_direction:
 * @options: a #PpJsonldOptions
 *
 * Gets how conversion to and from RDF represents the base direction of
 * strings.
 *
 * Returns: the rdfDirection option
 *
 * Since: 0.1
 */
PpJsonldRdfDirection
pp_jsonld_options_get_rdf_direction (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, PP_JSONLD_RDF_DIRECTION_NONE);

  return options->rdf_direction;
}

/**
 * pp_jsonld_options_set_ordered:
 * @options: a #PpJsonldOptions
 * @ordered: whether the algorithms process members in code point order
 *
 * Sets the ordered option.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_ordered (PpJsonldOptions *options,
                               gboolean         ordered)
{
  g_return_if_fail (options != NULL);

  options->ordered = !!ordered;
}

/**
 * pp_jsonld_options_get_ordered:
 * @options: a #PpJsonldOptions
 *
 * Gets whether the algorithms visit keys in lexicographical order.
 *
 * Returns: the ordered option
 *
 * Since: 0.1
 */
gboolean
pp_jsonld_options_get_ordered (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, FALSE);

  return options->ordered;
}

/**
 * pp_jsonld_options_set_document_loader:
 * @options: a #PpJsonldOptions
 * @loader: (nullable): a #PpDocumentLoader, or %NULL for the default one
 *
 * Sets the loader of remote documents and contexts.
 *
 * Since: 0.1
 */
void
pp_jsonld_options_set_document_loader (PpJsonldOptions  *options,
                                       PpDocumentLoader *loader)
{
  g_return_if_fail (options != NULL);
  g_return_if_fail (loader == NULL || PP_IS_DOCUMENT_LOADER (loader));

  g_set_object (&options->loader, loader);
}

/**
 * pp_jsonld_options_get_document_loader:
 * @options: a #PpJsonldOptions
 *
 * Gets the document loader that remote contexts are loaded with.
 *
 * Returns: (transfer none) (nullable): the document loader, %NULL meaning
 *   the default one (pp_document_loader_get_default())
 *
 * Since: 0.1
 */
PpDocumentLoader *
pp_jsonld_options_get_document_loader (PpJsonldOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return options->loader;
}
