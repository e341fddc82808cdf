/* pp-test-text.c: counting in the text a test got
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-test-text.h"

/* How many times @needle occurs in @haystack, overlapping occurrences
 * included */
guint
pp_test_count_occurrences (const char *haystack,
                           const char *needle)
{
  guint n = 0;

  g_return_val_if_fail (haystack != NULL, 0);
  g_return_val_if_fail (needle != NULL && *needle != '\0', 0);

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}
