/* pp-jsonld-json-writer.c: JSON text as JSON-LD processors print it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pp-jsonld.h"
#include "pp-jsonld-json-writer-private.h"
#include "pp-json-value-private.h"

/* json-glib 1.6 prints some doubles in forms JSON does not allow (1e30 as
 * "1e+30.0"); this writer prints numbers as ECMAScript does, as RFC 8785
 * and jsonld.js do, and members in document order. */

/* The ECMAScript Number::toString of @value: the shortest digits that read
 * back to @value, in fixed notation from 1e-6 up to 1e21 and in exponential
 * notation outside; not finite numbers, which JSON cannot hold, as null */
void
pp_json_append_number (GString *out,
                       double   value)
{
  char buf[40];
  char digits[20];
  int precision, exponent, k = 0, n, i;
  const char *p;

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  if (value == 0.0)
    {
      g_string_append_c (out, '0');
      return;
    }

  if (value < 0)
    {
      g_string_append_c (out, '-');
      value = -value;
    }

  for (precision = 1; precision <= 17; precision++)
    {
      g_snprintf (buf, sizeof buf, "%.*e", precision - 1, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  /* buf is d[.ddd]e±xx */
  for (p = buf; *p != 'e'; p++)
    if (g_ascii_isdigit (*p))
      digits[k++] = *p;
  exponent = atoi (p + 1);
  while (k > 1 && digits[k - 1] == '0')
    k--;
  digits[k] = '\0';
  n = exponent + 1;

  if (k <= n && n <= 21)
    {
      g_string_append (out, digits);
      for (i = 0; i < n - k; i++)
        g_string_append_c (out, '0');
    }
  else if (0 < n && n <= 21)
    {
      g_string_append_len (out, digits, n);
      g_string_append_c (out, '.');
      g_string_append (out, digits + n);
    }
  else if (-6 < n && n <= 0)
    {
      g_string_append (out, "0.");
      for (i = 0; i < -n; i++)
        g_string_append_c (out, '0');
      g_string_append (out, digits);
    }
  else
    {
      g_string_append_c (out, digits[0]);
      if (k > 1)
        {
          g_string_append_c (out, '.');
          g_string_append (out, digits + 1);
        }
      g_string_append_printf (out, "e%c%d", n - 1 >= 0 ? '+' : '-', ABS (n - 1));
    }
}

/* Whether one of the 8 bytes of @word needs escaping in a JSON string: a
 * control character, a quotation mark or a backslash (exact, with no
 * false alarm: each test finds a byte only where there is one) */
static inline gboolean
word_needs_escape (guint64 word)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);
  guint64 quotes = word ^ (ones * '"');
  guint64 backslashes = word ^ (ones * '\\');

  guint64 found = ((word - ones * 0x20) & ~word) |
                  ((quotes - ones) & ~quotes) |
                  ((backslashes - ones) & ~backslashes);

  return (found & highs) != 0;
}

/* How many bytes of @str, from the start, need no escaping: a word at a
 * time, then a byte at a time */
static gsize
plain_prefix_length (const guchar *str,
                     gsize         len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, str + i, 8);
      if (word_needs_escape (word))
        break;
    }

  for (; i < len; i++)
    if (str[i] < 0x20 || str[i] == '"' || str[i] == '\\')
      break;

  return i;
}

/* A JSON string of @len bytes: the escapes JSON requires (a NUL inside as
 * \u0000), other characters as they are, copied a run at a time; a string
 * that needs no escape, as most do, in one copy */
