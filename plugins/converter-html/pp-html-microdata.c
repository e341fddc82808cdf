/* pp-html-microdata.c: the microdata items of an HTML page, as JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-html-expand.h"
#include "pp-html-microdata.h"

/* Items are read as the WHATWG HTML standard says (“Microdata”, the
 * properties of an item and their values) and written as expanded JSON-LD
 * as the W3C note “Microdata to RDF” does: itemtype gives @type, itemid
 * @id, and the vocabulary of a property named without an IRI is the type's
 * IRI up to its last ‘#’ or ‘/’, which an item without a type inherits
 * from the item it is the value of. A value that is an item is a nested
 * node; a URL is an IRI, resolved against the page's base; anything else
 * is a string.
 *
 * schema.org answers at http and https alike; its JSON-LD context, and so
 * the graph, says http. Its IRIs are written so, and its properties by
 * their terms, in documents whose context is schema.org's: expanded, their
 * values are typed as in the page's JSON-LD blocks (a datePublished is a
 * Date), so that the same fact read from either is one. */

#define SCHEMAORG_HTTPS "https://schema.org/"
#define SCHEMAORG_HTTP "http://schema.org/"
#define SCHEMAORG_CONTEXT "https://schema.org"

typedef struct
{
  PpHtmlPage *page;
  GHashTable *reading;   /* the items whose properties are being read */
} Reader;

static JsonObject *read_item (Reader     *reader,
                              xmlNode    *item,
                              const char *inherited_vocabulary);

static gboolean
is_absolute_iri (const char *text)
{
  return g_uri_is_valid (text, G_URI_FLAGS_NONE, NULL);
}

static char *
normalize_iri (const char *iri)
{
  if (g_str_has_prefix (iri, SCHEMAORG_HTTPS))
    return g_strconcat (SCHEMAORG_HTTP, iri + strlen (SCHEMAORG_HTTPS), NULL);

  return g_strdup (iri);
}

/* The vocabulary of the type @type: its IRI up to its last ‘#’, or else
 * its last ‘/’ */
static char *
vocabulary_of (const char *type)
{
  const char *end = strrchr (type, '#');

  if (end == NULL)
    end = strrchr (type, '/');
  if (end == NULL)
    return NULL;

  return g_strndup (type, end - type + 1);
}

/* Whether @name is a plain schema.org term, and no keyword alias */
static gboolean
is_schemaorg_term (const char *name)
{
  if (*name == '\0' || g_str_equal (name, "id") || g_str_equal (name, "type"))
    return FALSE;

  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p))
        return FALSE;
    }

  return TRUE;
}

/* The key of the property @iri in a document with the schema.org context */
static char *
property_key (const char *iri)
{
  const char *term = iri + strlen (SCHEMAORG_HTTP);

  if (g_str_has_prefix (iri, SCHEMAORG_HTTP) && is_schemaorg_term (term))
    return g_strdup (term);

  return g_strdup (iri);
}

static char *
property_iri (Reader     *reader,
              const char *name,
              const char *vocabulary)
{
  g_autofree char *document = NULL;
  char *fragment;

  if (is_absolute_iri (name))
    return normalize_iri (name);
  if (vocabulary != NULL)
    return g_strconcat (vocabulary, name, NULL);
  if (reader->page->base == NULL)
    return NULL;

  /* No vocabulary: a fragment of the page */
  document = g_strdup (reader->page->base);
  fragment = strchr (document, '#');
  if (fragment != NULL)
    *fragment = '\0';

  return g_strconcat (document, "#", name, NULL);
}

static gint
compare_document_order (gconstpointer a,
                        gconstpointer b,
                        gpointer      user_data)
{
  GHashTable *order = user_data;
  guint position_a = GPOINTER_TO_UINT (g_hash_table_lookup (order, *(xmlNode * const *) a));
  guint position_b = GPOINTER_TO_UINT (g_hash_table_lookup (order, *(xmlNode * const *) b));

  return (position_a > position_b) - (position_a < position_b);
}

