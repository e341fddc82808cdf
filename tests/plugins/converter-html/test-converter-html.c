/* test-converter-html.c: the "html" converter plugin, and pp-convert with it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <libpp/libpp.h>

#include "pp-test-server.h"
#include "pp-test-tool.h"

#define SCHEMA "http://schema.org/"
#define LOG_DOMAIN "libpp-converter-html"

typedef struct
{
  PpTestServer *server;   /* the endpoint of the client, never to be asked */
  PpLlmClient *client;
  PpConverter *converter;
} Fixture;

/* The warnings and messages of the converter, which a test expects */
static GMutex logged_lock;
static GPtrArray *logged;

static GLogWriterOutput
record_converter_messages (GLogLevelFlags   log_level,
                           const GLogField *fields,
                           gsize            n_fields,
                           gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if (g_strcmp0 (domain, LOG_DOMAIN) == 0 && (log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE)))
    {
      g_mutex_lock (&logged_lock);
      g_ptr_array_add (logged, g_strdup (message));
      g_mutex_unlock (&logged_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Asserts that exactly one message was logged, matching @pattern, and
 * forgets it */
static void
assert_logged_once (const char *pattern)
{
  g_mutex_lock (&logged_lock);
  for (guint i = 0; i < logged->len; i++)
    g_test_message ("logged: %s", (const char *) g_ptr_array_index (logged, i));
  g_assert_cmpuint (logged->len, ==, 1);
  g_assert_true (g_pattern_match_simple (pattern, g_ptr_array_index (logged, 0)));
  g_ptr_array_set_size (logged, 0);
  g_mutex_unlock (&logged_lock);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  GObject *object;

  fixture->server = pp_test_server_new ();
  object = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, "openai", &error,
                               "base-url", pp_test_server_get_base_url (fixture->server),
                               NULL);
  g_assert_no_error (error);
  fixture->client = PP_LLM_CLIENT (object);

  object = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, "html", &error, NULL);
  g_assert_no_error (error);
  g_assert_true (PP_IS_CONVERTER (object));
  fixture->converter = PP_CONVERTER (object);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  /* The converter asks no LLM, whatever the page */
  g_assert_cmpuint (pp_test_server_get_request_count (fixture->server), ==, 0);

  g_mutex_lock (&logged_lock);
  g_assert_cmpuint (logged->len, ==, 0);
  g_mutex_unlock (&logged_lock);

  g_clear_object (&fixture->converter);
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, pp_test_server_free);
}

/* Converts the page @html of the document @document_name; the nodes */
static JsonArray *
convert_page (Fixture    *fixture,
              const char *document_name,
              const char *html)
{
  g_autoptr(PpConvertContext) context = pp_convert_context_new (fixture->client, NULL);
  g_autoptr(PpSegment) segment = pp_segment_new (0, html, -1, 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  pp_convert_context_set_document_name (context, document_name);
  graph = pp_converter_convert (fixture->converter, context, segment, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (graph);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (graph));

  return json_array_ref (json_node_get_array (graph));
}

static JsonObject *
find_node (JsonArray  *nodes,
           const char *id)
{
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (node, "@id", NULL), id) == 0)
        return node;
    }

  g_error ("no node %s", id);
  return NULL;
}

static JsonObject *
find_node_of_type (JsonArray  *nodes,
                   const char *type)
{
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);
      JsonArray *types = json_object_get_array_member (node, "@type");

      if (types != NULL && g_strcmp0 (json_array_get_string_element (types, 0), type) == 0)
        return node;
    }

  g_error ("no node of type %s", type);
  return NULL;
}

static guint
count_values (JsonObject *node,
              const char *property)
{
  JsonArray *values = json_object_get_array_member (node, property);

  return values != NULL ? json_array_get_length (values) : 0;
}

/* The @index-th value of @property of @node, an expanded value object */
static JsonObject *
get_value (JsonObject *node,
           const char *property,
           guint       index)
{
  JsonArray *values = json_object_get_array_member (node, property);

  g_assert_nonnull (values);
  g_assert_cmpuint (json_array_get_length (values), >, index);

  return json_array_get_object_element (values, index);
}

static void
assert_text (JsonObject *node,
             const char *property,
             const char *expected)
{
  g_assert_cmpstr (json_object_get_string_member (get_value (node, property, 0), "@value"), ==, expected);
}

static void
assert_iri (JsonObject *node,
            const char *property,
            const char *expected)
{
  g_assert_cmpstr (json_object_get_string_member (get_value (node, property, 0), "@id"), ==, expected);
}

