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
 * through indexes (pieces of the names, words, initials), not by
 * comparing every pair, and everything is sorted at the end: the groups
 * depend only on the entities, never on the order they come in. The
 * distinct name keys, with the keys within the edit distance of each, their
 * initials, and the keys that have each word, are kept in a
 * PpMergeCandidateIndex that can be fed as the keys arrive. */

#define MIN_EDIT_LENGTH 6
#define MAX_EDIT_LENGTH 64
#define MAX_EDIT_DISTANCE 2
#define MAX_SUBSET_MATCHES 8

/* three letters at most (is_function_word()) */
static const char * const function_words[] = {
  "a", "an", "and", "at", "de", "der", "des", "di", "du", "et", "for", "in",
  "la", "le", "of", "on", "the", "und", "van", "von",
};

/* A distinct name key, and what the searches need of it, worked out once;
 * its strings are the index's (PpMergeCandidateIndex:strings) */
typedef struct
{
  const char *key;
  glong n_chars;
  const char *acronym;         /* how it reads as an acronym, or NULL */
  const char *initials[2];     /* (nullable): the initials of its words,
                                * with its function words, then without
                                * (initials_of()), when it has two words or
                                * more and reads as no acronym */
  GArray *similar;             /* (element-type guint) (nullable): the
                                * keys within the edit distance, with the
                                * same digits */
  guint64 counts;              /* how many of its characters fall in each
                                * of 16 classes, 4 bits each (decode()) */
  guint compared_with;         /* the id plus one of the last key it was
                                * compared with (compare_pieces()) */
  guint carriers;              /* during a search, the last entry with the
                                * key plus one, or 0 (Entry:next_carrier) */
  const char *tokens[];        /* distinct, sorted, interned in the
                                * index's strings; NULL-terminated */
} KeyInfo;

/* The keys that have a word: a list of Posting, newest first */
typedef struct
{
  guint head;                  /* a position in @postings */
  guint n_keys;
} TokenKeys;

typedef struct
{
  guint key;                   /* the key's id */
  guint next;                  /* the posting before it of the same word, or
                                * NO_POSTING */
} Posting;

#define NO_POSTING G_MAXUINT

struct _PpMergeCandidateIndex
{
  GStringChunk *strings;       /* the keys, their words, acronyms and
                                * initials, the words once each */
  GString *scratch;            /* for a word or initials being read */
  GPtrArray *tokens;           /* the words of the key being indexed */
  GHashTable *ids;             /* key → its id plus one */
  GPtrArray *keys;             /* (element-type KeyInfo): by id */
  /* the pieces of the keys (index_pieces()): an open-addressing table of
   * their hashes, each with the last piece recorded under it */
  guint64 *slot_hashes;        /* 0 for an empty slot */
  guint *slot_heads;           /* a position in @pieces */
  gsize slot_mask;             /* the number of slots, a power of 2, less 1 */
  gsize n_slots_used;
  GArray *pieces;              /* (element-type Piece) */
  GHashTable *token_ids;       /* a word (interned in @strings) → its
                                * position in @token_keys plus one */
  GArray *token_keys;          /* (element-type TokenKeys) */
  GArray *postings;            /* (element-type Posting) */
  guint64 *shapes;             /* the shapes (key_shape()) of the keys
                                * whose pieces are recorded: an
                                * open-addressing set, 0 for an empty slot */
  gsize shapes_mask;           /* its size, a power of 2, less 1 */
  gsize n_shapes;
};

/* One name key of one entity */
typedef struct
{
  guint entity;
  KeyInfo *info;
  guint next_carrier;          /* the entry before it with the same key
                                * plus one, or 0 */
} Entry;


typedef struct
{
  const PpMergeCandidateEntity *entities;
  guint n_entities;
  PpMergeCandidateIndex *index;
  GArray *entries;             /* (element-type Entry) */
  GHashTable *pairs;           /* (a << 32 | b, a < b) → reason + 1 */
} Finder;

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Sets @tokens to the distinct words of @key, sorted, interned in
 * @strings; @scratch is for a word being read */
