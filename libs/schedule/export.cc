#include "libs/schedule/export.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/common/status_macros.h"

namespace backplan {
namespace {

constexpr size_t kIcsLineOctets = 75;

std::string Date(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string IcsDate(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

absl::string_view ReasonName(DeadlineReason::Kind kind) {
  switch (kind) {
    case DeadlineReason::Kind::kSuccessor:
      return "successor";
    case DeadlineReason::Kind::kFixedDeadline:
      return "fixed_deadline";
    case DeadlineReason::Kind::kTarget:
      return "target";
    case DeadlineReason::Kind::kDone:
      return "done";
  }
  return "";
}

absl::string_view KindName(PlanGraph::Kind kind) {
  switch (kind) {
    case PlanGraph::Kind::kTask:
      return "task";
    case PlanGraph::Kind::kGoal:
      return "goal";
    case PlanGraph::Kind::kOutcome:
      return "outcome";
  }
  return "";
}

absl::string_view StatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kNotStarted:
      return "not_started";
    case TaskStatus::kInProgress:
      return "in_progress";
    case TaskStatus::kDone:
      return "done";
  }
  return "";
}

}  // namespace

absl::Status CheckTimelineMatchesPlan(const Plan& plan,
                                      const Timeline& timeline) {
  for (size_t n = 0; n < timeline.nodes.size(); ++n) {
    const ScheduledNode& node = timeline.nodes[n];
    const std::string* id = nullptr;
    if (node.kind == PlanGraph::Kind::kTask && node.source_index >= 0 &&
        node.source_index < static_cast<int>(plan.tasks.size())) {
      id = &plan.tasks[node.source_index].id;
    } else if (node.kind == PlanGraph::Kind::kGoal && node.source_index >= 0 &&
               node.source_index < static_cast<int>(plan.goals.size())) {
      id = &plan.goals[node.source_index].id;
    } else if (node.kind == PlanGraph::Kind::kOutcome) {
      continue;
    }
    if (id == nullptr || *id != node.id) {
      return absl::InvalidArgumentError(
          absl::StrCat("timeline: node \"", node.id,
                       "\" does not match the plan it is exported with"));
    }
  }
  return absl::OkStatus();
}

namespace {

const std::string& Title(const Plan& plan, const ScheduledNode& node) {
  const std::string* title = &node.id;
  if (node.kind == PlanGraph::Kind::kTask) {
    title = &plan.tasks[node.source_index].title;
  } else if (node.kind == PlanGraph::Kind::kGoal) {
    title = &plan.goals[node.source_index].title;
  } else {
    title = &plan.outcome.title;
  }
  return title->empty() ? node.id : *title;
}

std::string Describe(const Timeline& timeline, const ScheduledNode& node) {
  std::string reason;
  switch (node.deadline_reason.kind) {
    case DeadlineReason::Kind::kSuccessor:
      reason =
          absl::StrCat("deadline set by ", DeadlineSuccessorId(timeline, node));
      break;
    case DeadlineReason::Kind::kFixedDeadline:
      reason = "deadline set by its fixed deadline";
      break;
    case DeadlineReason::Kind::kTarget:
      reason = "deadline set by the target date";
      break;
    case DeadlineReason::Kind::kDone:
      return "done";
  }
  return absl::StrCat(reason, "\nslack: ", node.slack_days, " working days",
                      node.critical ? " (critical)" : "");
}

absl::Status CheckPeople(const Timeline& timeline, const ExportPeople* people) {
  if (people == nullptr) return absl::OkStatus();
  const size_t n = timeline.nodes.size();
  for (const size_t size :
       {people->assignees.size(), people->resource_slack_days.size(),
        people->resource_critical.size(), people->waits.size()}) {
    if (size != 0 && size != n) {
      return absl::InvalidArgumentError(absl::StrCat(
          "people: ", size, " entries for a timeline of ", n, " nodes"));
    }
  }
  return absl::OkStatus();
}

const std::vector<std::string>* WhoOf(const ExportPeople* people, size_t n) {
  if (people == nullptr || people->assignees.empty()) return nullptr;
  return &people->assignees[n];
}

// Who, resource slack and wait of node n, one per line (empty without).
std::string DescribePeople(const ExportPeople* people, size_t n) {
  if (people == nullptr) return "";
  std::string out;
  const std::vector<std::string>* who = WhoOf(people, n);
  if (who != nullptr && !who->empty()) {
    absl::StrAppend(&out, "\nwho: ", absl::StrJoin(*who, ", "));
  }
  if (!people->resource_slack_days.empty()) {
    absl::StrAppend(&out, "\nresource slack: ", people->resource_slack_days[n],
                    " working days");
    if (!people->resource_critical.empty() && people->resource_critical[n]) {
      out += " (resource-critical)";
    }
  }
  if (!people->waits.empty() && !people->waits[n].empty()) {
    absl::StrAppend(&out, "\n", people->waits[n]);
  }
  return out;
}

// Mermaid reads `:` as the start of task data, `;` and line breaks as line
// ends and `#` as an entity start.
std::string MermaidText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ':' || c == ';' || c == '#' || c == '\n' || c == '\r' ||
        c == '\t') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string EscapeIcsText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        // CRLF and lone CR are both one line break.
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 3.3.11).
        if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
          break;
        }
        out.push_back(c);
    }
  }
  return out;
}

