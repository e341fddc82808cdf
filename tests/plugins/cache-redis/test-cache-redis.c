/* test-cache-redis.c: the "redis" cache plugin, against a real redis-server
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-dir.h"
#include "pp-test-redis.h"
#include "pp-test-secret.h"
#include "pp-test-server.h"
#include "pp-test-text.h"

#define PLUGIN_DOMAIN "libpp-cache-redis"

/* Needs percent-encoding in a URL, and so shows in several forms */
#define PASSWORD "pa:ss/w@rd?42"
#define WRONG_PASSWORD "not-the-pa55word"

#define WAIT_TIMEOUT_MS 30000
#define POLL_INTERVAL_MS 10

/* Every message logged is kept, with its domain and level. Warnings of
 * the plugin, and the core's warnings about this cache, are counted and
 * handled; any other warning stays fatal. */

typedef struct
{
  char *domain;
  GLogLevelFlags level;
  char *message;
} LoggedMessage;

static GMutex logged_lock;
static GPtrArray *logged;   /* (element-type LoggedMessage): under logged_lock */

static void
logged_message_free (LoggedMessage *logged_message)
{
  g_free (logged_message->domain);
  g_free (logged_message->message);
  g_free (logged_message);
}

static gboolean
is_about_this_cache (const char *domain,
                     const char *message)
{
  return g_strcmp0 (domain, PLUGIN_DOMAIN) == 0 ||
         (g_strcmp0 (domain, "libpp") == 0 && message != NULL &&
          g_str_has_prefix (message, "Cache PpCacheRedis"));
}

static GLogWriterOutput
record_messages (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  LoggedMessage *logged_message = g_new0 (LoggedMessage, 1);

  logged_message->level = log_level & G_LOG_LEVEL_MASK;
  for (gsize i = 0; i < n_fields; i++)
    {
      gsize length = fields[i].length < 0 ? strlen (fields[i].value) : (gsize) fields[i].length;

      if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
        logged_message->domain = g_strndup (fields[i].value, length);
      else if (strcmp (fields[i].key, "MESSAGE") == 0)
        logged_message->message = g_strndup (fields[i].value, length);
    }

  g_mutex_lock (&logged_lock);
  g_ptr_array_add (logged, logged_message);
  g_mutex_unlock (&logged_lock);

  if (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  if ((log_level & G_LOG_LEVEL_WARNING) != 0 &&
      is_about_this_cache (logged_message->domain, logged_message->message))
    {
      g_test_message ("warning: %s", logged_message->message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static void
clear_logged (void)
{
  g_mutex_lock (&logged_lock);
  g_ptr_array_set_size (logged, 0);
  g_mutex_unlock (&logged_lock);
}

/* How many warnings were logged in @domain */
static guint
count_warnings (const char *domain)
{
  guint n = 0;

  g_mutex_lock (&logged_lock);
  for (guint i = 0; i < logged->len; i++)
    {
      LoggedMessage *logged_message = g_ptr_array_index (logged, i);

      if (logged_message->level == G_LOG_LEVEL_WARNING &&
          g_strcmp0 (logged_message->domain, domain) == 0)
        n++;
    }
  g_mutex_unlock (&logged_lock);

  return n;
}

/* Fails the test if any message logged so far holds @secret in any form */
static void
assert_secret_not_logged (const char *secret)
{
  g_mutex_lock (&logged_lock);
  for (guint i = 0; i < logged->len; i++)
    {
      LoggedMessage *logged_message = g_ptr_array_index (logged, i);

      if (logged_message->message != NULL)
        pp_test_secret_assert_absent (logged_message->message, secret);
    }
  g_mutex_unlock (&logged_lock);
}

/* The cache */

#define DEFAULT_KEY_PREFIX "libpp:llm:"
#define DEFAULT_TIMEOUT_MS 2000u
#define DEFAULT_RETRY_INTERVAL 5u

static PpCache *
create_cache_full (const char *url,
                   const char *key_prefix,
                   guint       timeout_ms,
                   guint       retry_interval)
{
  g_autoptr(GError) error = NULL;
  GObject *object;

  object = pp_registry_create (PP_CACHE_EXTENSION_POINT, "redis", &error,
                               "url", url,
                               "key-prefix", key_prefix,
                               "timeout-ms", timeout_ms,
                               "retry-interval", retry_interval,
                               NULL);
  g_assert_no_error (error);
  g_assert_true (PP_IS_CACHE (object));

  return PP_CACHE (object);
}

static PpCache *
create_cache (const char *url)
{
  return create_cache_full (url, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT_MS, DEFAULT_RETRY_INTERVAL);
}

static GBytes *
bytes_from_string (const char *string)
{
  return g_bytes_new (string, strlen (string));
}

/* Asserts that @key holds @expected, or is a miss when @expected is NULL */
static void
assert_lookup (PpCache    *cache,
               const char *key,
               const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = pp_cache_lookup (cache, key, NULL, &error);

  g_assert_no_error (error);

  if (expected == NULL)
    {
      g_assert_null (value);
    }
  else
    {
      g_assert_nonnull (value);
      g_assert_cmpmem (g_bytes_get_data (value, NULL), g_bytes_get_size (value),
                       expected, strlen (expected));
    }
}

static void
store_string (PpCache    *cache,
              const char *key,
              const char *string,
              guint       ttl_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = bytes_from_string (string);

  g_assert_true (pp_cache_store (cache, key, value, ttl_s, NULL, &error));
  g_assert_no_error (error);
}

/* A store that the cache could not do: not stored, and no error */
static void
assert_not_stored (PpCache    *cache,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) value = bytes_from_string ("not kept");

  g_assert_false (pp_cache_store (cache, key, value, 0, NULL, &error));
  g_assert_no_error (error);
}

static char *
dup_url_property (PpCache *cache)
{
  char *url = NULL;

  g_object_get (cache, "url", &url, NULL);

  return url;
}

/* The stored form of an entry, as another client reads it: a header of
 * 16 bytes, the magic "PPCACHE", the version 1, and the time it was stored
 * in µs since 1970, a big-endian signed integer; then the value */

#define HEADER_SIZE "16"
#define HEADER_MAGIC "PPCACHE\001"

/* The value stored under @redis_key, behind its header */
static char *
dup_stored_value (PpTestRedis *redis,
                  guint        db,
                  const char  *redis_key)
{
  return pp_test_redis_query (redis, db, "GETRANGE", redis_key, HEADER_SIZE, "-1", NULL);
}

/* When the header under @redis_key says its entry was stored, read by a
 * script on the server (its numbers are doubles: exact up to 2^53 µs) */
static gint64
get_created (PpTestRedis *redis,
             const char  *redis_key)
{
  g_autofree char *created = pp_test_redis_query (redis, 0, "EVAL",
                                                  "return struct.unpack('>i8', redis.call('GETRANGE', KEYS[1], 8, 15))",
                                                  "1", redis_key, NULL);

  return g_ascii_strtoll (created, NULL, 10);
}

/* Makes the header under @redis_key say its entry was stored at @created_us */
static void
set_created (PpTestRedis *redis,
             const char  *redis_key,
             gint64       created_us)
{
  g_autofree char *time = g_strdup_printf ("%" G_GINT64_FORMAT, created_us);
  g_autofree char *length = pp_test_redis_query (redis, 0, "EVAL",
                                                 "return redis.call('SETRANGE', KEYS[1], 8, "
                                                 "struct.pack('>i8', tonumber(ARGV[1])))",
                                                 "1", redis_key, time, NULL);

  g_assert_cmpint (g_ascii_strtoll (length, NULL, 10), >=, 16);
  g_assert_cmpint (get_created (redis, redis_key), ==, created_us);
}

/* How many clients the server has, the one asking included */
static guint
count_clients (PpTestRedis *redis)
{
  g_autofree char *list = pp_test_redis_query (redis, 0, "CLIENT", "LIST", NULL);
  g_auto(GStrv) lines = g_strsplit (list, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      n++;

  return n;
}

/* Waits, at most WAIT_TIMEOUT_MS, until the server has @n clients besides
 * the one asking */
static gboolean
wait_for_other_clients (PpTestRedis *redis,
                        guint        n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  while (count_clients (redis) != n + 1)
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (POLL_INTERVAL_MS * 1000);
    }

  return TRUE;
}

/* A fixture: a server of the test's own, and no message logged yet */

typedef struct
{
  PpTestRedis *redis;
  char *url;
  PpCache *cache;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->redis = pp_test_redis_new (NULL);
  fixture->url = pp_test_redis_dup_url (fixture->redis, 0);
  fixture->cache = create_cache (fixture->url);
  clear_logged ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->cache);
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->redis, pp_test_redis_free);
}

/* Tests without a server */

static void
test_registry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = NULL;
  g_autofree char *url = NULL;
  g_autofree char *key_prefix = NULL;
  GList *extensions;
  gboolean found = FALSE;

  /* Made without a server: nothing is connected before it is used */
  object = pp_registry_create_with_properties (PP_CACHE_EXTENSION_POINT, "redis",
                                               0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (PP_IS_CACHE (object));
  g_assert_true (G_TYPE_IS_FINAL (G_OBJECT_TYPE (object)));

  g_object_get (object, "url", &url, "key-prefix", &key_prefix, NULL);
  g_assert_cmpstr (url, ==, "redis://localhost:6379");
  g_assert_cmpstr (key_prefix, ==, "libpp:llm:");

  extensions = pp_registry_list_extensions (PP_CACHE_EXTENSION_POINT);
  for (GList *l = extensions; l != NULL; l = l->next)
    {
      PpExtension *extension = l->data;

      if (g_strcmp0 (pp_extension_get_name (extension), "redis") != 0)
        continue;

      found = TRUE;
      /* Never picked unless named: it needs a server */
      g_assert_cmpint (pp_extension_get_priority (extension), ==, 0);
      g_assert_true (pp_extension_get_implementation_type (extension) == G_OBJECT_TYPE (object));
    }
  g_list_free (extensions);
  g_assert_true (found);
}

static void
test_url_invalid (void)
{
  static const char *urls[] = {
    "http://:" PASSWORD "@localhost:6379",
    "rediss://:pa%3Ass%2Fw%40rd%3F42@localhost:6379",
    "redis://:" PASSWORD "@localhost:6379",        /* not percent-encoded */
    "redis://user:secret%2F" PASSWORD "@localhost:6379/x",
    "redis://" PASSWORD "@localhost:6379",         /* a user name alone */
    "redis://:pa%3Ass%2Fw%40rd%3F42@:6379",
    "redis://:pa%3Ass%2Fw%40rd%3F42@localhost:6379/0?timeout=3",
    "redis://:pa%3Ass%2Fw%40rd%3F42@localhost:0",
    "not a URL at all " PASSWORD,
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GObject) object = NULL;

      object = pp_registry_create (PP_CACHE_EXTENSION_POINT, "redis", &error, "url", urls[i], NULL);
      g_assert_null (object);
      g_assert_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "Redis URL "));
      pp_test_secret_assert_absent (error->message, PASSWORD);
    }

  assert_secret_not_logged (PASSWORD);
}

