/* pp-convert-context.c: how a converter asks the LLM
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-convert-context.h"
#include "pp-convert-context-private.h"

/**
 * PpConvertContext:
 *
 * What a #PpConverter is handed to ask the LLM. The processor makes one for
 * every task, so that every request goes through its cache, its
 * single-flight table (identical requests in flight are sent once) and its
 * concurrency gate. An application that converts a segment on its own can
 * make one with pp_convert_context_new(): it looks in the cache, then asks
 * the client and stores the answer.
 *
 * Since: 0.1
 */

struct _PpConvertContext
{
  GObject parent_instance;

  PpLlmClient *client;
  PpCache *cache;
  char *client_id;           /* (nullable): made with the context only
                              * when it has a cache */
  char *model;
  char *document_name;

  PpConvertContextCompleteFunc complete_func;
  gpointer complete_data;
  PpStatsCollector *stats;   /* (nullable): counts cache misses and store failures */
  guint cache_ttl_s;         /* how long stored answers stay valid; 0: for ever */
  PpConvertContextMaySendFunc may_send_func;
  PpConvertContextSendFailedFunc send_failed_func;
  gpointer send_data;

  /* Answers of the conversion under way, stored in the cache only once the
   * converter made valid JSON-LD of them */
  GMutex pending_lock;
  GPtrArray *pending_keys;        /* (element-type utf8) (nullable): made
                                   * with the first answer kept */
  GPtrArray *pending_responses;   /* (element-type PpLlmResponse) (nullable) */
};

G_DEFINE_FINAL_TYPE (PpConvertContext, pp_convert_context, G_TYPE_OBJECT)

static void
pp_convert_context_finalize (GObject *object)
{
  PpConvertContext *self = PP_CONVERT_CONTEXT (object);

  g_clear_object (&self->client);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->model, g_free);
  g_clear_pointer (&self->document_name, g_free);
  g_clear_pointer (&self->pending_keys, g_ptr_array_unref);
  g_clear_pointer (&self->pending_responses, g_ptr_array_unref);
  g_mutex_clear (&self->pending_lock);

  G_OBJECT_CLASS (pp_convert_context_parent_class)->finalize (object);
}

static void
pp_convert_context_class_init (PpConvertContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_convert_context_finalize;
}

static void
pp_convert_context_init (PpConvertContext *self)
{
  g_mutex_init (&self->pending_lock);
}

PpConvertContext *
pp_convert_context_new_full (PpLlmClient                  *client,
                             PpCache                      *cache,
                             const char                   *model,
                             PpConvertContextCompleteFunc  complete_func,
                             gpointer                      user_data)
{
  PpConvertContext *self;

  g_return_val_if_fail (PP_IS_LLM_CLIENT (client), NULL);
  g_return_val_if_fail (cache == NULL || PP_IS_CACHE (cache), NULL);

  self = g_object_new (PP_TYPE_CONVERT_CONTEXT, NULL);
  self->client = g_object_ref (client);
  self->cache = cache != NULL ? g_object_ref (cache) : NULL;
  /* The identifier goes into cache keys, which are made only to ask and
   * fill a cache */
  if (cache != NULL)
    self->client_id = pp_llm_client_dup_id (client);
  self->model = g_strdup (model);
  self->complete_func = complete_func;
  self->complete_data = user_data;

  return self;
}

/**
 * pp_convert_context_new:
 * @client: the LLM client to ask
 * @cache: (nullable): a cache of answers
 *
 * Makes a context for converting segments outside a #PpProcessor.
 *
 * Returns: (transfer full): a new #PpConvertContext
 *
 * Since: 0.1
 */
PpConvertContext *
pp_convert_context_new (PpLlmClient *client,
                        PpCache     *cache)
{
  return pp_convert_context_new_full (client, cache, NULL, NULL, NULL);
}

/**
 * pp_convert_context_get_client:
 * @context: a #PpConvertContext
 *
 * Gets the LLM client the context sends requests to.
 *
 * Returns: (transfer none): the LLM client
 *
 * Since: 0.1
 */
PpLlmClient *
pp_convert_context_get_client (PpConvertContext *context)
{
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);

  return context->client;
}

/**
 * pp_convert_context_get_cache:
 * @context: a #PpConvertContext
 *
 * Gets the cache the context looks answers up in.
 *
 * Returns: (transfer none) (nullable): the cache, if any
 *
 * Since: 0.1
 */
PpCache *
pp_convert_context_get_cache (PpConvertContext *context)
{
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);

  return context->cache;
}

/**
 * pp_convert_context_set_model:
 * @context: a #PpConvertContext
 * @model: (nullable): the model converters should ask for, or %NULL for the
 *   client's default
 *
 * Sets the model that converters put in their requests. Set it before the
 * context is used.
 *
 * Since: 0.1
 */
void
pp_convert_context_set_model (PpConvertContext *context,
                              const char       *model)
{
  g_return_if_fail (PP_IS_CONVERT_CONTEXT (context));

  g_free (context->model);
  context->model = g_strdup (model);
}

