/* test-pp-convert-entities.c: pp-convert makes one node of each entity a
 * document mentions, whatever the spelling, the order the answers come back
 * in or the number of workers, with the provenance of every mention
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "pp-test-dir.h"
#include "pp-test-server.h"
#include "pp-test-tool.h"

#define N_NOTES 200
#define NOTES_PER_PART 20
#define NOTE_SIZE 160          /* bytes; --segment-size 200 */

typedef enum {
  PERSON,
  ORGANIZATION,
  PLACE,
} Family;

/* An entity, as the answers spell it: each mention takes the next of its
 * names and types in turn */
typedef struct
{
  Family family;
  const char *names[4];
  const char *types[3];
  const char *alternate_name;  /* given with the first name, if any */
  const char *same_as;         /* given with every mention, if any */
} Entity;

static const Entity entities[] = {
  /* Case, extra spaces, accents */
  { PERSON, { "Ada Lovelace", "ada lovelace", "ADA  LOVELACE" }, { "Person" } },
  { PERSON, { "Charles Babbage", "Charles   Babbage" }, { "Person" } },
  { PERSON, { "Grace Hopper", "grace hopper" }, { "Person" } },
  { PERSON, { "René Descartes", "Rene Descartes", "RENÉ DESCARTES" }, { "Person" } },
  { PERSON, { "Edsger Dijkstra", "edsger dijkstra" }, { "Person" } },
  { PERSON, { "Donald Knuth", "Donald  Knuth" }, { "Person" } },
  { PERSON, { "Margaret Hamilton", "MARGARET HAMILTON" }, { "Person" } },
  { PERSON, { "Tim Berners-Lee", "Tim Berners Lee" }, { "Person" } },
  { PERSON, { "Hedy Lamarr", "hedy lamarr" }, { "Person" } },
  { PERSON, { "Claude Shannon", "Claude Shannon" }, { "Person", "Patient" } },
  { PERSON, { "Katherine Johnson", "katherine johnson" }, { "Person" } },
  /* A short name that fits one entity only */
  { PERSON, { "Barbara Liskov", "Liskov", "barbara liskov" }, { "Person" } },
  /* Linked by sameAs under another spelling */
  { PERSON, { "Alan Turing", "A. M. Turing", "alan turing" }, { "Person" },
    NULL, "https://en.wikipedia.org/wiki/Alan_Turing" },
  /* Near collisions: a short name that fits two, people sharing a
   * surname, a person and an organisation of one name, a person and a
   * place */
  { PERSON, { "Marie Curie", "marie curie" }, { "Person" } },
  { PERSON, { "Pierre Curie", "Pierre  Curie" }, { "Person" } },
  { PERSON, { "Curie" }, { "Person" } },
  { PERSON, { "Adam Smith", "adam smith" }, { "Person" } },
  { PERSON, { "John Smith", "JOHN SMITH" }, { "Person" } },
  { PERSON, { "Walt Disney", "walt disney" }, { "Person" } },
  { PERSON, { "George Washington", "george washington" }, { "Person" } },
  { ORGANIZATION, { "Walt Disney", "WALT DISNEY" }, { "Organization", "Corporation" } },
  /* alternateName */
  { ORGANIZATION, { "International Business Machines", "IBM", "international business machines" },
    { "Corporation", "Organization" }, "IBM" },
  /* Subtypes and supertypes */
  { ORGANIZATION, { "Massachusetts Institute of Technology", "massachusetts institute of technology" },
    { "CollegeOrUniversity", "Organization", "EducationalOrganization" } },
  { ORGANIZATION, { "Bell Labs", "bell labs" }, { "Organization", "ResearchOrganization" } },
  { ORGANIZATION, { "NASA", "nasa" }, { "GovernmentOrganization", "Organization" } },
  { ORGANIZATION, { "CERN", "Cern" }, { "ResearchOrganization", "Organization" } },
  { ORGANIZATION, { "Xerox PARC", "xerox parc" }, { "Organization" } },
  { ORGANIZATION, { "Microsoft", "MICROSOFT" }, { "Corporation" } },
  { ORGANIZATION, { "Royal Society", "royal society" }, { "Organization" } },
  { ORGANIZATION, { "Apple", "apple" }, { "Corporation", "Organization" } },
  { PLACE, { "Zürich", "Zurich", "ZÜRICH" }, { "City", "Place" } },
  { PLACE, { "Paris", "paris" }, { "City", "Place", "AdministrativeArea" } },
  { PLACE, { "London", "LONDON" }, { "City", "Place" } },
  { PLACE, { "Washington", "washington" }, { "Place", "City" } },
  { PLACE, { "Cambridge", "cambridge" }, { "Place" } },
  { PLACE, { "München", "Munchen", "MÜNCHEN" }, { "City" } },
  { PLACE, { "Kraków", "Krakow" }, { "City", "Place" } },
  { PLACE, { "Geneva", "geneva" }, { "Place" } },
  { PLACE, { "São Paulo", "Sao  Paulo" }, { "City", "Place" } },
  { PLACE, { "New York", "new york" }, { "Place", "City" } },
};

