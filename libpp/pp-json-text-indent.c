/* pp-json-text-indent.c: compact JSON text indented as it is copied
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-json-text-indent-private.h"

/* A value written without flags by pp_json_value_write() has no
 * whitespace outside its strings; written with PP_JSON_WRITE_PRETTY, it
 * differs only by the whitespace: a newline and two spaces a level after
 * the opening bracket of a container that is not empty, after each comma,
 * and before the closing bracket, and a space after each colon. Copying
 * the compact text with that whitespace added gives the indented text
 * without reading the text back into values. */

/* What a byte of the text is to the indentation, outside strings */
enum
{
  BYTE_COPIED,    /* copied as it is: a byte of a number or literal */
  BYTE_QUOTE,     /* the quote that starts a string */
  BYTE_OPEN,      /* an opening bracket */
  BYTE_CLOSE,     /* a closing bracket */
  BYTE_COMMA,
  BYTE_COLON,
};

static const guint8 byte_kind[256] = {
  ['"'] = BYTE_QUOTE, ['{'] = BYTE_OPEN, ['['] = BYTE_OPEN, ['}'] = BYTE_CLOSE,
  [']'] = BYTE_CLOSE, [','] = BYTE_COMMA, [':'] = BYTE_COLON,
};

/* Past the end of the string that starts with the quote at @p: the first
 * quote after it that an odd number of backslashes does not escape, found
 * with memchr() rather than a byte at a time */
static inline const char *
skip_string (const char *p,
             const char *end)
{
  const char *quote = p + 1;

  for (;;)
    {
      const char *escape;

      quote = memchr (quote, '"', end - quote);
      if (quote == NULL)
        return end;

      /* the opening quote stops the walk back */
      for (escape = quote; escape[-1] == '\\'; escape--)
        ;
      if ((quote - escape) % 2 == 0)
        return quote + 1;
      quote++;
    }
}

/* Room in @out for @extra more bytes after @w, a position in its text:
 * the position, the text moved if it had to grow */
static inline char *
reserve (GString *out,
         char    *w,
         gsize    extra)
{
  gsize used = w - out->str;

  if (used + extra >= out->allocated_len)
    {
      g_string_set_size (out, used + extra);
      w = out->str + used;
    }

  return w;
}

/* A newline and the indentation of @level at @w, which has room */
static inline char *
put_newline (char  *w,
             guint  level)
{
  *w++ = '\n';
  memset (w, ' ', 2 * (gsize) level);

  return w + 2 * (gsize) level;
}

/**
 * pp_json_text_append_newline:
 * @out: the text being written
 * @level: the nesting level of what comes next
 *
 * Appends a newline and the indentation of @level, two spaces a level, as
 * PP_JSON_WRITE_PRETTY indents.
 */
void
pp_json_text_append_newline (GString *out,
                             guint    level)
{
  char *w = reserve (out, out->str + out->len, 1 + 2 * (gsize) level);

  w = put_newline (w, level);
  out->len = w - out->str;
  *w = '\0';
}

/**
 * pp_json_text_append_indented:
 * @out: the text being written
 * @text: (array length=length): a JSON value as pp_json_value_write()
 *   writes it without flags: valid JSON, no whitespace outside strings
 * @length: the length of @text in bytes
 * @level: the nesting level @text is written at
 *
 * Appends @text to @out as pp_json_value_write() writes the value with
 * PP_JSON_WRITE_PRETTY, nested @level levels deep: copied as it is read,
 * a string at a time, with the whitespace of the indented form added at
 * the brackets, commas and colons.
 */
void
pp_json_text_append_indented (GString    *out,
                              const char *text,
                              gsize       length,
                              guint       level)
{
  const char *p = text;
  const char *end = text + length;
  /* Every byte written is a byte of @text or whitespace added at a
   * bracket, comma or colon: the room for the rest of @text and the
   * whitespace about to be added is made there, and nowhere else. The
   * bytes are copied as they are read, a string at a time, rather than
   * in runs up to the next whitespace: most runs are a string and a
   * colon or a comma, which would cost a copy each. */
  char *w = reserve (out, out->str + out->len, length);

  while (p < end)
    {
      const char *string_end;

      switch (byte_kind[(guchar) *p])
        {
        case BYTE_COPIED:
          /* a number or a literal, to its end */
          do
            *w++ = *p++;
          while (p < end && byte_kind[(guchar) *p] == BYTE_COPIED);
          continue;

        case BYTE_QUOTE:
          string_end = skip_string (p, end);
          memcpy (w, p, string_end - p);
          w += string_end - p;
          p = string_end;
          /* a key: its colon at once, as every member has one */
          if (p < end && *p == ':')
            {
              *w++ = *p++;
              w = reserve (out, w, (gsize) (end - p) + 1);
              *w++ = ' ';
            }
          continue;

        case BYTE_CLOSE:
          /* the newline goes before the bracket */
          level = level > 0 ? level - 1 : 0;
          w = reserve (out, w, (gsize) (end - p) + 1 + 2 * (gsize) level);
          w = put_newline (w, level);
          *w++ = *p++;
          continue;

        case BYTE_OPEN:
          if (p + 1 < end && byte_kind[(guchar) p[1]] == BYTE_CLOSE)
            {
              *w++ = *p++;
              *w++ = *p++;
              continue;
            }
          level++;
          *w++ = *p++;
          w = reserve (out, w, (gsize) (end - p) + 1 + 2 * (gsize) level);
          w = put_newline (w, level);
          continue;

        case BYTE_COMMA:
          *w++ = *p++;
          w = reserve (out, w, (gsize) (end - p) + 1 + 2 * (gsize) level);
          w = put_newline (w, level);
          continue;

        case BYTE_COLON:
          *w++ = *p++;
          w = reserve (out, w, (gsize) (end - p) + 1);
          *w++ = ' ';
          continue;

        default:
          g_assert_not_reached ();
        }
    }

  out->len = w - out->str;
  *w = '\0';
}
