#include "libs/schedule/simulate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <queue>
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
#include "libs/schedule/simulate_tables.h"

namespace backplan {
namespace {

constexpr double kStandardPercentiles[] = {10, 50, 80, 90, 95};
constexpr int kBlockRuns = 64;
// Entries of all duration tables together (8 bytes each).
constexpr int64_t kMaxTableEntries = int64_t{1} << 22;
constexpr int64_t kMaxHorizonCells = 4 << 20;  // As rcpsp_plan.h.
// Bytes of the per-member availability table (member_calendar.h).
constexpr int64_t kMaxMemberDayCells = 16 << 20;

enum : uint8_t { kFree = 0, kBegun = 1, kDone = 2 };

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

// Everything a run needs, by topological position (node topo[i] is at i).
struct Model {
  int n = 0;
  int outcome = 0;
  std::vector<int> pred_off, pred_pos, pred_lag;
  std::vector<uint8_t> state;
  std::vector<int64_t> fixed_es, fixed_ef;  // For begun and done nodes.
  std::vector<int> base_dur;                // Most likely (or remaining).
  struct Draw {
    int pos = 0;
    int task = 0;
    int lo = 0;
    int width = 0;  // p - o + 1 values.
    int table = 0;  // Its `width` alias entries start here.
  };
  std::vector<Draw> draws;        // In plan.tasks order.
  std::vector<int> draw_of_task;  // -1 when fixed.
  std::vector<AliasEntry> aliases;
  std::vector<int> task_pos;
  std::vector<int64_t> deadline_off;  // Per task: on time when ef <= this.
  int64_t target_off = 0;
  int64_t horizon = 0;  // Largest finish offset counted.
  bool resources = false;
  rcpsp::Problem problem;  // Jobs are positions.
  std::vector<int> activity_list;
  // Member calendars (member_calendar.h): each run's SGS schedule is staffed
  // by StaffWithCalendars, as ScheduleWithResources staffs its search's.
  // `staff` is `problem` with graph nodes as jobs (what it expects).
  bool calendars = false;
  const Plan* plan = nullptr;
  const PlanGraph* graph = nullptr;
  const WorkingCalendar* calendar = nullptr;
  int64_t start_t = 0;                     // Working-day index of period 0.
  const std::vector<int>* topo = nullptr;  // Position -> node.
  rcpsp::Problem staff;
  absl::flat_hash_map<std::string, std::vector<std::string>> no_kept;
  std::unique_ptr<internal::MemberDays> member_days;  // Null when too big.
};

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
      const std::vector<int>& topo = *m.topo;
      for (int i = 0; i < m.n; ++i) {
        w.staff.duration[topo[i]] = w.problem.duration[i];
        w.node_start[topo[i]] = start[i];
      }
      ASSIGN_OR_RETURN(
          internal::Staffing staffing,
          internal::StaffWithCalendars(
              *m.plan, *m.graph, w.staff, w.staff.demand, w.node_start,
              [&](int64_t p) { return m.calendar->DayOfIndex(m.start_t + p); },
              [](int) { return false; }, m.no_kept, m.member_days.get()));
      for (int i = 0; i < m.n; ++i) start[i] = staffing.start[topo[i]];
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

// A precedence-feasible list: at each step the ready position with the
// smallest key (then the smallest position).
std::vector<int> ListByKey(const Model& m, const std::vector<int64_t>& key) {
  std::vector<int> missing(m.n);
  std::vector<std::vector<int>> succ(m.n);
  for (int i = 0; i < m.n; ++i) {
    missing[i] = m.pred_off[i + 1] - m.pred_off[i];
    for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
      succ[m.pred_pos[e]].push_back(i);
    }
  }
  using Entry = std::pair<int64_t, int>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
  for (int i = 0; i < m.n; ++i) {
    if (missing[i] == 0) ready.push({key[i], i});
  }
  std::vector<int> list;
  list.reserve(m.n);
  while (!ready.empty()) {
    const int i = ready.top().second;
    ready.pop();
    list.push_back(i);
    for (int s : succ[i]) {
      if (--missing[s] == 0) ready.push({key[s], s});
    }
  }
  return list;
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

absl::Status BuildProblem(const Plan& plan, const PlanGraph& graph,
                          const WorkingCalendar& calendar,
                          const std::vector<int>& topo, int64_t start_t,
                          const ScheduleRequest& request, Model& m) {
  for (size_t i = 0; i < plan.tasks.size(); ++i) {
    if (request.as_of &&
        plan.tasks[i].progress.status != TaskStatus::kNotStarted) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tasks[", i, "].progress: task \"", plan.tasks[i].id,
          "\": progress with resource-constrained simulation is not "
          "supported yet"));
    }
  }
  const int k = static_cast<int>(plan.resources.size());
  absl::flat_hash_map<std::string, int> pool_index;
  rcpsp::Problem& problem = m.problem;
  problem.capacity.resize(k);
  int64_t last_reduced = 0;
  for (int r = 0; r < k; ++r) {
    const ResourcePool& pool = plan.resources[r];
    pool_index[pool.name] = r;
    problem.capacity[r] = pool.capacity;
    for (const CapacityException& reduced : pool.reduced_days) {
      if (!calendar.IsWorkingDay(reduced.day)) continue;
      const int64_t p = calendar.IndexOf(reduced.day) - start_t;
      if (p < 0 || p > std::numeric_limits<int>::max() / 4) continue;
      problem.reduced.push_back({r, static_cast<int>(p), reduced.capacity});
      last_reduced = std::max<int64_t>(last_reduced, p + 1);
    }
  }
  m.horizon += last_reduced;  // A pass may wait out every reduced day.
  problem.duration.assign(m.n, 0);
  problem.demand.assign(static_cast<size_t>(m.n) * k, 0);
  for (int i = 0; i < m.n; ++i) {
    const PlanGraph::Node& node = graph.nodes[topo[i]];
    if (node.kind != PlanGraph::Kind::kTask) continue;
    const Task& task = plan.tasks[node.source_index];
    for (const ResourceDemand& demand : task.demands) {
      auto it = pool_index.find(demand.pool);
      if (it == pool_index.end()) continue;  // BuildPlanGraph refused it.
      int& units = problem.demand[static_cast<size_t>(i) * k + it->second];
      units += demand.units;
      if (units > problem.capacity[it->second]) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tasks[", node.source_index, "].demands: task \"", task.id,
            "\" needs ", units, " of pool \"", demand.pool,
            "\", which has a capacity of ", problem.capacity[it->second]));
      }
    }
  }
  for (int i = 0; i < m.n; ++i) {
    for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
      problem.precedences.push_back({m.pred_pos[e], i, m.pred_lag[e]});
    }
  }
  for (int i = 0; i < m.n; ++i) {
    problem.duration[i] = std::max(m.base_dur[i], 0);
  }
  m.calendars = internal::UsesMemberCalendars(plan);
  if (m.calendars) {
    // As ScheduleWithResources: the people each pool has per day, over the
    // horizon of the longest possible run.
    rcpsp::Problem longest = problem;
    for (const Model::Draw& d : m.draws) {
      longest.duration[d.pos] = d.lo + d.width - 1;
    }
    const int64_t horizon = rcpsp::internal::HorizonOf(longest);
    auto day_of_period = [&](int64_t p) {
      return calendar.DayOfIndex(start_t + p);
    };
    if (2 * horizon * std::max(k, 1) <= kMaxHorizonCells) {
      internal::AddMemberCapacity(plan, day_of_period, horizon, &problem);
    }
    int64_t members = 0;
    for (const ResourcePool& pool : plan.resources) {
      members += static_cast<int64_t>(pool.members.size());
    }
    if (members * horizon <= kMaxMemberDayCells) {
      m.member_days =
          std::make_unique<internal::MemberDays>(plan, day_of_period, horizon);
    }
  }
  if (absl::Status valid = rcpsp::ValidateProblem(problem, kMaxHorizonCells);
      !valid.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("plan too large for resource-constrained simulation: ",
                     valid.message()));
  }
  if (m.calendars) {
    rcpsp::Problem& staff = m.staff;
    staff.capacity = problem.capacity;
    staff.reduced = problem.reduced;
    staff.duration.assign(m.n, 0);
    staff.demand.assign(problem.demand.size(), 0);
    for (int i = 0; i < m.n; ++i) {
      std::copy_n(problem.demand.begin() + static_cast<size_t>(i) * k, k,
                  staff.demand.begin() + static_cast<size_t>(topo[i]) * k);
    }
    for (const rcpsp::Precedence& pr : problem.precedences) {
      staff.precedences.push_back({topo[pr.from], topo[pr.to], pr.lag});
    }
    m.plan = &plan;
    m.graph = &graph;
    m.calendar = &calendar;
    m.start_t = start_t;
    m.topo = &topo;
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
  if (static_cast<int64_t>(options.iterations) *
          static_cast<int64_t>(graph.nodes.size()) >
      kMaxSimulationWork) {
    return absl::InvalidArgumentError(
        absl::StrCat("iterations: ", options.iterations, " runs of a ",
                     graph.nodes.size(), "-node plan exceed the limit of ",
                     kMaxSimulationWork, " node-runs; ask for fewer"));
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
    std::vector<int64_t> key(m.n);
    if (options.priority_order.empty()) {
      for (int i = 0; i < m.n; ++i) {
        key[i] = calendar.IndexOf(base.nodes[topo[i]].latest_finish + 1);
      }
    } else {
      constexpr int64_t kUnlisted = std::numeric_limits<int64_t>::max();
      std::fill(key.begin(), key.end(), kUnlisted);
      int64_t position = 0;
      for (const std::string& id : options.priority_order) {
        auto it = graph.index_by_id.find(id);
        if (it != graph.index_by_id.end() &&
            key[pos_of_node[it->second]] == kUnlisted) {
          key[pos_of_node[it->second]] = position++;
        }
      }
      std::vector<std::vector<int>> succ(m.n);
      for (int i = 0; i < m.n; ++i) {
        for (int e = m.pred_off[i]; e < m.pred_off[i + 1]; ++e) {
          succ[m.pred_pos[e]].push_back(i);
        }
      }
      for (int i = m.n - 1; i >= 0; --i) {
        if (key[i] != kUnlisted) continue;
        for (int s : succ[i]) key[i] = std::min(key[i], key[s]);
      }
    }
    m.activity_list = ListByKey(m, key);
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