std::string FoldIcsLine(absl::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  bool first = true;
  while (true) {
    // Continuation lines start with a space, which counts towards 75.
    const size_t limit = first ? kIcsLineOctets : kIcsLineOctets - 1;
    if (!first) out.push_back(' ');
    if (line.size() <= limit) {
      out.append(line.data(), line.size());
      out += "\r\n";
      return out;
    }
    size_t cut = limit;
    // Never start the next line on a UTF-8 continuation byte (10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    if (cut == 0) cut = limit;  // Not UTF-8; any cut keeps the octets.
    out.append(line.data(), cut);
    out += "\r\n";
    line.remove_prefix(cut);
    first = false;
  }
}

std::string CsvField(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(field);
  }
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

absl::StatusOr<std::string> ExportIcs(const Plan& plan,
                                      const Timeline& timeline,
                                      const IcsOptions& options) {
  if (absl::Status status = CheckTimelineMatchesPlan(plan, timeline);
      !status.ok()) {
    return status;
  }
  std::string out;
  auto line = [&out](absl::string_view name, absl::string_view value) {
    out += FoldIcsLine(absl::StrCat(name, ":", value));
  };
  const absl::CivilSecond& t = options.dtstamp_utc;
  const std::string dtstamp =
      absl::StrFormat("%04d%02d%02dT%02d%02d%02dZ", t.year(), t.month(),
                      t.day(), t.hour(), t.minute(), t.second());
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", EscapeIcsText(options.prodid));
  line("CALSCALE", "GREGORIAN");
  RETURN_IF_ERROR(CheckPeople(timeline, options.people));
  auto resources = [&](size_t n) {
    const std::vector<std::string>* who = WhoOf(options.people, n);
    if (who == nullptr || who->empty()) return;
    std::vector<std::string> escaped;
    for (const std::string& name : *who) escaped.push_back(EscapeIcsText(name));
    line("RESOURCES", absl::StrJoin(escaped, ","));
  };
  for (size_t n = 0; n < timeline.nodes.size(); ++n) {
    const ScheduledNode& node = timeline.nodes[n];
    if (node.kind != PlanGraph::Kind::kTask) continue;
    const std::string uid = EscapeIcsText(
        plan.id.empty() ? absl::StrCat(node.id, "@backplan")
                        : absl::StrCat(node.id, ".", plan.id, "@backplan"));
    if (options.events != IcsEvents::kTodo) {
      const bool span = options.events == IcsEvents::kSpan;
      line("BEGIN", "VEVENT");
      line("UID", uid);
      line("DTSTAMP", dtstamp);
      line("SUMMARY",
           EscapeIcsText(span ? Title(plan, node)
                              : absl::StrCat("Deadline: ", Title(plan, node))));
      // All-day events end on the exclusive day after (RFC 5545 3.6.1).
      line("DTSTART;VALUE=DATE",
           IcsDate(span ? node.planned_start : node.deadline));
      line("DTEND;VALUE=DATE", IcsDate(node.deadline + 1));
      line("TRANSP", "TRANSPARENT");
      if (node.critical) line("PRIORITY", "1");
      resources(n);
      std::string description = absl::StrCat(Describe(timeline, node),
                                             DescribePeople(options.people, n));
      if (node.status == TaskStatus::kInProgress) {
        description = absl::StrCat("in progress\n", description);
      }
      line("DESCRIPTION", EscapeIcsText(description));
      line("END", "VEVENT");
      continue;
    }
    line("BEGIN", "VTODO");
    line("UID", uid);
    line("DTSTAMP", dtstamp);
    line("SUMMARY", EscapeIcsText(Title(plan, node)));
    // RFC 5545 3.8.2.3: DUE must be later than DTSTART; a one-day task is
    // fully described by its DUE date.
    if (node.planned_start < node.deadline) {
      line("DTSTART;VALUE=DATE", IcsDate(node.planned_start));
    }
    line("DUE;VALUE=DATE", IcsDate(node.deadline));
    switch (node.status) {
      case TaskStatus::kNotStarted:
        line("STATUS", "NEEDS-ACTION");
        break;
      case TaskStatus::kInProgress:
        line("STATUS", "IN-PROCESS");
        break;
      case TaskStatus::kDone:
        line("STATUS", "COMPLETED");
        line("PERCENT-COMPLETE", "100");
        break;
    }
    if (node.critical) line("PRIORITY", "1");
    resources(n);
    line("DESCRIPTION",
         EscapeIcsText(absl::StrCat(Describe(timeline, node),
                                    DescribePeople(options.people, n))));
    line("END", "VTODO");
  }
  line("END", "VCALENDAR");
  return out;
}

