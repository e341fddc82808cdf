/* pp-converter-llm.c: asks an LLM for schema.org JSON-LD
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "pp-converter-llm.h"
#include "pp-converter-llm-output.h"
#include "pp-converter-llm-resources.h"
#include "pp-json-repair.h"
#include "pp-json-top-level.h"

/**
 * PpConverterLlm:
 *
 * The "llm" implementation of #PpConverter: it asks an LLM to extract the
 * entities and facts of a segment as schema.org JSON-LD.
 *
 * The system prompt is the bundled extraction prompt, or the content of
 * #PpConverterLlm:prompt-file, followed, when #PpConverterLlm:types is
 * set, by a paragraph that steers the extraction toward those schema.org
 * types. The user message is the segment's text, preceded by a line
 * "Section: A > B" when the segment has a heading path. Requests ask for
 * the form of answer #PpConverterLlm:structured-output says, at
 * #PpConverterLlm:temperature, and are tagged with the prompt's version,
 * `schemaorg-extract@` and the SHA-256 of the system prompt, so that
 * cached answers to another template or other types are not reused.
 *
 * The answer is mended where that is safe (a code fence or prose around
 * the JSON, commas before closing brackets, a value cut short, a missing
 * schema.org context) and must be
 * a JSON object, or an array of objects, that expands as JSON-LD to at
 * least one node. When it is not, the converter asks again, quoting what
 * was wrong, at most #PpConverterLlm:max-reasks times, and then fails with
 * %PP_CONVERTER_ERROR_INVALID_OUTPUT. Errors of the LLM client
 * (%PP_LLM_ERROR) are passed on unchanged.
 *
 * What it says about an answer (in its errors, its log and the question
 * it asks again) is first run through [method@Pp.LlmClient.redact], so
 * that an endpoint that echoes a secret in its answer does not get it
 * quoted.
 *
 * It gives its JSON-LD as JSON text, the answer as mended, with the
 * expansion it checked (see [method@Pp.Converter.convert_bytes]): no JSON
 * tree is built unless one is asked for.
 *
 * Its settings are fixed at construction and it keeps no state between
 * calls: one converter serves any number of threads at once.
 */

#define PROMPT_RESOURCE_PATH "/org/libpp/converter-llm/schemaorg-extract.txt"

#define SCHEMAORG_CONTEXT "https://schema.org"

#define DEFAULT_TEMPERATURE 0.0
#define DEFAULT_MAX_REASKS 2
#define DEFAULT_STRUCTURED_OUTPUT PP_CONVERTER_LLM_STRUCTURED_OUTPUT_AUTO

/* The longest schema.org type name is 48 characters */
#define MAX_TYPE_NAME 100

struct _PpConverterLlm
{
  GObject parent_instance;

  /* Set at construction, read-only afterwards */
  char *prompt_file;
  double temperature;
  guint max_reasks;
  char **types;
  PpConverterLlmStructuredOutput structured_output;

  /* Set once by GInitable.init, before the object is shared */
  char *prompt;           /* the template, and the types if any */
  char *prompt_version;   /* "schemaorg-extract@<SHA-256 of the prompt>" */

  /* Set at construction, read-only afterwards: the expansion's options,
   * those of the reconciler (the bundled contexts, members in order), so
   * that it merges the expansion as it is */
  PpJsonldOptions *options;
};

enum {
  PROP_0,
  PROP_PROMPT_FILE,
  PROP_TEMPERATURE,
  PROP_MAX_REASKS,
  PROP_TYPES,
  PROP_STRUCTURED_OUTPUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pp_converter_llm_converter_iface_init (PpConverterInterface *iface);
static void pp_converter_llm_initable_iface_init  (GInitableIface       *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (PpConverterLlm, pp_converter_llm, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (PP_TYPE_CONVERTER,
                                                               pp_converter_llm_converter_iface_init)
                                G_IMPLEMENT_INTERFACE_DYNAMIC (G_TYPE_INITABLE,
                                                               pp_converter_llm_initable_iface_init))

static gboolean
is_blank (const char *text,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isspace (text[i]))
        return FALSE;
    }

  return TRUE;
}

static char *
build_user_message (PpSegment *segment)
{
  const char * const *heading_path = pp_segment_get_heading_path (segment);
  GString *message = g_string_new (NULL);

  if (heading_path != NULL && heading_path[0] != NULL)
    {
      g_autofree char *path = g_strjoinv (" > ", (char **) heading_path);

      g_string_append_printf (message, "Section: %s\n\n", path);
    }

  g_string_append_len (message, pp_segment_get_text (segment), pp_segment_get_length (segment));

  return g_string_free (message, FALSE);
}

