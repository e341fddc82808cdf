/* pp-mock-adjudication.c: the mock's answers to entity adjudication
 * requests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "pp-mock-adjudication.h"

/* libpp asks which of a group of entities are one (with the processor's
 * resolve-mode "llm"): its system prompt starts with ADJUDICATION_MARKER,
 * and its user message is {"entities": [{"number": 0, "name": …,
 * "type": …}, …]}. The mock answers from a table its user gives it
 * (pp-mock-llm --adjudications FILE): a JSON object whose members are
 * named by the group's names, sorted (strcmp), joined by "|", and whose
 * values are the answers, sent as they are, such as
 *
 *   {"Curie|Marie Curie|Pierre Curie": {"same": [[0, 1]]},
 *    "IBM|International Business Machines": {"same": []},
 *    "Ada Lovelace|Ada Lovleace": "not JSON"}
 *
 * where a string is sent as the answer's text. A group the table does not
 * name, or a request without a table, gets {"same": []}. */

#define ADJUDICATION_MARKER "Entity adjudication (libpp)."

gboolean
pp_mock_adjudication_is_request (const char *system_prompt)
{
  return system_prompt != NULL && g_str_has_prefix (system_prompt, ADJUDICATION_MARKER);
}

/**
 * pp_mock_adjudication_load_table:
 * @path: a JSON file
 * @error: return location for a #GError
 *
 * Reads a table of answers.
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
JsonObject *
pp_mock_adjudication_load_table (const char  *path,
                                 GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: not a JSON object of answers", path);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The key of the group @user_message lists, or NULL */
static char *
group_key (const char *user_message)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  JsonNode *root;
  JsonArray *entities;

  if (!json_parser_load_from_data (parser, user_message, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "entities"))
    return NULL;

  entities = json_object_get_array_member (json_node_get_object (root), "entities");
  for (guint i = 0; entities != NULL && i < json_array_get_length (entities); i++)
    {
      JsonObject *entity = json_array_get_object_element (entities, i);
      const char *name = entity != NULL ? json_object_get_string_member_with_default (entity, "name", NULL)
                                        : NULL;

      if (name != NULL)
        g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv ("|", (char **) names->pdata);
}

/**
 * pp_mock_adjudication_answer:
 * @table: (nullable): the table of answers
 * @user_message: the user message of an adjudication request
 *
 * The answer's text to an adjudication request.
 *
 * Returns: (transfer full): the text
 */
char *
pp_mock_adjudication_answer (JsonObject *table,
                             const char *user_message)
{
  g_autofree char *key = group_key (user_message);
  JsonNode *answer;

  if (table == NULL || key == NULL || (answer = json_object_get_member (table, key)) == NULL)
    return g_strdup ("{\"same\":[]}");

  if (JSON_NODE_HOLDS_VALUE (answer) && json_node_get_value_type (answer) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (answer));

  return json_to_string (answer, FALSE);
}
