#include "libs/schedule/rcpsp_psplib.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace backplan {
namespace {

std::vector<int> Ints(absl::string_view line, bool* ok) {
  std::vector<int> out;
  *ok = true;
  for (absl::string_view field :
       absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty())) {
    int v = 0;
    if (!absl::SimpleAtoi(field, &v)) {
      *ok = false;
      return out;
    }
    out.push_back(v);
  }
  return out;
}

// The integer after the last ':' of `line` ("jobs (...):  32").
bool ValueAfterColon(absl::string_view line, int* value) {
  const size_t colon = line.rfind(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view rest = line.substr(colon + 1);
  std::vector<absl::string_view> fields =
      absl::StrSplit(rest, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
  return !fields.empty() && absl::SimpleAtoi(fields[0], value);
}

absl::Status Bad(absl::string_view what, size_t line) {
  return absl::InvalidArgumentError(
      absl::StrCat("psplib: ", what, " (line ", line + 1, ")"));
}

}  // namespace

absl::StatusOr<PsplibInstance> ParsePsplib(absl::string_view text) {
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  int jobs = -1, renewable = -1, other = 0;
  PsplibInstance instance;
  rcpsp::Problem& p = instance.problem;
  bool have_precedences = false, have_requests = false, have_capacity = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::string_view line = lines[i];
    bool ok = false;
    if (absl::StartsWith(line, "jobs (incl. supersource/sink")) {
      if (!ValueAfterColon(line, &jobs) || jobs < 0 || jobs > 100000) {
        return Bad("job count", i);
      }
    } else if (absl::StrContains(line, "- renewable")) {
      if (!ValueAfterColon(line.substr(0, line.rfind('R')), &renewable) ||
          renewable < 0 || renewable > 1000) {
        return Bad("renewable resource count", i);
      }
    } else if (absl::StrContains(line, "- nonrenewable") ||
               absl::StrContains(line, "- doubly constrained")) {
      int v = 0;
      const size_t letter = line.find_last_of("ND");
      if (!ValueAfterColon(line.substr(0, letter), &v)) {
        return Bad("resource count", i);
      }
      other += v;
    } else if (absl::StrContains(line, "MPM-Time") && i + 1 < lines.size()) {
      const std::vector<int> v = Ints(lines[i + 1], &ok);
      if (!ok || v.size() < 6) return Bad("project information", i + 1);
      instance.mpm_time = v[5];
    } else if (absl::StartsWith(line, "PRECEDENCE RELATIONS")) {
      if (jobs < 0) return Bad("precedences before the job count", i);
      p.duration.assign(jobs, 0);
      for (int j = 0; j < jobs; ++j) {
        const size_t at = i + 2 + j;
        if (at >= lines.size()) return Bad("precedences cut short", at);
        const std::vector<int> v = Ints(lines[at], &ok);
        if (!ok || v.size() < 3 || v[0] != j + 1 ||
            static_cast<int>(v.size()) != 3 + v[2]) {
          return Bad("precedence line", at);
        }
        for (int s = 3; s < static_cast<int>(v.size()); ++s) {
          if (v[s] < 1 || v[s] > jobs) return Bad("successor", at);
          p.precedences.push_back({j, v[s] - 1, 0});
        }
      }
      have_precedences = true;
    } else if (absl::StartsWith(line, "REQUESTS/DURATIONS")) {
      if (jobs < 0 || renewable < 0) return Bad("requests too early", i);
      p.duration.assign(jobs, 0);
      p.demand.assign(static_cast<size_t>(jobs) * renewable, 0);
      for (int j = 0; j < jobs; ++j) {
        const size_t at = i + 3 + j;
        if (at >= lines.size()) return Bad("requests cut short", at);
        const std::vector<int> v = Ints(lines[at], &ok);
        if (!ok || static_cast<int>(v.size()) != 3 + renewable ||
            v[0] != j + 1 || v[2] < 0) {
          return Bad("request line", at);
        }
        p.duration[j] = v[2];
        for (int r = 0; r < renewable; ++r) {
          p.demand[static_cast<size_t>(j) * renewable + r] = v[3 + r];
        }
      }
      have_requests = true;
    } else if (absl::StartsWith(line, "RESOURCEAVAILABILITIES")) {
      if (renewable < 0 || i + 2 >= lines.size()) {
        return Bad("resource availabilities", i);
      }
      const std::vector<int> v = Ints(lines[i + 2], &ok);
      if (!ok || static_cast<int>(v.size()) != renewable) {
        return Bad("resource availabilities", i + 2);
      }
      p.capacity = v;
      have_capacity = true;
    }
  }
  if (other != 0) {
    return absl::InvalidArgumentError(
        "psplib: nonrenewable or doubly constrained resources are not "
        "supported");
  }
  if (!have_precedences || !have_requests || !have_capacity) {
    return absl::InvalidArgumentError(
        "psplib: missing PRECEDENCE RELATIONS, REQUESTS/DURATIONS or "
        "RESOURCEAVAILABILITIES");
  }
  return instance;
}

std::map<std::pair<int, int>, int> ParsePsplibOptima(absl::string_view text) {
  std::map<std::pair<int, int>, int> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    int v[3];
    if (fields.size() < 3 || !absl::SimpleAtoi(fields[0], &v[0]) ||
        !absl::SimpleAtoi(fields[1], &v[1]) ||
        !absl::SimpleAtoi(fields[2], &v[2])) {
      continue;
    }
    out[{v[0], v[1]}] = v[2];
  }
  return out;
}

}  // namespace backplan
