/* pp-llm-openai-transfer.c: deadlines of requests, and bodies read under a cap
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-llm-openai-transfer.h"

/* Requests block the threads that send them, so their deadlines fire on a
 * thread of their own: one per client, with its own main context, so that
 * no application context is ever woken for them. A deadline cancels its
 * request's cancellable. */
struct _PpLlmOpenaiDeadlines
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
};

static gpointer
deadlines_thread (gpointer data)
{
  PpLlmOpenaiDeadlines *deadlines = data;

  g_main_context_push_thread_default (deadlines->context);
  g_main_loop_run (deadlines->loop);
  g_main_context_pop_thread_default (deadlines->context);

  return NULL;
}

/**
 * pp_llm_openai_deadlines_new:
 *
 * Starts the thread that watches the deadlines of a client's requests.
 *
 * Returns: (transfer full): the deadlines
 */
PpLlmOpenaiDeadlines *
pp_llm_openai_deadlines_new (void)
{
  PpLlmOpenaiDeadlines *deadlines = g_new0 (PpLlmOpenaiDeadlines, 1);

  deadlines->context = g_main_context_new ();
  deadlines->loop = g_main_loop_new (deadlines->context, FALSE);
  deadlines->thread = g_thread_new ("pp-llm-deadlines", deadlines_thread, deadlines);

  return deadlines;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);

  return G_SOURCE_REMOVE;
}

/**
 * pp_llm_openai_deadlines_free:
 * @deadlines: (transfer full): the deadlines
 *
 * Stops the thread; deadlines still pending never fire.
 */
void
pp_llm_openai_deadlines_free (PpLlmOpenaiDeadlines *deadlines)
{
  GSource *source;

  /* From the loop itself: a g_main_loop_quit() before it runs is lost */
  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop, deadlines->loop, NULL);
  g_source_attach (source, deadlines->context);
  g_source_unref (source);
  g_thread_join (deadlines->thread);

  g_main_loop_unref (deadlines->loop);
  g_main_context_unref (deadlines->context);
  g_free (deadlines);
}

static gboolean
deadline_passed (gpointer data)
{
  g_cancellable_cancel (data);

  return G_SOURCE_REMOVE;
}

/**
 * pp_llm_openai_deadlines_add:
 * @deadlines: the deadlines
 * @timeout_s: in how many seconds the deadline is
 * @cancellable: what to cancel then
 *
 * Cancels @cancellable in @timeout_s seconds, unless the returned source
 * is destroyed first. Thread-safe.
 *
 * Returns: (transfer full): the source of the deadline: destroy it once
 *   the request is over, then unref it
 */
GSource *
pp_llm_openai_deadlines_add (PpLlmOpenaiDeadlines *deadlines,
                             guint                 timeout_s,
                             GCancellable         *cancellable)
{
  GSource *source = g_timeout_source_new_seconds (timeout_s);

  g_source_set_callback (source, deadline_passed, g_object_ref (cancellable), g_object_unref);
  g_source_set_name (source, "[pp-llm-openai] request deadline");
  g_source_attach (source, deadlines->context);

  return source;
}

#define READ_CHUNK (64 * 1024)

/**
 * pp_llm_openai_read_body:
 * @stream: the body of an answer
 * @max_size: how many bytes to keep at most
 * @more: (out): set to whether the body goes on past @max_size bytes
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads @stream to its end, or until it has given more than @max_size
 * bytes: what a server sends beyond that is never read, so that a body
 * without end costs no more memory than the cap.
 *
 * Returns: (transfer full) (nullable): at most @max_size bytes of the
 *   body, or %NULL with @error set if reading failed
 */
GBytes *
pp_llm_openai_read_body (GInputStream  *stream,
                         gsize          max_size,
                         gboolean      *more,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  *more = FALSE;

  for (;;)
    {
      /* One byte past the cap tells a body at the cap from a longer one */
      gsize wanted = MIN ((gsize) READ_CHUNK, max_size - body->len + 1);
      guint old_len = body->len;
      gssize n;

      g_byte_array_set_size (body, old_len + wanted);
      n = g_input_stream_read (stream, body->data + old_len, wanted, cancellable, error);
      if (n < 0)
        return NULL;

      g_byte_array_set_size (body, old_len + n);
      if (n == 0)
        break;

      if (body->len > max_size)
        {
          g_byte_array_set_size (body, max_size);
          *more = TRUE;
          break;
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}