G_STATIC_ASSERT (G_N_ELEMENTS (entities) == 40);

/* The properties the mentions give, in turn, by family */
static const char * const family_properties[][5] = {
  [PERSON] = { "jobTitle", "birthDate", "email", "telephone", "address" },
  [ORGANIZATION] = { "email", "foundingDate", "telephone", "legalName", "address" },
  [PLACE] = { "address", "telephone", "faxNumber", "slogan", "branchCode" },
};

/* What the test expects of an entity */
typedef struct
{
  GHashTable *values;          /* "property\nvalue" of every mention */
  GHashTable *notes;           /* the notes (as pointers) that mention it */
  GHashTable *names;           /* its names as written */
} Expected;

typedef struct
{
  PpTestServer *server;
  char *dir;
  char *document;              /* the Markdown text */
  char *path;                  /* and its file */
  char *answers[N_NOTES];      /* the answer to each note */
  Expected expected[G_N_ELEMENTS (entities)];
} Fixture;

/* The entities note @note mentions: a few, spread so that each has
 * mentions in many notes of many parts */
static guint
note_mentions (guint  note,
               guint *mentioned)
{
  const guint candidates[] = { note % 40, (note * 3 + 7) % 40, (note * 11 + 19) % 40 };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < n; j++)
        seen |= mentioned[j] == candidates[i];
      if (!seen)
        mentioned[n++] = candidates[i];
    }

  return n;
}

static char *
property_value (const char *property,
                guint       entity,
                guint       mention)
{
  if (g_str_has_suffix (property, "Date"))
    return g_strdup_printf ("19%02u-%02u-%02u", entity, mention % 12 + 1, mention % 28 + 1);

  return g_strdup_printf ("%s %u of entity %u", property, mention, entity);
}

static void
expect (Expected   *expected,
        const char *property,
        const char *value)
{
  g_hash_table_add (expected->values, g_strconcat (property, "\n", value, NULL));
}

/* The node of mention @mention of entity @k, and what the test expects */
static void
build_mention (JsonBuilder *builder,
               Expected    *expected,
               guint        k,
               guint        mention)
{
  const Entity *entity = &entities[k];
  guint n_names = g_strv_length ((char **) entity->names);
  guint n_types = g_strv_length ((char **) entity->types);
  guint name = mention % n_names;
  const char *property = family_properties[entity->family][mention % 5];
  g_autofree char *value = property_value (property, k, mention);
  g_autofree char *description = g_strdup_printf ("entity %u, mention %u", k, mention);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "@type");
  json_builder_add_string_value (builder, entity->types[mention % n_types]);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, entity->names[name]);
  g_hash_table_add (expected->names, g_strdup (entity->names[name]));
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  expect (expected, "description", description);
  json_builder_set_member_name (builder, property);
  json_builder_add_string_value (builder, value);
  expect (expected, property, value);
  if (entity->alternate_name != NULL && name == 0)
    {
      json_builder_set_member_name (builder, "alternateName");
      json_builder_add_string_value (builder, entity->alternate_name);
      expect (expected, "alternateName", entity->alternate_name);
    }
  if (entity->same_as != NULL)
    {
      json_builder_set_member_name (builder, "sameAs");
      json_builder_add_string_value (builder, entity->same_as);
      expect (expected, "sameAs", entity->same_as);
    }
  if (mention % 4 == 3)
    {
      g_autofree char *url = g_strdup_printf ("https://example.org/entity/%u", k);

      json_builder_set_member_name (builder, "url");
      json_builder_add_string_value (builder, url);
      expect (expected, "url", url);
    }
  json_builder_end_object (builder);
}

/* The document, parts of notes under their headings, and the answer to each
 * note: its entities, without @id */
