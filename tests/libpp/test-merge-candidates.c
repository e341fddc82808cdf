/* test-merge-candidates.c: entities the resolution rules leave apart that
 * look alike, found through the index of name keys
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-merge-candidates-private.h"

/* pp_merge_candidates_find() of @entities, each with one name key: its
 * name */
static GPtrArray *
find_candidates (PpMergeCandidateIndex        *index,
                 const PpMergeCandidateEntity *entities,
                 guint                         n_entities)
{
  g_autofree const char **keys = g_new (const char *, MAX (n_entities, 1));
  g_autofree guint *key_ends = g_new (guint, MAX (n_entities, 1));

  for (guint i = 0; i < n_entities; i++)
    {
      keys[i] = entities[i].name;
      key_ends[i] = i + 1;
    }

  return pp_merge_candidates_find (index, entities, n_entities, keys, key_ends);
}

/* Whether entities named by keys @a and @b, of one family, are found to be
 * candidates by edit distance, whichever comes first, through an index fed
 * beforehand or by the search itself */
static gboolean
edit_distance_pair (const char *a,
                    const char *b)
{
  gboolean paired = FALSE;

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(PpMergeCandidateIndex) index = pp_merge_candidate_index_new ();
      const char *first = round % 2 == 0 ? a : b;
      const char *second = round % 2 == 0 ? b : a;
      g_autoptr(GPtrArray) groups = NULL;
      PpMergeCandidateEntity entities[2] = {
        { "urn:test:first", first, "Person", FALSE },
        { "urn:test:second", second, "Person", FALSE },
      };
      gboolean paired_now;

      if (round >= 2)
        {
          pp_merge_candidate_index_add (index, second);
          pp_merge_candidate_index_add (index, first);
        }
      groups = find_candidates (index, entities, G_N_ELEMENTS (entities));

      g_assert_cmpuint (groups->len, <=, 1);
      paired_now = groups->len == 1;
      if (paired_now)
        {
          PpMergeCandidateGroup *group = groups->pdata[0];

          g_assert_cmpint (group->reason, ==, PP_MERGE_REASON_EDIT_DISTANCE);
          g_assert_cmpuint (group->nodes->len, ==, 2);
        }
      if (round == 0)
        paired = paired_now;
      else
        g_assert_cmpint (paired_now, ==, paired);
    }

  return paired;
}

#define assert_paired(a, b) \
  G_STMT_START { \
    if (!edit_distance_pair ((a), (b))) \
      g_error ("“%s” and “%s” should be candidates", (a), (b)); \
  } G_STMT_END

#define assert_apart(a, b) \
  G_STMT_START { \
    if (edit_distance_pair ((a), (b))) \
      g_error ("“%s” and “%s” should not be candidates", (a), (b)); \
  } G_STMT_END

static void
test_distance_0 (void)
{
  assert_paired ("ada lovelace", "ada lovelace");
  assert_paired ("abcdef", "abcdef");
  assert_apart ("curie", "curie");
}

static void
test_distance_1 (void)
{
  /* substitution at the start, in the middle, at the end */
  assert_paired ("ada lovelace", "eda lovelace");
  assert_paired ("ada lovelace", "ada lovxlace");
  assert_paired ("ada lovelace", "ada lovelacx");
  /* insertion */
  assert_paired ("ada lovelace", "xada lovelace");
  assert_paired ("ada lovelace", "ada lovexlace");
  assert_paired ("ada lovelace", "ada lovelacex");
  /* deletion */
  assert_paired ("ada lovelace", "da lovelace");
  assert_paired ("ada lovelace", "ada lovlace");
  assert_paired ("ada lovelace", "ada lovelac");
  /* transposition */
  assert_paired ("ada lovelace", "daa lovelace");
  assert_paired ("ada lovelace", "ada loveleac");
  assert_paired ("ada lovelace", "ada lovelaec");
}

