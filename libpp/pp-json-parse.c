/* pp-json-parse.c: JSON text checked before json-glib builds a tree of it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-json-parse.h"
#include "pp-json-value-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/**
 * pp_json_error_quark:
 *
 * The error domain of [func@Pp.json_validate] and [func@Pp.json_parse],
 * `PP_JSON_ERROR`.
 *
 * Returns: the quark of %PP_JSON_ERROR
 *
 * Since: 0.2
 */
G_DEFINE_QUARK (pp-json-error-quark, pp_json_error)

/* json-glib 1.6 parses recursively, so a deeply nested text overflows the
 * stack of the thread that parses it, and it changes some values without a
 * word: it cuts strings at an escaped NUL, wraps integers beyond 64 bits,
 * makes a number too large for a double infinite, decodes an unpaired
 * surrogate to bytes that are not UTF-8, drops whatever follows the first
 * value, and reads single quotes, comments and hexadecimal numbers. This
 * scanner checks a text against RFC 8259 and those limits in one pass
 * without recursion, so that json-glib only ever sees a text it reads
 * right.
 *
 * Given an arena, the same pass also builds the text's #PpJsonValue tree
 * (pp_json_value_parse()): the values of an open array or object wait on one
 * scratch stack and are copied into the arena, exactly sized, when it
 * closes. A member name that comes again keeps its first place and takes
 * the last value, as json-glib does.
 *
 * Every document and LLM answer goes through here, so the common cases
 * are short: runs of plain ASCII in a string are checked 16 bytes at a
 * time (8 without SSE2), position and depth stay in locals of scan(),
 * short member names are found in a small cache of the names met before
 * they reach the arena's table of interned strings, and an integer gets
 * its value as its digits are checked.
 *
 * Values are not json-glib's C strings: a string value keeps an escaped
 * NUL exactly, as a NUL byte inside its length. A member name with one is
 * still refused: names become keys, terms and IRIs, which the JSON-LD
 * algorithms read as C strings (and an IRI cannot hold a control character
 * anyway). */

typedef enum {
  EXPECT_VALUE,
  EXPECT_MEMBER_NAME,
  AFTER_VALUE,
} ScanState;

/* Objects with more members than this find a repeated member name with a
 * hash table instead of a linear search */
#define MEMBERS_SEARCHED_LINEARLY 16

/* Member names of up to this many bytes are remembered in the name cache */
#define CACHED_NAME_MAX 16
/* Slots of the name cache (a power of two, at most 64: one bit each) */
#define NAME_CACHE_BITS 6
#define NAME_CACHE_SIZE (1u << NAME_CACHE_BITS)

/* A member name met before in this text and its interned copy: the same
 * few names come back in every object of a document */
typedef struct {
  guint64     bytes[CACHED_NAME_MAX / 8];  /* the name, zero-padded */
  gsize       len;
  const char *key;
} CachedName;

/* Members of open values that a small text keeps in the builder itself */
#define SCRATCH_INLINE 64

/* Levels of nesting that the builder itself has room for: deeper texts
 * (up to PP_JSON_MAX_DEPTH) get room of their own */
#define LEVELS_INLINE 32

/* Small enough to live on the stack of pp_json_value_parse(): a text is
 * parsed by the hundred per second, on many threads, and a builder from
 * the heap cost more than parsing a short text */
typedef struct {
  PpJsonArena  *arena;
  PpJsonMember *scratch;      /* members (elements: no key) of open values */
  gsize         scratch_len;
  gsize         scratch_cap;
  guint         levels;       /* levels of start/pending/names set so far */
  guint         levels_cap;   /* room in start/pending/names */
  gsize        *start;        /* of each open value's members */
  gsize        *pending;      /* the member awaiting its value */
  GHashTable  **names;        /* key -> position + 1, or NULL */
  GString      *unescaped;    /* made on the first escape */
  PpJsonValue  *root;
  guint64       cached_names; /* the slots of name_cache in use */
  CachedName    name_cache[NAME_CACHE_SIZE];
  PpJsonMember  scratch_inline[SCRATCH_INLINE];  /* the first scratch */
  gsize         start_inline[LEVELS_INLINE];
  gsize         pending_inline[LEVELS_INLINE];
  GHashTable   *names_inline[LEVELS_INLINE];
} Builder;

typedef struct {
  const guchar *data;
  gsize         length;
  gsize         pos;
  guchar        stack[PP_JSON_MAX_DEPTH];  /* '[' or '{', innermost last */
  gboolean      escaped;                   /* the last string had escapes */
  gboolean      member_name;               /* the string scanned is a member name */
  gboolean      keeps_nul;                 /* a string value may hold an escaped NUL */
  Builder      *builder;                   /* NULL: only check */
  GError      **error;
} Scanner;