static void
assert_type (JsonObject *node,
             const char *expected)
{
  JsonArray *types = json_object_get_array_member (node, "@type");

  g_assert_nonnull (types);
  g_assert_cmpstr (json_array_get_string_element (types, 0), ==, expected);
}

static void
test_declares_source_and_no_llm (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_assert_cmpint (pp_converter_get_input (fixture->converter), ==, PP_CONVERTER_INPUT_SOURCE);
  g_assert_false (pp_converter_uses_llm (fixture->converter));
}

static void
test_jsonld_block (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "https://example.org/ada.html",
    "<!DOCTYPE html><html><head><title>Ada</title>\n"
    "<script type=\"application/ld+json\">\n"
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"@id\": \"#ada\",\n"
    " \"name\": \"Ada Lovelace\", \"birthDate\": \"1815-12-10\"}\n"
    "</script></head><body><p>Ada</p></body></html>");
  JsonObject *ada;

  g_assert_cmpuint (json_array_get_length (nodes), ==, 1);
  ada = find_node (nodes, "https://example.org/ada.html#ada");
  assert_type (ada, SCHEMA "Person");
  assert_text (ada, SCHEMA "name", "Ada Lovelace");
  /* Typed as the schema.org context says */
  g_assert_cmpstr (json_object_get_string_member (get_value (ada, SCHEMA "birthDate", 0), "@type"), ==,
                   SCHEMA "Date");
}

static void
test_jsonld_several_blocks (Fixture       *fixture,
                            gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "https://example.org/index.html",
    "<html><head>\n"
    "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
    "\"@type\": \"Organization\", \"@id\": \"https://example.org/#org\", \"name\": \"Example\"}</script>\n"
    "<script type=\"text/javascript\">var notData = {\"@id\": \"x\"};</script>\n"
    "</head><body>\n"
    "<script type=\" Application/LD+JSON \">{\"@context\": \"https://schema.org\", \"@graph\": ["
    "{\"@type\": \"WebPage\", \"@id\": \"https://example.org/\"},"
    "{\"@type\": \"Person\", \"@id\": \"https://example.org/#ada\", \"name\": \"Ada\"}]}</script>\n"
    "</body></html>");

  g_assert_cmpuint (json_array_get_length (nodes), ==, 3);
  assert_type (find_node (nodes, "https://example.org/#org"), SCHEMA "Organization");
  assert_type (find_node (nodes, "https://example.org/"), SCHEMA "WebPage");
  assert_text (find_node (nodes, "https://example.org/#ada"), SCHEMA "name", "Ada");
}

static void
test_jsonld_malformed_block_skipped (Fixture       *fixture,
                                     gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "/srv/pages/ada.html",
    "<html><head>\n"
    "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
    "\"@type\": \"Person\", \"@id\": \"#ada\", \"name\": \"Ada\"}</script>\n"
    "<script type=\"application/ld+json\">\n"
    "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", \"name\": }\n"
    "</script>\n"
    "<script type=\"application/ld+json\">{\"@context\": \"https://example.com/remote\", "
    "\"name\": \"x\"}</script>\n"
    "</head></html>");
  const char *expected_first = "/srv/pages/ada.html: JSON-LD block 2 (line 3): skipped: not JSON: *";
  const char *expected_second = "/srv/pages/ada.html: JSON-LD block 3 (line 6): skipped: *";

  /* The good block is kept */
  g_assert_cmpuint (json_array_get_length (nodes), ==, 1);
  assert_text (find_node (nodes, "file:///srv/pages/ada.html#ada"), SCHEMA "name", "Ada");

  g_mutex_lock (&logged_lock);
  g_assert_cmpuint (logged->len, ==, 2);
  g_assert_true (g_pattern_match_simple (expected_first, g_ptr_array_index (logged, 0)));
  g_assert_true (g_pattern_match_simple (expected_second, g_ptr_array_index (logged, 1)));
  g_ptr_array_set_size (logged, 0);
  g_mutex_unlock (&logged_lock);
}

