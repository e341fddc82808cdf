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
 * a term for @var itself), or NULL. The candidates are built in
 * @candidate. */
static const char *
best_compact_iri (PpJsonldCompaction *c,
                  PpJsonldContext    *context,
                  const char         *var,
                  gsize               var_length,
                  const PpJsonValue  *value,
                  GString            *candidate)
{
  guint n_prefixes;
  const PpJsonldPrefix *prefixes =
    pp_jsonld_inverse_context_get_prefixes (pp_jsonld_compaction_get_inverse (c, context),
                                            &n_prefixes);
  g_autofree char *best = NULL;
  gsize best_length = 0;

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

      g_string_assign (candidate, prefix->term);
      g_string_append_c (candidate, ':');
      g_string_append_len (candidate, var + length, var_length - length);

      if (best != NULL && !shorter_or_least (candidate->str, candidate->len, best, best_length))
        continue;

      candidate_def = pp_jsonld_compaction_get_term (context, candidate->str);
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
  g_autoptr(GString) candidate = NULL;
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
          pp_jsonld_compaction_get_term (context, var + length) == NULL)
        return pp_json_arena_intern (c->arena, var + length);
    }

  candidate = g_string_sized_new (64);
  best = best_compact_iri (c, context, var, strlen (var), value, candidate);
  if (best != NULL)
    return best;

  /* an IRI whose scheme is a prefix would read back as a compact IRI */
  colon = strchr (var, ':');
  if (colon != NULL && colon != var && !g_str_has_prefix (colon + 1, "//"))
    {
      const PpJsonldTermDef *def;

      g_string_assign (candidate, "");
      g_string_append_len (candidate, var, colon - var);
      def = pp_jsonld_compaction_get_term (context, candidate->str);
      if (def != NULL && def->prefix)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_IRI_CONFUSED_WITH_PREFIX,
                               "the IRI “%s” would be read as a compact IRI with "
                               "the prefix “%s”", var, candidate->str);
          return NULL;
        }
    }

  if (!vocab && c->compact_to_relative && context->base != NULL &&
      !pp_jsonld_is_blank_node_id (var))
    {
      g_autofree char *relative = pp_jsonld_iri_make_relative (var, context->base);

      if (pp_jsonld_looks_like_keyword (relative))
        {
          g_string_assign (candidate, "./");
          g_string_append (candidate, relative);
          return pp_json_arena_intern_len (c->arena, candidate->str, candidate->len);
        }
      return pp_json_arena_intern (c->arena, relative);
    }

  return pp_json_arena_intern (c->arena, var);
}

/* The memo of IRI Compaction with vocab and no value for @context: the
 * same keywords, types and property names come back for every node */
static GHashTable *
get_memo (PpJsonldCompaction *c,
          PpJsonldContext    *context)
{
  if (context != c->memo_owner)
    {
      /* hold the context: an address must not come back for another one */
      g_clear_pointer (&c->memo_owner, pp_jsonld_context_unref);
      c->memo_owner = pp_jsonld_context_ref (context);
      if (c->memo != NULL)
        g_hash_table_remove_all (c->memo);
    }

  if (c->memo == NULL)
    c->memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  return c->memo;
}

const char *
pp_jsonld_compaction_compact_iri (PpJsonldCompaction  *c,
                                  PpJsonldContext     *context,
                                  const char          *var,
                                  const PpJsonValue   *value,
                                  gboolean             vocab,
                                  gboolean             reverse,
                                  GError             **error)
{
  GHashTable *memo;
  const char *compacted;

  if (!vocab || value != NULL || reverse)
    return compact_iri (c, context, var, value, vocab, reverse, error);

  memo = get_memo (c, context);
  compacted = g_hash_table_lookup (memo, var);
  if (compacted != NULL)
    return pp_json_arena_intern (c->arena, compacted);

  compacted = compact_iri (c, context, var, NULL, TRUE, FALSE, error);
  if (compacted != NULL)
    g_hash_table_insert (memo, g_strdup (var), g_strdup (compacted));

  return compacted;
}

const char *
pp_jsonld_compaction_compact_keyword (PpJsonldCompaction  *c,
                                      PpJsonldContext     *context,
                                      const char          *keyword,
                                      GError             **error)
{
  return pp_jsonld_compaction_compact_iri (c, context, keyword, NULL, TRUE, FALSE, error);
}
