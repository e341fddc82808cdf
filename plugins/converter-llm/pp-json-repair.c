/* pp-json-repair.c: finds and mends the JSON in an LLM's answer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

#include "pp-json-repair.h"

/* Models asked for JSON often wrap it in a Markdown code fence, add a
 * sentence before or after it, leave a comma before a closing bracket,
 * break a line inside a string, or stop before the end when they run out
 * of tokens. This finds the outermost JSON object or array of an answer
 * and mends those faults; anything else is reported, for the converter to
 * quote when it asks again. */

/* How many bracketed stretches of an answer are tried before giving up */
#define MAX_CANDIDATES 8

/* How many cuts are tried to mend a truncated value */
#define MAX_CUTS 16

typedef struct
{
  GString *stack;      /* the brackets left open, innermost last */
  gboolean in_string;
  gboolean escaped;    /* in a string, right after a backslash */
} ScanState;

static void
scan_state_init (ScanState *state)
{
  state->stack = g_string_new (NULL);
  state->in_string = FALSE;
  state->escaped = FALSE;
}

static void
scan_state_clear (ScanState *state)
{
  g_string_free (state->stack, TRUE);
}

/* Advances @state past @c. Returns FALSE when @c closes a bracket that is
 * not the one open, or closes one when none is. */
static gboolean
scan_state_feed (ScanState *state,
                 char       c)
{
  if (state->in_string)
    {
      if (state->escaped)
        state->escaped = FALSE;
      else if (c == '\\')
        state->escaped = TRUE;
      else if (c == '"')
        state->in_string = FALSE;
      return TRUE;
    }

  switch (c)
    {
    case '"':
      state->in_string = TRUE;
      break;

    case '{':
    case '[':
      g_string_append_c (state->stack, c);
      break;

    case '}':
    case ']':
      if (state->stack->len == 0 ||
          state->stack->str[state->stack->len - 1] != (c == '}' ? '{' : '['))
        return FALSE;
      g_string_truncate (state->stack, state->stack->len - 1);
      break;

    default:
      break;
    }

  return TRUE;
}

/* Returns the length of the bracketed value that starts at @text, or -1
 * when @text ends before it is closed. A mismatched closing bracket ends
 * it too: the parser then says what is wrong. */
static gssize
find_value_length (const char *text,
                   gsize       length)
{
  ScanState state;
  gssize result = -1;

  scan_state_init (&state);

  for (gsize i = 0; i < length; i++)
    {
      if (!scan_state_feed (&state, text[i]) ||
          (state.stack->len == 0 && !state.in_string))
        {
          result = i + 1;
          break;
        }
    }

  scan_state_clear (&state);

  return result;
}

static void
append_escaped_control (GString *out,
                        char     c)
{
  switch (c)
    {
    case '\n':
      g_string_append (out, "\\n");
      break;
    case '\r':
      g_string_append (out, "\\r");
      break;
    case '\t':
      g_string_append (out, "\\t");
      break;
    default:
      g_string_append_printf (out, "\\u%04x", (guint) (guchar) c);
      break;
    }
}

/* Copies @text without the commas that stand before a closing bracket or
 * at the very end, outside strings, and with the control characters that
 * stand unescaped inside strings (a line break, often) escaped */
static GString *
mend_commas_and_controls (const char *text,
                          gsize       length)
{
  GString *out = g_string_sized_new (length + 8);
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          else if ((guchar) c < 0x20)
            {
              append_escaped_control (out, c);
              continue;
            }
        }
      else if (c == '"')
        {
          in_string = TRUE;
        }
      else if (c == ',')
        {
          gsize j = i + 1;

          while (j < length && g_ascii_isspace (text[j]))
            j++;
          if (j == length || text[j] == '}' || text[j] == ']')
            continue;
        }

      g_string_append_c (out, c);
    }

  return out;
}

static void
trim_trailing_space (GString *json)
{
  while (json->len > 0 && g_ascii_isspace (json->str[json->len - 1]))
    g_string_truncate (json, json->len - 1);
}

/* Completes a value cut short at the end of a whole member or element:
 * drops a dangling comma and closes the brackets left open. Returns FALSE,
 * leaving @json alone, when it ends inside a value instead (a string, a
 * number, a literal, or a member that lacks its value) unless
 * @at_boundary says the end is known to be a whole value: closing that
 * would keep a fact cut short, such as "Lond" for "London". */
