// The connection side of the `backplan` tool, shared by every command: one
// channel per service, calls with a deadline and metadata, and the uniform
// one-line error report.
//
//   Client client(options, std::cout, std::cerr);
//   auto stub = v1::DecompositionService::NewStub(
//       client.decomposition().Channel());
//   v1::Plan plan;
//   if (!client.Call(client.decomposition(), "GetPlan",
//                    [&](grpc::ClientContext* context) {
//                      return stub->GetPlan(context, request, &plan);
//                    })) {
//     return kExitServerError;   // the error line is already on `err`
//   }
//   return client.Output(plan, "text for people\n");
//
// A failed call prints one line on `err`:
//   backplan: EditPlan failed: ABORTED: <server message> [decomposition
//   service at ADDR, request cli-...]
// or, when the service cannot be reached, says so and how to start it.
#ifndef BACKPLAN_TOOLS_BACKPLAN_CLIENT_H_
#define BACKPLAN_TOOLS_BACKPLAN_CLIENT_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "grpcpp/grpcpp.h"
#include "tools/backplan/commands.h"

namespace backplan::cli {

// The name of a gRPC status code: "ABORTED".
const char* CodeName(grpc::StatusCode code);

// `text` on one line: line breaks become spaces.
std::string OneLine(absl::string_view text);

// Protobuf JSON with proto field names, ending in '\n'.
std::string ToJson(const google::protobuf::Message& message);

// A fresh id for x-request-id and idempotency keys: "cli-" and 16 hex digits.
std::string NewRequestId();

// A gRPC service the tool talks to, with its channel made on first use.
struct Service {
  const char* name;  // "decomposition", "prioritization", "scheduling".
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  const backplan::channel::ClientSecurity* security =
      nullptr;  // Null: plaintext.

  std::shared_ptr<grpc::Channel> Channel();
};

class Client {
 public:
  // `options`, `out` and `err` must outlive the client.
  Client(const Options& options, std::ostream& out, std::ostream& err);

  // Prints "backplan: <message>" on err; returns kExitUsage.
  int Usage(absl::string_view message);
  // kExitOk when `args` has `count` entries, else the usage line (kExitUsage).
  int ExpectArgs(const std::vector<std::string>& args, size_t count,
                 absl::string_view usage);

  // Sets the call's deadline (Options::timeout_s) and metadata; returns the
  // request id.
  std::string PrepareContext(grpc::ClientContext* context) const;
  // As PrepareContext but without a deadline: for streams that run until the
  // user stops them.
  std::string PrepareStreamContext(grpc::ClientContext* context) const;

  // Makes one call with a deadline and the metadata; on failure prints one
  // line saying what went wrong and returns false.
  bool Call(Service& service, absl::string_view method,
            const std::function<grpc::Status(grpc::ClientContext*)>& call);
  // Prints the line Call prints for a failed `status`.
  void ReportError(Service& service, absl::string_view method,
                   const grpc::Status& status, absl::string_view request_id);

  // Prints `message` as JSON with --json, else `text`; returns kExitOk.
  int Output(const google::protobuf::Message& message, const std::string& text);

  const Options& options() const { return options_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  Service& decomposition() { return decomposition_; }
  Service& prioritization() { return prioritization_; }
  Service& scheduling() { return scheduling_; }

 protected:
  const Options& options_;
  std::ostream& out_;
  std::ostream& err_;
  Service decomposition_;
  Service prioritization_;
  Service scheduling_;
};

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_CLIENT_H_
