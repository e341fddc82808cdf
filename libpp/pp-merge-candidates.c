/* pp-merge-candidates.c: entities the resolution rules leave apart that
 * look alike
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-merge-candidates-private.h"
#include <gio/gio.h>

/* Once the rules of pp-entity-resolver.c have grouped the nodes, two
 * entities of one type family that they left apart are candidates for a
 * merge when:
 *
 * - edit distance: two of their names, of 6 to 64 characters each, are
 *   within a Damerau-Levenshtein distance (optimal string alignment) of 2,
 *   and have the same digits ("Ada Lovelace", "Ada Lovelance"; not
 *   "Apollo 11", "Apollo 12");
 * - token subset: the words of one's name are some of the words of the
 *   other's ("Curie", "Marie Curie"), and the shorter name is in this way
 *   part of at most MAX_SUBSET_MATCHES other entities' names;
 * - acronym: one's name is made of the initials of the other's words,
 *   with or without its short function words ("IBM", "International
 *   Business Machines"; "MIT", "Massachusetts Institute of Technology").
 *
 * Two entities whose nodes both have an IRI of their author's are never
 * candidates: their author said they are different. Candidates are
 * grouped by the connected pairs; a group's reason is the strongest of its
 * pairs' (edit distance, then acronym, then token subset). Pairs are found
 * through indexes (deletion neighbourhoods, tokens, initials), not by
 * comparing every pair, and everything is sorted at the end: the groups
 * depend only on the entities, never on the order they come in. The
 * distinct name keys, with the keys within the edit distance of each, their
 * initials, and the keys that have each word, are kept in a
 * PpMergeCandidateIndex that can be fed as the keys arrive. */

#define MIN_EDIT_LENGTH 6
#define MAX_EDIT_LENGTH 64
#define MAX_EDIT_DISTANCE 2
#define MAX_SUBSET_MATCHES 8

static const char * const function_words[] = {
  "a", "an", "and", "at", "de", "der", "des", "di", "du", "et", "for", "in",
  "la", "le", "of", "on", "the", "und", "van", "von",
};

/* A distinct name key, and what the searches need of it, worked out once */
typedef struct
{
  char *key;
  gunichar *chars;
  glong n_chars;
  char *digits;
  GStrv tokens;                /* distinct, sorted */
  char *acronym;               /* how it reads as an acronym, or NULL */
  char *initials[2];           /* (nullable): the initials of its words,
                                * with its function words, then without
                                * (initials_of()), when it has two words or
                                * more and reads as no acronym */
  GArray *similar;             /* (element-type guint) (nullable): the
                                * keys within the edit distance, with the
                                * same digits */
} KeyInfo;

struct _PpMergeCandidateIndex
{
  GHashTable *ids;             /* key → its id plus one */
  GPtrArray *keys;             /* (element-type KeyInfo): by id */
  GHashTable *variants;        /* the hash of a deletion variant → the ids
                                * of the keys that give it: an id times two
                                * plus one for a lone id, else a GArray */
  GHashTable *postings;        /* a token → (element-type guint) the ids of
                                * the keys that have it */
};

/* One name key of one entity */
typedef struct
{
  guint entity;
  const KeyInfo *info;
} Entry;

typedef struct
{
  const PpMergeCandidateEntity *entities;
  guint n_entities;
  PpMergeCandidateIndex *index;
  GArray *entries;             /* (element-type Entry) */
  GHashTable *carriers;        /* a KeyInfo → (element-type guint) the
                                * entries with its key */
  GHashTable *pairs;           /* (a << 32 | b, a < b) → reason + 1 */
} Finder;

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GStrv
distinct_tokens (const char *key)
{
  g_auto(GStrv) split = g_strsplit (key, " ", -1);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();

  for (guint i = 0; split[i] != NULL; i++)
    if (split[i][0] != '\0')
      g_ptr_array_add (tokens, g_strdup (split[i]));
  g_ptr_array_sort (tokens, compare_strings);
  for (guint i = 1; i < tokens->len;)
    {
      if (g_str_equal (tokens->pdata[i], tokens->pdata[i - 1]))
        g_free (g_ptr_array_steal_index (tokens, i));
      else
        i++;
    }
  g_ptr_array_add (tokens, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&tokens), FALSE);
}

