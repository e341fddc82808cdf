/* pp-llm-openai-formats.c: which response formats a server takes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-llm-openai-formats.h"

/* What a client knows of the formats: those its server refused. Requests
 * do not wait for one another to find out: while the first answer is
 * awaited, the other threads send the same format, and on a server that
 * refuses it each of those few is refused once (a 400 costs no tokens and
 * comes at once); every request that starts after the first refusal skips
 * the format. Making them wait instead would hold every worker for the
 * whole first answer on the servers that take the format, which is most
 * of them. */
struct _PpLlmOpenaiFormats
{
  gint refused[PP_LLM_OPENAI_N_FORMATS];   /* atomic booleans */
};

const char *
pp_llm_openai_format_to_string (PpLlmOpenaiFormat format)
{
  switch (format)
    {
    case PP_LLM_OPENAI_FORMAT_JSON_SCHEMA:
      return "json_schema";
    case PP_LLM_OPENAI_FORMAT_JSON_OBJECT:
      return "json_object";
    case PP_LLM_OPENAI_FORMAT_NONE:
    case PP_LLM_OPENAI_N_FORMATS:
    default:
      return "none";
    }
}

PpLlmOpenaiFormats *
pp_llm_openai_formats_new (void)
{
  return g_new0 (PpLlmOpenaiFormats, 1);
}

void
pp_llm_openai_formats_free (PpLlmOpenaiFormats *formats)
{
  g_free (formats);
}

/* The format a request that asks for @first, or less, is sent in: the
 * first from @first on that the server did not refuse */
PpLlmOpenaiFormat
pp_llm_openai_formats_choose (PpLlmOpenaiFormats *formats,
                              PpLlmOpenaiFormat   first)
{
  PpLlmOpenaiFormat format = first;

  g_return_val_if_fail (first < PP_LLM_OPENAI_N_FORMATS, PP_LLM_OPENAI_FORMAT_NONE);

  /* Asking for nothing in particular is never refused */
  while (format < PP_LLM_OPENAI_FORMAT_NONE && g_atomic_int_get (&formats->refused[format]))
    format++;

  return format;
}

/* Records that the server refused @format; TRUE if that was not known */
gboolean
pp_llm_openai_formats_refuse (PpLlmOpenaiFormats *formats,
                              PpLlmOpenaiFormat   format)
{
  g_return_val_if_fail (format < PP_LLM_OPENAI_FORMAT_NONE, FALSE);

  return g_atomic_int_compare_and_exchange (&formats->refused[format], FALSE, TRUE);
}
