/* pp-cache-sqlite-connection.h: one connection to the cache file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The statements a connection keeps prepared */
typedef enum {
  PP_SQLITE_LOOKUP,       /* ?1 key → value, checksum, expires_at, last_used */
  PP_SQLITE_TOUCH,        /* ?1 key, ?2 last_used */
  PP_SQLITE_UPSERT,       /* ?1 key, ?2 value, ?3 checksum, ?4 size, ?5 now, ?6 expires_at */
  PP_SQLITE_TOTALS,       /* → entries, bytes */
  PP_SQLITE_EVICT_ONE,    /* ?1 key to keep, ?2 now: drops an expired or the least recently used entry */
  PP_SQLITE_AGE_RANGE,    /* → oldest, newest created_at */
  PP_SQLITE_CLEAR,
  PP_SQLITE_PRUNE,        /* ?1 created before, ?2 now */
  PP_SQLITE_BEGIN,
  PP_SQLITE_COMMIT,
  PP_SQLITE_ROLLBACK,
  PP_SQLITE_N_STATEMENTS
} PpSqliteStatement;

typedef struct
{
  sqlite3 *db;
  sqlite3_stmt *statements[PP_SQLITE_N_STATEMENTS];   /* prepared when first used */
} PpSqliteConnection;

int                 pp_sqlite_connection_open      (const char          *path,
                                                    gboolean             set_up,
                                                    PpSqliteConnection **connection,
                                                    char               **message);
int                 pp_sqlite_connection_prepare   (PpSqliteConnection  *connection,
                                                    PpSqliteStatement    statement,
                                                    sqlite3_stmt       **stmt);
int                 pp_sqlite_connection_exec      (PpSqliteConnection  *connection,
                                                    PpSqliteStatement    statement);
void                pp_sqlite_connection_close     (PpSqliteConnection  *connection);

gboolean            pp_sqlite_result_is_corrupt    (int                  rc);

G_END_DECLS
