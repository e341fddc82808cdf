/* pp-test-converters.h: converters that give fixed JSON-LD, for the tests
 * of the converter interface and the processor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

/* Implements convert_bytes only: gives @text, and @expanded as its
 * expansion when set (both static strings the test owns) */
#define TEST_TYPE_TEXT_CONVERTER (test_text_converter_get_type ())
G_DECLARE_FINAL_TYPE (TestTextConverter, test_text_converter, TEST, TEXT_CONVERTER, GObject)

struct _TestTextConverter
{
  GObject parent_instance;
  const char *text;
  const char *expanded;
};

/* Implements convert only: a tree of a schema.org Person named @name
 * ("Ada Lovelace" when not set) */
#define TEST_TYPE_TREE_CONVERTER (test_tree_converter_get_type ())
G_DECLARE_FINAL_TYPE (TestTreeConverter, test_tree_converter, TEST, TREE_CONVERTER, GObject)

struct _TestTreeConverter
{
  GObject parent_instance;
  const char *name;
};

G_END_DECLS
