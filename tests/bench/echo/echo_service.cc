#include "tests/bench/echo/echo_service.h"

#include "absl/strings/str_cat.h"
#include "tools/backplan-load/plan_gen.h"

namespace backplan::echo {
namespace {

void SetDate(int y, int m, int d, v1::Date* date) {
  date->set_year(y);
  date->set_month(m);
  date->set_day(d);
}

void FillEntry(const std::string& id, const std::string& title,
               v1::NodeKind kind, int duration, const std::string& successor,
               v1::ScheduledTask* task) {
  task->set_id(id);
  task->set_title(title);
  task->set_kind(kind);
  task->set_duration_days(duration);
  SetDate(2027, 3, 1, task->mutable_earliest_start());
  SetDate(2027, 3, 12, task->mutable_earliest_finish());
  SetDate(2028, 5, 1, task->mutable_latest_start());
  SetDate(2028, 5, 12, task->mutable_deadline());
  task->set_slack_days(300);
  v1::DeadlineReason* reason = task->mutable_deadline_reason();
  if (successor.empty()) {
    reason->set_kind(v1::DeadlineReason::TARGET);
  } else {
    reason->set_kind(v1::DeadlineReason::SUCCESSOR);
    reason->set_successor_id(successor);
  }
}

int CountOf(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace

void EchoSchedule(const v1::Plan& plan, v1::ScheduleResponse* response) {
  v1::Timeline* timeline = response->mutable_timeline();
  timeline->set_plan_id(plan.id());
  timeline->set_plan_version(plan.version());
  timeline->set_mode(v1::BACKWARD);
  SetDate(2027, 1, 4, timeline->mutable_start_date());
  SetDate(2029, 1, 31, timeline->mutable_target_date());
  SetDate(2029, 1, 31, timeline->mutable_final_milestone());
  timeline->set_feasible(true);
  SetDate(2027, 9, 30, timeline->mutable_earliest_finish());
  const std::string outcome =
      plan.outcome_goal_id().empty() ? "outcome" : plan.outcome_goal_id();
  for (int i = 0; i < plan.tasks_size(); i += 5) {
    timeline->add_critical_path(plan.tasks(i).id());
  }
  for (const v1::Task& task : plan.tasks()) {
    FillEntry(task.id(), task.title(), v1::TASK, task.duration_days(), outcome,
              timeline->add_tasks());
  }
  for (const v1::Goal& goal : plan.goals()) {
    FillEntry(goal.id(), goal.title(), v1::GOAL, 0, outcome,
              timeline->add_tasks());
  }
  if (plan.outcome_goal_id().empty()) {
    FillEntry("outcome", plan.outcome().title(), v1::OUTCOME, 0, "",
              timeline->add_tasks());
  }
}

void EchoPrioritize(const v1::Plan& plan, v1::PrioritizeResponse* response) {
  v1::Priorities* priorities = response->mutable_priorities();
  priorities->set_plan_id(plan.id());
  priorities->set_plan_version(plan.version());
  priorities->set_method(v1::WEIGHTED);
  int rank = 0;
  for (const v1::Task& task : plan.tasks()) {
    v1::TaskPriority* priority = priorities->add_tasks();
    priority->set_task_id(task.id());
    priority->set_rank(++rank);
    priority->set_score(0.5);
    priority->set_effective_score(0.75);
    priority->set_inherited_from(task.id());
    for (const char* criterion : {"importance", "difficulty"}) {
      v1::Contribution* c = priority->add_contributions();
      c->set_criterion(criterion);
      c->set_value(5);
      c->set_weight(0.5);
      c->set_contribution(0.25);
    }
    priorities->add_execution_order(task.id());
  }
  for (const char* criterion : {"importance", "difficulty"}) {
    v1::CriterionWeight* w = priorities->add_weights();
    w->set_criterion(criterion);
    w->set_weight(0.5);
  }
}

EchoScheduling::EchoScheduling(int stored_tasks) {
  v1::Plan plan = load::GeneratePlan({.tasks = stored_tasks});
  plan.set_id("echo-plan");
  plan.set_version(1);
  EchoSchedule(plan, &stored_);
  // The stored pipeline lists ranks.
  int rank = 0;
  for (v1::ScheduledTask& task : *stored_.mutable_timeline()->mutable_tasks()) {
    task.set_rank(++rank);
  }
}

grpc::Status EchoScheduling::Schedule(grpc::ServerContext* context,
                                      const v1::ScheduleRequest* request,
                                      v1::ScheduleResponse* response) {
  if (request->has_plan()) {
    EchoSchedule(request->plan(), response);
  } else {
    *response = stored_;
  }
  return grpc::Status::OK;
}

EchoPrioritization::EchoPrioritization(int stored_tasks) {
  v1::Plan plan = load::GeneratePlan({.tasks = stored_tasks});
  plan.set_id("echo-plan");
  plan.set_version(1);
  EchoPrioritize(plan, &stored_);
}

grpc::Status EchoPrioritization::Prioritize(
    grpc::ServerContext* context, const v1::PrioritizeRequest* request,
    v1::PrioritizeResponse* response) {
  if (request->has_plan()) {
    EchoPrioritize(request->plan(), response);
  } else {
    *response = stored_;
  }
  return grpc::Status::OK;
}

EchoDecomposition::EchoDecomposition(int stored_tasks) {
  stored_ = load::GeneratePlan({.tasks = stored_tasks});
  stored_.set_id("echo-plan");
  stored_.set_tenant("default");
  stored_.set_version(1);
}

grpc::Status EchoDecomposition::CreatePlan(grpc::ServerContext* context,
                                           const v1::CreatePlanRequest* request,
                                           v1::CreatePlanResponse* response) {
  response->set_plan_id("echo-plan");
  response->set_version(1);
  return grpc::Status::OK;
}

grpc::Status EchoDecomposition::GetPlan(grpc::ServerContext* context,
                                        const v1::GetPlanRequest* request,
                                        v1::Plan* response) {
  *response = stored_;
  return grpc::Status::OK;
}

grpc::Status EchoDecomposition::Decompose(grpc::ServerContext* context,
                                          const v1::DecomposeRequest* request,
                                          v1::DecomposeResponse* response) {
  int tasks = 0;
  int goals = 0;
  if (request->has_book()) {
    goals = request->book().recipes_size();
    for (const v1::Recipe& recipe : request->book().recipes()) {
      tasks += recipe.tasks_size();
    }
  } else {
    // Counting keys is enough for a same-sized answer; no YAML parsing.
    tasks = CountOf(request->book_yaml(), "title:");
    goals = CountOf(request->book_yaml(), "goal:");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = decomposed_.try_emplace({tasks, goals});
  if (inserted) {
    v1::DecomposeResponse& cached = it->second;
    *cached.mutable_plan() = load::GeneratePlan(
        {.tasks = std::max(1, tasks), .goals = std::max(1, goals)});
    for (const v1::Goal& goal : cached.plan().goals()) {
      v1::GoalExplanation* explanation = cached.add_explanations();
      explanation->set_goal_id(goal.id());
      explanation->set_goal(goal.title());
      explanation->set_chosen_recipe(absl::StrCat("recipe-", goal.id()));
      explanation->set_effort_days(12);
      v1::GoalExplanation::Alternative* alternative =
          explanation->add_alternatives();
      alternative->set_recipe(explanation->chosen_recipe());
      alternative->set_applicable(true);
      alternative->set_effort_days(12);
    }
  }
  *response = it->second;
  return grpc::Status::OK;
}

}  // namespace backplan::echo
