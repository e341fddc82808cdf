/* test-jsonld-conformance.c: the W3C JSON-LD 1.1 API test suite
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Runs the expand, compact, flatten and toRdf manifests of the W3C test
 * suite copied in w3c/. Every test is a test case; a test the processor does
 * not pass yet is reported as incomplete ("not ok … # TODO" in TAP) with the
 * reason, and the last case of each manifest fails when the number of passed
 * tests drops below the floor checked in to conformance-floors.txt.
 *
 * Run a single test with `-p /jsonld/compact/t0001`, or name tests on the
 * command line (`compact/t0001 expand/t0002`) to register only those.
 */

#include "config.h"

#include <string.h>

#include <libpp/libpp.h>

#define SUITE_IRI_PREFIX "https://w3c.github.io/json-ld-api/tests/"

typedef enum {
  MANIFEST_EXPAND,
  MANIFEST_COMPACT,
  MANIFEST_FLATTEN,
  MANIFEST_TO_RDF,
} ManifestKind;

typedef struct {
  const char   *name;
  ManifestKind  kind;
  guint         passed;
  guint         failed;
  guint         not_applicable;
  gint          floor;   /* -1: none */
} Manifest;

typedef struct {
  Manifest   *manifest;
  JsonObject *entry;
  char       *id;
} TestCase;

static Manifest manifests[] = {
  { "expand", MANIFEST_EXPAND, 0, 0, 0, -1 },
  { "compact", MANIFEST_COMPACT, 0, 0, 0, -1 },
  { "flatten", MANIFEST_FLATTEN, 0, 0, 0, -1 },
  { "toRdf", MANIFEST_TO_RDF, 0, 0, 0, -1 },
};

static char *suite_dir;
static PpDocumentLoader *loader;

static void
test_case_free (gpointer data)
{
  TestCase *tc = data;

  json_object_unref (tc->entry);
  g_free (tc->id);
  g_free (tc);
}

/* Reading files of the suite */