/* How many bytes of a number an error message quotes */
#define MAX_QUOTED_NUMBER 40

/* "offset N (line L, column C)"; the text before @offset was checked, so
 * it is UTF-8 and its characters are the bytes that start a sequence */
static char *
describe_position (const guchar *data,
                   gsize         offset)
{
  gsize line_start = 0;
  guint line = 1;
  guint column = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      {
        line++;
        line_start = i + 1;
      }

  for (gsize i = line_start; i < offset; i++)
    if ((data[i] & 0xC0) != 0x80)
      column++;

  return g_strdup_printf ("offset %" G_GSIZE_FORMAT " (line %u, column %u)",
                          offset, line, column);
}

static gboolean fail (Scanner     *s,
                      gsize        offset,
                      PpJsonError  code,
                      const char  *format,
                      ...) G_GNUC_PRINTF (4, 5);

/* Sets the error, "<problem> at offset N (line L, column C)"; returns FALSE */
static gboolean
fail (Scanner     *s,
      gsize        offset,
      PpJsonError  code,
      const char  *format,
      ...)
{
  g_autofree char *problem = NULL;
  g_autofree char *position = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  position = describe_position (s->data, offset);
  g_set_error (s->error, PP_JSON_ERROR, code, "%s at %s", problem, position);

  return FALSE;
}

static gboolean
fail_nul (Scanner *s,
          gsize    offset)
{
  return fail (s, offset, PP_JSON_ERROR_INVALID_ENCODING, "the text contains a NUL byte");
}

/* The length of the UTF-8 sequence at @p, or 0 when it is not a valid one
 * (overlong forms, surrogates and code points beyond U+10FFFF are not) */
static inline gsize
utf8_sequence_length (const guchar *p,
                      gsize         available)
{
  guchar c = p[0];
  gsize n;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if ((c & 0xF0) == 0xE0)
    n = 3;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4;
  else
    return 0;

  if (available < n)
    return 0;
  for (gsize i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80)
      return 0;

  if ((c == 0xE0 && p[1] < 0xA0) ||   /* overlong */
      (c == 0xED && p[1] >= 0xA0) ||  /* a surrogate */
      (c == 0xF0 && p[1] < 0x90) ||   /* overlong */
      (c == 0xF4 && p[1] >= 0x90))    /* beyond U+10FFFF */
    return 0;

  return n;
}

/* What stands at the scanner's position where @expected should */
static gboolean
fail_unexpected (Scanner    *s,
                 const char *expected)
{
  guchar c;
  gsize n;

  if (s->pos >= s->length)
    return fail (s, s->pos, PP_JSON_ERROR_INVALID_SYNTAX,
                 "the text is not JSON: it ends where %s should be", expected);

  c = s->data[s->pos];
  if (c == '\0')
    return fail_nul (s, s->pos);

  if (c >= 0x80)
    {
      n = utf8_sequence_length (s->data + s->pos, s->length - s->pos);
      if (n == 0)
        return fail (s, s->pos, PP_JSON_ERROR_INVALID_ENCODING, "the text is not valid UTF-8");

      return fail (s, s->pos, PP_JSON_ERROR_INVALID_SYNTAX,
                   "the text is not JSON: “%.*s” where %s should be",
                   (int) n, (const char *) s->data + s->pos, expected);
    }

  if (c < 0x20 || c == 0x7F)
    return fail (s, s->pos, PP_JSON_ERROR_INVALID_SYNTAX,
                 "the text is not JSON: U+%04X where %s should be", c, expected);

  return fail (s, s->pos, PP_JSON_ERROR_INVALID_SYNTAX,
               "the text is not JSON: “%c” where %s should be", c, expected);
}

/* The position of the first byte from @pos on that is not space, or
 * @length */
static inline gsize
skip_space (const guchar *data,
            gsize         pos,
            gsize         length)
{
  const guint64 space = (G_GUINT64_CONSTANT (1) << ' ') | (G_GUINT64_CONSTANT (1) << '\t') |
                        (G_GUINT64_CONSTANT (1) << '\n') | (G_GUINT64_CONSTANT (1) << '\r');

  while (pos < length && data[pos] <= ' ' && ((space >> data[pos]) & 1) != 0)
    pos++;

  return pos;
}

static inline int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hexadecimal digits of a \u escape at @offset */
static gboolean
read_hex4 (Scanner  *s,
           gsize     offset,
           gunichar *value)
{
  *value = 0;

  if (offset > s->length || s->length - offset < 4)
    return FALSE;

  for (gsize i = offset; i < offset + 4; i++)
    {
      int digit = hex_value (s->data[i]);

      if (digit < 0)
        return FALSE;
      *value = (*value << 4) | (gunichar) digit;
    }

  return TRUE;
}

