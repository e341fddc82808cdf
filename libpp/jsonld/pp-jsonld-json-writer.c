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

/* A JSON string: the escapes JSON requires, other characters as they are,
 * copied a run at a time */
void
pp_json_append_string (GString    *out,
                       const char *str)
{
  const guchar *run = (const guchar *) str;
  const guchar *p;

  g_string_append_c (out, '"');
  for (p = run; *p != '\0'; p++)
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

static int
compare_member_names (gconstpointer a,
                      gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* With @sorted, members are written sorted by name (bytewise, which is code
 * point order in UTF-8) instead of in their order */
static void
append_json (GString  *out,
             JsonNode *node,
             gboolean  pretty,
             gboolean  sorted,
             guint     level)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        if (json_object_get_size (object) == 0)
          {
            g_string_append (out, "{}");
            break;
          }

        g_string_append_c (out, '{');
        if (sorted)
          {
            g_autoptr(GPtrArray) names = g_ptr_array_new ();

            json_object_iter_init (&iter, object);
            while (json_object_iter_next (&iter, &name, &member))
              g_ptr_array_add (names, (gpointer) name);
            g_ptr_array_sort (names, compare_member_names);

            for (guint i = 0; i < names->len; i++)
              {
                if (i > 0)
                  g_string_append_c (out, ',');
                append_newline (out, pretty, level + 1);
                pp_json_append_string (out, names->pdata[i]);
                g_string_append (out, pretty ? ": " : ":");
                append_json (out, json_object_get_member (object, names->pdata[i]), pretty, sorted, level + 1);
              }
          }
        else
          {
            json_object_iter_init_ordered (&iter, object);
            while (json_object_iter_next_ordered (&iter, &name, &member))
              {
                if (!first)
                  g_string_append_c (out, ',');
                first = FALSE;
                append_newline (out, pretty, level + 1);
                pp_json_append_string (out, name);
                g_string_append (out, pretty ? ": " : ":");
                append_json (out, member, pretty, sorted, level + 1);
              }
          }
        append_newline (out, pretty, level);
        g_string_append_c (out, '}');
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        if (n == 0)
          {
            g_string_append (out, "[]");
            break;
          }

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_newline (out, pretty, level + 1);
            append_json (out, json_array_get_element (array, i), pretty, sorted, level + 1);
          }
        append_newline (out, pretty, level);
        g_string_append_c (out, ']');
        break;
      }

    case JSON_NODE_VALUE:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_STRING)
          pp_json_append_string (out, json_node_get_string (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else
          pp_json_append_number (out, json_node_get_double (node));
        break;
      }

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
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
  append_json (out, node, pretty, FALSE, 0);

  return g_string_free (out, FALSE);
}

/* Canonical JSON: members sorted by name, no white space, numbers as
 * ECMAScript prints them (integers exactly, even beyond 2^53), so that equal
 * trees give equal bytes whatever the order of their members */
void
pp_json_append_canonical (GString  *out,
                          JsonNode *node)
{
  append_json (out, node, FALSE, TRUE, 0);
}
