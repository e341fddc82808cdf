/* test-cache-sqlite.c: the "sqlite" cache, on real files in a temporary
 * directory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <signal.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libpp/libpp.h>
#include <sqlite3.h>

#include "pp-test-server.h"

#define N_THREADS 16
#define N_PER_THREAD 40

static const char *self_path;
static GPtrArray *steal_caught_warnings (void);

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-cache-sqlite-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "dir", "cache.sqlite", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;

      while ((info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

          remove_tree (child);
          g_object_unref (info);
        }
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static PpCache *
open_cache (const char *path,
            guint64     max_bytes)
{
  g_autoptr(GError) error = NULL;
  GObject *cache = pp_registry_create (PP_CACHE_EXTENSION_POINT, "sqlite", &error,
                                       "path", path, "max-bytes", max_bytes, NULL);

  g_assert_no_error (error);
  g_assert_true (PP_IS_CACHE (cache));

  return PP_CACHE (cache);
}

static char *
value_for (const char *key)
{
  GString *value = g_string_new (NULL);

  /* Long enough to span pages: a torn value would show */
  for (guint i = 0; i < 40 + g_str_hash (key) % 80; i++)
    g_string_append_printf (value, "%s:%u;", key, i);

  return g_string_free (value, FALSE);
}

static void
store (PpCache    *cache,
       const char *key,
       const char *text,
       guint       ttl_s)
{
  g_autoptr(GBytes) value = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;

  g_assert_true (pp_cache_store (cache, key, value, ttl_s, NULL, &error));
  g_assert_no_error (error);
}

static char *
lookup (PpCache    *cache,
        const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = pp_cache_lookup (cache, key, NULL, &error);

  g_assert_no_error (error);
  if (value == NULL)
    return NULL;

  return g_strndup (g_bytes_get_data (value, NULL), g_bytes_get_size (value));
}

/* Runs @sql on the file directly, as another program would */
static void
exec_sql (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 result;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  result = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return result;
}

static void
test_store_and_lookup (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(PpCache) cache = open_cache (fixture->path, 0);
  g_autoptr(PpCache) again = NULL;
  g_autofree char *found = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *after_reopen = NULL;
  g_autofree char *after_close = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) empty_found = NULL;

  store (cache, "k1", "first", 0);
  store (cache, "k1", "replaced", 0);
  found = lookup (cache, "k1");
  missing = lookup (cache, "k2");
  g_assert_cmpstr (found, ==, "replaced");
  g_assert_null (missing);

  g_assert_true (pp_cache_store (cache, "empty", empty, 0, NULL, NULL));
  empty_found = pp_cache_lookup (cache, "empty", NULL, NULL);
  g_assert_nonnull (empty_found);
  g_assert_cmpuint (g_bytes_get_size (empty_found), ==, 0);

  g_assert_true (pp_cache_close (cache, NULL, NULL));
  g_assert_true (pp_cache_close (cache, NULL, NULL));
  after_close = lookup (cache, "k1");
  g_assert_null (after_close);

  again = open_cache (fixture->path, 0);
  after_reopen = lookup (again, "k1");
  g_assert_cmpstr (after_reopen, ==, "replaced");
}

/* Private: the directory 0700, the file and its journal 0600 */
static void
test_file_modes (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(PpCache) cache = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  GStatBuf st;
  mode_t old_umask = umask (0022);

  cache = open_cache (fixture->path, 0);
  store (cache, "k", "v", 0);
  umask (old_umask);

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (query_int (fixture->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), ==, 1);
}

/* Over max-bytes, the least recently used entries go; a hit counts as a
 * use once the last recorded one is a minute old */
