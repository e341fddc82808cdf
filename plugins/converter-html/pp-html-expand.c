/* pp-html-expand.c: the JSON-LD documents of an HTML page, expanded
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <libpp/libpp.h>

#include "pp-html-expand.h"

/**
 * pp_html_source_new:
 * @label: (transfer full): where in the page it is
 * @document: (transfer full): a JSON-LD document
 *
 * Returns: (transfer full): a source
 */
PpHtmlSource *
pp_html_source_new (char     *label,
                    JsonNode *document)
{
  PpHtmlSource *source = g_new (PpHtmlSource, 1);

  source->label = label;
  source->document = document;

  return source;
}

void
pp_html_source_free (PpHtmlSource *source)
{
  g_free (source->label);
  json_node_unref (source->document);
  g_free (source);
}

/* @iri resolved against the page's base; NULL when it needs not be: it is
 * absolute or a blank node's label, or the page has no base */
static char *
resolve_reference (PpHtmlPage *page,
                   const char *iri)
{
  if (page->base == NULL || g_str_has_prefix (iri, "_:") || g_uri_is_valid (iri, G_URI_FLAGS_NONE, NULL))
    return NULL;

  return pp_html_page_resolve (page, iri);
}

static void rebase (PpHtmlPage *page,
                    JsonNode   *node);

/* Resolves @node, an IRI or an array of them, in place */
static void
rebase_references (PpHtmlPage *page,
                   JsonNode   *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        rebase_references (page, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *resolved = resolve_reference (page, json_node_get_string (node));

      if (resolved != NULL)
        json_node_set_string (node, resolved);
    }
}

/* Resolves the document-relative IRIs of @node, expanded JSON-LD, in
 * place: those of @id and @type; a literal's value is left alone */
static void
rebase (PpHtmlPage *page,
        JsonNode   *node)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        rebase (page, json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &key, &member))
        {
          if (g_str_equal (key, "@id") || g_str_equal (key, "@type"))
            rebase_references (page, member);
          else if (!g_str_equal (key, "@value"))
            rebase (page, member);
        }
    }
}

/* Adds @node to @nodes; the nodes of a graph object that says nothing
 * else, as a document of its own is its graph's nodes */
static void
add_node (JsonArray *nodes,
          JsonNode  *node)
{
  JsonObject *object = json_node_get_object (node);
  JsonArray *graph;

  if (json_object_get_size (object) != 1 || !json_object_has_member (object, "@graph"))
    {
      json_array_add_element (nodes, json_node_copy (node));
      return;
    }

  graph = json_object_get_array_member (object, "@graph");
  for (guint i = 0; i < json_array_get_length (graph); i++)
    json_array_add_element (nodes, json_array_dup_element (graph, i));
}

/* Expands @document, offline, and adds its nodes to @nodes, their
 * relative IRIs resolved against the page's base.
 *
 * The document is expanded without a base, and its relative IRIs resolved
 * after: a context is processed again for every base it is processed
 * with, and every page has its own. */
static gboolean
expand_into (PpHtmlPage    *page,
             JsonNode      *document,
             JsonArray     *nodes,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(JsonNode) expanded = NULL;
  JsonArray *array;

  expanded = pp_jsonld_expand (document, NULL, cancellable, error);
  if (expanded == NULL)
    return FALSE;

  rebase (page, expanded);

  /* Expansion gives an array of nodes */
  array = json_node_get_array (expanded);
  for (guint i = 0; i < json_array_get_length (array); i++)
    add_node (nodes, json_array_get_element (array, i));

  return TRUE;
}

/**
 * pp_html_sources_expand:
 * @page: a page
 * @sources: (element-type PpHtmlSource): the page's JSON-LD documents
 * @nodes: where the nodes go
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds to @nodes the nodes of @sources, expanded against the page's base
 * IRI, offline. A source that does not expand, such as one whose context
 * is not at hand, is skipped with a warning that names the page and the
 * source.
 *
 * They are expanded together: the contexts they share, most often
 * schema.org's, are processed once. Only when that fails is each expanded
 * on its own, to find the ones at fault.
 *
 * Returns: %FALSE with @error set only when @cancellable was cancelled
 */
gboolean
pp_html_sources_expand (PpHtmlPage    *page,
                        GPtrArray     *sources,
                        JsonArray     *nodes,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(JsonNode) together = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonArray *documents = json_array_sized_new (sources->len);

  for (guint i = 0; i < sources->len; i++)
    {
      PpHtmlSource *source = g_ptr_array_index (sources, i);

      json_array_add_element (documents, json_node_ref (source->document));
    }
  together = json_node_init_array (json_node_alloc (), documents);
  json_array_unref (documents);
  /* Sealed, a context met again is processed once */
  json_node_seal (together);

  if (sources->len == 0 || expand_into (page, together, nodes, cancellable, &local_error))
    return TRUE;

  /* Some source is at fault: each on its own */
  for (guint i = 0; i < sources->len && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED); i++)
    {
      PpHtmlSource *source = g_ptr_array_index (sources, i);

      g_clear_error (&local_error);
      if (!expand_into (page, source->document, nodes, cancellable, &local_error) &&
          !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("%s: %s: skipped: %s", page->name, source->label, local_error->message);
    }

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
