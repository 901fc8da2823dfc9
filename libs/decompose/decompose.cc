#include "libs/decompose/decompose.h"

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
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/short_text.h"
#include "libs/common/status_macros.h"
#include "libs/decompose/pattern.h"

namespace backplan::decompose {

struct CompiledTask {
  Template title;
  std::vector<int> after;  // Indices of tasks of the same recipe.
};

struct CompiledRecipe {
  Template pattern;
  std::vector<Template> when;
  std::vector<Template> sub_goals;
  std::vector<CompiledTask> tasks;
  int64_t local_effort = 0;  // Task durations plus extra cost.
};

struct CompiledRecipeBook::Impl {
  RecipeBook book;
  std::vector<CompiledRecipe> recipes;
  // Recipe indices, ascending, keyed by whole words every matching goal
  // must start with (by_prefix) or end with (by_suffix): the literal text
  // before the pattern's first variable, cut back to a word boundary, or the
  // literal after its last one; each recipe under the longer of the two, and
  // a pattern without variables under its whole text. The rest are tried on
  // every goal.
  absl::flat_hash_map<std::string, std::vector<int>> by_prefix;
  absl::flat_hash_map<std::string, std::vector<int>> by_suffix;
  size_t max_prefix = 0, max_suffix = 0;  // Longest key in each map.
  std::vector<int> unindexed;

