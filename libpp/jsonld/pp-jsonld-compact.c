/* pp-jsonld-compact.c: IRI Compaction, Value Compaction and the Compaction
 * algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-jsonld.h"
#include "pp-jsonld-compact-private.h"
#include "pp-jsonld-context-private.h"
#include "pp-jsonld-inverse-context-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-util-private.h"

/* The compacted document shares nothing with the expanded one: values are
 * copied with pp_jsonld_node_copy_deep(), where json_node_copy() would
 * share a JsonValue whose reference count is not atomic. The result can go
 * to another thread while its input is freed. */

/* How many elements are compacted between two checks of the cancellable */
#define CANCEL_CHECK_INTERVAL 256

/* How deep compaction recurses: expanded form puts every value in an array,
 * so it nests up to twice as deep as the documents expansion accepts */
#define COMPACT_MAX_DEPTH (2 * PP_JSONLD_MAX_DEPTH + 2)

/* The most container preferences IRI compaction builds for one value */
#define MAX_CONTAINERS 32
#define MAX_PREFERRED 16

/* The state of one compaction run */
typedef struct {
  PpJsonldOptions        *options;
  GCancellable           *cancellable;
  gboolean                compact_arrays;
  gboolean                compact_to_relative;
  gboolean                ordered;
  guint                   steps;          /* elements compacted so far */

  /* the scoped contexts processed so far */
  PpJsonldContextCache   *cache;

  /* the inverse of the context used last, to spare that context's lock */
  PpJsonldContext        *inverse_owner;
  PpJsonldInverseContext *inverse;
} Compactor;

static gboolean
str_equal0 (const char *a,
            const char *b)
{
  return a != NULL && b != NULL && strcmp (a, b) == 0;
}

static const PpJsonldTermDef *
get_term (PpJsonldContext *context,
          const char      *term)
{
  return term != NULL ? pp_jsonld_context_get_term (context, term) : NULL;
}

static guint
term_container (PpJsonldContext *context,
                const char      *term)
{
  const PpJsonldTermDef *def = get_term (context, term);

  return def != NULL ? def->container : PP_JSONLD_CONTAINER_NONE;
}

static const char *
direction_string (PpJsonldDirection direction)
{
  switch (direction)
    {
    case PP_JSONLD_DIRECTION_LTR:
      return "ltr";
    case PP_JSONLD_DIRECTION_RTL:
      return "rtl";
    case PP_JSONLD_DIRECTION_UNSET:
    case PP_JSONLD_DIRECTION_NULL:
    default:
      return NULL;
    }
}

/* Keeps @str (transfer full) in *@pool, created on first use */
static const char *
pool_take (GPtrArray **pool,
           char       *str)
{
  if (*pool == NULL)
    *pool = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*pool, str);

  return str;
}

/* @str in lower case: @str itself when it is, else a copy kept in *@pool */
static const char *
pooled_lower (GPtrArray  **pool,
              const char  *str)
{
  for (const char *p = str; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        return pool_take (pool, g_ascii_strdown (str, -1));
    }

  return str;
}

/* "language_direction" in lower case, kept in *@pool */
static const char *
pooled_language_direction (GPtrArray  **pool,
                           const char  *language,
                           const char  *direction)
{
  g_autofree char *joined = g_strconcat (language != NULL ? language : "", "_",
                                         direction, NULL);

  return pool_take (pool, g_ascii_strdown (joined, -1));
}

/* The inverse context of @context */
static PpJsonldInverseContext *
get_inverse (Compactor       *c,
             PpJsonldContext *context)
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

static char *compact_iri (Compactor        *c,
                          PpJsonldContext  *context,
                          const char       *var,
                          JsonNode         *value,
                          gboolean          vocab,
                          gboolean          reverse,
                          GError          **error);

/* Steps 4.1 to 4.21 of IRI Compaction: the term that best compacts @var
 * for @value, or NULL. Sets @error only on failure. */
