/* pp-jsonld.c: the JSON-LD 1.1 processor on the command line
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   pp-jsonld expand|compact|flatten|to-rdf [OPTION…] INPUT
 *
 * Writes the result to standard output: JSON pretty-printed with two-space
 * indentation, or N-Quads for to-rdf; exits with 0.  A JSON-LD error exits
 * with 1 and one line on standard error, "pp-jsonld: " followed by the
 * error message, which starts with the error code of the specification
 * ("pp-jsonld: invalid @id value: …").  A usage error exits with 2 and one
 * line on standard error.
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libpp/libpp.h>

#define EXIT_JSONLD_ERROR 1
#define EXIT_USAGE        2

static char *opt_base;
static char *opt_context;
static char *opt_expand_context;
static char *opt_processing_mode;
static char **opt_loader_map;
static gboolean opt_no_compact_arrays;
static gboolean opt_no_compact_to_relative;
static gboolean opt_produce_generalized_rdf;
static char *opt_rdf_direction;

static const GOptionEntry entries[] = {
  { "base", 0, 0, G_OPTION_ARG_STRING, &opt_base,
    "The base IRI (default: the file:// IRI of INPUT)", "IRI" },
  { "context", 0, 0, G_OPTION_ARG_FILENAME, &opt_context,
    "The context to compact with (required by compact)", "FILE" },
  { "expand-context", 0, 0, G_OPTION_ARG_FILENAME, &opt_expand_context,
    "A context to expand with before the document's own", "FILE" },
  { "processing-mode", 0, 0, G_OPTION_ARG_STRING, &opt_processing_mode,
    "json-ld-1.0 or json-ld-1.1 (the default)", "MODE" },
  { "loader-map", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_loader_map,
    "Load the IRIs starting with PREFIX from the directory DIR", "PREFIX=DIR" },
  { "no-compact-arrays", 0, 0, G_OPTION_ARG_NONE, &opt_no_compact_arrays,
    "Keep arrays of one element when compacting", NULL },
  { "no-compact-to-relative", 0, 0, G_OPTION_ARG_NONE, &opt_no_compact_to_relative,
    "Do not make IRIs relative to the base when compacting", NULL },
  { "produce-generalized-rdf", 0, 0, G_OPTION_ARG_NONE, &opt_produce_generalized_rdf,
    "Keep triples whose predicate is a blank node", NULL },
  { "rdf-direction", 0, 0, G_OPTION_ARG_STRING, &opt_rdf_direction,
    "i18n-datatype or compound-literal", "FORM" },
  { NULL }
};

static int
fail_usage (const char *format,
            ...) G_GNUC_PRINTF (1, 2);

static int
fail_usage (const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("pp-jsonld: %s\n", message);
  return EXIT_USAGE;
}

static int
fail_jsonld (GError *error)
{
  g_autofree char *line = g_strdup (error->message);

  /* one line, whatever the message holds */
  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("pp-jsonld: %s\n", line);
  return EXIT_JSONLD_ERROR;
}


/* "loading document failed: PATH: CAUSE", the specification's error for a
 * document that cannot be read or is not JSON */
static void
set_loading_failed (GError     **error,
                    const char  *path,
                    const char  *cause)
{
  g_set_error (error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED,
               "%s: %s: %s",
               pp_jsonld_error_code_to_string (PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED),
               strcmp (path, "-") == 0 ? "standard input" : path,
               cause);
}

/* Reads the bytes of @path ("-" for standard input) */
static GBytes *
load_bytes (const char  *path,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (strcmp (path, "-") == 0)
    {
      GString *buffer = g_string_new (NULL);
      char chunk[65536];
      size_t n;

      while ((n = fread (chunk, 1, sizeof chunk, stdin)) > 0)
        g_string_append_len (buffer, chunk, n);

      if (ferror (stdin))
        {
          g_string_free (buffer, TRUE);
          set_loading_failed (error, path, "cannot read standard input");
          return NULL;
        }

      return g_string_free_to_bytes (buffer);
    }

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      set_loading_failed (error, path, local_error->message);
      return NULL;
    }

  if (length > G_MAXSSIZE)
    {
      g_free (contents);
      set_loading_failed (error, path, "the document is too long");
      return NULL;
    }

  return g_bytes_new_take (contents, length);
}