static gboolean
close_truncated (GString  *json,
                 gboolean  at_boundary)
{
  ScanState state;
  gboolean closed = FALSE;

  scan_state_init (&state);
  for (gsize i = 0; i < json->len; i++)
    scan_state_feed (&state, json->str[i]);

  if (state.in_string)
    goto out;

  trim_trailing_space (json);
  if (json->len > 0 && json->str[json->len - 1] == ',')
    {
      g_string_truncate (json, json->len - 1);
      trim_trailing_space (json);
    }
  else if (!at_boundary &&
           (json->len == 0 || strchr ("}]\"{[", json->str[json->len - 1]) == NULL))
    {
      goto out;
    }

  for (gsize i = state.stack->len; i > 0; i--)
    g_string_append_c (json, state.stack->str[i - 1] == '{' ? '}' : ']');
  closed = TRUE;

out:
  scan_state_clear (&state);

  return closed;
}

/* Takes @json: @json when it is JSON, else NULL with @error set */
static GString *
check_json (GString  *json,
            GError  **error)
{
  g_autoptr(GString) owned = json;

  if (json->len > G_MAXSSIZE)
    {
      g_set_error_literal (error, PP_JSON_ERROR, PP_JSON_ERROR_INVALID_SYNTAX,
                           "the text is too long");
      return NULL;
    }

  if (!pp_json_validate (json->str, (gssize) json->len, error))
    return NULL;

  return g_steal_pointer (&owned);
}

/* Where a value cut short may be cut further back to end on a whole
 * member or element: before each comma, and right after the opening
 * bracket of the whole value */
static GArray *
find_cut_points (const char *text,
                 gsize       length)
{
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gsize));
  ScanState state;
  gsize cut = 1;

  g_array_append_val (cuts, cut);

  scan_state_init (&state);
  for (gsize i = 0; i < length; i++)
    {
      gboolean was_in_string = state.in_string;

      scan_state_feed (&state, text[i]);
      if (!was_in_string && text[i] == ',')
        {
          cut = i;
          g_array_append_val (cuts, cut);
        }
    }
  scan_state_clear (&state);

  return cuts;
}

static GString *
parse_candidate (const char  *text,
                 gsize        length,
                 gboolean     truncated,
                 GError     **error)
{
  g_autoptr(GString) json = mend_commas_and_controls (text, length);
  g_autoptr(GArray) cuts = NULL;
  GString *mended;

  if (!truncated)
    return check_json (g_steal_pointer (&json), error);

  {
    GString *closed = g_string_new_len (json->str, json->len);

    if (close_truncated (closed, FALSE))
      {
        mended = check_json (closed, error);
        if (mended != NULL)
          return mended;
      }
    else
      {
        g_string_free (closed, TRUE);
        g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                             "it ends in the middle of a value");
      }
  }

  /* Drop back to the last whole member or element */
  cuts = find_cut_points (json->str, json->len);
  for (guint i = cuts->len, tries = 0; i > 0 && tries < MAX_CUTS; i--, tries++)
    {
      gsize cut = g_array_index (cuts, gsize, i - 1);
      GString *closed = g_string_new_len (json->str, cut);

      close_truncated (closed, TRUE);
      mended = check_json (closed, NULL);
      if (mended != NULL)
        {
          g_clear_error (error);
          return mended;
        }
    }

  return NULL;
}

/* Finds where a JSON value may start. In the first pass only an object,
 * or an array whose first element is an object, is taken: JSON-LD is one
 * of those, and prose often holds brackets such as "[1]" or "[sic]". */
static const char *
find_opening_bracket (const char *text,
                      const char *end,
                      gboolean    objects_only)
{
  for (const char *p = text; p < end; p++)
    {
      if (*p == '{')
        return p;

      if (*p == '[')
        {
          const char *q = p + 1;

          if (!objects_only)
            return p;

          while (q < end && g_ascii_isspace (*q))
            q++;
          if (q < end && *q == '{')
            return p;
        }
    }

  return NULL;
}

