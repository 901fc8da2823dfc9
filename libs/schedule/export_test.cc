#include "libs/schedule/export.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/testing/test_helpers.h"

namespace backplan {
namespace {

using ::backplan::testing::D;
using ::backplan::testing::ScheduleOrDie;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

Plan ExportPlan() {
  Plan plan;
  plan.id = "plan-7";
  plan.outcome.title = "Launch: the book store";
  plan.outcome.start_date = D(2026, 3, 2);
  plan.outcome.target_date = D(2026, 3, 13);
  Task a;
  a.id = "a";
  a.title = "Write, review; \\ and \"ship\"\nthe press release";
  a.duration_days = 3;
  Task b;
  b.id = "b";
  b.title = "Launch event";
  b.duration_days = 1;
  Task c;
  c.id = "c";
  c.title = "Tidy up";
  c.duration_days = 1;
  plan.tasks = {a, b, c};
  Goal g;
  g.id = "g";
  g.title = "Store sells the book";
  g.task_ids = {"a", "b"};
  plan.goals = {g};
  plan.dependencies = {{"a", "b", 0}};
  return plan;
}

IcsOptions Options() {
  IcsOptions options;
  options.dtstamp_utc = absl::CivilSecond(2026, 3, 1, 12, 30, 5);
  return options;
}

// A minimal RFC 5545 reader: unfolds, splits properties and unescapes TEXT.
struct IcsProperty {
  std::string name;   // With parameters, e.g. "DUE;VALUE=DATE".
  std::string value;  // Raw value.
};

std::vector<IcsProperty> ParseIcs(absl::string_view text) {
  std::string unfolded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 3) == "\r\n " || text.substr(i, 3) == "\r\n\t") {
      i += 2;
      continue;
    }
    unfolded.push_back(text[i]);
  }
  std::vector<IcsProperty> out;
  for (absl::string_view line : absl::StrSplit(unfolded, "\r\n")) {
    if (line.empty()) continue;
    const size_t colon = line.find(':');
    EXPECT_NE(colon, absl::string_view::npos) << line;
    out.push_back({std::string(line.substr(0, colon)),
                   std::string(line.substr(colon + 1))});
  }
  return out;
}

