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

typedef struct {
  guint       container;   /* #PpJsonldContainer flags */
  GHashTable *language;    /* char * (owned) → const char * term */
  GHashTable *type;        /* char * (owned) → const char * term */
  const char *any;         /* the "@any" → "@none" entry */
} InverseEntry;

typedef struct {
  GHashTable *iris;        /* const char * IRI → GPtrArray of InverseEntry */
  GPtrArray  *prefixes;    /* const PpJsonldTermDef *, shortest term first */
} InverseContext;

static void
inverse_entry_free (gpointer data)
{
  InverseEntry *entry = data;

  g_hash_table_unref (entry->language);
  g_hash_table_unref (entry->type);
  g_free (entry);
}

static void
inverse_context_free (gpointer data)
{
  InverseContext *inverse = data;

  g_hash_table_unref (inverse->iris);
  g_ptr_array_unref (inverse->prefixes);
  g_free (inverse);
}

/* Sets @key to @term in @map unless it has it; takes @key. */
static void
add_if_absent (GHashTable *map,
               char       *key,
               const char *term)
{
  if (g_hash_table_contains (map, key))
    g_free (key);
  else
    g_hash_table_insert (map, key, (gpointer) term);
}

static InverseEntry *
inverse_get_entry (InverseContext *inverse,
                   const char     *iri,
                   guint           container,
                   const char     *term)
{
  GPtrArray *entries = g_hash_table_lookup (inverse->iris, iri);
  InverseEntry *entry;

  if (entries == NULL)
    {
      entries = g_ptr_array_new_with_free_func (inverse_entry_free);
      g_hash_table_insert (inverse->iris, (gpointer) iri, entries);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      entry = g_ptr_array_index (entries, i);
      if (entry->container == container)
        return entry;
    }

  entry = g_new0 (InverseEntry, 1);
  entry->container = container;
  entry->language = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  entry->type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  entry->any = term;
  g_ptr_array_add (entries, entry);

  return entry;
}

static const char *
direction_name (PpJsonldDirection direction)
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

/* "language_direction" in lower case; either part may be missing */
static char *
language_direction_key (const char        *language,
                        PpJsonldDirection  direction)
{
  const char *dir = direction_name (direction);
  g_autofree char *joined = NULL;

  if (language != NULL && dir != NULL)
    joined = g_strconcat (language, "_", dir, NULL);
  else if (language != NULL)
    joined = g_strdup (language);
  else if (dir != NULL)
    joined = g_strconcat ("_", dir, NULL);
  else
    return g_strdup ("@null");

  return g_ascii_strdown (joined, -1);
}

/* The Inverse Context Creation algorithm. Runs once per context, after
 * the sorted term list is built (see get_inverse()). */
static gpointer
inverse_context_build (PpJsonldContext *context)
{
  InverseContext *inverse = g_new0 (InverseContext, 1);
  GPtrArray *terms = context->sorted_terms;
  g_autofree char *default_language = NULL;

  inverse->iris = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) g_ptr_array_unref);
  inverse->prefixes = g_ptr_array_new ();

  default_language = context->default_language != NULL ?
                     g_ascii_strdown (context->default_language, -1) :
                     g_strdup ("@none");

  for (guint i = 0; terms != NULL && i < terms->len; i++)
    {
      const char *term = g_ptr_array_index (terms, i);
      const PpJsonldTermDef *def = g_hash_table_lookup (context->terms, term);
      InverseEntry *entry;

      if (def == NULL || def->iri == NULL)
        continue;

      if (def->prefix)
        g_ptr_array_add (inverse->prefixes, (gpointer) def);

      /* the term string of the definition lives as long as the context */
      term = def->term;
      entry = inverse_get_entry (inverse, def->iri, def->container, term);

      if (def->reverse)
        {
          add_if_absent (entry->type, g_strdup ("@reverse"), term);
        }
      else if (def->type != NULL && strcmp (def->type, "@none") == 0)
        {
          add_if_absent (entry->language, g_strdup ("@any"), term);
          add_if_absent (entry->type, g_strdup ("@any"), term);
        }
      else if (def->type != NULL)
        {
          add_if_absent (entry->type, g_strdup (def->type), term);
        }
      else if (def->has_language && def->direction != PP_JSONLD_DIRECTION_UNSET)
        {
          add_if_absent (entry->language,
                         language_direction_key (def->language, def->direction),
                         term);
        }
      else if (def->has_language)
        {
          add_if_absent (entry->language,
                         def->language != NULL ? g_ascii_strdown (def->language, -1)
                                               : g_strdup ("@null"),
                         term);
        }
      else if (def->direction != PP_JSONLD_DIRECTION_UNSET)
        {
          add_if_absent (entry->language,
                         def->direction == PP_JSONLD_DIRECTION_NULL ?
                         g_strdup ("@none") :
                         g_strconcat ("_", direction_name (def->direction), NULL),
                         term);
        }
      else if (context->default_direction != PP_JSONLD_DIRECTION_UNSET &&
               context->default_direction != PP_JSONLD_DIRECTION_NULL)
        {
          add_if_absent (entry->language,
                         language_direction_key (context->default_language != NULL ?
                                                 context->default_language : "",
                                                 context->default_direction),
                         term);
          add_if_absent (entry->language, g_strdup ("@none"), term);
          add_if_absent (entry->type, g_strdup ("@none"), term);
        }
      else
        {
          add_if_absent (entry->language, g_strdup (default_language), term);
          add_if_absent (entry->language, g_strdup ("@none"), term);
          add_if_absent (entry->type, g_strdup ("@none"), term);
        }
    }

  return inverse;
}

