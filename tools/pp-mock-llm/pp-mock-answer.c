/* pp-mock-answer.c: deterministic answers of the mock LLM
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/libpp.h>

#include "pp-mock-adjudication.h"
#include "pp-mock-answer.h"

/**
 * SECTION:pp-mock-answer
 * @title: Mock answers
 *
 * What the mock LLM (`pp-mock-llm` and the test server) answers: a
 * schema.org JSON-LD graph with one `Thing` node per distinct name found in
 * the user's message, wrapped in an OpenAI chat-completion body. The answer
 * depends on the message alone, so a document converted twice gives the
 * same graph.
 *
 * A name is a run of capitalised words (first letter upper or title case,
 * such as "Ada Lovelace", "London" or "NASA") separated by white space
 * holding at most one line break; a possessive "'s" is dropped from its
 * end. Common function words ("The", "In", "And"…) never belong to a name:
 * they end a run. A one-word name seen only at the start of a sentence or
 * of a line (where any word is capitalised) is dropped unless the text has
 * it at least twice, so "Yesterday it rained." yields nothing while
 * "London is old. London is big." yields London.
 */

typedef struct
{
  const char *start;
  const char *end;
  gboolean capitalised;
  gboolean sentence_start;
} Word;

typedef struct
{
  guint count;
  gboolean strong;    /* seen as more than a lone sentence-initial word */
} NameInfo;

static const char * const stopwords[] = {
  "A", "After", "Also", "Although", "An", "And", "Are", "As", "At", "Be",
  "Because", "Before", "But", "By", "During", "For", "From", "He", "Her",
  "Here", "His", "However", "I", "If", "In", "Is", "It", "Its", "My", "No",
  "Not", "Of", "On", "Or", "Our", "She", "Since", "So", "That", "The",
  "Their", "Then", "There", "These", "They", "This", "Those", "To", "Was",
  "We", "Were", "When", "While", "With", "Yet", "You", "Your",
};

static gboolean
is_stopword (const char *start,
             const char *end)
{
  gsize len = end - start;

  for (gsize i = 0; i < G_N_ELEMENTS (stopwords); i++)
    {
      if (strlen (stopwords[i]) == len && strncmp (stopwords[i], start, len) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_joiner (gunichar c)
{
  return c == '-' || c == '\'' || c == 0x2019 /* ’ */;
}

/* Whether a word that follows this punctuation starts a sentence; white
 * space, quotes, brackets and Markdown markers keep what came before */
typedef enum {
  BOUNDARY_KEEP,
  BOUNDARY_SENTENCE,
  BOUNDARY_NONE,
} Boundary;

static Boundary
classify_separator (gunichar c)
{
  switch (c)
    {
    case '.':
    case '!':
    case '?':
    case '\n':
    case 0x2026: /* … */
      return BOUNDARY_SENTENCE;
    case '"':
    case '\'':
    case '(':
    case '[':
    case '#':
    case '*':
    case '-':
    case '>':
    case '|':
    case '_':
    case 0x201C: /* “ */
    case 0x2018: /* ‘ */
      return BOUNDARY_KEEP;
    default:
      return g_unichar_isspace (c) ? BOUNDARY_KEEP : BOUNDARY_NONE;
    }
}

static GArray *
split_words (const char *text)
{
  GArray *words = g_array_new (FALSE, FALSE, sizeof (Word));
  gboolean sentence_start = TRUE;
  const char *p = text;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      Word word;

      if (!g_unichar_isalnum (c))
        {
          switch (classify_separator (c))
            {
            case BOUNDARY_SENTENCE:
              sentence_start = TRUE;
              break;
            case BOUNDARY_NONE:
              sentence_start = FALSE;
              break;
            case BOUNDARY_KEEP:
            default:
              break;
            }
          p = g_utf8_next_char (p);
          continue;
        }

      word.start = p;
      word.capitalised = g_unichar_isupper (c) || g_unichar_istitle (c);
      word.sentence_start = sentence_start;
      sentence_start = FALSE;

      while (*p != '\0')
        {
          const char *next = g_utf8_next_char (p);
          gunichar d = g_utf8_get_char (p);

          if (g_unichar_isalnum (d))
            p = next;
          else if (is_joiner (d) && *next != '\0' && g_unichar_isalnum (g_utf8_get_char (next)))
            p = next;
          else
            break;
        }
      word.end = p;

      if (word.capitalised && is_stopword (word.start, word.end))
        word.capitalised = FALSE;

      g_array_append_val (words, word);
    }

  return words;
}

/* Whether two capitalised words belong to one name: only white space
 * between them, with at most one line break */
static gboolean
words_join (const Word *previous,
            const Word *next)
{
  guint newlines = 0;

  if (previous->end == next->start)
    return FALSE;

  for (const char *p = previous->end; p < next->start; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c))
        return FALSE;
      if (c == '\n' && ++newlines > 1)
        return FALSE;
    }

  return TRUE;
}