static const char *
select_term_for_value (Compactor        *c,
                       PpJsonldContext  *context,
                       const char       *var,
                       JsonNode         *value,
                       gboolean          reverse,
                       GError          **error)
{
  g_autoptr(GPtrArray) pool = NULL;  /* strings made for this value */
  guint containers[MAX_CONTAINERS];
  const char *preferred[MAX_PREFERRED];
  guint n_containers = 0, n_preferred = 0, n_before_suffixes;
  PpJsonldTypeOrLanguage type_or_language = PP_JSONLD_SELECT_LANGUAGE;
  const char *type_language_value = NULL;
  JsonObject *object = NULL;
  gboolean has_index = FALSE;
  gboolean is_list = FALSE;
  gboolean empty_list = FALSE;
  gboolean legacy = context->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;

#define ADD_CONTAINER(flags) (containers[n_containers++] = (flags))
#define ADD_PREFERRED(str) (preferred[n_preferred++] = (str))

  if (value != NULL && JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonNode *preserve;

      object = json_node_get_object (value);
      preserve = json_object_get_member (object, "@preserve");
      if (preserve != NULL)
        {
          if (JSON_NODE_HOLDS_ARRAY (preserve) &&
              json_array_get_length (json_node_get_array (preserve)) > 0)
            value = json_array_get_element (json_node_get_array (preserve), 0);
          else
            value = preserve;
          object = JSON_NODE_HOLDS_OBJECT (value) ? json_node_get_object (value) : NULL;
        }
    }

  if (object != NULL)
    {
      has_index = json_object_has_member (object, "@index");
      is_list = json_object_has_member (object, "@list");
    }

  if (has_index && !pp_jsonld_is_graph_object (value))
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
      JsonNode *list_node = json_object_get_member (object, "@list");
      JsonArray *list = JSON_NODE_HOLDS_ARRAY (list_node) ?
                        json_node_get_array (list_node) : NULL;
      guint length = list != NULL ? json_array_get_length (list) : 0;
      const char *common_type = NULL;
      const char *common_language = NULL;

      if (!has_index)
        ADD_CONTAINER (PP_JSONLD_CONTAINER_LIST);

      if (length == 0)
        {
          const char *dir = direction_string (context->default_direction);

          empty_list = TRUE;
          if (dir != NULL)
            common_language = pooled_language_direction (&pool, context->default_language, dir);
          else if (context->default_language != NULL)
            common_language = pooled_lower (&pool, context->default_language);
          else
            common_language = "@none";
        }

      for (guint i = 0; i < length; i++)
        {
          JsonNode *item = json_array_get_element (list, i);
          JsonObject *item_object = JSON_NODE_HOLDS_OBJECT (item) ?
                                    json_node_get_object (item) : NULL;
          const char *item_language = "@none";
          const char *item_type = "@none";
          gboolean is_value = item_object != NULL &&
                              json_object_has_member (item_object, "@value");

          if (is_value)
            {
              const char *language = pp_jsonld_object_get_string (item_object, "@language");
              const char *direction = pp_jsonld_object_get_string (item_object, "@direction");
              const char *type = pp_jsonld_object_get_string (item_object, "@type");

              if (direction != NULL)
                item_language = pooled_language_direction (&pool, language, direction);
              else if (language != NULL)
                item_language = pooled_lower (&pool, language);
              else if (type != NULL)
                item_type = type;
              else
                item_language = "@null";
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
  else if (pp_jsonld_is_graph_object (value))
    {
      gboolean has_id = json_object_has_member (object, "@id");

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
      if (object != NULL && json_object_has_member (object, "@value"))
        {
          const char *language = pp_jsonld_object_get_string (object, "@language");
          const char *direction = pp_jsonld_object_get_string (object, "@direction");
          const char *type = pp_jsonld_object_get_string (object, "@type");

          if (direction != NULL && !has_index)
            {
              type_language_value = pooled_language_direction (&pool, language, direction);
              ADD_CONTAINER (PP_JSONLD_CONTAINER_LANGUAGE);
              ADD_CONTAINER (PP_JSONLD_CONTAINER_LANGUAGE | PP_JSONLD_CONTAINER_SET);
            }
          else if (language != NULL && !has_index)
            {
              type_language_value = pooled_lower (&pool, language);
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

  if (!legacy && object != NULL && json_object_get_size (object) == 1 &&
      json_object_has_member (object, "@value"))
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
      object != NULL && pp_jsonld_object_get_string (object, "@id") != NULL)
    {
      const char *id = pp_jsonld_object_get_string (object, "@id");
      g_autofree char *compacted = compact_iri (c, context, id, NULL, TRUE, FALSE, error);
      const PpJsonldTermDef *def;

      if (compacted == NULL)
        return NULL;

      def = get_term (context, compacted);
      if (def != NULL && str_equal0 (def->iri, id))
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

  return pp_jsonld_inverse_context_select_term (get_inverse (c, context), var,
                                                containers, n_containers,
                                                type_or_language,
                                                preferred, n_preferred);
}

/* shortest first, then code point order */
static gboolean
shorter_or_least (const char *candidate,
                  const char *best)
{
  size_t lc = strlen (candidate), lb = strlen (best);

  if (lc != lb)
    return lc < lb;

  return strcmp (candidate, best) < 0;
}

/*
 * compact_iri:
 *
 * The IRI Compaction algorithm. Returns the compacted IRI (transfer full),
 * or NULL with @error set.
 */
static char *
compact_iri (Compactor        *c,
             PpJsonldContext  *context,
             const char       *var,
             JsonNode         *value,
             gboolean          vocab,
             gboolean          reverse,
             GError          **error)
{
  GPtrArray *prefixes;
  char *best = NULL;
  const char *colon;

  g_assert (var != NULL);

  if (vocab && pp_jsonld_inverse_context_has_iri (get_inverse (c, context), var))
    {
      GError *local_error = NULL;
      const char *term = select_term_for_value (c, context, var, value,
                                                reverse, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (term != NULL)
        return g_strdup (term);
    }

  if (vocab && context->vocab != NULL)
    {
      size_t length = strlen (context->vocab);

      if (strncmp (var, context->vocab, length) == 0 && var[length] != '\0' &&
          get_term (context, var + length) == NULL)
        return g_strdup (var + length);
    }

  prefixes = pp_jsonld_inverse_context_get_prefixes (get_inverse (c, context));
  for (guint i = 0; i < prefixes->len; i++)
    {
      const PpJsonldTermDef *def = g_ptr_array_index (prefixes, i);
      size_t length = strlen (def->iri);
      const PpJsonldTermDef *candidate_def;
      char *candidate;

      if (strncmp (var, def->iri, length) != 0 || var[length] == '\0')
        continue;

      candidate = g_strconcat (def->term, ":", var + length, NULL);
      candidate_def = get_term (context, candidate);

      if ((candidate_def == NULL ||
           (value == NULL && str_equal0 (candidate_def->iri, var))) &&
          (best == NULL || shorter_or_least (candidate, best)))
        {
          g_free (best);
          best = candidate;
        }
      else
        {
          g_free (candidate);
        }
    }

  if (best != NULL)
    return best;

  /* an IRI whose scheme is a prefix would read back as a compact IRI */
  colon = strchr (var, ':');
  if (colon != NULL && colon != var && !g_str_has_prefix (colon + 1, "//"))
    {
      g_autofree char *scheme = g_strndup (var, colon - var);
      const PpJsonldTermDef *def = get_term (context, scheme);

      if (def != NULL && def->prefix)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_IRI_CONFUSED_WITH_PREFIX,
                               "the IRI “%s” would be read as a compact IRI with "
                               "the prefix “%s”", var, scheme);
          return NULL;
        }
    }

  if (!vocab && c->compact_to_relative && context->base != NULL &&
      !pp_jsonld_is_blank_node_id (var))
    {
      char *relative = pp_jsonld_iri_make_relative (var, context->base);

      if (pp_jsonld_looks_like_keyword (relative))
        {
          char *dotted = g_strconcat ("./", relative, NULL);

          g_free (relative);
          return dotted;
        }
      return relative;
    }

  return g_strdup (var);
}

/* IRI compaction of a keyword or IRI with vocab TRUE and no value */
static char *
compact_keyword (Compactor        *c,
                 PpJsonldContext  *context,
                 const char       *keyword,
                 GError          **error)
{
  return compact_iri (c, context, keyword, NULL, TRUE, FALSE, error);
}

/* The member names of @object (owned by it) in insertion order, or in code
 * point order when @ordered. json_object_iter_init() visits members in hash
 * table order, which would make the output order arbitrary. */
static GPtrArray *
object_keys (JsonObject *object,
             gboolean    ordered)
{
  GList *members = json_object_get_members (object);
  GPtrArray *keys = g_ptr_array_sized_new (json_object_get_size (object));

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (keys, l->data);
  g_list_free (members);

  if (ordered)
    g_ptr_array_sort (keys, pp_jsonld_compare_strings);

  return keys;
}

/* The "add value" of the specification: @value (transfer full) is added
 * to @key of @object; an array adds each of its elements; @as_array makes
 * the entry an array even for a single value. */
static void
add_value (JsonObject *object,
           const char *key,
           JsonNode   *value,
           gboolean    as_array)
{
  JsonNode *existing = json_object_get_member (object, key);

  if (as_array && (existing == NULL || !JSON_NODE_HOLDS_ARRAY (existing)))
    {
      JsonArray *array = json_array_new ();

      if (existing != NULL)
        json_array_add_element (array, json_node_ref (existing));
      json_object_set_array_member (object, key, array);
      existing = json_object_get_member (object, key);
    }

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *values = json_node_get_array (value);

      /* add each element in turn: a lone one of several stays single only
       * when there is one */
      if (existing == NULL && json_array_get_length (values) == 1)
        {
          json_object_set_member (object, key,
                                  json_node_ref (json_array_get_element (values, 0)));
        }
      else
        {
          for (guint i = 0; i < json_array_get_length (values); i++)
            add_value (object, key, json_node_ref (json_array_get_element (values, i)),
                       FALSE);
        }
      json_node_unref (value);
      return;
    }

  if (existing == NULL)
    {
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

  json_array_add_element (json_node_get_array (existing), value);
}

/* The object member @key of @object, created empty if missing */
static JsonObject *
get_or_add_object (JsonObject *object,
                   const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      json_object_set_object_member (object, key, json_object_new ());
      node = json_object_get_member (object, key);
    }

  return json_node_get_object (node);
}

static gboolean
is_scalar_node (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node);
}

/* Whether @a and @b are the same direction, %NULL meaning none */
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

/*
 * compact_value:
 *
 * The Value Compaction algorithm for @element, a value object or a node
 * reference. Sets *@result to the compacted value when it is a scalar, or
 * to the compacted map when the term has the @json type mapping; leaves it
 * NULL when @element must be compacted as a map.
 */
static gboolean
compact_value (Compactor        *c,
               PpJsonldContext  *context,
               const char       *active_property,
               JsonObject       *element,
               JsonNode        **result,
               GError          **error)
{
  const PpJsonldTermDef *def = get_term (context, active_property);
  const char *type_mapping = def != NULL ? def->type : NULL;
  guint container = def != NULL ? def->container : 0;
  gboolean has_index = json_object_has_member (element, "@index");
  gboolean keep_index = has_index && !(container & PP_JSONLD_CONTAINER_INDEX);
  gboolean is_json = str_equal0 (type_mapping, "@json");
  guint size = json_object_get_size (element);
  JsonNode *value = json_object_get_member (element, "@value");
  const char *type = pp_jsonld_object_get_string (element, "@type");
  const char *language;
  const char *direction;

  *result = NULL;

  if (def != NULL && def->has_language)
    language = def->language;
  else
    language = context->default_language;

  if (def != NULL && def->direction != PP_JSONLD_DIRECTION_UNSET)
    direction = direction_string (def->direction);
  else
    direction = direction_string (context->default_direction);

  if (json_object_has_member (element, "@id") &&
      (size == 1 || (size == 2 && has_index)))
    {
      const char *id = pp_jsonld_object_get_string (element, "@id");
      char *compacted;

      if (id != NULL && (str_equal0 (type_mapping, "@id") ||
                         str_equal0 (type_mapping, "@vocab")))
        {
          compacted = compact_iri (c, context, id, NULL,
                                   str_equal0 (type_mapping, "@vocab"), FALSE,
                                   error);
          if (compacted == NULL)
            return FALSE;
          *result = pp_jsonld_node_new_take_string (compacted);
          return TRUE;
        }
    }
  else if (value != NULL)
    {
      gboolean scalar = FALSE;

      if (type != NULL && str_equal0 (type, type_mapping))
        scalar = !keep_index;
      else if (str_equal0 (type_mapping, "@none") ||
               json_object_has_member (element, "@type"))
        scalar = FALSE;
      else if (!pp_jsonld_node_is_string (value))
        scalar = !keep_index;
      else if (language_matches (pp_jsonld_object_get_string (element, "@language"),
                                 language) &&
               direction_matches (pp_jsonld_object_get_string (element, "@direction"),
                                  direction))
        scalar = !keep_index;

      if (scalar)
        {
          *result = pp_jsonld_node_copy_deep (value);
          return TRUE;
        }
    }

  if (is_json)
    {
      /* the map, with its keys compacted */
      JsonObject *map = json_object_new ();
      g_autoptr(GPtrArray) keys = object_keys (element, c->ordered);

      for (guint k = 0; k < keys->len; k++)
        {
          const char *key = g_ptr_array_index (keys, k);
          JsonNode *member = json_object_get_member (element, key);
          g_autofree char *alias = compact_keyword (c, context, key, error);
          JsonNode *copy;

          if (alias == NULL)
            {
              json_object_unref (map);
              return FALSE;
            }

          if (strcmp (key, "@type") == 0 && pp_jsonld_node_is_string (member))
            {
              char *compacted = compact_keyword (c, context,
                                                 json_node_get_string (member),
                                                 error);

              if (compacted == NULL)
                {
                  json_object_unref (map);
                  return FALSE;
                }
              copy = pp_jsonld_node_new_take_string (compacted);
            }
          else
            {
              copy = pp_jsonld_node_copy_deep (member);
            }
          json_object_set_member (map, alias, copy);
        }
      *result = pp_jsonld_node_new_object (map);
    }

  return TRUE;
}

static gboolean
check_cancelled (Compactor  *c,
                 GError    **error)
{
  if (++c->steps % CANCEL_CHECK_INTERVAL != 0)
    return TRUE;

  return !g_cancellable_set_error_if_cancelled (c->cancellable, error);
}

/* Applies the scoped context of @def to @context: returns a new reference,
 * or NULL with @error set. */
static PpJsonldContext *
apply_scoped_context (Compactor              *c,
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

static JsonNode *compact_element (Compactor        *c,
                                  PpJsonldContext  *context,
                                  const char       *active_property,
                                  JsonNode         *element,
                                  guint             depth,
                                  GError          **error);

/* The nest result of @item_property: @result, or the map under its nest
 * term. NULL with @error set when the nest term is invalid. */
static JsonObject *
get_nest_result (PpJsonldContext  *context,
                 JsonObject       *result,
                 const char       *item_property,
                 GError          **error)
{
  const PpJsonldTermDef *def = get_term (context, item_property);
  const PpJsonldTermDef *nest_def;

  if (def == NULL || def->nest == NULL)
    return result;

  nest_def = get_term (context, def->nest);
  if (strcmp (def->nest, "@nest") != 0 &&
      (nest_def == NULL || !str_equal0 (nest_def->iri, "@nest")))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                           "the nest value “%s” of the term “%s” is neither "
                           "@nest nor a term for it", def->nest, item_property);
      return NULL;
    }

  return get_or_add_object (result, def->nest);
}

/* The first value of @key in @item (an object) as the map key, the others
 * left in place; NULL when there is no string to use. */
static char *
take_first_value (JsonObject *item,
                  const char *key)
{
  JsonNode *member = json_object_get_member (item, key);
  char *first;

  if (member == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);
      guint length = json_array_get_length (array);
      JsonNode *rest;

      if (length == 0 || !pp_jsonld_node_is_string (json_array_get_element (array, 0)))
        return NULL;

      first = g_strdup (json_node_get_string (json_array_get_element (array, 0)));
      if (length == 1)
        {
          json_object_remove_member (item, key);
        }
      else if (length == 2)
        {
          rest = json_node_ref (json_array_get_element (array, 1));
          json_object_set_member (item, key, rest);
        }
      else
        {
          json_array_remove_element (array, 0);
        }
      return first;
    }

  if (!pp_jsonld_node_is_string (member))
    return NULL;

  first = g_strdup (json_node_get_string (member));
  json_object_remove_member (item, key);
  return first;
}

