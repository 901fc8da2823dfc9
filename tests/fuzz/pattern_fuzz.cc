// Fuzzes the recipe-pattern matcher (libs/decompose/pattern.h): the first
// line of the input is a pattern, the rest the goal text. A pattern that
// does not parse must be INVALID_ARGUMENT; a match must rebuild the goal
// (Substitute(bindings) == the normalised text) with every binding
// non-empty; and for short inputs the answer must equal a brute-force
// leftmost-shortest search. Matching runs under a step budget, so a hostile
// pattern costs bounded time (the fuzzer's -timeout catches a runaway).
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/decompose/pattern.h"

namespace {

using backplan::decompose::Bindings;
using backplan::decompose::MatchBudget;
using backplan::decompose::Template;

void Check(bool condition) {
  if (!condition) std::abort();
}

// The reference: variables take lengths 1, 2, ... in order, left first; the
// first complete match wins.
bool BruteForce(const std::vector<Template::Segment>& segments, size_t seg,
                absl::string_view text, size_t pos, Bindings* bound) {
  if (seg == segments.size()) return pos == text.size();
  const Template::Segment& s = segments[seg];
  if (!s.is_variable) {
    return text.substr(pos, s.text.size()) == s.text &&
           BruteForce(segments, seg + 1, text, pos + s.text.size(), bound);
  }
  auto it = bound->find(s.text);
  if (it != bound->end()) {
    const std::string value = it->second;
    return text.substr(pos, value.size()) == value &&
           BruteForce(segments, seg + 1, text, pos + value.size(), bound);
  }
  for (size_t len = 1; pos + len <= text.size(); ++len) {
    (*bound)[s.text] = std::string(text.substr(pos, len));
    if (BruteForce(segments, seg + 1, text, pos + len, bound)) return true;
  }
  bound->erase(s.text);
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view pattern_text = input.substr(0, newline);
  const absl::string_view goal =
      newline == absl::string_view::npos ? "" : input.substr(newline + 1);
  absl::StatusOr<Template> pattern = Template::Parse(pattern_text);
  if (!pattern.ok()) {
    Check(pattern.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  const std::string normalized = backplan::decompose::NormalizeText(goal);
  MatchBudget budget{200000, false};
  std::optional<Bindings> match = pattern->Match(normalized, {}, &budget);
  if (match) {
    Check(!budget.exhausted);
    for (const auto& [name, value] : *match) Check(!value.empty());
    Check(pattern->Substitute(*match) == normalized);
  }
  if (!budget.exhausted && normalized.size() <= 24 &&
      pattern->segments().size() <= 7) {
    Bindings expected;
    const bool found =
        BruteForce(pattern->segments(), 0, normalized, 0, &expected);
    Check(found == match.has_value());
    if (found) Check(expected == *match);
  }
  return 0;
}
