/* pp-jsonld-expand.c: the Expansion algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-jsonld.h"
#include "pp-jsonld-context-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-util-private.h"

typedef struct {
  PpJsonldOptions      *options;
  GCancellable         *cancellable;
  PpJsonldContextCache *cache;
  gboolean              ordered;
  guint                 depth;
} ExpandState;

static gboolean expand_element (ExpandState      *state,
                                PpJsonldContext  *active,
                                const char       *active_property,
                                JsonNode         *element,
                                const char       *base_url,
                                gboolean          from_map,
                                JsonNode        **result,
                                GError          **error);

static gboolean
is_keyword_str (const char *str,
                const char *keyword)
{
  return str != NULL && strcmp (str, keyword) == 0;
}

static const char *
expand_key (PpJsonldContext *active,
            const char      *key)
{
  return pp_jsonld_context_expand_vocab (active, key);
}

/* the node as an array (transfer full in and out) */
static JsonNode *
as_array (JsonNode *node)
{
  return pp_jsonld_node_as_array (node);
}

static JsonNode *
object_node_with (const char *key,
                  JsonNode   *value)
{
  JsonObject *object = json_object_new ();

  json_object_set_member (object, key, value);
  return pp_jsonld_node_new_object (object);
}

/* Value Expansion */
static JsonNode *
expand_value (PpJsonldContext  *active,
              const char       *active_property,
              JsonNode         *value,
              GError          **error)
{
  const PpJsonldTermDef *def = pp_jsonld_context_get_term (active, active_property);
  const char *type = def != NULL ? def->type : NULL;
  JsonObject *result;

  if (type != NULL && pp_jsonld_node_is_string (value) &&
      (strcmp (type, "@id") == 0 || strcmp (type, "@vocab") == 0))
    {
      g_autoptr(GError) local_error = NULL;
      char *iri = pp_jsonld_expand_iri (active, json_node_get_string (value), TRUE,
                                        strcmp (type, "@vocab") == 0, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      result = json_object_new ();
      if (iri != NULL)
        json_object_set_member (result, "@id", pp_jsonld_node_new_take_string (iri));
      else
        json_object_set_null_member (result, "@id");
      return pp_jsonld_node_new_object (result);
    }

  result = json_object_new ();
  json_object_set_member (result, "@value", json_node_ref (value));

  if (type != NULL && strcmp (type, "@id") != 0 && strcmp (type, "@vocab") != 0 &&
      strcmp (type, "@none") != 0)
    json_object_set_string_member (result, "@type", type);
  else if (pp_jsonld_node_is_string (value))
    {
      const char *language = def != NULL && def->has_language ? def->language
                                                              : active->default_language;
      PpJsonldDirection direction = def != NULL && def->direction != PP_JSONLD_DIRECTION_UNSET
                                    ? def->direction : active->default_direction;
      const char *dir = pp_jsonld_direction_to_string (direction);

      if (language != NULL)
        json_object_set_string_member (result, "@language", language);
      if (dir != NULL)
        json_object_set_string_member (result, "@direction", dir);
    }

  return pp_jsonld_node_new_object (result);
}

static gboolean
check_depth (ExpandState  *state,
             GError      **error)
{
  if (state->depth >= PP_JSONLD_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels", PP_JSONLD_MAX_DEPTH);
      return FALSE;
    }

  return TRUE;
}

static PpJsonldContext *
apply_context (ExpandState      *state,
               PpJsonldContext  *active,
               JsonNode         *local,
               const char       *base_url,
               gboolean          override_protected,
               gboolean          propagate,
               GError          **error)
{
  return pp_jsonld_context_process_cached (state->cache, active, local, base_url,
                                           override_protected, propagate, state->options,
                                           state->cancellable, error);
}

/* the members of object, in code point order when ordered */
static GPtrArray *
get_keys (ExpandState *state,
          JsonObject  *object)
{
  return pp_jsonld_object_get_keys_sorted (object, state->ordered);
}

static gboolean
expand_language_map (ExpandState            *state,
                     PpJsonldContext        *active,
                     const PpJsonldTermDef  *def,
                     JsonObject             *value,
                     JsonNode              **result,
                     GError                **error)
{
  g_autoptr(GPtrArray) languages = get_keys (state, value);
  JsonArray *expanded = json_array_new ();
  PpJsonldDirection direction = active->default_direction;
  const char *dir;
  guint i;

  if (def->direction != PP_JSONLD_DIRECTION_UNSET)
    direction = def->direction;
  dir = pp_jsonld_direction_to_string (direction);

  for (i = 0; i < languages->len; i++)
    {
      const char *language = g_ptr_array_index (languages, i);
      JsonNode *language_value = json_object_get_member (value, language);
      const char *expanded_language = expand_key (active, language);
      gboolean none = strcmp (language, "@none") == 0 ||
                      is_keyword_str (expanded_language, "@none");
      JsonArray *items = NULL;
      guint j, n = 1;

      if (JSON_NODE_HOLDS_ARRAY (language_value))
        {
          items = json_node_get_array (language_value);
          n = json_array_get_length (items);
        }

      for (j = 0; j < n; j++)
        {
          JsonNode *item = items != NULL ? json_array_get_element (items, j) : language_value;
          JsonObject *v;

          if (pp_jsonld_node_is_null (item))
            continue;

          if (!pp_jsonld_node_is_string (item))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_MAP_VALUE,
                                   "the value for language \"%s\" is not a string", language);
              json_array_unref (expanded);
              return FALSE;
            }

          v = json_object_new ();
          json_object_set_member (v, "@value", json_node_ref (item));
          if (!none)
            json_object_set_member (v, "@language",
                                    pp_jsonld_node_new_take_string (g_ascii_strdown (language, -1)));
          if (dir != NULL)
            json_object_set_string_member (v, "@direction", dir);
          json_array_add_object_element (expanded, v);
        }
    }

  *result = pp_jsonld_node_new_array (expanded);
  return TRUE;
}

