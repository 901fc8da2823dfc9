// PSPLIB harness: solves single-mode RCPSP instances with rcpsp::Solve,
// re-checks every schedule with the independent checker, and prints one
// summary line per run. A schedule that fails the check is a hard error.
//
//   psplib_bench --dir ../shared/psplib/j30 --budget 1000
//       --opt ../shared/psplib/j30opt.sm
//   psplib dir=../shared/psplib/j30 budget=1000 instances=480 mean_ms=...
//
// mean_ms/max_ms are wall time per instance; mean_cpu_ms/max_cpu_ms (at the
// end of the line) are the process's CPU time per instance, all threads
// summed, which a loaded machine does not inflate.
//
// Flags: --dir DIR (every .sm file in it) or --file FILE; --budget N
// (schedules generated per instance, default 1000); --time-limit-ms N (per
// instance; with no --budget the budget is then unlimited); --seed S;
// --threads N (islands of the genetic search, 1..16, default 1);
// --opt FILE (optimal or best-known makespans: parameter, instance, makespan
// in the first three columns; instance jNNP_I.sm is row (P, I)).
// Exit codes: 0 ok, 1 infeasible schedule (or one below the known optimum),
// 2 usage or input error.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/schedule/rcpsp.h"
#include "libs/schedule/rcpsp_psplib.h"

namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "j3012_7" -> (12, 7).
std::optional<std::pair<int, int>> InstanceKey(const std::string& stem) {
  for (const char* set : {"j120", "j30", "j60", "j90"}) {
    absl::string_view rest = stem;
    if (!absl::ConsumePrefix(&rest, set)) continue;
    const size_t underscore = rest.find('_');
    if (underscore == absl::string_view::npos) return std::nullopt;
    int p = 0, i = 0;
    if (!absl::SimpleAtoi(rest.substr(0, underscore), &p) ||
        !absl::SimpleAtoi(rest.substr(underscore + 1), &i)) {
      return std::nullopt;
    }
    return std::make_pair(p, i);
  }
  return std::nullopt;
}

