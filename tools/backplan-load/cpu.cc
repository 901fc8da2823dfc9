#include "tools/backplan-load/cpu.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace backplan::load {

absl::StatusOr<std::vector<int>> ParsePids(absl::string_view text) {
  std::vector<int> pids;
  if (text.empty()) return pids;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int pid = 0;
    if (!absl::SimpleAtoi(part, &pid) || pid <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--cpu_pids: not a process id: \"", part, "\""));
    }
    pids.push_back(pid);
  }
  return pids;
}

absl::StatusOr<int64_t> StatTicks(absl::string_view stat_line) {
  // "pid (comm) state ppid ...": fields after the last ')' start at 3.
  const size_t close = stat_line.rfind(')');
  if (close == absl::string_view::npos) {
    return absl::InternalError("no command name in a /proc stat line");
  }
  std::vector<absl::string_view> fields =
      absl::StrSplit(stat_line.substr(close + 1), ' ', absl::SkipEmpty());
  // fields[0] is field 3 (state): utime is field 14, stime 15.
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError("a /proc stat line without utime and stime");
  }
  return utime + stime;
}

absl::StatusOr<int64_t> CpuNanos(const std::vector<int>& pids) {
  static const int64_t kTickNs = 1000000000 / sysconf(_SC_CLK_TCK);
  int64_t ticks = 0;
  for (int pid : pids) {
    const std::string path =
        pid == 0 ? "/proc/self/stat" : absl::StrCat("/proc/", pid, "/stat");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    absl::StatusOr<int64_t> one = StatTicks(text.str());
    if (!one.ok()) return one.status();
    ticks += *one;
  }
  return ticks * kTickNs;
}

}  // namespace backplan::load
