/* pp-merged-graph.c: the graph the reconciler merges the segments' graphs
 * into
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-merged-graph-private.h"
#include "pp-entity-resolver-private.h"
#include "pp-node-embedding-private.h"
#include "pp-jsonld.h"
#include "pp-jsonld-compact-private.h"
#include "pp-jsonld-node-map-private.h"
#include "pp-jsonld-util-private.h"

#define PP_NS "https://libpp.org/ns#"

/* Each segment's graph is expanded, its blank nodes are relabelled with the
 * index of its segment (`_:s3-b0`), and it is merged into one node map by
 * `@id`. Once the last one is in, the nodes that describe the same entity
 * are merged (pp_entity_resolver_resolve()). The output is the map
 * flattened in canonical order (nodes by `@id`, values in a fixed order),
 * so that it depends only on the graphs, not on the order they arrived in.
 * A node's types lose those another of its types is a subclass of. The
 * expanded form is the flattened one with the blank nodes referred to once
 * embedded where they are referred to (pp-node-embedding.c).
 *
 * For the compacted form, most of the work is done while the segments
 * arrive rather than once the last one is in: a node is compacted when the
 * segment that brings it is added, and that result is kept unless a later
 * segment, or entity resolution, touches the node again. A node is
 * compacted under the identifier it gets if it stays an entity of its own
 * (pp_entity_resolver_dup_provisional_id(): the one minted from its name),
 * so that entity resolution, which gives most entities such an identifier
 * and nothing else, leaves most nodes as they were compacted. The nodes
 * merged with others, the nodes that refer to them and those whose
 * identifier turns out otherwise, a minority, are compacted at the end,
 * with their final values, so each node is compacted at most twice. Compacting a node of a flattened graph needs nothing but the node
 * and the context, so the document built from these pieces is the one
 * compacting the whole flattened graph gives. A graph with named graphs,
 * or a compaction that fails, falls back to compacting the whole graph at
 * the end.
 *
 * With provenance on, every node a segment's graph describes gets a
 * `pp:derivedFrom` reference to a `pp:SegmentRef` node of that segment,
 * which names its document (`pp:document`, the document IRI set before
 * the first graph) and its place in it (see the documentation of
 * PpReconciler), added to the expanded graph
 * before it is merged, so that merging, entity resolution and canonical
 * ordering treat it as any other value. */

struct _PpMergedGraph
{
  PpOutputForm form;
  gboolean provenance;
  PpJsonldOptions *options;
  PpJsonldNodeMap *map;

  /* Entity resolution: the nodes are read as they arrive */
  PpEntityResolver *resolver;
  guint n_segment_refs;        /* the pp:SegmentRef nodes, no entities */
  char *document_iri;
  gboolean mint_ids;
  PpMergedGraphCandidatesFunc candidates_func;
  gpointer candidates_data;
  GPtrArray *candidates;       /* (element-type PpMergeCandidateGroup) */

  /* Compaction ahead; compactor is NULL when off */
  PpJsonldCompactor *compactor;
  GHashTable *compacted;       /* id → compacted node, or NULL for a node
                                * flattening leaves out; only nodes that did
                                * not change since */
  GHashTable *touched;         /* ids of the nodes compacted once */
  GHashTable *compacted_as;    /* id → the identifier its node was
                                * compacted under, where not its own */
};

/* One sealed node for the process, so that compaction finds the context it
 * processed before: schema.org, and with provenance the `pp:` prefix too */
static JsonNode *
output_context (gboolean provenance)
{
  static JsonNode *contexts[2];
  JsonNode **context = &contexts[provenance ? 1 : 0];

  if (g_once_init_enter (context))
    {
      JsonNode *node = pp_jsonld_node_new_string ("https://schema.org");

      if (provenance)
        {
          g_autoptr(JsonArray) array = json_array_new ();
          g_autoptr(JsonObject) terms = json_object_new ();
          g_autoptr(JsonObject) derived_from = json_object_new ();

          /* The references to the segments as plain strings */
          json_object_set_string_member (derived_from, "@type", "@id");
          json_object_set_string_member (terms, "pp", PP_NS);
          json_object_set_object_member (terms, "pp:derivedFrom", g_steal_pointer (&derived_from));
          json_array_add_element (array, node);
          json_array_add_object_element (array, g_steal_pointer (&terms));
          node = pp_jsonld_node_new_array (g_steal_pointer (&array));
        }
      json_node_seal (node);
      g_once_init_leave (context, node);
    }

  return json_node_ref (*context);
}