static void
push_children (GQueue  *pending,
               xmlNode *element)
{
  for (xmlNode *child = element->children; child != NULL; child = child->next)
    {
      if (child->type == XML_ELEMENT_NODE)
        g_queue_push_tail (pending, child);
    }
}

/* The elements that give @item its properties, in document order: its
 * descendants and those of the elements its itemref names, down to the
 * first item on each path, each once */
static GPtrArray *
item_properties (PpHtmlPage *page,
                 xmlNode    *item)
{
  GPtrArray *properties = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autofree char *itemref = pp_html_dup_attribute (item, "itemref");
  g_auto(GStrv) references = pp_html_split_tokens (itemref);
  GQueue pending = G_QUEUE_INIT;
  xmlNode *current;

  g_hash_table_add (seen, item);
  push_children (&pending, item);
  for (guint i = 0; references[i] != NULL; i++)
    {
      xmlNode *referenced = g_hash_table_lookup (page->ids, references[i]);

      if (referenced != NULL)
        g_queue_push_tail (&pending, referenced);
    }

  while ((current = g_queue_pop_head (&pending)) != NULL)
    {
      g_autofree char *itemprop = NULL;

      if (!g_hash_table_add (seen, current))
        continue;

      if (!pp_html_has_attribute (current, "itemscope"))
        push_children (&pending, current);

      itemprop = pp_html_dup_attribute (current, "itemprop");
      if (itemprop != NULL && *g_strstrip (itemprop) != '\0')
        g_ptr_array_add (properties, current);
    }

  g_ptr_array_sort_with_data (properties, compare_document_order, page->order);

  return properties;
}

/* The attribute whose value is a URL on elements named @name, or NULL */
static const char *
url_attribute_of (const char *name)
{
  static const struct {
    const char *element;
    const char *attribute;
  } url_attributes[] = {
    { "a", "href" }, { "area", "href" }, { "link", "href" },
    { "audio", "src" }, { "embed", "src" }, { "iframe", "src" }, { "img", "src" },
    { "source", "src" }, { "track", "src" }, { "video", "src" },
    { "object", "data" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (url_attributes); i++)
    {
      if (g_ascii_strcasecmp (name, url_attributes[i].element) == 0)
        return url_attributes[i].attribute;
    }

  return NULL;
}

static JsonNode *
iri_value_new (const char *iri)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "@id", iri);

  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
text_value_new (const char *text)
{
  return json_node_init_string (json_node_alloc (), text);
}

/* The text a non-URL, non-item property element gives */
static char *
dup_text_value (xmlNode *element)
{
  const char *name = (const char *) element->name;
  char *value = NULL;

  if (g_ascii_strcasecmp (name, "meta") == 0)
    value = pp_html_dup_attribute (element, "content");
  else if (g_ascii_strcasecmp (name, "data") == 0 || g_ascii_strcasecmp (name, "meter") == 0)
    value = pp_html_dup_attribute (element, "value");
  else if (g_ascii_strcasecmp (name, "time") == 0)
    value = pp_html_dup_attribute (element, "datetime");

  if (value == NULL)
    value = pp_html_dup_text (element);

  /* Markup indents text: the value is what a reader sees */
  return g_strstrip (value);
}

/* The value of the property @element, in JSON-LD; NULL for an
 * item already being read, which would nest in itself */
static JsonNode *
property_value (Reader     *reader,
                xmlNode    *element,
                const char *vocabulary)
{
  const char *url_attribute;
  g_autofree char *text = NULL;

  if (pp_html_has_attribute (element, "itemscope"))
    {
      JsonObject *item;

      if (g_hash_table_contains (reader->reading, element))
        return NULL;

      item = read_item (reader, element, vocabulary);
      return json_node_init_object (json_node_alloc (), item);
    }

  url_attribute = url_attribute_of ((const char *) element->name);
  if (url_attribute != NULL)
    {
      g_autofree char *url = pp_html_dup_attribute (element, url_attribute);

      if (url != NULL && *g_strstrip (url) != '\0')
        {
          g_autofree char *iri = pp_html_page_resolve (reader->page, url);

          return iri_value_new (iri);
        }

      return text_value_new ("");
    }

  text = dup_text_value (element);

  return text_value_new (text);
}

