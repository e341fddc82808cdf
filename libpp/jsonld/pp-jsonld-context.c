/* pp-jsonld-context.c: the Context Processing algorithm and IRI expansion
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-context-private.h"
#include "pp-jsonld-iri-private.h"
#include "pp-jsonld-util-private.h"

#include <string.h>

#include "pp-document-loader-private.h"
#include "pp-jsonld-error.h"

/* how many remote contexts may be nested in one another */
#define MAX_REMOTE_CONTEXTS 32

/* a NULL result in the expansion cache */
static const char null_iri[] = "";

static void
free_cached_iri (gpointer data)
{
  if (data != null_iri)
    g_free (data);
}

struct _PpJsonldContextCache
{
  GHashTable *table;
};

typedef struct {
  PpJsonldContext *active;
  JsonNode        *local;
  char            *base_url;
  guint            flags;
  PpJsonldContext *result;
} CacheEntry;

typedef struct {
  PpJsonldOptions      *options;
  PpDocumentLoader     *loader;
  GCancellable         *cancellable;
  PpJsonldContextCache *cache;
  guint                 depth;
  guint                 term_chain;   /* terms being defined one for another */
  guint                *n_processed;
} ProcessState;

/* how deeply contexts may nest through scoped contexts and remote contexts */
#define MAX_CONTEXT_DEPTH 64

/* how many contexts one call may process, scoped contexts included: remote
 * contexts whose terms have scoped contexts naming other remote contexts
 * could otherwise take exponential time */
#define MAX_CONTEXTS_PROCESSED 20000

static PpJsonldContext *context_process (ProcessState     *state,
                                         PpJsonldContext  *active,
                                         JsonNode         *local_context,
                                         const char       *base_url,
                                         GPtrArray        *remote_contexts,
                                         gboolean          override_protected,
                                         gboolean          propagate,
                                         gboolean          validate_scoped,
                                         GError          **error);

/* Term definitions */

static PpJsonldTermDef *
term_def_new (const char *term)
{
  PpJsonldTermDef *def = g_new0 (PpJsonldTermDef, 1);

  def->ref_count = 1;
  def->term = g_strdup (term);
  def->direction = PP_JSONLD_DIRECTION_UNSET;

  return def;
}

static PpJsonldTermDef *
term_def_ref (PpJsonldTermDef *def)
{
  g_atomic_int_inc (&def->ref_count);
  return def;
}

static void
term_def_unref (gpointer data)
{
  PpJsonldTermDef *def = data;

  if (!g_atomic_int_dec_and_test (&def->ref_count))
    return;

  g_free (def->term);
  g_free (def->iri);
  g_free (def->base_url);
  g_clear_pointer (&def->context, json_node_unref);
  g_free (def->index);
  g_free (def->language);
  g_free (def->nest);
  g_free (def->type);
  g_free (def);
}

/* equality of two definitions but for the protected flag */
static gboolean
term_def_equal (const PpJsonldTermDef *a,
                const PpJsonldTermDef *b)
{
  return g_strcmp0 (a->iri, b->iri) == 0 &&
         a->prefix == b->prefix &&
         a->reverse == b->reverse &&
         a->has_context == b->has_context &&
         (!a->has_context || pp_jsonld_node_equal (a->context, b->context)) &&
         a->container == b->container &&
         a->direction == b->direction &&
         g_strcmp0 (a->index, b->index) == 0 &&
         a->has_language == b->has_language &&
         g_strcmp0 (a->language, b->language) == 0 &&
         g_strcmp0 (a->nest, b->nest) == 0 &&
         g_strcmp0 (a->type, b->type) == 0;
}

/**
 * pp_jsonld_direction_to_string:
 * @direction: a direction
 *
 * Returns: (nullable): "ltr", "rtl", or %NULL
 */
const char *
pp_jsonld_direction_to_string (PpJsonldDirection direction)
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

/* Contexts */

static PpJsonldContext *
context_alloc (void)
{
  PpJsonldContext *ctx = g_new0 (PpJsonldContext, 1);

  ctx->ref_count = 1;
  ctx->terms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, term_def_unref);
  ctx->default_direction = PP_JSONLD_DIRECTION_UNSET;
  g_mutex_init (&ctx->lock);
  g_mutex_init (&ctx->inverse_lock);

  return ctx;
}

/**
 * pp_jsonld_context_new:
 * @options: (nullable): the options
 *
 * Creates an empty active context whose base IRI and original base URL are
 * the base of @options.
 *
 * Returns: (transfer full): a new context
 */
PpJsonldContext *
pp_jsonld_context_new (PpJsonldOptions *options)
{
  PpJsonldContext *ctx = context_alloc ();

  if (options != NULL)
    {
      ctx->base = g_strdup (pp_jsonld_options_get_base (options));
      ctx->original_base = g_strdup (ctx->base);
      ctx->processing_mode = pp_jsonld_options_get_processing_mode (options);
    }

  return ctx;
}

static PpJsonldContext *
context_copy (PpJsonldContext *src)
{
  PpJsonldContext *ctx = context_alloc ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, src->terms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PpJsonldTermDef *def = value;

      g_hash_table_insert (ctx->terms, def->term, term_def_ref (def));
    }

  ctx->base = g_strdup (src->base);
  ctx->original_base = g_strdup (src->original_base);
  ctx->vocab = g_strdup (src->vocab);
  ctx->default_language = g_strdup (src->default_language);
  ctx->default_direction = src->default_direction;
  ctx->previous = src->previous != NULL ? pp_jsonld_context_ref (src->previous) : NULL;
  ctx->processing_mode = src->processing_mode;
  ctx->has_protected = src->has_protected;

  return ctx;
}

/**
 * pp_jsonld_context_ref:
 * @context: a context
 *
 * Returns: (transfer full): @context
 */
PpJsonldContext *
pp_jsonld_context_ref (PpJsonldContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  g_atomic_int_inc (&context->ref_count);
  return context;
}

/**
 * pp_jsonld_context_unref:
 * @context: (transfer full): a context
 *
 * Releases a reference; the last one frees @context.
 */
void
pp_jsonld_context_unref (PpJsonldContext *context)
{
  g_return_if_fail (context != NULL);

  if (!g_atomic_int_dec_and_test (&context->ref_count))
    return;

  if (context->inverse != NULL && context->inverse_free != NULL)
    context->inverse_free (context->inverse);
  g_clear_pointer (&context->sorted_terms, g_ptr_array_unref);
  g_clear_pointer (&context->vocab_cache, g_hash_table_unref);
  g_hash_table_unref (context->terms);
  g_free (context->base);
  g_free (context->original_base);
  g_free (context->vocab);
  g_free (context->default_language);
  g_clear_pointer (&context->previous, pp_jsonld_context_unref);
  g_mutex_clear (&context->lock);
  g_mutex_clear (&context->inverse_lock);
  g_free (context);
}

/**
 * pp_jsonld_context_get_term:
 * @context: a context
 * @term: a term
 *
 * Returns: (nullable) (transfer none): the definition of @term
 */
const PpJsonldTermDef *
pp_jsonld_context_get_term (PpJsonldContext *context,
                            const char      *term)
{
  g_return_val_if_fail (context != NULL, NULL);

  if (term == NULL)
    return NULL;

  return g_hash_table_lookup (context->terms, term);
}

