/* pp-json-value.c: building, reading and comparing JSON values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-json-value-private.h"

#include <string.h>

/* {{{ building */

/* never written: the accessors only read them */
static PpJsonValue null_value = { .type = PP_JSON_TYPE_NULL };
static PpJsonValue true_value = { .type = PP_JSON_TYPE_BOOLEAN, .u.boolean = TRUE };
static PpJsonValue false_value = { .type = PP_JSON_TYPE_BOOLEAN, .u.boolean = FALSE };

PpJsonValue *
pp_json_value_null (void)
{
  return &null_value;
}

PpJsonValue *
pp_json_value_boolean (gboolean value)
{
  return value ? &true_value : &false_value;
}

static inline PpJsonValue *
value_new (PpJsonArena *arena,
           PpJsonType   type)
{
  PpJsonValue *value = pp_json_arena_alloc (arena, sizeof (PpJsonValue));

  value->type = type;
  value->n = 0;
  value->cap = 0;
  return value;
}

PpJsonValue *
pp_json_value_new_int (PpJsonArena *arena,
                       gint64       i)
{
  PpJsonValue *value = value_new (arena, PP_JSON_TYPE_INT);

  value->u.number.v.i = i;
  value->u.number.text = NULL;
  return value;
}

PpJsonValue *
pp_json_value_new_double (PpJsonArena *arena,
                          double       d)
{
  PpJsonValue *value = value_new (arena, PP_JSON_TYPE_DOUBLE);

  value->u.number.v.d = d;
  value->u.number.text = NULL;
  return value;
}

static inline PpJsonValue *
string_new (PpJsonArena *arena,
            const char  *str,
            gsize        len)
{
  PpJsonValue *value = value_new (arena, PP_JSON_TYPE_STRING);

  value->u.string.str = str;
  value->u.string.len = len;
  return value;
}

PpJsonValue *
pp_json_value_new_string_len (PpJsonArena *arena,
                              const char  *str,
                              gsize        len)
{
  /* the copy right after the value, in one block: one allocation for
   * the memory of two */
  PpJsonValue *value = pp_json_arena_alloc (arena, sizeof (PpJsonValue) + len + 1);
  char *copy = (char *) (value + 1);

  memcpy (copy, str, len);
  copy[len] = '\0';
  value->type = PP_JSON_TYPE_STRING;
  value->n = 0;
  value->cap = 0;
  value->u.string.str = copy;
  value->u.string.len = len;
  return value;
}

PpJsonValue *
pp_json_value_new_string (PpJsonArena *arena,
                          const char  *str)
{
  return pp_json_value_new_string_len (arena, str, strlen (str));
}

PpJsonValue *
pp_json_value_new_string_static (PpJsonArena *arena,
                                 const char  *str)
{
  return string_new (arena, str, strlen (str));
}

PpJsonValue *
pp_json_value_new_string_interned (PpJsonArena *arena,
                                   const char  *str)
{
  gsize len = strlen (str);

  return string_new (arena, pp_json_arena_intern_len (arena, str, len), len);
}

/* An array or object with room for @reserve items of @item_size bytes,
 * the room right after the value in one block: one allocation rather
 * than two, for the same memory (the room grows as any other would) */
static inline PpJsonValue *
container_new (PpJsonArena *arena,
               PpJsonType   type,
               guint        reserve,
               gsize        item_size)
{
  PpJsonValue *value;

  if (reserve == 0)
    {
      value = value_new (arena, type);
      value->u.items = NULL;
      return value;
    }

  value = pp_json_arena_alloc (arena, sizeof (PpJsonValue) + (gsize) reserve * item_size);
  value->type = type;
  value->n = 0;
  value->cap = reserve;
  value->u.items = (gpointer) (value + 1);
  return value;
}

G_STATIC_ASSERT (sizeof (PpJsonValue) % sizeof (gpointer) == 0);

PpJsonValue *
pp_json_value_new_array (PpJsonArena *arena,
                         guint        reserve)
{
  return container_new (arena, PP_JSON_TYPE_ARRAY, reserve, sizeof (PpJsonValue *));
}

PpJsonValue *
pp_json_value_new_object (PpJsonArena *arena,
                          guint        reserve)
{
  return container_new (arena, PP_JSON_TYPE_OBJECT, reserve, sizeof (PpJsonMember));
}

/* room for one more element or member of @size bytes in @value */
static inline void
ensure_room (PpJsonArena *arena,
             PpJsonValue *value,
             gpointer    *items,
             gsize        size)
{
  guint32 cap;

  if (G_LIKELY (value->n < value->cap))
    return;

  cap = value->cap < 4 ? 4 : value->cap * 2;
  *items = pp_json_arena_grow (arena, *items, (gsize) value->cap * size, (gsize) cap * size);
  value->cap = cap;
}

