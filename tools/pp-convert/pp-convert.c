/* pp-convert.c: turns documents into one JSON-LD graph
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib-unix.h>
#include <libpp/libpp.h>

#include "pp-convert-console.h"
#include "pp-convert-inputs.h"
#include "pp-convert-limits.h"
#include "pp-convert-log.h"
#include "pp-convert-no-llm.h"
#include "pp-convert-output.h"
#include "pp-convert-progress.h"
#include "pp-convert-tally.h"
#include "pp-duration.h"

/* Exit statuses; and 128 + the signal's number when interrupted (130 for
 * SIGINT, 143 for SIGTERM), once the graph of what was done is written */
enum {
  EXIT_OK = 0,
  EXIT_FAILED = 1,
  EXIT_USAGE = 2,
  EXIT_PARTIAL = 3,   /* the graph was written, but some segments failed */
};

typedef struct
{
  GMainLoop *loop;
  PpProcessor *processor;
  PpReconciler *merger;        /* merges the documents' graphs, if several */
  JsonNode *graph;             /* the graph of a lone document, or */
  GBytes *bytes;               /* its JSON, when the runs give bytes */
  gboolean writes_bytes;       /* the runs give their graph as JSON: no
                                * tree to merge or turn into N-Quads */
  GPtrArray *documents;
  guint next;
  Tally *tally;                /* of the document under way */
  PpOutputForm form;
  gboolean provenance;
  gboolean verbose;
  Progress *progress;          /* on the status line of a terminal, or NULL */
  OutputFile *output;          /* --output, or NULL */
  OutputFile *stats_output;    /* --stats, or NULL */
  GPtrArray *inputs;           /* the Input of each document */
  gboolean nquads;
  guint files_skipped;         /* inputs that could not be read */
  guint segments_failed;
  GError *error;

  /* Interruption: the first SIGINT or SIGTERM stops dispatch, the second
   * aborts the requests in flight too, the third ends the process */
  guint n_interrupts;
  int interrupted_by;          /* the first signal's number, or 0 */
  gboolean incomplete;         /* some segment was left out for it */
} Job;

static char *opt_endpoint;
static char *opt_model;
static char *opt_llm;
static char *opt_converter;
static char *opt_prompt;
static char *opt_types;
static char *opt_structured_output;
static char *opt_cache = NULL;
static char *opt_cache_ttl = NULL;
static char *opt_output;
static char *opt_stats;
static char *opt_form;
static char *opt_reader;
static char **opt_include;
static char **opt_exclude;
static char *opt_output_dir;
static char *opt_resolve;
static int opt_jobs = 8;
static int opt_min_jobs = 1;
static gboolean opt_no_adaptive;
static gboolean opt_no_provenance;
static int opt_rpm;
static int opt_tpm;
static int opt_timeout = 60;
static int opt_segment_timeout;
static int opt_segment_size = 2000;
static int opt_retries = 4;
static gboolean opt_list_plugins;
static gboolean opt_verbose;
static gboolean opt_quiet;
static gboolean opt_version;
static char **opt_files;

