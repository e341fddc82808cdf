/* pp-reader-pdf-outline.c: the outline of a PDF document, as section paths
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-reader-pdf-outline.h"

/* The outline is a tree of entries, each a title and an action, usually a
 * destination in the document. Its entries become a flat list in reading
 * order: an entry's path is the titles of its ancestors and its own, and
 * it is on the page its destination is on. Entries with no destination in
 * the document (a link to a URL) are left out, but their children are not. */

/* Deepest outline read: deeper entries join their ancestor's section */
#define MAX_DEPTH 16

static void
entry_clear (gpointer data)
{
  PdfOutlineEntry *entry = data;

  g_free (entry->title);
  g_strfreev (entry->path);
}

/* The page of @action's destination, from 1, or 0 when it has none */
static guint
action_page (PopplerDocument *document,
             PopplerAction   *action)
{
  PopplerDest *dest;
  guint page = 0;

  if (action == NULL || action->type != POPPLER_ACTION_GOTO_DEST || action->goto_dest.dest == NULL)
    return 0;

  dest = action->goto_dest.dest;
  if (dest->type == POPPLER_DEST_NAMED)
    {
      PopplerDest *named = poppler_document_find_dest (document, dest->named_dest);

      if (named != NULL)
        {
          page = named->page_num > 0 ? (guint) named->page_num : 0;
          poppler_dest_free (named);
        }
      return page;
    }

  return dest->page_num > 0 ? (guint) dest->page_num : 0;
}

static void
read_level (PopplerDocument  *document,
            PopplerIndexIter *iter,
            GPtrArray        *titles,
            GArray           *entries)
{
  do
    {
      PopplerAction *action = poppler_index_iter_get_action (iter);
      g_autoptr(PopplerIndexIter) child = NULL;
      const char *raw = action != NULL && action->any.title != NULL ? action->any.title : "";
      g_autofree char *title = g_utf8_make_valid (raw, -1);
      guint page = action_page (document, action);

      g_strstrip (title);
      g_ptr_array_add (titles, g_strdup (title));

      if (page > 0 && *title != '\0')
        {
          PdfOutlineEntry entry = { page, g_strdup (title), NULL };

          g_ptr_array_add (titles, NULL);
          entry.path = g_strdupv ((char **) titles->pdata);
          g_ptr_array_set_size (titles, titles->len - 1);
          g_array_append_val (entries, entry);
        }

      child = titles->len < MAX_DEPTH ? poppler_index_iter_get_child (iter) : NULL;
      if (child != NULL)
        read_level (document, child, titles, entries);

      g_ptr_array_set_size (titles, titles->len - 1);
      if (action != NULL)
        poppler_action_free (action);
    }
  while (poppler_index_iter_next (iter));
}

/* The entries of @document's outline in reading order, by page: an array
 * of PdfOutlineEntry, empty when the document has no outline */
GArray *
pdf_outline_read (PopplerDocument *document)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (PdfOutlineEntry));
  g_autoptr(PopplerIndexIter) iter = poppler_index_iter_new (document);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);

  g_array_set_clear_func (entries, entry_clear);
  if (iter != NULL)
    read_level (document, iter, titles, entries);

  return entries;
}