static char *
digits_of (const char *key)
{
  GString *digits = g_string_new (NULL);

  for (const char *p = key; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c))
        g_string_append_unichar (digits, c);
    }

  return g_string_free (digits, FALSE);
}

static gboolean
may_pair (Finder *self,
          guint   a,
          guint   b)
{
  const PpMergeCandidateEntity *x = &self->entities[a];
  const PpMergeCandidateEntity *y = &self->entities[b];

  return a != b && x->family != NULL && y->family != NULL &&
         g_str_equal (x->family, y->family) && !(x->has_iri && y->has_iri);
}

static guint64
pair_key (guint a,
          guint b)
{
  return (guint64) MIN (a, b) << 32 | MAX (a, b);
}

/* The strongest reason known for the pair, plus one; 0 if none */
static guint
known_pair (Finder *self,
            guint   a,
            guint   b)
{
  guint64 key = pair_key (a, b);

  return GPOINTER_TO_UINT (g_hash_table_lookup (self->pairs, &key));
}

static void
add_pair (Finder        *self,
          guint          a,
          guint          b,
          PpMergeReason  reason)
{
  guint known = known_pair (self, a, b);

  if (!may_pair (self, a, b) || (known != 0 && known - 1 <= reason))
    return;

  g_hash_table_insert (self->pairs, g_memdup2 (&(guint64) { pair_key (a, b) }, sizeof (guint64)),
                       GUINT_TO_POINTER (reason + 1));
}

/* Edit distance */

/* The optimal string alignment distance of @a and @b, or more than @max
 * when it is more */
static guint
osa_distance (const gunichar *a,
              glong           la,
              const gunichar *b,
              glong           lb,
              guint           max)
{
  g_autofree guint *rows = NULL;
  guint *before, *previous, *current;
  guint result;

  if ((guint) ABS (la - lb) > max)
    return max + 1;

  rows = g_new (guint, 3 * (lb + 1));
  before = rows;
  previous = rows + lb + 1;
  current = rows + 2 * (lb + 1);

  for (glong j = 0; j <= lb; j++)
    previous[j] = (guint) j;

  for (glong i = 1; i <= la; i++)
    {
      guint *t;
      guint row_min;

      current[0] = (guint) i;
      row_min = current[0];
      for (glong j = 1; j <= lb; j++)
        {
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
          guint best = MIN (previous[j] + 1, current[j - 1] + 1);

          best = MIN (best, previous[j - 1] + cost);
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            best = MIN (best, before[j - 2] + 1);
          current[j] = best;
          row_min = MIN (row_min, best);
        }
      if (row_min > max)
        return max + 1;

      t = before;
      before = previous;
      previous = current;
      current = t;
    }

  result = previous[lb];
  return result;
}

/* The variants of a key are the strings it gives with up to
 * MAX_EDIT_DISTANCE characters left out: two keys within that distance
 * share one (symmetric deletion). A variant is known by a 64-bit hash of
 * its characters, seeded with the key's digits, so that only keys with
 * the same digits meet; a collision only costs a comparison. */

#define FNV_OFFSET G_GUINT64_CONSTANT (14695981039346656037)
#define FNV_PRIME G_GUINT64_CONSTANT (1099511628211)

static guint64
hash_variant (const gunichar *chars,
              glong           n_chars,
              glong           skip_a,
              glong           skip_b,
              guint64         seed)
{
  guint64 hash = seed;

  for (glong i = 0; i < n_chars; i++)
    if (i != skip_a && i != skip_b)
      hash = (hash ^ chars[i]) * FNV_PRIME;

  return hash;
}

static int
compare_guint64 (gconstpointer a,
                 gconstpointer b)
{
  guint64 x = *(const guint64 *) a;
  guint64 y = *(const guint64 *) b;

  return (x > y) - (x < y);
}

