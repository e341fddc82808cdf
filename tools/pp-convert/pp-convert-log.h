/* pp-convert-log.h: where pp-convert's log messages go
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Which log messages are written */
typedef enum {
  VERBOSITY_QUIET,     /* warnings and errors */
  VERBOSITY_NORMAL,    /* and messages; debug and info as G_MESSAGES_DEBUG says */
  VERBOSITY_VERBOSE,   /* and the debug and info messages of libpp and its plugins */
} Verbosity;

void install_log_writer (Verbosity level);

G_END_DECLS