absl::StatusOr<std::string> ExportMermaidGantt(const Plan& plan,
                                               const Timeline& timeline,
                                               const MermaidOptions& options) {
  if (absl::Status status = CheckTimelineMatchesPlan(plan, timeline);
      !status.ok()) {
    return status;
  }
  RETURN_IF_ERROR(CheckPeople(timeline, options.people));
  const ExportPeople* people = options.people;
  absl::flat_hash_map<const ScheduledNode*, size_t> index_of;
  for (size_t n = 0; n < timeline.nodes.size(); ++n) {
    index_of[&timeline.nodes[n]] = n;
  }
  std::string out = "gantt\n";
  absl::StrAppend(&out, "  title ", MermaidText(plan.outcome.title), "\n");
  out += "  dateFormat YYYY-MM-DD\n";
  auto item = [&](const ScheduledNode& node) {
    std::string tags;
    const bool milestone = node.duration_days == 0;
    if (milestone) tags += "milestone, ";
    if (node.status == TaskStatus::kDone) tags += "done, ";
    if (node.status == TaskStatus::kInProgress) tags += "active, ";
    const size_t n = index_of.at(&node);
    const bool critical =
        people != nullptr && !people->resource_critical.empty()
            ? people->resource_critical[n]
            : node.critical;
    if (critical) tags += "crit, ";
    std::string title = Title(plan, node);
    const std::vector<std::string>* who = WhoOf(people, n);
    if (who != nullptr && !who->empty()) {
      absl::StrAppend(&title, " (", absl::StrJoin(*who, ", "), ")");
    }
    absl::StrAppend(&out, "    ", MermaidText(title), " :", tags,
                    Date(node.planned_start), ", ");
    if (milestone) {
      out += "0d\n";
    } else {
      absl::StrAppend(&out, Date(node.deadline + 1), "\n");
    }
  };
  if (!options.section_per_goal) {
    absl::StrAppend(&out, "  section ", MermaidText(plan.outcome.title), "\n");
    for (const ScheduledNode& node : timeline.nodes) item(node);
    return out;
  }
  // Node index by source: tasks and goals (timeline order is graph order, but
  // do not rely on it).
  std::vector<int> task_node(plan.tasks.size(), -1);
  std::vector<int> goal_node(plan.goals.size(), -1);
  int outcome = -1;
  for (size_t n = 0; n < timeline.nodes.size(); ++n) {
    const ScheduledNode& node = timeline.nodes[n];
    if (node.kind == PlanGraph::Kind::kTask) {
      task_node[node.source_index] = static_cast<int>(n);
    } else if (node.kind == PlanGraph::Kind::kGoal) {
      goal_node[node.source_index] = static_cast<int>(n);
    } else {
      outcome = static_cast<int>(n);
    }
  }
  // Each task goes under the first goal (plan order) that lists it.
  std::vector<bool> placed(plan.tasks.size(), false);
  std::vector<std::vector<int>> tasks_of_goal(plan.goals.size());
  absl::flat_hash_map<absl::string_view, int> task_by_id;
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    task_by_id[plan.tasks[t].id] = static_cast<int>(t);
  }
  for (size_t g = 0; g < plan.goals.size(); ++g) {
    for (const std::string& id : plan.goals[g].task_ids) {
      auto it = task_by_id.find(id);
      if (it == task_by_id.end() || placed[it->second]) continue;
      placed[it->second] = true;
      tasks_of_goal[g].push_back(it->second);
    }
  }
  for (size_t g = 0; g < plan.goals.size(); ++g) {
    if (goal_node[g] < 0) continue;
    const ScheduledNode& goal = timeline.nodes[goal_node[g]];
    absl::StrAppend(&out, "  section ", MermaidText(Title(plan, goal)), "\n");
    for (int t : tasks_of_goal[g]) {
      if (task_node[t] >= 0) item(timeline.nodes[task_node[t]]);
    }
    item(goal);
  }
  bool other = false;
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    if (placed[t] || task_node[t] < 0) continue;
    if (!other) out += "  section Other tasks\n";
    other = true;
    item(timeline.nodes[task_node[t]]);
  }
  if (outcome >= 0) {
    out += "  section Outcome\n";
    item(timeline.nodes[outcome]);
  }
  return out;
}

