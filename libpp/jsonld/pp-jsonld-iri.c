/* pp-jsonld-iri.c: IRI resolution (RFC 3986)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-jsonld-iri-private.h"

#include <string.h>

/* The components of an IRI reference, pointing into a copy of it: NULL
 * means the component is undefined (RFC 3986 distinguishes an empty query
 * or fragment from none). */
typedef struct {
  char *buffer;
  const char *scheme;
  const char *authority;
  const char *path;
  const char *query;
  const char *fragment;
} IriParts;

static gsize
scheme_length (const char *iri)
{
  const char *p = iri;

  if (!g_ascii_isalpha (*p))
    return 0;

  for (p++; *p != '\0'; p++)
    {
      if (*p == ':')
        return p - iri;
      if (!g_ascii_isalnum (*p) && *p != '+' && *p != '-' && *p != '.')
        return 0;
    }

  return 0;
}

/* splits @iri into its components; the parts hold pointers into
 * parts->buffer, which the caller frees */
static void
iri_parse (const char *iri,
           IriParts   *parts)
{
  char *p;
  gsize len;
  char *buffer;
  gsize n = strlen (iri);

  /* room for the terminators inserted between the components */
  buffer = g_malloc (n * 2 + 5);
  memset (parts, 0, sizeof (*parts));
  parts->buffer = buffer;

  p = buffer;
  len = scheme_length (iri);
  if (len > 0)
    {
      memcpy (p, iri, len);
      p[len] = '\0';
      parts->scheme = p;
      p += len + 1;
      iri += len + 1;
    }

  if (iri[0] == '/' && iri[1] == '/')
    {
      iri += 2;
      len = strcspn (iri, "/?#");
      memcpy (p, iri, len);
      p[len] = '\0';
      parts->authority = p;
      p += len + 1;
      iri += len;
    }

  len = strcspn (iri, "?#");
  memcpy (p, iri, len);
  p[len] = '\0';
  parts->path = p;
  p += len + 1;
  iri += len;

  if (*iri == '?')
    {
      iri++;
      len = strcspn (iri, "#");
      memcpy (p, iri, len);
      p[len] = '\0';
      parts->query = p;
      p += len + 1;
      iri += len;
    }

  if (*iri == '#')
    {
      iri++;
      parts->fragment = strcpy (p, iri);
    }
}

/* the default port of the scheme is not part of the authority */
static char *
normalize_authority (const char *scheme,
                     const char *authority)
{
  if (authority == NULL)
    return NULL;

  if (scheme != NULL &&
      ((g_ascii_strcasecmp (scheme, "http") == 0 && g_str_has_suffix (authority, ":80")) ||
       (g_ascii_strcasecmp (scheme, "https") == 0 && g_str_has_suffix (authority, ":443"))))
    return g_strndup (authority, strrchr (authority, ':') - authority);

  return g_strdup (authority);
}

/* RFC 3986 5.2.4, in the segment-list form */
static char *
remove_dot_segments (const char *path)
{
  g_auto(GStrv) input = NULL;
  g_autoptr(GPtrArray) output = NULL;
  GString *result;
  guint i, n;

  if (*path == '\0')
    return g_strdup ("");

  input = g_strsplit (path, "/", -1);
  n = g_strv_length (input);
  output = g_ptr_array_sized_new (n + 1);

  for (i = 0; i < n; i++)
    {
      const char *segment = input[i];
      gboolean done = (i + 1 == n);

      if (strcmp (segment, ".") == 0)
        {
          if (done)
            g_ptr_array_add (output, (gpointer) "");
          continue;
        }

      if (strcmp (segment, "..") == 0)
        {
          if (output->len > 0)
            g_ptr_array_remove_index (output, output->len - 1);
          if (done)
            g_ptr_array_add (output, (gpointer) "");
          continue;
        }

      g_ptr_array_add (output, (gpointer) segment);
    }

  if (path[0] == '/' && output->len > 0 &&
      *(const char *) g_ptr_array_index (output, 0) != '\0')
    g_ptr_array_insert (output, 0, (gpointer) "");

  if (output->len == 1 && *(const char *) g_ptr_array_index (output, 0) == '\0')
    return g_strdup ("/");

  result = g_string_sized_new (strlen (path));
  for (i = 0; i < output->len; i++)
    {
      if (i > 0)
        g_string_append_c (result, '/');
      g_string_append (result, g_ptr_array_index (output, i));
    }

  return g_string_free (result, FALSE);
}

/*
 * pp_jsonld_iri_is_absolute:
 * @iri: (nullable): a string
 *
 * Whether @iri has the form of an absolute IRI: a scheme, a colon, and no
 * whitespace.
 */
