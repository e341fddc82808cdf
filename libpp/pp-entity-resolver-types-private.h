/* pp-entity-resolver-types-private.h: the structures of the entity resolver,
 * shared by the files that read, group, mint and merge
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <string.h>

#include "pp-entity-resolver-private.h"
#include "pp-jsonld-node-map-types-private.h"
#include "pp-merge-candidates-private.h"
#include "pp-schema-types-private.h"

G_BEGIN_DECLS

/* A node that refers to another, in the list of those that refer to it,
 * in the arena */
typedef struct _Referrer Referrer;

struct _Referrer
{
  const char *id;              /* interned */
  Referrer *next;
};

/* Strings interned in the resolver's arena, in the order they were added,
 * in an array of the arena */
typedef struct
{
  const char **items;
  guint n;
  guint cap;
} Strings;

typedef struct
{
  const char *id;              /* interned */
  guint blank : 1;             /* has no IRI of its author's: a blank
                                * node, or minted */
  guint minted : 1;            /* its @id was minted by libpp, in a graph
                                * merged again (is_minted_id()) */
  guint described : 1;         /* says more than its @id somewhere */
  guint indexed : 1;           /* has an @index somewhere */
  guint joined : 1;            /* in a provisional group with another */
  guint slot;                  /* its place in the order of arrival */
  Strings types;               /* IRIs */
  const char *signature;       /* the types, sorted, one per line;
                                * interned */
  Strings names;               /* a pair per distinct name: its key, then
                                * the name as written */
  Strings alternate_names;     /* name keys */
  Strings links;               /* sameAs, url and identifier keys */
  const char *family;          /* (nullable): the preferred family of its
                                * types (pp_schema_types_prefer_family()) */
  guint best_name;             /* the index in @names of the key of its
                                * preferred name
                                * (pp_entity_resolver_name_precedes()), or
                                * G_MAXUINT */
  const char *minted_form;     /* (nullable): the first identifier minted
                                * from its family and preferred name
                                * (format_minted_id()), interned, once
                                * asked for; NULL again when either
                                * changes */
} Entity;

/* The groups as they stand, and the identifier of each: the members of
 * the group whose root is r are members[start[r]] to
 * members[start[r] + size[r] - 1], by identifier */
typedef struct
{
  guint *members;
  guint *start;                /* per root */
  guint *size;                 /* per root; 0 for an entity that is no
                                * root */
  const char **targets;        /* per root: the identifier its node gets,
                                * interned */
  const char **families;       /* per root: its family, if it has a name */
  const char **names;          /* per root: its name key, if it has a
                                * family */
  const char **written_names;  /* per root: its name as written, likewise */
} Groups;

/* The entities that have a key, gathered as they arrive. An entry is an
 * entity's slot, then once grouped its index, times two, plus one for an
 * alternateName. */
typedef struct
{
  const char *key;             /* interned */
  guint *entries;              /* by slot in the order of arrival, then
                                * once settled (bucket_settle()) by
                                * index, in order, without the entities
                                * left out */
  guint n_entries;
  GArray *named;               /* (element-type guint) (nullable): once
                                * settled, the indexes of the entities
                                * that have it as a name, in order */
  guint *provisional;          /* (nullable): for the provisional groups,
                                * an entry (slot times two, plus one for
                                * an alternateName) per signature and kind
                                * of key */
  guint n_provisional;
  gboolean settled;
  gboolean has_endings;        /* its key's last words are in the endings */
} Bucket;

/* The longer names a name's last words end */
typedef struct
{
  const char **longer;         /* interned name keys */
  guint n_longer;
  gboolean sorted;
} Ending;

struct _PpEntityResolver
{
  /* The strings and the entities' arrays, for as long as the resolver */
  PpJsonArena *arena;
  GString *scratch;            /* for a key being built */

