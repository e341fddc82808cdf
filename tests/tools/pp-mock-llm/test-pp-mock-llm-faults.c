/* test-pp-mock-llm-faults.c: pp-mock-llm's decisions of what to do wrong,
 * and its record of what it did
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pp-mock-faults.h"
#include "pp-mock-request-log.h"

#define S(seconds) ((gint64) ((seconds) * (double) G_USEC_PER_SEC))

static void
test_capacity_schedule (void)
{
  g_autoptr(PpMockFaults) faults = pp_mock_faults_new (0);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, 0), ==, PP_MOCK_CAPACITY_UNLIMITED);

  pp_mock_faults_set_capacity (faults, 7);
  pp_mock_faults_set_capacity_schedule (faults, "1:3,2.5:0,10:48", &error);
  g_assert_no_error (error);

  /* --capacity before the first point, then each point from its time */
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, 0), ==, 7);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, S (1) - 1), ==, 7);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, S (1)), ==, 3);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, S (2.5) - 1), ==, 3);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, S (2.5)), ==, 0);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, S (10)), ==, 48);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, S (3600)), ==, 48);

  /* A request is turned away when those in flight fill the capacity */
  g_assert_cmpint (pp_mock_faults_decide (faults, 0, 6), ==, PP_MOCK_FAULT_NONE);
  g_assert_cmpint (pp_mock_faults_decide (faults, 0, 7), ==, PP_MOCK_FAULT_OVER_CAPACITY);
  g_assert_cmpint (pp_mock_faults_decide (faults, S (1.5), 3), ==, PP_MOCK_FAULT_OVER_CAPACITY);
  g_assert_cmpint (pp_mock_faults_decide (faults, S (3), 0), ==, PP_MOCK_FAULT_OVER_CAPACITY);
  g_assert_cmpint (pp_mock_faults_decide (faults, S (11), 47), ==, PP_MOCK_FAULT_NONE);

  /* A point at 0 s holds from the start */
  pp_mock_faults_set_capacity_schedule (faults, "0:2", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pp_mock_faults_get_capacity (faults, 0), ==, 2);
}

