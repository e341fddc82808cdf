/* test-cache-memory.c: the "memory" cache plugin
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

/* Creates a "memory" cache through the registry; 0 keeps a default */
static PpCache *
create_cache (guint   max_entries,
              guint64 max_bytes)
{
  g_autoptr(GError) error = NULL;
  GObject *object;

  if (max_entries == 0)
    max_entries = 10000;
  if (max_bytes == 0)
    max_bytes = (guint64) 256 * 1024 * 1024;

  object = pp_registry_create (PP_CACHE_EXTENSION_POINT, "memory", &error,
                               "max-entries", max_entries,
                               "max-bytes", max_bytes,
                               NULL);
  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_assert_true (PP_IS_CACHE (object));

  return PP_CACHE (object);
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

static guint
get_n_entries (PpCache *cache)
{
  guint n_entries = 0;

  g_object_get (cache, "n-entries", &n_entries, NULL);

  return n_entries;
}

static guint64
get_n_bytes (PpCache *cache)
{
  guint64 n_bytes = 0;

  g_object_get (cache, "n-bytes", &n_bytes, NULL);

  return n_bytes;
}

static void
test_registry (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) object = NULL;
  GList *extensions;
  gboolean found = FALSE;
  guint max_entries = 0;
  guint64 max_bytes = 0;

  object = pp_registry_create (PP_CACHE_EXTENSION_POINT, "memory", &error,
                               "max-entries", 3,
                               NULL);
  g_assert_no_error (error);
  g_assert_true (PP_IS_CACHE (object));
  g_assert_true (G_TYPE_IS_FINAL (G_OBJECT_TYPE (object)));

  g_object_get (object, "max-entries", &max_entries, "max-bytes", &max_bytes, NULL);
  g_assert_cmpuint (max_entries, ==, 3);
  g_assert_cmpuint (max_bytes, ==, (guint64) 256 * 1024 * 1024);
  g_assert_cmpuint (get_n_entries (PP_CACHE (object)), ==, 0);

  extensions = pp_registry_list_extensions (PP_CACHE_EXTENSION_POINT);
  for (GList *l = extensions; l != NULL; l = l->next)
    {
      PpExtension *extension = l->data;

      if (g_strcmp0 (pp_extension_get_name (extension), "memory") != 0)
        continue;

      found = TRUE;
      g_assert_cmpint (pp_extension_get_priority (extension), ==, 10);
      g_assert_cmpstr (pp_extension_get_description (extension), ==,
                       "In-process LRU cache, lost when the process ends");
      g_assert_true (pp_extension_get_implementation_type (extension) == G_OBJECT_TYPE (object));
    }
  g_list_free (extensions);
  g_assert_true (found);
}

static void
test_defaults (void)
{
  g_autoptr(GObject) object = NULL;
  g_autoptr(GError) error = NULL;
  guint max_entries = 0;

  /* With no property set at all */
  object = pp_registry_create_with_properties (PP_CACHE_EXTENSION_POINT, "memory",
                                               0, NULL, NULL, &error);
  g_assert_no_error (error);

  g_object_get (object, "max-entries", &max_entries, NULL);
  g_assert_cmpuint (max_entries, ==, 10000);
}

static void
test_hit_miss (void)
{
  g_autoptr(PpCache) cache = create_cache (0, 0);

  assert_lookup (cache, "alpha", NULL);

  store_string (cache, "alpha", "one", 0);
  assert_lookup (cache, "alpha", "one");
  assert_lookup (cache, "beta", NULL);
  assert_lookup (cache, "alph", NULL);
  assert_lookup (cache, "", NULL);

  /* The empty key and an empty value are ordinary ones */
  store_string (cache, "", "", 0);
  assert_lookup (cache, "", "");
  g_assert_cmpuint (get_n_entries (cache), ==, 2);
}

static void
test_miss_is_not_an_error (void)
{
  g_autoptr(PpCache) cache = create_cache (0, 0);
  GError *error = NULL;
  GBytes *value;

  value = pp_cache_lookup (cache, "absent", NULL, &error);
  g_assert_null (value);
  g_assert_no_error (error);

  /* Nor is it when the caller does not ask for errors */
  value = pp_cache_lookup (cache, "absent", NULL, NULL);
  g_assert_null (value);
}

