/* pp-example-window.c: a window that converts a document with libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How a GTK application uses libpp from its main loop. Everything here runs
 * on the main thread: the file is read with GIO's asynchronous API, the
 * document is handed to pp_processor_process_document_async(), and the
 * processor's signals (segment-started, segment-done, segment-failed,
 * progress, finished) arrive on the main context the processor was made
 * on, so their handlers may touch widgets. The processor's own threads do
 * the slow work; the application starts none.
 */

#include "pp-example-window.h"

struct _PpExampleWindow
{
  GtkApplicationWindow parent_instance;

  PpProcessor *processor;
  GCancellable *cancellable;    /* of the conversion under way, or NULL */
  guint done_before;            /* the processor's count of segments done
                                 * before the conversion under way */

  GtkWidget *open_button;
  GtkWidget *cancel_button;
  GtkWidget *progress_bar;
  GtkWidget *segment_list;      /* GtkListBox: one row per segment */
  GPtrArray *segment_states;    /* (element-type GtkLabel): by segment index */
  GtkTextBuffer *graph_buffer;  /* the resulting JSON-LD graph */
  GtkFileChooserNative *chooser;
  gboolean closed;              /* disposed: its widgets are gone */
};

enum {
  SIGNAL_CONVERTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpExampleWindow, pp_example_window, GTK_TYPE_APPLICATION_WINDOW)

/* The segment list */

/* Adds a "queued" row for each segment up to @total */
static void
ensure_segment_rows (PpExampleWindow *self,
                     guint            total)
{
  while (self->segment_states->len < total)
    {
      g_autofree char *title = g_strdup_printf ("Segment %u", self->segment_states->len + 1);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *name = gtk_label_new (title);
      GtkWidget *state = gtk_label_new ("queued");

      gtk_widget_set_hexpand (name, TRUE);
      gtk_label_set_xalign (GTK_LABEL (name), 0.0);
      gtk_box_append (GTK_BOX (box), name);
      gtk_box_append (GTK_BOX (box), state);
      gtk_list_box_append (GTK_LIST_BOX (self->segment_list), box);
      g_ptr_array_add (self->segment_states, state);
    }
}

static void
set_segment_state (PpExampleWindow *self,
                   PpSegment       *segment,
                   const char      *state,
                   const char      *tooltip)
{
  guint index = pp_segment_get_index (segment);
  GtkWidget *label;

  ensure_segment_rows (self, index + 1);
  label = g_ptr_array_index (self->segment_states, index);
  gtk_label_set_text (GTK_LABEL (label), state);
  gtk_widget_set_tooltip_text (label, tooltip);
}

static void
clear_segment_rows (PpExampleWindow *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (self->segment_list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->segment_list), row);
  g_ptr_array_set_size (self->segment_states, 0);
}

/* The processor's signals, on the main thread */

static void
on_segment_started (PpProcessor     *processor,
                    PpSegment       *segment,
                    PpExampleWindow *self)
{
  set_segment_state (self, segment, "converting", NULL);
}

static void
on_segment_done (PpProcessor     *processor,
                 PpSegment       *segment,
                 JsonNode        *graph,
                 PpExampleWindow *self)
{
  set_segment_state (self, segment, "done", NULL);
}

static void
on_segment_failed (PpProcessor     *processor,
                   PpSegment       *segment,
                   const GError    *error,
                   PpExampleWindow *self)
{
  set_segment_state (self, segment, "failed", error->message);
}

static void
on_progress (PpProcessor     *processor,
             guint            done,
             guint            failed,
             guint            total,
             PpExampleWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%u of %u segments done, %u failed", done, total, failed);

  ensure_segment_rows (self, total);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar),
                                 total > 0 ? (double) (done + failed) / total : 0.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), text);
}

/* The document's graph, merged from its segments' */
static void
on_finished (PpProcessor     *processor,
             JsonNode        *graph,
             PpExampleWindow *self)
{
  g_autofree char *json = pp_jsonld_to_json (graph, TRUE);

  gtk_text_buffer_set_text (self->graph_buffer, json, -1);
}

