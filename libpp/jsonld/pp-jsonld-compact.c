/* pp-jsonld-compact.c: the Compaction algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "pp-jsonld-compaction-private.h"

/* How many elements are compacted between two checks of the cancellable */
#define CANCEL_CHECK_INTERVAL 256

/* {{{ the run */

void
pp_jsonld_compaction_init (PpJsonldCompaction *c,
                           PpJsonldOptions    *options,
                           GCancellable       *cancellable)
{
  c->options = options;
  c->cancellable = cancellable;
  c->compact_arrays = pp_jsonld_options_get_compact_arrays (options);
  c->compact_to_relative = pp_jsonld_options_get_compact_to_relative (options);
  c->ordered = pp_jsonld_options_get_ordered (options);
  c->steps = 0;
  c->cache = pp_jsonld_context_cache_new ();
  c->inverse_owner = NULL;
  c->inverse = NULL;
  c->memo_owner = NULL;
  c->memo = NULL;
  c->memo_arena = NULL;
  c->memo_generation = 0;
  c->arena = NULL;
  memset (c->term_cache, 0, sizeof c->term_cache);
  c->term_generation = 1;
}

void
pp_jsonld_compaction_clear (PpJsonldCompaction *c)
{
  g_clear_pointer (&c->cache, pp_jsonld_context_cache_free);
  g_clear_pointer (&c->inverse_owner, pp_jsonld_context_unref);
  c->inverse = NULL;
  g_clear_pointer (&c->memo_owner, pp_jsonld_context_unref);
  g_clear_pointer (&c->memo, g_hash_table_unref);
  g_clear_pointer (&c->memo_arena, pp_json_arena_unref);
  c->arena = NULL;
}

void
pp_jsonld_compaction_begin (PpJsonldCompaction *c,
                            PpJsonArena        *arena)
{
  c->arena = arena;

  if (arena == c->memo_arena)
    return;

  /* a new arena: the addresses of its strings are its own. Hold it, so
   * that an address does not come back for another arena; the contexts
   * of the slots live as long as the run (the scoped ones in its cache). */
  g_clear_pointer (&c->memo_arena, pp_json_arena_unref);
  c->memo_arena = pp_json_arena_ref (arena);
  c->memo_generation++;
  if (++c->term_generation == 0)
    {
      memset (c->term_cache, 0, sizeof c->term_cache);
      c->term_generation = 1;
    }
}

void
pp_jsonld_compaction_end (PpJsonldCompaction *c)
{
  c->arena = NULL;
}

PpJsonldInverseContext *
pp_jsonld_compaction_get_inverse (PpJsonldCompaction *c,
                                  PpJsonldContext    *context)
{
  if (context != c->inverse_owner)
    {
      /* hold the context: an address must not come back for another one */
      g_clear_pointer (&c->inverse_owner, pp_jsonld_context_unref);
      c->inverse_owner = pp_jsonld_context_ref (context);
      c->inverse = pp_jsonld_inverse_context_get (context);
    }

  return c->inverse;
}

static gboolean
check_cancelled (PpJsonldCompaction  *c,
                 GError             **error)
{
  if (++c->steps % CANCEL_CHECK_INTERVAL != 0)
    return TRUE;

  return !g_cancellable_set_error_if_cancelled (c->cancellable, error);
}

/* Applies the scoped context of @def to @context: returns a new reference,
 * or NULL with @error set. */
static PpJsonldContext *
apply_scoped_context (PpJsonldCompaction     *c,
                      PpJsonldContext        *context,
                      const PpJsonldTermDef  *def,
                      gboolean                override_protected,
                      gboolean                propagate,
                      GError                **error)
{
  return pp_jsonld_context_process_cached (c->cache, context, def->context,
                                           def->base_url, override_protected,
                                           propagate, c->options, c->cancellable,
                                           error);
}

/* }}} */

/* {{{ building the result */

/* null or a string, number or boolean */
static gboolean
is_scalar_or_null (const PpJsonValue *value)
{
  return pp_json_value_is_null (value) || pp_json_value_is_scalar (value);
}

/* The "add value" of the specification: @value is added to @key (interned
 * in the run's arena) of @object; an array adds each of its elements; with
 * @as_array the entry is an array even for a single value. */
