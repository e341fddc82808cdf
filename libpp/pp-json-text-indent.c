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

/* The bytes that the whitespace goes around, outside strings, and the
 * quote that starts a string; 0 for the others */
static const guint8 structural[256] = {
  ['"'] = '"', ['{'] = '{', ['['] = '[', ['}'] = '}', [']'] = ']',
  [','] = ',', [':'] = ':',
};

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
 * PP_JSON_WRITE_PRETTY, nested @level levels deep: copied a run at a
 * time, with the whitespace of the indented form added between the runs.
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
   * whitespace about to be added is made there, and nowhere else */
  char *w = reserve (out, out->str + out->len, length);

  while (p < end)
    {
      switch (structural[(guchar) *p])
        {
        case '"':
          {
            /* to the closing quote, past the escaped characters */
            const char *run = p++;

            while (p < end && *p != '"')
              p += *p == '\\' ? 2 : 1;
            p = MIN (p + 1, end);
            memcpy (w, run, p - run);
            w += p - run;
            break;
          }

        case '{':
        case '[':
          if (p + 1 < end && (p[1] == '}' || p[1] == ']'))
            {
              *w++ = *p++;
              *w++ = *p++;
              break;
            }
          *w++ = *p++;
          level++;
          w = reserve (out, w, (gsize) (end - p) + 1 + 2 * (gsize) level);
          w = put_newline (w, level);
          break;

        case '}':
        case ']':
          level = level > 0 ? level - 1 : 0;
          w = reserve (out, w, (gsize) (end - p) + 1 + 2 * (gsize) level);
          w = put_newline (w, level);
          *w++ = *p++;
          break;

        case ',':
          *w++ = *p++;
          w = reserve (out, w, (gsize) (end - p) + 1 + 2 * (gsize) level);
          w = put_newline (w, level);
          break;

        case ':':
          *w++ = *p++;
          w = reserve (out, w, (gsize) (end - p) + 1);
          *w++ = ' ';
          break;

        default:
          {
            const char *run = p++;

            while (p < end && structural[(guchar) *p] == 0)
              p++;
            memcpy (w, run, p - run);
            w += p - run;
            break;
          }
        }
    }

  out->len = w - out->str;
  *w = '\0';
}
