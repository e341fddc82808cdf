/* pp-circuit-breaker.h: the states of the processor's circuit breaker
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(__LIBPP_H_INSIDE__) && !defined(LIBPP_COMPILATION)
#error "Only <libpp/libpp.h> can be included directly."
#endif

#include <glib.h>
#include <libpp/pp-version-macros.h>

G_BEGIN_DECLS

/**
 * PpCircuitState:
 * @PP_CIRCUIT_CLOSED: requests go to the endpoint
 * @PP_CIRCUIT_OPEN: the endpoint failed too often; no request is sent
 *   until a cool-down is over
 * @PP_CIRCUIT_HALF_OPEN: the cool-down is over; one request, the probe,
 *   goes to the endpoint: its success closes the circuit, its failure
 *   opens it again for a longer cool-down
 *
 * The state of a [class@Pp.Processor]'s circuit breaker, which stops
 * sending requests to an endpoint that keeps failing (see
 * [property@Pp.Processor:circuit-state]).
 *
 * Since: 0.2
 */
typedef enum {
  PP_CIRCUIT_CLOSED,
  PP_CIRCUIT_OPEN,
  PP_CIRCUIT_HALF_OPEN,
} PpCircuitState;

G_END_DECLS
