/* pp-convert-no-llm.c: the LLM client of a converter that asks none
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "pp-convert-no-llm.h"

/* A processor needs an LLM client, and a converter that reads what a page
 * already holds asks none: this one stands in, so that no endpoint,
 * credential or cache of answers is needed. Asked all the same, it fails
 * as a client that was not configured does, which stops the run. */

struct _PpConvertNoLlm
{
  GObject parent_instance;
};

static void pp_convert_no_llm_llm_client_iface_init (PpLlmClientInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PpConvertNoLlm, pp_convert_no_llm, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PP_TYPE_LLM_CLIENT,
                                                      pp_convert_no_llm_llm_client_iface_init))

static PpLlmResponse *
pp_convert_no_llm_complete (PpLlmClient   *client,
                            PpLlmRequest  *request,
                            GCancellable  *cancellable,
                            GError       **error)
{
  g_set_error_literal (error, PP_LLM_ERROR, PP_LLM_ERROR_NOT_CONFIGURED,
                       "no LLM client: the converter declared it asks none");
  return NULL;
}

static char *
pp_convert_no_llm_dup_id (PpLlmClient *client)
{
  return g_strdup ("none");
}

static void
pp_convert_no_llm_llm_client_iface_init (PpLlmClientInterface *iface)
{
  iface->complete = pp_convert_no_llm_complete;
  iface->dup_id = pp_convert_no_llm_dup_id;
}

static void
pp_convert_no_llm_class_init (PpConvertNoLlmClass *klass)
{
}

static void
pp_convert_no_llm_init (PpConvertNoLlm *self)
{
}

/* Returns: (transfer full): a client that answers nothing */
PpLlmClient *
pp_convert_no_llm_new (void)
{
  return g_object_new (PP_TYPE_CONVERT_NO_LLM, NULL);
}