static void
distinct_tokens (GStringChunk *strings,
                 GString      *scratch,
                 const char   *key,
                 GPtrArray    *tokens)
{
  g_ptr_array_set_size (tokens, 0);
  for (const char *word = key; *word != '\0';)
    {
      const char *end = strchr (word, ' ');
      gsize length = end != NULL ? (gsize) (end - word) : strlen (word);

      if (length > 0)
        {
          g_string_truncate (scratch, 0);
          g_string_append_len (scratch, word, length);
          g_ptr_array_add (tokens, g_string_chunk_insert_const (strings, scratch->str));
        }
      word += end != NULL ? length + 1 : length;
    }
  /* a name has few words: sorted in place, with no set-up */
  if (tokens->len > 16)
    g_ptr_array_sort (tokens, compare_strings);
  for (guint i = 1; i < tokens->len && tokens->len <= 16; i++)
    {
      gpointer token = tokens->pdata[i];
      guint j = i;

      for (; j > 0 && strcmp (tokens->pdata[j - 1], token) > 0; j--)
        tokens->pdata[j] = tokens->pdata[j - 1];
      tokens->pdata[j] = token;
    }
  for (guint i = 1; i < tokens->len;)
    {
      /* interned: equal words, equal pointers */
      if (tokens->pdata[i] == tokens->pdata[i - 1])
        g_ptr_array_remove_index (tokens, i);
      else
        i++;
    }
}

/* The entries with a key, last first: from KeyInfo:carriers on, each
 * entry plus one is followed by next_carrier() of it, until 0 */