/* Running a conversion */

static void
set_busy (PpExampleWindow *self,
          gboolean         busy)
{
  gtk_widget_set_sensitive (self->open_button, !busy);
  gtk_widget_set_sensitive (self->cancel_button, busy);
}

static void
conversion_ended (PpExampleWindow *self,
                  const GError    *error)
{
  g_autoptr(PpStats) stats = NULL;
  guint done;

  g_clear_object (&self->cancellable);
  if (self->closed)
    return;

  /* The processor counts what it converted as it goes: the signals may
   * still be on their way */
  stats = pp_processor_get_stats (self->processor);
  done = pp_stats_get_done (stats) - self->done_before;

  if (error != NULL)
    gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), error->message);

  set_busy (self, FALSE);
  g_signal_emit (self, signals[SIGNAL_CONVERTED], 0, done, error);
}

static void
document_processed (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(PpExampleWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) graph = NULL;

  /* "finished" came first and showed the graph; this says how it ended */
  graph = pp_processor_process_document_finish (PP_PROCESSOR (source), result, &error);
  conversion_ended (self, error);
}

static void
file_loaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PpExampleWindow) self = user_data;
  GFile *file = G_FILE (source);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *contents = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr(PpDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  PpTextFormat format;
  gsize length = 0;
  g_autoptr(PpStats) stats_before = NULL;
  g_autoptr(PpStats) stats_after = NULL;

  /* GIO's messages name the file */
  if (!g_file_load_contents_finish (file, result, &contents, &length, NULL, &error))
    {
      conversion_ended (self, error);
      return;
    }

  content_type = g_content_type_guess (name, (const guchar *) contents, length, NULL);
  format = g_content_type_is_a (content_type, "text/markdown")
    ? PP_TEXT_FORMAT_MARKDOWN : PP_TEXT_FORMAT_PLAIN;

  document = pp_document_new_from_text (name, contents, length, format, &error);
  if (document == NULL)
    {
      conversion_ended (self, error);
      return;
    }

  gtk_window_set_title (GTK_WINDOW (self), name);

  /* The document's segments are queued before the call returns: the
   * processor's count of submitted segments tells how many there are */
  stats_before = pp_processor_get_stats (self->processor);
  pp_processor_process_document_async (self->processor, document, self->cancellable,
                                       document_processed, g_object_ref (self));
  stats_after = pp_processor_get_stats (self->processor);
  ensure_segment_rows (self, pp_stats_get_submitted (stats_after) - pp_stats_get_submitted (stats_before));
}

/**
 * pp_example_window_convert:
 * @window: a #PpExampleWindow
 * @file: the document to convert
 *
 * Reads @file without blocking, then converts it, showing its segments as
 * they go from queued to done or failed, and at the end its graph.
 */
void
pp_example_window_convert (PpExampleWindow *self,
                           GFile           *file)
{
  g_autoptr(PpStats) stats = NULL;

  g_return_if_fail (PP_EXAMPLE_IS_WINDOW (self));
  g_return_if_fail (self->cancellable == NULL);

  clear_segment_rows (self);
  gtk_text_buffer_set_text (self->graph_buffer, "", -1);
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 0.0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), "Reading…");

  stats = pp_processor_get_stats (self->processor);
  self->done_before = pp_stats_get_done (stats);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  g_file_load_contents_async (file, self->cancellable, file_loaded, g_object_ref (self));
}

/* The buttons */

