/* pp-jsonld-term-definition.c: the Create Term Definition algorithm
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-context-process-private.h"

#include <string.h>

/* How many terms may be defined one for another, through scoped and
 * remote contexts too: a term whose IRI names another term of its context
 * defines that one first, and each link recurses */
#define MAX_TERM_CHAIN PP_JSONLD_MAX_DEPTH

static gboolean
has_colon_inside (const char *term)
{
  /* the first colon after the first character, if it is not the last */
  const char *colon = term[0] != '\0' ? strchr (term + 1, ':') : NULL;

  return colon != NULL && colon[1] != '\0';
}

static gboolean
parse_container (LocalState       *ls,
                 PpJsonldContext  *active,
                 const char        *term,
                 const PpJsonValue *node,
                 guint             *container,
                 GError           **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  guint flags = 0, count = 0, i, n;
  PpJsonValue * const *items = NULL;
  gboolean valid = TRUE;

  if (pp_json_value_is_null (node))
    {
      *container = 0;
      return TRUE;
    }

  if (pp_json_value_is_array (node) && !mode_1_0)
    {
      items = pp_json_array_get_elements (node);
      n = pp_json_value_get_size (node);
    }
  else if (pp_json_value_is_string (node))
    n = 1;
  else
    goto invalid;

  for (i = 0; i < n; i++)
    {
      const PpJsonValue *item = items != NULL ? items[i] : node;
      const char *str = pp_json_value_get_string (item);
      guint flag;

      if (str == NULL)
        goto invalid;

      if (strcmp (str, "@list") == 0)
        flag = PP_JSONLD_CONTAINER_LIST;
      else if (strcmp (str, "@set") == 0)
        flag = PP_JSONLD_CONTAINER_SET;
      else if (strcmp (str, "@index") == 0)
        flag = PP_JSONLD_CONTAINER_INDEX;
      else if (strcmp (str, "@language") == 0)
        flag = PP_JSONLD_CONTAINER_LANGUAGE;
      else if (strcmp (str, "@id") == 0 && !mode_1_0)
        flag = PP_JSONLD_CONTAINER_ID;
      else if (strcmp (str, "@type") == 0 && !mode_1_0)
        flag = PP_JSONLD_CONTAINER_TYPE;
      else if (strcmp (str, "@graph") == 0 && !mode_1_0)
        flag = PP_JSONLD_CONTAINER_GRAPH;
      else
        goto invalid;

      if ((flags & flag) == 0)
        count++;
      flags |= flag;
    }

  if (flags & PP_JSONLD_CONTAINER_LIST)
    valid = count == 1;
  else if (flags & PP_JSONLD_CONTAINER_GRAPH)
    valid = (flags & ~(PP_JSONLD_CONTAINER_GRAPH | PP_JSONLD_CONTAINER_ID |
                       PP_JSONLD_CONTAINER_INDEX | PP_JSONLD_CONTAINER_SET)) == 0 &&
            (flags & (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_INDEX)) !=
            (PP_JSONLD_CONTAINER_ID | PP_JSONLD_CONTAINER_INDEX);
  else
    valid = count <= ((flags & PP_JSONLD_CONTAINER_SET) ? 2 : 1);

  if (!valid)
    goto invalid;

  *container = flags;
  return TRUE;

invalid:
  {
    g_autoptr(GString) text = g_string_new (NULL);

    pp_json_value_write (text, node, PP_JSON_WRITE_NONE);
    pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTAINER_MAPPING,
                         "the @container %s of term \"%s\" is not valid%s",
                         text->str, term, mode_1_0 ? " in JSON-LD 1.0" : "");
    return FALSE;
  }
}


/* @expanded (transfer full) as the type mapping of a term definition: the
 * static string of the keyword when it is one, so that the thousands of
 * terms of a context that map to @id do not each hold a copy */
static char *
type_mapping (char *expanded)
{
  static const PpJsonKeyword keywords[] = {
    PP_JSON_KEYWORD_ID, PP_JSON_KEYWORD_VOCAB, PP_JSON_KEYWORD_JSON, PP_JSON_KEYWORD_NONE,
  };

  if (expanded == NULL || expanded[0] != '@')
    return expanded;

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    if (strcmp (expanded, pp_json_keywords[keywords[i]]) == 0)
      {
        g_free (expanded);
        return (char *) pp_json_keywords[keywords[i]];
      }

  return expanded;
}