static JsonNode *
load_json_file (const char  *relative,
                GError     **error)
{
  g_autofree char *path = g_build_filename (suite_dir, relative, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;

  return json_node_ref (json_parser_get_root (parser));
}

static GBytes *
load_file_bytes (const char  *relative,
                 GError     **error)
{
  g_autofree char *path = g_build_filename (suite_dir, relative, NULL);
  char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;

  return g_bytes_new_take (contents, length);
}

static const char *
entry_get_string (JsonObject *object,
                  const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
entry_has_type (JsonObject *entry,
                const char *type)
{
  JsonNode *node = json_object_get_member (entry, "@type");

  if (node == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *s = json_array_get_string_element (array, i);

          if (s != NULL && g_str_equal (s, type))
            return TRUE;
        }

      return FALSE;
    }

  return JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING &&
         g_str_equal (json_node_get_string (node), type);
}

/* JSON comparison of the suite: objects member by member, arrays without
 * regard to order except @list values, language tags case-insensitively,
 * and optionally blank node identifiers up to a consistent relabelling. */

typedef struct {
  GHashTable *forward;   /* const char * → const char *, borrowed */
  GHashTable *reverse;
  GPtrArray  *log;       /* keys of @forward in insertion order */
} BnodeMap;

static void
bnode_map_init (BnodeMap *map)
{
  map->forward = g_hash_table_new (g_str_hash, g_str_equal);
  map->reverse = g_hash_table_new (g_str_hash, g_str_equal);
  map->log = g_ptr_array_new ();
}

static void
bnode_map_clear (BnodeMap *map)
{
  g_clear_pointer (&map->forward, g_hash_table_unref);
  g_clear_pointer (&map->reverse, g_hash_table_unref);
  g_clear_pointer (&map->log, g_ptr_array_unref);
}

static void
bnode_map_rollback (BnodeMap *map,
                    guint     mark)
{
  if (map == NULL)
    return;

  while (map->log->len > mark)
    {
      const char *key = g_ptr_array_index (map->log, map->log->len - 1);
      const char *value = g_hash_table_lookup (map->forward, key);

      g_hash_table_remove (map->reverse, value);
      g_hash_table_remove (map->forward, key);
      g_ptr_array_set_size (map->log, map->log->len - 1);
    }
}

static gboolean
strings_match (const char *a,
               const char *b,
               const char *key,
               BnodeMap   *map)
{
  if (key != NULL && g_str_equal (key, "@language"))
    return g_ascii_strcasecmp (a, b) == 0;

  if (map != NULL && g_str_has_prefix (a, "_:") && g_str_has_prefix (b, "_:"))
    {
      const char *mapped = g_hash_table_lookup (map->forward, a);

      if (mapped != NULL)
        return g_str_equal (mapped, b);
      if (g_hash_table_contains (map->reverse, b))
        return FALSE;

      g_hash_table_insert (map->forward, (gpointer) a, (gpointer) b);
      g_hash_table_insert (map->reverse, (gpointer) b, (gpointer) a);
      g_ptr_array_add (map->log, (gpointer) a);
      return TRUE;
    }

  return g_str_equal (a, b);
}

static gboolean json_match (JsonNode   *a,
                            JsonNode   *b,
                            const char *key,
                            BnodeMap   *map);

static gboolean
arrays_match_from (JsonArray  *a,
                   JsonArray  *b,
                   guint       i,
                   gboolean   *used,
                   const char *key,
                   BnodeMap   *map)
{
  guint length = json_array_get_length (a);

  /* Without relabelling, equality is transitive and the first match will do;
   * with it, a match may bind labels that a later element needs: backtrack. */
  for (; i < length; i++)
    {
      JsonNode *element = json_array_get_element (a, i);
      gboolean found = FALSE;

      for (guint j = 0; j < length; j++)
        {
          guint mark = map != NULL ? map->log->len : 0;

          if (used[j])
            continue;

          if (json_match (element, json_array_get_element (b, j), key, map))
            {
              if (map == NULL)
                {
                  used[j] = TRUE;
                  found = TRUE;
                  break;
                }

              used[j] = TRUE;
              if (arrays_match_from (a, b, i + 1, used, key, map))
                return TRUE;
              used[j] = FALSE;
            }

          bnode_map_rollback (map, mark);
        }

      if (!found)
        return FALSE;
    }

  return TRUE;
}

static gboolean
json_match (JsonNode   *a,
            JsonNode   *b,
            const char *key,
            BnodeMap   *map)
{
  JsonNodeType type = json_node_get_node_type (a);

  if (type != json_node_get_node_type (b))
    return FALSE;

  switch (type)
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_VALUE:
      {
        GType ta = json_node_get_value_type (a);
        GType tb = json_node_get_value_type (b);
        gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
        gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

        if (na && nb)
          {
            if (ta == G_TYPE_INT64 && tb == G_TYPE_INT64)
              return json_node_get_int (a) == json_node_get_int (b);
            return json_node_get_double (a) == json_node_get_double (b);
          }

        if (ta != tb)
          return FALSE;

        if (ta == G_TYPE_STRING)
          return strings_match (json_node_get_string (a),
                                json_node_get_string (b), key, map);
        if (ta == G_TYPE_BOOLEAN)
          return json_node_get_boolean (a) == json_node_get_boolean (b);

        return FALSE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a);
        JsonObject *ob = json_node_get_object (b);
        JsonObjectIter iter;
        const char *member;
        JsonNode *value;

        if (json_object_get_size (oa) != json_object_get_size (ob))
          return FALSE;

        json_object_iter_init (&iter, oa);
        while (json_object_iter_next (&iter, &member, &value))
          {
            JsonNode *other = json_object_get_member (ob, member);

            if (other == NULL || !json_match (value, other, member, map))
              return FALSE;
          }

        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a);
        JsonArray *ab = json_node_get_array (b);
        guint length = json_array_get_length (aa);
        g_autofree gboolean *used = NULL;

        if (length != json_array_get_length (ab))
          return FALSE;

        if (key != NULL && g_str_equal (key, "@list"))
          {
            for (guint i = 0; i < length; i++)
              if (!json_match (json_array_get_element (aa, i),
                               json_array_get_element (ab, i), key, map))
                return FALSE;
            return TRUE;
          }

        used = g_new0 (gboolean, MAX (length, 1));
        return arrays_match_from (aa, ab, 0, used, key, map);
      }

    default:
      return FALSE;
    }
}

static gboolean
json_equivalent (JsonNode *a,
                 JsonNode *b,
                 gboolean  relabel_bnodes)
{
  BnodeMap map;
  gboolean result;

  if (!relabel_bnodes)
    return json_match (a, b, NULL, NULL);

  bnode_map_init (&map);
  result = json_match (a, b, NULL, &map);
  bnode_map_clear (&map);

  return result;
}

/* N-Quads: a small parser that normalises literals, and a dataset
 * isomorphism check. */

typedef struct {
  char *terms[4];   /* subject, predicate, object, graph ("" for default) */
} Quad;

static void
quad_free (gpointer data)
{
  Quad *quad = data;

  for (guint i = 0; i < 4; i++)
    g_free (quad->terms[i]);
  g_free (quad);
}

