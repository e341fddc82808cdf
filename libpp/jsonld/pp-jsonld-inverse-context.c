/* pp-jsonld-inverse-context.c: Inverse Context Creation and Term Selection
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The inverse context of an active context maps each IRI to the terms that
 * can compact it, keyed by container mapping and by type or language (and
 * direction) mapping. It is built once per active context, the first time
 * compaction needs it, and then read concurrently without locking.
 *
 * A container mapping is kept as its set of #PpJsonldContainer flags: the
 * specification's key, the concatenation of the container keywords in code
 * point order ("@graph@index@set"), names exactly one such set.
 */

#include "config.h"

#include <string.h>

#include "pp-jsonld-inverse-context-private.h"

/* One entry of the inverse context of an IRI: under the container
 * mapping @container, the type or language map @kind maps @key to @term.
 * The `@any` map of a container entry is a record of kind
 * PP_JSONLD_SELECT_ANY with the key "@none". */
typedef struct {
  guint       container;   /* #PpJsonldContainer flags */
  guint       kind;        /* #PpJsonldTypeOrLanguage */
  const char *key;
  const char *term;
} InverseRecord;

/* The records of one IRI: records[start, start + length) once built;
 * while building, the chain of its records from @first to @last */
typedef struct {
  guint start;
  guint length;
  guint first;
  guint last;
} RecordSpan;

/* A record while the inverse context is built, and the next record of
 * the same IRI (G_MAXUINT for none) */
typedef struct {
  InverseRecord record;
  guint         next;
} ChainedRecord;

typedef struct _PpJsonldInverseContext {
  GHashTable    *iris;     /* const char * IRI → index of its span + 1 */
  InverseRecord *records;  /* of every IRI, one IRI after the other */
  GArray        *spans;    /* RecordSpan */
  GArray        *chained;  /* ChainedRecord, while building */
  GStringChunk  *keys;     /* the keys that are not constants */
  GArray        *prefixes; /* PpJsonldPrefix, shortest term first */
  guint32        prefix_starts[256 / 32];  /* the first bytes of their IRIs */
  gboolean       has_scoped_terms;         /* a term has a scoped context */
} InverseContext;

static void
inverse_context_free (gpointer data)
{
  InverseContext *inverse = data;

  g_hash_table_unref (inverse->iris);
  g_free (inverse->records);
  g_array_unref (inverse->spans);
  g_string_chunk_free (inverse->keys);
  g_array_unref (inverse->prefixes);
  g_free (inverse);
}

/* Appends @record to the records of the IRI of @span, while building */
static void
append_record (InverseContext      *inverse,
               RecordSpan          *span,
               const InverseRecord *record)
{
  ChainedRecord chained = { *record, G_MAXUINT };
  guint index = inverse->chained->len;

  g_array_append_val (inverse->chained, chained);
  if (span->length == 0)
    span->first = index;
  else
    g_array_index (inverse->chained, ChainedRecord, span->last).next = index;
  span->last = index;
  span->length++;
}

/* Records @term for (@container, @kind, @key) unless a shorter term, one
 * processed earlier, has it already. */
static void
add_if_absent (InverseContext *inverse,
               guint           span_index,
               guint           container,
               guint           kind,
               const char     *key,
               const char     *term)
{
  RecordSpan *span = &g_array_index (inverse->spans, RecordSpan, span_index);
  InverseRecord record = { container, kind, key, term };

  for (guint i = span->first, n = 0; n < span->length; n++)
    {
      const ChainedRecord *r = &g_array_index (inverse->chained, ChainedRecord, i);

      if (r->record.container == container && r->record.kind == kind &&
          strcmp (r->record.key, key) == 0)
        return;
      i = r->next;
    }

  append_record (inverse, span, &record);
}

/* The span of @iri, with the `@any` record of @container added when the
 * container entry is new */
static guint
inverse_get_records (InverseContext *inverse,
                     const char     *iri,
                     guint           container,
                     const char     *term)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (inverse->iris, iri));
  InverseRecord any = { container, PP_JSONLD_SELECT_ANY, "@none", term };
  RecordSpan *span;

  if (index == 0)
    {
      RecordSpan empty = { 0, 0, 0, 0 };

      g_array_append_val (inverse->spans, empty);
      index = inverse->spans->len;
      g_hash_table_insert (inverse->iris, (gpointer) iri, GUINT_TO_POINTER (index));
    }

  span = &g_array_index (inverse->spans, RecordSpan, index - 1);
  for (guint i = span->first, n = 0; n < span->length; n++)
    {
      const ChainedRecord *r = &g_array_index (inverse->chained, ChainedRecord, i);

      if (r->record.container == container)
        return index - 1;
      i = r->next;
    }

  append_record (inverse, span, &any);
  return index - 1;
}

/* Lays the records out one IRI after the other, in one block: smaller and
 * quicker to read than an array each */