static void
test_value_is_shared_not_copied (void)
{
  g_autoptr(PpCache) cache = create_cache (0, 0);
  g_autoptr(GBytes) stored = bytes_from_string ("payload");
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (pp_cache_store (cache, "k", stored, 0, NULL, &error));
  g_assert_no_error (error);

  found = pp_cache_lookup (cache, "k", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (found == stored);
}

static void
test_replace (void)
{
  g_autoptr(PpCache) cache = create_cache (3, 0);
  guint64 bytes_before;

  store_string (cache, "a", "first", 0);
  bytes_before = get_n_bytes (cache);
  g_assert_cmpuint (bytes_before, ==, strlen ("a") + strlen ("first"));

  store_string (cache, "a", "second value", 0);
  assert_lookup (cache, "a", "second value");
  g_assert_cmpuint (get_n_entries (cache), ==, 1);
  g_assert_cmpuint (get_n_bytes (cache), ==, strlen ("a") + strlen ("second value"));

  /* Replacing makes the entry the most recently used one */
  store_string (cache, "b", "B", 0);
  store_string (cache, "c", "C", 0);
  store_string (cache, "a", "third", 0);
  store_string (cache, "d", "D", 0);
  assert_lookup (cache, "a", "third");
  assert_lookup (cache, "b", NULL);
  assert_lookup (cache, "c", "C");
  assert_lookup (cache, "d", "D");
}

static void
test_lru_order (void)
{
  g_autoptr(PpCache) cache = create_cache (3, 0);

  store_string (cache, "a", "A", 0);
  store_string (cache, "b", "B", 0);
  store_string (cache, "c", "C", 0);
  g_assert_cmpuint (get_n_entries (cache), ==, 3);

  /* A lookup refreshes "a": "b" is now the least recently used */
  assert_lookup (cache, "a", "A");
  store_string (cache, "d", "D", 0);
  g_assert_cmpuint (get_n_entries (cache), ==, 3);
  assert_lookup (cache, "b", NULL);

  /* Order of use is now c (oldest), a, d (newest) */
  store_string (cache, "e", "E", 0);
  assert_lookup (cache, "c", NULL);
  assert_lookup (cache, "a", "A");
  assert_lookup (cache, "d", "D");
  assert_lookup (cache, "e", "E");

  /* A miss refreshes nothing: order is a, d, e; "a" goes next */
  assert_lookup (cache, "zzz", NULL);
  store_string (cache, "f", "F", 0);
  assert_lookup (cache, "a", NULL);
  assert_lookup (cache, "d", "D");
  assert_lookup (cache, "e", "E");
  assert_lookup (cache, "f", "F");

  /* Lowering the bound drops the least recently used at once */
  g_object_set (cache, "max-entries", 1, NULL);
  g_assert_cmpuint (get_n_entries (cache), ==, 1);
  assert_lookup (cache, "d", NULL);
  assert_lookup (cache, "e", NULL);
  assert_lookup (cache, "f", "F");
}

static void
test_byte_bound (void)
{
  g_autoptr(PpCache) cache = NULL;
  char value[101];

  memset (value, 'x', 100);
  value[100] = '\0';

  /* Each entry is a 2-byte key and a 100-byte value: three fit in 350 */
  cache = create_cache (0, 350);

  store_string (cache, "k1", value, 0);
  store_string (cache, "k2", value, 0);
  store_string (cache, "k3", value, 0);
  g_assert_cmpuint (get_n_entries (cache), ==, 3);
  g_assert_cmpuint (get_n_bytes (cache), ==, 306);

  assert_lookup (cache, "k1", value);
  store_string (cache, "k4", value, 0);
  g_assert_cmpuint (get_n_entries (cache), ==, 3);
  g_assert_cmpuint (get_n_bytes (cache), <=, 350);
  assert_lookup (cache, "k2", NULL);
  assert_lookup (cache, "k1", value);
  assert_lookup (cache, "k3", value);
  assert_lookup (cache, "k4", value);

  /* A large entry pushes out as many as it needs */
  {
    char big[301];

    memset (big, 'y', 300);
    big[300] = '\0';
    store_string (cache, "kb", big, 0);
    g_assert_cmpuint (get_n_entries (cache), ==, 1);
    g_assert_cmpuint (get_n_bytes (cache), ==, 302);
    assert_lookup (cache, "kb", big);
  }

  /* One that could never fit is not kept, and does not empty the cache;
   * it replaces what its key held */
  {
    char huge[400];

    memset (huge, 'z', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    store_string (cache, "k1", value, 0);
    store_string (cache, "kh", huge, 0);
    assert_lookup (cache, "kh", NULL);
    assert_lookup (cache, "k1", value);

    store_string (cache, "k1", huge, 0);
    assert_lookup (cache, "k1", NULL);
    g_assert_cmpuint (get_n_bytes (cache), <=, 350);
  }
}

/* Blocks until the monotonic clock reaches @deadline */
static void
wait_until_monotonic (gint64 deadline)
{
  GMutex mutex;
  GCond cond;

  g_mutex_init (&mutex);
  g_cond_init (&cond);

  g_mutex_lock (&mutex);
  while (g_get_monotonic_time () < deadline)
    g_cond_wait_until (&cond, &mutex, deadline);
  g_mutex_unlock (&mutex);

  g_cond_clear (&cond);
  g_mutex_clear (&mutex);
}

static void
test_ttl (void)
{
  g_autoptr(PpCache) cache = create_cache (0, 0);
  g_autoptr(GBytes) early = NULL;
  gint64 before, after_lookup, deadline;

  store_string (cache, "forever", "F", 0);
  store_string (cache, "long", "L", 3600);

  before = g_get_monotonic_time ();
  store_string (cache, "short", "S", 1);
  early = pp_cache_lookup (cache, "short", NULL, NULL);
  after_lookup = g_get_monotonic_time ();

  /* Only when the lookup surely came before the expiry must it hit */
  if (after_lookup < before + G_USEC_PER_SEC)
    {
      g_assert_nonnull (early);
      g_assert_cmpmem (g_bytes_get_data (early, NULL), g_bytes_get_size (early), "S", 1);
    }

  /* The entry expires 1 s after the store, which came after @before was
   * read: any time at or past @deadline is past its expiry */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  wait_until_monotonic (deadline);

  g_assert_cmpuint (get_n_entries (cache), ==, 3);
  assert_lookup (cache, "short", NULL);
  /* An expired entry is dropped when found */
  g_assert_cmpuint (get_n_entries (cache), ==, 2);
  assert_lookup (cache, "short", NULL);

  assert_lookup (cache, "forever", "F");
  assert_lookup (cache, "long", "L");

  /* Storing again gives the key a new life */
  store_string (cache, "short", "S2", 0);
  assert_lookup (cache, "short", "S2");
}

#define N_THREADS 8
#define N_KEYS 64
#define N_ROUNDS 20000

typedef struct
{
  PpCache *cache;
  guint thread_index;
  guint hits;
  guint misses;
  guint wrong;
} HammerData;

static char *
value_for_key (guint key)
{
  /* Values of different lengths, so that a mix-up cannot go unseen */
  return g_strdup_printf ("value-of-%u-%.*s", key, (int) (key % 17), "abcdefghijklmnopq");
}

static gpointer
hammer_thread (gpointer user_data)
{
  HammerData *data = user_data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (data->thread_index + 1);

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      guint key = g_rand_int_range (rand, 0, N_KEYS);
      g_autofree char *key_string = g_strdup_printf ("key-%u", key);
      g_autofree char *expected = value_for_key (key);

      if (g_rand_boolean (rand))
        {
          g_autoptr(GBytes) value = g_bytes_new_take (g_strdup (expected), strlen (expected));

          if (!pp_cache_store (data->cache, key_string, value, 0, NULL, NULL))
            data->wrong++;
        }
      else
        {
          GError *error = NULL;
          g_autoptr(GBytes) value = pp_cache_lookup (data->cache, key_string, NULL, &error);

          if (error != NULL)
            {
              data->wrong++;
              g_error_free (error);
            }
          else if (value == NULL)
            {
              data->misses++;
            }
          else if (g_bytes_get_size (value) != strlen (expected) ||
                   memcmp (g_bytes_get_data (value, NULL), expected, strlen (expected)) != 0)
            {
              data->wrong++;
            }
          else
            {
              data->hits++;
            }
        }
    }

  return NULL;
}

static void
test_threads (void)
{
  /* Fewer entries than keys, so that the threads evict each other's */
  g_autoptr(PpCache) cache = create_cache (N_KEYS / 2, 0);
  HammerData data[N_THREADS];
  GThread *threads[N_THREADS];
  guint hits = 0;
  guint misses = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      data[i] = (HammerData) { .cache = cache, .thread_index = i };
      threads[i] = g_thread_new ("hammer", hammer_thread, &data[i]);
    }

  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (data[i].wrong, ==, 0);
      hits += data[i].hits;
      misses += data[i].misses;
    }

  g_test_message ("%u hits, %u misses", hits, misses);
  g_assert_cmpuint (hits, >, 0);
  g_assert_cmpuint (misses, >, 0);
  g_assert_cmpuint (get_n_entries (cache), ==, N_KEYS / 2);

  /* What is left is consistent: every entry holds its key's value, and the
   * byte count is the sum of the entries' sizes */
  {
    guint64 n_bytes = 0;
    guint n_found = 0;

    for (guint key = 0; key < N_KEYS; key++)
      {
        g_autofree char *key_string = g_strdup_printf ("key-%u", key);
        g_autofree char *expected = value_for_key (key);
        g_autoptr(GBytes) value = pp_cache_lookup (cache, key_string, NULL, NULL);

        if (value == NULL)
          continue;

        n_found++;
        n_bytes += strlen (key_string) + strlen (expected);
        g_assert_cmpmem (g_bytes_get_data (value, NULL), g_bytes_get_size (value),
                         expected, strlen (expected));
      }

    g_assert_cmpuint (n_found, ==, N_KEYS / 2);
    g_assert_cmpuint (get_n_bytes (cache), ==, n_bytes);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cache-memory/registry", test_registry);
  g_test_add_func ("/cache-memory/defaults", test_defaults);
  g_test_add_func ("/cache-memory/hit-miss", test_hit_miss);
  g_test_add_func ("/cache-memory/miss-is-not-an-error", test_miss_is_not_an_error);
  g_test_add_func ("/cache-memory/value-is-shared", test_value_is_shared_not_copied);
  g_test_add_func ("/cache-memory/replace", test_replace);
  g_test_add_func ("/cache-memory/lru-order", test_lru_order);
  g_test_add_func ("/cache-memory/byte-bound", test_byte_bound);
  g_test_add_func ("/cache-memory/ttl", test_ttl);
  g_test_add_func ("/cache-memory/threads", test_threads);

  return g_test_run ();
}
