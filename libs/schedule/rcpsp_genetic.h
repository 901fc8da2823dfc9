// Internal to libs/schedule: the genetic search behind rcpsp::Solve().
//
// Activity lists decoded by the serial SGS (rcpsp_engine.h), in the manner of
// Hartmann's genetic algorithm with the forward-backward improvement of Valls,
// Ballestin and Quintanilla:
//   - every individual is a justified schedule; its list is its jobs by start
//     (so decoding the list gives the schedule back);
//   - each generation makes `population` offspring by two-point crossover of
//     tournament-selected parents, then a mutation that swaps neighbours not
//     linked by a precedence and a few shift moves (a job moved to a random
//     place between its last predecessor and first successor, which keeps
//     precedence), then decodes and double-justifies them;
//   - a neighbourhood step on the island's best: shift moves, each decoded
//     and justified;
//   - the population keeps the best `population` distinct schedules of
//     parents and offspring (ties: newest first); after `restart_after`
//     generations without a better best, all but the best are replaced by
//     fresh samples.
// Islands evolve independently on their share of the budget and, every
// `migration_interval` generations, each receives a copy of its left
// neighbour's best in place of its worst. Islands run through
// Options::run_islands, so the result depends only on the seed, the budget
// and the island count (unless out_of_time stops it).
//
// Budget: every SGS pass counts one schedule, each justification pass one.
#ifndef BACKPLAN_LIBS_SCHEDULE_RCPSP_GENETIC_H_
#define BACKPLAN_LIBS_SCHEDULE_RCPSP_GENETIC_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "libs/schedule/rcpsp.h"

namespace backplan {
namespace rcpsp {
namespace internal {

struct Individual {
  std::vector<int> start;  // Per job; feasible.
  int makespan = 0;
  Rule origin = Rule::kGenetic;
  std::vector<int> list;     // Jobs by start (filled by the search).
  uint64_t fingerprint = 0;  // Of `start` (filled by the search).
};

// Tuned on PSPLIB j30 and a tenth of j120 at 1,000 and 5,000 schedules
// (BENCHMARKS.md).
struct GeneticParams {
  int population = 40;          // Per island, independent of the budget.
  int migration_interval = 10;  // Generations between exchanges.
  double mutation = 0.05;       // Per list position.
  // Shift moves (the neighbourhood step) per offspring after the mutation;
  // a fraction is the probability of one more.
  double shift = 3.0;
  // Justification rounds (backward + forward) per offspring; 0: while
  // they improve.
  int justify_rounds = 1;
  int neighbourhood_moves = 10;  // Per generation, on the island's best.
  // Generations without a better best before all but the best are
  // replaced by fresh samples; 0: never.
  int restart_after = 10;
};

struct GeneticOutcome {
  Individual best;    // makespan -1 when no schedule was made.
  int schedules = 0;  // SGS and justification passes run.
};

// Runs the search on `problem` (valid) with at most `budget` schedules over
// options.threads islands. `seeds` (justified rule schedules) join every
// island's first population; the rest of it is regret-based biased sampling
// on `priority` (smaller first), each sample justified. Stops early when an
// island reaches `lower_bound` or options.out_of_time says so.
GeneticOutcome RunGenetic(const Problem& problem,
                          const std::vector<int>& priority,
                          const std::vector<Individual>& seeds, int budget,
                          int lower_bound, const Options& options,
                          const GeneticParams& params = {});

// The default Options::run_islands: body(i) for every i on its own
// std::thread (inline for count 1), joined before returning.
void RunOnThreads(int count, const std::function<void(int)>& body);

}  // namespace internal
}  // namespace rcpsp
}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_RCPSP_GENETIC_H_