static void
compacted_node_free (gpointer data)
{
  if (data != NULL)
    json_node_unref (data);
}

/* Processes the output context (once per process, then shared), so that
 * the first segments do not wait for it */
void
pp_merged_graph_prepare_output_context (gboolean provenance)
{
  g_autoptr(JsonNode) context = output_context (provenance);
  g_autoptr(JsonNode) document = NULL;
  g_autoptr(JsonNode) expanded = NULL;
  g_autoptr(JsonObject) object = json_object_new ();

  json_object_set_member (object, "@context", json_node_ref (context));
  document = json_node_init_object (json_node_alloc (), object);
  expanded = pp_jsonld_expand (document, NULL, NULL, NULL);
}

static void
stop_compacting_ahead (PpMergedGraph *self)
{
  g_clear_pointer (&self->compactor, pp_jsonld_compactor_free);
  g_clear_pointer (&self->compacted, g_hash_table_unref);
  g_clear_pointer (&self->touched, g_hash_table_unref);
  g_clear_pointer (&self->compacted_as, g_hash_table_unref);
}

PpMergedGraph *
pp_merged_graph_new (PpOutputForm form,
                     gboolean     provenance)
{
  PpMergedGraph *self = g_new0 (PpMergedGraph, 1);

  self->form = form;
  self->provenance = provenance;
  self->options = pp_jsonld_options_new ();
  pp_jsonld_options_set_ordered (self->options, TRUE);
  self->map = pp_jsonld_node_map_new ();
  self->resolver = pp_entity_resolver_new ();
  self->mint_ids = TRUE;

  if (form == PP_OUTPUT_FORM_COMPACTED)
    {
      g_autoptr(JsonNode) context = output_context (provenance);
      g_autoptr(GError) error = NULL;

      self->compactor = pp_jsonld_compactor_new (context, self->options, NULL, &error);
      if (self->compactor == NULL)
        g_debug ("Compacting at the end only: %s", error->message);
      else
        {
          self->compacted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   compacted_node_free);
          self->touched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          self->compacted_as = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
        }
    }

  return self;
}

void
pp_merged_graph_free (PpMergedGraph *self)
{
  if (self == NULL)
    return;

  stop_compacting_ahead (self);
  g_clear_pointer (&self->resolver, pp_entity_resolver_free);
  g_clear_pointer (&self->map, pp_jsonld_node_map_unref);
  g_clear_pointer (&self->options, pp_jsonld_options_unref);
  g_free (self->document_iri);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_free (self);
}

/* The node @id of the map, compacted, under the identifier @as_id if
 * not %NULL; %NULL with @error unset when flattening leaves it out */
static JsonNode *
compact_node (PpMergedGraph  *self,
              const char     *id,
              const char     *as_id,
              GError        **error)
{
  g_autoptr(JsonNode) node = pp_jsonld_node_map_flatten_node (self->map, id,
                                                              PP_JSONLD_FLATTEN_CANONICAL);

  if (node == NULL)
    return NULL;

  pp_entity_resolver_drop_supertypes (node);
  if (as_id != NULL)
    json_object_set_string_member (json_node_get_object (node), "@id", as_id);

  return pp_jsonld_compactor_compact_item (self->compactor, node, error);
}