static void
test_distance_2 (void)
{
  /* two substitutions: apart, together, at both ends */
  assert_paired ("ada lovelace", "eda lovelacx");
  assert_paired ("ada lovelace", "ada loxxlace");
  assert_paired ("ada lovelace", "xxa lovelace");
  assert_paired ("ada lovelace", "ada lovelaxx");
  /* two insertions, two deletions, one of each */
  assert_paired ("ada lovelace", "xada lovelacex");
  assert_paired ("ada lovelace", "ada lovxxelace");
  assert_paired ("ada lovelace", "a lovelace");
  assert_paired ("ada lovelace", "da lovelac");
  assert_paired ("ada lovelace", "xada lovelac");
  assert_paired ("ada lovelace", "ada lxovelac");
  /* two transpositions: at both ends, side by side */
  assert_paired ("ada lovelace", "daa lovelaec");
  assert_paired ("ada lovelace", "ada olevlace");
  assert_paired ("abcdef", "badcef");
  assert_paired ("abcdef", "bacdfe");
  /* a transposition with a substitution, an insertion, a deletion */
  assert_paired ("ada lovelace", "daa lovelacx");
  assert_paired ("ada lovelace", "ada loevlacex");
  assert_paired ("ada lovelace", "ad lovelaec");
  /* every third character of a short key */
  assert_paired ("abcdef", "axcdxf");
  assert_paired ("abcdef", "abdcfe");
  assert_paired ("abcdefgh", "cdefgh");
  assert_paired ("abcdefgh", "abcdgh");
}

static void
test_distance_3 (void)
{
  assert_apart ("ada lovelace", "eda lxvelacx");
  assert_apart ("ada lovelace", "xyz lovelace");
  assert_apart ("ada lovelace", "ada lovelacexyz");
  assert_apart ("ada lovelace", "a lovelac");
  assert_apart ("ada lovelace", "daa olevlaec");
  assert_apart ("abcdef", "badcfe");
  /* an optimal string alignment edits no substring twice: a transposition
   * then an insertion between its characters is 3, not 2 */
  assert_apart ("caxyzw", "abcxyzw");
}

static void
test_multibyte (void)
{
  /* "zoë müller", "zoé müller", … */
  assert_paired ("zo\xc3\xab m\xc3\xbcller", "zo\xc3\xa9 m\xc3\xbcller");
  assert_paired ("zo\xc3\xab m\xc3\xbcller", "zoe muller");
  assert_paired ("zo\xc3\xab m\xc3\xbcller", "z\xc3\xabo m\xc3\xbcller");
  assert_paired ("zo\xc3\xab m\xc3\xbcller", "zo\xc3\xab \xc3\xbcmller");
  assert_paired ("zo\xc3\xab m\xc3\xbcller", "o\xc3\xab m\xc3\xbcllr");
  assert_apart ("zo\xc3\xab m\xc3\xbcller", "zoe mulller");
  /* Hangul, by characters: six, then five and a half */
  assert_paired ("\xed\x95\x9c\xea\xb8\x80\xed\x95\x9c\xea\xb8\x80\xed\x95\x9c\xea\xb8\x80",
                 "\xea\xb8\x80\xed\x95\x9c\xed\x95\x9c\xea\xb8\x80\xed\x95\x9c\xea\xb8\x80");
  assert_apart ("\xed\x95\x9c\xea\xb8\x80\xed\x95\x9c\xea\xb8\x80\xed\x95\x9c",
                "\xea\xb8\x80\xed\x95\x9c\xed\x95\x9c\xea\xb8\x80\xed\x95\x9c");
}

static void
test_digits (void)
{
  assert_apart ("apollo 11", "apollo 12");
  assert_apart ("apollo 11", "apollo 111");
  assert_apart ("apollo 11", "apollo 1");
  assert_apart ("rx 100 unit", "rx 010 unit");
  assert_apart ("gemini 7", "gemini x");
  assert_paired ("apollo 11", "apolo 11");
  assert_paired ("apollo 11", "apollo11");
  /* the same digits in other places */
  assert_paired ("a1bcdef", "ab1cdef");
  assert_paired ("1abcdef", "abc1def");
  /* any digits, "٣" as "3" no more than "1" */
  assert_paired ("apollo \xd9\xa3", "apolo \xd9\xa3");
  assert_apart ("apollo \xd9\xa3", "apollo 3");
}

static char *
repeat (char   c,
        gsize  n)
{
  char *s = g_malloc (n + 1);

  memset (s, c, n);
  s[n] = '\0';

  return s;
}