void
pp_json_array_append (PpJsonArena *arena,
                      PpJsonValue *array,
                      PpJsonValue *element)
{
  g_return_if_fail (pp_json_value_is_array (array));
  g_return_if_fail (element != NULL);

  ensure_room (arena, array, (gpointer *) &array->u.items, sizeof (PpJsonValue *));
  array->u.items[array->n++] = element;
}

void
pp_json_array_append_flattened (PpJsonArena *arena,
                                PpJsonValue *array,
                                PpJsonValue *value)
{
  if (!pp_json_value_is_array (value))
    {
      pp_json_array_append (arena, array, value);
      return;
    }

  for (guint i = 0; i < value->n; i++)
    pp_json_array_append (arena, array, value->u.items[i]);
}

/* pp_json_object_append() without its checks, for the callers here */
static inline void
object_append (PpJsonArena *arena,
               PpJsonValue *object,
               const char  *key,
               PpJsonValue *value)
{
  PpJsonMember *member;

  ensure_room (arena, object, (gpointer *) &object->u.members, sizeof (PpJsonMember));
  member = &object->u.members[object->n++];
  member->key = key;
  member->value = value;
}

void
pp_json_object_append (PpJsonArena *arena,
                       PpJsonValue *object,
                       const char  *key,
                       PpJsonValue *value)
{
  g_return_if_fail (pp_json_value_is_object (object));
  g_return_if_fail (key != NULL && value != NULL);

  object_append (arena, object, key, value);
}

/* A new array of the one element @element: the array of the values of
 * a property, which most often stays one value long */
static PpJsonValue *
array_of_one (PpJsonArena *arena,
              PpJsonValue *element)
{
  PpJsonValue *array = container_new (arena, PP_JSON_TYPE_ARRAY, 1, sizeof (PpJsonValue *));

  array->u.items[array->n++] = element;
  return array;
}

void
pp_json_object_set (PpJsonArena *arena,
                    PpJsonValue *object,
                    const char  *key,
                    PpJsonValue *value)
{
  g_return_if_fail (pp_json_value_is_object (object));

  for (guint i = 0; i < object->n; i++)
    if (object->u.members[i].key == key)
      {
        object->u.members[i].value = value;
        return;
      }

  pp_json_object_append (arena, object, key, value);
}

gboolean
pp_json_object_remove (PpJsonValue *object,
                       const char  *key)
{
  g_return_val_if_fail (pp_json_value_is_object (object), FALSE);

  for (guint i = 0; i < object->n; i++)
    if (object->u.members[i].key == key)
      {
        memmove (&object->u.members[i], &object->u.members[i + 1],
                 (object->n - i - 1) * sizeof (PpJsonMember));
        object->n--;
        return TRUE;
      }

  return FALSE;
}

void
pp_json_object_add_value (PpJsonArena *arena,
                          PpJsonValue *object,
                          const char  *key,
                          PpJsonValue *value,
                          gboolean     as_array)
{
  PpJsonMember *member = NULL;
  PpJsonValue *array;

  for (guint i = 0; i < object->n; i++)
    if (object->u.members[i].key == key)
      {
        member = &object->u.members[i];
        break;
      }

  if (member == NULL)
    {
      if (!as_array && !pp_json_value_is_array (value))
        {
          pp_json_object_append (arena, object, key, value);
          return;
        }

      /* a new array: @value may be shared, and the member grows later */
      if (pp_json_value_is_array (value))
        {
          array = pp_json_value_new_array (arena, value->n);
          pp_json_array_append_flattened (arena, array, value);
        }
      else
        {
          array = array_of_one (arena, value);
        }
      object_append (arena, object, key, array);
      return;
    }

  if (!pp_json_value_is_array (member->value))
    {
      array = pp_json_value_new_array (arena, 2);
      pp_json_array_append (arena, array, member->value);
      member->value = array;
    }

  pp_json_array_append_flattened (arena, member->value, value);
}

PpJsonValue *
pp_json_value_as_array (PpJsonArena *arena,
                        PpJsonValue *value)
{
  if (pp_json_value_is_array (value))
    return value;

  g_return_val_if_fail (value != NULL, pp_json_value_new_array (arena, 0));

  return array_of_one (arena, value);
}

/* Recursion is bounded by the depth of @value, which every way of building
 * values limits (the parser, pp_json_value_from_json_node(), the algorithms'
 * own depth checks) */