/* Step 12.8: adds one expanded item of @expanded_property to @result */
static gboolean
compact_property_item (Compactor        *c,
                       PpJsonldContext  *context,
                       JsonObject       *result,
                       const char       *expanded_property,
                       JsonNode         *expanded_item,
                       gboolean          inside_reverse,
                       guint             depth,
                       GError          **error)
{
  g_autofree char *item_property = NULL;
  g_autoptr(JsonNode) compacted_item = NULL;
  JsonObject *item_object = JSON_NODE_HOLDS_OBJECT (expanded_item) ?
                            json_node_get_object (expanded_item) : NULL;
  gboolean is_list = pp_jsonld_is_list_object (expanded_item);
  gboolean is_graph = pp_jsonld_is_graph_object (expanded_item);
  JsonObject *nest_result;
  JsonNode *inner;
  guint container;
  gboolean as_array;

  item_property = compact_iri (c, context, expanded_property, expanded_item,
                               TRUE, inside_reverse, error);
  if (item_property == NULL)
    return FALSE;

  nest_result = get_nest_result (context, result, item_property, error);
  if (nest_result == NULL)
    return FALSE;

  container = term_container (context, item_property);
  as_array = (container & PP_JSONLD_CONTAINER_SET) ||
             strcmp (item_property, "@graph") == 0 ||
             strcmp (item_property, "@list") == 0 ||
             !c->compact_arrays;

  if (is_list)
    inner = json_object_get_member (item_object, "@list");
  else if (is_graph)
    inner = json_object_get_member (item_object, "@graph");
  else
    inner = expanded_item;

  compacted_item = compact_element (c, context, item_property, inner, depth + 1, error);
  if (compacted_item == NULL)
    return FALSE;

  if (is_list)
    {
      compacted_item = pp_jsonld_node_as_array (g_steal_pointer (&compacted_item));

      if (!(container & PP_JSONLD_CONTAINER_LIST))
        {
          JsonObject *list_object = json_object_new ();
          g_autofree char *list_alias = compact_keyword (c, context, "@list", error);
          JsonNode *index = json_object_get_member (item_object, "@index");

          if (list_alias == NULL)
            {
              json_object_unref (list_object);
              return FALSE;
            }
          json_object_set_member (list_object, list_alias, g_steal_pointer (&compacted_item));

          if (index != NULL)
            {
              g_autofree char *index_alias = compact_keyword (c, context, "@index", error);

              if (index_alias == NULL)
                {
                  json_object_unref (list_object);
                  return FALSE;
                }
              json_object_set_member (list_object, index_alias, pp_jsonld_node_copy_deep (index));
            }

          add_value (nest_result, item_property,
                     pp_jsonld_node_new_object (list_object), as_array);
        }
      else
        {
          json_object_set_member (nest_result, item_property,
                                  g_steal_pointer (&compacted_item));
        }
      return TRUE;
    }

  if (is_graph)
    {
      const char *id = pp_jsonld_object_get_string (item_object, "@id");
      JsonNode *index = json_object_get_member (item_object, "@index");
      gboolean simple = !json_object_has_member (item_object, "@id");

      if ((container & PP_JSONLD_CONTAINER_GRAPH) &&
          (container & PP_JSONLD_CONTAINER_ID))
        {
          JsonObject *map = get_or_add_object (nest_result, item_property);
          g_autofree char *key = NULL;

          key = compact_iri (c, context, id != NULL ? id : "@none", NULL,
                             id == NULL, FALSE, error);
          if (key == NULL)
            return FALSE;
          add_value (map, key, g_steal_pointer (&compacted_item), as_array);
        }
      else if ((container & PP_JSONLD_CONTAINER_GRAPH) &&
               (container & PP_JSONLD_CONTAINER_INDEX) && simple)
        {
          JsonObject *map = get_or_add_object (nest_result, item_property);
          g_autofree char *key = NULL;

          if (pp_jsonld_node_is_string (index))
            key = g_strdup (json_node_get_string (index));
          else if ((key = compact_keyword (c, context, "@none", error)) == NULL)
            return FALSE;
          add_value (map, key, g_steal_pointer (&compacted_item), as_array);
        }
      else if ((container & PP_JSONLD_CONTAINER_GRAPH) && simple)
        {
          if (JSON_NODE_HOLDS_ARRAY (compacted_item) &&
              json_array_get_length (json_node_get_array (compacted_item)) > 1)
            {
              JsonObject *included = json_object_new ();
              g_autofree char *alias = compact_keyword (c, context, "@included", error);

              if (alias == NULL)
                {
                  json_object_unref (included);
                  return FALSE;
                }
              json_object_set_member (included, alias, g_steal_pointer (&compacted_item));
              compacted_item = pp_jsonld_node_new_object (included);
            }
          add_value (nest_result, item_property, g_steal_pointer (&compacted_item), as_array);
        }
      else
        {
          JsonObject *graph = json_object_new ();
          g_autoptr(JsonNode) graph_node = pp_jsonld_node_new_object (graph);
          g_autofree char *graph_alias = compact_keyword (c, context, "@graph", error);

          if (graph_alias == NULL)
            return FALSE;
          json_object_set_member (graph, graph_alias, g_steal_pointer (&compacted_item));

          if (id != NULL)
            {
              g_autofree char *id_alias = compact_keyword (c, context, "@id", error);
              g_autofree char *compacted_id = NULL;

              if (id_alias == NULL)
                return FALSE;
              compacted_id = compact_iri (c, context, id, NULL, FALSE, FALSE, error);
              if (compacted_id == NULL)
                return FALSE;
              json_object_set_string_member (graph, id_alias, compacted_id);
            }

          if (index != NULL)
            {
              g_autofree char *index_alias = compact_keyword (c, context, "@index", error);

              if (index_alias == NULL)
                return FALSE;
              json_object_set_member (graph, index_alias, pp_jsonld_node_copy_deep (index));
            }

          add_value (nest_result, item_property, g_steal_pointer (&graph_node), as_array);
        }
      return TRUE;
    }

  if ((container & (PP_JSONLD_CONTAINER_LANGUAGE | PP_JSONLD_CONTAINER_INDEX |
                    PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_TYPE)) &&
      !(container & PP_JSONLD_CONTAINER_GRAPH))
    {
      JsonObject *map = get_or_add_object (nest_result, item_property);
      const PpJsonldTermDef *def = get_term (context, item_property);
      const char *index_key = def != NULL && def->index != NULL ? def->index : "@index";
      const char *container_keyword;
      g_autofree char *container_key = NULL;
      g_autofree char *map_key = NULL;
      JsonObject *compacted_object = JSON_NODE_HOLDS_OBJECT (compacted_item) ?
                                     json_node_get_object (compacted_item) : NULL;

      if (container & PP_JSONLD_CONTAINER_LANGUAGE)
        container_keyword = "@language";
      else if (container & PP_JSONLD_CONTAINER_INDEX)
        container_keyword = "@index";
      else if (container & PP_JSONLD_CONTAINER_ID)
        container_keyword = "@id";
      else
        container_keyword = "@type";

      container_key = compact_keyword (c, context, container_keyword, error);
      if (container_key == NULL)
        return FALSE;

      if ((container & PP_JSONLD_CONTAINER_LANGUAGE) &&
          json_object_has_member (item_object, "@value"))
        {
          const char *language = pp_jsonld_object_get_string (item_object, "@language");

          g_clear_pointer (&compacted_item, json_node_unref);
          compacted_item = pp_jsonld_node_copy_deep (json_object_get_member (item_object, "@value"));
          map_key = g_strdup (language);
        }
      else if ((container & PP_JSONLD_CONTAINER_INDEX) &&
               strcmp (index_key, "@index") == 0)
        {
          map_key = g_strdup (pp_jsonld_object_get_string (item_object, "@index"));
        }
      else if (container & PP_JSONLD_CONTAINER_INDEX)
        {
          g_autofree char *expanded_key = NULL;

          expanded_key = pp_jsonld_expand_iri (context, index_key, FALSE, TRUE, error);
          if (expanded_key == NULL && error != NULL && *error != NULL)
            return FALSE;

          /* the index key as written, or else as its IRI compacts */
          g_clear_pointer (&container_key, g_free);
          if (compacted_object != NULL &&
              json_object_has_member (compacted_object, index_key))
            container_key = g_strdup (index_key);
          else
            container_key = compact_keyword (c, context,
                                             expanded_key != NULL ? expanded_key : index_key,
                                             error);
          if (container_key == NULL)
            return FALSE;

          if (compacted_object != NULL)
            map_key = take_first_value (compacted_object, container_key);
        }
      else if (container & PP_JSONLD_CONTAINER_ID)
        {
          if (compacted_object != NULL)
            {
              const char *id = pp_jsonld_object_get_string (compacted_object, container_key);

              if (id != NULL)
                {
                  map_key = g_strdup (id);
                  json_object_remove_member (compacted_object, container_key);
                }
            }
        }
      else
        {
          if (compacted_object != NULL)
            {
              map_key = take_first_value (compacted_object, container_key);

              if (json_object_get_size (compacted_object) == 1)
                {
                  JsonObjectIter iter;
                  const char *only_key = NULL;
                  g_autofree char *expanded = NULL;

                  json_object_iter_init (&iter, compacted_object);
                  json_object_iter_next (&iter, &only_key, NULL);
                  expanded = pp_jsonld_expand_iri (context, only_key, FALSE, TRUE, NULL);

                  if (str_equal0 (expanded, "@id"))
                    {
                      JsonObject *reference = json_object_new ();
                      g_autoptr(JsonNode) reference_node = pp_jsonld_node_new_object (reference);
                      JsonNode *id = json_object_get_member (item_object, "@id");

                      if (id != NULL)
                        json_object_set_member (reference, "@id", pp_jsonld_node_copy_deep (id));

                      g_clear_pointer (&compacted_item, json_node_unref);
                      compacted_item = compact_element (c, context, item_property,
                                                        reference_node, depth + 1, error);
                      if (compacted_item == NULL)
                        return FALSE;
                    }
                }
            }
        }

      if (map_key == NULL)
        {
          map_key = compact_keyword (c, context, "@none", error);
          if (map_key == NULL)
            return FALSE;
        }

      add_value (map, map_key, g_steal_pointer (&compacted_item), as_array);
      return TRUE;
    }

  add_value (nest_result, item_property, g_steal_pointer (&compacted_item), as_array);
  return TRUE;
}

