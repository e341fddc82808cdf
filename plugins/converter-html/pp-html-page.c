/* pp-html-page.c: an HTML page parsed, with what structured data needs of it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <libxml/parser.h>

#include "pp-html-page.h"

/* Recover from what browsers forgive, say nothing of it on standard error,
 * and never fetch anything from the network */
#define PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | \
                       HTML_PARSE_NONET | HTML_PARSE_COMPACT)

#define JSONLD_MEDIA_TYPE "application/ld+json"

/**
 * pp_html_page_init_parser:
 *
 * Initialises libxml2, which must be done once before pages are parsed on
 * several threads at once.
 */
void
pp_html_page_init_parser (void)
{
  xmlInitParser ();
}

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

/**
 * pp_html_dup_attribute:
 * @element: an element
 * @name: the name of an attribute, in lower case
 *
 * Returns: (transfer full) (nullable): the value of the attribute, or %NULL
 *   when @element has none
 */
char *
pp_html_dup_attribute (xmlNode    *element,
                       const char *name)
{
  xmlChar *value = xmlGetProp (element, (const xmlChar *) name);
  char *copy;

  if (value == NULL)
    return NULL;

  copy = g_strdup ((const char *) value);
  xmlFree (value);

  return copy;
}

/**
 * pp_html_has_attribute:
 * @element: an element
 * @name: the name of an attribute, in lower case
 *
 * Returns: whether @element has the attribute, whatever its value
 */
gboolean
pp_html_has_attribute (xmlNode    *element,
                       const char *name)
{
  return xmlHasProp (element, (const xmlChar *) name) != NULL;
}

/**
 * pp_html_dup_text:
 * @element: an element
 *
 * Returns: (transfer full): the text of @element and its descendants
 */
char *
pp_html_dup_text (xmlNode *element)
{
  xmlChar *text = xmlNodeGetContent (element);
  char *copy = g_strdup (text != NULL ? (const char *) text : "");

  xmlFree (text);

  return copy;
}

/**
 * pp_html_split_tokens:
 * @value: (nullable): an attribute's value
 *
 * Returns: (transfer full): the tokens of @value, a set of space-separated
 *   tokens, without empty ones
 */
char **
pp_html_split_tokens (const char *value)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (value != NULL)
    {
      g_auto(GStrv) pieces = g_strsplit_set (value, " \t\n\f\r", -1);

      for (guint i = 0; pieces[i] != NULL; i++)
        {
          if (pieces[i][0] != '\0')
            g_strv_builder_add (builder, pieces[i]);
        }
    }

  return g_strv_builder_end (builder);
}

static gboolean
has_token (const char *value,
           const char *token)
{
  g_auto(GStrv) tokens = pp_html_split_tokens (value);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (tokens[i], token) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Resolves @reference against @base, which may be NULL: then @reference is
 * kept as it is */
static char *
resolve (const char *base,
         const char *reference)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (reference));
  char *resolved;

  if (base == NULL)
    return g_steal_pointer (&trimmed);

  resolved = g_uri_resolve_relative (base, trimmed, G_URI_FLAGS_NONE, NULL);

  return resolved != NULL ? resolved : g_steal_pointer (&trimmed);
}

/**
 * pp_html_page_resolve:
 * @page: a page
 * @reference: a URL as written in the page, perhaps relative
 *
 * Returns: (transfer full): @reference resolved against the page's base
 *   IRI; @reference itself, trimmed, when the page has none or @reference
 *   cannot be resolved
 */
char *
pp_html_page_resolve (PpHtmlPage *page,
                      const char *reference)
{
  return resolve (page->base, reference);
}

static gboolean
is_jsonld_script (xmlNode *element)
{
  g_autofree char *type = NULL;

  if (!is_element (element, "script"))
    return FALSE;

  type = pp_html_dup_attribute (element, "type");

  return type != NULL && g_ascii_strcasecmp (g_strstrip (type), JSONLD_MEDIA_TYPE) == 0;
}

typedef struct
{
  PpHtmlPage *page;
  guint position;
  char *base_href;        /* of the first <base href> */
  char *canonical_href;   /* of the first <link rel="canonical" href> */
} Walk;