/* Read back, the URL shows no password */
static void
test_url_password_hidden (void)
{
  static const struct {
    const char *url;
    const char *shown;
  } cases[] = {
    { "redis://:pa%3Ass%2Fw%40rd%3F42@127.0.0.1:6379/2", "redis://:***@127.0.0.1:6379/2" },
    { "redis://alice:pa%3Ass%2Fw%40rd%3F42@127.0.0.1:6380", "redis://alice:***@127.0.0.1:6380" },
    { "redis://127.0.0.1:6379", "redis://127.0.0.1:6379" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PpCache) cache = create_cache (cases[i].url);
      g_autofree char *url = dup_url_property (cache);

      g_assert_cmpstr (url, ==, cases[i].shown);
      pp_test_secret_assert_absent (url, PASSWORD);
    }
}

/* Tests against a server */

static void
test_store_lookup (Fixture       *fixture,
                   gconstpointer  user_data)
{
  guint8 binary[512];
  g_autoptr(GBytes) value = NULL;
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *length = NULL;
  g_autofree char *ttl = NULL;

  assert_lookup (fixture->cache, "nothing-here", NULL);

  store_string (fixture->cache, "ada", "{\"name\": \"Ada Lovelace\"}", 0);
  assert_lookup (fixture->cache, "ada", "{\"name\": \"Ada Lovelace\"}");

  /* Stored again: replaced */
  store_string (fixture->cache, "ada", "{\"name\": \"Ada King\"}", 0);
  assert_lookup (fixture->cache, "ada", "{\"name\": \"Ada King\"}");

  /* Under the prefix, and without expiry */
  ttl = pp_test_redis_query (fixture->redis, 0, "TTL", "libpp:llm:ada", NULL);
  g_assert_cmpstr (ttl, ==, "-1");

  /* Any bytes, NULs included */
  for (guint i = 0; i < sizeof binary; i++)
    binary[i] = (guint8) (i * 7);
  value = g_bytes_new (binary, sizeof binary);
  g_assert_true (pp_cache_store (fixture->cache, "binary", value, 0, NULL, &error));
  g_assert_no_error (error);
  found = pp_cache_lookup (fixture->cache, "binary", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_true (g_bytes_equal (found, value));
  /* Behind the header */
  length = pp_test_redis_query (fixture->redis, 0, "STRLEN", "libpp:llm:binary", NULL);
  g_assert_cmpstr (length, ==, "528");

  /* An empty value is a value, not a miss */
  g_clear_pointer (&found, g_bytes_unref);
  g_assert_true (pp_cache_store (fixture->cache, "empty", empty, 0, NULL, &error));
  g_assert_no_error (error);
  found = pp_cache_lookup (fixture->cache, "empty", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (g_bytes_get_size (found), ==, 0);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

static void
test_key_prefix (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(PpCache) other = create_cache_full (fixture->url, "team-b:", DEFAULT_TIMEOUT_MS, DEFAULT_RETRY_INTERVAL);
  g_autofree char *value = NULL;
  g_autofree char *key_prefix = NULL;

  g_object_get (other, "key-prefix", &key_prefix, NULL);
  g_assert_cmpstr (key_prefix, ==, "team-b:");

  store_string (other, "k", "answer of team b", 0);

  value = dup_stored_value (fixture->redis, 0, "team-b:k");
  g_assert_cmpstr (value, ==, "answer of team b");

  /* Another prefix is another cache */
  assert_lookup (fixture->cache, "k", NULL);
  assert_lookup (other, "k", "answer of team b");
}

static void
test_ttl_expires (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *ttl = NULL;

  store_string (fixture->cache, "short-lived", "gone soon", 1);
  store_string (fixture->cache, "long-lived", "kept", 3600);

  ttl = pp_test_redis_query (fixture->redis, 0, "PTTL", "libpp:llm:long-lived", NULL);
  g_assert_cmpint (g_ascii_strtoll (ttl, NULL, 10), >, 0);

  /* The server drops it, as a second client sees */
  g_assert_true (pp_test_redis_wait_for_key_gone (fixture->redis, 0, "libpp:llm:short-lived",
                                                  WAIT_TIMEOUT_MS));
  assert_lookup (fixture->cache, "short-lived", NULL);
  assert_lookup (fixture->cache, "long-lived", "kept");
}

/* Two caches on one server, as two processes or machines would have,
 * share their entries */
static void
test_shared_between_caches (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(PpCache) other = create_cache (fixture->url);

  store_string (fixture->cache, "paid-once", "the answer", 0);
  assert_lookup (other, "paid-once", "the answer");

  store_string (other, "paid-by-other", "another answer", 0);
  assert_lookup (fixture->cache, "paid-by-other", "another answer");
}

static void
test_select_db (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *url = pp_test_redis_dup_url (fixture->redis, 3);
  g_autoptr(PpCache) cache = create_cache (url);
  g_autofree char *in_db3 = NULL;
  g_autofree char *in_db0 = NULL;

  store_string (cache, "where", "in database 3", 0);

  in_db3 = dup_stored_value (fixture->redis, 3, "libpp:llm:where");
  in_db0 = pp_test_redis_query (fixture->redis, 0, "GET", "libpp:llm:where", NULL);
  g_assert_cmpstr (in_db3, ==, "in database 3");
  g_assert_null (in_db0);

  assert_lookup (fixture->cache, "where", NULL);
  assert_lookup (cache, "where", "in database 3");
}

/* Lookups and stores from many threads at once, each on a connection of
 * its own */

#define N_THREADS 8
#define N_KEYS_PER_THREAD 50

static gpointer
store_and_look_up (gpointer data)
{
  static int n_threads;
  PpCache *cache = data;
  guint thread = (guint) g_atomic_int_add (&n_threads, 1);

  for (guint i = 0; i < N_KEYS_PER_THREAD; i++)
    {
      g_autofree char *key = g_strdup_printf ("thread-%u-key-%u", thread, i);
      g_autofree char *value = g_strdup_printf ("value %u of thread %u", i, thread);

      store_string (cache, key, value, 60);
      assert_lookup (cache, key, value);
    }

  return NULL;
}

static void
test_threads (Fixture       *fixture,
              gconstpointer  user_data)
{
  GThread *threads[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("cache-user", store_and_look_up, fixture->cache);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* Closed: the connections are released, and the cache misses and stores
 * nothing, quietly */
static void
test_close (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  GThread *threads[N_THREADS];

  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("cache-user", store_and_look_up, fixture->cache);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (count_clients (fixture->redis), >, 1);
  store_string (fixture->cache, "before-close", "x", 0);

  g_assert_true (pp_cache_close (fixture->cache, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (wait_for_other_clients (fixture->redis, 0));

  assert_not_stored (fixture->cache, "after-close");
  assert_lookup (fixture->cache, "before-close", NULL);
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* A connection the server closed while it was idle (its idle timeout, a
 * restart) is replaced, without a warning */
static void
test_idle_connection_closed_by_server (Fixture       *fixture,
                                       gconstpointer  user_data)
{
  g_autofree char *killed = NULL;

  store_string (fixture->cache, "before", "stored before", 0);
  g_assert_true (wait_for_other_clients (fixture->redis, 1));

  killed = pp_test_redis_query (fixture->redis, 0, "CLIENT", "KILL", "TYPE", "normal", NULL);
  g_assert_cmpstr (killed, ==, "1");

  assert_lookup (fixture->cache, "before", "stored before");
  store_string (fixture->cache, "after", "stored after", 0);
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) value = bytes_from_string ("x");
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);

  g_assert_false (pp_cache_store (fixture->cache, "k", value, 0, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  found = pp_cache_lookup (fixture->cache, "k", cancellable, &error);
  g_assert_null (found);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* A server that holds a key of another type refuses GET: a miss, warned
 * about once */
static void
test_error_reply (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *pushed = pp_test_redis_query (fixture->redis, 0, "LPUSH", "libpp:llm:list", "x", NULL);

  g_assert_cmpstr (pushed, ==, "1");

  for (guint i = 0; i < 3; i++)
    assert_lookup (fixture->cache, "list", NULL);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
}

/* The stored form of an entry */

/* Stored behind a header that says when */
static void
test_entry_header (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autofree char *magic = NULL;
  g_autofree char *value = NULL;
  gint64 before = g_get_real_time ();
  gint64 after;

  store_string (fixture->cache, "k", "the answer", 0);
  after = g_get_real_time ();

  magic = pp_test_redis_query (fixture->redis, 0, "GETRANGE", "libpp:llm:k", "0", "7", NULL);
  g_assert_cmpstr (magic, ==, HEADER_MAGIC);
  g_assert_cmpint (get_created (fixture->redis, "libpp:llm:k"), >=, before);
  g_assert_cmpint (get_created (fixture->redis, "libpp:llm:k"), <=, after);
  value = dup_stored_value (fixture->redis, 0, "libpp:llm:k");
  g_assert_cmpstr (value, ==, "the answer");
}

/* A string without a valid header is a miss, never taken for an answer,
 * and not warned about */
static void
test_entry_corrupt_header (Fixture       *fixture,
                           gconstpointer  user_data)
{
  static const struct {
    const char *key;
    const char *offset;
    const char *bytes;
  } damages[] = {
    { "magic", "0", "XX" },
    { "version", "7", "\002" },
    { "magic-end", "6", "e" },
  };
  g_autofree char *raw = NULL;
  g_autofree char *partial = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (damages); i++)
    {
      g_autofree char *redis_key = g_strconcat (DEFAULT_KEY_PREFIX, damages[i].key, NULL);
      g_autofree char *length = NULL;

      store_string (fixture->cache, damages[i].key, "the answer", 0);
      assert_lookup (fixture->cache, damages[i].key, "the answer");

      length = pp_test_redis_query (fixture->redis, 0, "SETRANGE", redis_key,
                                    damages[i].offset, damages[i].bytes, NULL);
      g_assert_cmpstr (length, ==, "26");
      assert_lookup (fixture->cache, damages[i].key, NULL);
    }

  /* Written by something else, without a header */
  raw = pp_test_redis_query (fixture->redis, 0, "SET", "libpp:llm:raw", "{\"name\": \"Ada\"}", NULL);
  g_assert_cmpstr (raw, ==, "OK");
  assert_lookup (fixture->cache, "raw", NULL);

  /* Shorter than a header, though it starts as one */
  partial = pp_test_redis_query (fixture->redis, 0, "SET", "libpp:llm:partial", HEADER_MAGIC "12", NULL);
  g_assert_cmpstr (partial, ==, "OK");
  assert_lookup (fixture->cache, "partial", NULL);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* Looking after the cache: info, clear and prune over its keys */

static GVariantDict *
query_info (PpCache *cache)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) info = NULL;

  g_assert_true (PP_IS_CACHE_ADMIN (cache));
  info = pp_cache_admin_query_info (PP_CACHE_ADMIN (cache), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_true (g_variant_is_of_type (info, G_VARIANT_TYPE_VARDICT));

  return g_variant_dict_new (info);
}

static void
assert_info (PpCache *cache,
             guint64  entries,
             guint64  bytes)
{
  g_autoptr(GVariantDict) info = query_info (cache);
  guint64 value = G_MAXUINT64;

  g_assert_true (g_variant_dict_lookup (info, "entries", "t", &value));
  g_assert_cmpuint (value, ==, entries);
  g_assert_true (g_variant_dict_lookup (info, "bytes", "t", &value));
  g_assert_cmpuint (value, ==, bytes);
}

static guint64
clear (PpCache *cache)
{
  g_autoptr(GError) error = NULL;
  guint64 n_removed = G_MAXUINT64;

  g_assert_true (pp_cache_admin_clear (PP_CACHE_ADMIN (cache), &n_removed, NULL, &error));
  g_assert_no_error (error);

  return n_removed;
}

static guint64
prune (PpCache *cache,
       guint64  older_than_s)
{
  g_autoptr(GError) error = NULL;
  guint64 n_removed = G_MAXUINT64;

  g_assert_true (pp_cache_admin_prune (PP_CACHE_ADMIN (cache), older_than_s, &n_removed, NULL, &error));
  g_assert_no_error (error);

  return n_removed;
}

/* "key-N" for N in [first, first + n), each holding ten bytes */
static void
store_entries (PpCache    *cache,
               const char *name,
               guint       first,
               guint       n)
{
  for (guint i = first; i < first + n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s-%u", name, i);

      store_string (cache, key, "0123456789", 0);
    }
}

#define ONE_DAY_S (24 * 3600)
#define ONE_DAY_US ((gint64) ONE_DAY_S * G_USEC_PER_SEC)
#define TWO_DAYS_US (2 * ONE_DAY_US)

/* Counts the keys under the prefix, and the bytes of their names and
 * values, headers included; says when the oldest and newest were stored,
 * and where */
static void
test_admin_info (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(PpCache) globbing = create_cache_full (fixture->url, "glob*[x]?:", DEFAULT_TIMEOUT_MS,
                                                   DEFAULT_RETRY_INTERVAL);
  g_autoptr(GVariantDict) empty = NULL;
  g_autoptr(GVariantDict) info = NULL;
  g_autofree char *pushed = NULL;
  g_autofree char *outside = NULL;
  const char *location = NULL;
  gint64 oldest = 0, newest = 0;
  gint64 now = g_get_real_time ();

  empty = query_info (fixture->cache);
  g_assert_true (g_variant_dict_lookup (empty, "location", "&s", &location));
  g_assert_cmpstr (location, ==, fixture->url);
  g_assert_false (g_variant_dict_contains (empty, "oldest"));
  g_assert_false (g_variant_dict_contains (empty, "newest"));
  assert_info (fixture->cache, 0, 0);

  /* Keys of 10 + 5 bytes, values of 16 + 10 */
  store_entries (fixture->cache, "key", 0, 3);
  set_created (fixture->redis, "libpp:llm:key-0", now - TWO_DAYS_US);
  set_created (fixture->redis, "libpp:llm:key-2", now + TWO_DAYS_US);
  /* Outside the prefix, or no entry */
  outside = pp_test_redis_query (fixture->redis, 0, "SET", "libpp:other", "x", NULL);
  pushed = pp_test_redis_query (fixture->redis, 0, "LPUSH", "libpp:llm:list", "x", NULL);
  g_assert_cmpstr (pushed, ==, "1");

  assert_info (fixture->cache, 3, 3 * (15 + 26));
  info = query_info (fixture->cache);
  g_assert_true (g_variant_dict_lookup (info, "oldest", "x", &oldest));
  g_assert_true (g_variant_dict_lookup (info, "newest", "x", &newest));
  g_assert_cmpint (oldest, ==, now - TWO_DAYS_US);
  g_assert_cmpint (newest, ==, now + TWO_DAYS_US);

  /* Enough entries for several SCAN batches, with keys of 10 + 6 to 9 bytes */
  store_entries (fixture->cache, "more", 0, 2500);
  assert_info (fixture->cache, 2503, 3 * (15 + 26) + 10 * (16 + 26) + 90 * (17 + 26) +
               900 * (18 + 26) + 1500 * (19 + 26));

  /* The glob characters of a prefix stand for themselves: "glob*[x]?:k"
   * matches "glob*[x]?:*", and "globAxB:k" does not */
  g_clear_pointer (&outside, g_free);
  outside = pp_test_redis_query (fixture->redis, 0, "SET", "globAxB:k", "x", NULL);
  g_assert_cmpstr (outside, ==, "OK");
  assert_info (globbing, 0, 0);
  store_string (globbing, "k", "0123456789", 0);
  assert_info (globbing, 1, 11 + 26);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* The location is the URL with its password hidden */
static void
test_admin_info_password_hidden (void)
{
  g_autoptr(PpTestRedis) redis = pp_test_redis_new (PASSWORD);
  g_autofree char *url = pp_test_redis_dup_url (redis, 0);
  g_autoptr(PpCache) cache = create_cache (url);
  g_autofree char *shown = g_strdup_printf ("redis://:***@127.0.0.1:%u/0", pp_test_redis_get_port (redis));
  g_autoptr(GVariantDict) info = NULL;
  const char *location = NULL;

  store_string (cache, "k", "0123456789", 0);
  info = query_info (cache);
  g_assert_true (g_variant_dict_lookup (info, "location", "&s", &location));
  g_assert_cmpstr (location, ==, shown);
  assert_info (cache, 1, 11 + 26);
}

/* Removes every key under the prefix, and no other */
static void
test_admin_clear (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(PpCache) other = create_cache_full (fixture->url, "libpp:llm:b", DEFAULT_TIMEOUT_MS,
                                                DEFAULT_RETRY_INTERVAL);
  g_autoptr(PpCache) nested = create_cache_full (fixture->url, "libpp:", DEFAULT_TIMEOUT_MS,
                                                 DEFAULT_RETRY_INTERVAL);
  g_autofree char *outside = pp_test_redis_query (fixture->redis, 0, "SET", "libpp:other", "kept", NULL);
  g_autofree char *kept = NULL;

  g_assert_cmpuint (clear (fixture->cache), ==, 0);

  store_entries (fixture->cache, "key", 0, 2500);
  store_string (other, "k", "kept", 0);
  g_assert_cmpuint (clear (other), ==, 1);

  store_string (other, "k", "stored again", 0);
  g_assert_cmpuint (clear (fixture->cache), ==, 2501);
  assert_info (fixture->cache, 0, 0);

  kept = pp_test_redis_query (fixture->redis, 0, "GET", "libpp:other", NULL);
  g_assert_cmpstr (kept, ==, "kept");
  assert_info (nested, 1, 11 + 4);
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* Removes the entries stored too long ago, and those no lookup can find,
 * and no other */
static void
test_admin_prune (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(PpCache) other = create_cache_full (fixture->url, "team-b:", DEFAULT_TIMEOUT_MS,
                                                DEFAULT_RETRY_INTERVAL);
  gint64 now = g_get_real_time ();
  g_autofree char *raw = NULL;
  g_autofree char *pushed = NULL;
  g_autofree char *type = NULL;

  store_entries (fixture->cache, "old", 0, 2);
  store_entries (fixture->cache, "new", 0, 3);
  store_string (fixture->cache, "old-with-ttl", "0123456789", 3600);
  store_string (other, "old", "0123456789", 0);
  set_created (fixture->redis, "libpp:llm:old-0", now - TWO_DAYS_US);
  set_created (fixture->redis, "libpp:llm:old-1", now - ONE_DAY_US - G_USEC_PER_SEC);
  set_created (fixture->redis, "libpp:llm:old-with-ttl", now - TWO_DAYS_US);
  set_created (fixture->redis, "team-b:old", now - TWO_DAYS_US);
  set_created (fixture->redis, "libpp:llm:new-2", now - ONE_DAY_US + 60 * G_USEC_PER_SEC);
  raw = pp_test_redis_query (fixture->redis, 0, "SET", "libpp:llm:raw", "no header", NULL);
  pushed = pp_test_redis_query (fixture->redis, 0, "LPUSH", "libpp:llm:list", "x", NULL);
  g_assert_cmpstr (pushed, ==, "1");

  /* Nothing stored three days ago or before; the header-less one goes */
  g_assert_cmpuint (prune (fixture->cache, 3 * ONE_DAY_S), ==, 1);
  assert_lookup (fixture->cache, "old-0", "0123456789");

  g_assert_cmpuint (prune (fixture->cache, ONE_DAY_S), ==, 3);
  assert_lookup (fixture->cache, "old-0", NULL);
  assert_lookup (fixture->cache, "old-1", NULL);
  assert_lookup (fixture->cache, "old-with-ttl", NULL);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *key = g_strdup_printf ("new-%u", i);

      assert_lookup (fixture->cache, key, "0123456789");
    }
  assert_lookup (other, "old", "0123456789");
  assert_info (fixture->cache, 3, 3 * (15 + 26));
  g_assert_cmpuint (prune (fixture->cache, ONE_DAY_S), ==, 0);

  /* A key that is no string is none of the cache's entries */
  type = pp_test_redis_query (fixture->redis, 0, "TYPE", "libpp:llm:list", NULL);
  g_assert_cmpstr (type, ==, "list");
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* A server that is down fails each task with an error that names the
 * cache, without its password, and warns about nothing */
static void
test_admin_down (void)
{
  guint16 port = pp_test_redis_pick_free_port ();
  g_autofree char *url = g_strdup_printf ("redis://:pa%%3Ass%%2Fw%%40rd%%3F42@127.0.0.1:%u/1", port);
  g_autofree char *shown = g_strdup_printf ("Redis cache redis://:***@127.0.0.1:%u/1: ", port);
  g_autoptr(PpCache) cache = create_cache (url);
  PpCacheAdmin *admin = PP_CACHE_ADMIN (cache);

  clear_logged ();

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) info = NULL;
      guint64 n_removed = 0;
      gboolean done;

      switch (i)
        {
        case 0:
          info = pp_cache_admin_query_info (admin, NULL, &error);
          done = info != NULL;
          break;
        case 1:
          done = pp_cache_admin_clear (admin, &n_removed, NULL, &error);
          break;
        default:
          done = pp_cache_admin_prune (admin, ONE_DAY_S, &n_removed, NULL, &error);
          break;
        }

      g_assert_false (done);
      g_assert_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, shown));
      pp_test_secret_assert_absent (error->message, PASSWORD);
    }

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);

  /* The cache itself, which goes on without the server, warns once, as ever */
  assert_lookup (cache, "k", NULL);
  assert_not_stored (cache, "k");
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
  assert_secret_not_logged (PASSWORD);
}

static void
test_admin_cancelled (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint64 n_removed = 0;

  store_entries (fixture->cache, "key", 0, 3);
  g_cancellable_cancel (cancellable);

  g_assert_false (pp_cache_admin_clear (PP_CACHE_ADMIN (fixture->cache), &n_removed, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_info (fixture->cache, 3, 3 * (15 + 26));
}

/* Servers with a password */

static void
test_auth_password (void)
{
  g_autoptr(PpTestRedis) redis = pp_test_redis_new (PASSWORD);
  g_autofree char *url = pp_test_redis_dup_url (redis, 0);
  g_autoptr(PpCache) cache = create_cache (url);
  g_autofree char *stored = NULL;
  g_autofree char *shown = NULL;

  clear_logged ();

  store_string (cache, "k", "behind a password", 0);
  assert_lookup (cache, "k", "behind a password");

  stored = dup_stored_value (redis, 0, "libpp:llm:k");
  g_assert_cmpstr (stored, ==, "behind a password");

  shown = dup_url_property (cache);
  pp_test_secret_assert_absent (shown, PASSWORD);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
  assert_secret_not_logged (PASSWORD);
}

/* A Redis 6 ACL user: AUTH with a user name and a password */
static void
test_auth_acl_user (void)
{
  g_autoptr(PpTestRedis) redis = pp_test_redis_new (PASSWORD);
  g_autofree char *escaped = g_uri_escape_string (WRONG_PASSWORD "-alice", NULL, FALSE);
  g_autofree char *url = NULL;
  g_autofree char *made = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(PpCache) cache = NULL;

  made = pp_test_redis_query (redis, 0, "ACL", "SETUSER", "alice", "on",
                              ">" WRONG_PASSWORD "-alice", "~libpp:*", "+@all", NULL);
  g_assert_cmpstr (made, ==, "OK");

  url = g_strdup_printf ("redis://alice:%s@127.0.0.1:%u", escaped, pp_test_redis_get_port (redis));
  cache = create_cache (url);
  clear_logged ();

  store_string (cache, "k", "stored by alice", 0);
  assert_lookup (cache, "k", "stored by alice");

  stored = dup_stored_value (redis, 0, "libpp:llm:k");
  g_assert_cmpstr (stored, ==, "stored by alice");

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
  assert_secret_not_logged (WRONG_PASSWORD "-alice");
}

/* A wrong password: no cache, one warning, and the password never shown */
static void
test_auth_refused (void)
{
  g_autoptr(PpTestRedis) redis = pp_test_redis_new (PASSWORD);
  g_autofree char *url = g_strdup_printf ("redis://:%s@127.0.0.1:%u",
                                          WRONG_PASSWORD, pp_test_redis_get_port (redis));
  g_autoptr(PpCache) cache = create_cache (url);

  clear_logged ();

  for (guint i = 0; i < 3; i++)
    {
      assert_lookup (cache, "k", NULL);
      assert_not_stored (cache, "k");
    }

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
  assert_secret_not_logged (WRONG_PASSWORD);
  assert_secret_not_logged (PASSWORD);
}

/* A server that is down */

/* Down at start: the cache is made, misses and stores nothing, and says so
 * once, without the password */
static void
test_down_at_start (void)
{
  guint16 port = pp_test_redis_pick_free_port ();
  g_autofree char *url = g_strdup_printf ("redis://:pa%%3Ass%%2Fw%%40rd%%3F42@127.0.0.1:%u/1", port);
  g_autoptr(PpCache) cache = create_cache (url);

  clear_logged ();

  for (guint i = 0; i < 5; i++)
    {
      assert_lookup (cache, "k", NULL);
      assert_not_stored (cache, "k");
    }

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
  assert_secret_not_logged (PASSWORD);
}

/* Down at start, then up: a cache tries again once its retry interval is
 * over, and not before */
static void
test_down_then_up (void)
{
  guint16 port = pp_test_redis_pick_free_port ();
  g_autofree char *url = g_strdup_printf ("redis://127.0.0.1:%u", port);
  g_autoptr(PpCache) soon = create_cache_full (url, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT_MS, 1);
  g_autoptr(PpCache) late = create_cache_full (url, DEFAULT_KEY_PREFIX, DEFAULT_TIMEOUT_MS, 3600);
  g_autoptr(PpTestRedis) redis = NULL;
  g_autoptr(PpCache) writer = NULL;
  gint64 deadline;

  clear_logged ();
  assert_lookup (soon, "k", NULL);
  assert_lookup (late, "k", NULL);
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 2);

  /* Stored meanwhile, as by another machine */
  redis = pp_test_redis_new_on_port (port, NULL);
  writer = create_cache (url);
  store_string (writer, "k", "stored meanwhile", 0);

  deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  for (;;)
    {
      g_autoptr(GBytes) found = pp_cache_lookup (soon, "k", NULL, NULL);

      if (found != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (POLL_INTERVAL_MS * 1000);
    }

  /* Within its hour, the other has not tried again */
  assert_lookup (late, "k", NULL);
  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 2);
}

/* Killed while the cache is in use: misses and nothing stored, one warning */
static void
test_killed (Fixture       *fixture,
             gconstpointer  user_data)
{
  store_string (fixture->cache, "k", "before the crash", 0);
  assert_lookup (fixture->cache, "k", "before the crash");

  pp_test_redis_kill (fixture->redis);

  for (guint i = 0; i < 5; i++)
    {
      assert_not_stored (fixture->cache, "k");
      assert_lookup (fixture->cache, "k", NULL);
    }

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
}

/* A server that hangs costs each command at most the timeout, and is
 * warned about once, though it still accepts the connections tried again
 * after each retry interval */
static void
test_hung (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(PpCache) cache = create_cache_full (fixture->url, DEFAULT_KEY_PREFIX, 100, 1);
  gint64 retried_twice;

  store_string (cache, "k", "before the hang", 0);

  pp_test_redis_pause (fixture->redis);
  retried_twice = g_get_monotonic_time () + 2500 * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < retried_twice)
    {
      assert_lookup (cache, "k", NULL);
      assert_not_stored (cache, "k");
      g_usleep (POLL_INTERVAL_MS * 1000);
    }
  pp_test_redis_resume (fixture->redis);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
}

/* With the processor and the real plugins */

static const char *scientists[] = {
  "Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth",
};

#define N_SEGMENTS G_N_ELEMENTS (scientists)

/* One paragraph, and so one segment, a scientist */
static GString *
make_document_text (void)
{
  GString *text = g_string_new ("");

  for (guint i = 0; i < N_SEGMENTS; i++)
    g_string_append_printf (text, "In chapter %u the scientist %s wrote a long letter about engines.\n\n",
                            i, scientists[i]);

  return text;
}

static PpDocument *
make_document (void)
{
  g_autoptr(GString) text = make_document_text ();
  g_autoptr(GError) error = NULL;
  PpDocument *document;

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
                               "base-url", pp_test_server_get_base_url (server),
                               NULL);
  g_assert_no_error (error);

  converter = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "llm", &error, NULL);
  g_assert_no_error (error);

  return g_object_new (PP_TYPE_PROCESSOR,
                       "converter", converter,
                       "llm-client", client,
                       "cache", cache,
                       "segmenter", segmenter,
                       "max-workers", 2u,
                       "adaptive", FALSE,
                       "retry-delay", 1u,
                       NULL);
}

static void
document_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* A second processor with a cache of its own on the same server, as a
 * second process or machine would have, asks the LLM nothing */
static void
test_processor_second_run_asks_nothing (Fixture       *fixture,
                                        gconstpointer  user_data)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpDocument) document = make_document ();
  g_autoptr(PpCache) second_cache = create_cache (fixture->url);
  g_autoptr(PpProcessor) first = create_processor (server, fixture->cache);
  g_autoptr(PpProcessor) second = create_processor (server, second_cache);
  g_autoptr(JsonNode) first_graph = NULL;
  g_autoptr(JsonNode) second_graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  guint requests;

  first_graph = pp_processor_process_document (first, document, NULL, &error);
  g_assert_no_error (error);
  requests = pp_test_server_get_request_count (server);
  g_assert_cmpuint (requests, ==, N_SEGMENTS);

  second_graph = pp_processor_process_document (second, document, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, requests);

  stats = pp_processor_get_stats (second);
  g_assert_cmpuint (pp_stats_get_cache_hits (stats), ==, N_SEGMENTS);
  g_assert_cmpuint (pp_stats_get_llm_requests (stats), ==, 0);

  first_text = json_to_string (first_graph, FALSE);
  second_text = json_to_string (second_graph, FALSE);
  g_assert_cmpstr (first_text, ==, second_text);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 0);
}

