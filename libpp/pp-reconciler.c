/* pp-reconciler.c: merges the segments' graphs into one graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-reconciler.h"
#include "pp-reconciler-private.h"
#include "pp-linger-queue-private.h"
#include "pp-marshal.h"
#include "pp-main-context-queue-private.h"
#include "pp-merged-graph-private.h"
#include "pp-merge-candidates-private.h"
#include "pp-jsonld.h"
#include "pp-jsonld-scratch-private.h"
#include "pp-jsonld-util-private.h"

/**
 * PpReconciler:
 *
 * Merges the JSON-LD graphs of a document's segments into one graph, on a
 * thread of its own, as the segments' graphs arrive.
 *
 * Each graph is expanded (offline: remote contexts other than the bundled
 * ones are not fetched), its blank nodes are relabelled with the index of
 * its segment (`_:s3-b0`) so that they cannot collide with another
 * segment's, and it is merged into one node map by `@id`. When every
 * segment has arrived, as a graph or as a failure, the nodes that describe
 * the same entity are merged (see below), the map is flattened in
 * canonical order — the output depends only on the graphs, not on the order
 * they arrived in — and put in the requested #PpOutputForm. The compacted
 * form is built node by node as the segments arrive, so that little is
 * left to do once the last one is in.
 *
 * ## Entity resolution
 *
 * Language models seldom give the things they describe an `@id`, so the
 * same person, mentioned in ten segments, arrives as ten blank nodes. Nodes
 * of the default graph are taken to describe the same entity, and merged,
 * when:
 *
 * - they share a `sameAs`, `url` or `identifier` value, or one's `@id` is
 *   the other's `sameAs` or `url`, and their types are not of different
 *   families;
 * - their types are of one family and their names are equal once
 *   normalised, or one's name is the other's `alternateName`. Two types
 *   are of one family when one is the other or a subclass of it in the
 *   schema.org 30.0 hierarchy, where Thing matches only Thing:
 *   `CollegeOrUniversity` matches `EducationalOrganization` and
 *   `Organization`, `Person` matches neither `Place` nor `Thing`. A name is normalised by Unicode compatibility
 *   composition (NFKC), case folding, dropping diacritics and making every
 *   run of whitespace and punctuation one space;
 * - one's name is the last words of the name of exactly one other entity
 *   of its family: "Liskov" joins "Barbara Liskov", but "Curie" beside
 *   "Marie Curie" and "Pierre Curie" stays apart.
 *
 * Nodes whose `@id`s are two different IRIs are never merged, nor nodes
 * with an `@index`. The groups depend only on the merged graph, never on
 * the order the segments arrived in. Merged nodes keep every type and
 * value of their parts, equal values once; a type another of the node's
 * types is a subclass of is dropped (`Person` beside `Patient`). References
 * to a merged node point to the node it was merged into.
 *
 * A group is merged into its node with an IRI, if it has one. Otherwise,
 * unless [property@Pp.Reconciler:mint-ids] is %FALSE, an entity with a
 * name and a schema.org type gets an identifier minted from the document
 * and the entity, the same on every run:
 * `urn:pp:<document>#<family>/<name>`, where `<document>` is the first 16
 * hexadecimal digits of the SHA-256 of
 * [property@Pp.Reconciler:document-iri] (of the empty string when unset),
 * `<family>` the lower-cased class directly below Thing that its types
 * descend from (`person` for a `Patient`, `organization` for a
 * `CollegeOrUniversity`; when there are several, the first by name,
 * `intangible` and then `thing` last) and `<name>` its longest name,
 * normalised, with hyphens between the words:
 * `urn:pp:2c26b46b68ffc68f#person/ada-lovelace` for Ada Lovelace in a
 * document named `foo`. Should two entities get the same identifier, the
 * one whose first node sorts later gets `-2` after it, and so on. The
 * other groups keep a blank node.
 *
 * ## Merge candidates
 *
 * Entities of one type family (the class directly below Thing) that the
 * rules above leave apart, but that look alike, are reported as candidate
 * groups (since 0.2), when:
 *
 * - `edit-distance`: two of their names, of 6 to 64 characters once
 *   normalised, are within a Damerau-Levenshtein distance of 2 and have
 *   the same digits ("Ada Lovelace", "Ada Lovelance"; not "Apollo 11",
 *   "Apollo 12");
 * - `token-subset`: the words of one's name are some of the words of the
 *   other's, and of at most 8 entities' names ("Curie" beside "Marie
 *   Curie" and "Pierre Curie", which the short-name rule leaves apart);
 * - `acronym`: one's name is the initials of the other's words, with or
 *   without short function words ("IBM", "International Business
 *   Machines"; "MIT", "Massachusetts Institute of Technology").
 *
 * Two entities with IRIs of their author's are never candidates. Pairs
 * that connect make one group, whose reason is the strongest of its pairs'
 * (edit distance, acronym, token subset). Each node is named by the
 * identifier it has in the output, its longest name and its family. The
 * groups depend only on the merged graph: they are the same whatever the
 * order the segments arrived in. They are left apart in the graph, and
 * listed by pp_reconciler_dup_merge_candidates() and in the processor's
 * [struct@Pp.Stats]; with [property@Pp.Processor:resolve-mode] set to
 * %PP_RESOLVE_MODE_LLM, the processor asks the LLM about each group and
 * merges what it confirms, before the identifiers are minted, so that the
 * output stays canonical.
 *
 * ## Provenance
 *
 * Unless [property@Pp.Reconciler:provenance] is %FALSE, every node records
 * the segments it came from, in a small vocabulary under the libpp
 * namespace `https://libpp.org/ns#` (prefix `pp:`):
 *
 * - `pp:SegmentRef`, the class of a segment of the document, one node per
 *   segment that described something;
 * - `pp:document`, the document it is a segment of (since 0.2): the value
 *   of [property@Pp.Reconciler:document-iri] when the first segment
 *   arrived — the processor gives the document's base IRI, else its name
 *   — left out when unset;
 * - `pp:segment`, its index (an integer, from 0);
 * - `pp:start` and `pp:end`, its byte range in the document's text, `end`
 *   excluded;
 * - `pp:section`, the titles of the sections above it, joined with " / "
 *   (left out when there are none);
 * - `pp:derivedFrom`, from a node to each segment that described it.
 *
 * In the compacted form the context is the schema.org one followed by
 * `{"pp": "https://libpp.org/ns#", "pp:derivedFrom": {"@type": "@id"}}`:
 *
 * ```json
 * { "id": "urn:pp:2c26b46b68ffc68f#person/ada-lovelace", "type": "Person",
 *   "name": "Ada Lovelace", "pp:derivedFrom": ["_:s0-1", "_:s3-0"] },
 * { "id": "_:s3-0", "type": "pp:SegmentRef", "pp:document": "foo",
 *   "pp:segment": 3, "pp:start": 120, "pp:end": 480,
 *   "pp:section": "Life / Early years" }
 * ```
 *
 * The segments are blank nodes of the segment's own graph, labelled like
 * its other blank nodes: the label depends only on the segment and its
 * graph, so the output stays canonical. Each segment is described once,
 * and a node refers to it with a short string, instead of repeating its
 * range in every node. A node that already has a `pp:derivedFrom` (a graph
 * merged again, such as the graphs of several documents) keeps it and gets
 * no other: when the graphs of several documents are merged into one, an
 * entity they all mention refers to segments of each, and each segment
 * names its document.
 *
 * pp_reconciler_add_graph() and pp_reconciler_add_failure() may be called
 * from any thread. The #PpReconciler::progress and #PpReconciler::finished
 * signals are emitted on the main context that was thread-default when the
 * reconciler was created.
 *
 * Since: 0.1
 */

