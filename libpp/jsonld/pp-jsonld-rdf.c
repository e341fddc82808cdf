/* pp-jsonld-rdf.c: Deserialize JSON-LD to RDF, as N-Quads
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld.h"
#include "pp-json-value-private.h"
#include "pp-jsonld-expand-private.h"
#include "pp-jsonld-json-writer-private.h"
#include "pp-jsonld-node-map-types-private.h"
#include "pp-jsonld-util-private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RDF_NS          "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define XSD_NS          "http://www.w3.org/2001/XMLSchema#"
#define I18N_NS         "https://www.w3.org/ns/i18n#"

#define RDF_TYPE        "<" RDF_NS "type>"
#define RDF_FIRST       "<" RDF_NS "first>"
#define RDF_REST        "<" RDF_NS "rest>"
#define RDF_NIL         "<" RDF_NS "nil>"
#define RDF_VALUE       "<" RDF_NS "value>"
#define RDF_LANGUAGE    "<" RDF_NS "language>"
#define RDF_DIRECTION   "<" RDF_NS "direction>"
#define RDF_JSON        RDF_NS "JSON"
#define RDF_LANGSTRING  RDF_NS "langString"
#define XSD_STRING      XSD_NS "string"
#define XSD_BOOLEAN     XSD_NS "boolean"
#define XSD_INTEGER     XSD_NS "integer"
#define XSD_DOUBLE      XSD_NS "double"

#define CANCEL_CHECK_INTERVAL 1024

/* How much memory the nodes being written take before it is reused */
#define NODE_ARENA_SIZE (4 * 1024 * 1024)

/* {{{ well-formedness */

/* An IRI matching the IRI production of RFC 3987, approximately: a scheme,
 * a colon, and no character an IRI can never hold (spaces, controls,
 * <>"{}|\^`, stray percent signs, a second "#"). */