/* Redis killed during a run: the run completes, no segment fails, and the
 * cache warns once */
static void
test_processor_redis_killed_mid_run (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autoptr(PpDocument) document = make_document ();
  g_autoptr(PpProcessor) processor = create_processor (server, fixture->cache);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(PpStats) stats = NULL;
  g_autoptr(GError) error = NULL;

  pp_test_server_set_hold (server, TRUE);
  pp_processor_process_document_async (processor, document, NULL, document_done, &result);

  /* Two segments looked up their answer in the cache and asked the LLM */
  g_assert_true (pp_test_server_wait_for_in_flight (server, 2, WAIT_TIMEOUT_MS));

  pp_test_redis_kill (fixture->redis);
  pp_test_server_set_hold (server, FALSE);

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  graph = pp_processor_process_document_finish (processor, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);

  stats = pp_processor_get_stats (processor);
  g_assert_cmpuint (pp_stats_get_done (stats), ==, N_SEGMENTS);
  g_assert_cmpuint (pp_stats_get_failed (stats), ==, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, N_SEGMENTS);
  /* Every answer came once the server was gone */
  g_assert_cmpuint (pp_stats_get_cache_store_failures (stats), ==, N_SEGMENTS);

  g_assert_cmpuint (count_warnings (PLUGIN_DOMAIN), ==, 1);
}

