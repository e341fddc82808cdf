/* pp-document-loader.c: loads remote JSON-LD documents and contexts, offline by default
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libsoup/soup.h>

#include "pp-document-loader-private.h"
#include "pp-json-value-private.h"
#include "pp-json-parse.h"
#include "pp-jsonld-error.h"
#include "pp-jsonld-util-private.h"

/**
 * PpDocumentLoader:
 *
 * Loads the remote documents and contexts that JSON-LD documents refer to.
 *
 * A loader works offline unless told otherwise: it serves the bundled
 * schema.org context, the documents added with
 * pp_document_loader_add_document(), and the files of directories mapped to
 * IRI prefixes with pp_document_loader_add_prefix_mapping(). It fetches over
 * HTTP(S) only from the hosts allowed with pp_document_loader_allow_host().
 *
 * Loaded documents are parsed once and cached (a bundled context only
 * until the context it defines is processed, which then stands for it; it
 * is read again when asked for): the nodes it returns are shared,
 * read-only, between every caller and thread. Read them with the
 * non-reference getters only (json_node_get_object(), json_object_get_member()
 * and the like), never json_node_dup_object() nor json_object_ref() on their
 * insides, and make a deep copy of them before changing anything.
 *
 * A loader is thread-safe.
 *
 * Since: 0.1
 */

#define SCHEMAORG_CONTEXT_FILE "schemaorg-30.0.jsonld"

/* A loaded document, as libpp's values and as a sealed json-glib tree:
 * either is made from the other on first use (under the loader's lock),
 * so that the algorithms, which read values, never pay for a tree */
typedef struct {
  char        *url;
  JsonNode    *document;  /* nullable */
  PpJsonArena *arena;     /* nullable, with value */
  PpJsonValue *value;
} CacheEntry;

typedef struct {
  char  *prefix;
  GFile *directory;
} PrefixMapping;

typedef struct {
  gpointer       value;
  GDestroyNotify destroy;
} Derived;

/* how many derived results a loader keeps */
#define MAX_DERIVED 64

struct _PpDocumentLoader
{
  GObject      parent_instance;

  /* guards every member below but session */
  GMutex       lock;
  GHashTable  *cache;         /* IRI → CacheEntry */
  GPtrArray   *prefixes;      /* PrefixMapping, longest first */
  GHashTable  *allowed_hosts; /* lowercase host set */
  GHashTable  *derived;       /* key → Derived */

  /* serialises loading, so each document is parsed once */
  GMutex       load_lock;
  SoupSession *session;       /* created on first fetch, under load_lock */
};

G_DEFINE_FINAL_TYPE (PpDocumentLoader, pp_document_loader, G_TYPE_OBJECT)

static void
cache_entry_free (gpointer data)
{
  CacheEntry *entry = data;

  g_free (entry->url);
  g_clear_pointer (&entry->document, json_node_unref);
  g_clear_pointer (&entry->arena, pp_json_arena_unref);
  g_free (entry);
}

static void
prefix_mapping_free (gpointer data)
{
  PrefixMapping *mapping = data;

  g_free (mapping->prefix);
  g_object_unref (mapping->directory);
  g_free (mapping);
}

static void
derived_free (gpointer data)
{
  Derived *derived = data;

  if (derived->destroy != NULL)
    derived->destroy (derived->value);
  g_free (derived);
}

static void
pp_document_loader_finalize (GObject *object)
{
  PpDocumentLoader *self = PP_DOCUMENT_LOADER (object);

  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->prefixes, g_ptr_array_unref);
  g_clear_pointer (&self->allowed_hosts, g_hash_table_unref);
  g_clear_pointer (&self->derived, g_hash_table_unref);
  g_clear_object (&self->session);
  g_mutex_clear (&self->lock);
  g_mutex_clear (&self->load_lock);

  G_OBJECT_CLASS (pp_document_loader_parent_class)->finalize (object);
}

static void
pp_document_loader_class_init (PpDocumentLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pp_document_loader_finalize;
}

static void
pp_document_loader_init (PpDocumentLoader *self)
{
  g_mutex_init (&self->lock);
  g_mutex_init (&self->load_lock);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cache_entry_free);
  self->prefixes = g_ptr_array_new_with_free_func (prefix_mapping_free);
  self->allowed_hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->derived = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, derived_free);
}