static void
add_value (PpJsonldCompaction *c,
           PpJsonValue        *object,
           const char         *key,
           PpJsonValue        *value,
           gboolean            as_array)
{
  PpJsonValue *existing = pp_json_object_get (object, key);

  if (!as_array && existing == NULL)
    {
      if (!pp_json_value_is_array (value))
        {
          pp_json_object_append (c->arena, object, key, value);
          return;
        }
      /* a lone element stays single; none adds nothing */
      if (pp_json_value_get_size (value) == 1)
        {
          pp_json_object_append (c->arena, object, key, pp_json_array_get (value, 0));
          return;
        }
      if (pp_json_value_get_size (value) == 0)
        return;
    }

  pp_json_object_add_value (c->arena, object, key, value, TRUE);
}

/* The object member @key (interned) of @object, created empty if missing */
static PpJsonValue *
get_or_add_object (PpJsonldCompaction *c,
                   PpJsonValue        *object,
                   const char         *key)
{
  PpJsonValue *member = pp_json_object_get (object, key);

  if (!pp_json_value_is_object (member))
    {
      member = pp_json_value_new_object (c->arena, 0);
      pp_json_object_set (c->arena, object, key, member);
    }

  return member;
}

/* A string value of the run's arena for @str, interned there or static */
static PpJsonValue *
new_string (PpJsonldCompaction *c,
            const char         *str)
{
  return pp_json_value_new_string_static (c->arena, str);
}

/* The first value of @key in @item (an object) as the map key (interned),
 * the others left in place; NULL when there is no string to use. */
static const char *
take_first_value (PpJsonldCompaction *c,
                  PpJsonValue        *item,
                  const char         *key)
{
  PpJsonValue *member = pp_json_object_get (item, key);
  const char *first;

  if (pp_json_value_is_array (member))
    {
      guint length = pp_json_value_get_size (member);
      PpJsonValue *rest;

      if (length == 0 || !pp_json_value_is_string (pp_json_array_get (member, 0)))
        return NULL;

      first = pp_json_arena_intern (c->arena, pp_json_value_get_string (pp_json_array_get (member, 0)));
      if (length == 1)
        {
          pp_json_object_remove (item, key);
        }
      else if (length == 2)
        {
          pp_json_object_set (c->arena, item, key, pp_json_array_get (member, 1));
        }
      else
        {
          rest = pp_json_value_new_array (c->arena, length - 1);
          for (guint i = 1; i < length; i++)
            pp_json_array_append (c->arena, rest, pp_json_array_get (member, i));
          pp_json_object_set (c->arena, item, key, rest);
        }
      return first;
    }

  if (!pp_json_value_is_string (member))
    return NULL;

  first = pp_json_arena_intern (c->arena, pp_json_value_get_string (member));
  pp_json_object_remove (item, key);
  return first;
}

/* }}} */

/* {{{ the members of an element in the order they are compacted */

typedef struct {
  const PpJsonMember  *stack[16];
  const PpJsonMember **members;
  guint                n;
} MemberOrder;

static int
compare_member_keys (const void *a,
                     const void *b)
{
  const PpJsonMember *ma = *(const PpJsonMember * const *) a;
  const PpJsonMember *mb = *(const PpJsonMember * const *) b;

  return strcmp (ma->key, mb->key);
}

/* The members of @object in insertion order, or in code point order of
 * their names when @ordered */
static void
member_order_init (MemberOrder       *order,
                   const PpJsonValue *object,
                   gboolean           ordered)
{
  const PpJsonMember *members = pp_json_object_get_members (object);

  order->n = pp_json_value_get_size (object);
  order->members = order->n <= G_N_ELEMENTS (order->stack) ?
                   order->stack : g_new (const PpJsonMember *, order->n);
  for (guint i = 0; i < order->n; i++)
    order->members[i] = &members[i];

  if (!ordered)
    return;

  /* the nodes of a flattened graph come in order already */
  for (guint i = 1; i < order->n; i++)
    {
      if (strcmp (order->members[i - 1]->key, order->members[i]->key) > 0)
        {
          qsort (order->members, order->n, sizeof (const PpJsonMember *), compare_member_keys);
          break;
        }
    }
}

static void
member_order_clear (MemberOrder *order)
{
  if (order->members != order->stack)
    g_free (order->members);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MemberOrder, member_order_clear)

/* }}} */

/* {{{ the Compaction algorithm */

/* The nest result of @item_property: @result, or the map under its nest
 * term. NULL with @error set when the nest term is invalid. */
