/* pp-json-arena.c: the memory and the interned strings of JSON values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-json-value-private.h"

#include <string.h>

/* Chunks grow from FIRST_CHUNK to MAX_CHUNK bytes, doubling, so a small
 * document costs little and a large one takes few chunks; a request larger
 * than a quarter of the next chunk gets a chunk of its own. */
#define FIRST_CHUNK (8 * 1024)
#define MAX_CHUNK   (1024 * 1024)
#define ALIGNMENT   8

typedef struct _Chunk Chunk;

struct _Chunk {
  Chunk *next;
  gsize  size;
  /* the memory follows, aligned */
};

#define CHUNK_HEADER (((sizeof (Chunk) + ALIGNMENT - 1) / ALIGNMENT) * ALIGNMENT)

typedef struct {
  guint32     hash;
  guint32     len;
  const char *str;  /* NULL: empty slot */
} InternEntry;

struct _PpJsonArena {
  gatomicrefcount  ref_count;
  guchar          *pos;          /* free memory of the current chunk */
  guchar          *end;
  Chunk           *chunks;       /* the current one first */
  Chunk           *spare;        /* the memory of arenas given up
                                  * (pp_json_arena_take_memory()), used
                                  * before any more is allocated */
  gsize            next_chunk;
  gsize            size;
  InternEntry     *interned;     /* open addressing, linear probing */
  guint32          interned_mask;
  guint32          n_interned;
};

/* {{{ keywords */

/* One block, so that whether an interned string is a keyword is a range
 * check (pp_json_is_interned_keyword()). Order as in PpJsonKeyword: the
 * first keyword is the start of the block, the last its end. */
static const struct {
  char any[5], base[6], container[11], context[9], default_[9], direction[11];
  char embed[7], explicit_[10], graph[7], id[4], import[8], included[10];
  char index[7], json[6], language[10], list[6], nest[6], none[6], null[6];
  char omit_default[13], prefix[8], preserve[10], propagate[11];
  char protected_[11], require_all[13], reverse[9], set[5], type[6];
  char value[7], version[9], vocab[7];
} keyword_text = {
  "@any", "@base", "@container", "@context", "@default", "@direction",
  "@embed", "@explicit", "@graph", "@id", "@import", "@included",
  "@index", "@json", "@language", "@list", "@nest", "@none", "@null",
  "@omitDefault", "@prefix", "@preserve", "@propagate",
  "@protected", "@requireAll", "@reverse", "@set", "@type",
  "@value", "@version", "@vocab",
};

const char * const pp_json_keywords[PP_JSON_N_KEYWORDS] = {
  keyword_text.any, keyword_text.base, keyword_text.container,
  keyword_text.context, keyword_text.default_, keyword_text.direction,
  keyword_text.embed, keyword_text.explicit_, keyword_text.graph,
  keyword_text.id, keyword_text.import, keyword_text.included,
  keyword_text.index, keyword_text.json, keyword_text.language,
  keyword_text.list, keyword_text.nest, keyword_text.none, keyword_text.null,
  keyword_text.omit_default, keyword_text.prefix, keyword_text.preserve,
  keyword_text.propagate, keyword_text.protected_, keyword_text.require_all,
  keyword_text.reverse, keyword_text.set, keyword_text.type,
  keyword_text.value, keyword_text.version, keyword_text.vocab,
};

/* }}} */

/* {{{ memory */

static void
free_chunks (Chunk *chunk)
{
  while (chunk != NULL)
    {
      Chunk *next = chunk->next;

      g_free (chunk);
      chunk = next;
    }
}

/* A spare chunk of @size bytes or more, or NULL.  Spare chunks are
 * memory the system has handed out already: using them rather than new
 * memory saves the faults of its first touch. */
static Chunk *
arena_take_spare (PpJsonArena *arena,
                  gsize        size)
{
  Chunk *chunk = arena->spare;

  if (chunk == NULL || chunk->size < size)
    return NULL;

  arena->spare = chunk->next;
  return chunk;
}

static void
arena_add_chunk (PpJsonArena *arena,
                 gsize        size,
                 gsize        needed)
{
  Chunk *chunk = arena_take_spare (arena, needed);

  if (chunk == NULL)
    {
      chunk = g_malloc (CHUNK_HEADER + size);
      chunk->size = size;
    }

  size = chunk->size;
  chunk->next = arena->chunks;
  arena->chunks = chunk;
  arena->pos = (guchar *) chunk + CHUNK_HEADER;
  arena->end = arena->pos + size;
  arena->size += CHUNK_HEADER + size;
}

