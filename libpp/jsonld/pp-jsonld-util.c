/* pp-jsonld-util.c: helpers shared by the JSON-LD algorithms
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-util-private.h"

#include <math.h>
#include <string.h>


/* keywords that are not framing keywords, as the spec's keyword list */
gboolean
pp_jsonld_is_keyword (const char *str)
{
  if (str == NULL || str[0] != '@')
    return FALSE;

  switch (str[1])
    {
    case 'b': return strcmp (str, "@base") == 0;
    case 'c': return strcmp (str, "@container") == 0 || strcmp (str, "@context") == 0;
    case 'd': return strcmp (str, "@direction") == 0 || strcmp (str, "@default") == 0;
    case 'e': return strcmp (str, "@embed") == 0 || strcmp (str, "@explicit") == 0;
    case 'g': return strcmp (str, "@graph") == 0;
    case 'i':
      return strcmp (str, "@id") == 0 || strcmp (str, "@import") == 0 ||
             strcmp (str, "@included") == 0 || strcmp (str, "@index") == 0;
    case 'j': return strcmp (str, "@json") == 0;
    case 'l': return strcmp (str, "@language") == 0 || strcmp (str, "@list") == 0;
    case 'n': return strcmp (str, "@nest") == 0 || strcmp (str, "@none") == 0;
    case 'o': return strcmp (str, "@omitDefault") == 0;
    case 'p':
      return strcmp (str, "@prefix") == 0 || strcmp (str, "@preserve") == 0 ||
             strcmp (str, "@propagate") == 0 || strcmp (str, "@protected") == 0;
    case 'r': return strcmp (str, "@requireAll") == 0 || strcmp (str, "@reverse") == 0;
    case 's': return strcmp (str, "@set") == 0;
    case 't': return strcmp (str, "@type") == 0;
    case 'v':
      return strcmp (str, "@value") == 0 || strcmp (str, "@version") == 0 ||
             strcmp (str, "@vocab") == 0;
    default:
      return FALSE;
    }

}

/* the form "@" followed by one or more ALPHA characters */
gboolean
pp_jsonld_looks_like_keyword (const char *str)
{
  const char *p;

  if (str == NULL || str[0] != '@' || str[1] == '\0')
    return FALSE;

  for (p = str + 1; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p))
      return FALSE;

  return TRUE;
}

gboolean
pp_jsonld_is_blank_node_id (const char *str)
{
  return str != NULL && str[0] == '_' && str[1] == ':';
}

gboolean
pp_jsonld_node_is_string (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
pp_jsonld_node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

gboolean
pp_jsonld_node_is_boolean (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

/* string, number or boolean */
gboolean
pp_jsonld_node_is_scalar (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node);
}

gboolean
pp_jsonld_node_is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

const char *
pp_jsonld_node_get_string_or_null (JsonNode *node)
{
  if (!pp_jsonld_node_is_string (node))
    return NULL;

  return json_node_get_string (node);
}

/* the string value of @member, or NULL when absent or not a string */
const char *
pp_jsonld_object_get_string (JsonObject *object,
                             const char *member)
{
  return pp_jsonld_node_get_string_or_null (json_object_get_member (object, member));
}

JsonNode *
pp_jsonld_object_get_node (JsonObject *object,
                           const char *member)
{
  return json_object_get_member (object, member);
}

gboolean
pp_jsonld_is_value_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
         json_object_has_member (json_node_get_object (node), "@value");
}

gboolean
pp_jsonld_is_list_object (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
         json_object_has_member (json_node_get_object (node), "@list");
}

/* an object with @graph and at most @id and @index besides */
gboolean
pp_jsonld_is_graph_object (JsonNode *node)
{
  JsonObject *object;
  JsonObjectIter iter;
  const char *key;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  object = json_node_get_object (node);
  if (!json_object_has_member (object, "@graph"))
    return FALSE;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, NULL))
    {
      if (strcmp (key, "@graph") != 0 && strcmp (key, "@id") != 0 &&
          strcmp (key, "@index") != 0 && strcmp (key, "@context") != 0)
        return FALSE;
    }

  return TRUE;
}

/* a graph object without @id */
gboolean
pp_jsonld_is_simple_graph_object (JsonNode *node)
{
  return pp_jsonld_is_graph_object (node) &&
         !json_object_has_member (json_node_get_object (node), "@id");
}

/* an object that is not a value, list or set object (expanded form) */
gboolean
pp_jsonld_is_node_object (JsonNode *node)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  object = json_node_get_object (node);
  return !json_object_has_member (object, "@value") &&
         !json_object_has_member (object, "@list") &&
         !json_object_has_member (object, "@set");
}