static GString *
parse_first_value_pass (const char  *text,
                        const char  *end,
                        gboolean     objects_only,
                        GError     **error)
{
  g_autoptr(GError) best_error = NULL;
  gsize best_length = 0;
  const char *p = text;

  for (guint n = 0; n < MAX_CANDIDATES; n++)
    {
      g_autoptr(GError) local_error = NULL;
      gssize length;
      gboolean truncated;
      GString *root;

      p = find_opening_bracket (p, end, objects_only);
      if (p == NULL)
        break;

      length = find_value_length (p, end - p);
      truncated = length < 0;
      if (truncated)
        length = end - p;

      root = parse_candidate (p, length, truncated, &local_error);
      if (root != NULL)
        return root;

      /* Report what is wrong with the longest stretch: the likeliest to be
       * the intended answer, not a bracket in a sentence around it */
      if (best_error == NULL || (gsize) length > best_length)
        {
          g_clear_error (&best_error);
          best_error = g_steal_pointer (&local_error);
          best_length = length;
        }

      if (truncated)
        break;
      p += length;
    }

  if (best_error == NULL)
    g_set_error_literal (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                         "the answer holds no JSON object or array");
  else
    g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                 "the answer cannot be read as JSON: %s", best_error->message);

  return NULL;
}

static GString *
parse_first_value (const char  *text,
                   const char  *end,
                   GError     **error)
{
  /* An object, or an array of objects, when there is one: what is wrong
   * with it is what the model should hear about */
  if (find_opening_bracket (text, end, TRUE) != NULL)
    return parse_first_value_pass (text, end, TRUE, error);

  /* Else any value, for the converter to say why it is not JSON-LD */
  return parse_first_value_pass (text, end, FALSE, error);
}

/* Finds the content of the first Markdown code fence of @text, if any */
static gboolean
find_fenced_block (const char  *text,
                   const char **start,
                   const char **end)
{
  const char *fence = strstr (text, "```");
  const char *p;
  const char *close;

  if (fence == NULL)
    return FALSE;

  /* Skip the info string, such as "json" or "json-ld" */
  p = fence + 3;
  while (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '+')
    p++;

  close = strstr (p, "```");
  *start = p;
  *end = close != NULL ? close : p + strlen (p);

  return TRUE;
}

/* Whether a code fence is between @start and @end: a backtick, which JSON
 * rarely holds, is looked for first */
static gboolean
has_fence (const char *start,
           const char *end)
{
  for (const char *p = memchr (start, '`', (gsize) (end - start));
       p != NULL;
       p = memchr (p + 1, '`', (gsize) (end - p - 1)))
    {
      if (end - p >= 3 && p[1] == '`' && p[2] == '`')
        return TRUE;
    }

  return FALSE;
}

/* The answer as it is, without the space around it, when it is an object
 * or an array of objects that is JSON already: what the search below
 * would find in it, found without copying it character by character.
 * %NULL, with nothing reported, when the answer needs the search: it has
 * a code fence, prose around the value or something to mend. */
static GString *
take_whole_answer (const char *text,
                   const char *end)
{
  const char *start = text;

  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  if (start == end || find_opening_bracket (start, end, TRUE) != start ||
      (end[-1] != '}' && end[-1] != ']') ||
      (gsize) (end - start) > G_MAXSSIZE ||
      has_fence (start, end) ||
      !pp_json_validate (start, end - start, NULL))
    return NULL;

  return g_string_new_len (start, end - start);
}

/**
 * pp_json_repair:
 * @text: an LLM's answer
 * @error: return location for a #GError
 *
 * Finds the outermost JSON object or array of @text: the content of its
 * first code fence if it has one, else the first bracketed stretch that is
 * JSON, with any prose around it left out. Commas before closing brackets
 * are dropped, control characters inside strings are escaped, and a value
 * cut short is cut back to its last whole member or element and completed
 * with the brackets it lacks. What is found passed pp_json_validate(): it
 * is JSON that json-glib reads as it is, but no tree is built.
 *
 * Returns: (transfer full) (nullable): the JSON text, or %NULL with @error
 *   set (%PP_CONVERTER_ERROR_INVALID_OUTPUT, whose message says what is
 *   wrong)
 */
GString *
pp_json_repair (const char  *text,
                GError     **error)
{
  const char *end = text + strlen (text);
  const char *block_start;
  const char *block_end;
  GString *root;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = take_whole_answer (text, end);
  if (root != NULL)
    return root;

  if (find_fenced_block (text, &block_start, &block_end) &&
      find_opening_bracket (block_start, block_end, FALSE) != NULL)
    {
      g_autoptr(GError) block_error = NULL;

      root = parse_first_value (block_start, block_end, &block_error);

      if (root != NULL)
        return root;

      /* The fence may be part of the JSON (a string quoting code), or
       * cut the value short: try the whole answer before giving up */
      root = parse_first_value (text, end, NULL);
      if (root != NULL)
        return root;

      g_propagate_error (error, g_steal_pointer (&block_error));
      return NULL;
    }

  return parse_first_value (text, end, error);
}