static gint
compare_terms (gconstpointer a,
               gconstpointer b)
{
  const char *ta = *(const char * const *) a;
  const char *tb = *(const char * const *) b;
  size_t la = strlen (ta), lb = strlen (tb);

  if (la != lb)
    return la < lb ? -1 : 1;

  return strcmp (ta, tb);
}

/**
 * pp_jsonld_context_get_sorted_terms:
 * @context: a context
 *
 * Returns: (transfer none) (element-type utf8): the terms of @context,
 *   shortest first, then in code point order
 */
GPtrArray *
pp_jsonld_context_get_sorted_terms (PpJsonldContext *context)
{
  GPtrArray *terms;

  g_return_val_if_fail (context != NULL, NULL);

  g_mutex_lock (&context->lock);
  if (context->sorted_terms == NULL)
    {
      GHashTableIter iter;
      gpointer key;

      terms = g_ptr_array_sized_new (g_hash_table_size (context->terms));
      g_hash_table_iter_init (&iter, context->terms);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (terms, key);
      g_ptr_array_sort (terms, compare_terms);
      context->sorted_terms = terms;
    }
  terms = context->sorted_terms;
  g_mutex_unlock (&context->lock);

  return terms;
}

/**
 * pp_jsonld_context_get_inverse:
 * @context: a context
 * @build: builds the inverse context of a context
 * @free_func: frees what @build returns
 *
 * The inverse context of @context, built on first use.
 *
 * Returns: (transfer none): the inverse context
 */
gpointer
pp_jsonld_context_get_inverse (PpJsonldContext *context,
                               gpointer       (*build) (PpJsonldContext *context),
                               GDestroyNotify   free_func)
{
  gpointer inverse;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (build != NULL, NULL);

  /* @build may read context->sorted_terms directly */
  pp_jsonld_context_get_sorted_terms (context);

  g_mutex_lock (&context->inverse_lock);
  if (context->inverse == NULL)
    {
      context->inverse = build (context);
      context->inverse_free = free_func;
    }
  inverse = context->inverse;
  g_mutex_unlock (&context->inverse_lock);

  return inverse;
}

/* IRI expansion */

/* the state of Create Term Definition for one local context */
typedef struct {
  ProcessState *state;
  JsonObject   *local;
  GHashTable   *defined;  /* term → 1 while being defined, 2 once defined */
  const char   *base_url;
  gboolean      protected_;
  gboolean      override_protected;
  GPtrArray    *remote_contexts;
} LocalState;

#define DEFINING 1
#define DEFINED  2

/* How many terms may be defined one for another, through scoped and
 * remote contexts too: a term whose IRI names another term of its context
 * defines that one first, and each link recurses */
#define MAX_TERM_CHAIN PP_JSONLD_MAX_DEPTH

static gboolean create_term_definition (LocalState       *ls,
                                        PpJsonldContext  *active,
                                        const char       *term,
                                        GError          **error);

/*
 * expand_iri:
 *
 * IRI Expansion with the local context and defined map of Create Term
 * Definition. Sets *result to a new string, or NULL for null.
 */
static gboolean
expand_iri (LocalState       *ls,
            PpJsonldContext  *active,
            const char       *value,
            gboolean          document_relative,
            gboolean          vocab,
            char            **result,
            GError          **error)
{
  const PpJsonldTermDef *def;
  const char *colon;

  *result = NULL;

  if (value == NULL)
    return TRUE;

  if (pp_jsonld_is_keyword (value))
    {
      *result = g_strdup (value);
      return TRUE;
    }

  if (pp_jsonld_looks_like_keyword (value))
    return TRUE;

  if (ls != NULL && json_object_has_member (ls->local, value) &&
      GPOINTER_TO_INT (g_hash_table_lookup (ls->defined, value)) != DEFINED)
    {
      if (!create_term_definition (ls, active, value, error))
        return FALSE;
    }

  def = g_hash_table_lookup (active->terms, value);
  if (def != NULL && def->iri != NULL && pp_jsonld_is_keyword (def->iri))
    {
      *result = g_strdup (def->iri);
      return TRUE;
    }

  if (vocab && def != NULL)
    {
      *result = g_strdup (def->iri);
      return TRUE;
    }

  colon = value[0] != '\0' ? strchr (value + 1, ':') : NULL;
  if (colon != NULL)
    {
      g_autofree char *prefix = g_strndup (value, colon - value);
      const char *suffix = colon + 1;
      const PpJsonldTermDef *prefix_def;

      if (strcmp (prefix, "_") == 0 || g_str_has_prefix (suffix, "//"))
        {
          *result = g_strdup (value);
          return TRUE;
        }

      if (ls != NULL && json_object_has_member (ls->local, prefix) &&
          GPOINTER_TO_INT (g_hash_table_lookup (ls->defined, prefix)) != DEFINED)
        {
          if (!create_term_definition (ls, active, prefix, error))
            return FALSE;
        }

      prefix_def = g_hash_table_lookup (active->terms, prefix);
      if (prefix_def != NULL && prefix_def->iri != NULL && prefix_def->prefix)
        {
          *result = g_strconcat (prefix_def->iri, suffix, NULL);
          return TRUE;
        }

      if (pp_jsonld_iri_is_absolute (value))
        {
          *result = g_strdup (value);
          return TRUE;
        }
    }

  if (vocab && active->vocab != NULL)
    {
      *result = g_strconcat (active->vocab, value, NULL);
      return TRUE;
    }

  if (document_relative)
    {
      *result = pp_jsonld_iri_resolve (active->base, value);
      return TRUE;
    }

  *result = g_strdup (value);
  return TRUE;
}

/**
 * pp_jsonld_expand_iri:
 * @context: the active context
 * @value: (nullable): the value to expand
 * @document_relative: whether to resolve relative IRIs against the base
 * @vocab: whether terms and the vocabulary mapping apply
 * @error: return location for a #GError
 *
 * IRI Expansion.
 *
 * Returns: (transfer full) (nullable): the expanded IRI, or %NULL (with
 *   @error unset) when @value expands to null
 */
char *
pp_jsonld_expand_iri (PpJsonldContext  *context,
                      const char       *value,
                      gboolean          document_relative,
                      gboolean          vocab,
                      GError          **error)
{
  char *result = NULL;

  g_return_val_if_fail (context != NULL, NULL);

  expand_iri (NULL, context, value, document_relative, vocab, &result, error);

  return result;
}

/**
 * pp_jsonld_context_expand_vocab:
 * @context: the active context
 * @value: the value to expand
 *
 * IRI Expansion of @value with vocab true and document relative false,
 * the expansion of keys and types, without allocating for terms and
 * absolute IRIs and with a per-context cache for the rest.
 *
 * Returns: (transfer none) (nullable): the expanded IRI: @value itself,
 *   or a string owned by @context; %NULL when it expands to null
 */