/* Reads a JSON document from @path ("-" for standard input) */
static JsonNode *
load_json (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = load_bytes (path, error);
  const char *data;
  gsize length;
  JsonNode *root;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  root = pp_json_parse (data != NULL ? data : "", (gssize) length, &local_error);
  if (root == NULL)
    set_loading_failed (error, path, local_error->message);

  return root;
}

/* A command that reads JSON text and writes JSON text */
typedef GBytes *(*BytesCommand) (GBytes           *input,
                                 JsonNode         *context,
                                 PpJsonldOptions  *options,
                                 GError          **error);

static GBytes *
expand_bytes (GBytes           *input,
              JsonNode         *context,
              PpJsonldOptions  *options,
              GError          **error)
{
  return pp_jsonld_expand_bytes (input, options, TRUE, NULL, error);
}

static GBytes *
flatten_bytes (GBytes           *input,
               JsonNode         *context,
               PpJsonldOptions  *options,
               GError          **error)
{
  return pp_jsonld_flatten_bytes (input, context, options, TRUE, NULL, error);
}

static GBytes *
to_rdf_bytes (GBytes           *input,
              JsonNode         *context,
              PpJsonldOptions  *options,
              GError          **error)
{
  return pp_jsonld_to_rdf_bytes (input, options, NULL, error);
}

/* Runs @command on the text of @path, straight from bytes to bytes; a text
 * that is not JSON fails as load_json() fails */
static GBytes *
process_file (const char       *path,
              BytesCommand      command,
              JsonNode         *context,
              PpJsonldOptions  *options,
              GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) input = load_bytes (path, error);
  GBytes *output;
  const char *code;

  if (input == NULL)
    return NULL;

  output = command (input, context, options, &local_error);
  if (output != NULL)
    return output;

  code = pp_jsonld_error_code_to_string (PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED);
  if (g_error_matches (local_error, PP_JSONLD_ERROR, PP_JSONLD_ERROR_LOADING_DOCUMENT_FAILED) &&
      g_str_has_prefix (local_error->message, code) &&
      g_str_has_prefix (local_error->message + strlen (code), ": "))
    set_loading_failed (error, path, local_error->message + strlen (code) + 2);
  else
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