typedef enum {
  ITEM_GRAPH,
  ITEM_FAILURE,
  ITEM_STOP,
  ITEM_PREPARE,                /* prepare the output context now */
} ItemKind;

typedef struct
{
  ItemKind kind;
  PpSegment *segment;
  JsonNode *graph;             /* ITEM_GRAPH: a tree, or */
  GBytes *jsonld;              /* its JSON text, */
  gboolean is_expanded;        /* expanded already */
  char *error_message;
  gint64 arrival_time;
} Item;

/* How long the reconciler's thread, having merged a segment, waits for
 * more before it takes what came: the segments arrive in bursts (a hundred
 * answers within a few milliseconds), which it so merges with a handful of
 * wake-ups, not one a segment. A failure, the last segment and a stop
 * do not wait: the graph is never late for it. */
#define LINGER_US (2 * G_TIME_SPAN_MILLISECOND)

/* What the reconciler's thread shares with the object: the object can go
 * away while the thread runs */
typedef struct
{
  gatomicrefcount ref_count;

  PpLingerQueue *queue;        /* (element-type Item) */
  PpMainContextQueue *emissions; /* (element-type Emission): the signals */
  guint n_segments;
  PpOutputForm form;
  gboolean prepares_at_start;  /* or when asked (ITEM_PREPARE) */

  GMutex lock;
  char *document_iri;          /* for the minted identifiers */
  gboolean mint_ids;
  gboolean provenance;
  gboolean writes_bytes;       /* the done function gets bytes */
  JsonNode *graph;             /* the result, once finished */
  gboolean finished;
  gboolean stopped;
  PpReconcilerDoneFunc done_func;
  gpointer done_data;
  GDestroyNotify done_destroy;
  PpReconcilerMergedFunc merged_func;
  gpointer merged_data;
  GDestroyNotify merged_destroy;
  PpReconcilerCandidatesFunc candidates_func;
  gpointer candidates_data;
  GDestroyNotify candidates_destroy;
  GPtrArray *candidates;       /* (element-type PpMergeCandidateGroup): once
                                * finished */
} State;

