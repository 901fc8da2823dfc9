#include "libs/decompose/search.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "libs/common/short_text.h"
#include "libs/common/status_macros.h"
#include "libs/decompose/pattern.h"

namespace backplan::decompose::internal {
namespace {

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t sum = 0;
  if (__builtin_add_overflow(a, b, &sum)) {
    return std::numeric_limits<int64_t>::max();
  }
  return sum;
}

Cost Add(const Cost& a, const Cost& b) {
  return {SaturatingAdd(a.open_goals, b.open_goals),
          SaturatingAdd(a.effort_days, b.effort_days)};
}

class Search {
 public:
  Search(const CompiledBook& book, const Outcome& outcome,
         const DecomposeOptions& options)
      : book_(book), outcome_(outcome), options_(options) {
    for (const std::string& f : outcome.facts) facts_.insert(NormalizeText(f));
  }

  absl::StatusOr<SearchGraph> Run() {
    RETURN_IF_ERROR(Expand());
    ComputeSccs();
    memo_.assign(goals_.size(), -1);
    on_path_.assign(goals_.size(), false);
    const int root = Solve(0, 0);
    if (root < 0) return error_;
    SearchGraph graph;
    graph.goals = std::move(goals_);
    graph.entries = std::move(entries_);
    graph.root = root;
    graph.stats = stats_;
    return graph;
  }

 private:
  absl::Status TextLimit(absl::string_view text, absl::string_view at) {
    return TextLimitError(options_.max_text_length, text, at);
  }

  absl::Status LimitAt(absl::string_view limit, int64_t value,
                       absl::string_view goal, absl::string_view what = "") {
    return absl::ResourceExhaustedError(
        absl::StrCat(limit, " ", value, " exceeded at goal \"", ShortText(goal),
                     "\"", what));
  }

  // Polls `should_stop` every 256 calls.
  bool Stopped() {
    if (!options_.should_stop || (++stop_polls_ & 255) != 0) return false;
    return options_.should_stop();
  }

  static absl::Status StoppedError() {
    return absl::CancelledError("decomposition stopped (call ended)");
  }

  // Interns a goal text, counting its bytes toward max_goal_bytes.
  int Intern(std::string display, int depth) {
    std::string key = NormalizeText(display);
    auto [it, inserted] = index_.emplace(key, static_cast<int>(goals_.size()));
    if (inserted) {
      goal_bytes_ += static_cast<int64_t>(key.size() + display.size());
      GoalNode n;
      n.is_fact = facts_.contains(key);
      n.key = std::move(key);
      n.display = std::move(display);
      n.depth = depth;
      goals_.push_back(std::move(n));
    }
    return it->second;
  }

  // Phase 1: breadth first from the root, match every goal within max_depth
  // against the book. This fixes the recipe graph, whose cycles decide how
  // results may be memoised.
  absl::Status Expand() {
    Intern(CollapseWhitespace(outcome_.title), 0);
    std::vector<int> recipe_ids;
    MatchBudget budget{.steps_left = options_.max_matcher_steps};
    for (size_t g = 0; g < goals_.size(); ++g) {
      if (goals_[g].is_fact || goals_[g].depth > options_.max_depth) continue;
      if (++stats_.goals_expanded > options_.max_nodes) {
        return LimitAt("max_nodes", options_.max_nodes, goals_[g].display,
                       " (distinct goals expanded)");
      }
      if (goal_bytes_ > options_.max_goal_bytes) {
        return LimitAt("max_goal_bytes", options_.max_goal_bytes,
                       goals_[g].display);
      }
      if (Stopped()) return StoppedError();
      goals_[g].expanded = true;
      const std::string key = goals_[g].key;
      const std::string display = goals_[g].display;
      const int depth = goals_[g].depth;
      book_.Candidates(key, &recipe_ids);
      std::vector<Candidate> candidates;
      for (int r : recipe_ids) {
        const CompiledRecipe& recipe = book_.recipes[r];
        std::optional<Bindings> bindings =
            recipe.pattern.Match(key, display, &budget);
        if (budget.exhausted) {
          return LimitAt("max_matcher_steps", options_.max_matcher_steps,
                         display);
        }
        if (!bindings) continue;
        Candidate c;
        c.recipe = r;
        for (const Template& w : recipe.when) {
          std::string fact = CollapseWhitespace(w.Substitute(*bindings));
          if (static_cast<int>(fact.size()) > options_.max_text_length) {
            return TextLimit(fact, display);
          }
          if (!facts_.contains(NormalizeText(fact))) {
            c.condition_ok = false;
            c.failed_condition = std::move(fact);
            break;
          }
        }
        if (c.condition_ok) {
          for (const Template& s : recipe.sub_goals) {
            std::string sub = CollapseWhitespace(s.Substitute(*bindings));
            if (sub.empty()) continue;  // Only from variables bound to " ".
            if (static_cast<int>(sub.size()) > options_.max_text_length) {
              return TextLimit(sub, display);
            }
            int id = Intern(std::move(sub), depth + 1);
            if (std::find(c.subs.begin(), c.subs.end(), id) == c.subs.end()) {
              c.subs.push_back(id);
            }
          }
        }
        candidates.push_back(std::move(c));
      }
      goals_[g].candidates = std::move(candidates);
    }
    return absl::OkStatus();
  }