static int
compare_string_pointers (gconstpointer a,
                         gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
is_bnode (const char *term)
{
  return term[0] == '_' && term[1] == ':';
}

/* @value (@len bytes, NUL included) between quotes, escaped one way */
static void
append_escaped_literal (GString    *out,
                        const char *value,
                        gsize       len)
{
  g_string_append_c (out, '"');
  for (const char *p = value; p < value + len; p++)
    {
      switch (*p)
        {
        case '\0':
          g_string_append (out, "\\u0000");
          break;
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

static char *
parse_term (const char **pp,
            GError     **error)
{
  const char *p = *pp;

  while (*p == ' ' || *p == '\t')
    p++;

  if (*p == '<')
    {
      const char *end = strchr (p, '>');

      if (end == NULL)
        goto bad;
      *pp = end + 1;
      return g_strndup (p, end - p + 1);
    }

  if (is_bnode (p))
    {
      const char *end = p + 2;

      while (*end != '\0' && *end != ' ' && *end != '\t')
        end++;
      if (end[-1] == '.' && end - p > 3)
        end--;
      *pp = end;
      return g_strndup (p, end - p);
    }

  if (*p == '"')
    {
      g_autoptr(GString) value = g_string_new (NULL);
      GString *term;

      for (p++; *p != '"'; p++)
        {
          if (*p == '\0')
            goto bad;
          if (*p != '\\')
            {
              g_string_append_c (value, *p);
              continue;
            }

          p++;
          switch (*p)
            {
            case 't': g_string_append_c (value, '\t'); break;
            case 'b': g_string_append_c (value, '\b'); break;
            case 'n': g_string_append_c (value, '\n'); break;
            case 'r': g_string_append_c (value, '\r'); break;
            case 'f': g_string_append_c (value, '\f'); break;
            case '"': g_string_append_c (value, '"'); break;
            case '\'': g_string_append_c (value, '\''); break;
            case '\\': g_string_append_c (value, '\\'); break;
            case 'u':
            case 'U':
              {
                guint digits = *p == 'u' ? 4 : 8;
                gunichar c = 0;

                for (guint i = 0; i < digits; i++)
                  {
                    int d = g_ascii_xdigit_value (p[1]);

                    if (d < 0)
                      goto bad;
                    c = c * 16 + d;
                    p++;
                  }
                g_string_append_unichar (value, c);
                break;
              }
            default:
              goto bad;
            }
        }
      p++;

      term = g_string_new (NULL);
      append_escaped_literal (term, value->str, value->len);

      if (*p == '@')
        {
          const char *start = p;
          g_autofree char *language = NULL;

          while (*p != '\0' && *p != ' ' && *p != '\t')
            p++;
          language = g_ascii_strdown (start, p - start);
          g_string_append (term, language);
        }
      else if (p[0] == '^' && p[1] == '^')
        {
          g_autofree char *datatype = NULL;

          p += 2;
          datatype = parse_term (&p, error);
          if (datatype == NULL)
            {
              g_string_free (term, TRUE);
              return NULL;
            }
          if (!g_str_equal (datatype,
                            "<http://www.w3.org/2001/XMLSchema#string>"))
            g_string_append_printf (term, "^^%s", datatype);
        }

      *pp = p;
      return g_string_free (term, FALSE);
    }

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "cannot parse an N-Quads term at “%.40s”", *pp);
  return NULL;
}

static GPtrArray *
parse_nquads (const char  *text,
              GError     **error)
{
  g_autoptr(GPtrArray) quads = g_ptr_array_new_with_free_func (quad_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint l = 0; lines[l] != NULL; l++)
    {
      const char *p = g_strstrip (lines[l]);
      Quad *quad;
      guint n = 0;

      if (*p == '\0' || *p == '#')
        continue;

      quad = g_new0 (Quad, 1);
      g_ptr_array_add (quads, quad);

      for (;;)
        {
          while (*p == ' ' || *p == '\t')
            p++;
          if (*p == '.')
            break;
          if (n == 4)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "line %u: too many terms", l + 1);
              return NULL;
            }
          quad->terms[n] = parse_term (&p, error);
          if (quad->terms[n] == NULL)
            return NULL;
          n++;
        }

      if (n < 3)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "line %u: too few terms", l + 1);
          return NULL;
        }
      if (n == 3)
        quad->terms[3] = g_strdup ("");
    }

  return g_steal_pointer (&quads);
}

