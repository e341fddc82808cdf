/* pp-jsonld-compact-term.c: what IRI Compaction asks of Term Selection for
 * a value: the container mappings and type or language values it prefers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-compaction-private.h"

/* The most container preferences and preferred values built for one value */
#define MAX_CONTAINERS 32
#define MAX_PREFERRED 16

/* @str in lower case: @str itself when it is, else a copy in @arena */
static const char *
lower_case (PpJsonArena *arena,
            const char  *str)
{
  for (const char *p = str; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        {
          char *lower = pp_json_arena_strndup (arena, str, strlen (str));

          for (char *q = lower; *q != '\0'; q++)
            *q = g_ascii_tolower (*q);
          return lower;
        }
    }

  return str;
}

/* "language_direction" in lower case, in @arena */
static const char *
language_direction (PpJsonArena *arena,
                    const char  *language,
                    const char  *direction)
{
  gsize language_length = language != NULL ? strlen (language) : 0;
  gsize direction_length = strlen (direction);
  char *joined = pp_json_arena_alloc (arena, language_length + direction_length + 2);

  for (gsize i = 0; i < language_length; i++)
    joined[i] = g_ascii_tolower (language[i]);
  joined[language_length] = '_';
  for (gsize i = 0; i <= direction_length; i++)
    joined[language_length + 1 + i] = g_ascii_tolower (direction[i]);

  return joined;
}

/* The language (and direction) key of a value object */
static const char *
value_language (PpJsonArena       *arena,
                const PpJsonValue *object)
{
  const char *language = pp_json_object_get_string (object, PP_JSON_KW (LANGUAGE));
  const char *direction = pp_json_object_get_string (object, PP_JSON_KW (DIRECTION));

  if (direction != NULL)
    return language_direction (arena, language, direction);
  if (language != NULL)
    return lower_case (arena, language);
  return NULL;
}

/* Whether the identifier @id compacts, with vocab, to a term whose IRI
 * mapping is @id: only an IRI some term maps to can */
static gboolean
id_compacts_to_own_term (PpJsonldCompaction  *c,
                         PpJsonldContext     *context,
                         const char          *id,
                         gboolean            *own_term,
                         GError             **error)
{
  const char *compacted;
  const PpJsonldTermDef *def;

  *own_term = FALSE;
  if (!pp_jsonld_inverse_context_has_iri (pp_jsonld_compaction_get_inverse (c, context), id))
    return TRUE;

  compacted = pp_jsonld_compaction_compact_iri (c, context, id, NULL, TRUE, FALSE, error);
  if (compacted == NULL)
    return FALSE;

  def = pp_jsonld_compaction_get_term (c, context, compacted);
  *own_term = def != NULL && pp_jsonld_str_equal0 (def->iri, id);
  return TRUE;
}

gboolean
pp_jsonld_compaction_get_value_shape (PpJsonldCompaction  *c,
                                      PpJsonldContext     *context,
                                      const PpJsonValue   *value,
                                      gboolean             reverse,
                                      PpJsonldValueShape  *shape,
                                      const char         **detail,
                                      GError             **error)
{
  const char *id;
  gboolean own_term;

  *detail = NULL;

  if (reverse)
    {
      *shape = PP_JSONLD_VALUE_SHAPE_OTHER;
      return TRUE;
    }

  if (!pp_json_value_is_object (value))
    {
      *shape = PP_JSONLD_VALUE_SHAPE_NODE;
      return TRUE;
    }

  if (pp_json_object_has (value, PP_JSON_KW (PRESERVE)) ||
      pp_json_object_has (value, PP_JSON_KW (INDEX)) ||
      pp_json_object_has (value, PP_JSON_KW (LIST)) ||
      pp_json_value_is_graph_object (value))
    {
      *shape = PP_JSONLD_VALUE_SHAPE_OTHER;
      return TRUE;
    }

  if (pp_json_value_is_value_object (value))
    {
      if ((*detail = value_language (c->arena, value)) != NULL)
        *shape = PP_JSONLD_VALUE_SHAPE_LANGUAGE;
      else if ((*detail = pp_json_object_get_string (value, PP_JSON_KW (TYPE))) != NULL)
        *shape = PP_JSONLD_VALUE_SHAPE_TYPED;
      else if (pp_json_value_get_size (value) == 1)
        *shape = PP_JSONLD_VALUE_SHAPE_PLAIN;
      else
        *shape = PP_JSONLD_VALUE_SHAPE_OTHER;
      return TRUE;
    }

  id = pp_json_object_get_string (value, PP_JSON_KW (ID));
  if (id == NULL)
    {
      *shape = PP_JSONLD_VALUE_SHAPE_NODE;
      return TRUE;
    }

  if (!id_compacts_to_own_term (c, context, id, &own_term, error))
    return FALSE;

  *shape = own_term ? PP_JSONLD_VALUE_SHAPE_NODE_VOCAB_ID : PP_JSONLD_VALUE_SHAPE_NODE_ID;
  return TRUE;
}

