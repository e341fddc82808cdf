/* test-llm-request.c: PpLlmRequest, and the cache key of a request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#define CLIENT_ID "openai http://127.0.0.1:8080/v1 model-a"

static PpLlmRequest *
make_request (void)
{
  PpLlmRequest *request = pp_llm_request_new ("You extract JSON-LD.", "Ada Lovelace wrote notes.");

  pp_llm_request_set_json_mode (request, TRUE);
  pp_llm_request_set_prompt_version (request, "schemaorg-extract@1");

  return request;
}

static char *
key_of (PpLlmRequest *request)
{
  return pp_llm_request_get_cache_key (request, CLIENT_ID);
}

/* The key is a SHA-256 in hex, the same for equal requests, whatever the
 * order the settings were made in; and the layout does not drift */
static void
test_cache_key_stable (void)
{
  g_autoptr(PpLlmRequest) a = make_request ();
  g_autoptr(PpLlmRequest) b = pp_llm_request_new ("You extract JSON-LD.", "Ada Lovelace wrote notes.");
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;
  g_autofree char *key_again = NULL;
  g_autofree char *expected = NULL;

  pp_llm_request_set_prompt_version (b, "schemaorg-extract@1");
  pp_llm_request_set_json_mode (b, TRUE);

  key_a = key_of (a);
  key_b = key_of (b);
  key_again = key_of (a);
  g_assert_cmpuint (strlen (key_a), ==, 64);
  g_assert_cmpstr (key_a, ==, key_b);
  g_assert_cmpstr (key_a, ==, key_again);

  /* The canonical JSON of this request, hashed: a change of layout changes
   * every key, and must be deliberate */
  expected = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
               "{\"client\":\"" CLIENT_ID "\",\"max_tokens\":null,"
               "\"messages\":[{\"content\":\"You extract JSON-LD.\",\"role\":\"system\"},"
               "{\"content\":\"Ada Lovelace wrote notes.\",\"role\":\"user\"}],"
               "\"model\":null,\"prompt_version\":\"schemaorg-extract@1\","
               "\"response_format\":{\"type\":\"json_object\"},\"seed\":null,"
               "\"temperature\":null,\"top_p\":null,\"v\":1}", -1);
  g_assert_cmpstr (key_a, ==, expected);
}

typedef void (*ChangeFunc) (PpLlmRequest *request);

static void change_model (PpLlmRequest *r) { pp_llm_request_set_model (r, "model-b"); }
static void change_temperature (PpLlmRequest *r) { pp_llm_request_set_temperature (r, 0.2); }
static void change_top_p (PpLlmRequest *r) { pp_llm_request_set_top_p (r, 0.9); }
static void change_seed (PpLlmRequest *r) { pp_llm_request_set_seed (r, 42); }
static void change_seed_zero (PpLlmRequest *r) { pp_llm_request_set_seed (r, 0); }
static void change_max_tokens (PpLlmRequest *r) { pp_llm_request_set_max_tokens (r, 512); }
static void change_json_mode (PpLlmRequest *r) { pp_llm_request_set_json_mode (r, FALSE); }
static void change_prompt_version (PpLlmRequest *r) { pp_llm_request_set_prompt_version (r, "schemaorg-extract@2"); }
static void
change_response_format (PpLlmRequest *r)
{
  g_assert_true (pp_llm_request_set_response_format (r, "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\"}}", NULL));
}

/* Each field that shapes the answer changes the key */
static void
test_cache_key_sensitive (void)
{
  static const struct { const char *name; ChangeFunc change; } changes[] = {
    { "model", change_model },
    { "temperature", change_temperature },
    { "top_p", change_top_p },
    { "seed", change_seed },
    { "seed 0", change_seed_zero },
    { "max_tokens", change_max_tokens },
    { "json mode", change_json_mode },
    { "response format", change_response_format },
    { "prompt version", change_prompt_version },
  };
  g_autoptr(PpLlmRequest) base = make_request ();
  g_autofree char *base_key = key_of (base);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_hash_table_add (seen, g_strdup (base_key));

  for (gsize i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autoptr(PpLlmRequest) request = make_request ();
      g_autofree char *key = NULL;

      changes[i].change (request);
      key = key_of (request);
      g_test_message ("%s: %s", changes[i].name, key);
      g_assert_true (g_hash_table_add (seen, g_steal_pointer (&key)));
    }

  /* The messages: their text, their roles, and the endpoint */
  {
    g_autoptr(PpLlmRequest) other_user = pp_llm_request_new ("You extract JSON-LD.", "Ada Lovelace wrote notes!");
    g_autoptr(PpLlmRequest) other_system = pp_llm_request_new ("You extract JSON-LD!", "Ada Lovelace wrote notes.");
    g_autoptr(PpLlmRequest) swapped = pp_llm_request_new ("Ada Lovelace wrote notes.", "You extract JSON-LD.");
    g_autoptr(PpLlmRequest) same = make_request ();
    PpLlmRequest *requests[] = { other_user, other_system, swapped };

    for (gsize i = 0; i < G_N_ELEMENTS (requests); i++)
      {
        pp_llm_request_set_json_mode (requests[i], TRUE);
        pp_llm_request_set_prompt_version (requests[i], "schemaorg-extract@1");
        g_assert_true (g_hash_table_add (seen, key_of (requests[i])));
      }

    g_assert_true (g_hash_table_add (seen, pp_llm_request_get_cache_key (same, "openai http://127.0.0.1:8081/v1 model-a")));
    g_assert_true (g_hash_table_add (seen, pp_llm_request_get_cache_key (same, "other http://127.0.0.1:8080/v1 model-a")));
  }
}

/* What does not shape the answer leaves the key alone: how the response
 * format was written, and a client's API key, timeout or user agent */