/* A chunk of its own for a large request, kept behind the current one so
 * that the current chunk's free memory is not lost */
static gpointer
arena_alloc_large (PpJsonArena *arena,
                   gsize        size)
{
  Chunk *chunk = g_malloc (CHUNK_HEADER + size);

  chunk->size = size;
  arena->size += CHUNK_HEADER + size;

  if (arena->chunks != NULL)
    {
      chunk->next = arena->chunks->next;
      arena->chunks->next = chunk;
    }
  else
    {
      chunk->next = NULL;
      arena->chunks = chunk;
      arena->pos = arena->end = (guchar *) chunk + CHUNK_HEADER + size;
    }

  return (guchar *) chunk + CHUNK_HEADER;
}

gpointer
pp_json_arena_alloc (PpJsonArena *arena,
                     gsize        size)
{
  gpointer mem;

  size = (size + ALIGNMENT - 1) & ~(gsize) (ALIGNMENT - 1);

  if (G_UNLIKELY ((gsize) (arena->end - arena->pos) < size))
    {
      if (size > arena->next_chunk / 4)
        return arena_alloc_large (arena, size);

      arena_add_chunk (arena, arena->next_chunk, size);
      if (arena->next_chunk < MAX_CHUNK)
        arena->next_chunk *= 2;
    }

  mem = arena->pos;
  arena->pos += size;
  return mem;
}

/* Grows the block @mem of @old_size bytes to @new_size bytes: in place when
 * it is the last block handed out and the chunk has room, else by copying */
gpointer
pp_json_arena_grow (PpJsonArena *arena,
                    gpointer     mem,
                    gsize        old_size,
                    gsize        new_size)
{
  gsize old_aligned = (old_size + ALIGNMENT - 1) & ~(gsize) (ALIGNMENT - 1);
  gsize new_aligned = (new_size + ALIGNMENT - 1) & ~(gsize) (ALIGNMENT - 1);
  gpointer grown;

  if (mem != NULL && (guchar *) mem + old_aligned == arena->pos &&
      (gsize) (arena->end - (guchar *) mem) >= new_aligned)
    {
      arena->pos = (guchar *) mem + new_aligned;
      return mem;
    }

  grown = pp_json_arena_alloc (arena, new_size);
  if (old_size > 0)
    memcpy (grown, mem, old_size);
  return grown;
}

char *
pp_json_arena_strndup (PpJsonArena *arena,
                       const char  *str,
                       gsize        len)
{
  char *copy = pp_json_arena_alloc (arena, len + 1);

  memcpy (copy, str, len);
  copy[len] = '\0';
  return copy;
}

gsize
pp_json_arena_get_size (PpJsonArena *arena)
{
  return arena->size;
}

/* }}} */

/* {{{ interned strings */

/* An interned string: its hash and length before its bytes, so that
 * interning it in another arena (pp_json_arena_intern_interned()) or
 * hashing it again (pp_json_interned_hash()) reads them rather than the
 * string.  Keywords are static and have none. */
typedef struct {
  guint32 hash;
  guint32 len;
  char    str[];
} InternedString;

static inline const InternedString *
interned_string (const char *interned)
{
  return (const InternedString *) (gconstpointer) (interned - G_STRUCT_OFFSET (InternedString, str));
}

/* the hash of every interned string: the one of the strings of values,
 * so that a table of interned strings can take it from the string */
static inline guint32
hash_bytes (const char *str,
            gsize       len)
{
  return pp_json_string_hash (str, len);
}

static void
intern_insert_entry (PpJsonArena       *arena,
                     const InternEntry *entry)
{
  guint32 i = entry->hash & arena->interned_mask;

  while (arena->interned[i].str != NULL)
    i = (i + 1) & arena->interned_mask;
  arena->interned[i] = *entry;
}

static void
intern_resize (PpJsonArena *arena,
               guint32      capacity)
{
  InternEntry *old = arena->interned;
  guint32 old_capacity = old != NULL ? arena->interned_mask + 1 : 0;

  /* Written before it is read: calloc() would hand a large table over as
   * fresh zero pages, which the probes below would map read-only and the
   * first insertions fault again, and shoot down from the other cores'
   * TLBs, page by page */
  arena->interned = memset (g_new (InternEntry, capacity), 0, capacity * sizeof (InternEntry));
  arena->interned_mask = capacity - 1;

  for (guint32 i = 0; i < old_capacity; i++)
    if (old[i].str != NULL)
      intern_insert_entry (arena, &old[i]);

  g_free (old);
}

