/* pp-aimd-limiter.c: a concurrency limit that adapts to the endpoint
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-aimd-limiter.h"
#include "pp-aimd-window-private.h"

/**
 * PpAimdLimiter:
 *
 * The default [iface@Pp.ConcurrencyLimiter]: additive increase,
 * multiplicative decrease, after TCP's congestion window.
 *
 * Only requests that went out while the limit was full grow it. It starts
 * low and grows by one for each of their successes (slow start), until the
 * endpoint first answers that it is overloaded (a 429 or a timeout). The
 * refused request locates the endpoint's capacity: it went out as the nth
 * in flight, and the limit goes to n - 1, never losing more than a
 * twentieth at once. There the limit holds for a second, since every
 * refused request waits for the endpoint's Retry-After and may end a run
 * late; then it asks for one more, and grows faster every round trip
 * (three more, nine, then sixteen a round trip) until the endpoint refuses
 * again, so that it soon finds the room after the endpoint's capacity went
 * up. A refusal while the limit holds means the capacity fell, or that the
 * endpoint refuses now and then whatever the load: the limit loses a
 * twentieth and stops holding. The overloaded answers of requests sent
 * before a decrease belong to the episode that caused it and do not shrink
 * the limit again.
 *
 * Latency alone never lowers the limit: a long answer from an LLM is work,
 * not congestion.
 *
 * The limit stays between [property@Pp.AimdLimiter:min-limit] and
 * [property@Pp.AimdLimiter:max-limit]; equal bounds pin it. Changes that
 * requests make to the limit are not notified (they happen on worker
 * threads): read [property@Pp.AimdLimiter:limit], or the processor's own
 * property, which is notified on its main context.
 *
 * Since: 0.2
 */

struct _PpAimdLimiter
{
  GObject parent_instance;

  GMutex lock;  /* guards all below */
  GCond cond;   /* signalled when in_use drops or the limit grows, if
                 * anyone waits */
  guint waiting; /* requests waiting on cond for room */
  PpAimdWindow window;
  guint in_use;
};

enum {
  PROP_0,
  PROP_MIN_LIMIT,
  PROP_MAX_LIMIT,
  PROP_LIMIT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void pp_aimd_limiter_concurrency_limiter_init (PpConcurrencyLimiterInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PpAimdLimiter, pp_aimd_limiter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_CONCURRENCY_LIMITER,
                                                      pp_aimd_limiter_concurrency_limiter_init))

static void
wake_waiters (GCancellable *cancellable,
              gpointer      data)
{
  PpAimdLimiter *self = data;

  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* Counts a request in; lock is held and there is room */
static void
admit_locked (PpAimdLimiter *self,
              guint64       *ticket)
{
  self->in_use++;
  *ticket = pp_aimd_window_admit (&self->window, self->in_use);
}

static gboolean
pp_aimd_limiter_acquire (PpConcurrencyLimiter  *limiter,
                         GCancellable          *cancellable,
                         guint64               *ticket,
                         GError               **error)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (limiter);
  gulong handler = 0;
  gboolean admitted = FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Under the limit, as most requests are: no waiting, so nothing to
   * connect to the cancellable (connecting takes GLib's signal lock, which
   * every request of every worker would otherwise queue on) */
  g_mutex_lock (&self->lock);
  if (self->in_use < pp_aimd_window_get_limit (&self->window))
    {
      admit_locked (self, ticket);
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  g_mutex_unlock (&self->lock);

  /* Connected outside the lock: the handler runs at once when the
   * cancellable is already cancelled, and takes the lock */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_waiters), self, NULL);

  g_mutex_lock (&self->lock);
  self->waiting++;
  while (!g_cancellable_is_cancelled (cancellable) &&
         self->in_use >= pp_aimd_window_get_limit (&self->window))
    g_cond_wait (&self->cond, &self->lock);
  self->waiting--;

  if (!g_cancellable_is_cancelled (cancellable))
    {
      admit_locked (self, ticket);
      admitted = TRUE;
    }
  g_mutex_unlock (&self->lock);

  g_cancellable_disconnect (cancellable, handler);

  if (!admitted)
    g_cancellable_set_error_if_cancelled (cancellable, error);

  return admitted;
}

static void
pp_aimd_limiter_release (PpConcurrencyLimiter *limiter,
                         guint64               ticket,
                         PpRequestOutcome      outcome)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (limiter);
  guint before, after;

  g_mutex_lock (&self->lock);
  if (self->in_use == 0)
    {
      g_mutex_unlock (&self->lock);
      g_critical ("pp_concurrency_limiter_release: more releases than acquires");
      return;
    }

  before = pp_aimd_window_get_limit (&self->window);
  self->in_use--;

  pp_aimd_window_record (&self->window, ticket, outcome, g_get_monotonic_time ());
  after = pp_aimd_window_get_limit (&self->window);

  /* Waking a condition is a system call even when nobody waits */
  if (self->waiting > 0 && after > before)
    g_cond_broadcast (&self->cond);
  else if (self->waiting > 0)
    g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static guint
