#include "libs/decompose/decompose.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/status_matchers.h"
#include "libs/core/plan_graph.h"
#include "libs/decompose/recipe_yaml.h"

namespace backplan::decompose {
namespace {

using ::backplan::testing::IsOk;
using ::backplan::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using Verdict = AlternativeExplanation::Verdict;

CompiledRecipeBook Compile(const std::string& yaml) {
  absl::StatusOr<RecipeBook> book = ParseRecipeBookYaml(yaml, "test");
  EXPECT_THAT(book, IsOk());
  absl::StatusOr<CompiledRecipeBook> compiled =
      CompiledRecipeBook::Create(*std::move(book));
  EXPECT_THAT(compiled, IsOk());
  return *std::move(compiled);
}

Outcome MakeOutcome(std::string title, std::vector<std::string> facts = {}) {
  Outcome o;
  o.title = std::move(title);
  o.target_date = absl::CivilDay(2027, 6, 30);
  o.facts = std::move(facts);
  return o;
}

const Goal* FindGoal(const Plan& plan, const std::string& id) {
  for (const Goal& g : plan.goals) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

const Task* FindTask(const Plan& plan, const std::string& id) {
  for (const Task& t : plan.tasks) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::vector<std::string> GoalIds(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Goal& g : plan.goals) ids.push_back(g.id);
  return ids;
}

std::vector<std::string> TaskIds(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Task& t : plan.tasks) ids.push_back(t.id);
  return ids;
}

const GoalExplanation& ExplanationOf(const DecomposeResult& r,
                                     const std::string& id) {
  for (const GoalExplanation& x : r.explanations) {
    if (x.goal_id == id) return x;
  }
  ADD_FAILURE() << "no explanation for " << id;
  static const GoalExplanation kNone;
  return kNone;
}

TEST(Decompose, BindsVariablesAndSubstitutesEverywhere) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: launch
    goal: launch {product} in {market}
    when: ["{product} is approved for {market}"]
    sub_goals: ["{product} is built", "{market} store sells {product}"]
    tasks:
      - {title: "write {product} press release for {market}", days: 3}
      - {title: "launch event", days: 1,
         after: ["write {product} press release for {market}"]}
)yaml");
  ASSERT_OK_AND_ASSIGN(
      DecomposeResult r,
      Decompose(book, MakeOutcome("Launch the  Reader in Germany",
                                  {"the reader is approved for germany"})));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  EXPECT_EQ(r.plan.outcome_goal_id, "goal/launch-the-reader-in-germany");
  EXPECT_THAT(GoalIds(r.plan),
              ElementsAre("goal/launch-the-reader-in-germany",
                          "goal/the-reader-is-built",
                          "goal/germany-store-sells-the-reader"));
  // Titles keep the caller's case for bound text and the recipe's for the
  // rest.
  EXPECT_EQ(r.plan.goals[0].title, "Launch the Reader in Germany");
  EXPECT_EQ(r.plan.goals[1].title, "the Reader is built");
  EXPECT_EQ(r.plan.goals[2].title, "Germany store sells the Reader");
  EXPECT_EQ(r.plan.goals[0].recipe, "launch");
  EXPECT_THAT(TaskIds(r.plan),
              ElementsAre("task/write-the-reader-press-release-for-germany",
                          "task/launch-event"));
  EXPECT_EQ(r.plan.tasks[0].title,
            "write the Reader press release for Germany");
  EXPECT_EQ(r.plan.tasks[0].duration_days, 3);
  ASSERT_EQ(r.plan.dependencies.size(), 1u);
  EXPECT_EQ(r.plan.dependencies[0].predecessor_id,
            "task/write-the-reader-press-release-for-germany");
  EXPECT_EQ(r.plan.dependencies[0].successor_id, "task/launch-event");
  EXPECT_THAT(r.plan.goals[0].sub_goal_ids,
              ElementsAre("goal/the-reader-is-built",
                          "goal/germany-store-sells-the-reader"));
  EXPECT_THAT(r.open_goal_ids,
              ElementsAre("goal/the-reader-is-built",
                          "goal/germany-store-sells-the-reader"));
  EXPECT_EQ(r.cost, (Cost{2, 4}));
}