/* The escape at the scanner's position, a backslash */
static gboolean
scan_escape (Scanner *s)
{
  gsize start = s->pos;
  gunichar unit, low;
  guchar c;

  if (start + 1 >= s->length)
    return fail_unexpected (s, "the end of the string");

  c = s->data[start + 1];
  switch (c)
    {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
      s->pos += 2;
      return TRUE;

    case 'u':
      if (!read_hex4 (s, start + 2, &unit))
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: a \\u escape without four hexadecimal digits");

      /* json-glib cuts a string there; values keep it (their strings
       * have a length), but not in a member name, which becomes a C string */
      if (unit == 0 && !s->keeps_nul)
        return fail (s, start, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                     "unsupported escaped NUL character (\\u0000) in a string");
      if (unit == 0 && s->member_name)
        return fail (s, start, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                     "unsupported escaped NUL character (\\u0000) in a member name");

      if (unit >= 0xD800 && unit <= 0xDBFF)
        {
          if (start + 7 < s->length &&
              s->data[start + 6] == '\\' && s->data[start + 7] == 'u' &&
              read_hex4 (s, start + 8, &low) && low >= 0xDC00 && low <= 0xDFFF)
            {
              s->pos += 12;
              return TRUE;
            }
        }
      else if (unit < 0xDC00 || unit > 0xDFFF)
        {
          s->pos += 6;
          return TRUE;
        }

      return fail (s, start, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                   "unsupported unpaired surrogate (\\u%04X) in a string", unit);

    case '\0':
      return fail_nul (s, start + 1);

    default:
      if (c > 0x20 && c < 0x7F)
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: invalid escape “\\%c” in a string", c);
      return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                   "the text is not JSON: invalid escape in a string");
    }
}

/* Whether @c goes into a string as it is, with no more checks: printable
 * ASCII other than the quote and the backslash */
static inline gboolean
is_plain_string_byte (guchar c)
{
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

#ifndef __SSE2__
/* Whether the 8 bytes of @word hold a byte that is not a plain string
 * byte. A byte below 0x80 has its high bit set by the subtraction only
 * when it is below the space, or is the quote or the backslash (which
 * the XOR makes zero), or when a byte before it did (a borrow). */
static inline gboolean
has_stop_byte (guint64 word)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  guint64 control = word - ones * ' ';
  guint64 quote = (word ^ (ones * '"')) - ones;
  guint64 backslash = (word ^ (ones * '\\')) - ones;

  return ((((control | quote | backslash) & ~word) | word) & highs) != 0;
}
#endif

/* The position of the first byte from @pos on that is not a plain string
 * byte, or @length: runs of ASCII go 16 bytes (8 without SSE2) at a time */
static inline gsize
skip_plain_string_bytes (const guchar *data,
                         gsize         pos,
                         gsize         length)
{
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8 ('"');
  const __m128i backslash = _mm_set1_epi8 ('\\');
  const __m128i space = _mm_set1_epi8 (' ');

  while (length - pos >= 16)
    {
      __m128i chunk = _mm_loadu_si128 ((const __m128i *) (const void *) (data + pos));
      /* a signed comparison: bytes of 0x80 and above are below the space */
      __m128i stops = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (chunk, quote),
                                                  _mm_cmpeq_epi8 (chunk, backslash)),
                                    _mm_cmplt_epi8 (chunk, space));
      unsigned int mask = (unsigned int) _mm_movemask_epi8 (stops);

      if (mask != 0)
        return pos + (gsize) __builtin_ctz (mask);
      pos += 16;
    }
#else
  while (length - pos >= 8)
    {
      guint64 word;

      memcpy (&word, data + pos, sizeof word);
      if (has_stop_byte (word))
        break;
      pos += 8;
    }
#endif

  while (pos < length && is_plain_string_byte (data[pos]))
    pos++;

  return pos;
}

/* The string at the scanner's position, an opening quote: a member name
 * or a value */
static inline gboolean
scan_string (Scanner  *s,
             gboolean  member_name)
{
  const guchar *data = s->data;
  gsize length = s->length;
  gsize start = s->pos;
  gsize pos = start + 1;
  gboolean escaped = FALSE;

  s->member_name = member_name;

  for (;;)
    {
      guchar c;
      gsize n;

      /* the common case: printable ASCII */
      pos = skip_plain_string_bytes (data, pos, length);

      if (G_UNLIKELY (pos >= length))
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: a string is not closed");

      c = data[pos];
      if (G_LIKELY (c == '"'))
        {
          s->pos = pos + 1;
          s->escaped = escaped;
          return TRUE;
        }

      if (c == '\\')
        {
          s->pos = pos;
          if (!scan_escape (s))
            return FALSE;
          pos = s->pos;
          escaped = TRUE;
          continue;
        }

      if (c == '\0')
        return fail_nul (s, pos);

      if (c < 0x20)
        return fail (s, pos, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: unescaped control character U+%04X in a string",
                     c);

      /* a run of multibyte characters */
      do
        {
          n = utf8_sequence_length (data + pos, length - pos);
          if (n == 0)
            return fail (s, pos, PP_JSON_ERROR_INVALID_ENCODING, "the text is not valid UTF-8");
          pos += n;
        }
      while (pos < length && data[pos] >= 0x80);
    }
}