static gboolean
iri_is_well_formed (const char *iri)
{
  const guchar *p = (const guchar *) iri;
  gboolean in_fragment = FALSE;

  if (!g_ascii_isalpha (*p))
    return FALSE;
  for (p++; g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.'; p++)
    ;
  if (*p != ':')
    return FALSE;

  for (p++; *p != '\0'; p++)
    {
      if (*p <= 0x20 || *p == 0x7f)
        return FALSE;
      switch (*p)
        {
        case '<': case '>': case '"': case '{': case '}':
        case '|': case '\\': case '^': case '`':
          return FALSE;
        case '%':
          if (!g_ascii_isxdigit (p[1]) || !g_ascii_isxdigit (p[2]))
            return FALSE;
          break;
        case '#':
          /* a fragment holds no "#" */
          if (in_fragment)
            return FALSE;
          in_fragment = TRUE;
          break;
        default:
          break;
        }
    }

  return TRUE;
}

/* BLANK_NODE_LABEL of Turtle, for the labels a node map generates and the
 * common forms of input labels */
static gboolean
blank_node_is_well_formed (const char *id)
{
  const guchar *p = (const guchar *) id + 2;

  if (*p == '\0' || *p == '.' || *p == '-')
    return FALSE;

  for (; *p != '\0'; p++)
    if (*p <= 0x20 || *p == 0x7f || strchr ("<>\"{}|\\^`:/#?@", *p) != NULL)
      return FALSE;

  return p[-1] != '.';
}

static gboolean
resource_is_well_formed (const char *id)
{
  if (pp_jsonld_is_blank_node_id (id))
    return blank_node_is_well_formed (id);

  return iri_is_well_formed (id);
}

/* well-formed per section 2.2.9 of BCP 47, as the common processors test it */
static gboolean
language_is_well_formed (const char *tag)
{
  const char *p = tag;
  guint n;

  for (n = 0; g_ascii_isalpha (*p); p++, n++)
    ;
  if (n < 1 || n > 8)
    return FALSE;

  while (*p == '-')
    {
      for (p++, n = 0; g_ascii_isalnum (*p); p++, n++)
        ;
      if (n < 1 || n > 8)
        return FALSE;
    }

  return *p == '\0';
}

/* }}} */

/* {{{ canonical lexical forms */

/* the canonical xsd:double form, as the JSON-LD spec describes it: a
 * mantissa with one digit before the point and no trailing zeros after the
 * first fractional digit, and an exponent without "+" or leading zeros:
 * 1.0E0, 1.1E0, 5.3E-1, -1.234E21 */
static char *
format_double (double value)
{
  char buf[64];
  char *e, *end;
  long exponent;
  GString *out;

  if (isnan (value))
    return g_strdup ("NaN");
  if (isinf (value))
    return g_strdup (value > 0 ? "INF" : "-INF");

  g_snprintf (buf, sizeof buf, "%.15E", value);
  e = strchr (buf, 'E');
  if (e == NULL)
    return g_strdup (buf);

  exponent = strtol (e + 1, NULL, 10);
  *e = '\0';

  /* strip trailing zeros, keeping one digit after the point */
  end = e - 1;
  while (end > buf && *end == '0' && end[-1] != '.')
    *end-- = '\0';

  out = g_string_new (buf);
  g_string_append_printf (out, "E%ld", exponent);
  return g_string_free (out, FALSE);
}

/* the canonical xsd:integer form of a number without fractional part */
static char *
format_integer_double (double value)
{
  if (value == 0.0)
    return g_strdup ("0");

  return g_strdup_printf ("%.0f", value);
}

/* RFC 8785 sorts member names by their UTF-16 code units */
static int
compare_utf16 (gconstpointer a,
               gconstpointer b)
{
  const char *sa = *(const char * const *) a;
  const char *sb = *(const char * const *) b;
  g_autofree gunichar2 *ua = g_utf8_to_utf16 (sa, -1, NULL, NULL, NULL);
  g_autofree gunichar2 *ub = g_utf8_to_utf16 (sb, -1, NULL, NULL, NULL);
  const gunichar2 *pa = ua, *pb = ub;

  if (ua == NULL || ub == NULL)
    return strcmp (sa, sb);

  while (*pa != 0 && *pa == *pb)
    pa++, pb++;

  return (int) *pa - (int) *pb;
}

/* the JSON Canonicalization Scheme (RFC 8785) serialisation of @value */
static gboolean
append_jcs (GString            *out,
            const PpJsonValue  *value,
            guint               depth,
            GError            **error)
{
  if (depth > PP_JSONLD_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "a JSON literal nests deeper than %u levels",
                           (guint) PP_JSONLD_MAX_DEPTH);
      return FALSE;
    }

  switch (pp_json_value_get_type (value))
    {
    case PP_JSON_TYPE_OBJECT:
      {
        g_autoptr(GPtrArray) keys = pp_json_object_get_keys_sorted (value);

        g_ptr_array_sort (keys, compare_utf16);
        g_string_append_c (out, '{');
        for (guint i = 0; i < keys->len; i++)
          {
            const char *key = g_ptr_array_index (keys, i);

            if (i > 0)
              g_string_append_c (out, ',');
            pp_json_append_string (out, key);
            g_string_append_c (out, ':');
            if (!append_jcs (out, pp_json_object_get (value, key), depth + 1, error))
              return FALSE;
          }
        g_string_append_c (out, '}');
        return TRUE;
      }

    case PP_JSON_TYPE_ARRAY:
      g_string_append_c (out, '[');
      for (guint i = 0; i < pp_json_value_get_size (value); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          if (!append_jcs (out, pp_json_array_get (value, i), depth + 1, error))
            return FALSE;
        }
      g_string_append_c (out, ']');
      return TRUE;

    case PP_JSON_TYPE_STRING:
      pp_json_append_string_len (out, pp_json_value_get_string (value),
                                 pp_json_value_get_string_length (value));
      return TRUE;

    case PP_JSON_TYPE_BOOLEAN:
      g_string_append (out, pp_json_value_get_boolean (value) ? "true" : "false");
      return TRUE;

    case PP_JSON_TYPE_INT:
      {
        gint64 i = pp_json_value_get_int (value);

        if (i >= -(G_GINT64_CONSTANT (1) << 53) && i <= (G_GINT64_CONSTANT (1) << 53))
          g_string_append_printf (out, "%" G_GINT64_FORMAT, i);
        else
          pp_json_append_number (out, (double) i);
        return TRUE;
      }

    case PP_JSON_TYPE_DOUBLE:
      pp_json_append_number (out, pp_json_value_get_double (value));
      return TRUE;

    case PP_JSON_TYPE_NULL:
    default:
      g_string_append (out, "null");
      return TRUE;
    }
}

