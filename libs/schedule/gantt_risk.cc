#include "libs/schedule/gantt_risk.h"

#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/schedule/gantt_chart.h"
#include "libs/schedule/gantt_page.h"

namespace backplan::gantt_internal {
namespace {

// "P50", "P97.5".
std::string Label(double percentile) {
  return absl::StrFormat("P%g", percentile);
}

}  // namespace

absl::Status CheckRisk(const GanttRisk& risk) {
  if (risk.finishes.size() > static_cast<size_t>(kMaxGanttRiskLines)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "risk: ", risk.finishes.size(),
        " finish percentiles, more than a chart's ", kMaxGanttRiskLines));
  }
  for (size_t i = 0; i < risk.finishes.size(); ++i) {
    const FinishPercentile& f = risk.finishes[i];
    if (!(f.percentile > 0 && f.percentile < 100) ||
        (i > 0 && (f.percentile <= risk.finishes[i - 1].percentile ||
                   f.day < risk.finishes[i - 1].day))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "risk.finishes[%d]: percentile %g on %s is outside (0, 100) or "
          "out of order",
          i, f.percentile, absl::FormatCivilTime(f.day)));
    }
  }
  if (!(risk.probability_on_time >= 0 && risk.probability_on_time <= 1)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("risk.probability_on_time: %g is outside [0, 1]",
                        risk.probability_on_time));
  }
  return absl::OkStatus();
}

std::string RiskSummary(const GanttRisk& risk, absl::CivilDay target) {
  std::string out = absl::StrFormat("P(finish by %s) %.1f %%", LongDate(target),
                                    100 * risk.probability_on_time);
  for (const FinishPercentile& f : risk.finishes) {
    absl::StrAppend(&out, " \xC2\xB7 ", Label(f.percentile), " ",
                    LongDate(f.day));
  }
  if (risk.iterations > 0) {
    absl::StrAppend(&out, " (", risk.iterations, " simulated runs)");
  }
  return out;
}

std::string RiskLines(const GanttRisk& risk,
                      absl::FunctionRef<double(absl::CivilDay)> x_end,
                      double axis_top, double rows_top, double rows_end) {
  std::string out;
  for (size_t i = 0; i < risk.finishes.size(); ++i) {
    const FinishPercentile& f = risk.finishes[i];
    const std::string x = Num(x_end(f.day));
    const std::string day = absl::FormatCivilTime(f.day);
    // Labels one under another, so close dates stay readable.
    absl::StrAppend(
        &out, "<line class=\"risk fullv\" data-percentile=\"",
        absl::StrFormat("%g", f.percentile), "\" data-day=\"", day, "\" x1=\"",
        x, "\" x2=\"", x, "\" y1=\"", Num(axis_top), "\" y2=\"", Num(rows_end),
        "\"><title>", Label(f.percentile), ": ",
        absl::StrFormat("%g", f.percentile), " % of simulated runs finish by ",
        LongDate(f.day), "</title></line><text class=\"risk-label\" x=\"",
        Num(x_end(f.day) + 3), "\" y=\"",
        Num(rows_top + 10 + 11 * static_cast<double>(i % 3)), "\">",
        Label(f.percentile), "</text>\n");
  }
  return out;
}

std::string RiskLegendHtml(const GanttRisk& risk, absl::CivilDay target) {
  return absl::StrCat(
      "<p class=\"risk-legend\"><span><i class=\"l-risk\"></i>Monte Carlo "
      "finish</span> ",
      XmlEscape(RiskSummary(risk, target)), "</p>\n");
}

}  // namespace backplan::gantt_internal