/* With pp-convert, a process of its own */

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the tool @name with the arguments, NULL-terminated, and no
 * configuration from the environment */
static void
run_tool (Run        *run,
          const char *name,
          const char *first_arg,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *tools = g_getenv ("PP_TOOLS_DIR");
  va_list args;

  g_assert_nonnull (tools);
  g_ptr_array_add (argv, g_build_filename (tools, name, name, NULL));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_BASE_URL");
  g_subprocess_launcher_unsetenv (launcher, "OPENAI_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static char *
write_document (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "scientists.txt", NULL);
  g_autoptr(GString) text = make_document_text ();

  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  return g_steal_pointer (&path);
}

/* A second pp-convert process with the same Redis cache asks the server
 * nothing, and writes the same graph */
static void
test_pp_convert_second_process_asks_nothing (Fixture       *fixture,
                                             gconstpointer  user_data)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autofree char *dir = g_dir_make_tmp ("pp-cache-redis-XXXXXX", NULL);
  g_autofree char *document = write_document (dir);
  g_autofree char *cache = g_strconcat ("--cache=", fixture->url, NULL);
  g_auto(Run) first = { 0 };
  g_auto(Run) second = { 0 };
  g_autofree char *keys = NULL;

  run_tool (&first, "pp-convert", "--endpoint", pp_test_server_get_base_url (server),
                  "--segment-size", "100", cache, "--quiet", document, NULL);
  g_assert_cmpstr (first.err, ==, "");
  g_assert_cmpint (first.status, ==, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, N_SEGMENTS);

  keys = pp_test_redis_query (fixture->redis, 0, "DBSIZE", NULL);
  g_assert_cmpuint (g_ascii_strtoull (keys, NULL, 10), ==, N_SEGMENTS);

  run_tool (&second, "pp-convert", "--endpoint", pp_test_server_get_base_url (server),
                  "--segment-size", "100", cache, "--quiet", document, NULL);
  g_assert_cmpstr (second.err, ==, "");
  g_assert_cmpint (second.status, ==, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, N_SEGMENTS);
  g_assert_cmpstr (second.out, ==, first.out);

  pp_test_remove_tree (dir);
}

