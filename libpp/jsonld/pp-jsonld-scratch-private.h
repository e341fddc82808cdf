/* pp-jsonld-scratch-private.h: memory borrowed for one piece of work
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-json-value-private.h"

G_BEGIN_DECLS

/* A few objects that are borrowed and given back, emptied, instead of
 * being made and freed for each piece of work: take gives NULL when there
 * is none, give FALSE when the pool is full (the caller frees @item) */
typedef struct {
  GMutex   lock;
  gpointer items[8];
  guint    n_items;
} PpJsonldScratchPool;

gpointer     pp_jsonld_scratch_pool_take        (PpJsonldScratchPool *pool);
gboolean     pp_jsonld_scratch_pool_give        (PpJsonldScratchPool *pool,
                                                 gpointer             item);

/* An empty arena for values that live only during one call (a document
 * expanded and written out, a context converted and processed), and its
 * return once nothing of it is used any more and nobody else holds a
 * reference on it */
PpJsonArena *pp_jsonld_scratch_arena_take       (void);
void         pp_jsonld_scratch_arena_give       (PpJsonArena         *arena);

G_END_DECLS