static gboolean
expand_index_map (ExpandState            *state,
                  PpJsonldContext        *active,
                  const char             *key,
                  const PpJsonldTermDef  *def,
                  JsonObject             *value,
                  const char             *base_url,
                  JsonNode              **result,
                  GError                **error)
{
  g_autoptr(GPtrArray) indexes = get_keys (state, value);
  g_autoptr(JsonArray) expanded = json_array_new ();
  const char *index_key = def->index != NULL ? def->index : "@index";
  guint container = def->container;
  guint i;

  for (i = 0; i < indexes->len; i++)
    {
      const char *index = g_ptr_array_index (indexes, i);
      JsonNode *index_value = json_object_get_member (value, index);
      g_autoptr(PpJsonldContext) map_context = NULL;
      g_autoptr(JsonNode) items_node = NULL;
      const char *expanded_index;
      gboolean none;
      JsonArray *items;
      guint j, n;

      if (container & PP_JSONLD_CONTAINER_TYPE)
        {
          const PpJsonldTermDef *index_def;

          map_context = pp_jsonld_context_ref (active->previous != NULL ? active->previous : active);
          index_def = pp_jsonld_context_get_term (map_context, index);
          if (index_def != NULL && index_def->has_context)
            {
              PpJsonldContext *processed = apply_context (state, map_context, index_def->context,
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

      expanded_index = expand_key (active, index);
      none = is_keyword_str (expanded_index, "@none");

      if (!expand_element (state, map_context, key, index_value, base_url, TRUE,
                           &items_node, error))
        return FALSE;
      if (items_node == NULL)
        continue;
      items_node = as_array (g_steal_pointer (&items_node));
      items = json_node_get_array (items_node);
      n = json_array_get_length (items);

      for (j = 0; j < n; j++)
        {
          JsonNode *item = json_array_get_element (items, j);
          JsonObject *object;

          if ((container & PP_JSONLD_CONTAINER_GRAPH) && !pp_jsonld_is_graph_object (item))
            {
              item = object_node_with ("@graph", as_array (json_node_ref (item)));
              json_array_add_element (expanded, item);
            }
          else
            json_array_add_element (expanded, json_node_ref (item));

          if (!JSON_NODE_HOLDS_OBJECT (item))
            continue;
          object = json_node_get_object (item);

          if ((container & PP_JSONLD_CONTAINER_INDEX) && strcmp (index_key, "@index") != 0 &&
              !none)
            {
              g_autoptr(JsonNode) index_node = pp_jsonld_node_new_string (index);
              g_autoptr(JsonNode) re_expanded = NULL;
              const char *expanded_index_key;
              JsonArray *values;
              JsonNode *existing;

              if (json_object_has_member (object, "@value"))
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT,
                                       "the value of index \"%s\" of property \"%s\" is a "
                                       "value object, which cannot take the index property %s",
                                       index, key, index_key);
                  return FALSE;
                }

              re_expanded = expand_value (active, index_key, index_node, error);
              if (re_expanded == NULL)
                return FALSE;
              expanded_index_key = expand_key (active, index_key);
              if (expanded_index_key == NULL)
                continue;

              values = json_array_new ();
              json_array_add_element (values, g_steal_pointer (&re_expanded));
              existing = json_object_get_member (object, expanded_index_key);
              if (existing != NULL)
                pp_jsonld_array_add_flattened (values, json_node_ref (existing));
              json_object_set_array_member (object, expanded_index_key, values);
            }
          else if ((container & PP_JSONLD_CONTAINER_INDEX) &&
                   !json_object_has_member (object, "@index") && !none)
            json_object_set_string_member (object, "@index", index);
          else if ((container & PP_JSONLD_CONTAINER_ID) &&
                   !json_object_has_member (object, "@id") && !none)
            {
              g_autoptr(GError) local_error = NULL;
              char *id = pp_jsonld_expand_iri (active, index, TRUE, FALSE, &local_error);

              if (local_error != NULL)
                {
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              if (id != NULL)
                json_object_set_member (object, "@id", pp_jsonld_node_new_take_string (id));
              else
                json_object_set_null_member (object, "@id");
            }
          else if ((container & PP_JSONLD_CONTAINER_TYPE) && !none && expanded_index != NULL)
            {
              JsonArray *types = json_array_new ();
              JsonNode *existing = json_object_get_member (object, "@type");

              json_array_add_string_element (types, expanded_index);
              if (existing != NULL)
                pp_jsonld_array_add_flattened (types, json_node_ref (existing));
              json_object_set_array_member (object, "@type", types);
            }
        }
    }

  *result = pp_jsonld_node_new_array (g_steal_pointer (&expanded));
  return TRUE;
}

static gboolean
add_reverse_values (JsonObject  *result,
                    const char  *property,
                    JsonNode    *values,
                    GError     **error)
{
  JsonNode *reverse_node = json_object_get_member (result, "@reverse");
  JsonObject *reverse_map;
  g_autoptr(JsonNode) items_node = as_array (json_node_ref (values));
  JsonArray *items = json_node_get_array (items_node);
  guint i, n = json_array_get_length (items);

  if (reverse_node == NULL || !JSON_NODE_HOLDS_OBJECT (reverse_node))
    {
      json_object_set_object_member (result, "@reverse", json_object_new ());
      reverse_node = json_object_get_member (result, "@reverse");
    }
  reverse_map = json_node_get_object (reverse_node);

  for (i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (pp_jsonld_is_value_object (item) || pp_jsonld_is_list_object (item))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY_VALUE,
                               "the reverse property %s has a value or list object", property);
          return FALSE;
        }
      pp_jsonld_add_value (reverse_map, property, json_node_ref (item), TRUE);
    }

  return TRUE;
}