/**
 * pp_document_loader_new:
 *
 * Creates an offline document loader serving the bundled contexts.
 *
 * Returns: (transfer full): a new #PpDocumentLoader
 *
 * Since: 0.1
 */
PpDocumentLoader *
pp_document_loader_new (void)
{
  return g_object_new (PP_TYPE_DOCUMENT_LOADER, NULL);
}

/**
 * pp_document_loader_get_default:
 *
 * The process-wide loader used when #PpJsonldOptions name none. Configure
 * it early: changes apply to every later use in the process.
 *
 * Returns: (transfer none): the default #PpDocumentLoader
 *
 * Since: 0.1
 */
PpDocumentLoader *
pp_document_loader_get_default (void)
{
  static PpDocumentLoader *default_loader = NULL;

  if (g_once_init_enter (&default_loader))
    g_once_init_leave (&default_loader, pp_document_loader_new ());

  return default_loader;
}

static gint
compare_prefix_length (gconstpointer a,
                       gconstpointer b)
{
  const PrefixMapping *ma = *(const PrefixMapping * const *) a;
  const PrefixMapping *mb = *(const PrefixMapping * const *) b;
  size_t la = strlen (ma->prefix), lb = strlen (mb->prefix);

  return la < lb ? 1 : la > lb ? -1 : 0;
}

/**
 * pp_document_loader_add_prefix_mapping:
 * @loader: a #PpDocumentLoader
 * @iri_prefix: an IRI prefix, such as `https://example.org/contexts/`
 * @directory: the directory holding the documents under @iri_prefix
 *
 * Serves the IRIs starting with @iri_prefix from the files of @directory:
 * the rest of the IRI (without its fragment), percent-decoded, is the path
 * of the file relative to @directory. The longest matching prefix wins.
 *
 * Only the files inside @directory are served: an IRI whose rest is an
 * absolute path, has an empty, `.` or `..` segment, a backslash or a NUL,
 * or names a file whose real path (symbolic links resolved) lies outside
 * the real path of @directory fails to load.
 *
 * Since: 0.1
 */
void
pp_document_loader_add_prefix_mapping (PpDocumentLoader *loader,
                                       const char       *iri_prefix,
                                       GFile            *directory)
{
  PrefixMapping *mapping;

  g_return_if_fail (PP_IS_DOCUMENT_LOADER (loader));
  g_return_if_fail (iri_prefix != NULL);
  g_return_if_fail (G_IS_FILE (directory));

  mapping = g_new0 (PrefixMapping, 1);
  mapping->prefix = g_strdup (iri_prefix);
  mapping->directory = g_object_ref (directory);

  g_mutex_lock (&loader->lock);
  g_ptr_array_add (loader->prefixes, mapping);
  g_ptr_array_sort (loader->prefixes, compare_prefix_length);
  g_hash_table_remove_all (loader->derived);
  g_mutex_unlock (&loader->lock);
}

/**
 * pp_document_loader_add_document:
 * @loader: a #PpDocumentLoader
 * @iri: the IRI of the document
 * @document: the document
 *
 * Preloads a document: @loader serves a deep copy of @document for @iri
 * from now on, replacing any document it had for @iri. @document must hold
 * valid UTF-8 only and nest no deeper than 512 levels.
 *
 * Since: 0.1
 */
void
pp_document_loader_add_document (PpDocumentLoader *loader,
                                 const char       *iri,
                                 JsonNode         *document)
{
  CacheEntry *entry;

  g_return_if_fail (PP_IS_DOCUMENT_LOADER (loader));
  g_return_if_fail (iri != NULL);
  g_return_if_fail (document != NULL);
  g_return_if_fail (g_utf8_validate (iri, -1, NULL));

  if (!pp_jsonld_node_validate_utf8 (document, PP_JSONLD_MAX_DEPTH, NULL))
    {
      g_critical ("%s: the document for %s is not valid UTF-8 or nests deeper "
                  "than %u levels; it is ignored", G_STRFUNC, iri, PP_JSONLD_MAX_DEPTH);
      return;
    }

  entry = g_new0 (CacheEntry, 1);
  entry->url = g_strdup (iri);
  entry->document = pp_jsonld_node_copy_deep (document);
  json_node_seal (entry->document);

  g_mutex_lock (&loader->lock);
  g_hash_table_replace (loader->cache, g_strdup (iri), entry);
  g_hash_table_remove_all (loader->derived);
  g_mutex_unlock (&loader->lock);
}