std::string UnescapeIcsText(absl::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      const char next = value[++i];
      out.push_back(next == 'n' || next == 'N' ? '\n' : next);
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

// The VTODOs as property maps.
std::vector<std::map<std::string, std::string>> Todos(absl::string_view ics) {
  std::vector<std::map<std::string, std::string>> todos;
  bool inside = false;
  for (const IcsProperty& p : ParseIcs(ics)) {
    if (p.name == "BEGIN" && p.value == "VTODO") {
      todos.emplace_back();
      inside = true;
    } else if (p.name == "END" && p.value == "VTODO") {
      inside = false;
    } else if (inside) {
      todos.back()[p.name] = p.value;
    }
  }
  return todos;
}

TEST(IcsExport, RoundTripsThroughParser) {
  const Plan plan = ExportPlan();
  const Timeline timeline = ScheduleOrDie(plan);
  ASSERT_OK_AND_ASSIGN(std::string ics, ExportIcs(plan, timeline, Options()));
  EXPECT_THAT(ics, StartsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
  EXPECT_THAT(ics, ::testing::EndsWith("END:VCALENDAR\r\n"));
  const auto todos = Todos(ics);
  ASSERT_EQ(todos.size(), 3u);  // Tasks only; goals are milestones.
  EXPECT_EQ(UnescapeIcsText(todos[0].at("SUMMARY")), plan.tasks[0].title);
  EXPECT_EQ(todos[0].at("UID"), "a.plan-7@backplan");
  EXPECT_EQ(todos[0].at("DTSTAMP"), "20260301T123005Z");
  // a: latest Tue 10 - Thu 12 before b on Friday 13.
  EXPECT_EQ(todos[0].at("DTSTART;VALUE=DATE"), "20260310");
  EXPECT_EQ(todos[0].at("DUE;VALUE=DATE"), "20260312");
  EXPECT_EQ(todos[0].at("PRIORITY"), "1");
  EXPECT_EQ(todos[0].at("STATUS"), "NEEDS-ACTION");
  EXPECT_EQ(UnescapeIcsText(todos[0].at("DESCRIPTION")),
            "deadline set by b\nslack: 6 working days (critical)");
  EXPECT_EQ(UnescapeIcsText(todos[1].at("SUMMARY")), "Launch event");
  EXPECT_EQ(todos[1].at("DUE;VALUE=DATE"), "20260313");
  EXPECT_EQ(todos[1].count("DTSTART;VALUE=DATE"), 0u);  // One-day task.
  EXPECT_EQ(todos[2].count("PRIORITY"), 0u);
}

// The components named `kind` (VTODO or VEVENT) as property maps.
std::vector<std::map<std::string, std::string>> Components(
    absl::string_view ics, absl::string_view kind) {
  std::vector<std::map<std::string, std::string>> out;
  bool inside = false;
  for (const IcsProperty& p : ParseIcs(ics)) {
    if (p.name == "BEGIN" && p.value == kind) {
      out.emplace_back();
      inside = true;
    } else if (p.name == "END" && p.value == kind) {
      inside = false;
    } else if (inside) {
      out.back()[p.name] = p.value;
    }
  }
  return out;
}

TEST(IcsExport, DeadlineEventsAreAllDayOnEachDeadline) {
  const Plan plan = ExportPlan();
  const Timeline timeline = ScheduleOrDie(plan);
  IcsOptions options = Options();
  options.events = IcsEvents::kDeadline;
  ASSERT_OK_AND_ASSIGN(std::string ics, ExportIcs(plan, timeline, options));
  EXPECT_TRUE(Components(ics, "VTODO").empty());
  const auto events = Components(ics, "VEVENT");
  ASSERT_EQ(events.size(), 3u);  // One per task.
  // a is due Thu 12, b and c Fri 13; DTEND is the exclusive next day.
  const char* starts[] = {"20260312", "20260313", "20260313"};
  const char* ends[] = {"20260313", "20260314", "20260314"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].at("DTSTART;VALUE=DATE"), starts[i]);
    EXPECT_EQ(events[i].at("DTEND;VALUE=DATE"), ends[i]);
    EXPECT_EQ(events[i].at("TRANSP"), "TRANSPARENT");
    EXPECT_EQ(events[i].at("DTSTAMP"), "20260301T123005Z");
    EXPECT_EQ(events[i].count("DUE;VALUE=DATE"), 0u);
  }
  EXPECT_EQ(events[0].at("UID"), "a.plan-7@backplan");
  EXPECT_EQ(UnescapeIcsText(events[1].at("SUMMARY")), "Deadline: Launch event");
  EXPECT_EQ(events[0].at("PRIORITY"), "1");
  EXPECT_EQ(events[2].count("PRIORITY"), 0u);
}

TEST(IcsExport, SpanEventsRunFromPlannedStartToDeadline) {
  const Plan plan = ExportPlan();
  const Timeline timeline = ScheduleOrDie(plan);
  IcsOptions options = Options();
  options.events = IcsEvents::kSpan;
  ASSERT_OK_AND_ASSIGN(std::string ics, ExportIcs(plan, timeline, options));
  const auto events = Components(ics, "VEVENT");
  ASSERT_EQ(events.size(), 3u);
  for (size_t i = 0; i < events.size(); ++i) {
    const ScheduledNode& node = timeline.nodes[i];
    ASSERT_EQ(node.kind, PlanGraph::Kind::kTask);
    EXPECT_EQ(UnescapeIcsText(events[i].at("SUMMARY")), plan.tasks[i].title);
    EXPECT_EQ(
        events[i].at("DTSTART;VALUE=DATE"),
        absl::FormatTime(
            "%Y%m%d", absl::FromCivil(node.planned_start, absl::UTCTimeZone()),
            absl::UTCTimeZone()));
  }
  // a: Tue 10 - Thu 12 inclusive, so DTEND Fri 13.
  EXPECT_EQ(events[0].at("DTSTART;VALUE=DATE"), "20260310");
  EXPECT_EQ(events[0].at("DTEND;VALUE=DATE"), "20260313");
  EXPECT_EQ(events[1].at("DTSTART;VALUE=DATE"), "20260313");
  EXPECT_EQ(events[1].at("DTEND;VALUE=DATE"), "20260314");
  EXPECT_THAT(ics, HasSubstr("SUMMARY:Write\\, review\\; "));
}

TEST(IcsExport, EscapesTextSpecials) {
  EXPECT_EQ(EscapeIcsText("a,b;c\\d\ne\r\nf\x01g"), "a\\,b\\;c\\\\d\\ne\\nfg");
  const Plan plan = ExportPlan();
  ASSERT_OK_AND_ASSIGN(std::string ics,
                       ExportIcs(plan, ScheduleOrDie(plan), Options()));
  EXPECT_THAT(ics, HasSubstr("SUMMARY:Write\\, review\\; \\\\ and \"ship\"\\n"
                             "the press release\r\n"));
}