/**
 * pp_convert_context_get_model:
 * @context: a #PpConvertContext
 *
 * Gets the model converters should ask for.
 *
 * Returns: (nullable): the model converters should ask for, or %NULL for the
 *   client's default
 *
 * Since: 0.1
 */
const char *
pp_convert_context_get_model (PpConvertContext *context)
{
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);

  return context->model;
}

/**
 * pp_convert_context_set_document_name:
 * @context: a #PpConvertContext
 * @name: (nullable): the name of the document, or %NULL
 *
 * Sets the name of the document whose segment is being converted, as
 * [method@Pp.Document.get_name] gives it: a file's path or URI, or another
 * name. The processor sets it for the segments of documents.
 *
 * Since: 0.2
 */
void
pp_convert_context_set_document_name (PpConvertContext *context,
                                      const char       *name)
{
  g_return_if_fail (PP_IS_CONVERT_CONTEXT (context));

  g_free (context->document_name);
  context->document_name = g_strdup (name);
}

/**
 * pp_convert_context_get_document_name:
 * @context: a #PpConvertContext
 *
 * Gets the name of the document whose segment is being converted, such as
 * the path of its file: a converter may name the document in its messages,
 * or resolve the relative references of its source against it.
 *
 * Returns: (nullable): the name of the document, or %NULL for a segment
 *   converted on its own
 *
 * Since: 0.2
 */
const char *
pp_convert_context_get_document_name (PpConvertContext *context)
{
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);

  return context->document_name;
}

char *
pp_convert_context_dup_cache_key (PpConvertContext *context,
                                  PpLlmRequest     *request)
{
  g_autofree char *client_id = NULL;

  if (context->client_id == NULL)
    client_id = pp_llm_client_dup_id (context->client);

  return pp_llm_request_get_cache_key (request, context->client_id != NULL ? context->client_id : client_id);
}

/* How long the answers stored from now on stay valid, in seconds (0: for
 * ever) */
void
pp_convert_context_set_cache_ttl (PpConvertContext *context,
                                  guint             ttl_s)
{
  context->cache_ttl_s = ttl_s;
}

/* Where cache misses and store failures are counted */
void
pp_convert_context_set_stats (PpConvertContext *context,
                              PpStatsCollector *stats)
{
  context->stats = stats;
}

static void
count_cache_miss (PpConvertContext *context)
{
  if (context->stats == NULL)
    return;

  g_mutex_lock (&context->stats->lock);
  context->stats->cache_misses++;
  g_mutex_unlock (&context->stats->lock);
}

static void
count_cache_store_failure (PpConvertContext *context)
{
  if (context->stats == NULL)
    return;

  g_mutex_lock (&context->stats->lock);
  context->stats->cache_store_failures++;
  g_mutex_unlock (&context->stats->lock);
}

/* The answer cached for @key, or NULL; a cache that fails is logged and
 * treated as a miss */
PpLlmResponse *
pp_convert_context_lookup_cache (PpConvertContext *context,
                                 const char       *key,
                                 GCancellable     *cancellable)
{
  g_autoptr(GBytes) cached = NULL;
  g_autoptr(GError) error = NULL;
  PpLlmResponse *response;

  if (context->cache == NULL)
    return NULL;

  cached = pp_cache_lookup (context->cache, key, cancellable, &error);
  if (cached == NULL)
    {
      if (error != NULL)
        g_warning ("Cache %s: lookup failed, asking the LLM instead: %s",
                   G_OBJECT_TYPE_NAME (context->cache), error->message);
      count_cache_miss (context);
      return NULL;
    }

  response = pp_llm_response_new_from_bytes (cached, &error);
  if (response == NULL)
    {
      g_warning ("Cache %s: cached answer unreadable, asking the LLM instead: %s",
                 G_OBJECT_TYPE_NAME (context->cache), error->message);
      count_cache_miss (context);
    }

  return response;
}

/* @may_send decides, as each request is about to be sent, whether it may
 * go; @send_failed learns of a sent request's error first */
void
pp_convert_context_set_send_funcs (PpConvertContext               *context,
                                   PpConvertContextMaySendFunc     may_send,
                                   PpConvertContextSendFailedFunc  send_failed,
                                   gpointer                        user_data)
{
  context->may_send_func = may_send;
  context->send_failed_func = send_failed;
  context->send_data = user_data;
}

/* Asks the client, unless the may-send func holds the request back; an
 * answer, or NULL with @error set whatever the client returned */