static void
test_lengths (void)
{
  g_autofree char *a63 = repeat ('a', 63);
  g_autofree char *a64 = repeat ('a', 64);
  g_autofree char *a65 = repeat ('a', 65);
  g_autofree char *a66 = repeat ('a', 66);
  g_autofree char *b64 = g_strconcat ("b", a63, NULL);
  g_autofree char *b65 = g_strconcat ("b", a64, NULL);
  g_autofree char *bb64 = g_strconcat ("bb", a63 + 1, NULL);

  assert_apart ("abcde", "abcdx");
  assert_apart ("abcde", "abcdef");
  assert_apart ("abcdef", "abcd");
  assert_paired ("abcdef", "abcdex");
  assert_paired ("abcdef", "abcdefgh");
  assert_apart ("abcdef", "abcdefghi");

  assert_paired (a64, b64);
  assert_paired (a64, bb64);
  assert_paired (a64, a63);
  assert_apart (a64, a65);
  assert_apart (a65, b65);
  assert_apart (a65, a66);
  assert_apart (a64, a66);
}

/* Groups */

/* Entities of two families, or whose nodes both have an IRI of their
 * authors', are never candidates */
static void
test_groups (void)
{
  const char * const names[] = { "grace hopper", "grace hoppex", "alan turing", "alan turning",
                                  "ada lovelace", "ada lovelaec" };
  const char * const families[] = { "Person", "Person", "Person", "Place", "Person", "Person" };
  const gboolean has_iri[] = { TRUE, TRUE, FALSE, FALSE, TRUE, FALSE };
  g_autoptr(PpMergeCandidateIndex) index = pp_merge_candidate_index_new ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  PpMergeCandidateEntity entities[G_N_ELEMENTS (names)];
  g_autoptr(GPtrArray) groups = NULL;
  PpMergeCandidateGroup *group;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_ptr_array_add (ids, g_strdup_printf ("urn:test:%u", i));
      entities[i] = (PpMergeCandidateEntity) {
        ids->pdata[i], names[i], families[i], has_iri[i],
      };
    }

  groups = find_candidates (index, entities, G_N_ELEMENTS (entities));
  g_assert_cmpuint (groups->len, ==, 1);
  group = groups->pdata[0];
  g_assert_cmpint (group->reason, ==, PP_MERGE_REASON_EDIT_DISTANCE);
  g_assert_cmpuint (group->nodes->len, ==, 2);
  g_assert_cmpstr (g_array_index (group->nodes, PpMergeCandidateNode, 0).name, ==, "ada lovelace");
  g_assert_cmpstr (g_array_index (group->nodes, PpMergeCandidateNode, 1).name, ==, "ada lovelaec");
}

/* The reason entities named @a and @b, of one family, are candidates
 * for, through an index fed beforehand; -1 when they are not */
static int
pair_reason (const char *a,
             const char *b)
{
  g_autoptr(PpMergeCandidateIndex) index = pp_merge_candidate_index_new ();
  g_autoptr(GPtrArray) groups = NULL;
  PpMergeCandidateEntity entities[2] = {
    { "urn:test:a", a, "Organization", FALSE },
    { "urn:test:b", b, "Organization", FALSE },
  };

  pp_merge_candidate_index_add (index, a);
  pp_merge_candidate_index_add (index, b);
  groups = find_candidates (index, entities, G_N_ELEMENTS (entities));
  g_assert_cmpuint (groups->len, <=, 1);

  return groups->len == 1 ? (int) ((PpMergeCandidateGroup *) groups->pdata[0])->reason : -1;
}

static void
test_acronym_initials (void)
{
  /* no function word: one set of initials */
  g_assert_cmpint (pair_reason ("ibm", "international business machines"), ==,
                   PP_MERGE_REASON_ACRONYM);
  g_assert_cmpint (pair_reason ("i b m", "international business machines"), ==,
                   PP_MERGE_REASON_ACRONYM);
  /* function words: the initials without them, and with them */
  g_assert_cmpint (pair_reason ("mit", "massachusetts institute of technology"), ==,
                   PP_MERGE_REASON_ACRONYM);
  g_assert_cmpint (pair_reason ("miot", "massachusetts institute of technology"), ==,
                   PP_MERGE_REASON_ACRONYM);
  g_assert_cmpint (pair_reason ("tuom", "the university of manchester"), ==,
                   PP_MERGE_REASON_ACRONYM);
  g_assert_cmpint (pair_reason ("um", "the university of manchester"), ==,
                   PP_MERGE_REASON_ACRONYM);
  g_assert_cmpint (pair_reason ("xyz", "international business machines"), ==, -1);
  g_assert_cmpint (pair_reason ("mt", "massachusetts institute of technology"), ==, -1);
}

