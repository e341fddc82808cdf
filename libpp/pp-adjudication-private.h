/* pp-adjudication-private.h: the processor settles a document's merge
 * candidates
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-processor-private.h"

G_BEGIN_DECLS

/* The start of the system prompt of an adjudication request, by which a
 * server can tell it from a segment's */
#define PP_ADJUDICATION_PROMPT_MARKER "Entity adjudication (libpp)."

void pp_adjudication_attach (PpProcessor *self,
                             Run         *run);

G_END_DECLS
