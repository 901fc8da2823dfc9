// Text normalisation, goal patterns and templates for recipes.
//
// Recipes name goals with text in which `{variables}` stand for any
// non-empty text: the pattern `launch {product}` matches the goal
// "Launch  the Reader" with product = "the Reader". The contract
// (docs/DESIGN.md "Decomposition", "Matching"):
//   - text is compared after lower-casing (ASCII) and collapsing every run of
//     white space into one space, leading and trailing space removed;
//   - a variable matches non-empty text;
//   - where a pattern can bind in more than one way, the leftmost variable
//     takes the shortest text (then the next variable, and so on);
//   - a variable used twice in one pattern must bind the same text both times.
// Variable names are `[A-Za-z_][A-Za-z0-9_]*`, case-sensitive. There is no
// escape for a literal brace: `{` and `}` are reserved.
//
//   ASSIGN_OR_RETURN(Template pattern, Template::Parse("launch {product}"));
//   std::optional<Bindings> b = pattern.Match("launch the reader");
//   // (*b)["product"] == "the reader"
//   ASSIGN_OR_RETURN(Template sub, Template::Parse("{product} is built"));
//   sub.Substitute(*b) == "the reader is built"
#ifndef BACKPLAN_LIBS_DECOMPOSE_PATTERN_H_
#define BACKPLAN_LIBS_DECOMPOSE_PATTERN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace backplan::decompose {

// Lower-cases ASCII letters, collapses runs of white space into one space and
// trims both ends: "  Launch\tthe  Reader " -> "launch the reader".
std::string NormalizeText(absl::string_view text);

// Collapses and trims white space like NormalizeText but keeps letter case;
// its result has the same length as NormalizeText's, position for position.
std::string CollapseWhitespace(absl::string_view text);

// A cap on matching work, shared by many matches (one search). Each step of
// the matcher costs one; when `steps_left` reaches zero the match in progress
// fails and `exhausted` is set, so the caller can tell "no match" from
// "gave up" and report the limit.
struct MatchBudget {
  int64_t steps_left = 0;
  bool exhausted = false;
};

// Variable name -> bound text.
using Bindings = absl::flat_hash_map<std::string, std::string>;

// A parsed pattern or template: literal text and `{variable}` slots.
class Template {
 public:
  struct Segment {
    bool is_variable = false;
    std::string text;  // Literal text (white space collapsed), or the name.
  };

  // Parses `text`. White space in literals is collapsed (and the whole text
  // trimmed); literal letters are lower-cased when `lower_case` is true (the
  // form used for patterns and matching). INVALID_ARGUMENT for an unclosed or
  // stray brace, an empty `{}` or a bad variable name.
  static absl::StatusOr<Template> Parse(absl::string_view text,
                                        bool lower_case = true);

  // Matches already-normalised text (NormalizeText). Returns the bindings of
  // the leftmost-shortest match, or nullopt. When `display` is given it must be
  // CollapseWhitespace of the same text, and the bound values are taken from
  // it (keeping the caller's letter case) instead of from `normalized`.
  // Matching takes at most segments x (length + 1)^2 steps when no variable
  // repeats in the pattern (failures are memoised); a pattern with a repeated
  // variable backtracks and can take exponentially many. With `budget`, every
  // step is charged to it and the match fails with `budget->exhausted` set
  // once it runs out.
  std::optional<Bindings> Match(absl::string_view normalized,
                                absl::string_view display = {},
                                MatchBudget* budget = nullptr) const;

  // The text with every variable replaced by its binding (white space not
  // re-normalised). A variable missing from `bindings` is left as `{name}`.
  std::string Substitute(const Bindings& bindings) const;

  // Variable names in order of first use, each once.
  std::vector<std::string> Variables() const;

  const std::vector<Segment>& segments() const { return segments_; }
  bool has_variables() const;

 private:
  std::vector<Segment> segments_;
};

}  // namespace backplan::decompose

#endif  // BACKPLAN_LIBS_DECOMPOSE_PATTERN_H_