/* }}} */

/* {{{ N-Quads */

typedef struct {
  PpJsonldNodeMap      *map;
  gboolean              generalized;
  PpJsonldRdfDirection  direction;
  GString              *out;
  char                 *graph_term;  /* NULL for the default graph */
} Writer;

static char *
format_resource (const char *id)
{
  if (pp_jsonld_is_blank_node_id (id))
    return g_strdup (id);

  return g_strconcat ("<", id, ">", NULL);
}

/* Whether the @len bytes of @str are UTF-8, NUL characters included
 * (g_utf8_validate() refuses them) */
static gboolean
utf8_validate_with_nul (const char *str,
                        gsize       len)
{
  const char *end = str + len;

  while (str < end)
    {
      const char *nul = memchr (str, '\0', end - str);
      const char *stop = nul != NULL ? nul : end;

      if (!g_utf8_validate (str, stop - str, NULL))
        return FALSE;
      str = stop + (nul != NULL);
    }

  return TRUE;
}

/* The literal of the @lexical_len bytes of @lexical, which may hold NUL,
 * escaped as N-Quads requires (a NUL as \u0000) */
static gboolean
format_literal (GString     *out,
                const char  *lexical,
                gsize        lexical_len,
                const char  *datatype,
                const char  *language,
                GError     **error)
{
  const guchar *p;
  const guchar *end = (const guchar *) lexical + lexical_len;

  if (!utf8_validate_with_nul (lexical, lexical_len))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "a string of the document is not valid UTF-8");
      return FALSE;
    }

  g_string_append_c (out, '"');
  for (p = (const guchar *) lexical; p < end; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04X", *p);
          else
            g_string_append_c (out, *p);
          break;
        }
    }
  g_string_append_c (out, '"');

  if (language != NULL)
    {
      g_string_append_c (out, '@');
      g_string_append (out, language);
    }
  else if (datatype != NULL && strcmp (datatype, XSD_STRING) != 0)
    {
      g_string_append (out, "^^<");
      g_string_append (out, datatype);
      g_string_append_c (out, '>');
    }

  return TRUE;
}

static char *
quad_new (Writer     *w,
          const char *subject,
          const char *predicate,
          const char *object)
{
  return g_strconcat (subject, " ", predicate, " ", object,
                      w->graph_term != NULL ? " " : "",
                      w->graph_term != NULL ? w->graph_term : "",
                      " .\n", NULL);
}

/* writes @quad (transfer full) unless it is in @seen (which takes it) */
static void
emit_quad (Writer     *w,
           char       *quad,
           GHashTable *seen)
{
  if (seen == NULL)
    {
      g_string_append (w->out, quad);
      g_free (quad);
    }
  else if (g_hash_table_add (seen, quad))
    {
      g_string_append (w->out, quad);
    }
}

static gboolean object_to_rdf (Writer             *w,
                               const PpJsonValue  *item,
                               GPtrArray          *list_triples,
                               char              **term,
                               guint               depth,
                               GError            **error);

/* the List to RDF Conversion algorithm */
static gboolean
list_to_rdf (Writer             *w,
             const PpJsonValue  *list,
             GPtrArray          *list_triples,
             char              **head,
             guint               depth,
             GError            **error)
{
  guint i, n = pp_json_value_get_size (list);
  g_autoptr(GPtrArray) bnodes = NULL;

  if (n == 0)
    {
      *head = g_strdup (RDF_NIL);
      return TRUE;
    }

  bnodes = g_ptr_array_new_full (n, g_free);
  for (i = 0; i < n; i++)
    g_ptr_array_add (bnodes, pp_jsonld_node_map_generate_blank_node (w->map));

  for (i = 0; i < n; i++)
    {
      const char *subject = g_ptr_array_index (bnodes, i);
      g_autoptr(GPtrArray) embedded = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *object = NULL;

      if (!object_to_rdf (w, pp_json_array_get (list, i), embedded, &object,
                          depth + 1, error))
        return FALSE;

      if (object != NULL)
        g_ptr_array_add (list_triples, quad_new (w, subject, RDF_FIRST, object));

      g_ptr_array_add (list_triples,
                       quad_new (w, subject, RDF_REST,
                                 i + 1 < n ? (const char *) g_ptr_array_index (bnodes, i + 1)
                                           : RDF_NIL));

      g_ptr_array_extend_and_steal (list_triples, g_steal_pointer (&embedded));
    }

  *head = g_strdup (g_ptr_array_index (bnodes, 0));
  return TRUE;
}

