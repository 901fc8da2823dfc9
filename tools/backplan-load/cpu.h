// CPU time of processes on this machine, for backplan-load's
// --cpu_pids: the servers' CPU spent per call over the measured part of a
// run, read from /proc/<pid>/stat (utime + stime, in clock ticks of
// sysconf(_SC_CLK_TCK), usually 10 ms; a run of seconds keeps the error
// under 1 %).
//
//   absl::StatusOr<std::vector<int>> pids = ParsePids("1234,1240");
//   absl::StatusOr<int64_t> before = CpuNanos(*pids);
//   ... run ...
//   absl::StatusOr<int64_t> after = CpuNanos(*pids);
#ifndef BACKPLAN_TOOLS_BACKPLAN_LOAD_CPU_H_
#define BACKPLAN_TOOLS_BACKPLAN_LOAD_CPU_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace backplan::load {

// "1234,1240" -> {1234, 1240}; empty text -> {}. INVALID_ARGUMENT naming
// the bad entry when one is not a positive integer.
absl::StatusOr<std::vector<int>> ParsePids(absl::string_view text);

// User + system CPU time, in nanoseconds, of the processes `pids` (all
// their threads; 0 means this process) summed. NOT_FOUND when one has no
// /proc entry (it exited); INTERNAL when its stat line cannot be parsed.
absl::StatusOr<int64_t> CpuNanos(const std::vector<int>& pids);

// The utime + stime ticks of one /proc/<pid>/stat line (fields 14 and 15,
// counted after the parenthesised command name, which may hold spaces).
absl::StatusOr<int64_t> StatTicks(absl::string_view stat_line);

}  // namespace backplan::load

#endif  // BACKPLAN_TOOLS_BACKPLAN_LOAD_CPU_H_
