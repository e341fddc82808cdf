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
                 const char       *term,
                 JsonNode         *node,
                 guint            *container,
                 GError          **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  guint flags = 0, count = 0, i, n;
  JsonArray *array = NULL;
  gboolean valid = TRUE;

  if (pp_jsonld_node_is_null (node))
    {
      *container = 0;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node) && !mode_1_0)
    {
      array = json_node_get_array (node);
      n = json_array_get_length (array);
    }
  else if (pp_jsonld_node_is_string (node))
    n = 1;
  else
    goto invalid;

  for (i = 0; i < n; i++)
    {
      JsonNode *item = array != NULL ? json_array_get_element (array, i) : node;
      const char *str = pp_jsonld_node_get_string_or_null (item);
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
    g_autofree char *text = json_to_string (node, FALSE);

    pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_CONTAINER_MAPPING,
                         "the @container %s of term \"%s\" is not valid%s",
                         text, term, mode_1_0 ? " in JSON-LD 1.0" : "");
    return FALSE;
  }
}


/* Create Term Definition; call it through pp_jsonld_context_create_term() */
static gboolean
define_term (LocalState       *ls,
             PpJsonldContext  *active,
             const char       *term,
             GError          **error)
{
  gboolean mode_1_0 = active->processing_mode == PP_JSONLD_PROCESSING_MODE_1_0;
  PpJsonldTermDef *previous = NULL;
  PpJsonldTermDef *def = NULL;
  /* The definition may belong to a context document shared between
   * threads: borrow it, never ref it (JsonObject refcounts are not atomic) */
  g_autoptr(JsonObject) owned_value = NULL;
  JsonObject *value = NULL;
  JsonNode *value_node, *member;
  gboolean simple_term = FALSE;
  JsonObjectIter iter;
  const char *key;
  int state;
  gboolean ok = FALSE;

  state = GPOINTER_TO_INT (g_hash_table_lookup (ls->defined, term));
  if (state == DEFINED)
    return TRUE;
  if (state == DEFINING)
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

  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINING));

  value_node = json_object_get_member (ls->local, term);

  if (strcmp (term, "@type") == 0 && !mode_1_0 && value_node != NULL &&
      JSON_NODE_HOLDS_OBJECT (value_node))
    {
      JsonObject *object = json_node_get_object (value_node);
      const char *container = pp_jsonld_object_get_string (object, "@container");
      gboolean valid = json_object_get_size (object) > 0;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &key, NULL))
        if (strcmp (key, "@container") != 0 && strcmp (key, "@protected") != 0)
          valid = FALSE;
      if (json_object_has_member (object, "@container") &&
          g_strcmp0 (container, "@set") != 0)
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
      g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));
      return TRUE;
    }

  previous = g_hash_table_lookup (active->terms, term);
  if (previous != NULL)
    {
      previous = pp_jsonld_term_def_ref (previous);
      g_hash_table_remove (active->terms, term);
    }

  if (pp_jsonld_node_is_null (value_node))
    {
      value = owned_value = json_object_new ();
      json_object_set_null_member (value, "@id");
    }
  else if (pp_jsonld_node_is_string (value_node))
    {
      value = owned_value = json_object_new ();
      json_object_set_string_member (value, "@id", json_node_get_string (value_node));
      simple_term = TRUE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (value_node))
    value = json_node_get_object (value_node);
  else
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                           "the definition of term \"%s\" is not a string, an object nor null",
                           term);
      goto out;
    }

  def = pp_jsonld_term_def_new (term);

  /* unknown entries first, so they are reported whatever else is wrong */
  json_object_iter_init (&iter, value);
  while (json_object_iter_next (&iter, &key, NULL))
    {
      static const char * const allowed[] = {
        "@id", "@reverse", "@container", "@context", "@direction", "@index",
        "@language", "@nest", "@prefix", "@protected", "@type",
      };
      gboolean known = FALSE;
      guint i;

      for (i = 0; i < G_N_ELEMENTS (allowed); i++)
        if (strcmp (key, allowed[i]) == 0)
          known = TRUE;

      if (!known)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "the definition of term \"%s\" has an unknown entry \"%s\"",
                               term, key);
          goto out;
        }
    }

  /* @protected */
  member = json_object_get_member (value, "@protected");
  if (member != NULL)
    {
      if (mode_1_0)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "@protected in term \"%s\" is not allowed in JSON-LD 1.0", term);
          goto out;
        }
      if (!pp_jsonld_node_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PROTECTED_VALUE,
                               "@protected of term \"%s\" must be true or false", term);
          goto out;
        }
      def->protected_ = json_node_get_boolean (member);
    }
  else
    def->protected_ = ls->protected_;

  /* @type */
  member = json_object_get_member (value, "@type");
  if (member != NULL)
    {
      const char *type = pp_jsonld_node_get_string_or_null (member);
      char *expanded = NULL;

      if (type == NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TYPE_MAPPING,
                               "the @type of term \"%s\" is not a string", term);
          goto out;
        }

      if (!pp_jsonld_context_expand_iri_local (ls, active, type, FALSE, TRUE, &expanded, error))
        goto out;
      def->type = expanded;

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
  member = json_object_get_member (value, "@reverse");
  if (member != NULL)
    {
      const char *reverse = pp_jsonld_node_get_string_or_null (member);
      char *expanded = NULL;

      if (json_object_has_member (value, "@id") || json_object_has_member (value, "@nest"))
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

      member = json_object_get_member (value, "@container");
      if (member != NULL)
        {
          const char *container = pp_jsonld_node_get_string_or_null (member);

          if (!pp_jsonld_node_is_null (member) &&
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
      member = json_object_get_member (value, "@id");
      if (member != NULL && !(pp_jsonld_node_is_string (member) &&
                              strcmp (json_node_get_string (member), term) == 0))
        {
          if (pp_jsonld_node_is_null (member))
            def->iri = NULL;
          else
            {
              const char *id = pp_jsonld_node_get_string_or_null (member);
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

                  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));
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
                  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINING));
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

          if (json_object_has_member (ls->local, prefix))
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
  member = json_object_get_member (value, "@container");
  if (member != NULL && !def->reverse)
    {
      if (!parse_container (ls, active, term, member, &def->container, error))
        goto out;

      if (def->container & PP_JSONLD_CONTAINER_TYPE)
        {
          if (def->type == NULL)
            def->type = g_strdup ("@id");
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
  member = json_object_get_member (value, "@index");
  if (member != NULL)
    {
      const char *index = pp_jsonld_node_get_string_or_null (member);
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
  member = json_object_get_member (value, "@context");
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

      if (json_node_is_immutable (member))
        def->context = json_node_ref (member);
      else
        {
          def->context = pp_jsonld_node_copy_deep (member);
          json_node_seal (def->context);
        }
      def->has_context = TRUE;
      def->base_url = g_strdup (ls->base_url);
    }

  /* @language */
  member = json_object_get_member (value, "@language");
  if (member != NULL && !json_object_has_member (value, "@type"))
    {
      if (!pp_jsonld_node_is_null (member) && !pp_jsonld_node_is_string (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_LANGUAGE_MAPPING,
                               "the @language of term \"%s\" is not a string nor null", term);
          goto out;
        }
      def->has_language = TRUE;
      if (pp_jsonld_node_is_string (member))
        def->language = g_ascii_strdown (json_node_get_string (member), -1);
    }

  /* @direction */
  member = json_object_get_member (value, "@direction");
  if (member != NULL && !json_object_has_member (value, "@type"))
    {
      const char *direction = pp_jsonld_node_get_string_or_null (member);

      if (pp_jsonld_node_is_null (member))
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
  member = json_object_get_member (value, "@nest");
  if (member != NULL)
    {
      const char *nest = pp_jsonld_node_get_string_or_null (member);

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
  member = json_object_get_member (value, "@prefix");
  if (member != NULL)
    {
      if (mode_1_0 || strchr (term, ':') != NULL || strchr (term, '/') != NULL)
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_TERM_DEFINITION,
                               "term \"%s\" cannot have @prefix", term);
          goto out;
        }
      if (!pp_jsonld_node_is_boolean (member))
        {
          pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_PREFIX_VALUE,
                               "the @prefix of term \"%s\" must be true or false", term);
          goto out;
        }
      def->prefix = json_node_get_boolean (member);
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
  g_hash_table_replace (active->terms, def->term, def);
  def = NULL;
  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));
  ok = TRUE;
  goto out;

defined_without_definition:
  /* the term stays undefined */
  if (previous != NULL)
    g_hash_table_replace (active->terms, previous->term, pp_jsonld_term_def_ref (previous));
  g_hash_table_insert (ls->defined, g_strdup (term), GINT_TO_POINTER (DEFINED));

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
  gboolean ok;

  if (ls->state->term_chain >= MAX_TERM_CHAIN)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_CONTEXT_OVERFLOW,
                           "term \"%s\" is defined through a chain of more than %u "
                           "terms defined one for another",
                           term, (guint) MAX_TERM_CHAIN);
      return FALSE;
    }

  ls->state->term_chain++;
  ok = define_term (ls, active, term, error);
  ls->state->term_chain--;

  return ok;
}
