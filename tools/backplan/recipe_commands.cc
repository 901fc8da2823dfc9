#include "tools/backplan/recipe_commands.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "tools/backplan/goal_tree.h"
#include "tools/backplan/inputs.h"
#include "tools/backplan/plan_file.h"
#include "tools/backplan/table.h"

namespace backplan::cli {
namespace {

constexpr char kDecomposeUsage[] =
    "usage: backplan decompose --recipes FILE|--book NAME --target YYYY-MM-DD "
    "[--start YYYY-MM-DD] [--strategy cheapest|first_applicable] "
    "[--fact TEXT]... [--store] OUTCOME";
constexpr char kBooksUsage[] =
    "usage: backplan books put NAME FILE [--expected_version N] | get NAME | "
    "list | delete NAME";

std::string Days(double days) { return absl::StrFormat("%g", days); }

std::string Cost(int open_goals, double effort_days) {
  return absl::StrCat(open_goals,
                      open_goals == 1 ? " open goal, " : " open goals, ",
                      Days(effort_days), effort_days == 1 ? " day" : " days");
}

std::string StateName(v1::GoalState state) {
  switch (state) {
    case v1::OPEN:
      return "OPEN";
    case v1::FACT:
      return "FACT";
    default:
      return "BROKEN_DOWN";
  }
}

// Sets `*date` from --target/--start text; false (after printing) when bad.
bool ParseDateFlag(Client& client, const char* flag, const std::string& text,
                   v1::Date* date) {
  const std::optional<absl::CivilDay> day = ParseIsoDay(text);
  if (!day.has_value()) {
    client.Usage(absl::StrCat("--", flag, " \"", text,
                              "\" is not a day written YYYY-MM-DD"));
    return false;
  }
  date->set_year(static_cast<int32_t>(day->year()));
  date->set_month(day->month());
  date->set_day(day->day());
  return true;
}

std::string AttributesText(const v1::TaskAttributes& a) {
  std::vector<std::string> parts;
  const std::pair<const char*, int32_t> ints[] = {
      {"importance", a.importance()},
      {"difficulty", a.difficulty()},
      {"business_value", a.business_value()},
      {"time_criticality", a.time_criticality()},
      {"risk_reduction", a.risk_reduction()}};
  for (const auto& [name, value] : ints) {
    if (value != 0) parts.push_back(absl::StrCat(name, " ", value));
  }
  if (a.has_rice_reach())
    parts.push_back(absl::StrCat("reach ", Days(a.rice_reach())));
  if (a.has_rice_impact())
    parts.push_back(absl::StrCat("impact ", Days(a.rice_impact())));
  if (a.has_rice_confidence()) {
    parts.push_back(absl::StrCat("confidence ", Days(a.rice_confidence())));
  }
  if (a.has_rice_effort())
    parts.push_back(absl::StrCat("effort ", Days(a.rice_effort())));
  return absl::StrJoin(parts, ", ");
}

int BooksPut(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 2) return client.Usage(kBooksUsage);
  absl::StatusOr<std::string> yaml = ReadTextFile(args[1]);
  if (!yaml.ok()) return client.Usage(yaml.status().message());
  v1::PutRecipeBookRequest request;
  request.set_name(args[0]);
  request.set_yaml(*std::move(yaml));
  request.set_expected_version(client.options().expected_version);
  request.set_idempotency_key(NewRequestId());
  v1::PutRecipeBookResponse response;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "PutRecipeBook",
                   [&](grpc::ClientContext* context) {
                     return stub->PutRecipeBook(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response,
                       absl::StrCat("book ", response.name(), " version ",
                                    response.version(), "\n"));
}

int BooksGet(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) return client.Usage(kBooksUsage);
  v1::GetRecipeBookRequest request;
  request.set_name(args[0]);
  v1::RecipeBook book;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "GetRecipeBook",
                   [&](grpc::ClientContext* context) {
                     return stub->GetRecipeBook(context, request, &book);
                   })) {
    return kExitServerError;
  }
  if (book.name().empty()) book.set_name(args[0]);
  return client.Output(book, FormatRecipeBook(book));
}

int BooksList(Client& client, const std::vector<std::string>& args) {
  if (!args.empty()) return client.Usage(kBooksUsage);
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  v1::ListRecipeBooksResponse all;
  std::string token;
  std::set<std::string> tokens_seen;
  do {
    v1::ListRecipeBooksRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListRecipeBooksResponse page;
    if (!client.Call(client.decomposition(), "ListRecipeBooks",
                     [&](grpc::ClientContext* context) {
                       return stub->ListRecipeBooks(context, request, &page);
                     })) {
      return kExitServerError;
    }
    for (auto& name : *page.mutable_names()) all.add_names(std::move(name));
    token = page.next_page_token();
  } while (!token.empty() && tokens_seen.insert(token).second);
  std::string text;
  for (const auto& name : all.names()) absl::StrAppend(&text, name, "\n");
  absl::StrAppend(&text,
                  all.names_size() == 0
                      ? std::string("no books")
                      : absl::StrCat(all.names_size(), " book(s)"),
                  "\n");
  return client.Output(all, text);
}