/* The entries of a term definition: NULL for those it has not */
typedef struct {
  const PpJsonValue *id;
  const PpJsonValue *reverse;
  const PpJsonValue *container;
  const PpJsonValue *context;
  const PpJsonValue *direction;
  const PpJsonValue *index;
  const PpJsonValue *language;
  const PpJsonValue *nest;
  const PpJsonValue *prefix;
  const PpJsonValue *protected_;
  const PpJsonValue *type;
} TermEntries;

/* Reads the entries of the expanded term definition @object into
 * @entries; returns the first unknown entry, or NULL, so that it is
 * reported whatever else is wrong */
static const char *
read_term_entries (const PpJsonValue *object,
                   TermEntries       *entries)
{
  const PpJsonMember *members = pp_json_object_get_members (object);
  guint n = pp_json_value_get_size (object);

  for (guint i = 0; i < n; i++)
    {
      const char *key = members[i].key;
      const PpJsonValue **slot;

      /* keys are interned, keywords as the same pointers in every arena */
      if (key == PP_JSON_KW (ID))
        slot = &entries->id;
      else if (key == PP_JSON_KW (REVERSE))
        slot = &entries->reverse;
      else if (key == PP_JSON_KW (CONTAINER))
        slot = &entries->container;
      else if (key == PP_JSON_KW (CONTEXT))
        slot = &entries->context;
      else if (key == PP_JSON_KW (DIRECTION))
        slot = &entries->direction;
      else if (key == PP_JSON_KW (INDEX))
        slot = &entries->index;
      else if (key == PP_JSON_KW (LANGUAGE))
        slot = &entries->language;
      else if (key == PP_JSON_KW (NEST))
        slot = &entries->nest;
      else if (key == PP_JSON_KW (PREFIX))
        slot = &entries->prefix;
      else if (key == PP_JSON_KW (PROTECTED))
        slot = &entries->protected_;
      else if (key == PP_JSON_KW (TYPE))
        slot = &entries->type;
      else
        return key;

      *slot = members[i].value;
    }

  return NULL;
}