  // Sets `out` to the recipes that may match `goal` (normalised), in
  // declared order.
  void Candidates(absl::string_view goal, std::vector<int>* out) const {
    out->assign(unindexed.begin(), unindexed.end());
    auto add = [&](const auto& map, absl::string_view key) {
      if (auto it = map.find(key); it != map.end()) {
        out->insert(out->end(), it->second.begin(), it->second.end());
      }
    };
    // Every word boundary of the goal, and its ends.
    for (size_t p = 0; p <= goal.size(); ++p) {
      if (p != goal.size() && goal[p] != ' ') continue;
      if (p <= max_prefix) add(by_prefix, goal.substr(0, p));
      const size_t from = p == goal.size() ? 0 : p + 1;
      if (goal.size() - from <= max_suffix && p != goal.size()) {
        add(by_suffix, goal.substr(from));
      }
    }
    // Each recipe is under one key, so sorting restores declared order.
    std::sort(out->begin(), out->end());
  }
};

CompiledRecipeBook::CompiledRecipeBook(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
CompiledRecipeBook::CompiledRecipeBook(CompiledRecipeBook&&) noexcept = default;
CompiledRecipeBook& CompiledRecipeBook::operator=(
    CompiledRecipeBook&&) noexcept = default;
CompiledRecipeBook::~CompiledRecipeBook() = default;

const RecipeBook& CompiledRecipeBook::book() const { return impl_->book; }

absl::StatusOr<CompiledRecipeBook> CompiledRecipeBook::Create(
    RecipeBook book, absl::string_view source) {
  RETURN_IF_ERROR(ValidateRecipeBook(book, source));
  auto impl = std::make_unique<Impl>();
  impl->book = std::move(book);
  // Validation has parsed every template already, so value() cannot fail.
  for (size_t i = 0; i < impl->book.recipes.size(); ++i) {
    const Recipe& r = impl->book.recipes[i];
    CompiledRecipe c;
    c.pattern = Template::Parse(r.goal).value();
    for (const std::string& w : r.when) {
      c.when.push_back(Template::Parse(w, /*lower_case=*/false).value());
    }
    for (const std::string& s : r.sub_goals) {
      c.sub_goals.push_back(Template::Parse(s, /*lower_case=*/false).value());
    }
    c.local_effort = r.extra_cost_days;
    absl::flat_hash_map<std::string, int> task_index;
    for (size_t t = 0; t < r.tasks.size(); ++t) {
      task_index[NormalizeText(r.tasks[t].title)] = static_cast<int>(t);
      c.local_effort += r.tasks[t].duration_days;
    }
    for (const RecipeTask& t : r.tasks) {
      CompiledTask ct;
      ct.title = Template::Parse(t.title, /*lower_case=*/false).value();
      for (const std::string& a : t.after) {
        ct.after.push_back(task_index.at(NormalizeText(a)));
      }
      c.tasks.push_back(std::move(ct));
    }

    const auto& segs = c.pattern.segments();
    const int index = static_cast<int>(i);
    std::string prefix, suffix;
    if (segs.size() == 1 && !segs[0].is_variable) {
      prefix = segs[0].text;
    } else {
      if (!segs.front().is_variable) {
        const std::string& lit = segs.front().text;
        size_t space = lit.rfind(' ');
        if (space != std::string::npos) prefix = lit.substr(0, space);
      }
      if (!segs.back().is_variable) {
        const std::string& lit = segs.back().text;
        size_t space = lit.find(' ');
        if (space != std::string::npos) suffix = lit.substr(space + 1);
      }
    }
    bool indexed = true;
    if (!prefix.empty() && prefix.size() >= suffix.size()) {
      impl->max_prefix = std::max(impl->max_prefix, prefix.size());
      impl->by_prefix[prefix].push_back(index);
    } else if (!suffix.empty()) {
      impl->max_suffix = std::max(impl->max_suffix, suffix.size());
      impl->by_suffix[suffix].push_back(index);
    } else {
      indexed = false;
    }
    if (!indexed) impl->unindexed.push_back(index);
    impl->recipes.push_back(std::move(c));
  }
  return CompiledRecipeBook(std::move(impl));
}

std::string CostToString(const Cost& cost) {
  return absl::StrCat("open_goals=", cost.open_goals,
                      " effort_days=", cost.effort_days);
}

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

std::string Slug(absl::string_view text) {
  constexpr size_t kMaxSlug = 96;
  std::string slug;
  bool dash = false;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      if (dash && !slug.empty()) slug.push_back('-');
      dash = false;
      if (slug.size() >= kMaxSlug) break;
      slug.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      dash = true;
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "untitled";
  return slug;
}

// A candidate alternative of an expanded goal: a recipe whose pattern
// matched. Path-independent, so computed once per goal.
struct Candidate {
  int recipe = 0;
  bool condition_ok = true;
  std::string failed_condition;  // When !condition_ok.
  std::vector<int> subs;         // Distinct sub-goal indices, recipe order.
};

struct GoalNode {
  std::string key;      // Normalised text.
  std::string display;  // White space collapsed, letter case kept.
  bool is_fact = false;
  bool expanded = false;
  int depth = 0;  // Shortest distance from the root (BFS).
  std::vector<Candidate> candidates;
  int scc = -1;
  bool cyclic = false;  // In a strongly connected component of size > 1.
};

struct Alt {
  AlternativeExplanation::Verdict verdict =
      AlternativeExplanation::Verdict::kNotEvaluated;
  Cost cost;
  int cycle_goal = -1;
};

// The result of evaluating one goal in one (relevant) path context.
struct Entry {
  int goal = 0;
  GoalState state = GoalState::kOpen;
  Cost cost;
  int chosen = -1;            // Candidate index.
  std::vector<int> children;  // Entries of the chosen candidate's subs.
  std::vector<Alt> alts;      // One per candidate.
};

class Search {
 public:
  Search(const CompiledRecipeBook::Impl& book, const Outcome& outcome,
         const DecomposeOptions& options)
      : book_(book), outcome_(outcome), options_(options) {
    for (const std::string& f : outcome.facts) facts_.insert(NormalizeText(f));
  }

  absl::StatusOr<DecomposeResult> Run() {
    RETURN_IF_ERROR(Expand());
    ComputeSccs();
    memo_.assign(goals_.size(), -1);
    on_path_.assign(goals_.size(), false);
    int root = Solve(0, 0);
    if (root < 0) return error_;
    DecomposeResult result;
    result.cost = entries_[root].cost;
    result.plan.outcome = outcome_;
    emitted_.assign(goals_.size(), -1);
    Reserve(root, &result.plan);
    RETURN_IF_ERROR(Emit(root, &result));
    result.plan.outcome_goal_id = result.plan.goals[0].id;
    for (const Goal& g : result.plan.goals) {
      if (g.state == GoalState::kOpen) result.open_goal_ids.push_back(g.id);
    }
    result.stats = stats_;
    return result;
  }

 private:
  absl::Status TextLimit(absl::string_view text, absl::string_view at) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_text_length ", options_.max_text_length, " exceeded by a text of ",
        text.size(), " characters at goal \"", ShortText(at), "\""));
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

