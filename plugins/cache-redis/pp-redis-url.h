/* pp-redis-url.h: the address of a Redis server, and its form fit to show
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_REDIS_DEFAULT_PORT 6379

/* What stands for a password in a URL that is shown */
#define PP_REDIS_URL_HIDDEN "***"

/*
 * PpRedisUrl:
 * @host: the host name or address
 * @port: the TCP port
 * @db: the database index to SELECT
 * @user: (nullable): the ACL user name (Redis 6), or %NULL for the default user
 * @password: (nullable): the password to AUTH with, or %NULL
 * @display: the URL as given with the password replaced, for messages
 *
 * A parsed `redis://[[user]:password@]host[:port][/db]` URL. The password
 * is wiped from memory when the URL is freed.
 */
typedef struct
{
  char *host;
  guint16 port;
  guint db;
  char *user;
  char *password;
  char *display;
} PpRedisUrl;

char       *pp_redis_url_hide_password (const char  *url);
PpRedisUrl *pp_redis_url_parse         (const char  *url,
                                        GError     **error);
void        pp_redis_url_free          (PpRedisUrl  *url);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpRedisUrl, pp_redis_url_free)

G_END_DECLS
