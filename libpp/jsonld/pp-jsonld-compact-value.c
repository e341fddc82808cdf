/* pp-jsonld-compact-value.c: the Value Compaction algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-compaction-private.h"

/* Whether a value's direction (NULL: none) is @direction (NULL: none) */
static gboolean
direction_matches (const char *value_direction,
                   const char *direction)
{
  if (direction == NULL)
    return value_direction == NULL;

  return value_direction != NULL && strcmp (value_direction, direction) == 0;
}

static gboolean
language_matches (const char *value_language,
                  const char *language)
{
  if (language == NULL)
    return value_language == NULL;

  return value_language != NULL && g_ascii_strcasecmp (value_language, language) == 0;
}

/* Step 4 of Value Compaction for a value object: whether its @value alone
 * stands for it */
static gboolean
value_is_scalar (PpJsonldContext       *context,
                 const PpJsonldTermDef *def,
                 const PpJsonValue     *element,
                 const PpJsonValue     *value)
{
  const char *type_mapping = def != NULL ? def->type : NULL;
  gboolean keep_index = pp_json_object_has (element, PP_JSON_KW (INDEX)) &&
                        !(def != NULL && (def->container & PP_JSONLD_CONTAINER_INDEX));
  const char *type = pp_json_object_get_string (element, PP_JSON_KW (TYPE));
  const char *language;
  const char *direction;

  if (type != NULL && pp_jsonld_str_equal0 (type, type_mapping))
    return !keep_index;
  if (pp_jsonld_str_equal0 (type_mapping, "@none") ||
      pp_json_object_has (element, PP_JSON_KW (TYPE)))
    return FALSE;
  if (!pp_json_value_is_string (value))
    return !keep_index;

  if (def != NULL && def->has_language)
    language = def->language;
  else
    language = context->default_language;

  if (def != NULL && def->direction != PP_JSONLD_DIRECTION_UNSET)
    direction = pp_jsonld_direction_to_string (def->direction);
  else
    direction = pp_jsonld_direction_to_string (context->default_direction);

  return language_matches (pp_json_object_get_string (element, PP_JSON_KW (LANGUAGE)), language) &&
         direction_matches (pp_json_object_get_string (element, PP_JSON_KW (DIRECTION)), direction) &&
         !keep_index;
}

/* A value of a term with the @json type mapping: the map with its keys
 * (and a @type) compacted */
static PpJsonValue *
compact_json_map (PpJsonldCompaction  *c,
                  PpJsonldContext     *context,
                  const PpJsonValue   *element,
                  GError             **error)
{
  guint n = pp_json_value_get_size (element);
  const PpJsonMember *members = pp_json_object_get_members (element);
  g_autoptr(GPtrArray) keys = NULL;
  PpJsonValue *map = pp_json_value_new_object (c->arena, n);

  if (c->ordered)
    keys = pp_json_object_get_keys_sorted (element);

  for (guint k = 0; k < n; k++)
    {
      const char *key = keys != NULL ? g_ptr_array_index (keys, k) : members[k].key;
      const PpJsonValue *member = keys != NULL ? pp_json_object_get (element, key) : members[k].value;
      const char *alias = pp_jsonld_compaction_compact_keyword (c, context, key, error);
      PpJsonValue *copy;

      if (alias == NULL)
        return NULL;

      if (key == PP_JSON_KW (TYPE) && pp_json_value_is_string (member))
        {
          const char *compacted = pp_jsonld_compaction_compact_keyword (c, context,
                                                                        pp_json_value_get_string (member),
                                                                        error);

          if (compacted == NULL)
            return NULL;
          copy = pp_json_value_new_string_static (c->arena, compacted);
        }
      else
        {
          copy = pp_json_value_copy (c->arena, member);
        }
      pp_json_object_set (c->arena, map, alias, copy);
    }

  return map;
}

gboolean
pp_jsonld_compaction_compact_value (PpJsonldCompaction  *c,
                                    PpJsonldContext     *context,
                                    const char          *active_property,
                                    const PpJsonValue   *element,
                                    PpJsonValue        **result,
                                    GError             **error)
{
  const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, context, active_property);
  const char *type_mapping = def != NULL ? def->type : NULL;
  guint size = pp_json_value_get_size (element);
  const PpJsonValue *value = pp_json_object_get (element, PP_JSON_KW (VALUE));

  *result = NULL;

  if (pp_json_object_has (element, PP_JSON_KW (ID)) &&
      (size == 1 || (size == 2 && pp_json_object_has (element, PP_JSON_KW (INDEX)))))
    {
      const char *id = pp_json_object_get_string (element, PP_JSON_KW (ID));

      if (id != NULL && (pp_jsonld_str_equal0 (type_mapping, "@id") ||
                         pp_jsonld_str_equal0 (type_mapping, "@vocab")))
        {
          const char *compacted = pp_jsonld_compaction_compact_iri (c, context, id, NULL,
                                                                    pp_jsonld_str_equal0 (type_mapping, "@vocab"),
                                                                    FALSE, error);

          if (compacted == NULL)
            return FALSE;
          *result = pp_json_value_new_string_static (c->arena, compacted);
          return TRUE;
        }
    }
  else if (value != NULL && value_is_scalar (context, def, element, value))
    {
      *result = pp_json_value_copy (c->arena, value);
      return TRUE;
    }

  if (pp_jsonld_str_equal0 (type_mapping, "@json"))
    {
      *result = compact_json_map (c, context, element, error);
      return *result != NULL;
    }

  return TRUE;
}