struct _PpReconciler
{
  GObject parent_instance;

  State *state;
  GThread *thread;
};

enum {
  PROP_0,
  PROP_DOCUMENT_IRI,
  PROP_MINT_IDS,
  PROP_PROVENANCE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PROGRESS,
  SIGNAL_FINISHED,
  SIGNAL_SEGMENT_MERGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpReconciler, pp_reconciler, G_TYPE_OBJECT)

static void
item_free (Item *item)
{
  g_clear_pointer (&item->segment, pp_segment_unref);
  g_clear_pointer (&item->graph, json_node_unref);
  g_clear_pointer (&item->jsonld, g_bytes_unref);
  g_free (item->error_message);
  g_free (item);
}

static State *
state_ref (State *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
state_unref (State *state)
{
  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;

  if (state->done_destroy != NULL)
    state->done_destroy (state->done_data);
  if (state->merged_destroy != NULL)
    state->merged_destroy (state->merged_data);
  if (state->candidates_destroy != NULL)
    state->candidates_destroy (state->candidates_data);
  g_clear_pointer (&state->candidates, g_ptr_array_unref);
  g_clear_pointer (&state->queue, pp_linger_queue_free);
  g_clear_pointer (&state->emissions, pp_main_context_queue_unref);
  g_clear_pointer (&state->graph, json_node_unref);
  g_free (state->document_iri);
  g_mutex_clear (&state->lock);
  g_free (state);
}

typedef struct
{
  guint signal;
  guint done;        /* progress; segment-merged: the segment's index */
  guint failed;      /* progress; segment-merged: the entities so far */
  JsonNode *graph;   /* for "finished" */
} Emission;

static void
emission_free (Emission *emission)
{
  g_clear_pointer (&emission->graph, json_node_unref);
  g_free (emission);
}

static void
emit_in_context (gpointer owner,
                 gpointer data)
{
  PpReconciler *self = owner;
  Emission *emission = data;

  switch (emission->signal)
    {
    case SIGNAL_FINISHED:
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0, emission->graph);
      break;
    case SIGNAL_SEGMENT_MERGED:
      g_signal_emit (self, signals[SIGNAL_SEGMENT_MERGED], 0, emission->done, emission->failed);
      break;
    case SIGNAL_PROGRESS:
    default:
      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0,
                     emission->done, emission->failed, self->state->n_segments);
    }
}

/* Takes @graph */
static void
schedule_emission (State    *state,
                   guint     signal,
                   guint     done,
                   guint     failed,
                   JsonNode *graph)
{
  Emission *emission = g_new0 (Emission, 1);

  emission->signal = signal;
  emission->done = done;
  emission->failed = failed;
  emission->graph = graph;
  pp_main_context_queue_push (state->emissions, emission);
}

/* Whether a handler is connected to @signal: an emission is scheduled only
 * for someone, and a copy of the graph made only for a "finished" handler */
static gboolean
has_handler (State *state,
             guint  signal)
{
  g_autoptr(PpReconciler) self = pp_main_context_queue_dup_owner (state->emissions);

  return self != NULL && g_signal_has_handler_pending (self, signals[signal], 0, TRUE);
}