static void
test_lru_eviction_by_bytes (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(PpCache) cache = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  char value[101];

  memset (value, 'x', 100);
  value[100] = '\0';

  /* Each entry is 1 + 100 bytes: three fit in 320 */
  cache = open_cache (fixture->path, 320);
  store (cache, "a", value, 0);
  store (cache, "b", value, 0);
  store (cache, "c", value, 0);

  /* Time passes: a, b and c were last used long ago, a the longest */
  exec_sql (fixture->path,
            "UPDATE entries SET last_used = last_used - 600000000 WHERE key = 'a';"
            "UPDATE entries SET last_used = last_used - 500000000 WHERE key = 'b';"
            "UPDATE entries SET last_used = last_used - 400000000 WHERE key = 'c';");

  /* A hit on a makes it the most recently used */
  a = lookup (cache, "a");
  g_assert_nonnull (a);

  store (cache, "d", value, 0);

  g_clear_pointer (&a, g_free);
  a = lookup (cache, "a");
  b = lookup (cache, "b");
  c = lookup (cache, "c");
  d = lookup (cache, "d");
  g_assert_nonnull (a);
  g_assert_null (b);
  g_assert_nonnull (c);
  g_assert_nonnull (d);
  g_assert_cmpint (query_int (fixture->path, "SELECT bytes FROM totals"), ==, 3 * 101);
  g_assert_cmpint (query_int (fixture->path, "SELECT SUM(size) FROM entries"), ==, 3 * 101);

  /* An entry that could never fit is not kept, and drops nothing */
  {
    g_autofree char *huge = g_strnfill (400, 'y');
    g_autofree char *found = NULL;

    store (cache, "huge", huge, 0);
    found = lookup (cache, "huge");
    g_assert_null (found);
    g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM entries"), ==, 3);
  }
}

/* An entry stored for a second is a miss once the clock passed it; one
 * stored for ever stays */
static void
test_ttl_expiry (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(PpCache) cache = open_cache (fixture->path, 0);
  g_autofree char *early = NULL;
  g_autofree char *late = NULL;
  g_autofree char *forever = NULL;
  gint64 stored_at = g_get_real_time ();

  store (cache, "short", "v", 1);
  store (cache, "forever", "v", 0);
  early = lookup (cache, "short");
  g_assert_cmpstr (early, ==, "v");

  /* Waits until the clock passed the expiry, not for things to settle */
  while (g_get_real_time () < stored_at + 1100 * 1000)
    g_usleep (20 * 1000);

  late = lookup (cache, "short");
  forever = lookup (cache, "forever");
  g_assert_null (late);
  g_assert_cmpstr (forever, ==, "v");
}

/* Stores and reads its part, and reads the other process's part, from
 * N_THREADS threads: what is found is always whole */
typedef struct
{
  PpCache *cache;
  guint process;
  guint thread;
} Worker;

static gpointer
run_worker (gpointer user_data)
{
  Worker *worker = user_data;
  guint other = 1 - worker->process;

  for (guint i = 0; i < N_PER_THREAD; i++)
    {
      g_autofree char *key = g_strdup_printf ("p%u-t%u-%u", worker->process, worker->thread, i);
      g_autofree char *value = value_for (key);
      g_autofree char *mine = NULL;
      g_autofree char *other_key = g_strdup_printf ("p%u-t%u-%u", other, worker->thread, i);
      g_autoptr(GBytes) theirs = NULL;

      store (worker->cache, key, value, 0);
      mine = lookup (worker->cache, key);
      g_assert_cmpstr (mine, ==, value);

      theirs = pp_cache_lookup (worker->cache, other_key, NULL, NULL);
      if (theirs != NULL)
        {
          g_autofree char *expected = value_for (other_key);

          g_assert_cmpmem (g_bytes_get_data (theirs, NULL), g_bytes_get_size (theirs),
                           expected, strlen (expected));
        }
    }

  return NULL;
}

static void
run_workers (const char *path,
             guint       process)
{
  g_autoptr(PpCache) cache = open_cache (path, 0);
  GThread *threads[N_THREADS];
  Worker workers[N_THREADS];

  for (guint t = 0; t < N_THREADS; t++)
    {
      workers[t] = (Worker) { cache, process, t };
      threads[t] = g_thread_new ("worker", run_worker, &workers[t]);
    }
  for (guint t = 0; t < N_THREADS; t++)
    g_thread_join (threads[t]);

  g_assert_true (pp_cache_close (cache, NULL, NULL));
}

