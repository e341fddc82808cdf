/* pp-node-embedding.c: the expanded form of a flattened graph, blank nodes
 * embedded where they are referred to
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-node-embedding-private.h"

/* A flattened graph lists every node at the top, and refers to a blank
 * node (`{"@id": "_:s3-b0"}`) even where it was written inside another: an
 * address inside its person. The expanded form puts such a node back
 * where it is referred to, without its label, when it is a blank node of
 * the default graph referred to once, from a node of the default graph
 * (not through `@reverse`, nor from a named graph), and says something
 * besides its `@id`. Nodes that refer to each other in a cycle of such
 * nodes keep the first of them, in canonical order, at the top. The other
 * nodes stay at the top in the flattened graph's order, so the result is
 * as canonical as the flattened graph. */

typedef struct
{
  JsonArray *nodes;
  GHashTable *positions;       /* blank node id → its position in @nodes */
  guint *references;           /* per node: how many times referred to */
  gboolean *pinned;            /* per node: not to be embedded */
  gboolean *placed;            /* per node: at the top, or embedded */
  gboolean *root;              /* per node: at the top */
} Embedding;

static const char *
reference_target (JsonNode *value)
{
  JsonObject *object;
  JsonNode *id;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return NULL;
  object = json_node_get_object (value);
  if (json_object_get_size (object) != 1 || (id = json_object_get_member (object, "@id")) == NULL ||
      !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (id);
}

static gboolean
lookup (Embedding  *self,
        const char *id,
        guint      *position)
{
  gpointer value;

  if (id == NULL || !g_hash_table_lookup_extended (self->positions, id, NULL, &value))
    return FALSE;

  *position = GPOINTER_TO_UINT (value);
  return TRUE;
}

/* Counts the references in @value; those in a place where no node is
 * embedded pin their target at the top */
static void
count_references (Embedding *self,
                  JsonNode  *value,
                  gboolean   embeddable)
{
  guint position;

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        count_references (self, json_array_get_element (array, i), embeddable);
    }
  else if (lookup (self, reference_target (value), &position))
    {
      self->references[position]++;
      if (!embeddable)
        self->pinned[position] = TRUE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *object = json_node_get_object (value);
      GList *members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;

          if (g_str_equal (name, "@id") || g_str_equal (name, "@type") ||
              g_str_equal (name, "@value"))
            continue;
          count_references (self, json_object_get_member (object, name),
                            embeddable && !g_str_equal (name, "@reverse") &&
                            !g_str_equal (name, "@graph"));
        }
      g_list_free (members);
    }
}

static gboolean
is_embedded (Embedding  *self,
             JsonNode   *value,
             guint      *position)
{
  return lookup (self, reference_target (value), position) && !self->root[*position];
}

/* Marks the nodes @value embeds as placed */
static void
place (Embedding *self,
       JsonNode  *value)
{
  guint position;

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        place (self, json_array_get_element (array, i));
    }
  else if (lookup (self, reference_target (value), &position))
    {
      if (self->placed[position] || self->pinned[position])
        return;
      self->placed[position] = TRUE;
      place (self, json_array_get_element (self->nodes, position));
    }
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObject *object = json_node_get_object (value);
      GList *members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "@reverse") && !g_str_equal (l->data, "@graph") &&
            !g_str_equal (l->data, "@value"))
          place (self, json_object_get_member (object, l->data));
      g_list_free (members);
    }
}

static JsonNode *build_node (Embedding *self,
                             JsonNode  *node,
                             gboolean   keep_id);

static JsonNode *
build_value (Embedding *self,
             JsonNode  *value)
{
  guint position;

  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *array = json_node_get_array (value);
      g_autoptr(JsonArray) built = json_array_sized_new (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (built, build_value (self, json_array_get_element (array, i)));
      return json_node_init_array (json_node_alloc (), built);
    }

  if (is_embedded (self, value, &position))
    return build_node (self, json_array_get_element (self->nodes, position), FALSE);

  if (JSON_NODE_HOLDS_OBJECT (value) && json_object_has_member (json_node_get_object (value), "@list"))
    return build_node (self, value, TRUE);

  return json_node_copy (value);
}