static void
append_word (GString    *name,
             const Word *word,
             gboolean    last)
{
  gsize len = word->end - word->start;

  if (last)
    {
      if (len > 2 && strncmp (word->end - 2, "'s", 2) == 0)
        len -= 2;
      else if (len > 4 && strncmp (word->end - 4, "\xe2\x80\x99s", 4) == 0)
        len -= 4;
    }

  if (name->len > 0)
    g_string_append_c (name, ' ');
  g_string_append_len (name, word->start, len);
}

/**
 * pp_mock_answer_find_names:
 * @text: a text
 *
 * Finds the names in @text, by the rules in the section's description.
 *
 * Returns: (transfer full) (element-type utf8): the distinct names, in the
 *   order they first appear
 */
GPtrArray *
pp_mock_answer_find_names (const char *text)
{
  g_autofree char *valid = NULL;
  g_autoptr(GArray) words = NULL;
  g_autoptr(GHashTable) infos = NULL;
  g_autoptr(GPtrArray) order = NULL;
  GPtrArray *names;
  guint i = 0;

  g_return_val_if_fail (text != NULL, NULL);

  valid = g_utf8_make_valid (text, -1);
  words = split_words (valid);
  infos = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  order = g_ptr_array_new ();

  while (i < words->len)
    {
      const Word *first = &g_array_index (words, Word, i);
      g_autoptr(GString) name = NULL;
      NameInfo *info;
      guint j = i + 1;

      if (!first->capitalised)
        {
          i++;
          continue;
        }

      while (j < words->len &&
             g_array_index (words, Word, j).capitalised &&
             words_join (&g_array_index (words, Word, j - 1), &g_array_index (words, Word, j)))
        j++;

      name = g_string_new (NULL);
      for (guint k = i; k < j; k++)
        append_word (name, &g_array_index (words, Word, k), k + 1 == j);

      info = g_hash_table_lookup (infos, name->str);
      if (info == NULL)
        {
          char *key = g_strdup (name->str);

          info = g_new0 (NameInfo, 1);
          g_hash_table_insert (infos, key, info);
          g_ptr_array_add (order, key);
        }
      info->count++;
      if (j - i > 1 || !first->sentence_start)
        info->strong = TRUE;

      i = j;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  for (i = 0; i < order->len; i++)
    {
      const NameInfo *info = g_hash_table_lookup (infos, order->pdata[i]);

      if (info->strong || info->count > 1)
        g_ptr_array_add (names, g_strdup (order->pdata[i]));
    }

  return names;
}

static char *
generate (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/**
 * pp_mock_answer_graph:
 * @user_message: the user's message
 *
 * The JSON-LD the mock answers @user_message with: a schema.org graph with
 * one `Thing` node per name, such as
 * `{"@context":"https://schema.org","@graph":[{"@type":"Thing","name":"Ada Lovelace"}]}`.
 *
 * Returns: (transfer full): the JSON-LD text
 */
char *
pp_mock_answer_graph (const char *user_message)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (user_message != NULL, NULL);

  names = pp_mock_answer_find_names (user_message);
  builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "@context");
  json_builder_add_string_value (builder, "https://schema.org");
  json_builder_set_member_name (builder, "@graph");
  json_builder_begin_array (builder);
  for (guint i = 0; i < names->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "@type");
      json_builder_add_string_value (builder, "Thing");
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, names->pdata[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return generate (root);
}

/**
 * pp_mock_answer_count_tokens:
 * @text: (nullable): a text
 *
 * A plausible token count for @text: one token per four bytes, as a rule of
 * thumb for English with the usual tokenisers.
 *
 * Returns: the number of tokens
 */
guint
pp_mock_answer_count_tokens (const char *text)
{
  gsize len = text != NULL ? strlen (text) : 0;

  return (guint) MIN ((len + 3) / 4, G_MAXUINT);
}

/**
 * pp_mock_answer_completion:
 * @model: (nullable): the model to answer as, or %NULL for
 *   %PP_MOCK_ANSWER_MODEL
 * @content: the assistant's message
 * @prompt_tokens: the tokens of the prompt
 *
 * Wraps @content in an OpenAI chat-completion body with a `usage` that
 * counts @prompt_tokens and the tokens of @content.
 *
 * Returns: (transfer full): the JSON body
 */
char *
pp_mock_answer_completion (const char *model,
                           const char *content,
                           guint       prompt_tokens)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *id = NULL;
  guint completion_tokens;

  g_return_val_if_fail (content != NULL, NULL);

  digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, content, -1);
  id = g_strdup_printf ("chatcmpl-mock-%.24s", digest);
  completion_tokens = pp_mock_answer_count_tokens (content);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "chat.completion");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model != NULL ? model : PP_MOCK_ANSWER_MODEL);

  json_builder_set_member_name (builder, "choices");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "index");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "assistant");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "finish_reason");
  json_builder_add_string_value (builder, "stop");
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, completion_tokens);
  json_builder_set_member_name (builder, "total_tokens");
  json_builder_add_int_value (builder, (gint64) prompt_tokens + completion_tokens);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return generate (root);
}

