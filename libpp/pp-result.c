/* pp-result.c: what became of a submitted segment
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-processor-private.h"
#include "pp-json-parse.h"

/* A result waiting in the processor's queue holds the segment's JSON-LD as
 * the converter's JSON text; it is read into a tree when the application
 * asks for the graph. */
struct _PpResult
{
  PpSegment *segment;
  GBytes *jsonld;
  JsonNode *graph;   /* read from jsonld, once asked for */
  GError *error;
};

/* Takes @jsonld and @error */
PpResult *
pp_result_new (PpSegment *segment,
               GBytes    *jsonld,
               GError    *error)
{
  PpResult *result = g_new0 (PpResult, 1);

  result->segment = pp_segment_ref (segment);
  result->jsonld = jsonld;
  result->error = error;

  return result;
}

static PpResult *
pp_result_copy (PpResult *result)
{
  return pp_result_new (result->segment,
                        result->jsonld != NULL ? g_bytes_ref (result->jsonld) : NULL,
                        result->error != NULL ? g_error_copy (result->error) : NULL);
}

/**
 * pp_result_free:
 * @result: (transfer full): a #PpResult
 *
 * Frees a result.
 *
 * Since: 0.1
 */
void
pp_result_free (PpResult *result)
{
  g_return_if_fail (result != NULL);

  pp_segment_unref (result->segment);
  g_clear_pointer (&result->jsonld, g_bytes_unref);
  g_clear_pointer (&result->graph, json_node_unref);
  g_clear_error (&result->error);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (PpResult, pp_result, pp_result_copy, pp_result_free)

/**
 * pp_result_get_segment:
 * @result: a #PpResult
 *
 * Gets the segment the result is about.
 *
 * Returns: (transfer none): the segment
 *
 * Since: 0.1
 */
PpSegment *
pp_result_get_segment (PpResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->segment;
}

/**
 * pp_result_get_graph:
 * @result: a #PpResult
 *
 * Gets the JSON-LD the segment was converted to. The tree is read from
 * the converter's JSON text the first time it is asked for.
 *
 * Returns: (transfer none) (nullable): the segment's JSON-LD, or %NULL if
 *   it failed
 *
 * Since: 0.1
 */
JsonNode *
pp_result_get_graph (PpResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  if (result->graph == NULL && result->jsonld != NULL)
    result->graph = pp_processor_read_jsonld (result->segment, result->jsonld);

  return result->graph;
}

/**
 * pp_result_get_error:
 * @result: a #PpResult
 *
 * Gets why the segment failed.
 *
 * Returns: (transfer none) (nullable): why the segment failed, or %NULL
 *
 * Since: 0.1
 */
const GError *
pp_result_get_error (PpResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  return result->error;
}