/* Merges the graph of @item into @merged: read from its text straight into
 * values, when it came as text, in an arena borrowed for the call (the
 * merged graph copies what it keeps and holds no reference on it) */
static gboolean
merge_item (PpMergedGraph  *merged,
            Item           *item,
            GError        **error)
{
  PpJsonArena *arena;
  PpJsonValue *document;
  const char *data;
  gsize size;
  gboolean added;

  if (item->graph != NULL)
    return pp_merged_graph_add (merged, item->segment, item->graph, error);

  arena = pp_jsonld_scratch_arena_take ();
  data = g_bytes_get_data (item->jsonld, &size);
  document = pp_json_value_parse (arena, data != NULL ? data : "", (gssize) MIN (size, G_MAXSSIZE), error);
  added = document != NULL &&
          pp_merged_graph_add_value (merged, item->segment, arena, document, item->is_expanded, error);
  pp_jsonld_scratch_arena_give (arena);

  return added;
}

static void
prepare_output_context (State *state)
{
  gboolean provenance;

  if (state->form != PP_OUTPUT_FORM_COMPACTED)
    return;

  g_mutex_lock (&state->lock);
  provenance = state->provenance;
  g_mutex_unlock (&state->lock);
  pp_merged_graph_prepare_output_context (provenance);
}

static gpointer
reconcile_thread (gpointer data)
{
  State *state = data;
  g_autoptr(PpMergedGraph) merged = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint done = 0;
  guint failed = 0;
  gint64 merge_start;
  gint64 last_arrival = 0;
  gboolean needs_tree;

  /* Until the first graph arrives, prepare the output context (processed
   * once per process, then shared): the converters' first answers need it
   * too, and would otherwise wait for it. At the start, or when asked */
  if (state->prepares_at_start && pp_linger_queue_is_empty (state->queue))
    prepare_output_context (state);

  while (done + failed < state->n_segments)
    {
      Item *item = pp_linger_queue_pop (state->queue);

      if (item->kind == ITEM_STOP)
        {
          item_free (item);
          goto out;
        }

      /* A graph merged already needed the context, and processed it */
      if (item->kind == ITEM_PREPARE)
        {
          if (merged == NULL)
            prepare_output_context (state);
          item_free (item);
          continue;
        }

      /* Made when the first segment arrives, with the properties set by
       * then; the resolution is set again at the end */
      if (merged == NULL)
        {
          g_mutex_lock (&state->lock);
          merged = pp_merged_graph_new (state->form, state->provenance);
          pp_merged_graph_set_resolution (merged, state->document_iri, state->mint_ids);
          g_mutex_unlock (&state->lock);
        }

      last_arrival = item->arrival_time;
      if (item->kind == ITEM_GRAPH)
        {
          g_autoptr(GError) local_error = NULL;

          if (merge_item (merged, item, &local_error))
            {
              guint n_entities = pp_merged_graph_get_n_entities (merged);

              done++;
              if (state->merged_func != NULL)
                state->merged_func (item->segment, n_entities, state->merged_data);
              if (has_handler (state, SIGNAL_SEGMENT_MERGED))
                schedule_emission (state, SIGNAL_SEGMENT_MERGED,
                                   pp_segment_get_index (item->segment), n_entities, NULL);
            }
          else
            {
              g_warning ("Segment %u: its JSON-LD cannot be merged: %s",
                         pp_segment_get_index (item->segment), local_error->message);
              failed++;
            }
        }
      else
        failed++;

      item_free (item);
      if (has_handler (state, SIGNAL_PROGRESS))
        schedule_emission (state, SIGNAL_PROGRESS, done, failed, NULL);
    }

  g_mutex_lock (&state->lock);
  if (merged == NULL)
    merged = pp_merged_graph_new (state->form, state->provenance);
  pp_merged_graph_set_resolution (merged, state->document_iri, state->mint_ids);
  g_mutex_unlock (&state->lock);
  pp_merged_graph_set_candidates_func (merged, state->candidates_func, state->candidates_data);

  /* A tree only for someone who takes one: bytes for a done function
   * that takes bytes, written straight from the merged values */
  needs_tree = !state->writes_bytes || state->done_func == NULL ||
               has_handler (state, SIGNAL_FINISHED);
  merge_start = g_get_monotonic_time ();
  if (needs_tree)
    graph = pp_merged_graph_finish (merged, &error);
  else
    bytes = pp_merged_graph_finish_bytes (merged, TRUE, &error);
  g_debug ("Merged the graphs of %u segments (%u failed) in %.1f ms, %.1f ms after the last "
           "segment arrived", done, failed, (g_get_monotonic_time () - merge_start) / 1000.0,
           last_arrival > 0 ? (g_get_monotonic_time () - last_arrival) / 1000.0 : 0.0);
  if (error != NULL)
    g_warning ("Could not produce the merged graph: %s", error->message);
  else if (graph != NULL && state->writes_bytes && state->done_func != NULL)
    {
      char *text = pp_jsonld_to_json (graph, TRUE);

      bytes = g_bytes_new_take (text, strlen (text));
    }

out:
  g_mutex_lock (&state->lock);
  if (!state->stopped)
    {
      state->finished = TRUE;
      /* A copy for pp_reconciler_dup_graph(), unless the graph goes to the
       * done function, which owns it */
      if (graph != NULL && state->done_func == NULL)
        state->graph = pp_jsonld_node_copy_deep (graph);
      if (merged != NULL && pp_merged_graph_get_candidates (merged) != NULL)
        state->candidates = g_ptr_array_ref (pp_merged_graph_get_candidates (merged));
    }
  g_mutex_unlock (&state->lock);

  if (state->finished)
    {
      if (graph != NULL && has_handler (state, SIGNAL_FINISHED))
        schedule_emission (state, SIGNAL_FINISHED, done, failed, pp_jsonld_node_copy_deep (graph));
      if (state->done_func != NULL && state->writes_bytes)
        state->done_func (NULL, g_steal_pointer (&bytes), error, state->done_data);
      else if (state->done_func != NULL)
        state->done_func (g_steal_pointer (&graph), NULL, error, state->done_data);
    }

  /* Freeing the merged state takes a while for a large document: only
   * once the graph, which shares nothing with it, is on its way */
  g_clear_pointer (&merged, pp_merged_graph_free);

  /* The done function's data may hold the reconciler: let it go now, or
   * the two would keep each other alive */
  if (state->done_destroy != NULL)
    state->done_destroy (state->done_data);
  state->done_func = NULL;
  state->done_data = NULL;
  state->done_destroy = NULL;
  if (state->merged_destroy != NULL)
    state->merged_destroy (state->merged_data);
  state->merged_func = NULL;
  state->merged_data = NULL;
  state->merged_destroy = NULL;
  if (state->candidates_destroy != NULL)
    state->candidates_destroy (state->candidates_data);
  state->candidates_func = NULL;
  state->candidates_data = NULL;
  state->candidates_destroy = NULL;

  state_unref (state);
  return NULL;
}