static inline gboolean
is_digit (const guchar *data,
          gsize         length,
          gsize         offset)
{
  return offset < length && g_ascii_isdigit (data[offset]);
}

/* Whether the number written at @start (@n bytes) overflows a double */
static gboolean
number_overflows (Scanner *s,
                  gsize    start,
                  gsize    n)
{
  g_autofree char *copy = g_strndup ((const char *) s->data + start, n);

  return isinf (g_ascii_strtod (copy, NULL));
}

static PpJsonValue *build_number (Scanner  *s,
                                  gsize     start,
                                  gboolean  integer,
                                  gint64    integer_value);

/* The number at the scanner's position, a minus sign or a digit; its
 * value in @value when building */
static gboolean
scan_number (Scanner      *s,
             PpJsonValue **value)
{
  const guchar *data = s->data;
  gsize length = s->length;
  gsize start = s->pos;
  gsize p = start;
  gsize int_start, int_digits;
  gboolean negative = FALSE;
  gboolean integer = TRUE;
  gint64 magnitude = 0;   /* the power of ten of the first significant digit */
  gint64 exponent = 0;
  gboolean exponent_negative = FALSE;
  gboolean zero = TRUE;
  guint64 digits = 0;   /* the integer part, when it fits */

  if (data[p] == '-')
    {
      negative = TRUE;
      p++;
    }

  int_start = p;
  if (p < length && data[p] == '0')
    p++;
  else if (is_digit (data, length, p))
    while (is_digit (data, length, p))
      digits = digits * 10 + (guint64) (data[p++] - '0');   /* wraps when too long */
  else
    return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                 "the text is not JSON: a minus sign without digits");
  int_digits = p - int_start;

  if (int_digits > 1 || data[int_start] != '0')
    {
      zero = FALSE;
      magnitude = (gint64) int_digits - 1;
    }

  if (p < length && data[p] == '.')
    {
      p++;
      if (!is_digit (data, length, p))
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: a decimal point without digits after it");
      for (gsize leading = 1; is_digit (data, length, p); p++, leading++)
        if (zero && data[p] != '0')
          {
            zero = FALSE;
            magnitude = -(gint64) MIN (leading, (gsize) G_MAXINT32);
          }
      integer = FALSE;
    }

  if (p < length && (data[p] == 'e' || data[p] == 'E'))
    {
      p++;
      if (p < length && (data[p] == '+' || data[p] == '-'))
        exponent_negative = data[p++] == '-';
      if (!is_digit (data, length, p))
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: an exponent without digits");
      for (; is_digit (data, length, p); p++)
        if (exponent < G_MAXINT32)
          exponent = exponent * 10 + (data[p] - '0');
      integer = FALSE;
    }

  s->pos = p;

  if (integer)
    {
      /* json-glib reads integers as gint64, and wraps those that do not fit */
      const char *limit = negative ? "9223372036854775808" : "9223372036854775807";

      if (int_digits > 19 ||
          (int_digits == 19 && memcmp (data + int_start, limit, 19) > 0))
        return fail (s, start, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                     "unsupported integer %.*s%s, which does not fit in 64 bits",
                     (int) MIN (p - start, MAX_QUOTED_NUMBER), (const char *) s->data + start,
                     p - start > MAX_QUOTED_NUMBER ? "…" : "");
      if (s->builder != NULL)
        *value = build_number (s, start, TRUE,
                               negative && digits > 0 ? -(gint64) (digits - 1) - 1 : (gint64) digits);
      return TRUE;
    }

  /* Only a number of 1e308 or more may overflow: read it to be sure */
  if (!zero && !exponent_negative && magnitude + exponent >= 308 &&
      number_overflows (s, start, p - start))
    return fail (s, start, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                 "unsupported number %.*s%s, which is too large for a double",
                 (int) MIN (p - start, MAX_QUOTED_NUMBER), (const char *) s->data + start,
                 p - start > MAX_QUOTED_NUMBER ? "…" : "");

  if (s->builder != NULL)
    *value = build_number (s, start, FALSE, 0);
  return TRUE;
}

