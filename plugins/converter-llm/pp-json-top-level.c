/* pp-json-top-level.c: the top level of a JSON text, read without a tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

#include "pp-json-top-level.h"

/* An answer is JSON-LD when its top level is an object, or an array of
 * objects, and each of those objects has a context. This reads that much
 * of a JSON text that pp_json_validate() passed, stepping over the values
 * below the top level without building them. */

typedef struct
{
  const char *text;
  gsize length;
} Text;

static gsize
skip_space (const Text *t,
            gsize       i)
{
  while (i < t->length && g_ascii_isspace (t->text[i]))
    i++;

  return i;
}

/* @i is at the opening quote: returns where the string ends, past its
 * closing quote */
static gsize
skip_string (const Text *t,
             gsize       i)
{
  for (i++; i < t->length && t->text[i] != '"'; i++)
    {
      if (t->text[i] == '\\')
        i++;
    }

  return MIN (i + 1, t->length);
}

/* @i is at the start of a value: returns where it ends */
static gsize
skip_value (const Text *t,
            gsize       i)
{
  guint depth = 0;

  if (i >= t->length)
    return i;

  if (t->text[i] == '"')
    return skip_string (t, i);

  if (t->text[i] != '{' && t->text[i] != '[')
    {
      /* a number or a literal */
      while (i < t->length && strchr (",]} \t\r\n", t->text[i]) == NULL)
        i++;
      return i;
    }

  for (; i < t->length; i++)
    {
      switch (t->text[i])
        {
        case '"':
          i = skip_string (t, i) - 1;
          break;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          if (--depth == 0)
            return i + 1;
          break;
        default:
          break;
        }
    }

  return i;
}

/* Whether the member name at @i (its opening quote), @end past its closing
 * quote, is "@context"; a name written with escapes is read first */
static gboolean
is_context_name (const Text *t,
                 gsize       i,
                 gsize       end)
{
  g_autoptr(JsonNode) name = NULL;

  if (memchr (t->text + i, '\\', end - i) == NULL)
    return end - i == strlen ("\"@context\"") && memcmp (t->text + i, "\"@context\"", end - i) == 0;

  name = pp_json_parse (t->text + i, (gssize) (end - i), NULL);
  return name != NULL && g_strcmp0 (json_node_get_string (name), "@context") == 0;
}

/* The object at @i: whether it has a "@context" member, and where its
 * closing brace is */
static gboolean
object_has_context (const Text *t,
                    gsize       i,
                    gsize      *closing,
                    gboolean   *is_empty)
{
  gboolean has_context = FALSE;

  i = skip_space (t, i + 1);
  *is_empty = i < t->length && t->text[i] == '}';

  while (i < t->length && t->text[i] == '"')
    {
      gsize name_end = skip_string (t, i);

      has_context = has_context || is_context_name (t, i, name_end);
      i = skip_space (t, name_end) + 1;               /* past the colon */
      i = skip_space (t, skip_value (t, skip_space (t, i)));
      if (i < t->length && t->text[i] == ',')
        i = skip_space (t, i + 1);
    }

  *closing = i;
  return has_context;
}

static const char *
describe_value (char first)
{
  switch (first)
    {
    case '{':
      return "an object";
    case '[':
      return "an array";
    case '"':
      return "a string";
    case 't':
    case 'f':
      return "a boolean";
    case 'n':
      return "null";
    default:
      return "a number";
    }
}

/* Where an object without a context gets one */
typedef struct
{
  gsize closing;        /* its closing brace */
  gboolean is_empty;
} Insertion;

/* Notes where the object at @i needs the context, if it lacks one;
 * @insertions is made for the first */
static void
add_insertion (const Text  *t,
               gsize        i,
               GArray     **insertions)
{
  Insertion insertion;

  if (object_has_context (t, i, &insertion.closing, &insertion.is_empty))
    return;

  if (*insertions == NULL)
    *insertions = g_array_new (FALSE, FALSE, sizeof (Insertion));
  g_array_append_val (*insertions, insertion);
}

/*
 * pp_json_top_level_add_context:
 * @json: a JSON text that pp_json_validate() passed
 * @context: the context to give, as a JSON value
 * @error: return location for a #GError
 *
 * Checks that @json is an object or an array of objects, and gives each of
 * those objects that has no `@context` member one, with the value @context,
 * after its other members.
 *
 * Returns: %TRUE if @json is an object or an array of objects, else %FALSE
 *   with @error set (%PP_CONVERTER_ERROR_INVALID_OUTPUT, with a message that
 *   can be quoted to the model)
 */
gboolean
pp_json_top_level_add_context (GString     *json,
                               const char  *context,
                               GError     **error)
{
  Text t = { json->str, json->len };
  g_autoptr(GArray) insertions = NULL;
  gsize i = skip_space (&t, 0);

  if (i < t.length && t.text[i] == '[')
    {
      i = skip_space (&t, i + 1);
      for (guint n = 0; i < t.length && t.text[i] != ']'; n++)
        {
          if (t.text[i] != '{')
            {
              g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                           "the JSON is an array whose element %u is %s, not an object",
                           n, describe_value (t.text[i]));
              return FALSE;
            }

          add_insertion (&t, i, &insertions);
          i = skip_space (&t, skip_value (&t, i));
          if (i < t.length && t.text[i] == ',')
            i = skip_space (&t, i + 1);
        }
    }
  else if (i < t.length && t.text[i] == '{')
    add_insertion (&t, i, &insertions);
  else
    {
      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                   "the JSON is %s, not an object", describe_value (i < t.length ? t.text[i] : 'n'));
      return FALSE;
    }

  /* From the last, so that the positions before stay where they are */
  for (guint k = insertions != NULL ? insertions->len : 0; k > 0; k--)
    {
      const Insertion *insertion = &g_array_index (insertions, Insertion, k - 1);
      g_autofree char *member = g_strdup_printf ("%s\"@context\":%s",
                                                 insertion->is_empty ? "" : ",",
                                                 context);

      g_string_insert (json, (gssize) insertion->closing, member);
    }

  return TRUE;
}