static const GOptionEntry entries[] = {
  { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &opt_endpoint,
    "Base URL of an OpenAI-compatible server (default: $OPENAI_BASE_URL)", "URL" },
  { "model", 'm', 0, G_OPTION_ARG_STRING, &opt_model, "Model to ask for (default: $OPENAI_MODEL)", "NAME" },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs,
    "Most segments converted at once: requests in flight (default: 8)", "N" },
  { "min-jobs", 0, 0, G_OPTION_ARG_INT, &opt_min_jobs,
    "Fewest requests in flight the adaptive limit goes down to (default: 1)", "N" },
  { "no-adaptive", 0, 0, G_OPTION_ARG_NONE, &opt_no_adaptive,
    "Keep --jobs requests in flight, rather than adapt to the server's 429s and timeouts", NULL },
  { "rpm", 0, 0, G_OPTION_ARG_INT, &opt_rpm, "Most requests sent per minute; 0 for no limit (default: 0)", "N" },
  { "tpm", 0, 0, G_OPTION_ARG_INT, &opt_tpm,
    "Most tokens (prompt and completion) spent per minute; 0 for no limit (default: 0)", "N" },
  { "timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout,
    "Most time a request may take, from connecting to the last byte of the answer; 0 for no limit "
    "(default: 60)", "SECONDS" },
  { "segment-timeout", 0, 0, G_OPTION_ARG_INT, &opt_segment_timeout,
    "Most time a segment may take across all its retries; 0 for no limit (default: 0)", "SECONDS" },
  { "segment-size", 's', 0, G_OPTION_ARG_INT, &opt_segment_size,
    "Most characters in a segment (default: 2000)", "CHARS" },
  { "cache", 0, 0, G_OPTION_ARG_STRING, &opt_cache,
    "Cache of answers: none, memory, sqlite[:PATH] or redis://[user:password@]host:port[/db] "
    "(default: sqlite, in $XDG_CACHE_HOME/libpp/llm-cache.sqlite)", "CACHE" },
  { "cache-ttl", 0, 0, G_OPTION_ARG_STRING, &opt_cache_ttl,
    "How long stored answers stay valid, such as 30d or 12h; 0 for ever (default: 0)", "DURATION" },
  { "retries", 0, 0, G_OPTION_ARG_INT, &opt_retries,
    "Retries of a segment after a transient error: 5xx, 429, timeout, connection lost, "
    "answer cut short (default: 4)", "N" },
  { "form", 'f', 0, G_OPTION_ARG_STRING, &opt_form,
    "Output form: compacted, flattened, expanded or nquads (default: compacted)", "FORM" },
  { "resolve", 0, 0, G_OPTION_ARG_STRING, &opt_resolve,
    "Entities that look alike but the rules leave apart: rules keeps them apart and lists "
    "them in --stats; llm asks the LLM about each group and merges what it confirms "
    "(default: rules)", "MODE" },
  { "no-provenance", 0, 0, G_OPTION_ARG_NONE, &opt_no_provenance,
    "Leave out of the graph which segments (index, byte range, section) each node came from", NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, "Write the graph to FILE instead of standard output", "FILE" },
  { "output-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_output_dir,
    "Write one graph per file, NAME.jsonld (NAME.nq with --form nquads), under DIR, rather than "
    "one graph of them all", "DIR" },
  { "reader", 0, 0, G_OPTION_ARG_STRING, &opt_reader,
    "Read every file with this reader plugin, such as text, markdown, pdf or html "
    "(default: $PP_READER, or the reader of each file's content type)", "NAME" },
  { "include", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_include,
    "In directories, convert only the files whose name or path below the directory matches "
    "PATTERN, such as *.pdf; repeatable", "PATTERN" },
  { "exclude", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_exclude,
    "In directories, leave out the files whose name or path below the directory matches "
    "PATTERN; repeatable", "PATTERN" },
  { "stats", 0, 0, G_OPTION_ARG_FILENAME, &opt_stats, "Write the processor's statistics as JSON to FILE", "FILE" },
  { "llm", 0, 0, G_OPTION_ARG_STRING, &opt_llm, "LLM client plugin (default: $PP_LLM, or the best available)", "NAME" },
  { "converter", 0, 0, G_OPTION_ARG_STRING, &opt_converter, "Converter plugin (default: $PP_CONVERTER, or the best available)", "NAME" },
  { "prompt", 0, 0, G_OPTION_ARG_FILENAME, &opt_prompt,
    "Use the prompt template in FILE instead of the bundled one", "FILE" },
  { "types", 0, 0, G_OPTION_ARG_STRING, &opt_types,
    "Extract entities of these schema.org types, such as Person,Organization", "TYPE,…" },
  { "structured-output", 0, 0, G_OPTION_ARG_STRING, &opt_structured_output,
    "Ask for answers as auto, json-schema, json-object or off (default: auto)", "MODE" },
  { "list-plugins", 0, 0, G_OPTION_ARG_NONE, &opt_list_plugins, "List the plugins and exit", NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose,
    "Print the debug messages of libpp and its plugins, and progress, on standard error", NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "Print errors only: no progress line, no other messages", NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, "FILE…" },
  G_OPTION_ENTRY_NULL
};

static void G_GNUC_PRINTF (1, 2)
print_error (const char *format,
             ...)
{
  g_autofree char *body = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  body = g_strdup_vprintf (format, args);
  va_end (args);
  message = g_strconcat ("pp-convert: ", body, NULL);

  /* One line, whatever the message holds */
  g_strdelimit (message, "\n\r", ' ');
  console_print_line (message);
}

static void
list_plugins (void)
{
  const char * const *points = pp_registry_list_points ();

  pp_registry_ensure_loaded ();

  for (guint i = 0; points[i] != NULL; i++)
    {
      g_autoptr(GList) extensions = pp_registry_list_extensions (points[i]);

      printf ("%s:\n", points[i]);
      if (extensions == NULL)
        printf ("  (none)\n");
      for (GList *l = extensions; l != NULL; l = l->next)
        printf ("  %-12s %4d  %s\n",
                pp_extension_get_name (l->data),
                pp_extension_get_priority (l->data),
                pp_extension_get_description (l->data));
    }
}

static gboolean
parse_form (const char    *name,
            PpOutputForm  *form,
            gboolean      *nquads)
{
  *nquads = FALSE;

  if (name == NULL || g_str_equal (name, "compacted"))
    *form = PP_OUTPUT_FORM_COMPACTED;
  else if (g_str_equal (name, "flattened"))
    *form = PP_OUTPUT_FORM_FLATTENED;
  else if (g_str_equal (name, "expanded"))
    *form = PP_OUTPUT_FORM_EXPANDED;
  else if (g_str_equal (name, "nquads"))
    {
      *form = PP_OUTPUT_FORM_FLATTENED;
      *nquads = TRUE;
    }
  else
    return FALSE;

  return TRUE;
}

static PpLlmClient *
create_llm_client (GError **error)
{
  const char *names[4];
  GValue values[4] = { G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT, G_VALUE_INIT };
  guint n = 0;
  GObject *client;

  if (opt_endpoint != NULL)
    {
      names[n] = "base-url";
      g_value_init (&values[n], G_TYPE_STRING);
      g_value_set_string (&values[n], opt_endpoint);
      n++;
    }
  if (opt_model != NULL)
    {
      names[n] = "model";
      g_value_init (&values[n], G_TYPE_STRING);
      g_value_set_string (&values[n], opt_model);
      n++;
    }
  /* Enough connections for every job to keep one, and no more: the
   * descriptors were counted for that many */
  names[n] = "max-connections";
  g_value_init (&values[n], G_TYPE_UINT);
  g_value_set_uint (&values[n], (guint) opt_jobs);
  n++;
  names[n] = "timeout";
  g_value_init (&values[n], G_TYPE_UINT);
  g_value_set_uint (&values[n], (guint) opt_timeout);
  n++;

  client = pp_registry_create_with_properties (PP_LLM_CLIENT_EXTENSION_POINT, opt_llm,
                                               n, names, values, error);
  for (guint i = 0; i < n; i++)
    g_value_unset (&values[i]);

  return client != NULL ? PP_LLM_CLIENT (client) : NULL;
}