/* The nodes @segment_map brought were just merged into the map */
static void
compact_ahead (PpMergedGraph   *self,
               PpJsonldNodeMap *segment_map)
{
  g_autoptr(GPtrArray) graph_names = pp_jsonld_node_map_get_graph_names (segment_map, FALSE);
  g_autoptr(GPtrArray) ids = NULL;

  if (graph_names->len > 1)
    {
      g_debug ("A segment has named graphs: compacting at the end");
      stop_compacting_ahead (self);
      return;
    }

  ids = pp_jsonld_node_map_get_node_ids (segment_map, NULL, FALSE);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *as_id = NULL;
      JsonNode *compacted;

      if (g_hash_table_contains (self->touched, id))
        {
          /* Changed since: compacted at the end */
          g_hash_table_remove (self->compacted, id);
          continue;
        }

      as_id = pp_entity_resolver_dup_provisional_id (self->resolver, id);
      if (g_str_equal (as_id, id))
        g_clear_pointer (&as_id, g_free);
      compacted = compact_node (self, id, as_id, &error);
      if (error != NULL)
        {
          g_debug ("Compacting at the end: %s", error->message);
          stop_compacting_ahead (self);
          return;
        }
      g_hash_table_add (self->touched, g_strdup (id));
      g_hash_table_insert (self->compacted, g_strdup (id), compacted);
      if (as_id != NULL)
        g_hash_table_insert (self->compacted_as, g_strdup (id), g_steal_pointer (&as_id));
    }
}

/* The label of the segment's pp:SegmentRef node in its expanded graph;
 * relabelled, as every blank node, with the segment's prefix */
#define SEGMENT_REF_LABEL "_:libpp-segment"

static gboolean
has_type (JsonObject *object,
          const char *type)
{
  JsonNode *types = json_object_get_member (object, "@type");

  if (types == NULL || !JSON_NODE_HOLDS_ARRAY (types))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (types)); i++)
    if (g_strcmp0 (json_array_get_string_element (json_node_get_array (types), i), type) == 0)
      return TRUE;

  return FALSE;
}

/* Adds a pp:derivedFrom reference to the segment's node to every node
 * object in @item, an expanded element, that says something besides its
 * `@id` and says nowhere else where it came from (a graph merged again
 * keeps the provenance it has). Returns whether it added one. */
static gboolean
add_derived_from (JsonNode *item,
                  gboolean  is_reverse_map)
{
  JsonObject *object;
  GList *members;
  gboolean added = FALSE;

  if (JSON_NODE_HOLDS_ARRAY (item))
    {
      JsonArray *array = json_node_get_array (item);

      for (guint i = 0; i < json_array_get_length (array); i++)
        added |= add_derived_from (json_array_get_element (array, i), FALSE);
      return added;
    }

  if (!JSON_NODE_HOLDS_OBJECT (item) || pp_jsonld_is_value_object (item))
    return FALSE;

  object = json_node_get_object (item);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "@id") && !g_str_equal (l->data, "@type"))
      added |= add_derived_from (json_object_get_member (object, l->data),
                                 g_str_equal (l->data, "@reverse"));

  if (!is_reverse_map &&
      !pp_jsonld_is_list_object (item) &&
      !json_object_has_member (object, "@set") &&
      !json_object_has_member (object, PP_NS "derivedFrom") &&
      !has_type (object, PP_NS "SegmentRef") &&
      (json_object_get_size (object) > 1 || !json_object_has_member (object, "@id")))
    {
      g_autoptr(JsonArray) values = json_array_new ();
      g_autoptr(JsonObject) reference = json_object_new ();

      json_object_set_string_member (reference, "@id", SEGMENT_REF_LABEL);
      json_array_add_object_element (values, g_steal_pointer (&reference));
      json_object_set_array_member (object, PP_NS "derivedFrom", g_steal_pointer (&values));
      added = TRUE;
    }
  g_list_free (members);

  return added;
}

static void
set_value (JsonObject *node,
           const char *property,
           JsonNode   *value)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonArray) values = json_array_new ();

  json_object_set_member (object, "@value", value);
  json_array_add_object_element (values, g_steal_pointer (&object));
  json_object_set_array_member (node, property, g_steal_pointer (&values));
}

/* The pp:SegmentRef node of @segment of the document @document_iri
 * (nullable), in expanded form */