/**
 * pp_document_loader_allow_host:
 * @loader: a #PpDocumentLoader
 * @host: a host name, such as `example.org`
 *
 * Lets @loader fetch the documents of @host over HTTP and HTTPS. Without
 * this, a document that is neither bundled, preloaded nor mapped to a
 * directory fails to load.
 *
 * Since: 0.1
 */
void
pp_document_loader_allow_host (PpDocumentLoader *loader,
                               const char       *host)
{
  g_return_if_fail (PP_IS_DOCUMENT_LOADER (loader));
  g_return_if_fail (host != NULL);

  g_mutex_lock (&loader->lock);
  g_hash_table_add (loader->allowed_hosts, g_ascii_strdown (host, -1));
  g_mutex_unlock (&loader->lock);
}

static gboolean
is_schemaorg_context (const char *iri)
{
  static const char * const urls[] = {
    "http://schema.org", "http://schema.org/",
    "https://schema.org", "https://schema.org/",
    "http://schema.org/docs/jsonldcontext.json",
    "http://schema.org/docs/jsonldcontext.jsonld",
    "https://schema.org/docs/jsonldcontext.json",
    "https://schema.org/docs/jsonldcontext.jsonld",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (urls); i++)
    if (strcmp (iri, urls[i]) == 0)
      return TRUE;

  return FALSE;
}

/* a bundled context: from $PP_DATA_DIR/contexts (an uninstalled tree) if
 * it has it, else from the installed data directory */
static GFile *
get_contexts_file (const char *name)
{
  const char *data_dir = g_getenv ("PP_DATA_DIR");

  if (data_dir != NULL && *data_dir != '\0')
    {
      g_autoptr(GFile) file = g_file_new_build_filename (data_dir, "contexts", name, NULL);

      if (g_file_query_exists (file, NULL))
        return g_steal_pointer (&file);
    }

  return g_file_new_build_filename (PP_PKGDATADIR, "contexts", name, NULL);
}

/* the directory mapped to the longest prefix of @iri, and in @rest the part
 * of @iri after that prefix, or NULL; called under the lock */
static GFile *
lookup_mapping (PpDocumentLoader  *self,
                const char        *iri,
                const char       **rest)
{
  guint i;

  for (i = 0; i < self->prefixes->len; i++)
    {
      PrefixMapping *mapping = g_ptr_array_index (self->prefixes, i);

      if (g_str_has_prefix (iri, mapping->prefix))
        {
          *rest = iri + strlen (mapping->prefix);
          return g_object_ref (mapping->directory);
        }
    }

  return NULL;
}

/* whether @path, a decoded relative path, stays below its directory: not
 * absolute, no empty, "." nor ".." segment, no backslash */
static gboolean
is_contained_path (const char *path)
{
  g_auto(GStrv) segments = NULL;

  if (*path == '\0' || g_path_is_absolute (path) || strchr (path, '\\') != NULL)
    return FALSE;

  segments = g_strsplit (path, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      if (*segments[i] == '\0' ||
          strcmp (segments[i], ".") == 0 ||
          strcmp (segments[i], "..") == 0)
        return FALSE;
    }

  return TRUE;
}

static void
set_outside_error (const char  *iri,
                   GError     **error)
{
  pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                       "%s is outside the mapped directory", iri);
}

/* whether @path is @directory or lies below it; both are canonical */
static gboolean
path_is_within (const char *path,
                const char *directory)
{
  size_t length = strlen (directory);

  if (strncmp (path, directory, length) != 0)
    return FALSE;

  return path[length] == '\0' || path[length] == G_DIR_SEPARATOR ||
         (length > 0 && directory[length - 1] == G_DIR_SEPARATOR);
}

/* The file that @rest, the part of @iri after the prefix mapped to
 * @directory, names: percent-decoded, a relative path that stays below
 * @directory, and, in a local directory, a file whose real path (symbolic
 * links resolved) lies inside the real path of @directory. */