static const char *
intern_find (PpJsonArena *arena,
             const char  *str,
             gsize        len,
             guint32      hash)
{
  guint32 i = hash & arena->interned_mask;

  for (;;)
    {
      const InternEntry *entry = &arena->interned[i];

      if (entry->str == NULL)
        return NULL;
      if (entry->hash == hash && entry->len == len &&
          (entry->str == str || memcmp (entry->str, str, len) == 0))
        return entry->str;
      i = (i + 1) & arena->interned_mask;
    }
}

/* Adds @str, which lives as long as @arena, as the interned copy */
static const char *
intern_add (PpJsonArena *arena,
            const char  *str,
            gsize        len,
            guint32      hash)
{
  InternEntry entry = { hash, (guint32) len, str };

  if ((arena->n_interned + 1) * 4 > (arena->interned_mask + 1) * 3)
    intern_resize (arena, (arena->interned_mask + 1) * 2);

  intern_insert_entry (arena, &entry);
  arena->n_interned++;
  return str;
}

/* A copy of @str in @arena, with its header, added as the interned one */
static const char *
intern_add_copy (PpJsonArena *arena,
                 const char  *str,
                 gsize        len,
                 guint32      hash)
{
  InternedString *copy = pp_json_arena_alloc (arena, sizeof (InternedString) + len + 1);

  copy->hash = hash;
  copy->len = (guint32) len;
  memcpy (copy->str, str, len);
  copy->str[len] = '\0';

  return intern_add (arena, copy->str, len, hash);
}

/* pp_json_arena_intern_len(), inlined in pp_json_arena_intern() too: the
 * strings of every document go through one or the other, several times */
static inline const char *
intern_text (PpJsonArena *arena,
             const char  *str,
             gsize        len)
{
  guint32 hash;
  const char *found;

  /* longer strings are not worth interning: copy them */
  if (G_UNLIKELY (len > G_MAXUINT32))
    return pp_json_arena_strndup (arena, str, len);

  hash = hash_bytes (str, len);
  found = intern_find (arena, str, len, hash);
  if (found != NULL)
    return found;

  return intern_add_copy (arena, str, len, hash);
}

const char *
pp_json_arena_intern_len (PpJsonArena *arena,
                          const char  *str,
                          gsize        len)
{
  return intern_text (arena, str, len);
}

const char *
pp_json_arena_intern (PpJsonArena *arena,
                      const char  *str)
{
  return intern_text (arena, str, strlen (str));
}

/* The copy in @arena of @interned, a string interned in any arena: its
 * hash and length are read from it, not computed */
const char *
pp_json_arena_intern_interned (PpJsonArena *arena,
                               const char  *interned)
{
  const InternedString *header;
  const char *found;

  if (pp_json_is_interned_keyword (interned))
    return interned;

  header = interned_string (interned);
  /* a string that was never interned has no header: its length would
   * most likely not end at its NUL */
  g_assert (interned[header->len] == '\0');

  found = intern_find (arena, interned, header->len, header->hash);
  if (found != NULL)
    return found;

  return intern_add_copy (arena, interned, header->len, header->hash);
}

guint
pp_json_interned_hash (const char *interned)
{
  if (pp_json_is_interned_keyword (interned))
    return pp_json_string_hash (interned, strlen (interned));

  g_assert (interned[interned_string (interned)->len] == '\0');
  return interned_string (interned)->hash;
}

const char *
pp_json_arena_lookup_interned (PpJsonArena *arena,
                               const char  *str)
{
  gsize len = strlen (str);

  return intern_find (arena, str, len, hash_bytes (str, len));
}

/* The table of a new arena, which holds the keywords only: made once,
 * copied into each arena, since documents and the arenas of their pieces
 * come by the thousand */
#define KEYWORD_TABLE_CAPACITY 128

static const InternEntry *
keyword_table (void)
{
  static gsize table = 0;

  if (g_once_init_enter (&table))
    {
      PpJsonArena builder = { 0, };

      intern_resize (&builder, KEYWORD_TABLE_CAPACITY);
      for (guint i = 0; i < PP_JSON_N_KEYWORDS; i++)
        {
          const char *keyword = pp_json_keywords[i];
          gsize len = strlen (keyword);

          intern_add (&builder, keyword, len, hash_bytes (keyword, len));
        }
      g_once_init_leave (&table, (gsize) builder.interned);
    }

  return (const InternEntry *) table;
}

