/* pp-jsonld-compact-iri.c: the IRI Compaction algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-compaction-private.h"
#include "pp-jsonld-iri-private.h"

/* shortest first, then code point order */
static gboolean
shorter_or_least (const char *candidate,
                  gsize       candidate_length,
                  const char *best,
                  gsize       best_length)
{
  if (candidate_length != best_length)
    return candidate_length < best_length;

  return strcmp (candidate, best) < 0;
}

/* Step 9: the shortest compact IRI "prefix:suffix" for @var (of
 * @var_length bytes) that is not a term already (unless, without a value,
 * a term for @var itself), or NULL */
static const char *
best_compact_iri (PpJsonldCompaction *c,
                  PpJsonldContext    *context,
                  const char         *var,
                  gsize               var_length,
                  const PpJsonValue  *value)
{
  PpJsonldInverseContext *inverse = pp_jsonld_compaction_get_inverse (c, context);
  g_autoptr(GString) candidate = NULL;
  g_autofree char *best = NULL;
  gsize best_length = 0;
  const PpJsonldPrefix *prefixes;
  guint n_prefixes;

  if (!pp_jsonld_inverse_context_may_have_prefix (inverse, var))
    return NULL;

  prefixes = pp_jsonld_inverse_context_get_prefixes (inverse, &n_prefixes);

  for (guint i = 0; i < n_prefixes; i++)
    {
      const PpJsonldPrefix *prefix = &prefixes[i];
      gsize length = prefix->iri_length;
      const PpJsonldTermDef *candidate_def;

      /* a prefix IRI ends with a delimiter: test that one first */
      if (length == 0 || length >= var_length ||
          var[length - 1] != prefix->iri[length - 1] ||
          memcmp (var, prefix->iri, length - 1) != 0)
        continue;

      if (candidate == NULL)
        candidate = g_string_sized_new (64);
      g_string_assign (candidate, prefix->term);
      g_string_append_c (candidate, ':');
      g_string_append_len (candidate, var + length, var_length - length);

      if (best != NULL && !shorter_or_least (candidate->str, candidate->len, best, best_length))
        continue;

      candidate_def = pp_jsonld_context_get_term (context, candidate->str);
      if (candidate_def == NULL ||
          (value == NULL && pp_jsonld_str_equal0 (candidate_def->iri, var)))
        {
          g_free (best);
          best = g_strndup (candidate->str, candidate->len);
          best_length = candidate->len;
        }
    }

  return best != NULL ? pp_json_arena_intern_len (c->arena, best, best_length) : NULL;
}

