/* pp-jsonld-error.c: errors of the JSON-LD processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-error.h"
#include "pp-jsonld-util-private.h"

/**
 * pp_jsonld_error_quark:
 *
 * The error domain of the JSON-LD processor.
 *
 * Returns: the #GQuark of #PP_JSONLD_ERROR
 *
 * Since: 0.1
 */
G_DEFINE_QUARK (pp-jsonld-error-quark, pp_jsonld_error)

static const char * const error_strings[] = {
  [PP_JSONLD_ERROR_COLLIDING_KEYWORDS] = "colliding keywords",
  [PP_JSONLD_ERROR_CONFLICTING_INDEXES] = "conflicting indexes",
  [PP_JSONLD_ERROR_CONTEXT_OVERFLOW] = "context overflow",
  [PP_JSONLD_ERROR_CYCLIC_IRI_MAPPING] = "cyclic IRI mapping",
  [PP_JSONLD_ERROR_INVALID_ID_VALUE] = "invalid @id value",
  [PP_JSONLD_ERROR_INVALID_IMPORT_VALUE] = "invalid @import value",
  [PP_JSONLD_ERROR_INVALID_INCLUDED_VALUE] = "invalid @included value",
  [PP_JSONLD_ERROR_INVALID_INDEX_VALUE] = "invalid @index value",
  [PP_JSONLD_ERROR_INVALID_NEST_VALUE] = "invalid @nest value",
  [PP_JSONLD_ERROR_INVALID_PREFIX_VALUE] = "invalid @prefix value",
  [PP_JSONLD_ERROR_INVALID_PROPAGATE_VALUE] = "invalid @propagate value",
  [PP_JSONLD_ERROR_INVALID_PROTECTED_VALUE] = "invalid @protected value",
  [PP_JSONLD_ERROR_INVALID_REVERSE_VALUE] = "invalid @reverse value",
  [PP_JSONLD_ERROR_INVALID_VERSION_VALUE] = "invalid @version value",
  [PP_JSONLD_ERROR_INVALID_BASE_DIRECTION] = "invalid base direction",
  [PP_JSONLD_ERROR_INVALID_BASE_IRI] = "invalid base IRI",
  [PP_JSONLD_ERROR_INVALID_CONTAINER_MAPPING] = "invalid container mapping",
  [PP_JSONLD_ERROR_INVALID_CONTEXT_ENTRY] = "invalid context entry",
  [PP_JSONLD_ERROR_INVALID_CONTEXT_NULLIFICATION] = "invalid context nullification",
  [PP_JSONLD_ERROR_INVALID_DEFAULT_LANGUAGE] = "invalid default language",
  [PP_JSONLD_ERROR_INVALID_IRI_MAPPING] = "invalid IRI mapping",
  [PP_JSONLD_ERROR_INVALID_JSON_LITERAL] = "invalid JSON literal",
  [PP_JSONLD_ERROR_INVALID_KEYWORD_ALIAS] = "invalid keyword alias",
  [PP_JSONLD_ERROR_INVALID_LANGUAGE_MAP_VALUE] = "invalid language map value",
  [PP_JSONLD_ERROR_INVALID_LANGUAGE_MAPPING] = "invalid language mapping",
  [PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_STRING] = "invalid language-tagged string",
  [PP_JSONLD_ERROR_INVALID_LANGUAGE_TAGGED_VALUE] = "invalid language-tagged value",
  [PP_JSONLD_ERROR_INVALID_LOCAL_CONTEXT] = "invalid local context",
  [PP_JSONLD_ERROR_INVALID_REMOTE_CONTEXT] = "invalid remote context",
  [PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY] = "invalid reverse property",
  [PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY_MAP] = "invalid reverse property map",
  [PP_JSONLD_ERROR_INVALID_REVERSE_PROPERTY_VALUE] = "invalid reverse property value",
  [PP_JSONLD_ERROR_INVALID_SCOPED_CONTEXT] = "invalid scoped context",
  [PP_JSONLD_ERROR_INVALID_SCRIPT_ELEMENT] = "invalid script element",
  [PP_JSONLD_ERROR_INVALID_SET_OR_LIST_OBJECT] = "invalid set or list object",
  [PP_JSONLD_ERROR_INVALID_TERM_DEFINITION] = "invalid term definition",
  [PP_JSONLD_ERROR_INVALID_TYPE_MAPPING] = "invalid type mapping",
  [PP_JSONLD_ERROR_INVALID_TYPE_VALUE] = "invalid type value",
  [PP_JSONLD_ERROR_INVALID_TYPED_VALUE] = "invalid typed value",
  [PP_JSONLD_ERROR_INVALID_VALUE_OBJECT] = "invalid value object",
  [PP_JSONLD_ERROR_INVALID_VALUE_OBJECT_VALUE] = "invalid value object value",
  [PP_JSONLD_ERROR_INVALID_VOCAB_MAPPING] = "invalid vocab mapping",
  [PP_JSONLD_ERROR_IRI_CONFUSED_WITH_PREFIX] = "IRI confused with prefix",
  [PP_JSONLD_ERROR_KEYWORD_REDEFINITION] = "keyword redefinition",
  [PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED] = "loading document failed",
  [PP_JSONLD_ERROR_LOADING_REMOTE_CONTEXT_FAILED] = "loading remote context failed",
  [PP_JSONLD_ERROR_MULTIPLE_CONTEXT_LINK_HEADERS] = "multiple context link headers",
  [PP_JSONLD_ERROR_PROCESSING_MODE_CONFLICT] = "processing mode conflict",
  [PP_JSONLD_ERROR_PROTECTED_TERM_REDEFINITION] = "protected term redefinition",
  [PP_JSONLD_ERROR_LIST_OF_LISTS] = "list of lists",
  [PP_JSONLD_ERROR_RECURSIVE_CONTEXT_INCLUSION] = "recursive context inclusion",
  [PP_JSONLD_ERROR_COMPACTION_TO_LIST_OF_LISTS] = "compaction to list of lists",
  [PP_JSONLD_ERROR_INVALID_INPUT] = "invalid input",
};

/**
 * pp_jsonld_error_code_to_string:
 * @code: a #PpJsonldError
 *
 * The error code string of the JSON-LD 1.1 Processing Algorithms and API for
 * @code, such as "invalid \@id value". Every message of a #PP_JSONLD_ERROR
 * starts with this string.
 *
 * Returns: (transfer none): the error code string, or "unknown error" for a
 *   value outside #PpJsonldError
 *
 * Since: 0.1
 */
const char *
pp_jsonld_error_code_to_string (PpJsonldError code)
{
  if ((guint) code >= G_N_ELEMENTS (error_strings) || error_strings[code] == NULL)
    return "unknown error";

  return error_strings[code];
}

/*
 * pp_jsonld_set_error:
 * @error: (nullable): the return location
 * @code: the error code
 * @format: printf() format of the detail
 *
 * Sets a #PP_JSONLD_ERROR whose message is the code string, ": " and the
 * formatted detail.
 */
void
pp_jsonld_set_error (GError        **error,
                     PpJsonldError   code,
                     const char     *format,
                     ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, PP_JSONLD_ERROR, code, "%s: %s",
               pp_jsonld_error_code_to_string (code), detail);
}