/* IRI expansion of a type (vocab and document relative), as a new string
 * node, or NULL for null; through the per-context cache of
 * pp_jsonld_context_expand_vocab() */
static JsonNode *
expand_type (PpJsonldContext *active,
             const char      *value)
{
  const char *iri = pp_jsonld_context_expand_vocab (active, value);

  if (iri == NULL)
    return NULL;

  /* returned unchanged without a vocabulary mapping: maybe relative */
  if (iri == value && active->vocab == NULL && !pp_jsonld_is_keyword (iri) &&
      !pp_jsonld_iri_is_absolute (iri) && !pp_jsonld_is_blank_node_id (iri))
    return pp_jsonld_node_new_take_string (pp_jsonld_iri_resolve (active->base, value));

  return pp_jsonld_node_new_string (iri);
}

/* the strings of a value: itself, or the string elements of an array */
static void
string_values (JsonNode  *value,
               GPtrArray *out)
{
  if (pp_jsonld_node_is_string (value))
    g_ptr_array_add (out, (gpointer) json_node_get_string (value));
  else if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      guint i, n = json_array_get_length (array);

      for (i = 0; i < n; i++)
        {
          const char *str = pp_jsonld_node_get_string_or_null (json_array_get_element (array, i));

          if (str != NULL)
            g_ptr_array_add (out, (gpointer) str);
        }
    }
}

/* the type values of an @type entry, as strings; FALSE if not all strings */
static gboolean
type_values (JsonNode   *value,
             GPtrArray  *out)
{
  if (pp_jsonld_node_is_string (value))
    {
      g_ptr_array_add (out, (gpointer) json_node_get_string (value));
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      guint i, n = json_array_get_length (array);

      for (i = 0; i < n; i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (!pp_jsonld_node_is_string (item))
            return FALSE;
          g_ptr_array_add (out, (gpointer) json_node_get_string (item));
        }
      return TRUE;
    }

  return FALSE;
}

static gboolean expand_members (ExpandState      *state,
                                PpJsonldContext  *active,
                                PpJsonldContext  *type_scoped,
                                const char       *active_property,
                                JsonObject       *element,
                                const char       *input_type,
                                JsonObject       *result,
                                const char       *base_url,
                                GError          **error);