/* an object with only @id */
gboolean
pp_jsonld_is_node_reference (JsonNode *node)
{
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  object = json_node_get_object (node);
  return json_object_get_size (object) == 1 && json_object_has_member (object, "@id");
}

JsonNode *
pp_jsonld_node_new_string (const char *str)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, str);
  return node;
}

/* takes ownership of @str */
JsonNode *
pp_jsonld_node_new_take_string (char *str)
{
  JsonNode *node = pp_jsonld_node_new_string (str);

  g_free (str);
  return node;
}

/* takes ownership of @object */
JsonNode *
pp_jsonld_node_new_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* takes ownership of @array */
JsonNode *
pp_jsonld_node_new_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

JsonNode *
pp_jsonld_node_new_empty_array (void)
{
  return pp_jsonld_node_new_array (json_array_new ());
}

JsonNode *
pp_jsonld_node_new_empty_object (void)
{
  return pp_jsonld_node_new_object (json_object_new ());
}

/* takes ownership of @node; returns it if it is an array, or a new array
 * holding it */
JsonNode *
pp_jsonld_node_as_array (JsonNode *node)
{
  JsonArray *array;

  if (JSON_NODE_HOLDS_ARRAY (node))
    return node;

  array = json_array_sized_new (1);
  json_array_add_element (array, node);
  return pp_jsonld_node_new_array (array);
}

/* appends @value (transfer full) to @array, appending the elements of
 * @value instead when it is an array */
void
pp_jsonld_array_add_flattened (JsonArray *array,
                               JsonNode  *value)
{
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *values = json_node_get_array (value);
      guint i, n = json_array_get_length (values);

      for (i = 0; i < n; i++)
        json_array_add_element (array, json_node_ref (json_array_get_element (values, i)));
      json_node_unref (value);
    }
  else
    json_array_add_element (array, value);
}

/*
 * pp_jsonld_add_value:
 * @object: the object
 * @key: the member
 * @value: (transfer full): the value, an array adds each of its elements
 * @as_array: whether the member must be an array even with one value
 *
 * The "add value" algorithm of the specification.
 */
void
pp_jsonld_add_value (JsonObject *object,
                     const char *key,
                     JsonNode   *value,
                     gboolean    as_array)
{
  JsonNode *existing = json_object_get_member (object, key);

  if (existing == NULL)
    {
      if (as_array || JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_array_sized_new (JSON_NODE_HOLDS_ARRAY (value) ?
                                                   json_array_get_length (json_node_get_array (value)) : 1);

          pp_jsonld_array_add_flattened (array, value);
          json_object_set_array_member (object, key, array);
        }
      else
        json_object_set_member (object, key, value);
      return;
    }

  if (!JSON_NODE_HOLDS_ARRAY (existing))
    {
      JsonArray *array = json_array_new ();

      json_array_add_element (array, json_node_ref (existing));
      json_object_set_array_member (object, key, array);
      existing = json_object_get_member (object, key);
    }

  pp_jsonld_array_add_flattened (json_node_get_array (existing), value);
}

static JsonNode *
copy_deep (JsonNode *node,
           guint     depth)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *src = json_node_get_object (node);
        JsonObject *dst = json_object_new ();
        /* The members in their order (json_object_iter_init() would give
         * the hash table's) */
        GList *keys = json_object_get_members (src);

        for (GList *l = keys; l != NULL; l = l->next)
          json_object_set_member (dst, l->data,
                                  copy_deep (json_object_get_member (src, l->data), depth + 1));
        g_list_free (keys);
        return pp_jsonld_node_new_object (dst);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node);
        guint i, n = json_array_get_length (src);
        JsonArray *dst = json_array_sized_new (n);

        for (i = 0; i < n; i++)
          json_array_add_element (dst, copy_deep (json_array_get_element (src, i), depth + 1));
        return pp_jsonld_node_new_array (dst);
      }

    case JSON_NODE_VALUE:
      {
        /* never json_node_copy(): it shares the JsonValue, whose reference
         * count is not atomic */
        JsonNode *copy = json_node_alloc ();
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          json_node_init_string (copy, json_node_get_string (node));
        else if (type == G_TYPE_BOOLEAN)
          json_node_init_boolean (copy, json_node_get_boolean (node));
        else if (type == G_TYPE_INT64)
          json_node_init_int (copy, json_node_get_int (node));
        else
          json_node_init_double (copy, json_node_get_double (node));
        return copy;
      }

    case JSON_NODE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

/*
 * pp_jsonld_node_copy_deep:
 * @node: a node
 *
 * A deep, mutable copy of @node: a node shared read-only between threads
 * can be copied with this (it reads without taking references). It
 * recurses: only for trees whose depth pp_jsonld_node_validate_utf8() or
 * an algorithm's own depth limit bounded.
 *
 * Returns: (transfer full): the copy
 */
