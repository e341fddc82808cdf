/* pp-cache-sqlite-connection.c: one connection to the cache file
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-cache-sqlite-connection.h"

/* Waits for another writer (thread or process) this long before failing */
#define BUSY_TIMEOUT_MS 30000

/* 'lppc': marks the file as a libpp cache */
#define APPLICATION_ID 0x6c707063
#define SCHEMA_VERSION 1

/* Times are in microseconds since 1970 UTC; expires_at 0 is never. The
 * totals row is kept by triggers, so that the size of the cache is known
 * without a scan. */
static const char schema[] =
  "BEGIN IMMEDIATE;"
  "CREATE TABLE IF NOT EXISTS entries ("
  "  key TEXT PRIMARY KEY NOT NULL,"
  "  value BLOB NOT NULL,"
  "  checksum BLOB NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  last_used INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS entries_by_last_used ON entries (last_used);"
  "CREATE INDEX IF NOT EXISTS entries_by_created_at ON entries (created_at);"
  "CREATE TABLE IF NOT EXISTS totals ("
  "  id INTEGER PRIMARY KEY CHECK (id = 0),"
  "  entries INTEGER NOT NULL,"
  "  bytes INTEGER NOT NULL);"
  "INSERT OR IGNORE INTO totals VALUES (0, 0, 0);"
  "CREATE TRIGGER IF NOT EXISTS entries_inserted AFTER INSERT ON entries BEGIN"
  "  UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.size; END;"
  "CREATE TRIGGER IF NOT EXISTS entries_deleted AFTER DELETE ON entries BEGIN"
  "  UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.size; END;"
  "CREATE TRIGGER IF NOT EXISTS entries_resized AFTER UPDATE OF size ON entries BEGIN"
  "  UPDATE totals SET bytes = bytes - OLD.size + NEW.size; END;"
  "PRAGMA application_id = " G_STRINGIFY (APPLICATION_ID) ";"
  "PRAGMA user_version = " G_STRINGIFY (SCHEMA_VERSION) ";"
  "COMMIT;";

static const char * const statement_sql[PP_SQLITE_N_STATEMENTS] = {
  [PP_SQLITE_LOOKUP] =
    "SELECT value, checksum, expires_at, last_used FROM entries WHERE key = ?1",
  [PP_SQLITE_TOUCH] =
    "UPDATE entries SET last_used = ?2 WHERE key = ?1 AND last_used < ?2",
  [PP_SQLITE_UPSERT] =
    "INSERT INTO entries (key, value, checksum, size, created_at, last_used, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, checksum = excluded.checksum, "
    "size = excluded.size, created_at = excluded.created_at, "
    "last_used = excluded.last_used, expires_at = excluded.expires_at",
  [PP_SQLITE_TOTALS] =
    "SELECT entries, bytes FROM totals WHERE id = 0",
  [PP_SQLITE_EVICT_ONE] =
    "DELETE FROM entries WHERE rowid = (SELECT rowid FROM entries WHERE key != ?1 "
    "ORDER BY (expires_at != 0 AND expires_at <= ?2) DESC, last_used, rowid LIMIT 1)",
  [PP_SQLITE_AGE_RANGE] =
    "SELECT MIN(created_at), MAX(created_at) FROM entries",
  [PP_SQLITE_CLEAR] =
    "DELETE FROM entries",
  [PP_SQLITE_PRUNE] =
    "DELETE FROM entries WHERE created_at < ?1 OR (expires_at != 0 AND expires_at <= ?2)",
  [PP_SQLITE_BEGIN] = "BEGIN IMMEDIATE",
  [PP_SQLITE_COMMIT] = "COMMIT",
  [PP_SQLITE_ROLLBACK] = "ROLLBACK",
};

gboolean
pp_sqlite_result_is_corrupt (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static int
check_schema_version (sqlite3  *db,
                      char    **message)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL);
  int version = 0;

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          version = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      *message = g_strdup (sqlite3_errmsg (db));
      return rc;
    }

  if (version > SCHEMA_VERSION)
    {
      *message = g_strdup_printf ("the file has a newer layout (%d) than this libpp knows (%d)",
                                  version, SCHEMA_VERSION);
      return SQLITE_MISMATCH;
    }

  return SQLITE_OK;
}

/* Opens @path; with @set_up, also turns on WAL and creates the tables (the
 * first connection of a cache does, the others need not). On failure,
 * @message says why and nothing is left open. */
int
pp_sqlite_connection_open (const char          *path,
                           gboolean             set_up,
                           PpSqliteConnection **connection,
                           char               **message)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    goto fail;

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  /* Every store is committed to the journal on disk before it returns */
  rc = sqlite3_exec (db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  if (set_up)
    {
      rc = check_schema_version (db, message);
      if (rc != SQLITE_OK)
        {
          sqlite3_close (db);
          return rc;
        }

      rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        goto fail;

      rc = sqlite3_exec (db, schema, NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          *message = g_strdup (sqlite3_errmsg (db));
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          sqlite3_close (db);
          return rc;
        }
    }

  *connection = g_new0 (PpSqliteConnection, 1);
  (*connection)->db = db;

  return SQLITE_OK;

fail:
  *message = g_strdup_printf ("%s (SQLite error %d)",
                              db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc), rc);
  sqlite3_close (db);
  return rc;
}

/* The prepared @statement, reset and with no bindings, in @stmt */
int
pp_sqlite_connection_prepare (PpSqliteConnection  *connection,
                              PpSqliteStatement    statement,
                              sqlite3_stmt       **stmt)
{
  sqlite3_stmt **slot = &connection->statements[statement];

  if (*slot == NULL)
    {
      int rc = sqlite3_prepare_v3 (connection->db, statement_sql[statement], -1,
                                   SQLITE_PREPARE_PERSISTENT, slot, NULL);
      if (rc != SQLITE_OK)
        return rc;
    }

  *stmt = *slot;

  return SQLITE_OK;
}

/* Runs a statement without parameters nor rows */
int
pp_sqlite_connection_exec (PpSqliteConnection *connection,
                           PpSqliteStatement   statement)
{
  sqlite3_stmt *stmt;
  int rc = pp_sqlite_connection_prepare (connection, statement, &stmt);

  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void
pp_sqlite_connection_close (PpSqliteConnection *connection)
{
  for (guint i = 0; i < PP_SQLITE_N_STATEMENTS; i++)
    sqlite3_finalize (connection->statements[i]);

  /* The last connection to close checkpoints the journal into the file */
  sqlite3_close (connection->db);
  g_free (connection);
}