/* pp-convert with a Redis that is down converts all the same, and shows the
 * password of the URL nowhere, debug messages included */
static void
test_pp_convert_redis_down (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autofree char *dir = g_dir_make_tmp ("pp-cache-redis-XXXXXX", NULL);
  g_autofree char *document = write_document (dir);
  g_autofree char *cache = g_strdup_printf ("--cache=redis://alice:pa%%3Ass%%2Fw%%40rd%%3F42@127.0.0.1:%u/2",
                                            pp_test_redis_pick_free_port ());
  g_auto(Run) quiet = { 0 };
  g_auto(Run) verbose = { 0 };
  g_autofree char *stats_path = g_build_filename (dir, "stats.json", NULL);
  g_autofree char *stats = NULL;

  run_tool (&quiet, "pp-convert", "--endpoint", pp_test_server_get_base_url (server),
                  "--segment-size", "100", cache, "--stats", stats_path, document, NULL);
  g_test_message ("%s", quiet.err);
  g_assert_cmpint (quiet.status, ==, 0);
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, N_SEGMENTS);
  g_assert_nonnull (strstr (quiet.err, "redis://alice:***@127.0.0.1:"));
  g_assert_cmpuint (pp_test_count_occurrences (quiet.err, PLUGIN_DOMAIN "-WARNING"), ==, 1);
  pp_test_secret_assert_absent (quiet.err, PASSWORD);
  pp_test_secret_assert_absent (quiet.out, PASSWORD);
  g_assert_true (g_file_get_contents (stats_path, &stats, NULL, NULL));
  pp_test_secret_assert_absent (stats, PASSWORD);

  run_tool (&verbose, "pp-convert", "--endpoint", pp_test_server_get_base_url (server),
                  "--segment-size", "100", cache, "--verbose", document, NULL);
  g_assert_cmpint (verbose.status, ==, 0);
  pp_test_secret_assert_absent (verbose.err, PASSWORD);
  pp_test_secret_assert_absent (verbose.out, PASSWORD);

  pp_test_remove_tree (dir);
}