static GFile *
resolve_mapped_file (const char  *iri,
                     GFile       *directory,
                     const char  *rest,
                     GError     **error)
{
  g_autofree char *escaped = g_strndup (rest, strcspn (rest, "#"));
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *relative = NULL;
  g_autofree char *directory_path = NULL;
  g_autofree char *path = NULL;
  g_autofree char *real_directory = NULL;
  g_autofree char *real_path = NULL;
  g_autoptr(GFile) file = NULL;
  const char *data;
  gsize length;
  int saved_errno;

  bytes = g_uri_unescape_bytes (escaped, -1, NULL, NULL);
  if (bytes == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s has an invalid percent-escape", iri);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &length);
  if (length > 0 && memchr (data, '\0', length) != NULL)
    {
      set_outside_error (iri, error);
      return NULL;
    }

  relative = g_strndup (data, length);
  if (!is_contained_path (relative))
    {
      set_outside_error (iri, error);
      return NULL;
    }

  file = g_file_resolve_relative_path (directory, relative);

  /* a directory that is not local (a resource) has no links to follow */
  directory_path = g_file_get_path (directory);
  if (directory_path == NULL)
    return g_steal_pointer (&file);

  path = g_file_get_path (file);
  real_directory = realpath (directory_path, NULL);
  if (real_directory == NULL)
    {
      saved_errno = errno;
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s: the mapped directory %s: %s",
                           iri, directory_path, g_strerror (saved_errno));
      return NULL;
    }

  real_path = realpath (path, NULL);
  if (real_path == NULL)
    {
      saved_errno = errno;
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s: %s: %s", iri, path, g_strerror (saved_errno));
      return NULL;
    }

  if (!path_is_within (real_path, real_directory))
    {
      set_outside_error (iri, error);
      return NULL;
    }

  /* what was checked is what is read */
  return g_file_new_for_path (real_path);
}

/* A new cache entry for the document @data, read into libpp's values; no
 * tree is made until a caller of pp_document_loader_load() asks for one */
static CacheEntry *
parse_document (const char  *iri,
                const char  *data,
                gsize        length,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PpJsonArena) arena = NULL;
  PpJsonValue *value = NULL;
  CacheEntry *entry;

  /* checks UTF-8 and depth once here, so the algorithms can trust cached
   * documents, with pp_json_parse()'s errors (a tree cannot hold an escaped
   * NUL) */
  arena = pp_json_arena_new ();
  if (length <= G_MAXSSIZE)
    value = pp_json_value_parse_validated (arena, data, (gssize) length, &local_error);
  if (value == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED, "%s: %s", iri,
                           local_error != NULL ? local_error->message : "the text is too long");
      return NULL;
    }

  entry = g_new0 (CacheEntry, 1);
  entry->arena = g_steal_pointer (&arena);
  entry->value = value;

  return entry;
}

static CacheEntry *
load_file (const char    *iri,
           GFile         *file,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s: %s", iri, local_error->message);
      return NULL;
    }

  return parse_document (iri, contents, length, error);
}

static CacheEntry *
fetch (PpDocumentLoader  *self,
       const char        *iri,
       char             **final_url,
       GCancellable      *cancellable,
       GError           **error)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) local_error = NULL;
  SoupStatus status;
  gsize length;
  const char *data;

  message = soup_message_new (SOUP_METHOD_GET, iri);
  if (message == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s is not a valid URL", iri);
      return NULL;
    }

  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/ld+json, application/json;q=0.9");

  if (self->session == NULL)
    self->session = soup_session_new_with_options ("timeout", 30,
                                                   "user-agent", "libpp/" PACKAGE_VERSION,
                                                   NULL);

  body = soup_session_send_and_read (self->session, message, cancellable, &local_error);
  if (body == NULL)
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s: %s", iri, local_error->message);
      return NULL;
    }

  status = soup_message_get_status (message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "%s: HTTP status %u %s", iri, status,
                           soup_message_get_reason_phrase (message));
      return NULL;
    }

  *final_url = g_uri_to_string (soup_message_get_uri (message));
  data = g_bytes_get_data (body, &length);

  return parse_document (iri, data != NULL ? data : "", length, error);
}