/* Step 12 for @reverse: the reverse properties go up into @result */
static gboolean
compact_reverse (Compactor        *c,
                 PpJsonldContext  *context,
                 JsonObject       *result,
                 JsonNode         *expanded_value,
                 guint             depth,
                 GError          **error)
{
  g_autoptr(JsonNode) compacted = NULL;
  JsonObject *object;
  g_autoptr(GPtrArray) keys = NULL;

  compacted = compact_element (c, context, "@reverse", expanded_value, depth + 1, error);
  if (compacted == NULL)
    return FALSE;

  if (!JSON_NODE_HOLDS_OBJECT (compacted))
    return TRUE;

  object = json_node_get_object (compacted);
  keys = object_keys (object, FALSE);
  g_ptr_array_set_free_func (keys, g_free);
  for (guint i = 0; i < keys->len; i++)
    keys->pdata[i] = g_strdup (keys->pdata[i]);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *property = g_ptr_array_index (keys, i);
      const PpJsonldTermDef *def = get_term (context, property);

      if (def != NULL && def->reverse)
        {
          gboolean as_array = (def->container & PP_JSONLD_CONTAINER_SET) ||
                              !c->compact_arrays;

          add_value (result, property,
                     json_node_ref (json_object_get_member (object, property)),
                     as_array);
          json_object_remove_member (object, property);
        }
    }

  if (json_object_get_size (object) > 0)
    {
      g_autofree char *alias = compact_keyword (c, context, "@reverse", error);

      if (alias == NULL)
        return FALSE;
      json_object_set_member (result, alias, g_steal_pointer (&compacted));
    }

  return TRUE;
}

