/* pp-test-secret.c: the forms a secret takes when it is echoed, and a log to search for them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-test-secret.h"

static void
add_percent_forms (GPtrArray  *forms,
                   const char *secret)
{
  g_autofree char *upper = g_uri_escape_string (secret, NULL, FALSE);
  GString *lower = g_string_new (NULL);
  GString *every_upper = g_string_new (NULL);
  GString *every_lower = g_string_new (NULL);

  /* only the hex digits of the escapes change case */
  for (const char *p = upper; *p != '\0'; p++)
    {
      if (*p == '%' && p[1] != '\0' && p[2] != '\0')
        {
          g_string_append_c (lower, '%');
          g_string_append_c (lower, g_ascii_tolower (p[1]));
          g_string_append_c (lower, g_ascii_tolower (p[2]));
          p += 2;
        }
      else
        g_string_append_c (lower, *p);
    }

  for (const char *p = secret; *p != '\0'; p++)
    {
      g_string_append_printf (every_upper, "%%%02X", (guchar) *p);
      g_string_append_printf (every_lower, "%%%02x", (guchar) *p);
    }

  g_ptr_array_add (forms, g_steal_pointer (&upper));
  g_ptr_array_add (forms, g_string_free (lower, FALSE));
  g_ptr_array_add (forms, g_string_free (every_upper, FALSE));
  g_ptr_array_add (forms, g_string_free (every_lower, FALSE));
}

static void
add_json_forms (GPtrArray  *forms,
                const char *secret)
{
  GString *escaped = g_string_new (NULL);
  GString *unicode = g_string_new (NULL);

  for (const char *p = secret; *p != '\0'; p++)
    {
      if (*p == '/' || *p == '"' || *p == '\\')
        g_string_append_c (escaped, '\\');
      g_string_append_c (escaped, *p);

      if (g_ascii_isalnum (*p))
        g_string_append_c (unicode, *p);
      else
        g_string_append_printf (unicode, "\\u%04x", (guchar) *p);
    }

  g_ptr_array_add (forms, g_string_free (escaped, FALSE));
  g_ptr_array_add (forms, g_string_free (unicode, FALSE));
}

static void
add_base64_forms (GPtrArray  *forms,
                  const char *text)
{
  char *standard = g_base64_encode ((const guchar *) text, strlen (text));
  char *url_safe = g_strdup (standard);

  g_strdelimit (url_safe, "+", '-');
  g_strdelimit (url_safe, "/", '_');
  g_strdelimit (url_safe, "=", '\0');

  g_ptr_array_add (forms, standard);
  g_ptr_array_add (forms, url_safe);
}

/*
 * pp_test_secret_dup_forms:
 * @secret: a secret, such as an API key
 *
 * Returns: (transfer container) (element-type utf8): the forms @secret takes
 *   when a server echoes it: as it is, percent-encoded (in part or wholly,
 *   in upper- or lower-case hex), JSON-escaped, and base64 of @secret and
 *   of "Bearer @secret" (with padding, and URL-safe without)
 */
GPtrArray *
pp_test_secret_dup_forms (const char *secret)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *authorization = g_strconcat ("Bearer ", secret, NULL);

  g_ptr_array_add (forms, g_strdup (secret));
  add_percent_forms (forms, secret);
  add_json_forms (forms, secret);
  add_base64_forms (forms, secret);
  add_base64_forms (forms, authorization);

  return forms;
}

/* Fails the test if @text holds @secret in any of its forms */
void
pp_test_secret_assert_absent (const char *text,
                              const char *secret)
{
  g_autoptr(GPtrArray) forms = pp_test_secret_dup_forms (secret);

  for (guint i = 0; i < forms->len; i++)
    {
      const char *form = g_ptr_array_index (forms, i);

      if (strstr (text, form) != NULL)
        g_test_message ("the secret shows as “%s” in: %s", form, text);
      g_assert_null (strstr (text, form));
    }
}

/* A log writer that keeps every message, debug ones included */

static GMutex capture_lock;
static GPtrArray *captured;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      if (strcmp (fields[i].key, "MESSAGE") == 0)
        {
          gsize length = fields[i].length < 0 ? strlen (fields[i].value) : (gsize) fields[i].length;

          g_mutex_lock (&capture_lock);
          g_ptr_array_add (captured, g_strndup (fields[i].value, length));
          g_mutex_unlock (&capture_lock);
        }
    }

  if (log_level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Keeps every message logged from now on, debug ones included; call it
 * once, at the start of main() */
void
pp_test_log_capture_install (void)
{
  captured = g_ptr_array_new_with_free_func (g_free);
  g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (capture_writer, NULL, NULL);
}

/* Returns: (transfer container): the messages logged so far */
GPtrArray *
pp_test_log_capture_dup_messages (void)
{
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);

  g_mutex_lock (&capture_lock);
  for (guint i = 0; i < captured->len; i++)
    g_ptr_array_add (messages, g_strdup (g_ptr_array_index (captured, i)));
  g_mutex_unlock (&capture_lock);

  return messages;
}

void
pp_test_log_capture_clear (void)
{
  g_mutex_lock (&capture_lock);
  g_ptr_array_set_size (captured, 0);
  g_mutex_unlock (&capture_lock);
}