static void
build_document (Fixture *fixture)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint mentions[G_N_ELEMENTS (entities)] = { 0, };
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (entities); k++)
    {
      fixture->expected[k].values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      fixture->expected[k].notes = g_hash_table_new (NULL, NULL);
      fixture->expected[k].names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }

  for (guint note = 0; note < N_NOTES; note++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) answer = NULL;
      guint mentioned[3];
      guint n = note_mentions (note, mentioned);
      gsize note_start;

      if (note % NOTES_PER_PART == 0)
        g_string_append_printf (text, "# Part %u\n\n", note / NOTES_PER_PART + 1);
      note_start = text->len;
      g_string_append_printf (text, "Note %u. Mentioned:", note);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "@context");
      json_builder_add_string_value (builder, "https://schema.org");
      json_builder_set_member_name (builder, "@graph");
      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          guint k = mentioned[i];
          guint n_names = g_strv_length ((char **) entities[k].names);

          g_string_append_printf (text, " %s;", entities[k].names[mentions[k] % n_names]);
          g_hash_table_add (fixture->expected[k].notes, GUINT_TO_POINTER (note + 1));
          build_mention (builder, &fixture->expected[k], k, mentions[k]++);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      /* Every note a segment of its own: one fits in a segment, two do not */
      while (text->len - note_start < NOTE_SIZE)
        g_string_append (text, " and so on");
      g_string_append (text, "\n\n");

      answer = json_builder_get_root (builder);
      fixture->answers[note] = json_to_string (answer, FALSE);
    }

  fixture->document = g_string_free (g_steal_pointer (&text), FALSE);
  fixture->path = g_build_filename (fixture->dir, "pioneers.md", NULL);
  g_file_set_contents (fixture->path, fixture->document, -1, &error);
  g_assert_no_error (error);
}

/* Answers a note's request from the table */
static char *
answer_note (const char *user_message,
             gpointer    user_data)
{
  Fixture *fixture = user_data;
  const char *note = strstr (user_message, "Note ");
  guint64 index;

  if (note == NULL)
    return NULL;
  index = g_ascii_strtoull (note + strlen ("Note "), NULL, 10);
  g_assert_cmpuint (index, <, N_NOTES);

  return g_strdup (fixture->answers[index]);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("pp-convert-entities-XXXXXX", &error);
  g_assert_no_error (error);
  build_document (fixture);
  fixture->server = pp_test_server_new ();
  pp_test_server_set_answer_func (fixture->server, answer_note, fixture);
  /* The answers come back in another order than their requests */
  pp_test_server_set_latency_jitter_ms (fixture->server, 8);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  pp_test_server_free (fixture->server);
  pp_test_remove_tree (fixture->dir);
  for (guint k = 0; k < G_N_ELEMENTS (entities); k++)
    {
      g_hash_table_unref (fixture->expected[k].values);
      g_hash_table_unref (fixture->expected[k].notes);
      g_hash_table_unref (fixture->expected[k].names);
    }
  for (guint i = 0; i < N_NOTES; i++)
    g_free (fixture->answers[i]);
  g_free (fixture->document);
  g_free (fixture->path);
  g_free (fixture->dir);
}

/* Runs pp-convert against @url with the arguments, NULL-terminated */
static void
run_convert (PpTestRun  *run,
             const char *url,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, pp_test_tool_path ("pp-convert"));
  g_ptr_array_add (argv, g_strdup ("--endpoint"));
  g_ptr_array_add (argv, g_strdup (url));
  g_ptr_array_add (argv, g_strdup ("--cache=none"));
  g_ptr_array_add (argv, g_strdup ("--quiet"));
  va_start (args, url);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  pp_test_run_argv (run, (const char * const *) argv->pdata, NULL);
  g_assert_cmpstr (run->err, ==, "");
  g_assert_cmpint (run->status, ==, 0);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
}

/* The strings of the member @member of @node: a string, or an array of
 * them, or of value objects */