/* Step 12.2: the @type entry, compacted with the type-scoped context */
static gboolean
compact_types (Compactor        *c,
               PpJsonldContext  *context,
               PpJsonldContext  *type_scoped,
               JsonObject       *result,
               JsonNode         *expanded_value,
               GError          **error)
{
  g_autofree char *alias = NULL;
  JsonNode *compacted;
  gboolean as_array;

  if (pp_jsonld_node_is_string (expanded_value))
    {
      char *type = compact_iri (c, type_scoped, json_node_get_string (expanded_value),
                                NULL, TRUE, FALSE, error);

      if (type == NULL)
        return FALSE;
      compacted = pp_jsonld_node_new_take_string (type);
    }
  else if (JSON_NODE_HOLDS_ARRAY (expanded_value))
    {
      JsonArray *types = json_node_get_array (expanded_value);
      JsonArray *array = json_array_new ();

      compacted = pp_jsonld_node_new_array (array);
      for (guint i = 0; i < json_array_get_length (types); i++)
        {
          JsonNode *item = json_array_get_element (types, i);
          char *type;

          if (!pp_jsonld_node_is_string (item))
            continue;
          type = compact_iri (c, type_scoped, json_node_get_string (item), NULL,
                              TRUE, FALSE, error);
          if (type == NULL)
            {
              json_node_unref (compacted);
              return FALSE;
            }
          json_array_add_string_element (array, type);
          g_free (type);
        }
    }
  else
    {
      compacted = pp_jsonld_node_copy_deep (expanded_value);
    }

  alias = compact_keyword (c, context, "@type", error);
  if (alias == NULL)
    {
      json_node_unref (compacted);
      return FALSE;
    }

  as_array = (context->processing_mode != PP_JSONLD_PROCESSING_MODE_1_0 &&
              (term_container (context, alias) & PP_JSONLD_CONTAINER_SET)) ||
             !c->compact_arrays;
  add_value (result, alias, compacted, as_array);

  return TRUE;
}