static void
test_processes_and_threads (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(GSubprocess) helper = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpCache) cache = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  /* Held open all along, as a long-lived user of the file would be */
  g_autoptr(PpCache) created = open_cache (fixture->path, 0);

  /* The other process, while this one works */
  helper = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                             self_path, "--helper-workers", fixture->path, NULL);
  g_assert_no_error (error);

  run_workers (fixture->path, 0);

  g_assert_true (g_subprocess_wait_check (helper, NULL, &error));
  g_assert_no_error (error);

  cache = open_cache (fixture->path, 0);
  warnings = steal_caught_warnings ();
  g_assert_cmpuint (warnings->len, ==, 0);
  for (guint p = 0; p < 2; p++)
    for (guint t = 0; t < N_THREADS; t++)
      for (guint i = 0; i < N_PER_THREAD; i++)
        {
          g_autofree char *key = g_strdup_printf ("p%u-t%u-%u", p, t, i);
          g_autofree char *expected = value_for (key);
          g_autofree char *found = lookup (cache, key);

          g_assert_cmpstr (found, ==, expected);
        }

  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM entries"), ==, 2 * N_THREADS * N_PER_THREAD);
  g_assert_cmpint (query_int (fixture->path, "SELECT entries FROM totals"), ==, 2 * N_THREADS * N_PER_THREAD);
  g_assert_cmpint (query_int (fixture->path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), ==, 1);
}

/* Warnings of the cache, caught rather than fatal */
static GMutex caught_lock;
static GPtrArray *caught_warnings;

static GLogWriterOutput
catch_cache_warnings (GLogLevelFlags   log_level,
                      const GLogField *fields,
                      gsize            n_fields,
                      gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if ((log_level & G_LOG_LEVEL_WARNING) != 0 && message != NULL &&
      (g_strcmp0 (domain, "libpp-cache-sqlite") == 0 ||
       (g_strcmp0 (domain, "libpp") == 0 && g_str_has_prefix (message, "Cache "))))
    {
      g_mutex_lock (&caught_lock);
      g_ptr_array_add (caught_warnings, g_strdup (message));
      g_mutex_unlock (&caught_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static GPtrArray *
steal_caught_warnings (void)
{
  GPtrArray *warnings;

  g_mutex_lock (&caught_lock);
  warnings = g_steal_pointer (&caught_warnings);
  caught_warnings = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&caught_lock);

  return warnings;
}

static PpDocument *
make_document (guint n)
{
  g_autoptr(GString) text = g_string_new ("");
  g_autoptr(GError) error = NULL;
  PpDocument *document;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "In chapter %u the scientist Ada Lovelace wrote letter %u about engines.\n\n",
                            i, i * 7);

  document = pp_document_new_from_text ("test.txt", text->str, text->len, PP_TEXT_FORMAT_PLAIN, &error);
  g_assert_no_error (error);

  return document;
}

static PpProcessor *
create_processor (PpTestServer *server,
                  PpCache      *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client = NULL;
  g_autoptr(GObject) converter = NULL;
  g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (100);

  client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (server), NULL);
  g_assert_no_error (error);
  converter = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error, NULL);
  g_assert_no_error (error);

  return g_object_new (PP_TYPE_PROCESSOR,
                       "converter", converter,
                       "llm-client", client,
                       "cache", cache,
                       "segmenter", segmenter,
                       "max-workers", 4u,
                       NULL);
}

