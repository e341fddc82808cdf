/* pp-llm-openai-body.c: the bodies of chat-completion requests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include <libpp/libpp.h>

#include "pp-llm-openai-body.h"

/* A client's requests share their long parts: the system prompt of a
 * converter, its response format. Their JSON text, and what the format
 * asks for, are kept for the few last ones seen, so that each request
 * writes only what is its own. Thread-safe. */

#define N_REMEMBERED 4

typedef struct
{
  char *system_prompt;
  char *json;                 /* (type GRefString): the JSON string of it */
} RememberedPrompt;

typedef struct
{
  char *response_format;
  gboolean has_first;
  PpLlmOpenaiFormat first;
} RememberedFormat;

struct _PpLlmOpenaiBodies
{
  GMutex lock;
  RememberedPrompt prompts[N_REMEMBERED];   /* under lock */
  guint next_prompt;
  RememberedFormat formats[N_REMEMBERED];   /* under lock */
  guint next_format;
};

PpLlmOpenaiBodies *
pp_llm_openai_bodies_new (void)
{
  PpLlmOpenaiBodies *bodies = g_new0 (PpLlmOpenaiBodies, 1);

  g_mutex_init (&bodies->lock);

  return bodies;
}

void
pp_llm_openai_bodies_free (PpLlmOpenaiBodies *bodies)
{
  for (guint i = 0; i < N_REMEMBERED; i++)
    {
      g_free (bodies->prompts[i].system_prompt);
      g_clear_pointer (&bodies->prompts[i].json, g_ref_string_release);
      g_free (bodies->formats[i].response_format);
    }
  g_mutex_clear (&bodies->lock);
  g_free (bodies);
}

/* The JSON string of @text; a server would refuse the whole request for
 * one bad byte, so invalid UTF-8 is mended first */
static char *
to_json_string (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (text) + 2);

  return g_string_free (pp_json_string_append_quoted (out, text, -1), FALSE);
}

/* (type GRefString) (transfer full): the JSON string of @system_prompt */
static char *
dup_prompt_json (PpLlmOpenaiBodies *bodies,
                 const char        *system_prompt)
{
  g_autofree char *json = NULL;
  RememberedPrompt *slot;
  char *shared = NULL;

  g_mutex_lock (&bodies->lock);
  for (guint i = 0; i < N_REMEMBERED && shared == NULL; i++)
    {
      if (g_strcmp0 (bodies->prompts[i].system_prompt, system_prompt) == 0)
        shared = g_ref_string_acquire (bodies->prompts[i].json);
    }
  g_mutex_unlock (&bodies->lock);

  if (shared != NULL)
    return shared;

  json = to_json_string (system_prompt);
  shared = g_ref_string_new (json);

  g_mutex_lock (&bodies->lock);
  slot = &bodies->prompts[bodies->next_prompt];
  bodies->next_prompt = (bodies->next_prompt + 1) % N_REMEMBERED;
  g_free (slot->system_prompt);
  g_clear_pointer (&slot->json, g_ref_string_release);
  slot->system_prompt = g_strdup (system_prompt);
  slot->json = g_ref_string_acquire (shared);
  g_mutex_unlock (&bodies->lock);

  return shared;
}

static void
append_message (GString    *out,
                const char *role,
                const char *content_json)
{
  g_string_append (out, "{\"role\":\"");
  g_string_append (out, role);
  g_string_append (out, "\",\"content\":");
  g_string_append (out, content_json);
  g_string_append_c (out, '}');
}

static void
append_double_member (GString    *out,
                      const char *name,
                      double      value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, ",\"%s\":%s", name,
                          g_ascii_dtostr (number, sizeof number, value));
}

/**
 * pp_llm_openai_bodies_build:
 * @bodies: what the client remembers of its requests
 * @request: the request
 * @model: the model to ask for
 * @response_format: (nullable): the `response_format` to send, as JSON
 *   text of an object
 *
 * Writes the body of a chat-completion request for @request.
 *
 * Returns: (transfer full): the body, JSON text
 */