absl::StatusOr<std::string> ExportCsv(const Plan& plan,
                                      const Timeline& timeline,
                                      const ExportPeople* people) {
  if (absl::Status status = CheckTimelineMatchesPlan(plan, timeline);
      !status.ok()) {
    return status;
  }
  RETURN_IF_ERROR(CheckPeople(timeline, people));
  std::string out =
      "id,kind,title,duration_days,status,earliest_start,earliest_finish,"
      "latest_start,latest_finish,planned_start,deadline,slack_days,critical,"
      "deadline_reason,reason_successor";
  if (people != nullptr) {
    out += ",assignees,resource_slack_days,resource_critical,waits_for";
  }
  out += "\r\n";
  for (size_t n = 0; n < timeline.nodes.size(); ++n) {
    const ScheduledNode& node = timeline.nodes[n];
    absl::StrAppend(&out, CsvField(node.id), ",", KindName(node.kind), ",",
                    CsvField(Title(plan, node)), ",", node.duration_days, ",",
                    StatusName(node.status), ",", Date(node.earliest_start),
                    ",", Date(node.earliest_finish), ",",
                    Date(node.latest_start), ",", Date(node.latest_finish), ",",
                    Date(node.planned_start), ",", Date(node.deadline), ",",
                    node.slack_days, ",", node.critical ? "true" : "false", ",",
                    ReasonName(node.deadline_reason.kind), ",",
                    CsvField(DeadlineSuccessorId(timeline, node)));
    if (people != nullptr) {
      const std::vector<std::string>* who = WhoOf(people, n);
      absl::StrAppend(
          &out, ",", CsvField(who == nullptr ? "" : absl::StrJoin(*who, "; ")),
          ",",
          people->resource_slack_days.empty()
              ? ""
              : absl::StrCat(people->resource_slack_days[n]),
          ",",
          people->resource_critical.empty()
              ? ""
              : (people->resource_critical[n] ? "true" : "false"),
          ",", CsvField(people->waits.empty() ? "" : people->waits[n]));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace backplan