TEST(Decompose, LeftmostVariableTakesTheShortestText) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: split
    goal: "{a} and {b}"
    sub_goals: ["{a}", "{b}"]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult r,
                       Decompose(book, MakeOutcome("x and y and z")));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  // "x and y and z" -> "x" + "y and z" -> "y" + "z".
  EXPECT_THAT(GoalIds(r.plan), ElementsAre("goal/x-and-y-and-z", "goal/x",
                                           "goal/y-and-z", "goal/y", "goal/z"));
  EXPECT_THAT(r.open_goal_ids, ElementsAre("goal/x", "goal/y", "goal/z"));
}

TEST(Decompose, TriesEveryMatchingRecipeInDeclaredOrder) {
  // Patterns of every shape the book's index distinguishes: whole text,
  // literal prefix, literal suffix, both, neither.
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - {name: var-only, goal: "{x}"}
  - {name: suffix, goal: "{x} is built"}
  - {name: exact, goal: "the reader is built"}
  - {name: prefix, goal: "the {x}"}
  - {name: long-prefix, goal: "the reader {x}"}
  - {name: both, goal: "the {x} is built"}
  - {name: glued, goal: "the r{x}t"}
  - {name: other, goal: "the writer {x}"}
  - {name: other-suffix, goal: "{x} is sold"}
  - {name: partial-word, goal: "{x}s built"}
)yaml");
  DecomposeOptions options;
  options.max_depth = 0;
  ASSERT_OK_AND_ASSIGN(
      DecomposeResult r,
      Decompose(book, MakeOutcome("The reader is built"), options));
  std::vector<std::string> names;
  for (const AlternativeExplanation& a : r.explanations[0].alternatives) {
    names.push_back(a.recipe);
  }
  EXPECT_THAT(names, ElementsAre("var-only", "suffix", "exact", "prefix",
                                 "long-prefix", "both", "glued",
                                 "partial-word"));  // x = "the reader i"
}

TEST(Decompose, ConditionsMustBeFacts) {
  const std::string yaml = R"yaml(
recipes:
  - name: in-house
    goal: "{p} is built"
    when: ["we have a {p} team"]
    tasks: [{title: build it ourselves, days: 10}]
  - name: partner
    goal: "{p} is built"
    tasks: [{title: pay a partner, days: 30}]
)yaml";
  CompiledRecipeBook book = Compile(yaml);
  ASSERT_OK_AND_ASSIGN(DecomposeResult without,
                       Decompose(book, MakeOutcome("reader is built")));
  EXPECT_EQ(without.plan.goals[0].recipe, "partner");
  const GoalExplanation& x = without.explanations[0];
  ASSERT_EQ(x.alternatives.size(), 2u);
  EXPECT_EQ(x.alternatives[0].recipe, "in-house");
  EXPECT_EQ(x.alternatives[0].verdict, Verdict::kConditionFalse);
  EXPECT_EQ(x.alternatives[0].detail, "we have a reader team");
  EXPECT_EQ(x.alternatives[1].verdict, Verdict::kChosen);
  EXPECT_EQ(x.alternatives[1].cost, (Cost{0, 30}));

  ASSERT_OK_AND_ASSIGN(DecomposeResult with,
                       Decompose(book, MakeOutcome("reader is built",
                                                   {"We have a READER team"})));
  EXPECT_EQ(with.plan.goals[0].recipe, "in-house");
  EXPECT_EQ(with.cost, (Cost{0, 10}));
  EXPECT_EQ(with.explanations[0].alternatives[1].verdict, Verdict::kApplicable);
}