/* The lexical form of the number @value and its datatype when it has none
 * (@datatype) */
static char *
number_lexical (const PpJsonValue  *value,
                const char        **datatype)
{
  gboolean is_int = pp_json_value_get_type (value) == PP_JSON_TYPE_INT;
  double d = pp_json_value_get_double (value);

  if ((!is_int && (fmod (d, 1.0) != 0.0 || fabs (d) >= 1e21)) ||
      g_strcmp0 (*datatype, XSD_DOUBLE) == 0)
    {
      if (*datatype == NULL)
        *datatype = XSD_DOUBLE;
      return format_double (d);
    }

  if (*datatype == NULL)
    *datatype = XSD_INTEGER;
  if (is_int)
    return g_strdup_printf ("%" G_GINT64_FORMAT, pp_json_value_get_int (value));
  return format_integer_double (d);
}

/* the compound literal of a string with a direction: a blank node with
 * rdf:value, rdf:language and rdf:direction, in @list_triples */
static gboolean
compound_literal_to_rdf (Writer       *w,
                         const char   *lexical,
                         gsize         lexical_len,
                         const char   *lower_language,
                         const char   *direction,
                         GPtrArray    *list_triples,
                         char        **term,
                         GError      **error)
{
  g_autofree char *literal = pp_jsonld_node_map_generate_blank_node (w->map);
  g_autoptr(GString) out = g_string_new (NULL);

  if (!format_literal (out, lexical, lexical_len, XSD_STRING, NULL, error))
    return FALSE;
  g_ptr_array_add (list_triples, quad_new (w, literal, RDF_VALUE, out->str));

  if (lower_language != NULL)
    {
      g_string_truncate (out, 0);
      if (!format_literal (out, lower_language, strlen (lower_language), XSD_STRING, NULL,
                           error))
        return FALSE;
      g_ptr_array_add (list_triples, quad_new (w, literal, RDF_LANGUAGE, out->str));
    }

  g_string_truncate (out, 0);
  if (!format_literal (out, direction, strlen (direction), XSD_STRING, NULL, error))
    return FALSE;
  g_ptr_array_add (list_triples, quad_new (w, literal, RDF_DIRECTION, out->str));

  *term = g_steal_pointer (&literal);
  return TRUE;
}

/* the Object to RDF Conversion algorithm: sets *@term to the formatted
 * object, or NULL when @item is not well-formed */
