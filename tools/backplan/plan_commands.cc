#include "tools/backplan/plan_commands.h"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "backplan/v1/decomposition.grpc.pb.h"
#include "backplan/v1/scheduling.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tools/backplan/apply_command.h"
#include "tools/backplan/command_helpers.h"
#include "tools/backplan/format.h"
#include "tools/backplan/table.h"

namespace backplan::cli {

int RunPlan(Client& client, const std::vector<std::string>& args) {
  const Options& options = client.options();
  if (int code = client.ExpectArgs(args, 1, "plan FILE"); code != kExitOk) {
    return code;
  }
  v1::ScheduleMode mode;
  if (!ParseMode(client, &mode)) return kExitUsage;
  std::optional<v1::Plan> plan = LoadPlan(client, args[0]);
  if (!plan.has_value()) return kExitUsage;

  v1::CreatePlanRequest create;
  *create.mutable_plan() = *std::move(plan);
  create.set_idempotency_key(NewRequestId());
  v1::CreatePlanResponse created;
  auto decomposition =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "CreatePlan",
                   [&](grpc::ClientContext* context) {
                     return decomposition->CreatePlan(context, create,
                                                      &created);
                   })) {
    return kExitServerError;
  }

  v1::ScheduleRequest request;
  SetSearch(options, request.mutable_resources());
  request.set_plan_id(created.plan_id());
  request.set_mode(mode);
  request.set_idempotency_key(NewRequestId());
  v1::ScheduleResponse response;
  auto scheduling =
      v1::SchedulingService::NewStub(client.scheduling().Channel());
  if (!client.Call(client.scheduling(), "Schedule",
                   [&](grpc::ClientContext* context) {
                     return scheduling->Schedule(context, request, &response);
                   })) {
    client.err() << "backplan: the plan was stored as " << created.plan_id()
                 << " (version " << created.version() << ")\n";
    return kExitServerError;
  }
  return client.Output(response,
                       FormatTimeline(response, options.line_width()));
}

int RunGet(Client& client, const std::vector<std::string>& args) {
  if (int code = client.ExpectArgs(args, 1, "get PLAN_ID"); code != kExitOk) {
    return code;
  }
  v1::GetPlanRequest request;
  request.set_plan_id(args[0]);
  v1::Plan plan;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "GetPlan",
                   [&](grpc::ClientContext* context) {
                     return stub->GetPlan(context, request, &plan);
                   })) {
    return kExitServerError;
  }
  return client.Output(plan, FormatPlan(plan));
}

int RunList(Client& client, const std::vector<std::string>& args) {
  if (int code = client.ExpectArgs(args, 0, "list"); code != kExitOk)
    return code;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  v1::ListPlansResponse all;
  std::string token;
  std::set<std::string> tokens_seen;
  do {
    v1::ListPlansRequest request;
    request.set_page_size(1000);
    request.set_page_token(token);
    v1::ListPlansResponse page;
    if (!client.Call(client.decomposition(), "ListPlans",
                     [&](grpc::ClientContext* context) {
                       return stub->ListPlans(context, request, &page);
                     })) {
      return kExitServerError;
    }
    for (auto& summary : *page.mutable_plans()) {
      *all.add_plans() = std::move(summary);
    }
    token = page.next_page_token();
    // A server that hands back a token it gave before would loop forever.
    if (!token.empty() && !tokens_seen.insert(token).second) {
      client.err() << "backplan: ListPlans returned the page token \"" << token
                   << "\" twice; stopping\n";
      return kExitServerError;
    }
  } while (!token.empty());

  const std::string text = FormatPlanList(all);
  return client.Output(all, text);
}

int RunDelete(Client& client, const std::vector<std::string>& args) {
  if (int code = client.ExpectArgs(args, 1, "delete PLAN_ID");
      code != kExitOk) {
    return code;
  }
  v1::DeletePlanRequest request;
  request.set_plan_id(args[0]);
  v1::DeletePlanResponse response;
  auto stub =
      v1::DecompositionService::NewStub(client.decomposition().Channel());
  if (!client.Call(client.decomposition(), "DeletePlan",
                   [&](grpc::ClientContext* context) {
                     return stub->DeletePlan(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response, absl::StrCat("deleted plan ", args[0], "\n"));
}

int RunSchedule(Client& client, const std::vector<std::string>& args) {
  const Options& options = client.options();
  if (int code = client.ExpectArgs(
          args, 1, "schedule PLAN_ID|FILE [--mode backward|forward]");
      code != kExitOk) {
    return code;
  }
  v1::ScheduleRequest request;
  SetSearch(options, request.mutable_resources());
  v1::ScheduleMode mode;
  if (!ParseMode(client, &mode)) return kExitUsage;
  request.set_mode(mode);
  if (!SetSource(client, args[0], &request)) return kExitUsage;
  if (request.has_plan_id()) request.set_idempotency_key(NewRequestId());
  v1::ScheduleResponse response;
  auto stub = v1::SchedulingService::NewStub(client.scheduling().Channel());
  if (!client.Call(client.scheduling(), "Schedule",
                   [&](grpc::ClientContext* context) {
                     return stub->Schedule(context, request, &response);
                   })) {
    return kExitServerError;
  }
  return client.Output(response,
                       FormatTimeline(response, options.line_width()));
}

int RunExport(Client& client, const std::vector<std::string>& args) {
  const Options& options = client.options();
  if (int code = client.ExpectArgs(
          args, 1,
          "export PLAN_ID|FILE --format ics|mermaid|csv|html|svg "
          "[--ics_events vtodo|deadline|span] [--mode ...]");
      code != kExitOk) {
    return code;
  }
  v1::ExportRequest request;
  SetSearch(options, request.mutable_resources());
  const std::string format = absl::AsciiStrToLower(options.format);
  if (format == "ics" || format.empty()) {
    request.set_format(v1::ICS);
  } else if (format == "mermaid") {
    request.set_format(v1::MERMAID);
  } else if (format == "csv") {
    request.set_format(v1::CSV);
  } else if (format == "html") {
    request.set_format(v1::HTML);
  } else if (format == "svg") {
    request.set_format(v1::SVG);
  } else {
    return client.Usage(
        absl::StrCat("--format must be ics, mermaid, csv, html or svg, not \"",
                     options.format, "\""));
  }
  const std::string events = absl::AsciiStrToLower(options.ics_events);
  if (events == "deadline") {
    request.set_ics_events(v1::ExportRequest::DEADLINE);
  } else if (events == "span") {
    request.set_ics_events(v1::ExportRequest::SPAN);
  } else if (events == "vtodo") {
    request.set_ics_events(v1::ExportRequest::VTODO);
  } else if (!events.empty()) {
    return client.Usage(
        absl::StrCat("--ics_events must be vtodo, deadline or span, not \"",
                     options.ics_events, "\""));
  }
  v1::ScheduleMode mode;
  if (!ParseMode(client, &mode)) return kExitUsage;
  request.set_mode(mode);
  if (!SetSource(client, args[0], &request)) return kExitUsage;
  v1::ExportResponse response;
  auto stub = v1::SchedulingService::NewStub(client.scheduling().Channel());
  if (!client.Call(client.scheduling(), "Export",
                   [&](grpc::ClientContext* context) {
                     return stub->Export(context, request, &response);
                   })) {
    return kExitServerError;
  }
  std::string body = response.body();
  if (!body.empty() && body.back() != '\n') body += '\n';
  return client.Output(response, body);
}

}  // namespace backplan::cli