const char *
pp_jsonld_context_expand_vocab (PpJsonldContext *context,
                                const char      *value)
{
  const PpJsonldTermDef *def;
  const char *cached;
  char *result = NULL;

  g_return_val_if_fail (context != NULL, NULL);

  if (value == NULL)
    return NULL;

  if (value[0] == '@')
    {
      if (pp_jsonld_is_keyword (value))
        return value;
      if (pp_jsonld_looks_like_keyword (value))
        return NULL;
    }

  def = g_hash_table_lookup (context->terms, value);
  if (def != NULL)
    return def->iri;

  g_mutex_lock (&context->lock);
  cached = context->vocab_cache != NULL ? g_hash_table_lookup (context->vocab_cache, value) : NULL;
  g_mutex_unlock (&context->lock);

  if (cached != NULL)
    return cached == null_iri ? NULL : cached;

  expand_iri (NULL, context, value, FALSE, TRUE, &result, NULL);

  if (result != NULL && strcmp (result, value) == 0)
    {
      g_free (result);
      return value;
    }

  g_mutex_lock (&context->lock);
  if (context->vocab_cache == NULL)
    context->vocab_cache = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                  g_free, free_cached_iri);
  /* another thread may have expanded it meanwhile */
  cached = g_hash_table_lookup (context->vocab_cache, value);
  if (cached == NULL)
    {
      cached = result != NULL ? g_steal_pointer (&result) : null_iri;
      g_hash_table_insert (context->vocab_cache, g_strdup (value), (gpointer) cached);
    }
  g_mutex_unlock (&context->lock);

  g_free (result);

  return cached == null_iri ? NULL : cached;
}

/* Create Term Definition */

static gboolean
has_colon_inside (const char *term)
{
  /* the first colon after the first character, if it is not the last */
  const char *colon = term[0] != '\0' ? strchr (term + 1, ':') : NULL;

  return colon != NULL && colon[1] != '\0';
}

static gboolean
parse_container (LocalState       *ls,
                 PpJsonldContext  *active,
                 const char       *term,
                 JsonNode         *node,
                 guint            *container,
                 GError          **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  guint flags = 0, count = 0, i, n;
  JsonArray *array = NULL;
  gboolean valid = TRUE;

  if (pp_jsonld_node_is_null (node))
    {
      *container = 0;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node) && !mode_1_0)
    {
      array = json_node_get_array (node);
      n = json_array_get_length (array);
    }
  else if (pp_jsonld_node_is_string (node))
    n = 1;
  else
    goto invalid;

  for (i = 0; i < n; i++)
    {
      JsonNode *item = array != NULL ? json_array_get_element (array, i) : node;
      const char *str = pp_jsonld_node_get_string_or_null (item);
      guint flag;

      if (str == NULL)
        goto invalid;

      if (strcmp (str, "@list") == 0)
        flag = PP_JSONLD_CONTAINER_LIST;
      else if (strcmp (str, "@set") == 0)
        flag = PP_JSONLD_CONTAINER_SET;
      else if (strcmp (str, "@index") == 0)
        flag = PP_JSONLD_CONTAINER_INDEX;
      else if (strcmp (str, "@language") == 0)
        flag = PP_JSONLD_CONTAINER_LANGUAGE;
      else if (strcmp (str, "@id") == 0 && !mode_1_0)
        flag = PP_JSONLD_CONTAINER_ID;
      else if (strcmp (str, "@type") == 0 && !mode_1_0)
        flag = PP_JSONLD_CONTAINER_TYPE;
      else if (strcmp (str, "@graph") == 0 && !mode_1_0)
        flag = PP_JSONLD_CONTAINER_GRAPH;
      else
        goto invalid;

      if ((flags & flag) == 0)
        count++;
      flags |= flag;
    }

  if (flags & PP_JSONLD_CONTAINER_LIST)
    valid = count == 1;
  else if (flags & PP_JSONLD_CONTAINER_GRAPH)
    valid = (flags & ~(PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_ID |
                       PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_SET)) == 0 &&
            (flags & (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_INDEX)) !=
            (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_INDEX);
  else
    valid = count <= ((flags & PP_JSONLD_CONTAINER_SET) ? 2 : 1);

  if (!valid)
    goto invalid;

  *container = flags;
  return TRUE;

invalid:
  {
    g_autofree char *text = json_to_string (node, FALSE);

    pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTAINER_MAPPING,
                         "the @container %s of term \"%s\" is not valid%s",
                         text, term, mode_1_0 ? " in JSON-LD 1.0" : "");
    return FALSE;
  }
}

static gboolean
is_iri_or_blank (const char *iri)
{
  return pp_jsonld_iri_is_absolute (iri) || pp_jsonld_is_blank_node_id (iri);
}

