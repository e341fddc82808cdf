/* pp-reader-html-walk.c: the visible text of an HTML page, block by block
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-reader-html-walk.h"

/* The walk goes through the element tree in document order and keeps what
 * a reader sees: no script, style, template or navigation, nothing hidden
 * (the hidden attribute, aria-hidden="true", an inline display: none).
 * Runs of white space collapse into one space, except inside <pre>. A
 * block element (p, li, td, div…) ends the block before it and starts one
 * of its own; h1 to h6 set the section path, outermost first, and are
 * blocks of their own in the section they open. */

typedef struct
{
  PpDocumentBuilder *builder;
  HtmlHead *head;
  GString *block;
  GPtrArray *headings;   /* (element-type utf8): the section path */
  guint in_pre;
} Walk;

static const char * const skipped_elements[] = {
  "script", "style", "nav", "noscript", "template", "head", "iframe", "object",
  "svg", "canvas", "select", "button", NULL,
};

static const char * const block_elements[] = {
  "address", "article", "aside", "blockquote", "body", "caption", "dd", "details",
  "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
  "form", "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary",
  "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", NULL,
};

static gboolean
name_is (xmlNodePtr  node,
         const char *name)
{
  return g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

static gboolean
name_in (xmlNodePtr          node,
         const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (name_is (node, names[i]))
        return TRUE;
    }

  return FALSE;
}

/* The value of attribute @name, or NULL; free with xmlFree() */
static char *
get_attribute (xmlNodePtr  node,
               const char *name)
{
  return (char *) xmlGetProp (node, (const xmlChar *) name);
}

/* Whether an inline style says display: none */
static gboolean
style_hides (const char *style)
{
  g_autoptr(GString) compact = g_string_new (NULL);

  for (const char *p = style; *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        g_string_append_c (compact, g_ascii_tolower (*p));
    }

  return strstr (compact->str, "display:none") != NULL;
}

static gboolean
is_hidden (xmlNodePtr node)
{
  char *aria_hidden;
  char *style;
  gboolean hidden = FALSE;

  if (xmlHasProp (node, (const xmlChar *) "hidden") != NULL)
    return TRUE;

  aria_hidden = get_attribute (node, "aria-hidden");
  if (aria_hidden != NULL)
    {
      hidden = g_ascii_strcasecmp (g_strstrip (aria_hidden), "true") == 0;
      xmlFree (aria_hidden);
      if (hidden)
        return TRUE;
    }

  style = get_attribute (node, "style");
  if (style != NULL)
    {
      hidden = style_hides (style);
      xmlFree (style);
    }

  return hidden;
}

/* Appends @text to @out, its white space collapsed unless @keep_space */
static void
append_text (GString    *out,
             const char *text,
             gboolean    keep_space)
{
  if (keep_space)
    {
      g_string_append (out, text);
      return;
    }

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ' && out->str[out->len - 1] != '\n')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }
}

static void
flush_block (Walk *walk)
{
  pp_document_builder_add_block (walk->builder, walk->block->str, walk->block->len, -1, -1);
  g_string_truncate (walk->block, 0);
}

static void walk_children (Walk *walk, xmlNodePtr node, GString *out);

/* The visible text of @node's children, white space collapsed */
static char *
visible_text (Walk       *walk,
              xmlNodePtr  node)
{
  GString *text = g_string_new (NULL);

  walk_children (walk, node, text);
  g_strstrip (text->str);
  text->len = strlen (text->str);

  return g_string_free (text, FALSE);
}

static void
enter_heading (Walk       *walk,
               xmlNodePtr  node,
               guint       level)
{
  g_autofree char *title = visible_text (walk, node);

  if (*title == '\0')
    return;

  flush_block (walk);
  while (walk->headings->len >= level)
    g_ptr_array_remove_index (walk->headings, walk->headings->len - 1);
  while (walk->headings->len < level - 1)
    g_ptr_array_add (walk->headings, g_strdup (""));
  g_ptr_array_add (walk->headings, g_strdup (title));

  g_ptr_array_add (walk->headings, NULL);
  pp_document_builder_set_section_path (walk->builder, (const char * const *) walk->headings->pdata);
  g_ptr_array_set_size (walk->headings, walk->headings->len - 1);

  pp_document_builder_add_block (walk->builder, title, -1, -1, -1);
}

