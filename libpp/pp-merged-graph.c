/* pp-merged-graph.c: the graph the reconciler merges the segments' graphs
 * into
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-merged-graph-private.h"
#include "pp-entity-resolver-private.h"
#include "pp-json-text-indent-private.h"
#include "pp-node-embedding-private.h"
#include "pp-jsonld.h"
#include "pp-jsonld-compact-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-json-writer-private.h"
#include "pp-jsonld-node-map-private.h"
#include "pp-jsonld-node-map-types-private.h"
#include "pp-jsonld-util-private.h"
#include "pp-schema-types-private.h"

#define PP_NS "https://libpp.org/ns#"

/* Each segment's graph is expanded, its blank nodes are relabelled with the
 * index of its segment (`_:s3-0`), and it is merged into one node map by
 * `@id`. The entity resolver reads the segment's nodes as they arrive
 * (pp_entity_resolver_add_nodes()); once the last one is in, the nodes
 * that describe the same entity are merged. The output is the map
 * flattened in canonical order (nodes by `@id`, values in a fixed order),
 * so that it depends only on the graphs, not on the order they arrived in.
 * A node's types lose those another of its types is a subclass of. The
 * expanded form is the flattened one with the blank nodes referred to once
 * embedded where they are referred to (pp-node-embedding.c).
 *
 * The graphs are merged as libpp's own JSON values (pp-json-value-private.h),
 * never as json-glib trees: a graph handed over expanded already (by a
 * converter that expanded it to check it) goes into the map as it is, a
 * tree is converted once, and the output is built as values, a tree made
 * of it only for a caller that asks for one (pp_merged_graph_finish()),
 * bytes for one that writes it (pp_merged_graph_finish_bytes()).
 *
 * For the compacted form, most of the work is done while the segments
 * arrive rather than once the last one is in: a node is compacted when the
 * segment that brings it is added, and that result is kept unless a later
 * segment, or entity resolution, touches the node again. A node is
 * compacted under the identifier it gets if it stays an entity of its own
 * (pp_entity_resolver_get_provisional_id(): the one minted from its name),
 * so that entity resolution, which gives most entities such an identifier
 * and nothing else, leaves most nodes as they were compacted. The nodes
 * merged with others, the nodes that refer to them and those whose
 * identifier turns out otherwise, a minority, are compacted at the end,
 * with their final values, so each node is compacted at most twice. A node
 * compacted ahead is kept as the JSON text it is written as, a fraction of
 * its values; once the map and the resolver are gone, the texts are copied
 * into the output bytes (indented as they are copied when the output is),
 * or read back for a caller that asks for a tree. A node
 * that is one entity with another by the time it arrives (joined, as
 * pp_entity_resolver_get_provisional_id() says) is not compacted ahead: it is merged
 * in the end. Compacting a node of a flattened graph needs nothing but
 * the node and the context, so the document built from these pieces is
 * the one compacting the whole flattened graph gives. A graph with named
 * graphs, or a compaction that fails, falls back to compacting the whole
 * graph at the end.
 *
 * With provenance on, every node a segment's graph describes gets a
 * `pp:derivedFrom` reference to a `pp:SegmentRef` node of that segment,
 * which names its document (`pp:document`, the document IRI set before
 * the first graph) and its place in it (see the documentation of
 * PpReconciler), added to the expanded graph
 * before it is merged, so that merging, entity resolution and canonical
 * ordering treat it as any other value. */

/* A node compacted ahead */
typedef struct
{
  guint hash;                  /* pp_json_string_hash() of @id */
  const char *id;              /* in compacted_text; NULL for an empty
                                * slot */
  const char *text;            /* the text of its compacted node (in
                                * compacted_text, as PP_JSON_WRITE_NONE
                                * writes it), NULL for a node flattening
                                * leaves out, or CHANGED for a node that
                                * changed since */
  const char *as_id;           /* (nullable): the identifier it was
                                * compacted under, where not its own, in
                                * compacted_text */
} CompactedNode;

/* The nodes compacted ahead by id: open addressing, each id's hash kept.
 * Rather than a GHashTable, as the identifiers are looked up with the
 * hash known: computed once for a node of a segment, whether it is found
 * or added, and read from the entity resolver's strings, interned
 * (pp_json_interned_hash()), at the end. */
typedef struct
{
  CompactedNode *slots;
  guint mask;                  /* the number of slots, a power of 2, less 1 */
  guint n_nodes;
} CompactedTable;

struct _PpMergedGraph
{
  PpOutputForm form;
  gboolean provenance;
  PpJsonldOptions *options;
  PpJsonldNodeMap *map;
  PpJsonldNodeMap *segment_map; /* a segment's graph on its way into map:
                                 * emptied for the next one */

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
  PpJsonArena *compacted_text; /* the texts of the nodes compacted, and
                                * the identifiers of their table */
  CompactedTable *compacted;   /* every node compacted once, by id */
  PpJsonArena *scratch;        /* the nodes flattened and compacted ahead,
                                * once written no longer needed */
  GString *writer;             /* a compacted node being written */
  guint n_entities;            /* once the resolver is gone */
};

/* In the nodes compacted ahead, a node compacted once that changed since:
 * compacted again at the end */
static const char changed_since_compacted[] = "";
#define CHANGED changed_since_compacted