/* With pp-cache, a process of its own */

/* pp-cache info, prune and clear on a Redis cache, end to end */
static void
test_pp_cache_info_prune_clear (Fixture       *fixture,
                                gconstpointer  user_data)
{
  g_autofree char *location = g_strdup_printf ("location: %s\n", fixture->url);
  g_autofree char *outside = pp_test_redis_query (fixture->redis, 0, "SET", "other:k", "kept", NULL);
  g_autofree char *kept = NULL;
  g_auto(Run) info = { 0 };
  g_auto(Run) pruned = { 0 };
  g_auto(Run) cleared = { 0 };
  g_auto(Run) empty = { 0 };
  gint64 now = g_get_real_time ();

  store_entries (fixture->cache, "key", 0, 5);
  set_created (fixture->redis, "libpp:llm:key-0", now - TWO_DAYS_US);
  set_created (fixture->redis, "libpp:llm:key-1", now - TWO_DAYS_US);

  run_tool (&info, "pp-cache", "--cache", fixture->url, "info", NULL);
  g_assert_cmpstr (info.err, ==, "");
  g_assert_cmpint (info.status, ==, 0);
  g_assert_nonnull (strstr (info.out, location));
  g_assert_nonnull (strstr (info.out, "entries: 5\n"));
  g_assert_nonnull (strstr (info.out, "bytes: 205\n"));
  g_assert_null (strstr (info.out, "oldest: -\n"));
  g_assert_null (strstr (info.out, "newest: -\n"));

  run_tool (&pruned, "pp-cache", "--cache", fixture->url, "prune", "--older-than", "1d", NULL);
  g_assert_cmpstr (pruned.err, ==, "");
  g_assert_cmpint (pruned.status, ==, 0);
  g_assert_cmpstr (pruned.out, ==, "removed: 2\n");
  assert_lookup (fixture->cache, "key-0", NULL);
  assert_lookup (fixture->cache, "key-2", "0123456789");

  run_tool (&cleared, "pp-cache", "--cache", fixture->url, "clear", NULL);
  g_assert_cmpstr (cleared.err, ==, "");
  g_assert_cmpint (cleared.status, ==, 0);
  g_assert_cmpstr (cleared.out, ==, "removed: 3\n");

  run_tool (&empty, "pp-cache", "--cache", fixture->url, "info", NULL);
  g_assert_cmpint (empty.status, ==, 0);
  g_assert_nonnull (strstr (empty.out, "entries: 0\n"));
  g_assert_nonnull (strstr (empty.out, "oldest: -\n"));

  kept = pp_test_redis_query (fixture->redis, 0, "GET", "other:k", NULL);
  g_assert_cmpstr (kept, ==, "kept");
}

