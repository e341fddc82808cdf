/* pp-entity-resolver-mint.c: the identifiers of the entities: minted
 * for the groups without an IRI, provisionally as the nodes arrive
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-entity-resolver-types-private.h"
#include "pp-name-key-private.h"
#include "pp-schema-types-private.h"

/**
 * pp_entity_resolver_mint_prefix:
 * @document_iri: (nullable): the document's IRI or name
 *
 * The start of the identifiers minted for a document's entities:
 * `urn:pp:` and the first 16 hexadecimal digits of the SHA-256 of
 * @document_iri (of the empty string when %NULL).
 *
 * Returns: (transfer full): the prefix, without the `#`
 */
char *
pp_entity_resolver_mint_prefix (const char *document_iri)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                         document_iri != NULL ? document_iri : "",
                                                         -1);

  return g_strdup_printf ("urn:pp:%.16s", hash);
}

/* Whether the name @key, written @written, names an entity better than
 * @other_key, written @other_written: more words, then more bytes, then
 * the first key, then the first as written. A total order: the name a
 * group is named by is the same whatever the order of its names. */
gboolean
pp_entity_resolver_name_precedes (const char *key,
                                  const char *written,
                                  const char *other_key,
                                  const char *other_written)
{
  int order = (int) pp_name_key_n_tokens (key) - (int) pp_name_key_n_tokens (other_key);

  if (order == 0)
    order = (int) strlen (key) - (int) strlen (other_key);
  if (order == 0)
    order = -strcmp (key, other_key);
  if (order == 0)
    order = -strcmp (written, other_written);

  return order > 0;
}

/* The family of a group (its root class below Thing, chosen as
 * pp_schema_types_get_family() does), and its longest name, as a key and
 * as written: the preferred of its members' */
static gboolean
describe_group (Resolver    *self,
                const guint *members,
                guint        n_members,
                const char **family,
                const char **name,
                const char **written_name)
{
  *family = NULL;
  *name = NULL;
  *written_name = NULL;

  for (guint m = 0; m < n_members; m++)
    {
      Entity *entity = self->entities[members[m]];
      const char *candidate, *written;

      *family = pp_schema_types_prefer_family (*family, entity->family);
      if (entity->best_name == G_MAXUINT)
        continue;

      candidate = entity->names.items[entity->best_name];
      written = entity->names.items[entity->best_name + 1];
      /* interned: the same name, as most members of a group have */
      if (candidate == *name && written == *written_name)
        continue;
      if (*name == NULL ||
          pp_entity_resolver_name_precedes (candidate, written, *name, *written_name))
        {
          *name = candidate;
          *written_name = written;
        }
    }

  return *family != NULL && *name != NULL;
}

/* Sets @out to the identifier minted for an entity of @family named
 * @name, the @n-th to get it (from 1):
 * `<prefix>#<family in lower case>/<slug of the name>[-<n>]` */
static void
format_minted_id (GString    *out,
                  const char *prefix,
                  const char *family,
                  const char *name,
                  guint       n)
{
  g_string_assign (out, prefix);
  g_string_append_c (out, '#');
  for (const char *p = family; *p != '\0'; p++)
    g_string_append_c (out, g_ascii_tolower (*p));
  g_string_append_c (out, '/');
  pp_name_key_append_slug (out, name);
  if (n > 1)
    g_string_append_printf (out, "-%u", n);
}

/* The first identifier minted for an entity of @family named @name,
 * interned */
static const char *
intern_minted_id (Resolver   *self,
                  const char *family,
                  const char *name,
                  guint       n)
{
  format_minted_id (self->scratch, self->mint_prefix, family, name, n);

  return pp_json_arena_intern_len (self->arena, self->scratch->str, self->scratch->len);
}

/* The first identifier minted for @entity from its family and preferred
 * name, made once */
static const char *
entity_minted_form (Resolver *self,
                    Entity   *entity)
{
  if (entity->minted_form == NULL)
    entity->minted_form = intern_minted_id (self, entity->family,
                                            entity->names.items[entity->best_name], 1);

  return entity->minted_form;
}

/* The identifiers taken, interned, by pointer: open addressing, as there
 * is one for every group that gets a minted identifier, and a GHashTable
 * costs several times as much a member */
typedef struct
{
  const char **slots;          /* NULL for an empty slot */
  gsize mask;                  /* the number of slots, a power of 2, less 1 */
  gsize n;
} Taken;

static void
taken_init (Taken *taken)
{
  taken->mask = 63;
  taken->slots = g_new0 (const char *, taken->mask + 1);
  taken->n = 0;
}