static GPtrArray *
get_strings (JsonObject *node,
             const char *member)
{
  GPtrArray *strings = g_ptr_array_new ();
  JsonNode *value = json_object_get_member (node, member);
  g_autoptr(GList) elements = NULL;

  if (value == NULL)
    return strings;
  if (JSON_NODE_HOLDS_ARRAY (value))
    elements = json_array_get_elements (json_node_get_array (value));
  else
    elements = g_list_prepend (NULL, value);

  for (GList *l = elements; l != NULL; l = l->next)
    {
      JsonNode *element = l->data;

      if (JSON_NODE_HOLDS_OBJECT (element))
        element = json_object_get_member (json_node_get_object (element), "@value");
      g_assert_nonnull (element);
      g_assert_cmpint (json_node_get_value_type (element), ==, G_TYPE_STRING);
      g_ptr_array_add (strings, (gpointer) json_node_get_string (element));
    }

  return strings;
}

static gboolean
is_segment_ref (JsonObject *node)
{
  g_autoptr(GPtrArray) types = get_strings (node, "type");

  return types->len == 1 && g_str_equal (types->pdata[0], "pp:SegmentRef");
}

/* The entity whose mention @description describes */
static guint
entity_of_description (const char *description)
{
  guint64 k;

  g_assert_true (g_str_has_prefix (description, "entity "));
  k = g_ascii_strtoull (description + strlen ("entity "), NULL, 10);
  g_assert_cmpuint (k, <, G_N_ELEMENTS (entities));

  return (guint) k;
}

/* The note whose text the segment @ref covers, checked against the
 * document's bytes, its section and its document */
static guint
note_of_segment (Fixture    *fixture,
                 JsonObject *ref,
                 const char *document_iri)
{
  gint64 start = json_object_get_int_member (ref, "pp:start");
  gint64 end = json_object_get_int_member (ref, "pp:end");
  g_autofree char *bytes = NULL;
  g_autofree char *section = NULL;
  const char *note;
  guint64 index;

  g_assert_cmpint (start, >=, 0);
  g_assert_cmpint (start, <, end);
  g_assert_cmpint (end, <=, (gint64) strlen (fixture->document));
  bytes = g_strndup (fixture->document + start, end - start);
  note = strstr (bytes, "Note ");
  g_assert_nonnull (note);
  index = g_ascii_strtoull (note + strlen ("Note "), NULL, 10);
  g_assert_null (strstr (note + 1, "Note "));

  section = g_strdup_printf ("Part %u", (guint) index / NOTES_PER_PART + 1);
  g_assert_cmpstr (json_object_get_string_member (ref, "pp:section"), ==, section);
  g_assert_cmpstr (json_object_get_string_member (ref, "pp:document"), ==, document_iri);

  return (guint) index;
}

/* Each entity is one node, with every value any mention gave it, its
 * provenance the notes that mention it; no two entities share a node */
static void
assert_one_node_each (Fixture    *fixture,
                      const char *output)
{
  g_autoptr(JsonNode) graph = parse_json (output);
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *node_of[G_N_ELEMENTS (entities)] = { NULL, };

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      g_hash_table_insert (by_id, (gpointer) json_object_get_string_member (node, "id"), node);
    }

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      g_autoptr(GPtrArray) descriptions = NULL;
      guint k;

      if (is_segment_ref (node))
        continue;
      descriptions = get_strings (node, "description");
      g_assert_cmpuint (descriptions->len, >, 0);
      k = entity_of_description (descriptions->pdata[0]);
      for (guint j = 1; j < descriptions->len; j++)
        if (entity_of_description (descriptions->pdata[j]) != k)
          g_error ("‘%s’ and ‘%s’ were merged", (char *) descriptions->pdata[0],
                   (char *) descriptions->pdata[j]);
      if (node_of[k] != NULL)
        g_error ("entity %u (%s) has two nodes", k, entities[k].names[0]);
      node_of[k] = node;
    }

  for (guint k = 0; k < G_N_ELEMENTS (entities); k++)
    {
      Expected *expected = &fixture->expected[k];
      JsonObject *node = node_of[k];
      g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GHashTable) notes = g_hash_table_new (NULL, NULL);
      g_autoptr(GPtrArray) names = NULL;
      g_autoptr(GPtrArray) refs = NULL;
      g_autoptr(GList) members = NULL;
      GHashTableIter iter;
      gpointer key;

      if (node == NULL)
        g_error ("entity %u (%s) has no node", k, entities[k].names[0]);

      /* Every value of every mention, and nothing else */
      members = json_object_get_members (node);
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autoptr(GPtrArray) strings = NULL;

          if (g_str_equal (l->data, "id") || g_str_equal (l->data, "type") ||
              g_str_equal (l->data, "name") || g_str_equal (l->data, "pp:derivedFrom"))
            continue;
          strings = get_strings (node, l->data);
          for (guint j = 0; j < strings->len; j++)
            g_hash_table_add (values, g_strconcat (l->data, "\n", strings->pdata[j], NULL));
        }
      g_hash_table_iter_init (&iter, expected->values);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (values, key))
          g_error ("entity %u (%s) lost ‘%s’", k, entities[k].names[0], (char *) key);
      g_assert_cmpuint (g_hash_table_size (values), ==, g_hash_table_size (expected->values));

      /* Its names are the ones its mentions gave */
      names = get_strings (node, "name");
      g_assert_cmpuint (names->len, >, 0);
      for (guint j = 0; j < names->len; j++)
        g_assert_true (g_hash_table_contains (expected->names, names->pdata[j]));

      /* Its provenance is every note that mentions it */
      refs = get_strings (node, "pp:derivedFrom");
      for (guint j = 0; j < refs->len; j++)
        {
          JsonObject *ref = g_hash_table_lookup (by_id, refs->pdata[j]);

          g_assert_nonnull (ref);
          g_assert_true (is_segment_ref (ref));
          g_hash_table_add (notes, GUINT_TO_POINTER (note_of_segment (fixture, ref, fixture->path) + 1));
        }
      g_assert_cmpuint (refs->len, ==, g_hash_table_size (expected->notes));
      g_hash_table_iter_init (&iter, expected->notes);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (notes, key))
          g_error ("entity %u (%s) does not name note %u", k, entities[k].names[0],
                   GPOINTER_TO_UINT (key) - 1);
    }
}