static void
test_cache_key_insensitive (void)
{
  g_autoptr(PpLlmRequest) a = make_request ();
  g_autoptr(PpLlmRequest) b = make_request ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GObject) client_a = NULL;
  g_autoptr(GObject) client_b = NULL;
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;
  g_autofree char *key_a = NULL;
  g_autofree char *key_b = NULL;
  g_autofree char *key_int = NULL;
  g_autofree char *key_double = NULL;

  g_assert_true (pp_llm_request_set_response_format (a, "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"strict\": true}}", &error));
  g_assert_no_error (error);
  g_assert_true (pp_llm_request_set_response_format (b, "{\"json_schema\":{\"strict\":true,\"name\":\"x\"},\"type\":\"json_schema\"}", &error));
  g_assert_no_error (error);
  key_a = key_of (a);
  key_b = key_of (b);
  g_assert_cmpstr (key_a, ==, key_b);

  /* 1 and 1.0 are the same number */
  g_assert_true (pp_llm_request_set_response_format (a, "{\"n\": 1}", NULL));
  g_assert_true (pp_llm_request_set_response_format (b, "{\"n\": 1.0}", NULL));
  key_int = key_of (a);
  key_double = key_of (b);
  g_assert_cmpstr (key_int, ==, key_double);

  g_assert_false (pp_llm_request_set_response_format (a, "[1]", &error));
  g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
  g_clear_error (&error);

  pp_registry_ensure_loaded ();
  client_a = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                 "base-url", "http://127.0.0.1:8080/v1",
                                 "api-key", "sk-first-secret",
                                 "timeout", 30u, NULL);
  g_assert_no_error (error);
  client_b = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                                 "base-url", "http://127.0.0.1:8080/v1",
                                 "api-key", "sk-other-secret",
                                 "timeout", 300u,
                                 "user-agent", "another-agent/1", NULL);
  g_assert_no_error (error);

  id_a = pp_llm_client_dup_id (PP_LLM_CLIENT (client_a));
  id_b = pp_llm_client_dup_id (PP_LLM_CLIENT (client_b));
  g_assert_null (strstr (id_a, "secret"));
  g_assert_cmpstr (id_a, ==, id_b);
}

/* The key of a request with @system_prompt, @max_tokens and @user_message,
 * from its canonical JSON */
static char *
expected_key (const char *system_prompt,
              guint       max_tokens,
              const char *user_message)
{
  g_autofree char *max_tokens_text = max_tokens > 0 ? g_strdup_printf ("%u", max_tokens) : g_strdup ("null");
  g_autofree char *canonical = NULL;

  canonical = g_strdup_printf ("{\"client\":\"" CLIENT_ID "\",\"max_tokens\":%s,"
                               "\"messages\":[{\"content\":\"%s\",\"role\":\"system\"},"
                               "{\"content\":\"%s\",\"role\":\"user\"}],"
                               "\"model\":null,\"prompt_version\":null,"
                               "\"response_format\":null,\"seed\":null,"
                               "\"temperature\":null,\"top_p\":null,\"v\":1}",
                               max_tokens_text, system_prompt, user_message);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, canonical, -1);
}

/* Requests of many system prompts, max-tokens and users' messages, in
 * turn, each get the key of their own canonical JSON, however often the
 * same ones come back */
static void
test_cache_key_many_prompts (void)
{
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 12; i++)
        {
          g_autofree char *system_prompt = g_strdup_printf ("You extract JSON-LD, way %u.", i % 6);
          g_autofree char *user_message = g_strdup_printf ("Segment %u of round %u.", i, round);
          guint max_tokens = i % 4 == 0 ? 0 : 100 * (i % 3);
          g_autoptr(PpLlmRequest) request = pp_llm_request_new (system_prompt, user_message);
          g_autofree char *key = NULL;
          g_autofree char *expected = NULL;

          pp_llm_request_set_max_tokens (request, max_tokens);
          key = key_of (request);
          expected = expected_key (system_prompt, max_tokens, user_message);
          g_assert_cmpstr (key, ==, expected);
        }
    }
}

/* Response formats set again and again, several in turn, are each kept in
 * their own canonical form */
static void
test_response_format_canonical (void)
{
  for (guint round = 0; round < 3; round++)
    {
      for (guint i = 0; i < 6; i++)
        {
          g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "text");
          g_autofree char *format = g_strdup_printf ("{ \"type\" : \"json_schema\", \"json_schema\": "
                                                     "{\"name\": \"n%u\"} }", i);
          g_autofree char *canonical = g_strdup_printf ("{\"json_schema\":{\"name\":\"n%u\"},"
                                                        "\"type\":\"json_schema\"}", i);
          g_autoptr(GError) error = NULL;

          g_assert_true (pp_llm_request_set_response_format (request, format, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (pp_llm_request_get_response_format (request), ==, canonical);
        }

      /* What is not an object is refused every time */
      {
        g_autoptr(PpLlmRequest) request = pp_llm_request_new (NULL, "text");
        g_autoptr(GError) error = NULL;

        g_assert_false (pp_llm_request_set_response_format (request, "[1]", &error));
        g_assert_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA);
        g_assert_null (pp_llm_request_get_response_format (request));
      }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/llm-request/cache-key/stable", test_cache_key_stable);
  g_test_add_func ("/llm-request/cache-key/changes-with-what-shapes-the-answer", test_cache_key_sensitive);
  g_test_add_func ("/llm-request/cache-key/ignores-the-rest", test_cache_key_insensitive);
  g_test_add_func ("/llm-request/cache-key/many-system-prompts", test_cache_key_many_prompts);
  g_test_add_func ("/llm-request/response-format/canonical-repeated", test_response_format_canonical);

  return g_test_run ();
}
