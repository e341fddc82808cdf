/* pp-mock-faults.h: what the mock LLM does wrong, decided per request
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * PpMockFault:
 * @PP_MOCK_FAULT_NONE: answer normally
 * @PP_MOCK_FAULT_OVER_CAPACITY: 429, because the requests in flight fill the
 *   capacity
 * @PP_MOCK_FAULT_SERVER_ERROR: 500
 * @PP_MOCK_FAULT_RATE_LIMITED: 429, whatever the capacity
 * @PP_MOCK_FAULT_HANG: say nothing for a while, then answer or close
 * @PP_MOCK_FAULT_TRUNCATE: a 200 whose body stops half-way
 * @PP_MOCK_FAULT_DROP: close the connection without answering
 *
 * What to do with one request. All but the first two are drawn at random,
 * in this order of bands, with the probabilities set by
 * pp_mock_faults_set_probability().
 */
typedef enum
{
  PP_MOCK_FAULT_NONE,
  PP_MOCK_FAULT_OVER_CAPACITY,
  PP_MOCK_FAULT_SERVER_ERROR,
  PP_MOCK_FAULT_RATE_LIMITED,
  PP_MOCK_FAULT_HANG,
  PP_MOCK_FAULT_TRUNCATE,
  PP_MOCK_FAULT_DROP,
} PpMockFault;

#define PP_MOCK_N_FAULTS (PP_MOCK_FAULT_DROP + 1)

/**
 * PP_MOCK_CAPACITY_UNLIMITED:
 *
 * The capacity of a server that takes every request.
 */
#define PP_MOCK_CAPACITY_UNLIMITED G_MAXUINT

/**
 * PP_MOCK_STATUS_TOO_MANY_REQUESTS:
 *
 * HTTP's 429, the status of %PP_MOCK_FAULT_OVER_CAPACITY and
 * %PP_MOCK_FAULT_RATE_LIMITED, which libsoup 3.2 does not name.
 */
#define PP_MOCK_STATUS_TOO_MANY_REQUESTS 429

typedef struct _PpMockFaults PpMockFaults;

PpMockFaults *pp_mock_faults_new                    (guint32        seed);
void          pp_mock_faults_free                   (PpMockFaults  *faults);

gboolean      pp_mock_faults_set_probability        (PpMockFaults  *faults,
                                                     PpMockFault    fault,
                                                     double         probability,
                                                     GError       **error);
void          pp_mock_faults_set_capacity           (PpMockFaults  *faults,
                                                     guint          capacity);
gboolean      pp_mock_faults_set_capacity_schedule  (PpMockFaults  *faults,
                                                     const char    *schedule,
                                                     GError       **error);
guint         pp_mock_faults_get_capacity           (PpMockFaults  *faults,
                                                     gint64         elapsed_us);

PpMockFault   pp_mock_faults_decide                 (PpMockFaults  *faults,
                                                     gint64         elapsed_us,
                                                     guint          in_flight);

const char   *pp_mock_fault_to_string               (PpMockFault    fault);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpMockFaults, pp_mock_faults_free)

G_END_DECLS