/* Create Term Definition; call it through create_term_definition() */
static gboolean
define_term (LocalState       *ls,
             PpJsonldContext  *active,
             const char       *term,
             GError          **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  PpJsonldTermDef *previous = NULL;
  PpJsonldTermDef *def = NULL;
  /* The definition may belong to a context document shared between
   * threads: borrow it, never ref it (JsonObject refcounts are not atomic) */
  g_autoptr(JsonObject) owned_value = NULL;
  JsonObject *value = NULL;
  JsonNode *value_node, *member;
  gboolean simple_term = FALSE;
  JsonObjectIter iter;
  const char *key;
  int state;
  gboolean ok = FALSE;

  state = GPOINTER_TO_INT (g_hash_table_lookup (ls->defined, term));
  if (state == DEFINED)
    return TRUE;
  if (state == DEFINING)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CYCLIC_IRI_MAPPING,
                           "the definition of term \"%s\" depends on itself", term);
      return FALSE;
    }

  if (*term == '\0')
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                           "the empty string cannot be defined as a term");
      return FALSE;
    }

  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINING));

  value_node = json_object_get_member (ls->local, term);

  if (strcmp (term, "@type") == 0 && !mode_1_0 && value_node != NULL &&
      JSON_NODE_HOLDS_OBJECT (value_node))
    {
      JsonObject *object = json_node_get_object (value_node);
      const char *container = pp_jsonld_object_get_string (object, "@container");
      gboolean valid = json_object_get_size (object) > 0;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &key, NULL))
        if (strcmp (key, "@container") != 0 && strcmp (key, "@protected") != 0)
          valid = FALSE;
      if (json_object_has_member (object, "@container") &&
          g_strcmp0 (container, "@set") != 0)
        valid = FALSE;

      if (!valid)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_KEYWORD_REDEFINITION,
                               "@type may only be given an @container of @set "
                               "and @protected");
          return FALSE;
        }
    }
  else if (pp_jsonld_is_keyword (term))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_KEYWORD_REDEFINITION,
                           "the keyword %s cannot be redefined", term);
      return FALSE;
    }
  else if (pp_jsonld_looks_like_keyword (term))
    {
      /* reserved for future keywords: ignored */
      g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));
      return TRUE;
    }

  previous = g_hash_table_lookup (active->terms, term);
  if (previous != NULL)
    {
      previous = term_def_ref (previous);
      g_hash_table_remove (active->terms, term);
    }

  if (pp_jsonld_node_is_null (value_node))
    {
      value = owned_value = json_object_new ();
      json_object_set_null_member (value, "@id");
    }
  else if (pp_jsonld_node_is_string (value_node))
    {
      value = owned_value = json_object_new ();
      json_object_set_string_member (value, "@id", json_node_get_string (value_node));
      simple_term = TRUE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (value_node))
    value = json_node_get_object (value_node);
  else
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                           "the definition of term \"%s\" is not a string, an object nor null",
                           term);
      goto out;
    }

  def = term_def_new (term);

  /* unknown entries first, so they are reported whatever else is wrong */
  json_object_iter_init (&iter, value);
  while (json_object_iter_next (&iter, &key, NULL))
    {
      static const char * const allowed[] = {
        "@id", "@reverse", "@container", "@context", "@direction", "@index",
        "@language", "@nest", "@prefix", "@protected", "@type",
      };
      gboolean known = FALSE;
      guint i;

      for (i = 0; i < G_N_ELEMENTS (allowed); i++)
        if (strcmp (key, allowed[i]) == 0)
          known = TRUE;

      if (!known)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "the definition of term \"%s\" has an unknown entry \"%s\"",
                               term, key);
          goto out;
        }
    }

  /* @protected */
  member = json_object_get_member (value, "@protected");
  if (member != NULL)
    {
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "@protected in term \"%s\" is not allowed in JSON-LD 1.0", term);
          goto out;
        }
      if (!pp_jsonld_node_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROTECTED_VALUE,
                               "@protected of term \"%s\" must be true or false", term);
          goto out;
        }
      def->protected_ = json_node_get_boolean (member);
    }
  else
    def->protected_ = ls->protected_;

  /* @type */
  member = json_object_get_member (value, "@type");
  if (member != NULL)
    {
      const char *type = pp_jsonld_node_get_string_or_null (member);
      char *expanded = NULL;

      if (type == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                               "the @type of term \"%s\" is not a string", term);
          goto out;
        }

      if (!expand_iri (ls, active, type, FALSE, TRUE, &expanded, error))
        goto out;
      def->type = expanded;

      if (expanded == NULL ||
          (mode_1_0 && (strcmp (expanded, "@json") == 0 || strcmp (expanded, "@none") == 0)) ||
          (strcmp (expanded, "@id") != 0 && strcmp (expanded, "@vocab") != 0 &&
           strcmp (expanded, "@json") != 0 && strcmp (expanded, "@none") != 0 &&
           !pp_jsonld_iri_is_absolute (expanded)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                               "the @type \"%s\" of term \"%s\" is not an absolute IRI, "
                               "@id, @vocab%s", type, term,
                               mode_1_0 ? "" : ", @json or @none");
          goto out;
        }
    }

  /* @reverse */
  member = json_object_get_member (value, "@reverse");
  if (member != NULL)
    {
      const char *reverse = pp_jsonld_node_get_string_or_null (member);
      char *expanded = NULL;

      if (json_object_has_member (value, "@id") || json_object_has_member (value, "@nest"))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY,
                               "term \"%s\" has @reverse with @id or @nest", term);
          goto out;
        }
      if (reverse == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                               "the @reverse of term \"%s\" is not a string", term);
          goto out;
        }
      if (pp_jsonld_looks_like_keyword (reverse))
        {
          /* ignored, as a future keyword */
          ok = TRUE;
          goto defined_without_definition;
        }

      if (!expand_iri (ls, active, reverse, FALSE, TRUE, &expanded, error))
        goto out;
      def->iri = expanded;
      if (expanded == NULL || !is_iri_or_blank (expanded))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                               "the @reverse \"%s\" of term \"%s\" is not an IRI", reverse, term);
          goto out;
        }

      member = json_object_get_member (value, "@container");
      if (member != NULL)
        {
          const char *container = pp_jsonld_node_get_string_or_null (member);

          if (!pp_jsonld_node_is_null (member) &&
              g_strcmp0 (container, "@set") != 0 && g_strcmp0 (container, "@index") != 0)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY,
                                   "the @container of reverse term \"%s\" must be null, "
                                   "@set or @index", term);
              goto out;
            }
          if (container != NULL)
            def->container = strcmp (container, "@set") == 0 ?
                             PP_JSONLD_CONTAINER_SET : PP_JSONLD_CONTAINER_INDEX;
        }
      def->reverse = TRUE;
    }
  else
    {
      /* @id */
      member = json_object_get_member (value, "@id");
      if (member != NULL && !(pp_jsonld_node_is_string (member) &&
                              strcmp (json_node_get_string (member), term) == 0))
        {
          if (pp_jsonld_node_is_null (member))
            def->iri = NULL;
          else
            {
              const char *id = pp_jsonld_node_get_string_or_null (member);
              char *expanded = NULL;

              if (id == NULL)
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                       "the @id of term \"%s\" is not a string", term);
                  goto out;
                }
              if (!pp_jsonld_is_keyword (id) && pp_jsonld_looks_like_keyword (id))
                {
                  ok = TRUE;
                  goto defined_without_definition;
                }

              if (!expand_iri (ls, active, id, FALSE, TRUE, &expanded, error))
                goto out;
              def->iri = expanded;

              if (expanded == NULL ||
                  (!pp_jsonld_is_keyword (expanded) && !is_iri_or_blank (expanded)))
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                       "the @id \"%s\" of term \"%s\" is not an IRI, "
                                       "a blank node identifier nor a keyword", id, term);
                  goto out;
                }
              if (strcmp (expanded, "@context") == 0)
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_KEYWORD_ALIAS,
                                       "term \"%s\" cannot be an alias of @context", term);
                  goto out;
                }

              if (has_colon_inside (term) || strchr (term, '/') != NULL)
                {
                  g_autofree char *term_iri = NULL;

                  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));
                  if (!expand_iri (ls, active, term, FALSE, TRUE, &term_iri, error))
                    goto out;
                  if (g_strcmp0 (term_iri, expanded) != 0)
                    {
                      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                           "term \"%s\" has the form of an IRI and expands "
                                           "to %s, not to its @id %s", term,
                                           term_iri != NULL ? term_iri : "null", expanded);
                      goto out;
                    }
                  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINING));
                }

              if (strchr (term, ':') == NULL && strchr (term, '/') == NULL && simple_term &&
                  (pp_jsonld_iri_ends_with_gen_delim (expanded) ||
                   pp_jsonld_is_blank_node_id (expanded)))
                def->prefix = TRUE;
            }
        }
      else if (has_colon_inside (term) || (term[0] != ':' && strchr (term + 1, ':') != NULL))
        {
          const char *colon = strchr (term + 1, ':');
          g_autofree char *prefix = g_strndup (term, colon - term);
          const PpJsonldTermDef *prefix_def;

          if (json_object_has_member (ls->local, prefix))
            {
              if (!create_term_definition (ls, active, prefix, error))
                goto out;
            }

          prefix_def = g_hash_table_lookup (active->terms, prefix);
          if (prefix_def != NULL && prefix_def->iri != NULL)
            def->iri = g_strconcat (prefix_def->iri, colon + 1, NULL);
          else
            def->iri = g_strdup (term);
        }
      else if (strchr (term, '/') != NULL)
        {
          char *expanded = NULL;

          /* the term itself is being defined: no local dependencies */
          if (!expand_iri (NULL, active, term, FALSE, TRUE, &expanded, error))
            goto out;
          def->iri = expanded;
          if (expanded == NULL || !pp_jsonld_iri_is_absolute (expanded))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                   "term \"%s\" has the form of a relative IRI, "
                                   "which does not expand to an IRI", term);
              goto out;
            }
        }
      else if (strcmp (term, "@type") == 0)
        def->iri = g_strdup ("@type");
      else if (active->vocab != NULL)
        def->iri = g_strconcat (active->vocab, term, NULL);
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                               "term \"%s\" has no @id and there is no @vocab", term);
          goto out;
        }
    }

  /* @container */
  member = json_object_get_member (value, "@container");
  if (member != NULL && !def->reverse)
    {
      if (!parse_container (ls, active, term, member, &def->container, error))
        goto out;

      if (def->container & PP_JSONLD_CONTAINER_TYPE)
        {
          if (def->type == NULL)
            def->type = g_strdup ("@id");
          else if (strcmp (def->type, "@id") != 0 && strcmp (def->type, "@vocab") != 0)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                                   "term \"%s\" has an @type container, so its @type "
                                   "must be @id or @vocab, not %s", term, def->type);
              goto out;
            }
        }
    }

  /* @index */
  member = json_object_get_member (value, "@index");
  if (member != NULL)
    {
      const char *index = pp_jsonld_node_get_string_or_null (member);
      g_autofree char *expanded = NULL;

      if (mode_1_0 || !(def->container & PP_JSONLD_CONTAINER_INDEX))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" has @index without an @index container", term);
          goto out;
        }
      if (index == NULL || pp_jsonld_is_keyword (index) ||
          !expand_iri (ls, active, index, FALSE, TRUE, &expanded, error) ||
          expanded == NULL || !pp_jsonld_iri_is_absolute (expanded))
        {
          g_clear_error (error);
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "the @index of term \"%s\" must expand to an IRI", term);
          goto out;
        }
      def->index = g_strdup (index);
    }

  /* @context */
  member = json_object_get_member (value, "@context");
  if (member != NULL)
    {
      g_autoptr(PpJsonldContext) validated = NULL;
      g_autoptr(GError) local_error = NULL;
      ProcessState scoped_state = *ls->state;

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "scoped contexts (term \"%s\") are not allowed in JSON-LD 1.0",
                               term);
          goto out;
        }

      /* the context being defined changes still: do not cache on it */
      scoped_state.cache = NULL;
      scoped_state.depth++;
      validated = context_process (&scoped_state, active, member, ls->base_url,
                                   ls->remote_contexts, TRUE, TRUE, FALSE, &local_error);
      if (validated == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              g_error_matches (local_error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT) ||
              g_error_matches (local_error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_CONTEXT_OVERFLOW))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_SCOPED_CONTEXT,
                                 "the scoped context of term \"%s\" is invalid: %s",
                                 term, local_error->message);
          goto out;
        }

      if (json_node_is_immutable (member))
        def->context = json_node_ref (member);
      else
        {
          def->context = pp_jsonld_node_copy_deep (member);
          json_node_seal (def->context);
        }
      def->has_context = TRUE;
      def->base_url = g_strdup (ls->base_url);
    }

  /* @language */
  member = json_object_get_member (value, "@language");
  if (member != NULL && !json_object_has_member (value, "@type"))
    {
      if (!pp_jsonld_node_is_null (member) && !pp_jsonld_node_is_string (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_MAPPING,
                               "the @language of term \"%s\" is not a string nor null", term);
          goto out;
        }
      def->has_language = TRUE;
      if (pp_jsonld_node_is_string (member))
        def->language = g_ascii_strdown (json_node_get_string (member), -1);
    }

  /* @direction */
  member = json_object_get_member (value, "@direction");
  if (member != NULL && !json_object_has_member (value, "@type"))
    {
      const char *direction = pp_jsonld_node_get_string_or_null (member);

      if (pp_jsonld_node_is_null (member))
        def->direction = PP_JSONLD_DIRECTION_NULL;
      else if (g_strcmp0 (direction, "ltr") == 0)
        def->direction = PP_JSONLD_DIRECTION_LTR;
      else if (g_strcmp0 (direction, "rtl") == 0)
        def->direction = PP_JSONLD_DIRECTION_RTL;
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
                               "the @direction of term \"%s\" must be \"ltr\", \"rtl\" or null",
                               term);
          goto out;
        }
    }

  /* @nest */
  member = json_object_get_member (value, "@nest");
  if (member != NULL)
    {
      const char *nest = pp_jsonld_node_get_string_or_null (member);

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "@nest in term \"%s\" is not allowed in JSON-LD 1.0", term);
          goto out;
        }
      if (nest == NULL || (pp_jsonld_is_keyword (nest) && strcmp (nest, "@nest") != 0))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                               "the @nest of term \"%s\" must be a term or @nest", term);
          goto out;
        }
      def->nest = g_strdup (nest);
    }

  /* @prefix */
  member = json_object_get_member (value, "@prefix");
  if (member != NULL)
    {
      if (mode_1_0 || strchr (term, ':') != NULL || strchr (term, '/') != NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" cannot have @prefix", term);
          goto out;
        }
      if (!pp_jsonld_node_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PREFIX_VALUE,
                               "the @prefix of term \"%s\" must be true or false", term);
          goto out;
        }
      def->prefix = json_node_get_boolean (member);
      if (def->prefix && def->iri != NULL && pp_jsonld_is_keyword (def->iri))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" maps to the keyword %s and cannot be a prefix",
                               term, def->iri);
          goto out;
        }
    }

  /* protected terms */
  if (!ls->override_protected && previous != NULL && previous->protected_)
    {
      if (!term_def_equal (def, previous))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_PROTECTED_TERM_REDEFINITION,
                               "term \"%s\" is protected and cannot be redefined", term);
          goto out;
        }
      term_def_unref (def);
      def = term_def_ref (previous);
    }

  if (def->protected_)
    active->has_protected = TRUE;
  g_hash_table_replace (active->terms, def->term, def);
  def = NULL;
  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));
  ok = TRUE;
  goto out;

