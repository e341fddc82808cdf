/* pp-json-write.c: JSON text written without building a tree
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-json-write.h"
#include "jsonld/pp-jsonld-json-writer-private.h"

/**
 * pp_json_string_append_quoted:
 * @string: a #GString
 * @text: (array length=length) (element-type guint8): UTF-8 text
 * @length: the length of @text in bytes, or -1 when it ends with a NUL byte
 *
 * Appends @text to @string as a JSON string (RFC 8259): between quotes,
 * with quotation marks, backslashes and control characters escaped (a NUL
 * byte within @length as `\u0000`) and every other byte as it is. The
 * text is not checked: pass valid UTF-8, or the result is not JSON.
 *
 * This is what a plugin needs to write a request body or a small document
 * as text, without building a json-glib tree and a generator for each
 * string.
 *
 * Returns: (transfer none): @string
 *
 * Since: 0.2
 */
GString *
pp_json_string_append_quoted (GString    *string,
                              const char *text,
                              gssize      length)
{
  g_return_val_if_fail (string != NULL, NULL);
  g_return_val_if_fail (text != NULL || length == 0, string);

  pp_json_append_string_len (string, text, length < 0 ? strlen (text) : (gsize) length);

  return string;
}
