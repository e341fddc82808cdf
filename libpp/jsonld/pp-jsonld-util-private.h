/* pp-jsonld-util-private.h: helpers shared by the JSON-LD algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "pp-jsonld-error.h"

G_BEGIN_DECLS

/**
 * PP_JSONLD_MAX_DEPTH:
 *
 * The deepest nesting of JSON arrays and objects the algorithms accept;
 * deeper input fails with %PP_JSONLD_ERROR_INVALID_INPUT.
 */
#define PP_JSONLD_MAX_DEPTH 512

void          pp_jsonld_set_error               (GError       **error,
                                                 PpJsonldError  code,
                                                 const char    *format,
                                                 ...) G_GNUC_PRINTF (3, 4);

gboolean      pp_jsonld_is_keyword              (const char    *str);
gboolean      pp_jsonld_looks_like_keyword      (const char    *str);
gboolean      pp_jsonld_is_blank_node_id        (const char    *str);

/* JSON node tests and accessors; all accept NULL nodes */
gboolean      pp_jsonld_node_is_string          (JsonNode      *node);
gboolean      pp_jsonld_node_is_number          (JsonNode      *node);
gboolean      pp_jsonld_node_is_boolean         (JsonNode      *node);
gboolean      pp_jsonld_node_is_scalar          (JsonNode      *node);
gboolean      pp_jsonld_node_is_null            (JsonNode      *node);
const char   *pp_jsonld_node_get_string_or_null (JsonNode      *node);
const char   *pp_jsonld_object_get_string       (JsonObject    *object,
                                                 const char    *member);
JsonNode     *pp_jsonld_object_get_node         (JsonObject    *object,
                                                 const char    *member);

/* JSON-LD object predicates */
gboolean      pp_jsonld_is_value_object         (JsonNode      *node);
gboolean      pp_jsonld_is_list_object          (JsonNode      *node);
gboolean      pp_jsonld_is_graph_object         (JsonNode      *node);
gboolean      pp_jsonld_is_simple_graph_object  (JsonNode      *node);
gboolean      pp_jsonld_is_node_object          (JsonNode      *node);
gboolean      pp_jsonld_is_node_reference       (JsonNode      *node);

/* construction */
JsonNode     *pp_jsonld_node_new_string         (const char    *str);
JsonNode     *pp_jsonld_node_new_take_string    (char          *str);
JsonNode     *pp_jsonld_node_new_object         (JsonObject    *object);
JsonNode     *pp_jsonld_node_new_array          (JsonArray     *array);
JsonNode     *pp_jsonld_node_new_empty_array    (void);
JsonNode     *pp_jsonld_node_new_empty_object   (void);
JsonNode     *pp_jsonld_node_as_array           (JsonNode      *node);

void          pp_jsonld_add_value               (JsonObject    *object,
                                                 const char    *key,
                                                 JsonNode      *value,
                                                 gboolean       as_array);
void          pp_jsonld_array_add_flattened     (JsonArray     *array,
                                                 JsonNode      *value);

/* deep operations */
JsonNode     *pp_jsonld_node_copy_deep          (JsonNode      *node);
gboolean      pp_jsonld_node_equal              (JsonNode      *a,
                                                 JsonNode      *b);
gboolean      pp_jsonld_node_validate_utf8      (JsonNode      *node,
                                                 guint          max_depth,
                                                 GError       **error);

int           pp_jsonld_compare_strings         (gconstpointer  a,
                                                 gconstpointer  b);
GPtrArray    *pp_jsonld_object_get_keys_sorted  (JsonObject    *object,
                                                 gboolean       ordered);

G_END_DECLS