static char *
quad_key (Quad       *quad,
          GHashTable *mapping)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < 4; i++)
    {
      const char *term = quad->terms[i];

      if (mapping != NULL && is_bnode (term))
        term = g_hash_table_lookup (mapping, term);
      g_string_append (key, term != NULL ? term : "?");
      g_string_append_c (key, '\n');
    }

  return g_string_free (key, FALSE);
}

/* Deduplicates @quads; fills @set with their keys and @bnodes with their
 * blank nodes (each once, in order of appearance). */
static void
dataset_index (GPtrArray  *quads,
               GHashTable *set,
               GPtrArray  *bnodes)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < quads->len; )
    {
      char *key = quad_key (g_ptr_array_index (quads, i), NULL);

      if (!g_hash_table_add (set, key))
        {
          g_ptr_array_remove_index (quads, i);
          continue;
        }

      for (guint t = 0; t < 4; t++)
        {
          char *term = ((Quad *) g_ptr_array_index (quads, i))->terms[t];

          if (is_bnode (term) && g_hash_table_add (seen, term))
            g_ptr_array_add (bnodes, term);
        }
      i++;
    }
}

/* Colour refinement: a blank node's signature is a digest of the quads it
 * occurs in, itself written as "_:@" and the other blank nodes as their
 * previous signatures. Isomorphic datasets give equal signature multisets. */
static GHashTable *
bnode_signatures (GPtrArray *quads,
                  GPtrArray *bnodes)
{
  GHashTable *signatures = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                  NULL, g_free);

  for (guint i = 0; i < bnodes->len; i++)
    g_hash_table_insert (signatures, g_ptr_array_index (bnodes, i),
                         g_strdup ("_:?"));

  for (guint round = 0; round < 4; round++)
    {
      g_autoptr(GHashTable) next = g_hash_table_new_full (g_str_hash,
                                                          g_str_equal,
                                                          NULL, g_free);

      for (guint b = 0; b < bnodes->len; b++)
        {
          const char *self = g_ptr_array_index (bnodes, b);
          g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
          g_autoptr(GString) all = g_string_new (NULL);

          for (guint q = 0; q < quads->len; q++)
            {
              Quad *quad = g_ptr_array_index (quads, q);
              GString *line;
              gboolean involved = FALSE;

              for (guint t = 0; t < 4; t++)
                involved |= g_str_equal (quad->terms[t], self);
              if (!involved)
                continue;

              line = g_string_new (NULL);
              for (guint t = 0; t < 4; t++)
                {
                  const char *term = quad->terms[t];

                  if (g_str_equal (term, self))
                    term = "_:@";
                  else if (is_bnode (term))
                    term = g_hash_table_lookup (signatures, term);
                  g_string_append_printf (line, "%s\n", term);
                }
              g_ptr_array_add (lines, g_string_free (line, FALSE));
            }

          g_ptr_array_sort (lines, compare_string_pointers);
          for (guint i = 0; i < lines->len; i++)
            g_string_append (all, g_ptr_array_index (lines, i));

          g_hash_table_insert (next, (gpointer) self,
                               g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                              all->str, -1));
        }

      g_hash_table_remove_all (signatures);
      for (guint b = 0; b < bnodes->len; b++)
        {
          gpointer self = g_ptr_array_index (bnodes, b);

          g_hash_table_insert (signatures, self,
                               g_strdup (g_hash_table_lookup (next, self)));
        }
    }

  return signatures;
}

typedef struct {
  GPtrArray  *quads_a;
  GPtrArray  *bnodes_a;
  GPtrArray  *bnodes_b;
  GHashTable *sig_a;
  GHashTable *sig_b;
  GHashTable *set_b;
  GHashTable *mapping;   /* bnode of a → bnode of b */
  GHashTable *used;      /* bnodes of b already mapped */
} Isomorphism;

static gboolean
mapping_consistent (Isomorphism *iso)
{
  for (guint q = 0; q < iso->quads_a->len; q++)
    {
      Quad *quad = g_ptr_array_index (iso->quads_a, q);
      g_autofree char *key = NULL;
      gboolean complete = TRUE;

      for (guint t = 0; t < 4; t++)
        if (is_bnode (quad->terms[t]) &&
            !g_hash_table_contains (iso->mapping, quad->terms[t]))
          complete = FALSE;

      if (!complete)
        continue;

      key = quad_key (quad, iso->mapping);
      if (!g_hash_table_contains (iso->set_b, key))
        return FALSE;
    }

  return TRUE;
}