/* The distinct variants of @info, sorted */
static GArray *
variants_of (const KeyInfo *info)
{
  GArray *variants = g_array_sized_new (FALSE, FALSE, sizeof (guint64),
                                        1 + info->n_chars * (info->n_chars + 1) / 2);
  guint64 seed = FNV_OFFSET;
  guint n = 0;

  G_STATIC_ASSERT (MAX_EDIT_DISTANCE == 2);

  for (const char *d = info->digits; *d != '\0'; d++)
    seed = (seed ^ (guchar) *d) * FNV_PRIME;
  /* the digits apart from the characters */
  seed = (seed ^ 0xffffffff) * FNV_PRIME;

  /* none, one, then two characters left out */
  for (glong a = -1; a < info->n_chars; a++)
    {
      guint64 hash = hash_variant (info->chars, info->n_chars, a, -1, seed);

      g_array_append_val (variants, hash);
      for (glong b = a + 1; a >= 0 && b < info->n_chars; b++)
        {
          hash = hash_variant (info->chars, info->n_chars, a, b, seed);
          g_array_append_val (variants, hash);
        }
    }

  g_array_sort (variants, compare_guint64);
  for (guint i = 0; i < variants->len; i++)
    if (n == 0 || g_array_index (variants, guint64, i) != g_array_index (variants, guint64, n - 1))
      g_array_index (variants, guint64, n++) = g_array_index (variants, guint64, i);
  g_array_set_size (variants, n);

  return variants;
}

static void
add_similar (KeyInfo *info,
             guint    other)
{
  if (info->similar == NULL)
    info->similar = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (info->similar, other);
}

/* Records the variants of key @id, and the keys already indexed that are
 * within the distance */
static void
index_variants (PpMergeCandidateIndex *self,
                guint                  id)
{
  KeyInfo *info = self->keys->pdata[id];
  g_autoptr(GArray) variants = NULL;
  g_autoptr(GHashTable) compared = NULL;

  if (info->n_chars < MIN_EDIT_LENGTH || info->n_chars > MAX_EDIT_LENGTH)
    return;

  variants = variants_of (info);
  compared = g_hash_table_new (NULL, NULL);
  for (guint v = 0; v < variants->len; v++)
    {
      gpointer variant = (gpointer) (guintptr) g_array_index (variants, guint64, v);
      gpointer found = g_hash_table_lookup (self->variants, variant);
      GArray *ids;

      if (found == NULL)
        {
          g_hash_table_insert (self->variants, variant, GUINT_TO_POINTER (id * 2 + 1));
          continue;
        }

      if (GPOINTER_TO_UINT (found) & 1)
        {
          guint lone = GPOINTER_TO_UINT (found) / 2;

          ids = g_array_new (FALSE, FALSE, sizeof (guint));
          g_array_append_val (ids, lone);
          g_hash_table_insert (self->variants, variant, ids);
        }
      else
        ids = found;

      for (guint i = 0; i < ids->len; i++)
        {
          guint other_id = g_array_index (ids, guint, i);
          KeyInfo *other = self->keys->pdata[other_id];

          if (!g_hash_table_add (compared, GUINT_TO_POINTER (other_id + 1)))
            continue;
          if (g_str_equal (info->digits, other->digits) &&
              osa_distance (info->chars, info->n_chars, other->chars, other->n_chars,
                            MAX_EDIT_DISTANCE) <= MAX_EDIT_DISTANCE)
            {
              add_similar (info, other_id);
              add_similar (other, id);
            }
        }
      g_array_append_val (ids, id);
    }
}

static void
find_edit_distance_pairs (Finder *self)
{
  GHashTable *carriers = self->carriers;

  for (guint e = 0; e < self->entries->len; e++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, e);
      const KeyInfo *info = entry->info;
      GArray *same = g_hash_table_lookup (carriers, info);

      if (info->n_chars < MIN_EDIT_LENGTH || info->n_chars > MAX_EDIT_LENGTH)
        continue;

      /* The same key: distance 0 */
      for (guint i = 0; i < same->len; i++)
        if (g_array_index (same, guint, i) > e)
          add_pair (self, entry->entity,
                    g_array_index (self->entries, Entry, g_array_index (same, guint, i)).entity,
                    PP_MERGE_REASON_EDIT_DISTANCE);

      for (guint s = 0; info->similar != NULL && s < info->similar->len; s++)
        {
          const KeyInfo *other = self->index->keys->pdata[g_array_index (info->similar, guint, s)];
          GArray *others = g_hash_table_lookup (carriers, other);

          /* each pair of keys once */
          if (others == NULL || strcmp (info->key, other->key) > 0)
            continue;
          for (guint i = 0; i < others->len; i++)
            add_pair (self, entry->entity,
                      g_array_index (self->entries, Entry, g_array_index (others, guint, i)).entity,
                      PP_MERGE_REASON_EDIT_DISTANCE);
        }
    }
}