defined_without_definition:
  /* the term stays undefined */
  if (previous != NULL)
    g_hash_table_replace (active->terms, previous->term, term_def_ref (previous));
  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));

out:
  if (def != NULL)
    term_def_unref (def);
  if (previous != NULL)
    term_def_unref (previous);

  return ok;
}

/* Create Term Definition, with the chain of terms that the definition of
 * one term defines first bounded */
static gboolean
create_term_definition (LocalState       *ls,
                        PpJsonldContext  *active,
                        const char       *term,
                        GError          **error)
{
  gboolean ok;

  if (ls->state->term_chain >= MAX_TERM_CHAIN)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "term \"%s\" is defined through a chain of more than %u "
                           "terms defined one for another",
                           term, (guint) MAX_TERM_CHAIN);
      return FALSE;
    }

  ls->state->term_chain++;
  ok = define_term (ls, active, term, error);
  ls->state->term_chain--;

  return ok;
}

/* Context Processing */

static JsonNode *
load_context_document (ProcessState  *state,
                       const char    *iri,
                       gboolean       import,
                       char         **document_url,
                       GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) document = NULL;
  JsonNode *context;

  document = pp_document_loader_load (state->loader, iri, document_url,
                                      state->cancellable, &local_error);
  if (document == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_REMOTE_CONTEXT_FAILED,
                             "%s: %s", iri, local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (document) ||
      (context = json_object_get_member (json_node_get_object (document), "@context")) == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REMOTE_CONTEXT,
                           "%s is not an object with an @context entry", iri);
      return NULL;
    }

  if (import && !JSON_NODE_HOLDS_OBJECT (context))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REMOTE_CONTEXT,
                           "the @context of the imported %s is not an object", iri);
      return NULL;
    }

  /* document is sealed and shared: its members live as long as it does,
   * and the loader's cache keeps it */
  return json_node_ref (context);
}

