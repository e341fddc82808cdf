/* pp-test-node-map.c: node maps of JSON-LD texts, for the tests of what
 * reads them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-test-node-map.h"

/* The node map of the graph @text, expanded, its blank nodes labelled
 * with @prefix */
PpJsonldNodeMap *
pp_test_node_map_new (const char *text,
                      const char *prefix)
{
  g_autoptr(PpJsonldNodeMap) map = pp_jsonld_node_map_new ();
  g_autoptr(JsonNode) tree = json_from_string (text, NULL);
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (tree);
  expanded = pp_jsonld_expand (tree, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pp_jsonld_node_map_add_document (map, expanded, prefix, NULL, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&map);
}