int BooksDelete(Client& client, const std::vector<std::string>& args) {
  if (args.size() != 1) return client.Usage(kBooksUsage);
  v1::DeleteRecipeBookRequest request;
  request.set_name(args[0]);
  v1::DeleteRecipeBookResponse response;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "DeleteRecipeBook",
                   [&](grpc::ClientContext* context) {
                     return stub->DeleteRecipeBook(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response, absl::StrCat("deleted book ", args[0], "\n"));
}

}  // namespace

int RunDecompose(Client& client, const std::vector<std::string>& args) {
  const Options& options = client.options();
  if (args.empty()) return client.Usage(kDecomposeUsage);
  if (options.recipes.empty() == options.book.empty()) {
    return client.Usage(
        "decompose: give exactly one of --recipes FILE or --book NAME");
  }
  if (options.target.empty()) {
    return client.Usage("decompose: --target YYYY-MM-DD is required");
  }
  v1::DecomposeRequest request;
  v1::Outcome* outcome = request.mutable_outcome();
  outcome->set_title(absl::StrJoin(args, " "));
  if (!ParseDateFlag(client, "target", options.target,
                     outcome->mutable_target_date())) {
    return kExitUsage;
  }
  if (!options.start.empty() && !ParseDateFlag(client, "start", options.start,
                                               outcome->mutable_start_date())) {
    return kExitUsage;
  }
  for (const std::string& fact : options.facts) outcome->add_facts(fact);
  const std::string strategy = absl::AsciiStrToLower(options.strategy);
  if (strategy.empty() || strategy == "cheapest") {
    request.set_strategy(strategy.empty() ? v1::SEARCH_STRATEGY_UNSPECIFIED
                                          : v1::CHEAPEST);
  } else if (strategy == "first_applicable") {
    request.set_strategy(v1::FIRST_APPLICABLE);
  } else {
    return client.Usage(
        absl::StrCat("--strategy must be cheapest or first_applicable, not \"",
                     options.strategy, "\""));
  }
  if (!options.recipes.empty()) {
    absl::StatusOr<std::string> yaml = ReadTextFile(options.recipes);
    if (!yaml.ok()) return client.Usage(yaml.status().message());
    request.set_book_yaml(*std::move(yaml));
  } else {
    request.set_book_name(options.book);
  }
  if (options.store) {
    request.set_store(true);
    request.set_idempotency_key(NewRequestId());
  }
  v1::DecomposeResponse response;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "Decompose",
                   [&](grpc::ClientContext* context) {
                     return stub->Decompose(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response, FormatDecomposition(response));
}

int RunBooks(Client& client, const std::vector<std::string>& args) {
  if (args.empty()) return client.Usage(kBooksUsage);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "put") return BooksPut(client, rest);
  if (args[0] == "get") return BooksGet(client, rest);
  if (args[0] == "list") return BooksList(client, rest);
  if (args[0] == "delete") return BooksDelete(client, rest);
  return client.Usage(kBooksUsage);
}

