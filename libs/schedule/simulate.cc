#include "libs/schedule/simulate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/status_macros.h"
#include "libs/schedule/cpm.h"
#include "libs/schedule/member_calendar.h"
#include "libs/schedule/rcpsp.h"
#include "libs/schedule/rcpsp_engine.h"
#include "libs/schedule/rcpsp_plan.h"
#include "libs/schedule/simulate_internal.h"
#include "libs/schedule/simulate_tables.h"

namespace backplan {
namespace {

using simulate_internal::ActivityList;
using simulate_internal::BuildProblem;
using simulate_internal::kBegun;
using simulate_internal::kDone;
using simulate_internal::kFree;
using simulate_internal::Model;
using simulate_internal::StaffRun;

constexpr double kStandardPercentiles[] = {10, 50, 80, 90, 95};
constexpr int kBlockRuns = 64;
// Entries of all duration tables together (8 bytes each).
constexpr int64_t kMaxTableEntries = int64_t{1} << 22;

absl::Status CheckOptions(const SimulationOptions& options) {
  if (options.iterations < 1 || options.iterations > kMaxSimulationIterations) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: ", options.iterations, " is outside 1..",
                     kMaxSimulationIterations));
  }
  if (options.percentiles.size() > kMaxSimulationPercentiles) {
    return absl::InvalidArgumentError(absl::StrCat(
        "percentiles: at most ", kMaxSimulationPercentiles, " may be asked"));
  }
  for (size_t i = 0; i < options.percentiles.size(); ++i) {
    const double q = options.percentiles[i];
    if (!(q > 0 && q < 100)) {
      return absl::InvalidArgumentError(
          absl::StrFormat("percentiles[%d]: %g is outside (0, 100)", i, q));
    }
  }
  return absl::OkStatus();
}

// Scratch and sums of one worker.
struct Worker {
  explicit Worker(const Model& model)
      : hist(model.horizon + 1, 0),
        crit(model.task_pos.size(), 0),
        by_deadline(model.task_pos.size(), 0),
        sum_d(model.draws.size(), 0),
        sum_d2(model.draws.size(), 0),
        sum_df(model.draws.size(), 0),
        dur(model.base_dur.begin(), model.base_dur.end()),
        es(model.n, 0),
        ef(model.n, 0),
        flag(model.n, 0),
        problem(model.problem),
        staff(model.staff),
        node_start(model.calendars ? model.n : 0, 0) {
    for (int i = 0; i < model.n; ++i) {
      if (model.state[i] != kFree) {
        es[i] = model.fixed_es[i];
        ef[i] = model.fixed_ef[i];
      }
    }
  }
  std::vector<int64_t> hist, crit, by_deadline, sum_d, sum_d2, sum_df;
  int64_t sum_f = 0, sum_f2 = 0;
  std::vector<int64_t> dur, es, ef;
  std::vector<uint8_t> flag;
  rcpsp::Problem problem;
  rcpsp::Problem staff;
  std::vector<int> node_start;
};

// Lays the run out with `w.dur`; fills w.es / w.ef.
absl::Status Pass(const Model& m, Worker& w) {
  if (m.resources) {
    for (int i = 0; i < m.n; ++i)
      w.problem.duration[i] = static_cast<int>(w.dur[i]);
    ASSIGN_OR_RETURN(std::vector<int> start,
                     rcpsp::ScheduleList(w.problem, m.activity_list));
    if (m.calendars) {
      RETURN_IF_ERROR(
          StaffRun(m, w.problem.duration, w.staff, w.node_start, start));
    }
    for (int i = 0; i < m.n; ++i) {
      w.es[i] = start[i];
      w.ef[i] = start[i] + w.dur[i];
    }
    return absl::OkStatus();
  }
  const int* off = m.pred_off.data();
  const int* pred = m.pred_pos.data();
  const int* lag = m.pred_lag.data();
  int64_t* es = w.es.data();
  int64_t* ef = w.ef.data();
  for (int i = 0; i < m.n; ++i) {
    if (m.state[i] != kFree) continue;
    int64_t t = 0;
    for (int e = off[i]; e < off[i + 1]; ++e)
      t = std::max(t, ef[pred[e]] + lag[e]);
    es[i] = t;
    ef[i] = t + w.dur[i];
  }
  return absl::OkStatus();
}