static gboolean
expand_keyword (ExpandState      *state,
                PpJsonldContext  *active,
                PpJsonldContext  *type_scoped,
                const char       *active_property,
                const char       *key,
                const char       *expanded_property,
                JsonNode         *value,
                const char       *input_type,
                JsonObject       *result,
                const char       *base_url,
                GPtrArray        *nests,
                GError          **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(GError) local_error = NULL;

  if (is_keyword_str (active_property, "@reverse"))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY_MAP,
                           "a reverse property map cannot hold the keyword %s (key \"%s\")",
                           expanded_property, key);
      return FALSE;
    }

  if (json_object_has_member (result, expanded_property) &&
      strcmp (expanded_property, "@included") != 0 &&
      (strcmp (expanded_property, "@type") != 0 || mode_1_0))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_COLLIDING_KEYWORDS,
                           "%s appears more than once (key \"%s\")", expanded_property, key);
      return FALSE;
    }

  if (strcmp (expanded_property, "@id") == 0)
    {
      char *id;

      if (!pp_jsonld_node_is_string (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_ID_VALUE,
                               "the value of \"%s\" must be a string", key);
          return FALSE;
        }
      id = pp_jsonld_expand_iri (active, json_node_get_string (value), TRUE, FALSE, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (id != NULL)
        json_object_set_member (result, "@id", pp_jsonld_node_new_take_string (id));
      else
        json_object_set_null_member (result, "@id");
      return TRUE;
    }

  if (strcmp (expanded_property, "@type") == 0)
    {
      g_autoptr(GPtrArray) types = g_ptr_array_new ();
      JsonNode *existing = json_object_get_member (result, "@type");
      guint i;

      if (!type_values (value, types))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_VALUE,
                               "the value of \"%s\" must be a string or an array of strings",
                               key);
          return FALSE;
        }

      if (pp_jsonld_node_is_string (value) && existing == NULL)
        {
          JsonNode *type = expand_type (type_scoped, g_ptr_array_index (types, 0));

          if (type != NULL)
            json_object_set_member (result, "@type", type);
          return TRUE;
        }

      {
        JsonArray *array = json_array_new ();

        if (existing != NULL)
          pp_jsonld_array_add_flattened (array, json_node_ref (existing));

        for (i = 0; i < types->len; i++)
          {
            JsonNode *type = expand_type (type_scoped, g_ptr_array_index (types, i));

            if (type != NULL)
              json_array_add_element (array, type);
          }
        json_object_set_array_member (result, "@type", array);
      }
      return TRUE;
    }

  if (strcmp (expanded_property, "@graph") == 0)
    {
      if (!expand_element (state, active, "@graph", value, base_url, FALSE, &expanded, error))
        return FALSE;
      json_object_set_member (result, "@graph",
                              expanded != NULL ? as_array (g_steal_pointer (&expanded))
                                               : pp_jsonld_node_new_empty_array ());
      return TRUE;
    }

  if (strcmp (expanded_property, "@included") == 0)
    {
      JsonArray *items;
      JsonArray *all;
      JsonNode *existing;
      guint i, n;

      if (mode_1_0)
        return TRUE;

      /* "@included" as active property keeps free-floating values, so they
       * are reported rather than dropped */
      if (!expand_element (state, active, "@included", value, base_url, FALSE,
                           &expanded, error))
        return FALSE;
      expanded = expanded != NULL ? as_array (g_steal_pointer (&expanded))
                                  : pp_jsonld_node_new_empty_array ();
      items = json_node_get_array (expanded);
      n = json_array_get_length (items);
      for (i = 0; i < n; i++)
        {
          JsonNode *item = json_array_get_element (items, i);

          if (!pp_jsonld_is_node_object (item))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INCLUDED_VALUE,
                                   "the values of \"%s\" must be node objects", key);
              return FALSE;
            }
        }

      all = json_array_new ();
      existing = json_object_get_member (result, "@included");
      if (existing != NULL)
        pp_jsonld_array_add_flattened (all, json_node_ref (existing));
      pp_jsonld_array_add_flattened (all, g_steal_pointer (&expanded));
      json_object_set_array_member (result, "@included", all);
      return TRUE;
    }

  if (strcmp (expanded_property, "@value") == 0)
    {
      if (is_keyword_str (input_type, "@json") && !mode_1_0)
        {
          json_object_set_member (result, "@value", pp_jsonld_node_copy_deep (value));
          return TRUE;
        }

      if (!pp_jsonld_node_is_scalar (value) && !pp_jsonld_node_is_null (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT_VALUE,
                               "the value of \"%s\" must be a string, a number, a boolean "
                               "or null", key);
          return FALSE;
        }

      json_object_set_member (result, "@value", json_node_ref (value));
      return TRUE;
    }

  if (strcmp (expanded_property, "@language") == 0)
    {
      if (!pp_jsonld_node_is_string (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_STRING,
                               "the value of \"%s\" must be a string", key);
          return FALSE;
        }
      json_object_set_member (result, "@language",
                              pp_jsonld_node_new_take_string (g_ascii_strdown (json_node_get_string (value), -1)));
      return TRUE;
    }

  if (strcmp (expanded_property, "@direction") == 0)
    {
      const char *direction = pp_jsonld_node_get_string_or_null (value);

      if (mode_1_0)
        return TRUE;
      if (g_strcmp0 (direction, "ltr") != 0 && g_strcmp0 (direction, "rtl") != 0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
                               "the value of \"%s\" must be \"ltr\" or \"rtl\"", key);
          return FALSE;
        }
      json_object_set_string_member (result, "@direction", direction);
      return TRUE;
    }

  if (strcmp (expanded_property, "@index") == 0)
    {
      if (!pp_jsonld_node_is_string (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INDEX_VALUE,
                               "the value of \"%s\" must be a string", key);
          return FALSE;
        }
      json_object_set_member (result, "@index", json_node_ref (value));
      return TRUE;
    }

  if (strcmp (expanded_property, "@list") == 0)
    {
      if (active_property == NULL || strcmp (active_property, "@graph") == 0)
        return TRUE;

      if (!expand_element (state, active, active_property, value, base_url, FALSE,
                           &expanded, error))
        return FALSE;
      json_object_set_member (result, "@list",
                              expanded != NULL ? as_array (g_steal_pointer (&expanded))
                                               : pp_jsonld_node_new_empty_array ());
      return TRUE;
    }

  if (strcmp (expanded_property, "@set") == 0)
    {
      if (!expand_element (state, active, active_property, value, base_url, FALSE,
                           &expanded, error))
        return FALSE;
      if (expanded != NULL)
        json_object_set_member (result, "@set", g_steal_pointer (&expanded));
      return TRUE;
    }

  if (strcmp (expanded_property, "@reverse") == 0)
    {
      JsonObject *reverse;
      JsonObjectIter iter;
      const char *property;
      JsonNode *items;

      if (!JSON_NODE_HOLDS_OBJECT (value))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_VALUE,
                               "the value of \"%s\" must be an object", key);
          return FALSE;
        }

      if (!expand_element (state, active, "@reverse", value, base_url, FALSE, &expanded, error))
        return FALSE;
      if (expanded == NULL || !JSON_NODE_HOLDS_OBJECT (expanded))
        return TRUE;

      reverse = json_node_get_object (expanded);

      items = json_object_get_member (reverse, "@reverse");
      if (items != NULL && JSON_NODE_HOLDS_OBJECT (items))
        {
          json_object_iter_init (&iter, json_node_get_object (items));
          while (json_object_iter_next (&iter, &property, &items))
            pp_jsonld_add_value (result, property, json_node_ref (items), TRUE);
        }

      json_object_iter_init (&iter, reverse);
      while (json_object_iter_next (&iter, &property, &items))
        {
          if (strcmp (property, "@reverse") == 0)
            continue;
          if (!add_reverse_values (result, property, items, error))
            return FALSE;
        }
      return TRUE;
    }

  if (strcmp (expanded_property, "@nest") == 0)
    {
      g_ptr_array_add (nests, (gpointer) key);
      return TRUE;
    }

  /* framing keywords and the like: ignored */
  return TRUE;
}