/* Step 11: applies the type-scoped contexts of the types of @element, in
 * code point order of their compacted forms. Returns a new reference. */
static PpJsonldContext *
apply_type_scoped_contexts (Compactor        *c,
                            PpJsonldContext  *context,
                            PpJsonldContext  *type_scoped,
                            JsonNode         *types,
                            GError          **error)
{
  g_autoptr(PpJsonldContext) active = pp_jsonld_context_ref (context);
  g_autoptr(GPtrArray) terms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) array = pp_jsonld_node_as_array (json_node_ref (types));
  JsonArray *items = json_node_get_array (array);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      char *term;

      if (!pp_jsonld_node_is_string (item))
        continue;
      term = compact_iri (c, context, json_node_get_string (item), NULL,
                          TRUE, FALSE, error);
      if (term == NULL)
        return NULL;
      g_ptr_array_add (terms, term);
    }

  g_ptr_array_sort (terms, pp_jsonld_compare_strings);

  for (guint i = 0; i < terms->len; i++)
    {
      const PpJsonldTermDef *def = get_term (type_scoped, g_ptr_array_index (terms, i));
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

/* Steps 5 to 13 for a map */
static JsonNode *
compact_map (Compactor        *c,
             PpJsonldContext  *input_context,
             const char       *active_property,
             JsonObject       *element,
             guint             depth,
             GError          **error)
{
  g_autoptr(PpJsonldContext) context = pp_jsonld_context_ref (input_context);
  const PpJsonldTermDef *property_def = get_term (input_context, active_property);
  JsonObject *result;
  g_autoptr(JsonNode) result_node = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  JsonNode *types;
  gboolean inside_reverse;

  /* a term-scoped context does not reach into new node objects */
  if (context->previous != NULL &&
      !json_object_has_member (element, "@value") &&
      !(json_object_get_size (element) == 1 && json_object_has_member (element, "@id")))
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

  if (json_object_has_member (element, "@value") ||
      json_object_has_member (element, "@id"))
    {
      JsonNode *compacted = NULL;
      const PpJsonldTermDef *def = get_term (context, active_property);

      if (!compact_value (c, context, active_property, element, &compacted, error))
        return NULL;

      if (compacted != NULL &&
          (is_scalar_node (compacted) || (def != NULL && str_equal0 (def->type, "@json"))))
        return compacted;

      g_clear_pointer (&compacted, json_node_unref);
    }

  if (json_object_has_member (element, "@list") &&
      (term_container (context, active_property) & PP_JSONLD_CONTAINER_LIST))
    return compact_element (c, context, active_property,
                            json_object_get_member (element, "@list"),
                            depth + 1, error);

  inside_reverse = str_equal0 (active_property, "@reverse");
  result = json_object_new ();
  result_node = pp_jsonld_node_new_object (result);

  types = json_object_get_member (element, "@type");
  if (types != NULL)
    {
      PpJsonldContext *typed = apply_type_scoped_contexts (c, context, input_context,
                                                           types, error);

      if (typed == NULL)
        return NULL;
      pp_jsonld_context_unref (context);
      context = typed;
    }

  keys = object_keys (element, c->ordered);
  for (guint k = 0; k < keys->len; k++)
    {
      const char *expanded_property = g_ptr_array_index (keys, k);
      JsonNode *expanded_value = json_object_get_member (element, expanded_property);

      if (strcmp (expanded_property, "@id") == 0)
        {
          g_autofree char *alias = compact_keyword (c, context, "@id", error);
          JsonNode *compacted;

          if (alias == NULL)
            return NULL;

          if (pp_jsonld_node_is_string (expanded_value))
            {
              char *id = compact_iri (c, context, json_node_get_string (expanded_value),
                                      NULL, FALSE, FALSE, error);

              if (id == NULL)
                return NULL;
              compacted = pp_jsonld_node_new_take_string (id);
            }
          else
            {
              compacted = pp_jsonld_node_copy_deep (expanded_value);
            }
          json_object_set_member (result, alias, compacted);
          continue;
        }

      if (strcmp (expanded_property, "@type") == 0)
        {
          if (!compact_types (c, context, input_context, result, expanded_value, error))
            return NULL;
          continue;
        }

      if (strcmp (expanded_property, "@reverse") == 0)
        {
          if (!compact_reverse (c, context, result, expanded_value, depth, error))
            return NULL;
          continue;
        }

      if (strcmp (expanded_property, "@preserve") == 0)
        {
          JsonNode *compacted;

          if (JSON_NODE_HOLDS_ARRAY (expanded_value) &&
              json_array_get_length (json_node_get_array (expanded_value)) == 0)
            continue;

          compacted = compact_element (c, context, active_property, expanded_value,
                                       depth + 1, error);
          if (compacted == NULL)
            return NULL;
          json_object_set_member (result, "@preserve", compacted);
          continue;
        }

      if (strcmp (expanded_property, "@index") == 0 &&
          (term_container (context, active_property) & PP_JSONLD_CONTAINER_INDEX))
        continue;

      if (strcmp (expanded_property, "@direction") == 0 ||
          strcmp (expanded_property, "@index") == 0 ||
          strcmp (expanded_property, "@language") == 0 ||
          strcmp (expanded_property, "@value") == 0)
        {
          g_autofree char *alias = compact_keyword (c, context, expanded_property, error);

          if (alias == NULL)
            return NULL;
          json_object_set_member (result, alias, pp_jsonld_node_copy_deep (expanded_value));
          continue;
        }

      if (!JSON_NODE_HOLDS_ARRAY (expanded_value))
        {
          /* not expanded form: keep what cannot be compacted */
          g_autofree char *alias = compact_keyword (c, context, expanded_property, error);

          if (alias == NULL)
            return NULL;
          json_object_set_member (result, alias, pp_jsonld_node_copy_deep (expanded_value));
          continue;
        }

      if (json_array_get_length (json_node_get_array (expanded_value)) == 0)
        {
          g_autofree char *item_property = NULL;
          JsonObject *nest_result;

          item_property = compact_iri (c, context, expanded_property, expanded_value,
                                       TRUE, inside_reverse, error);
          if (item_property == NULL)
            return NULL;

          nest_result = get_nest_result (context, result, item_property, error);
          if (nest_result == NULL)
            return NULL;

          add_value (nest_result, item_property, pp_jsonld_node_new_empty_array (), TRUE);
          continue;
        }

      for (guint i = 0; i < json_array_get_length (json_node_get_array (expanded_value)); i++)
        {
          JsonNode *item = json_array_get_element (json_node_get_array (expanded_value), i);

          if (!compact_property_item (c, context, result, expanded_property, item,
                                      inside_reverse, depth, error))
            return NULL;
        }
    }

  return g_steal_pointer (&result_node);
}

/*
 * compact_element:
 *
 * The Compaction algorithm. Returns the compacted element (transfer full;
 * a JSON null node for null), or NULL with @error set.
 */
static JsonNode *
compact_element (Compactor        *c,
                 PpJsonldContext  *context,
                 const char       *active_property,
                 JsonNode         *element,
                 guint             depth,
                 GError          **error)
{
  if (depth > COMPACT_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels",
                           PP_JSONLD_MAX_DEPTH);
      return NULL;
    }

  if (!check_cancelled (c, error))
    return NULL;

  if (element == NULL || JSON_NODE_HOLDS_NULL (element))
    return json_node_new (JSON_NODE_NULL);

  if (JSON_NODE_HOLDS_VALUE (element))
    return pp_jsonld_node_copy_deep (element);

  if (JSON_NODE_HOLDS_ARRAY (element))
    {
      JsonArray *items = json_node_get_array (element);
      JsonArray *result = json_array_new ();
      g_autoptr(JsonNode) result_node = pp_jsonld_node_new_array (result);
      guint container;

      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *compacted = compact_element (c, context, active_property,
                                                 json_array_get_element (items, i),
                                                 depth + 1, error);

          if (compacted == NULL)
            return NULL;
          if (JSON_NODE_HOLDS_NULL (compacted))
            json_node_unref (compacted);
          else
            json_array_add_element (result, compacted);
        }

      container = term_container (context, active_property);
      if (json_array_get_length (result) != 1 || !c->compact_arrays ||
          str_equal0 (active_property, "@graph") ||
          str_equal0 (active_property, "@set") ||
          (container & (PP_JSONLD_CONTAINER_LIST | PP_JSONLD_CONTAINER_SET)))
        return g_steal_pointer (&result_node);

      return json_node_ref (json_array_get_element (result, 0));
    }

  return compact_map (c, context, active_property, json_node_get_object (element),
                      depth, error);
}