static void
test_one_node_each (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_auto(PpTestRun) run = { 0, };

  run_convert (&run, pp_test_server_get_base_url (fixture->server),
               "--jobs", "16", "--segment-size", "200", fixture->path, NULL);

  /* One request per note */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, N_NOTES);
  assert_one_node_each (fixture, run.out);
}

static void
test_same_bytes_whatever_the_jobs (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_auto(PpTestRun) one = { 0, };
  g_auto(PpTestRun) many = { 0, };

  run_convert (&one, pp_test_server_get_base_url (fixture->server),
               "--jobs", "1", "--segment-size", "200", fixture->path, NULL);
  run_convert (&many, pp_test_server_get_base_url (fixture->server),
               "--jobs", "64", "--segment-size", "200", fixture->path, NULL);

  g_assert_cmpstr (one.out, ==, many.out);
  assert_one_node_each (fixture, many.out);
}

/* The nodes of the compacted @graph named @name */
static GPtrArray *
find_named (JsonNode   *graph,
            const char *name)
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      g_autoptr(GPtrArray) names = get_strings (node, "name");

      for (guint j = 0; j < names->len; j++)
        if (g_str_equal (names->pdata[j], name))
          {
            g_ptr_array_add (found, node);
            break;
          }
    }

  return found;
}

static JsonObject *
find_by_id (JsonNode   *graph,
            const char *id)
{
  JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member (node, "id"), id) == 0)
        return node;
    }

  return NULL;
}

/* Whether the segment @ref of @text says @said, in its text or in the
 * titles of its sections, which its request gives too */
static gboolean
segment_says (JsonObject *ref,
              const char *text,
              const char *said)
{
  gint64 start = json_object_get_int_member (ref, "pp:start");
  gint64 end = json_object_get_int_member (ref, "pp:end");
  g_autofree char *bytes = g_strndup (text + start, end - start);
  const char *section = json_object_get_string_member_with_default (ref, "pp:section", "");

  return strstr (bytes, said) != NULL || strstr (section, said) != NULL;
}

/* The bundled example, converted by pp-mock-llm: "Liskov" and "Barbara
 * Liskov" are one node, "Computing" one, whose provenance is every
 * segment that says their name, and the bytes are the same whatever the
 * number of workers */
