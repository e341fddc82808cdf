/* pp-redis-entry.c: the stored form of a cache entry: a header, then the value
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-redis-entry.h"

/*
 * A Redis string keeps no time of its own but its time to live, so every
 * entry is stored behind a header of PP_REDIS_ENTRY_HEADER_SIZE bytes:
 *
 * | bytes | holds |
 * |---|---|
 * | 0–6  | the magic "PPCACHE" |
 * | 7    | the version of the format, 1 |
 * | 8–15 | when the entry was stored, in µs since 1970 UTC, a big-endian signed integer |
 *
 * followed by the value, any bytes. A string without this header (a value
 * written by something else, or damaged) is no entry: it is never taken
 * for an answer.
 */

#define MAGIC "PPCACHE"
#define MAGIC_SIZE 7
#define VERSION 1
#define TIME_OFFSET 8

G_STATIC_ASSERT (sizeof MAGIC == MAGIC_SIZE + 1);
G_STATIC_ASSERT (TIME_OFFSET + sizeof (gint64) == PP_REDIS_ENTRY_HEADER_SIZE);

/* @value behind a header saying it was stored at @created_us */
GBytes *
pp_redis_entry_pack (GBytes *value,
                     gint64  created_us)
{
  guint64 created_be = GUINT64_TO_BE ((guint64) created_us);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (value, &size);
  guint8 *entry = g_malloc (PP_REDIS_ENTRY_HEADER_SIZE + size);

  memcpy (entry, MAGIC, MAGIC_SIZE);
  entry[MAGIC_SIZE] = VERSION;
  memcpy (entry + TIME_OFFSET, &created_be, sizeof created_be);
  if (size > 0)
    memcpy (entry + PP_REDIS_ENTRY_HEADER_SIZE, data, size);

  return g_bytes_new_take (entry, PP_REDIS_ENTRY_HEADER_SIZE + size);
}

/* Whether @data, a stored string or its first bytes, starts with a valid
 * header; if so, *@created_us is set to when the entry was stored */
gboolean
pp_redis_entry_read_header (const char *data,
                            gsize       size,
                            gint64     *created_us)
{
  guint64 created_be;

  if (size < PP_REDIS_ENTRY_HEADER_SIZE ||
      memcmp (data, MAGIC, MAGIC_SIZE) != 0 ||
      (guint8) data[MAGIC_SIZE] != VERSION)
    return FALSE;

  memcpy (&created_be, data + TIME_OFFSET, sizeof created_be);
  *created_us = (gint64) GUINT64_FROM_BE (created_be);

  return TRUE;
}

/* The value stored in @data, or NULL when it has no valid header */
GBytes *
pp_redis_entry_unpack (const char *data,
                       gsize       size)
{
  gint64 created_us;

  if (!pp_redis_entry_read_header (data, size, &created_us))
    return NULL;

  return g_bytes_new (data + PP_REDIS_ENTRY_HEADER_SIZE, size - PP_REDIS_ENTRY_HEADER_SIZE);
}
