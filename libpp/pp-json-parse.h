/* pp-json-parse.h: JSON text checked before json-glib builds a tree of it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PP_JSON_MAX_DEPTH:
 *
 * The deepest nesting of arrays and objects that [func@Pp.json_validate]
 * and [func@Pp.json_parse] accept: `[[1]]` nests 2 levels deep. JSON-LD
 * documents, LLM answers and chat-completion bodies nest a few levels; a
 * deeper text is refused before any recursive code sees it.
 *
 * Since: 0.2
 */
#define PP_JSON_MAX_DEPTH 512

/**
 * PP_JSON_ERROR:
 *
 * The error domain of [func@Pp.json_validate] and [func@Pp.json_parse].
 * Every message says where the problem is, as a byte offset and a line and
 * column (both from 1; columns count characters).
 *
 * Since: 0.2
 */
#define PP_JSON_ERROR (pp_json_error_quark ())

/**
 * PpJsonError:
 * @PP_JSON_ERROR_INVALID_SYNTAX: the text is empty or is not JSON
 *   (RFC 8259)
 * @PP_JSON_ERROR_INVALID_ENCODING: the text is not valid UTF-8, or holds a
 *   NUL byte
 * @PP_JSON_ERROR_TOO_DEEP: arrays and objects nest deeper than
 *   %PP_JSON_MAX_DEPTH levels
 * @PP_JSON_ERROR_UNSUPPORTED_VALUE: a value that a JSON tree cannot hold
 *   exactly: a string or member name with an escaped NUL (`\u0000`) or an
 *   unpaired surrogate, an integer that does not fit in 64 bits, or a
 *   number too large for a double
 *
 * Error codes of %PP_JSON_ERROR.
 *
 * Since: 0.2
 */
typedef enum {
  PP_JSON_ERROR_INVALID_SYNTAX,
  PP_JSON_ERROR_INVALID_ENCODING,
  PP_JSON_ERROR_TOO_DEEP,
  PP_JSON_ERROR_UNSUPPORTED_VALUE,
} PpJsonError;

PP_AVAILABLE_IN_0_2
GQuark    pp_json_error_quark (void);

PP_AVAILABLE_IN_0_2
gboolean  pp_json_validate    (const char  *data,
                               gssize       length,
                               GError     **error);

PP_AVAILABLE_IN_0_2
JsonNode *pp_json_parse       (const char  *data,
                               gssize       length,
                               GError     **error);

G_END_DECLS