/* Token subset */

/* Whether the distinct tokens @small are some, not all, of @large */
static gboolean
is_strict_subset (const char * const *small,
                  const char * const *large)
{
  guint n_small = g_strv_length ((GStrv) small);
  guint n_large = g_strv_length ((GStrv) large);

  if (n_small == 0 || n_small >= n_large)
    return FALSE;

  for (guint i = 0; i < n_small; i++)
    if (!g_strv_contains (large, small[i]))
      return FALSE;

  return TRUE;
}

/* The keys of the index whose words @info's are some, not all, of */
static GArray *
find_supersets (Finder        *self,
                const KeyInfo *info)
{
  GArray *supersets = g_array_new (FALSE, FALSE, sizeof (gpointer));
  GArray *rarest = NULL;

  for (guint t = 0; info->tokens[t] != NULL; t++)
    {
      GArray *keys = g_hash_table_lookup (self->index->postings, info->tokens[t]);

      if (rarest == NULL || keys->len < rarest->len)
        rarest = keys;
    }

  for (guint i = 0; rarest != NULL && i < rarest->len; i++)
    {
      const KeyInfo *other = self->index->keys->pdata[g_array_index (rarest, guint, i)];

      if (is_strict_subset ((const char * const *) info->tokens,
                            (const char * const *) other->tokens))
        g_array_append_val (supersets, other);
    }

  return supersets;
}

static void
find_token_subset_pairs (Finder *self)
{
  /* a KeyInfo → (element-type KeyInfo) its supersets (find_supersets()) */
  g_autoptr(GHashTable) supersets = g_hash_table_new_full (NULL, NULL, NULL,
                                                           (GDestroyNotify) g_array_unref);

  for (guint e = 0; e < self->entries->len; e++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, e);
      g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (guint));
      GArray *larger = g_hash_table_lookup (supersets, entry->info);

      if (larger == NULL)
        {
          larger = find_supersets (self, entry->info);
          g_hash_table_insert (supersets, (gpointer) entry->info, larger);
        }

      for (guint l = 0; l < larger->len; l++)
        {
          GArray *others = g_hash_table_lookup (self->carriers, g_array_index (larger, gpointer, l));

          for (guint i = 0; others != NULL && i < others->len; i++)
            {
              Entry *other = &g_array_index (self->entries, Entry, g_array_index (others, guint, i));
              gboolean known = FALSE;

              if (!may_pair (self, entry->entity, other->entity))
                continue;

              for (guint m = 0; m < matches->len && !known; m++)
                known = g_array_index (matches, guint, m) == other->entity;
              if (!known)
                g_array_append_val (matches, other->entity);
            }
        }

      if (matches->len > MAX_SUBSET_MATCHES)
        continue;
      for (guint m = 0; m < matches->len; m++)
        add_pair (self, entry->entity, g_array_index (matches, guint, m),
                  PP_MERGE_REASON_TOKEN_SUBSET);
    }
}

/* Acronyms */

static gboolean
is_function_word (const char *token)
{
  for (guint i = 0; i < G_N_ELEMENTS (function_words); i++)
    if (g_str_equal (token, function_words[i]))
      return TRUE;

  return FALSE;
}

/* The initials of the words of @key, with its function words or without,
 * in order; NULL when it has fewer than two words to take them from */
static char *
initials_of (const char *key,
             gboolean    skip_function_words)
{
  g_auto(GStrv) tokens = g_strsplit (key, " ", -1);
  GString *initials = g_string_new (NULL);
  guint n = 0;

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (tokens[i][0] == '\0' || (skip_function_words && is_function_word (tokens[i])))
        continue;
      g_string_append_unichar (initials, g_utf8_get_char (tokens[i]));
      n++;
    }

  if (n < 2)
    {
      g_string_free (initials, TRUE);
      return NULL;
    }

  return g_string_free (initials, FALSE);
}

