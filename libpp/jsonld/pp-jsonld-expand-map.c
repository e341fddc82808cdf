/* pp-jsonld-expand-map.c: Value Expansion, and the language, index, id
 * and type maps of the Expansion algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-util-private.h"

PpJsonValue *
pp_jsonld_expansion_expand_value (PpJsonldExpansion  *e,
                                  PpJsonldContext    *active,
                                  const char         *active_property,
                                  PpJsonValue        *value,
                                  GError            **error)
{
  const char *interned_type;
  const PpJsonldTermDef *def = pp_jsonld_expansion_get_term_with_type (e, active, active_property,
                                                                       &interned_type);
  const char *type = def != NULL ? def->type : NULL;
  const char *language = NULL;
  const char *dir = NULL;
  PpJsonValue *result;

  if (type != NULL && pp_json_value_is_string (value) &&
      (pp_jsonld_str_is (type, "@id") || pp_jsonld_str_is (type, "@vocab")))
    {
      PpJsonValue *iri;

      /* the value becomes the @id of a node reference */
      if (!pp_jsonld_expansion_check_no_nul (value, PP_JSONLD_ERROR_INVALID_ID_VALUE,
                                             active_property, error))
        return NULL;
      iri = pp_jsonld_expansion_expand_id (e, active, pp_json_value_get_string (value),
                                           pp_jsonld_str_is (type, "@vocab"), error);
      if (iri == NULL)
        return NULL;

      return pp_jsonld_expansion_object_with (e, PP_JSON_KW (ID), iri);
    }

  if (type != NULL && (pp_jsonld_str_is (type, "@id") || pp_jsonld_str_is (type, "@vocab") || pp_jsonld_str_is (type, "@none")))
    type = NULL;

  if (type == NULL && pp_json_value_is_string (value))
    {
      PpJsonldDirection direction = def != NULL && def->direction != PP_JSONLD_DIRECTION_UNSET
                                    ? def->direction : active->default_direction;

      language = def != NULL && def->has_language ? def->language : active->default_language;
      dir = pp_jsonld_direction_to_string (direction);
    }

  result = pp_json_value_new_object (e->arena, 1 + (type != NULL) + (language != NULL) +
                                               (dir != NULL));
  pp_json_object_append (e->arena, result, PP_JSON_KW (VALUE), value);
  if (type != NULL)
    pp_json_object_append (e->arena, result, PP_JSON_KW (TYPE),
                           pp_json_value_new_string_static (e->arena, interned_type));
  if (language != NULL)
    pp_json_object_append (e->arena, result, PP_JSON_KW (LANGUAGE),
                           pp_jsonld_expansion_new_string (e, language));
  if (dir != NULL)
    pp_json_object_append (e->arena, result, PP_JSON_KW (DIRECTION),
                           pp_json_value_new_string_static (e->arena, dir));

  return result;
}

gboolean
pp_jsonld_expansion_expand_language_map (PpJsonldExpansion      *e,
                                         PpJsonldContext        *active,
                                         const PpJsonldTermDef  *def,
                                         const PpJsonValue      *value,
                                         PpJsonValue           **result,
                                         GError                **error)
{
  g_autoptr(GPtrArray) languages = pp_jsonld_expansion_get_keys (e, value);
  PpJsonValue *expanded = pp_json_value_new_array (e->arena, languages->len);
  PpJsonldDirection direction = active->default_direction;
  const char *dir;

  if (def->direction != PP_JSONLD_DIRECTION_UNSET)
    direction = def->direction;
  dir = pp_jsonld_direction_to_string (direction);

  for (guint i = 0; i < languages->len; i++)
    {
      const char *language = g_ptr_array_index (languages, i);
      PpJsonValue *language_value = pp_json_object_get (value, language);
      const char *expanded_language = pp_jsonld_expansion_expand_key (e, active, language);
      gboolean none = pp_jsonld_str_is (language, "@none") || expanded_language == PP_JSON_KW (NONE);
      PpJsonValue *language_string = NULL;
      gboolean is_array = pp_json_value_is_array (language_value);
      guint n = is_array ? pp_json_value_get_size (language_value) : 1;

      for (guint j = 0; j < n; j++)
        {
          PpJsonValue *item = is_array ? pp_json_array_get (language_value, j) : language_value;
          PpJsonValue *v;

          if (pp_json_value_is_null (item))
            continue;

          if (!pp_json_value_is_string (item))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_MAP_VALUE,
                                   "the value for language \"%s\" is not a string", language);
              return FALSE;
            }

          v = pp_json_value_new_object (e->arena, 3);
          pp_json_object_append (e->arena, v, PP_JSON_KW (VALUE), item);
          if (!none)
            {
              if (language_string == NULL)
                language_string = pp_jsonld_expansion_take_string (e, g_ascii_strdown (language, -1));
              pp_json_object_append (e->arena, v, PP_JSON_KW (LANGUAGE), language_string);
            }
          if (dir != NULL)
            pp_json_object_append (e->arena, v, PP_JSON_KW (DIRECTION),
                                   pp_json_value_new_string_static (e->arena, dir));
          pp_json_array_append (e->arena, expanded, v);
        }
    }

  *result = expanded;
  return TRUE;
}

/* the new @index, @id or @type an item of an index, id or type map gets
 * from its key @index */