  // Sizes the plan's vectors before emission: growing vectors of ~100,000
  // tasks by doubling costs more page faults than the emission itself.
  void Reserve(int root, Plan* plan) {
    std::vector<bool> seen(goals_.size(), false);
    std::vector<int> stack = {root};
    size_t goals = 0, tasks = 0, deps = 0;
    while (!stack.empty()) {
      const Entry& e = entries_[stack.back()];
      stack.pop_back();
      if (seen[e.goal]) continue;
      seen[e.goal] = true;
      ++goals;
      if (e.chosen >= 0) {
        const CompiledRecipe& recipe =
            book_.recipes[goals_[e.goal].candidates[e.chosen].recipe];
        tasks += recipe.tasks.size();
        for (const CompiledTask& t : recipe.tasks) deps += t.after.size();
      }
      stack.insert(stack.end(), e.children.begin(), e.children.end());
    }
    plan->goals.reserve(goals);
    plan->tasks.reserve(tasks);
    plan->dependencies.reserve(deps);
    used_ids_.reserve(goals + tasks);
  }

  std::string MakeId(absl::string_view prefix, absl::string_view text) {
    std::string base = absl::StrCat(prefix, Slug(text));
    if (used_ids_.insert(base).second) return base;
    int& n = next_suffix_[base];
    if (n < 2) n = 2;
    while (true) {
      std::string id = absl::StrCat(base, "-", n++);
      if (used_ids_.insert(id).second) return id;
    }
  }

  // Depth first along the chosen entries. A goal is emitted once, by the
  // first entry that reaches it; the entry's context is the emission path, so
  // its sub-goals are never on that path and the plan stays acyclic.
  absl::Status Emit(int entry_index, DecomposeResult* result) {
    const Entry& e = entries_[entry_index];
    const GoalNode& node = goals_[e.goal];
    if (emitted_[e.goal] >= 0) return absl::OkStatus();
    const int goal_pos = static_cast<int>(result->plan.goals.size());
    emitted_[e.goal] = goal_pos;
    {
      Goal goal;
      goal.id = MakeId("goal/", node.key);
      goal.title = node.display;
      goal.state = e.state;
      result->plan.goals.push_back(std::move(goal));
      result->explanations.emplace_back();
    }
    std::vector<std::string> sub_ids;
    for (int child : e.children) {
      RETURN_IF_ERROR(Emit(child, result));
      sub_ids.push_back(result->plan.goals[emitted_[entries_[child].goal]].id);
    }
    std::vector<std::string> task_ids;
    std::string recipe_name;
    if (e.chosen >= 0) {
      const Candidate& c = node.candidates[e.chosen];
      const CompiledRecipe& recipe = book_.recipes[c.recipe];
      const Recipe& source = book_.book.recipes[c.recipe];
      recipe_name = source.name;
      Bindings bindings = recipe.pattern.Match(node.key, node.display).value();
      for (size_t t = 0; t < recipe.tasks.size(); ++t) {
        const RecipeTask& rt = source.tasks[t];
        Task task;
        task.title =
            CollapseWhitespace(recipe.tasks[t].title.Substitute(bindings));
        if (static_cast<int>(task.title.size()) > options_.max_text_length) {
          return TextLimit(task.title, node.display);
        }
        task.id = MakeId("task/", task.title);
        task.duration_days = rt.duration_days;
        task.optimistic_days = rt.optimistic_days;
        task.pessimistic_days = rt.pessimistic_days;
        task.attributes = rt.attributes;
        task_ids.push_back(task.id);
        result->plan.tasks.push_back(std::move(task));
      }
      for (size_t t = 0; t < recipe.tasks.size(); ++t) {
        for (int a : recipe.tasks[t].after) {
          result->plan.dependencies.push_back({task_ids[a], task_ids[t], 0});
        }
      }
    }

    GoalExplanation& x = result->explanations[goal_pos];
    Goal& goal = result->plan.goals[goal_pos];
    goal.sub_goal_ids = std::move(sub_ids);
    goal.task_ids = std::move(task_ids);
    goal.recipe = recipe_name;
    x.goal_id = goal.id;
    x.goal = node.key;
    x.state = e.state;
    x.chosen_recipe = recipe_name;
    x.cost = e.cost;
    for (size_t ci = 0; ci < e.alts.size(); ++ci) {
      const Candidate& c = node.candidates[ci];
      const Alt& alt = e.alts[ci];
      AlternativeExplanation a;
      a.recipe = book_.book.recipes[c.recipe].name;
      a.verdict = alt.verdict;
      a.cost = alt.cost;
      if (alt.verdict == AlternativeExplanation::Verdict::kConditionFalse) {
        a.detail = c.failed_condition;
      } else if (alt.verdict == AlternativeExplanation::Verdict::kCycle) {
        a.detail = goals_[alt.cycle_goal].display;
      }
      x.alternatives.push_back(std::move(a));
    }
    return absl::OkStatus();
  }