/* How @key reads as an acronym: one word of 2 to 10 characters ("ibm"),
 * or letters one by one ("i b m", from "I.B.M."); NULL otherwise */
static char *
acronym_form (const KeyInfo *info)
{
  guint n_tokens = g_strv_length (info->tokens);

  if (!strchr (info->key, ' '))
    return n_tokens == 1 && info->n_chars >= 2 && info->n_chars <= 10 ?
           g_strdup (info->key) : NULL;

  for (const char *p = info->key; *p != '\0';)
    {
      const char *next = g_utf8_next_char (p);

      if (*next != ' ' && *next != '\0')
        return NULL;
      p = *next == ' ' ? next + 1 : next;
    }

  return initials_of (info->key, FALSE);
}

static void
find_acronym_pairs (Finder *self)
{
  /* an acronym → (element-type guint) the entries that read as it */
  g_autoptr(GHashTable) acronyms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) g_array_unref);

  for (guint e = 0; e < self->entries->len; e++)
    {
      const KeyInfo *info = g_array_index (self->entries, Entry, e).info;
      GArray *entries;

      if (info->acronym == NULL)
        continue;
      entries = g_hash_table_lookup (acronyms, info->acronym);
      if (entries == NULL)
        {
          entries = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (acronyms, info->acronym, entries);
        }
      g_array_append_val (entries, e);
    }

  for (guint e = 0; e < self->entries->len; e++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, e);

      for (guint skip = 0; skip < 2; skip++)
        {
          const char *initials = entry->info->initials[skip];
          GArray *entries;

          if (initials == NULL || (entries = g_hash_table_lookup (acronyms, initials)) == NULL)
            continue;

          for (guint i = 0; i < entries->len; i++)
            add_pair (self, entry->entity,
                      g_array_index (self->entries, Entry, g_array_index (entries, guint, i)).entity,
                      PP_MERGE_REASON_ACRONYM);
        }
    }
}

/* Groups */

static guint
find_root (guint *parent,
           guint  i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];

  return i;
}

static void
node_clear (PpMergeCandidateNode *node)
{
  g_free (node->id);
  g_free (node->name);
  g_free (node->type);
}

static int
compare_nodes (gconstpointer a,
               gconstpointer b)
{
  const PpMergeCandidateNode *x = a;
  const PpMergeCandidateNode *y = b;
  int order = strcmp (x->id, y->id);

  return order != 0 ? order : strcmp (x->name, y->name);
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const PpMergeCandidateGroup *x = *(PpMergeCandidateGroup * const *) a;
  const PpMergeCandidateGroup *y = *(PpMergeCandidateGroup * const *) b;

  return compare_nodes (&g_array_index (x->nodes, PpMergeCandidateNode, 0),
                        &g_array_index (y->nodes, PpMergeCandidateNode, 0));
}

static PpMergeCandidateGroup *
group_new (PpMergeReason reason)
{
  PpMergeCandidateGroup *group = g_atomic_rc_box_new0 (PpMergeCandidateGroup);

  group->reason = reason;
  group->nodes = g_array_new (FALSE, TRUE, sizeof (PpMergeCandidateNode));
  g_array_set_clear_func (group->nodes, (GDestroyNotify) node_clear);
  group->same = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  return group;
}