static void
pp_reconciler_dispose (GObject *object)
{
  PpReconciler *self = PP_RECONCILER (object);

  if (self->thread != NULL)
    {
      pp_reconciler_cancel (self);
      g_clear_pointer (&self->thread, g_thread_unref);
    }

  G_OBJECT_CLASS (pp_reconciler_parent_class)->dispose (object);
}

static void
pp_reconciler_finalize (GObject *object)
{
  PpReconciler *self = PP_RECONCILER (object);

  g_clear_pointer (&self->state, state_unref);

  G_OBJECT_CLASS (pp_reconciler_parent_class)->finalize (object);
}

static void
pp_reconciler_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PpReconciler *self = PP_RECONCILER (object);

  g_mutex_lock (&self->state->lock);
  switch (prop_id)
    {
    case PROP_DOCUMENT_IRI:
      g_value_set_string (value, self->state->document_iri);
      break;
    case PROP_MINT_IDS:
      g_value_set_boolean (value, self->state->mint_ids);
      break;
    case PROP_PROVENANCE:
      g_value_set_boolean (value, self->state->provenance);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->state->lock);
}

static void
pp_reconciler_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PpReconciler *self = PP_RECONCILER (object);

  g_mutex_lock (&self->state->lock);
  switch (prop_id)
    {
    case PROP_DOCUMENT_IRI:
      g_free (self->state->document_iri);
      self->state->document_iri = g_value_dup_string (value);
      break;
    case PROP_MINT_IDS:
      self->state->mint_ids = g_value_get_boolean (value);
      break;
    case PROP_PROVENANCE:
      self->state->provenance = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->state->lock);
}

