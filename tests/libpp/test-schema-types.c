/* test-schema-types.c: the schema.org class hierarchy
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-schema-types-private.h"

#define S "http://schema.org/"

/* Subclasses, transitively, through either superclass of a class with two */
static void
test_subclass (void)
{
  g_assert_true (pp_schema_types_is_subclass (S "CollegeOrUniversity", S "EducationalOrganization"));
  g_assert_true (pp_schema_types_is_subclass (S "CollegeOrUniversity", S "Organization"));
  g_assert_true (pp_schema_types_is_subclass (S "CollegeOrUniversity", S "Place"));
  g_assert_true (pp_schema_types_is_subclass (S "Patient", S "Person"));
  g_assert_true (pp_schema_types_is_subclass (S "Person", S "Thing"));
  g_assert_true (pp_schema_types_is_subclass (S "Person", "https://schema.org/Person"));
  g_assert_false (pp_schema_types_is_subclass (S "Organization", S "CollegeOrUniversity"));
  g_assert_false (pp_schema_types_is_subclass (S "Person", S "Patient"));
  g_assert_false (pp_schema_types_is_subclass (S "Person", S "Organization"));
}

/* One family: a type and its subclasses; Thing, no family, and a type
 * the hierarchy does not list match only themselves */
static void
test_compatible (void)
{
  g_assert_true (pp_schema_types_compatible (S "Person", S "Person"));
  g_assert_true (pp_schema_types_compatible (S "Organization", S "CollegeOrUniversity"));
  g_assert_true (pp_schema_types_compatible (S "EducationalOrganization", S "CollegeOrUniversity"));
  g_assert_true (pp_schema_types_compatible ("https://schema.org/Patient", S "Person"));
  g_assert_false (pp_schema_types_compatible (S "Person", S "Place"));
  g_assert_false (pp_schema_types_compatible (S "Person", S "Organization"));
  g_assert_false (pp_schema_types_compatible (S "Person", S "Thing"));
  g_assert_true (pp_schema_types_compatible (S "Thing", "https://schema.org/Thing"));
  g_assert_true (pp_schema_types_compatible ("http://example.org/Robot", "http://example.org/Robot"));
  g_assert_false (pp_schema_types_compatible ("http://example.org/Robot", S "Person"));
  g_assert_false (pp_schema_types_compatible (S "Text", S "Person"));
}

/* The class below Thing a type descends from */
static void
test_family (void)
{
  g_assert_cmpstr (pp_schema_types_get_family (S "Person"), ==, "Person");
  g_assert_cmpstr (pp_schema_types_get_family (S "Patient"), ==, "Person");
  g_assert_cmpstr (pp_schema_types_get_family (S "CollegeOrUniversity"), ==, "Organization");
  g_assert_cmpstr (pp_schema_types_get_family (S "City"), ==, "Place");
  g_assert_cmpstr (pp_schema_types_get_family (S "ScholarlyArticle"), ==, "CreativeWork");
  g_assert_cmpstr (pp_schema_types_get_family (S "3DModel"), ==, "CreativeWork");
  g_assert_cmpstr (pp_schema_types_get_family (S "Thing"), ==, "Thing");
  g_assert_null (pp_schema_types_get_family (S "Text"));
  g_assert_null (pp_schema_types_get_family ("http://example.org/Robot"));
}

/* Loaded once, whichever thread asks first */
static gpointer
ask_family (gpointer data)
{
  return (gpointer) pp_schema_types_get_family (S "Hospital");
}

static void
test_threads (void)
{
  GThread *threads[8];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("family", ask_family, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpstr (g_thread_join (threads[i]), ==, "Organization");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema-types/threads", test_threads);
  g_test_add_func ("/schema-types/subclass", test_subclass);
  g_test_add_func ("/schema-types/compatible", test_compatible);
  g_test_add_func ("/schema-types/family", test_family);

  return g_test_run ();
}