static JsonNode *
segment_ref_new (PpSegment  *segment,
                 const char *document_iri)
{
  g_autoptr(JsonObject) node = json_object_new ();
  g_autoptr(JsonArray) types = json_array_new ();
  const char * const *path = pp_segment_get_heading_path (segment);
  gsize start = pp_segment_get_offset (segment);

  json_object_set_string_member (node, "@id", SEGMENT_REF_LABEL);
  json_array_add_string_element (types, PP_NS "SegmentRef");
  json_object_set_array_member (node, "@type", g_steal_pointer (&types));
  if (document_iri != NULL)
    set_value (node, PP_NS "document", pp_jsonld_node_new_string (document_iri));
  set_value (node, PP_NS "segment",
             json_node_init_int (json_node_alloc (), pp_segment_get_index (segment)));
  set_value (node, PP_NS "start", json_node_init_int (json_node_alloc (), (gint64) start));
  set_value (node, PP_NS "end",
             json_node_init_int (json_node_alloc (),
                                 (gint64) (start + pp_segment_get_length (segment))));
  if (pp_segment_get_page (segment) > 0)
    set_value (node, PP_NS "page", json_node_init_int (json_node_alloc (), pp_segment_get_page (segment)));
  if (path != NULL && path[0] != NULL)
    {
      g_autofree char *section = g_strjoinv (" / ", (char **) path);

      set_value (node, PP_NS "section", pp_jsonld_node_new_take_string (g_steal_pointer (&section)));
    }

  return pp_jsonld_node_new_object (g_steal_pointer (&node));
}

/* Gives the nodes of @expanded, a segment's expanded graph, their
 * provenance: a pp:derivedFrom reference to the segment's pp:SegmentRef
 * node, added to the graph if any node refers to it. Returns whether it
 * added the node. */
static gboolean
add_provenance (PpMergedGraph *self,
                JsonNode      *expanded,
                PpSegment     *segment)
{
  if (!JSON_NODE_HOLDS_ARRAY (expanded) || !add_derived_from (expanded, FALSE))
    return FALSE;

  json_array_add_element (json_node_get_array (expanded),
                          segment_ref_new (segment, self->document_iri));
  return TRUE;
}

gboolean
pp_merged_graph_add (PpMergedGraph  *self,
                     PpSegment      *segment,
                     JsonNode       *graph,
                     GError        **error)
{
  g_autoptr(PpJsonldNodeMap) segment_map = pp_jsonld_node_map_new ();
  g_autoptr(JsonNode) expanded = NULL;
  g_autofree char *prefix = g_strdup_printf ("_:s%u-", pp_segment_get_index (segment));
  gboolean segment_ref = FALSE;

  expanded = pp_jsonld_expand (graph, self->options, NULL, error);
  if (expanded == NULL)
    return FALSE;
  if (self->provenance)
    segment_ref = add_provenance (self, expanded, segment);
  if (!pp_jsonld_node_map_add_document (segment_map, expanded, prefix, NULL, error) ||
      !pp_jsonld_node_map_add_map (self->map, segment_map, error))
    return FALSE;

  /* The segment's nodes, read for entity resolution while they are few */
  pp_entity_resolver_add_nodes (self->resolver, segment_map);
  if (segment_ref)
    self->n_segment_refs++;

  if (self->compactor != NULL)
    compact_ahead (self, segment_map);

  return TRUE;
}

static JsonNode *
wrap_in_graph (JsonNode *compacted)
{
  JsonObject *object;
  g_autoptr(JsonObject) wrapper = NULL;
  g_autoptr(JsonArray) graph = NULL;
  g_autoptr(JsonObject) node = NULL;
  GList *members;

  /* Compaction gives a lone node object when the graph has one node:
   * always give the same shape, {"@context": …, "@graph": […]} */
  if (!JSON_NODE_HOLDS_OBJECT (compacted))
    return json_node_ref (compacted);

  object = json_node_get_object (compacted);
  if (json_object_has_member (object, "@graph"))
    return json_node_ref (compacted);

  wrapper = json_object_new ();
  graph = json_array_new ();
  node = json_object_new ();
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *member = json_object_dup_member (object, l->data);

      if (g_str_equal (l->data, "@context"))
        json_object_set_member (wrapper, "@context", member);
      else
        json_object_set_member (node, l->data, member);
    }
  g_list_free (members);

  if (json_object_get_size (node) > 0)
    json_array_add_object_element (graph, g_steal_pointer (&node));
  json_object_set_array_member (wrapper, "@graph", g_steal_pointer (&graph));

  return json_node_init_object (json_node_alloc (), wrapper);
}