PpJsonValue *
pp_json_value_copy (PpJsonArena       *arena,
                    const PpJsonValue *value)
{
  PpJsonValue *copy;

  switch (value->type)
    {
    case PP_JSON_TYPE_NULL:
    case PP_JSON_TYPE_BOOLEAN:
      return (PpJsonValue *) value;

    case PP_JSON_TYPE_INT:
    case PP_JSON_TYPE_DOUBLE:
      copy = value_new (arena, value->type);
      copy->u.number.v = value->u.number.v;
      copy->u.number.text = value->u.number.text != NULL ?
        pp_json_arena_strndup (arena, value->u.number.text, strlen (value->u.number.text)) : NULL;
      return copy;

    case PP_JSON_TYPE_STRING:
      return pp_json_value_new_string_len (arena, value->u.string.str, value->u.string.len);

    case PP_JSON_TYPE_ARRAY:
      copy = pp_json_value_new_array (arena, value->n);
      for (guint i = 0; i < value->n; i++)
        copy->u.items[i] = pp_json_value_copy (arena, value->u.items[i]);
      copy->n = value->n;
      return copy;

    case PP_JSON_TYPE_OBJECT:
    default:
      copy = pp_json_value_new_object (arena, value->n);
      for (guint i = 0; i < value->n; i++)
        {
          const PpJsonMember *member = &value->u.members[i];

          /* keywords intern to themselves, without a lookup */
          copy->u.members[i].key = pp_json_is_interned_keyword (member->key)
                                   ? member->key : pp_json_arena_intern (arena, member->key);
          copy->u.members[i].value = pp_json_value_copy (arena, member->value);
        }
      copy->n = value->n;
      return copy;
    }
}

/* }}} */

/* {{{ reading */

PpJsonValue *
pp_json_object_lookup (const PpJsonValue *object,
                       const char        *key)
{
  if (!pp_json_value_is_object (object))
    return NULL;

  for (guint i = 0; i < object->n; i++)
    if (object->u.members[i].key == key || strcmp (object->u.members[i].key, key) == 0)
      return object->u.members[i].value;

  return NULL;
}

const char *
pp_json_object_get_string (const PpJsonValue *object,
                           const char        *key)
{
  return pp_json_value_get_string (pp_json_object_get (object, key));
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GPtrArray *
pp_json_object_get_keys_sorted (const PpJsonValue *object)
{
  guint n = pp_json_value_get_size (object);
  GPtrArray *keys = g_ptr_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (keys, (gpointer) object->u.members[i].key);
  g_ptr_array_sort (keys, compare_keys);

  return keys;
}

static inline gboolean
is_number_type (PpJsonType type)
{
  return type == PP_JSON_TYPE_INT || type == PP_JSON_TYPE_DOUBLE;
}

gboolean
pp_json_value_equal (const PpJsonValue *a,
                     const PpJsonValue *b)
{
  if (a == b)
    return TRUE;
  if (a == NULL || b == NULL)
    return pp_json_value_get_type (a) == PP_JSON_TYPE_NULL &&
           pp_json_value_get_type (b) == PP_JSON_TYPE_NULL;

  if (a->type != b->type)
    return is_number_type (a->type) && is_number_type (b->type) &&
           pp_json_value_get_double (a) == pp_json_value_get_double (b);

  switch (a->type)
    {
    case PP_JSON_TYPE_NULL:
      return TRUE;
    case PP_JSON_TYPE_BOOLEAN:
      return a->u.boolean == b->u.boolean;
    case PP_JSON_TYPE_INT:
      return a->u.number.v.i == b->u.number.v.i;
    case PP_JSON_TYPE_DOUBLE:
      return a->u.number.v.d == b->u.number.v.d;
    case PP_JSON_TYPE_STRING:
      return a->u.string.len == b->u.string.len &&
             (a->u.string.str == b->u.string.str ||
              memcmp (a->u.string.str, b->u.string.str, a->u.string.len) == 0);
    case PP_JSON_TYPE_ARRAY:
      if (a->n != b->n)
        return FALSE;
      for (guint i = 0; i < a->n; i++)
        if (!pp_json_value_equal (a->u.items[i], b->u.items[i]))
          return FALSE;
      return TRUE;
    case PP_JSON_TYPE_OBJECT:
    default:
      if (a->n != b->n)
        return FALSE;
      for (guint i = 0; i < a->n; i++)
        {
          const PpJsonMember *member = &a->u.members[i];
          const PpJsonValue *other;

          /* the same position first: members are usually in the same order */
          if (b->u.members[i].key == member->key)
            other = b->u.members[i].value;
          else
            other = pp_json_object_lookup (b, member->key);
          if (other == NULL || !pp_json_value_equal (member->value, other))
            return FALSE;
        }
      return TRUE;
    }
}

/* eight bytes at a time: values hashed to deduplicate them are mostly
 * IRIs and text */
static inline guint
string_hash (const char *str,
             gsize       len)
{
  guint64 h = 0x9E3779B97F4A7C15u ^ len;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, str + i, 8);
      h = (h ^ word) * 0xFF51AFD7ED558CCDu;
      h ^= h >> 32;
    }

  for (; i < len; i++)
    h = (h ^ (guchar) str[i]) * 0x100000001B3u;

  h ^= h >> 29;
  h *= 0xC4CEB9FE1A85EC53u;
  h ^= h >> 32;
  return (guint) h;
}