TEST(IcsExport, FoldsAt75OctetsWithoutSplittingUtf8) {
  // 'é' is two octets, '€' three: a cut by octet count alone would split them.
  std::string line = "SUMMARY:";
  for (int i = 0; i < 40; ++i) line += "\xC3\xA9\xE2\x82\xAC";  // é€
  const std::string folded = FoldIcsLine(line);
  std::string unfolded;
  for (absl::string_view physical :
       absl::StrSplit(absl::string_view(folded), "\r\n")) {
    if (physical.empty()) continue;
    EXPECT_LE(physical.size(), 75u);
    // No physical line starts (after the fold space) with a continuation
    // byte, and each one is therefore valid UTF-8 on its own.
    absl::string_view content = physical;
    if (!unfolded.empty()) {
      ASSERT_EQ(content.front(), ' ');
      content.remove_prefix(1);
    }
    ASSERT_FALSE(content.empty());
    EXPECT_NE(static_cast<unsigned char>(content.front()) & 0xC0, 0x80);
    unfolded += std::string(content);
  }
  EXPECT_EQ(unfolded, line);
  EXPECT_THAT(folded, ::testing::EndsWith("\r\n"));
  // Exactly 75 octets stays on one line; 76 folds.
  EXPECT_EQ(FoldIcsLine(std::string(75, 'x')), std::string(75, 'x') + "\r\n");
  EXPECT_EQ(FoldIcsLine(std::string(76, 'x')),
            std::string(75, 'x') + "\r\n x\r\n");
  EXPECT_EQ(
      FoldIcsLine(std::string(75 + 74 + 1, 'x')),
      std::string(75, 'x') + "\r\n " + std::string(74, 'x') + "\r\n x\r\n");
}

TEST(IcsExport, LongTitleRoundTrips) {
  Plan plan = ExportPlan();
  plan.tasks[2].title.clear();
  for (int i = 0; i < 30; ++i) plan.tasks[2].title += "Überprüfung, ";
  ASSERT_OK_AND_ASSIGN(std::string ics,
                       ExportIcs(plan, ScheduleOrDie(plan), Options()));
  for (absl::string_view physical : absl::StrSplit(ics, "\r\n")) {
    EXPECT_LE(physical.size(), 75u);
  }
  EXPECT_EQ(UnescapeIcsText(Todos(ics)[2].at("SUMMARY")), plan.tasks[2].title);
}

TEST(IcsExport, RejectsTimelineOfAnotherPlan) {
  const Plan plan = ExportPlan();
  const Timeline timeline = ScheduleOrDie(plan);
  Plan other = plan;
  other.tasks[0].id = "x";
  EXPECT_THAT(ExportIcs(other, timeline, Options()),
              testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("\"a\"")));
}

TEST(MermaidExport, SectionsPerGoalWithCritAndMilestones) {
  const Plan plan = ExportPlan();
  ASSERT_OK_AND_ASSIGN(std::string gantt,
                       ExportMermaidGantt(plan, ScheduleOrDie(plan), {}));
  EXPECT_EQ(gantt,
            "gantt\n"
            "  title Launch  the book store\n"
            "  dateFormat YYYY-MM-DD\n"
            "  section Store sells the book\n"
            "    Write, review  \\ and \"ship\" the press release :crit, "
            "2026-03-10, 2026-03-13\n"
            "    Launch event :crit, 2026-03-13, 2026-03-14\n"
            "    Store sells the book :milestone, crit, 2026-03-13, 0d\n"
            "  section Other tasks\n"
            "    Tidy up :2026-03-13, 2026-03-14\n"
            "  section Outcome\n"
            "    Launch  the book store :milestone, crit, 2026-03-13, 0d\n");
}

TEST(MermaidExport, SingleSection) {
  const Plan plan = ExportPlan();
  MermaidOptions options;
  options.section_per_goal = false;
  ASSERT_OK_AND_ASSIGN(std::string gantt,
                       ExportMermaidGantt(plan, ScheduleOrDie(plan), options));
  EXPECT_THAT(gantt, HasSubstr("  section Launch  the book store\n"));
  EXPECT_THAT(gantt, Not(HasSubstr("section Other")));
}