/* Randomized: the index against every pair compared */

/* The optimal string alignment distance, the whole table */
static guint
osa_distance (const gunichar *a,
              guint           la,
              const gunichar *b,
              guint           lb)
{
  g_autofree guint *d = g_new (guint, (la + 1) * (lb + 1));

#define D(i, j) d[(i) * (lb + 1) + (j)]
  for (guint i = 0; i <= la; i++)
    D (i, 0) = i;
  for (guint j = 0; j <= lb; j++)
    D (0, j) = j;
  for (guint i = 1; i <= la; i++)
    for (guint j = 1; j <= lb; j++)
      {
        guint best = MIN (D (i - 1, j) + 1, D (i, j - 1) + 1);

        best = MIN (best, D (i - 1, j - 1) + (a[i - 1] == b[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
          best = MIN (best, D (i - 2, j - 2) + 1);
        D (i, j) = best;
      }

  return D (la, lb);
#undef D
}

static char *
digits_of (const gunichar *chars,
           guint           n)
{
  GString *digits = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    if (g_unichar_isdigit (chars[i]))
      g_string_append_unichar (digits, chars[i]);

  return g_string_free (digits, FALSE);
}

/* Whether keys @a and @b are candidates, by the definition */
static gboolean
expected_pair (const char *a,
               const char *b)
{
  glong la, lb;
  g_autofree gunichar *ca = g_utf8_to_ucs4_fast (a, -1, &la);
  g_autofree gunichar *cb = g_utf8_to_ucs4_fast (b, -1, &lb);
  g_autofree char *da = digits_of (ca, la);
  g_autofree char *db = digits_of (cb, lb);

  return la >= 6 && la <= 64 && lb >= 6 && lb <= 64 && ABS (la - lb) <= 2 &&
         g_str_equal (da, db) && osa_distance (ca, la, cb, lb) <= 2;
}

/* Characters of the generated names: ASCII, two-byte and three-byte
 * letters and digits, no space (so that no name is a word of another) */
static const char * const alphabet[] = {
  "a", "b", "c", "d", "e", "\xc3\xa9", "\xc3\x9f", "\xe3\x81\x82", "1", "2", "\xd9\xa3",
};

static const char *
random_char (void)
{
  /* digits are rarer */
  guint i = (guint) g_test_rand_int_range (0, G_N_ELEMENTS (alphabet) + 12);

  return i < G_N_ELEMENTS (alphabet) ? alphabet[i] : alphabet[i % 5];
}

/* @base with 1 to 3 random edits */
static char *
random_edit (const char *base)
{
  glong n;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (base, -1, &n);
  g_autoptr(GArray) edited = g_array_new (FALSE, FALSE, sizeof (gunichar));
  guint n_edits = (guint) g_test_rand_int_range (1, 4);
  GString *result = g_string_new (NULL);

  g_array_append_vals (edited, chars, n);
  for (guint e = 0; e < n_edits; e++)
    {
      guint at = edited->len > 0 ? (guint) g_test_rand_int_range (0, edited->len) : 0;
      gunichar c = g_utf8_get_char (random_char ());

      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
          g_array_insert_val (edited, at, c);
          break;
        case 1:
          if (edited->len > 0)
            g_array_remove_index (edited, at);
          break;
        case 2:
          if (edited->len > 0)
            g_array_index (edited, gunichar, at) = c;
          break;
        default:
          if (at + 1 < edited->len)
            {
              gunichar t = g_array_index (edited, gunichar, at);

              g_array_index (edited, gunichar, at) = g_array_index (edited, gunichar, at + 1);
              g_array_index (edited, gunichar, at + 1) = t;
            }
          break;
        }
    }

  for (guint i = 0; i < edited->len; i++)
    g_string_append_unichar (result, g_array_index (edited, gunichar, i));
  /* a name key is never empty */
  if (result->len == 0)
    g_string_append (result, base);

  return g_string_free (result, FALSE);
}

/* Names of 3 to 67 characters, with others a few edits away */
static GPtrArray *
random_names (guint n)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  while (names->len < n)
    {
      guint length = (guint) g_test_rand_int_range (3, 68);
      GString *base = g_string_new (NULL);
      guint n_edited = (guint) g_test_rand_int_range (0, 6);

      for (guint i = 0; i < length; i++)
        g_string_append (base, random_char ());
      for (guint i = 0; i < n_edited; i++)
        g_ptr_array_add (names, random_edit (names->len > 0 && i % 2 == 1 ?
                                             names->pdata[names->len - 1] : base->str));
      g_ptr_array_add (names, g_string_free (base, FALSE));
    }

  return names;
}

static void
shuffle (guint *order,
         guint  n)
{
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = (guint) g_test_rand_int_range (0, i + 1);
      guint t = order[i];

      order[i] = order[j];
      order[j] = t;
    }
}