static gboolean
scan_literal (Scanner    *s,
              const char *literal)
{
  gsize n = strlen (literal);

  if (s->length - s->pos < n || memcmp (s->data + s->pos, literal, n) != 0)
    return fail_unexpected (s, "a value");

  s->pos += n;
  return TRUE;
}

/* {{{ building values */

static inline void
builder_push (Builder     *b,
              const char  *key,
              PpJsonValue *value)
{
  if (G_UNLIKELY (b->scratch_len == b->scratch_cap))
    {
      b->scratch_cap *= 2;
      if (b->scratch == b->scratch_inline)
        b->scratch = g_memdup2 (b->scratch_inline, sizeof b->scratch_inline);
      b->scratch = g_renew (PpJsonMember, b->scratch, b->scratch_cap);
    }

  b->scratch[b->scratch_len].key = key;
  b->scratch[b->scratch_len].value = value;
  b->scratch_len++;
}

/* A complete value: the root (@depth 0), an element of the open array, or
 * the value of the open object's pending member */
static inline void
builder_deliver (Builder      *b,
                 const guchar *stack,
                 guint         depth,
                 PpJsonValue  *value)
{
  if (depth == 0)
    b->root = value;
  else if (stack[depth - 1] == '[')
    builder_push (b, NULL, value);
  else
    b->scratch[b->pending[depth - 1]].value = value;
}

/* string_content() of a string with escapes */
static const char *
unescaped_string_content (Scanner *s,
                          gsize    start,
                          gsize   *len)
{
  const char *p = (const char *) s->data + start + 1;
  const char *end = (const char *) s->data + s->pos - 1;
  GString *out;

  if (s->builder->unescaped == NULL)
    s->builder->unescaped = g_string_new (NULL);
  out = s->builder->unescaped;
  g_string_truncate (out, 0);
  while (p < end)
    {
      const char *backslash = memchr (p, '\\', end - p);
      gunichar unit;

      if (backslash == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }

      g_string_append_len (out, p, backslash - p);
      switch (backslash[1])
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          read_hex4 (s, (const guchar *) backslash + 2 - s->data, &unit);
          if (unit >= 0xD800 && unit <= 0xDBFF)
            {
              gunichar low;

              read_hex4 (s, (const guchar *) backslash + 8 - s->data, &low);
              unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
              p = backslash + 12;
            }
          else
            {
              p = backslash + 6;
            }
          g_string_append_unichar (out, unit);
          continue;
        default:  /* " \ / */
          g_string_append_c (out, backslash[1]);
          break;
        }
      p = backslash + 2;
    }

  *len = out->len;
  return out->str;
}

/* The characters of the string that ends at the scanner's position and
 * opened at @start, its escapes decoded (they were checked) */
static inline const char *
string_content (Scanner *s,
                gsize    start,
                gsize   *len)
{
  if (G_UNLIKELY (s->escaped))
    return unescaped_string_content (s, start, len);

  *len = s->pos - start - 2;
  return (const char *) s->data + start + 1;
}

/* The string value that ends at the scanner's position and opened at
 * @start */
static inline PpJsonValue *
build_string (Scanner *s,
              gsize    start)
{
  gsize len;
  const char *str = string_content (s, start, &len);

  /* the value and its characters in one block of the arena */
  return pp_json_value_new_string_len (s->builder->arena, str, len);
}

/* A mask of the first @n bytes (0 to 8) of a word loaded from memory */
static inline guint64
leading_bytes_mask (gsize n)
{
  guint64 low = n >= 8 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << (8 * n)) - 1;

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  return low;
#else
  return GUINT64_SWAP_LE_BE (low);
#endif
}

/* The interned copy of the member name @str (@len bytes, and @readable
 * bytes from @str may be read): short names are
 * looked up in the builder's name cache first, and remembered there */