static GPtrArray *
build_groups (Finder *self)
{
  g_autofree guint *parent = g_new (guint, self->n_entities);
  g_autofree guint *reasons = g_new (guint, self->n_entities);
  g_autoptr(GHashTable) groups = g_hash_table_new (NULL, NULL);
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_merge_candidate_group_unref);
  GHashTableIter iter;
  const guint64 *pair;
  gpointer value;

  for (guint i = 0; i < self->n_entities; i++)
    {
      parent[i] = i;
      reasons[i] = G_MAXUINT;
    }

  g_hash_table_iter_init (&iter, self->pairs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &pair, &value))
    {
      guint a = find_root (parent, (guint) (*pair >> 32));
      guint b = find_root (parent, (guint) (*pair & G_MAXUINT32));
      guint root;

      root = MIN (a, b);
      parent[MAX (a, b)] = root;
      reasons[root] = MIN (MIN (reasons[a], reasons[b]), GPOINTER_TO_UINT (value) - 1);
    }

  for (guint i = 0; i < self->n_entities; i++)
    {
      guint root = find_root (parent, i);
      PpMergeCandidateGroup *group;
      PpMergeCandidateNode node;

      if (reasons[root] == G_MAXUINT)
        continue;

      group = g_hash_table_lookup (groups, GUINT_TO_POINTER (root));
      if (group == NULL)
        {
          group = group_new ((PpMergeReason) reasons[root]);
          g_hash_table_insert (groups, GUINT_TO_POINTER (root), group);
          g_ptr_array_add (result, group);
        }

      node.id = g_strdup (self->entities[i].id);
      node.name = g_strdup (self->entities[i].name);
      node.type = g_strdup (self->entities[i].family);
      node.entity = i;
      g_array_append_val (group->nodes, node);
    }

  for (guint g = 0; g < result->len; g++)
    {
      PpMergeCandidateGroup *group = result->pdata[g];

      g_array_sort (group->nodes, compare_nodes);
    }
  g_ptr_array_sort (result, compare_groups);

  return result;
}

static void
key_info_free (KeyInfo *info)
{
  g_free (info->key);
  g_free (info->chars);
  g_free (info->digits);
  g_strfreev (info->tokens);
  g_free (info->acronym);
  g_free (info->initials[0]);
  g_free (info->initials[1]);
  g_clear_pointer (&info->similar, g_array_unref);
  g_free (info);
}

static void
variant_ids_free (gpointer data)
{
  if ((GPOINTER_TO_UINT (data) & 1) == 0)
    g_array_unref (data);
}

/**
 * pp_merge_candidate_index_new:
 *
 * Makes an empty index of name keys, which the searches of
 * pp_merge_candidates_find() look keys up in. Keys can be added as they
 * are seen, so that little is left to do when the candidates are looked
 * for: what the index holds depends only on the set of keys added, never
 * on their order.
 *
 * Returns: (transfer full): the index
 */
PpMergeCandidateIndex *
pp_merge_candidate_index_new (void)
{
  PpMergeCandidateIndex *self = g_new0 (PpMergeCandidateIndex, 1);

  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) key_info_free);
  self->variants = g_hash_table_new_full (NULL, NULL, NULL, variant_ids_free);
  self->postings = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) g_array_unref);

  return self;
}

void
pp_merge_candidate_index_free (PpMergeCandidateIndex *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->variants);
  g_hash_table_unref (self->postings);
  g_hash_table_unref (self->ids);
  g_ptr_array_unref (self->keys);
  g_free (self);
}

/* The key's entry, made and indexed if it is new */
static KeyInfo *
index_key (PpMergeCandidateIndex *self,
           const char            *key)
{
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->ids, key));
  KeyInfo *info;

  if (id != 0)
    return self->keys->pdata[id - 1];

  info = g_new0 (KeyInfo, 1);
  info->key = g_strdup (key);
  info->chars = g_utf8_to_ucs4_fast (key, -1, &info->n_chars);
  info->digits = digits_of (key);
  info->tokens = distinct_tokens (key);
  info->acronym = acronym_form (info);
  if (g_strv_length (info->tokens) >= 2 && info->acronym == NULL)
    for (guint skip = 0; skip < 2; skip++)
      info->initials[skip] = initials_of (key, skip == 1);
  g_ptr_array_add (self->keys, info);
  g_hash_table_insert (self->ids, info->key, GUINT_TO_POINTER (self->keys->len));
  for (guint t = 0; info->tokens[t] != NULL; t++)
    {
      GArray *ids = g_hash_table_lookup (self->postings, info->tokens[t]);
      guint key_id = self->keys->len - 1;

      if (ids == NULL)
        {
          ids = g_array_new (FALSE, FALSE, sizeof (guint));
          /* the token's own storage is the key's, alive as long */
          g_hash_table_insert (self->postings, info->tokens[t], ids);
        }
      g_array_append_val (ids, key_id);
    }
  index_variants (self, self->keys->len - 1);

  return info;
}

