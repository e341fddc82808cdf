/* pp-name-key.c: names normalised for comparison
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-name-key-private.h"

/* A name key is a name in the form two names that differ only in ways a
 * reader would not notice share: compatibility-composed (NFKC: "ﬁ" is
 * "fi", a full-width "Ａ" is "A"), case-folded, without diacritics ("Gödel"
 * is "godel"), with every run of whitespace and punctuation made one space
 * and none at the ends. Its tokens are the words between the spaces. */

/**
 * pp_name_key_new:
 * @name: a name, in UTF-8
 *
 * Normalises a name for comparison.
 *
 * Returns: (transfer full) (nullable): the name's key, or %NULL if @name
 *   is not valid UTF-8 or has no letter or digit
 */
char *
pp_name_key_new (const char *name)
{
  g_autofree char *composed = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *decomposed = NULL;
  g_autoptr(GString) key = NULL;
  gboolean pending_space = FALSE;
  const char *text = name;
  gboolean ascii;

  g_return_val_if_fail (name != NULL, NULL);

  /* ASCII is its own NFKC, NFD and NFC, and has no mark: lower case is
   * all it needs, the normalisations are skipped, and its letters and
   * digits are the ASCII ones */
  ascii = g_str_is_ascii (name);
  if (!ascii)
    {
      if (!g_utf8_validate (name, -1, NULL))
        return NULL;

      composed = g_utf8_normalize (name, -1, G_NORMALIZE_ALL_COMPOSE);
      folded = g_utf8_casefold (composed, -1);
      /* Diacritics are the combining marks of the canonical decomposition */
      decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
      text = decomposed;
    }

  key = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = ascii ? p + 1 : g_utf8_next_char (p))
    {
      gunichar c = ascii ? (gunichar) g_ascii_tolower (*p) : g_utf8_get_char (p);

      if (!ascii && g_unichar_ismark (c))
        continue;

      if (!(ascii ? g_ascii_isalnum (*p) : g_unichar_isalnum (c)))
        {
          pending_space = key->len > 0;
          continue;
        }

      if (pending_space)
        g_string_append_c (key, ' ');
      pending_space = FALSE;
      if (ascii)
        g_string_append_c (key, (char) c);
      else
        g_string_append_unichar (key, c);
    }

  if (key->len == 0)
    return NULL;
  if (ascii)
    return g_string_free (g_steal_pointer (&key), FALSE);

  /* Recomposed: what is left of a Hangul syllable is its jamo */
  return g_utf8_normalize (key->str, key->len, G_NORMALIZE_NFC);
}

/**
 * pp_name_key_ends_with:
 * @key: a name key
 * @suffix: another name key
 *
 * Whether @suffix is the last tokens of @key, fewer than all of them
 * ("liskov" of "barbara liskov", not of "barbara liskovsky").
 *
 * Returns: %TRUE if @key is longer than @suffix and ends with its tokens
 */
gboolean
pp_name_key_ends_with (const char *key,
                       const char *suffix)
{
  gsize key_len = strlen (key);
  gsize suffix_len = strlen (suffix);

  return key_len > suffix_len &&
         key[key_len - suffix_len - 1] == ' ' &&
         strcmp (key + key_len - suffix_len, suffix) == 0;
}

/**
 * pp_name_key_n_tokens:
 * @key: a name key
 *
 * Returns: how many tokens @key has
 */
guint
pp_name_key_n_tokens (const char *key)
{
  guint n = *key != '\0' ? 1 : 0;

  for (const char *p = key; *p != '\0'; p++)
    if (*p == ' ')
      n++;

  return n;
}

/**
 * pp_name_key_to_slug:
 * @key: a name key
 *
 * The key as a fragment of an IRI: its tokens joined by hyphens
 * ("ada-lovelace"). Letters outside ASCII stay as they are, as IRIs allow.
 *
 * Returns: (transfer full): the slug
 */
char *
pp_name_key_to_slug (const char *key)
{
  GString *slug = g_string_sized_new (strlen (key));

  pp_name_key_append_slug (slug, key);

  return g_string_free (slug, FALSE);
}

/**
 * pp_name_key_append_slug:
 * @out: a string
 * @key: a name key
 *
 * Appends the slug of @key (pp_name_key_to_slug()) to @out.
 */
void
pp_name_key_append_slug (GString    *out,
                         const char *key)
{
  for (const char *p = key; *p != '\0'; p++)
    g_string_append_c (out, *p == ' ' ? '-' : *p);
}