void
pp_json_append_string_len (GString    *out,
                           const char *str,
                           gsize       len)
{
  const guchar *run = (const guchar *) str;
  const guchar *end = run + len;
  gsize plain = plain_prefix_length (run, len);
  const guchar *p;

  if (plain == len)
    {
      gsize start = out->len;

      g_string_set_size (out, start + len + 2);
      out->str[start] = '"';
      /* @str may be NULL when @len is 0 */
      if (len > 0)
        memcpy (out->str + start + 1, str, len);
      out->str[start + len + 1] = '"';
      return;
    }

  g_string_append_c (out, '"');
  for (p = run + plain; p < end; p++)
    {
      const char *escape;
      char control[8];

      if (*p >= 0x20 && *p != '"' && *p != '\\')
        continue;

      switch (*p)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
          g_snprintf (control, sizeof control, "\\u%04x", *p);
          escape = control;
          break;
        }
      g_string_append_len (out, (const char *) run, p - run);
      g_string_append (out, escape);
      run = p + 1;
    }
  g_string_append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

/* A JSON string of a NUL-terminated @str */
void
pp_json_append_string (GString    *out,
                       const char *str)
{
  pp_json_append_string_len (out, str, strlen (str));
}

static void
append_newline (GString *out,
                gboolean pretty,
                guint    level)
{
  if (!pretty)
    return;

  g_string_append_c (out, '\n');
  for (guint i = 0; i < level; i++)
    g_string_append (out, "  ");
}

static void
append_int (GString *out,
            gint64   value)
{
  char buf[24];
  char *p = buf + sizeof buf;
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    *--p = '-';

  g_string_append_len (out, p, buf + sizeof buf - p);
}

static int
compare_members (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (((const PpJsonMember *) a)->key, ((const PpJsonMember *) b)->key);
}

/* how much text is gathered before it is written to a stream */
#define STREAM_CHUNK_SIZE (64 * 1024)

/* where the text goes: @out, and from there to @stream a chunk at a time
 * when there is one */
typedef struct {
  GString       *out;
  GOutputStream *stream;
  GCancellable  *cancellable;
  GError        *error;  /* the first failure to write; nothing is written after it */
} Writer;

/* Hands the text gathered so far to the stream once there is a chunk of
 * it (or all of it when @all); FALSE once writing failed */
static gboolean
writer_flush (Writer   *w,
              gboolean  all)
{
  if (w->error != NULL)
    return FALSE;

  if (w->stream == NULL || w->out->len == 0 || (!all && w->out->len < STREAM_CHUNK_SIZE))
    return TRUE;

  if (!g_output_stream_write_all (w->stream, w->out->str, w->out->len, NULL,
                                  w->cancellable, &w->error))
    return FALSE;

  g_string_truncate (w->out, 0);
  return TRUE;
}

static void
append_member (Writer             *w,
               const PpJsonMember *member,
               PpJsonWriteFlags    flags,
               guint               level);

/* Recursion is bounded by the depth of @value, which every way of building
 * values limits */