/* The table of the nodes compacted ahead, empty */
static CompactedTable *
compacted_table_new (void)
{
  CompactedTable *table = g_new0 (CompactedTable, 1);

  table->mask = 63;
  table->slots = g_new0 (CompactedNode, table->mask + 1);

  return table;
}

static void
compacted_table_free (CompactedTable *table)
{
  g_free (table->slots);
  g_free (table);
}

/* The slot of @id, of hash @hash: the node's, or the empty one it would
 * take */
static CompactedNode *
compacted_table_find_slot (CompactedTable *table,
                           const char     *id,
                           guint           hash)
{
  for (guint i = hash & table->mask;; i = (i + 1) & table->mask)
    {
      CompactedNode *node = &table->slots[i];

      if (node->id == NULL || (node->hash == hash && strcmp (node->id, id) == 0))
        return node;
    }
}

/* The node compacted ahead @id, of hash @hash, or NULL */
static CompactedNode *
compacted_table_lookup (CompactedTable *table,
                        const char     *id,
                        guint           hash)
{
  CompactedNode *node = compacted_table_find_slot (table, id, hash);

  return node->id != NULL ? node : NULL;
}

/* The node @id (kept as long as the table), of hash @hash, added, with
 * no text yet, if the table lacks it */
static CompactedNode *
compacted_table_ensure (CompactedTable *table,
                        const char     *id,
                        guint           hash)
{
  CompactedNode *node = compacted_table_find_slot (table, id, hash);

  if (node->id != NULL)
    return node;

  /* At most three quarters full */
  if ((table->n_nodes + 1) * 4 > (table->mask + 1) * 3)
    {
      CompactedNode *old = table->slots;
      guint old_size = table->mask + 1;

      table->mask = old_size * 2 - 1;
      table->slots = g_new0 (CompactedNode, table->mask + 1);
      for (guint i = 0; i < old_size; i++)
        if (old[i].id != NULL)
          *compacted_table_find_slot (table, old[i].id, old[i].hash) = old[i];
      g_free (old);
      node = compacted_table_find_slot (table, id, hash);
    }

  node->hash = hash;
  node->id = id;
  node->text = NULL;
  node->as_id = NULL;
  table->n_nodes++;

  return node;
}

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

/* The options the graph is expanded and compacted with */
static PpJsonldOptions *
output_options_new (void)
{
  PpJsonldOptions *options = pp_jsonld_options_new ();

  pp_jsonld_options_set_ordered (options, TRUE);

  return options;
}

/* Processes the output context (once per process, then shared), so that
 * the first segments do not wait for it: a compactor made on the sealed
 * context processes it once, and the ones made after on it reuse that
 * (pp_jsonld_compactor_new()); schema.org, the remote context it starts
 * with, is processed once per document loader, for the converters'
 * expansions too */
void
pp_merged_graph_prepare_output_context (gboolean provenance)
{
  g_autoptr(JsonNode) context = output_context (provenance);
  g_autoptr(PpJsonldOptions) options = output_options_new ();
  g_autoptr(PpJsonldCompactor) compactor = NULL;
  g_autoptr(GError) error = NULL;

  compactor = pp_jsonld_compactor_new (context, options, NULL, &error);
  if (compactor == NULL)
    g_debug ("The output context is processed later: %s", error->message);
}

static void
stop_compacting_ahead (PpMergedGraph *self)
{
  g_clear_pointer (&self->compactor, pp_jsonld_compactor_free);
  /* the tables' identifiers are in the texts' arena */
  g_clear_pointer (&self->compacted, compacted_table_free);
  g_clear_pointer (&self->compacted_text, pp_json_arena_unref);
  g_clear_pointer (&self->scratch, pp_json_arena_unref);
  if (self->writer != NULL)
    g_string_free (g_steal_pointer (&self->writer), TRUE);
}

/* The scratch arena is shared by the segments, and made again once it
 * holds this many bytes (not emptied: the compactor holds the arena it
 * last interned its results in) */
#define SCRATCH_MAX_SIZE (64 * 1024)

/* The arena to flatten the nodes compacted ahead into */
static PpJsonArena *
scratch_arena (PpMergedGraph *self)
{
  if (self->scratch != NULL && pp_json_arena_get_size (self->scratch) > SCRATCH_MAX_SIZE)
    g_clear_pointer (&self->scratch, pp_json_arena_unref);
  if (self->scratch == NULL)
    self->scratch = pp_json_arena_new ();

  return self->scratch;
}

/* Removes @node from @table. The nodes after it in its run move back
 * where their lookup would find them through the hole (the backward shift
 * of linear probing), so that a removal leaves no mark in the table. */
static void
compacted_table_remove (CompactedTable *table,
                        CompactedNode  *node)
{
  guint hole = node - table->slots;

  for (guint i = (hole + 1) & table->mask; table->slots[i].id != NULL; i = (i + 1) & table->mask)
    {
      guint home = table->slots[i].hash & table->mask;

      /* the hole is on the way from its home slot to it */
      if (((i - home) & table->mask) >= ((i - hole) & table->mask))
        {
          table->slots[hole] = table->slots[i];
          hole = i;
        }
    }
  table->slots[hole].id = NULL;
  table->n_nodes--;
}

/* @id, of @len bytes, kept as long as the nodes compacted ahead, as a key
 * of their table: in the arena of their texts, which goes with it */