static PpJsonValue *
get_nest_result (PpJsonldCompaction  *c,
                 PpJsonldContext     *context,
                 PpJsonValue         *result,
                 const char          *item_property,
                 GError             **error)
{
  const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, context, item_property);
  const PpJsonldTermDef *nest_def;

  if (def == NULL || def->nest == NULL)
    return result;

  nest_def = pp_jsonld_compaction_get_term (c, context, def->nest);
  if (strcmp (def->nest, "@nest") != 0 &&
      (nest_def == NULL || !pp_jsonld_str_equal0 (nest_def->iri, "@nest")))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                           "the nest value “%s” of the term “%s” is neither "
                           "@nest nor a term for it", def->nest, item_property);
      return NULL;
    }

  return get_or_add_object (c, result, pp_json_arena_intern (c->arena, def->nest));
}

/* Step 12.8.8 for a list object: @compacted_item, the compacted list */
static gboolean
add_list (PpJsonldCompaction  *c,
          PpJsonldContext     *context,
          PpJsonValue         *nest_result,
          const char          *item_property,
          guint                container,
          gboolean             as_array,
          const PpJsonValue   *item_object,
          PpJsonValue         *compacted_item,
          GError             **error)
{
  const PpJsonValue *index = pp_json_object_get (item_object, PP_JSON_KW (INDEX));
  const char *list_alias;
  PpJsonValue *list_object;

  compacted_item = pp_json_value_as_array (c->arena, compacted_item);

  if (container & PP_JSONLD_CONTAINER_LIST)
    {
      pp_json_object_set (c->arena, nest_result, item_property, compacted_item);
      return TRUE;
    }

  list_alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (LIST), error);
  if (list_alias == NULL)
    return FALSE;
  list_object = pp_json_value_new_object (c->arena, 2);
  pp_json_object_append (c->arena, list_object, list_alias, compacted_item);

  if (index != NULL)
    {
      const char *index_alias = pp_jsonld_compaction_compact_keyword (c, context,
                                                                      PP_JSON_KW (INDEX), error);

      if (index_alias == NULL)
        return FALSE;
      pp_json_object_set (c->arena, list_object, index_alias, pp_json_value_copy (c->arena, index));
    }

  add_value (c, nest_result, item_property, list_object, as_array);
  return TRUE;
}

/* Step 12.8.9 for a graph object */
static gboolean
add_graph (PpJsonldCompaction  *c,
           PpJsonldContext     *context,
           PpJsonValue         *nest_result,
           const char          *item_property,
           guint                container,
           gboolean             as_array,
           const PpJsonValue   *item_object,
           PpJsonValue         *compacted_item,
           GError             **error)
{
  const char *id = pp_json_object_get_string (item_object, PP_JSON_KW (ID));
  const PpJsonValue *index = pp_json_object_get (item_object, PP_JSON_KW (INDEX));
  gboolean simple = !pp_json_object_has (item_object, PP_JSON_KW (ID));
  const char *id_alias, *index_alias, *graph_alias;
  PpJsonValue *graph;

  if ((container & PP_JSONLD_CONTAINER_GRAPH) && (container & PP_JSONLD_CONTAINER_ID))
    {
      PpJsonValue *map = get_or_add_object (c, nest_result, item_property);
      const char *key = pp_jsonld_compaction_compact_iri (c, context,
                                                          id != NULL ? id : PP_JSON_KW (NONE),
                                                          NULL, id == NULL, FALSE, error);

      if (key == NULL)
        return FALSE;
      add_value (c, map, key, compacted_item, as_array);
      return TRUE;
    }

  if ((container & PP_JSONLD_CONTAINER_GRAPH) && (container & PP_JSONLD_CONTAINER_INDEX) && simple)
    {
      PpJsonValue *map = get_or_add_object (c, nest_result, item_property);
      const char *key;

      if (pp_json_value_is_string (index))
        key = pp_json_arena_intern (c->arena, pp_json_value_get_string (index));
      else if ((key = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (NONE), error)) == NULL)
        return FALSE;
      add_value (c, map, key, compacted_item, as_array);
      return TRUE;
    }

  if ((container & PP_JSONLD_CONTAINER_GRAPH) && simple)
    {
      if (pp_json_value_is_array (compacted_item) && pp_json_value_get_size (compacted_item) > 1)
        {
          const char *alias = pp_jsonld_compaction_compact_keyword (c, context,
                                                                    PP_JSON_KW (INCLUDED), error);
          PpJsonValue *included;

          if (alias == NULL)
            return FALSE;
          included = pp_json_value_new_object (c->arena, 1);
          pp_json_object_append (c->arena, included, alias, compacted_item);
          compacted_item = included;
        }
      add_value (c, nest_result, item_property, compacted_item, as_array);
      return TRUE;
    }

  graph_alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (GRAPH), error);
  if (graph_alias == NULL)
    return FALSE;
  graph = pp_json_value_new_object (c->arena, 3);
  pp_json_object_append (c->arena, graph, graph_alias, compacted_item);

  if (id != NULL)
    {
      const char *compacted_id;

      id_alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (ID), error);
      if (id_alias == NULL)
        return FALSE;
      compacted_id = pp_jsonld_compaction_compact_iri (c, context, id, NULL, FALSE, FALSE, error);
      if (compacted_id == NULL)
        return FALSE;
      pp_json_object_set (c->arena, graph, id_alias, new_string (c, compacted_id));
    }

  if (index != NULL)
    {
      index_alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (INDEX), error);
      if (index_alias == NULL)
        return FALSE;
      pp_json_object_set (c->arena, graph, index_alias, pp_json_value_copy (c->arena, index));
    }

  add_value (c, nest_result, item_property, graph, as_array);
  return TRUE;
}