/* A string member, or NULL when it is missing or of another type */
static const char *
get_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* The text of a message's content: a string, or an array of parts of which
 * the "text" ones count */
static char *
dup_content_text (JsonObject *message)
{
  JsonNode *content = json_object_get_member (message, "content");
  GString *text;
  JsonArray *parts;

  if (content == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_VALUE (content) && json_node_get_value_type (content) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (content));

  if (!JSON_NODE_HOLDS_ARRAY (content))
    return NULL;

  text = g_string_new (NULL);
  parts = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *part = json_array_get_element (parts, i);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (part))
        continue;
      object = json_node_get_object (part);
      if (g_strcmp0 (get_string_member (object, "type"), "text") != 0 ||
          get_string_member (object, "text") == NULL)
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, get_string_member (object, "text"));
    }

  return g_string_free (text, FALSE);
}

/**
 * pp_mock_answer_parse_request:
 * @body: (array length=length): a chat-completion request body
 * @length: the length of @body in bytes
 * @model: (out) (optional) (nullable) (transfer full): the model asked for
 * @system_prompt: (out) (optional) (nullable) (transfer full): the first
 *   system message
 * @user_message: (out) (optional) (transfer full): the last user message
 * @error: return location for a #GError
 *
 * Reads what the mock needs from a chat-completion request.
 *
 * Returns: %TRUE on success, or %FALSE with %G_IO_ERROR_INVALID_DATA set
 *   when @body is not a request with a user message
 */
gboolean
pp_mock_answer_parse_request (const char  *body,
                              gsize        length,
                              char       **model,
                              char       **system_prompt,
                              char       **user_message,
                              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *system = NULL;
  g_autofree char *user = NULL;
  JsonObject *object;
  JsonArray *messages;

  g_return_val_if_fail (body != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length > G_MAXSSIZE ||
      (root = pp_json_parse (body != NULL ? body : "", (gssize) length, &local_error)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The request body cannot be read as JSON: %s",
                   local_error != NULL ? local_error->message : "it is too long");
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The request body is not a JSON object");
      return FALSE;
    }

  object = json_node_get_object (root);
  if (!json_object_has_member (object, "messages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "messages")))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The request has no “messages” array");
      return FALSE;
    }

  messages = json_object_get_array_member (object, "messages");
  for (guint i = 0; i < json_array_get_length (messages); i++)
    {
      JsonNode *node = json_array_get_element (messages, i);
      JsonObject *message;
      const char *role;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      message = json_node_get_object (node);
      role = get_string_member (message, "role");

      if (g_strcmp0 (role, "user") == 0)
        {
          g_free (user);
          user = dup_content_text (message);
        }
      else if (g_strcmp0 (role, "system") == 0 && system == NULL)
        system = dup_content_text (message);
    }

  if (user == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The request has no user message");
      return FALSE;
    }

  if (model != NULL)
    *model = g_strdup (get_string_member (object, "model"));
  if (system_prompt != NULL)
    *system_prompt = g_steal_pointer (&system);
  if (user_message != NULL)
    *user_message = g_steal_pointer (&user);

  return TRUE;
}