static const char *
keep_id (PpMergedGraph *self,
         const char    *id,
         gsize          len)
{
  return pp_json_arena_strndup (self->compacted_text, id, len);
}

PpMergedGraph *
pp_merged_graph_new (PpOutputForm form,
                     gboolean     provenance)
{
  PpMergedGraph *self = g_new0 (PpMergedGraph, 1);

  self->form = form;
  self->provenance = provenance;
  self->options = output_options_new ();
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
          self->compacted_text = pp_json_arena_new ();
          self->writer = g_string_new (NULL);
          self->compacted = compacted_table_new ();
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
  g_clear_pointer (&self->segment_map, pp_jsonld_node_map_unref);
  g_clear_pointer (&self->map, pp_jsonld_node_map_unref);
  g_clear_pointer (&self->options, pp_jsonld_options_unref);
  g_free (self->document_iri);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  g_free (self);
}

/* Drops from the `@type` of @node, an expanded node object of @arena, the
 * types another of its types is a subclass of (Person beside Patient,
 * Thing beside anything) */
static void
drop_supertypes (PpJsonArena *arena,
                 PpJsonValue *node)
{
  PpJsonValue *types = pp_json_object_get (node, PP_JSON_KW (TYPE));
  guint n = pp_json_value_get_size (types);
  PpJsonValue *kept;

  if (!pp_json_value_is_array (types) || n < 2)
    return;

  kept = pp_json_value_new_array (arena, n);
  for (guint i = 0; i < n; i++)
    {
      const char *type = pp_json_value_get_string (pp_json_array_get (types, i));
      gboolean redundant = FALSE;

      for (guint j = 0; j < n && type != NULL && !redundant; j++)
        {
          const char *other = pp_json_value_get_string (pp_json_array_get (types, j));

          redundant = j != i && other != NULL &&
                      pp_schema_types_is_subclass (other, type) &&
                      !pp_schema_types_is_subclass (type, other);
        }

      if (!redundant)
        pp_json_array_append (arena, kept, pp_json_array_get (types, i));
    }

  if (pp_json_value_get_size (kept) < n)
    pp_json_object_set (arena, node, PP_JSON_KW (TYPE), kept);
}

/* The node @id of the map, compacted into @arena, under the identifier
 * @as_id if not %NULL; %NULL with @error unset when flattening leaves it
 * out. The node is flattened into @scratch, which the result does not
 * refer to unless it is @arena. */
static PpJsonValue *
compact_node (PpMergedGraph  *self,
              PpJsonArena    *scratch,
              PpJsonArena    *arena,
              const char     *id,
              const char     *as_id,
              GError        **error)
{
  PpJsonValue *node = pp_jsonld_node_map_flatten_node_value (self->map, scratch, id,
                                                             PP_JSONLD_FLATTEN_CANONICAL);

  if (node == NULL)
    return NULL;

  drop_supertypes (scratch, node);
  if (as_id != NULL)
    pp_json_object_set (scratch, node, PP_JSON_KW (ID), pp_json_value_new_string (scratch, as_id));

  return pp_jsonld_compactor_compact_item_value (self->compactor, arena, node, error);
}

/* The text of @compacted, a compacted node, kept in the texts of the nodes
 * compacted ahead */
static const char *
keep_compacted_text (PpMergedGraph     *self,
                     const PpJsonValue *compacted)
{
  g_string_truncate (self->writer, 0);
  pp_json_value_write (self->writer, compacted, PP_JSON_WRITE_NONE);

  return pp_json_arena_strndup (self->compacted_text, self->writer->str, self->writer->len);
}

/* The nodes @segment_map brought were just merged into the map */
static void
compact_ahead (PpMergedGraph   *self,
               PpJsonldNodeMap *segment_map)
{
  g_autoptr(GPtrArray) graph_names = pp_jsonld_node_map_get_graph_names (segment_map, FALSE);
  g_autoptr(GPtrArray) ids = NULL;
  PpJsonArena *scratch;

  if (graph_names->len > 1)
    {
      g_debug ("A segment has named graphs: compacting at the end");
      stop_compacting_ahead (self);
      return;
    }

  ids = pp_jsonld_node_map_get_node_ids (segment_map, NULL, FALSE);
  scratch = scratch_arena (self);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GError) error = NULL;
      const char *as_id;
      gboolean joined;
      gsize len = strlen (id);
      guint hash = pp_json_string_hash (id, len);
      CompactedNode *node = compacted_table_lookup (self->compacted, id, hash);
      PpJsonValue *compacted;
      const char *text = NULL;

      if (node != NULL)
        {
          /* Changed since: compacted at the end */
          node->text = CHANGED;
          continue;
        }

      /* One entity with another node, merged with it at the end most
       * likely: compacted then */
      as_id = pp_entity_resolver_get_provisional_id (self->resolver, id, &joined);
      if (joined)
        continue;
      if (as_id == id || g_str_equal (as_id, id))
        as_id = NULL;
      compacted = compact_node (self, scratch, scratch, id, as_id, &error);
      if (error != NULL)
        {
          g_debug ("Compacting at the end: %s", error->message);
          stop_compacting_ahead (self);
          return;
        }
      if (compacted != NULL)
        text = keep_compacted_text (self, compacted);
      node = compacted_table_ensure (self->compacted, keep_id (self, id, len), hash);
      node->text = text;
      if (as_id != NULL)
        node->as_id = keep_id (self, as_id, strlen (as_id));
    }
}

