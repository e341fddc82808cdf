/* pp-example-app.c: a GTK 4 application that converts documents with libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Run it with a document to convert, or choose one with Open:
 *
 *   OPENAI_BASE_URL=http://127.0.0.1:8080/v1 pp-example-gtk notes.md
 *
 * The LLM client and the converter are the best the plugin registry has,
 * as pp-convert would choose them; --endpoint gives the client its server.
 * With --exit-when-done it converts the file it was given, prints
 * "done: N segments" and exits, as a test or a script would want.
 */

#include <stdio.h>
#include <gtk/gtk.h>
#include <libpp/libpp.h>

#include "pp-example-window.h"

typedef struct
{
  GtkApplication *application;
  PpProcessor *processor;
  int status;
} App;

static char *opt_endpoint;
static gboolean opt_exit_when_done;

static const GOptionEntry entries[] = {
  { "endpoint", 'e', 0, G_OPTION_ARG_STRING, &opt_endpoint,
    "Base URL of an OpenAI-compatible server (default: $OPENAI_BASE_URL)", "URL" },
  { "exit-when-done", 0, 0, G_OPTION_ARG_NONE, &opt_exit_when_done,
    "Exit once the document is converted, printing \"done: N segments\"", NULL },
  G_OPTION_ENTRY_NULL
};

/* The processor, with the best converter and LLM client there are. It is
 * made on the main thread, so its signals are emitted there. */
static PpProcessor *
create_processor (App     *app,
                  GError **error)
{
  g_autoptr(GObject) converter = NULL;
  g_autoptr(GObject) client = NULL;

  converter = pp_registry_create (PP_CONVERTER_EXTENSION_POINT, NULL, error, NULL);
  if (converter == NULL)
    return NULL;

  if (opt_endpoint != NULL)
    client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, NULL, error,
                                 "base-url", opt_endpoint, NULL);
  else
    client = pp_registry_create (PP_LLM_CLIENT_EXTENSION_POINT, NULL, error, NULL);
  if (client == NULL)
    return NULL;

  return pp_processor_new (PP_CONVERTER (converter), PP_LLM_CLIENT (client), NULL);
}

/* With --exit-when-done: the first conversion's end is the application's */
static void
on_converted (PpExampleWindow *window,
              guint            done,
              const GError    *error,
              App             *app)
{
  if (error != NULL)
    {
      g_printerr ("pp-example-gtk: %s\n", error->message);
      app->status = 1;
    }
  else
    {
      printf ("done: %u segments\n", done);
      fflush (stdout);
    }

  gtk_window_destroy (GTK_WINDOW (window));
}

static PpExampleWindow *
create_window (App *app)
{
  g_autoptr(GError) error = NULL;
  PpExampleWindow *window;

  if (app->processor == NULL)
    app->processor = create_processor (app, &error);
  if (app->processor == NULL)
    {
      g_printerr ("pp-example-gtk: %s\n", error->message);
      app->status = 1;
      return NULL;
    }

  window = pp_example_window_new (app->application, app->processor);
  if (opt_exit_when_done)
    g_signal_connect (window, "converted", G_CALLBACK (on_converted), app);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* Started without a file: the user opens one */
static void
on_activate (GApplication *application,
             App          *app)
{
  create_window (app);
}

/* Started with a file: it is converted at once */
static void
on_open (GApplication  *application,
         GFile        **files,
         int            n_files,
         const char    *hint,
         App           *app)
{
  PpExampleWindow *window = create_window (app);

  if (window != NULL)
    pp_example_window_convert (window, files[0]);
}

int
main (int   argc,
      char *argv[])
{
  App app = { NULL, NULL, 0 };
  int status;

  /* Each run is its own instance: no other process opens its files */
  app.application = gtk_application_new ("org.libpp.ExampleGtk",
                                         G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_add_main_option_entries (G_APPLICATION (app.application), entries);
  g_signal_connect (app.application, "activate", G_CALLBACK (on_activate), &app);
  g_signal_connect (app.application, "open", G_CALLBACK (on_open), &app);

  status = g_application_run (G_APPLICATION (app.application), argc, argv);

  g_clear_object (&app.processor);
  g_clear_object (&app.application);

  return status != 0 ? status : app.status;
}