int Usage(const std::string& why) {
  std::cerr << "psplib_bench: " << why
            << "\nusage: psplib_bench (--dir DIR | --file FILE) [--budget N] "
               "[--time-limit-ms N] [--seed S] [--threads N] [--opt FILE]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, file, opt_path;
  int64_t budget = -1, time_limit_ms = 0, threads = 1;
  uint64_t seed = 0;
  for (int a = 1; a < argc; ++a) {
    const std::string flag = argv[a];
    if (a + 1 >= argc) return Usage("missing value for " + flag);
    const std::string value = argv[++a];
    bool ok = true;
    if (flag == "--dir") {
      dir = value;
    } else if (flag == "--file") {
      file = value;
    } else if (flag == "--opt") {
      opt_path = value;
    } else if (flag == "--budget") {
      ok = absl::SimpleAtoi(value, &budget) && budget >= 1 &&
           budget <= 1000000000;
    } else if (flag == "--time-limit-ms") {
      ok = absl::SimpleAtoi(value, &time_limit_ms) && time_limit_ms >= 1;
    } else if (flag == "--threads") {
      ok = absl::SimpleAtoi(value, &threads) && threads >= 1 &&
           threads <= backplan::rcpsp::kMaxThreads;
    } else if (flag == "--seed") {
      ok = absl::SimpleAtoi(value, &seed);
    } else {
      return Usage("unknown flag " + flag);
    }
    if (!ok) return Usage("bad value for " + flag + ": " + value);
  }
  if (dir.empty() == file.empty()) return Usage("give --dir or --file");
  if (budget < 0) budget = time_limit_ms > 0 ? 1000000000 : 1000;

  std::vector<std::string> paths;
  if (!file.empty()) {
    paths.push_back(file);
  } else {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
      if (entry.path().extension() == ".sm") paths.push_back(entry.path());
    }
    if (error) return Usage("cannot list " + dir + ": " + error.message());
    std::sort(paths.begin(), paths.end());
  }
  if (paths.empty()) return Usage("no .sm files");

  std::map<std::pair<int, int>, int> optima;
  if (!opt_path.empty()) {
    std::optional<std::string> text = ReadFile(opt_path);
    if (!text) return Usage("cannot read " + opt_path);
    optima = backplan::ParsePsplibOptima(*text);
  }

  double total_ms = 0, max_ms = 0, dev_cp = 0, dev_opt = 0;
  double total_cpu_ms = 0, max_cpu_ms = 0;
  int optimal = 0, last_makespan = 0;
  for (const std::string& path : paths) {
    std::optional<std::string> text = ReadFile(path);
    if (!text) return Usage("cannot read " + path);
    absl::StatusOr<backplan::PsplibInstance> instance =
        backplan::ParsePsplib(*text);
    if (!instance.ok()) {
      std::cerr << path << ": " << instance.status() << "\n";
      return 2;
    }
    backplan::rcpsp::Options options;
    options.max_schedules = static_cast<int>(budget);
    options.seed = seed;
    options.threads = static_cast<int>(threads);
    const std::clock_t cpu_begin = std::clock();
    const absl::Time begin = absl::Now();
    if (time_limit_ms > 0) {
      const absl::Time end = begin + absl::Milliseconds(time_limit_ms);
      options.out_of_time = [end] { return absl::Now() >= end; };
    }
    absl::StatusOr<backplan::rcpsp::Result> result =
        backplan::rcpsp::Solve(instance->problem, options);
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - begin);
    const double cpu_ms =
        1000.0 * static_cast<double>(std::clock() - cpu_begin) / CLOCKS_PER_SEC;
    if (!result.ok()) {
      std::cerr << path << ": " << result.status() << "\n";
      return 2;
    }
    absl::Status check =
        backplan::rcpsp::CheckSchedule(instance->problem, result->start);
    if (check.ok() &&
        backplan::rcpsp::Makespan(instance->problem, result->start) !=
            result->makespan) {
      check =
          absl::InternalError("reported makespan differs from the schedule");
    }
    if (!check.ok()) {
      std::cerr << path << ": INFEASIBLE schedule: " << check << "\n";
      return 1;
    }
    const int cp = instance->mpm_time > 0 ? instance->mpm_time
                                          : result->critical_path_bound;
    if (result->makespan < cp) {
      std::cerr << path << ": makespan " << result->makespan
                << " below the critical path " << cp << "\n";
      return 1;
    }
    total_ms += ms;
    max_ms = std::max(max_ms, ms);
    total_cpu_ms += cpu_ms;
    max_cpu_ms = std::max(max_cpu_ms, cpu_ms);
    dev_cp += cp > 0 ? 100.0 * (result->makespan - cp) / cp : 0.0;
    last_makespan = result->makespan;
    if (!opt_path.empty()) {
      const std::string stem = std::filesystem::path(path).stem();
      const std::optional<std::pair<int, int>> key = InstanceKey(stem);
      auto it = key ? optima.find(*key) : optima.end();
      if (it == optima.end()) {
        std::cerr << path << ": no entry in " << opt_path << "\n";
        return 2;
      }
      const int best = it->second;
      if (result->makespan < best) {
        std::cerr << path << ": makespan " << result->makespan
                  << " below the listed optimum " << best << "\n";
        return 1;
      }
      dev_opt += 100.0 * (result->makespan - best) / best;
      if (result->makespan == best) ++optimal;
    }
  }
  const int n = static_cast<int>(paths.size());
  const std::string where =
      file.empty() ? dir : std::filesystem::path(file).parent_path().string();
  std::string line = absl::StrFormat(
      "psplib dir=%s budget=%d%s seed=%d instances=%d mean_ms=%.2f "
      "max_ms=%.2f avg_dev_cp_pct=%.2f",
      where, budget,
      time_limit_ms > 0 ? absl::StrFormat(" time_limit_ms=%d", time_limit_ms)
                        : std::string(),
      seed, n, total_ms / n, max_ms, dev_cp / n);
  if (!opt_path.empty()) {
    absl::StrAppendFormat(&line, " avg_dev_opt_pct=%.2f optimal=%d/%d",
                          dev_opt / n, optimal, n);
  }
  if (!file.empty())
    absl::StrAppendFormat(&line, " makespan=%d", last_makespan);
  if (threads > 1) absl::StrAppendFormat(&line, " threads=%d", threads);
  absl::StrAppendFormat(&line, " mean_cpu_ms=%.2f max_cpu_ms=%.2f",
                        total_cpu_ms / n, max_cpu_ms);
  std::cout << line << std::endl;
  return 0;
}