/* The label of the segment's pp:SegmentRef node in its expanded graph;
 * relabelled, as every blank node, with the segment's prefix */
#define SEGMENT_REF_LABEL "_:libpp-segment"

static gboolean
has_type (const PpJsonValue *object,
          const char        *type)
{
  PpJsonValue *types = pp_json_object_get (object, PP_JSON_KW (TYPE));

  for (guint i = 0; pp_json_value_is_array (types) && i < pp_json_value_get_size (types); i++)
    if (g_strcmp0 (pp_json_value_get_string (pp_json_array_get (types, i)), type) == 0)
      return TRUE;

  return FALSE;
}

/* The keys and values provenance adds to a segment's expanded graph, in
 * its arena */
typedef struct
{
  PpJsonArena *arena;
  const char *derived_from;    /* pp:derivedFrom, interned */
} Provenance;

/* Adds a pp:derivedFrom reference to the segment's node to every node
 * object in @item, an expanded element, that says something besides its
 * `@id` and says nowhere else where it came from (a graph merged again
 * keeps the provenance it has). Returns whether it added one. */
static gboolean
add_derived_from (Provenance  *provenance,
                  PpJsonValue *item,
                  gboolean     is_reverse_map)
{
  gboolean added = FALSE;
  guint n;

  if (pp_json_value_is_array (item))
    {
      for (guint i = 0; i < pp_json_value_get_size (item); i++)
        added |= add_derived_from (provenance, pp_json_array_get (item, i), FALSE);
      return added;
    }

  if (!pp_json_value_is_object (item) || pp_json_value_is_value_object (item))
    return FALSE;

  n = pp_json_value_get_size (item);
  for (guint i = 0; i < n; i++)
    {
      const PpJsonMember *member = &pp_json_object_get_members (item)[i];

      if (member->key != PP_JSON_KW (ID) && member->key != PP_JSON_KW (TYPE))
        added |= add_derived_from (provenance, member->value,
                                   member->key == PP_JSON_KW (REVERSE));
    }

  if (!is_reverse_map &&
      !pp_json_value_is_list_object (item) &&
      !pp_json_object_has (item, PP_JSON_KW (SET)) &&
      !pp_json_object_has (item, provenance->derived_from) &&
      !has_type (item, PP_NS "SegmentRef") &&
      (n > 1 || !pp_json_object_has (item, PP_JSON_KW (ID))))
    {
      PpJsonArena *arena = provenance->arena;
      PpJsonValue *values = pp_json_value_new_array (arena, 1);
      PpJsonValue *reference = pp_json_value_new_object (arena, 1);

      pp_json_object_append (arena, reference, PP_JSON_KW (ID),
                             pp_json_value_new_string_static (arena, SEGMENT_REF_LABEL));
      pp_json_array_append (arena, values, reference);
      pp_json_object_append (arena, item, provenance->derived_from, values);
      added = TRUE;
    }

  return added;
}

static void
set_value (PpJsonArena *arena,
           PpJsonValue *node,
           const char  *property,
           PpJsonValue *value)
{
  PpJsonValue *object = pp_json_value_new_object (arena, 1);
  PpJsonValue *values = pp_json_value_new_array (arena, 1);

  pp_json_object_append (arena, object, PP_JSON_KW (VALUE), value);
  pp_json_array_append (arena, values, object);
  pp_json_object_append (arena, node, pp_json_arena_intern (arena, property), values);
}

/* The pp:SegmentRef node of @segment of the document @document_iri
 * (nullable), in expanded form, in @arena */
static PpJsonValue *
segment_ref_new (PpJsonArena *arena,
                 PpSegment   *segment,
                 const char  *document_iri)
{
  PpJsonValue *node = pp_json_value_new_object (arena, 9);
  PpJsonValue *types = pp_json_value_new_array (arena, 1);
  const char * const *path = pp_segment_get_heading_path (segment);
  gsize start = pp_segment_get_offset (segment);

  pp_json_object_append (arena, node, PP_JSON_KW (ID),
                         pp_json_value_new_string_static (arena, SEGMENT_REF_LABEL));
  pp_json_array_append (arena, types, pp_json_value_new_string_static (arena, PP_NS "SegmentRef"));
  pp_json_object_append (arena, node, PP_JSON_KW (TYPE), types);
  if (document_iri != NULL)
    set_value (arena, node, PP_NS "document", pp_json_value_new_string (arena, document_iri));
  set_value (arena, node, PP_NS "segment",
             pp_json_value_new_int (arena, pp_segment_get_index (segment)));
  set_value (arena, node, PP_NS "start", pp_json_value_new_int (arena, (gint64) start));
  set_value (arena, node, PP_NS "end",
             pp_json_value_new_int (arena, (gint64) (start + pp_segment_get_length (segment))));
  if (pp_segment_get_page (segment) > 0)
    set_value (arena, node, PP_NS "page", pp_json_value_new_int (arena, pp_segment_get_page (segment)));
  if (path != NULL && path[0] != NULL)
    {
      g_autofree char *section = g_strjoinv (" / ", (char **) path);

      set_value (arena, node, PP_NS "section", pp_json_value_new_string (arena, section));
    }

  return node;
}

