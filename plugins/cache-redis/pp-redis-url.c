/* pp-redis-url.c: the address of a Redis server, and its form fit to show
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <libpp/libpp.h>

#include "pp-redis-url.h"

/*
 * pp_redis_url_hide_password:
 * @url: a Redis URL, valid or not
 *
 * Replaces the password of @url with %PP_REDIS_URL_HIDDEN, and the whole
 * user information when it has no colon (some clients read
 * `redis://secret@host` as a password). Works on text that is not a valid
 * URL too, so that the password of a mistyped URL is not shown either: the
 * user information is taken to end at the last `@`, wherever it is, in
 * case the password holds a `/` or an `@` that was not percent-encoded.
 *
 * Returns: (transfer full): @url as it may be shown
 */
char *
pp_redis_url_hide_password (const char *url)
{
  const char *authority;
  const char *at;
  const char *colon;

  g_return_val_if_fail (url != NULL, NULL);

  authority = strstr (url, "://");
  authority = authority != NULL ? authority + strlen ("://") : url;

  at = strrchr (authority, '@');
  if (at == NULL)
    return g_strdup (url);

  colon = memchr (authority, ':', at - authority);
  if (colon != NULL)
    return g_strdup_printf ("%.*s" PP_REDIS_URL_HIDDEN "%s", (int) (colon + 1 - url), url, at);

  return g_strdup_printf ("%.*s" PP_REDIS_URL_HIDDEN "%s", (int) (authority - url), url, at);
}

static void
wipe_string (char *string)
{
  if (string != NULL)
    explicit_bzero (string, strlen (string));
  g_free (string);
}

void
pp_redis_url_free (PpRedisUrl *url)
{
  if (url == NULL)
    return;

  g_free (url->host);
  g_free (url->user);
  wipe_string (url->password);
  g_free (url->display);
  g_free (url);
}

/* The database index of a path: "" and "/" are 0, "/N" is N */
static gboolean
parse_db (const char *path,
          guint      *db)
{
  guint64 value = 0;

  *db = 0;

  if (*path == '\0' || strcmp (path, "/") == 0)
    return TRUE;

  if (!g_ascii_string_to_unsigned (path + 1, 10, 0, G_MAXINT, &value, NULL))
    return FALSE;

  *db = (guint) value;
  return TRUE;
}

/*
 * pp_redis_url_parse:
 * @url: a URL of the form `redis://[[user]:password@]host[:port][/db]`;
 *   the user name and password are percent-decoded
 * @error: return location for a %PP_CACHE_ERROR_FAILED error
 *
 * Parses the address of a Redis server. The port defaults to 6379 and the
 * database to 0. No message names the password: what a message quotes of
 * @url is pp_redis_url_hide_password() of it.
 *
 * Returns: (transfer full) (nullable): the parsed URL, or %NULL with
 *   @error set
 */
PpRedisUrl *
pp_redis_url_parse (const char  *url,
                    GError     **error)
{
  g_autoptr(PpRedisUrl) parsed = g_new0 (PpRedisUrl, 1);
  g_autoptr(GUri) uri = NULL;
  const char *user;
  const char *password;
  int port;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parsed->display = pp_redis_url_hide_password (url);

  /* GUri's own messages may quote a piece of the password, so they are
   * not passed on */
  uri = g_uri_parse (url, G_URI_FLAGS_HAS_PASSWORD, NULL);
  if (uri == NULL)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: not a valid URL "
                   "(redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], special characters percent-encoded)",
                   parsed->display);
      return NULL;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "rediss") == 0)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: TLS (rediss://) is not supported; "
                   "reach the server through a TLS tunnel with a redis:// URL",
                   parsed->display);
      return NULL;
    }

  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "redis") != 0)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: the scheme is not “redis”", parsed->display);
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: no host", parsed->display);
      return NULL;
    }

  port = g_uri_get_port (uri);
  if (port == 0)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: port 0 is not a port to connect to", parsed->display);
      return NULL;
    }

  if (!parse_db (g_uri_get_path (uri), &parsed->db))
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: the path is not a database number", parsed->display);
      return NULL;
    }

  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: a query or fragment is not understood", parsed->display);
      return NULL;
    }

  user = g_uri_get_user (uri);
  password = g_uri_get_password (uri);
  if (user != NULL && *user != '\0' && password == NULL)
    {
      g_set_error (error, PP_CACHE_ERROR, PP_CACHE_ERROR_FAILED,
                   "Redis URL “%s”: a user name needs a password; "
                   "a password alone is written redis://:PASSWORD@HOST", parsed->display);
      return NULL;
    }

  parsed->host = g_strdup (g_uri_get_host (uri));
  parsed->port = port > 0 ? (guint16) port : PP_REDIS_DEFAULT_PORT;
  parsed->user = user != NULL && *user != '\0' ? g_strdup (user) : NULL;
  parsed->password = password != NULL && *password != '\0' ? g_strdup (password) : NULL;

  return g_steal_pointer (&parsed);
}