static void
test_demo_document (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char * const options[] = { "--latency-jitter-ms", "10", "--seed", "7", NULL };
  PpTestMockLlm mock = { 0, };
  g_autofree char *path = g_build_filename (g_getenv ("PP_DATA_DIR"), "examples",
                                            "computing-pioneers.md", NULL);
  g_autofree char *text = NULL;
  g_auto(PpTestRun) one = { 0, };
  g_auto(PpTestRun) many = { 0, };
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GPtrArray) liskov = NULL;
  g_autoptr(GPtrArray) barbara_liskov = NULL;
  const struct { const char *name; const char *said; } checked[] = {
    { "Barbara Liskov", "Liskov" },
    { "Computing", "Computing" },
  };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  pp_test_mock_llm_start (&mock, NULL, options, NULL);
  run_convert (&one, mock.base_url, "--jobs", "1", path, NULL);
  run_convert (&many, mock.base_url, "--jobs", "64", path, NULL);
  g_assert_cmpstr (one.out, ==, many.out);

  graph = parse_json (many.out);
  liskov = find_named (graph, "Liskov");
  barbara_liskov = find_named (graph, "Barbara Liskov");
  g_assert_cmpuint (liskov->len, ==, 1);
  g_assert_cmpuint (barbara_liskov->len, ==, 1);
  g_assert_true (liskov->pdata[0] == barbara_liskov->pdata[0]);
  for (guint i = 0; i < G_N_ELEMENTS (checked); i++)
    {
      g_autoptr(GPtrArray) found = find_named (graph, checked[i].name);
      g_autoptr(GPtrArray) refs = NULL;
      guint n_saying = 0;

      g_assert_cmpuint (found->len, ==, 1);
      refs = get_strings (found->pdata[0], "pp:derivedFrom");
      for (guint j = 0; j < refs->len; j++)
        {
          JsonObject *ref = find_by_id (graph, refs->pdata[j]);

          g_assert_nonnull (ref);
          g_assert_true (segment_says (ref, text, checked[i].said));
          g_assert_cmpstr (json_object_get_string_member (ref, "pp:document"), ==, path);
        }

      /* Every segment that says it */
      {
        JsonArray *nodes = json_object_get_array_member (json_node_get_object (graph), "@graph");

        for (guint j = 0; j < json_array_get_length (nodes); j++)
          {
            JsonObject *node = json_array_get_object_element (nodes, j);

            n_saying += is_segment_ref (node) && segment_says (node, text, checked[i].said);
          }
      }
      g_assert_cmpuint (refs->len, ==, n_saying);
      g_assert_cmpuint (n_saying, >, 0);
    }

  pp_test_mock_llm_stop (&mock, NULL);
}

/* Two documents mention one entity: it is one node, derived from a
 * segment of each, and each segment names its document */
static void
test_two_documents (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *first = g_build_filename (fixture->dir, "first.md", NULL);
  g_autofree char *second = g_build_filename (fixture->dir, "second.md", NULL);
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GPtrArray) refs = NULL;
  g_autoptr(GHashTable) documents = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_true (g_file_set_contents (first, "# Engines\n\nAda Lovelace wrote the notes.\n", -1, NULL));
  g_assert_true (g_file_set_contents (second, "# Letters\n\nAda Lovelace wrote to Charles Babbage.\n",
                                      -1, NULL));
  pp_test_server_set_answer_func (fixture->server, NULL, NULL);
  run_convert (&run, pp_test_server_get_base_url (fixture->server), first, second, NULL);

  graph = parse_json (run.out);
  found = find_named (graph, "Ada Lovelace");
  g_assert_cmpuint (found->len, ==, 1);
  refs = get_strings (found->pdata[0], "pp:derivedFrom");
  g_assert_cmpuint (refs->len, ==, 2);
  for (guint i = 0; i < refs->len; i++)
    {
      JsonObject *ref = find_by_id (graph, refs->pdata[i]);

      g_assert_nonnull (ref);
      g_hash_table_add (documents, (gpointer) json_object_get_string_member (ref, "pp:document"));
    }
  g_assert_cmpuint (g_hash_table_size (documents), ==, 2);
  g_assert_true (g_hash_table_contains (documents, first));
  g_assert_true (g_hash_table_contains (documents, second));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pp-convert/entities/one-node-each", Fixture, NULL,
              fixture_set_up, test_one_node_each, fixture_tear_down);
  g_test_add ("/pp-convert/entities/same-bytes-whatever-the-jobs", Fixture, NULL,
              fixture_set_up, test_same_bytes_whatever_the_jobs, fixture_tear_down);
  g_test_add ("/pp-convert/entities/demo-document", Fixture, NULL,
              fixture_set_up, test_demo_document, fixture_tear_down);
  g_test_add ("/pp-convert/entities/documents/one-node-derived-from-each", Fixture, NULL,
              fixture_set_up, test_two_documents, fixture_tear_down);

  return g_test_run ();
}