  // Tarjan's algorithm, iterative (the graph may be a long chain).
  void ComputeSccs() {
    const int n = static_cast<int>(goals_.size());
    std::vector<int> index(n, -1), low(n, 0);
    std::vector<bool> on_stack(n, false);
    std::vector<int> stack;
    struct Frame {
      int node;
      size_t cand = 0, sub = 0;
    };
    std::vector<Frame> frames;
    int counter = 0, scc_count = 0;
    for (int start = 0; start < n; ++start) {
      if (index[start] >= 0) continue;
      frames.push_back({start});
      index[start] = low[start] = counter++;
      stack.push_back(start);
      on_stack[start] = true;
      while (!frames.empty()) {
        Frame& f = frames.back();
        const std::vector<Candidate>& cands = goals_[f.node].candidates;
        int next = -1;
        while (f.cand < cands.size()) {
          const Candidate& c = cands[f.cand];
          if (f.sub < c.subs.size()) {
            next = c.subs[f.sub++];
            break;
          }
          ++f.cand;
          f.sub = 0;
        }
        if (next >= 0) {
          if (index[next] < 0) {
            index[next] = low[next] = counter++;
            stack.push_back(next);
            on_stack[next] = true;
            frames.push_back({next});
          } else if (on_stack[next]) {
            low[f.node] = std::min(low[f.node], index[next]);
          }
          continue;
        }
        const int v = f.node;
        frames.pop_back();
        if (!frames.empty()) {
          low[frames.back().node] = std::min(low[frames.back().node], low[v]);
        }
        if (low[v] != index[v]) continue;
        std::vector<int> members;
        int w = -1;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          goals_[w].scc = scc_count;
          members.push_back(w);
        } while (w != v);
        if (members.size() > 1) {
          for (int m : members) goals_[m].cyclic = true;
        }
        ++scc_count;
      }
    }
  }