static gboolean
isomorphism_search (Isomorphism *iso,
                    guint        index)
{
  const char *a;
  const char *signature;

  if (index == iso->bnodes_a->len)
    return TRUE;

  a = g_ptr_array_index (iso->bnodes_a, index);
  signature = g_hash_table_lookup (iso->sig_a, a);

  for (guint j = 0; j < iso->bnodes_b->len; j++)
    {
      const char *b = g_ptr_array_index (iso->bnodes_b, j);

      if (g_hash_table_contains (iso->used, b) ||
          !g_str_equal (signature, g_hash_table_lookup (iso->sig_b, b)))
        continue;

      g_hash_table_insert (iso->mapping, (gpointer) a, (gpointer) b);
      g_hash_table_add (iso->used, (gpointer) b);

      if (mapping_consistent (iso) && isomorphism_search (iso, index + 1))
        return TRUE;

      g_hash_table_remove (iso->mapping, a);
      g_hash_table_remove (iso->used, b);
    }

  return FALSE;
}

static gboolean
datasets_isomorphic (GPtrArray *a,
                     GPtrArray *b)
{
  g_autoptr(GHashTable) set_a = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                       g_free, NULL);
  g_autoptr(GHashTable) set_b = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                       g_free, NULL);
  g_autoptr(GPtrArray) bnodes_a = g_ptr_array_new ();
  g_autoptr(GPtrArray) bnodes_b = g_ptr_array_new ();
  g_autoptr(GHashTable) sig_a = NULL;
  g_autoptr(GHashTable) sig_b = NULL;
  g_autoptr(GHashTable) mapping = NULL;
  g_autoptr(GHashTable) used = NULL;
  g_autoptr(GPtrArray) sorted_a = NULL;
  g_autoptr(GPtrArray) sorted_b = NULL;
  Isomorphism iso;

  dataset_index (a, set_a, bnodes_a);
  dataset_index (b, set_b, bnodes_b);

  if (a->len != b->len || bnodes_a->len != bnodes_b->len)
    return FALSE;

  if (bnodes_a->len == 0)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, set_a);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (set_b, key))
          return FALSE;
      return TRUE;
    }

  sig_a = bnode_signatures (a, bnodes_a);
  sig_b = bnode_signatures (b, bnodes_b);

  /* the signature multisets must agree */
  sorted_a = g_ptr_array_new ();
  sorted_b = g_ptr_array_new ();
  for (guint i = 0; i < bnodes_a->len; i++)
    {
      g_ptr_array_add (sorted_a, g_hash_table_lookup (sig_a, g_ptr_array_index (bnodes_a, i)));
      g_ptr_array_add (sorted_b, g_hash_table_lookup (sig_b, g_ptr_array_index (bnodes_b, i)));
    }
  g_ptr_array_sort (sorted_a, compare_string_pointers);
  g_ptr_array_sort (sorted_b, compare_string_pointers);
  for (guint i = 0; i < sorted_a->len; i++)
    if (!g_str_equal (g_ptr_array_index (sorted_a, i),
                      g_ptr_array_index (sorted_b, i)))
      return FALSE;

  mapping = g_hash_table_new (g_str_hash, g_str_equal);
  used = g_hash_table_new (g_str_hash, g_str_equal);
  iso = (Isomorphism) {
    .quads_a = a,
    .bnodes_a = bnodes_a,
    .bnodes_b = bnodes_b,
    .sig_a = sig_a,
    .sig_b = sig_b,
    .set_b = set_b,
    .mapping = mapping,
    .used = used,
  };

  return isomorphism_search (&iso, 0);
}

/* Running one test */

static char *
node_to_string (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("(null)");
  return json_to_string (node, FALSE);
}

static gboolean
configure_options (PpJsonldOptions  *options,
                   JsonObject       *option,
                   const char       *document_url,
                   GError          **error)
{
  const char *base = NULL;
  const char *value;
  JsonNode *node;

  pp_jsonld_options_set_document_loader (options, loader);

  if (option != NULL)
    base = entry_get_string (option, "base");
  pp_jsonld_options_set_base (options, base != NULL ? base : document_url);

  if (option == NULL)
    return TRUE;

  value = entry_get_string (option, "processingMode");
  if (value != NULL && g_str_equal (value, "json-ld-1.0"))
    pp_jsonld_options_set_processing_mode (options, PP_JSONLD_PROCESSING_MODE_1_0);

  node = json_object_get_member (option, "compactArrays");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    pp_jsonld_options_set_compact_arrays (options, json_node_get_boolean (node));

  node = json_object_get_member (option, "compactToRelative");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    pp_jsonld_options_set_compact_to_relative (options, json_node_get_boolean (node));

  node = json_object_get_member (option, "produceGeneralizedRdf");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    pp_jsonld_options_set_produce_generalized_rdf (options, json_node_get_boolean (node));

  value = entry_get_string (option, "rdfDirection");
  if (value != NULL && g_str_equal (value, "i18n-datatype"))
    pp_jsonld_options_set_rdf_direction (options, PP_JSONLD_RDF_DIRECTION_I18N_DATATYPE);
  else if (value != NULL && g_str_equal (value, "compound-literal"))
    pp_jsonld_options_set_rdf_direction (options, PP_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL);

  value = entry_get_string (option, "expandContext");
  if (value != NULL)
    {
      g_autoptr(JsonNode) context = load_json_file (value, error);

      if (context == NULL)
        return FALSE;
      pp_jsonld_options_set_expand_context (options, context);
    }

  return TRUE;
}

