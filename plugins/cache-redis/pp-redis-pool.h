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

/* A command and its arguments, with their lengths in bytes (NULL when all
 * are nul-terminated strings) */
typedef struct
{
  int argc;
  const char **argv;
  const size_t *argv_len;
} PpRedisCommand;

PpRedisPool *pp_redis_pool_new             (PpRedisUrl   *url,
                                            guint         timeout_ms,
                                            guint         retry_interval_s);
void         pp_redis_pool_free            (PpRedisPool  *pool);

const char  *pp_redis_pool_get_display_url (PpRedisPool  *pool);
char        *pp_redis_pool_hide_password   (PpRedisPool  *pool,
                                            const char   *text);
char        *pp_redis_pool_describe_reply  (PpRedisPool  *pool,
                                            redisReply   *reply);

redisReply  *pp_redis_pool_run             (PpRedisPool  *pool,
                                            int           argc,
                                            const char  **argv,
                                            const size_t *argv_len);
gboolean     pp_redis_pool_run_pipeline    (PpRedisPool           *pool,
                                            guint                  n_commands,
                                            const PpRedisCommand  *commands,
                                            redisReply           **replies,
                                            GError               **error);
void         pp_redis_pool_close           (PpRedisPool  *pool);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpRedisPool, pp_redis_pool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (redisReply, freeReplyObject)

G_END_DECLS