static void
test_capacity_schedule_invalid (void)
{
  const char *invalid[] = {
    "", "5", ":5", "5:", "x:1", "1:x", "1:-1", "-1:3", "1:3,1:4", "2:3,1:4", "1:3,,2:4", "inf:3", "nan:3",
  };
  g_autoptr(PpMockFaults) faults = pp_mock_faults_new (0);

  pp_mock_faults_set_capacity_schedule (faults, "0:4", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pp_mock_faults_set_capacity_schedule (faults, invalid[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_test_message ("‘%s’: %s", invalid[i], error->message);
      /* The schedule stays as it was */
      g_assert_cmpuint (pp_mock_faults_get_capacity (faults, 0), ==, 4);
    }
}

static void
test_probability_invalid (void)
{
  g_autoptr(PpMockFaults) faults = pp_mock_faults_new (0);
  g_autoptr(GError) error = NULL;

  g_assert_false (pp_mock_faults_set_probability (faults, PP_MOCK_FAULT_DROP, 1.5, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (pp_mock_faults_set_probability (faults, PP_MOCK_FAULT_SERVER_ERROR, 0.7, &error));
  g_assert_no_error (error);
  g_assert_false (pp_mock_faults_set_probability (faults, PP_MOCK_FAULT_HANG, 0.4, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Setting one again replaces it; rounding is allowed for */
  g_assert_true (pp_mock_faults_set_probability (faults, PP_MOCK_FAULT_SERVER_ERROR, 0.1, &error));
  g_assert_true (pp_mock_faults_set_probability (faults, PP_MOCK_FAULT_RATE_LIMITED, 0.2, &error));
  g_assert_true (pp_mock_faults_set_probability (faults, PP_MOCK_FAULT_HANG, 0.7, &error));
  g_assert_no_error (error);
}

#define N_DRAWS 10000

/* Each fault gets its share of the requests; at probability 1, all */
static void
test_bands (void)
{
  g_autoptr(PpMockFaults) faults = pp_mock_faults_new (7);
  guint counts[PP_MOCK_N_FAULTS] = { 0, };

  for (guint fault = PP_MOCK_FAULT_SERVER_ERROR; fault < PP_MOCK_N_FAULTS; fault++)
    pp_mock_faults_set_probability (faults, fault, 0.1, NULL);
  for (guint i = 0; i < N_DRAWS; i++)
    counts[pp_mock_faults_decide (faults, 0, 0)]++;

  g_assert_cmpuint (counts[PP_MOCK_FAULT_OVER_CAPACITY], ==, 0);
  g_assert_cmpuint (counts[PP_MOCK_FAULT_NONE], >, N_DRAWS / 2 * 0.9);
  g_assert_cmpuint (counts[PP_MOCK_FAULT_NONE], <, N_DRAWS / 2 * 1.1);
  for (guint fault = PP_MOCK_FAULT_SERVER_ERROR; fault < PP_MOCK_N_FAULTS; fault++)
    {
      g_test_message ("%s: %u", pp_mock_fault_to_string (fault), counts[fault]);
      g_assert_cmpuint (counts[fault], >, N_DRAWS / 10 * 0.8);
      g_assert_cmpuint (counts[fault], <, N_DRAWS / 10 * 1.2);
    }

  for (guint fault = PP_MOCK_FAULT_SERVER_ERROR; fault < PP_MOCK_N_FAULTS; fault++)
    {
      g_autoptr(PpMockFaults) certain = pp_mock_faults_new (7);

      pp_mock_faults_set_probability (certain, fault, 1.0, NULL);
      for (guint i = 0; i < 100; i++)
        g_assert_cmpint (pp_mock_faults_decide (certain, 0, 0), ==, fault);
    }
}

#define N_REQUESTS 200

/* The fault of the n-th request depends only on the seed and n: not on
 * the requests turned away for capacity before it */
static void
test_seed (void)
{
  g_autoptr(PpMockFaults) faults = pp_mock_faults_new (42);
  g_autoptr(PpMockFaults) again = pp_mock_faults_new (42);
  g_autoptr(PpMockFaults) crowded = pp_mock_faults_new (42);
  g_autoptr(PpMockFaults) other = pp_mock_faults_new (43);
  gboolean differs = FALSE;

  for (PpMockFaults **f = (PpMockFaults *[]) { faults, again, crowded, other, NULL }; *f != NULL; f++)
    {
      pp_mock_faults_set_probability (*f, PP_MOCK_FAULT_SERVER_ERROR, 0.3, NULL);
      pp_mock_faults_set_probability (*f, PP_MOCK_FAULT_DROP, 0.3, NULL);
    }
  pp_mock_faults_set_capacity (crowded, 1);

  for (guint i = 0; i < N_REQUESTS; i++)
    {
      PpMockFault fault = pp_mock_faults_decide (faults, 0, 0);
      /* Every third request of the crowded server finds it full */
      PpMockFault crowded_fault = pp_mock_faults_decide (crowded, 0, i % 3 == 0 ? 1 : 0);

      g_assert_cmpint (pp_mock_faults_decide (again, 0, 0), ==, fault);
      if (i % 3 == 0)
        g_assert_cmpint (crowded_fault, ==, PP_MOCK_FAULT_OVER_CAPACITY);
      else
        g_assert_cmpint (crowded_fault, ==, fault);
      differs |= pp_mock_faults_decide (other, 0, 0) != fault;
    }
  g_assert_true (differs);
}

static JsonNode *
build_log (PpMockRequestLog *log,
           guint             max_entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  pp_mock_request_log_build (log, builder, max_entries);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
assert_entries (JsonNode *node,
                guint64   first,
                guint     n_entries)
{
  JsonArray *entries = json_object_get_array_member (json_node_get_object (node), "log");

  g_assert_cmpuint (json_array_get_length (entries), ==, n_entries);
  for (guint i = 0; i < n_entries; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_assert_cmpint (json_object_get_int_member (entry, "n"), ==, first + i);
      g_assert_cmpint (json_object_get_int_member (entry, "arrival_us"), ==, (first + i) * 1000);
    }
}

/* The log counts every request, and keeps the latest */
static void
test_request_log (void)
{
  g_autoptr(PpMockRequestLog) log = pp_mock_request_log_new (3);
  g_autofree char *checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "Ada Lovelace", -1);
  const struct
  {
    PpMockFault fault;
    guint status;
  } requests[] = {
    { PP_MOCK_FAULT_NONE, 200 },
    { PP_MOCK_FAULT_OVER_CAPACITY, 429 },
    { PP_MOCK_FAULT_RATE_LIMITED, 429 },
    { PP_MOCK_FAULT_HANG, 200 },
    { PP_MOCK_FAULT_NONE, 400 },
    { PP_MOCK_FAULT_TRUNCATE, 200 },
    { PP_MOCK_FAULT_DROP, 0 },
    { PP_MOCK_FAULT_SERVER_ERROR, 500 },
  };
  const char *outcomes[] = { "200", "429", "429", "hung", "400", "truncated", "dropped", "500" };
  g_autoptr(JsonNode) all = NULL;
  g_autoptr(JsonNode) last = NULL;
  g_autoptr(JsonNode) none = NULL;
  JsonObject *counts;
  JsonArray *entries;

  all = build_log (log, G_MAXUINT);
  assert_entries (all, 0, 0);
  g_clear_pointer (&all, json_node_unref);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    pp_mock_request_log_add (log, i * 1000, i % 2 == 0 ? checksum : NULL, requests[i].fault, requests[i].status);

  all = build_log (log, G_MAXUINT);
  counts = json_object_get_object_member (json_node_get_object (all), "outcomes");
  g_assert_cmpint (json_object_get_int_member (counts, "200"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "400"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "429"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (counts, "500"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "truncated"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "dropped"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (counts, "hung"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (all), "over_capacity"), ==, 1);

  /* The latest 3, oldest first */
  assert_entries (all, G_N_ELEMENTS (requests) - 3, 3);
  entries = json_object_get_array_member (json_node_get_object (all), "log");
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      guint n = G_N_ELEMENTS (requests) - 3 + i;

      g_assert_cmpstr (json_object_get_string_member (entry, "outcome"), ==, outcomes[n]);
      g_assert_cmpstr (json_object_get_string_member (entry, "fault"), ==, pp_mock_fault_to_string (requests[n].fault));
      if (n % 2 == 0)
        {
          g_assert_cmpuint (strlen (json_object_get_string_member (entry, "prompt")), ==, 16);
          g_assert_true (g_str_has_prefix (checksum, json_object_get_string_member (entry, "prompt")));
        }
      else
        g_assert_true (json_object_get_null_member (entry, "prompt"));
    }

  last = build_log (log, 2);
  assert_entries (last, G_N_ELEMENTS (requests) - 2, 2);
  none = build_log (log, 0);
  assert_entries (none, 0, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mock-faults/capacity-schedule/follows-the-clock", test_capacity_schedule);
  g_test_add_func ("/mock-faults/capacity-schedule/invalid", test_capacity_schedule_invalid);
  g_test_add_func ("/mock-faults/probability/invalid", test_probability_invalid);
  g_test_add_func ("/mock-faults/bands", test_bands);
  g_test_add_func ("/mock-faults/seed/one-draw-per-request", test_seed);
  g_test_add_func ("/mock-request-log/ring", test_request_log);

  return g_test_run ();
}