static guint
find_root (guint *parent,
           guint  i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];

  return i;
}

/* The groups, written out, of the entities named @names[@order[…]], each
 * key of which has been added to the index in the order @index_order */
static char *
find_groups_text (GPtrArray   *names,
                  const guint *order,
                  const guint *index_order)
{
  g_autoptr(PpMergeCandidateIndex) index = pp_merge_candidate_index_new ();
  g_autofree PpMergeCandidateEntity *entities = g_new0 (PpMergeCandidateEntity, names->len);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(JsonNode) json = NULL;

  for (guint i = 0; i < names->len; i++)
    pp_merge_candidate_index_add (index, names->pdata[index_order[i]]);

  for (guint i = 0; i < names->len; i++)
    {
      char *id = g_strdup_printf ("urn:test:%04u", order[i]);

      g_ptr_array_add (ids, id);
      entities[i] = (PpMergeCandidateEntity) { id, names->pdata[order[i]], "Thing", FALSE };
    }

  groups = find_candidates (index, entities, names->len);
  for (guint g = 0; g < groups->len; g++)
    g_assert_cmpint (((PpMergeCandidateGroup *) groups->pdata[g])->reason, ==,
                     PP_MERGE_REASON_EDIT_DISTANCE);
  json = pp_merge_candidates_to_json (groups);

  return json_to_string (json, FALSE);
}

/* The groups, written out as find_groups_text() does, that the pairs of
 * the definition make */
