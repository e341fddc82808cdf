/* pp-test-text.h: counting in the text a test got
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

guint pp_test_count_occurrences (const char *haystack,
                                 const char *needle);

G_END_DECLS