/* pp-cache with a Redis that is down fails, saying why, and shows the
 * password nowhere */
static void
test_pp_cache_redis_down (void)
{
  g_autofree char *url = g_strdup_printf ("redis://alice:pa%%3Ass%%2Fw%%40rd%%3F42@127.0.0.1:%u/2",
                                          pp_test_redis_pick_free_port ());
  g_auto(Run) run = { 0 };

  run_tool (&run, "pp-cache", "--cache", url, "info", NULL);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_true (g_str_has_prefix (run.err, "pp-cache: Redis cache redis://alice:***@127.0.0.1:"));
  g_assert_null (strstr (run.err, "WARNING"));
  pp_test_secret_assert_absent (run.err, PASSWORD);
  pp_test_secret_assert_absent (run.out, PASSWORD);
}

static void
skip_without_redis (gconstpointer user_data)
{
  pp_test_redis_skip_if_missing ();
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *redis_server = g_find_program_in_path ("redis-server");

  g_test_init (&argc, &argv, NULL);
  logged = g_ptr_array_new_with_free_func ((GDestroyNotify) logged_message_free);
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (record_messages, NULL, NULL);

  /* Without redis-server, every test that needs it is skipped, saying why */
#define ADD(path, func) \
  G_STMT_START { \
    if (redis_server != NULL) \
      g_test_add ("/cache-redis/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down); \
    else \
      g_test_add_data_func ("/cache-redis/" path, NULL, skip_without_redis); \
  } G_STMT_END
#define ADD_FUNC(path, func) \
  G_STMT_START { \
    if (redis_server != NULL) \
      g_test_add_func ("/cache-redis/" path, func); \
    else \
      g_test_add_data_func ("/cache-redis/" path, NULL, skip_without_redis); \
  } G_STMT_END

  g_test_add_func ("/cache-redis/registry", test_registry);
  g_test_add_func ("/cache-redis/url/invalid", test_url_invalid);
  g_test_add_func ("/cache-redis/url/password-hidden", test_url_password_hidden);
  ADD ("store-lookup", test_store_lookup);
  ADD ("key-prefix", test_key_prefix);
  ADD ("ttl/expires", test_ttl_expires);
  ADD ("shared-between-caches", test_shared_between_caches);
  ADD ("select-db", test_select_db);
  ADD ("threads", test_threads);
  ADD ("close/releases-connections", test_close);
  ADD ("idle-connection-closed-by-server", test_idle_connection_closed_by_server);
  ADD ("cancelled", test_cancelled);
  ADD ("error-reply/warned-once", test_error_reply);
  ADD ("entry/header", test_entry_header);
  ADD ("entry/corrupt-header-is-a-miss", test_entry_corrupt_header);
  ADD ("admin/info", test_admin_info);
  ADD_FUNC ("admin/info/password-hidden", test_admin_info_password_hidden);
  ADD ("admin/clear/only-the-prefix", test_admin_clear);
  ADD ("admin/prune/only-older-entries", test_admin_prune);
  ADD ("admin/cancelled", test_admin_cancelled);
  g_test_add_func ("/cache-redis/admin/down-is-an-error", test_admin_down);
  ADD_FUNC ("auth/password", test_auth_password);
  ADD_FUNC ("auth/acl-user", test_auth_acl_user);
  ADD_FUNC ("auth/refused-password-not-shown", test_auth_refused);
  g_test_add_func ("/cache-redis/down/at-start", test_down_at_start);
  ADD_FUNC ("down/then-up", test_down_then_up);
  ADD ("down/killed", test_killed);
  ADD ("down/hung", test_hung);
  ADD ("processor/second-run-asks-nothing", test_processor_second_run_asks_nothing);
  ADD ("processor/redis-killed-mid-run", test_processor_redis_killed_mid_run);
  ADD ("pp-convert/second-process-asks-nothing", test_pp_convert_second_process_asks_nothing);
  g_test_add_func ("/cache-redis/pp-convert/redis-down-password-not-shown", test_pp_convert_redis_down);
  ADD ("pp-cache/info-prune-clear", test_pp_cache_info_prune_clear);
  g_test_add_func ("/cache-redis/pp-cache/redis-down-password-not-shown", test_pp_cache_redis_down);

#undef ADD
#undef ADD_FUNC

  return g_test_run ();
}