static void
append_value (Writer            *w,
              const PpJsonValue *value,
              PpJsonWriteFlags   flags,
              guint              level)
{
  GString *out = w->out;
  gboolean pretty = (flags & PP_JSON_WRITE_PRETTY) != 0;
  guint n = pp_json_value_get_size (value);

  switch (pp_json_value_get_type (value))
    {
    case PP_JSON_TYPE_OBJECT:
      {
        const PpJsonMember *members = pp_json_object_get_members (value);
        g_autofree PpJsonMember *sorted = NULL;

        if (n == 0)
          {
            g_string_append (out, "{}");
            break;
          }

        if (flags & PP_JSON_WRITE_SORTED)
          {
            members = sorted = g_memdup2 (members, n * sizeof (PpJsonMember));
            qsort (sorted, n, sizeof (PpJsonMember), compare_members);
          }

        g_string_append_c (out, '{');
        for (guint i = 0; i < n && writer_flush (w, FALSE); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_member (w, &members[i], flags, level + 1);
          }
        append_newline (out, pretty, level);
        g_string_append_c (out, '}');
        break;
      }

    case PP_JSON_TYPE_ARRAY:
      if (n == 0)
        {
          g_string_append (out, "[]");
          break;
        }

      g_string_append_c (out, '[');
      for (guint i = 0; i < n && writer_flush (w, FALSE); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_newline (out, pretty, level + 1);
          append_value (w, pp_json_array_get (value, i), flags, level + 1);
        }
      append_newline (out, pretty, level);
      g_string_append_c (out, ']');
      break;

    case PP_JSON_TYPE_STRING:
      pp_json_append_string_len (out, pp_json_value_get_string (value),
                                 pp_json_value_get_string_length (value));
      break;

    case PP_JSON_TYPE_BOOLEAN:
      g_string_append (out, pp_json_value_get_boolean (value) ? "true" : "false");
      break;

    case PP_JSON_TYPE_INT:
      append_int (out, pp_json_value_get_int (value));
      break;

    case PP_JSON_TYPE_DOUBLE:
      pp_json_append_number (out, pp_json_value_get_double (value));
      break;

    case PP_JSON_TYPE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

static void
append_member (Writer             *w,
               const PpJsonMember *member,
               PpJsonWriteFlags    flags,
               guint               level)
{
  gboolean pretty = (flags & PP_JSON_WRITE_PRETTY) != 0;

  append_newline (w->out, pretty, level);
  pp_json_append_string (w->out, member->key);
  g_string_append (w->out, pretty ? ": " : ":");
  append_value (w, member->value, flags, level);
}

static void
append_to_string (GString           *out,
                  const PpJsonValue *value,
                  PpJsonWriteFlags   flags)
{
  Writer w = { out, NULL, NULL, NULL };

  append_value (&w, value, flags, 0);
}

/* Declared in pp-json-value-private.h */
void
pp_json_value_write (GString           *out,
                     const PpJsonValue *value,
                     PpJsonWriteFlags   flags)
{
  append_to_string (out, value, flags);
}

GBytes *
pp_json_value_to_bytes (const PpJsonValue *value,
                        PpJsonWriteFlags   flags)
{
  GString *out = g_string_new (NULL);

  append_to_string (out, value, flags);
  return g_string_free_to_bytes (out);
}

gboolean
pp_json_value_write_to_stream (const PpJsonValue  *value,
                               PpJsonWriteFlags    flags,
                               GOutputStream      *stream,
                               GCancellable       *cancellable,
                               GError            **error)
{
  g_autoptr(GString) out = NULL;
  Writer w = { NULL, stream, cancellable, NULL };

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* a chunk and the largest string or number that can end it */
  out = w.out = g_string_sized_new (2 * STREAM_CHUNK_SIZE);
  append_value (&w, value, flags, 0);

  if (!writer_flush (&w, TRUE))
    {
      g_propagate_error (error, w.error);
      return FALSE;
    }

  return TRUE;
}

/* @node through values: one writer for both */
static void
append_json_node (GString          *out,
                  JsonNode         *node,
                  PpJsonWriteFlags  flags)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *value = pp_json_value_from_json_node_unchecked (arena, node);

  append_to_string (out, value, flags);
}

/**
 * pp_jsonld_to_json:
 * @node: a JSON node
 * @pretty: whether to indent, two spaces a level
 *
 * Writes @node as JSON text the way JSON-LD processors print it: members in
 * document order, numbers as ECMAScript prints them (json-glib 1.6 prints
 * some doubles in forms JSON does not allow), numbers that are not finite
 * as null.
 *
 * Returns: (transfer full): the JSON text, without a final newline
 *
 * Since: 0.1
 */
char *
pp_jsonld_to_json (JsonNode *node,
                   gboolean  pretty)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_new (NULL);
  append_json_node (out, node, pretty ? PP_JSON_WRITE_PRETTY : PP_JSON_WRITE_NONE);

  return g_string_free (out, FALSE);
}

/* Canonical JSON: members sorted by name, no white space, numbers as
 * ECMAScript prints them (integers exactly, even beyond 2^53), so that equal
 * trees give equal bytes whatever the order of their members */
void
pp_json_append_canonical (GString  *out,
                          JsonNode *node)
{
  append_json_node (out, node, PP_JSON_WRITE_SORTED);
}
