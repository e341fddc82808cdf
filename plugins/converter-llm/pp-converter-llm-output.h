/* pp-converter-llm-output.h: the form of answer the converter asks for
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <libpp/libpp.h>

G_BEGIN_DECLS

/**
 * PpConverterLlmStructuredOutput:
 * @PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO: a JSON schema where the server
 *   takes one, else a JSON object, else nothing (the client finds out)
 * @PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_SCHEMA: a JSON schema of a
 *   JSON-LD object; a server that refuses it fails the request
 * @PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_OBJECT: any JSON object (the
 *   JSON mode)
 * @PP_CONVERTER_LLM_STRUCTURED_OUTPUT_OFF: no `response_format`: the prompt
 *   alone asks for JSON
 *
 * The `response_format` of the converter's requests. Registered with the
 * plugin's module as "PpConverterLlmStructuredOutput"; its nicks are
 * `auto`, `json-schema`, `json-object` and `off`.
 */
typedef enum {
  PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO,
  PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_SCHEMA,
  PP_CONVERTER_LLM_STRUCTURED_OUTPUT_JSON_OBJECT,
  PP_CONVERTER_LLM_STRUCTURED_OUTPUT_OFF,
} PpConverterLlmStructuredOutput;

#define PP_TYPE_CONVERTER_LLM_STRUCTURED_OUTPUT (pp_converter_llm_structured_output_get_type ())

GType pp_converter_llm_structured_output_get_type      (void) G_GNUC_CONST;
void  pp_converter_llm_structured_output_register      (GTypeModule                    *module);
void  pp_converter_llm_structured_output_apply         (PpConverterLlmStructuredOutput  mode,
                                                        PpLlmRequest                   *request);

G_END_DECLS