static char *
build_reask_message (const char *user_message,
                     const char *cause)
{
  return g_strdup_printf ("%s\n\n"
                          "Your previous answer to this text could not be used: %s.\n"
                          "Answer again with only the JSON-LD: one JSON object with "
                          "\"@context\": \"https://schema.org\" and \"@graph\", "
                          "no prose and no code fences.",
                          user_message, cause);
}

static PpLlmRequest *
build_request (PpConverterLlm *self,
               const char     *user_message)
{
  PpLlmRequest *request = pp_llm_request_new (self->prompt, user_message);

  pp_converter_llm_structured_output_apply (self->structured_output, request);
  pp_llm_request_set_prompt_version (request, self->prompt_version);
  if (self->temperature >= 0.0)
    pp_llm_request_set_temperature (request, self->temperature);

  return request;
}

/* Checks that @json is JSON-LD that describes something: an object or an
 * array of objects that expands to at least one node. Objects at the top
 * without a context are given the schema.org one: models often leave out
 * the context they were asked for, and without it the schema.org terms
 * mean nothing. Errors other than cancellation are
 * %PP_CONVERTER_ERROR_INVALID_OUTPUT, with a message that can be quoted to
 * the model.
 *
 * Returns: (transfer full): the expansion, as the reconciler makes it, or
 *   %NULL with @error set */
static GBytes *
expand_jsonld (PpConverterLlm  *self,
               GString         *json,
               GCancellable    *cancellable,
               GError         **error)
{
  g_autoptr(GBytes) input = NULL;
  g_autoptr(GBytes) expanded = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data;

  if (!pp_json_top_level_add_context (json, "\"" SCHEMAORG_CONTEXT "\"", error))
    return NULL;

  input = g_bytes_new_static (json->str, json->len);
  expanded = pp_jsonld_expand_bytes (input, self->options, FALSE, cancellable, &local_error);
  if (expanded == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                   "the JSON is not valid JSON-LD: %s", local_error->message);
      return NULL;
    }

  /* Written without white space: an empty array is "[]" */
  data = g_bytes_get_data (expanded, &size);
  if (size == 2 && memcmp (data, "[]", 2) == 0)
    {
      g_set_error_literal (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                           "the JSON-LD describes no entity once expanded "
                           "(is \"@graph\" empty, or are its entities empty?)");
      return NULL;
    }

  return g_steal_pointer (&expanded);
}

static GBytes *
pp_converter_llm_convert_bytes (PpConverter       *converter,
                                PpConvertContext  *context,
                                PpSegment         *segment,
                                GCancellable      *cancellable,
                                GBytes           **expanded,
                                GError           **error)
{
  PpConverterLlm *self = PP_CONVERTER_LLM (converter);
  g_autofree char *user_message = NULL;
  g_autoptr(PpLlmRequest) request = NULL;
  guint index = pp_segment_get_index (segment);

  if (self->prompt == NULL)
    {
      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
                   "Segment %u: the converter has no prompt (it was not initialised)", index);
      return NULL;
    }

  if (is_blank (pp_segment_get_text (segment), pp_segment_get_length (segment)))
    {
      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_UNSUPPORTED,
                   "Segment %u: there is no text to convert", index);
      return NULL;
    }

  user_message = build_user_message (segment);
  request = build_request (self, user_message);

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(PpLlmResponse) response = NULL;
      g_autoptr(GString) json = NULL;
      g_autoptr(GBytes) expansion = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *cause = NULL;
      g_autofree char *reask_message = NULL;

      /* LLM errors go to the processor as they are: it decides what to
       * retry from their code */
      response = pp_convert_context_complete (context, request, cancellable, error);
      if (response == NULL)
        return NULL;

      json = pp_json_repair (pp_llm_response_get_content (response), &local_error);
      if (json != NULL)
        expansion = expand_jsonld (self, json, cancellable, &local_error);
      if (expansion != NULL)
        {
          if (expanded != NULL)
            *expanded = g_steal_pointer (&expansion);
          return g_string_free_to_bytes (g_steal_pointer (&json));
        }

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* An answer that made no JSON-LD is never cached */
      pp_convert_context_reject_answer (context, response);

      /* The cause quotes the answer, which may echo a secret */
      cause = pp_llm_client_redact (pp_convert_context_get_client (context),
                                    local_error->message);

      if (attempt >= self->max_reasks)
        {
          g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_INVALID_OUTPUT,
                       "Segment %u: no usable JSON-LD after %u %s: %s",
                       index, attempt + 1, attempt == 0 ? "request" : "requests",
                       cause);
          return NULL;
        }

      g_debug ("Segment %u: asking again (%u of %u): %s",
               index, attempt + 1, self->max_reasks, cause);

      reask_message = build_reask_message (user_message, cause);
      g_clear_pointer (&request, pp_llm_request_unref);
      request = build_request (self, reask_message);
    }
}

