/* pp-jsonld-context.c: active contexts, term definitions and IRI expansion
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-context-process-private.h"

#include <string.h>

/* a NULL result in the expansion cache */
static const char null_iri[] = "";

static void
free_cached_iri (gpointer data)
{
  if (data != null_iri)
    g_free (data);
}

/**
 * pp_jsonld_str_hash:
 * @str: a NUL-terminated string
 *
 * A hash of @str for tables keyed by terms and IRIs: a word at a time, as
 * IRIs are long and share their beginning (g_str_hash() takes a byte at a
 * time).
 *
 * Returns: the hash of @str
 */
guint
pp_jsonld_str_hash (gconstpointer str)
{
  return pp_json_string_hash (str, strlen (str));
}

/* Term definitions */

PpJsonldTermDef *
pp_jsonld_term_def_new (const char *term)
{
  gsize length = strlen (term);
  PpJsonldTermDef *def = g_malloc0 (sizeof (PpJsonldTermDef) + length + 1);

  /* the term right after the definition, in the same block */
  memcpy (def + 1, term, length + 1);
  def->term = (const char *) (def + 1);
  def->ref_count = 1;
  def->direction = PP_JSONLD_DIRECTION_UNSET;

  return def;
}

PpJsonldTermDef *
pp_jsonld_term_def_ref (PpJsonldTermDef *def)
{
  g_atomic_int_inc (&def->ref_count);
  return def;
}

void
pp_jsonld_term_def_unref (gpointer data)
{
  PpJsonldTermDef *def = data;

  if (!g_atomic_int_dec_and_test (&def->ref_count))
    return;

  g_free (def->iri);
  g_free (def->base_url);
  g_clear_pointer (&def->context, json_node_unref);
  g_free (def->index);
  g_free (def->language);
  g_free (def->nest);
  if (!pp_json_is_interned_keyword (def->type))
    g_free (def->type);
  g_free (def);
}

/* equality of two definitions but for the protected flag */
gboolean
pp_jsonld_term_def_equal (const PpJsonldTermDef *a,
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

PpJsonldContext *
pp_jsonld_context_alloc (void)
{
  PpJsonldContext *ctx = g_new0 (PpJsonldContext, 1);

  ctx->ref_count = 1;
  ctx->terms = g_hash_table_new_full (pp_jsonld_str_hash, g_str_equal, NULL,
                                      pp_jsonld_term_def_unref);
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
  PpJsonldContext *ctx = pp_jsonld_context_alloc ();

  if (options != NULL)
    {
      ctx->base = g_strdup (pp_jsonld_options_get_base (options));
      ctx->original_base = g_strdup (ctx->base);
      ctx->processing_mode = pp_jsonld_options_get_processing_mode (options);
    }

  return ctx;
}

PpJsonldContext *
pp_jsonld_context_copy (PpJsonldContext *src)
{
  PpJsonldContext *ctx = pp_jsonld_context_alloc ();
  GHashTableIter iter;
  gpointer value;

  /* the definitions are shared, immutable */
  g_hash_table_iter_init (&iter, src->terms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      PpJsonldTermDef *def = value;

      g_hash_table_insert (ctx->terms, (gpointer) def->term, pp_jsonld_term_def_ref (def));
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

gboolean
pp_jsonld_context_has_scoped_terms (PpJsonldContext *context)
{
  gint state;

  g_return_val_if_fail (context != NULL, FALSE);

  /* a context is immutable once processed, so threads that race here
   * find the same answer: no lock */
  state = g_atomic_int_get (&context->scoped_terms);
  if (state == 0)
    {
      GHashTableIter iter;
      gpointer value;

      state = 1;
      g_hash_table_iter_init (&iter, context->terms);
      while (state == 1 && g_hash_table_iter_next (&iter, NULL, &value))
        if (value != NULL && ((const PpJsonldTermDef *) value)->has_context)
          state = 2;

      g_atomic_int_set (&context->scoped_terms, state);
    }

  return state == 2;
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

/* Defines @term first if the local context of @ls (nullable) has it and
 * it is not defined yet */
static gboolean
define_local_term (LocalState       *ls,
                   PpJsonldContext  *active,
                   const char       *term,
                   GError          **error)
{
  LocalTerm *lt = ls != NULL ? g_hash_table_lookup (ls->local, term) : NULL;

  if (lt == NULL || lt->state == DEFINED)
    return TRUE;

  return pp_jsonld_context_create_term (ls, active, lt->term, error);
}

/*
 * pp_jsonld_context_expand_iri_local:
 *
 * IRI Expansion with the local context and defined map of Create Term
 * Definition. Sets *result to a new string, or NULL for null.
 */
gboolean
pp_jsonld_context_expand_iri_local (LocalState       *ls,
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

  if (!define_local_term (ls, active, value, error))
    return FALSE;

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
      /* most prefixes are short: no allocation for them */
      char short_prefix[64];
      g_autofree char *long_prefix = NULL;
      gsize prefix_len = colon - value;
      char *prefix = prefix_len < sizeof short_prefix ? short_prefix
                                                      : (long_prefix = g_malloc (prefix_len + 1));
      const char *suffix = colon + 1;
      const PpJsonldTermDef *prefix_def;

      memcpy (prefix, value, prefix_len);
      prefix[prefix_len] = '\0';

      if (strcmp (prefix, "_") == 0 || g_str_has_prefix (suffix, "//"))
        {
          *result = g_strdup (value);
          return TRUE;
        }

      if (!define_local_term (ls, active, prefix, error))
        return FALSE;

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

  pp_jsonld_context_expand_iri_local (NULL, context, value, document_relative, vocab, &result, error);

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

  pp_jsonld_context_expand_iri_local (NULL, context, value, FALSE, TRUE, &result, NULL);

  if (result != NULL && strcmp (result, value) == 0)
    {
      g_free (result);
      return value;
    }

  g_mutex_lock (&context->lock);
  if (context->vocab_cache == NULL)
    context->vocab_cache = g_hash_table_new_full (pp_jsonld_str_hash, g_str_equal,
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