static void
intern_add_keywords (PpJsonArena *arena)
{
  if (arena->interned_mask + 1 == KEYWORD_TABLE_CAPACITY)
    {
      memcpy (arena->interned, keyword_table (), sizeof (InternEntry) * KEYWORD_TABLE_CAPACITY);
    }
  else
    {
      memset (arena->interned, 0, sizeof (InternEntry) * (arena->interned_mask + 1));
      for (guint i = 0; i < PP_JSON_N_KEYWORDS; i++)
        {
          const char *keyword = pp_json_keywords[i];
          gsize len = strlen (keyword);

          intern_insert_entry (arena, &(InternEntry) { hash_bytes (keyword, len), (guint32) len, keyword });
        }
    }
  arena->n_interned = PP_JSON_N_KEYWORDS;
}

/* }}} */

PpJsonArena *
pp_json_arena_new (void)
{
  PpJsonArena *arena = g_new0 (PpJsonArena, 1);

  g_atomic_ref_count_init (&arena->ref_count);
  arena->next_chunk = FIRST_CHUNK;

  arena->interned = g_memdup2 (keyword_table (), sizeof (InternEntry) * KEYWORD_TABLE_CAPACITY);
  arena->interned_mask = KEYWORD_TABLE_CAPACITY - 1;
  arena->n_interned = PP_JSON_N_KEYWORDS;

  return arena;
}

/* Empties @arena for reuse: every value and string of it is gone, the
 * interned strings too (but the keywords).  The current chunk is kept,
 * so that an arena emptied after each of many similar pieces of work
 * allocates nothing after the first. */
void
pp_json_arena_reset (PpJsonArena *arena)
{
  Chunk *kept;

  g_return_if_fail (arena != NULL);
  g_return_if_fail (g_atomic_ref_count_compare (&arena->ref_count, 1));

  kept = arena->chunks;
  if (kept == NULL)
    return;

  g_clear_pointer (&arena->spare, free_chunks);
  free_chunks (kept->next);
  kept->next = NULL;
  arena->size = CHUNK_HEADER + kept->size;
  arena->pos = (guchar *) kept + CHUNK_HEADER;
  arena->end = arena->pos + kept->size;

  if (arena->n_interned > PP_JSON_N_KEYWORDS)
    intern_add_keywords (arena);
}

PpJsonArena *
pp_json_arena_ref (PpJsonArena *arena)
{
  g_return_val_if_fail (arena != NULL, NULL);

  g_atomic_ref_count_inc (&arena->ref_count);
  return arena;
}

void
pp_json_arena_unref (PpJsonArena *arena)
{
  g_return_if_fail (arena != NULL);

  if (!g_atomic_ref_count_dec (&arena->ref_count))
    return;

  free_chunks (arena->chunks);
  free_chunks (arena->spare);
  g_free (arena->interned);
  g_free (arena);
}

/* Releases @donor, of which the caller holds the last reference,
 * keeping its memory in @arena for the values @arena is given next.
 * When someone else still holds @donor, it is only unreferenced. */
void
pp_json_arena_take_memory (PpJsonArena *arena,
                           PpJsonArena *donor)
{
  Chunk **tail;

  g_return_if_fail (arena != NULL);
  g_return_if_fail (donor != NULL);
  g_return_if_fail (donor != arena);

  if (!g_atomic_ref_count_compare (&donor->ref_count, 1) || donor->chunks == NULL)
    {
      pp_json_arena_unref (donor);
      return;
    }

  /* the donor's chunks (the current one, the largest, first), its spare
   * ones, then @arena's own spare ones */
  tail = &donor->chunks;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = donor->spare;
  while (*tail != NULL)
    tail = &(*tail)->next;
  *tail = arena->spare;
  arena->spare = g_steal_pointer (&donor->chunks);
  donor->spare = NULL;

  pp_json_arena_unref (donor);
}

/* Frees the memory @arena took from others and has not used */
void
pp_json_arena_release_spare (PpJsonArena *arena)
{
  g_return_if_fail (arena != NULL);

  g_clear_pointer (&arena->spare, free_chunks);
}