static gboolean
expand_members (ExpandState      *state,
                PpJsonldContext  *active,
                PpJsonldContext  *type_scoped,
                const char       *active_property,
                JsonObject       *element,
                const char       *input_type,
                JsonObject       *result,
                const char       *base_url,
                GError          **error)
{
  g_autoptr(GPtrArray) keys = get_keys (state, element);
  g_autoptr(GPtrArray) nests = g_ptr_array_new ();
  guint i;

  for (i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      JsonNode *value = json_object_get_member (element, key);
      const char *expanded_property;
      const PpJsonldTermDef *def;
      g_autoptr(JsonNode) expanded = NULL;
      guint container;

      if (strcmp (key, "@context") == 0)
        continue;

      expanded_property = expand_key (active, key);
      if (expanded_property == NULL)
        continue;

      if (expanded_property[0] == '@' && pp_jsonld_is_keyword (expanded_property))
        {
          if (!expand_keyword (state, active, type_scoped, active_property, key,
                               expanded_property, value, input_type, result, base_url,
                               nests, error))
            return FALSE;
          continue;
        }

      if (strchr (expanded_property, ':') == NULL)
        continue;

      def = pp_jsonld_context_get_term (active, key);
      container = def != NULL ? def->container : 0;

      if (def != NULL && is_keyword_str (def->type, "@json"))
        {
          JsonObject *object = json_object_new ();

          json_object_set_member (object, "@value", pp_jsonld_node_copy_deep (value));
          json_object_set_string_member (object, "@type", "@json");
          expanded = pp_jsonld_node_new_object (object);
        }
      else if ((container & PP_JSONLD_CONTAINER_LANGUAGE) && JSON_NODE_HOLDS_OBJECT (value))
        {
          if (!expand_language_map (state, active, def, json_node_get_object (value),
                                    &expanded, error))
            return FALSE;
        }
      else if ((container & (PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_TYPE |
                             PP_JSONLD_CONTAINER_ID)) &&
               JSON_NODE_HOLDS_OBJECT (value))
        {
          state->depth++;
          if (!check_depth (state, error) ||
              !expand_index_map (state, active, key, def, json_node_get_object (value),
                                 base_url, &expanded, error))
            {
              state->depth--;
              return FALSE;
            }
          state->depth--;
        }
      else
        {
          if (!expand_element (state, active, key, value, base_url, FALSE, &expanded, error))
            return FALSE;
        }

      if (expanded == NULL)
        continue;

      if ((container & PP_JSONLD_CONTAINER_LIST) && !pp_jsonld_is_list_object (expanded))
        expanded = object_node_with ("@list", as_array (g_steal_pointer (&expanded)));

      if ((container & PP_JSONLD_CONTAINER_GRAPH) &&
          !(container & (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_INDEX)))
        {
          g_autoptr(JsonNode) values = as_array (g_steal_pointer (&expanded));
          JsonArray *array = json_node_get_array (values);
          JsonArray *graphs = json_array_new ();
          guint j, n = json_array_get_length (array);

          for (j = 0; j < n; j++)
            json_array_add_element (graphs,
                                    object_node_with ("@graph",
                                                      as_array (json_node_ref (json_array_get_element (array, j)))));
          expanded = pp_jsonld_node_new_array (graphs);
        }

      if (def != NULL && def->reverse)
        {
          if (!add_reverse_values (result, expanded_property, expanded, error))
            return FALSE;
        }
      else
        pp_jsonld_add_value (result, expanded_property, g_steal_pointer (&expanded), TRUE);
    }

  if (state->ordered && nests->len > 1)
    g_ptr_array_sort (nests, pp_jsonld_compare_strings);

  for (i = 0; i < nests->len; i++)
    {
      const char *nesting_key = g_ptr_array_index (nests, i);
      JsonNode *nested = json_object_get_member (element, nesting_key);
      const PpJsonldTermDef *nest_def = pp_jsonld_context_get_term (active, nesting_key);
      g_autoptr(PpJsonldContext) nest_active = NULL;
      JsonArray *array = NULL;
      guint j, n = 1;

      /* the nesting key's own scoped context applies inside */
      if (nest_def != NULL && nest_def->has_context)
        {
          nest_active = apply_context (state, active, nest_def->context, nest_def->base_url,
                                       TRUE, TRUE, error);
          if (nest_active == NULL)
            return FALSE;
        }
      else
        nest_active = pp_jsonld_context_ref (active);

      if (JSON_NODE_HOLDS_ARRAY (nested))
        {
          array = json_node_get_array (nested);
          n = json_array_get_length (array);
        }

      for (j = 0; j < n; j++)
        {
          JsonNode *nested_value = array != NULL ? json_array_get_element (array, j) : nested;
          JsonObject *nested_object;
          JsonObjectIter iter;
          const char *nested_key;
          gboolean ok;

          if (!JSON_NODE_HOLDS_OBJECT (nested_value))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                                   "the values of \"%s\" must be objects", nesting_key);
              return FALSE;
            }

          nested_object = json_node_get_object (nested_value);
          json_object_iter_init (&iter, nested_object);
          while (json_object_iter_next (&iter, &nested_key, NULL))
            {
              if (is_keyword_str (expand_key (nest_active, nested_key), "@value"))
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                                       "the values of \"%s\" cannot be value objects",
                                       nesting_key);
                  return FALSE;
                }
            }

          state->depth++;
          ok = check_depth (state, error) &&
               expand_members (state, nest_active, type_scoped, nesting_key, nested_object,
                               input_type, result, base_url, error);
          state->depth--;
          if (!ok)
            return FALSE;
        }
    }

  return TRUE;
}