TEST(Decompose, FactsNeedNoWork) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: a
    goal: a
    sub_goals: [b, c]
    tasks: [{title: t, days: 1}]
  - name: b
    goal: b
    tasks: [{title: never used, days: 5}]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult r,
                       Decompose(book, MakeOutcome("a", {"B", "c"})));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  EXPECT_EQ(FindGoal(r.plan, "goal/b")->state, GoalState::kFact);
  EXPECT_EQ(FindGoal(r.plan, "goal/c")->state, GoalState::kFact);
  EXPECT_THAT(FindGoal(r.plan, "goal/b")->task_ids, IsEmpty());
  EXPECT_THAT(TaskIds(r.plan), ElementsAre("task/t"));
  EXPECT_EQ(r.cost, (Cost{0, 1}));
  EXPECT_THAT(r.open_goal_ids, IsEmpty());

  ASSERT_OK_AND_ASSIGN(DecomposeResult fact_root,
                       Decompose(book, MakeOutcome("a", {"a"})));
  ASSERT_EQ(fact_root.plan.goals.size(), 1u);
  EXPECT_EQ(fact_root.plan.goals[0].state, GoalState::kFact);
  EXPECT_THAT(ValidatePlan(fact_root.plan), IsOk());
}

TEST(Decompose, AvoidsACycleByTakingAnotherAlternative) {
  // b's cheap recipe needs a, which is on the path a -> b: not applicable
  // there, so b takes the dearer recipe.
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: a-needs-b
    goal: a
    sub_goals: [b]
  - name: b-via-a
    goal: b
    sub_goals: [a]
    tasks: [{title: cheap, days: 1}]
  - name: b-direct
    goal: b
    tasks: [{title: dear, days: 9}]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult r, Decompose(book, MakeOutcome("a")));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  EXPECT_EQ(FindGoal(r.plan, "goal/b")->recipe, "b-direct");
  EXPECT_EQ(r.cost, (Cost{0, 9}));
  const GoalExplanation& x = ExplanationOf(r, "goal/b");
  ASSERT_EQ(x.alternatives.size(), 2u);
  EXPECT_EQ(x.alternatives[0].verdict, Verdict::kCycle);
  EXPECT_EQ(x.alternatives[0].detail, "a");
  EXPECT_EQ(x.alternatives[1].verdict, Verdict::kChosen);

  // From b, b-via-a is applicable (a is not on the path) but leaves a open,
  // since a's only recipe needs b: memoisation must not leak either
  // path-dependent verdict into the other search.
  ASSERT_OK_AND_ASSIGN(DecomposeResult from_b,
                       Decompose(book, MakeOutcome("b")));
  EXPECT_THAT(ValidatePlan(from_b.plan), IsOk());
  EXPECT_EQ(from_b.plan.goals[0].recipe, "b-direct");
  EXPECT_EQ(from_b.explanations[0].alternatives[0].verdict,
            Verdict::kApplicable);
  EXPECT_EQ(from_b.explanations[0].alternatives[0].cost, (Cost{1, 1}));
  // With a as a fact, b-via-a is complete and cheapest.
  ASSERT_OK_AND_ASSIGN(DecomposeResult fact_a,
                       Decompose(book, MakeOutcome("b", {"a"})));
  EXPECT_EQ(fact_a.cost, (Cost{0, 1}));
}

TEST(Decompose, CompleteBreakdownBeatsCheaperOpenWork) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: quick-but-vague
    goal: ship
    sub_goals: [somebody figures it out]
  - name: slow-and-known
    goal: ship
    tasks: [{title: do everything, days: 100}]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult r, Decompose(book, MakeOutcome("ship")));
  EXPECT_EQ(r.plan.goals[0].recipe, "slow-and-known");
  EXPECT_EQ(r.explanations[0].alternatives[0].cost, (Cost{1, 0}));
  EXPECT_THAT(r.open_goal_ids, IsEmpty());
}

TEST(Decompose, OpenGoalsStayInThePlan) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: root
    goal: root
    sub_goals: [nobody knows how]
    tasks: [{title: known work, days: 2}]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult r, Decompose(book, MakeOutcome("root")));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  EXPECT_THAT(r.open_goal_ids, ElementsAre("goal/nobody-knows-how"));
  const Goal* open = FindGoal(r.plan, "goal/nobody-knows-how");
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->state, GoalState::kOpen);
  EXPECT_EQ(open->recipe, "");
  EXPECT_EQ(r.cost, (Cost{1, 2}));
  EXPECT_THAT(ExplanationOf(r, "goal/nobody-knows-how").alternatives,
              IsEmpty());
}