/* The nodes of a flattened graph, and of its named graphs, lose their
 * redundant types */
static void
drop_supertypes (JsonNode *flattened)
{
  JsonArray *nodes;

  if (!JSON_NODE_HOLDS_ARRAY (flattened))
    return;

  nodes = json_node_get_array (flattened);
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonNode *node = json_array_get_element (nodes, i);

      pp_entity_resolver_drop_supertypes (node);
      if (JSON_NODE_HOLDS_OBJECT (node) &&
          json_object_has_member (json_node_get_object (node), "@graph"))
        drop_supertypes (json_object_get_member (json_node_get_object (node), "@graph"));
    }
}

/* How many distinct entities the segments added so far describe: the
 * nodes, pp:SegmentRef nodes left out, with those known to be one entity
 * counted once (pp_entity_resolver_get_n_entities()) */
guint
pp_merged_graph_get_n_entities (PpMergedGraph *self)
{
  return pp_entity_resolver_get_n_entities (self->resolver) - self->n_segment_refs;
}

/* Sets how the entities are resolved at the end: @document_iri (the IRI or
 * name of the document) for the minted identifiers, or no identifier
 * minted, blank nodes kept, unless @mint_ids. Set before the first graph
 * is added, so that the nodes are compacted under the identifiers they
 * will likely get and the pp:SegmentRef nodes name their document (the
 * @document_iri set then), and again before finishing. */
void
pp_merged_graph_set_resolution (PpMergedGraph *self,
                                const char    *document_iri,
                                gboolean       mint_ids)
{
  g_free (self->document_iri);
  self->document_iri = g_strdup (document_iri);
  self->mint_ids = mint_ids;
  pp_entity_resolver_set_minting (self->resolver, document_iri, mint_ids);
}

/* Sets the function that decides the candidate groups at the end, before
 * the nodes are merged: it sets the decision of each group, and the
 * groups it confirms are merged too. Called on the thread that finishes
 * the graph. */
void
pp_merged_graph_set_candidates_func (PpMergedGraph               *self,
                                     PpMergedGraphCandidatesFunc  func,
                                     gpointer                     user_data)
{
  self->candidates_func = func;
  self->candidates_data = user_data;
}

/* The candidate groups found when the graph was finished, decided; NULL
 * before */
GPtrArray *
pp_merged_graph_get_candidates (PpMergedGraph *self)
{
  return self->candidates;
}

/* Keeps the nodes compacted ahead that entity resolution left as they
 * were: those that kept their identifier, and those compacted under the
 * one they got (@renamed: old → new identifier); the others are compacted
 * again at the end */
static void
keep_compacted_ahead (PpMergedGraph *self,
                      GHashTable    *changed,
                      GHashTable    *renamed)
{
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  GHashTableIter iter;
  const char *id, *as_id;

  g_hash_table_iter_init (&iter, self->compacted_as);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &as_id))
    {
      g_autofree char *stolen_id = NULL;
      JsonNode *compacted = NULL;

      if (!g_hash_table_steal_extended (self->compacted, id, (gpointer *) &stolen_id,
                                        (gpointer *) &compacted))
        continue;
      if (compacted != NULL && g_strcmp0 (g_hash_table_lookup (renamed, id), as_id) == 0)
        {
          g_ptr_array_add (kept, (gpointer) as_id);
          g_ptr_array_add (kept, compacted);
        }
      else
        compacted_node_free (compacted);
    }

  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_hash_table_remove (self->compacted, id);

  for (guint i = 0; i < kept->len; i += 2)
    g_hash_table_insert (self->compacted, g_strdup (kept->pdata[i]), kept->pdata[i + 1]);
  g_debug ("Kept %u nodes compacted ahead under their new identifier", kept->len / 2);
}

