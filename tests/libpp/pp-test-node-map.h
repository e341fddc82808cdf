/* pp-test-node-map.h: node maps of JSON-LD texts, for the tests of what
 * reads them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-jsonld-node-map-private.h"

G_BEGIN_DECLS

PpJsonldNodeMap *pp_test_node_map_new (const char *text,
                                       const char *prefix);

G_END_DECLS