absl::Status OneRun(const Model& m, uint64_t seed, int run, Worker& w) {
  RunStream rng(seed, static_cast<uint64_t>(run));
  for (const Model::Draw& d : m.draws) {
    const uint64_t x = rng.Next64();
    const uint32_t i = static_cast<uint32_t>(((x >> 32) * d.width) >> 32);
    const AliasEntry& a = m.aliases[d.table + i];
    // Arithmetic select: a branch here would mispredict at random.
    const int32_t replace =
        -static_cast<int32_t>(static_cast<uint32_t>(x) >= a.threshold);
    const int k = static_cast<int32_t>(i) ^
                  ((static_cast<int32_t>(i) ^ a.alias) & replace);
    w.dur[d.pos] = std::max(1, d.lo + k);
  }
  RETURN_IF_ERROR(Pass(m, w));
  // Without member calendars no run ends past m.horizon; with them the
  // staffing may wait for people beyond it.
  const int64_t f = std::max<int64_t>(w.ef[m.outcome], 0);
  if (f > kMaxSimulationHorizon) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan: a run finishes ", f,
                     " working days after the start, later than the "
                     "simulation limit of ",
                     kMaxSimulationHorizon));
  }
  if (f >= static_cast<int64_t>(w.hist.size())) w.hist.resize(f + 1, 0);
  ++w.hist[f];
  w.sum_f += f;
  w.sum_f2 += f * f;
  // Criticality: tight links back from the outcome.
  std::fill(w.flag.begin(), w.flag.end(), 0);
  w.flag[m.outcome] = 1;
  for (int i = m.n - 1; i >= 0; --i) {
    if (!w.flag[i] || m.state[i] != kFree) continue;
    for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
      const int q = m.pred_pos[e];
      if (w.ef[q] + m.pred_lag[e] == w.es[i]) w.flag[q] = 1;
    }
  }
  for (size_t t = 0; t < m.task_pos.size(); ++t) {
    const int i = m.task_pos[t];
    w.crit[t] += (w.flag[i] && m.state[i] != kDone) ? 1 : 0;
    w.by_deadline[t] += w.ef[i] <= m.deadline_off[t] ? 1 : 0;
  }
  for (size_t k = 0; k < m.draws.size(); ++k) {
    const int64_t d = w.dur[m.draws[k].pos];
    w.sum_d[k] += d;
    w.sum_d2[k] += d * d;
    w.sum_df[k] += d * f;
  }
  return absl::OkStatus();
}

absl::Status BuildTables(const Plan& plan, const std::vector<int>& pos_of_node,
                         DurationDistribution dist, Model& m) {
  absl::flat_hash_map<std::tuple<int, int, int>, int> table_of;
  m.draw_of_task.assign(plan.tasks.size(), -1);
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    const Task& task = plan.tasks[t];
    const int pos = pos_of_node[t];
    if (m.state[pos] != kFree || task.duration_days == 0) continue;
    const int mid = task.duration_days;
    const int o = task.optimistic_days.value_or(mid);
    const int p = task.pessimistic_days.value_or(mid);
    if (o == p) continue;
    auto [it, inserted] =
        table_of.try_emplace({o, mid, p}, static_cast<int>(m.aliases.size()));
    if (inserted) {
      if (static_cast<int64_t>(m.aliases.size()) + (p - o + 1) >
          kMaxTableEntries) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tasks[", t, "].pessimistic_days: task \"", task.id,
            "\": the plan's three-point ranges are too wide to simulate "
            "(more than ",
            kMaxTableEntries, " distinct days in all)"));
      }
      ASSIGN_OR_RETURN(std::vector<double> pmf, DurationPmf(o, mid, p, dist));
      AppendAliasTable(pmf, m.aliases);
    }
    m.draw_of_task[t] = static_cast<int>(m.draws.size());
    m.draws.push_back({pos, static_cast<int>(t), o, p - o + 1, it->second});
  }
  return absl::OkStatus();
}

}  // namespace

double SimulationResult::ProbabilityBy(absl::CivilDay day) const {
  double p = 0;
  for (const FinishDay& f : finish_days) {
    if (f.day > day) break;
    p = f.cumulative_probability;
  }
  return p;
}

const FinishPercentile* SimulationResult::Percentile(double percentile) const {
  for (const FinishPercentile& p : percentiles) {
    if (p.percentile == percentile) return &p;
  }
  return nullptr;
}