static guint
cache_key_hash (gconstpointer key)
{
  const CacheEntry *entry = key;

  return g_direct_hash (entry->active) ^ (g_direct_hash (entry->local) * 31) ^
         (entry->base_url != NULL ? g_str_hash (entry->base_url) : 0) ^ entry->flags;
}

static gboolean
cache_key_equal (gconstpointer a,
                 gconstpointer b)
{
  const CacheEntry *ea = a, *eb = b;

  return ea->active == eb->active && ea->local == eb->local &&
         ea->flags == eb->flags && g_strcmp0 (ea->base_url, eb->base_url) == 0;
}

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  pp_jsonld_context_unref (entry->active);
  json_node_unref (entry->local);
  g_free (entry->base_url);
  g_clear_pointer (&entry->result, pp_jsonld_context_unref);
  g_free (entry);
}

/**
 * pp_jsonld_context_cache_new:
 *
 * Returns: (transfer full): a new, empty cache of processed contexts
 */
PpJsonldContextCache *
pp_jsonld_context_cache_new (void)
{
  PpJsonldContextCache *cache = g_new0 (PpJsonldContextCache, 1);

  cache->table = g_hash_table_new_full (cache_key_hash, cache_key_equal,
                                        cache_entry_free, NULL);
  return cache;
}

/**
 * pp_jsonld_context_cache_free:
 * @cache: (transfer full): a cache
 *
 * Frees @cache and releases the contexts it holds.
 */
void
pp_jsonld_context_cache_free (PpJsonldContextCache *cache)
{
  if (cache == NULL)
    return;

  g_hash_table_unref (cache->table);
  g_free (cache);
}

static gboolean
set_base (PpJsonldContext  *result,
          JsonNode         *node,
          GError          **error)
{
  const char *base = pp_jsonld_node_get_string_or_null (node);

  if (pp_jsonld_node_is_null (node))
    {
      g_clear_pointer (&result->base, g_free);
      return TRUE;
    }

  if (base == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_IRI,
                           "@base must be a string or null");
      return FALSE;
    }

  if (pp_jsonld_iri_is_absolute (base))
    {
      g_free (result->base);
      result->base = g_strdup (base);
    }
  else if (result->base != NULL)
    {
      char *resolved = pp_jsonld_iri_resolve (result->base, base);

      g_free (result->base);
      result->base = resolved;
    }
  else
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_IRI,
                           "the relative @base \"%s\" cannot be resolved without a base IRI",
                           base);
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_vocab (ProcessState     *state,
           PpJsonldContext  *result,
           JsonNode         *node,
           GError          **error)
{
  const char *vocab = pp_jsonld_node_get_string_or_null (node);
  char *expanded = NULL;

  if (pp_jsonld_node_is_null (node))
    {
      g_clear_pointer (&result->vocab, g_free);
      return TRUE;
    }

  if (vocab == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING,
                           "@vocab must be a string or null");
      return FALSE;
    }

  if (result->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0 && !is_iri_or_blank (vocab))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING,
                           "@vocab \"%s\" must be an absolute IRI in JSON-LD 1.0", vocab);
      return FALSE;
    }

  if (!expand_iri (NULL, result, vocab, TRUE, TRUE, &expanded, error))
    return FALSE;

  if (expanded == NULL || (!is_iri_or_blank (expanded) && pp_jsonld_is_keyword (expanded)))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING,
                           "@vocab \"%s\" is not an IRI nor a blank node identifier", vocab);
      g_free (expanded);
      return FALSE;
    }

  g_free (result->vocab);
  result->vocab = expanded;

  return TRUE;
}

static gboolean
process_definition (ProcessState     *state,
                    PpJsonldContext  *result,
                    JsonObject       *context,
                    const char       *base_url,
                    GPtrArray        *remote_contexts,
                    gboolean          from_remote,
                    gboolean          override_protected,
                    GError          **error)
{
  gboolean mode_1_0 = result->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  g_autoptr(JsonNode) imported = NULL;
  g_autoptr(JsonObject) merged = NULL;
  g_autoptr(GHashTable) defined = NULL;
  JsonObject *definition = context;
  JsonNode *member;
  JsonObjectIter iter;
  const char *key;
  LocalState ls;

  /* @version */
  member = json_object_get_member (context, "@version");
  if (member != NULL)
    {
      if (!pp_jsonld_node_is_number (member) || json_node_get_double (member) != 1.1)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_VERSION_VALUE,
                               "@version must be the number 1.1");
          return FALSE;
        }
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_PROCESSING_MODE_CONFLICT,
                               "@version 1.1 in a context processed as JSON-LD 1.0");
          return FALSE;
        }
    }

  /* @import */
  member = json_object_get_member (context, "@import");
  if (member != NULL)
    {
      const char *import = pp_jsonld_node_get_string_or_null (member);
      g_autofree char *iri = NULL;
      JsonObject *imported_object;

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "@import is not allowed in JSON-LD 1.0");
          return FALSE;
        }
      if (import == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IMPORT_VALUE,
                               "@import must be a string");
          return FALSE;
        }

      iri = pp_jsonld_iri_resolve (base_url, import);
      imported = load_context_document (state, iri, TRUE, NULL, error);
      if (imported == NULL)
        return FALSE;

      imported_object = json_node_get_object (imported);
      if (json_object_has_member (imported_object, "@import"))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "the imported context %s has an @import itself", iri);
          return FALSE;
        }

      /* the entries of context override those of the imported one; the
       * members are shared read-only, never changed */
      merged = json_object_new ();
      json_object_iter_init (&iter, imported_object);
      while (json_object_iter_next (&iter, &key, &member))
        json_object_set_member (merged, key, json_node_ref (member));
      json_object_iter_init (&iter, context);
      while (json_object_iter_next (&iter, &key, &member))
        json_object_set_member (merged, key, json_node_ref (member));
      definition = merged;
    }

  /* @base, only in contexts that are not remote */
  member = json_object_get_member (definition, "@base");
  if (member != NULL && !from_remote)
    {
      if (!set_base (result, member, error))
        return FALSE;
    }

  /* @vocab */
  member = json_object_get_member (definition, "@vocab");
  if (member != NULL && !set_vocab (state, result, member, error))
    return FALSE;

  /* @language */
  member = json_object_get_member (definition, "@language");
  if (member != NULL)
    {
      if (pp_jsonld_node_is_null (member))
        g_clear_pointer (&result->default_language, g_free);
      else if (pp_jsonld_node_is_string (member))
        {
          g_free (result->default_language);
          result->default_language = g_ascii_strdown (json_node_get_string (member), -1);
        }
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_DEFAULT_LANGUAGE,
                               "@language must be a string or null");
          return FALSE;
        }
    }

  /* @direction */
  member = json_object_get_member (definition, "@direction");
  if (member != NULL)
    {
      const char *direction = pp_jsonld_node_get_string_or_null (member);

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "@direction is not allowed in JSON-LD 1.0");
          return FALSE;
        }
      if (pp_jsonld_node_is_null (member))
        result->default_direction = PP_JSONLD_DIRECTION_UNSET;
      else if (g_strcmp0 (direction, "ltr") == 0)
        result->default_direction = PP_JSONLD_DIRECTION_LTR;
      else if (g_strcmp0 (direction, "rtl") == 0)
        result->default_direction = PP_JSONLD_DIRECTION_RTL;
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
                               "@direction must be \"ltr\", \"rtl\" or null");
          return FALSE;
        }
    }

  /* @propagate: its value was used by the caller */
  member = json_object_get_member (definition, "@propagate");
  if (member != NULL)
    {
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY,
                               "@propagate is not allowed in JSON-LD 1.0");
          return FALSE;
        }
      if (!pp_jsonld_node_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROPAGATE_VALUE,
                               "@propagate must be true or false");
          return FALSE;
        }
    }

  /* @protected */
  member = json_object_get_member (definition, "@protected");
  if (member != NULL && !pp_jsonld_node_is_boolean (member))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROTECTED_VALUE,
                           "@protected must be true or false");
      return FALSE;
    }

  defined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  ls.state = state;
  ls.local = definition;
  ls.defined = defined;
  ls.base_url = base_url;
  ls.protected_ = member != NULL && json_node_get_boolean (member);
  ls.override_protected = override_protected;
  ls.remote_contexts = remote_contexts;

  json_object_iter_init (&iter, definition);
  while (json_object_iter_next (&iter, &key, NULL))
    {
      if (strcmp (key, "@base") == 0 || strcmp (key, "@direction") == 0 ||
          strcmp (key, "@import") == 0 || strcmp (key, "@language") == 0 ||
          strcmp (key, "@propagate") == 0 || strcmp (key, "@protected") == 0 ||
          strcmp (key, "@version") == 0 || strcmp (key, "@vocab") == 0)
        continue;

      if (!create_term_definition (&ls, result, key, error))
        return FALSE;
    }

  return TRUE;
}

