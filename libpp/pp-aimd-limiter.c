/* pp-aimd-limiter.c: a concurrency limit that adapts to the endpoint
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-aimd-limiter.h"

/**
 * PpAimdLimiter:
 *
 * The default [iface@Pp.ConcurrencyLimiter]: additive increase,
 * multiplicative decrease.
 *
 * The limit starts low and grows by one for every request that succeeds
 * while the limit is in use (slow start), until the endpoint first answers
 * that it is overloaded (a 429 or a timeout). From then on it grows by one
 * for every *limit* such requests, and faster the longer the endpoint goes
 * without congestion (one more for each full limit's worth of successes
 * since the last decrease, up to 16), so that it finds the room again soon
 * after an endpoint's capacity went up. Each congestion episode shrinks it
 * by a twentieth: the overloaded answers of requests sent before the last
 * decrease belong to the episode that caused it and do not shrink it again.
 *
 * Latency alone never lowers the limit: a long answer from an LLM is work,
 * not congestion.
 *
 * The limit stays between #PpAimdLimiter:min-limit and
 * #PpAimdLimiter:max-limit; equal bounds pin it. Changes that requests
 * make to the limit are not notified (they happen on worker threads): read
 * #PpAimdLimiter:limit, or the processor's own property, which is notified
 * on its main context.
 *
 * Since: 0.2
 */

/* Where the limit starts, within the bounds */
#define INITIAL_LIMIT 8
/* The most the growth speeds up after a long time without congestion */
#define MAX_GROWTH_STEP 16
/* What is left of the limit after a congestion episode */
#define DECREASE_FACTOR 0.95

struct _PpAimdLimiter
{
  GObject parent_instance;

  GMutex lock;  /* guards all below */
  GCond cond;   /* signalled when in_use drops or the limit grows */
  double window;
  guint in_use;
  guint min_limit;
  guint max_limit;
  /* Counts the congestion episodes; tickets carry it shifted left by one,
   * with bit 0 set when the limit was in use as the request went out */
  guint64 episode;
  gboolean slow_start;
  /* Successes that grew the limit since the last decrease */
  guint64 growths;
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

/* lock is held */
static guint
current_limit_locked (PpAimdLimiter *self)
{
  return CLAMP ((guint) self->window, self->min_limit, self->max_limit);
}

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
  *ticket = self->episode << 1 | (self->in_use >= current_limit_locked (self) ? 1 : 0);
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
  if (self->in_use < current_limit_locked (self))
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
  while (!g_cancellable_is_cancelled (cancellable) &&
         self->in_use >= current_limit_locked (self))
    g_cond_wait (&self->cond, &self->lock);

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

  before = current_limit_locked (self);
  self->in_use--;

  switch (outcome)
    {
    case PP_REQUEST_OUTCOME_SUCCESS:
      /* Grow only when the limit was what held requests back */
      if ((ticket & 1) != 0 && self->window < self->max_limit)
        {
          double window = MAX (self->window, 1.0);
          /* Full limits' worth of successes since the last decrease */
          guint64 rounds = (guint64) ((double) self->growths / window);

          if (self->slow_start)
            self->window += 1.0;
          else
            self->window += (1.0 + (double) MIN (rounds, MAX_GROWTH_STEP - 1)) / window;
          self->growths++;
        }
      break;

    case PP_REQUEST_OUTCOME_OVERLOADED:
      if ((ticket >> 1) == self->episode)
        {
          self->window = MAX ((double) self->min_limit, (double) (guint) (self->window * DECREASE_FACTOR));
          self->episode++;
          self->slow_start = FALSE;
          self->growths = 0;
        }
      break;

    case PP_REQUEST_OUTCOME_IGNORED:
    default:
      break;
    }

  self->window = CLAMP (self->window, (double) self->min_limit, (double) self->max_limit);
  after = current_limit_locked (self);

  if (after > before)
    g_cond_broadcast (&self->cond);
  else
    g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static guint
pp_aimd_limiter_get_limit (PpConcurrencyLimiter *limiter)
{
  PpAimdLimiter *self = PP_AIMD_LIMITER (limiter);
  guint limit;

  g_mutex_lock (&self->lock);
  limit = current_limit_locked (self);
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
  min_changed = self->min_limit != min_limit;
  max_changed = self->max_limit != max_limit;
  self->min_limit = min_limit;
  self->max_limit = max_limit;
  self->window = CLAMP (self->window, (double) min_limit, (double) max_limit);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (min_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_LIMIT]);
  if (max_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_LIMIT]);
}

static void
pp_aimd_limiter_concurrency_limiter_init (PpConcurrencyLimiterInterface *iface)
{
  iface->acquire = pp_aimd_limiter_acquire;
  iface->release = pp_aimd_limiter_release;
  iface->get_limit = pp_aimd_limiter_get_limit;
  iface->set_bounds = pp_aimd_limiter_set_bounds;
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
      g_value_set_uint (value, self->min_limit);
      break;
    case PROP_MAX_LIMIT:
      g_value_set_uint (value, self->max_limit);
      break;
    case PROP_LIMIT:
      g_value_set_uint (value, current_limit_locked (self));
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
      self->min_limit = g_value_get_uint (value);
      break;
    case PROP_MAX_LIMIT:
      self->max_limit = g_value_get_uint (value);
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

  if (self->max_limit < self->min_limit)
    {
      g_critical ("PpAimdLimiter: max-limit %u is below min-limit %u; using %u for both",
                  self->max_limit, self->min_limit, self->min_limit);
      self->max_limit = self->min_limit;
    }
  self->window = CLAMP (INITIAL_LIMIT, self->min_limit, self->max_limit);
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
  self->min_limit = 1;
  self->max_limit = 64;
  self->slow_start = TRUE;
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