absl::StatusOr<SimulationResult> Simulate(const Plan& plan,
                                          const SimulationOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  ASSIGN_OR_RETURN(PlanGraph graph, BuildPlanGraph(plan));
  const int64_t node_runs = static_cast<int64_t>(options.iterations) *
                            static_cast<int64_t>(graph.nodes.size());
  if (node_runs > kMaxSimulationWork) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: ", options.iterations, " runs of a ",
                     graph.nodes.size(), "-node plan exceed the limit of ",
                     kMaxSimulationWork, " node-runs; ask for fewer"));
  }
  // As BuildProblem decides m.calendars: only plans with people are staffed.
  if (node_runs > kMaxSimulationCalendarWork && UsesResources(plan) &&
      internal::UsesMemberCalendars(plan)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "iterations: ", options.iterations, " runs of a ", graph.nodes.size(),
        "-node plan with member calendars exceed the limit of ",
        kMaxSimulationCalendarWork,
        " node-runs for plans with member calendars; ask for fewer"));
  }
  ASSIGN_OR_RETURN(WorkingCalendar calendar,
                   WorkingCalendar::Create(plan.calendar));
  ScheduleRequest request;
  request.today = options.today;
  request.as_of = options.as_of;
  ASSIGN_OR_RETURN(Timeline base, Schedule(plan, graph, calendar, request));

  const int64_t start_t = calendar.IndexOf(base.start_date);
  Model m;
  m.n = static_cast<int>(graph.nodes.size());
  const std::vector<int>& topo = graph.topological_order;
  std::vector<int> pos_of_node(m.n);
  for (int i = 0; i < m.n; ++i) pos_of_node[topo[i]] = i;
  m.outcome = pos_of_node[graph.outcome_node];
  m.pred_off.assign(m.n + 1, 0);
  m.state.assign(m.n, kFree);
  m.fixed_es.assign(m.n, 0);
  m.fixed_ef.assign(m.n, 0);
  m.base_dur.assign(m.n, 0);
  for (int i = 0; i < m.n; ++i) {
    const int node = topo[i];
    const ScheduledNode& sn = base.nodes[node];
    m.base_dur[i] = sn.duration_days;
    if (sn.status != TaskStatus::kNotStarted && options.as_of) {
      m.state[i] = sn.status == TaskStatus::kDone ? kDone : kBegun;
      // Fixed at the base schedule's dates, as offsets from the start.
      m.fixed_es[i] = calendar.IndexOf(sn.earliest_start) - start_t;
      m.fixed_ef[i] = calendar.IndexOf(sn.earliest_finish + 1) - start_t;
      if (sn.duration_days == 0) m.fixed_es[i] = m.fixed_ef[i];
    }
    for (const PlanGraph::Edge& e : graph.Predecessors(node)) {
      m.pred_pos.push_back(pos_of_node[e.node]);
      m.pred_lag.push_back(e.lag_days);
    }
    m.pred_off[i + 1] = static_cast<int>(m.pred_pos.size());
  }
  m.task_pos.resize(plan.tasks.size());
  m.deadline_off.resize(plan.tasks.size());
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    m.task_pos[t] = pos_of_node[t];
    m.deadline_off[t] =
        calendar.IndexOf(base.nodes[t].latest_finish + 1) - start_t;
  }
  m.target_off = calendar.IndexOf(plan.outcome.target_date + 1) - start_t;
  RETURN_IF_ERROR(BuildTables(plan, pos_of_node, options.distribution, m));

  // The largest possible finish: the pessimistic critical path, or, with
  // people, every task one after another (the serial SGS never leaves a
  // period idle that it could use, except on reduced days).
  m.resources = UsesResources(plan);
  {
    Worker w(m);
    for (const Model::Draw& d : m.draws) w.dur[d.pos] = d.lo + d.width - 1;
    int64_t horizon = 0;
    if (m.resources) {
      for (int i = 0; i < m.n; ++i) horizon += w.dur[i];
      for (int lag : m.pred_lag) horizon += lag;
    } else {
      RETURN_IF_ERROR(Pass(m, w));
      horizon = w.ef[m.outcome];
    }
    m.horizon = horizon;
  }
  SimulationResult result;
  result.resource_constrained = m.resources;
  if (m.resources) {
    RETURN_IF_ERROR(
        BuildProblem(plan, graph, calendar, topo, start_t, request, m));
    m.activity_list = ActivityList(m, graph, calendar, base, pos_of_node,
                                   options.priority_order);
  }
  if (m.horizon > kMaxSimulationHorizon) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan: its pessimistic horizon of ", m.horizon,
                     " working days is longer than the simulation limit of ",
                     kMaxSimulationHorizon));
  }
  {
    Worker w(m);
    RETURN_IF_ERROR(Pass(m, w));
    result.deterministic_finish =
        calendar.DayOfIndex(start_t + w.ef[m.outcome] - 1);
  }

  // Runs in blocks, claimed by whichever worker is free; the sums are
  // integers, so how blocks fall on workers changes nothing.
  const int blocks = (options.iterations + kBlockRuns - 1) / kBlockRuns;
  const int workers =
      options.pool == nullptr
          ? 1
          : std::max(1, std::min(options.pool->threads() + 1, blocks));
  std::vector<std::unique_ptr<Worker>> sums(workers);
  std::vector<absl::Status> errors(workers);
  std::atomic<int> next_block{0};
  std::atomic<bool> stopped{false};
  auto work = [&](int worker) {
    auto w = std::make_unique<Worker>(m);
    for (;;) {
      if (stopped.load(std::memory_order_relaxed)) break;
      const int b = next_block.fetch_add(1);
      if (b >= blocks) break;
      if (options.stop && options.stop()) {
        stopped.store(true);
        break;
      }
      const int end = std::min(options.iterations, (b + 1) * kBlockRuns);
      for (int run = b * kBlockRuns; run < end; ++run) {
        absl::Status s = OneRun(m, options.seed, run, *w);
        if (!s.ok()) {
          errors[worker] = s;
          stopped.store(true);
          break;
        }
      }
    }
    sums[worker] = std::move(w);
  };
  if (options.pool == nullptr || workers == 1) {
    work(0);
  } else {
    options.pool->Run(workers, work);
  }
  for (const absl::Status& s : errors) RETURN_IF_ERROR(s);
  if (stopped.load()) {
    return absl::DeadlineExceededError(
        "simulation stopped before all runs were done (deadline or "
        "cancellation)");
  }
  Worker& total = *sums[0];
  for (int i = 1; i < workers; ++i) {
    const Worker& w = *sums[i];
    if (w.hist.size() > total.hist.size()) total.hist.resize(w.hist.size(), 0);
    for (size_t f = 0; f < w.hist.size(); ++f) total.hist[f] += w.hist[f];
    for (size_t t = 0; t < w.crit.size(); ++t) {
      total.crit[t] += w.crit[t];
      total.by_deadline[t] += w.by_deadline[t];
    }
    for (size_t k = 0; k < w.sum_d.size(); ++k) {
      total.sum_d[k] += w.sum_d[k];
      total.sum_d2[k] += w.sum_d2[k];
      total.sum_df[k] += w.sum_df[k];
    }
    total.sum_f += w.sum_f;
    total.sum_f2 += w.sum_f2;
  }

  const int64_t n_runs = options.iterations;
  const double runs = static_cast<double>(n_runs);
  result.iterations = options.iterations;
  result.seed = options.seed;
  result.start_date = base.start_date;
  result.target_date = plan.outcome.target_date;
  result.mean_finish_working_days = total.sum_f / runs;
  auto day_of = [&](int64_t f) { return calendar.DayOfIndex(start_t + f - 1); };

  std::vector<double> wanted(std::begin(kStandardPercentiles),
                             std::end(kStandardPercentiles));
  wanted.insert(wanted.end(), options.percentiles.begin(),
                options.percentiles.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  size_t next_percentile = 0;
  int64_t cumulative = 0, on_time = 0;
  for (int64_t f = 0; f < static_cast<int64_t>(total.hist.size()); ++f) {
    const int64_t count = total.hist[f];
    if (count == 0) continue;
    cumulative += count;
    if (f <= m.target_off) on_time += count;
    const absl::CivilDay day = day_of(f);
    result.finish_days.push_back({day, count, cumulative / runs});
    while (next_percentile < wanted.size()) {
      const double q = wanted[next_percentile];
      const int64_t need = std::max<int64_t>(
          1, static_cast<int64_t>(std::ceil(q * runs / 100 - 1e-9)));
      if (cumulative < need) break;
      result.percentiles.push_back({q, day});
      ++next_percentile;
    }
    const absl::CivilDay monday =
        day - ((static_cast<int>(absl::GetWeekday(day)) -
                static_cast<int>(absl::Weekday::monday) + 7) %
               7);
    if (result.histogram.empty()) result.histogram.push_back({monday, 0});
    while (result.histogram.back().monday < monday) {
      result.histogram.push_back({result.histogram.back().monday + 7, 0});
    }
    result.histogram.back().runs += count;
  }
  result.probability_on_time = on_time / runs;

  const long double var_f = static_cast<long double>(n_runs) * total.sum_f2 -
                            static_cast<long double>(total.sum_f) * total.sum_f;
  result.tasks.resize(plan.tasks.size());
  for (size_t t = 0; t < plan.tasks.size(); ++t) {
    TaskRisk& risk = result.tasks[t];
    risk.id = plan.tasks[t].id;
    risk.criticality = total.crit[t] / runs;
    risk.deadline = base.nodes[t].latest_finish;
    risk.probability_by_deadline = total.by_deadline[t] / runs;
    const int k = m.draw_of_task[t];
    if (k < 0) {
      risk.mean_duration_days = m.base_dur[m.task_pos[t]];
      continue;
    }
    risk.mean_duration_days = total.sum_d[k] / runs;
    const long double sd = total.sum_d[k];
    const long double var_d =
        static_cast<long double>(n_runs) * total.sum_d2[k] - sd * sd;
    const long double cov = static_cast<long double>(n_runs) * total.sum_df[k] -
                            sd * static_cast<long double>(total.sum_f);
    if (var_d > 0 && var_f > 0) {
      risk.sensitivity = static_cast<double>(cov / std::sqrt(var_d * var_f));
    }
  }
  return result;
}

}  // namespace backplan
