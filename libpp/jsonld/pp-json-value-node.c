/* pp-json-value-node.c: JSON values to and from json-glib trees
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-json-parse.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-util-private.h"

#include <math.h>
#include <string.h>

/* g_utf8_validate() with a fast path for ASCII, the common case */
static gboolean
utf8_validate (const char *str)
{
  const guchar *p = (const guchar *) str;

  while (*p != '\0' && *p < 0x80)
    p++;

  return *p == '\0' || g_utf8_validate ((const char *) p, -1, NULL);
}

/* the checks of pp_jsonld_node_validate_utf8(), with its messages, when
 * @error is not NULL; recursion no deeper than @max_depth then */
static PpJsonValue *
from_json_node (PpJsonArena  *arena,
                JsonNode     *node,
                guint         depth,
                guint         max_depth,
                gboolean      check,
                GError      **error)
{
  PpJsonValue *value;

  if (check && depth > max_depth)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels", max_depth);
      return NULL;
    }

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;

        value = pp_json_value_new_object (arena, json_object_get_size (object));
        json_object_iter_init_ordered (&iter, object);
        while (json_object_iter_next_ordered (&iter, &key, &member))
          {
            PpJsonValue *converted;

            if (check && !utf8_validate (key))
              {
                pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                                     "a member name is not valid UTF-8");
                return NULL;
              }
            converted = from_json_node (arena, member, depth + 1, max_depth, check, error);
            if (converted == NULL)
              return NULL;
            pp_json_object_append (arena, value, pp_json_arena_intern (arena, key), converted);
          }
        return value;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        value = pp_json_value_new_array (arena, n);
        for (guint i = 0; i < n; i++)
          {
            PpJsonValue *converted = from_json_node (arena, json_array_get_element (array, i),
                                                     depth + 1, max_depth, check, error);

            if (converted == NULL)
              return NULL;
            pp_json_array_append (arena, value, converted);
          }
        return value;
      }

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          {
            const char *str = json_node_get_string (node);

            if (check && !utf8_validate (str))
              {
                pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                                     "a string is not valid UTF-8");
                return NULL;
              }
            return pp_json_value_new_string (arena, str);
          }
        if (type == G_TYPE_BOOLEAN)
          return pp_json_value_boolean (json_node_get_boolean (node));
        if (type == G_TYPE_INT64)
          return pp_json_value_new_int (arena, json_node_get_int (node));

        /* JSON has no such numbers: expansion would make them null */
        if (check && !isfinite (json_node_get_double (node)))
          {
            pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                                 "a number is not finite: %g", json_node_get_double (node));
            return NULL;
          }
        return pp_json_value_new_double (arena, json_node_get_double (node));
      }

    case JSON_NODE_NULL:
    default:
      return pp_json_value_null ();
    }
}

PpJsonValue *
pp_json_value_from_json_node (PpJsonArena  *arena,
                              JsonNode     *node,
                              guint         max_depth,
                              GError      **error)
{
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  return from_json_node (arena, node, 0, max_depth, TRUE, error);
}

PpJsonValue *
pp_json_value_from_json_node_unchecked (PpJsonArena *arena,
                                        JsonNode    *node)
{
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  return from_json_node (arena, node, 0, G_MAXUINT, FALSE, NULL);
}

/* Appends @key to the JSON Pointer @pointer as RFC 6901 escapes it */
static void
pointer_append_key (GString    *pointer,
                    const char *key)
{
  g_string_append_c (pointer, '/');
  for (const char *p = key; *p != '\0'; p++)
    {
      if (*p == '~')
        g_string_append (pointer, "~0");
      else if (*p == '/')
        g_string_append (pointer, "~1");
      else
        g_string_append_c (pointer, *p);
    }
}

/* @value as a new tree; with @pointer (the JSON Pointer of @value), NULL
 * and @error set for a string that holds NUL, which json-glib would cut.
 * Recursion is bounded by the depth of @value, which every way of building
 * values limits. */
static JsonNode *
to_json_node (const PpJsonValue  *value,
              GString            *pointer,
              GError            **error)
{
  JsonNode *node;

  switch (pp_json_value_get_type (value))
    {
    case PP_JSON_TYPE_OBJECT:
      {
        JsonObject *object = json_object_new ();
        const PpJsonMember *members = pp_json_object_get_members (value);

        for (guint i = 0; i < pp_json_value_get_size (value); i++)
          {
            gsize parent = pointer != NULL ? pointer->len : 0;
            JsonNode *member;

            if (pointer != NULL)
              pointer_append_key (pointer, members[i].key);
            member = to_json_node (members[i].value, pointer, error);
            if (member == NULL)
              {
                json_object_unref (object);
                return NULL;
              }
            if (pointer != NULL)
              g_string_truncate (pointer, parent);
            json_object_set_member (object, members[i].key, member);
          }
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }

    case PP_JSON_TYPE_ARRAY:
      {
        guint n = pp_json_value_get_size (value);
        JsonArray *array = json_array_sized_new (n);

        for (guint i = 0; i < n; i++)
          {
            gsize parent = pointer != NULL ? pointer->len : 0;
            JsonNode *element;

            if (pointer != NULL)
              g_string_append_printf (pointer, "/%u", i);
            element = to_json_node (pp_json_array_get (value, i), pointer, error);
            if (element == NULL)
              {
                json_array_unref (array);
                return NULL;
              }
            if (pointer != NULL)
              g_string_truncate (pointer, parent);
            json_array_add_element (array, element);
          }
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }

    case PP_JSON_TYPE_STRING:
      {
        const char *str = pp_json_value_get_string (value);
        gsize len = pp_json_value_get_string_length (value);
        const char *nul = pointer != NULL ? memchr (str, '\0', len) : NULL;

        if (nul != NULL)
          {
            g_set_error (error, PP_JSON_ERROR, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                         "%s%s%s holds a NUL character (U+0000) at byte %" G_GSIZE_FORMAT
                         ", which a JSON tree cannot hold",
                         pointer->len > 0 ? "the string at “" : "the string",
                         pointer->str, pointer->len > 0 ? "”" : "", (gsize) (nul - str));
            return NULL;
          }
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, str);
        return node;
      }

    case PP_JSON_TYPE_BOOLEAN:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, pp_json_value_get_boolean (value));
      return node;

    case PP_JSON_TYPE_INT:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, pp_json_value_get_int (value));
      return node;

    case PP_JSON_TYPE_DOUBLE:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, pp_json_value_get_double (value));
      return node;

    case PP_JSON_TYPE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

JsonNode *
pp_json_value_to_json_node (const PpJsonValue *value)
{
  return to_json_node (value, NULL, NULL);
}

JsonNode *
pp_json_value_to_json_node_checked (const PpJsonValue  *value,
                                    GError            **error)
{
  g_autoptr(GString) pointer = g_string_new (NULL);

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return to_json_node (value, pointer, error);
}