/* the local context as a cache key: only sealed nodes, which cannot change */
static PpJsonldContext *
cache_lookup (ProcessState    *state,
              CacheEntry      *key)
{
  CacheEntry *entry;

  if (state->cache == NULL || !json_node_is_immutable (key->local))
    return NULL;

  entry = g_hash_table_lookup (state->cache->table, key);
  return entry != NULL ? pp_jsonld_context_ref (entry->result) : NULL;
}

static void
cache_store (ProcessState    *state,
             CacheEntry      *key,
             PpJsonldContext *result)
{
  CacheEntry *entry;

  if (state->cache == NULL || !json_node_is_immutable (key->local))
    return;

  entry = g_new0 (CacheEntry, 1);
  entry->active = pp_jsonld_context_ref (key->active);
  entry->local = json_node_ref (key->local);
  entry->base_url = g_strdup (key->base_url);
  entry->flags = key->flags;
  entry->result = pp_jsonld_context_ref (result);
  g_hash_table_replace (state->cache->table, entry, entry);
}

/* whether @ctx is a context before any local context */
static gboolean
context_is_initial (PpJsonldContext *ctx)
{
  return g_hash_table_size (ctx->terms) == 0 && ctx->vocab == NULL &&
         ctx->default_language == NULL &&
         ctx->default_direction == PP_JSONLD_DIRECTION_UNSET &&
         ctx->previous == NULL && g_strcmp0 (ctx->base, ctx->original_base) == 0;
}

/* Serialises the processing of remote contexts on initial contexts */
static GRecMutex initial_remote_lock;

static gpointer
context_ref_func (gpointer data)
{
  return pp_jsonld_context_ref (data);
}