static gboolean
object_to_rdf (Writer             *w,
               const PpJsonValue  *item,
               GPtrArray          *list_triples,
               char              **term,
               guint               depth,
               GError            **error)
{
  const PpJsonValue *value, *list;
  const char *id, *datatype, *language, *direction;
  const char *lexical = NULL;
  gsize lexical_len = 0;
  g_autofree char *own_lexical = NULL;
  g_autoptr(GString) out = NULL;

  *term = NULL;

  if (depth > PP_JSONLD_MAX_DEPTH)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_INVALID_INPUT,
                           "the document nests deeper than %u levels",
                           (guint) PP_JSONLD_MAX_DEPTH);
      return FALSE;
    }

  if (!pp_json_value_is_object (item))
    return TRUE;

  list = pp_json_object_get (item, PP_JSON_KW (LIST));
  if (list != NULL)
    {
      if (!pp_json_value_is_array (list))
        return TRUE;
      return list_to_rdf (w, list, list_triples, term, depth, error);
    }

  value = pp_json_object_get (item, PP_JSON_KW (VALUE));
  if (value == NULL)
    {
      id = pp_json_object_get_string (item, PP_JSON_KW (ID));
      if (id != NULL && resource_is_well_formed (id))
        *term = format_resource (id);
      return TRUE;
    }

  datatype = pp_json_object_get_string (item, PP_JSON_KW (TYPE));
  language = pp_json_object_get_string (item, PP_JSON_KW (LANGUAGE));
  direction = pp_json_object_get_string (item, PP_JSON_KW (DIRECTION));

  if (datatype != NULL && strcmp (datatype, "@json") != 0 && !iri_is_well_formed (datatype))
    return TRUE;
  if (language != NULL && !language_is_well_formed (language))
    return TRUE;

  if (datatype != NULL && strcmp (datatype, "@json") == 0)
    {
      GString *json = g_string_new (NULL);

      if (!append_jcs (json, value, depth, error))
        {
          g_string_free (json, TRUE);
          return FALSE;
        }
      lexical_len = json->len;
      lexical = own_lexical = g_string_free (json, FALSE);
      datatype = RDF_JSON;
    }
  else if (pp_json_value_is_boolean (value))
    {
      lexical = pp_json_value_get_boolean (value) ? "true" : "false";
      lexical_len = strlen (lexical);
      if (datatype == NULL)
        datatype = XSD_BOOLEAN;
    }
  else if (pp_json_value_is_number (value))
    {
      lexical = own_lexical = number_lexical (value, &datatype);
      lexical_len = strlen (lexical);
    }
  else if (pp_json_value_is_string (value))
    {
      lexical = pp_json_value_get_string (value);
      lexical_len = pp_json_value_get_string_length (value);
      if (datatype == NULL)
        datatype = language != NULL ? RDF_LANGSTRING : XSD_STRING;
    }
  else
    {
      /* not a valid value object */
      return TRUE;
    }

  out = g_string_new (NULL);

  if (direction != NULL && w->direction != PP_JSONLD_RDF_DIRECTION_NONE)
    {
      g_autofree char *lower = g_ascii_strdown (language != NULL ? language : "", -1);

      if (w->direction != PP_JSONLD_RDF_DIRECTION_I18N_DATATYPE)
        return compound_literal_to_rdf (w, lexical, lexical_len,
                                        language != NULL ? lower : NULL,
                                        direction, list_triples, term, error);

      {
        g_autofree char *i18n_datatype = g_strconcat (I18N_NS, lower, "_", direction, NULL);

        if (!format_literal (out, lexical, lexical_len, i18n_datatype, NULL, error))
          return FALSE;
      }
    }
  else if (!format_literal (out, lexical, lexical_len,
                            g_strcmp0 (datatype, RDF_LANGSTRING) == 0 ? NULL : datatype,
                            g_strcmp0 (datatype, RDF_LANGSTRING) == 0 ? language : NULL,
                            error))
    {
      return FALSE;
    }

  *term = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

static gboolean
node_to_rdf (Writer             *w,
             const char         *id,
             const PpJsonValue  *node,
             GError            **error)
{
  g_autofree char *subject = format_resource (id);
  g_autoptr(GPtrArray) keys = pp_json_object_get_keys_sorted (node);
  guint i, j;

  for (i = 0; i < keys->len; i++)
    {
      const char *property = g_ptr_array_index (keys, i);
      const PpJsonValue *values = pp_json_object_get (node, property);
      guint n;

      if (!pp_json_value_is_array (values))
        continue;
      n = pp_json_value_get_size (values);

      if (property == PP_JSON_KW (TYPE))
        {
          for (j = 0; j < n; j++)
            {
              const char *type = pp_json_value_get_string (pp_json_array_get (values, j));
              g_autofree char *object = NULL;

              if (type == NULL || !resource_is_well_formed (type))
                continue;
              object = format_resource (type);
              /* the node map keeps each type once */
              emit_quad (w, quad_new (w, subject, RDF_TYPE, object), NULL);
            }
          continue;
        }

      if (pp_json_is_interned_keyword (property) || pp_jsonld_is_keyword (property))
        continue;
      if (pp_jsonld_is_blank_node_id (property) && !w->generalized)
        continue;
      if (!resource_is_well_formed (property))
        continue;

      {
        g_autofree char *predicate = format_resource (property);
        g_autoptr(GHashTable) seen = NULL;

        /* Only the values of one property of one node can give the same
         * quad twice (such as {"@value": 1} and {"@value": "1", "@type":
         * xsd:integer}): the triples of lists and compound literals have
         * subjects of their own. */
        if (n > 1)
          seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

        for (j = 0; j < n; j++)
          {
            g_autoptr(GPtrArray) list_triples = g_ptr_array_new_with_free_func (g_free);
            g_autofree char *object = NULL;
            guint k;

            if (!object_to_rdf (w, pp_json_array_get (values, j), list_triples,
                                &object, 0, error))
              return FALSE;

            if (object != NULL)
              emit_quad (w, quad_new (w, subject, predicate, object), seen);

            for (k = 0; k < list_triples->len; k++)
              emit_quad (w, g_steal_pointer (&g_ptr_array_index (list_triples, k)), NULL);
          }
      }
    }

  return TRUE;
}

