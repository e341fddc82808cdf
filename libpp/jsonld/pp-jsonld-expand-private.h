/* pp-jsonld-expand-private.h: the Expansion algorithm on JSON values
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <string.h>

#include "pp-json-value-private.h"
#include "pp-jsonld-context-private.h"
#include "pp-jsonld-error.h"
#include "pp-jsonld-options.h"

G_BEGIN_DECLS

/* Expands @input (values read from bytes, or converted from a tree and
 * checked as pp_jsonld_expand() checks it) into @arena. The result shares
 * the strings and scalars of @input, so @input must live as long as
 * @arena: build both in the same arena, or keep the input's arena alive.
 * @input is not modified. Returns the expanded document, always an array,
 * or NULL with @error set (%PP_JSONLD_ERROR, or %G_IO_ERROR_CANCELLED). */
PpJsonValue *pp_jsonld_expand_value (PpJsonArena        *arena,
                                     const PpJsonValue  *input,
                                     PpJsonldOptions    *options,
                                     GCancellable       *cancellable,
                                     GError            **error);

/* Called for each element of an expanded document, in order; @element
 * lives until the function returns. */
typedef gboolean (*PpJsonldExpandedFunc) (const PpJsonValue  *element,
                                          gpointer            user_data,
                                          GError            **error);

/* Expands @input as pp_jsonld_expand_value() does, and calls @func for
 * each element of the result, in order, instead of returning it.  When
 * @input is an object of nothing but @context and @graph, the usual shape
 * of a large document, each element of @graph is expanded on its own into
 * a scratch arena emptied after @func took it, so that the expanded
 * document is never in memory as a whole; otherwise the document is
 * expanded into @arena first.  Keys and IRIs of the elements are interned
 * in @arena either way.  When @func fails the expansion goes on without
 * calling it, so that an error of the expansion is the one reported, as
 * when expanding comes first; then the error of @func is. */
gboolean     pp_jsonld_expand_value_foreach (PpJsonArena          *arena,
                                             const PpJsonValue    *input,
                                             PpJsonldOptions      *options,
                                             GCancellable         *cancellable,
                                             PpJsonldExpandedFunc  func,
                                             gpointer              user_data,
                                             GError              **error);

/* Reads the JSON text @input into @arena with the checks of
 * pp_json_validate(); NULL with %PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED
 * ("loading document failed: " and the cause) when it fails them */
PpJsonValue *pp_jsonld_parse_document (PpJsonArena  *arena,
                                       GBytes       *input,
                                       GError      **error);

/* {{{ shared by the files of the algorithm */

typedef struct _PpJsonldExpandKeyCache PpJsonldExpandKeyCache;

/* The state of one expansion run */
typedef struct {
  PpJsonArena            *arena;        /* of the result */
  PpJsonArena            *names;        /* where the result's keys and IRIs are
                                         * interned: @arena, or one that
                                         * outlives it */
  PpJsonldOptions        *options;
  GCancellable           *cancellable;
  PpJsonldContextCache   *cache;        /* processed scoped and local contexts */
  GHashTable             *contexts;     /* @context value → sealed JsonNode */
  PpJsonldExpandKeyCache *keys;         /* (context, key) → expanded key */
  gboolean                ordered;
  guint                   depth;
  guint                   steps;        /* objects expanded, for cancellation */
} PpJsonldExpansion;

/* The Expansion algorithm on one element; *@result is NULL when it
 * expands to nothing */
gboolean     pp_jsonld_expansion_expand_element (PpJsonldExpansion  *e,
                                                 PpJsonldContext    *active,
                                                 const char         *active_property,
                                                 PpJsonValue        *element,
                                                 const char         *base_url,
                                                 gboolean            from_map,
                                                 PpJsonValue       **result,
                                                 GError            **error);

/* IRI expansion of a key with vocab (terms, compact IRIs, keywords),
 * interned in the result's arena; NULL when it expands to null. @key is a
 * key of the document, a keyword, or a string owned by @active: its
 * pointer identifies it in a cache */
const char  *pp_jsonld_expansion_expand_key     (PpJsonldExpansion  *e,
                                                 PpJsonldContext    *active,
                                                 const char         *key);

/* pp_jsonld_context_expand_vocab() of @value, any string, interned in the
 * run's names; NULL when it expands to null.
 * *@unchanged is set to whether the expansion was @value itself. */
const char  *pp_jsonld_expansion_expand_vocab   (PpJsonldExpansion  *e,
                                                 PpJsonldContext    *active,
                                                 const char         *value,
                                                 gboolean           *unchanged);

/* the definition of @key in @active, or NULL: @key as for
 * pp_jsonld_expansion_expand_key() */
const PpJsonldTermDef *pp_jsonld_expansion_get_term (PpJsonldExpansion *e,
                                                     PpJsonldContext   *active,
                                                     const char        *key);
/* the same, with *@type set to the definition's type mapping interned in
 * the run's names (NULL without one): the @type of the values it
 * expands, interned once per run rather than once per value */
const PpJsonldTermDef *pp_jsonld_expansion_get_term_with_type (PpJsonldExpansion  *e,
                                                               PpJsonldContext    *active,
                                                               const char         *key,
                                                               const char        **type);