guint
pp_json_string_hash (const char *str,
                     gsize       len)
{
  return string_hash (str, len);
}

/* the hash of an object key (interned): a keyword, which the value
 * objects of JSON-LD are made of, is known by its pointer in every arena */
static inline guint
hash_key (const char *key)
{
  if (pp_json_is_interned_keyword (key))
    return (guint) (GPOINTER_TO_SIZE (key) - GPOINTER_TO_SIZE (PP_JSON_KW (ANY))) * 2654435761u;

  return string_hash (key, strlen (key));
}

/* pp_json_value_hash() of a value that is neither an array nor an object */
static inline guint
scalar_hash (const PpJsonValue *value)
{
  switch (pp_json_value_get_type (value))
    {
    case PP_JSON_TYPE_BOOLEAN:
      return value->u.boolean ? 2 : 3;
    case PP_JSON_TYPE_INT:
    case PP_JSON_TYPE_DOUBLE:
      {
        /* 1 and 1.0 are equal, so hash the double */
        double d = pp_json_value_get_double (value);
        guint64 bits;

        if (d == 0)
          d = 0;  /* -0 */

        /* the bits of small integers differ only at the top: mixed, so
         * that the low bits of the hash, which tables index by, differ */
        memcpy (&bits, &d, sizeof bits);
        bits ^= bits >> 33;
        bits *= 0xFF51AFD7ED558CCDu;
        bits ^= bits >> 33;
        return (guint) bits;
      }
    case PP_JSON_TYPE_STRING:
      return string_hash (value->u.string.str, value->u.string.len);
    case PP_JSON_TYPE_NULL:
    default:
      return 1;
    }
}

/* pp_json_value_hash() of an element or a member: a scalar, which most
 * are (the value objects of JSON-LD hold one), without a call */
static inline guint
item_hash (const PpJsonValue *value)
{
  if (pp_json_value_is_array (value) || pp_json_value_is_object (value))
    return pp_json_value_hash (value);

  return scalar_hash (value);
}

guint
pp_json_value_hash (const PpJsonValue *value)
{
  guint h;

  switch (pp_json_value_get_type (value))
    {
    case PP_JSON_TYPE_ARRAY:
      h = 7;
      for (guint i = 0; i < value->n; i++)
        h = h * 31 + item_hash (value->u.items[i]);
      return h;
    case PP_JSON_TYPE_OBJECT:
      /* members in any order: sum */
      h = 11;
      for (guint i = 0; i < value->n; i++)
        h += hash_key (value->u.members[i].key) * 31 + item_hash (value->u.members[i].value);
      return h;
    default:
      return scalar_hash (value);
    }
}

/* }}} */

/* {{{ JSON-LD predicates */

gboolean
pp_json_value_is_value_object (const PpJsonValue *value)
{
  return pp_json_object_has (value, PP_JSON_KW (VALUE));
}

gboolean
pp_json_value_is_list_object (const PpJsonValue *value)
{
  return pp_json_object_has (value, PP_JSON_KW (LIST));
}

/* an object with @graph and at most @id, @index and @context besides */
gboolean
pp_json_value_is_graph_object (const PpJsonValue *value)
{
  if (!pp_json_object_has (value, PP_JSON_KW (GRAPH)))
    return FALSE;

  for (guint i = 0; i < value->n; i++)
    {
      const char *key = value->u.members[i].key;

      if (key != PP_JSON_KW (GRAPH) && key != PP_JSON_KW (ID) &&
          key != PP_JSON_KW (INDEX) && key != PP_JSON_KW (CONTEXT))
        return FALSE;
    }

  return TRUE;
}

gboolean
pp_json_value_is_simple_graph_object (const PpJsonValue *value)
{
  return pp_json_value_is_graph_object (value) && !pp_json_object_has (value, PP_JSON_KW (ID));
}

/* an object that is not a value, list or set object (expanded form) */
gboolean
pp_json_value_is_node_object (const PpJsonValue *value)
{
  return pp_json_value_is_object (value) &&
         !pp_json_object_has (value, PP_JSON_KW (VALUE)) &&
         !pp_json_object_has (value, PP_JSON_KW (LIST)) &&
         !pp_json_object_has (value, PP_JSON_KW (SET));
}

gboolean
pp_json_value_is_node_reference (const PpJsonValue *value)
{
  return pp_json_value_is_object (value) && value->n == 1 &&
         value->u.members[0].key == PP_JSON_KW (ID);
}

/* }}} */
