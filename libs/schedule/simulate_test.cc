#include "libs/schedule/simulate.h"

#include <atomic>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/compute_pool.h"
#include "libs/common/status_matchers.h"
#include "libs/core/testing/plan_builders.h"

namespace backplan {
namespace {

using ::backplan::testing::SevenDayPlan;
using ::backplan::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::CivilDay kStart(2027, 3, 1);  // A Monday.

Task Ranged(const std::string& id, int o, int m, int p) {
  Task task;
  task.id = id;
  task.title = id;
  task.duration_days = m;
  if (o != m || m != p) {
    task.optimistic_days = o;
    task.pessimistic_days = p;
  }
  return task;
}

void Chain(Plan& plan, const std::vector<std::string>& ids) {
  for (size_t i = 1; i < ids.size(); ++i) {
    plan.dependencies.push_back({ids[i - 1], ids[i], 0});
  }
}

// The test's own discretisation: midpoint integration of the density over
// each rounding interval [k - 0.5, k + 0.5) of [o, p], then "at least 1".
std::vector<double> ReferencePmf(int o, int m, int p, bool pert) {
  std::vector<double> pmf(p + 1, 0.0);
  if (o == p) {
    pmf[std::max(1, o)] = 1;
    return pmf;
  }
  const double span = p - o;
  const double a = 1 + 4.0 * (m - o) / span, b = 1 + 4.0 * (p - m) / span;
  const int steps = 400000;
  double total = 0;
  std::vector<double> mass(p + 1, 0.0);
  for (int s = 0; s < steps; ++s) {
    const double y = (s + 0.5) / steps;
    const double x = o + y * span;
    double density;
    if (pert) {
      density = std::pow(y, a - 1) * std::pow(1 - y, b - 1);
    } else {
      density = x <= m ? (x - o) / (m - o) : (p - x) / (p - m);
    }
    const int k = static_cast<int>(std::floor(x + 0.5));
    mass[std::max(1, std::min(k, p))] += density;
    total += density;
  }
  for (int k = 0; k <= p; ++k) pmf[k] = mass[k] / total;
  return pmf;
}

std::vector<double> Convolve(const std::vector<double>& x,
                             const std::vector<double>& y) {
  std::vector<double> out(x.size() + y.size() - 1, 0.0);
  for (size_t i = 0; i < x.size(); ++i) {
    for (size_t j = 0; j < y.size(); ++j) out[i + j] += x[i] * y[j];
  }
  return out;
}

double CdfAt(const std::vector<double>& pmf, int d) {
  double c = 0;
  for (int k = 0; k <= d && k < static_cast<int>(pmf.size()); ++k) c += pmf[k];
  return c;
}

// P(finish <= kStart + d - 1) is a binomial share: within 4 standard errors.
void ExpectProbabilityNear(const SimulationResult& r, double expected, int d) {
  const double se =
      std::sqrt(std::max(expected * (1 - expected), 1e-6) / r.iterations);
  EXPECT_NEAR(r.ProbabilityBy(kStart + d - 1), expected, 4 * se + 1e-9)
      << "finish within " << d << " days";
}

TEST(DurationPmf, MatchesNumericIntegration) {
  for (const auto& [o, m, p] : std::vector<std::tuple<int, int, int>>{
           {2, 4, 9}, {1, 1, 5}, {3, 7, 7}, {1, 3, 20}}) {
    for (bool pert : {true, false}) {
      ASSERT_OK_AND_ASSIGN(
          std::vector<double> pmf,
          DurationPmf(o, m, p,
                      pert ? DurationDistribution::kPert
                           : DurationDistribution::kTriangular));
      const std::vector<double> ref = ReferencePmf(o, m, p, pert);
      ASSERT_EQ(pmf.size(), static_cast<size_t>(p - o + 1));
      double sum = 0;
      for (int k = 0; k <= p - o; ++k) {
        EXPECT_NEAR(pmf[k], ref[o + k], 2e-4) << o << "," << m << "," << p;
        sum += pmf[k];
      }
      EXPECT_NEAR(sum, 1.0, 1e-12);
    }
  }
}

TEST(DurationPmf, RefusesUnorderedEstimate) {
  EXPECT_THAT(
      DurationPmf(5, 3, 9, DurationDistribution::kPert),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("optimistic")));
}

TEST(Simulate, ChainOfPertTasksMatchesConvolution) {
  Plan plan = SevenDayPlan(kStart, kStart + 30);
  plan.tasks = {Ranged("a", 2, 4, 9), Ranged("b", 1, 3, 5),
                Ranged("c", 0, 2, 6), Ranged("d", 5, 5, 5),
                Ranged("e", 3, 8, 12)};
  Chain(plan, {"a", "b", "c", "d", "e"});
  std::vector<double> sum = {1.0};
  for (const Task& t : plan.tasks) {
    sum = Convolve(
        sum, ReferencePmf(t.optimistic_days.value_or(t.duration_days),
                          t.duration_days,
                          t.pessimistic_days.value_or(t.duration_days), true));
  }
  double mean = 0, var = 0;
  for (size_t k = 0; k < sum.size(); ++k) mean += k * sum[k];
  for (size_t k = 0; k < sum.size(); ++k)
    var += (k - mean) * (k - mean) * sum[k];

  SimulationOptions options;
  options.iterations = 20000;
  options.seed = 11;
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  EXPECT_EQ(r.iterations, 20000);
  EXPECT_NEAR(r.mean_finish_working_days, mean, 4 * std::sqrt(var / 20000));
  double sim_var = 0;
  for (const FinishDay& f : r.finish_days) {
    const double days = (f.day - kStart) + 1;
    sim_var += (days - r.mean_finish_working_days) *
               (days - r.mean_finish_working_days) * f.runs;
  }
  sim_var /= r.iterations;
  // The sample variance's standard error is about var * sqrt(2 / N).
  EXPECT_NEAR(sim_var, var, 5 * var * std::sqrt(2.0 / 20000));
  for (int d : {18, 21, 24, 27, 30}) ExpectProbabilityNear(r, CdfAt(sum, d), d);
  ExpectProbabilityNear(r, CdfAt(sum, 31), 31);
  EXPECT_NEAR(r.probability_on_time, r.ProbabilityBy(kStart + 30), 1e-12);
  // Every task of a chain is always critical.
  for (const TaskRisk& t : r.tasks) EXPECT_EQ(t.criticality, 1.0) << t.id;
}

TEST(Simulate, TwoParallelChainsMatchMaxOfSums) {
  Plan plan = SevenDayPlan(kStart, kStart + 20);
  plan.tasks = {Ranged("a1", 2, 4, 9), Ranged("a2", 1, 3, 8),
                Ranged("b1", 3, 5, 7), Ranged("b2", 2, 3, 10)};
  Chain(plan, {"a1", "a2"});
  Chain(plan, {"b1", "b2"});
  auto pmf = [](const Task& t) {
    return ReferencePmf(*t.optimistic_days, t.duration_days,
                        *t.pessimistic_days, true);
  };
  const std::vector<double> a =
      Convolve(pmf(plan.tasks[0]), pmf(plan.tasks[1]));
  const std::vector<double> b =
      Convolve(pmf(plan.tasks[2]), pmf(plan.tasks[3]));
  SimulationOptions options;
  options.iterations = 20000;
  options.seed = 5;
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  for (int d : {6, 8, 10, 12, 14, 16}) {
    ExpectProbabilityNear(r, CdfAt(a, d) * CdfAt(b, d), d);
  }
  // Criticality of chain a = P(A > B) + P(A == B) (ties make both critical).
  double a_wins = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    a_wins += a[i] * CdfAt(b, static_cast<int>(i));
  }
  const double se = std::sqrt(a_wins * (1 - a_wins) / r.iterations);
  EXPECT_NEAR(r.tasks[0].criticality, a_wins, 4 * se);
  EXPECT_EQ(r.tasks[0].criticality, r.tasks[1].criticality);
}

