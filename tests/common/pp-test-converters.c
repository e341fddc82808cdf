/* pp-test-converters.c: converters that give fixed JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "pp-test-converters.h"

static GBytes *
test_text_converter_convert_bytes (PpConverter       *converter,
                                   PpConvertContext  *context,
                                   PpSegment         *segment,
                                   GCancellable      *cancellable,
                                   GBytes           **expanded,
                                   GError           **error)
{
  TestTextConverter *self = TEST_TEXT_CONVERTER (converter);

  if (expanded != NULL && self->expanded != NULL)
    *expanded = g_bytes_new_static (self->expanded, strlen (self->expanded));

  return g_bytes_new_static (self->text, strlen (self->text));
}

static void
test_text_converter_iface_init (PpConverterInterface *iface)
{
  iface->convert_bytes = test_text_converter_convert_bytes;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTextConverter, test_text_converter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CONVERTER, test_text_converter_iface_init))

static void
test_text_converter_class_init (TestTextConverterClass *klass)
{
}

static void
test_text_converter_init (TestTextConverter *self)
{
}

static JsonNode *
test_tree_converter_convert (PpConverter       *converter,
                             PpConvertContext  *context,
                             PpSegment         *segment,
                             GCancellable      *cancellable,
                             GError           **error)
{
  TestTreeConverter *self = TEST_TREE_CONVERTER (converter);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "@context");
  json_builder_add_string_value (builder, "https://schema.org");
  json_builder_set_member_name (builder, "@type");
  json_builder_add_string_value (builder, "Person");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name != NULL ? self->name : "Ada Lovelace");
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
test_tree_converter_iface_init (PpConverterInterface *iface)
{
  iface->convert = test_tree_converter_convert;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestTreeConverter, test_tree_converter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CONVERTER, test_tree_converter_iface_init))

static void
test_tree_converter_class_init (TestTreeConverterClass *klass)
{
}

static void
test_tree_converter_init (TestTreeConverter *self)
{
}