  /* What the segments brought, gathered as they arrive; the tables and
   * the provisional groups are freed once grouped, when only the groups
   * are left to use */
  GHashTable *by_id;           /* interned id → Entity (in the arena),
                                * until grouped */
  GPtrArray *arrived;          /* (element-type Entity): by slot, until
                                * grouped */
  GPtrArray *by_id_runs;       /* (element-type Entity): the same, in runs
                                * sorted by identifier, merged as they
                                * grow (add_sorted_run()); once grouped,
                                * merged into one and its array made
                                * @entities */
  GArray *run_ends;            /* (element-type guint): where each run of
                                * @by_id_runs ends */
  GHashTable *name_keys;       /* an interned name as written → its
                                * interned key, or NULL */
  GHashTable *families;        /* an interned type → its family
                                * (pp_schema_types_get_family()), or NULL */
  PpMergeCandidateIndex *candidate_index;
  GHashTable *referrers;       /* interned id → the Referrer list of the
                                * nodes that refer to it */
  GHashTable *link_buckets;    /* an interned sameAs, url or identifier
                                * key → Bucket (in the arena), with the
                                * entries of the provisional groups too */
  GHashTable *name_buckets;    /* an interned name key → Bucket (in the
                                * arena), with the entities that have it
                                * as a name or as an alternateName, and
                                * the entries of the provisional groups */
  GHashTable *endings;         /* the last words of a name key → Ending
                                * (in the arena) */

  /* The provisional groups, in the order of arrival */
  GArray *provisional_parent;  /* (element-type guint): by slot */
  guint n_provisional;

  /* The identifiers minted, provisionally as the nodes arrive, then
   * once grouped */
  char *mint_prefix;
  gboolean mint_ids;

  /* Once grouped */
  PpJsonldNodeMap *map;
  Entity **entities;           /* by identifier (in the arena) */
  GHashTable *left_out;        /* the interned ids of the other nodes:
                                * bare references, nodes with an @index */
  guint n_entities;
  guint *index_of_slot;        /* by slot: the entity's index, G_MAXUINT
                                * for one left out */
  guint *parent;
  const char **iri;            /* per group root: its IRI, if any */
  GArray *candidate_roots;     /* (element-type guint): the root of each
                                * entity pp_entity_resolver_find_candidates()
                                * looked at */
  Groups groups;               /* with their identifiers minted, until a
                                * confirmed candidate joins two */
  gboolean have_groups;
};

typedef PpEntityResolver Resolver;

static inline gboolean
types_compatible (const Entity *a,
                  const Entity *b)
{
  for (guint i = 0; i < a->types.n; i++)
    for (guint j = 0; j < b->types.n; j++)
      if (pp_schema_types_compatible (a->types.items[i], b->types.items[j]))
        return TRUE;

  return FALSE;
}

/* Whether a type says what kind of thing @entity is: one besides Thing */
static inline gboolean
has_kind (const Entity *entity)
{
  for (guint i = 0; i < entity->types.n; i++)
    {
      const char *name = pp_schema_types_local_name (entity->types.items[i]);

      if (name == NULL || !g_str_equal (name, "Thing"))
        return TRUE;
    }

  return FALSE;
}

static inline guint
find_root (Resolver *self,
           guint     i)
{
  while (self->parent[i] != i)
    {
      self->parent[i] = self->parent[self->parent[i]];
      i = self->parent[i];
    }

  return i;
}

static inline int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

typedef gboolean (* CompatibleFunc) (const Entity *a,
                                     const Entity *b);

/* Whether the types of two nodes with a sameAs, url or identifier in
 * common let them be one: not of different families */
static inline gboolean
may_link (const Entity *a,
          const Entity *b)
{
  return !has_kind (a) || !has_kind (b) || types_compatible (a, b);
}

/* pp-entity-resolver.c: reading the nodes as the segments arrive */
void         pp_entity_resolver_merge_last_runs (Resolver    *self);
void         pp_entity_resolver_drop_arrivals   (Resolver    *self);

/* pp-entity-resolver-group.c: the groups, by the rules */
gboolean     pp_entity_resolver_unite           (Resolver    *self,
                                                 guint        a,
                                                 guint        b);

/* pp-entity-resolver-mint.c: the groups' identifiers, minted */
gboolean     pp_entity_resolver_name_precedes   (const char  *key,
                                                 const char  *written,
                                                 const char  *other_key,
                                                 const char  *other_written);
void         pp_entity_resolver_groups_clear    (Groups      *groups);
Groups      *pp_entity_resolver_ensure_groups   (Resolver    *self);

G_END_DECLS