  // Phase 2: the AND/OR search. Returns an entry index, or -1 with error_
  // set. The result for a goal depends on the path above it only through
  // the path's goals in the goal's own strongly connected component (any
  // other path goal cannot be reached from it), so that set keys the memo.
  int Solve(int g, int depth) {
    const GoalNode& node = goals_[g];
    if (node.is_fact) {
      if (memo_[g] < 0) {
        Entry e;
        e.goal = g;
        e.state = GoalState::kFact;
        memo_[g] = static_cast<int>(entries_.size());
        entries_.push_back(std::move(e));
      }
      return memo_[g];
    }
    if (depth > options_.max_depth) {
      error_ = LimitAt("max_depth", options_.max_depth, node.display);
      return -1;
    }
    if (Stopped()) {
      error_ = StoppedError();
      return -1;
    }
    std::vector<int> key;
    if (!node.cyclic) {
      if (memo_[g] >= 0) {
        ++stats_.memo_hits;
        return memo_[g];
      }
    } else {
      key.push_back(g);
      for (int p : path_) {
        if (goals_[p].scc == node.scc) key.push_back(p);
      }
      std::sort(key.begin() + 1, key.end());
      if (auto it = cyclic_memo_.find(key); it != cyclic_memo_.end()) {
        ++stats_.memo_hits;
        return it->second;
      }
    }
    if (++stats_.evaluations > options_.max_nodes) {
      error_ = LimitAt("max_nodes", options_.max_nodes, node.display,
                       " (goal evaluations)");
      return -1;
    }

    on_path_[g] = true;
    path_.push_back(g);
    Entry e;
    e.goal = g;
    e.alts.resize(node.candidates.size());
    Cost best_cost;
    std::vector<int> children;
    for (size_t ci = 0; ci < node.candidates.size(); ++ci) {
      const Candidate& c = goals_[g].candidates[ci];
      Alt& alt = e.alts[ci];
      if (!c.condition_ok) {
        alt.verdict = AlternativeExplanation::Verdict::kConditionFalse;
        continue;
      }
      if (options_.strategy == Strategy::kFirstApplicable && e.chosen >= 0) {
        continue;  // kNotEvaluated.
      }
      for (int s : c.subs) {
        if (on_path_[s]) {
          alt.cycle_goal = s;
          break;
        }
      }
      if (alt.cycle_goal >= 0) {
        alt.verdict = AlternativeExplanation::Verdict::kCycle;
        continue;
      }
      Cost cost{0, book_.recipes[c.recipe].local_effort};
      children.clear();
      for (int s : c.subs) {
        int r = Solve(s, depth + 1);
        if (r < 0) return -1;  // The search is over; path_ no longer matters.
        cost = Add(cost, entries_[r].cost);
        children.push_back(r);
      }
      alt.verdict = AlternativeExplanation::Verdict::kApplicable;
      alt.cost = cost;
      if (e.chosen < 0 || cost < best_cost) {
        e.chosen = static_cast<int>(ci);
        best_cost = cost;
        e.children = children;
      }
    }
    path_.pop_back();
    on_path_[g] = false;

    if (e.chosen >= 0) {
      e.state = GoalState::kBrokenDown;
      e.cost = best_cost;
      e.alts[e.chosen].verdict = AlternativeExplanation::Verdict::kChosen;
    } else {
      e.state = GoalState::kOpen;
      e.cost = {1, 0};
    }
    const int id = static_cast<int>(entries_.size());
    entries_.push_back(std::move(e));
    if (key.empty()) {
      memo_[g] = id;
    } else {
      cyclic_memo_.emplace(std::move(key), id);
    }
    return id;
  }

  const CompiledBook& book_;
  const Outcome& outcome_;
  const DecomposeOptions& options_;
  absl::flat_hash_set<std::string> facts_;

  std::vector<GoalNode> goals_;
  absl::flat_hash_map<std::string, int> index_;

  std::vector<Entry> entries_;
  std::vector<int> memo_;  // Acyclic goals (and facts): goal -> entry.
  // Cyclic goals: {goal, sorted path goals of its component} -> entry.
  absl::flat_hash_map<std::vector<int>, int> cyclic_memo_;
  std::vector<int> path_;
  std::vector<bool> on_path_;
  absl::Status error_;

  SearchStats stats_;
  int64_t goal_bytes_ = 0;
  uint32_t stop_polls_ = 0;
};

}  // namespace

absl::Status TextLimitError(int max_text_length, absl::string_view text,
                            absl::string_view at) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "max_text_length ", max_text_length, " exceeded by a text of ",
      text.size(), " characters at goal \"", ShortText(at), "\""));
}

absl::StatusOr<SearchGraph> SearchGoals(const CompiledBook& book,
                                        const Outcome& outcome,
                                        const DecomposeOptions& options) {
  return Search(book, outcome, options).Run();
}

}  // namespace backplan::decompose::internal
