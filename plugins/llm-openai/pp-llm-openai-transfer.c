/* pp-llm-openai-transfer.c: deadlines of requests, and bodies read under a cap
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-llm-openai-transfer.h"

/* Requests block the threads that send them, so their deadlines fire on a
 * thread of their own, one per client, so that no application context is
 * ever woken for them. A deadline cancels its request's cancellable.
 *
 * The deadlines wait in the order they fall due. The thread sleeps until
 * the first is due, and is woken only when a new deadline comes first:
 * as a client's requests all have the same timeout, a new deadline almost
 * always comes last, and adding or removing one wakes nobody. */
struct _PpLlmOpenaiDeadlines
{
  GMutex lock;
  GCond cond;
  GQueue queue;               /* (element-type PpLlmOpenaiDeadline): by due time */
  gboolean stopping;
  GThread *thread;
};

struct _PpLlmOpenaiDeadline
{
  GList link;                 /* in the queue while pending */
  gint64 due;                 /* monotonic */
  GCancellable *cancellable;
  gboolean pending;           /* under the lock */
};

static gpointer
deadlines_thread (gpointer data)
{
  PpLlmOpenaiDeadlines *deadlines = data;

  g_mutex_lock (&deadlines->lock);
  while (!deadlines->stopping)
    {
      PpLlmOpenaiDeadline *first = g_queue_peek_head (&deadlines->queue);
      GCancellable *cancellable;

      if (first == NULL)
        {
          g_cond_wait (&deadlines->cond, &deadlines->lock);
          continue;
        }

      if (first->due > g_get_monotonic_time ())
        {
          g_cond_wait_until (&deadlines->cond, &deadlines->lock, first->due);
          continue;
        }

      /* Cancelled without the lock: the cancellable's handlers may take
       * their time, and the request may end meanwhile */
      g_queue_unlink (&deadlines->queue, &first->link);
      first->pending = FALSE;
      cancellable = g_object_ref (first->cancellable);
      g_mutex_unlock (&deadlines->lock);

      g_cancellable_cancel (cancellable);
      g_object_unref (cancellable);

      g_mutex_lock (&deadlines->lock);
    }
  g_mutex_unlock (&deadlines->lock);

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

  g_mutex_init (&deadlines->lock);
  g_cond_init (&deadlines->cond);
  g_queue_init (&deadlines->queue);
  deadlines->thread = g_thread_new ("pp-llm-deadlines", deadlines_thread, deadlines);

  return deadlines;
}

/**
 * pp_llm_openai_deadlines_free:
 * @deadlines: (transfer full): the deadlines
 *
 * Stops the thread; deadlines still pending never fire. Every deadline
 * must have been removed.
 */
void
pp_llm_openai_deadlines_free (PpLlmOpenaiDeadlines *deadlines)
{
  g_mutex_lock (&deadlines->lock);
  deadlines->stopping = TRUE;
  g_cond_signal (&deadlines->cond);
  g_mutex_unlock (&deadlines->lock);
  g_thread_join (deadlines->thread);

  g_cond_clear (&deadlines->cond);
  g_mutex_clear (&deadlines->lock);
  g_free (deadlines);
}

/**
 * pp_llm_openai_deadlines_add:
 * @deadlines: the deadlines
 * @timeout_s: in how many seconds the deadline is
 * @cancellable: what to cancel then
 *
 * Cancels @cancellable in @timeout_s seconds, unless the deadline is
 * removed first. Thread-safe.
 *
 * Returns: (transfer full): the deadline: remove it once the request is
 *   over
 */
PpLlmOpenaiDeadline *
pp_llm_openai_deadlines_add (PpLlmOpenaiDeadlines *deadlines,
                             guint                 timeout_s,
                             GCancellable         *cancellable)
{
  PpLlmOpenaiDeadline *deadline = g_new0 (PpLlmOpenaiDeadline, 1);
  GList *before;

  deadline->link.data = deadline;
  deadline->due = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  deadline->cancellable = g_object_ref (cancellable);
  deadline->pending = TRUE;

  g_mutex_lock (&deadlines->lock);
  /* From the end: a new deadline seldom comes before another */
  for (before = deadlines->queue.tail;
       before != NULL && ((PpLlmOpenaiDeadline *) before->data)->due > deadline->due;
       before = before->prev)
    ;
  if (before != NULL)
    g_queue_insert_after_link (&deadlines->queue, before, &deadline->link);
  else
    {
      /* The first to fall due: the thread must wake up for it */
      g_queue_push_head_link (&deadlines->queue, &deadline->link);
      g_cond_signal (&deadlines->cond);
    }
  g_mutex_unlock (&deadlines->lock);

  return deadline;
}

/**
 * pp_llm_openai_deadlines_remove:
 * @deadlines: the deadlines
 * @deadline: (transfer full): a deadline pp_llm_openai_deadlines_add()
 *   returned
 *
 * Removes @deadline and frees it: it will not fire if it has not yet.
 * Thread-safe.
 */
void
pp_llm_openai_deadlines_remove (PpLlmOpenaiDeadlines *deadlines,
                                PpLlmOpenaiDeadline  *deadline)
{
  g_mutex_lock (&deadlines->lock);
  if (deadline->pending)
    g_queue_unlink (&deadlines->queue, &deadline->link);
  g_mutex_unlock (&deadlines->lock);

  g_object_unref (deadline->cancellable);
  g_free (deadline);
}

/* A body of unknown length is read in reads that grow from the first to
 * the largest, so that the usual short answer takes a small buffer */
#define FIRST_READ (4 * 1024)
#define READ_CHUNK (64 * 1024)

/**
 * pp_llm_openai_read_body:
 * @stream: the body of an answer
 * @max_size: how many bytes to keep at most
 * @expected_size: how long the body says it is, or 0 if it does not say
 * @more: (out): set to whether the body goes on past @max_size bytes
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads @stream to its end, or until it has given more than @max_size
 * bytes: what a server sends beyond that is never read, so that a body
 * without end costs no more memory than the cap. A body of the length it
 * announced is read into a buffer of its size, another into one that
 * grows as it comes.
 *
 * Returns: (transfer full) (nullable): at most @max_size bytes of the
 *   body, or %NULL with @error set if reading failed
 */
GBytes *
pp_llm_openai_read_body (GInputStream  *stream,
                         gsize          max_size,
                         gsize          expected_size,
                         gboolean      *more,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GByteArray) body = NULL;

  *more = FALSE;
  expected_size = MIN (expected_size, max_size);
  body = g_byte_array_sized_new ((guint) MIN (expected_size + 1, (gsize) READ_CHUNK));

  for (;;)
    {
      /* One byte past the cap, or past the length announced, tells a
       * body of that length from a longer one */
      gsize wanted = MIN ((gsize) READ_CHUNK, max_size - body->len + 1);
      guint old_len = body->len;
      gssize n;

      if (expected_size > 0)
        wanted = MIN (wanted, body->len < expected_size ? expected_size - body->len + 1 : 1);
      else
        wanted = MIN (wanted, MAX ((gsize) FIRST_READ, body->len));

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
