/* pp-example-window.h: a window that converts a document with libpp
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <libpp/libpp.h>

G_BEGIN_DECLS

#define PP_EXAMPLE_TYPE_WINDOW (pp_example_window_get_type ())

G_DECLARE_FINAL_TYPE (PpExampleWindow, pp_example_window, PP_EXAMPLE, WINDOW, GtkApplicationWindow)

PpExampleWindow *pp_example_window_new     (GtkApplication  *application,
                                            PpProcessor     *processor);
void             pp_example_window_convert (PpExampleWindow *window,
                                            GFile           *file);

G_END_DECLS