static char *
expected_groups_text (GPtrArray *names)
{
  guint n = names->len;
  g_autofree guint *parent = g_new (guint, n);
  g_autofree gboolean *paired = g_new0 (gboolean, n);
  g_autoptr(GString) text = g_string_new ("[");
  gboolean first = TRUE;

  for (guint i = 0; i < n; i++)
    parent[i] = i;
  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      if (expected_pair (names->pdata[i], names->pdata[j]))
        {
          guint a = find_root (parent, i);
          guint b = find_root (parent, j);

          parent[MAX (a, b)] = MIN (a, b);
          paired[i] = paired[j] = TRUE;
        }

  /* groups by their first node, which is the root: identifiers follow the
   * names' order */
  for (guint root = 0; root < n; root++)
    {
      if (!paired[root] || find_root (parent, root) != root)
        continue;
      g_string_append_printf (text, "%s{\"document\":null,\"reason\":\"edit-distance\","
                              "\"decision\":\"undecided\",\"nodes\":[", first ? "" : ",");
      first = FALSE;
      for (guint i = root; i < n; i++)
        if (find_root (parent, i) == root)
          g_string_append_printf (text, "%s{\"id\":\"urn:test:%04u\",\"name\":\"%s\",\"type\":\"Thing\"}",
                                  i == root ? "" : ",", i, (const char *) names->pdata[i]);
      g_string_append (text, "],\"same\":[]}");
    }
  g_string_append (text, "]");

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_random (void)
{
  g_autoptr(GPtrArray) names = random_names (300);
  guint n = names->len;
  g_autofree guint *order = g_new (guint, n);
  g_autofree guint *index_order = g_new (guint, n);
  g_autofree char *expected = expected_groups_text (names);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  for (guint i = 0; i < n; i++)
    order[i] = index_order[i] = i;

  first = find_groups_text (names, order, index_order);
  g_assert_cmpstr (first, ==, expected);

  shuffle (order, n);
  shuffle (index_order, n);
  second = find_groups_text (names, order, index_order);
  g_assert_cmpstr (second, ==, expected);
}

/* A key is only looked for among the lengths that keys with its digits
 * have: keys with the same digits up to two characters longer or shorter,
 * among keys of those lengths with other digits, are all found, whichever
 * comes first */
static void
test_digits_and_lengths (void)
{
  static const char * const written[] = {
    "grace12hop", "grace12ho", "grace12h", "grce12hop", "grace12hopp", "grace12hoppe",
    "xgrace12hopx", "grace12hoppers", "grace13hop", "grace13ho", "grace13hopp",
    "grace1hop", "grace12hop7", "grace21hop", "gracehop", "gracehopp",
  };
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n = G_N_ELEMENTS (written);
  g_autofree guint *order = g_new (guint, n);
  g_autofree guint *reversed = g_new (guint, n);
  g_autofree char *expected = NULL;
  g_autofree char *forward = NULL;
  g_autofree char *backward = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (names, (gpointer) written[i]);
      order[i] = i;
      reversed[i] = n - 1 - i;
    }
  expected = expected_groups_text (names);
  /* the pairs of the same digits, two characters apart at most */
  g_assert_nonnull (strstr (expected, "\"grace12hoppe\""));
  g_assert_nonnull (strstr (expected, "\"grace12h\""));

  forward = find_groups_text (names, order, order);
  g_assert_cmpstr (forward, ==, expected);
  backward = find_groups_text (names, order, reversed);
  g_assert_cmpstr (backward, ==, expected);
}

/* Randomized, by pairs: entities two by two, their keys in an index that
 * holds all the names */
static void
test_random_pairs (void)
{
  g_autoptr(GPtrArray) names = random_names (120);
  g_autoptr(PpMergeCandidateIndex) index = pp_merge_candidate_index_new ();
  guint n = names->len;
  guint n_paired = 0;
  g_autofree guint *order = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  shuffle (order, n);
  for (guint i = 0; i < n; i++)
    pp_merge_candidate_index_add (index, names->pdata[order[i]]);

  for (guint i = 0; i < n; i++)
    for (guint j = i + 1; j < n; j++)
      {
        PpMergeCandidateEntity entities[2] = {
          { "urn:test:a", names->pdata[i], "Thing", FALSE },
          { "urn:test:b", names->pdata[j], "Thing", FALSE },
        };
        g_autoptr(GPtrArray) groups = NULL;
        gboolean expected = expected_pair (names->pdata[i], names->pdata[j]);

        groups = find_candidates (index, entities, 2);
        if ((groups->len == 1) != expected)
          g_error ("“%s” and “%s”: %s expected", (const char *) names->pdata[i],
                   (const char *) names->pdata[j], expected ? "a pair" : "no pair");
        n_paired += expected;
      }

  /* the names are near enough for many pairs */
  g_assert_cmpuint (n_paired, >=, 20);
}

/* Every edit, and every pair of edits, at every place */

typedef enum {
  EDIT_NONE,
  EDIT_TRANSPOSE,
  EDIT_SUBSTITUTE,
  EDIT_DELETE,
  EDIT_INSERT,
} EditKind;

/* Applies an edit of @kind at @at to @chars, if it fits */
static void
apply_edit (GArray   *chars,
            EditKind  kind,
            guint     at)
{
  gunichar x = 'x';

  switch (kind)
    {
    case EDIT_TRANSPOSE:
      if (at + 1 < chars->len)
        {
          gunichar t = g_array_index (chars, gunichar, at);

          g_array_index (chars, gunichar, at) = g_array_index (chars, gunichar, at + 1);
          g_array_index (chars, gunichar, at + 1) = t;
        }
      break;
    case EDIT_SUBSTITUTE:
      if (at < chars->len)
        g_array_index (chars, gunichar, at) = x;
      break;
    case EDIT_DELETE:
      if (at < chars->len)
        g_array_remove_index (chars, at);
      break;
    case EDIT_INSERT:
      if (at <= chars->len)
        g_array_insert_val (chars, at, x);
      break;
    case EDIT_NONE:
    default:
      break;
    }
}