TEST(Decompose, SharedSubGoalsAppearOnceButCountInEveryBranch) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: top
    goal: top
    sub_goals: [left, right]
  - name: left
    goal: left
    sub_goals: [shared]
    tasks: [{title: work, days: 1}]
  - name: right
    goal: right
    sub_goals: [shared]
    tasks: [{title: work, days: 1}]
  - name: shared
    goal: shared
    tasks: [{title: shared work, days: 5}]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult r, Decompose(book, MakeOutcome("top")));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  EXPECT_THAT(GoalIds(r.plan), ElementsAre("goal/top", "goal/left",
                                           "goal/shared", "goal/right"));
  // The same task text under two goals gets distinct ids.
  EXPECT_THAT(TaskIds(r.plan),
              ElementsAre("task/shared-work", "task/work", "task/work-2"));
  EXPECT_THAT(FindGoal(r.plan, "goal/right")->sub_goal_ids,
              ElementsAre("goal/shared"));
  EXPECT_EQ(r.cost, (Cost{0, 12}));  // Tree cost: shared work counted twice.
  EXPECT_EQ(r.stats.memo_hits, 1);
}

TEST(Decompose, IdsAreStableAndDisambiguated) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: top
    goal: top
    sub_goals: ["Ship it!", "ship-it", "ship it?"]
    tasks: [{title: "Ship it", days: 1}, {title: "SHIP  IT!!", days: 1}]
)yaml");
  ASSERT_OK_AND_ASSIGN(DecomposeResult a, Decompose(book, MakeOutcome("top")));
  ASSERT_OK_AND_ASSIGN(DecomposeResult b, Decompose(book, MakeOutcome("top")));
  EXPECT_THAT(ValidatePlan(a.plan), IsOk());
  EXPECT_THAT(GoalIds(a.plan), ElementsAre("goal/top", "goal/ship-it",
                                           "goal/ship-it-2", "goal/ship-it-3"));
  EXPECT_THAT(TaskIds(a.plan), ElementsAre("task/ship-it", "task/ship-it-2"));
  EXPECT_EQ(GoalIds(a.plan), GoalIds(b.plan));
  EXPECT_EQ(TaskIds(a.plan), TaskIds(b.plan));
  EXPECT_EQ(FormatExplanation(a), FormatExplanation(b));

  // Long texts give bounded ids.
  std::string long_title(500, 'x');
  ASSERT_OK_AND_ASSIGN(DecomposeResult l,
                       Decompose(book, MakeOutcome(long_title)));
  EXPECT_LE(l.plan.goals[0].id.size(), 128u);
  EXPECT_THAT(ValidatePlan(l.plan), IsOk());
}

TEST(Decompose, FirstApplicableAndCheapestDiffer) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: by-hand
    goal: "translate {doc}"
    tasks: [{title: "translate {doc} by hand", days: 20}]
  - name: with-agency
    goal: "translate {doc}"
    tasks: [{title: "send {doc} to an agency", days: 5}]
    extra_cost: 3
)yaml");
  Outcome outcome = MakeOutcome("translate the manual");
  ASSERT_OK_AND_ASSIGN(DecomposeResult cheapest, Decompose(book, outcome));
  EXPECT_EQ(cheapest.plan.goals[0].recipe, "with-agency");
  EXPECT_EQ(cheapest.cost, (Cost{0, 8}));  // Extra cost counts, is not work.
  EXPECT_EQ(cheapest.plan.tasks[0].duration_days, 5);
  EXPECT_EQ(cheapest.explanations[0].alternatives[0].verdict,
            Verdict::kApplicable);
  EXPECT_EQ(cheapest.explanations[0].alternatives[0].cost, (Cost{0, 20}));

  DecomposeOptions first;
  first.strategy = Strategy::kFirstApplicable;
  ASSERT_OK_AND_ASSIGN(DecomposeResult f, Decompose(book, outcome, first));
  EXPECT_EQ(f.plan.goals[0].recipe, "by-hand");
  EXPECT_EQ(f.cost, (Cost{0, 20}));
  EXPECT_EQ(f.explanations[0].alternatives[1].verdict, Verdict::kNotEvaluated);
}