static void
inverse_context_pack (InverseContext *inverse)
{
  guint next = 0;

  inverse->records = g_new (InverseRecord, MAX (inverse->chained->len, 1));
  for (guint s = 0; s < inverse->spans->len; s++)
    {
      RecordSpan *span = &g_array_index (inverse->spans, RecordSpan, s);

      span->start = next;
      for (guint i = span->first, n = 0; n < span->length; n++)
        {
          const ChainedRecord *r = &g_array_index (inverse->chained, ChainedRecord, i);

          inverse->records[next++] = r->record;
          i = r->next;
        }
    }

  g_clear_pointer (&inverse->chained, g_array_unref);
}

/* the records of @iri, or NULL */
static const InverseRecord *
inverse_lookup (InverseContext *inverse,
                const char     *iri,
                guint          *n_records)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (inverse->iris, iri));
  const RecordSpan *span;

  if (index == 0)
    return NULL;

  span = &g_array_index (inverse->spans, RecordSpan, index - 1);
  *n_records = span->length;
  return &inverse->records[span->start];
}

/* @str in lower case, kept in @inverse */
static const char *
lower_key (InverseContext *inverse,
           const char     *str)
{
  g_autofree char *lower = g_ascii_strdown (str, -1);

  return g_string_chunk_insert_const (inverse->keys, lower);
}

/* "language_direction" in lower case, kept in @inverse; either part may be
 * missing */
static const char *
language_direction_key (InverseContext    *inverse,
                        const char        *language,
                        PpJsonldDirection  direction)
{
  const char *dir = pp_jsonld_direction_to_string (direction);
  g_autofree char *joined = NULL;

  if (language != NULL && dir != NULL)
    joined = g_strconcat (language, "_", dir, NULL);
  else if (language != NULL)
    return lower_key (inverse, language);
  else if (dir != NULL)
    joined = g_strconcat ("_", dir, NULL);
  else
    return "@null";

  return lower_key (inverse, joined);
}

/* The Inverse Context Creation algorithm. Runs once per context, after
 * the sorted term list is built (see get_inverse()). */
static gpointer
inverse_context_build (PpJsonldContext *context)
{
  InverseContext *inverse = g_new0 (InverseContext, 1);
  GPtrArray *terms = context->sorted_terms;
  const char *default_language;
  const char *default_language_direction = NULL;

  inverse->iris = g_hash_table_new (pp_jsonld_str_hash, g_str_equal);
  inverse->spans = g_array_new (FALSE, FALSE, sizeof (RecordSpan));
  inverse->chained = g_array_new (FALSE, FALSE, sizeof (ChainedRecord));
  inverse->keys = g_string_chunk_new (256);
  inverse->prefixes = g_array_new (FALSE, FALSE, sizeof (PpJsonldPrefix));

  default_language = context->default_language != NULL ?
                     lower_key (inverse, context->default_language) : "@none";
  if (pp_jsonld_direction_to_string (context->default_direction) != NULL)
    default_language_direction =
      language_direction_key (inverse,
                              context->default_language != NULL ?
                              context->default_language : "",
                              context->default_direction);

  for (guint i = 0; terms != NULL && i < terms->len; i++)
    {
      const PpJsonldTermDef *def = g_hash_table_lookup (context->terms,
                                                        g_ptr_array_index (terms, i));
      const char *term;
      guint container;
      guint records;

      if (def != NULL && def->has_context)
        inverse->has_scoped_terms = TRUE;

      if (def == NULL || def->iri == NULL)
        continue;

      if (def->prefix)
        {
          PpJsonldPrefix prefix = { def->term, def->iri, strlen (def->iri) };
          guchar start = (guchar) def->iri[0];

          g_array_append_val (inverse->prefixes, prefix);
          inverse->prefix_starts[start / 32] |= 1u << (start % 32);
        }

      /* the strings of a definition live as long as the context */
      term = def->term;
      container = def->container;
      records = inverse_get_records (inverse, def->iri, container, term);

#define ADD_LANGUAGE(key) \
      add_if_absent (inverse, records, container, PP_JSONLD_SELECT_LANGUAGE, (key), term)
#define ADD_TYPE(key) \
      add_if_absent (inverse, records, container, PP_JSONLD_SELECT_TYPE, (key), term)

      if (def->reverse)
        {
          ADD_TYPE ("@reverse");
        }
      else if (def->type != NULL && strcmp (def->type, "@none") == 0)
        {
          ADD_LANGUAGE ("@any");
          ADD_TYPE ("@any");
        }
      else if (def->type != NULL)
        {
          ADD_TYPE (def->type);
        }
      else if (def->has_language && def->direction != PP_JSONLD_DIRECTION_UNSET)
        {
          ADD_LANGUAGE (language_direction_key (inverse, def->language, def->direction));
        }
      else if (def->has_language)
        {
          ADD_LANGUAGE (def->language != NULL ? lower_key (inverse, def->language)
                                              : "@null");
        }
      else if (def->direction != PP_JSONLD_DIRECTION_UNSET)
        {
          ADD_LANGUAGE (def->direction == PP_JSONLD_DIRECTION_NULL ?
                        "@none" :
                        language_direction_key (inverse, NULL, def->direction));
        }
      else if (default_language_direction != NULL)
        {
          ADD_LANGUAGE (default_language_direction);
          ADD_LANGUAGE ("@none");
          ADD_TYPE ("@none");
        }
      else
        {
          ADD_LANGUAGE (default_language);
          ADD_LANGUAGE ("@none");
          ADD_TYPE ("@none");
        }

#undef ADD_LANGUAGE
#undef ADD_TYPE
    }

  inverse_context_pack (inverse);

  return inverse;
}