/**
 * pp_merge_candidate_index_add:
 * @index: an index
 * @key: a name key (pp_name_key_new())
 *
 * Adds @key to @index, if it is not there yet, with the keys it is within
 * the edit distance of.
 */
void
pp_merge_candidate_index_add (PpMergeCandidateIndex *index,
                              const char            *key)
{
  index_key (index, key);
}

/**
 * pp_merge_candidates_find:
 * @index: the index of the name keys; the entities' keys that it lacks
 *   are added to it
 * @entities: (array length=n_entities): the entities as the rules left them
 * @n_entities: how many
 *
 * Finds the groups of entities that the rules left apart but that look
 * alike.
 *
 * Returns: (transfer full) (element-type PpMergeCandidateGroup): the
 *   groups, undecided, by their first node's identifier; each group's
 *   nodes by identifier
 */
GPtrArray *
pp_merge_candidates_find (PpMergeCandidateIndex        *index,
                          const PpMergeCandidateEntity *entities,
                          guint                         n_entities)
{
  Finder self = { entities, n_entities, index, NULL, NULL, NULL };
  GPtrArray *groups;

  self.entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  self.pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self.carriers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);

  for (guint i = 0; i < n_entities; i++)
    {
      if (entities[i].family == NULL)
        continue;

      for (guint k = 0; k < entities[i].keys->len; k++)
        {
          Entry entry = { i, index_key (index, entities[i].keys->pdata[k]) };
          GArray *carriers = g_hash_table_lookup (self.carriers, entry.info);

          if (carriers == NULL)
            {
              carriers = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (self.carriers, (gpointer) entry.info, carriers);
            }
          g_array_append_vals (carriers, &self.entries->len, 1);
          g_array_append_val (self.entries, entry);
        }
    }

  find_edit_distance_pairs (&self);
  find_acronym_pairs (&self);
  find_token_subset_pairs (&self);
  groups = build_groups (&self);

  g_array_unref (self.entries);
  g_hash_table_unref (self.carriers);
  g_hash_table_unref (self.pairs);

  return groups;
}

PpMergeCandidateGroup *
pp_merge_candidate_group_ref (PpMergeCandidateGroup *group)
{
  return g_atomic_rc_box_acquire (group);
}

static void
group_clear (PpMergeCandidateGroup *group)
{
  g_free (group->document);
  g_array_unref (group->nodes);
  g_ptr_array_unref (group->same);
}

void
pp_merge_candidate_group_unref (PpMergeCandidateGroup *group)
{
  g_atomic_rc_box_release_full (group, (GDestroyNotify) group_clear);
}

void
pp_merge_candidate_group_set_document (PpMergeCandidateGroup *group,
                                       const char            *document)
{
  g_free (group->document);
  group->document = g_strdup (document);
}

/* The names of the group's nodes, in order, added to @names */
void
pp_merge_candidate_group_get_names (PpMergeCandidateGroup *group,
                                    GPtrArray             *names)
{
  for (guint i = 0; i < group->nodes->len; i++)
    g_ptr_array_add (names, g_array_index (group->nodes, PpMergeCandidateNode, i).name);
}

