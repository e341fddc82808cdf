/* pp-jsonld-expand-keyword.c: the keyword entries of the Expansion
 * algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-util-private.h"

gboolean
pp_jsonld_expansion_add_reverse_values (PpJsonldExpansion  *e,
                                        PpJsonValue        *result,
                                        const char         *property,
                                        PpJsonValue        *values,
                                        GError            **error)
{
  PpJsonValue *reverse_map = pp_json_object_get (result, PP_JSON_KW (REVERSE));
  PpJsonValue *items = pp_json_value_as_array (e->arena, values);

  if (!pp_json_value_is_object (reverse_map))
    {
      reverse_map = pp_json_value_new_object (e->arena, 1);
      pp_json_object_set (e->arena, result, PP_JSON_KW (REVERSE), reverse_map);
    }

  for (guint i = 0; i < pp_json_value_get_size (items); i++)
    {
      PpJsonValue *item = pp_json_array_get (items, i);

      if (pp_json_value_is_value_object (item) || pp_json_value_is_list_object (item))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY_VALUE,
                               "the reverse property %s has a value or list object", property);
          return FALSE;
        }
      pp_json_object_add_value (e->arena, reverse_map, property, item, TRUE);
    }

  return TRUE;
}

/* IRI expansion of a type (vocab and document relative), as a new string
 * value, or NULL for null; through the run's cache of
 * pp_jsonld_context_expand_vocab() */
static PpJsonValue *
expand_type (PpJsonldExpansion *e,
             PpJsonldContext   *active,
             const char        *value)
{
  gboolean unchanged;
  const char *iri = pp_jsonld_expansion_expand_vocab (e, active, value, &unchanged);

  if (iri == NULL)
    return NULL;

  /* returned unchanged without a vocabulary mapping: maybe relative */
  if (unchanged && active->vocab == NULL && !pp_jsonld_is_keyword (iri) &&
      !pp_jsonld_iri_is_absolute (iri) && !pp_jsonld_is_blank_node_id (iri))
    {
      g_autofree char *resolved = pp_jsonld_iri_resolve (active->base, value);

      /* interned as every type is: a node map knows a type by its pointer */
      return pp_jsonld_expansion_new_string (e, resolved);
    }

  return pp_json_value_new_string_static (e->arena, iri);
}

gboolean
pp_jsonld_expansion_type_strings (const PpJsonValue  *value,
                                  const char         *key,
                                  gboolean            strings_only,
                                  GPtrArray          *out,
                                  GError            **error)
{
  gboolean is_array = pp_json_value_is_array (value);
  guint n = is_array ? pp_json_value_get_size (value) : 1;

  for (guint i = 0; i < n; i++)
    {
      const PpJsonValue *item = is_array ? pp_json_array_get (value, i) : value;

      if (!pp_json_value_is_string (item))
        {
          if (!strings_only)
            continue;
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_VALUE,
                               "the value of \"%s\" must be a string or an array of strings",
                               key);
          return FALSE;
        }
      if (!pp_jsonld_expansion_check_no_nul (item, PP_JSONLD_ERROR_INVALID_TYPE_VALUE, key, error))
        return FALSE;
      g_ptr_array_add (out, (gpointer) pp_json_value_get_string (item));
    }

  return TRUE;
}

static gboolean
expand_type_keyword (PpJsonldExpansion  *e,
                     PpJsonldContext    *type_scoped,
                     const char         *key,
                     PpJsonValue        *value,
                     PpJsonValue        *result,
                     GError            **error)
{
  g_autoptr(GPtrArray) types = NULL;
  PpJsonValue *existing = pp_json_object_get (result, PP_JSON_KW (TYPE));
  PpJsonValue *array;

  if (pp_json_value_is_string (value) && existing == NULL)
    {
      PpJsonValue *type;

      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_TYPE_VALUE, key,
                                             error))
        return FALSE;
      type = expand_type (e, type_scoped, pp_json_value_get_string (value));

      if (type != NULL)
        pp_json_object_append (e->arena, result, PP_JSON_KW (TYPE), type);
      return TRUE;
    }

  types = g_ptr_array_new ();
  if (!pp_jsonld_expansion_type_strings (value, key, TRUE, types, error))
    return FALSE;

  array = pp_json_value_new_array (e->arena, types->len + pp_json_value_get_size (existing));
  if (existing != NULL)
    pp_json_array_append_flattened (e->arena, array, existing);

  for (guint i = 0; i < types->len; i++)
    {
      PpJsonValue *type = expand_type (e, type_scoped, g_ptr_array_index (types, i));

      if (type != NULL)
        pp_json_array_append (e->arena, array, type);
    }
  pp_json_object_set (e->arena, result, PP_JSON_KW (TYPE), array);
  return TRUE;
}