JsonNode *
pp_jsonld_node_copy_deep (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return copy_deep (node, 0);
}

static gboolean
values_equal (JsonNode *a,
              JsonNode *b)
{
  GType ta = json_node_get_value_type (a);
  GType tb = json_node_get_value_type (b);

  if (ta == G_TYPE_STRING || tb == G_TYPE_STRING)
    return ta == tb && g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
  if (ta == G_TYPE_BOOLEAN || tb == G_TYPE_BOOLEAN)
    return ta == tb && json_node_get_boolean (a) == json_node_get_boolean (b);
  if (ta == G_TYPE_INT64 && tb == G_TYPE_INT64)
    return json_node_get_int (a) == json_node_get_int (b);
  if ((ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE) &&
      (tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE))
    return json_node_get_double (a) == json_node_get_double (b);

  return FALSE;
}

/*
 * pp_jsonld_node_equal:
 *
 * Deep equality of two JSON values: object members in any order, array
 * elements in order, numbers compared by value (1 equals 1.0). It recurses,
 * as pp_jsonld_node_copy_deep() does.
 */
gboolean
pp_jsonld_node_equal (JsonNode *a,
                      JsonNode *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return pp_jsonld_node_is_null (a) && pp_jsonld_node_is_null (b);
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_VALUE:
      return values_equal (a, b);

    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);
        guint i, n = json_array_get_length (aa);

        if (n != json_array_get_length (ab))
          return FALSE;
        for (i = 0; i < n; i++)
          if (!pp_jsonld_node_equal (json_array_get_element (aa, i),
                                     json_array_get_element (ab, i)))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;

        if (json_object_get_size (oa) != json_object_get_size (ob))
          return FALSE;
        json_object_iter_init (&iter, oa);
        while (json_object_iter_next (&iter, &key, &member))
          {
            JsonNode *other = json_object_get_member (ob, key);

            if (other == NULL || !pp_jsonld_node_equal (member, other))
              return FALSE;
          }
        return TRUE;
      }

    default:
      return FALSE;
    }
}

/* g_utf8_validate() with a fast path for ASCII, the common case */
static gboolean
utf8_validate (const char *str)
{
  const guchar *p = (const guchar *) str;

  while (*p != '\0' && *p < 0x80)
    p++;

  return *p == '\0' || g_utf8_validate ((const char *) p, -1, NULL);
}

static gboolean
validate_node (JsonNode  *node,
               guint      depth,
               guint      max_depth,
               GError   **error)
{
  if (depth > max_depth)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels", max_depth);
      return FALSE;
    }

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *key;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &key, &member))
          {
            if (!utf8_validate (key))
              {
                pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                                     "a member name is not valid UTF-8");
                return FALSE;
              }
            if (!validate_node (member, depth + 1, max_depth, error))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint i, n = json_array_get_length (array);

        for (i = 0; i < n; i++)
          if (!validate_node (json_array_get_element (array, i), depth + 1, max_depth, error))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          !utf8_validate (json_node_get_string (node)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                               "a string is not valid UTF-8");
          return FALSE;
        }
      /* JSON has no such numbers: expansion would make them null */
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE &&
          !isfinite (json_node_get_double (node)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                               "a number is not finite: %g", json_node_get_double (node));
          return FALSE;
        }
      return TRUE;

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/*
 * pp_jsonld_node_validate_utf8:
 * @node: a node
 * @max_depth: the deepest nesting accepted
 * @error: return location
 *
 * Checks that every string and member name of @node is valid UTF-8, that
 * every number is finite and that it nests no deeper than @max_depth,
 * failing with %PP_JSONLD_ERROR_INVALID_INPUT otherwise.
 */
gboolean
pp_jsonld_node_validate_utf8 (JsonNode  *node,
                              guint      max_depth,
                              GError   **error)
{
  if (node == NULL)
    return TRUE;

  return validate_node (node, 0, max_depth, error);
}

/* a GCompareFunc-like comparison of two (const char **), code point order */
int
pp_jsonld_compare_strings (gconstpointer a,
                           gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/*
 * pp_jsonld_object_get_keys_sorted:
 * @object: an object
 * @ordered: whether to sort
 *
 * Returns: (transfer container): the member names of @object (owned by
 *   @object), sorted in code point order when @ordered
 */
GPtrArray *
pp_jsonld_object_get_keys_sorted (JsonObject *object,
                                  gboolean    ordered)
{
  GPtrArray *keys = g_ptr_array_sized_new (json_object_get_size (object));
  JsonObjectIter iter;
  const char *key;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, (gpointer) key);

  if (ordered)
    g_ptr_array_sort (keys, pp_jsonld_compare_strings);

  return keys;
}
