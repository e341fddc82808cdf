/* pp-converter-llm-output.c: the form of answer the converter asks for
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-converter-llm-output.h"

/* The schema of an answer: a JSON-LD object with a @graph, or a single
 * node with a @type. Loose on purpose (not strict, any other members):
 * the converter mends and validates what comes, and a tight schema would
 * only make servers that enforce it refuse or truncate answers. */
#define JSONLD_RESPONSE_FORMAT \
  "{\"type\": \"json_schema\", \"json_schema\": {" \
    "\"name\": \"schemaorg_jsonld\", " \
    "\"description\": \"schema.org JSON-LD: an object with @context and @graph, or one node with @type\", " \
    "\"strict\": false, " \
    "\"schema\": {" \
      "\"type\": \"object\", " \
      "\"properties\": {" \
        "\"@context\": {}, " \
        "\"@graph\": {\"type\": \"array\", \"items\": {\"type\": \"object\"}}, " \
        "\"@type\": {\"type\": [\"string\", \"array\"]}" \
      "}, " \
      "\"anyOf\": [{\"required\": [\"@graph\"]}, {\"required\": [\"@type\"]}]" \
    "}" \
  "}}"

static GType structured_output_type;

GType
pp_converter_llm_structured_output_get_type (void)
{
  return structured_output_type;
}

void
pp_converter_llm_structured_output_register (GTypeModule *module)
{
  static const GEnumValue values[] = {
    { PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO, "PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO", "auto" },
    { PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_SCHEMA, "PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_SCHEMA", "json-schema" },
    { PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_OBJECT, "PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_OBJECT", "json-object" },
    { PP_CONVERTER_LLM_STRUCTURED_OUTPUT_OFF, "PP_CONVERTER_LLM_STRUCTURED_OUTPUT_OFF", "off" },
    { 0, NULL, NULL }
  };

  structured_output_type = g_type_module_register_enum (module, "PpConverterLlmStructuredOutput", values);
}

/* Sets the form of answer @mode asks for on @request */
void
pp_converter_llm_structured_output_apply (PpConverterLlmStructuredOutput  mode,
                                          PpLlmRequest                   *request)
{
  switch (mode)
    {
    case PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO:
    case PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_SCHEMA:
      if (!pp_llm_request_set_response_format (request, JSONLD_RESPONSE_FORMAT, NULL))
        g_assert_not_reached ();
      pp_llm_request_set_response_format_optional (request,
                                                   mode == PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO);
      break;

    case PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_OBJECT:
      pp_llm_request_set_json_mode (request, TRUE);
      break;

    case PP_CONVERTER_LLM_STRUCTURED_OUTPUT_OFF:
    default:
      break;
    }
}
