#include "libs/decompose/pattern.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace backplan::decompose {
namespace {

std::string Collapse(absl::string_view text, bool lower) {
  // Written into a buffer sized up front: this runs on every goal and title.
  std::string out(text.size(), '\0');
  size_t n = 0;
  bool pending_space = false;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_isspace(u)) {
      pending_space = n > 0;
      continue;
    }
    if (pending_space) out[n++] = ' ';
    pending_space = false;
    out[n++] = lower ? absl::ascii_tolower(u) : c;
  }
  out.resize(n);
  return out;
}

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }
bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// Backtracking matcher. Trying ends in increasing order makes the first
// success the leftmost-shortest binding. When no variable repeats, whether the
// rest of the pattern matches from (segment, position) depends on nothing
// else, so failures are remembered: every (segment, position) pair is tried at
// most once and matching is polynomial (at most segments x positions^2 steps)
// instead of exponential. Every step is charged to the budget.
class Matcher {
 public:
  Matcher(const std::vector<Template::Segment>& segments,
          absl::string_view text, MatchBudget* budget)
      : segments_(segments), text_(text), budget_(budget) {
    bool repeats = false;
    for (size_t i = 0; i < segments.size() && !repeats; ++i) {
      if (!segments[i].is_variable) continue;
      for (size_t j = i + 1; j < segments.size(); ++j) {
        if (segments[j].is_variable && segments[j].text == segments[i].text) {
          repeats = true;
          break;
        }
      }
    }
    if (!repeats) failed_.assign(segments.size() * (text.size() + 1), false);
  }

  bool Run(size_t seg, size_t pos) {
    if (budget_ != nullptr) {
      if (budget_->steps_left <= 0) {
        budget_->exhausted = true;
        return false;
      }
      --budget_->steps_left;
    }
    if (seg == segments_.size()) return pos == text_.size();
    const size_t memo = seg * (text_.size() + 1) + pos;
    if (!failed_.empty() && failed_[memo]) return false;
    const bool matched = Try(seg, pos);
    // A run cut short by the budget proves nothing: do not remember it.
    if (!matched && !failed_.empty() && !Exhausted()) failed_[memo] = true;
    return matched;
  }

  const std::vector<std::pair<std::string, std::pair<size_t, size_t>>>& bound()
      const {
    return bound_;
  }

 private:
  bool Exhausted() const { return budget_ != nullptr && budget_->exhausted; }

  bool Try(size_t seg, size_t pos) {
    const Template::Segment& s = segments_[seg];
    if (!s.is_variable) {
      if (text_.substr(pos, s.text.size()) != s.text) return false;
      return Run(seg + 1, pos + s.text.size());
    }
    for (const auto& [name, range] : bound_) {
      if (name != s.text) continue;
      absl::string_view value = text_.substr(range.first, range.second);
      if (text_.substr(pos, value.size()) != value) return false;
      return Run(seg + 1, pos + value.size());
    }
    if (pos >= text_.size()) return false;  // Variables are non-empty.
    const bool last = seg + 1 == segments_.size();
    const Template::Segment* next = last ? nullptr : &segments_[seg + 1];
    size_t end = pos + 1;
    while (end <= text_.size() && !Exhausted()) {
      if (last) {
        end = text_.size();
      } else if (!next->is_variable) {
        // The next literal must start where this variable ends.
        end = text_.find(next->text, end);
        if (end == absl::string_view::npos) return false;
      }
      bound_.emplace_back(s.text, std::make_pair(pos, end - pos));
      if (Run(seg + 1, end)) return true;
      bound_.pop_back();
      if (last) return false;
      ++end;
    }
    return false;
  }

  const std::vector<Template::Segment>& segments_;
  absl::string_view text_;
  MatchBudget* budget_;
  std::vector<std::pair<std::string, std::pair<size_t, size_t>>> bound_;
  std::vector<bool> failed_;  // Per (segment, position); empty: no memo.
};

}  // namespace

std::string NormalizeText(absl::string_view text) {
  return Collapse(text, /*lower=*/true);
}

std::string CollapseWhitespace(absl::string_view text) {
  return Collapse(text, /*lower=*/false);
}

absl::StatusOr<Template> Template::Parse(absl::string_view text,
                                         bool lower_case) {
  // Names keep their case: only literal letters are lower-cased.
  std::string collapsed = Collapse(text, /*lower=*/false);
  Template t;
  std::string literal;
  size_t i = 0;
  while (i < collapsed.size()) {
    char c = collapsed[i];
    if (c == '}') {
      return absl::InvalidArgumentError(
          absl::StrCat("stray '}' at offset ", i, " in \"", text, "\""));
    }
    if (c != '{') {
      literal.push_back(
          lower_case ? absl::ascii_tolower(static_cast<unsigned char>(c)) : c);
      ++i;
      continue;
    }
    size_t close = collapsed.find('}', i + 1);
    if (close == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("unclosed '{' in \"", text, "\""));
    }
    std::string name = collapsed.substr(i + 1, close - i - 1);
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("empty variable name '{}' in \"", text, "\""));
    }
    bool valid = IsNameStart(name[0]);
    for (char n : name) valid = valid && IsNameChar(n);
    if (!valid) {
      return absl::InvalidArgumentError(absl::StrCat(
          "bad variable name \"", name, "\" in \"", text,
          "\" (letters, digits and '_', not starting with a digit)"));
    }
    if (!literal.empty()) {
      t.segments_.push_back({false, std::move(literal)});
      literal.clear();
    }
    t.segments_.push_back({true, std::move(name)});
    i = close + 1;
  }
  if (!literal.empty()) t.segments_.push_back({false, std::move(literal)});
  return t;
}

std::optional<Bindings> Template::Match(absl::string_view normalized,
                                        absl::string_view display,
                                        MatchBudget* budget) const {
  Matcher matcher(segments_, normalized, budget);
  if (!matcher.Run(0, 0)) return std::nullopt;
  absl::string_view source =
      display.size() == normalized.size() ? display : normalized;
  Bindings bindings;
  for (const auto& [name, range] : matcher.bound()) {
    bindings.emplace(name,
                     std::string(source.substr(range.first, range.second)));
  }
  return bindings;
}

std::string Template::Substitute(const Bindings& bindings) const {
  std::string out;
  for (const Segment& s : segments_) {
    if (!s.is_variable) {
      out += s.text;
      continue;
    }
    auto it = bindings.find(s.text);
    if (it == bindings.end()) {
      absl::StrAppend(&out, "{", s.text, "}");
    } else {
      out += it->second;
    }
  }
  return out;
}

std::vector<std::string> Template::Variables() const {
  std::vector<std::string> names;
  for (const Segment& s : segments_) {
    if (!s.is_variable) continue;
    bool seen = false;
    for (const std::string& n : names) seen = seen || n == s.text;
    if (!seen) names.push_back(s.text);
  }
  return names;
}

bool Template::has_variables() const {
  for (const Segment& s : segments_) {
    if (s.is_variable) return true;
  }
  return false;
}

}  // namespace backplan::decompose
