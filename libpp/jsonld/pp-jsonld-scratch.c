/* pp-jsonld-scratch.c: memory borrowed for one piece of work
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-scratch-private.h"

/* A document expanded from bytes to bytes (an LLM's answer, a few hundred
 * bytes) needs an arena only while it is expanded, and its @context one
 * only while it is processed. Making an arena costs more than expanding
 * such a document: its table of interned strings and its first chunk are
 * blocks large enough that the allocator tidies its free lists for each
 * of them. So the arenas given back are emptied and kept for the next
 * call, a few of them: about as many as calls run at once. */

/* An arena that grew beyond this, for a large document, is not kept */
#define SCRATCH_ARENA_MAX_SIZE (64 * 1024)

gpointer
pp_jsonld_scratch_pool_take (PpJsonldScratchPool *pool)
{
  gpointer item = NULL;

  g_mutex_lock (&pool->lock);
  if (pool->n_items > 0)
    item = pool->items[--pool->n_items];
  g_mutex_unlock (&pool->lock);

  return item;
}

gboolean
pp_jsonld_scratch_pool_give (PpJsonldScratchPool *pool,
                             gpointer             item)
{
  gboolean kept = FALSE;

  g_mutex_lock (&pool->lock);
  if (pool->n_items < G_N_ELEMENTS (pool->items))
    {
      pool->items[pool->n_items++] = item;
      kept = TRUE;
    }
  g_mutex_unlock (&pool->lock);

  return kept;
}

static PpJsonldScratchPool spare_arenas;

PpJsonArena *
pp_jsonld_scratch_arena_take (void)
{
  PpJsonArena *arena = pp_jsonld_scratch_pool_take (&spare_arenas);

  return arena != NULL ? arena : pp_json_arena_new ();
}

void
pp_jsonld_scratch_arena_give (PpJsonArena *arena)
{
  pp_json_arena_reset (arena);

  if (pp_json_arena_get_size (arena) > SCRATCH_ARENA_MAX_SIZE ||
      !pp_jsonld_scratch_pool_give (&spare_arenas, arena))
    pp_json_arena_unref (arena);
}
