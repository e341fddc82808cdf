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

typedef struct {
  PpJsonArena  *arena;
  PpJsonMember *scratch;      /* members (elements: no key) of open values */
  gsize         scratch_len;
  gsize         scratch_cap;
  gsize         start[PP_JSON_MAX_DEPTH];    /* of each open value's members */
  gsize         pending[PP_JSON_MAX_DEPTH];  /* the member awaiting its value */
  GHashTable   *names[PP_JSON_MAX_DEPTH];    /* key -> position + 1, or NULL */
  GString      *unescaped;
  PpJsonValue  *root;
} Builder;

typedef struct {
  const guchar *data;
  gsize         length;
  gsize         pos;
  guint         depth;
  guchar        stack[PP_JSON_MAX_DEPTH];  /* '[' or '{', innermost last */
  gboolean      escaped;                   /* the last string had escapes */
  gboolean      member_name;               /* the string scanned is a member name */
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
static gsize
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

static inline void
skip_space (Scanner *s)
{
  while (s->pos < s->length)
    {
      guchar c = s->data[s->pos];

      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      s->pos++;
    }
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
      if (unit == 0 && s->builder == NULL)
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

/* The string at the scanner's position, an opening quote: a member name
 * or a value */
static gboolean
scan_string (Scanner  *s,
             gboolean  member_name)
{
  gsize start = s->pos;

  s->pos++;
  s->escaped = FALSE;
  s->member_name = member_name;

  for (;;)
    {
      guchar c;
      gsize n;

      /* the common case: printable ASCII */
      while (s->pos < s->length)
        {
          c = s->data[s->pos];
          if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
            break;
          s->pos++;
        }

      if (s->pos >= s->length)
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: a string is not closed");

      c = s->data[s->pos];
      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }

      if (c == '\\')
        {
          if (!scan_escape (s))
            return FALSE;
          s->escaped = TRUE;
          continue;
        }

      if (c == '\0')
        return fail_nul (s, s->pos);

      if (c < 0x20)
        return fail (s, s->pos, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: unescaped control character U+%04X in a string",
                     c);

      n = utf8_sequence_length (s->data + s->pos, s->length - s->pos);
      if (n == 0)
        return fail (s, s->pos, PP_JSON_ERROR_INVALID_ENCODING, "the text is not valid UTF-8");
      s->pos += n;
    }
}

static inline gboolean
is_digit (Scanner *s,
          gsize    offset)
{
  return offset < s->length && g_ascii_isdigit (s->data[offset]);
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

static void build_number (Scanner  *s,
                          gsize     start,
                          gboolean  integer);

/* The number at the scanner's position, a minus sign or a digit */
static gboolean
scan_number (Scanner *s)
{
  gsize start = s->pos;
  gsize p = start;
  gsize int_start, int_digits;
  gboolean negative = FALSE;
  gboolean integer = TRUE;
  gint64 magnitude = 0;   /* the power of ten of the first significant digit */
  gint64 exponent = 0;
  gboolean exponent_negative = FALSE;
  gboolean zero = TRUE;

  if (s->data[p] == '-')
    {
      negative = TRUE;
      p++;
    }

  int_start = p;
  if (p < s->length && s->data[p] == '0')
    p++;
  else if (is_digit (s, p))
    while (is_digit (s, p))
      p++;
  else
    return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                 "the text is not JSON: a minus sign without digits");
  int_digits = p - int_start;

  if (int_digits > 1 || s->data[int_start] != '0')
    {
      zero = FALSE;
      magnitude = (gint64) int_digits - 1;
    }

  if (p < s->length && s->data[p] == '.')
    {
      p++;
      if (!is_digit (s, p))
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: a decimal point without digits after it");
      for (gsize leading = 1; is_digit (s, p); p++, leading++)
        if (zero && s->data[p] != '0')
          {
            zero = FALSE;
            magnitude = -(gint64) MIN (leading, (gsize) G_MAXINT32);
          }
      integer = FALSE;
    }

  if (p < s->length && (s->data[p] == 'e' || s->data[p] == 'E'))
    {
      p++;
      if (p < s->length && (s->data[p] == '+' || s->data[p] == '-'))
        exponent_negative = s->data[p++] == '-';
      if (!is_digit (s, p))
        return fail (s, start, PP_JSON_ERROR_INVALID_SYNTAX,
                     "the text is not JSON: an exponent without digits");
      for (; is_digit (s, p); p++)
        if (exponent < G_MAXINT32)
          exponent = exponent * 10 + (s->data[p] - '0');
      integer = FALSE;
    }

  s->pos = p;

  if (integer)
    {
      /* json-glib reads integers as gint64, and wraps those that do not fit */
      const char *limit = negative ? "9223372036854775808" : "9223372036854775807";

      if (int_digits > 19 ||
          (int_digits == 19 && memcmp (s->data + int_start, limit, 19) > 0))
        return fail (s, start, PP_JSON_ERROR_UNSUPPORTED_VALUE,
                     "unsupported integer %.*s%s, which does not fit in 64 bits",
                     (int) MIN (p - start, MAX_QUOTED_NUMBER), (const char *) s->data + start,
                     p - start > MAX_QUOTED_NUMBER ? "…" : "");
      if (s->builder != NULL)
        build_number (s, start, TRUE);
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
    build_number (s, start, FALSE);
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

static void
builder_push (Builder     *b,
              const char  *key,
              PpJsonValue *value)
{
  if (b->scratch_len == b->scratch_cap)
    {
      b->scratch_cap = MAX (64, b->scratch_cap * 2);
      b->scratch = g_renew (PpJsonMember, b->scratch, b->scratch_cap);
    }

  b->scratch[b->scratch_len].key = key;
  b->scratch[b->scratch_len].value = value;
  b->scratch_len++;
}

/* A complete value: the root, an element of the open array, or the value
 * of the open object's pending member */
static void
builder_deliver (Scanner     *s,
                 PpJsonValue *value)
{
  Builder *b = s->builder;

  if (s->depth == 0)
    b->root = value;
  else if (s->stack[s->depth - 1] == '[')
    builder_push (b, NULL, value);
  else
    b->scratch[b->pending[s->depth - 1]].value = value;
}

/* The characters of the string that ends at the scanner's position and
 * opened at @start, its escapes decoded (they were checked) */
static const char *
string_content (Scanner *s,
                gsize    start,
                gsize   *len)
{
  const char *p = (const char *) s->data + start + 1;
  const char *end = (const char *) s->data + s->pos - 1;
  GString *out = s->builder->unescaped;

  if (!s->escaped)
    {
      *len = end - p;
      return p;
    }

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

static void
build_string (Scanner *s,
              gsize    start)
{
  gsize len;
  const char *str = string_content (s, start, &len);

  builder_deliver (s, pp_json_value_new_string_len (s->builder->arena, str, len));
}

/* A member name of the innermost open object: a new member awaiting its
 * value, or the member of that name already there */
static void
build_member_name (Scanner *s,
                   gsize    start)
{
  Builder *b = s->builder;
  guint level = s->depth - 1;
  gsize first = b->start[level];
  gsize len;
  const char *str = string_content (s, start, &len);
  const char *key = pp_json_arena_intern_len (b->arena, str, len);
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

static void
build_number (Scanner  *s,
              gsize     start,
              gboolean  integer)
{
  PpJsonArena *arena = s->builder->arena;
  const char *text = pp_json_arena_strndup (arena, (const char *) s->data + start, s->pos - start);
  PpJsonValue *value;

  if (integer)
    value = pp_json_value_new_int (arena, g_ascii_strtoll (text, NULL, 10));
  else
    value = pp_json_value_new_double (arena, g_ascii_strtod (text, NULL));
  value->u.number.text = text;

  builder_deliver (s, value);
}

/* The innermost array or object opened */
static void
build_open (Scanner *s)
{
  s->builder->start[s->depth - 1] = s->builder->scratch_len;
}

/* The innermost array or object closed: copied into the arena */
static PpJsonValue *
build_close (Scanner *s)
{
  Builder *b = s->builder;
  guint level = s->depth - 1;
  gsize first = b->start[level];
  guint n = (guint) (b->scratch_len - first);
  PpJsonValue *value;

  if (s->stack[level] == '[')
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

/* Leaves the innermost array or object */
static void
close_value (Scanner *s)
{
  PpJsonValue *value = s->builder != NULL ? build_close (s) : NULL;

  s->depth--;
  if (value != NULL)
    builder_deliver (s, value);
}

/* }}} */

static gboolean
scan (Scanner *s)
{
  ScanState state = EXPECT_VALUE;

  for (;;)
    {
      guchar c;
      gboolean ok;
      gsize start;

      skip_space (s);

      switch (state)
        {
        case EXPECT_VALUE:
          if (s->pos >= s->length)
            return fail_unexpected (s, "a value");

          c = s->data[s->pos];
          if (c == '[' || c == '{')
            {
              if (s->depth == PP_JSON_MAX_DEPTH)
                return fail (s, s->pos, PP_JSON_ERROR_TOO_DEEP,
                             "arrays and objects nest deeper than %u levels",
                             (guint) PP_JSON_MAX_DEPTH);

              s->stack[s->depth++] = c;
              s->pos++;
              if (s->builder != NULL)
                build_open (s);
              skip_space (s);

              if (s->pos < s->length && s->data[s->pos] == (c == '[' ? ']' : '}'))
                {
                  close_value (s);
                  s->pos++;
                  state = AFTER_VALUE;
                }
              else
                {
                  state = c == '[' ? EXPECT_VALUE : EXPECT_MEMBER_NAME;
                }
              continue;
            }

          start = s->pos;
          if (c == '"')
            {
              ok = scan_string (s, FALSE);
              if (ok && s->builder != NULL)
                build_string (s, start);
            }
          else if (c == '-' || g_ascii_isdigit (c))
            ok = scan_number (s);
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
          if (s->builder != NULL && c != '"' && c != '-' && !g_ascii_isdigit (c))
            builder_deliver (s, c == 'n' ? pp_json_value_null () : pp_json_value_boolean (c == 't'));
          state = AFTER_VALUE;
          break;

        case EXPECT_MEMBER_NAME:
          if (s->pos >= s->length || s->data[s->pos] != '"')
            return fail_unexpected (s, "a member name");
          start = s->pos;
          if (!scan_string (s, TRUE))
            return FALSE;
          if (s->builder != NULL)
            build_member_name (s, start);

          skip_space (s);
          if (s->pos >= s->length || s->data[s->pos] != ':')
            return fail_unexpected (s, "“:”");
          s->pos++;
          state = EXPECT_VALUE;
          break;

        case AFTER_VALUE:
        default:
          if (s->depth == 0)
            return s->pos == s->length || fail_unexpected (s, "the end of the text");

          c = s->stack[s->depth - 1];
          if (s->pos < s->length && s->data[s->pos] == ',')
            {
              s->pos++;
              state = c == '[' ? EXPECT_VALUE : EXPECT_MEMBER_NAME;
            }
          else if (s->pos < s->length && s->data[s->pos] == (c == '[' ? ']' : '}'))
            {
              s->pos++;
              close_value (s);
            }
          else
            {
              return fail_unexpected (s, c == '[' ? "“,” or “]”" : "“,” or “}”");
            }
          break;
        }
    }
}

/* Checks @data, and builds its values with @builder unless NULL */
static gboolean
scan_text (const char  *data,
           gssize       length,
           Builder     *builder,
           GError     **error)
{
  Scanner scanner;
  Scanner *s = &scanner;

  s->data = (const guchar *) (data != NULL ? data : "");
  s->length = length < 0 ? strlen (data) : (gsize) length;
  s->pos = 0;
  s->depth = 0;
  s->escaped = FALSE;
  s->member_name = FALSE;
  s->builder = builder;
  s->error = error;

  /* json-glib skips a byte order mark, as RFC 8259 allows */
  if (s->length >= 3 && memcmp (s->data, "\xEF\xBB\xBF", 3) == 0)
    s->pos = 3;

  skip_space (s);
  if (s->pos == s->length)
    {
      g_set_error_literal (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX,
                           "the text is empty");
      return FALSE;
    }

  return scan (s);
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
  Builder *b;
  PpJsonValue *root = NULL;

  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  b = g_new0 (Builder, 1);
  b->arena = arena;
  b->unescaped = g_string_new (NULL);

  if (scan_text (data, length, b, error))
    root = b->root;

  /* an error may leave objects open */
  for (guint i = 0; i < PP_JSON_MAX_DEPTH; i++)
    g_clear_pointer (&b->names[i], g_hash_table_unref);
  g_string_free (b->unescaped, TRUE);
  g_free (b->scratch);
  g_free (b);

  return root;
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

  return scan_text (data, length, NULL, error);
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