static void
test_microdata_nested_items (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "https://example.org/notes.html",
    "<html><body>\n"
    "<div itemscope itemtype=\"https://schema.org/Book\" itemid=\"#notes\">\n"
    "  <h1 itemprop=\"name\">\n    Notes on the Analytical Engine\n  </h1>\n"
    "  <div itemprop=\"author\" itemscope itemtype=\"http://schema.org/Person\">\n"
    "    <span itemprop=\"name\">Ada Lovelace</span>\n"
    "    <a itemprop=\"url sameAs\" href=\"/ada\">her page</a>\n"
    "    <meta itemprop=\"birthDate\" content=\"1815-12-10\">\n"
    "  </div>\n"
    "  <time itemprop=\"datePublished\" datetime=\"1843-09-01\">September 1843</time>\n"
    "  <img itemprop=\"image\" src=\"img/notes.png\">\n"
    "  <span itemprop=\"http://example.org/vocab#shelf\">B4</span>\n"
    "</div>\n"
    "<div itemscope itemtype=\"http://example.org/vocab#Shelf\"><span itemprop=\"label\">B</span></div>\n"
    "</body></html>");
  JsonObject *book = find_node (nodes, "https://example.org/notes.html#notes");
  JsonObject *author;
  JsonObject *shelf;

  g_assert_cmpuint (json_array_get_length (nodes), ==, 2);

  /* https://schema.org is written as its context writes it */
  assert_type (book, SCHEMA "Book");
  assert_text (book, SCHEMA "name", "Notes on the Analytical Engine");
  assert_text (book, SCHEMA "datePublished", "1843-09-01");
  assert_iri (book, SCHEMA "image", "https://example.org/img/notes.png");
  assert_text (book, "http://example.org/vocab#shelf", "B4");

  g_assert_cmpuint (count_values (book, SCHEMA "author"), ==, 1);
  author = get_value (book, SCHEMA "author", 0);
  assert_type (author, SCHEMA "Person");
  assert_text (author, SCHEMA "name", "Ada Lovelace");
  assert_iri (author, SCHEMA "url", "https://example.org/ada");
  assert_iri (author, SCHEMA "sameAs", "https://example.org/ada");
  assert_text (author, SCHEMA "birthDate", "1815-12-10");
  /* The nested item is a value, not a node of its own */
  g_assert_false (json_object_has_member (book, SCHEMA "birthDate"));

  /* The vocabulary of another type is its own */
  shelf = find_node_of_type (nodes, "http://example.org/vocab#Shelf");
  assert_text (shelf, "http://example.org/vocab#label", "B");
}

static void
test_microdata_itemref (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "https://example.org/band.html",
    "<html><body>\n"
    "<div itemscope itemtype=\"https://schema.org/MusicGroup\" itemref=\"members missing\">\n"
    "  <span itemprop=\"name\">The Engines</span>\n"
    "</div>\n"
    "<ul id=\"members\">\n"
    "  <li itemprop=\"member\" itemscope itemtype=\"https://schema.org/Person\"><span itemprop=\"name\">Ada</span></li>\n"
    "  <li itemprop=\"member\" itemscope itemtype=\"https://schema.org/Person\"><span itemprop=\"name\">Charles</span></li>\n"
    "</ul>\n"
    "<div itemscope itemtype=\"https://schema.org/Thing\" id=\"loop\" itemref=\"loop\">\n"
    "  <span itemprop=\"name\">Loop</span>\n"
    "</div>\n"
    "</body></html>");
  JsonObject *band = find_node_of_type (nodes, SCHEMA "MusicGroup");
  JsonObject *loop = find_node_of_type (nodes, SCHEMA "Thing");

  /* The items in the referenced list are the band's values, and no
   * top-level items of their own */
  g_assert_cmpuint (json_array_get_length (nodes), ==, 2);
  assert_text (band, SCHEMA "name", "The Engines");
  g_assert_cmpuint (count_values (band, SCHEMA "member"), ==, 2);
  assert_text (get_value (band, SCHEMA "member", 0), SCHEMA "name", "Ada");
  assert_text (get_value (band, SCHEMA "member", 1), SCHEMA "name", "Charles");

  /* An item that refers to itself is read once */
  g_assert_cmpuint (count_values (loop, SCHEMA "name"), ==, 1);
}

static void
test_base_element (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "/srv/pages/saved.html",
    "<html><head><base href=\"https://example.org/people/\">\n"
    "<link rel=\"canonical\" href=\"https://example.com/elsewhere\">\n"
    "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
    "\"@id\": \"ada\", \"@type\": \"Person\", \"url\": \"ada.html\"}</script></head>\n"
    "<body><div itemscope itemtype=\"https://schema.org/Person\" itemid=\"charles\">\n"
    "<a itemprop=\"url\" href=\"../charles.html\">Charles</a></div></body></html>");

  assert_iri (find_node (nodes, "https://example.org/people/ada"), SCHEMA "url",
              "https://example.org/people/ada.html");
  assert_iri (find_node (nodes, "https://example.org/people/charles"), SCHEMA "url",
              "https://example.org/charles.html");
}

