/* test-name-key.c: names normalised for comparison
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-name-key-private.h"

static void
assert_key (const char *name,
            const char *expected)
{
  g_autofree char *key = pp_name_key_new (name);

  g_assert_cmpstr (key, ==, expected);
}

/* Case, compatibility forms, diacritics, whitespace and punctuation */
static void
test_normalise (void)
{
  assert_key ("Barbara Liskov", "barbara liskov");
  assert_key ("  barbara \t\n LISKOV. ", "barbara liskov");
  assert_key ("Kurt G\xc3\xb6" "del", "kurt godel");                   /* precomposed ö */
  assert_key ("Kurt Go\xcc\x88" "del", "kurt godel");                  /* o + combining diaeresis */
  assert_key ("\xef\xbc\xa1" "da", "ada");                             /* full-width A */
  assert_key ("\xef\xac\x81" "eld", "field");                          /* ﬁ ligature */
  assert_key ("Stra\xc3\x9f" "e", "strasse");                          /* ß folds to ss */
  assert_key ("Jean-Paul  Sartre", "jean paul sartre");
  assert_key ("Apollo 11", "apollo 11");
  assert_key ("\xed\x95\x9c\xea\xb8\x80", "\xed\x95\x9c\xea\xb8\x80"); /* Hangul stays composed */
}

/* A name in ASCII gets the key the normalisations give it: the same name
 * with a combining mark of its own after a space, which leaves the key
 * as it is, goes through them */
static void
test_ascii_as_unicode (void)
{
  for (int c = 1; c < 0x80; c++)
    {
      g_autofree char *name = g_strdup_printf ("Ab%c9z%cQ", c, c);
      g_autofree char *marked = g_strconcat (name, " \xcc\x81", NULL);
      g_autofree char *key = pp_name_key_new (name);
      g_autofree char *expected = pp_name_key_new (marked);

      g_assert_cmpstr (key, ==, expected);
    }

  assert_key ("\tO'Brien, Jr. ", "o brien jr");
  assert_key ("--", NULL);
}

static void
test_empty_or_invalid (void)
{
  assert_key ("", NULL);
  assert_key (" .,;- ", NULL);
  assert_key ("bad \xff utf-8", NULL);
}

/* The last words of a longer name, never part of a word */
static void
test_ends_with (void)
{
  g_assert_true (pp_name_key_ends_with ("barbara liskov", "liskov"));
  g_assert_true (pp_name_key_ends_with ("barbara jane liskov", "jane liskov"));
  g_assert_false (pp_name_key_ends_with ("barbara liskovsky", "liskovsky x"));
  g_assert_false (pp_name_key_ends_with ("barbara aliskov", "liskov"));
  g_assert_false (pp_name_key_ends_with ("liskov", "liskov"));
  g_assert_false (pp_name_key_ends_with ("barbara liskov", "barbara"));
  g_assert_cmpuint (pp_name_key_n_tokens ("barbara jane liskov"), ==, 3);
  g_assert_cmpuint (pp_name_key_n_tokens ("liskov"), ==, 1);
}

static void
test_slug (void)
{
  g_autofree char *slug = pp_name_key_to_slug ("ada king lovelace");

  g_assert_cmpstr (slug, ==, "ada-king-lovelace");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/name-key/normalise", test_normalise);
  g_test_add_func ("/name-key/normalise/ascii-as-unicode", test_ascii_as_unicode);
  g_test_add_func ("/name-key/empty-or-invalid", test_empty_or_invalid);
  g_test_add_func ("/name-key/ends-with", test_ends_with);
  g_test_add_func ("/name-key/slug", test_slug);

  return g_test_run ();
}