  const CompiledRecipeBook::Impl& book_;
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

  std::vector<int> emitted_;  // Goal -> index in plan.goals, or -1.
  absl::flat_hash_set<std::string> used_ids_;
  absl::flat_hash_map<std::string, int> next_suffix_;
  SearchStats stats_;
  int64_t goal_bytes_ = 0;
  uint32_t stop_polls_ = 0;
};

}  // namespace

absl::StatusOr<DecomposeResult> Decompose(const CompiledRecipeBook& book,
                                          const Outcome& outcome,
                                          const DecomposeOptions& options) {
  if (NormalizeText(outcome.title).empty()) {
    return absl::InvalidArgumentError("outcome.title is empty");
  }
  if (options.max_depth < 0 || options.max_depth > 1000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "options.max_depth ", options.max_depth, " is out of range 0..1000"));
  }
  if (options.max_nodes < 1) {
    return absl::InvalidArgumentError("options.max_nodes must be >= 1");
  }
  if (options.max_text_length < 1) {
    return absl::InvalidArgumentError("options.max_text_length must be >= 1");
  }
  if (options.max_matcher_steps < 1 || options.max_goal_bytes < 1) {
    return absl::InvalidArgumentError(
        "options.max_matcher_steps and options.max_goal_bytes must be >= 1");
  }
  if (static_cast<int64_t>(outcome.title.size()) > options.max_text_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("outcome.title is longer than max_text_length ",
                     options.max_text_length));
  }
  return Search(book.impl(), outcome, options).Run();
}

absl::StatusOr<DecomposeResult> Decompose(const RecipeBook& book,
                                          const Outcome& outcome,
                                          const DecomposeOptions& options) {
  ASSIGN_OR_RETURN(CompiledRecipeBook compiled,
                   CompiledRecipeBook::Create(book));
  return Decompose(compiled, outcome, options);
}

namespace {
const char* VerdictName(AlternativeExplanation::Verdict v) {
  switch (v) {
    case AlternativeExplanation::Verdict::kChosen:
      return "chosen";
    case AlternativeExplanation::Verdict::kApplicable:
      return "applicable";
    case AlternativeExplanation::Verdict::kConditionFalse:
      return "condition false";
    case AlternativeExplanation::Verdict::kCycle:
      return "cycle";
    case AlternativeExplanation::Verdict::kNotEvaluated:
      return "not evaluated";
  }
  return "?";
}
}  // namespace

std::string FormatExplanation(const DecomposeResult& result) {
  std::string out;
  for (const GoalExplanation& x : result.explanations) {
    absl::StrAppend(&out, x.goal_id, " \"", x.goal, "\": ");
    switch (x.state) {
      case GoalState::kFact:
        absl::StrAppend(&out, "fact\n");
        continue;
      case GoalState::kOpen:
        absl::StrAppend(&out, "open\n");
        break;
      case GoalState::kBrokenDown:
        absl::StrAppend(&out, "recipe \"", x.chosen_recipe, "\" ",
                        CostToString(x.cost), "\n");
        break;
    }
    for (const AlternativeExplanation& a : x.alternatives) {
      absl::StrAppend(&out, "  - \"", a.recipe, "\": ", VerdictName(a.verdict));
      switch (a.verdict) {
        case AlternativeExplanation::Verdict::kChosen:
        case AlternativeExplanation::Verdict::kApplicable:
          absl::StrAppend(&out, " ", CostToString(a.cost));
          break;
        case AlternativeExplanation::Verdict::kConditionFalse:
          absl::StrAppend(&out, ": \"", a.detail, "\" is not a fact");
          break;
        case AlternativeExplanation::Verdict::kCycle:
          absl::StrAppend(&out, ": \"", a.detail, "\" is on the path");
          break;
        case AlternativeExplanation::Verdict::kNotEvaluated:
          break;
      }
      absl::StrAppend(&out, "\n");
    }
  }
  return out;
}

}  // namespace backplan::decompose