gboolean
pp_jsonld_iri_is_absolute (const char *iri)
{
  const char *p;

  if (iri == NULL || scheme_length (iri) == 0)
    return FALSE;

  for (p = iri; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return FALSE;

  return TRUE;
}

/*
 * pp_jsonld_iri_ends_with_gen_delim:
 *
 * Whether the last character of @iri is an RFC 3986 gen-delim
 * (":/?#[]@").
 */
gboolean
pp_jsonld_iri_ends_with_gen_delim (const char *iri)
{
  gsize n;

  if (iri == NULL)
    return FALSE;

  n = strlen (iri);
  return n > 0 && strchr (":/?#[]@", iri[n - 1]) != NULL;
}

/*
 * pp_jsonld_iri_resolve:
 * @base: (nullable): the base IRI
 * @iri: an IRI reference
 *
 * Resolves @iri against @base (RFC 3986 section 5.2). An absolute @iri, or
 * any @iri when @base is %NULL, is returned unchanged.
 *
 * Returns: (transfer full): the resolved IRI
 */
char *
pp_jsonld_iri_resolve (const char *base,
                       const char *iri)
{
  IriParts b, r;
  g_autofree char *authority = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *path = NULL;
  const char *query;
  GString *result;

  g_return_val_if_fail (iri != NULL, NULL);

  if (base == NULL || pp_jsonld_iri_is_absolute (iri))
    return g_strdup (iri);

  iri_parse (base, &b);
  iri_parse (iri, &r);

  if (r.authority != NULL)
    {
      authority = g_strdup (r.authority);
      path = g_strdup (r.path);
      query = r.query;
    }
  else
    {
      authority = normalize_authority (b.scheme, b.authority);
      if (*r.path == '\0')
        {
          path = g_strdup (b.path);
          query = r.query != NULL ? r.query : b.query;
        }
      else
        {
          if (r.path[0] == '/')
            path = g_strdup (r.path);
          else
            {
              const char *slash = strrchr (b.path, '/');
              GString *m = g_string_new (NULL);

              if (slash != NULL)
                g_string_append_len (m, b.path, slash - b.path + 1);
              if ((m->len > 0 || b.authority != NULL) &&
                  (m->len == 0 || m->str[m->len - 1] != '/'))
                g_string_append_c (m, '/');
              g_string_append (m, r.path);
              path = g_string_free (m, FALSE);
            }
          query = r.query;
        }
    }

  if (*r.path != '\0')
    {
      merged = remove_dot_segments (path);
      g_free (path);
      path = g_steal_pointer (&merged);
    }

  result = g_string_sized_new (strlen (base) + strlen (iri));
  if (b.scheme != NULL)
    {
      g_string_append (result, b.scheme);
      g_string_append_c (result, ':');
    }
  if (authority != NULL)
    {
      g_string_append (result, "//");
      g_string_append (result, authority);
    }
  g_string_append (result, path);
  if (query != NULL)
    {
      g_string_append_c (result, '?');
      g_string_append (result, query);
    }
  if (r.fragment != NULL)
    {
      g_string_append_c (result, '#');
      g_string_append (result, r.fragment);
    }
  if (result->len == 0)
    g_string_append (result, "./");

  g_free (b.buffer);
  g_free (r.buffer);

  return g_string_free (result, FALSE);
}

/*
 * pp_jsonld_iri_make_relative:
 * @iri: an absolute IRI
 * @base: (nullable): the base IRI
 *
 * The shortest IRI reference that resolves to @iri against @base, as
 * jsonld.js computes it: @iri unchanged when it does not share the scheme
 * and authority of @base, else a path relative to the base's directory
 * ("../" for each base segment left), with the query and fragment.
 *
 * Returns: (transfer full): the relative IRI reference
 */
char *
pp_jsonld_iri_make_relative (const char *iri,
                             const char *base)
{
  IriParts b, r;
  g_autofree char *b_authority = NULL;
  g_autofree char *b_path = NULL;
  g_autofree char *r_path = NULL;
  g_auto(GStrv) b_segments = NULL;
  g_auto(GStrv) r_segments = NULL;
  GString *root, *result;
  guint bi = 0, ri = 0, bn, rn, last, i;

  g_return_val_if_fail (iri != NULL, NULL);

  if (base == NULL)
    return g_strdup (iri);

  iri_parse (base, &b);
  b_authority = normalize_authority (b.scheme, b.authority);

  root = g_string_new (NULL);
  if (*base != '\0')
    {
      if (b.scheme != NULL)
        {
          g_string_append (root, b.scheme);
          g_string_append_c (root, ':');
        }
      g_string_append (root, "//");
      if (b_authority != NULL)
        g_string_append (root, b_authority);
    }
  else if (!g_str_has_prefix (iri, "//"))
    g_string_append (root, "//");

  if (!g_str_has_prefix (iri, root->str))
    {
      g_string_free (root, TRUE);
      g_free (b.buffer);
      return g_strdup (iri);
    }

  iri_parse (iri + root->len, &r);

  b_path = remove_dot_segments (b.path);
  r_path = remove_dot_segments (r.path);
  b_segments = g_strsplit (b_path, "/", -1);
  r_segments = g_strsplit (r_path, "/", -1);
  bn = g_strv_length (b_segments);
  rn = g_strv_length (r_segments);

  /* keep the last segment unless there is a query or fragment */
  last = (r.fragment != NULL || r.query != NULL) ? 0 : 1;
  while (bi < bn && rn - ri > last)
    {
      if (strcmp (b_segments[bi], r_segments[ri]) != 0)
        break;
      bi++;
      ri++;
    }

  result = g_string_new (NULL);
  if (bi < bn)
    {
      /* the last base segment is a file or empty, not a directory */
      for (i = bi; i + 1 < bn; i++)
        g_string_append (result, "../");
    }

  for (i = ri; i < rn; i++)
    {
      if (i > ri)
        g_string_append_c (result, '/');
      g_string_append (result, r_segments[i]);
    }

  if (r.query != NULL)
    {
      g_string_append_c (result, '?');
      g_string_append (result, r.query);
    }
  if (r.fragment != NULL)
    {
      g_string_append_c (result, '#');
      g_string_append (result, r.fragment);
    }
  if (result->len == 0)
    g_string_append (result, "./");

  g_string_free (root, TRUE);
  g_free (b.buffer);
  g_free (r.buffer);

  return g_string_free (result, FALSE);
}