TEST(Simulate, FixedPlanIsCertain) {
  Plan plan = SevenDayPlan(kStart, kStart + 6);  // Day 7.
  plan.tasks = {Ranged("a", 3, 3, 3), Ranged("b", 4, 4, 4),
                Ranged("side", 2, 2, 2)};
  Chain(plan, {"a", "b"});
  SimulationOptions options;
  options.iterations = 500;
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  EXPECT_EQ(r.probability_on_time, 1.0);
  ASSERT_EQ(r.finish_days.size(), 1u);
  EXPECT_EQ(r.finish_days[0].day, kStart + 6);
  EXPECT_EQ(r.deterministic_finish, kStart + 6);
  for (const FinishPercentile& p : r.percentiles) EXPECT_EQ(p.day, kStart + 6);
  EXPECT_EQ(r.tasks[0].criticality, 1.0);
  EXPECT_EQ(r.tasks[2].criticality, 0.0);
  EXPECT_EQ(r.tasks[2].probability_by_deadline, 1.0);
  EXPECT_EQ(r.tasks[0].sensitivity, 0.0);

  plan.outcome.target_date = kStart + 5;  // One day short.
  ASSERT_OK_AND_ASSIGN(r, Simulate(plan, options));
  EXPECT_EQ(r.probability_on_time, 0.0);
  EXPECT_EQ(r.tasks[0].probability_by_deadline, 0.0);
}

