/* pp-document-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-document.h"

G_BEGIN_DECLS

gboolean pp_text_check (const char  *text,
                        gsize        length,
                        GError     **error);

G_END_DECLS