TEST(Decompose, FirstApplicableSkipsCyclesAndFalseConditions) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: a
    goal: a
    sub_goals: [b]
  - name: b-cond
    goal: b
    when: [never]
  - name: b-cycle
    goal: b
    sub_goals: [a]
  - name: b-ok
    goal: b
    tasks: [{title: do b, days: 4}]
  - name: b-later
    goal: b
)yaml");
  DecomposeOptions first;
  first.strategy = Strategy::kFirstApplicable;
  ASSERT_OK_AND_ASSIGN(DecomposeResult r,
                       Decompose(book, MakeOutcome("a"), first));
  const GoalExplanation& x = ExplanationOf(r, "goal/b");
  ASSERT_EQ(x.alternatives.size(), 4u);
  EXPECT_EQ(x.alternatives[0].verdict, Verdict::kConditionFalse);
  EXPECT_EQ(x.alternatives[1].verdict, Verdict::kCycle);
  EXPECT_EQ(x.alternatives[2].verdict, Verdict::kChosen);
  EXPECT_EQ(x.alternatives[3].verdict, Verdict::kNotEvaluated);
  EXPECT_EQ(r.cost, (Cost{0, 4}));
}

TEST(Decompose, DepthLimitIsResourceExhausted) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: regress
    goal: "{x}"
    sub_goals: ["before {x}"]
)yaml");
  DecomposeOptions options;
  options.max_depth = 5;
  EXPECT_THAT(Decompose(book, MakeOutcome("x"), options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_depth 5 exceeded at goal \"before before "
                                 "before before before before x\"")));
  // Within the limit a fact stops the regress.
  ASSERT_OK_AND_ASSIGN(
      DecomposeResult r,
      Decompose(book, MakeOutcome("x", {"before before x"}), options));
  EXPECT_EQ(r.plan.goals.size(), 3u);
}