/* A copy of @node with the nodes it refers to embedded */
static JsonNode *
build_node (Embedding *self,
            JsonNode  *node,
            gboolean   keep_id)
{
  JsonObject *object = json_node_get_object (node);
  g_autoptr(JsonObject) built = json_object_new ();
  GList *members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *member = json_object_get_member (object, name);

      if (g_str_equal (name, "@id") && !keep_id)
        continue;
      if (name[0] == '@' && !g_str_equal (name, "@list"))
        json_object_set_member (built, name, json_node_copy (member));
      else
        json_object_set_member (built, name, build_value (self, member));
    }
  g_list_free (members);

  return json_node_init_object (json_node_alloc (), built);
}

/**
 * pp_node_embedding_embed:
 * @flattened: a flattened graph in expanded form: an array of node objects
 *
 * The expanded form of @flattened, with the blank nodes referred to once
 * embedded where they are referred to.
 *
 * Returns: (transfer full): a new array of node objects
 */
JsonNode *
pp_node_embedding_embed (JsonNode *flattened)
{
  Embedding self = { NULL, };
  g_autoptr(JsonArray) top = NULL;
  guint n;

  g_return_val_if_fail (flattened != NULL, NULL);

  if (!JSON_NODE_HOLDS_ARRAY (flattened))
    return json_node_copy (flattened);

  self.nodes = json_node_get_array (flattened);
  n = json_array_get_length (self.nodes);
  self.positions = g_hash_table_new (g_str_hash, g_str_equal);
  self.references = g_new0 (guint, n);
  self.pinned = g_new0 (gboolean, n);
  self.placed = g_new0 (gboolean, n);
  self.root = g_new0 (gboolean, n);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (self.nodes, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = object != NULL ? json_object_get_string_member_with_default (object, "@id", NULL)
                                      : NULL;

      if (id != NULL && g_str_has_prefix (id, "_:") && json_object_get_size (object) > 1 &&
          !json_object_has_member (object, "@graph"))
        g_hash_table_insert (self.positions, (gpointer) id, GUINT_TO_POINTER (i));
    }

  for (guint i = 0; i < n; i++)
    count_references (&self, json_array_get_element (self.nodes, i), TRUE);

  /* The nodes that stay at the top, then what they embed; then, for each
   * cycle of nodes that would all be embedded, its first node */
  for (guint i = 0; i < n; i++)
    {
      guint position;
      JsonNode *node = json_array_get_element (self.nodes, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (node) ?
                       json_object_get_string_member_with_default (json_node_get_object (node), "@id", NULL) : NULL;

      if (!lookup (&self, id, &position) || self.references[i] != 1)
        self.pinned[i] = TRUE;
    }
  for (guint i = 0; i < n; i++)
    if (self.pinned[i])
      {
        self.placed[i] = self.root[i] = TRUE;
        place (&self, json_array_get_element (self.nodes, i));
      }
  for (guint i = 0; i < n; i++)
    if (!self.placed[i])
      {
        self.placed[i] = self.root[i] = self.pinned[i] = TRUE;
        place (&self, json_array_get_element (self.nodes, i));
      }

  top = json_array_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (self.nodes, i);

      if (!self.root[i])
        continue;
      if (JSON_NODE_HOLDS_OBJECT (node))
        json_array_add_element (top, build_node (&self, node, TRUE));
      else
        json_array_add_element (top, json_node_copy (node));
    }

  g_hash_table_unref (self.positions);
  g_free (self.references);
  g_free (self.pinned);
  g_free (self.placed);
  g_free (self.root);

  return json_node_init_array (json_node_alloc (), g_steal_pointer (&top));
}
