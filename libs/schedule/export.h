// Exports of a scheduled plan: iCalendar (RFC 5545), Mermaid Gantt and CSV
// (RFC 4180). Pure text generation; nothing reads the clock.
//
//   ASSIGN_OR_RETURN(Timeline timeline, Schedule(plan, request));
//   IcsOptions ics;
//   ics.dtstamp_utc = absl::CivilSecond(2026, 3, 2, 9, 0, 0);  // injected
//   ASSIGN_OR_RETURN(std::string text, ExportIcs(plan, timeline, ics));
//
// Every exporter takes the plan the timeline was computed from (for titles
// and goal membership) and returns INVALID_ARGUMENT when the two do not match
// (a node's source index or id differs from the plan's).
//
// Dates are whole days (absl::CivilDay); `planned_start` and `deadline` are
// the mode's dates (cpm.h): latest dates for backward schedules, earliest for
// forward ones. All ranges are inclusive of their last day, except where a
// format demands otherwise (noted below).
#ifndef BACKPLAN_LIBS_SCHEDULE_EXPORT_H_
#define BACKPLAN_LIBS_SCHEDULE_EXPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "libs/core/plan.h"
#include "libs/schedule/cpm.h"

namespace backplan {

// What each task becomes in an ICS export. Calendar apps (Google Calendar,
// Outlook) show VEVENTs but not VTODOs.
enum class IcsEvents {
  kTodo,      // A VTODO due on the deadline (the default).
  kDeadline,  // An all-day VEVENT on the deadline day.
  kSpan,      // An all-day VEVENT from the planned start to the deadline.
};

// The people side of a resource-constrained timeline (rcpsp_plan.h's
// ResourceTimeline), one entry per node in Timeline::nodes order; each
// vector is either empty (not shown) or of that size (else the exporters
// return INVALID_ARGUMENT). Not owned.
struct ExportPeople {
  std::vector<std::vector<std::string>> assignees;
  std::vector<int64_t> resource_slack_days;
  std::vector<bool> resource_critical;
  std::vector<std::string> waits;  // ResourceWait::text.
};

struct IcsOptions {
  IcsEvents events = IcsEvents::kTodo;
  // DTSTAMP of every component, in UTC (RFC 5545 requires one; injected so the
  // output is reproducible).
  absl::CivilSecond dtstamp_utc;
  std::string prodid = "-//Backplan//Backplan Scheduler//EN";
  // With people: each task gets RESOURCES:<member>,... (RFC 5545 3.8.1.10)
  // and its DESCRIPTION adds "who: ...", its resource slack and what it
  // waits for.
  const ExportPeople* people = nullptr;
};

// A VCALENDAR (VERSION:2.0, PRODID) with one VTODO per task (milestones,
// i.e. goals and the outcome, are not exported), in plan order:
//   UID:<task id>.<plan id>@backplan (just <task id>@backplan without a plan
//   id), DTSTAMP, SUMMARY = title (the id when untitled),
//   DTSTART;VALUE=DATE = planned start, DUE;VALUE=DATE = deadline (the
//   task's last working day; RFC 5545 wants DUE later than DTSTART, so
//   DTSTART is left out when both fall on one day),
//   STATUS NEEDS-ACTION / IN-PROCESS / COMPLETED, PRIORITY:1 on critical
//   tasks, and a DESCRIPTION with slack and why the deadline is what it is.
// With IcsEvents::kDeadline or kSpan each task is instead one all-day VEVENT
// with the same UID, DTSTAMP, PRIORITY and DESCRIPTION (status as its first
// line when not "not started"), TRANSP:TRANSPARENT (it does not make anyone
// busy) and DTSTART;VALUE=DATE / DTEND;VALUE=DATE, DTEND exclusive (the day
// after the last day):
//   kDeadline: SUMMARY "Deadline: <title>", DTSTART = deadline, DTEND =
//     deadline + 1.
//   kSpan: SUMMARY = title, DTSTART = planned start, DTEND = deadline + 1.
// Lines end in CRLF and are folded at 75 octets (CRLF + one space), never
// inside a UTF-8 sequence; TEXT values escape `\`, `;`, `,` and newlines, and
// drop other control characters.
absl::StatusOr<std::string> ExportIcs(const Plan& plan,
                                      const Timeline& timeline,
                                      const IcsOptions& options);

struct MermaidOptions {
  // One section per goal (its tasks, then its milestone; tasks of no goal in
  // "Other tasks", the synthetic outcome in "Outcome"), or a single section
  // named after the outcome.
  bool section_per_goal = true;
  // With people: a task's title ends in " (member, ...)", and `crit` marks
  // the resource-critical nodes instead of the dependency-critical ones.
  const ExportPeople* people = nullptr;
};

// A Mermaid `gantt` chart: `dateFormat YYYY-MM-DD`, the outcome title as
// title, a line per task `title :[crit, ]<start>, <end>` and per milestone
// `title :milestone, [crit, ]<day>, 0d`. Mermaid end dates are exclusive, so
// <end> is the calendar day after the deadline. Titles lose `:`, `;` and `#`
// and line breaks, which Mermaid would misread.
absl::StatusOr<std::string> ExportMermaidGantt(const Plan& plan,
                                               const Timeline& timeline,
                                               const MermaidOptions& options);

// CSV per RFC 4180: CRLF line ends, a header row
//   id,kind,title,duration_days,status,earliest_start,earliest_finish,
//   latest_start,latest_finish,planned_start,deadline,slack_days,critical,
//   deadline_reason,reason_successor
// then one row per node in timeline order; dates YYYY-MM-DD; kind is task,
// goal or outcome; deadline_reason is successor, fixed_deadline, target or
// done. A field holding `,`, `"`, CR or LF is quoted with `"` doubled.
// With `people`, four columns follow: assignees (members joined by "; "),
// resource_slack_days, resource_critical, waits_for.
absl::StatusOr<std::string> ExportCsv(const Plan& plan,
                                      const Timeline& timeline,
                                      const ExportPeople* people = nullptr);

// Building blocks, exposed for tests and other exporters.
// INVALID_ARGUMENT naming the node unless every node of `timeline` refers
// (by source index and id) to the same task or goal of `plan`: exporters read
// titles through those indices.
absl::Status CheckTimelineMatchesPlan(const Plan& plan,
                                      const Timeline& timeline);
// RFC 5545 TEXT escaping (section 3.3.11).
std::string EscapeIcsText(absl::string_view text);
// RFC 5545 line folding (section 3.1) of one unfolded content line (without
// its CRLF); returns the line with CRLF after every physical line.
std::string FoldIcsLine(absl::string_view line);
// RFC 4180 field quoting.
std::string CsvField(absl::string_view field);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_EXPORT_H_