static void
compactor_init (Compactor       *c,
                PpJsonldOptions *options,
                GCancellable    *cancellable)
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
}

static void
compactor_clear (Compactor *c)
{
  g_clear_pointer (&c->cache, pp_jsonld_context_cache_free);
  g_clear_pointer (&c->inverse_owner, pp_jsonld_context_unref);
  c->inverse = NULL;
}

/* Whether @context adds nothing: null, an empty map or an empty array */
static gboolean
context_is_empty (JsonNode *context)
{
  if (context == NULL || JSON_NODE_HOLDS_NULL (context))
    return TRUE;
  if (JSON_NODE_HOLDS_OBJECT (context))
    return json_object_get_size (json_node_get_object (context)) == 0;
  if (JSON_NODE_HOLDS_ARRAY (context))
    return json_array_get_length (json_node_get_array (context)) == 0;
  return FALSE;
}

/* Processed compaction contexts, most recently used first. Compacting many
 * documents against one context (the reconciler's schema.org context) then
 * processes it and builds its inverse once. Only sealed local contexts are
 * kept, with a reference, so an entry's key cannot change or be reused. */

#define CONTEXT_CACHE_SIZE 4

typedef struct {
  JsonNode               *local_context;
  char                   *base;
  PpJsonldProcessingMode  processing_mode;
  PpDocumentLoader       *loader;
  PpJsonldContext        *context;
} ContextCacheEntry;

static GMutex context_cache_lock;
static GQueue context_cache = G_QUEUE_INIT;

static void
context_cache_entry_free (gpointer data)
{
  ContextCacheEntry *entry = data;

  json_node_unref (entry->local_context);
  g_free (entry->base);
  g_clear_object (&entry->loader);
  pp_jsonld_context_unref (entry->context);
  g_free (entry);
}

static gboolean
context_cache_entry_matches (const ContextCacheEntry *entry,
                             JsonNode                *local_context,
                             PpJsonldOptions         *options)
{
  return entry->local_context == local_context &&
         entry->processing_mode == pp_jsonld_options_get_processing_mode (options) &&
         entry->loader == pp_jsonld_options_get_document_loader (options) &&
         g_strcmp0 (entry->base, pp_jsonld_options_get_base (options)) == 0;
}

/* The active context for @local_context on top of the initial context of
 * @options: from the cache, or processed (and cached when sealed). */
static PpJsonldContext *
get_compaction_context (JsonNode         *local_context,
                        PpJsonldOptions  *options,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(PpJsonldContext) initial = NULL;
  ContextCacheEntry *entry = NULL;
  PpJsonldContext *context;
  gboolean sealed = json_node_is_immutable (local_context);

  if (sealed)
    {
      g_mutex_lock (&context_cache_lock);
      for (GList *l = context_cache.head; l != NULL; l = l->next)
        {
          if (context_cache_entry_matches (l->data, local_context, options))
            {
              entry = l->data;
              g_queue_unlink (&context_cache, l);
              g_queue_push_head_link (&context_cache, l);
              break;
            }
        }
      context = entry != NULL ? pp_jsonld_context_ref (entry->context) : NULL;
      g_mutex_unlock (&context_cache_lock);

      if (context != NULL)
        return context;
    }

  if (!pp_jsonld_node_validate_utf8 (local_context, PP_JSONLD_MAX_DEPTH, error))
    return NULL;

  initial = pp_jsonld_context_new (options);
  context = pp_jsonld_context_process (initial, local_context,
                                       pp_jsonld_options_get_base (options),
                                       NULL, FALSE, TRUE, TRUE, options,
                                       cancellable, error);
  if (context == NULL || !sealed)
    return context;

  entry = g_new0 (ContextCacheEntry, 1);
  entry->local_context = json_node_ref (local_context);
  entry->base = g_strdup (pp_jsonld_options_get_base (options));
  entry->processing_mode = pp_jsonld_options_get_processing_mode (options);
  entry->loader = pp_jsonld_options_get_document_loader (options);
  if (entry->loader != NULL)
    g_object_ref (entry->loader);
  entry->context = pp_jsonld_context_ref (context);

  g_mutex_lock (&context_cache_lock);
  g_queue_push_head (&context_cache, entry);
  entry = context_cache.length > CONTEXT_CACHE_SIZE ?
          g_queue_pop_tail (&context_cache) : NULL;
  g_mutex_unlock (&context_cache_lock);

  g_clear_pointer (&entry, context_cache_entry_free);

  return context;
}

