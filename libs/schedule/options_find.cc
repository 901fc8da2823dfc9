// FindOptions: the three kinds of option around the cut-scope search of
// options.cc (see options.h for the contract).
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/common/status_macros.h"
#include "libs/core/calendar.h"
#include "libs/core/plan_graph.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/options.h"
#include "libs/schedule/options_internal.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/simulate.h"

namespace backplan {
namespace {

using options_internal::CutModel;
using options_internal::CutSearch;

// Everything one FindOptions call needs to lay out and score plan variants.
class Evaluator {
 public:
  Evaluator(const OptionsRequest& request, const WorkingCalendar& calendar,
            absl::CivilDay first_day)
      : request_(request), calendar_(calendar), first_(first_day) {
    target_day_ = calendar.PreviousWorkingDayOnOrBefore(request.target);
  }

  int64_t Offset(absl::CivilDay day) const {
    return calendar_.IndexOf(day) - calendar_.IndexOf(first_);
  }
  absl::CivilDay DayAt(int64_t offset) const {
    return calendar_.DayOfIndex(calendar_.IndexOf(first_) + offset);
  }
  absl::CivilDay target_day() const { return target_day_; }

  // The deterministic finish: critical path, or with pools the resource-
  // constrained forward schedule.
  absl::StatusOr<absl::CivilDay> Finish(const Plan& plan) const {
    ScheduleRequest schedule;
    schedule.mode = ScheduleMode::kForward;
    schedule.today = request_.today;
    if (!UsesResources(plan)) {
      ASSIGN_OR_RETURN(Timeline timeline, Schedule(plan, schedule));
      return timeline.earliest_finish;
    }
    ResourceScheduleOptions options = request_.resources;
    options.out_of_time = request_.stop;
    ASSIGN_OR_RETURN(ResourceTimeline rt,
                     ScheduleWithResources(plan, schedule, options));
    return rt.timeline.final_milestone;
  }

  // Simulates `plan`; `finish` is its deterministic finish.
  absl::StatusOr<OptionScore> Score(const Plan& plan, absl::CivilDay finish,
                                    SimulationResult* out = nullptr) const {
    SimulationOptions options = request_.simulation;
    options.today = request_.today;
    options.as_of.reset();
    options.stop = request_.stop;
    options.percentiles.clear();
    if (request_.confidence) {
      options.percentiles.push_back(*request_.confidence * 100);
    }
    ASSIGN_OR_RETURN(SimulationResult sim, Simulate(plan, options));
    OptionScore score;
    score.finish = finish;
    score.probability_on_time = sim.ProbabilityBy(request_.target);
    score.finish_at_confidence = finish;
    if (request_.confidence) {
      const double want = *request_.confidence * 100;
      for (const FinishPercentile& p : sim.percentiles) {
        if (std::fabs(p.percentile - want) < 1e-9) {
          score.finish_at_confidence = p.day;
        }
      }
    }
    score.holds = score.finish_at_confidence <= target_day_;
    if (out != nullptr) *out = std::move(sim);
    return score;
  }