TEST(Simulate, SingleRangedTaskIsFullySensitiveAndMeetsItsDeadlineByItsCdf) {
  Plan plan =
      SevenDayPlan(kStart, kStart + 4);  // Day 5: the most likely finish.
  plan.tasks = {Ranged("x", 2, 5, 12), Ranged("y", 1, 1, 1)};
  SimulationOptions options;
  options.iterations = 10000;
  options.distribution = DurationDistribution::kTriangular;
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  EXPECT_NEAR(r.tasks[0].sensitivity, 1.0, 1e-9);
  const double p = CdfAt(ReferencePmf(2, 5, 12, false), 5);
  const double se = std::sqrt(p * (1 - p) / r.iterations);
  EXPECT_NEAR(r.tasks[0].probability_by_deadline, p, 4 * se);
  EXPECT_NEAR(r.probability_on_time, p, 4 * se);
}

TEST(Simulate, PercentilesAreTheEarliestDaysReachingTheShare) {
  Plan plan = SevenDayPlan(kStart, kStart + 30);
  plan.tasks = {Ranged("a", 1, 5, 15)};
  SimulationOptions options;
  options.iterations = 3000;
  options.percentiles = {37.5, 50};
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  ASSERT_EQ(r.percentiles.size(), 6u);  // 10, 37.5, 50, 80, 90, 95.
  for (const FinishPercentile& p : r.percentiles) {
    EXPECT_GE(r.ProbabilityBy(p.day) * 100, p.percentile - 1e-9);
    EXPECT_LT(r.ProbabilityBy(p.day - 1) * 100, p.percentile);
  }
  ASSERT_NE(r.Percentile(37.5), nullptr);
  int64_t total = 0;
  for (const WeekBucket& w : r.histogram) {
    EXPECT_EQ(absl::GetWeekday(w.monday), absl::Weekday::monday);
    total += w.runs;
  }
  EXPECT_EQ(total, 3000);
}

TEST(Simulate, SameSeedSameAnswerOnAnyNumberOfThreads) {
  Plan plan = SevenDayPlan(kStart, kStart + 25);
  for (int i = 0; i < 30; ++i) {
    plan.tasks.push_back(
        Ranged(absl::StrCat("t", i), 1 + i % 3, 3 + i % 4, 6 + i % 7));
    if (i >= 3) {
      plan.dependencies.push_back(
          {absl::StrCat("t", i - 3), absl::StrCat("t", i), i % 2});
    }
  }
  SimulationOptions options;
  options.iterations = 1000;
  options.seed = 42;
  ASSERT_OK_AND_ASSIGN(SimulationResult one, Simulate(plan, options));
  ComputePool pool(3);
  options.pool = &pool;
  ASSERT_OK_AND_ASSIGN(SimulationResult four, Simulate(plan, options));
  EXPECT_EQ(one.probability_on_time, four.probability_on_time);
  ASSERT_EQ(one.finish_days.size(), four.finish_days.size());
  for (size_t i = 0; i < one.finish_days.size(); ++i) {
    EXPECT_EQ(one.finish_days[i].day, four.finish_days[i].day);
    EXPECT_EQ(one.finish_days[i].runs, four.finish_days[i].runs);
  }
  for (size_t t = 0; t < one.tasks.size(); ++t) {
    EXPECT_EQ(one.tasks[t].criticality, four.tasks[t].criticality);
    EXPECT_EQ(one.tasks[t].sensitivity, four.tasks[t].sensitivity);
    EXPECT_EQ(one.tasks[t].probability_by_deadline,
              four.tasks[t].probability_by_deadline);
  }
  options.seed = 43;
  ASSERT_OK_AND_ASSIGN(SimulationResult other, Simulate(plan, options));
  EXPECT_NE(other.mean_finish_working_days, one.mean_finish_working_days);
}