pp_aimd_limiter_get_limit (PpConcurrencyLimiter *limiter)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (limiter);
  guint limit;

  g_mutex_lock (&self->lock);
  limit = pp_aimd_window_get_limit (&self->window);
  g_mutex_unlock (&self->lock);

  return limit;
}

static void
pp_aimd_limiter_set_bounds (PpConcurrencyLimiter *limiter,
                            guint                 min_limit,
                            guint                 max_limit)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (limiter);
  gboolean min_changed, max_changed;

  g_mutex_lock (&self->lock);
  min_changed = self->window.min_limit != min_limit;
  max_changed = self->window.max_limit != max_limit;
  pp_aimd_window_set_bounds (&self->window, min_limit, max_limit);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (min_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_LIMIT]);
  if (max_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_LIMIT]);
}

static void
pp_aimd_limiter_set_backlog (PpConcurrencyLimiter *limiter,
                             guint                 backlog)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (limiter);

  g_mutex_lock (&self->lock);
  pp_aimd_window_set_backlog (&self->window, backlog);
  g_mutex_unlock (&self->lock);
}

static void
pp_aimd_limiter_concurrency_limiter_init (PpConcurrencyLimiterInterface *iface)
{
  iface->acquire = pp_aimd_limiter_acquire;
  iface->release = pp_aimd_limiter_release;
  iface->get_limit = pp_aimd_limiter_get_limit;
  iface->set_bounds = pp_aimd_limiter_set_bounds;
  iface->set_backlog = pp_aimd_limiter_set_backlog;
}

static void
pp_aimd_limiter_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (object);

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_MIN_LIMIT:
      g_value_set_uint (value, self->window.min_limit);
      break;
    case PROP_MAX_LIMIT:
      g_value_set_uint (value, self->window.max_limit);
      break;
    case PROP_LIMIT:
      g_value_set_uint (value, pp_aimd_window_get_limit (&self->window));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->lock);
}

static void
pp_aimd_limiter_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (object);

  switch (prop_id)
    {
    case PROP_MIN_LIMIT:
      self->window.min_limit = g_value_get_uint (value);
      break;
    case PROP_MAX_LIMIT:
      self->window.max_limit = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_aimd_limiter_constructed (GObject *object)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (object);

  G_OBJECT_CLASS (pp_aimd_limiter_parent_class)->constructed (object);

  if (self->window.max_limit < self->window.min_limit)
    {
      g_critical ("PpAimdLimiter: max-limit %u is below min-limit %u; using %u for both",
                  self->window.max_limit, self->window.min_limit, self->window.min_limit);
      self->window.max_limit = self->window.min_limit;
    }
  pp_aimd_window_init (&self->window, self->window.min_limit, self->window.max_limit);
}

static void
pp_aimd_limiter_finalize (GObject *object)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (pp_aimd_limiter_parent_class)->finalize (object);
}

static void
pp_aimd_limiter_class_init (PpAimdLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pp_aimd_limiter_get_property;
  object_class->set_property = pp_aimd_limiter_set_property;
  object_class->constructed = pp_aimd_limiter_constructed;
  object_class->finalize = pp_aimd_limiter_finalize;

  /**
   * PpAimdLimiter:min-limit:
   *
   * The least requests in flight the limit allows.
   *
   * Since: 0.2
   */
  properties[PROP_MIN_LIMIT] =
    g_param_spec_uint ("min-limit", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpAimdLimiter:max-limit:
   *
   * The most requests in flight the limit allows.
   *
   * Since: 0.2
   */
  properties[PROP_MAX_LIMIT] =
    g_param_spec_uint ("max-limit", NULL, NULL, 1, G_MAXUINT, 64,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                       G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * PpAimdLimiter:limit:
   *
   * How many requests may be in flight now. It changes as requests end,
   * on the threads that send them, without notification.
   *
   * Since: 0.2
   */
  properties[PROP_LIMIT] =
    g_param_spec_uint ("limit", NULL, NULL, 1, G_MAXUINT, 1,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_aimd_limiter_init (PpAimdLimiter *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  pp_aimd_window_init (&self->window, 1, 64);
}

/**
 * pp_aimd_limiter_new:
 * @min_limit: the least requests in flight the limit allows, at least 1
 * @max_limit: the most requests in flight the limit allows, at least
 *   @min_limit
 *
 * Creates a limiter whose limit adapts between @min_limit and @max_limit;
 * equal bounds pin it.
 *
 * Returns: (transfer full): a new limiter
 *
 * Since: 0.2
 */
PpAimdLimiter *
pp_aimd_limiter_new (guint min_limit,
                     guint max_limit)
{
  g_return_val_if_fail (min_limit >= 1, NULL);
  g_return_val_if_fail (max_limit >= min_limit, NULL);

  return g_object_new (PP_TYPE_AIMD_LIMITER,
                       "min-limit", min_limit,
                       "max-limit", max_limit,
                       NULL);
}