/* Step 12.8.10 and 12.8.11: an item of a language, index, id or type map */
static gboolean
add_to_map (PpJsonldCompaction  *c,
            PpJsonldContext     *context,
            PpJsonValue         *nest_result,
            const char          *item_property,
            guint                container,
            gboolean             as_array,
            const PpJsonValue   *item_object,
            PpJsonValue         *compacted_item,
            guint                depth,
            GError             **error)
{
  PpJsonValue *map = get_or_add_object (c, nest_result, item_property);
  const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, context, item_property);
  const char *index_key = def != NULL && def->index != NULL ? def->index : PP_JSON_KW (INDEX);
  PpJsonValue *compacted_object = pp_json_value_is_object (compacted_item) ? compacted_item : NULL;
  const char *container_keyword;
  const char *container_key;
  const char *map_key = NULL;

  if (container & PP_JSONLD_CONTAINER_LANGUAGE)
    container_keyword = PP_JSON_KW (LANGUAGE);
  else if (container & PP_JSONLD_CONTAINER_INDEX)
    container_keyword = PP_JSON_KW (INDEX);
  else if (container & PP_JSONLD_CONTAINER_ID)
    container_keyword = PP_JSON_KW (ID);
  else
    container_keyword = PP_JSON_KW (TYPE);

  container_key = pp_jsonld_compaction_compact_keyword (c, context, container_keyword, error);
  if (container_key == NULL)
    return FALSE;

  if ((container & PP_JSONLD_CONTAINER_LANGUAGE) &&
      pp_json_value_is_value_object (item_object))
    {
      const char *language = pp_json_object_get_string (item_object, PP_JSON_KW (LANGUAGE));

      compacted_item = pp_json_value_copy (c->arena, pp_json_object_get (item_object, PP_JSON_KW (VALUE)));
      if (language != NULL)
        map_key = pp_json_arena_intern (c->arena, language);
    }
  else if ((container & PP_JSONLD_CONTAINER_INDEX) && strcmp (index_key, "@index") == 0)
    {
      const char *index = pp_json_object_get_string (item_object, PP_JSON_KW (INDEX));

      if (index != NULL)
        map_key = pp_json_arena_intern (c->arena, index);
    }
  else if (container & PP_JSONLD_CONTAINER_INDEX)
    {
      g_autofree char *expanded_key = NULL;
      const char *index_name = pp_json_arena_intern (c->arena, index_key);

      expanded_key = pp_jsonld_expand_iri (context, index_key, FALSE, TRUE, error);
      if (expanded_key == NULL && error != NULL && *error != NULL)
        return FALSE;

      /* the index key as written, or else as its IRI compacts */
      if (pp_json_object_has (compacted_object, index_name))
        container_key = index_name;
      else
        container_key = pp_jsonld_compaction_compact_keyword (c, context,
                                                              expanded_key != NULL ? expanded_key : index_key,
                                                              error);
      if (container_key == NULL)
        return FALSE;

      if (compacted_object != NULL)
        map_key = take_first_value (c, compacted_object, container_key);
    }
  else if (container & PP_JSONLD_CONTAINER_ID)
    {
      const char *id = pp_json_object_get_string (compacted_object, container_key);

      if (id != NULL)
        {
          map_key = pp_json_arena_intern (c->arena, id);
          pp_json_object_remove (compacted_object, container_key);
        }
    }
  else if (compacted_object != NULL)
    {
      map_key = take_first_value (c, compacted_object, container_key);

      /* a node that is left with its @id alone is a node reference */
      if (pp_json_value_get_size (compacted_object) == 1 &&
          pp_jsonld_str_equal0 (pp_jsonld_context_expand_vocab (context,
                                                                pp_json_object_get_members (compacted_object)[0].key),
                                "@id"))
        {
          PpJsonValue *reference = pp_json_value_new_object (c->arena, 1);
          const PpJsonValue *id = pp_json_object_get (item_object, PP_JSON_KW (ID));

          if (id != NULL)
            pp_json_object_append (c->arena, reference, PP_JSON_KW (ID), (PpJsonValue *) id);

          compacted_item = pp_jsonld_compaction_compact_element (c, context, item_property,
                                                                 reference, depth + 1, error);
          if (compacted_item == NULL)
            return FALSE;
        }
    }

  if (map_key == NULL)
    {
      map_key = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (NONE), error);
      if (map_key == NULL)
        return FALSE;
    }

  add_value (c, map, map_key, compacted_item, as_array);
  return TRUE;
}