static PpJsonldContext *
context_process (ProcessState     *state,
                 PpJsonldContext  *active,
                 JsonNode         *local_context,
                 const char       *base_url,
                 GPtrArray        *remote_contexts_in,
                 gboolean          override_protected,
                 gboolean          propagate,
                 gboolean          validate_scoped,
                 GError          **error)
{
  g_autoptr(PpJsonldContext) result = NULL;
  g_autoptr(GPtrArray) remote_contexts = NULL;
  gboolean writable = FALSE;
  CacheEntry key = { 0, };
  JsonArray *array = NULL;
  guint i, n;

  if (g_cancellable_set_error_if_cancelled (state->cancellable, error))
    return NULL;

  if (state->depth >= MAX_CONTEXT_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "contexts nest deeper than %u levels", MAX_CONTEXT_DEPTH);
      return NULL;
    }

  if (++*state->n_processed > MAX_CONTEXTS_PROCESSED)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "more than %u contexts to process", MAX_CONTEXTS_PROCESSED);
      return NULL;
    }

  key.active = active;
  key.local = local_context;
  key.base_url = (char *) base_url;
  key.flags = (override_protected ? 1 : 0) | (propagate ? 2 : 0) | (validate_scoped ? 4 : 0);
  result = cache_lookup (state, &key);
  if (result != NULL)
    return g_steal_pointer (&result);

  remote_contexts = g_ptr_array_new_with_free_func (g_free);
  if (remote_contexts_in != NULL)
    for (i = 0; i < remote_contexts_in->len; i++)
      g_ptr_array_add (remote_contexts, g_strdup (g_ptr_array_index (remote_contexts_in, i)));

  if (JSON_NODE_HOLDS_OBJECT (local_context))
    {
      JsonNode *member = json_object_get_member (json_node_get_object (local_context),
                                                 "@propagate");

      if (member != NULL)
        {
          if (!pp_jsonld_node_is_boolean (member))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROPAGATE_VALUE,
                                   "@propagate must be true or false");
              return NULL;
            }
          propagate = json_node_get_boolean (member);
        }
    }

  result = pp_jsonld_context_ref (active);
  if (!propagate && result->previous == NULL)
    {
      g_autoptr(PpJsonldContext) copy = context_copy (result);

      copy->previous = pp_jsonld_context_ref (active);
      g_clear_pointer (&result, pp_jsonld_context_unref);
      result = g_steal_pointer (&copy);
      writable = TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (local_context))
    {
      array = json_node_get_array (local_context);
      n = json_array_get_length (array);
    }
  else
    n = 1;

  for (i = 0; i < n; i++)
    {
      JsonNode *context = array != NULL ? json_array_get_element (array, i) : local_context;

      if (pp_jsonld_node_is_null (context))
        {
          PpJsonldContext *fresh;

          if (!override_protected && result->has_protected)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTEXT_NULLIFICATION,
                                   "a context with protected terms cannot be set to null");
              return NULL;
            }

          fresh = context_alloc ();
          fresh->base = g_strdup (active->original_base);
          fresh->original_base = g_strdup (active->original_base);
          fresh->processing_mode = active->processing_mode;
          if (!propagate)
            fresh->previous = pp_jsonld_context_ref (result->previous != NULL ?
                                                     result->previous : result);
          g_clear_pointer (&result, pp_jsonld_context_unref);
          result = fresh;
          writable = TRUE;
        }
      else if (pp_jsonld_node_is_string (context))
        {
          const char *str = json_node_get_string (context);
          g_autofree char *iri = pp_jsonld_iri_resolve (base_url, str);
          g_autofree char *document_url = NULL;
          g_autofree char *derived_key = NULL;
          g_autoptr(JsonNode) loaded = NULL;
          PpJsonldContext *processed;
          gboolean seen = FALSE;
          guint j;

          for (j = 0; j < remote_contexts->len; j++)
            if (strcmp (g_ptr_array_index (remote_contexts, j), iri) == 0)
              seen = TRUE;

          if (!validate_scoped && seen)
            continue;

          if (remote_contexts->len >= MAX_REMOTE_CONTEXTS)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                                   "more than %u remote contexts nested, at %s",
                                   MAX_REMOTE_CONTEXTS, iri);
              return NULL;
            }
          g_ptr_array_add (remote_contexts, g_strdup (iri));

          /* a remote context on top of an initial context, the common case,
           * is processed once per loader: remember it there */
          if (context_is_initial (result))
            {
              derived_key = g_strdup_printf ("context|%d|%d|%s|%s", result->processing_mode,
                                             validate_scoped, result->base != NULL ?
                                             result->base : "", iri);
              processed = pp_document_loader_get_derived (state->loader, derived_key,
                                                          context_ref_func);
              if (processed != NULL)
                {
                  g_clear_pointer (&result, pp_jsonld_context_unref);
                  result = processed;
                  writable = FALSE;
                  continue;
                }
            }

          /* Many threads starting at once would all miss and process the
           * same context: one processes it, the others wait and reuse it.
           * Recursive, as a remote context may begin with another one. */
          if (derived_key != NULL)
            {
              g_rec_mutex_lock (&initial_remote_lock);
              processed = pp_document_loader_get_derived (state->loader, derived_key,
                                                          context_ref_func);
              if (processed != NULL)
                {
                  g_rec_mutex_unlock (&initial_remote_lock);
                  g_clear_pointer (&result, pp_jsonld_context_unref);
                  result = processed;
                  writable = FALSE;
                  continue;
                }
            }

          loaded = load_context_document (state, iri, FALSE, &document_url, error);
          if (loaded != NULL)
            {
              state->depth++;
              processed = context_process (state, result, loaded,
                                           document_url != NULL ? document_url : iri,
                                           remote_contexts, FALSE, TRUE, validate_scoped, error);
              state->depth--;
            }
          else
            processed = NULL;

          if (processed != NULL && derived_key != NULL)
            pp_document_loader_set_derived (state->loader, derived_key,
                                            pp_jsonld_context_ref (processed),
                                            (GDestroyNotify) pp_jsonld_context_unref);
          if (derived_key != NULL)
            g_rec_mutex_unlock (&initial_remote_lock);
          if (processed == NULL)
            return NULL;

          g_clear_pointer (&result, pp_jsonld_context_unref);
          result = processed;
          writable = FALSE;
        }
      else if (JSON_NODE_HOLDS_OBJECT (context))
        {
          if (!writable)
            {
              PpJsonldContext *copy = context_copy (result);

              g_clear_pointer (&result, pp_jsonld_context_unref);
              result = copy;
              writable = TRUE;
            }

          /* the cached views of result are stale */
          g_clear_pointer (&result->vocab_cache, g_hash_table_unref);
          g_clear_pointer (&result->sorted_terms, g_ptr_array_unref);

          if (!process_definition (state, result, json_node_get_object (context), base_url,
                                   remote_contexts,
                                   remote_contexts_in != NULL && remote_contexts_in->len > 0,
                                   override_protected, error))
            return NULL;
        }
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LOCAL_CONTEXT,
                               "a context must be null, a string or an object");
          return NULL;
        }
    }

  cache_store (state, &key, result);

  return g_steal_pointer (&result);
}

static PpDocumentLoader *
get_loader (PpJsonldOptions *options)
{
  PpDocumentLoader *loader = options != NULL ? pp_jsonld_options_get_document_loader (options) : NULL;

  return loader != NULL ? loader : pp_document_loader_get_default ();
}

/**
 * pp_jsonld_context_process_cached:
 * @cache: (nullable): a cache of processed contexts
 * @active: the active context
 * @local_context: the local context
 * @base_url: (nullable): the base URL of the local context
 * @override_protected: whether protected terms may be redefined
 * @propagate: whether the result is propagated into nested nodes
 * @options: (nullable): the options, for the document loader
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The Context Processing algorithm, reusing the results of @cache when
 * @local_context is sealed. Unlike pp_jsonld_context_process(), this does
 * not check @local_context for invalid UTF-8: it is meant for contexts
 * found in a document that was checked as a whole.
 *
 * Returns: (transfer full): the new active context, or %NULL on error
 */
PpJsonldContext *
pp_jsonld_context_process_cached (PpJsonldContextCache *cache,
                                  PpJsonldContext      *active,
                                  JsonNode             *local_context,
                                  const char           *base_url,
                                  gboolean              override_protected,
                                  gboolean              propagate,
                                  PpJsonldOptions      *options,
                                  GCancellable         *cancellable,
                                  GError              **error)
{
  guint n_processed = 0;
  ProcessState state = { options, get_loader (options), cancellable, cache, 0, 0, &n_processed };

  g_return_val_if_fail (active != NULL, NULL);
  g_return_val_if_fail (local_context != NULL, NULL);

  return context_process (&state, active, local_context, base_url, NULL,
                          override_protected, propagate, TRUE, error);
}

/**
 * pp_jsonld_context_process:
 * @active: the active context
 * @local_context: the local context: null, an IRI, an object or an array
 *   of them
 * @base_url: (nullable): the base URL of the local context
 * @remote_contexts: (nullable) (element-type utf8): the remote contexts
 *   being processed; %NULL from the outside
 * @override_protected: whether protected terms may be redefined
 * @propagate: whether the result is propagated into nested nodes
 * @validate_scoped: whether scoped contexts are validated (%TRUE from the
 *   outside)
 * @options: (nullable): the options, for the document loader
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The Context Processing algorithm. @active is not changed. A local
 * context that is not sealed is first checked for invalid UTF-8 and
 * excessive nesting (%PP_JSONLD_ERROR_INVALID_INPUT).
 *
 * Returns: (transfer full): the new active context, or %NULL on error
 */
PpJsonldContext *
pp_jsonld_context_process (PpJsonldContext  *active,
                           JsonNode         *local_context,
                           const char       *base_url,
                           GPtrArray        *remote_contexts,
                           gboolean          override_protected,
                           gboolean          propagate,
                           gboolean          validate_scoped,
                           PpJsonldOptions  *options,
                           GCancellable     *cancellable,
                           GError          **error)
{
  guint n_processed = 0;
  ProcessState state = { options, get_loader (options), cancellable, NULL, 0, 0, &n_processed };

  g_return_val_if_fail (active != NULL, NULL);
  g_return_val_if_fail (local_context != NULL, NULL);

  /* sealed nodes come from the loader or from term definitions, which
   * were checked already */
  if (!json_node_is_immutable (local_context) &&
      !pp_jsonld_node_validate_utf8 (local_context, PP_JSONLD_MAX_DEPTH, error))
    return NULL;

  return context_process (&state, active, local_context, base_url, remote_contexts,
                          override_protected, propagate, validate_scoped, error);
}