static void
test_base_canonical_link (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "/srv/pages/saved.html",
    "<html><head><link rel=\"alternate canonical\" href=\"https://example.org/people/index.html\">\n"
    "</head><body><div itemscope itemtype=\"https://schema.org/Person\" itemid=\"#ada\">\n"
    "<img itemprop=\"image\" src=\"ada.png\"></div></body></html>");

  assert_iri (find_node (nodes, "https://example.org/people/index.html#ada"), SCHEMA "image",
              "https://example.org/people/ada.png");
}

static void
test_base_document_file (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "/srv/pages/saved.html",
    "<html><body><script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
    "\"@id\": \"#ada\", \"@type\": \"Person\", \"image\": \"img/ada.png\"}</script></body></html>");

  assert_iri (find_node (nodes, "file:///srv/pages/saved.html#ada"), SCHEMA "image",
              "file:///srv/pages/img/ada.png");
}

static void
test_no_structured_data (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(JsonArray) nodes = convert_page (fixture, "/srv/pages/plain.html",
    "<html><head><title>Plain</title><script>var x = 1;</script></head>"
    "<body><p itemprop=\"name\">No item around this</p></body></html>");

  g_assert_cmpuint (json_array_get_length (nodes), ==, 0);
  assert_logged_once ("/srv/pages/plain.html: no structured data");
}

/* pp-convert */

static char *
write_page (const char *dir,
            const char *name,
            const char *html)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, html, -1, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static char *
make_pages_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pp-converter-html-XXXXXX", &error);

  g_assert_no_error (error);

  return dir;
}

static void
remove_pages_dir (const char *dir,
                  const char * const *paths)
{
  for (; *paths != NULL; paths++)
    g_assert_no_errno (g_unlink (*paths));
  g_assert_no_errno (g_rmdir (dir));
}

/* The nodes of the graph pp-convert wrote, compacted */
static JsonArray *
parse_graph (const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *document;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  document = json_node_get_object (json_parser_get_root (parser));

  return json_array_ref (json_object_get_array_member (document, "@graph"));
}

static gboolean
graph_has_name (JsonArray  *graph,
                const char *name)
{
  for (guint i = 0; i < json_array_get_length (graph); i++)
    {
      JsonObject *node = json_array_get_object_element (graph, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (node, "name", NULL), name) == 0)
        return TRUE;
    }

  return FALSE;
}

/* With no endpoint, key or cache configured, pages convert */
static void
test_pp_convert_no_endpoint (void)
{
  g_autofree char *dir = make_pages_dir ();
  g_autofree char *ada = write_page (dir, "ada.html",
    "<html><head><script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", "
    "\"@type\": \"Person\", \"@id\": \"#ada\", \"name\": \"Ada Lovelace\"}</script></head></html>\n");
  g_autofree char *book = write_page (dir, "notes.html",
    "<html><body><div itemscope itemtype=\"https://schema.org/Book\">"
    "<span itemprop=\"name\">Notes</span></div></body></html>\n");
  g_autofree char *plain = write_page (dir, "plain.html", "<html><body><p>Nothing here.</p></body></html>\n");
  g_autofree char *tool = pp_test_tool_path ("pp-convert");
  g_autofree char *expected_id = NULL;
  g_autofree char *expected_message = NULL;
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonArray) graph = NULL;
  g_autoptr(GFile) ada_file = g_file_new_for_path (ada);
  g_autofree char *ada_uri = g_file_get_uri (ada_file);

  pp_test_run_argv (&run, (const char * const[]) {
                      tool, "--converter", "html", "--no-provenance", ada, book, plain, NULL
                    }, NULL);
  g_test_message ("standard error:\n%s", run.err);
  g_assert_cmpint (run.status, ==, 0);

  graph = parse_graph (run.out);
  g_assert_true (graph_has_name (graph, "Ada Lovelace"));
  g_assert_true (graph_has_name (graph, "Notes"));

  /* The page's relative @id is resolved against its file */
  expected_id = g_strconcat ("\"", ada_uri, "#ada\"", NULL);
  g_assert_nonnull (strstr (run.out, expected_id));

  expected_message = g_strconcat (plain, ": no structured data", NULL);
  g_assert_nonnull (strstr (run.err, expected_message));
  g_assert_null (strstr (run.err, "ada.html: no structured data"));

  remove_pages_dir (dir, (const char * const[]) { ada, book, plain, NULL });
}