/* Step 12.8: adds one expanded item of @expanded_property to @result */
static gboolean
compact_property_item (PpJsonldCompaction  *c,
                       PpJsonldContext     *context,
                       PpJsonValue         *result,
                       const char          *expanded_property,
                       const PpJsonValue   *expanded_item,
                       gboolean             inside_reverse,
                       guint                depth,
                       GError             **error)
{
  gboolean is_list = pp_json_value_is_list_object (expanded_item);
  gboolean is_graph = pp_json_value_is_graph_object (expanded_item);
  const char *item_property;
  PpJsonValue *compacted_item;
  PpJsonValue *nest_result;
  const PpJsonValue *inner;
  guint container;
  gboolean as_array;

  item_property = pp_jsonld_compaction_compact_iri (c, context, expanded_property, expanded_item,
                                                    TRUE, inside_reverse, error);
  if (item_property == NULL)
    return FALSE;

  nest_result = get_nest_result (c, context, result, item_property, error);
  if (nest_result == NULL)
    return FALSE;

  container = pp_jsonld_compaction_get_container (c, context, item_property);
  as_array = (container & PP_JSONLD_CONTAINER_SET) ||
             item_property == PP_JSON_KW (GRAPH) ||
             item_property == PP_JSON_KW (LIST) ||
             !c->compact_arrays;

  if (is_list)
    inner = pp_json_object_get (expanded_item, PP_JSON_KW (LIST));
  else if (is_graph)
    inner = pp_json_object_get (expanded_item, PP_JSON_KW (GRAPH));
  else
    inner = expanded_item;

  compacted_item = pp_jsonld_compaction_compact_element (c, context, item_property, inner,
                                                         depth + 1, error);
  if (compacted_item == NULL)
    return FALSE;

  if (is_list)
    return add_list (c, context, nest_result, item_property, container, as_array,
                     expanded_item, compacted_item, error);

  if (is_graph)
    return add_graph (c, context, nest_result, item_property, container, as_array,
                      expanded_item, compacted_item, error);

  if ((container & (PP_JSONLD_CONTAINER_LANGUAGE | PP_JSONLD_CONTAINER_INDEX |
                    PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_TYPE)) &&
      !(container & PP_JSONLD_CONTAINER_GRAPH))
    return add_to_map (c, context, nest_result, item_property, container, as_array,
                       expanded_item, compacted_item, depth, error);

  add_value (c, nest_result, item_property, compacted_item, as_array);
  return TRUE;
}