/* steps 15 to 19 of the Expansion algorithm: checks and simplifications of
 * an expanded object; *result_node is replaced (possibly by NULL) */
static gboolean
finish_object (const char  *active_property,
               JsonNode   **result_node,
               GError     **error)
{
  JsonObject *result = json_node_get_object (*result_node);
  guint size = json_object_get_size (result);
  JsonNode *type = json_object_get_member (result, "@type");

  if (json_object_has_member (result, "@value"))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      json_object_iter_init (&iter, result);
      while (json_object_iter_next (&iter, &key, NULL))
        {
          if (strcmp (key, "@direction") != 0 && strcmp (key, "@index") != 0 &&
              strcmp (key, "@language") != 0 && strcmp (key, "@type") != 0 &&
              strcmp (key, "@value") != 0)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT,
                                   "a value object cannot have the entry %s", key);
              return FALSE;
            }
        }

      if (type != NULL && (json_object_has_member (result, "@language") ||
                           json_object_has_member (result, "@direction")))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VALUE_OBJECT,
                               "a value object cannot have both @type and @language "
                               "or @direction");
          return FALSE;
        }

      if (is_keyword_str (pp_jsonld_node_get_string_or_null (type), "@json"))
        return TRUE;

      value = json_object_get_member (result, "@value");
      if (pp_jsonld_node_is_null (value) ||
          (JSON_NODE_HOLDS_ARRAY (value) && json_array_get_length (json_node_get_array (value)) == 0))
        {
          g_clear_pointer (result_node, json_node_unref);
          return TRUE;
        }

      if (!pp_jsonld_node_is_string (value) && json_object_has_member (result, "@language"))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_VALUE,
                               "a value with @language must be a string");
          return FALSE;
        }

      if (type != NULL && !pp_jsonld_iri_is_absolute (pp_jsonld_node_get_string_or_null (type)))
        {
          g_autofree char *text = json_to_string (type, FALSE);

          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPED_VALUE,
                               "the @type %s of a value is not an absolute IRI", text);
          return FALSE;
        }
    }
  else if (type != NULL && !JSON_NODE_HOLDS_ARRAY (type))
    {
      json_object_set_member (result, "@type", as_array (json_node_ref (type)));
    }
  else if (json_object_has_member (result, "@set") || json_object_has_member (result, "@list"))
    {
      if (size > 2 || (size == 2 && !json_object_has_member (result, "@index")))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_SET_OR_LIST_OBJECT,
                               "a set or list object can only have @index besides");
          return FALSE;
        }

      if (json_object_has_member (result, "@set"))
        {
          JsonNode *set = json_node_ref (json_object_get_member (result, "@set"));

          json_node_unref (*result_node);
          *result_node = set;
          if (!JSON_NODE_HOLDS_OBJECT (set))
            return TRUE;
          result = json_node_get_object (set);
          size = json_object_get_size (result);
        }
    }

  if (size == 1 && json_object_has_member (result, "@language"))
    {
      g_clear_pointer (result_node, json_node_unref);
      return TRUE;
    }

  if (active_property == NULL || strcmp (active_property, "@graph") == 0)
    {
      if (size == 0 || json_object_has_member (result, "@value") ||
          json_object_has_member (result, "@list") ||
          (size == 1 && json_object_has_member (result, "@id")))
        g_clear_pointer (result_node, json_node_unref);
    }

  return TRUE;
}