/* Whether the index pairs @a and @b, entities of one family, as the
 * definition does */
static void
assert_pair_as_defined (const char *a,
                        const char *b)
{
  g_autoptr(PpMergeCandidateIndex) index = pp_merge_candidate_index_new ();
  PpMergeCandidateEntity entities[2] = {
    { "urn:test:a", a, "Thing", FALSE },
    { "urn:test:b", b, "Thing", FALSE },
  };
  g_autoptr(GPtrArray) groups = NULL;
  gboolean expected = expected_pair (a, b);

  groups = find_candidates (index, entities, 2);
  if ((groups->len == 1) != expected)
    g_error ("“%s” and “%s”: %s expected", a, b, expected ? "a pair" : "no pair");
}

/* Names of 6 to 20 and of 62 to 64 characters, each against itself with
 * one or two edits of every kind at every place: whichever pieces a name
 * is indexed by, some edits fall on their ends */
static void
test_every_place (void)
{
  static const guint lengths[] = { 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 62, 63, 64 };
  const gunichar letters[] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 0xe9 };

  for (guint l = 0; l < G_N_ELEMENTS (lengths); l++)
    {
      guint length = lengths[l];
      g_autoptr(GArray) base = g_array_new (FALSE, FALSE, sizeof (gunichar));
      g_autofree char *base_text = NULL;
      /* long names: transpositions only, the edits that span two places */
      EditKind last_kind = length > 20 ? EDIT_TRANSPOSE : EDIT_INSERT;

      for (guint i = 0; i < length; i++)
        g_array_append_val (base, letters[i % G_N_ELEMENTS (letters)]);
      base_text = g_ucs4_to_utf8 ((gunichar *) base->data, base->len, NULL, NULL, NULL);

      for (EditKind first = EDIT_NONE; first <= last_kind; first++)
        for (guint first_at = 0; first_at <= length; first_at++)
          for (EditKind second = EDIT_TRANSPOSE; second <= last_kind; second++)
            for (guint second_at = first_at; second_at <= length; second_at++)
              {
                g_autoptr(GArray) edited = g_array_copy (base);
                g_autofree char *edited_text = NULL;

                if (first == EDIT_NONE && first_at > 0)
                  continue;
                /* the later place first, so that the earlier one stays */
                apply_edit (edited, second, second_at);
                apply_edit (edited, first, first_at);
                edited_text = g_ucs4_to_utf8 ((gunichar *) edited->data, edited->len,
                                              NULL, NULL, NULL);
                assert_pair_as_defined (base_text, edited_text);
              }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/merge-candidates/edit-distance/distance-0", test_distance_0);
  g_test_add_func ("/merge-candidates/edit-distance/distance-1", test_distance_1);
  g_test_add_func ("/merge-candidates/edit-distance/distance-2", test_distance_2);
  g_test_add_func ("/merge-candidates/edit-distance/distance-3-apart", test_distance_3);
  g_test_add_func ("/merge-candidates/edit-distance/multibyte", test_multibyte);
  g_test_add_func ("/merge-candidates/edit-distance/different-digits-apart", test_digits);
  g_test_add_func ("/merge-candidates/edit-distance/length-bounds", test_lengths);
  g_test_add_func ("/merge-candidates/edit-distance/every-place", test_every_place);
  g_test_add_func ("/merge-candidates/groups/family-and-iris", test_groups);
  g_test_add_func ("/merge-candidates/edit-distance/same-digits-lengths-around",
                   test_digits_and_lengths);
  g_test_add_func ("/merge-candidates/edit-distance/random-groups-any-order", test_random);
  g_test_add_func ("/merge-candidates/edit-distance/random-pairs", test_random_pairs);
  g_test_add_func ("/merge-candidates/acronym/initials-with-and-without-function-words",
                   test_acronym_initials);

  return g_test_run ();
}
