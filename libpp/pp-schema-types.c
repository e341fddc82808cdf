/* pp-schema-types.c: the schema.org class hierarchy
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "pp-schema-types-private.h"

/* The classes of schema.org 30.0 and their direct superclasses, read once
 * per process from the bundled table (data/schemaorg-30.0-classes.tsv: a
 * line per class, a tab, its superclasses separated by commas), then
 * shared read-only by every thread.
 *
 * Types are compared by IRI. A schema.org type (`http://schema.org/Person`
 * or `https://schema.org/Person`) is known by its local name; any other IRI,
 * or a schema.org name the table does not list, only matches itself. */

#define CLASSES_FILE "schemaorg-30.0-classes.tsv"

typedef struct _SchemaClass SchemaClass;

struct _SchemaClass
{
  char *name;
  SchemaClass **supers;        /* NULL-terminated */
  const char *family;          /* the class below Thing it descends from,
                                * Thing for Thing */
};

static void
schema_class_free (SchemaClass *klass)
{
  g_free (klass->name);
  g_free (klass->supers);
  g_free (klass);
}

/* The table: from $PP_DATA_DIR (an uninstalled tree) if it has it, else
 * from the installed data directory */
static char *
read_classes_file (GError **error)
{
  const char *data_dir = g_getenv ("PP_DATA_DIR");
  g_autofree char *path = NULL;
  char *contents = NULL;

  if (data_dir != NULL && *data_dir != '\0')
    {
      path = g_build_filename (data_dir, CLASSES_FILE, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        g_clear_pointer (&path, g_free);
    }
  if (path == NULL)
    path = g_build_filename (PP_PKGDATADIR, CLASSES_FILE, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;

  return contents;
}

/* How little a family says of an entity */
static int
family_vagueness (const char *family)
{
  if (g_str_equal (family, "Thing"))
    return 2;
  if (g_str_equal (family, "Intangible"))
    return 1;
  return 0;
}

/**
 * pp_schema_types_prefer_family:
 * @family: (nullable): a family, or %NULL
 * @candidate: (nullable): another, or %NULL
 *
 * Of two families of one entity (a LocalBusiness is an Organization and a
 * Place), the one that names it: the first by name, Intangible and Thing
 * last (a Patient is a Person before a MedicalAudience).
 *
 * Returns: (nullable): @family or @candidate
 */
const char *
pp_schema_types_prefer_family (const char *family,
                               const char *candidate)
{
  int order;

  if (candidate == NULL || candidate == family)
    return family;
  if (family == NULL)
    return candidate;

  order = family_vagueness (candidate) - family_vagueness (family);
  if (order == 0)
    order = strcmp (candidate, family);

  return order < 0 ? candidate : family;
}

/* The root class below Thing that @klass descends from */
static const char *
find_family (SchemaClass *klass,
             guint        depth)
{
  const char *best = NULL;

  if (klass->supers[0] == NULL)
    return klass->name;        /* Thing */
  if (depth > 64)
    return NULL;

  for (SchemaClass **s = klass->supers; *s != NULL; s++)
    {
      /* directly below Thing, or below one of its superclasses' family */
      const char *family = (*s)->supers[0] == NULL ? klass->name : find_family (*s, depth + 1);

      best = pp_schema_types_prefer_family (best, family);
    }

  return best;
}

static GHashTable *
load_classes (void)
{
  g_autoptr(GHashTable) classes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) schema_class_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = read_classes_file (&error);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) super_names = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  GHashTableIter iter;
  SchemaClass *klass;

  if (contents == NULL)
    {
      g_warning ("The schema.org class hierarchy cannot be read, types match only "
                 "themselves: %s", error->message);
      return g_steal_pointer (&classes);
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *tab = strchr (lines[i], '\t');

      if (tab == NULL)
        continue;

      klass = g_new0 (SchemaClass, 1);
      klass->name = g_strndup (lines[i], tab - lines[i]);
      g_hash_table_replace (classes, klass->name, klass);
      g_ptr_array_add (super_names, g_strsplit (tab + 1, ",", -1));
    }

  /* Second pass, every class known: link the superclasses */
  for (guint i = 0, n = 0; lines[i] != NULL; i++)
    {
      const char *tab = strchr (lines[i], '\t');
      g_autofree char *name = NULL;
      char **names;
      guint n_supers = 0;

      if (tab == NULL)
        continue;

      name = g_strndup (lines[i], tab - lines[i]);
      klass = g_hash_table_lookup (classes, name);
      names = g_ptr_array_index (super_names, n++);
      klass->supers = g_new0 (SchemaClass *, g_strv_length (names) + 1);
      for (guint j = 0; names[j] != NULL; j++)
        {
          SchemaClass *super = g_hash_table_lookup (classes, names[j]);

          if (super != NULL)
            klass->supers[n_supers++] = super;
        }
    }

  g_hash_table_iter_init (&iter, classes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &klass))
    klass->family = find_family (klass, 0);

  return g_steal_pointer (&classes);
}