static gboolean
expand_object (ExpandState      *state,
               PpJsonldContext  *active_in,
               const char       *active_property,
               JsonObject       *element,
               const char       *base_url,
               gboolean          from_map,
               JsonNode        **result_node,
               GError          **error)
{
  const PpJsonldTermDef *ap_def = pp_jsonld_context_get_term (active_in, active_property);
  g_autoptr(PpJsonldContext) active = pp_jsonld_context_ref (active_in);
  g_autoptr(PpJsonldContext) type_scoped = NULL;
  g_autoptr(GPtrArray) type_keys = NULL;
  g_autofree char *input_type = NULL;
  JsonNode *context;
  JsonObjectIter iter;
  const char *key;
  JsonObject *result;
  guint i;

  if (g_cancellable_set_error_if_cancelled (state->cancellable, error))
    return FALSE;

  /* a non-propagated context reverts in nested nodes */
  if (active->previous != NULL && !from_map)
    {
      gboolean revert = TRUE;
      guint size = json_object_get_size (element);

      json_object_iter_init (&iter, element);
      while (json_object_iter_next (&iter, &key, NULL))
        {
          const char *expanded = expand_key (active, key);

          if (is_keyword_str (expanded, "@value") ||
              (size == 1 && is_keyword_str (expanded, "@id")))
            {
              revert = FALSE;
              break;
            }
        }

      if (revert)
        {
          PpJsonldContext *previous = pp_jsonld_context_ref (active->previous);

          g_clear_pointer (&active, pp_jsonld_context_unref);
          active = previous;
        }
    }

  if (ap_def != NULL && ap_def->has_context)
    {
      PpJsonldContext *processed = apply_context (state, active, ap_def->context,
                                                  ap_def->base_url, TRUE, TRUE, error);

      if (processed == NULL)
        return FALSE;
      g_clear_pointer (&active, pp_jsonld_context_unref);
      active = processed;
    }

  context = json_object_get_member (element, "@context");
  if (context != NULL)
    {
      PpJsonldContext *processed = apply_context (state, active, context, base_url,
                                                  FALSE, TRUE, error);

      if (processed == NULL)
        return FALSE;
      g_clear_pointer (&active, pp_jsonld_context_unref);
      active = processed;
    }

  type_scoped = pp_jsonld_context_ref (active);

  /* type-scoped contexts */
  json_object_iter_init (&iter, element);
  while (json_object_iter_next (&iter, &key, NULL))
    {
      if (is_keyword_str (expand_key (active, key), "@type"))
        {
          if (type_keys == NULL)
            type_keys = g_ptr_array_new ();
          g_ptr_array_add (type_keys, (gpointer) key);
        }
    }

  if (type_keys != NULL)
    {
      g_autoptr(GPtrArray) terms = g_ptr_array_new ();
      JsonNode *first;
      guint j;

      if (type_keys->len > 1)
        g_ptr_array_sort (type_keys, pp_jsonld_compare_strings);

      for (i = 0; i < type_keys->len; i++)
        {
          JsonNode *value = json_object_get_member (element, g_ptr_array_index (type_keys, i));

          /* only the strings matter here; the values are checked later */
          g_ptr_array_set_size (terms, 0);
          string_values (value, terms);
          if (terms->len > 1)
            g_ptr_array_sort (terms, pp_jsonld_compare_strings);

          for (j = 0; j < terms->len; j++)
            {
              const PpJsonldTermDef *def = pp_jsonld_context_get_term (type_scoped,
                                                                       g_ptr_array_index (terms, j));

              if (def != NULL && def->has_context)
                {
                  PpJsonldContext *processed = apply_context (state, active, def->context,
                                                              def->base_url, FALSE, FALSE,
                                                              error);

                  if (processed == NULL)
                    return FALSE;
                  g_clear_pointer (&active, pp_jsonld_context_unref);
                  active = processed;
                }
            }
        }

      /* the input type: the last value of the first @type entry */
      first = json_object_get_member (element, g_ptr_array_index (type_keys, 0));
      if (JSON_NODE_HOLDS_ARRAY (first) && json_array_get_length (json_node_get_array (first)) > 0)
        {
          JsonArray *array = json_node_get_array (first);

          first = json_array_get_element (array, json_array_get_length (array) - 1);
        }
      if (pp_jsonld_node_is_string (first))
        input_type = pp_jsonld_expand_iri (active, json_node_get_string (first), FALSE, TRUE, NULL);
    }

  result = json_object_new ();
  *result_node = pp_jsonld_node_new_object (result);

  if (!expand_members (state, active, type_scoped, active_property, element, input_type,
                       result, base_url, error))
    {
      g_clear_pointer (result_node, json_node_unref);
      return FALSE;
    }

  if (!finish_object (active_property, result_node, error))
    {
      g_clear_pointer (result_node, json_node_unref);
      return FALSE;
    }

  return TRUE;
}