/* Step 12.3 for @reverse: the reverse properties go up into @result */
static gboolean
compact_reverse (PpJsonldCompaction  *c,
                 PpJsonldContext     *context,
                 PpJsonValue         *result,
                 const PpJsonValue   *expanded_value,
                 guint                depth,
                 GError             **error)
{
  g_autoptr(GPtrArray) moved = NULL;
  PpJsonValue *compacted;

  compacted = pp_jsonld_compaction_compact_element (c, context, PP_JSON_KW (REVERSE),
                                                    expanded_value, depth + 1, error);
  if (compacted == NULL)
    return FALSE;

  if (!pp_json_value_is_object (compacted))
    return TRUE;

  moved = g_ptr_array_new ();
  for (guint i = 0; i < pp_json_value_get_size (compacted); i++)
    {
      const PpJsonMember *member = &pp_json_object_get_members (compacted)[i];
      const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, context, member->key);

      if (def != NULL && def->reverse)
        {
          gboolean as_array = (def->container & PP_JSONLD_CONTAINER_SET) ||
                              !c->compact_arrays;

          add_value (c, result, member->key, member->value, as_array);
          g_ptr_array_add (moved, (gpointer) member->key);
        }
    }

  for (guint i = 0; i < moved->len; i++)
    pp_json_object_remove (compacted, g_ptr_array_index (moved, i));

  if (pp_json_value_get_size (compacted) > 0)
    {
      const char *alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (REVERSE),
                                                                error);

      if (alias == NULL)
        return FALSE;
      pp_json_object_set (c->arena, result, alias, compacted);
    }

  return TRUE;
}

/* Step 12.2: the @type entry, compacted with the type-scoped context */
static gboolean
compact_types (PpJsonldCompaction  *c,
               PpJsonldContext     *context,
               PpJsonldContext     *type_scoped,
               PpJsonValue         *result,
               const PpJsonValue   *expanded_value,
               GError             **error)
{
  const char *alias;
  PpJsonValue *compacted;
  gboolean as_array;

  if (pp_json_value_is_string (expanded_value))
    {
      const char *type = pp_jsonld_compaction_compact_iri (c, type_scoped,
                                                           pp_json_value_get_string (expanded_value),
                                                           NULL, TRUE, FALSE, error);

      if (type == NULL)
        return FALSE;
      compacted = new_string (c, type);
    }
  else if (pp_json_value_is_array (expanded_value))
    {
      guint n = pp_json_value_get_size (expanded_value);

      compacted = pp_json_value_new_array (c->arena, n);
      for (guint i = 0; i < n; i++)
        {
          const PpJsonValue *item = pp_json_array_get (expanded_value, i);
          const char *type;

          if (!pp_json_value_is_string (item))
            continue;
          type = pp_jsonld_compaction_compact_iri (c, type_scoped, pp_json_value_get_string (item),
                                                   NULL, TRUE, FALSE, error);
          if (type == NULL)
            return FALSE;
          pp_json_array_append (c->arena, compacted, new_string (c, type));
        }
    }
  else
    {
      compacted = pp_json_value_copy (c->arena, expanded_value);
    }

  alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (TYPE), error);
  if (alias == NULL)
    return FALSE;

  as_array = (context->processing_mode != PP_JSONLD_PROCESSING_MODE_1_0 &&
              (pp_jsonld_compaction_get_container (c, context, alias) & PP_JSONLD_CONTAINER_SET)) ||
             !c->compact_arrays;
  add_value (c, result, alias, compacted, as_array);

  return TRUE;
}

/* Step 11: applies the type-scoped contexts of the types of an element, in
 * code point order of their compacted forms. Returns a new reference. */
static PpJsonldContext *
apply_type_scoped_contexts (PpJsonldCompaction  *c,
                            PpJsonldContext     *context,
                            PpJsonldContext     *type_scoped,
                            const PpJsonValue   *types,
                            GError             **error)
{
  g_autoptr(PpJsonldContext) active = pp_jsonld_context_ref (context);
  g_autoptr(GPtrArray) terms = NULL;
  guint n = pp_json_value_is_array (types) ? pp_json_value_get_size (types) : 1;

  /* no type-scoped context to apply: the types are compacted in this
   * context for the @type entry, which fails as this would */
  if (type_scoped == context &&
      !pp_jsonld_inverse_context_has_scoped_terms (pp_jsonld_compaction_get_inverse (c, context)))
    return g_steal_pointer (&active);

  terms = g_ptr_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    {
      const PpJsonValue *item = pp_json_value_is_array (types) ? pp_json_array_get (types, i) : types;
      const char *term;

      if (!pp_json_value_is_string (item))
        continue;
      term = pp_jsonld_compaction_compact_iri (c, context, pp_json_value_get_string (item), NULL,
                                               TRUE, FALSE, error);
      if (term == NULL)
        return NULL;
      g_ptr_array_add (terms, (gpointer) term);
    }

  g_ptr_array_sort (terms, pp_jsonld_compare_strings);

  for (guint i = 0; i < terms->len; i++)
    {
      const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, type_scoped,
                                                                  g_ptr_array_index (terms, i));
      PpJsonldContext *next;

      if (def == NULL || !def->has_context)
        continue;

      next = apply_scoped_context (c, active, def, FALSE, FALSE, error);
      if (next == NULL)
        return NULL;
      pp_jsonld_context_unref (active);
      active = next;
    }

  return g_steal_pointer (&active);
}