TEST(Decompose, NodeLimitIsResourceExhausted) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: fan-out
    goal: "{x}"
    sub_goals: ["{x} 1", "{x} 2"]
)yaml");
  DecomposeOptions options;
  options.max_depth = 30;
  options.max_nodes = 1000;
  EXPECT_THAT(Decompose(book, MakeOutcome("x"), options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_nodes 1000 exceeded at goal")));
}

TEST(Decompose, TextLimitIsResourceExhausted) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: double
    goal: "{x}"
    sub_goals: ["{x} {x}"]
)yaml");
  DecomposeOptions options;
  options.max_text_length = 100;
  EXPECT_THAT(Decompose(book, MakeOutcome("abc"), options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_text_length 100")));
}

TEST(Decompose, RejectsBadArguments) {
  CompiledRecipeBook book = Compile("recipes: []");
  EXPECT_THAT(
      Decompose(book, MakeOutcome("  ")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outcome.title")));
  DecomposeOptions options;
  options.max_depth = -1;
  EXPECT_THAT(
      Decompose(book, MakeOutcome("x"), options),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_depth")));
  RecipeBook bad;
  bad.recipes.push_back({.name = "", .goal = "x"});
  EXPECT_THAT(
      Decompose(bad, MakeOutcome("x")),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name is empty")));
}

TEST(Decompose, LaunchBook) {
  ASSERT_OK_AND_ASSIGN(
      RecipeBook book,
      LoadRecipeBookFile(BACKPLAN_DECOMPOSE_TESTDATA "/launch.yaml"));
  ASSERT_OK_AND_ASSIGN(CompiledRecipeBook compiled,
                       CompiledRecipeBook::Create(std::move(book)));
  Outcome outcome =
      MakeOutcome("Launch the Reader", {"the reader has a prototype"});
  ASSERT_OK_AND_ASSIGN(DecomposeResult r, Decompose(compiled, outcome));
  EXPECT_THAT(ValidatePlan(r.plan), IsOk());
  EXPECT_EQ(r.plan.outcome_goal_id, "goal/launch-the-reader");
  EXPECT_EQ(r.plan.outcome.target_date, absl::CivilDay(2027, 6, 30));
  // No hardware team: built with a partner.
  EXPECT_EQ(FindGoal(r.plan, "goal/the-reader-is-built")->recipe,
            "build-with-partner");
  EXPECT_EQ(FindGoal(r.plan, "goal/the-reader-has-a-prototype")->state,
            GoalState::kFact);
  // Over-the-air connectivity has no recipe: left for a person.
  EXPECT_THAT(r.open_goal_ids,
              ElementsAre("goal/the-reader-is-connected-over-the-air"));
  // The catalogue is needed by the store and by the one-minute promise, but
  // appears once.
  int catalogues = 0;
  for (const Goal& g : r.plan.goals) {
    catalogues += g.id == "goal/store-catalogue-has-books";
  }
  EXPECT_EQ(catalogues, 1);
  const Task* release =
      FindTask(r.plan, "task/write-launch-press-release-for-the-reader");
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(release->attributes.importance, 9);
  EXPECT_EQ(release->pessimistic_days, 5);
  EXPECT_EQ(r.cost.open_goals, 1);

  // With a hardware team the in-house recipe is cheaper.
  outcome.facts.push_back("we have a hardware team");
  ASSERT_OK_AND_ASSIGN(DecomposeResult team, Decompose(compiled, outcome));
  EXPECT_EQ(FindGoal(team.plan, "goal/the-reader-is-built")->recipe,
            "build-in-house");
  EXPECT_LT(team.cost, r.cost);
  EXPECT_THAT(ValidatePlan(team.plan), IsOk());
  EXPECT_THAT(FormatExplanation(team),
              HasSubstr("\"build-with-partner\": applicable"));
}

// Hostile input D2: every sub-goal is a longer text than its goal, so the
// distinct goals double at every level.
TEST(Decompose, GoalTextBudgetBoundsMemory) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: split
    goal: grow {x}
    sub_goals: ["grow {x} a", "grow {x} b"]
    tasks: [{title: "work on {x}", days: 1}]
)yaml");
  DecomposeOptions options;
  options.max_goal_bytes = 1 << 20;
  EXPECT_THAT(
      Decompose(book, {.title = "grow " + std::string(500, 'x')}, options),
      StatusIs(absl::StatusCode::kResourceExhausted,
               HasSubstr("max_goal_bytes 1048576 exceeded")));
}

TEST(Decompose, HostilePatternEndsWithTheMatcherLimit) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: slow
    goal: "{a} {b} {c} {d} {e} {f} {g}x{h}"
)yaml");
  std::string title = "w";
  for (int i = 1; i < 2000; ++i) title += " w";
  DecomposeOptions options;
  options.max_matcher_steps = 1000000;
  absl::StatusOr<DecomposeResult> result =
      Decompose(book, {.title = title}, options);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kResourceExhausted,
                               HasSubstr("max_matcher_steps 1000000")));
  // The quoted goal is shortened: the message stays small.
  EXPECT_LT(result.status().message().size(), 200u);
}

TEST(Decompose, StopsWhenAskedTo) {
  CompiledRecipeBook book = Compile(R"yaml(
recipes:
  - name: split
    goal: grow {x}
    sub_goals: ["grow {x} a", "grow {x} b"]
)yaml");
  int polls = 0;
  DecomposeOptions options;
  options.should_stop = [&polls] { return ++polls >= 3; };
  EXPECT_THAT(Decompose(book, {.title = "grow x"}, options),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("stopped")));
  EXPECT_EQ(polls, 3);
}

}  // namespace
}  // namespace backplan::decompose