/* Given an endpoint, pp-convert sends it nothing */
static void
test_pp_convert_contacts_no_endpoint (void)
{
  g_autoptr(PpTestServer) server = pp_test_server_new ();
  g_autofree char *dir = make_pages_dir ();
  g_autofree char *page = write_page (dir, "ada.html",
    "<html><body><div itemscope itemtype=\"https://schema.org/Person\">"
    "<span itemprop=\"name\">Ada Lovelace</span></div></body></html>\n");
  g_autofree char *tool = pp_test_tool_path ("pp-convert");
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonArray) graph = NULL;

  pp_test_run_argv (&run, (const char * const[]) {
                      tool, "--converter", "html", "--endpoint", pp_test_server_get_base_url (server),
                      "--cache", "memory", page, NULL
                    }, NULL);
  g_test_message ("standard error:\n%s", run.err);
  g_assert_cmpint (run.status, ==, 0);

  graph = parse_graph (run.out);
  g_assert_true (graph_has_name (graph, "Ada Lovelace"));
  g_assert_cmpuint (pp_test_server_get_request_count (server), ==, 0);

  remove_pages_dir (dir, (const char * const[]) { page, NULL });
}

/* A page that markup would cut in two is one segment */
static void
test_pp_convert_page_is_one_segment (void)
{
  g_autofree char *dir = make_pages_dir ();
  g_autoptr(GString) html = g_string_new ("<html><head><script type=\"application/ld+json\">"
                                          "{\"@context\": \"https://schema.org\", \"@type\": \"Person\", "
                                          "\"name\": \"Ada Lovelace\", \"description\": \"");
  g_autofree char *page = NULL;
  g_autofree char *tool = pp_test_tool_path ("pp-convert");
  g_autofree char *stats_path = g_build_filename (dir, "stats.json", NULL);
  g_autoptr(JsonParser) stats = json_parser_new ();
  g_auto(PpTestRun) run = { 0, };
  g_autoptr(JsonArray) graph = NULL;
  g_autoptr(GError) error = NULL;

  /* Far more than a segment's size, in paragraphs */
  for (guint i = 0; i < 200; i++)
    g_string_append (html, "A sentence of the description.\\n\\n");
  g_string_append (html, "\"}</script></head><body>\n\n<p>Text</p>\n\n<p>More text</p></body></html>\n");
  page = write_page (dir, "long.html", html->str);

  pp_test_run_argv (&run, (const char * const[]) {
                      tool, "--converter", "html", "--segment-size", "100", "--stats", stats_path, page, NULL
                    }, NULL);
  g_test_message ("standard error:\n%s", run.err);
  g_assert_cmpint (run.status, ==, 0);

  graph = parse_graph (run.out);
  g_assert_true (graph_has_name (graph, "Ada Lovelace"));
  json_parser_load_from_file (stats, stats_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (stats)), "submitted"),
                   ==, 1);

  remove_pages_dir (dir, (const char * const[]) { page, stats_path, NULL });
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  logged = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (record_converter_messages, NULL, NULL);

#define ADD(path, func) \
  g_test_add ("/converter-html/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("declares/source-and-no-llm", test_declares_source_and_no_llm);
  ADD ("jsonld/one-block", test_jsonld_block);
  ADD ("jsonld/several-blocks", test_jsonld_several_blocks);
  ADD ("jsonld/malformed-block-skipped", test_jsonld_malformed_block_skipped);
  ADD ("microdata/nested-items", test_microdata_nested_items);
  ADD ("microdata/itemref", test_microdata_itemref);
  ADD ("base/base-element", test_base_element);
  ADD ("base/canonical-link", test_base_canonical_link);
  ADD ("base/document-file", test_base_document_file);
  ADD ("no-structured-data/empty-with-message", test_no_structured_data);

  g_test_add_func ("/converter-html/pp-convert/no-endpoint-configured", test_pp_convert_no_endpoint);
  g_test_add_func ("/converter-html/pp-convert/contacts-no-endpoint", test_pp_convert_contacts_no_endpoint);
  g_test_add_func ("/converter-html/pp-convert/page-is-one-segment", test_pp_convert_page_is_one_segment);

  return g_test_run ();
}