static void
pp_converter_llm_converter_iface_init (PpConverterInterface *iface)
{
  iface->convert_bytes = pp_converter_llm_convert_bytes;
}

static char *
load_prompt (const char  *prompt_file,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *prompt = NULL;
  gsize length = 0;

  if (prompt_file != NULL)
    {
      if (!g_file_get_contents (prompt_file, &prompt, &length, &local_error))
        {
          g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
                       "Could not read the prompt file: %s", local_error->message);
          return NULL;
        }
    }
  else
    {
      g_autoptr(GBytes) bytes = NULL;

      bytes = g_resource_lookup_data (pp_converter_llm_get_resource (), PROMPT_RESOURCE_PATH,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &local_error);
      if (bytes == NULL)
        {
          g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
                       "Could not load the bundled prompt: %s", local_error->message);
          return NULL;
        }
      prompt = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      length = strlen (prompt);
    }

  if (!g_utf8_validate_len (prompt, length, NULL))
    {
      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
                   "The prompt%s%s is not valid UTF-8",
                   prompt_file != NULL ? " file " : "",
                   prompt_file != NULL ? prompt_file : "");
      return NULL;
    }

  g_strstrip (prompt);
  if (*prompt == '\0')
    {
      g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
                   "The prompt%s%s is empty",
                   prompt_file != NULL ? " file " : "",
                   prompt_file != NULL ? prompt_file : "");
      return NULL;
    }

  return g_steal_pointer (&prompt);
}

/* Whether @name can be a schema.org type: ASCII letters and digits, as
 * in Person or 3DModel */
static gboolean
is_type_name (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > MAX_TYPE_NAME)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (name[i]))
        return FALSE;
    }

  return TRUE;
}

/* The system prompt: @template, and what steers it toward @types */
static char *
build_prompt (const char         *template,
              const char * const *types,
              GError            **error)
{
  g_autofree char *list = NULL;

  if (types == NULL || types[0] == NULL)
    return g_strdup (template);

  for (guint i = 0; types[i] != NULL; i++)
    {
      if (!is_type_name (types[i]))
        {
          g_autofree char *shown = g_strescape (types[i], NULL);

          g_set_error (error, PP_CONVERTER_ERROR, PP_CONVERTER_ERROR_NOT_CONFIGURED,
                       "Type ‘%s’ is not a schema.org type name (letters and digits, such as Person)",
                       shown);
          return NULL;
        }
    }

  list = g_strjoinv (", ", (char **) types);
  return g_strdup_printf ("%s\n\n"
                          "Extract the entities of these schema.org types, and of their subtypes: %s. "
                          "Leave out other entities, unless one of these needs them as the value "
                          "of a property; give those the most specific type that fits.",
                          template, list);
}

static gboolean
pp_converter_llm_initable_init (GInitable     *initable,
                                GCancellable  *cancellable,
                                GError       **error)
{
  PpConverterLlm *self = PP_CONVERTER_LLM (initable);
  g_autofree char *template = NULL;
  g_autofree char *checksum = NULL;

  if (self->prompt != NULL)
    return TRUE;

  template = load_prompt (self->prompt_file, error);
  if (template == NULL)
    return FALSE;

  self->prompt = build_prompt (template, (const char * const *) self->types, error);
  if (self->prompt == NULL)
    return FALSE;

  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->prompt, -1);
  self->prompt_version = g_strconcat ("schemaorg-extract@", checksum, NULL);

  return TRUE;
}

static void
pp_converter_llm_initable_iface_init (GInitableIface *iface)
{
  iface->init = pp_converter_llm_initable_init;
}