TEST(CsvExport, HeaderAndQuoting) {
  const Plan plan = ExportPlan();
  ASSERT_OK_AND_ASSIGN(std::string csv, ExportCsv(plan, ScheduleOrDie(plan)));
  const std::vector<std::string> lines =
      absl::StrSplit(csv, absl::ByString("\r\n"));
  EXPECT_EQ(lines[0],
            "id,kind,title,duration_days,status,earliest_start,"
            "earliest_finish,latest_start,latest_finish,planned_start,"
            "deadline,slack_days,critical,deadline_reason,reason_successor");
  // The quoted title spans two physical lines.
  EXPECT_THAT(csv, HasSubstr("a,task,\"Write, review; \\ and \"\"ship\"\"\n"
                             "the press release\",3,not_started,2026-03-02,"
                             "2026-03-04,2026-03-10,2026-03-12,2026-03-10,"
                             "2026-03-12,6,true,successor,b\r\n"));
  EXPECT_THAT(csv, HasSubstr("\r\noutcome,outcome,Launch: the book store,0,"
                             "not_started,"));
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(CsvField("x\ry"), "\"x\ry\"");
}

// A plan with people, laid out under its pools, in every format.
TEST(PeopleExport, MembersInEveryFormat) {
  Plan plan = ExportPlan();
  plan.outcome.target_date = D(2026, 3, 31);
  plan.resources.push_back({"writers", 1, {"Lee, Jr."}, {}});
  plan.tasks[0].demands.push_back({"writers", 1});
  plan.tasks[2].demands.push_back({"writers", 1});
  ScheduleRequest request;
  request.mode = ScheduleMode::kForward;
  ASSERT_OK_AND_ASSIGN(ResourceTimeline rt,
                       ScheduleWithResources(plan, request, {}));
  ExportPeople people;
  people.assignees = rt.assignees;
  people.resource_slack_days = rt.resource_slack_days;
  people.resource_critical = rt.resource_critical;
  for (const ResourceWait& wait : rt.waits) people.waits.push_back(wait.text);

  IcsOptions options = Options();
  options.people = &people;
  ASSERT_OK_AND_ASSIGN(std::string ics, ExportIcs(plan, rt.timeline, options));
  const auto todos = Todos(ics);
  ASSERT_EQ(todos.size(), 3u);
  EXPECT_EQ(todos[0].at("RESOURCES"), "Lee\\, Jr.");
  EXPECT_EQ(todos[1].count("RESOURCES"), 0u);  // b needs nobody.
  EXPECT_EQ(todos[2].at("RESOURCES"), "Lee\\, Jr.");
  EXPECT_THAT(UnescapeIcsText(todos[0].at("DESCRIPTION")),
              HasSubstr("\nwho: Lee, Jr.\nresource slack: 0 working days "
                        "(resource-critical)"));
  // c (1 day) follows a (3 days) on the only writer.
  EXPECT_THAT(UnescapeIcsText(todos[2].at("DESCRIPTION")),
              HasSubstr("waits for pool writers after a (Lee, Jr.)"));
  options.events = IcsEvents::kSpan;
  ASSERT_OK_AND_ASSIGN(ics, ExportIcs(plan, rt.timeline, options));
  EXPECT_EQ(Components(ics, "VEVENT")[2].at("RESOURCES"), "Lee\\, Jr.");

  MermaidOptions mermaid;
  mermaid.people = &people;
  ASSERT_OK_AND_ASSIGN(std::string chart,
                       ExportMermaidGantt(plan, rt.timeline, mermaid));
  EXPECT_THAT(chart, HasSubstr("Tidy up (Lee, Jr.) :crit, 2026-03-05, "
                               "2026-03-06"));

  ASSERT_OK_AND_ASSIGN(std::string csv, ExportCsv(plan, rt.timeline, &people));
  const std::vector<std::string> rows = absl::StrSplit(csv, "\r\n");
  EXPECT_THAT(rows[0], ::testing::EndsWith(
                           ",assignees,resource_slack_days,resource_critical,"
                           "waits_for"));
  EXPECT_THAT(rows[3], StartsWith("c,task,Tidy up,1,"));
  EXPECT_THAT(rows[3], ::testing::EndsWith(
                           ",\"Lee, Jr.\",0,true,"
                           "\"waits for pool writers after a (Lee, Jr.)\""));

  ExportPeople wrong;
  wrong.assignees.resize(1);
  options.people = &wrong;
  EXPECT_EQ(ExportIcs(plan, rt.timeline, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace backplan