static void
add_value (JsonObject *node,
           const char *property,
           JsonNode   *value)
{
  JsonArray *values;

  if (!json_object_has_member (node, property))
    json_object_set_array_member (node, property, json_array_new ());
  values = json_object_get_array_member (node, property);
  json_array_add_element (values, value);
}

/* @item as a node object, its schema.org properties by their terms */
static JsonObject *
read_item (Reader     *reader,
           xmlNode    *item,
           const char *inherited_vocabulary)
{
  JsonObject *node = json_object_new ();
  g_autofree char *itemtype = pp_html_dup_attribute (item, "itemtype");
  g_autofree char *itemid = pp_html_dup_attribute (item, "itemid");
  g_auto(GStrv) type_tokens = pp_html_split_tokens (itemtype);
  g_autoptr(GPtrArray) properties = NULL;
  g_autofree char *vocabulary = NULL;
  JsonArray *types = json_array_new ();

  for (guint i = 0; type_tokens[i] != NULL; i++)
    {
      if (is_absolute_iri (type_tokens[i]))
        {
          g_autofree char *type = normalize_iri (type_tokens[i]);

          if (vocabulary == NULL)
            vocabulary = vocabulary_of (type);
          json_array_add_string_element (types, type);
        }
    }
  if (vocabulary == NULL)
    vocabulary = g_strdup (inherited_vocabulary);

  if (itemid != NULL && *g_strstrip (itemid) != '\0')
    {
      g_autofree char *id = pp_html_page_resolve (reader->page, itemid);

      json_object_set_string_member (node, "@id", id);
    }

  if (json_array_get_length (types) > 0)
    json_object_set_array_member (node, "@type", types);
  else
    json_array_unref (types);

  g_hash_table_add (reader->reading, item);

  properties = item_properties (reader->page, item);
  for (guint i = 0; i < properties->len; i++)
    {
      xmlNode *element = g_ptr_array_index (properties, i);
      g_autofree char *itemprop = pp_html_dup_attribute (element, "itemprop");
      g_auto(GStrv) names = pp_html_split_tokens (itemprop);
      g_autoptr(JsonNode) value = property_value (reader, element, vocabulary);

      if (value == NULL)
        continue;

      for (guint j = 0; names[j] != NULL; j++)
        {
          g_autofree char *property = property_iri (reader, names[j], vocabulary);
          g_autofree char *key = property != NULL ? property_key (property) : NULL;

          if (key != NULL)
            add_value (node, key, json_node_copy (value));
        }
    }

  g_hash_table_remove (reader->reading, item);

  return node;
}

/**
 * pp_html_microdata_collect:
 * @page: a page
 * @sources: (element-type PpHtmlSource): where the items go
 *
 * Adds to @sources the top-level microdata items of @page, the elements
 * with `itemscope` and without `itemprop`, as one JSON-LD document whose
 * nodes are the items, with the items they hold nested in them.
 */
void
pp_html_microdata_collect (PpHtmlPage *page,
                           GPtrArray  *sources)
{
  g_autoptr(GHashTable) reading = g_hash_table_new (NULL, NULL);
  Reader reader = { page, reading };
  JsonArray *items;

  if (page->items->len == 0)
    return;

  items = json_array_sized_new (page->items->len);
  for (guint i = 0; i < page->items->len; i++)
    {
      JsonObject *item = read_item (&reader, g_ptr_array_index (page->items, i), NULL);

      json_object_set_string_member (item, "@context", SCHEMAORG_CONTEXT);
      json_array_add_object_element (items, item);
    }

  g_ptr_array_add (sources, pp_html_source_new (g_strdup ("microdata"),
                                                json_node_init_array (json_node_alloc (), items)));
  json_array_unref (items);
}