TEST(Simulate, OnePoolSerialisesTasks) {
  Plan plan = SevenDayPlan(kStart, kStart + 30);
  plan.resources.push_back({"dev", 1, {}, {}});
  plan.tasks = {Ranged("a", 2, 4, 9), Ranged("b", 1, 3, 5),
                Ranged("c", 3, 3, 3)};
  for (Task& t : plan.tasks) t.demands.push_back({"dev", 1});
  std::vector<double> sum = {1.0};
  for (const Task& t : plan.tasks) {
    sum = Convolve(
        sum, ReferencePmf(t.optimistic_days.value_or(t.duration_days),
                          t.duration_days,
                          t.pessimistic_days.value_or(t.duration_days), true));
  }
  SimulationOptions options;
  options.iterations = 5000;
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  EXPECT_TRUE(r.resource_constrained);
  EXPECT_EQ(r.deterministic_finish, kStart + 9);
  for (int d : {8, 10, 12, 14}) ExpectProbabilityNear(r, CdfAt(sum, d), d);
}

TEST(Simulate, ProgressFixesDoneWorkAndStartsTheRestAtAsOf) {
  Plan plan = SevenDayPlan(kStart, kStart + 30);
  plan.tasks = {Ranged("a", 2, 4, 9), Ranged("b", 1, 3, 5)};
  Chain(plan, {"a", "b"});
  plan.tasks[0].progress.status = TaskStatus::kDone;
  plan.tasks[0].progress.actual_start = kStart;
  plan.tasks[0].progress.actual_finish = kStart + 5;
  SimulationOptions options;
  options.iterations = 5000;
  options.as_of = kStart + 7;  // b starts on day 8.
  ASSERT_OK_AND_ASSIGN(SimulationResult r, Simulate(plan, options));
  const std::vector<double> b = ReferencePmf(1, 3, 5, true);
  for (int d = 1; d <= 5; ++d) ExpectProbabilityNear(r, CdfAt(b, d), 7 + d);
  EXPECT_EQ(r.tasks[0].criticality, 0.0);
  EXPECT_EQ(r.tasks[0].mean_duration_days, 6.0);
}

TEST(Simulate, RefusesBadOptionsNamingTheField) {
  Plan plan = SevenDayPlan(kStart, kStart + 30);
  plan.tasks = {Ranged("a", 2, 4, 9)};
  SimulationOptions options;
  for (int iterations : {0, -1, 100001}) {
    options.iterations = iterations;
    EXPECT_THAT(
        Simulate(plan, options),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("iterations")));
  }
  options.iterations = 10;
  for (double q : {0.0, 100.0, -3.0, std::nan("")}) {
    options.percentiles = {50, q};
    EXPECT_THAT(Simulate(plan, options),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("percentiles[1]")));
  }
  options.percentiles.clear();
  Plan big = plan;
  for (int i = 0; i < 20000; ++i)
    big.tasks.push_back(Ranged(absl::StrCat("x", i), 1, 1, 1));
  options.iterations = kMaxSimulationIterations;
  EXPECT_THAT(
      Simulate(big, options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("node-runs")));
  options.iterations = 10;
  plan.tasks[0].optimistic_days = 5;  // Above the most likely 4.
  EXPECT_THAT(Simulate(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("optimistic_days")));
  plan.tasks[0].optimistic_days = 2;
  plan.tasks[0].pessimistic_days = 3;  // Below the most likely 4.
  EXPECT_THAT(Simulate(plan, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("pessimistic_days")));
}

TEST(Simulate, StopsWhenAsked) {
  Plan plan = SevenDayPlan(kStart, kStart + 30);
  plan.tasks = {Ranged("a", 2, 4, 9)};
  SimulationOptions options;
  options.iterations = 100000;
  int polls = 0;
  options.stop = [&polls] { return ++polls > 3; };
  EXPECT_THAT(
      Simulate(plan, options),
      StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("stopped")));
  EXPECT_EQ(polls, 4);

  // With a pool the callback is polled from several threads at once.
  ComputePool pool(3);
  options.pool = &pool;
  std::atomic<int> shared_polls{0};
  options.stop = [&shared_polls] { return shared_polls.fetch_add(1) >= 10; };
  EXPECT_THAT(
      Simulate(plan, options),
      StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("stopped")));
  EXPECT_LT(shared_polls.load(), 100);
}

}  // namespace
}  // namespace backplan