GBytes *
pp_llm_openai_bodies_build (PpLlmOpenaiBodies *bodies,
                            PpLlmRequest      *request,
                            const char        *model,
                            const char        *response_format)
{
  const char *system_prompt = pp_llm_request_get_system_prompt (request);
  const char *user_message = pp_llm_request_get_user_message (request);
  g_autofree char *model_json = to_json_string (model);
  g_autofree char *user_json = to_json_string (user_message);
  double temperature = pp_llm_request_get_temperature (request);
  double top_p = pp_llm_request_get_top_p (request);
  guint max_tokens = pp_llm_request_get_max_tokens (request);
  GString *body;
  gint64 seed;
  gsize length;

  body = g_string_sized_new (256 + strlen (user_json) + (system_prompt != NULL ? strlen (system_prompt) + 64 : 0) +
                             (response_format != NULL ? strlen (response_format) : 0));
  g_string_append (body, "{\"model\":");
  g_string_append (body, model_json);
  g_string_append (body, ",\"messages\":[");
  if (system_prompt != NULL && *system_prompt != '\0')
    {
      char *system_json = dup_prompt_json (bodies, system_prompt);

      append_message (body, "system", system_json);
      g_string_append_c (body, ',');
      g_ref_string_release (system_json);
    }
  append_message (body, "user", user_json);
  g_string_append_c (body, ']');

  if (temperature >= 0.0)
    append_double_member (body, "temperature", temperature);
  if (max_tokens > 0)
    g_string_append_printf (body, ",\"max_tokens\":%u", max_tokens);
  if (top_p >= 0.0)
    append_double_member (body, "top_p", top_p);
  if (pp_llm_request_get_seed (request, &seed))
    g_string_append_printf (body, ",\"seed\":%" G_GINT64_FORMAT, seed);
  if (response_format != NULL)
    {
      g_string_append (body, ",\"response_format\":");
      g_string_append (body, response_format);
    }
  g_string_append_c (body, '}');

  length = body->len;
  return g_bytes_new_take (g_string_free (body, FALSE), length);
}

/* Where the fallback of @response_format starts: FALSE if it has none (a
 * type other than json_schema and json_object) */
static gboolean
read_first_format (const char        *response_format,
                   PpLlmOpenaiFormat *first)
{
  g_autoptr(JsonNode) node = json_from_string (response_format, NULL);
  JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *type_node = object != NULL ? json_object_get_member (object, "type") : NULL;
  const char *type = NULL;

  if (type_node != NULL && JSON_NODE_HOLDS_VALUE (type_node) &&
      json_node_get_value_type (type_node) == G_TYPE_STRING)
    type = json_node_get_string (type_node);

  if (g_strcmp0 (type, "json_schema") == 0)
    *first = PP_LLM_OPENAI_FORMAT_JSON_SCHEMA;
  else if (g_strcmp0 (type, "json_object") == 0)
    *first = PP_LLM_OPENAI_FORMAT_JSON_OBJECT;
  else
    return FALSE;

  return TRUE;
}

/**
 * pp_llm_openai_bodies_first_format:
 * @bodies: what the client remembers of its requests
 * @response_format: (nullable): the `response_format` a request asks for,
 *   as JSON text
 * @first: (out): where its fallback starts
 *
 * Tells where the fallback of an optional @response_format starts.
 *
 * Returns: %FALSE if it has none: no format, or a type other than
 *   `json_schema` and `json_object`
 */
gboolean
pp_llm_openai_bodies_first_format (PpLlmOpenaiBodies *bodies,
                                   const char        *response_format,
                                   PpLlmOpenaiFormat *first)
{
  RememberedFormat *slot;
  gboolean has_first;

  if (response_format == NULL)
    return FALSE;

  g_mutex_lock (&bodies->lock);
  for (guint i = 0; i < N_REMEMBERED; i++)
    {
      slot = &bodies->formats[i];
      if (g_strcmp0 (slot->response_format, response_format) == 0)
        {
          has_first = slot->has_first;
          *first = slot->first;
          g_mutex_unlock (&bodies->lock);
          return has_first;
        }
    }
  g_mutex_unlock (&bodies->lock);

  has_first = read_first_format (response_format, first);

  g_mutex_lock (&bodies->lock);
  slot = &bodies->formats[bodies->next_format];
  bodies->next_format = (bodies->next_format + 1) % N_REMEMBERED;
  g_free (slot->response_format);
  slot->response_format = g_strdup (response_format);
  slot->has_first = has_first;
  slot->first = has_first ? *first : PP_LLM_OPENAI_FORMAT_NONE;
  g_mutex_unlock (&bodies->lock);

  return has_first;
}