/* Returns NULL when the test passes, else why it does not. */
static char *
run_test (TestCase *tc)
{
  JsonObject *entry = tc->entry;
  JsonNode *option_node = json_object_get_member (entry, "option");
  JsonObject *option = NULL;
  const char *input_path = entry_get_string (entry, "input");
  const char *expect_path = entry_get_string (entry, "expect");
  const char *context_path = entry_get_string (entry, "context");
  const char *error_code = entry_get_string (entry, "expectErrorCode");
  gboolean negative = entry_has_type (entry, "jld:NegativeEvaluationTest");
  gboolean syntax_only = entry_has_type (entry, "jld:PositiveSyntaxTest");
  g_autoptr(PpJsonldOptions) options = pp_jsonld_options_new ();
  g_autofree char *url = NULL;
  g_autofree char *document_url = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GBytes) input_bytes = NULL;
  g_autoptr(JsonNode) context = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *nquads = NULL;
  g_autoptr(GError) error = NULL;

  if (option_node != NULL && JSON_NODE_HOLDS_OBJECT (option_node))
    option = json_node_get_object (option_node);

  if (input_path == NULL)
    return g_strdup ("the test has no input");

  url = g_strconcat (SUITE_IRI_PREFIX, input_path, NULL);
  if (tc->manifest->kind == MANIFEST_TO_RDF)
    {
      /* as text: a json-glib tree cannot hold every string of the suite */
      input_bytes = load_file_bytes (input_path, &error);
      if (input_bytes == NULL)
        return g_strdup_printf ("reading the input failed: %s", error->message);
    }
  else
    {
      input = pp_document_loader_load (loader, url, &document_url, NULL, &error);
      if (input == NULL)
        return g_strdup_printf ("loading the input failed: %s", error->message);
    }

  if (!configure_options (options, option,
                          document_url != NULL ? document_url : url, &error))
    return g_strdup_printf ("reading the options failed: %s", error->message);

  if (context_path != NULL)
    {
      context = load_json_file (context_path, &error);
      if (context == NULL)
        return g_strdup_printf ("reading the context failed: %s", error->message);
    }

  switch (tc->manifest->kind)
    {
    case MANIFEST_EXPAND:
      result = pp_jsonld_expand (input, options, NULL, &error);
      break;
    case MANIFEST_COMPACT:
      result = pp_jsonld_compact (input, context, options, NULL, &error);
      break;
    case MANIFEST_FLATTEN:
      result = pp_jsonld_flatten (input, context, options, NULL, &error);
      break;
    case MANIFEST_TO_RDF:
      {
        g_autoptr(GBytes) output = pp_jsonld_to_rdf_bytes (input_bytes, options, NULL, &error);

        if (output != NULL)
          nquads = g_strndup (g_bytes_get_data (output, NULL), g_bytes_get_size (output));
        break;
      }
    default:
      g_assert_not_reached ();
    }

  if (negative)
    {
      if (error == NULL)
        {
          g_autofree char *got = nquads != NULL ? g_strdup (nquads)
                                                : node_to_string (result);

          return g_strdup_printf ("expected the error “%s”, got a result: %s",
                                  error_code, got);
        }
      if (error->domain != PP_JSONLD_ERROR)
        return g_strdup_printf ("expected the error “%s”, got one of domain %s: %s",
                                error_code, g_quark_to_string (error->domain),
                                error->message);
      if (error_code != NULL && !g_str_has_prefix (error->message, error_code))
        return g_strdup_printf ("expected the error “%s”, got: %s",
                                error_code, error->message);
      return NULL;
    }

  if (error != NULL)
    return g_strdup_printf ("unexpected error: %s", error->message);

  if (syntax_only)
    {
      g_autoptr(GPtrArray) got = NULL;

      /* no expected dataset, but the N-Quads must read back */
      if (nquads != NULL && (got = parse_nquads (nquads, &error)) == NULL)
        return g_strdup_printf ("the N-Quads produced: %s\n%s", error->message, nquads);
      return NULL;
    }

  if (expect_path == NULL)
    return g_strdup ("the test has no expected result");

  if (tc->manifest->kind == MANIFEST_TO_RDF)
    {
      g_autofree char *path = g_build_filename (suite_dir, expect_path, NULL);
      g_autofree char *expected_text = NULL;
      g_autoptr(GPtrArray) expected = NULL;
      g_autoptr(GPtrArray) got = NULL;

      if (nquads == NULL)
        return g_strdup ("no N-Quads and no error");
      if (!g_file_get_contents (path, &expected_text, NULL, &error))
        return g_strdup_printf ("reading the expected result failed: %s",
                                error->message);
      expected = parse_nquads (expected_text, &error);
      if (expected == NULL)
        return g_strdup_printf ("the expected N-Quads: %s", error->message);
      got = parse_nquads (nquads, &error);
      if (got == NULL)
        return g_strdup_printf ("the N-Quads produced: %s\n%s",
                                error->message, nquads);
      if (!datasets_isomorphic (got, expected))
        return g_strdup_printf ("the datasets differ; got:\n%s\nexpected:\n%s",
                                nquads, expected_text);
      return NULL;
    }
  else
    {
      g_autoptr(JsonNode) expected = load_json_file (expect_path, &error);
      gboolean relabel = tc->manifest->kind == MANIFEST_FLATTEN;

      if (expected == NULL)
        return g_strdup_printf ("reading the expected result failed: %s",
                                error->message);
      if (result == NULL)
        return g_strdup ("no result and no error");

      if (!json_equivalent (result, expected, relabel))
        {
          g_autofree char *got = node_to_string (result);
          g_autofree char *want = node_to_string (expected);

          return g_strdup_printf ("the results differ; got:\n%s\nexpected:\n%s",
                                  got, want);
        }

      /* A compacted result is also compared in expanded form, where the
       * order of list values is significant. */
      if (tc->manifest->kind == MANIFEST_COMPACT)
        {
          g_autoptr(JsonNode) expanded_expected = NULL;
          g_autoptr(JsonNode) expanded_result = NULL;

          expanded_expected = pp_jsonld_expand (expected, options, NULL, NULL);
          if (expanded_expected != NULL)
            {
              expanded_result = pp_jsonld_expand (result, options, NULL, &error);
              if (expanded_result == NULL)
                return g_strdup_printf ("expanding the result failed: %s",
                                        error->message);
              if (!json_equivalent (expanded_result, expanded_expected, FALSE))
                {
                  g_autofree char *got = node_to_string (expanded_result);
                  g_autofree char *want = node_to_string (expanded_expected);

                  return g_strdup_printf ("the results differ once expanded; "
                                          "got:\n%s\nexpected:\n%s", got, want);
                }
            }
        }

      return NULL;
    }
}