/* Flushes the output and frees the options */
static int
finish_output (void)
{
  g_clear_pointer (&opt_base, g_free);
  g_clear_pointer (&opt_context, g_free);
  g_clear_pointer (&opt_expand_context, g_free);
  g_clear_pointer (&opt_processing_mode, g_free);
  g_clear_pointer (&opt_loader_map, g_strfreev);
  g_clear_pointer (&opt_rdf_direction, g_free);

  if (fflush (stdout) != 0)
    {
      g_printerr ("pp-jsonld: cannot write the output\n");
      return EXIT_JSONLD_ERROR;
    }

  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpJsonldOptions) options = NULL;
  g_autoptr(PpDocumentLoader) loader = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) context = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *json = NULL;
  const char *command, *input_path;

  setlocale (LC_ALL, "");

  option_context = g_option_context_new ("expand|compact|flatten|to-rdf INPUT");
  g_option_context_set_summary (option_context,
                                "Process a JSON-LD 1.1 document: expand, compact, flatten it, "
                                "or convert it to N-Quads.\nINPUT may be - for standard input.");
  g_option_context_add_main_entries (option_context, entries, NULL);

  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    return fail_usage ("%s", error->message);

  if (argc != 3)
    return fail_usage ("expected a command and an input, see --help");

  command = argv[1];
  input_path = argv[2];

  if (strcmp (command, "expand") != 0 && strcmp (command, "compact") != 0 &&
      strcmp (command, "flatten") != 0 && strcmp (command, "to-rdf") != 0)
    return fail_usage ("unknown command “%s”: expected expand, compact, flatten or to-rdf",
                       command);

  if (strcmp (command, "compact") == 0 && opt_context == NULL)
    return fail_usage ("compact requires --context");

  options = pp_jsonld_options_new ();

  if (opt_processing_mode != NULL)
    {
      if (strcmp (opt_processing_mode, "json-ld-1.0") == 0)
        pp_jsonld_options_set_processing_mode (options, PP_JSONLD_PROCESSING_MODE_1_0);
      else if (strcmp (opt_processing_mode, "json-ld-1.1") == 0)
        pp_jsonld_options_set_processing_mode (options, PP_JSONLD_PROCESSING_MODE_1_1);
      else
        return fail_usage ("unknown processing mode “%s”: expected json-ld-1.0 or json-ld-1.1",
                           opt_processing_mode);
    }

  if (opt_rdf_direction != NULL)
    {
      if (strcmp (opt_rdf_direction, "i18n-datatype") == 0)
        pp_jsonld_options_set_rdf_direction (options, PP_JSONLD_RDF_DIRECTION_I18N_DATATYPE);
      else if (strcmp (opt_rdf_direction, "compound-literal") == 0)
        pp_jsonld_options_set_rdf_direction (options, PP_JSONLD_RDF_DIRECTION_COMPOUND_LITERAL);
      else
        return fail_usage ("unknown RDF direction “%s”: expected i18n-datatype or compound-literal",
                           opt_rdf_direction);
    }

  loader = pp_document_loader_new ();
  for (guint i = 0; opt_loader_map != NULL && opt_loader_map[i] != NULL; i++)
    {
      const char *mapping = opt_loader_map[i];
      const char *equals = strchr (mapping, '=');
      g_autofree char *prefix = NULL;
      g_autoptr(GFile) directory = NULL;

      if (equals == NULL || equals == mapping || equals[1] == '\0')
        return fail_usage ("invalid --loader-map “%s”: expected PREFIX=DIR", mapping);

      prefix = g_strndup (mapping, equals - mapping);
      directory = g_file_new_for_commandline_arg (equals + 1);
      pp_document_loader_add_prefix_mapping (loader, prefix, directory);
    }
  pp_jsonld_options_set_document_loader (options, loader);

  if (opt_base != NULL)
    {
      pp_jsonld_options_set_base (options, opt_base);
    }
  else if (strcmp (input_path, "-") != 0)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (input_path);
      g_autofree char *uri = g_file_get_uri (file);

      pp_jsonld_options_set_base (options, uri);
    }

  pp_jsonld_options_set_compact_arrays (options, !opt_no_compact_arrays);
  pp_jsonld_options_set_compact_to_relative (options, !opt_no_compact_to_relative);
  pp_jsonld_options_set_produce_generalized_rdf (options, opt_produce_generalized_rdf);

  if (opt_expand_context != NULL)
    {
      g_autoptr(JsonNode) expand_context = load_json (opt_expand_context, &error);

      if (expand_context == NULL)
        return fail_jsonld (error);
      pp_jsonld_options_set_expand_context (options, expand_context);
    }

  if (opt_context != NULL)
    {
      context = load_json (opt_context, &error);
      if (context == NULL)
        return fail_jsonld (error);
    }

  if (strcmp (command, "expand") == 0 || strcmp (command, "flatten") == 0 ||
      strcmp (command, "to-rdf") == 0)
    {
      gboolean nquads_output = strcmp (command, "to-rdf") == 0;
      g_autoptr(GBytes) output = NULL;
      const char *data;
      gsize length;

      output = process_file (input_path,
                             nquads_output ? to_rdf_bytes :
                             strcmp (command, "expand") == 0 ? expand_bytes : flatten_bytes,
                             context, options, &error);
      if (output == NULL)
        return fail_jsonld (error);

      data = g_bytes_get_data (output, &length);
      fwrite (data, 1, length, stdout);
      /* N-Quads end every line with one already */
      if (!nquads_output)
        fputc ('\n', stdout);
      return finish_output ();
    }

  input = load_json (input_path, &error);
  if (input == NULL)
    return fail_jsonld (error);

  result = pp_jsonld_compact (input, context, options, NULL, &error);
  if (result == NULL)
    return fail_jsonld (error);

  json = pp_jsonld_to_json (result, TRUE);
  fputs (json, stdout);
  fputc ('\n', stdout);

  return finish_output ();
}
