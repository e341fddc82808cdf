/* pp-mock-request-log.h: what the mock LLM did with each request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "pp-mock-faults.h"

G_BEGIN_DECLS

/**
 * PP_MOCK_REQUEST_LOG_LIMIT:
 *
 * How many of the latest requests the mock LLM's log keeps.
 */
#define PP_MOCK_REQUEST_LOG_LIMIT 100000

typedef struct _PpMockRequestLog PpMockRequestLog;

PpMockRequestLog *pp_mock_request_log_new        (guint              limit);
void              pp_mock_request_log_free       (PpMockRequestLog  *log);

void              pp_mock_request_log_add        (PpMockRequestLog  *log,
                                                  gint64             arrival_us,
                                                  const char        *prompt_checksum,
                                                  PpMockFault        fault,
                                                  guint              status);
void              pp_mock_request_log_build      (PpMockRequestLog  *log,
                                                  JsonBuilder       *builder,
                                                  guint              max_entries);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMockRequestLog, pp_mock_request_log_free)

G_END_DECLS