/* Whether @error is one that is not the segment's own: processing was
 * stopped or cancelled before it was converted, and it is among the
 * segments listed as not converted */
static gboolean
is_not_converted_error (const GError *error)
{
  return g_error_matches (error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static PpDocument *
current_document (Job *job)
{
  return job->documents->pdata[job->next - 1];
}

/* Failures are reported one by one up to this many, then counted */
#define MAX_REPORTED_FAILURES 10

static void
on_segment_failed (PpProcessor  *processor,
                   PpSegment    *segment,
                   const GError *error,
                   Job          *job)
{
  /* Listed together at the end; an error that stopped every run, such as
   * refused credentials, is the run's error, reported once */
  if (is_not_converted_error (error) || pp_llm_error_is_fatal (error))
    {
      tally_add_not_converted (job->tally, segment);
      return;
    }

  job->segments_failed++;
  if (job->segments_failed <= MAX_REPORTED_FAILURES || job->verbose)
    print_error ("%s: segment %u: %s", pp_document_get_name (current_document (job)),
                 pp_segment_get_index (segment), error->message);
  else if (job->segments_failed == MAX_REPORTED_FAILURES + 1)
    print_error ("more segments failed; --verbose reports each");
}

/* With --verbose where no status line shows the progress */
static void
on_progress (PpProcessor *processor,
             guint        done,
             guint        failed,
             guint        total,
             Job         *job)
{
  g_autofree char *line = g_strdup_printf ("pp-convert: %s: %u/%u segments done, %u failed",
                                           pp_document_get_name (current_document (job)),
                                           done, total, failed);

  console_print_line (line);
}

static void process_next (Job *job);

static gboolean write_output (JsonNode    *graph,
                              GBytes      *bytes,
                              gboolean     nquads,
                              OutputFile  *output,
                              GError     **error);

/* Writes @graph or @bytes, the graph of the document under way, to its own
 * file under --output-dir, named after the file it was read from */
static void
output_dir_write (Job      *job,
                  JsonNode *graph,
                  GBytes   *bytes)
{
  Input *input = job->inputs->pdata[job->next - 1];
  g_autofree char *name = g_strconcat (input->relative, job->nquads ? ".nq" : ".jsonld", NULL);
  g_autofree char *path = g_build_filename (opt_output_dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(OutputFile) output = NULL;
  g_autoptr(GError) error = NULL;

  if (g_mkdir_with_parents (parent, 0777) != 0)
    {
      int saved_errno = errno;

      g_set_error (&job->error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: cannot make the directory: %s", parent, g_strerror (saved_errno));
      return;
    }

  output = output_file_open (path, &error);
  if (output == NULL || !write_output (graph, bytes, job->nquads, output, &error))
    g_propagate_error (&job->error, g_steal_pointer (&error));
}

/* Reports an input that cannot be read, and counts it */
static void
report_skipped (const GError *error,
                gpointer      user_data)
{
  Job *job = user_data;

  print_error ("%s (skipped)", error->message);
  job->files_skipped++;
}

/* The document of @input, or NULL with @error set; NULL without an error
 * for a file found in a directory that no reader reads */
static PpDocument *
read_input (Input   *input,
            GError **error)
{
  g_autoptr(GError) local_error = NULL;
  PpDocument *document = pp_reader_read_document (input->file, opt_reader, NULL, &local_error);

  if (document == NULL && input->in_directory && opt_reader == NULL &&
      g_error_matches (local_error, PP_READER_ERROR, PP_READER_ERROR_UNSUPPORTED))
    {
      g_debug ("%s", local_error->message);
      return NULL;
    }

  if (document == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return document;
}

/* How many segments @document makes */
static guint
count_document_segments (PpSegmenter *segmenter,
                         PpDocument  *document)
{
  g_autoptr(GPtrArray) segments = pp_segmenter_split_document (segmenter, document);

  return segments->len;
}

/* How many segments the documents make, all together */
static guint
count_segments (PpSegmenter *segmenter,
                GPtrArray   *documents)
{
  guint n = 0;

  for (guint i = 0; i < documents->len; i++)
    n += count_document_segments (segmenter, documents->pdata[i]);

  return n;
}

/* The document under way gave @graph, or @bytes when the runs give
 * bytes; takes them */
static void
document_converted (Job      *job,
                    JsonNode *graph,
                    GBytes   *bytes)
{
  PpDocument *document = current_document (job);
  g_autoptr(PpSegment) as_segment = NULL;

  if (job->interrupted_by != 0)
    {
      g_autofree char *missing = tally_describe_missing (job->tally);

      if (missing != NULL)
        {
          print_error ("interrupted: %s", missing);
          job->incomplete = TRUE;
        }
    }

  if (opt_output_dir != NULL)
    {
      /* One graph per document, written as soon as it is done */
      output_dir_write (job, graph, bytes);
      g_clear_pointer (&graph, json_node_unref);
      g_clear_pointer (&bytes, g_bytes_unref);
      if (job->next >= job->documents->len || job->error != NULL)
        g_main_loop_quit (job->loop);
      else
        process_next (job);
      return;
    }

  if (job->merger == NULL)
    {
      /* One document: its graph is the output */
      job->graph = graph;
      job->bytes = bytes;
      g_main_loop_quit (job->loop);
      return;
    }

  /* The merger is there only when the runs give trees */
  g_assert (graph != NULL);

  /* The documents' graphs are merged as if each were a segment */
  as_segment = pp_segment_new (job->next - 1, pp_document_get_name (document), -1, 0, NULL);
  pp_reconciler_add_graph (job->merger, as_segment, graph);

  process_next (job);
}

static void
partial_graph_merged (JsonNode *graph,
                      gpointer  user_data)
{
  Job *job = user_data;

  if (graph == NULL)
    {
      g_set_error (&job->error, PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_RECONCILE,
                   "%s: the graph of no segment could not be made",
                   pp_document_get_name (current_document (job)));
      g_main_loop_quit (job->loop);
      return;
    }

  document_converted (job, graph, NULL);
}

static void
document_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *graph = NULL;
  GBytes *bytes = NULL;

  if (job->writes_bytes)
    bytes = pp_processor_process_document_bytes_finish (job->processor, result, &error);
  else
    graph = pp_processor_process_document_finish (job->processor, result, &error);

  /* Interrupted before any segment was converted: the run gave no graph,
   * the output is the graph of none */
  if (error != NULL && job->interrupted_by != 0 && is_not_converted_error (error))
    {
      tally_merge_none (job->tally, job->form, job->provenance, partial_graph_merged, job);
      return;
    }

  if (error != NULL)
    {
      g_propagate_error (&job->error, g_steal_pointer (&error));
      g_main_loop_quit (job->loop);
      return;
    }

  document_converted (job, graph, bytes);
}

static void
on_merged (PpReconciler *merger,
           JsonNode     *graph,
           Job          *job)
{
  g_main_loop_quit (job->loop);
}

/* After an interruption: the documents not begun are left out */
static void
skip_remaining_documents (Job *job)
{
  for (; job->next < job->documents->len; job->next++)
    {
      PpDocument *document = job->documents->pdata[job->next];
      g_autoptr(PpSegment) as_segment = pp_segment_new (job->next, pp_document_get_name (document), -1, 0, NULL);
      g_autoptr(GError) error = g_error_new (PP_PROCESSOR_ERROR, PP_PROCESSOR_ERROR_STOPPED,
                                             "%s: not converted", pp_document_get_name (document));

      print_error ("interrupted: %s", error->message);
      pp_reconciler_add_failure (job->merger, as_segment, error);
      job->incomplete = TRUE;
    }
}

static void
process_next (Job *job)
{
  PpDocument *document;

  if (job->interrupted_by != 0 && job->merger != NULL)
    skip_remaining_documents (job);
  if (job->next >= job->documents->len)
    return;   /* the merger's "finished" ends the loop */

  if (job->progress != NULL)
    progress_set_document (job->progress, job->next);
  document = job->documents->pdata[job->next++];

  /* The run splits the document on libpp's threads, after the call
   * returns: the tally counts its segments the same way, if it must */
  g_clear_pointer (&job->tally, tally_free);
  job->tally = tally_new (pp_processor_get_segmenter (job->processor), document);
  if (job->writes_bytes)
    pp_processor_process_document_bytes_async (job->processor, document, NULL,
                                               document_done, job);
  else
    pp_processor_process_document_async (job->processor, document, NULL,
                                         document_done, job);
}

/* Writes @text, then @ending, to @output or, without one, to standard
 * output */
static gboolean
write_text (const char  *text,
            gsize        length,
            const char  *ending,
            OutputFile  *output,
            GError     **error)
{
  if (output != NULL)
    return output_file_write (output, text, length, error) &&
           output_file_write (output, ending, strlen (ending), error) &&
           output_file_commit (output, error);

  if (fwrite (text, 1, length, stdout) != length || fputs (ending, stdout) == EOF ||
      fflush (stdout) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "standard output: cannot write: %s", g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Writes the graph, @graph or @bytes (its JSON), to @output or, without
 * one, to standard output */
static gboolean
write_output (JsonNode    *graph,
              GBytes      *bytes,
              gboolean     nquads,
              OutputFile  *output,
              GError     **error)
{
  g_autofree char *text = NULL;
  gsize length;

  if (bytes != NULL)
    {
      const char *json = g_bytes_get_data (bytes, &length);

      return write_text (json, length, "\n", output, error);
    }

  if (nquads)
    {
      text = pp_jsonld_to_rdf (graph, NULL, NULL, error);
      if (text == NULL)
        {
          g_prefix_error (error, "the graph cannot be written as N-Quads: ");
          return FALSE;
        }

      return write_text (text, strlen (text), "", output, error);
    }

  text = pp_jsonld_to_json (graph, TRUE);

  return write_text (text, strlen (text), "\n", output, error);
}

/* Whether @value is an http or https URL with a host; the message of a
 * usage error otherwise, naming @option and the value without password */
static char *
check_endpoint (const char *option,
                const char *value)
{
  g_autoptr(GUri) uri = g_uri_parse (value, G_URI_FLAGS_HAS_PASSWORD, NULL);
  g_autofree char *shown = NULL;
  const char *scheme;

  if (uri == NULL)
    return g_strdup_printf ("%s ‘%s’ is not an http or https URL", option, value);

  scheme = g_uri_get_scheme (uri);
  if ((g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
      && g_uri_get_host (uri) != NULL && g_uri_get_host (uri)[0] != '\0')
    return NULL;

  shown = g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);
  return g_strdup_printf ("%s ‘%s’ is not an http or https URL", option, shown);
}

/* Opens --output and --stats, so that a path that cannot be written fails
 * before any request is paid for */
static gboolean
open_outputs (Job *job)
{
  g_autoptr(GError) error = NULL;

  if (opt_output != NULL && (job->output = output_file_open (opt_output, &error)) == NULL)
    {
      print_error ("%s", error->message);
      return FALSE;
    }
  if (opt_stats != NULL && (job->stats_output = output_file_open (opt_stats, &error)) == NULL)
    {
      print_error ("%s", error->message);
      return FALSE;
    }

  return TRUE;
}

/* The cache, closed (flushed) before the process exits */
static PpCache *cache_to_close;

static void
close_cache (void)
{
  g_autoptr(GError) error = NULL;

  if (cache_to_close != NULL && !pp_cache_close (cache_to_close, NULL, &error))
    g_warning ("%s", error->message);
  cache_to_close = NULL;
}

static void
close_outputs (Job *job)
{
  g_clear_pointer (&job->output, output_file_free);
  g_clear_pointer (&job->stats_output, output_file_free);
}

/* Interrupted a third time: the process ends at once, the status line
 * ended, the outputs left as they were */
static void G_GNUC_NORETURN
abandon (Job *job)
{
  g_clear_pointer (&job->progress, progress_free);
  close_outputs (job);
  close_cache ();
  print_error ("interrupted: nothing written");

  exit (128 + job->interrupted_by);
}

static void
print_note (const char *message)
{
  if (!opt_quiet)
    print_error ("%s", message);
}

static void
interrupt (Job *job,
           int  signum)
{
  switch (++job->n_interrupts)
    {
    case 1:
      job->interrupted_by = signum;
      pp_processor_stop (job->processor);
      print_note ("interrupted: finishing the requests in flight (interrupt again to abort them)");
      break;

    case 2:
      /* The runs complete with the graph of what was converted */
      pp_processor_stop_now (job->processor);
      print_note ("interrupted again: aborting the requests in flight");
      break;

    default:
      abandon (job);
    }
}

static gboolean
on_sigint (gpointer user_data)
{
  interrupt (user_data, SIGINT);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_sigterm (gpointer user_data)
{
  interrupt (user_data, SIGTERM);

  return G_SOURCE_CONTINUE;
}

/* The names of --types, or NULL after a usage error: schema.org type
 * names, ASCII letters and digits, separated by commas */
static GStrv
parse_types (const char *value)
{
  g_auto(GStrv) types = g_strsplit (value, ",", -1);

  if (types[0] == NULL)
    {
      print_error ("--types: no type name");
      return NULL;
    }

  for (guint i = 0; types[i] != NULL; i++)
    {
      const char *name = g_strstrip (types[i]);
      gboolean valid = *name != '\0';

      for (const char *p = name; *p != '\0'; p++)
        valid = valid && g_ascii_isalnum (*p);

      if (!valid)
        {
          g_autofree char *shown = g_strescape (name, NULL);

          print_error ("--types: ‘%s’ is not a schema.org type name (letters and digits, such as "
                       "Person), in ‘%s’", shown, value);
          return NULL;
        }
    }

  return g_steal_pointer (&types);
}

/* Adds the converter setting @property, from the option @option, to
 * @names and @values; a usage error if the converter has no such setting
 * or it cannot take @value, given as text for an enumeration */
static gboolean
add_converter_setting (GObjectClass *klass,
                       const char   *option,
                       const char   *property,
                       const GValue *value,
                       GPtrArray    *names,
                       GArray       *values)
{
  GParamSpec *pspec = g_object_class_find_property (klass, property);
  GValue setting = G_VALUE_INIT;

  if (pspec == NULL || !(pspec->flags & G_PARAM_WRITABLE))
    {
      print_error ("%s: the converter ‘%s’ has no such setting", option,
                   G_OBJECT_CLASS_NAME (klass));
      return FALSE;
    }

  g_value_init (&setting, G_PARAM_SPEC_VALUE_TYPE (pspec));
  if (G_IS_PARAM_SPEC_ENUM (pspec) && G_VALUE_HOLDS_STRING (value))
    {
      GEnumClass *enum_class = G_PARAM_SPEC_ENUM (pspec)->enum_class;
      GEnumValue *found = g_enum_get_value_by_nick (enum_class, g_value_get_string (value));

      if (found == NULL)
        {
          g_autoptr(GString) nicks = g_string_new (NULL);

          for (guint i = 0; i < enum_class->n_values; i++)
            g_string_append_printf (nicks, "%s%s", i > 0 ? ", " : "", enum_class->values[i].value_nick);
          print_error ("unknown %s ‘%s’: use %s", option, g_value_get_string (value), nicks->str);
          g_value_unset (&setting);
          return FALSE;
        }
      g_value_set_enum (&setting, found->value);
    }
  else if (!g_value_transform (value, &setting))
    {
      print_error ("%s: the converter ‘%s’ cannot take it", option, G_OBJECT_CLASS_NAME (klass));
      g_value_unset (&setting);
      return FALSE;
    }

  g_ptr_array_add (names, (gpointer) property);
  g_array_append_val (values, setting);
  return TRUE;
}

/* The converter with the settings of the options, or NULL after an error
 * (*@usage tells whether it was a usage error) */
static GObject *
create_converter (gboolean *usage)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_autoptr(GTypeClass) klass = NULL;
  GObject *converter;
  GType type;

  g_array_set_clear_func (values, (GDestroyNotify) g_value_unset);
  *usage = FALSE;

  pp_registry_ensure_loaded ();
  type = pp_registry_lookup (PP_CONVERTER_EXTENSION_POINT, opt_converter);
  if (type != G_TYPE_INVALID)
    klass = g_type_class_ref (type);

  if (klass != NULL)
    {
      GValue value = G_VALUE_INIT;
      gboolean ok = TRUE;

      if (opt_prompt != NULL)
        {
          g_value_init (&value, G_TYPE_STRING);
          g_value_set_string (&value, opt_prompt);
          ok = add_converter_setting (G_OBJECT_CLASS (klass), "--prompt", "prompt-file", &value, names, values);
          g_value_unset (&value);
        }
      if (ok && opt_types != NULL)
        {
          g_auto(GStrv) types = parse_types (opt_types);

          ok = types != NULL;
          if (ok)
            {
              g_value_init (&value, G_TYPE_STRV);
              g_value_set_boxed (&value, types);
              ok = add_converter_setting (G_OBJECT_CLASS (klass), "--types", "types", &value, names, values);
              g_value_unset (&value);
            }
        }
      if (ok && opt_structured_output != NULL)
        {
          g_value_init (&value, G_TYPE_STRING);
          g_value_set_string (&value, opt_structured_output);
          ok = add_converter_setting (G_OBJECT_CLASS (klass), "--structured-output", "structured-output",
                                      &value, names, values);
          g_value_unset (&value);
        }
      if (!ok)
        {
          *usage = TRUE;
          return NULL;
        }
    }

  /* Without the type, this says what converters there are */
  converter = pp_registry_create_with_properties (PP_CONVERTER_EXTENSION_POINT, opt_converter,
                                                  names->len, (const char **) names->pdata,
                                                  (const GValue *) values->data, &error);
  if (converter == NULL)
    print_error ("no converter: %s", error->message);

  return converter;
}

/* The document of the file @file for a converter that takes the source:
 * its raw contents, whole, as plain text, named by the file */
static PpDocument *
load_source_document (GFile   *file,
                      GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, "%s: %s", name, local_error->message);
      return NULL;
    }

  return pp_document_new_from_text (name, contents, length, PP_TEXT_FORMAT_PLAIN, error);
}

/* A usage error unless @value is from @min to @max */
static gboolean
check_range (const char *option,
             int         value,
             int         min,
             int         max)
{
  if (value >= min && value <= max)
    return TRUE;

  print_error ("%s must be from %d to %d, not %d", option, min, max, value);
  return FALSE;
}

/* Large blocks (the tables that grow with the merged graph) come from mmap
 * and go back to the system when they are freed. glibc raises its mmap
 * threshold to the size of each such block freed, and the blocks under it
 * come from the heap from then on, where the space they leave once freed
 * stays the process's: a long run keeps megabytes it no longer uses (3 MB
 * at 10,000 segments). Setting the threshold keeps it where it starts. */
static void
tune_allocator (void)
{
#ifdef __GLIBC__
  mallopt (M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) inputs = NULL;
  g_autoptr(PpLlmClient) client = NULL;
  g_autoptr(GObject) converter = NULL;
  g_autoptr(PpCache) cache = NULL;
  guint64 cache_ttl_s = 0;
  g_autoptr(PpProcessor) processor = NULL;
  g_autoptr(PpReconciler) merger = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(JsonNode) graph = NULL;
  g_autofree char *endpoint_error = NULL;
  g_autofree char *limits_error = NULL;
  PpOutputForm form;
  gboolean nquads;
  gboolean takes_source;
  PpResolveMode resolve_mode;
  Job job = { 0, };
  int status = EXIT_FAILED;

  tune_allocator ();
  setlocale (LC_ALL, "");

  option_context = g_option_context_new (NULL);
  g_option_context_set_summary (option_context,
    "Turns documents into one JSON-LD graph: splits each document into segments, asks\n"
    "an LLM for the schema.org JSON-LD of every segment, in parallel, and writes one\n"
    "merged JSON-LD graph to standard output.\n"
    "\n"
    "Documents are text, Markdown, PDF or HTML files, each read by the reader of its\n"
    "content type. A directory stands for the files under it, in name order, those\n"
    "of a type no reader reads left out. A file that cannot be read is reported and\n"
    "left out, and the others converted.");
  g_option_context_set_description (option_context,
    "On a terminal, a progress line on standard error shows the segments done and\n"
    "failed, retries, requests in flight, the rate and the time left; --quiet hides it.\n"
    "Messages go to standard error, the graph alone to standard output or FILE.\n"
    "\n"
    "The number of requests in flight adapts between --min-jobs and --jobs: it grows\n"
    "while the server answers and shrinks when it answers 429 or does not answer in\n"
    "time. A failed request is retried after a growing, random delay, never shorter\n"
    "than the server's Retry-After. Refused credentials or an exhausted quota stop\n"
    "the run at once. A --jobs that the limit on open files (ulimit -Hn) cannot\n"
    "hold is refused up front.\n"
    "\n"
    "Interrupting (SIGINT, Ctrl+C, or SIGTERM) starts no more requests: those in\n"
    "flight finish, the graph of the segments converted is written, and the segments\n"
    "not converted are listed on standard error. Interrupting again aborts the\n"
    "requests in flight, and still writes the graph; a third time ends at once,\n"
    "writing nothing.\n"
    "\n"
    "Environment: OPENAI_BASE_URL, OPENAI_API_KEY and OPENAI_MODEL configure the openai\n"
    "client; PP_PLUGIN_PATH adds plugin directories.\n"
    "Exit status: 0 on success, 1 on failure, 2 on a usage error, 3 when the graph was\n"
    "written but some segments failed or some file could not be read, 130 (SIGINT) or 143 (SIGTERM) when interrupted,\n"
    "after writing the graph of what was converted.");
  g_option_context_add_main_entries (option_context, entries, NULL);

  if (!g_option_context_parse (option_context, &argc, &argv, &error))
    {
      print_error ("%s (see --help)", error->message);
      return EXIT_USAGE;
    }

  if (opt_version)
    {
      printf ("pp-convert %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }

  if (opt_quiet && opt_verbose)
    {
      print_error ("--quiet and --verbose cannot be used together");
      return EXIT_USAGE;
    }
  install_log_writer (opt_verbose ? VERBOSITY_VERBOSE : opt_quiet ? VERBOSITY_QUIET : VERBOSITY_NORMAL);

  if (opt_list_plugins)
    {
      list_plugins ();
      return EXIT_OK;
    }

  if (opt_files == NULL || opt_files[0] == NULL)
    {
      print_error ("no input file (see --help)");
      return EXIT_USAGE;
    }
  if (opt_output != NULL && opt_output_dir != NULL)
    {
      print_error ("--output and --output-dir cannot be used together");
      return EXIT_USAGE;
    }
  if (!check_range ("--jobs", opt_jobs, 1, 4096) ||
      !check_range ("--min-jobs", opt_min_jobs, 1, opt_jobs) ||
      !check_range ("--rpm", opt_rpm, 0, G_MAXINT) ||
      !check_range ("--tpm", opt_tpm, 0, G_MAXINT) ||
      !check_range ("--timeout", opt_timeout, 0, G_MAXINT) ||
      !check_range ("--segment-timeout", opt_segment_timeout, 0, G_MAXUINT / 1000))
    return EXIT_USAGE;
  if ((limits_error = limits_reserve_for_jobs ((guint) opt_jobs)) != NULL)
    {
      print_error ("%s", limits_error);
      return EXIT_USAGE;
    }
  if (opt_segment_size < 16)
    {
      print_error ("--segment-size must be at least 16 characters, not %d", opt_segment_size);
      return EXIT_USAGE;
    }
  if (opt_retries < 0 || opt_retries > 100)
    {
      print_error ("--retries must be from 0 to 100, not %d", opt_retries);
      return EXIT_USAGE;
    }
  if (!parse_form (opt_form, &form, &nquads))
    {
      print_error ("unknown --form ‘%s’: use compacted, flattened, expanded or nquads", opt_form);
      return EXIT_USAGE;
    }
  if (opt_resolve == NULL || g_str_equal (opt_resolve, "rules"))
    resolve_mode = PP_RESOLVE_MODE_RULES;
  else if (g_str_equal (opt_resolve, "llm"))
    resolve_mode = PP_RESOLVE_MODE_LLM;
  else
    {
      print_error ("unknown --resolve ‘%s’: use rules or llm", opt_resolve);
      return EXIT_USAGE;
    }
  if (opt_endpoint != NULL && (endpoint_error = check_endpoint ("--endpoint", opt_endpoint)) != NULL)
    {
      print_error ("%s", endpoint_error);
      return EXIT_USAGE;
    }

  /* What the converter takes decides how the inputs are read */
  {
    gboolean usage;

    converter = create_converter (&usage);
    if (converter == NULL)
      return usage ? EXIT_USAGE : EXIT_FAILED;
  }
  takes_source = pp_converter_get_input (PP_CONVERTER (converter)) == PP_CONVERTER_INPUT_SOURCE;

  /* Every input is read and checked, and every output opened, before
   * anything is paid for */
  documents = g_ptr_array_new_with_free_func (g_object_unref);
  inputs = inputs_collect ((const char * const *) opt_files, (const char * const *) opt_include,
                           (const char * const *) opt_exclude, report_skipped, &job);
  job.inputs = g_ptr_array_new ();
  for (guint i = 0; i < inputs->len; i++)
    {
      Input *input = inputs->pdata[i];
      PpDocument *document = takes_source
        ? load_source_document (input->file, &error)
        : read_input (input, &error);

      /* A file that cannot be read is left out, and the others converted */
      if (document == NULL)
        {
          if (error != NULL)
            report_skipped (error, &job);
          g_clear_error (&error);
          continue;
        }
      g_ptr_array_add (documents, document);
      g_ptr_array_add (job.inputs, input);
    }
  if (documents->len == 0)
    {
      /* Each file that could not be read was reported */
      if (job.files_skipped == 0)
        print_error ("nothing to convert: no file of a type a reader reads");
      return EXIT_FAILED;
    }

  if (!open_outputs (&job))
    goto out;

  /* A converter that asks no LLM needs no endpoint and no cache */
  if (!pp_converter_uses_llm (PP_CONVERTER (converter)))
    client = pp_convert_no_llm_new ();
  else if ((client = create_llm_client (&error)) == NULL)
    {
      print_error ("no LLM client: %s", error->message);
      goto out;
    }

  if (opt_cache_ttl != NULL && !pp_duration_parse (opt_cache_ttl, &cache_ttl_s, &error))
    {
      print_error ("--cache-ttl: %s", error->message);
      goto out;
    }
  if (cache_ttl_s > G_MAXUINT)
    cache_ttl_s = G_MAXUINT;

  if (pp_converter_uses_llm (PP_CONVERTER (converter)) &&
      (opt_cache == NULL || !g_str_equal (opt_cache, "none")))
    {
      cache = pp_cache_new_for_spec (opt_cache != NULL ? opt_cache : "sqlite", &error);
      if (cache == NULL)
        {
          print_error ("no cache: %s", error->message);
          goto out;
        }
      cache_to_close = cache;
    }

  {
    /* The source of a document is its one segment */
    g_autoptr(PpSegmenter) segmenter = pp_segmenter_new (takes_source ? G_MAXUINT : (guint) opt_segment_size);

    processor = g_object_new (PP_TYPE_PROCESSOR,
                              "converter", converter,
                              "llm-client", client,
                              "cache", cache,
                              "cache-ttl", (guint) cache_ttl_s,
                              "segmenter", segmenter,
                              "max-workers", (guint) opt_jobs,
                              "min-workers", (guint) opt_min_jobs,
                              "adaptive", !opt_no_adaptive,
                              "requests-per-minute", (guint) opt_rpm,
                              "tokens-per-minute", (guint) opt_tpm,
                              "segment-timeout", (guint) opt_segment_timeout,
                              "max-retries", (guint) opt_retries,
                              "model", opt_model,
                              "output-form", form,
                              "provenance", !opt_no_provenance,
                              "resolve-mode", resolve_mode,
                              NULL);
  }

  loop = g_main_loop_new (NULL, FALSE);
  if (documents->len > 1 && opt_output_dir == NULL)
    {
      /* The documents' nodes keep the provenance their graphs give them */
      merger = pp_reconciler_new (documents->len, form);
      g_object_set (merger, "provenance", !opt_no_provenance, NULL);
    }

  job.loop = loop;
  job.processor = processor;
  job.merger = merger;
  job.documents = documents;
  job.form = form;
  job.nquads = nquads;
  job.writes_bytes = !nquads && merger == NULL;
  job.provenance = !opt_no_provenance;
  job.verbose = opt_verbose;

  g_signal_connect (processor, "segment-failed", G_CALLBACK (on_segment_failed), &job);
  if (merger != NULL)
    g_signal_connect (merger, "finished", G_CALLBACK (on_merged), &job);

  if (opt_verbose && !console_is_terminal ())
    g_signal_connect (processor, "progress", G_CALLBACK (on_progress), &job);

  g_unix_signal_add (SIGINT, on_sigint, &job);
  g_unix_signal_add (SIGTERM, on_sigterm, &job);

  process_next (&job);
  if (!opt_quiet && console_is_terminal ())
    job.progress = progress_new (processor, documents->len,
                                 count_segments (pp_processor_get_segmenter (processor), documents));
  g_main_loop_run (loop);

  g_clear_pointer (&job.progress, progress_free);

  if (job.error != NULL)
    {
      print_error ("%s", job.error->message);
      g_clear_error (&job.error);
      goto out;
    }

  if (job.segments_failed > 0)
    print_error ("%u segments failed", job.segments_failed);

  graph = merger != NULL ? pp_reconciler_dup_graph (merger) : g_steal_pointer (&job.graph);
  if (graph == NULL && job.bytes == NULL && opt_output_dir == NULL)
    {
      print_error ("the documents' graphs could not be merged");
      goto out;
    }

  if (opt_output_dir == NULL && !write_output (graph, job.bytes, nquads, job.output, &error))
    {
      print_error ("%s", error->message);
      goto out;
    }

  if (job.stats_output != NULL)
    {
      g_autoptr(PpStats) stats = pp_processor_get_stats (processor);
      g_autofree char *json = pp_stats_to_string (stats);

      if (!output_file_write (job.stats_output, json, strlen (json), &error) ||
          !output_file_commit (job.stats_output, &error))
        {
          print_error ("%s", error->message);
          goto out;
        }
    }

  /* Interrupted too late to leave anything out, the run is a whole one */
  if (job.incomplete)
    status = 128 + job.interrupted_by;
  else
    status = job.segments_failed > 0 || job.files_skipped > 0 ? EXIT_PARTIAL : EXIT_OK;

out:
  g_clear_pointer (&job.tally, tally_free);
  close_outputs (&job);
  close_cache ();

  /* Everything is written. Tearing down would only keep the user waiting:
   * freeing a large document's graph node by node and stopping the worker
   * threads take longer than all the work since the last answer. The
   * process ends here and the system takes everything back at once; what
   * main() holds is still referenced, so leak checkers report no leak. */
  exit (status);
}