 private:
  const OptionsRequest& request_;
  const WorkingCalendar& calendar_;
  absl::CivilDay first_;
  absl::CivilDay target_day_;
};

absl::Status CheckRequest(const OptionsRequest& request) {
  if (request.confidence &&
      !(*request.confidence > 0 && *request.confidence < 1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "confidence: ", *request.confidence, " is outside (0, 1)"));
  }
  if (request.max_exact_items < 0 ||
      request.max_exact_items > kMaxExactCutItems) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_exact_items: ", request.max_exact_items,
                     " is outside 0..", kMaxExactCutItems));
  }
  for (const auto& [id, value] : request.task_values) {
    if (!std::isfinite(value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("task_values: task \"", id, "\" has value ", value,
                       " (must be finite and >= 0)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CutScope(const Plan& plan, const PlanGraph& graph,
                      const OptionsRequest& request, const Evaluator& eval,
                      int64_t aim, CutScopeOption* out) {
  CutModel model(plan, graph, request.task_values);
  const int marked = static_cast<int>(model.marked().size());
  const int items = static_cast<int>(model.items().size());
  out->optional_items = marked;
  if (marked > request.max_optional_items) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plan: ", marked, " optional tasks and goals, above the limit of ",
        request.max_optional_items));
  }
  std::vector<int64_t> scratch;
  const int64_t before =
      model.Finish(std::vector<char>(model.num_nodes(), 0), &scratch);
  const int64_t size =
      static_cast<int64_t>(graph.nodes.size()) + graph.num_edges();
  out->exact =
      items <= request.max_exact_items && (size << items) <= kMaxExactCutWork;
  CutSearch search(model, aim, request.stop);
  RETURN_IF_ERROR(out->exact ? search.Exact() : search.Greedy());
  if (!search.found()) {
    out->note = marked == 0
                    ? "no task or goal is marked optional"
                    : absl::StrCat("cutting optional scope cannot reach ",
                                   absl::FormatCivilTime(eval.DayAt(aim)),
                                   ": the rest of the plan is longer");
    return absl::OkStatus();
  }
  out->found = true;
  out->cut_ids = search.BestIds();
  ASSIGN_OR_RETURN(Plan cut_plan,
                   PlanWithout(plan, out->cut_ids, &out->removed_task_ids));
  out->value_lost = search.value();
  out->days_gained =
      before - model.Finish(
                   [&] {
                     std::vector<char> removed(model.num_nodes(), 0);
                     for (const std::string& id : out->cut_ids) {
                       removed[graph.index_by_id.at(id)] = 1;
                     }
                     model.Close(&removed);
                     return removed;
                   }(),
                   &scratch);
  ASSIGN_OR_RETURN(absl::CivilDay finish, eval.Finish(cut_plan));
  ASSIGN_OR_RETURN(out->score, eval.Score(cut_plan, finish));
  if (UsesResources(plan) && eval.Offset(finish) > aim) {
    // The search ran on the dependency schedule; pools make it longer.
    out->found = false;
    out->note =
        absl::StrCat("the best cut on the dependency schedule still finishes ",
                     absl::FormatCivilTime(finish), " with pools");
  }
  return absl::OkStatus();
}

// Calls `visit` with every split of `total` units over e.size() pools, in
// lexicographic order, until it returns false; returns false then.
template <typename Visit>
bool Splits(int pool, int total, std::vector<int>* e, const Visit& visit) {
  const int last = static_cast<int>(e->size()) - 1;
  if (pool == last) {
    (*e)[pool] = total;
    return visit();
  }
  for (int u = 0; u <= total; ++u) {
    (*e)[pool] = u;
    if (!Splits(pool + 1, total - u, e, visit)) return false;
  }
  return true;
}

Plan WithExtraUnits(const Plan& plan, const std::vector<std::string>& pools,
                    const std::vector<int>& extra) {
  Plan out = plan;
  for (ResourcePool& pool : out.resources) {
    auto it = std::find(pools.begin(), pools.end(), pool.name);
    if (it == pools.end()) continue;
    const int add = extra[it - pools.begin()];
    if (add == 0) continue;
    pool.capacity += add;
    bool named = !pool.member_calendars.empty();
    for (const Task& task : plan.tasks) {
      for (const ResourceDemand& demand : task.demands) {
        named = named || (demand.pool == pool.name && !demand.member.empty());
      }
    }
    if (named) {
      // Calendars and named members stay theirs; newcomers get placeholders.
      for (int i = 1; i <= add; ++i) {
        pool.members.push_back(absl::StrCat("new ", pool.name, " ", i));
      }
    } else {
      pool.members.clear();  // Newcomers have no names yet.
    }
    for (CapacityException& day : pool.reduced_days) day.capacity += add;
  }
  return out;
}