/* Value Expansion */
PpJsonValue *pp_jsonld_expansion_expand_value   (PpJsonldExpansion  *e,
                                                 PpJsonldContext    *active,
                                                 const char         *active_property,
                                                 PpJsonValue        *value,
                                                 GError            **error);

/* @local processed on top of @active, through the run's cache */
PpJsonldContext *pp_jsonld_expansion_apply_context (PpJsonldExpansion *e,
                                                    PpJsonldContext   *active,
                                                    JsonNode          *local,
                                                    const char        *base_url,
                                                    gboolean           override_protected,
                                                    gboolean           propagate,
                                                    GError           **error);

/* the keys of @object in order: in code point order when the run is
 * ordered, else as they appear (transfer container) */
GPtrArray   *pp_jsonld_expansion_get_keys       (PpJsonldExpansion  *e,
                                                 const PpJsonValue  *object);

gboolean     pp_jsonld_expansion_check_depth    (PpJsonldExpansion  *e,
                                                 GError            **error);

/* Whether @value, when a string, can be read as an IRI, term, keyword
 * value, language tag, direction or index: FALSE with @error set to @code
 * ("the value of \"@key\" holds a NUL character (U+0000)") when it holds
 * a NUL, which reading it as a C string would silently cut it at.  TRUE for
 * any other string and any value that is not a string. */
gboolean     pp_jsonld_expansion_check_no_nul   (const PpJsonValue  *value,
                                                 PpJsonldError       code,
                                                 const char         *key,
                                                 GError            **error);

/* IRI Expansion of @value (a string without NUL) as an identifier:
 * relative to the document, with @vocab as given; a string value of the
 * result, pp_json_value_null() when it expands to null, or NULL with
 * @error set */
PpJsonValue *pp_jsonld_expansion_expand_id      (PpJsonldExpansion  *e,
                                                 PpJsonldContext    *active,
                                                 const char         *value,
                                                 gboolean            vocab,
                                                 GError            **error);
/* a string value of the result, its string interned in the run's names */
PpJsonValue *pp_jsonld_expansion_new_string     (PpJsonldExpansion  *e,
                                                 const char         *str);
/* the same for a string the caller frees: @str (transfer full) */
PpJsonValue *pp_jsonld_expansion_take_string    (PpJsonldExpansion  *e,
                                                 char               *str);
/* an object of one member, @key interned in the result's arena */
PpJsonValue *pp_jsonld_expansion_object_with    (PpJsonldExpansion  *e,
                                                 const char         *key,
                                                 PpJsonValue        *value);

/* an entry whose key expands to the keyword @expanded_property (interned)
 * added to @result; the keys of @nest entries are collected in *@nests,
 * an array made on the first one (pp-jsonld-expand-keyword.c) */
gboolean     pp_jsonld_expansion_expand_keyword (PpJsonldExpansion  *e,
                                                 PpJsonldContext    *active,
                                                 PpJsonldContext    *type_scoped,
                                                 const char         *active_property,
                                                 const char         *key,
                                                 const char         *expanded_property,
                                                 PpJsonValue        *value,
                                                 const char         *input_type,
                                                 PpJsonValue        *result,
                                                 const char         *base_url,
                                                 GPtrArray         **nests,
                                                 GError            **error);
/* The strings of @value, the value of the type entry @key (itself, or the
 * elements of an array), appended to @out; FALSE with @error set
 * (%PP_JSONLD_ERROR_INVALID_TYPE_VALUE) when one holds a NUL, or, with
 * @strings_only, when one is not a string (else it is skipped) */
gboolean     pp_jsonld_expansion_type_strings   (const PpJsonValue  *value,
                                                 const char         *key,
                                                 gboolean            strings_only,
                                                 GPtrArray          *out,
                                                 GError            **error);
/* @values added to the @reverse map of @result under @property */
gboolean     pp_jsonld_expansion_add_reverse_values (PpJsonldExpansion  *e,
                                                     PpJsonValue        *result,
                                                     const char         *property,
                                                     PpJsonValue        *values,
                                                     GError            **error);

/* the language, index, id and type maps (pp-jsonld-expand-map.c) */
gboolean     pp_jsonld_expansion_expand_language_map (PpJsonldExpansion      *e,
                                                      PpJsonldContext        *active,
                                                      const PpJsonldTermDef  *def,
                                                      const PpJsonValue      *value,
                                                      PpJsonValue           **result,
                                                      GError                **error);
gboolean     pp_jsonld_expansion_expand_index_map    (PpJsonldExpansion      *e,
                                                      PpJsonldContext        *active,
                                                      const char             *key,
                                                      const PpJsonldTermDef  *def,
                                                      const PpJsonValue      *value,
                                                      const char             *base_url,
                                                      PpJsonValue           **result,
                                                      GError                **error);

/* }}} */

/* Whether @str (nullable) is @keyword: by pointer, then by its first
 * character before the whole text, since most strings compared with a
 * keyword are IRIs and terms that differ at once */
static inline gboolean
pp_jsonld_str_is (const char *str,
                  const char *keyword)
{
  return str != NULL && (str == keyword || (str[0] == keyword[0] && strcmp (str, keyword) == 0));
}

G_END_DECLS
