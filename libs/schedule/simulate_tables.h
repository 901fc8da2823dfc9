// Internal to simulate.cc: the per-run random streams, the discretised
// duration distributions (DurationPmf, declared in simulate.h) and the alias
// tables runs draw from.
#ifndef BACKPLAN_LIBS_SCHEDULE_SIMULATE_TABLES_H_
#define BACKPLAN_LIBS_SCHEDULE_SIMULATE_TABLES_H_

#include <cstdint>
#include <vector>

namespace backplan {

inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// SplitMix64 seeded from (seed, run): every run has its own stream, so the
// result does not depend on which thread does which run.
class RunStream {
 public:
  RunStream(uint64_t seed, uint64_t run)
      : state_(Mix64(seed + 0x9E3779B97F4A7C15ULL) ^
               Mix64(run * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL)) {}
  uint64_t Next64() {
    state_ += 0x9E3779B97F4A7C15ULL;
    return Mix64(state_);
  }

 private:
  uint64_t state_;
};

// Walker's alias method: a uniform draw picks entry i; value i is kept when
// 32 further random bits are below `threshold`, else it is `alias`. O(1) and
// branch-free, where a search in a cumulative table mispredicts on almost
// every draw.
struct AliasEntry {
  uint32_t threshold = 0;
  int32_t alias = 0;
};

// Appends the alias table of `pmf` (Vose's construction; probabilities
// summing to 1) to `out`: pmf.size() entries.
void AppendAliasTable(const std::vector<double>& pmf,
                      std::vector<AliasEntry>& out);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_SCHEDULE_SIMULATE_TABLES_H_