static InverseContext *
get_inverse (PpJsonldContext *context)
{
  /* the builder walks the sorted terms: have them sorted first, outside
   * the inverse context's construction */
  pp_jsonld_context_get_sorted_terms (context);

  return pp_jsonld_context_get_inverse (context, inverse_context_build,
                                        inverse_context_free);
}

/**
 * pp_jsonld_select_term:
 * @context: an active context
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
pp_jsonld_select_term (PpJsonldContext        *context,
                       const char             *iri,
                       const guint            *containers,
                       guint                   n_containers,
                       PpJsonldTypeOrLanguage  type_or_language,
                       const char * const     *preferred,
                       guint                   n_preferred)
{
  InverseContext *inverse;
  GPtrArray *entries;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (iri != NULL, NULL);

  inverse = get_inverse (context);
  entries = g_hash_table_lookup (inverse->iris, iri);
  if (entries == NULL)
    return NULL;

  for (guint c = 0; c < n_containers; c++)
    {
      InverseEntry *entry = NULL;

      for (guint e = 0; e < entries->len; e++)
        {
          InverseEntry *candidate = g_ptr_array_index (entries, e);

          if (candidate->container == containers[c])
            {
              entry = candidate;
              break;
            }
        }

      if (entry == NULL)
        continue;

      for (guint p = 0; p < n_preferred; p++)
        {
          const char *term;

          switch (type_or_language)
            {
            case PP_JSONLD_SELECT_TYPE:
              term = g_hash_table_lookup (entry->type, preferred[p]);
              break;
            case PP_JSONLD_SELECT_ANY:
              term = strcmp (preferred[p], "@none") == 0 ? entry->any : NULL;
              break;
            case PP_JSONLD_SELECT_LANGUAGE:
            default:
              term = g_hash_table_lookup (entry->language, preferred[p]);
              break;
            }

          if (term != NULL)
            return term;
        }
    }

  return NULL;
}

/**
 * pp_jsonld_inverse_has_iri:
 * @context: an active context
 * @iri: an IRI or keyword
 *
 * Returns: whether a term of @context maps to @iri
 */
gboolean
pp_jsonld_inverse_has_iri (PpJsonldContext *context,
                           const char      *iri)
{
  g_return_val_if_fail (context != NULL, FALSE);

  return iri != NULL && g_hash_table_contains (get_inverse (context)->iris, iri);
}

/**
 * pp_jsonld_inverse_get_prefixes:
 * @context: an active context
 *
 * Returns: (transfer none) (element-type PpJsonldTermDef): the definitions
 *   usable as the prefix of a compact IRI
 */
GPtrArray *
pp_jsonld_inverse_get_prefixes (PpJsonldContext *context)
{
  g_return_val_if_fail (context != NULL, NULL);

  return get_inverse (context)->prefixes;
}