static gboolean
expand_reverse_keyword (PpJsonldExpansion  *e,
                        PpJsonldContext    *active,
                        const char         *key,
                        PpJsonValue        *value,
                        PpJsonValue        *result,
                        const char         *base_url,
                        GError            **error)
{
  PpJsonValue *expanded = NULL;
  PpJsonValue *nested;
  guint n;

  if (!pp_json_value_is_object (value))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_VALUE,
                           "the value of \"%s\" must be an object", key);
      return FALSE;
    }

  if (!pp_jsonld_expansion_expand_element (e, active, PP_JSON_KW (REVERSE), value, base_url,
                                           FALSE, &expanded, error))
    return FALSE;
  if (!pp_json_value_is_object (expanded))
    return TRUE;

  nested = pp_json_object_get (expanded, PP_JSON_KW (REVERSE));
  if (pp_json_value_is_object (nested))
    {
      const PpJsonMember *members = pp_json_object_get_members (nested);

      n = pp_json_value_get_size (nested);
      for (guint i = 0; i < n; i++)
        pp_json_object_add_value (e->arena, result, members[i].key, members[i].value, TRUE);
    }

  n = pp_json_value_get_size (expanded);
  for (guint i = 0; i < n; i++)
    {
      const PpJsonMember *member = &pp_json_object_get_members (expanded)[i];

      if (member->key == PP_JSON_KW (REVERSE))
        continue;
      if (!pp_jsonld_expansion_add_reverse_values (e, result, member->key, member->value, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
pp_jsonld_expansion_expand_keyword (PpJsonldExpansion  *e,
                                    PpJsonldContext    *active,
                                    PpJsonldContext    *type_scoped,
                                    const char         *active_property,
                                    const char         *key,
                                    const char         *expanded_property,
                                    PpJsonValue        *value,
                                    const char         *input_type,
                                    PpJsonValue        *result,
                                    const char         *base_url,
                                    GPtrArray         **nests,
                                    GError            **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  PpJsonValue *expanded = NULL;

  if (pp_jsonld_str_is (active_property, "@reverse"))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY_MAP,
                           "a reverse property map cannot hold the keyword %s (key \"%s\")",
                           expanded_property, key);
      return FALSE;
    }

  if (pp_json_object_has (result, expanded_property) &&
      expanded_property != PP_JSON_KW (INCLUDED) &&
      (expanded_property != PP_JSON_KW (TYPE) || mode_1_0))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_COLLIDING_KEYWORDS,
                           "%s appears more than once (key \"%s\")", expanded_property, key);
      return FALSE;
    }

  if (expanded_property == PP_JSON_KW (ID))
    {
      PpJsonValue *id;

      if (!pp_json_value_is_string (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_ID_VALUE,
                               "the value of \"%s\" must be a string", key);
          return FALSE;
        }
      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_ID_VALUE, key, error))
        return FALSE;
      id = pp_jsonld_expansion_expand_id (e, active, pp_json_value_get_string (value), FALSE,
                                          error);
      if (id == NULL)
        return FALSE;
      pp_json_object_append (e->arena, result, PP_JSON_KW (ID), id);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (TYPE))
    return expand_type_keyword (e, type_scoped, key, value, result, error);

  if (expanded_property == PP_JSON_KW (GRAPH))
    {
      if (!pp_jsonld_expansion_expand_element (e, active, PP_JSON_KW (GRAPH), value, base_url,
                                               FALSE, &expanded, error))
        return FALSE;
      pp_json_object_append (e->arena, result, PP_JSON_KW (GRAPH),
                             expanded != NULL ? pp_json_value_as_array (e->arena, expanded)
                                              : pp_json_value_new_array (e->arena, 0));
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (INCLUDED))
    {
      PpJsonValue *all;

      if (mode_1_0)
        return TRUE;

      /* "@included" as active property keeps free-floating values, so they
       * are reported rather than dropped */
      if (!pp_jsonld_expansion_expand_element (e, active, PP_JSON_KW (INCLUDED), value, base_url,
                                               FALSE, &expanded, error))
        return FALSE;
      expanded = expanded != NULL ? pp_json_value_as_array (e->arena, expanded)
                                  : pp_json_value_new_array (e->arena, 0);
      for (guint i = 0; i < pp_json_value_get_size (expanded); i++)
        {
          if (!pp_json_value_is_node_object (pp_json_array_get (expanded, i)))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INCLUDED_VALUE,
                                   "the values of \"%s\" must be node objects", key);
              return FALSE;
            }
        }

      all = pp_json_value_new_array (e->arena, pp_json_value_get_size (expanded));
      if (pp_json_object_has (result, PP_JSON_KW (INCLUDED)))
        pp_json_array_append_flattened (e->arena, all,
                                        pp_json_object_get (result, PP_JSON_KW (INCLUDED)));
      pp_json_array_append_flattened (e->arena, all, expanded);
      pp_json_object_set (e->arena, result, PP_JSON_KW (INCLUDED), all);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (VALUE))
    {
      if (pp_jsonld_str_is (input_type, "@json") && !mode_1_0)
        {
          pp_json_object_append (e->arena, result, PP_JSON_KW (VALUE), value);
          return TRUE;
        }

      if (!pp_json_value_is_scalar (value) && !pp_json_value_is_null (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT_VALUE,
                               "the value of \"%s\" must be a string, a number, a boolean "
                               "or null", key);
          return FALSE;
        }

      pp_json_object_append (e->arena, result, PP_JSON_KW (VALUE), value);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (LANGUAGE))
    {
      if (!pp_json_value_is_string (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_STRING,
                               "the value of \"%s\" must be a string", key);
          return FALSE;
        }
      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_STRING,
                                             key, error))
        return FALSE;
      pp_json_object_append (e->arena, result, PP_JSON_KW (LANGUAGE),
                             pp_jsonld_expansion_take_string (e, g_ascii_strdown (pp_json_value_get_string (value), -1)));
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (DIRECTION))
    {
      const char *direction = pp_json_value_get_string (value);

      if (mode_1_0)
        return TRUE;
      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION, key,
                                             error))
        return FALSE;
      if (g_strcmp0 (direction, "ltr") != 0 && g_strcmp0 (direction, "rtl") != 0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
                               "the value of \"%s\" must be \"ltr\" or \"rtl\"", key);
          return FALSE;
        }
      pp_json_object_append (e->arena, result, PP_JSON_KW (DIRECTION), value);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (INDEX))
    {
      if (!pp_json_value_is_string (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INDEX_VALUE,
                               "the value of \"%s\" must be a string", key);
          return FALSE;
        }
      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_INDEX_VALUE, key,
                                             error))
        return FALSE;
      pp_json_object_append (e->arena, result, PP_JSON_KW (INDEX), value);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (LIST))
    {
      if (active_property == NULL || pp_jsonld_str_is (active_property, "@graph"))
        return TRUE;

      if (!pp_jsonld_expansion_expand_element (e, active, active_property, value, base_url,
                                               FALSE, &expanded, error))
        return FALSE;
      pp_json_object_append (e->arena, result, PP_JSON_KW (LIST),
                             expanded != NULL ? pp_json_value_as_array (e->arena, expanded)
                                              : pp_json_value_new_array (e->arena, 0));
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (SET))
    {
      if (!pp_jsonld_expansion_expand_element (e, active, active_property, value, base_url,
                                               FALSE, &expanded, error))
        return FALSE;
      if (expanded != NULL)
        pp_json_object_append (e->arena, result, PP_JSON_KW (SET), expanded);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (REVERSE))
    return expand_reverse_keyword (e, active, key, value, result, base_url, error);

  if (expanded_property == PP_JSON_KW (NEST))
    {
      if (*nests == NULL)
        *nests = g_ptr_array_new ();
      g_ptr_array_add (*nests, (gpointer) key);
      return TRUE;
    }

  /* framing keywords and the like: ignored */
  return TRUE;
}