absl::Status AddPeople(const Plan& plan, const OptionsRequest& request,
                       const Evaluator& eval, int64_t aim,
                       AddPeopleOption* out) {
  std::vector<std::string> pools;
  for (const Task& task : plan.tasks) {
    for (const ResourceDemand& d : task.demands) pools.push_back(d.pool);
  }
  std::sort(pools.begin(), pools.end());
  pools.erase(std::unique(pools.begin(), pools.end()), pools.end());
  out->applicable = !pools.empty();
  if (pools.empty()) {
    out->note = "no task demands a pool";
    return absl::OkStatus();
  }
  std::vector<int> extra(pools.size(), 0), best;
  absl::CivilDay best_finish;
  absl::Status status;
  bool budget = false;
  for (int total = 0; total <= request.max_extra_units && best.empty();
       ++total) {
    Splits(0, total, &extra, [&] {
      if (out->schedules >= request.max_people_schedules) {
        budget = true;
        return false;
      }
      ++out->schedules;
      absl::StatusOr<absl::CivilDay> finish =
          eval.Finish(WithExtraUnits(plan, pools, extra));
      if (!finish.ok()) {
        status = finish.status();
        return false;
      }
      if (eval.Offset(*finish) <= aim) {
        best = extra;
        best_finish = *finish;
        return false;
      }
      return true;
    });
    RETURN_IF_ERROR(status);
    if (request.stop && request.stop()) {
      return absl::DeadlineExceededError("options: stopped adding people");
    }
    if (budget) break;
  }
  if (best.empty()) {
    out->note = budget
                    ? absl::StrCat("no split found within ",
                                   request.max_people_schedules, " schedules")
                    : absl::StrCat("not even ", request.max_extra_units,
                                   " extra units reach the target");
    return absl::OkStatus();
  }
  out->found = true;
  for (size_t p = 0; p < pools.size(); ++p) {
    if (best[p] > 0) out->extra.emplace_back(pools[p], best[p]);
    out->total_extra_units += best[p];
  }
  ASSIGN_OR_RETURN(out->score,
                   eval.Score(WithExtraUnits(plan, pools, best), best_finish));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<PlanOptions> FindOptions(const Plan& plan,
                                        const OptionsRequest& request) {
  RETURN_IF_ERROR(CheckRequest(request));
  ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
  ASSIGN_OR_RETURN(WorkingCalendar calendar,
                   WorkingCalendar::Create(plan.calendar));
  const absl::CivilDay start = plan.outcome.start_date.value_or(request.today);
  if (request.target < start) {
    return absl::InvalidArgumentError(absl::StrCat(
        "target: ", absl::FormatCivilTime(request.target),
        " is before the start date ", absl::FormatCivilTime(start)));
  }
  PlanOptions out;
  out.start_date = calendar.NextWorkingDayOnOrAfter(start);
  out.target = request.target;
  out.resource_constrained = UsesResources(plan);
  Evaluator eval(request, calendar, out.start_date);

  ASSIGN_OR_RETURN(absl::CivilDay finish, eval.Finish(plan));
  SimulationResult sim;
  ASSIGN_OR_RETURN(out.baseline, eval.Score(plan, finish, &sim));
  // With a confidence, keep the buffer the plan's own uncertainty needs.
  const int64_t buffer =
      std::max<int64_t>(0, eval.Offset(out.baseline.finish_at_confidence) -
                               eval.Offset(out.baseline.finish));
  const int64_t aim = eval.Offset(eval.target_day()) - buffer;

  RETURN_IF_ERROR(CutScope(plan, graph, request, eval, aim, &out.cut));
  RETURN_IF_ERROR(AddPeople(plan, request, eval, aim, &out.people));

  out.date.date = out.baseline.finish_at_confidence;
  out.date.probability_on_time = sim.ProbabilityBy(out.date.date);
  out.date.working_days_later =
      eval.Offset(out.date.date) - eval.Offset(eval.target_day());
  return out;
}

}  // namespace backplan