/**
 * pp_jsonld_inverse_context_get:
 * @context: an active context
 *
 * The inverse context of @context, built on first use.
 *
 * Returns: (transfer none): the inverse context, owned by @context
 */
PpJsonldInverseContext *
pp_jsonld_inverse_context_get (PpJsonldContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  /* the builder walks the sorted terms: have them sorted first, outside
   * the inverse context's construction */
  pp_jsonld_context_get_sorted_terms (context);

  return pp_jsonld_context_get_inverse (context, inverse_context_build,
                                        inverse_context_free);
}

/**
 * pp_jsonld_inverse_context_select_term:
 * @inverse: an inverse context
 * @iri: the IRI or keyword to find a term for
 * @containers: (array length=n_containers): container mappings, preferred first
 * @n_containers: the length of @containers
 * @type_or_language: whether to match type or language mappings
 * @preferred: (array length=n_preferred): the type or language values,
 *   preferred first
 * @n_preferred: the length of @preferred
 *
 * The Term Selection algorithm.
 *
 * Returns: (nullable) (transfer none): the selected term
 */
const char *
pp_jsonld_inverse_context_select_term (PpJsonldInverseContext *inverse,
                                       const char             *iri,
                                       const guint            *containers,
                                       guint                   n_containers,
                                       PpJsonldTypeOrLanguage  type_or_language,
                                       const char * const     *preferred,
                                       guint                   n_preferred)
{
  const InverseRecord *records;
  guint n_records = 0;

  g_return_val_if_fail (inverse != NULL, NULL);
  g_return_val_if_fail (iri != NULL, NULL);

  records = inverse_lookup (inverse, iri, &n_records);
  if (records == NULL)
    return NULL;

  for (guint c = 0; c < n_containers; c++)
    {
      gboolean has_container = FALSE;

      for (guint r = 0; r < n_records && !has_container; r++)
        has_container = records[r].container == containers[c];
      if (!has_container)
        continue;

      for (guint p = 0; p < n_preferred; p++)
        {
          for (guint r = 0; r < n_records; r++)
            {
              const InverseRecord *record = &records[r];

              if (record->container == containers[c] &&
                  record->kind == (guint) type_or_language &&
                  strcmp (record->key, preferred[p]) == 0)
                return record->term;
            }
        }
    }

  return NULL;
}

/**
 * pp_jsonld_inverse_context_has_iri:
 * @inverse: an inverse context
 * @iri: an IRI or keyword
 *
 * Returns: whether a term maps to @iri
 */
gboolean
pp_jsonld_inverse_context_has_iri (PpJsonldInverseContext *inverse,
                                   const char             *iri)
{
  g_return_val_if_fail (inverse != NULL, FALSE);

  return iri != NULL && g_hash_table_contains (inverse->iris, iri);
}

/**
 * pp_jsonld_inverse_context_get_prefixes:
 * @inverse: an inverse context
 * @n_prefixes: (out): return location for the number of prefixes
 *
 * Returns: (transfer none) (array length=n_prefixes): the terms usable as
 *   the prefix of a compact IRI, shortest first
 */
const PpJsonldPrefix *
pp_jsonld_inverse_context_get_prefixes (PpJsonldInverseContext *inverse,
                                        guint                  *n_prefixes)
{
  g_return_val_if_fail (inverse != NULL, NULL);
  g_return_val_if_fail (n_prefixes != NULL, NULL);

  *n_prefixes = inverse->prefixes->len;
  return (const PpJsonldPrefix *) (gpointer) inverse->prefixes->data;
}

/**
 * pp_jsonld_inverse_context_may_have_prefix:
 * @inverse: an inverse context
 * @iri: an IRI
 *
 * Returns: %FALSE when no prefix of the context can start @iri, %TRUE
 *   when one may
 */
gboolean
pp_jsonld_inverse_context_may_have_prefix (PpJsonldInverseContext *inverse,
                                           const char             *iri)
{
  guchar start;

  g_return_val_if_fail (inverse != NULL, FALSE);
  g_return_val_if_fail (iri != NULL, FALSE);

  start = (guchar) iri[0];
  return (inverse->prefix_starts[start / 32] & (1u << (start % 32))) != 0;
}

/**
 * pp_jsonld_inverse_context_has_scoped_terms:
 * @inverse: an inverse context
 *
 * Returns: whether a term of the context has a scoped context
 */
gboolean
pp_jsonld_inverse_context_has_scoped_terms (PpJsonldInverseContext *inverse)
{
  g_return_val_if_fail (inverse != NULL, FALSE);

  return inverse->has_scoped_terms;
}