static void
pp_converter_llm_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  PpConverterLlm *self = PP_CONVERTER_LLM (object);

  switch (prop_id)
    {
    case PROP_PROMPT_FILE:
      g_value_set_string (value, self->prompt_file);
      break;

    case PROP_TEMPERATURE:
      g_value_set_double (value, self->temperature);
      break;

    case PROP_MAX_REASKS:
      g_value_set_uint (value, self->max_reasks);
      break;

    case PROP_TYPES:
      g_value_set_boxed (value, self->types);
      break;

    case PROP_STRUCTURED_OUTPUT:
      g_value_set_enum (value, self->structured_output);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_converter_llm_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  PpConverterLlm *self = PP_CONVERTER_LLM (object);

  switch (prop_id)
    {
    case PROP_PROMPT_FILE:
      g_free (self->prompt_file);
      self->prompt_file = g_value_dup_string (value);
      break;

    case PROP_TEMPERATURE:
      self->temperature = g_value_get_double (value);
      break;

    case PROP_MAX_REASKS:
      self->max_reasks = g_value_get_uint (value);
      break;

    case PROP_TYPES:
      g_strfreev (self->types);
      self->types = g_value_dup_boxed (value);
      break;

    case PROP_STRUCTURED_OUTPUT:
      self->structured_output = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_converter_llm_finalize (GObject *object)
{
  PpConverterLlm *self = PP_CONVERTER_LLM (object);

  g_clear_pointer (&self->prompt_file, g_free);
  g_clear_pointer (&self->types, g_strfreev);
  g_clear_pointer (&self->prompt, g_free);
  g_clear_pointer (&self->prompt_version, g_free);
  g_clear_pointer (&self->options, pp_jsonld_options_unref);

  G_OBJECT_CLASS (pp_converter_llm_parent_class)->finalize (object);
}

static void
pp_converter_llm_class_init (PpConverterLlmClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_converter_llm_get_property;
  object_class->set_property = pp_converter_llm_set_property;
  object_class->finalize = pp_converter_llm_finalize;

  /**
   * PpConverterLlm:prompt-file:
   *
   * A file whose content replaces the bundled extraction prompt as the
   * system prompt, or %NULL for the bundled one. It is read when the
   * converter is initialised.
   */
  properties[PROP_PROMPT_FILE] =
    g_param_spec_string ("prompt-file", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * PpConverterLlm:temperature:
   *
   * The sampling temperature of the requests; a negative value leaves it
   * to the endpoint. 0 by default, for answers as repeatable as the model
   * allows.
   */
  properties[PROP_TEMPERATURE] =
    g_param_spec_double ("temperature", NULL, NULL,
                         -1.0, 2.0, DEFAULT_TEMPERATURE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_STATIC_STRINGS);

  /**
   * PpConverterLlm:max-reasks:
   *
   * How many times the converter asks again when an answer is not usable
   * JSON-LD, before it fails with %PP_CONVERTER_ERROR_INVALID_OUTPUT.
   */
  properties[PROP_MAX_REASKS] =
    g_param_spec_uint ("max-reasks", NULL, NULL,
                       0, 16, DEFAULT_MAX_REASKS,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS);

  /**
   * PpConverterLlm:types:
   *
   * The schema.org types to extract, such as `Person` and `Organization`
   * (with their subtypes), or %NULL for any. They are named in the system
   * prompt, after the template. A name must be ASCII letters and digits;
   * another fails the initialisation with
   * %PP_CONVERTER_ERROR_NOT_CONFIGURED.
   *
   * Since: 0.2
   */
  properties[PROP_TYPES] =
    g_param_spec_boxed ("types", NULL, NULL,
                        G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_STATIC_STRINGS);

  /**
   * PpConverterLlm:structured-output:
   *
   * The `response_format` of the requests: `auto` (the default) asks for a
   * JSON schema of a JSON-LD object, and lets the client fall back to a
   * JSON object, then to none, when its server refuses it; `json-schema`
   * asks for the schema and fails where it is refused; `json-object` asks
   * for any JSON object; `off` sends none.
   *
   * Since: 0.2
   */
  properties[PROP_STRUCTURED_OUTPUT] =
    g_param_spec_enum ("structured-output", NULL, NULL,
                       PP_TYPE_CONVERTER_LLM_STRUCTURED_OUTPUT,
                       DEFAULT_STRUCTURED_OUTPUT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_converter_llm_class_finalize (PpConverterLlmClass *klass)
{
}

static void
pp_converter_llm_init (PpConverterLlm *self)
{
  self->temperature = DEFAULT_TEMPERATURE;
  self->max_reasks = DEFAULT_MAX_REASKS;
  self->structured_output = DEFAULT_STRUCTURED_OUTPUT;
  self->options = pp_jsonld_options_new ();
  pp_jsonld_options_set_ordered (self->options, TRUE);
}

/**
 * pp_converter_llm_register:
 * @module: the type module of the plugin
 *
 * Registers #PpConverterLlm with the type system and, as "llm", at
 * %PP_CONVERTER_EXTENSION_POINT. May be called again each time the module
 * is loaded.
 */
void
pp_converter_llm_register (GTypeModule *module)
{
  pp_converter_llm_structured_output_register (module);
  pp_converter_llm_register_type (module);
  pp_registry_register_type (PP_CONVERTER_EXTENSION_POINT,
                             PP_TYPE_CONVERTER_LLM,
                             "llm",
                             10,
                             "Asks an LLM for schema.org JSON-LD "
                             "(structured output, JSON repair, bounded re-ask)");
}