static gboolean
expand_element (ExpandState      *state,
                PpJsonldContext  *active,
                const char       *active_property,
                JsonNode         *element,
                const char       *base_url,
                gboolean          from_map,
                JsonNode        **result,
                GError          **error)
{
  gboolean ok;

  *result = NULL;

  if (pp_jsonld_node_is_null (element))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (element))
    {
      const PpJsonldTermDef *ap_def;
      g_autoptr(PpJsonldContext) scoped = NULL;

      if (active_property == NULL || strcmp (active_property, "@graph") == 0)
        return TRUE;

      ap_def = pp_jsonld_context_get_term (active, active_property);
      if (ap_def != NULL && ap_def->has_context)
        {
          scoped = apply_context (state, active, ap_def->context, ap_def->base_url,
                                  TRUE, TRUE, error);
          if (scoped == NULL)
            return FALSE;
          active = scoped;
        }

      *result = expand_value (active, active_property, element, error);
      return *result != NULL;
    }

  if (!check_depth (state, error))
    return FALSE;

  state->depth++;

  if (JSON_NODE_HOLDS_ARRAY (element))
    {
      const PpJsonldTermDef *ap_def = pp_jsonld_context_get_term (active, active_property);
      gboolean list = ap_def != NULL && (ap_def->container & PP_JSONLD_CONTAINER_LIST);
      JsonArray *array = json_node_get_array (element);
      JsonArray *expanded = json_array_sized_new (json_array_get_length (array));
      guint i, n = json_array_get_length (array);

      ok = TRUE;
      for (i = 0; i < n && ok; i++)
        {
          g_autoptr(JsonNode) item = NULL;

          ok = expand_element (state, active, active_property,
                               json_array_get_element (array, i), base_url, from_map,
                               &item, error);
          if (!ok || item == NULL)
            continue;

          if (list && JSON_NODE_HOLDS_ARRAY (item))
            item = object_node_with ("@list", g_steal_pointer (&item));

          pp_jsonld_array_add_flattened (expanded, g_steal_pointer (&item));
        }

      if (ok)
        *result = pp_jsonld_node_new_array (expanded);
      else
        json_array_unref (expanded);
    }
  else
    ok = expand_object (state, active, active_property, json_node_get_object (element),
                        base_url, from_map, result, error);

  state->depth--;

  return ok;
}

/**
 * pp_jsonld_expand:
 * @input: a JSON-LD document
 * @options: (nullable): the options, %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Expands @input with the Expansion algorithm of JSON-LD 1.1: every IRI
 * made absolute, every value made explicit, contexts removed.
 *
 * Relative IRIs are resolved against the base of @options (the URL of the
 * document, if known). The expand context of @options, if any, is applied
 * before the document's own.
 *
 * @input is only read: it may be a sealed node shared with other threads.
 *
 * Returns: (transfer full): the expanded document, always an array, or
 *   %NULL with @error set (%PP_JSONLD_ERROR, or %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.1
 */
JsonNode *
pp_jsonld_expand (JsonNode         *input,
                  PpJsonldOptions  *options,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(PpJsonldOptions) own_options = NULL;
  g_autoptr(PpJsonldContext) active = NULL;
  g_autoptr(PpJsonldContextCache) cache = NULL;
  g_autoptr(JsonNode) expanded = NULL;
  ExpandState state = { 0, };
  JsonNode *expand_context;
  const char *base;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = own_options = pp_jsonld_options_new ();

  if (!pp_jsonld_node_validate_utf8 (input, PP_JSONLD_MAX_DEPTH, error))
    return NULL;

  base = pp_jsonld_options_get_base (options);
  if (base != NULL && !g_utf8_validate (base, -1, NULL))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT, "the base IRI is not valid UTF-8");
      return NULL;
    }

  cache = pp_jsonld_context_cache_new ();
  active = pp_jsonld_context_new (options);

  state.options = options;
  state.cancellable = cancellable;
  state.cache = cache;
  state.ordered = pp_jsonld_options_get_ordered (options);

  expand_context = pp_jsonld_options_get_expand_context (options);
  if (expand_context != NULL)
    {
      PpJsonldContext *processed;

      if (JSON_NODE_HOLDS_OBJECT (expand_context) &&
          json_object_has_member (json_node_get_object (expand_context), "@context"))
        expand_context = json_object_get_member (json_node_get_object (expand_context), "@context");

      if (!pp_jsonld_node_validate_utf8 (expand_context, PP_JSONLD_MAX_DEPTH, error))
        return NULL;

      processed = pp_jsonld_context_process_cached (cache, active, expand_context, base,
                                                    FALSE, TRUE, options, cancellable, error);
      if (processed == NULL)
        return NULL;
      g_clear_pointer (&active, pp_jsonld_context_unref);
      active = processed;
    }

  if (!expand_element (&state, active, NULL, input, base, FALSE, &expanded, error))
    return NULL;

  if (expanded != NULL && JSON_NODE_HOLDS_OBJECT (expanded))
    {
      JsonObject *object = json_node_get_object (expanded);

      if (json_object_get_size (object) == 1 && json_object_has_member (object, "@graph"))
        {
          JsonNode *graph = json_node_ref (json_object_get_member (object, "@graph"));

          json_node_unref (expanded);
          expanded = graph;
        }
    }

  if (expanded == NULL)
    return pp_jsonld_node_new_empty_array ();

  return as_array (g_steal_pointer (&expanded));
}