static const char *
intern_member_name (Builder    *b,
                    const char *str,
                    gsize       len,
                    gsize       readable)
{
  guint64 bytes[CACHED_NAME_MAX / 8] = { 0, 0 };
  CachedName *cached;
  guint slot;

  G_STATIC_ASSERT (CACHED_NAME_MAX == 16 && NAME_CACHE_SIZE <= 64);

  if (len > CACHED_NAME_MAX)
    return pp_json_arena_intern_len (b->arena, str, len);

  if (readable >= CACHED_NAME_MAX)
    {
      /* one load of 16 bytes, the ones after the name cleared */
      memcpy (bytes, str, CACHED_NAME_MAX);
      bytes[0] &= leading_bytes_mask (MIN (len, 8));
      bytes[1] &= leading_bytes_mask (len > 8 ? len - 8 : 0);
    }
  else
    {
      memcpy (bytes, str, len);
    }
  slot = (guint) (((bytes[0] ^ (bytes[1] * G_GUINT64_CONSTANT (0xFF51AFD7ED558CCD)) ^ len) *
                   G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> (64 - NAME_CACHE_BITS));
  cached = &b->name_cache[slot];

  if ((b->cached_names & (G_GUINT64_CONSTANT (1) << slot)) != 0 &&
      cached->len == len && cached->bytes[0] == bytes[0] && cached->bytes[1] == bytes[1])
    return cached->key;

  cached->bytes[0] = bytes[0];
  cached->bytes[1] = bytes[1];
  cached->len = len;
  cached->key = pp_json_arena_intern_len (b->arena, str, len);
  b->cached_names |= G_GUINT64_CONSTANT (1) << slot;

  return cached->key;
}

/* A member name of the innermost open object: a new member awaiting its
 * value, or the member of that name already there */
static void
build_member_name (Scanner *s,
                   guint    level,
                   gsize    start)
{
  Builder *b = s->builder;
  gsize first = b->start[level];
  gsize len;
  const char *str = string_content (s, start, &len);
  /* bytes of the text from the name on may be read beyond it */
  gsize readable = s->escaped ? len : s->length - (start + 1);
  const char *key = intern_member_name (b, str, len, readable);
  gsize found = G_MAXSIZE;

  if (b->names[level] == NULL && b->scratch_len - first > MEMBERS_SEARCHED_LINEARLY)
    {
      b->names[level] = g_hash_table_new (NULL, NULL);
      for (gsize i = first; i < b->scratch_len; i++)
        g_hash_table_insert (b->names[level], (gpointer) b->scratch[i].key,
                             GSIZE_TO_POINTER (i + 1));
    }

  if (b->names[level] != NULL)
    {
      gsize position = GPOINTER_TO_SIZE (g_hash_table_lookup (b->names[level], key));

      if (position > 0)
        found = position - 1;
    }
  else
    {
      for (gsize i = first; i < b->scratch_len; i++)
        if (b->scratch[i].key == key)
          {
            found = i;
            break;
          }
    }

  if (found != G_MAXSIZE)
    {
      b->pending[level] = found;
      return;
    }

  builder_push (b, key, pp_json_value_null ());
  b->pending[level] = b->scratch_len - 1;
  if (b->names[level] != NULL)
    g_hash_table_insert (b->names[level], (gpointer) key, GSIZE_TO_POINTER (b->scratch_len));
}

/* The number that ends at the scanner's position and starts at @start;
 * @integer_value: the value of an integer, read as it was scanned */
static PpJsonValue *
build_number (Scanner  *s,
              gsize     start,
              gboolean  integer,
              gint64    integer_value)
{
  PpJsonArena *arena = s->builder->arena;
  const char *text = pp_json_arena_strndup (arena, (const char *) s->data + start, s->pos - start);
  PpJsonValue *value;

  if (integer)
    value = pp_json_value_new_int (arena, integer_value);
  else
    value = pp_json_value_new_double (arena, g_ascii_strtod (text, NULL));
  value->u.number.text = text;

  return value;
}

/* Room for twice as many levels; the scanner stops texts nested deeper
 * than PP_JSON_MAX_DEPTH before they get here */
static G_GNUC_NO_INLINE void
build_grow_levels (Builder *b)
{
  guint cap = b->levels_cap * 2;

  if (b->start == b->start_inline)
    {
      b->start = g_memdup2 (b->start_inline, sizeof (gsize) * b->levels_cap);
      b->pending = g_memdup2 (b->pending_inline, sizeof (gsize) * b->levels_cap);
      b->names = g_memdup2 (b->names_inline, sizeof (GHashTable *) * b->levels_cap);
    }
  b->start = g_renew (gsize, b->start, cap);
  b->pending = g_renew (gsize, b->pending, cap);
  b->names = g_renew (GHashTable *, b->names, cap);
  b->levels_cap = cap;
}

/* The array or object at @level opened */
static inline void
build_open (Builder *b,
            guint    level)
{
  if (G_UNLIKELY (level == b->levels_cap))
    build_grow_levels (b);
  b->start[level] = b->scratch_len;
  if (level == b->levels)
    {
      b->names[level] = NULL;
      b->levels++;
    }
}

/* The array or object at @level closed: copied into the arena */
static PpJsonValue *
build_close (Builder      *b,
             const guchar *stack,
             guint         level)
{
  gsize first = b->start[level];
  guint n = (guint) (b->scratch_len - first);
  PpJsonValue *value;

  if (stack[level] == '[')
    {
      value = pp_json_value_new_array (b->arena, n);
      for (guint i = 0; i < n; i++)
        value->u.items[i] = b->scratch[first + i].value;
    }
  else
    {
      value = pp_json_value_new_object (b->arena, n);
      if (n > 0)
        memcpy (value->u.members, b->scratch + first, n * sizeof (PpJsonMember));
      g_clear_pointer (&b->names[level], g_hash_table_unref);
    }
  value->n = n;

  b->scratch_len = first;
  return value;
}

/* }}} */

/* Checks the text, and builds its values with @b unless NULL. The position
 * and depth live in locals here: the scanner's position is set before
 * anything else reads it, and read back after anything moves it. */
G_ALWAYS_INLINE static inline gboolean
scan (Scanner *s,
      Builder *b)
{
  const guchar *data = s->data;
  const gsize length = s->length;
  guchar *stack = s->stack;
  gsize pos = s->pos;
  guint depth = 0;
  ScanState state = EXPECT_VALUE;

  for (;;)
    {
      PpJsonValue *value = NULL;
      guchar c;
      gboolean ok;

      pos = skip_space (data, pos, length);

      switch (state)
        {
        case EXPECT_VALUE:
          s->pos = pos;
          if (pos >= length)
            return fail_unexpected (s, "a value");

          c = data[pos];
          if (c == '"')
            {
              if (!scan_string (s, FALSE))
                return FALSE;
              if (b != NULL)
                value = build_string (s, pos);
              pos = s->pos;
            }
          else if (c == '[' || c == '{')
            {
              if (depth == PP_JSON_MAX_DEPTH)
                return fail (s, pos, PP_JSON_ERROR_TOO_DEEP,
                             "arrays and objects nest deeper than %u levels",
                             (guint) PP_JSON_MAX_DEPTH);

              stack[depth++] = c;
              if (b != NULL)
                build_open (b, depth - 1);
              pos = skip_space (data, pos + 1, length);

              if (pos >= length || data[pos] != (c == '[' ? ']' : '}'))
                {
                  state = c == '[' ? EXPECT_VALUE : EXPECT_MEMBER_NAME;
                  continue;
                }

              /* empty */
              pos++;
              depth--;
              if (b != NULL)
                value = build_close (b, stack, depth);
            }
          else
            {
              if (c == '-' || g_ascii_isdigit (c))
                ok = scan_number (s, &value);
              else if (c == 't')
                ok = scan_literal (s, "true");
              else if (c == 'f')
                ok = scan_literal (s, "false");
              else if (c == 'n')
                ok = scan_literal (s, "null");
              else
                ok = fail_unexpected (s, "a value");

              if (!ok)
                return FALSE;
              pos = s->pos;
              if (c == 'n')
                value = pp_json_value_null ();
              else if (c == 't' || c == 'f')
                value = pp_json_value_boolean (c == 't');
            }

          if (b != NULL)
            builder_deliver (b, stack, depth, value);
          state = AFTER_VALUE;
          break;

        case EXPECT_MEMBER_NAME:
          s->pos = pos;
          if (pos >= length || data[pos] != '"')
            return fail_unexpected (s, "a member name");
          if (!scan_string (s, TRUE))
            return FALSE;
          if (b != NULL)
            build_member_name (s, depth - 1, pos);

          pos = skip_space (data, s->pos, length);
          if (pos >= length || data[pos] != ':')
            {
              s->pos = pos;
              return fail_unexpected (s, "“:”");
            }
          pos++;
          state = EXPECT_VALUE;
          break;

        case AFTER_VALUE:
        default:
          if (depth == 0)
            {
              s->pos = pos;
              return pos == length || fail_unexpected (s, "the end of the text");
            }

          c = stack[depth - 1];
          if (pos < length && data[pos] == ',')
            {
              pos++;
              state = c == '[' ? EXPECT_VALUE : EXPECT_MEMBER_NAME;
            }
          else if (pos < length && data[pos] == (c == '[' ? ']' : '}'))
            {
              pos++;
              depth--;
              if (b != NULL)
                builder_deliver (b, stack, depth, build_close (b, stack, depth));
            }
          else
            {
              s->pos = pos;
              return fail_unexpected (s, c == '[' ? "“,” or “]”" : "“,” or “}”");
            }
          break;
        }
    }
}

/* scan() specialised for checking only and for building */
static gboolean
scan_checking (Scanner *s)
{
  return scan (s, NULL);
}

static gboolean
scan_building (Scanner *s)
{
  return scan (s, s->builder);
}

/* Checks @data, and builds its values with @builder unless NULL */
static gboolean
scan_text (const char  *data,
           gssize       length,
           Builder     *builder,
           gboolean     keeps_nul,
           GError     **error)
{
  Scanner scanner;
  Scanner *s = &scanner;

  s->data = (const guchar *) (data != NULL ? data : "");
  s->length = length < 0 ? strlen (data) : (gsize) length;
  s->pos = 0;
  s->escaped = FALSE;
  s->member_name = FALSE;
  s->keeps_nul = keeps_nul;
  s->builder = builder;
  s->error = error;

  /* json-glib skips a byte order mark, as RFC 8259 allows */
  if (s->length >= 3 && memcmp (s->data, "\xEF\xBB\xBF", 3) == 0)
    s->pos = 3;

  s->pos = skip_space (s->data, s->pos, s->length);
  if (s->pos == s->length)
    {
      g_set_error_literal (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX,
                           "the text is empty");
      return FALSE;
    }

  return builder != NULL ? scan_building (s) : scan_checking (s);
}

/* Builds the values of @data in @arena as the scanner checks them; a
 * string value may hold an escaped NUL only when @keeps_nul */
static PpJsonValue *
parse_values (PpJsonArena  *arena,
              const char   *data,
              gssize        length,
              gboolean      keeps_nul,
              GError      **error)
{
  Builder builder;
  Builder *b = &builder;
  PpJsonValue *root = NULL;

  /* not zeroed: its levels are set as they are first opened */
  b->arena = arena;
  b->levels_cap = LEVELS_INLINE;
  b->start = b->start_inline;
  b->pending = b->pending_inline;
  b->names = b->names_inline;
  b->scratch = b->scratch_inline;
  b->scratch_len = 0;
  b->scratch_cap = SCRATCH_INLINE;
  b->levels = 0;
  b->unescaped = NULL;
  b->root = NULL;
  b->cached_names = 0;

  if (scan_text (data, length, b, keeps_nul, error))
    root = b->root;

  /* an error may leave objects open */
  for (guint i = 0; i < b->levels; i++)
    g_clear_pointer (&b->names[i], g_hash_table_unref);
  if (b->unescaped != NULL)
    g_string_free (b->unescaped, TRUE);
  if (b->scratch != b->scratch_inline)
    g_free (b->scratch);
  if (b->start != b->start_inline)
    {
      g_free (b->start);
      g_free (b->pending);
      g_free (b->names);
    }

  return root;
}

/*
 * pp_json_value_parse:
 *
 * Declared in pp-json-value-private.h: the scanner of pp_json_validate()
 * building the values of @data in @arena as it checks them, except that a
 * string value may hold an escaped NUL (kept as a NUL byte, counted in its
 * length).
 */
PpJsonValue *
pp_json_value_parse (PpJsonArena  *arena,
                     const char   *data,
                     gssize        length,
                     GError      **error)
{
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_values (arena, data, length, TRUE, error);
}

/*
 * pp_json_value_parse_validated:
 *
 * Declared in pp-json-value-private.h: pp_json_value_parse() refusing
 * what pp_json_validate() refuses, an escaped NUL in any string included,
 * with its error; one pass where the two would take two.
 */
PpJsonValue *
pp_json_value_parse_validated (PpJsonArena  *arena,
                               const char   *data,
                               gssize        length,
                               GError      **error)
{
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_values (arena, data, length, FALSE, error);
}

/**
 * pp_json_validate:
 * @data: (array length=length) (element-type guint8): JSON text
 * @length: the length of @data in bytes, or -1 when it ends with a NUL byte
 * @error: return location for a #GError
 *
 * Checks that @data is one JSON value (RFC 8259) in UTF-8, optionally
 * after a byte order mark, that nests no deeper than %PP_JSON_MAX_DEPTH
 * levels and that json-glib reads without changing it: no string or member
 * name holds an escaped NUL (`\u0000`) or an unpaired surrogate, every
 * integer fits in 64 bits and no number is too large for a double.
 *
 * The check takes constant stack space and one pass over @data, so it is
 * safe on any input, however hostile.
 *
 * Returns: %TRUE if @data passes, else %FALSE with @error set in the
 *   %PP_JSON_ERROR domain, its message saying what is wrong and where
 *
 * Since: 0.2
 */
gboolean
pp_json_validate (const char  *data,
                  gssize       length,
                  GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return scan_text (data, length, NULL, FALSE, error);
}

/**
 * pp_json_parse:
 * @data: (array length=length) (element-type guint8): JSON text
 * @length: the length of @data in bytes, or -1 when it ends with a NUL byte
 * @error: return location for a #GError
 *
 * Parses @data with json-glib once [func@Pp.json_validate] has passed it:
 * use this rather than #JsonParser for any text from outside, which could
 * otherwise exhaust the stack or have its values changed.
 *
 * Returns: (transfer full) (nullable): the root of a new, unsealed tree,
 *   or %NULL with @error set in the %PP_JSON_ERROR domain
 *
 * Since: 0.2
 */
JsonNode *
pp_json_parse (const char  *data,
               gssize       length,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = (gssize) strlen (data);

  if (!pp_json_validate (data, length, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX,
                   "the text is not JSON: %s", local_error->message);
      return NULL;
    }

  return json_parser_steal_root (parser);
}