/* Gives the nodes of @expanded, a segment's expanded graph in @arena,
 * their provenance: a pp:derivedFrom reference to the segment's
 * pp:SegmentRef node, added to the graph if any node refers to it.
 * Returns whether it added the node. */
static gboolean
add_provenance (PpMergedGraph *self,
                PpJsonArena   *arena,
                PpJsonValue   *expanded,
                PpSegment     *segment)
{
  Provenance provenance = { arena, pp_json_arena_intern (arena, PP_NS "derivedFrom") };

  if (!pp_json_value_is_array (expanded) || !add_derived_from (&provenance, expanded, FALSE))
    return FALSE;

  pp_json_array_append (arena, expanded, segment_ref_new (arena, segment, self->document_iri));
  return TRUE;
}

/* Adds @document, the graph of @segment as values of @arena: expanded
 * already when @is_expanded, else expanded here. The provenance is added
 * to the expanded graph in place. The map copies what it keeps (each
 * distinct value once), so @arena, which holds the answer as it came too,
 * can go as soon as the call returns. */
/* "_:s<index>-", the prefix of the labels of the blank nodes of the
 * segment @index, into @prefix: once per segment, without the cost of a
 * formatted print */
static void
write_segment_prefix (char  *prefix,
                      guint  index)
{
  char digits[10];
  guint n = 0;

  do
    digits[n++] = (char) ('0' + index % 10);
  while ((index /= 10) > 0);

  memcpy (prefix, "_:s", 3);
  prefix += 3;
  while (n > 0)
    *prefix++ = digits[--n];
  *prefix++ = '-';
  *prefix = '\0';
}

gboolean
pp_merged_graph_add_value (PpMergedGraph  *self,
                           PpSegment      *segment,
                           PpJsonArena    *arena,
                           PpJsonValue    *document,
                           gboolean        is_expanded,
                           GError        **error)
{
  char prefix[32];
  PpJsonldNodeMap *segment_map;
  PpJsonValue *expanded = document;
  gboolean segment_ref = FALSE;
  gboolean added;

  write_segment_prefix (prefix, pp_segment_get_index (segment));
  if (!is_expanded)
    expanded = pp_jsonld_expand_value (arena, document, self->options, NULL, error);
  if (expanded == NULL)
    return FALSE;
  if (self->provenance)
    segment_ref = add_provenance (self, arena, expanded, segment);

  if (self->segment_map == NULL)
    self->segment_map = pp_jsonld_node_map_new ();
  segment_map = self->segment_map;
  /* The segment's map points at the values of @arena, which the map
   * copies what it keeps of */
  added = pp_jsonld_node_map_add_document_value (segment_map, arena, expanded, prefix, NULL, error) &&
          pp_jsonld_node_map_add_map_copied (self->map, segment_map, error);
  if (added)
    {
      /* The segment's nodes, read for entity resolution while they are few */
      pp_entity_resolver_add_nodes (self->resolver, segment_map);
      if (segment_ref)
        self->n_segment_refs++;

      if (self->compactor != NULL)
        compact_ahead (self, segment_map);
    }

  pp_node_map_reset (segment_map, 0);

  return added;
}

/* Adds @graph, the JSON-LD of @segment as a tree, converted once */
gboolean
pp_merged_graph_add (PpMergedGraph  *self,
                     PpSegment      *segment,
                     JsonNode       *graph,
                     GError        **error)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *document = pp_json_value_from_json_node (arena, graph, PP_JSONLD_MAX_DEPTH, error);

  return document != NULL &&
         pp_merged_graph_add_value (self, segment, arena, document, FALSE, error);
}

/* Compaction gives a lone node object when the graph has one node:
 * always give the same shape, {"@context": …, "@graph": […]}, in @arena */
static PpJsonValue *
wrap_in_graph (PpJsonArena *arena,
               PpJsonValue *compacted)
{
  const PpJsonMember *members = pp_json_object_get_members (compacted);
  PpJsonValue *wrapper;
  PpJsonValue *graph;
  PpJsonValue *node;

  if (!pp_json_value_is_object (compacted) || pp_json_object_has (compacted, PP_JSON_KW (GRAPH)))
    return compacted;

  wrapper = pp_json_value_new_object (arena, 2);
  graph = pp_json_value_new_array (arena, 1);
  node = pp_json_value_new_object (arena, pp_json_value_get_size (compacted));
  for (guint i = 0; i < pp_json_value_get_size (compacted); i++)
    {
      if (members[i].key == PP_JSON_KW (CONTEXT))
        pp_json_object_set (arena, wrapper, PP_JSON_KW (CONTEXT), members[i].value);
      else
        pp_json_object_set (arena, node, members[i].key, members[i].value);
    }

  if (pp_json_value_get_size (node) > 0)
    pp_json_array_append (arena, graph, node);
  pp_json_object_set (arena, wrapper, PP_JSON_KW (GRAPH), graph);

  return wrapper;
}

/* The nodes of a flattened graph of @arena, and of its named graphs, lose
 * their redundant types */
static void
drop_all_supertypes (PpJsonArena *arena,
                     PpJsonValue *flattened)
{
  for (guint i = 0; pp_json_value_is_array (flattened) && i < pp_json_value_get_size (flattened); i++)
    {
      PpJsonValue *node = pp_json_array_get (flattened, i);

      drop_supertypes (arena, node);
      drop_all_supertypes (arena, pp_json_object_get (node, PP_JSON_KW (GRAPH)));
    }
}