/* A compaction against one context, for compacting a document piece by
 * piece: the context is processed once, and the scoped contexts and the
 * inverse context are kept from one piece to the next. */
struct _PpJsonldCompactor
{
  PpJsonldOptions *options;
  JsonNode        *local_context;   /* the context itself, without @context */
  PpJsonldContext *active;
  Compactor        c;
};

PpJsonldCompactor *
pp_jsonld_compactor_new (JsonNode         *context,
                         PpJsonldOptions  *options,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_autoptr(PpJsonldOptions) own_options = NULL;
  g_autoptr(JsonNode) local_context = NULL;
  PpJsonldCompactor *compactor;
  PpJsonldContext *active;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = own_options = pp_jsonld_options_new ();

  if (context != NULL && JSON_NODE_HOLDS_OBJECT (context) &&
      json_object_has_member (json_node_get_object (context), "@context"))
    context = json_object_get_member (json_node_get_object (context), "@context");

  local_context = context != NULL ? json_node_ref (context) : pp_jsonld_node_new_empty_object ();

  active = get_compaction_context (local_context, options, cancellable, error);
  if (active == NULL)
    return NULL;

  compactor = g_new0 (PpJsonldCompactor, 1);
  compactor->options = pp_jsonld_options_ref (options);
  compactor->local_context = g_steal_pointer (&local_context);
  compactor->active = active;
  compactor_init (&compactor->c, compactor->options, cancellable);

  return compactor;
}

void
pp_jsonld_compactor_free (PpJsonldCompactor *compactor)
{
  if (compactor == NULL)
    return;

  compactor_clear (&compactor->c);
  pp_jsonld_context_unref (compactor->active);
  json_node_unref (compactor->local_context);
  pp_jsonld_options_unref (compactor->options);
  g_free (compactor);
}

/* Compacts one item of the top-level array of an expanded document */
JsonNode *
pp_jsonld_compactor_compact_item (PpJsonldCompactor  *compactor,
                                  JsonNode           *item,
                                  GError            **error)
{
  g_return_val_if_fail (compactor != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return compact_element (&compactor->c, compactor->active, NULL, item, 1, error);
}

/* Makes the document of a compacted top-level result: several nodes go
 * under @graph (or its alias), and the context comes first */
static JsonNode *
compactor_make_document (PpJsonldCompactor  *compactor,
                         JsonNode           *compacted,
                         GError            **error)
{
  JsonObject *output;

  if (JSON_NODE_HOLDS_ARRAY (compacted))
    {
      output = json_object_new ();
      if (json_array_get_length (json_node_get_array (compacted)) > 0)
        {
          g_autofree char *graph_alias = compact_keyword (&compactor->c, compactor->active,
                                                          "@graph", error);

          if (graph_alias == NULL)
            {
              json_object_unref (output);
              return NULL;
            }
          json_object_set_member (output, graph_alias, json_node_ref (compacted));
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (compacted))
    {
      output = json_object_ref (json_node_get_object (compacted));
    }
  else
    {
      /* a scalar at the top: nothing a document can hold */
      output = json_object_new ();
    }

  if (!context_is_empty (compactor->local_context))
    {
      /* the context comes first */
      JsonObject *with_context = json_object_new ();
      g_autoptr(GPtrArray) keys = object_keys (output, FALSE);
      JsonNode *local_context = compactor->local_context;

      /* a sealed context cannot change under the result: share it */
      json_object_set_member (with_context, "@context",
                              json_node_is_immutable (local_context) ?
                              json_node_ref (local_context) :
                              pp_jsonld_node_copy_deep (local_context));
      for (guint k = 0; k < keys->len; k++)
        {
          const char *key = g_ptr_array_index (keys, k);

          if (strcmp (key, "@context") != 0)
            json_object_set_member (with_context, key,
                                    json_node_ref (json_object_get_member (output, key)));
        }
      json_object_unref (output);
      output = with_context;
    }

  return pp_jsonld_node_new_object (output);
}

/* Makes the compacted document of the items compacted one by one with
 * pp_jsonld_compactor_compact_item(), in the order of the expanded
 * document: what pp_jsonld_compact_expanded() gives for the whole array.
 * Takes @items. */
JsonNode *
pp_jsonld_compactor_finish (PpJsonldCompactor  *compactor,
                            JsonArray          *items,
                            GError            **error)
{
  g_autoptr(JsonNode) compacted = NULL;

  g_return_val_if_fail (compactor != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);

  compacted = pp_jsonld_node_new_array (items);
  /* The array rule of the Compaction algorithm, for no active property */
  if (json_array_get_length (items) == 1 && compactor->c.compact_arrays)
    {
      JsonNode *only = json_node_ref (json_array_get_element (items, 0));

      json_node_unref (compacted);
      compacted = only;
    }

  return compactor_make_document (compactor, compacted, error);
}

JsonNode *
pp_jsonld_compact_expanded (JsonNode         *expanded,
                            JsonNode         *context,
                            PpJsonldOptions  *options,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  g_autoptr(JsonNode) compacted = NULL;

  g_return_val_if_fail (expanded != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  compactor = pp_jsonld_compactor_new (context, options, cancellable, error);
  if (compactor == NULL)
    return NULL;

  compacted = compact_element (&compactor->c, compactor->active, NULL, expanded, 0, error);
  if (compacted == NULL)
    return NULL;

  return compactor_make_document (compactor, compacted, error);
}

/**
 * pp_jsonld_compact:
 * @input: the JSON-LD document to compact
 * @context: (nullable): the context to compact with: a context, or a map
 *   with an `@context` entry
 * @options: (nullable): the options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Compacts @input according to @context: the compact() method of the
 * JSON-LD 1.1 Processing Algorithms and API. The input is expanded first;
 * a result with several top-level nodes holds them under `@graph`, and the
 * context is added to the result unless it is empty.
 *
 * A sealed @context (see json_node_seal()) is processed once and reused by
 * later calls with the same base IRI, processing mode and document loader,
 * so compacting many documents against one context costs little more than
 * compacting them. This function may be called from several threads at
 * once, with the same @context if it is sealed.
 *
 * Errors are in the #PP_JSONLD_ERROR domain, except cancellation
 * (%G_IO_ERROR_CANCELLED).
 *
 * Returns: (transfer full): the compacted document, or %NULL on error
 *
 * Since: 0.1
 */
JsonNode *
pp_jsonld_compact (JsonNode        *input,
                   JsonNode        *context,
                   PpJsonldOptions *options,
                   GCancellable    *cancellable,
                   GError         **error)
{
  g_autoptr(JsonNode) expanded = NULL;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  expanded = pp_jsonld_expand (input, options, cancellable, error);
  if (expanded == NULL)
    return NULL;

  return pp_jsonld_compact_expanded (expanded, context, options, cancellable, error);
}