static GHashTable *
get_classes (void)
{
  static GHashTable *classes;

  if (g_once_init_enter (&classes))
    g_once_init_leave (&classes, load_classes ());

  return classes;
}

/**
 * pp_schema_types_local_name:
 * @type_iri: a type IRI
 *
 * The name of a schema.org type (`Person` for `http://schema.org/Person`
 * or `https://schema.org/Person`).
 *
 * Returns: (nullable): the name, in @type_iri, or %NULL if @type_iri is
 *   not in the schema.org namespace
 */
const char *
pp_schema_types_local_name (const char *type_iri)
{
  if (g_str_has_prefix (type_iri, "http://schema.org/"))
    return type_iri + strlen ("http://schema.org/");
  if (g_str_has_prefix (type_iri, "https://schema.org/"))
    return type_iri + strlen ("https://schema.org/");

  return NULL;
}

static SchemaClass *
lookup_class (const char *type_iri)
{
  const char *name = pp_schema_types_local_name (type_iri);

  return name != NULL ? g_hash_table_lookup (get_classes (), name) : NULL;
}

static gboolean
class_descends_from (SchemaClass *klass,
                     SchemaClass *super,
                     guint        depth)
{
  if (klass == super)
    return TRUE;
  if (depth > 64)
    return FALSE;

  for (SchemaClass **s = klass->supers; *s != NULL; s++)
    if (class_descends_from (*s, super, depth + 1))
      return TRUE;

  return FALSE;
}

/**
 * pp_schema_types_is_subclass:
 * @type_iri: a type IRI
 * @super_iri: another type IRI
 *
 * Whether @type_iri is @super_iri or one of its subclasses, transitively.
 *
 * Returns: %TRUE if @type_iri is a @super_iri
 */
gboolean
pp_schema_types_is_subclass (const char *type_iri,
                             const char *super_iri)
{
  SchemaClass *klass, *super;
  const char *name, *super_name;

  g_return_val_if_fail (type_iri != NULL, FALSE);
  g_return_val_if_fail (super_iri != NULL, FALSE);

  if (g_str_equal (type_iri, super_iri))
    return TRUE;

  klass = lookup_class (type_iri);
  super = lookup_class (super_iri);
  if (klass != NULL && super != NULL)
    return class_descends_from (klass, super, 0);

  /* the same unknown schema.org name, one over http and one over https */
  name = pp_schema_types_local_name (type_iri);
  super_name = pp_schema_types_local_name (super_iri);
  return name != NULL && super_name != NULL && g_str_equal (name, super_name);
}

/**
 * pp_schema_types_compatible:
 * @a_iri: a type IRI
 * @b_iri: another type IRI
 *
 * Whether two types are of one family: one is the other or one of its
 * subclasses, transitively. Thing is no family: it is compatible with
 * itself only, or every type would be compatible with every other.
 *
 * Returns: %TRUE if a node of type @a_iri and one of type @b_iri may
 *   describe the same entity
 */
gboolean
pp_schema_types_compatible (const char *a_iri,
                            const char *b_iri)
{
  const char *a_name, *b_name;

  g_return_val_if_fail (a_iri != NULL, FALSE);
  g_return_val_if_fail (b_iri != NULL, FALSE);

  a_name = pp_schema_types_local_name (a_iri);
  b_name = pp_schema_types_local_name (b_iri);
  if ((a_name != NULL && g_str_equal (a_name, "Thing")) ||
      (b_name != NULL && g_str_equal (b_name, "Thing")))
    return a_name != NULL && b_name != NULL && g_str_equal (a_name, b_name);

  return pp_schema_types_is_subclass (a_iri, b_iri) ||
         pp_schema_types_is_subclass (b_iri, a_iri);
}

/**
 * pp_schema_types_get_family:
 * @type_iri: a type IRI
 *
 * The class directly below Thing that a schema.org type descends from
 * (`Person` for `Patient`, `Organization` for `CollegeOrUniversity`); for
 * a type with several, the first by name, Intangible last; Thing for
 * Thing.
 *
 * Returns: (nullable): the class's name, or %NULL for the types the
 *   schema.org hierarchy does not list
 */
const char *
pp_schema_types_get_family (const char *type_iri)
{
  SchemaClass *klass;

  g_return_val_if_fail (type_iri != NULL, NULL);

  klass = lookup_class (type_iri);
  return klass != NULL ? klass->family : NULL;
}
