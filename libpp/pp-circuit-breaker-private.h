/* pp-circuit-breaker-private.h: stops sending to an endpoint that keeps failing
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "pp-circuit-breaker.h"

G_BEGIN_DECLS

/* Transient failures in a row that open the circuit. An endpoint that
 * fails one request in five, and answers the rest, must not trip it: eight
 * in a row happen there about once in 400,000 requests */
#define PP_CIRCUIT_BREAKER_MAX_CONSECUTIVE_FAILURES 8
/* The sliding window of the last requests, and how many of them it needs
 * before its failure rate (over three quarters) opens the circuit */
#define PP_CIRCUIT_BREAKER_WINDOW 20
#define PP_CIRCUIT_BREAKER_MIN_WINDOW 20
/* The first cool-down; it doubles while probes fail, up to the longest */
#define PP_CIRCUIT_BREAKER_COOL_DOWN_US (1 * G_TIME_SPAN_SECOND)
#define PP_CIRCUIT_BREAKER_MAX_COOL_DOWN_US (30 * G_TIME_SPAN_SECOND)

/* What a request that the breaker let through says about the endpoint */
typedef enum {
  PP_CIRCUIT_RESULT_SUCCESS,    /* it answered, even with an error */
  PP_CIRCUIT_RESULT_FAILURE,    /* a transient failure: no usable answer */
  PP_CIRCUIT_RESULT_IGNORED,    /* nothing: it was cancelled */
} PpCircuitResult;

typedef struct _PpCircuitBreaker PpCircuitBreaker;

PpCircuitBreaker *pp_circuit_breaker_new        (void);
void              pp_circuit_breaker_free       (PpCircuitBreaker *breaker);
gboolean          pp_circuit_breaker_admit      (PpCircuitBreaker *breaker,
                                                 gint64            now,
                                                 gboolean         *probe,
                                                 gint64           *retry_in);
void              pp_circuit_breaker_record     (PpCircuitBreaker *breaker,
                                                 gint64            now,
                                                 gboolean          probe,
                                                 PpCircuitResult   result);
PpCircuitState    pp_circuit_breaker_get_state  (PpCircuitBreaker *breaker);
guint             pp_circuit_breaker_get_opened (PpCircuitBreaker *breaker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpCircuitBreaker, pp_circuit_breaker_free)

G_END_DECLS