std::string FormatDecomposition(const v1::DecomposeResponse& response) {
  const v1::Plan& plan = response.plan();
  std::string out = absl::StrCat("outcome: ", plan.outcome().title(), "\n");
  absl::StrAppend(&out, "  target ", FormatDate(plan.outcome().target_date()),
                  ", start ",
                  plan.outcome().has_start_date()
                      ? FormatDate(plan.outcome().start_date())
                      : std::string("not set (the day it is scheduled)"),
                  "\n");
  for (const auto& fact : plan.outcome().facts()) {
    absl::StrAppend(&out, "  fact: ", fact, "\n");
  }
  if (!response.plan_id().empty()) {
    absl::StrAppend(&out, "stored as plan ", response.plan_id(), " version ",
                    response.version(), "\n");
  }

  std::map<std::string, const v1::Goal*> goals;
  for (const auto& goal : plan.goals()) goals[goal.id()] = &goal;
  int64_t total_days = 0;
  for (const auto& task : plan.tasks()) total_days += task.duration_days();
  absl::StrAppend(&out, "\ngoals (", plan.goals_size(), ") and tasks (",
                  plan.tasks_size(), ", ", total_days,
                  " working days of work):\n");
  for (const GoalTreeRow& row : GoalTree(plan)) {
    const std::string indent(static_cast<size_t>(row.depth) * 2, ' ');
    switch (row.kind) {
      case GoalTreeRow::Kind::kGoal: {
        std::string state = StateName(row.goal->state());
        if (!row.goal->recipe().empty()) {
          absl::StrAppend(&state, ", recipe ", row.goal->recipe());
        }
        absl::StrAppend(&out, indent, "goal ", row.goal->title(), "  [", state,
                        "]  ", row.id, "\n");
        break;
      }
      case GoalTreeRow::Kind::kSharedGoal:
        absl::StrAppend(&out, indent, "goal ", row.goal->title(),
                        "  (shared, shown above)\n");
        break;
      case GoalTreeRow::Kind::kMissingGoal:
        absl::StrAppend(&out, indent, "goal ", row.id, " (missing)\n");
        break;
      case GoalTreeRow::Kind::kTask:
        absl::StrAppend(&out, indent, "task ", row.task->title(), "  (",
                        FormatDays(row.task->duration_days()), ")  ", row.id,
                        "\n");
        break;
      case GoalTreeRow::Kind::kMissingTask:
        absl::StrAppend(&out, indent, "task ", row.id, " (missing)\n");
        break;
      case GoalTreeRow::Kind::kLooseTask:  // The open goals say what is left.
        break;
    }
  }

  absl::StrAppend(&out, "\nopen goals (", response.open_goal_ids_size(), ")",
                  response.open_goal_ids().empty() ? ": none" : ":", "\n");
  for (const auto& id : response.open_goal_ids()) {
    auto it = goals.find(id);
    absl::StrAppend(&out, "  ", it == goals.end() ? id : it->second->title(),
                    "  ", id, "\n");
  }

  if (!response.explanations().empty()) {
    absl::StrAppend(&out, "\nexplanation:\n");
  }
  for (const auto& x : response.explanations()) {
    absl::StrAppend(&out, "  \"", x.goal(), "\": ");
    auto it = goals.find(x.goal_id());
    const v1::GoalState state =
        it == goals.end() ? v1::GOAL_STATE_UNSPECIFIED : it->second->state();
    if (!x.chosen_recipe().empty()) {
      absl::StrAppend(&out, "chose ", x.chosen_recipe(), " (",
                      Cost(x.open_goals(), x.effort_days()), ")\n");
    } else if (state == v1::FACT) {
      absl::StrAppend(&out, "a fact, no work\n");
    } else {
      absl::StrAppend(&out, "open, no recipe applies\n");
    }
    for (const auto& alt : x.alternatives()) {
      if (alt.applicable()) {
        absl::StrAppend(&out, "    ", alt.recipe(), ": ",
                        Cost(alt.open_goals(), alt.effort_days()), " (",
                        alt.reason(), ")\n");
      } else {
        absl::StrAppend(&out, "    ", alt.recipe(), ": not applicable (",
                        alt.reason(), ")\n");
      }
    }
  }
  return out;
}

std::string FormatRecipeBook(const v1::RecipeBook& book) {
  std::string out =
      absl::StrCat("book ", book.name(), "  version ", book.version(), "  (",
                   book.recipes_size(), " recipes)\n");
  for (const auto& recipe : book.recipes()) {
    absl::StrAppend(&out, "\nrecipe ", recipe.name(),
                    "\n  goal: ", recipe.goal(), "\n");
    if (!recipe.when().empty()) {
      absl::StrAppend(&out, "  when: ", absl::StrJoin(recipe.when(), "; "),
                      "\n");
    }
    if (!recipe.sub_goals().empty()) {
      absl::StrAppend(&out, "  sub-goals:\n");
      for (const auto& sub : recipe.sub_goals()) {
        absl::StrAppend(&out, "    - ", sub, "\n");
      }
    }
    if (!recipe.tasks().empty()) absl::StrAppend(&out, "  tasks:\n");
    for (const auto& task : recipe.tasks()) {
      std::string days = FormatDays(task.duration_days());
      if (task.has_optimistic_days()) {
        absl::StrAppend(&days, ", optimistic ", task.optimistic_days());
      }
      if (task.has_pessimistic_days()) {
        absl::StrAppend(&days, ", pessimistic ", task.pessimistic_days());
      }
      absl::StrAppend(&out, "    - ", task.title(), " (", days, ")");
      if (!task.after().empty()) {
        absl::StrAppend(&out, " after ", absl::StrJoin(task.after(), ", "));
      }
      const std::string attributes = AttributesText(task.attributes());
      if (!attributes.empty()) absl::StrAppend(&out, "; ", attributes);
      absl::StrAppend(&out, "\n");
    }
    if (recipe.extra_cost_days() != 0) {
      absl::StrAppend(&out, "  extra cost: ", Days(recipe.extra_cost_days()),
                      " days\n");
    }
  }
  return out;
}

}  // namespace backplan::cli
