// Internal to the Gantt exports (gantt.h): the chart's style sheet and the
// HTML page around the SVG. Not a public API.
#ifndef BACKPLAN_LIBS_SCHEDULE_GANTT_PAGE_H_
#define BACKPLAN_LIBS_SCHEDULE_GANTT_PAGE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "libs/core/plan.h"
#include "libs/schedule/cpm.h"

namespace backplan::gantt_internal {

// CSS for the chart's SVG elements (classes as in gantt.h).
absl::string_view ChartCss();

// "Wed 2027-06-30".
std::string LongDate(absl::CivilDay day);

// The page header: outcome, target, feasibility, task count and legend,
// then `extra_html` (already escaped markup, e.g. the risk legend).
std::string Header(const Plan& plan, const Timeline& timeline,
                   absl::string_view extra_html = "");

// The whole HTML document: `title` (plain text) in <title>, `header_html`
// (already escaped markup) above the chart, `svg` (an inline <svg> element
// without its own <style>), the page style and the collapse script, and a
// Content-Security-Policy allowing exactly those two inline elements.
std::string Page(absl::string_view title, absl::string_view header_html,
                 absl::string_view svg);

}  // namespace backplan::gantt_internal

#endif  // BACKPLAN_LIBS_SCHEDULE_GANTT_PAGE_H_
