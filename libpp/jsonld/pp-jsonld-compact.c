/* pp-jsonld-compact.c: the Compaction algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld.h"
#include "pp-jsonld-util-private.h"

/**
 * pp_jsonld_compact:
 * @input: the JSON-LD document to compact
 * @context: (nullable): the context to compact with
 * @options: (nullable): the options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compacts @input according to @context: the compact() method of the
 * JSON-LD 1.1 API.
 *
 * Returns: (transfer full): the compacted document, or %NULL on error
 */
JsonNode *
pp_jsonld_compact (JsonNode        *input,
                   JsonNode        *context,
                   PpJsonldOptions *options,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                       "compaction is not implemented yet");
  return NULL;
}