static gboolean
host_allowed (PpDocumentLoader *self,
              const char       *iri)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host = NULL;
  const char *scheme;
  gboolean allowed;

  uri = g_uri_parse (iri, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return FALSE;

  host = g_ascii_strdown (g_uri_get_host (uri), -1);

  g_mutex_lock (&self->lock);
  allowed = g_hash_table_contains (self->allowed_hosts, host);
  g_mutex_unlock (&self->lock);

  return allowed;
}

/* The document of @entry as the caller asks for it: a new reference on its
 * tree (*document) or on the arena of its values (*arena, the values in
 * *value), made on first use; called under the lock */
static void
cache_entry_take (CacheEntry   *entry,
                  JsonNode    **document,
                  PpJsonArena **arena,
                  PpJsonValue **value,
                  char        **document_url)
{
  if (document != NULL)
    {
      if (entry->document == NULL)
        {
          entry->document = pp_json_value_to_json_node (entry->value);
          json_node_seal (entry->document);
        }
      *document = json_node_ref (entry->document);
    }

  if (arena != NULL)
    {
      if (entry->value == NULL)
        {
          entry->arena = pp_json_arena_new ();
          entry->value = pp_json_value_from_json_node_unchecked (entry->arena,
                                                                 entry->document);
        }
      *arena = pp_json_arena_ref (entry->arena);
      *value = entry->value;
    }

  if (document_url != NULL)
    *document_url = g_strdup (entry->url);
}

static gboolean
lookup_cache (PpDocumentLoader  *self,
              const char        *iri,
              JsonNode         **document,
              PpJsonArena      **arena,
              PpJsonValue      **value,
              char             **document_url)
{
  CacheEntry *entry;

  g_mutex_lock (&self->lock);
  entry = g_hash_table_lookup (self->cache, iri);
  if (entry != NULL)
    cache_entry_take (entry, document, arena, value, document_url);
  g_mutex_unlock (&self->lock);

  return entry != NULL;
}

/* Loads @iri into the cache, unless another thread did meanwhile, and
 * takes its document as cache_entry_take() does */
static gboolean
load (PpDocumentLoader  *loader,
      const char        *iri,
      JsonNode         **document,
      PpJsonArena      **arena,
      PpJsonValue      **value,
      char             **document_url,
      GCancellable      *cancellable,
      GError           **error)
{
  g_autofree char *final_url = NULL;
  g_autoptr(GFile) file = NULL;
  CacheEntry *entry = NULL;

  if (document_url != NULL)
    *document_url = NULL;

  if (!g_utf8_validate (iri, -1, NULL))
    {
      pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                           "the IRI is not valid UTF-8");
      return FALSE;
    }

  if (lookup_cache (loader, iri, document, arena, value, document_url))
    return TRUE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_mutex_lock (&loader->load_lock);

  /* another thread may have loaded it meanwhile */
  if (lookup_cache (loader, iri, document, arena, value, document_url))
    {
      g_mutex_unlock (&loader->load_lock);
      return TRUE;
    }

  if (is_schemaorg_context (iri))
    file = get_contexts_file (SCHEMAORG_CONTEXT_FILE);
  else
    {
      g_autoptr(GFile) directory = NULL;
      const char *rest = NULL;

      g_mutex_lock (&loader->lock);
      directory = lookup_mapping (loader, iri, &rest);
      g_mutex_unlock (&loader->lock);

      if (directory != NULL)
        {
          file = resolve_mapped_file (iri, directory, rest, error);
          if (file == NULL)
            {
              g_mutex_unlock (&loader->load_lock);
              return FALSE;
            }
        }
    }

  if (file != NULL)
    {
      entry = load_file (iri, file, cancellable, error);
      final_url = g_strdup (iri);
    }
  else if (host_allowed (loader, iri))
    entry = fetch (loader, iri, &final_url, cancellable, error);
  else
    pp_jsonld_set_error (error, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
                         "%s is not available offline (allow its host to fetch it)",
                         iri);

  if (entry == NULL)
    {
      g_mutex_unlock (&loader->load_lock);
      return FALSE;
    }

  entry->url = g_steal_pointer (&final_url);

  g_mutex_lock (&loader->lock);
  cache_entry_take (entry, document, arena, value, document_url);
  g_hash_table_replace (loader->cache, g_strdup (iri), entry);
  g_mutex_unlock (&loader->lock);

  g_mutex_unlock (&loader->load_lock);

  return TRUE;
}

