/* pp-test-redis.h: a real redis-server on a free loopback port, for tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * PpTestRedis:
 *
 * A redis-server child process listening on 127.0.0.1 at a port that was
 * free, persisting nothing, with a directory of its own that is removed
 * with it. It is killed when the test process ends, however it ends.
 */
typedef struct _PpTestRedis PpTestRedis;

gboolean     pp_test_redis_skip_if_missing (void);

PpTestRedis *pp_test_redis_new             (const char  *password);
PpTestRedis *pp_test_redis_new_on_port     (guint16      port,
                                            const char  *password);
void         pp_test_redis_free            (PpTestRedis *redis);

guint16      pp_test_redis_get_port        (PpTestRedis *redis);
char        *pp_test_redis_dup_url         (PpTestRedis *redis,
                                            guint        db);

char        *pp_test_redis_query           (PpTestRedis *redis,
                                            guint        db,
                                            const char  *first_arg,
                                            ...) G_GNUC_NULL_TERMINATED;
gboolean     pp_test_redis_wait_for_key_gone (PpTestRedis *redis,
                                              guint        db,
                                              const char  *key,
                                              guint        timeout_ms);

void         pp_test_redis_kill            (PpTestRedis *redis);
void         pp_test_redis_pause           (PpTestRedis *redis);
void         pp_test_redis_resume          (PpTestRedis *redis);

guint16      pp_test_redis_pick_free_port  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestRedis, pp_test_redis_free)

G_END_DECLS