/* Step 12 for one entry of a map; FALSE with @error set on failure */
static gboolean
compact_entry (PpJsonldCompaction  *c,
               PpJsonldContext     *context,
               PpJsonldContext     *input_context,
               const char          *active_property,
               PpJsonValue         *result,
               const char          *expanded_property,
               const PpJsonValue   *expanded_value,
               gboolean             inside_reverse,
               guint                depth,
               GError             **error)
{
  const char *alias;

  if (expanded_property == PP_JSON_KW (ID))
    {
      PpJsonValue *compacted;

      alias = pp_jsonld_compaction_compact_keyword (c, context, PP_JSON_KW (ID), error);
      if (alias == NULL)
        return FALSE;

      if (pp_json_value_is_string (expanded_value))
        {
          const char *id = pp_jsonld_compaction_compact_iri (c, context,
                                                             pp_json_value_get_string (expanded_value),
                                                             NULL, FALSE, FALSE, error);

          if (id == NULL)
            return FALSE;
          compacted = new_string (c, id);
        }
      else
        {
          compacted = pp_json_value_copy (c->arena, expanded_value);
        }
      pp_json_object_set (c->arena, result, alias, compacted);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (TYPE))
    return compact_types (c, context, input_context, result, expanded_value, error);

  if (expanded_property == PP_JSON_KW (REVERSE))
    return compact_reverse (c, context, result, expanded_value, depth, error);

  if (expanded_property == PP_JSON_KW (PRESERVE))
    {
      PpJsonValue *compacted;

      if (pp_json_value_is_array (expanded_value) && pp_json_value_get_size (expanded_value) == 0)
        return TRUE;

      compacted = pp_jsonld_compaction_compact_element (c, context, active_property, expanded_value,
                                                        depth + 1, error);
      if (compacted == NULL)
        return FALSE;
      pp_json_object_set (c->arena, result, PP_JSON_KW (PRESERVE), compacted);
      return TRUE;
    }

  if (expanded_property == PP_JSON_KW (INDEX) &&
      (pp_jsonld_compaction_get_container (c, context, active_property) & PP_JSONLD_CONTAINER_INDEX))
    return TRUE;

  /* keywords kept as they are, and what is not in expanded form */
  if (expanded_property == PP_JSON_KW (DIRECTION) ||
      expanded_property == PP_JSON_KW (INDEX) ||
      expanded_property == PP_JSON_KW (LANGUAGE) ||
      expanded_property == PP_JSON_KW (VALUE) ||
      !pp_json_value_is_array (expanded_value))
    {
      alias = pp_jsonld_compaction_compact_keyword (c, context, expanded_property, error);
      if (alias == NULL)
        return FALSE;
      pp_json_object_set (c->arena, result, alias, pp_json_value_copy (c->arena, expanded_value));
      return TRUE;
    }

  if (pp_json_value_get_size (expanded_value) == 0)
    {
      const char *item_property;
      PpJsonValue *nest_result;

      item_property = pp_jsonld_compaction_compact_iri (c, context, expanded_property, expanded_value,
                                                        TRUE, inside_reverse, error);
      if (item_property == NULL)
        return FALSE;

      nest_result = get_nest_result (c, context, result, item_property, error);
      if (nest_result == NULL)
        return FALSE;

      add_value (c, nest_result, item_property, pp_json_value_new_array (c->arena, 0), TRUE);
      return TRUE;
    }

  for (guint i = 0; i < pp_json_value_get_size (expanded_value); i++)
    {
      if (!compact_property_item (c, context, result, expanded_property,
                                  pp_json_array_get (expanded_value, i),
                                  inside_reverse, depth, error))
        return FALSE;
    }

  return TRUE;
}

