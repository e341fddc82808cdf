/* pp-merge-candidates-private.h: entities the resolution rules leave apart
 * that look alike
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Why the entities of a group look alike; in order of strength */
typedef enum {
  PP_MERGE_REASON_EDIT_DISTANCE,
  PP_MERGE_REASON_ACRONYM,
  PP_MERGE_REASON_TOKEN_SUBSET,
} PpMergeReason;

/* What became of a group */
typedef enum {
  PP_MERGE_DECISION_UNDECIDED,   /* nobody was asked */
  PP_MERGE_DECISION_CONFIRMED,   /* some of its entities are one */
  PP_MERGE_DECISION_REJECTED,    /* they are all different */
  PP_MERGE_DECISION_UNANSWERED,  /* the question failed, or its answer did
                                  * not make sense: left apart */
} PpMergeDecision;

/* An entity the candidate detection looks at: a group of the resolver */
typedef struct
{
  const char *id;              /* the identifier its node gets */
  const char *name;            /* its name, as written */
  const char *family;          /* its type family (pp_schema_types_get_family()) */
  gboolean has_iri;            /* its node has an IRI of its author's */
} PpMergeCandidateEntity;

typedef struct
{
  char *id;
  char *name;
  char *type;
  guint entity;                /* its index among the entities looked at */
} PpMergeCandidateNode;

/* A group of entities that may be one; immutable once decided, shared
 * between threads by reference */
typedef struct
{
  char *document;              /* (nullable) */
  PpMergeReason reason;
  GArray *nodes;               /* (element-type PpMergeCandidateNode): by id */
  PpMergeDecision decision;
  GPtrArray *same;             /* (element-type GArray<guint>): the sets of
                                * node positions found to be one */
} PpMergeCandidateGroup;

/* The name keys seen so far, indexed for the searches */
typedef struct _PpMergeCandidateIndex PpMergeCandidateIndex;

PpMergeCandidateIndex *pp_merge_candidate_index_new  (void);
void                   pp_merge_candidate_index_free (PpMergeCandidateIndex *index);
void                   pp_merge_candidate_index_add  (PpMergeCandidateIndex *index,
                                                      const char            *key);

GPtrArray             *pp_merge_candidates_find   (PpMergeCandidateIndex        *index,
                                                   const PpMergeCandidateEntity *entities,
                                                   guint                         n_entities,
                                                   const char * const           *keys,
                                                   const guint                  *key_ends);

PpMergeCandidateGroup *pp_merge_candidate_group_ref   (PpMergeCandidateGroup *group);
void                   pp_merge_candidate_group_unref (PpMergeCandidateGroup *group);
void                   pp_merge_candidate_group_set_document (PpMergeCandidateGroup *group,
                                                              const char            *document);
gboolean               pp_merge_candidate_group_set_same (PpMergeCandidateGroup  *group,
                                                          JsonNode               *same,
                                                          GError                **error);
void                   pp_merge_candidate_group_get_names (PpMergeCandidateGroup *group,
                                                           GPtrArray             *names);

const char            *pp_merge_reason_to_string   (PpMergeReason   reason);
const char            *pp_merge_decision_to_string (PpMergeDecision decision);
JsonNode              *pp_merge_candidates_to_json (GPtrArray      *groups);

/* Ascending order of guints, for qsort() and g_array_sort(): the merge
 * candidates' sets and the entity resolver's buckets */
int                    pp_compare_guints           (gconstpointer   a,
                                                    gconstpointer   b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMergeCandidateGroup, pp_merge_candidate_group_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMergeCandidateIndex, pp_merge_candidate_index_free)

G_END_DECLS