/* Create Term Definition; call it through pp_jsonld_context_create_term() */
static gboolean
define_term (LocalState       *ls,
             PpJsonldContext  *active,
             LocalTerm        *lt,
             GError          **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  const char *term = lt->term;
  const PpJsonValue *value_node = lt->value;
  PpJsonldTermDef *previous = NULL;
  PpJsonldTermDef *def = NULL;
  TermEntries value;
  const PpJsonValue *member;
  gboolean simple_term = FALSE;
  gboolean ok = FALSE;

  if (lt->state == DEFINED)
    return TRUE;
  if (lt->state == DEFINING)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CYCLIC_IRI_MAPPING,
                           "the definition of term \"%s\" depends on itself", term);
      return FALSE;
    }

  if (*term == '\0')
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                           "the empty string cannot be defined as a term");
      return FALSE;
    }

  lt->state = DEFINING;

  if (strcmp (term, "@type") == 0 && !mode_1_0 && pp_json_value_is_object (value_node))
    {
      const PpJsonMember *members = pp_json_object_get_members (value_node);
      guint n = pp_json_value_get_size (value_node);
      const PpJsonValue *container = pp_json_object_get (value_node, PP_JSON_KW (CONTAINER));
      gboolean valid = n > 0;

      for (guint i = 0; i < n; i++)
        if (members[i].key != PP_JSON_KW (CONTAINER) && members[i].key != PP_JSON_KW (PROTECTED))
          valid = FALSE;
      if (container != NULL &&
          g_strcmp0 (pp_json_value_get_string (container), "@set") != 0)
        valid = FALSE;

      if (!valid)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_KEYWORD_REDEFINITION,
                               "@type may only be given an @container of @set "
                               "and @protected");
          return FALSE;
        }
    }
  else if (pp_jsonld_is_keyword (term))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_KEYWORD_REDEFINITION,
                           "the keyword %s cannot be redefined", term);
      return FALSE;
    }
  else if (pp_jsonld_looks_like_keyword (term))
    {
      /* reserved for future keywords: ignored */
      lt->state = DEFINED;
      return TRUE;
    }

  previous = g_hash_table_lookup (active->terms, term);
  if (previous != NULL)
    {
      previous = pp_jsonld_term_def_ref (previous);
      g_hash_table_remove (active->terms, term);
    }

  memset (&value, 0, sizeof value);
  if (pp_json_value_is_null (value_node))
    value.id = value_node;
  else if (pp_json_value_is_string (value_node))
    {
      value.id = value_node;
      simple_term = TRUE;
    }
  else if (pp_json_value_is_object (value_node))
    {
      const char *unknown = read_term_entries (value_node, &value);

      if (unknown != NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "the definition of term \"%s\" has an unknown entry \"%s\"",
                               term, unknown);
          goto out;
        }
    }
  else
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                           "the definition of term \"%s\" is not a string, an object nor null",
                           term);
      goto out;
    }

  def = pp_jsonld_term_def_new (term);

  /* @protected */
  member = value.protected_;
  if (member != NULL)
    {
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "@protected in term \"%s\" is not allowed in JSON-LD 1.0", term);
          goto out;
        }
      if (!pp_json_value_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROTECTED_VALUE,
                               "@protected of term \"%s\" must be true or false", term);
          goto out;
        }
      def->protected_ = pp_json_value_get_boolean (member);
    }
  else
    def->protected_ = ls->protected_;

  /* @type */
  member = value.type;
  if (member != NULL)
    {
      const char *type = pp_json_value_get_string (member);
      char *expanded = NULL;

      if (type == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                               "the @type of term \"%s\" is not a string", term);
          goto out;
        }

      if (!pp_jsonld_context_expand_iri_local (ls, active, type, FALSE, TRUE, &expanded, error))
        goto out;
      def->type = expanded = type_mapping (expanded);

      if (expanded == NULL ||
          (mode_1_0 && (strcmp (expanded, "@json") == 0 || strcmp (expanded, "@none") == 0)) ||
          (strcmp (expanded, "@id") != 0 && strcmp (expanded, "@vocab") != 0 &&
           strcmp (expanded, "@json") != 0 && strcmp (expanded, "@none") != 0 &&
           !pp_jsonld_iri_is_absolute (expanded)))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                               "the @type \"%s\" of term \"%s\" is not an absolute IRI, "
                               "@id, @vocab%s", type, term,
                               mode_1_0 ? "" : ", @json or @none");
          goto out;
        }
    }

  /* @reverse */
  member = value.reverse;
  if (member != NULL)
    {
      const char *reverse = pp_json_value_get_string (member);
      char *expanded = NULL;

      if (value.id != NULL || value.nest != NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY,
                               "term \"%s\" has @reverse with @id or @nest", term);
          goto out;
        }
      if (reverse == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                               "the @reverse of term \"%s\" is not a string", term);
          goto out;
        }
      if (pp_jsonld_looks_like_keyword (reverse))
        {
          /* ignored, as a future keyword */
          ok = TRUE;
          goto defined_without_definition;
        }

      if (!pp_jsonld_context_expand_iri_local (ls, active, reverse, FALSE, TRUE, &expanded, error))
        goto out;
      def->iri = expanded;
      if (expanded == NULL || !pp_jsonld_is_iri_or_blank (expanded))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                               "the @reverse \"%s\" of term \"%s\" is not an IRI", reverse, term);
          goto out;
        }

      member = value.container;
      if (member != NULL)
        {
          const char *container = pp_json_value_get_string (member);

          if (!pp_json_value_is_null (member) &&
              g_strcmp0 (container, "@set") != 0 && g_strcmp0 (container, "@index") != 0)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY,
                                   "the @container of reverse term \"%s\" must be null, "
                                   "@set or @index", term);
              goto out;
            }
          if (container != NULL)
            def->container = strcmp (container, "@set") == 0 ?
                             PP_JSONLD_CONTAINER_SET : PP_JSONLD_CONTAINER_INDEX;
        }
      def->reverse = TRUE;
    }
  else
    {
      /* @id */
      member = value.id;
      if (member != NULL && !(pp_json_value_is_string (member) &&
                              strcmp (pp_json_value_get_string (member), term) == 0))
        {
          if (pp_json_value_is_null (member))
            def->iri = NULL;
          else
            {
              const char *id = pp_json_value_get_string (member);
              char *expanded = NULL;

              if (id == NULL)
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                       "the @id of term \"%s\" is not a string", term);
                  goto out;
                }
              if (!pp_jsonld_is_keyword (id) && pp_jsonld_looks_like_keyword (id))
                {
                  ok = TRUE;
                  goto defined_without_definition;
                }

              if (!pp_jsonld_context_expand_iri_local (ls, active, id, FALSE, TRUE, &expanded, error))
                goto out;
              def->iri = expanded;

              if (expanded == NULL ||
                  (!pp_jsonld_is_keyword (expanded) && !pp_jsonld_is_iri_or_blank (expanded)))
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                       "the @id \"%s\" of term \"%s\" is not an IRI, "
                                       "a blank node identifier nor a keyword", id, term);
                  goto out;
                }
              if (strcmp (expanded, "@context") == 0)
                {
                  pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_KEYWORD_ALIAS,
                                       "term \"%s\" cannot be an alias of @context", term);
                  goto out;
                }

              if (has_colon_inside (term) || strchr (term, '/') != NULL)
                {
                  g_autofree char *term_iri = NULL;

                  lt->state = DEFINED;
                  if (!pp_jsonld_context_expand_iri_local (ls, active, term, FALSE, TRUE, &term_iri, error))
                    goto out;
                  if (g_strcmp0 (term_iri, expanded) != 0)
                    {
                      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                           "term \"%s\" has the form of an IRI and expands "
                                           "to %s, not to its @id %s", term,
                                           term_iri != NULL ? term_iri : "null", expanded);
                      goto out;
                    }
                  lt->state = DEFINING;
                }

              if (strchr (term, ':') == NULL && strchr (term, '/') == NULL && simple_term &&
                  (pp_jsonld_iri_ends_with_gen_delim (expanded) ||
                   pp_jsonld_is_blank_node_id (expanded)))
                def->prefix = TRUE;
            }
        }
      else if (has_colon_inside (term) || (term[0] != ':' && strchr (term + 1, ':') != NULL))
        {
          const char *colon = strchr (term + 1, ':');
          g_autofree char *prefix = g_strndup (term, colon - term);
          const PpJsonldTermDef *prefix_def;

          if (g_hash_table_contains (ls->local, prefix))
            {
              if (!pp_jsonld_context_create_term (ls, active, prefix, error))
                goto out;
            }

          prefix_def = g_hash_table_lookup (active->terms, prefix);
          if (prefix_def != NULL && prefix_def->iri != NULL)
            def->iri = g_strconcat (prefix_def->iri, colon + 1, NULL);
          else
            def->iri = g_strdup (term);
        }
      else if (strchr (term, '/') != NULL)
        {
          char *expanded = NULL;

          /* the term itself is being defined: no local dependencies */
          if (!pp_jsonld_context_expand_iri_local (NULL, active, term, FALSE, TRUE, &expanded, error))
            goto out;
          def->iri = expanded;
          if (expanded == NULL || !pp_jsonld_iri_is_absolute (expanded))
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                                   "term \"%s\" has the form of a relative IRI, "
                                   "which does not expand to an IRI", term);
              goto out;
            }
        }
      else if (strcmp (term, "@type") == 0)
        def->iri = g_strdup ("@type");
      else if (active->vocab != NULL)
        def->iri = g_strconcat (active->vocab, term, NULL);
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_IRI_MAPPING,
                               "term \"%s\" has no @id and there is no @vocab", term);
          goto out;
        }
    }

  /* @container */
  member = value.container;
  if (member != NULL && !def->reverse)
    {
      guint container;

      if (!parse_container (ls, active, term, member, &container, error))
        goto out;
      def->container = container;

      if (def->container & PP_JSONLD_CONTAINER_TYPE)
        {
          if (def->type == NULL)
            def->type = (char *) PP_JSON_KW (ID);
          else if (strcmp (def->type, "@id") != 0 && strcmp (def->type, "@vocab") != 0)
            {
              pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                                   "term \"%s\" has an @type container, so its @type "
                                   "must be @id or @vocab, not %s", term, def->type);
              goto out;
            }
        }
    }

  /* @index */
  member = value.index;
  if (member != NULL)
    {
      const char *index = pp_json_value_get_string (member);
      g_autofree char *expanded = NULL;

      if (mode_1_0 || !(def->container & PP_JSONLD_CONTAINER_INDEX))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" has @index without an @index container", term);
          goto out;
        }
      if (index == NULL || pp_jsonld_is_keyword (index) ||
          !pp_jsonld_context_expand_iri_local (ls, active, index, FALSE, TRUE, &expanded, error) ||
          expanded == NULL || !pp_jsonld_iri_is_absolute (expanded))
        {
          g_clear_error (error);
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "the @index of term \"%s\" must expand to an IRI", term);
          goto out;
        }
      def->index = g_strdup (index);
    }

  /* @context */
  member = value.context;
  if (member != NULL)
    {
      g_autoptr(PpJsonldContext) validated = NULL;
      g_autoptr(GError) local_error = NULL;
      ProcessState scoped_state = *ls->state;

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "scoped contexts (term \"%s\") are not allowed in JSON-LD 1.0",
                               term);
          goto out;
        }

      /* the context being defined changes still: do not cache on it */
      scoped_state.cache = NULL;
      scoped_state.depth++;
      validated = pp_jsonld_context_process_state (&scoped_state, active, member, ls->base_url,
                                                   ls->remote_contexts, TRUE, TRUE, FALSE, &local_error);
      if (validated == NULL)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
              g_error_matches (local_error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_INVALID_INPUT) ||
              g_error_matches (local_error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_CONTEXT_OVERFLOW))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_SCOPED_CONTEXT,
                                 "the scoped context of term \"%s\" is invalid: %s",
                                 term, local_error->message);
          goto out;
        }

      def->context = pp_json_value_to_json_node (member);
      json_node_seal (def->context);
      def->has_context = TRUE;
      def->base_url = g_strdup (ls->base_url);
    }

  /* @language */
  member = value.language;
  if (member != NULL && value.type == NULL)
    {
      if (!pp_json_value_is_null (member) && !pp_json_value_is_string (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_MAPPING,
                               "the @language of term \"%s\" is not a string nor null", term);
          goto out;
        }
      def->has_language = TRUE;
      if (pp_json_value_is_string (member))
        def->language = g_ascii_strdown (pp_json_value_get_string (member), -1);
    }

  /* @direction */
  member = value.direction;
  if (member != NULL && value.type == NULL)
    {
      const char *direction = pp_json_value_get_string (member);

      if (pp_json_value_is_null (member))
        def->direction = PP_JSONLD_DIRECTION_NULL;
      else if (g_strcmp0 (direction, "ltr") == 0)
        def->direction = PP_JSONLD_DIRECTION_LTR;
      else if (g_strcmp0 (direction, "rtl") == 0)
        def->direction = PP_JSONLD_DIRECTION_RTL;
      else
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_BASE_DIRECTION,
                               "the @direction of term \"%s\" must be \"ltr\", \"rtl\" or null",
                               term);
          goto out;
        }
    }

  /* @nest */
  member = value.nest;
  if (member != NULL)
    {
      const char *nest = pp_json_value_get_string (member);

      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "@nest in term \"%s\" is not allowed in JSON-LD 1.0", term);
          goto out;
        }
      if (nest == NULL || (pp_jsonld_is_keyword (nest) && strcmp (nest, "@nest") != 0))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_NEST_VALUE,
                               "the @nest of term \"%s\" must be a term or @nest", term);
          goto out;
        }
      def->nest = g_strdup (nest);
    }

  /* @prefix */
  member = value.prefix;
  if (member != NULL)
    {
      if (mode_1_0 || strchr (term, ':') != NULL || strchr (term, '/') != NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" cannot have @prefix", term);
          goto out;
        }
      if (!pp_json_value_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PREFIX_VALUE,
                               "the @prefix of term \"%s\" must be true or false", term);
          goto out;
        }
      def->prefix = pp_json_value_get_boolean (member);
      if (def->prefix && def->iri != NULL && pp_jsonld_is_keyword (def->iri))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" maps to the keyword %s and cannot be a prefix",
                               term, def->iri);
          goto out;
        }
    }

  /* protected terms */
  if (!ls->override_protected && previous != NULL && previous->protected_)
    {
      if (!pp_jsonld_term_def_equal (def, previous))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_PROTECTED_TERM_REDEFINITION,
                               "term \"%s\" is protected and cannot be redefined", term);
          goto out;
        }
      pp_jsonld_term_def_unref (def);
      def = pp_jsonld_term_def_ref (previous);
    }

  if (def->protected_)
    active->has_protected = TRUE;
  g_hash_table_replace (active->terms, (gpointer) def->term, def);
  def = NULL;
  lt->state = DEFINED;
  ok = TRUE;
  goto out;

defined_without_definition:
  /* the term stays undefined */
  if (previous != NULL)
    g_hash_table_replace (active->terms, (gpointer) previous->term, pp_jsonld_term_def_ref (previous));
  lt->state = DEFINED;

out:
  if (def != NULL)
    pp_jsonld_term_def_unref (def);
  if (previous != NULL)
    pp_jsonld_term_def_unref (previous);

  return ok;
}

/* Create Term Definition, with the chain of terms that the definition of
 * one term defines first bounded */
gboolean
pp_jsonld_context_create_term (LocalState       *ls,
                               PpJsonldContext  *active,
                               const char       *term,
                               GError          **error)
{
  LocalTerm *lt = g_hash_table_lookup (ls->local, term);
  gboolean ok;

  g_return_val_if_fail (lt != NULL, FALSE);

  if (ls->state->term_chain >= MAX_TERM_CHAIN)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "term \"%s\" is defined through a chain of more than %u "
                           "terms defined one for another",
                           term, (guint) MAX_TERM_CHAIN);
      return FALSE;
    }

  ls->state->term_chain++;
  ok = define_term (ls, active, lt, error);
  ls->state->term_chain--;

  return ok;
}