/**
 * pp_document_loader_load:
 * @loader: a #PpDocumentLoader
 * @iri: the absolute IRI of the document
 * @document_url: (out) (optional) (transfer full): the final URL of the
 *   document, after redirections (@iri itself when served offline)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Loads the JSON document at @iri, from the cache, the bundled contexts, a
 * preloaded document, a mapped directory or, if its host is allowed, the
 * network. Fails with %PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED.
 *
 * This blocks; it may be called from any thread.
 *
 * Returns: (transfer full): the document, sealed and shared: never change it
 *   nor take references on the objects and arrays inside it
 *
 * Since: 0.1
 */
JsonNode *
pp_document_loader_load (PpDocumentLoader  *loader,
                         const char        *iri,
                         char             **document_url,
                         GCancellable      *cancellable,
                         GError           **error)
{
  JsonNode *document = NULL;

  g_return_val_if_fail (PP_IS_DOCUMENT_LOADER (loader), NULL);
  g_return_val_if_fail (iri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load (loader, iri, &document, NULL, NULL, document_url, cancellable, error))
    return NULL;

  return document;
}

/*
 * pp_document_loader_load_value:
 * @loader: a #PpDocumentLoader
 * @iri: the absolute IRI of the document
 * @document_url: (out) (optional) (transfer full): the final URL of the
 *   document
 * @arena: (out) (transfer full): the arena the document lives in
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * pp_document_loader_load() for the algorithms, without a tree.
 *
 * Returns: (transfer none) (nullable): the document, read-only, living as
 *   long as *@arena
 */
const PpJsonValue *
pp_document_loader_load_value (PpDocumentLoader  *loader,
                               const char        *iri,
                               char             **document_url,
                               PpJsonArena      **arena,
                               GCancellable      *cancellable,
                               GError           **error)
{
  PpJsonValue *value = NULL;

  g_return_val_if_fail (PP_IS_DOCUMENT_LOADER (loader), NULL);
  g_return_val_if_fail (iri != NULL, NULL);
  g_return_val_if_fail (arena != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  *arena = NULL;
  if (!load (loader, iri, NULL, arena, &value, document_url, cancellable, error))
    return NULL;

  return value;
}

/*
 * pp_document_loader_get_derived:
 * @loader: a #PpDocumentLoader
 * @key: the key of the result
 * @ref_func: makes a new reference to a value
 *
 * Returns: (transfer full) (nullable): the result stored for @key
 */
gpointer
pp_document_loader_get_derived (PpDocumentLoader *loader,
                                const char       *key,
                                gpointer        (*ref_func) (gpointer))
{
  Derived *derived;
  gpointer value = NULL;

  g_return_val_if_fail (PP_IS_DOCUMENT_LOADER (loader), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  g_mutex_lock (&loader->lock);
  derived = g_hash_table_lookup (loader->derived, key);
  if (derived != NULL)
    value = ref_func (derived->value);
  g_mutex_unlock (&loader->lock);

  return value;
}

/*
 * pp_document_loader_set_derived:
 * @loader: a #PpDocumentLoader
 * @key: the key of the result
 * @source_iri: (nullable): the IRI of the document @value is derived from
 * @value: (transfer full): the result
 * @destroy: releases @value
 *
 * Stores a result derived from the documents of @loader. When @source_iri
 * names a bundled context, its document is dropped from the cache: the
 * result stands for it, and the file is there to be read again.
 */
void
pp_document_loader_set_derived (PpDocumentLoader *loader,
                                const char       *key,
                                const char       *source_iri,
                                gpointer          value,
                                GDestroyNotify    destroy)
{
  Derived *derived;

  g_return_if_fail (PP_IS_DOCUMENT_LOADER (loader));
  g_return_if_fail (key != NULL);

  derived = g_new0 (Derived, 1);
  derived->value = value;
  derived->destroy = destroy;

  g_mutex_lock (&loader->lock);
  if (g_hash_table_size (loader->derived) >= MAX_DERIVED)
    g_hash_table_remove_all (loader->derived);
  g_hash_table_replace (loader->derived, g_strdup (key), derived);
  if (source_iri != NULL && is_schemaorg_context (source_iri))
    g_hash_table_remove (loader->cache, source_iri);
  g_mutex_unlock (&loader->lock);
}