/* Merges the nodes that describe the same entity, and those of the
 * candidate groups the candidates function confirms; the nodes compacted
 * ahead that it changes are compacted again */
static void
resolve_entities (PpMergedGraph *self)
{
  PpEntityResolver *resolver = self->resolver;
  g_autoptr(GHashTable) changed = NULL;
  g_autoptr(GHashTable) renamed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 start = g_get_monotonic_time ();

  pp_entity_resolver_group (resolver, self->map, self->document_iri, self->mint_ids);
  g_debug ("Grouped the entities in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  start = g_get_monotonic_time ();

  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  self->candidates = pp_entity_resolver_find_candidates (resolver);
  g_debug ("Found %u groups of merge candidates in %.1f ms",
           self->candidates->len, (g_get_monotonic_time () - start) / 1000.0);
  if (self->candidates_func != NULL)
    self->candidates_func (self->candidates, self->candidates_data);
  for (guint i = 0; i < self->candidates->len; i++)
    pp_entity_resolver_confirm (resolver, self->candidates->pdata[i]);
  start = g_get_monotonic_time ();
  changed = pp_entity_resolver_merge (resolver, self->compactor != NULL ? renamed : NULL);
  g_debug ("Merged the nodes of the groups in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);

  if (self->compactor != NULL)
    keep_compacted_ahead (self, changed, renamed);
}

/* The compacted document from the nodes compacted ahead, and the others
 * compacted now */
static JsonNode *
finish_compacted_ahead (PpMergedGraph  *self,
                        GError        **error)
{
  g_autoptr(GPtrArray) ids = pp_jsonld_node_map_get_node_ids (self->map, NULL, TRUE);
  g_autoptr(JsonArray) items = json_array_sized_new (ids->len);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      JsonNode *compacted = NULL;

      g_autofree char *stolen_id = NULL;

      /* Taken out of the table: the output shares nothing with @self */
      if (g_hash_table_steal_extended (self->compacted, id, (gpointer *) &stolen_id,
                                       (gpointer *) &compacted))
        {
          if (compacted != NULL)
            json_array_add_element (items, compacted);
          continue;
        }

      compacted = compact_node (self, id, NULL, error);
      if (compacted != NULL)
        json_array_add_element (items, compacted);
      else if (error != NULL && *error != NULL)
        return NULL;
    }

  return pp_jsonld_compactor_finish (self->compactor, g_steal_pointer (&items), error);
}

/* The merged graph in the form asked for; @self can take no more graphs.
 * The graph shares nothing with @self, which may be freed on another
 * thread while the graph is used. */
JsonNode *
pp_merged_graph_finish (PpMergedGraph  *self,
                        GError        **error)
{
  g_autoptr(JsonNode) flattened = NULL;
  g_autoptr(JsonNode) context = NULL;
  g_autoptr(JsonNode) compacted = NULL;

  resolve_entities (self);

  /* Built from copies, the document shares nothing with the map, and can
   * be handed over before the map is freed */
  if (self->compactor != NULL)
    {
      compacted = finish_compacted_ahead (self, error);
      return compacted != NULL ? wrap_in_graph (compacted) : NULL;
    }

  /* The map is dropped as soon as the graph is flattened, so that the map,
   * the flattened and the compacted trees are never all alive at once */
  flattened = pp_jsonld_node_map_flatten (self->map, PP_JSONLD_FLATTEN_CANONICAL);
  g_clear_pointer (&self->map, pp_jsonld_node_map_unref);
  drop_supertypes (flattened);
  if (self->form == PP_OUTPUT_FORM_FLATTENED)
    return g_steal_pointer (&flattened);
  if (self->form == PP_OUTPUT_FORM_EXPANDED)
    return pp_node_embedding_embed (flattened);

  /* The flattened graph is in expanded form already */
  context = output_context (self->provenance);
  compacted = pp_jsonld_compact_expanded (flattened, context, self->options, NULL, error);
  if (compacted == NULL)
    return NULL;
  g_clear_pointer (&flattened, json_node_unref);

  return wrap_in_graph (compacted);
}