/* Notes what @element is to structured data */
static void
walk_element (Walk    *walk,
              xmlNode *element)
{
  PpHtmlPage *page = walk->page;
  g_autofree char *id = pp_html_dup_attribute (element, "id");

  g_hash_table_insert (page->order, element, GUINT_TO_POINTER (++walk->position));

  if (id != NULL && !g_hash_table_contains (page->ids, id))
    g_hash_table_insert (page->ids, g_steal_pointer (&id), element);

  if (pp_html_has_attribute (element, "itemscope") && !pp_html_has_attribute (element, "itemprop"))
    g_ptr_array_add (page->items, element);

  if (is_jsonld_script (element))
    g_ptr_array_add (page->scripts, element);
  else if (walk->base_href == NULL && is_element (element, "base"))
    walk->base_href = pp_html_dup_attribute (element, "href");
  else if (walk->canonical_href == NULL && is_element (element, "link"))
    {
      g_autofree char *rel = pp_html_dup_attribute (element, "rel");

      if (has_token (rel, "canonical"))
        walk->canonical_href = pp_html_dup_attribute (element, "href");
    }
}

/* Walks the elements under @node in document order, without recursion:
 * a page may nest deeper than a thread's stack */
static void
walk_tree (Walk    *walk,
           xmlNode *root)
{
  xmlNode *node = root;

  while (node != NULL)
    {
      if (node->type == XML_ELEMENT_NODE)
        walk_element (walk, node);

      if (node->children != NULL && node->type == XML_ELEMENT_NODE)
        {
          node = node->children;
          continue;
        }

      while (node != NULL && node != root && node->next == NULL)
        node = node->parent;
      if (node == NULL || node == root)
        break;
      node = node->next;
    }
}

/**
 * uri_for_name:
 * @name: (nullable): the name of a document
 *
 * Returns: (transfer full) (nullable): @name if it is an absolute URI, the
 *   file URI of @name if it is a path, %NULL if there is no name
 */
static char *
uri_for_name (const char *name)
{
  g_autoptr(GFile) file = NULL;

  if (name == NULL || *name == '\0')
    return NULL;

  if (g_uri_is_valid (name, G_URI_FLAGS_NONE, NULL))
    return g_strdup (name);

  file = g_file_new_for_path (name);

  return g_file_get_uri (file);
}

/**
 * pp_html_page_new:
 * @name: the page's name for messages
 * @document_name: (nullable): the name of the page's document, a path or
 *   a URI, the base IRI of last resort
 * @html: the page's markup, UTF-8
 * @length: the length of @html in bytes
 *
 * Parses a page as a browser would, forgiving its faults, and finds its
 * base IRI: the `href` of its `<base>`, else of its
 * `<link rel="canonical">`, resolved against the document's URI, else the
 * document's URI.
 *
 * Returns: (transfer full): the page
 */
PpHtmlPage *
pp_html_page_new (const char *name,
                  const char *document_name,
                  const char *html,
                  gsize       length)
{
  g_autofree char *document_uri = uri_for_name (document_name);
  PpHtmlPage *page = g_new0 (PpHtmlPage, 1);
  Walk walk = { page, 0, NULL, NULL };

  page->name = g_strdup (name);
  page->scripts = g_ptr_array_new ();
  page->items = g_ptr_array_new ();
  page->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  page->order = g_hash_table_new (NULL, NULL);

  /* libxml2 takes the size as an int; longer pages are cut there */
  page->document = htmlReadMemory (html, (int) MIN (length, (gsize) G_MAXINT),
                                   document_uri, "UTF-8", PARSE_OPTIONS);
  if (page->document != NULL)
    walk_tree (&walk, xmlDocGetRootElement (page->document));

  if (walk.base_href != NULL)
    page->base = resolve (document_uri, walk.base_href);
  else if (walk.canonical_href != NULL)
    page->base = resolve (document_uri, walk.canonical_href);
  else
    page->base = g_steal_pointer (&document_uri);

  g_free (walk.base_href);
  g_free (walk.canonical_href);

  return page;
}

void
pp_html_page_free (PpHtmlPage *page)
{
  g_free (page->name);
  g_free (page->base);
  g_ptr_array_unref (page->scripts);
  g_ptr_array_unref (page->items);
  g_hash_table_unref (page->ids);
  g_hash_table_unref (page->order);
  g_clear_pointer (&page->document, xmlFreeDoc);
  g_free (page);
}
