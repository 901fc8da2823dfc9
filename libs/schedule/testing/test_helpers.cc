#include "libs/schedule/testing/test_helpers.h"

#include <fstream>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace backplan::testing {

ScheduleRequest MondayRequest(ScheduleMode mode) {
  ScheduleRequest request;
  request.mode = mode;
  request.today = kMonday;
  return request;
}

Timeline ScheduleOrDie(const Plan& plan, ScheduleRequest request) {
  absl::StatusOr<Timeline> timeline = Schedule(plan, request);
  EXPECT_TRUE(timeline.ok()) << timeline.status();
  return timeline.ok() ? *std::move(timeline) : Timeline{};
}

std::string SvgAttr(absl::string_view text, absl::string_view marker,
                    absl::string_view name) {
  const size_t at = text.find(marker);
  if (at == absl::string_view::npos) return "<missing element>";
  const size_t tag = text.rfind('<', at);
  const absl::string_view element = text.substr(tag, text.find('>', at) - tag);
  const std::string key = absl::StrCat(" ", name, "=\"");
  const size_t a = element.find(key);
  if (a == absl::string_view::npos) return "<missing attribute>";
  const size_t b = element.find('"', a + key.size());
  return std::string(element.substr(a + key.size(), b - a - key.size()));
}

double SvgAttrNum(absl::string_view text, absl::string_view marker,
                  absl::string_view name) {
  double v = -1;
  EXPECT_TRUE(absl::SimpleAtod(SvgAttr(text, marker, name), &v))
      << marker << " " << name;
  return v;
}

std::string ReadPsplib(const std::string& relative) {
  std::ifstream in(std::string(BACKPLAN_PSPLIB_DIR) + "/" + relative);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace backplan::testing