/* The node @id of the graph @graph_name of @map as values of @arena, or
 * NULL when there is none: pp_jsonld_node_map_get_node() without the tree */
static const PpJsonValue *
get_node_value (PpJsonArena     *arena,
                PpJsonldNodeMap *map,
                const char      *graph_name,
                const char      *id)
{
  Graph *graph = pp_node_map_lookup_graph (map, graph_name);
  Node *node = graph != NULL ? pp_node_map_graph_lookup_node (graph, id) : NULL;

  if (node == NULL)
    return NULL;

  return pp_node_map_node_to_value (map, arena, node, PP_JSONLD_FLATTEN_NONE);
}

/**
 * pp_jsonld_node_map_to_nquads:
 * @map: a node map
 * @produce_generalized_rdf: whether to keep triples whose predicate is a
 *   blank node
 * @rdf_direction: how to represent the base direction of strings
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Runs the Deserialize JSON-LD to RDF algorithm on @map and serialises the
 * dataset as N-Quads.  Graphs are visited in code point order of their
 * names (default graph first), the subjects of a graph and the properties
 * of a subject too, and the quads are written in the order the algorithm
 * generates them (a triple, then the triples of the list it points to), one
 * per line, each quad once.  Blank nodes made for lists and compound
 * literals come from the map's generator.
 *
 * Returns: (transfer full) (nullable): the N-Quads document, or %NULL with
 *   @error set
 */
