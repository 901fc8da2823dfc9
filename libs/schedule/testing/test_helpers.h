// Test-only helpers of libs/schedule's tests (target
// backplan_schedule_test_helpers, built with BACKPLAN_BUILD_TESTS and never
// linked into a server or tool), in one place instead of per-test copies:
// a fixed "today", scheduling that fails the test on error, SVG attribute
// lookups for the chart tests and PSPLIB instance files.
//
//   const Timeline timeline = ScheduleOrDie(plan, MondayRequest(kBackward));
//   EXPECT_EQ(SvgAttr(svg, "data-task=\"a\"", "x"), "120");
#ifndef BACKPLAN_LIBS_SCHEDULE_TESTING_TEST_HELPERS_H_
#define BACKPLAN_LIBS_SCHEDULE_TESTING_TEST_HELPERS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "libs/core/plan.h"
#include "libs/schedule/cpm.h"

namespace backplan::testing {

// Monday 2026-03-02: the "today" of the resource and calendar tests.
inline constexpr absl::CivilDay kMonday(2026, 3, 2);

// A request in `mode` made on kMonday, nothing else set.
ScheduleRequest MondayRequest(ScheduleMode mode);

// Schedule(plan, request); a test failure (and an empty timeline) when it
// is not OK.
Timeline ScheduleOrDie(const Plan& plan, ScheduleRequest request = {});

// The value of attribute `name` in the first element whose opening tag
// contains `marker`; "<missing element>" or "<missing attribute>" otherwise.
std::string SvgAttr(absl::string_view text, absl::string_view marker,
                    absl::string_view name);

// SvgAttr as a number; a test failure (and -1) when it is not one.
double SvgAttrNum(absl::string_view text, absl::string_view marker,
                  absl::string_view name);

// The text of PSPLIB file `relative` (e.g. "j30/j301_1.sm") under
// ../shared/psplib beside the source tree; "" when it cannot be read (tests
// then skip).
std::string ReadPsplib(const std::string& relative);

}  // namespace backplan::testing

#endif  // BACKPLAN_LIBS_SCHEDULE_TESTING_TEST_HELPERS_H_