/* How many distinct entities the segments added so far describe: the
 * nodes, pp:SegmentRef nodes left out, with those known to be one entity
 * counted once (pp_entity_resolver_get_n_entities()) */
guint
pp_merged_graph_get_n_entities (PpMergedGraph *self)
{
  if (self->resolver == NULL)
    return self->n_entities;

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
 * were: those that kept their identifier (not in @changed), and those
 * compacted under the one they got (@renamed: each old identifier, then
 * the new one); the others are compacted again at the end. The
 * identifiers are the resolver's, interned: their hashes are read, not
 * computed. */
static void
keep_compacted_ahead (PpMergedGraph *self,
                      GPtrArray     *changed,
                      GPtrArray     *renamed)
{
  CompactedTable *table = self->compacted;
  /* at most one per node renamed: filled in place */
  g_autofree CompactedNode *kept = g_new (CompactedNode, MAX (renamed->len / 2, 1));
  guint n_kept = 0;

  /* A node compacted under another identifier is kept only if it got
   * that one, under it: compact_remaining() tells the others by their
   * @as_id */
  for (guint i = 0; i < renamed->len; i += 2)
    {
      const char *id = renamed->pdata[i];
      const char *new_id = renamed->pdata[i + 1];
      CompactedNode *node = compacted_table_lookup (table, id, pp_json_interned_hash (id));

      if (node != NULL && node->as_id != NULL && node->text != NULL && node->text != CHANGED &&
          g_str_equal (node->as_id, new_id))
        {
          CompactedNode renamed_node = { pp_json_interned_hash (new_id), node->as_id, node->text, NULL };

          /* moved under its new identifier below: the table does not
           * grow */
          kept[n_kept++] = renamed_node;
          compacted_table_remove (table, node);
        }
    }

  /* Those compacted under their own identifier that changed are
   * compacted again */
  for (guint i = 0; i < changed->len; i++)
    {
      const char *id = changed->pdata[i];
      CompactedNode *node = compacted_table_lookup (table, id, pp_json_interned_hash (id));

      if (node != NULL && node->as_id == NULL)
        node->text = CHANGED;
    }

  /* The renamed ones under their new identifier, their own now */
  for (guint i = 0; i < n_kept; i++)
    {
      const CompactedNode *renamed_node = &kept[i];
      CompactedNode *node = compacted_table_ensure (table, renamed_node->id, renamed_node->hash);

      node->text = renamed_node->text;
      node->as_id = NULL;
    }
  g_debug ("Kept %u nodes compacted ahead under their new identifier", n_kept);
}

/* Merges the nodes that describe the same entity, and those of the
 * candidate groups the candidates function confirms; the nodes compacted
 * ahead that it changes are compacted again. The resolver is done with
 * then, and goes. */
static void
resolve_entities (PpMergedGraph *self)
{
  PpEntityResolver *resolver = self->resolver;
  g_autoptr(GPtrArray) changed = g_ptr_array_new ();
  g_autoptr(GPtrArray) renamed = g_ptr_array_new ();
  gint64 start = g_get_monotonic_time ();

  /* The last segment is in */
  g_clear_pointer (&self->segment_map, pp_jsonld_node_map_unref);

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
  pp_entity_resolver_merge (resolver, changed, self->compactor != NULL ? renamed : NULL);
  g_debug ("Merged the nodes of the groups in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);

  if (self->compactor != NULL)
    keep_compacted_ahead (self, changed, renamed);

  /* The identifiers in the arrays are the resolver's: they go first */
  g_clear_pointer (&changed, g_ptr_array_unref);
  g_clear_pointer (&renamed, g_ptr_array_unref);
  self->n_entities = pp_merged_graph_get_n_entities (self);
  g_clear_pointer (&self->resolver, pp_entity_resolver_free);
}

/* A node of the compacted document: compacted at the end, or the text of
 * the one compacted ahead */
typedef struct
{
  PpJsonValue *value;
  const char *text;
} CompactedItem;

/* The map is done with once every node is compacted: it goes before the
 * document is made, so that it and the document are never alive
 * together */
static void
drop_sources (PpMergedGraph *self)
{
  g_clear_pointer (&self->map, pp_jsonld_node_map_unref);
  g_clear_pointer (&self->scratch, pp_json_arena_unref);
}

/* The nodes of the compacted document, in canonical order (element-type
 * CompactedItem): the texts of those compacted ahead, the others compacted
 * now into @arena. The map goes then. */
static GArray *
compact_remaining (PpMergedGraph  *self,
                   PpJsonArena    *arena,
                   GError        **error)
{
  /* the nodes of the default graph, which every map has, in canonical
   * order: the order of their identifiers */
  g_autoptr(GPtrArray) nodes = pp_node_map_graph_get_nodes (pp_node_map_lookup_graph (self->map, NULL),
                                                            PP_JSONLD_FLATTEN_ORDERED);
  g_autoptr(PpJsonArena) scratch = pp_json_arena_new ();
  g_autoptr(GArray) items = g_array_sized_new (FALSE, FALSE, sizeof (CompactedItem), nodes->len);
  CompactedItem *filled;
  guint n = 0;

  /* At most one item a node: filled in place */
  g_array_set_size (items, nodes->len);
  filled = (CompactedItem *) (gpointer) items->data;
  for (guint i = 0; i < nodes->len; i++)
    {
      const char *id = ((Node *) g_ptr_array_index (nodes, i))->id;
      CompactedNode *node = compacted_table_lookup (self->compacted, id,
                                                    pp_json_string_hash (id, strlen (id)));
      CompactedItem item = { NULL, NULL };

      /* Compacted ahead under this identifier, and unchanged since */
      if (node != NULL && node->as_id == NULL && node->text != CHANGED)
        {
          item.text = node->text;
          if (item.text != NULL)
            filled[n++] = item;
          continue;
        }

      item.value = compact_node (self, scratch, arena, id, NULL, error);
      if (item.value != NULL)
        filled[n++] = item;
      else if (error != NULL && *error != NULL)
        return NULL;
    }
  g_array_set_size (items, n);

  g_clear_pointer (&nodes, g_ptr_array_unref);
  drop_sources (self);
  /* The table is not read again: it goes too, one block freed at once,
   * rather than alive with the document */
  g_clear_pointer (&self->compacted, compacted_table_free);

  return g_steal_pointer (&items);
}

/* The texts of @items kept from compacting ahead read back into @arena:
 * each item a value then */
static gboolean
read_back_texts (PpMergedGraph  *self,
                 PpJsonArena    *arena,
                 GArray         *items,
                 GError        **error)
{
  for (guint i = 0; i < items->len; i++)
    {
      CompactedItem *item = &g_array_index (items, CompactedItem, i);

      if (item->value == NULL)
        item->value = pp_json_value_parse (arena, item->text, -1, error);
      if (item->value == NULL)
        return FALSE;
      item->text = NULL;
    }
  g_clear_pointer (&self->compacted_text, pp_json_arena_unref);

  return TRUE;
}

/* The compacted document in @arena, its node objects in @nodes (@items,
 * their values, or one empty object standing for every text) */
static PpJsonValue *
compacted_document (PpMergedGraph  *self,
                    PpJsonArena    *arena,
                    GArray         *items,
                    PpJsonValue   **nodes,
                    GError        **error)
{
  /* the one object standing for every text: compaction only counts the
   * nodes */
  PpJsonValue *text_node = pp_json_value_new_object (arena, 0);
  PpJsonValue *compacted;

  *nodes = pp_json_value_new_array (arena, items->len);
  for (guint i = 0; i < items->len; i++)
    {
      CompactedItem *item = &g_array_index (items, CompactedItem, i);

      pp_json_array_append (arena, *nodes, item->value != NULL ? item->value : text_node);
    }

  compacted = pp_jsonld_compactor_finish_value (self->compactor, arena, *nodes, error);

  return compacted != NULL ? wrap_in_graph (arena, compacted) : NULL;
}

/* The compacted document in @arena, from the nodes compacted ahead, read
 * back, and the others compacted now */
static PpJsonValue *
finish_compacted_ahead (PpMergedGraph  *self,
                        PpJsonArena    *arena,
                        GError        **error)
{
  g_autoptr(GArray) items = compact_remaining (self, arena, error);
  PpJsonValue *nodes;

  if (items == NULL || !read_back_texts (self, arena, items, error))
    return NULL;

  return compacted_document (self, arena, items, &nodes, error);
}

/* Appends @value, at nesting @level, to @out: indented when @pretty */
static void
write_value (GString           *out,
             GString           *scratch,
             const PpJsonValue *value,
             guint              level,
             gboolean           pretty)
{
  if (!pretty)
    {
      pp_json_value_write (out, value, PP_JSON_WRITE_NONE);
      return;
    }

  g_string_truncate (scratch, 0);
  pp_json_value_write (scratch, value, PP_JSON_WRITE_NONE);
  pp_json_text_append_indented (out, scratch->str, scratch->len, level);
}

/* Appends the node objects of @items, the elements of the array at
 * nesting @level, to @out: the texts kept from compacting ahead copied as
 * they are, or indented when @pretty */
static void
write_nodes (GString *out,
             GString *scratch,
             GArray  *items,
             guint    level,
             gboolean pretty)
{
  g_string_append_c (out, '[');
  for (guint i = 0; i < items->len; i++)
    {
      CompactedItem *item = &g_array_index (items, CompactedItem, i);

      if (i > 0)
        g_string_append_c (out, ',');
      if (pretty)
        pp_json_text_append_newline (out, level + 1);
      if (item->value != NULL)
        write_value (out, scratch, item->value, level + 1, pretty);
      else if (pretty)
        pp_json_text_append_indented (out, item->text, strlen (item->text), level + 1);
      else
        g_string_append (out, item->text);
    }
  if (pretty)
    pp_json_text_append_newline (out, level);
  g_string_append_c (out, ']');
}

/* Whether @value is the value of a member of @object */
static gboolean
holds_member (const PpJsonValue *object,
              const PpJsonValue *value)
{
  const PpJsonMember *members = pp_json_object_get_members (object);

  for (guint i = 0; i < pp_json_value_get_size (object); i++)
    if (members[i].value == value)
      return TRUE;

  return FALSE;
}

/* The compacted document as bytes, as pp_json_value_write() writes it
 * (indented when @pretty), from the nodes compacted ahead, whose texts are
 * copied into it, and the others compacted now */
static GBytes *
finish_compacted_ahead_bytes (PpMergedGraph  *self,
                              gboolean        pretty,
                              GError        **error)
{
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  g_autoptr(GArray) items = compact_remaining (self, arena, error);
  g_autoptr(GString) scratch = NULL;
  /* the texts take about as much room in the output, twice indented */
  gsize estimate = pp_json_arena_get_size (self->compacted_text) * (pretty ? 2 : 1);
  GString *out;
  PpJsonValue *document;
  PpJsonValue *nodes;
  const PpJsonMember *members;

  if (items == NULL)
    return NULL;

  document = compacted_document (self, arena, items, &nodes, error);
  if (document == NULL)
    return NULL;

  /* A lone node is the document itself: its text is read back */
  if (!holds_member (document, nodes))
    {
      if (!read_back_texts (self, arena, items, error))
        return NULL;
      document = compacted_document (self, arena, items, &nodes, error);
      if (document == NULL)
        return NULL;
    }

  scratch = g_string_new (NULL);
  out = g_string_sized_new (estimate);
  members = pp_json_object_get_members (document);
  g_string_append_c (out, '{');
  for (guint i = 0; i < pp_json_value_get_size (document); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      if (pretty)
        pp_json_text_append_newline (out, 1);
      pp_json_append_string (out, members[i].key);
      g_string_append (out, pretty ? ": " : ":");
      if (members[i].value == nodes)
        write_nodes (out, scratch, items, 1, pretty);
      else
        write_value (out, scratch, members[i].value, 1, pretty);
    }
  if (pretty && pp_json_value_get_size (document) > 0)
    pp_json_text_append_newline (out, 0);
  g_string_append_c (out, '}');

  g_clear_pointer (&self->compacted_text, pp_json_arena_unref);

  return g_string_free_to_bytes (out);
}

/* The merged graph in a form other than expanded, as values of *@arena
 * (set to an arena the caller owns), which may share values of the map
 * (but the compacted form): use it before @self is freed */
static PpJsonValue *
finish_value (PpMergedGraph  *self,
              PpJsonArena   **arena,
              GError        **error)
{
  g_autoptr(JsonNode) context = NULL;
  PpJsonValue *flattened;
  PpJsonValue *compacted;

  g_assert (self->form != PP_OUTPUT_FORM_EXPANDED);

  resolve_entities (self);

  /* The document shares nothing with the map, which is gone before a
   * tree or bytes are made of the document */
  if (self->compactor != NULL)
    {
      *arena = pp_json_arena_new ();
      return finish_compacted_ahead (self, *arena, error);
    }

  *arena = pp_json_arena_new ();
  flattened = pp_jsonld_node_map_flatten_value (self->map, PP_JSONLD_FLATTEN_CANONICAL);
  drop_all_supertypes (*arena, flattened);
  if (self->form == PP_OUTPUT_FORM_FLATTENED)
    return flattened;

  /* The flattened graph is in expanded form already */
  context = output_context (self->provenance);
  compacted = pp_jsonld_compact_expanded_value (*arena, flattened, context, self->options,
                                                NULL, error);

  return compacted != NULL ? wrap_in_graph (*arena, compacted) : NULL;
}

/* The merged graph in expanded form: the flattened one, with the blank
 * nodes referred to once embedded where they are referred to */
static JsonNode *
finish_expanded (PpMergedGraph *self)
{
  g_autoptr(JsonNode) flattened = NULL;
  g_autoptr(PpJsonArena) arena = pp_json_arena_new ();
  PpJsonValue *value;

  resolve_entities (self);
  value = pp_jsonld_node_map_flatten_value (self->map, PP_JSONLD_FLATTEN_CANONICAL);
  drop_all_supertypes (arena, value);
  flattened = pp_json_value_to_json_node (value);

  return pp_node_embedding_embed (flattened);
}

/* The merged graph in the form asked for, as a tree; @self can take no
 * more graphs. The graph shares nothing with @self, which may be freed on
 * another thread while the graph is used. */
JsonNode *
pp_merged_graph_finish (PpMergedGraph  *self,
                        GError        **error)
{
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *graph;

  if (self->form == PP_OUTPUT_FORM_EXPANDED)
    return finish_expanded (self);

  graph = finish_value (self, &arena, error);

  return graph != NULL ? pp_json_value_to_json_node (graph) : NULL;
}

/* The merged graph in the form asked for, as pp_jsonld_to_json() writes
 * it (indented when @pretty), never built as a tree (but in expanded
 * form); @self can take no more graphs */
GBytes *
pp_merged_graph_finish_bytes (PpMergedGraph  *self,
                              gboolean        pretty,
                              GError        **error)
{
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *graph;

  if (self->form == PP_OUTPUT_FORM_EXPANDED)
    {
      g_autoptr(JsonNode) expanded = finish_expanded (self);
      char *text = pp_jsonld_to_json (expanded, pretty);

      return g_bytes_new_take (text, strlen (text));
    }

  if (self->compactor != NULL)
    {
      resolve_entities (self);
      return finish_compacted_ahead_bytes (self, pretty, error);
    }

  graph = finish_value (self, &arena, error);
  if (graph == NULL)
    return NULL;

  return pp_json_value_to_bytes (graph, pretty ? PP_JSON_WRITE_PRETTY : PP_JSON_WRITE_NONE);
}