static const char *
not_applicable_reason (JsonObject *entry)
{
  JsonNode *option_node = json_object_get_member (entry, "option");
  const char *spec_version;

  if (option_node == NULL || !JSON_NODE_HOLDS_OBJECT (option_node))
    return NULL;

  spec_version = entry_get_string (json_node_get_object (option_node),
                                   "specVersion");
  if (spec_version != NULL && g_str_equal (spec_version, "json-ld-1.0"))
    return "a JSON-LD 1.0 test";

  return NULL;
}

static void
test_conformance (gconstpointer data)
{
  TestCase *tc = (TestCase *) data;
  const char *reason = not_applicable_reason (tc->entry);
  const char *name = entry_get_string (tc->entry, "name");
  g_autofree char *failure = NULL;

  if (reason != NULL)
    {
      tc->manifest->not_applicable++;
      g_test_skip (reason);
      return;
    }

  g_test_message ("%s#%s: %s", tc->manifest->name, tc->id,
                  name != NULL ? name : "");

  failure = run_test (tc);
  if (failure == NULL)
    {
      tc->manifest->passed++;
      return;
    }

  tc->manifest->failed++;
  g_test_message ("%s#%s fails: %s", tc->manifest->name, tc->id, failure);
  g_test_incomplete ("does not pass yet");
}

