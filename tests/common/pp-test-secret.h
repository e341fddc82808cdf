/* pp-test-secret.h: the forms a secret takes when it is echoed, and a log to search for them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

GPtrArray *pp_test_secret_dup_forms         (const char *secret);
void       pp_test_secret_assert_absent     (const char *text,
                                             const char *secret);

void       pp_test_log_capture_install      (void);
GPtrArray *pp_test_log_capture_dup_messages (void);
void       pp_test_log_capture_clear        (void);

G_END_DECLS
