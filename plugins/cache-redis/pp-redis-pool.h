/* pp-redis-pool.h: connections to one Redis server, shared by threads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <hiredis/hiredis.h>

#include "pp-redis-url.h"

G_BEGIN_DECLS

typedef struct _PpRedisPool PpRedisPool;

PpRedisPool *pp_redis_pool_new             (PpRedisUrl   *url,
                                            guint         timeout_ms,
                                            guint         retry_interval_s);
void         pp_redis_pool_free            (PpRedisPool  *pool);

const char  *pp_redis_pool_get_display_url (PpRedisPool  *pool);
char        *pp_redis_pool_hide_password   (PpRedisPool  *pool,
                                            const char   *text);

redisReply  *pp_redis_pool_run             (PpRedisPool  *pool,
                                            int           argc,
                                            const char  **argv,
                                            const size_t *argv_len);
void         pp_redis_pool_close           (PpRedisPool  *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpRedisPool, pp_redis_pool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (redisReply, freeReplyObject)

G_END_DECLS