const char *
pp_jsonld_compaction_select_term (PpJsonldCompaction  *c,
                                  PpJsonldContext     *context,
                                  const char          *var,
                                  const PpJsonValue   *value,
                                  gboolean             reverse,
                                  GError             **error)
{
  guint containers[MAX_CONTAINERS];
  const char *preferred[MAX_PREFERRED];
  guint n_containers = 0, n_preferred = 0, n_before_suffixes;
  PpJsonldTypeOrLanguage type_or_language = PP_JSONLD_SELECT_LANGUAGE;
  const char *type_language_value = NULL;
  const PpJsonValue *object = NULL;
  gboolean has_index = FALSE;
  gboolean is_list = FALSE;
  gboolean is_graph;
  gboolean empty_list = FALSE;
  gboolean legacy = context->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;

#define ADD_CONTAINER(flags) (containers[n_containers++] = (flags))
#define ADD_PREFERRED(str) (preferred[n_preferred++] = (str))

  if (pp_json_value_is_object (value))
    {
      const PpJsonValue *preserve = pp_json_object_get (value, PP_JSON_KW (PRESERVE));

      if (preserve != NULL)
        {
          if (pp_json_value_get_size (preserve) > 0 && pp_json_value_is_array (preserve))
            value = pp_json_array_get (preserve, 0);
          else
            value = preserve;
        }
      object = pp_json_value_is_object (value) ? value : NULL;
    }

  if (object != NULL)
    {
      has_index = pp_json_object_has (object, PP_JSON_KW (INDEX));
      is_list = pp_json_object_has (object, PP_JSON_KW (LIST));
    }
  is_graph = pp_json_value_is_graph_object (object);

  if (has_index && !is_graph)
    {
      ADD_CONTAINER (PP_JSONLD_CONTAINER_INDEX);
      ADD_CONTAINER (PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_SET);
    }

  if (reverse)
    {
      type_or_language = PP_JSONLD_SELECT_TYPE;
      type_language_value = "@reverse";
      ADD_CONTAINER (PP_JSONLD_CONTAINER_SET);
    }
  else if (is_list)
    {
      const PpJsonValue *list = pp_json_object_get (object, PP_JSON_KW (LIST));
      guint length = pp_json_value_is_array (list) ? pp_json_value_get_size (list) : 0;
      const char *common_type = NULL;
      const char *common_language = NULL;

      if (!has_index)
        ADD_CONTAINER (PP_JSONLD_CONTAINER_LIST);

      if (length == 0)
        {
          const char *dir = pp_jsonld_direction_to_string (context->default_direction);

          empty_list = TRUE;
          if (dir != NULL)
            common_language = language_direction (c->arena, context->default_language, dir);
          else if (context->default_language != NULL)
            common_language = lower_case (c->arena, context->default_language);
          else
            common_language = "@none";
        }

      for (guint i = 0; i < length; i++)
        {
          const PpJsonValue *item = pp_json_array_get (list, i);
          const char *item_language = "@none";
          const char *item_type = "@none";
          gboolean is_value = pp_json_value_is_value_object (item);

          if (is_value)
            {
              const char *type = pp_json_object_get_string (item, PP_JSON_KW (TYPE));

              item_language = value_language (c->arena, item);
              if (item_language == NULL)
                {
                  if (type != NULL)
                    item_type = type;
                  item_language = type != NULL ? "@none" : "@null";
                }
            }
          else
            {
              item_type = "@id";
            }

          if (common_language == NULL)
            common_language = item_language;
          else if (strcmp (item_language, common_language) != 0 && is_value)
            common_language = "@none";

          if (common_type == NULL)
            common_type = item_type;
          else if (strcmp (item_type, common_type) != 0)
            common_type = "@none";

          if (strcmp (common_language, "@none") == 0 &&
              strcmp (common_type, "@none") == 0)
            break;
        }

      if (common_language == NULL)
        common_language = "@none";
      if (common_type == NULL)
        common_type = "@none";

      if (strcmp (common_type, "@none") != 0)
        {
          type_or_language = PP_JSONLD_SELECT_TYPE;
          type_language_value = common_type;
        }
      else
        {
          type_language_value = common_language;
        }
    }
  else if (is_graph)
    {
      gboolean has_id = pp_json_object_has (object, PP_JSON_KW (ID));

      if (has_index)
        {
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_INDEX);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_INDEX |
                         PP_JSONLD_CONTAINER_SET);
        }
      if (has_id)
        {
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_ID);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_ID |
                         PP_JSONLD_CONTAINER_SET);
        }
      ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH);
      ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_SET);
      ADD_CONTAINER (PP_JSONLD_CONTAINER_SET);
      if (!has_index)
        {
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_INDEX);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_INDEX |
                         PP_JSONLD_CONTAINER_SET);
        }
      if (!has_id)
        {
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_ID);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_ID |
                         PP_JSONLD_CONTAINER_SET);
        }
      ADD_CONTAINER (PP_JSONLD_CONTAINER_INDEX);
      ADD_CONTAINER (PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_SET);
      type_or_language = PP_JSONLD_SELECT_TYPE;
      type_language_value = "@id";
    }
  else
    {
      if (pp_json_value_is_value_object (object))
        {
          const char *type = pp_json_object_get_string (object, PP_JSON_KW (TYPE));
          const char *language = has_index ? NULL : value_language (c->arena, object);

          if (language != NULL)
            {
              type_language_value = language;
              ADD_CONTAINER (PP_JSONLD_CONTAINER_LANGUAGE);
              ADD_CONTAINER (PP_JSONLD_CONTAINER_LANGUAGE | PP_JSONLD_CONTAINER_SET);
            }
          else if (type != NULL)
            {
              type_or_language = PP_JSONLD_SELECT_TYPE;
              type_language_value = type;
            }
        }
      else
        {
          type_or_language = PP_JSONLD_SELECT_TYPE;
          type_language_value = "@id";
          ADD_CONTAINER (PP_JSONLD_CONTAINER_ID);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_SET);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_TYPE);
          ADD_CONTAINER (PP_JSONLD_CONTAINER_SET | PP_JSONLD_CONTAINER_TYPE);
        }
      ADD_CONTAINER (PP_JSONLD_CONTAINER_SET);
    }

  ADD_CONTAINER (PP_JSONLD_CONTAINER_NONE);

  if (!legacy && (object == NULL || !has_index))
    {
      ADD_CONTAINER (PP_JSONLD_CONTAINER_INDEX);
      ADD_CONTAINER (PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_SET);
    }

  if (!legacy && pp_json_value_get_size (object) == 1 &&
      pp_json_value_is_value_object (object))
    {
      ADD_CONTAINER (PP_JSONLD_CONTAINER_LANGUAGE);
      ADD_CONTAINER (PP_JSONLD_CONTAINER_LANGUAGE | PP_JSONLD_CONTAINER_SET);
    }

  if (type_language_value == NULL)
    type_language_value = "@null";

  if (strcmp (type_language_value, "@reverse") == 0)
    ADD_PREFERRED ("@reverse");

  if ((strcmp (type_language_value, "@id") == 0 ||
       strcmp (type_language_value, "@reverse") == 0) &&
      pp_json_object_get_string (object, PP_JSON_KW (ID)) != NULL)
    {
      const char *id = pp_json_object_get_string (object, PP_JSON_KW (ID));
      gboolean own_term;

      if (!id_compacts_to_own_term (c, context, id, &own_term, error))
        return NULL;

      if (own_term)
        {
          ADD_PREFERRED ("@vocab");
          ADD_PREFERRED ("@id");
          ADD_PREFERRED ("@none");
        }
      else
        {
          ADD_PREFERRED ("@id");
          ADD_PREFERRED ("@vocab");
          ADD_PREFERRED ("@none");
        }
    }
  else
    {
      ADD_PREFERRED (type_language_value);
      ADD_PREFERRED ("@none");
      if (empty_list)
        type_or_language = PP_JSONLD_SELECT_ANY;
    }

  ADD_PREFERRED ("@any");

  /* a language and direction also match terms with the direction alone */
  n_before_suffixes = n_preferred;
  for (guint i = 0; i < n_before_suffixes; i++)
    {
      const char *underscore = strchr (preferred[i], '_');

      if (underscore != NULL)
        ADD_PREFERRED (underscore);
    }

#undef ADD_CONTAINER
#undef ADD_PREFERRED

  g_assert (n_containers <= MAX_CONTAINERS);
  g_assert (n_preferred <= MAX_PREFERRED);

  return pp_jsonld_inverse_context_select_term (pp_jsonld_compaction_get_inverse (c, context),
                                                var, containers, n_containers,
                                                type_or_language,
                                                preferred, n_preferred);
}
