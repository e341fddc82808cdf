/* pp-llm-openai-headers.c: what an answer's headers say of rate limits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "pp-llm-openai-headers.h"

/* Reads a plain decimal number at *@p, such as "2", "0.5" or ".25" (no
 * sign, exponent, hex, "inf" or "nan"), and moves *@p past it */
static gboolean
read_decimal (const char **p,
              double      *value)
{
  const char *start = *p;
  const char *q = start;
  gboolean digits = FALSE;
  g_autofree char *number = NULL;

  for (; g_ascii_isdigit (*q); q++)
    digits = TRUE;
  if (*q == '.')
    for (q++; g_ascii_isdigit (*q); q++)
      digits = TRUE;

  if (!digits)
    return FALSE;

  number = g_strndup (start, q - start);
  *value = g_ascii_strtod (number, NULL);
  *p = q;

  return isfinite (*value);
}

/* @text without the white space around it is all that @parse reads */
static const char *
skip_space (const char *text)
{
  while (g_ascii_isspace (*text))
    text++;

  return text;
}

/* Milliseconds, rounded up (a delay asked for is never shortened),
 * clamped to a guint */
static guint
to_ms (double ms)
{
  return (guint) MIN (ceil (ms), (double) G_MAXUINT);
}

/* A whole value that is one decimal number, in @unit_ms milliseconds */
static gboolean
parse_number_ms (const char *value,
                 double      unit_ms,
                 guint      *ms)
{
  const char *p = skip_space (value);
  double number;

  if (!read_decimal (&p, &number) || *skip_space (p) != '\0')
    return FALSE;

  *ms = to_ms (number * unit_ms);
  return TRUE;
}

/* A duration as OpenAI writes it, Go's form: "20ms", "1.5s", "6m0s",
 * "1h2m3.5s"; a bare number is seconds */
static gboolean
parse_duration_ms (const char *value,
                   guint      *ms)
{
  static const struct {
    const char *suffix;
    double ms;
  } units[] = {
    /* "ms" before "m", "µs" and "us" before "s" */
    { "ms", 1.0 }, { "us", 1e-3 }, { "µs", 1e-3 }, { "ns", 1e-6 },
    { "h", 3600e3 }, { "m", 60e3 }, { "s", 1e3 },
  };
  const char *p = skip_space (value);
  double total = 0.0;

  if (parse_number_ms (value, 1e3, ms))
    return TRUE;

  if (*p == '\0')
    return FALSE;

  while (*p != '\0' && !g_ascii_isspace (*p))
    {
      double number;
      gsize i;

      if (!read_decimal (&p, &number))
        return FALSE;

      for (i = 0; i < G_N_ELEMENTS (units); i++)
        {
          if (g_str_has_prefix (p, units[i].suffix))
            break;
        }
      if (i == G_N_ELEMENTS (units))
        return FALSE;

      p += strlen (units[i].suffix);
      total += number * units[i].ms;
    }

  if (*skip_space (p) != '\0')
    return FALSE;

  *ms = to_ms (total);
  return TRUE;
}

/* The delay an HTTP date is from now, in milliseconds */
static gboolean
parse_http_date_ms (const char *value,
                    guint      *ms)
{
  g_autoptr(GDateTime) date = soup_date_time_new_from_http_string (skip_space (value));
  g_autoptr(GDateTime) now = NULL;
  GTimeSpan delay;

  if (date == NULL)
    return FALSE;

  now = g_date_time_new_now_utc ();
  delay = g_date_time_difference (date, now);
  *ms = delay > 0 ? to_ms ((double) delay / G_TIME_SPAN_MILLISECOND) : 0;

  return TRUE;
}

/**
 * pp_llm_openai_headers_get_retry_after:
 * @headers: the headers of an answer
 *
 * The delay the answer asks for before the next request: `Retry-After` in
 * seconds (whole or not, such as "0.5") or as an HTTP date, and
 * `retry-after-ms` (OpenAI, Azure). When several are given the longest
 * wins: waiting less than any of them asks for another refusal.
 *
 * Returns: the delay in milliseconds, or 0 if none can be read
 */
guint
pp_llm_openai_headers_get_retry_after (SoupMessageHeaders *headers)
{
  const char *value;
  guint longest = 0;
  guint ms;

  value = soup_message_headers_get_one (headers, "Retry-After");
  if (value != NULL && (parse_number_ms (value, 1e3, &ms) || parse_http_date_ms (value, &ms)))
    longest = MAX (longest, ms);

  value = soup_message_headers_get_one (headers, "retry-after-ms");
  if (value != NULL && parse_number_ms (value, 1.0, &ms))
    longest = MAX (longest, ms);

  return longest;
}

/* A count such as `x-ratelimit-remaining-requests: 59`, or -1 */
static gint64
get_count (SoupMessageHeaders *headers,
           const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);
  g_autofree char *trimmed = NULL;
  guint64 count;

  if (value == NULL)
    return -1;

  trimmed = g_strstrip (g_strdup (value));
  if (!g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXINT64, &count, NULL))
    return -1;

  return (gint64) count;
}

/* A duration such as `x-ratelimit-reset-tokens: 6m0s`, or 0 */
static guint
get_duration (SoupMessageHeaders *headers,
              const char         *name)
{
  const char *value = soup_message_headers_get_one (headers, name);
  guint ms;

  return value != NULL && parse_duration_ms (value, &ms) ? ms : 0;
}

/**
 * pp_llm_openai_headers_read_rate_limits:
 * @headers: the headers of an answer
 * @response: the response made of it
 *
 * Records on @response the rate limits OpenAI reports with each answer:
 * `x-ratelimit-remaining-requests`, `x-ratelimit-remaining-tokens`,
 * `x-ratelimit-reset-requests` and `x-ratelimit-reset-tokens`. A header
 * that is missing or cannot be read counts as not sent.
 */
void
pp_llm_openai_headers_read_rate_limits (SoupMessageHeaders *headers,
                                        PpLlmResponse      *response)
{
  pp_llm_response_set_rate_limits (response,
                                   get_count (headers, "x-ratelimit-remaining-requests"),
                                   get_count (headers, "x-ratelimit-remaining-tokens"),
                                   get_duration (headers, "x-ratelimit-reset-requests"),
                                   get_duration (headers, "x-ratelimit-reset-tokens"));
}