static gboolean
add_map_key (PpJsonldExpansion      *e,
             PpJsonldContext        *active,
             const char             *key,
             const PpJsonldTermDef  *def,
             const char             *index,
             const char             *expanded_index,
             PpJsonValue            *object,
             GError                **error)
{
  const char *index_key = def->index != NULL ? def->index : "@index";
  guint container = def->container;
  gboolean none = expanded_index == PP_JSON_KW (NONE);

  if ((container & PP_JSONLD_CONTAINER_INDEX) && !pp_jsonld_str_is (index_key, "@index") && !none)
    {
      PpJsonValue *re_expanded;
      const char *expanded_index_key;
      PpJsonValue *values;
      PpJsonValue *existing;

      if (pp_json_object_has (object, PP_JSON_KW (VALUE)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT,
                               "the value of index \"%s\" of property \"%s\" is a "
                               "value object, which cannot take the index property %s",
                               index, key, index_key);
          return FALSE;
        }

      re_expanded = pp_jsonld_expansion_expand_value (e, active, index_key,
                                                      pp_jsonld_expansion_new_string (e, index),
                                                      error);
      if (re_expanded == NULL)
        return FALSE;
      expanded_index_key = pp_jsonld_expansion_expand_key (e, active, index_key);
      if (expanded_index_key == NULL)
        return TRUE;

      values = pp_json_value_new_array (e->arena, 2);
      pp_json_array_append (e->arena, values, re_expanded);
      existing = pp_json_object_get (object, expanded_index_key);
      if (existing != NULL)
        pp_json_array_append_flattened (e->arena, values, existing);
      pp_json_object_set (e->arena, object, expanded_index_key, values);
    }
  else if ((container & PP_JSONLD_CONTAINER_INDEX) &&
           !pp_json_object_has (object, PP_JSON_KW (INDEX)) && !none)
    pp_json_object_append (e->arena, object, PP_JSON_KW (INDEX),
                           pp_jsonld_expansion_new_string (e, index));
  else if ((container & PP_JSONLD_CONTAINER_ID) &&
           !pp_json_object_has (object, PP_JSON_KW (ID)) && !none)
    {
      PpJsonValue *id = pp_jsonld_expansion_expand_id (e, active, index, FALSE, error);

      if (id == NULL)
        return FALSE;
      pp_json_object_append (e->arena, object, PP_JSON_KW (ID), id);
    }
  else if ((container & PP_JSONLD_CONTAINER_TYPE) && !none && expanded_index != NULL)
    {
      PpJsonValue *types = pp_json_value_new_array (e->arena, 2);
      PpJsonValue *existing = pp_json_object_get (object, PP_JSON_KW (TYPE));

      pp_json_array_append (e->arena, types, pp_jsonld_expansion_new_string (e, expanded_index));
      if (existing != NULL)
        pp_json_array_append_flattened (e->arena, types, existing);
      pp_json_object_set (e->arena, object, PP_JSON_KW (TYPE), types);
    }

  return TRUE;
}

gboolean
pp_jsonld_expansion_expand_index_map (PpJsonldExpansion      *e,
                                      PpJsonldContext        *active,
                                      const char             *key,
                                      const PpJsonldTermDef  *def,
                                      const PpJsonValue      *value,
                                      const char             *base_url,
                                      PpJsonValue           **result,
                                      GError                **error)
{
  g_autoptr(GPtrArray) indexes = pp_jsonld_expansion_get_keys (e, value);
  PpJsonValue *expanded = pp_json_value_new_array (e->arena, indexes->len);
  guint container = def->container;

  for (guint i = 0; i < indexes->len; i++)
    {
      const char *index = g_ptr_array_index (indexes, i);
      PpJsonValue *index_value = pp_json_object_get (value, index);
      g_autoptr(PpJsonldContext) map_context = NULL;
      PpJsonValue *items = NULL;
      const char *expanded_index;

      if (container & PP_JSONLD_CONTAINER_TYPE)
        {
          const PpJsonldTermDef *index_def;

          map_context = pp_jsonld_context_ref (active->previous != NULL ? active->previous : active);
          index_def = pp_jsonld_context_get_term (map_context, index);
          if (index_def != NULL && index_def->has_context)
            {
              PpJsonldContext *processed;

              processed = pp_jsonld_expansion_apply_context (e, map_context, index_def->context,
                                                             index_def->base_url, FALSE, FALSE,
                                                             error);
              if (processed == NULL)
                return FALSE;
              g_clear_pointer (&map_context, pp_jsonld_context_unref);
              map_context = processed;
            }
        }
      else
        map_context = pp_jsonld_context_ref (active);

      expanded_index = pp_jsonld_expansion_expand_key (e, active, index);

      if (!pp_jsonld_expansion_expand_element (e, map_context, key, index_value, base_url, TRUE,
                                               &items, error))
        return FALSE;
      if (items == NULL)
        continue;
      items = pp_json_value_as_array (e->arena, items);

      for (guint j = 0; j < pp_json_value_get_size (items); j++)
        {
          PpJsonValue *item = pp_json_array_get (items, j);

          if ((container & PP_JSONLD_CONTAINER_GRAPH) && !pp_json_value_is_graph_object (item))
            item = pp_jsonld_expansion_object_with (e, PP_JSON_KW (GRAPH),
                                                    pp_json_value_as_array (e->arena, item));
          pp_json_array_append (e->arena, expanded, item);

          if (!pp_json_value_is_object (item))
            continue;

          if (!add_map_key (e, active, key, def, index, expanded_index, item, error))
            return FALSE;
        }
    }

  *result = expanded;
  return TRUE;
}