static guint
heading_level (xmlNodePtr node)
{
  const char *name = (const char *) node->name;

  if ((name[0] == 'h' || name[0] == 'H') && name[1] >= '1' && name[1] <= '6' && name[2] == '\0')
    return name[1] - '0';

  return 0;
}

/* Walks @node; the text goes to @out, the block under way or a heading's
 * title */
static void
walk_node (Walk       *walk,
           xmlNodePtr  node,
           GString    *out)
{
  gboolean is_block;
  guint level;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      if (node->content != NULL)
        append_text (out, (const char *) node->content, walk->in_pre > 0);
      return;
    }

  if (node->type != XML_ELEMENT_NODE)
    return;

  if (name_in (node, skipped_elements) || is_hidden (node))
    return;

  if (name_is (node, "br"))
    {
      g_string_append_c (out, '\n');
      return;
    }

  /* Headings open sections; inside another heading's title, they are text */
  level = heading_level (node);
  if (level > 0 && out == walk->block)
    {
      enter_heading (walk, node, level);
      return;
    }

  is_block = out == walk->block && name_in (node, block_elements);
  if (is_block)
    flush_block (walk);
  if (name_is (node, "pre"))
    walk->in_pre++;

  walk_children (walk, node, out);

  if (name_is (node, "pre"))
    walk->in_pre--;
  if (is_block)
    flush_block (walk);
  else if (out->len > 0 && out->str[out->len - 1] != ' ' && name_in (node, block_elements))
    g_string_append_c (out, ' ');
}

static void
walk_children (Walk       *walk,
               xmlNodePtr  node,
               GString    *out)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    walk_node (walk, child, out);
}

static char *
collapse (const char *text)
{
  GString *out = g_string_new (NULL);

  append_text (out, text, FALSE);
  g_strstrip (out->str);
  out->len = strlen (out->str);

  return g_string_free (out, FALSE);
}

/* Reads <title> and <link rel="canonical"> wherever they are */
static void
read_head (xmlNodePtr  node,
           HtmlHead   *head)
{
  for (; node != NULL; node = node->next)
    {
      if (node->type != XML_ELEMENT_NODE)
        continue;

      if (head->title == NULL && name_is (node, "title"))
        {
          xmlChar *content = xmlNodeGetContent (node);
          g_autofree char *title = collapse (content != NULL ? (const char *) content : "");

          if (*title != '\0')
            head->title = g_steal_pointer (&title);
          xmlFree (content);
        }
      else if (head->canonical == NULL && name_is (node, "link"))
        {
          char *rel = get_attribute (node, "rel");
          char *href = get_attribute (node, "href");

          if (rel != NULL && href != NULL && g_ascii_strcasecmp (g_strstrip (rel), "canonical") == 0)
            head->canonical = g_strdup (g_strstrip (href));
          xmlFree (rel);
          xmlFree (href);
        }
      else if (!name_is (node, "body"))
        read_head (node->children, head);
    }
}

/* Adds the visible text of @document to @builder, block by block, and
 * reads its title and canonical link into @head */
void
html_walk (htmlDocPtr         document,
           PpDocumentBuilder *builder,
           HtmlHead          *head)
{
  g_autoptr(GString) block = g_string_new (NULL);
  g_autoptr(GPtrArray) headings = g_ptr_array_new_with_free_func (g_free);
  xmlNodePtr root = xmlDocGetRootElement (document);
  Walk walk = { builder, head, block, headings, 0 };

  if (root == NULL)
    return;

  read_head (root, head);
  walk_node (&walk, root, walk.block);
  flush_block (&walk);
}

void
html_head_clear (HtmlHead *head)
{
  g_clear_pointer (&head->title, g_free);
  g_clear_pointer (&head->canonical, g_free);
}
