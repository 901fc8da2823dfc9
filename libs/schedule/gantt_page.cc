#include "libs/schedule/gantt_page.h"

#include <openssl/sha.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "libs/schedule/gantt.h"

namespace backplan {
namespace {

// Styles only classes: a CSP with a style hash blocks style="" attributes.
constexpr absl::string_view kChartCss = R"css(
svg.gantt{font:12px sans-serif;background:#fff}
svg.gantt text{fill:#1f2937}
svg.gantt .title{font-size:15px;font-weight:bold}
svg.gantt .axis{fill:#4b5563;font-size:11px}
svg.gantt .month{stroke:#9ca3af;stroke-width:1}
svg.gantt .week{stroke:#e5e7eb;stroke-width:1}
svg.gantt .nonwork{fill:#cbd5e1;opacity:.45;pointer-events:none}
svg.gantt .holiday{fill:#fca5a5;opacity:.45}
svg.gantt .head-band{fill:#f1f5f9}
svg.gantt .row.head text.label{font-weight:bold}
svg.gantt .lane-line{stroke:#e5e7eb}
svg.gantt .summary{fill:#94a3b8}
svg.gantt .bar .fill{fill:#60a5fa;stroke:#2563eb;stroke-width:.5}
svg.gantt .bar.crit .fill{fill:#f87171;stroke:#b91c1c}
svg.gantt .bar .progress{fill:#1e3a8a;opacity:.55}
svg.gantt .bar.done .fill{fill:#9ca3af;stroke:#4b5563}
svg.gantt .bar .ms{fill:#2563eb}
svg.gantt .bar.crit .ms{fill:#b91c1c}
svg.gantt .bar text{fill:#fff;font-size:10px;pointer-events:none}
svg.gantt .also{fill:none;stroke:#60a5fa;stroke-dasharray:3 2}
svg.gantt .deadline{fill:#374151}
svg.gantt .deadline.fixed{fill:#dc2626}
svg.gantt .milestone{fill:#7c3aed;stroke:#4c1d95}
svg.gantt .milestone.crit{fill:#dc2626;stroke:#7f1d1d}
svg.gantt .arrow{fill:none;stroke:#6b7280;stroke-width:1;marker-end:url(#arrowhead)}
svg.gantt .arrow.crit{stroke:#b91c1c}
svg.gantt marker path{fill:#6b7280}
svg.gantt .target{stroke:#dc2626;stroke-width:2}
svg.gantt .target-label{fill:#dc2626;font-weight:bold}
svg.gantt .asof{stroke:#059669;stroke-width:1.5;stroke-dasharray:4 3}
svg.gantt .risk{stroke:#c2410c;stroke-width:1.5;stroke-dasharray:6 3}
svg.gantt .risk-label{fill:#9a3412;font-size:10px;font-weight:bold}
svg.gantt .risk-legend{fill:#9a3412}
svg.gantt .hidden{display:none}
)css";

constexpr absl::string_view kPageCss = R"css(
body{margin:0;font:14px sans-serif;color:#1f2937;background:#fff}
header{padding:12px 16px 4px}
h1{font-size:20px;margin:0 0 4px}
p{margin:2px 0}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:14px;height:10px;margin-right:4px;vertical-align:middle}
.legend .l-bar{background:#60a5fa}.legend .l-crit{background:#f87171}
.legend .l-done{background:#1e3a8a}.legend .l-non{background:#cbd5e1}
.legend .l-hol{background:#fca5a5}.legend .l-ms{background:#7c3aed}
.legend .l-target{background:#dc2626;width:3px}
.risk-legend{color:#9a3412}
.risk-legend i{display:inline-block;width:3px;height:10px;margin-right:4px;vertical-align:middle;background:#c2410c}
.scroll{overflow:auto;padding:0 8px 16px}
svg.gantt .row.head{cursor:pointer}
svg.gantt .row.head:hover .head-band{fill:#e2e8f0}
)css";

// Collapses a group when its heading is clicked: hides its rows, moves the
// rows below up, and redraws the arrows between the rows still shown (an
// arrow to a hidden row is hidden). The path shape matches gantt.cc's.
constexpr absl::string_view kScript = R"js(
(function () {
  var svg = document.querySelector('svg.gantt');
  if (!svg) return;
  var rh = +svg.dataset.rowHeight, top = +svg.dataset.rowsTop;
  var axisTop = +svg.dataset.axisTop, pad = +svg.dataset.bottomPad;
  var rows = Array.prototype.slice.call(svg.querySelectorAll('g.row'));
  var closed = {};
  function path(x1, y1, x2, y2) {
    if (x2 - x1 >= 8) return 'M' + x1 + ' ' + y1 + 'H' + (x1 + 4) + 'V' + y2 + 'H' + x2;
    var ym = y2 - (y2 >= y1 ? 1 : -1) * rh / 2;
    return 'M' + x1 + ' ' + y1 + 'H' + (x1 + 4) + 'V' + ym + 'H' + (x2 - 4) + 'V' + y2 + 'H' + x2;
  }
  function layout() {
    var y = top, at = {};
    rows.forEach(function (r) {
      var hide = r.dataset.in !== undefined && closed[r.dataset.in];
      r.classList.toggle('hidden', !!hide);
      if (hide) return;
      r.setAttribute('transform', 'translate(0,' + y + ')');
      at[r.dataset.row] = y;
      y += rh;
    });
    svg.querySelectorAll('path.arrow').forEach(function (a) {
      var y1 = at[a.dataset.r1], y2 = at[a.dataset.r2];
      var show = y1 !== undefined && y2 !== undefined;
      a.classList.toggle('hidden', !show);
      if (show) a.setAttribute('d', path(+a.dataset.x1, y1 + rh / 2, +a.dataset.x2, y2 + rh / 2));
    });
    svg.querySelectorAll('.fullh').forEach(function (e) { e.setAttribute('height', y - axisTop); });
    svg.querySelectorAll('.fullv').forEach(function (e) { e.setAttribute('y2', y); });
    svg.setAttribute('height', y + pad);
    svg.setAttribute('viewBox', '0 0 ' + svg.getAttribute('width') + ' ' + (y + pad));
  }
  svg.addEventListener('click', function (e) {
    var head = e.target.closest('g.row.head');
    if (!head || head.dataset.group === undefined) return;
    var g = head.dataset.group;
    closed[g] = !closed[g];
    head.classList.toggle('closed', closed[g]);
    var t = head.querySelector('.toggle');
    if (t) t.textContent = closed[g] ? '\u25B8' : '\u25BE';
    layout();
  });
})();
)js";

}  // namespace

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string CspSha256(absl::string_view content) {
  return absl::StrCat("'sha256-", absl::Base64Escape(Sha256(content)), "'");
}

std::string XmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        // XML 1.0 allows only tab, LF and CR below 0x20.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' &&
            c != '\r') {
          break;
        }
        out.push_back(c);
    }
  }
  return out;
}

namespace gantt_internal {

absl::string_view ChartCss() { return kChartCss; }

std::string LongDate(absl::CivilDay day) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
  return absl::StrCat(kDays[static_cast<int>(absl::GetWeekday(day))], " ",
                      absl::FormatCivilTime(day));
}

std::string Header(const Plan& plan, const Timeline& timeline,
                   absl::string_view extra_html) {
  std::string status =
      timeline.feasible
          ? absl::StrCat("on time, ", timeline.min_slack_days,
                         " working days of slack")
          : absl::StrCat("misses the target by ", timeline.days_short,
                         " working days (earliest ",
                         LongDate(timeline.earliest_finish), ")");
  int tasks = 0;
  for (const ScheduledNode& node : timeline.nodes) {
    tasks += node.kind == PlanGraph::Kind::kTask;
  }
  return absl::StrCat(
      "<header><h1>", XmlEscape(plan.outcome.title), "</h1>\n<p>Target ",
      LongDate(timeline.target_date), " \xC2\xB7 final milestone ",
      LongDate(timeline.final_milestone), " \xC2\xB7 ", status, " \xC2\xB7 ",
      tasks, " tasks \xC2\xB7 ",
      timeline.mode == ScheduleMode::kBackward ? "latest dates (backward)"
                                               : "earliest dates (forward)",
      "</p>\n<p class=\"legend\"><span><i class=\"l-bar\"></i>task</span>"
      "<span><i class=\"l-crit\"></i>critical</span>"
      "<span><i class=\"l-done\"></i>progress</span>"
      "<span><i class=\"l-ms\"></i>goal</span>"
      "<span><i class=\"l-non\"></i>weekend</span>"
      "<span><i class=\"l-hol\"></i>holiday</span>"
      "<span><i class=\"l-target\"></i>target</span>"
      "<span>\xE2\x96\xBC deadline \xC2\xB7 click a group to fold it</span>"
      "</p>\n",
      extra_html, "</header>\n");
}

std::string Page(absl::string_view title, absl::string_view header_html,
                 absl::string_view svg) {
  const std::string css = absl::StrCat(kPageCss, kChartCss);
  return absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
      "'none'; style-src ",
      CspSha256(css), "; script-src ", CspSha256(kScript),
      "\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>",
      XmlEscape(title), "</title>\n<style>", css, "</style>\n</head>\n<body>\n",
      header_html, "<div class=\"scroll\">\n", svg, "</div>\n<script>", kScript,
      "</script>\n</body>\n</html>\n");
}

}  // namespace gantt_internal
}  // namespace backplan