static void
process (PpProcessor *processor,
         guint        n_segments)
{
  g_autoptr(PpDocument) document = make_document (n_segments);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = pp_processor_process_document (processor, document, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (graph);
}

/* A file that is not a database, or was cut short, is said once, naming
 * it; the runs go on, uncached */
static void
test_damaged_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  gboolean truncate = GPOINTER_TO_INT (user_data);
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpCache) cache = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (fixture->path);
  guint n_first;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  if (truncate)
    {
      g_autofree char *contents = NULL;
      gsize length;

      /* A real cache with many entries, cut in half */
      cache = open_cache (fixture->path, 0);
      for (guint i = 0; i < 400; i++)
        {
          g_autofree char *key = g_strdup_printf ("key-%u", i);
          g_autofree char *value = value_for (key);

          store (cache, key, value, 0);
        }
      g_assert_true (pp_cache_close (cache, NULL, NULL));
      g_clear_object (&cache);

      g_assert_true (g_file_get_contents (fixture->path, &contents, &length, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_set_contents (fixture->path, contents, length / 2, &error));
      g_assert_no_error (error);

      /* Lookups of what was stored reach the missing pages */
      cache = open_cache (fixture->path, 0);
      for (guint i = 0; i < 400; i++)
        {
          g_autofree char *key = g_strdup_printf ("key-%u", i);
          g_autofree char *value = value_for (key);
          g_autoptr(GBytes) found = pp_cache_lookup (cache, key, NULL, NULL);

          /* Never a wrong answer */
          if (found != NULL)
            g_assert_cmpmem (g_bytes_get_data (found, NULL), g_bytes_get_size (found),
                             value, strlen (value));
        }
    }
  else
    {
      g_assert_true (g_file_set_contents (fixture->path,
                                          "This is not an SQLite database, it is a letter about engines.\n",
                                          -1, &error));
      g_assert_no_error (error);
      cache = open_cache (fixture->path, 0);
    }

  {
    g_autoptr(PpProcessor) processor = create_processor (server, cache);

    process (processor, 5);
    n_first = pp_test_server_get_request_count (server);
  }
  {
    g_autoptr(PpProcessor) processor = create_processor (server, cache);

    process (processor, 5);
  }

  /* Nothing was cached: the second run asked again for every segment */
  g_assert_cmpuint (n_first, >, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 2 * n_first);

  warnings = steal_caught_warnings ();
  for (guint i = 0; i < warnings->len; i++)
    g_test_message ("warning: %s", (char *) warnings->pdata[i]);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (warnings->pdata[0], fixture->path));
}

/* A value changed behind the cache's back is a miss, said once */
static void
test_damaged_entry (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(PpCache) cache = open_cache (fixture->path, 0);
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *intact = NULL;

  store (cache, "k", "the right answer", 0);
  store (cache, "j", "another answer", 0);
  exec_sql (fixture->path, "UPDATE entries SET value = CAST('the wrong answer' AS BLOB) WHERE key = 'k';"
                           "UPDATE entries SET key = 'j2' WHERE key = 'j';");

  first = lookup (cache, "k");
  second = lookup (cache, "j2");
  intact = lookup (cache, "k");
  g_assert_null (first);
  g_assert_null (second);
  g_assert_null (intact);

  warnings = steal_caught_warnings ();
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (warnings->pdata[0], fixture->path));
}

/* Only answers the converter made valid JSON-LD of are stored: an answer
 * it rejected is asked again in the next run */
static void
test_stores_only_accepted_answers (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpCache) cache = open_cache (fixture->path, 0);

  /* The first answer is no JSON: the converter asks again, and the mock
   * answer to the second request is valid */
  pp_test_server_push_content (server, "Sorry, I cannot answer in JSON today.");
  {
    g_autoptr(PpProcessor) processor = create_processor (server, cache);

    process (processor, 1);
  }
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM entries"), ==, 1);

  /* The first request is not answered from the cache: its answer was
   * rejected; the valid answer to it is stored now */
  {
    g_autoptr(PpProcessor) processor = create_processor (server, cache);
    g_autoptr(PpStats) stats = NULL;

    process (processor, 1);
    stats = pp_processor_get_stats (processor);
    g_assert_cmpuint (pp_stats_get_cache_misses (stats), ==, 1);
    g_assert_cmpuint (pp_stats_get_cache_hits (stats), ==, 0);
    g_assert_cmpuint (pp_stats_get_cache_store_failures (stats), ==, 0);
  }
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 3);

  /* And then it is */
  {
    g_autoptr(PpProcessor) processor = create_processor (server, cache);
    g_autoptr(PpStats) stats = NULL;

    process (processor, 1);
    stats = pp_processor_get_stats (processor);
    g_assert_cmpuint (pp_stats_get_cache_hits (stats), ==, 1);
  }
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 3);
}

/* The processor's cache-ttl goes with every answer it stores */
static void
test_processor_cache_ttl (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpCache) cache = open_cache (fixture->path, 0);
  g_autoptr(PpProcessor) processor = create_processor (server, cache);

  g_object_set (processor, "cache-ttl", 3600u, NULL);
  process (processor, 3);

  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM entries"), ==, 3);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT COUNT(*) FROM entries WHERE expires_at = created_at + 3600000000"), ==, 3);
}