static guint
next_carrier (Finder *self,
              guint   carrier)
{
  return g_array_index (self->entries, Entry, carrier - 1).next_carrier;
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

/* Edit distance
 *
 * Keys within the distance are found through a partition index
 * (pigeonhole). A key of n characters is cut into N_PIECES pieces, one
 * character apart (piece_of()). An edit of an optimal string alignment,
 * a substitution, an insertion, a deletion or a transposition of two
 * neighbours, changes at most one piece, as no two pieces are neighbours,
 * and no substring is edited twice: of two keys within the distance, one
 * piece of the one is found unchanged in the other, moved by the
 * characters inserted before it less the ones deleted, no more than
 * MAX_EDIT_DISTANCE. The pieces of each key are recorded under a 64-bit
 * hash of their characters, the key's length and digits, and the piece's
 * number (piece_hash()); a new key looks up, for each length within the
 * distance of its own that a key with its digits has (key_shape()), each
 * piece at each place in it where it may have moved to, and compares the
 * keys found with itself. Keys with other digits are never found, and a
 * hash collision only costs a comparison.
 *
 * Keys that share a piece but differ elsewhere (names that begin alike)
 * are mostly told apart before they are compared by how many of their
 * characters fall in each of 16 classes: an edit changes two of these
 * counts by one at most, so keys within the distance have counts that
 * differ by 2 * MAX_EDIT_DISTANCE at most, in all. */

#define N_PIECES (MAX_EDIT_DISTANCE + 1)
#define NO_PIECE G_MAXUINT

/* every piece of the shortest key has a character */
G_STATIC_ASSERT (MIN_EDIT_LENGTH >= 2 * N_PIECES - 1);

/* A piece of a key, in the list of the ones recorded under a hash */
typedef struct
{
  guint key;                   /* the key's id */
  guint next;                  /* the piece recorded before it under the
                                * same hash, or NO_PIECE */
} Piece;

/* A key's characters, and what its hashes are made of */
typedef struct
{
  gunichar chars[MAX_EDIT_LENGTH];
  guint n_chars;
  gunichar digits[MAX_EDIT_LENGTH];
  guint n_digits;
  guint64 digits_hash;
  guint64 counts;              /* as KeyInfo's */
  guint64 prefix[MAX_EDIT_LENGTH + 1];  /* the hash of each prefix */
} Decoded;

#define HASH_BASE G_GUINT64_CONSTANT (0x100000001b3)

/* The characters of @key into @decoded; FALSE when it has fewer than
 * MIN_EDIT_LENGTH or more than MAX_EDIT_LENGTH */
static gboolean
decode (const char *key,
        Decoded    *decoded)
{
  const char *p = key;

  decoded->n_chars = 0;
  decoded->n_digits = 0;
  decoded->digits_hash = 0;
  decoded->counts = 0;
  for (; *p != '\0' && decoded->n_chars < MAX_EDIT_LENGTH; p = g_utf8_next_char (p))
    {
      gboolean ascii = (guchar) *p < 0x80;
      gunichar c = ascii ? (gunichar) *p : g_utf8_get_char (p);
      guint shift = ((c * 0x9e3779b1u) >> 28) * 4;

      decoded->chars[decoded->n_chars++] = c;
      /* saturated: fewer counted only makes counts nearer */
      if (((decoded->counts >> shift) & 0xf) != 0xf)
        decoded->counts += (guint64) 1 << shift;
      if (ascii ? g_ascii_isdigit (c) : g_unichar_isdigit (c))
        {
          decoded->digits[decoded->n_digits++] = c;
          decoded->digits_hash = (decoded->digits_hash + c + 1) * HASH_BASE;
        }
    }

  return *p == '\0' && decoded->n_chars >= MIN_EDIT_LENGTH;
}

/* Fills the hashes of the prefixes of @decoded, and the powers of
 * HASH_BASE up to its length in @powers */
static void
hash_prefixes (Decoded *decoded,
               guint64  powers[MAX_EDIT_LENGTH + 1])
{
  decoded->prefix[0] = 0;
  powers[0] = 1;
  for (guint i = 0; i < decoded->n_chars; i++)
    {
      decoded->prefix[i + 1] = decoded->prefix[i] * HASH_BASE + decoded->chars[i] + 1;
      powers[i + 1] = powers[i] * HASH_BASE;
    }
}

/* Where piece @i of a key of @n_chars characters starts, and how long it
 * is: the pieces share the characters left between them as evenly as can
 * be, the longer ones last */
static void
piece_of (guint  n_chars,
          guint  i,
          guint *start,
          guint *length)
{
  guint usable = n_chars - (N_PIECES - 1);
  guint shorter = N_PIECES - usable % N_PIECES;

  *length = usable / N_PIECES + (i >= shorter ? 1 : 0);
  *start = i * (usable / N_PIECES + 1) + (i > shorter ? i - shorter : 0);
}

/* The hash under which piece @i of keys of @n_chars characters and the
 * digits of @decoded is recorded, when its characters are the ones of
 * @decoded from @start on */
static guint64
piece_hash (const Decoded *decoded,
            const guint64  powers[MAX_EDIT_LENGTH + 1],
            guint          n_chars,
            guint          i,
            guint          start,
            guint          length)
{
  guint64 hash = decoded->prefix[start + length] - decoded->prefix[start] * powers[length];

  /* splitmix64's finaliser, over the piece, the digits, the length and the
   * piece's number */
  hash ^= decoded->digits_hash * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  hash += (guint64) (n_chars * N_PIECES + i) << 40;
  hash = (hash ^ (hash >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  hash = (hash ^ (hash >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  hash ^= hash >> 31;

  /* 0 marks an empty slot */
  return hash != 0 ? hash : 1;
}

/* The slot of @hash in the table of pieces: its own, or the empty one
 * where it would go */
static gsize
piece_slot (PpMergeCandidateIndex *self,
            guint64                hash)
{
  gsize slot = hash & self->slot_mask;

  while (self->slot_hashes[slot] != 0 && self->slot_hashes[slot] != hash)
    slot = (slot + 1) & self->slot_mask;

  return slot;
}

/* Doubles the table of pieces */
static void
grow_slots (PpMergeCandidateIndex *self)
{
  g_autofree guint64 *hashes = g_steal_pointer (&self->slot_hashes);
  g_autofree guint *heads = g_steal_pointer (&self->slot_heads);
  gsize n_slots = self->slot_mask + 1;

  self->slot_mask = n_slots * 2 - 1;
  self->slot_hashes = g_new0 (guint64, n_slots * 2);
  self->slot_heads = g_new (guint, n_slots * 2);
  for (gsize i = 0; i < n_slots; i++)
    if (hashes[i] != 0)
      {
        gsize slot = piece_slot (self, hashes[i]);

        self->slot_hashes[slot] = hashes[i];
        self->slot_heads[slot] = heads[i];
      }
}

static void
record_piece (PpMergeCandidateIndex *self,
              guint64                hash,
              guint                  key)
{
  gsize slot = piece_slot (self, hash);
  Piece piece = { key, NO_PIECE };

  if (self->slot_hashes[slot] == 0)
    {
      /* at most half full */
      if (2 * (self->n_slots_used + 1) > self->slot_mask + 1)
        {
          grow_slots (self);
          slot = piece_slot (self, hash);
        }
      self->slot_hashes[slot] = hash;
      self->n_slots_used++;
    }
  else
    piece.next = self->slot_heads[slot];

  self->slot_heads[slot] = self->pieces->len;
  g_array_append_val (self->pieces, piece);
}

/* The optimal string alignment distance of @a and @b, or MAX_EDIT_DISTANCE
 * plus one when it is more: the table along its diagonal only */
static guint
osa_distance (const gunichar *a,
              guint           la,
              const gunichar *b,
              guint           lb)
{
  const guint far = MAX_EDIT_DISTANCE + 1;
  guint rows[3][MAX_EDIT_LENGTH + 1];
  guint *before = rows[0];
  guint *previous = rows[1];
  guint *current = rows[2];

  if (la > lb + MAX_EDIT_DISTANCE || lb > la + MAX_EDIT_DISTANCE)
    return far;

  /* Out of the band, a cell is at least far: to its right, the rows keep
   * their first value; to its left, the one cell read is set */
  for (guint j = 0; j <= lb; j++)
    {
      previous[j] = MIN (j, far);
      before[j] = current[j] = far;
    }

  for (guint i = 1; i <= la; i++)
    {
      guint low = i > MAX_EDIT_DISTANCE ? i - MAX_EDIT_DISTANCE : 1;
      guint high = MIN (lb, i + MAX_EDIT_DISTANCE);
      guint row_min = far;
      guint *t;

      current[low - 1] = low == 1 ? MIN (i, far) : far;
      for (guint j = low; j <= high; j++)
        {
          guint best = MIN (previous[j], current[j - 1]) + 1;

          best = MIN (best, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
          if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
            best = MIN (best, before[j - 2] + 1);
          current[j] = best;
          row_min = MIN (row_min, best);
        }
      if (row_min >= far)
        return far;

      t = before;
      before = previous;
      previous = current;
      current = t;
    }

  return MIN (previous[lb], far);
}

/* Whether the counts of characters @a and @b differ by more than @max in
 * all */
static gboolean
counts_differ (guint64 a,
               guint64 b,
               guint   max)
{
  guint distance = 0;

  /* up to the last class that differs */
  for (guint shift = 0; shift < 64 && (a ^ b) >> shift != 0; shift += 4)
    {
      int x = (int) ((a >> shift) & 0xf);
      int y = (int) ((b >> shift) & 0xf);

      distance += (guint) ABS (x - y);
      if (distance > max)
        return TRUE;
    }

  return FALSE;
}

/* Whether key @other is within the distance of @decoded, with its digits */
static gboolean
is_similar (const Decoded *decoded,
            const KeyInfo *other)
{
  Decoded other_decoded;

  if (counts_differ (decoded->counts, other->counts, 2 * MAX_EDIT_DISTANCE) ||
      !decode (other->key, &other_decoded) ||
      other_decoded.n_digits != decoded->n_digits ||
      memcmp (other_decoded.digits, decoded->digits, decoded->n_digits * sizeof (gunichar)) != 0)
    return FALSE;

  return osa_distance (decoded->chars, decoded->n_chars,
                       other_decoded.chars, other_decoded.n_chars) <= MAX_EDIT_DISTANCE;
}

static void
add_similar (KeyInfo *info,
             guint    other)
{
  if (info->similar == NULL)
    info->similar = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (info->similar, other);
}

/* Compares key @id with the keys of the pieces recorded under @hash */
static void
compare_pieces (PpMergeCandidateIndex *self,
                guint                  id,
                const Decoded         *decoded,
                guint64                hash)
{
  gsize slot = piece_slot (self, hash);
  KeyInfo *info = self->keys->pdata[id];

  if (self->slot_hashes[slot] == 0)
    return;

  for (guint p = self->slot_heads[slot]; p != NO_PIECE;)
    {
      const Piece *piece = &g_array_index (self->pieces, Piece, p);
      KeyInfo *other = self->keys->pdata[piece->key];

      p = piece->next;
      /* once for each key */
      if (other->compared_with == id + 1)
        continue;
      other->compared_with = id + 1;
      if (is_similar (decoded, other))
        {
          add_similar (info, piece->key);
          add_similar (other, id);
        }
    }
}

/* The shape of keys of @n_chars characters and the digits whose hash is
 * @digits_hash: a piece is only ever found in a key of the shape it was
 * recorded with (piece_hash()), so that the lengths no key of its digits
 * has are not looked up. Two shapes may share a value: that only costs
 * a look-up. */
static guint64
key_shape (guint64 digits_hash,
           guint   n_chars)
{
  guint64 shape = (digits_hash ^ n_chars) * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);

  shape ^= shape >> 32;
  /* 0 marks an empty slot */
  return shape != 0 ? shape : 1;
}

/* The slot of @shape in the set of shapes: its own, or the empty one
 * where it would go */
static gsize
shape_slot (const PpMergeCandidateIndex *self,
            guint64                      shape)
{
  gsize slot = shape & self->shapes_mask;

  while (self->shapes[slot] != 0 && self->shapes[slot] != shape)
    slot = (slot + 1) & self->shapes_mask;

  return slot;
}

static gboolean
has_shape (const PpMergeCandidateIndex *self,
           guint64                      shape)
{
  return self->shapes[shape_slot (self, shape)] != 0;
}

static void
add_shape (PpMergeCandidateIndex *self,
           guint64                shape)
{
  gsize slot = shape_slot (self, shape);

  if (self->shapes[slot] != 0)
    return;

  /* at most half full */
  if (2 * (self->n_shapes + 1) > self->shapes_mask + 1)
    {
      g_autofree guint64 *old = g_steal_pointer (&self->shapes);
      gsize n_slots = self->shapes_mask + 1;

      self->shapes_mask = n_slots * 2 - 1;
      self->shapes = g_new0 (guint64, n_slots * 2);
      for (gsize i = 0; i < n_slots; i++)
        if (old[i] != 0)
          self->shapes[shape_slot (self, old[i])] = old[i];
      slot = shape_slot (self, shape);
    }

  self->shapes[slot] = shape;
  self->n_shapes++;
}

/* Records the pieces of key @id, and the keys already indexed that are
 * within the distance */
static void
index_pieces (PpMergeCandidateIndex *self,
              guint                  id)
{
  KeyInfo *info = self->keys->pdata[id];
  guint64 powers[MAX_EDIT_LENGTH + 1];
  Decoded decoded;
  guint la;

  if (!decode (info->key, &decoded))
    return;
  info->counts = decoded.counts;
  hash_prefixes (&decoded, powers);
  la = decoded.n_chars;

  /* A piece of a key of lb characters is found in this one moved by
   * inserted less deleted characters: with la - lb = inserted - deleted
   * and inserted + deleted no more than the distance, by -deleted to
   * +inserted */
  for (guint lb = MAX (la, MIN_EDIT_LENGTH + MAX_EDIT_DISTANCE) - MAX_EDIT_DISTANCE;
       lb <= MIN (la + MAX_EDIT_DISTANCE, MAX_EDIT_LENGTH); lb++)
    {
      int d = (int) la - (int) lb;
      int lowest = -((MAX_EDIT_DISTANCE - d) / 2);
      int highest = (MAX_EDIT_DISTANCE + d) / 2;

      if (!has_shape (self, key_shape (decoded.digits_hash, lb)))
        continue;

      for (guint i = 0; i < N_PIECES; i++)
        {
          guint start, length;

          piece_of (lb, i, &start, &length);
          for (int shift = lowest; shift <= highest; shift++)
            {
              int at = (int) start + shift;

              if (at < 0 || at + (int) length > (int) la)
                continue;
              compare_pieces (self, id, &decoded,
                              piece_hash (&decoded, powers, lb, i, (guint) at, length));
            }
        }
    }

  for (guint i = 0; i < N_PIECES; i++)
    {
      guint start, length;

      piece_of (la, i, &start, &length);
      record_piece (self, piece_hash (&decoded, powers, la, i, start, length), id);
    }
  add_shape (self, key_shape (decoded.digits_hash, la));
}

static void
find_edit_distance_pairs (Finder *self)
{
  for (guint e = 0; e < self->entries->len; e++)
    {
      Entry *entry = &g_array_index (self->entries, Entry, e);
      const KeyInfo *info = entry->info;

      if (info->n_chars < MIN_EDIT_LENGTH || info->n_chars > MAX_EDIT_LENGTH)
        continue;

      /* The same key: distance 0; the entries after it, as the entries
       * before it pair with it */
      for (guint c = info->carriers; c != 0; c = next_carrier (self, c))
        if (c - 1 > e)
          add_pair (self, entry->entity, g_array_index (self->entries, Entry, c - 1).entity,
                    PP_MERGE_REASON_EDIT_DISTANCE);

      for (guint s = 0; info->similar != NULL && s < info->similar->len; s++)
        {
          const KeyInfo *other = self->index->keys->pdata[g_array_index (info->similar, guint, s)];

          /* each pair of keys once */
          if (other->carriers == 0 || strcmp (info->key, other->key) > 0)
            continue;
          for (guint c = other->carriers; c != 0; c = next_carrier (self, c))
            add_pair (self, entry->entity, g_array_index (self->entries, Entry, c - 1).entity,
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

/* Sets @supersets to the keys of the index whose words @info's are some,
 * not all, of */
static void
find_supersets (Finder        *self,
                const KeyInfo *info,
                GArray        *supersets)
{
  PpMergeCandidateIndex *index = self->index;
  const TokenKeys *rarest = NULL;

  g_array_set_size (supersets, 0);
  for (guint t = 0; info->tokens[t] != NULL; t++)
    {
      guint token = GPOINTER_TO_UINT (g_hash_table_lookup (index->token_ids, info->tokens[t])) - 1;
      const TokenKeys *keys = &g_array_index (index->token_keys, TokenKeys, token);

      if (rarest == NULL || keys->n_keys < rarest->n_keys)
        rarest = keys;
    }

  for (guint p = rarest != NULL ? rarest->head : NO_POSTING; p != NO_POSTING;)
    {
      const Posting *posting = &g_array_index (index->postings, Posting, p);
      const KeyInfo *other = index->keys->pdata[posting->key];

      p = posting->next;

      if (is_strict_subset ((const char * const *) info->tokens,
                            (const char * const *) other->tokens))
        g_array_append_val (supersets, other);
    }
}

static void
find_token_subset_pairs (Finder *self)
{
  g_autoptr(GArray) larger = g_array_new (FALSE, FALSE, sizeof (gpointer));
  g_autoptr(GArray) matches = g_array_new (FALSE, FALSE, sizeof (guint));

  /* Each key once, at its last entry, with its supersets found once */
  for (guint last = 0; last < self->entries->len; last++)
    {
      const KeyInfo *info = g_array_index (self->entries, Entry, last).info;

      if (info->carriers != last + 1)
        continue;
      find_supersets (self, info, larger);
      if (larger->len == 0)
        continue;

      for (guint c = info->carriers; c != 0; c = next_carrier (self, c))
        {
          Entry *entry = &g_array_index (self->entries, Entry, c - 1);

          g_array_set_size (matches, 0);
          for (guint l = 0; l < larger->len; l++)
            {
              const KeyInfo *other_info = g_array_index (larger, const KeyInfo *, l);

              for (guint o = other_info->carriers; o != 0; o = next_carrier (self, o))
                {
                  Entry *other = &g_array_index (self->entries, Entry, o - 1);
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
}

/* Acronyms */

/* Whether the @length bytes from @word are a function word */
static gboolean
is_function_word (const char *word,
                  gsize       length)
{
  /* none is longer */
  if (length > 3)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (function_words); i++)
    if (word[0] == function_words[i][0] && strncmp (word, function_words[i], length) == 0 &&
        function_words[i][length] == '\0')
      return TRUE;

  return FALSE;
}

/* The initials of the words of @key, with its function words or without,
 * in order, interned in @strings; NULL when it has fewer than two words to
 * take them from. @scratch is for the initials being read. With
 * @has_function_words, says whether @key has any function word, that is
 * whether its initials without them differ. */
static const char *
initials_of (GStringChunk *strings,
             GString      *scratch,
             const char   *key,
             gboolean      skip_function_words,
             gboolean     *has_function_words)
{
  GString *initials = scratch;
  gboolean check = skip_function_words || has_function_words != NULL;
  gboolean found = FALSE;
  guint n = 0;

  g_string_truncate (initials, 0);
  for (const char *word = key; *word != '\0';)
    {
      const char *end = strchr (word, ' ');
      gsize length = end != NULL ? (gsize) (end - word) : strlen (word);

      if (length > 0)
        {
          gboolean function_word = check && is_function_word (word, length);

          found |= function_word;
          if (!(skip_function_words && function_word))
            {
              g_string_append_unichar (initials, g_utf8_get_char (word));
              n++;
            }
        }
      word += end != NULL ? length + 1 : length;
    }

  if (has_function_words != NULL)
    *has_function_words = found;

  return n >= 2 ? g_string_chunk_insert_const (strings, initials->str) : NULL;
}

/* How @key reads as an acronym: one word of 2 to 10 characters ("ibm"),
 * or letters one by one ("i b m", from "I.B.M."); NULL otherwise. In
 * @strings: the key itself, or its initials. */
static const char *
acronym_form (GStringChunk  *strings,
              GString       *scratch,
              const KeyInfo *info)
{
  guint n_tokens = g_strv_length ((GStrv) info->tokens);

  if (!strchr (info->key, ' '))
    return n_tokens == 1 && info->n_chars >= 2 && info->n_chars <= 10 ? info->key : NULL;

  for (const char *p = info->key; *p != '\0';)
    {
      const char *next = g_utf8_next_char (p);

      if (*next != ' ' && *next != '\0')
        return NULL;
      p = *next == ' ' ? next + 1 : next;
    }

  return initials_of (strings, scratch, info->key, FALSE, NULL);
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
          g_hash_table_insert (acronyms, (gpointer) info->acronym, entries);
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

          /* without function words to skip, the same initials: the
           * pairs are known */
          if (skip == 1 && initials == entry->info->initials[0])
            continue;
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
  g_clear_pointer (&info->similar, g_array_unref);
  g_free (info);
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

  self->strings = g_string_chunk_new (16 * 1024);
  self->scratch = g_string_new (NULL);
  self->tokens = g_ptr_array_new ();
  self->shapes_mask = 63;
  self->shapes = g_new0 (guint64, self->shapes_mask + 1);
  self->ids = g_hash_table_new (g_str_hash, g_str_equal);
  self->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) key_info_free);
  self->slot_mask = 63;
  self->slot_hashes = g_new0 (guint64, self->slot_mask + 1);
  self->slot_heads = g_new (guint, self->slot_mask + 1);
  self->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  self->token_ids = g_hash_table_new (NULL, NULL);
  self->token_keys = g_array_new (FALSE, FALSE, sizeof (TokenKeys));
  self->postings = g_array_new (FALSE, FALSE, sizeof (Posting));

  return self;
}

void
pp_merge_candidate_index_free (PpMergeCandidateIndex *self)
{
  if (self == NULL)
    return;

  g_free (self->slot_hashes);
  g_free (self->slot_heads);
  g_array_unref (self->pieces);
  g_array_unref (self->postings);
  g_array_unref (self->token_keys);
  g_hash_table_unref (self->token_ids);
  g_hash_table_unref (self->ids);
  g_ptr_array_unref (self->keys);
  g_string_chunk_free (self->strings);
  g_string_free (self->scratch, TRUE);
  g_ptr_array_unref (self->tokens);
  g_free (self->shapes);
  g_free (self);
}

/* The key's entry, made and indexed if it is new */
static KeyInfo *
index_key (PpMergeCandidateIndex *self,
           const char            *key)
{
  guint id = GPOINTER_TO_UINT (g_hash_table_lookup (self->ids, key));
  GPtrArray *tokens = self->tokens;
  guint key_id;
  KeyInfo *info;

  if (id != 0)
    return self->keys->pdata[id - 1];

  /* One block for the key's entry and its words */
  distinct_tokens (self->strings, self->scratch, key, tokens);
  info = g_malloc0 (sizeof (KeyInfo) + (tokens->len + 1) * sizeof (const char *));
  memcpy (info->tokens, tokens->pdata, tokens->len * sizeof (const char *));
  info->key = g_string_chunk_insert (self->strings, key);
  info->n_chars = g_utf8_strlen (key, -1);
  info->acronym = acronym_form (self->strings, self->scratch, info);
  if (tokens->len >= 2 && info->acronym == NULL)
    {
      gboolean has_function_words;

      info->initials[0] = initials_of (self->strings, self->scratch, key, FALSE,
                                       &has_function_words);
      /* without function words to skip, the same initials */
      info->initials[1] = has_function_words
                          ? initials_of (self->strings, self->scratch, key, TRUE, NULL)
                          : info->initials[0];
    }
  g_ptr_array_add (self->keys, info);
  key_id = self->keys->len - 1;
  g_hash_table_insert (self->ids, (gpointer) info->key, GUINT_TO_POINTER (key_id + 1));

  for (guint t = 0; t < tokens->len; t++)
    {
      guint token = GPOINTER_TO_UINT (g_hash_table_lookup (self->token_ids, tokens->pdata[t]));
      Posting posting = { key_id, NO_POSTING };
      TokenKeys *keys;

      if (token == 0)
        {
          TokenKeys empty = { NO_POSTING, 0 };

          g_array_append_val (self->token_keys, empty);
          token = self->token_keys->len;
          g_hash_table_insert (self->token_ids, tokens->pdata[t], GUINT_TO_POINTER (token));
        }
      keys = &g_array_index (self->token_keys, TokenKeys, token - 1);
      posting.next = keys->head;
      keys->head = self->postings->len;
      keys->n_keys++;
      g_array_append_val (self->postings, posting);
    }
  index_pieces (self, self->keys->len - 1);

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
 * @keys: the entities' name keys, one entity's after the other's, in one
 *   array: a caller with thousands of entities, most with one key, makes
 *   two allocations rather than two per entity
 * @key_ends: (array length=n_entities): where the keys of each entity end
 *   in @keys: those of entity i are from @key_ends[i - 1] (0 for the
 *   first) to @key_ends[i]
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
                          guint                         n_entities,
                          const char * const           *keys,
                          const guint                  *key_ends)
{
  Finder self = { entities, n_entities, index, NULL, NULL };
  GPtrArray *groups;
  Entry *filled;
  guint n = 0;

  /* At most an entry a key: filled in place */
  self.entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_size (self.entries, n_entities > 0 ? key_ends[n_entities - 1] : 0);
  filled = (Entry *) (gpointer) self.entries->data;
  self.pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < n_entities; i++)
    {
      if (entities[i].family == NULL)
        continue;

      for (guint k = i > 0 ? key_ends[i - 1] : 0; k < key_ends[i]; k++)
        {
          KeyInfo *info = index_key (index, keys[k]);
          Entry entry = { i, info, info->carriers };

          filled[n++] = entry;
          info->carriers = n;
        }
    }
  g_array_set_size (self.entries, n);

  find_edit_distance_pairs (&self);
  find_acronym_pairs (&self);
  find_token_subset_pairs (&self);
  groups = build_groups (&self);

  /* The index is left as it was, for another search */
  for (guint e = 0; e < self.entries->len; e++)
    g_array_index (self.entries, Entry, e).info->carriers = 0;
  g_array_unref (self.entries);
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

/* Ascending order of guints, for qsort() and g_array_sort() */
int
pp_compare_guints (gconstpointer a,
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

  return pp_compare_guints (x->data, y->data);
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
    g_array_sort (group->same->pdata[s], pp_compare_guints);
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