/* Steps 5 to 13 for a map */
static PpJsonValue *
compact_map (PpJsonldCompaction  *c,
             PpJsonldContext     *input_context,
             const char          *active_property,
             const PpJsonValue   *element,
             guint                depth,
             GError             **error)
{
  g_autoptr(PpJsonldContext) context = pp_jsonld_context_ref (input_context);
  const PpJsonldTermDef *property_def = pp_jsonld_compaction_get_term (c, input_context, active_property);
  g_auto(MemberOrder) order = { 0, };
  const PpJsonValue *types;
  PpJsonValue *result;
  gboolean inside_reverse;

  /* a term-scoped context does not reach into new node objects */
  if (context->previous != NULL &&
      !pp_json_value_is_value_object (element) &&
      !pp_json_value_is_node_reference (element))
    {
      PpJsonldContext *previous = pp_jsonld_context_ref (context->previous);

      pp_jsonld_context_unref (context);
      context = previous;
    }

  if (property_def != NULL && property_def->has_context)
    {
      PpJsonldContext *scoped = apply_scoped_context (c, context, property_def,
                                                      TRUE, TRUE, error);

      if (scoped == NULL)
        return NULL;
      pp_jsonld_context_unref (context);
      context = scoped;
    }

  if (pp_json_object_has (element, PP_JSON_KW (VALUE)) ||
      pp_json_object_has (element, PP_JSON_KW (ID)))
    {
      PpJsonValue *compacted = NULL;
      const PpJsonldTermDef *def = pp_jsonld_compaction_get_term (c, context, active_property);

      if (!pp_jsonld_compaction_compact_value (c, context, active_property, element,
                                               &compacted, error))
        return NULL;

      if (compacted != NULL &&
          (is_scalar_or_null (compacted) || (def != NULL && pp_jsonld_str_equal0 (def->type, "@json"))))
        return compacted;
    }

  if (pp_json_value_is_list_object (element) &&
      (pp_jsonld_compaction_get_container (c, context, active_property) & PP_JSONLD_CONTAINER_LIST))
    return pp_jsonld_compaction_compact_element (c, context, active_property,
                                                 pp_json_object_get (element, PP_JSON_KW (LIST)),
                                                 depth + 1, error);

  inside_reverse = pp_jsonld_str_equal0 (active_property, "@reverse");
  result = pp_json_value_new_object (c->arena, pp_json_value_get_size (element));

  types = pp_json_object_get (element, PP_JSON_KW (TYPE));
  if (types != NULL)
    {
      PpJsonldContext *typed = apply_type_scoped_contexts (c, context, input_context,
                                                           types, error);

      if (typed == NULL)
        return NULL;
      pp_jsonld_context_unref (context);
      context = typed;
    }

  member_order_init (&order, element, c->ordered);
  for (guint k = 0; k < order.n; k++)
    {
      if (!compact_entry (c, context, input_context, active_property, result,
                          order.members[k]->key, order.members[k]->value,
                          inside_reverse, depth, error))
        return NULL;
    }

  return result;
}

PpJsonValue *
pp_jsonld_compaction_compact_element (PpJsonldCompaction  *c,
                                      PpJsonldContext     *context,
                                      const char          *active_property,
                                      const PpJsonValue   *element,
                                      guint                depth,
                                      GError             **error)
{
  g_assert (c->arena != NULL);

  if (depth > PP_JSONLD_COMPACT_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels",
                           PP_JSONLD_MAX_DEPTH);
      return NULL;
    }

  if (!check_cancelled (c, error))
    return NULL;

  if (element == NULL || pp_json_value_is_null (element))
    return pp_json_value_null ();

  if (pp_json_value_is_scalar (element))
    return pp_json_value_copy (c->arena, element);

  if (pp_json_value_is_array (element))
    {
      guint n = pp_json_value_get_size (element);
      PpJsonValue *result = pp_json_value_new_array (c->arena, n);
      guint container;

      for (guint i = 0; i < n; i++)
        {
          PpJsonValue *compacted = pp_jsonld_compaction_compact_element (c, context, active_property,
                                                                         pp_json_array_get (element, i),
                                                                         depth + 1, error);

          if (compacted == NULL)
            return NULL;
          if (!pp_json_value_is_null (compacted))
            pp_json_array_append (c->arena, result, compacted);
        }

      container = pp_jsonld_compaction_get_container (c, context, active_property);
      if (pp_json_value_get_size (result) != 1 || !c->compact_arrays ||
          pp_jsonld_str_equal0 (active_property, "@graph") ||
          pp_jsonld_str_equal0 (active_property, "@set") ||
          (container & (PP_JSONLD_CONTAINER_LIST | PP_JSONLD_CONTAINER_SET)))
        return result;

      return pp_json_array_get (result, 0);
    }

  return compact_map (c, context, active_property, element, depth, error);
}

/* }}} */