static void
on_cancel_clicked (GtkButton       *button,
                   PpExampleWindow *self)
{
  /* The segments not yet converted fail as cancelled, and the callback of
   * pp_processor_process_document_async() says how it ended */
  g_cancellable_cancel (self->cancellable);
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                PpExampleWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      pp_example_window_convert (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
on_open_clicked (GtkButton       *button,
                 PpExampleWindow *self)
{
  /* GtkFileDialog needs GTK 4.10; GtkFileChooserNative works from 4.0 and
   * uses the desktop's portal where there is one */
  self->chooser = gtk_file_chooser_native_new ("Open a Document", GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, "_Open", "_Cancel");
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The object */

static void
pp_example_window_dispose (GObject *object)
{
  PpExampleWindow *self = PP_EXAMPLE_WINDOW (object);

  /* A conversion under way ends, and its callbacks find the window closed */
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->processor != NULL)
    g_signal_handlers_disconnect_by_data (self->processor, self);
  g_clear_object (&self->processor);
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (pp_example_window_parent_class)->dispose (object);
}

static void
pp_example_window_finalize (GObject *object)
{
  PpExampleWindow *self = PP_EXAMPLE_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->segment_states);

  G_OBJECT_CLASS (pp_example_window_parent_class)->finalize (object);
}

static void
pp_example_window_class_init (PpExampleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_example_window_dispose;
  object_class->finalize = pp_example_window_finalize;

  /**
   * PpExampleWindow::converted:
   * @window: the window
   * @done: how many segments were converted
   * @error: (nullable): why the conversion failed, or %NULL
   *
   * Emitted when a conversion has ended, whichever way.
   */
  signals[SIGNAL_CONVERTED] =
    g_signal_new ("converted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_ERROR);
}

static GtkWidget *
scrolled (GtkWidget *child)
{
  GtkWidget *window = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (window), child);
  gtk_widget_set_vexpand (window, TRUE);
  gtk_widget_set_hexpand (window, TRUE);

  return window;
}

static void
pp_example_window_init (PpExampleWindow *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *panes = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *graph_view = gtk_text_view_new ();

  self->segment_states = g_ptr_array_new ();

  self->open_button = gtk_button_new_with_mnemonic ("_Open…");
  self->cancel_button = gtk_button_new_with_mnemonic ("_Cancel");
  gtk_widget_set_sensitive (self->cancel_button, FALSE);
  g_signal_connect (self->open_button, "clicked", G_CALLBACK (on_open_clicked), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (on_cancel_clicked), self);
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header), self->open_button);
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->cancel_button);
  gtk_window_set_titlebar (GTK_WINDOW (self), header);

  self->progress_bar = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress_bar), TRUE);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), "Open a document to convert it");

  self->segment_list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->segment_list), GTK_SELECTION_NONE);

  gtk_text_view_set_editable (GTK_TEXT_VIEW (graph_view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (graph_view), TRUE);
  self->graph_buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (graph_view));

  gtk_paned_set_start_child (GTK_PANED (panes), scrolled (self->segment_list));
  gtk_paned_set_end_child (GTK_PANED (panes), scrolled (graph_view));
  gtk_paned_set_position (GTK_PANED (panes), 240);

  gtk_widget_set_margin_start (content, 6);
  gtk_widget_set_margin_end (content, 6);
  gtk_widget_set_margin_top (content, 6);
  gtk_widget_set_margin_bottom (content, 6);
  gtk_box_append (GTK_BOX (content), self->progress_bar);
  gtk_box_append (GTK_BOX (content), panes);
  gtk_window_set_child (GTK_WINDOW (self), content);
  gtk_window_set_default_size (GTK_WINDOW (self), 900, 600);
  gtk_window_set_title (GTK_WINDOW (self), "libpp");
}

/**
 * pp_example_window_new:
 * @application: the application
 * @processor: the processor that converts documents; its signals are
 *   emitted on the main context it was made on, the main thread's
 *
 * Returns: (transfer full): a new window
 */
PpExampleWindow *
pp_example_window_new (GtkApplication *application,
                       PpProcessor    *processor)
{
  PpExampleWindow *self = g_object_new (PP_EXAMPLE_TYPE_WINDOW, "application", application, NULL);

  self->processor = g_object_ref (processor);
  g_signal_connect (processor, "segment-started", G_CALLBACK (on_segment_started), self);
  g_signal_connect (processor, "segment-done", G_CALLBACK (on_segment_done), self);
  g_signal_connect (processor, "segment-failed", G_CALLBACK (on_segment_failed), self);
  g_signal_connect (processor, "progress", G_CALLBACK (on_progress), self);
  g_signal_connect (processor, "finished", G_CALLBACK (on_finished), self);

  return self;
}