static void
test_pass_count (gconstpointer data)
{
  Manifest *manifest = (Manifest *) data;
  guint applicable = manifest->passed + manifest->failed;

  g_test_message ("%s: %u/%u passed (%u not applicable)", manifest->name,
                  manifest->passed, applicable, manifest->not_applicable);

  if (manifest->floor < 0)
    {
      g_test_fail_printf ("no floor for the %s manifest in conformance-floors.txt",
                          manifest->name);
      return;
    }

  if (manifest->passed < (guint) manifest->floor)
    g_test_fail_printf ("%s: %u tests passed, fewer than the floor of %d",
                        manifest->name, manifest->passed, manifest->floor);
}

static void
read_floors (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST,
                                                 "conformance-floors.txt",
                                                 NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    {
      g_printerr ("# cannot read the floors: %s\n", error->message);
      return;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint l = 0; lines[l] != NULL; l++)
    {
      g_auto(GStrv) fields = NULL;
      const char *line = g_strstrip (lines[l]);

      if (*line == '\0' || *line == '#')
        continue;

      fields = g_strsplit_set (line, " \t", -1);
      for (guint m = 0; m < G_N_ELEMENTS (manifests); m++)
        {
          guint64 floor_value;
          guint last = g_strv_length (fields) - 1;

          if (!g_str_equal (fields[0], manifests[m].name))
            continue;
          if (last == 0 ||
              !g_ascii_string_to_unsigned (fields[last], 10, 0, G_MAXINT,
                                           &floor_value, NULL))
            continue;
          manifests[m].floor = (gint) floor_value;
        }
    }
}

static gboolean
selected (char       **selection,
          Manifest    *manifest,
          const char  *id)
{
  if (selection == NULL || selection[0] == NULL)
    return TRUE;

  for (guint i = 0; selection[i] != NULL; i++)
    {
      const char *wanted = selection[i];
      const char *slash = strrchr (wanted, '/');

      if (slash != NULL)
        {
          gsize prefix = slash - wanted;

          if (strlen (manifest->name) != prefix ||
              strncmp (wanted, manifest->name, prefix) != 0)
            continue;
          wanted = slash + 1;
        }
      if (*wanted == '#')
        wanted++;
      if (g_str_equal (wanted, id))
        return TRUE;
    }

  return FALSE;
}

static gboolean
add_manifest (Manifest  *manifest,
              char     **selection,
              GError   **error)
{
  g_autofree char *file = g_strconcat (manifest->name, "-manifest.jsonld", NULL);
  g_autoptr(JsonNode) root = load_json_file (file, error);
  JsonNode *sequence;
  JsonArray *tests;

  if (root == NULL)
    return FALSE;

  sequence = JSON_NODE_HOLDS_OBJECT (root) ?
             json_object_get_member (json_node_get_object (root), "sequence") :
             NULL;
  if (sequence == NULL || !JSON_NODE_HOLDS_ARRAY (sequence))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s has no test sequence", file);
      return FALSE;
    }

  tests = json_node_get_array (sequence);
  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      JsonNode *node = json_array_get_element (tests, i);
      const char *id;
      g_autofree char *path = NULL;
      TestCase *tc;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      id = entry_get_string (json_node_get_object (node), "@id");
      if (id == NULL)
        continue;
      if (*id == '#')
        id++;
      if (!selected (selection, manifest, id))
        continue;

      tc = g_new0 (TestCase, 1);
      tc->manifest = manifest;
      tc->entry = json_object_ref (json_node_get_object (node));
      tc->id = g_strdup (id);

      path = g_strdup_printf ("/jsonld/%s/%s", manifest->name, id);
      g_test_add_data_func_full (path, tc, test_conformance, test_case_free);
    }

  if (selection == NULL || selection[0] == NULL)
    {
      g_autofree char *path = g_strdup_printf ("/jsonld/%s/pass-count",
                                               manifest->name);

      g_test_add_data_func (path, manifest, test_pass_count);
    }

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GError) error = NULL;
  char **selection;
  int status;

  g_test_init (&argc, &argv, NULL);

  suite_dir = g_test_build_filename (G_TEST_DIST, "w3c", NULL);
  directory = g_file_new_for_path (suite_dir);
  loader = pp_document_loader_new ();
  pp_document_loader_add_prefix_mapping (loader, SUITE_IRI_PREFIX, directory);

  read_floors ();

  /* what g_test_init() left: test ids to run, as "manifest/id" or "id" */
  selection = argv + 1;

  for (guint m = 0; m < G_N_ELEMENTS (manifests); m++)
    if (!add_manifest (&manifests[m], selection, &error))
      {
        g_printerr ("Bail out! %s\n", error->message);
        return 1;
      }

  status = g_test_run ();

  g_clear_object (&loader);
  g_clear_pointer (&suite_dir, g_free);

  return status;
}
