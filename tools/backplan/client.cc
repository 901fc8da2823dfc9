#include "tools/backplan/client.h"

#include <chrono>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "libs/channel/credentials.h"

namespace backplan::cli {
namespace {

constexpr int kMaxMessageBytes = 64 << 20;

}  // namespace

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

// One line, whatever the server put in its message.
std::string OneLine(absl::string_view text) {
  return absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok())
    return absl::StrCat("{\"error\": \"", status.ToString(), "\"}\n");
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

// A fresh id for x-request-id (and idempotency keys): 16 random hex digits.
std::string NewRequestId() {
  static std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return absl::StrFormat("cli-%016x", rng());
}

std::shared_ptr<grpc::Channel> Service::Channel() {
  if (channel == nullptr) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(kMaxMessageBytes);
    args.SetMaxSendMessageSize(kMaxMessageBytes);
    // Retries, deadlines; credentials were checked when the command began.
    absl::StatusOr<std::shared_ptr<grpc::Channel>> made =
        backplan::channel::NewChannel(address,
                                      security != nullptr
                                          ? *security
                                          : backplan::channel::ClientSecurity(),
                                      args);
    channel = made.ok() ? *std::move(made)
                        : grpc::CreateChannel(
                              address, grpc::InsecureChannelCredentials());
  }
  return channel;
}

Client::Client(const Options& options, std::ostream& out, std::ostream& err)
    : options_(options),
      out_(out),
      err_(err),
      decomposition_{"decomposition",
                     options.decomposition_address,
                     {},
                     &options.security},
      prioritization_{"prioritization",
                      options.prioritization_address,
                      {},
                      &options.security},
      scheduling_{
          "scheduling", options.scheduling_address, {}, &options.security} {}

int Client::Usage(absl::string_view message) {
  err_ << "backplan: " << message << "\n";
  return kExitUsage;
}

int Client::ExpectArgs(const std::vector<std::string>& args, size_t count,
                       absl::string_view usage) {
  if (args.size() != count) {
    return Usage(absl::StrCat("usage: backplan ", usage));
  }
  return kExitOk;
}

std::string Client::PrepareStreamContext(grpc::ClientContext* context) const {
  std::string request_id = NewRequestId();
  context->AddMetadata("x-request-id", request_id);
  if (!options_.tenant.empty()) {
    context->AddMetadata("x-backplan-tenant", options_.tenant);
  }
  return request_id;
}

std::string Client::PrepareContext(grpc::ClientContext* context) const {
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(options_.timeout_s));
  return PrepareStreamContext(context);
}

bool Client::Call(
    Service& service, absl::string_view method,
    const std::function<grpc::Status(grpc::ClientContext*)>& call) {
  grpc::ClientContext context;
  const std::string request_id = PrepareContext(&context);
  const grpc::Status status = call(&context);
  if (status.ok()) return true;
  ReportError(service, method, status, request_id);
  return false;
}

void Client::ReportError(Service& service, absl::string_view method,
                         const grpc::Status& status,
                         absl::string_view request_id) {
  const grpc::StatusCode code = status.error_code();
  const bool connected = service.Channel()->GetState(
                             /*try_to_connect=*/false) == GRPC_CHANNEL_READY;
  if (!connected && (code == grpc::StatusCode::UNAVAILABLE ||
                     code == grpc::StatusCode::DEADLINE_EXCEEDED)) {
    err_ << "backplan: cannot reach the " << service.name << " service at "
         << service.address
         << " (is it running? start it with scripts/run.sh)\n";
    return;
  }
  if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    err_ << "backplan: " << method << " on the " << service.name
         << " service did not answer within " << options_.timeout_s
         << " s (raise --timeout_s) [request " << request_id << "]\n";
    return;
  }
  err_ << "backplan: " << method << " failed: " << CodeName(code) << ": "
       << OneLine(status.error_message()) << " [" << service.name
       << " service at " << service.address << ", request " << request_id
       << "]\n";
}

int Client::Output(const google::protobuf::Message& message,
                   const std::string& text) {
  out_ << (options_.json ? ToJson(message) : text);
  return kExitOk;
}

}  // namespace backplan::cli
