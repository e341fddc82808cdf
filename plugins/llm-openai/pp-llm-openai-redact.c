/* pp-llm-openai-redact.c: blots an API key out of text, in every form it takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-llm-openai-redact.h"

/* A server may echo the key it was sent in many spellings: as it is, from
 * a URL (percent-encoded in upper- or lower-case hex, wholly or in part),
 * from a JSON string (`\/`, `\u002d`), or in base64, of the key or of the
 * whole `Authorization` value "Bearer <key>", with or without padding, in
 * the standard or the URL-safe alphabet. */

/* How many bytes at @p spell the byte @c, or 0 */
static gsize
match_byte (const char *p,
            guchar      c)
{
  if ((guchar) p[0] == c)
    return 1;

  if (p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]) &&
      g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]) == c)
    return 3;

  if (p[0] != '\\')
    return 0;

  if (p[1] == 'u' &&
      g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]) &&
      g_ascii_isxdigit (p[4]) && g_ascii_isxdigit (p[5]))
    {
      int value = 0;

      for (guint i = 2; i < 6; i++)
        value = value * 16 + g_ascii_xdigit_value (p[i]);

      return value == c ? 6 : 0;
    }

  if (p[1] == c && (c == '"' || c == '\\' || c == '/'))
    return 2;

  return 0;
}

/* The length of a spelling of @key at @p, byte by byte, or 0 */
static gsize
match_spelled (const char *p,
               const char *key)
{
  const char *q = p;

  for (const char *k = key; *k != '\0'; k++)
    {
      gsize n = match_byte (q, (guchar) *k);

      if (n == 0)
        return 0;
      q += n;
    }

  return q - p;
}

/* The length of @encoded (base64 without its padding) at @p, with the
 * padding that follows it, or 0 */
static gsize
match_base64 (const char *p,
              const char *encoded)
{
  gsize length = strlen (encoded);

  if (strncmp (p, encoded, length) != 0)
    return 0;

  while (p[length] == '=')
    length++;

  return length;
}

/* Adds the base64 of @text to @forms without padding, in the standard and
 * the URL-safe alphabets */
static void
add_base64_forms (GPtrArray  *forms,
                  const char *text)
{
  char *standard = g_base64_encode ((const guchar *) text, strlen (text));
  gsize length = strlen (standard);
  char *url_safe;

  while (length > 0 && standard[length - 1] == '=')
    standard[--length] = '\0';

  url_safe = g_strdup (standard);
  g_strdelimit (url_safe, "+", '-');
  g_strdelimit (url_safe, "/", '_');

  g_ptr_array_add (forms, standard);
  g_ptr_array_add (forms, url_safe);
}

/*
 * pp_llm_openai_redact_key:
 * @text: a text, such as a server's message
 * @key: (nullable): the API key
 *
 * Returns: (transfer full): a copy of @text in which each spelling of @key
 *   is replaced by "[redacted]"
 */
char *
pp_llm_openai_redact_key (const char *text,
                          const char *key)
{
  g_autoptr(GPtrArray) base64_forms = NULL;
  g_autofree char *authorization = NULL;
  GString *redacted;
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  if (key == NULL || *key == '\0')
    return g_strdup (text);

  authorization = g_strconcat ("Bearer ", key, NULL);
  base64_forms = g_ptr_array_new_with_free_func (g_free);
  add_base64_forms (base64_forms, key);
  add_base64_forms (base64_forms, authorization);

  redacted = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0'; )
    {
      gsize match = match_spelled (p, key);

      for (guint i = 0; i < base64_forms->len; i++)
        match = MAX (match, match_base64 (p, g_ptr_array_index (base64_forms, i)));

      if (match > 0)
        {
          g_string_append (redacted, PP_LLM_OPENAI_REDACTED);
          p += match;
        }
      else
        {
          g_string_append_c (redacted, *p);
          p++;
        }
    }

  memset (authorization, 0, strlen (authorization));
  for (guint i = 0; i < base64_forms->len; i++)
    {
      char *form = g_ptr_array_index (base64_forms, i);

      memset (form, 0, strlen (form));
    }

  return g_string_free (redacted, FALSE);
}