PpLlmResponse *
pp_convert_context_ask_client (PpConvertContext  *context,
                               PpLlmRequest      *request,
                               GCancellable      *cancellable,
                               GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  PpLlmResponse *response;

  if (context->may_send_func != NULL && !context->may_send_func (context->send_data, error))
    return NULL;

  response = pp_llm_client_complete (context->client, request, cancellable, &local_error);
  if (response != NULL)
    {
      /* An answer and an error is not a result the interface allows: the
       * answer stands */
      if (local_error != NULL)
        g_debug ("LLM client %s: an answer came with an error, ignored: %s",
                 G_OBJECT_TYPE_NAME (context->client), local_error->message);
      return response;
    }

  if (local_error == NULL)
    local_error = g_error_new (PP_LLM_ERROR, PP_LLM_ERROR_INVALID_RESPONSE,
                               "LLM client %s: returned neither an answer nor an error",
                               G_OBJECT_TYPE_NAME (context->client));
  if (context->send_failed_func != NULL)
    context->send_failed_func (context->send_data, local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

/* Keeps a paid answer until the conversion ends: see
 * pp_convert_context_end_conversion() */
void
pp_convert_context_add_answer (PpConvertContext *context,
                               const char       *key,
                               PpLlmResponse    *response)
{
  if (context->cache == NULL)
    return;

  g_mutex_lock (&context->pending_lock);
  if (context->pending_keys == NULL)
    {
      context->pending_keys = g_ptr_array_new_with_free_func (g_free);
      context->pending_responses = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_llm_response_unref);
    }
  g_ptr_array_add (context->pending_keys, g_strdup (key));
  g_ptr_array_add (context->pending_responses, pp_llm_response_ref (response));
  g_mutex_unlock (&context->pending_lock);
}

/**
 * pp_convert_context_reject_answer:
 * @context: a #PpConvertContext
 * @response: an answer [method@Pp.ConvertContext.complete] gave
 *
 * Tells the context that the converter could not use @response (it was not
 * valid JSON-LD, and the converter asks again or gives up): it is not
 * stored in the cache, even when the conversion succeeds in the end with
 * another answer. Answers that are not rejected are stored once the
 * conversion succeeded.
 *
 * Since: 0.2
 */
void
pp_convert_context_reject_answer (PpConvertContext *context,
                                  PpLlmResponse    *response)
{
  g_return_if_fail (PP_IS_CONVERT_CONTEXT (context));
  g_return_if_fail (response != NULL);

  g_mutex_lock (&context->pending_lock);
  for (guint i = context->pending_responses != NULL ? context->pending_responses->len : 0; i > 0; i--)
    {
      if (context->pending_responses->pdata[i - 1] == response)
        {
          g_ptr_array_remove_index (context->pending_keys, i - 1);
          g_ptr_array_remove_index (context->pending_responses, i - 1);
        }
    }
  g_mutex_unlock (&context->pending_lock);
}

/* Called when a converter is done with a segment. When it made valid
 * JSON-LD, every answer it was given on the way is stored, so that running
 * it again asks nothing; when it failed, none is, so that it asks again.
 * A cache that fails is logged: the result stands. */
void
pp_convert_context_end_conversion (PpConvertContext *context,
                                   gboolean          succeeded)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) responses = NULL;

  g_mutex_lock (&context->pending_lock);
  keys = g_steal_pointer (&context->pending_keys);
  responses = g_steal_pointer (&context->pending_responses);
  g_mutex_unlock (&context->pending_lock);

  if (!succeeded || keys == NULL)
    return;

  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(GBytes) bytes = pp_llm_response_to_bytes (responses->pdata[i]);
      g_autoptr(GError) error = NULL;

      if (pp_cache_store (context->cache, keys->pdata[i], bytes,
                          context->cache_ttl_s, NULL, &error))
        continue;

      count_cache_store_failure (context);

      if (error != NULL)
        g_warning ("Cache %s: could not store an answer: %s",
                   G_OBJECT_TYPE_NAME (context->cache), error->message);
      else
        g_debug ("Cache %s: an answer was not stored; the cache gave no reason",
                 G_OBJECT_TYPE_NAME (context->cache));
    }
}

static PpLlmResponse *
complete_through_cache (PpConvertContext  *context,
                        PpLlmRequest      *request,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autofree char *key = NULL;
  PpLlmResponse *response;

  /* The key, a SHA-256 of the whole request, is needed only to ask and
   * fill a cache */
  if (context->cache == NULL)
    return pp_convert_context_ask_client (context, request, cancellable, error);

  key = pp_convert_context_dup_cache_key (context, request);
  response = pp_convert_context_lookup_cache (context, key, cancellable);
  if (response != NULL)
    return response;

  response = pp_convert_context_ask_client (context, request, cancellable, error);
  if (response != NULL)
    pp_convert_context_add_answer (context, key, response);

  return response;
}

/**
 * pp_convert_context_complete:
 * @context: a #PpConvertContext
 * @request: the request
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Answers @request: from the cache when it holds the answer, otherwise from
 * the LLM client. The answers a converter is given are stored in the cache
 * once it made valid JSON-LD of them (pp_converter_convert() sees to it).
 * When @request has no model, the context's model is used. Blocks;
 * thread-safe.
 *
 * Returns: (transfer full) (nullable): the answer, or %NULL with @error set
 *
 * Since: 0.1
 */
PpLlmResponse *
pp_convert_context_complete (PpConvertContext  *context,
                             PpLlmRequest      *request,
                             GCancellable      *cancellable,
                             GError           **error)
{
  g_return_val_if_fail (PP_IS_CONVERT_CONTEXT (context), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (pp_llm_request_get_model (request) == NULL && context->model != NULL)
    pp_llm_request_set_model (request, context->model);

  if (context->complete_func != NULL)
    return context->complete_func (context, request, cancellable, context->complete_data, error);

  return complete_through_cache (context, request, cancellable, error);
}