static void
taken_clear (Taken *taken)
{
  g_clear_pointer (&taken->slots, g_free);
}

/* The slot of @id in @slots (@mask + 1 of them): its own, or the empty
 * one it would take */
static const char **
taken_find_slot (const char **slots,
                 gsize        mask,
                 const char  *id)
{
  /* the address mixed: its low bits are alignment */
  gsize i = (gsize) (((guint64) GPOINTER_TO_SIZE (id) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 32);

  for (i &= mask; slots[i] != NULL && slots[i] != id; i = (i + 1) & mask)
    ;

  return &slots[i];
}

/* Adds @id to @taken: %FALSE if it was taken already */
static gboolean
taken_add (Taken      *taken,
           const char *id)
{
  const char **slot = taken_find_slot (taken->slots, taken->mask, id);

  if (*slot != NULL)
    return FALSE;

  *slot = id;
  /* at most half full */
  if (++taken->n * 2 > taken->mask + 1)
    {
      const char **old = taken->slots;
      gsize old_size = taken->mask + 1;

      taken->mask = old_size * 2 - 1;
      taken->slots = g_new0 (const char *, taken->mask + 1);
      for (gsize i = 0; i < old_size; i++)
        if (old[i] != NULL)
          *taken_find_slot (taken->slots, taken->mask, old[i]) = old[i];
      g_free (old);
    }

  return TRUE;
}

/* The identifier minted for a group of @family named @name, interned: the
 * first of its forms that is not in @taken (interned identifiers), which
 * gets it. @first_form, if not NULL, is the first form, made before. */
static const char *
mint_id (Resolver   *self,
         const char *family,
         const char *name,
         const char *first_form,
         Taken      *taken)
{
  const char *id = first_form;

  /* Looked up and taken at once: taken_add() says whether @id was free */
  for (guint n = id != NULL ? 2 : 1; id == NULL || !taken_add (taken, id); n++)
    id = intern_minted_id (self, family, name, n);

  return id;
}

/**
 * pp_entity_resolver_set_minting:
 * @self: a resolver
 * @document_iri: (nullable): the IRI or name of the document, for the
 *   minted identifiers
 * @mint_ids: whether to give the entities without an IRI a minted one
 *
 * Sets how identifiers are minted, for pp_entity_resolver_get_provisional_id()
 * as the nodes arrive; pp_entity_resolver_group() sets it again.
 */
void
pp_entity_resolver_set_minting (PpEntityResolver *self,
                                const char       *document_iri,
                                gboolean          mint_ids)
{
  g_autofree char *prefix = pp_entity_resolver_mint_prefix (document_iri);

  self->mint_ids = mint_ids;
  if (g_str_equal (prefix, self->mint_prefix))
    return;

  g_free (self->mint_prefix);
  self->mint_prefix = g_steal_pointer (&prefix);

  /* the identifiers minted before have another prefix */
  for (guint i = 0; self->arrived != NULL && i < self->arrived->len; i++)
    ((Entity *) self->arrived->pdata[i])->minted_form = NULL;
  for (guint i = 0; self->entities != NULL && i < self->n_entities; i++)
    self->entities[i]->minted_form = NULL;
}

/**
 * pp_entity_resolver_get_provisional_id:
 * @self: a resolver, not grouped yet
 * @id: the identifier of a node added
 * @joined: (out): whether the node is, as the nodes added so far have it,
 *   one entity with another node: it shares a provisional group, and will
 *   most likely be merged in the end (a node left apart now may still be
 *   joined by a short name or a confirmed candidate)
 *
 * The identifier the node @id gets if it stays an entity of its own, as
 * what was added so far describes it: minted from its family and name if
 * it is a blank node that can have one, else @id. Nodes that are merged
 * with others, or whose minted identifier clashes with another's, get
 * another in the end.
 *
 * Returns: (transfer none): the identifier, @id or one the resolver owns;
 *   @id for a node joined
 */
const char *
pp_entity_resolver_get_provisional_id (PpEntityResolver *self,
                                       const char       *id,
                                       gboolean         *joined)
{
  const char *interned;
  Entity *entity;

  g_return_val_if_fail (self->entities == NULL, NULL);

  interned = pp_json_arena_lookup_interned (self->arena, id);
  entity = interned != NULL ? g_hash_table_lookup (self->by_id, interned) : NULL;
  *joined = entity != NULL && entity->joined;

  if (entity == NULL || entity->joined || !self->mint_ids || !entity->blank || entity->minted ||
      !entity->described || entity->indexed || entity->family == NULL ||
      entity->best_name == G_MAXUINT)
    return id;

  return entity_minted_form (self, entity);
}

void
pp_entity_resolver_groups_clear (Groups *groups)
{
  g_clear_pointer (&groups->members, g_free);
  g_clear_pointer (&groups->start, g_free);
  g_clear_pointer (&groups->size, g_free);
  g_clear_pointer (&groups->targets, g_free);
  g_clear_pointer (&groups->families, g_free);
  g_clear_pointer (&groups->names, g_free);
  g_clear_pointer (&groups->written_names, g_free);
}

/* The first of @members, by identifier, whose identifier was minted
 * before, or NULL */
static const char *
find_minted (Resolver    *self,
             const guint *members,
             guint        n_members)
{
  for (guint i = 0; i < n_members; i++)
    if (self->entities[members[i]]->minted)
      return self->entities[members[i]]->id;

  return NULL;
}

/* The first identifier minted from @family and @name that one of
 * @members made before (pp_entity_resolver_get_provisional_id()), or
 * NULL */
static const char *
find_minted_form (Resolver    *self,
                  const guint *members,
                  guint        n_members,
                  const char  *family,
                  const char  *name)
{
  for (guint i = 0; i < n_members; i++)
    {
      const Entity *entity = self->entities[members[i]];

      if (entity->minted_form != NULL && entity->family == family &&
          entity->names.items[entity->best_name] == name)
        return entity->minted_form;
    }

  return NULL;
}

/* The groups as the union-find has them, and the identifier of each,
 * minted where it has no IRI */
static void
groups_init (Groups   *groups,
             Resolver *self)
{
  Taken taken = { NULL, };
  guint n = self->n_entities;
  g_autofree guint *roots = g_new (guint, MAX (n, 1));
  g_autofree guint *filled = g_new0 (guint, MAX (n, 1));

  groups->members = g_new (guint, MAX (n, 1));
  groups->start = g_new0 (guint, MAX (n, 1));
  groups->size = g_new0 (guint, MAX (n, 1));
  groups->targets = g_new0 (const char *, MAX (n, 1));
  groups->families = g_new0 (const char *, MAX (n, 1));
  groups->names = g_new0 (const char *, MAX (n, 1));
  groups->written_names = g_new0 (const char *, MAX (n, 1));

  /* The members of each group, by identifier, one after the other */
  for (guint i = 0; i < n; i++)
    {
      roots[i] = find_root (self, i);
      groups->size[roots[i]]++;
    }
  for (guint i = 0, at = 0; i < n; i++)
    {
      groups->start[i] = at;
      at += groups->size[i];
    }
  for (guint i = 0; i < n; i++)
    groups->members[groups->start[roots[i]] + filled[roots[i]]++] = i;

  /* Interned: equal identifiers, equal pointers. Only an identifier
   * minted before has the shape of a minted one. */
  if (self->mint_ids)
    {
      taken_init (&taken);
      for (guint i = 0; i < n; i++)
        if (self->entities[i]->minted)
          taken_add (&taken, self->entities[i]->id);
    }

  /* In the order of the roots, so that a clash of minted identifiers is
   * settled the same way every time */
  for (guint root = 0; root < n; root++)
    {
      const char *minted;
      gboolean described;

      if (groups->size[root] == 0)
        continue;

      described = describe_group (self, groups->members + groups->start[root], groups->size[root],
                                  &groups->families[root], &groups->names[root],
                                  &groups->written_names[root]);
      if (!described)
        groups->families[root] = groups->names[root] = groups->written_names[root] = NULL;

      if (self->iri[root] != NULL)
        groups->targets[root] = self->iri[root];
      else if ((minted = find_minted (self, groups->members + groups->start[root],
                                      groups->size[root])) != NULL)
        groups->targets[root] = minted;
      else if (self->mint_ids && described)
        groups->targets[root] = mint_id (self, groups->families[root], groups->names[root],
                                         find_minted_form (self, groups->members + groups->start[root],
                                                           groups->size[root], groups->families[root],
                                                           groups->names[root]),
                                         &taken);
      else
        groups->targets[root] = self->entities[root]->id;
    }

  taken_clear (&taken);
}

/* The groups, made once and kept until a confirmed candidate joins two */
Groups *
pp_entity_resolver_ensure_groups (Resolver *self)
{
  if (!self->have_groups)
    {
      groups_init (&self->groups, self);
      self->have_groups = TRUE;
    }

  return &self->groups;
}