static void
pp_reconciler_class_init (PpReconcilerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_reconciler_dispose;
  object_class->finalize = pp_reconciler_finalize;
  object_class->get_property = pp_reconciler_get_property;
  object_class->set_property = pp_reconciler_set_property;

  /**
   * PpReconciler:document-iri:
   *
   * The IRI or name of the document the segments come from, which the
   * identifiers minted for its entities are derived from, so that reruns
   * agree, and which the `pp:document` of each segment's provenance names
   * (see [class@Pp.Reconciler]). Read when the first segment arrives, and
   * again when the last is in: set it before the first. Thread-safe.
   *
   * Since: 0.2
   */
  properties[PROP_DOCUMENT_IRI] =
    g_param_spec_string ("document-iri", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpReconciler:mint-ids:
   *
   * Whether the entities without an IRI get an identifier minted from
   * [property@Pp.Reconciler:document-iri] and their name; when %FALSE they keep a
   * blank node. They are merged all the same. Read when the last segment
   * is in: set it before. Thread-safe.
   *
   * Since: 0.2
   */
  properties[PROP_MINT_IDS] =
    g_param_spec_boolean ("mint-ids", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpReconciler:provenance:
   *
   * Whether every node of the merged graph records the segments it came
   * from, as `pp:derivedFrom` references to `pp:SegmentRef` nodes (see
   * [class@Pp.Reconciler]). Read when the first segment arrives: set it
   * before. Thread-safe.
   *
   * Since: 0.2
   */
  properties[PROP_PROVENANCE] =
    g_param_spec_boolean ("provenance", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PpReconciler::progress:
   * @reconciler: the reconciler
   * @done: the segments merged so far
   * @failed: the segments that failed or could not be merged
   * @total: the segments of the document
   *
   * Emitted after each segment, on the reconciler's main context.
   *
   * Since: 0.1
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__UINT_UINT_UINT,
                  G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  g_signal_set_va_marshaller (signals[SIGNAL_PROGRESS], G_TYPE_FROM_CLASS (klass),
                              _pp_marshal_VOID__UINT_UINT_UINTv);

  /**
   * PpReconciler::finished:
   * @reconciler: the reconciler
   * @graph: the merged graph
   *
   * Emitted once every segment has arrived, on the reconciler's main
   * context, if a handler was connected by then. @graph belongs to the
   * handler's thread; it is a copy that nothing else refers to.
   *
   * Since: 0.1
   */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, g_cclosure_marshal_VOID__BOXED,
                  G_TYPE_NONE, 1, JSON_TYPE_NODE);
  g_signal_set_va_marshaller (signals[SIGNAL_FINISHED], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);

  /**
   * PpReconciler::segment-merged:
   * @reconciler: the reconciler
   * @index: the index of the segment
   * @n_entities: how many distinct entities the segments merged so far
   *   describe
   *
   * Emitted on the reconciler's main context when the nodes of a segment's
   * graph were merged, in the order the segments were merged, before the
   * #PpReconciler::progress that counts the segment; not for a segment
   * that failed or whose graph could not be merged.
   *
   * The entities are counted as the segments arrive: the nodes that share
   * an IRI, a `sameAs`, `url` or `identifier`, or a name (with types of
   * one family) are one; pp:SegmentRef nodes are not counted. The merged
   * graph can have fewer, once the short names are settled and the
   * confirmed merge candidates joined when the last segment is in (see
   * [class@Pp.Reconciler]); the count after the same segments can differ
   * with the order they arrived in when two IRIs share a name.
   *
   * Since: 0.2
   */
  signals[SIGNAL_SEGMENT_MERGED] =
    g_signal_new ("segment-merged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, _pp_marshal_VOID__UINT_UINT,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  g_signal_set_va_marshaller (signals[SIGNAL_SEGMENT_MERGED], G_TYPE_FROM_CLASS (klass),
                              _pp_marshal_VOID__UINT_UINTv);
}

static void
pp_reconciler_init (PpReconciler *self)
{
  self->state = g_new0 (State, 1);
  g_atomic_ref_count_init (&self->state->ref_count);
  g_mutex_init (&self->state->lock);
  self->state->mint_ids = TRUE;
  self->state->provenance = TRUE;
}

/**
 * pp_reconciler_new:
 * @n_segments: how many segments the document has
 * @form: the form of the merged graph
 *
 * Makes a reconciler for a document of @n_segments segments and starts its
 * thread. It finishes when that many segments have been added, as graphs
 * or failures.
 *
 * Returns: (transfer full): a new #PpReconciler
 *
 * Since: 0.1
 */
PpReconciler *
pp_reconciler_new (guint        n_segments,
                   PpOutputForm form)
{
  return pp_reconciler_new_full (n_segments, form, TRUE);
}

PpReconciler *
pp_reconciler_new_full (guint        n_segments,
                        PpOutputForm form,
                        gboolean     prepares_at_start)
{
  PpReconciler *self = g_object_new (PP_TYPE_RECONCILER, NULL);
  State *state = self->state;
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

  state->queue = pp_linger_queue_new (n_segments, LINGER_US, (GDestroyNotify) item_free);
  state->emissions = pp_main_context_queue_new (context, self, "[libpp] reconciler signals",
                                                emit_in_context, (GDestroyNotify) emission_free);
  state->n_segments = n_segments;
  state->form = form;
  state->prepares_at_start = prepares_at_start;

  self->thread = g_thread_new ("pp-reconciler", reconcile_thread, state_ref (state));

  return self;
}

void
pp_reconciler_set_done_func (PpReconciler         *reconciler,
                             PpReconcilerDoneFunc  func,
                             gpointer              user_data,
                             GDestroyNotify        destroy)
{
  /* Set before any segment is added: the thread reads it at the end */
  reconciler->state->done_func = func;
  reconciler->state->done_data = user_data;
  reconciler->state->done_destroy = destroy;
}

void
pp_reconciler_set_writes_bytes (PpReconciler *reconciler,
                                gboolean      writes_bytes)
{
  /* Set before any segment is added: the thread reads it at the end */
  reconciler->state->writes_bytes = writes_bytes;
}

void
pp_reconciler_set_merged_func (PpReconciler           *reconciler,
                               PpReconcilerMergedFunc  func,
                               gpointer                user_data,
                               GDestroyNotify          destroy)
{
  /* Set before any segment is added: the thread calls it for each */
  reconciler->state->merged_func = func;
  reconciler->state->merged_data = user_data;
  reconciler->state->merged_destroy = destroy;
}

void
pp_reconciler_set_candidates_func (PpReconciler               *reconciler,
                                   PpReconcilerCandidatesFunc  func,
                                   gpointer                    user_data,
                                   GDestroyNotify              destroy)
{
  /* Set before any segment is added: the thread reads it at the end */
  reconciler->state->candidates_func = func;
  reconciler->state->candidates_data = user_data;
  reconciler->state->candidates_destroy = destroy;
}

/**
 * pp_reconciler_add_graph:
 * @reconciler: a #PpReconciler
 * @segment: the segment @graph came from
 * @graph: (transfer full): the segment's JSON-LD
 *
 * Hands the graph of a segment over to the reconciler, which owns it from
 * now on: the caller must not touch it again. Thread-safe.
 *
 * Since: 0.1
 */
void
pp_reconciler_add_graph (PpReconciler *reconciler,
                         PpSegment    *segment,
                         JsonNode     *graph)
{
  Item *item;

  g_return_if_fail (PP_IS_RECONCILER (reconciler));
  g_return_if_fail (segment != NULL);
  g_return_if_fail (graph != NULL);

  item = g_new0 (Item, 1);
  item->kind = ITEM_GRAPH;
  item->segment = pp_segment_ref (segment);
  item->graph = graph;
  item->arrival_time = g_get_monotonic_time ();
  pp_linger_queue_push (reconciler->state->queue, item, FALSE);
}

void
pp_reconciler_add_bytes (PpReconciler *reconciler,
                         PpSegment    *segment,
                         GBytes       *jsonld,
                         gboolean      is_expanded)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_GRAPH;
  item->segment = pp_segment_ref (segment);
  item->jsonld = jsonld;
  item->is_expanded = is_expanded;
  item->arrival_time = g_get_monotonic_time ();
  pp_linger_queue_push (reconciler->state->queue, item, FALSE);
}

/**
 * pp_reconciler_add_failure:
 * @reconciler: a #PpReconciler
 * @segment: the segment that failed
 * @error: why it failed
 *
 * Tells the reconciler that a segment will not come. Thread-safe.
 *
 * Since: 0.1
 */
void
pp_reconciler_add_failure (PpReconciler *reconciler,
                           PpSegment    *segment,
                           const GError *error)
{
  Item *item;

  g_return_if_fail (PP_IS_RECONCILER (reconciler));
  g_return_if_fail (segment != NULL);
  g_return_if_fail (error != NULL);

  item = g_new0 (Item, 1);
  item->kind = ITEM_FAILURE;
  item->segment = pp_segment_ref (segment);
  item->error_message = g_strdup (error->message);
  item->arrival_time = g_get_monotonic_time ();
  pp_linger_queue_push (reconciler->state->queue, item, TRUE);
}

/**
 * pp_reconciler_cancel:
 * @reconciler: a #PpReconciler
 *
 * Stops the reconciler: its thread ends without a graph, and
 * #PpReconciler::finished is not emitted. Thread-safe.
 *
 * Since: 0.1
 */
void
pp_reconciler_cancel (PpReconciler *reconciler)
{
  Item *item;

  g_return_if_fail (PP_IS_RECONCILER (reconciler));

  g_mutex_lock (&reconciler->state->lock);
  reconciler->state->stopped = TRUE;
  g_mutex_unlock (&reconciler->state->lock);

  item = g_new0 (Item, 1);
  item->kind = ITEM_STOP;
  pp_linger_queue_push_front (reconciler->state->queue, item);
}

void
pp_reconciler_prepare_output_context (PpReconciler *reconciler)
{
  Item *item;

  g_return_if_fail (PP_IS_RECONCILER (reconciler));

  /* At the front, and not counted with the segments */
  item = g_new0 (Item, 1);
  item->kind = ITEM_PREPARE;
  pp_linger_queue_push_front (reconciler->state->queue, item);
}

/**
 * pp_reconciler_dup_graph:
 * @reconciler: a #PpReconciler
 *
 * The merged graph, once the reconciler finished. Thread-safe. (The
 * processor's reconcilers hand their graph over instead of keeping it.)
 *
 * Returns: (transfer full) (nullable): a copy of the merged graph, or %NULL
 *   if the reconciler has not finished
 *
 * Since: 0.1
 */
JsonNode *
pp_reconciler_dup_graph (PpReconciler *reconciler)
{
  JsonNode *copy = NULL;

  g_return_val_if_fail (PP_IS_RECONCILER (reconciler), NULL);

  g_mutex_lock (&reconciler->state->lock);
  if (reconciler->state->graph != NULL)
    copy = pp_jsonld_node_copy_deep (reconciler->state->graph);
  g_mutex_unlock (&reconciler->state->lock);

  return copy;
}

/**
 * pp_reconciler_dup_merge_candidates:
 * @reconciler: a #PpReconciler
 *
 * The candidate groups of the merge, once the reconciler finished: the
 * entities the resolution rules left apart that look alike (see
 * [class@Pp.Reconciler]), as a JSON array of objects shaped as the
 * `merge_candidates` of [method@Pp.Stats.to_json] describes them.
 * Thread-safe.
 *
 * Returns: (transfer full) (nullable): the candidate groups, or %NULL if
 *   the reconciler has not finished
 *
 * Since: 0.2
 */
JsonNode *
pp_reconciler_dup_merge_candidates (PpReconciler *reconciler)
{
  JsonNode *candidates = NULL;

  g_return_val_if_fail (PP_IS_RECONCILER (reconciler), NULL);

  g_mutex_lock (&reconciler->state->lock);
  if (reconciler->state->candidates != NULL)
    candidates = pp_merge_candidates_to_json (reconciler->state->candidates);
  g_mutex_unlock (&reconciler->state->lock);

  return candidates;
}

/**
 * pp_reconciler_get_n_segments:
 * @reconciler: a #PpReconciler
 *
 * Gets how many segments the reconciler waits for.
 *
 * Returns: how many segments the document has
 *
 * Since: 0.1
 */
guint
pp_reconciler_get_n_segments (PpReconciler *reconciler)
{
  g_return_val_if_fail (PP_IS_RECONCILER (reconciler), 0);

  return reconciler->state->n_segments;
}