/* The IRI Compaction algorithm, without the memo */
static const char *
compact_iri (PpJsonldCompaction  *c,
             PpJsonldContext     *context,
             const char          *var,
             const PpJsonValue   *value,
             gboolean             vocab,
             gboolean             reverse,
             GError             **error)
{
  const char *best;
  const char *colon;

  g_assert (var != NULL);

  if (vocab && pp_jsonld_inverse_context_has_iri (pp_jsonld_compaction_get_inverse (c, context), var))
    {
      GError *local_error = NULL;
      const char *term = pp_jsonld_compaction_select_term (c, context, var, value,
                                                           reverse, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      if (term != NULL)
        return pp_json_arena_intern (c->arena, term);
    }

  if (vocab && context->vocab != NULL)
    {
      size_t length = strlen (context->vocab);

      if (strncmp (var, context->vocab, length) == 0 && var[length] != '\0' &&
          pp_jsonld_context_get_term (context, var + length) == NULL)
        return pp_json_arena_intern (c->arena, var + length);
    }

  best = best_compact_iri (c, context, var, strlen (var), value);
  if (best != NULL)
    return best;

  /* an IRI whose scheme is a prefix would read back as a compact IRI */
  colon = strchr (var, ':');
  if (colon != NULL && colon != var && !(colon[1] == '/' && colon[2] == '/'))
    {
      /* most schemes are short: no allocation for them */
      char short_scheme[64];
      g_autofree char *long_scheme = NULL;
      gsize scheme_length = colon - var;
      char *scheme = scheme_length < sizeof short_scheme ?
                     short_scheme : (long_scheme = g_malloc (scheme_length + 1));
      const PpJsonldTermDef *def;

      memcpy (scheme, var, scheme_length);
      scheme[scheme_length] = '\0';
      def = pp_jsonld_context_get_term (context, scheme);

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
      g_autofree char *relative = pp_jsonld_iri_make_relative (var, context->base);

      if (pp_jsonld_looks_like_keyword (relative))
        {
          g_autofree char *dotted = g_strconcat ("./", relative, NULL);

          return pp_json_arena_intern (c->arena, dotted);
        }
      return pp_json_arena_intern (c->arena, relative);
    }

  return pp_json_arena_intern (c->arena, var);
}

/* {{{ the memo */

/* The memo of IRI Compaction with vocab, for one active context: the same
 * keywords, types and property names come back for every node, with
 * values of a few shapes. Bounded: IRIs past MEMO_MAX_IRIS, and shapes
 * past MEMO_MAX_SHAPES for one IRI, are compacted every time. */
#define MEMO_MAX_IRIS 4096
#define MEMO_MAX_SHAPES 8

typedef struct {
  PpJsonldValueShape  shape;
  char               *detail;      /* the type or language, or NULL */
  char               *compacted;
  const char         *interned;    /* in the memo's arena, for generation */
  guint               generation;
} MemoResult;

typedef struct {
  gboolean    has_term;            /* a term maps to the IRI: only then does
                                    * the value matter */
  guint       n_results;
  MemoResult  results[MEMO_MAX_SHAPES];
} IriMemo;

static void
iri_memo_free (gpointer data)
{
  IriMemo *memo = data;

  for (guint i = 0; i < memo->n_results; i++)
    {
      g_free (memo->results[i].detail);
      g_free (memo->results[i].compacted);
    }
  g_free (memo);
}

/* The memo of @var for @context, made on first use; NULL when the memo
 * is full */
static IriMemo *
get_iri_memo (PpJsonldCompaction *c,
              PpJsonldContext    *context,
              const char         *var)
{
  IriMemo *memo;

  if (context != c->memo_owner)
    {
      /* hold the context: an address must not come back for another one */
      g_clear_pointer (&c->memo_owner, pp_jsonld_context_unref);
      c->memo_owner = pp_jsonld_context_ref (context);
      if (c->memo != NULL)
        g_hash_table_remove_all (c->memo);
    }

  if (c->memo == NULL)
    c->memo = g_hash_table_new_full (pp_jsonld_str_hash, g_str_equal, g_free, iri_memo_free);

  memo = g_hash_table_lookup (c->memo, var);
  if (memo != NULL || g_hash_table_size (c->memo) >= MEMO_MAX_IRIS)
    return memo;

  memo = g_new0 (IriMemo, 1);
  memo->has_term = pp_jsonld_inverse_context_has_iri (pp_jsonld_compaction_get_inverse (c, context),
                                                      var);
  g_hash_table_insert (c->memo, g_strdup (var), memo);

  return memo;
}

/* @result interned in the run's arena: once per arena (see
 * pp_jsonld_compaction_begin()) */
static const char *
memo_result_intern (PpJsonldCompaction *c,
                    MemoResult         *result)
{
  g_assert (c->arena == c->memo_arena);

  if (result->interned == NULL || result->generation != c->memo_generation)
    {
      result->interned = pp_json_arena_intern (c->arena, result->compacted);
      result->generation = c->memo_generation;
    }

  return result->interned;
}

/* }}} */

const char *
pp_jsonld_compaction_compact_iri (PpJsonldCompaction  *c,
                                  PpJsonldContext     *context,
                                  const char          *var,
                                  const PpJsonValue   *value,
                                  gboolean             vocab,
                                  gboolean             reverse,
                                  GError             **error)
{
  PpJsonldValueShape shape = PP_JSONLD_VALUE_SHAPE_NONE;
  const char *detail = NULL;
  const char *compacted;
  IriMemo *memo;
  MemoResult *result;

  /* identifiers: seldom the same twice */
  if (!vocab || (value == NULL && reverse))
    return compact_iri (c, context, var, value, vocab, reverse, error);

  memo = get_iri_memo (c, context, var);
  if (memo == NULL)
    return compact_iri (c, context, var, value, vocab, reverse, error);

  /* without a term for @var, Term Selection is not run: the value and
   * the reverse flag do not matter */
  if (value != NULL && memo->has_term &&
      !pp_jsonld_compaction_get_value_shape (c, context, value, reverse, &shape, &detail, error))
    return NULL;

  if (shape == PP_JSONLD_VALUE_SHAPE_OTHER)
    return compact_iri (c, context, var, value, TRUE, reverse, error);

  for (guint i = 0; i < memo->n_results; i++)
    {
      result = &memo->results[i];
      if (result->shape == shape && g_strcmp0 (result->detail, detail) == 0)
        return memo_result_intern (c, result);
    }

  if (shape == PP_JSONLD_VALUE_SHAPE_NONE)
    compacted = compact_iri (c, context, var, NULL, TRUE, FALSE, error);
  else
    compacted = compact_iri (c, context, var, value, TRUE, reverse, error);

  if (compacted == NULL || memo->n_results == MEMO_MAX_SHAPES)
    return compacted;

  result = &memo->results[memo->n_results++];
  result->shape = shape;
  result->detail = g_strdup (detail);
  result->compacted = g_strdup (compacted);
  result->interned = NULL;

  return memo_result_intern (c, result);
}

const char *
pp_jsonld_compaction_compact_keyword (PpJsonldCompaction  *c,
                                      PpJsonldContext     *context,
                                      const char          *keyword,
                                      GError             **error)
{
  return pp_jsonld_compaction_compact_iri (c, context, keyword, NULL, TRUE, FALSE, error);
}