static int
compare_guints (gconstpointer a,
                gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

static int
compare_sets (gconstpointer a,
              gconstpointer b)
{
  GArray *x = *(GArray * const *) a;
  GArray *y = *(GArray * const *) b;

  return compare_guints (x->data, y->data);
}

/* Decides the group from @same, an answer's list of the sets of node
 * positions that are one entity ([[0, 2]]): sets that share a node are
 * one; confirmed when a set has two nodes or more, rejected when none has.
 * FALSE with @error set, the group unchanged, when @same is not such a
 * list. */
gboolean
pp_merge_candidate_group_set_same (PpMergeCandidateGroup  *group,
                                   JsonNode               *same,
                                   GError                **error)
{
  guint n = group->nodes->len;
  g_autofree guint *parent = g_new (guint, n);
  g_autofree gboolean *joined = g_new0 (gboolean, n);
  g_autoptr(GHashTable) sets = g_hash_table_new (NULL, NULL);
  JsonArray *array;

  for (guint i = 0; i < n; i++)
    parent[i] = i;

  if (same == NULL || !JSON_NODE_HOLDS_ARRAY (same))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "“same” is not a list of lists of entity numbers");
      return FALSE;
    }

  array = json_node_get_array (same);
  for (guint s = 0; s < json_array_get_length (array); s++)
    {
      JsonNode *set = json_array_get_element (array, s);
      JsonArray *members;
      guint first = G_MAXUINT;

      if (!JSON_NODE_HOLDS_ARRAY (set))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "“same” is not a list of lists of entity numbers");
          return FALSE;
        }

      members = json_node_get_array (set);
      for (guint m = 0; m < json_array_get_length (members); m++)
        {
          JsonNode *member = json_array_get_element (members, m);
          gint64 position;

          if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
              (position = json_node_get_int (member)) < 0 || position >= n)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "“same” names an entity that is not one of the %u listed", n);
              return FALSE;
            }

          if (first == G_MAXUINT)
            first = (guint) position;
          else
            {
              guint a = find_root (parent, first);
              guint b = find_root (parent, (guint) position);

              parent[MAX (a, b)] = MIN (a, b);
              joined[first] = joined[position] = TRUE;
            }
        }
    }

  g_ptr_array_set_size (group->same, 0);
  for (guint i = 0; i < n; i++)
    {
      guint root = find_root (parent, i);
      GArray *set;

      if (!joined[i] && root == i)
        continue;

      set = g_hash_table_lookup (sets, GUINT_TO_POINTER (root));
      if (set == NULL)
        {
          set = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (sets, GUINT_TO_POINTER (root), set);
          g_ptr_array_add (group->same, set);
        }
      g_array_append_val (set, i);
    }
  for (guint s = 0; s < group->same->len; s++)
    g_array_sort (group->same->pdata[s], compare_guints);
  g_ptr_array_sort (group->same, compare_sets);

  group->decision = group->same->len > 0 ? PP_MERGE_DECISION_CONFIRMED : PP_MERGE_DECISION_REJECTED;

  return TRUE;
}

const char *
pp_merge_reason_to_string (PpMergeReason reason)
{
  switch (reason)
    {
    case PP_MERGE_REASON_EDIT_DISTANCE:
      return "edit-distance";
    case PP_MERGE_REASON_ACRONYM:
      return "acronym";
    case PP_MERGE_REASON_TOKEN_SUBSET:
    default:
      return "token-subset";
    }
}

const char *
pp_merge_decision_to_string (PpMergeDecision decision)
{
  switch (decision)
    {
    case PP_MERGE_DECISION_CONFIRMED:
      return "confirmed";
    case PP_MERGE_DECISION_REJECTED:
      return "rejected";
    case PP_MERGE_DECISION_UNANSWERED:
      return "unanswered";
    case PP_MERGE_DECISION_UNDECIDED:
    default:
      return "undecided";
    }
}

/* The groups as the `merge_candidates` section of PpStats documents them */
JsonNode *
pp_merge_candidates_to_json (GPtrArray *groups)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_array (builder);
  for (guint g = 0; groups != NULL && g < groups->len; g++)
    {
      PpMergeCandidateGroup *group = groups->pdata[g];

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "document");
      if (group->document != NULL)
        json_builder_add_string_value (builder, group->document);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, pp_merge_reason_to_string (group->reason));
      json_builder_set_member_name (builder, "decision");
      json_builder_add_string_value (builder, pp_merge_decision_to_string (group->decision));
      json_builder_set_member_name (builder, "nodes");
      json_builder_begin_array (builder);
      for (guint i = 0; i < group->nodes->len; i++)
        {
          PpMergeCandidateNode *node = &g_array_index (group->nodes, PpMergeCandidateNode, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, node->id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, node->name);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, node->type);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "same");
      json_builder_begin_array (builder);
      for (guint s = 0; s < group->same->len; s++)
        {
          GArray *set = group->same->pdata[s];

          json_builder_begin_array (builder);
          for (guint m = 0; m < set->len; m++)
            json_builder_add_int_value (builder, g_array_index (set, guint, m));
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}