char *
pp_jsonld_node_map_to_nquads (PpJsonldNodeMap       *map,
                              gboolean               produce_generalized_rdf,
                              PpJsonldRdfDirection   rdf_direction,
                              GCancellable          *cancellable,
                              GError               **error)
{
  g_autoptr(GPtrArray) graph_names = NULL;
  g_autoptr(GString) out = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  Writer w = { 0, };
  guint i, j, steps = 0;

  g_return_val_if_fail (map != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  out = g_string_new (NULL);

  w.map = map;
  w.generalized = produce_generalized_rdf;
  w.direction = rdf_direction;
  w.out = out;

  graph_names = pp_jsonld_node_map_get_graph_names (map, TRUE);
  for (i = 0; i < graph_names->len; i++)
    {
      const char *name = g_ptr_array_index (graph_names, i);
      g_autoptr(GPtrArray) ids = NULL;

      if (strcmp (name, "@default") != 0 && !resource_is_well_formed (name))
        continue;

      g_clear_pointer (&w.graph_term, g_free);
      if (strcmp (name, "@default") != 0)
        w.graph_term = format_resource (name);

      ids = pp_jsonld_node_map_get_node_ids (map, name, TRUE);
      for (j = 0; j < ids->len; j++)
        {
          const char *id = g_ptr_array_index (ids, j);
          const PpJsonValue *node;

          if (++steps % CANCEL_CHECK_INTERVAL == 0 &&
              g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;

          if (!resource_is_well_formed (id))
            continue;

          /* the nodes written so far are not needed any more */
          if (arena == NULL || pp_json_arena_get_size (arena) > NODE_ARENA_SIZE)
            {
              g_clear_pointer (&arena, pp_json_arena_unref);
              arena = pp_json_arena_new ();
            }
          node = get_node_value (arena, map, name, id);
          if (node == NULL)
            continue;

          if (!node_to_rdf (&w, id, node, error))
            goto fail;
        }
    }

  g_clear_pointer (&w.graph_term, g_free);
  return g_string_free (g_steal_pointer (&out), FALSE);

fail:
  g_clear_pointer (&w.graph_term, g_free);
  return NULL;
}

/* The N-Quads of @document (values of @arena, which this releases as soon
 * as the node map holds what it keeps of them) */
static char *
document_to_nquads (PpJsonArena        *arena,
                    const PpJsonValue  *document,
                    PpJsonldOptions    *options,
                    GCancellable       *cancellable,
                    GError            **error)
{
  g_autoptr(PpJsonldOptions) default_options = NULL;
  g_autoptr(PpJsonArena) owned_arena = arena;
  g_autoptr(PpJsonldNodeMap) map = NULL;
  PpJsonValue *expanded;

  if (options == NULL)
    options = default_options = pp_jsonld_options_new ();

  expanded = pp_jsonld_expand_value (arena, document, options, cancellable, error);
  if (expanded == NULL)
    return NULL;

  map = pp_jsonld_node_map_new ();
  if (!pp_jsonld_node_map_add_document_value (map, arena, expanded, NULL, cancellable, error))
    return NULL;
  g_clear_pointer (&owned_arena, pp_json_arena_unref);

  return pp_jsonld_node_map_to_nquads (map,
                                       pp_jsonld_options_get_produce_generalized_rdf (options),
                                       pp_jsonld_options_get_rdf_direction (options),
                                       cancellable, error);
}

/**
 * pp_jsonld_to_rdf:
 * @input: a JSON-LD document
 * @options: (nullable): options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deserializes @input to an RDF dataset as the `toRdf()` method of the
 * JSON-LD 1.1 API does, and returns the dataset as N-Quads: the document
 * is expanded, its node map generated, and every node turned into triples.
 *
 * Triples that are not well-formed (relative IRIs, invalid IRIs or language
 * tags) are left out.  Numbers become `xsd:integer` literals when they
 * have no fractional part and are smaller than 10²¹, and `xsd:double`
 * literals in canonical form (`1.1E0`, `5.3E-1`) otherwise; `@json`
 * literals are serialised with the JSON Canonicalization Scheme (RFC 8785).
 * The #PpJsonldOptions:produce-generalized-rdf and
 * #PpJsonldOptions:rdf-direction options are honoured.
 *
 * The quads are written one per line, in the order the algorithm generates
 * them: graphs, subjects and properties each in code point order, a
 * triple followed by the triples of a list it points to.  No quad is
 * written twice.  Blank nodes are labelled `_:b0`, `_:b1`, …
 *
 * A json-glib tree cannot hold a string with a NUL character (U+0000):
 * [func@Pp.jsonld_to_rdf_bytes] reads such strings from JSON text.
 *
 * Returns: (transfer full) (nullable): the N-Quads document (empty for an
 *   empty dataset), or %NULL with @error set (in %PP_JSONLD_ERROR, or
 *   %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.1
 */
char *
pp_jsonld_to_rdf (JsonNode         *input,
                  PpJsonldOptions  *options,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *document;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* the tree is converted here, once: the rest works on values */
  arena = pp_json_arena_new ();
  document = pp_json_value_from_json_node (arena, input, PP_JSONLD_MAX_DEPTH, error);
  if (document == NULL)
    return NULL;

  return document_to_nquads (g_steal_pointer (&arena), document, options, cancellable, error);
}

/**
 * pp_jsonld_to_rdf_bytes:
 * @input: a JSON-LD document as JSON text in UTF-8
 * @options: (nullable): options, or %NULL for the defaults
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deserializes the JSON text @input to N-Quads as [func@Pp.jsonld_to_rdf]
 * deserializes a tree. The text is read with the checks of
 * [func@Pp.json_validate], but for one: a string value may hold an escaped
 * NUL character (`"\u0000"`), which a json-glib tree cannot hold; it is
 * kept, and written in a literal as N-Quads escapes it, `\u0000`. A member
 * name with one is refused. A text that fails the checks fails with
 * %PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED, its message
 * "loading document failed: " followed by the cause and its position.
 *
 * The document never becomes a json-glib tree: it is read into libpp's
 * own compact values and converted from there.
 *
 * Returns: (transfer full) (nullable): the N-Quads document in UTF-8 (empty
 *   for an empty dataset), or %NULL with @error set (in %PP_JSONLD_ERROR,
 *   or %G_IO_ERROR_CANCELLED)
 *
 * Since: 0.2
 */
GBytes *
pp_jsonld_to_rdf_bytes (GBytes           *input,
                        PpJsonldOptions  *options,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *document;
  char *nquads;

  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  arena = pp_json_arena_new ();
  document = pp_jsonld_parse_document (arena, input, error);
  if (document == NULL)
    return NULL;

  nquads = document_to_nquads (g_steal_pointer (&arena), document, options, cancellable, error);
  if (nquads == NULL)
    return NULL;

  return g_bytes_new_take (nquads, strlen (nquads));
}