/* A pp-convert run killed midway, started again with the same cache file,
 * asks nothing whose answer was stored, and the file is sound */
static void
test_resume_after_kill (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const guint n_segments = 24;
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autofree char *tool = g_build_filename (g_getenv ("PP_TOOLS_DIR"), "pp-convert", "pp-convert", NULL);
  g_autofree char *doc = g_build_filename (fixture->dir, "doc.txt", NULL);
  g_autofree char *out = g_build_filename (fixture->dir, "out.jsonld", NULL);
  g_autofree char *spec = g_strconcat ("sqlite:", fixture->path, NULL);
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocess) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new ("");
  gint64 stored, deadline;
  guint asked_before;

  for (guint i = 0; i < n_segments; i++)
    g_string_append_printf (text, "In chapter %u the scientist Ada Lovelace wrote letter %u about engines.\n\n",
                            i, i * 7);
  g_assert_true (g_file_set_contents (doc, text->str, text->len, &error));
  g_assert_no_error (error);

  pp_test_server_set_latency_ms (server, 100);
  first = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            tool, "--endpoint", pp_test_server_get_base_url (server),
                            "--cache", spec, "--jobs", "2", "--segment-size", "80",
                            "--quiet", "--output", out, doc, NULL);
  g_assert_no_error (error);

  /* Midway: some answers stored, not all */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      stored = g_file_test (fixture->path, G_FILE_TEST_EXISTS) &&
               query_int (fixture->path, "SELECT COUNT(*) FROM sqlite_schema WHERE name = 'totals'") == 1
        ? query_int (fixture->path, "SELECT entries FROM totals") : 0;
      if (stored >= 4)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (5 * 1000);
    }
  g_subprocess_send_signal (first, SIGKILL);
  g_assert_false (g_subprocess_wait_check (first, NULL, NULL));
  g_assert_true (g_subprocess_get_if_signaled (first));

  stored = query_int (fixture->path, "SELECT COUNT(*) FROM entries");
  g_assert_cmpint (stored, <, n_segments);
  g_assert_cmpint (query_int (fixture->path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), ==, 1);
  asked_before = pp_test_server_get_request_count (server);

  pp_test_server_set_latency_ms (server, 0);
  second = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                             tool, "--endpoint", pp_test_server_get_base_url (server),
                             "--cache", spec, "--jobs", "2", "--segment-size", "80",
                             "--quiet", "--output", out, doc, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (second, NULL, &error));
  g_assert_no_error (error);

  /* Every segment whose answer was stored was answered from the file */
  g_assert_cmpuint (pp_test_server_get_request_count (server) - asked_before, ==, n_segments - stored);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM entries"), ==, n_segments);
  g_assert_cmpint (query_int (fixture->path, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  self_path = argv[0];

  /* The other process of test_processes_and_threads */
  if (argc == 3 && g_str_equal (argv[1], "--helper-workers"))
    {
      pp_registry_ensure_loaded ();
      run_workers (argv[2], 1);
      return 0;
    }

  caught_warnings = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (catch_cache_warnings, NULL, NULL);
  g_test_init (&argc, &argv, NULL);
  pp_registry_ensure_loaded ();

#define ADD(path, func, data) \
  g_test_add ("/cache-sqlite/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("store-and-lookup", test_store_and_lookup, NULL);
  ADD ("file-modes", test_file_modes, NULL);
  ADD ("lru-eviction-by-bytes", test_lru_eviction_by_bytes, NULL);
  ADD ("ttl-expiry", test_ttl_expiry, NULL);
  ADD ("processes-and-threads", test_processes_and_threads, NULL);
  ADD ("damaged-file/garbage", test_damaged_file, GINT_TO_POINTER (FALSE));
  ADD ("damaged-file/truncated", test_damaged_file, GINT_TO_POINTER (TRUE));
  ADD ("damaged-entry", test_damaged_entry, NULL);
  ADD ("processor/stores-only-accepted-answers", test_stores_only_accepted_answers, NULL);
  ADD ("processor/cache-ttl", test_processor_cache_ttl, NULL);
  ADD ("pp-convert/resume-after-kill", test_resume_after_kill, NULL);

  return g_test_run ();
}