/**
 * pp_mock_answer_respond:
 * @body: (array length=length): a chat-completion request body
 * @length: the length of @body in bytes
 * @user_message: (out) (optional) (transfer full): the user message of the
 *   request
 * @error: return location for a #GError
 *
 * The whole answer of the mock to a request: pp_mock_answer_graph() of its
 * user message wrapped by pp_mock_answer_completion().
 *
 * Returns: (transfer full) (nullable): the response body, or %NULL with
 *   %G_IO_ERROR_INVALID_DATA set when @body is not a chat-completion request
 */
char *
pp_mock_answer_respond (const char  *body,
                        gsize        length,
                        char       **user_message,
                        GError     **error)
{
  return pp_mock_answer_respond_full (body, length, NULL, user_message, NULL, error);
}

/**
 * pp_mock_answer_respond_full:
 * @body: (array length=length): a chat-completion request body
 * @length: the length of @body in bytes
 * @adjudications: (nullable): the answers to entity adjudication requests
 *   (see pp-mock-adjudication.c)
 * @user_message: (out) (optional) (transfer full): the user message of the
 *   request
 * @adjudication: (out) (optional): whether the request was an entity
 *   adjudication request
 * @error: return location for a #GError
 *
 * As pp_mock_answer_respond(), but an entity adjudication request is
 * answered from @adjudications.
 *
 * Returns: (transfer full) (nullable): the response body, or %NULL with
 *   %G_IO_ERROR_INVALID_DATA set when @body is not a chat-completion request
 */
char *
pp_mock_answer_respond_full (const char  *body,
                             gsize        length,
                             JsonObject  *adjudications,
                             char       **user_message,
                             gboolean    *adjudication,
                             GError     **error)
{
  g_autofree char *model = NULL;
  g_autofree char *system = NULL;
  g_autofree char *user = NULL;
  g_autofree char *graph = NULL;
  gboolean is_adjudication;
  guint prompt_tokens;
  char *response;

  if (!pp_mock_answer_parse_request (body, length, &model, &system, &user, error))
    return NULL;

  is_adjudication = pp_mock_adjudication_is_request (system);
  if (adjudication != NULL)
    *adjudication = is_adjudication;
  if (is_adjudication)
    graph = pp_mock_adjudication_answer (adjudications, user);
  else
    graph = pp_mock_answer_graph (user);
  /* A few tokens of chat framing per message, as the real ones count */
  prompt_tokens = pp_mock_answer_count_tokens (system) + pp_mock_answer_count_tokens (user) +
                  (system != NULL ? 8 : 4);
  response = pp_mock_answer_completion (model, graph, prompt_tokens);

  if (user_message != NULL)
    *user_message = g_steal_pointer (&user);

  return response;
}

/**
 * pp_mock_answer_error_body:
 * @message: the error's message
 * @type: (nullable): the error's type, such as "invalid_request_error"
 * @code: (nullable): the error's code, such as "context_length_exceeded"
 *
 * An error body shaped like OpenAI's:
 * `{"error":{"message":…,"type":…,"param":null,"code":…}}`.
 *
 * Returns: (transfer full): the JSON body
 */
char *
pp_mock_answer_error_body (const char *message,
                           const char *type,
                           const char *code)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (message != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "type");
  if (type != NULL)
    json_builder_add_string_value (builder, type);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "param");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "code");
  if (code != NULL)
    json_builder_add_string_value (builder, code);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return generate (root);
}

/**
 * pp_mock_listen_socket_new:
 * @port: a port, or 0 for a free one
 * @error: return location for a #GError
 *
 * A TCP socket listening on 127.0.0.1:@port, for soup_server_listen_socket().
 * Its backlog is as long as the system allows: with GIO's default of 10, a
 * burst of connections from a few hundred clients would be refused or
 * reset before the server accepts them.
 *
 * Returns: (transfer full) (nullable): the socket, or %NULL with @error set
 */
GSocket *
pp_mock_listen_socket_new (guint16   port,
                           GError  **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return NULL;

  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  g_socket_set_listen_backlog (socket, SOMAXCONN);

  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;

  return g_steal_pointer (&socket);
}
