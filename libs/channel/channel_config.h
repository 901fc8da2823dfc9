// The published retry contract for Backplan's clients: the gRPC service
// config in proto/backplan/v1/service_config.json (compiled in), with
// per-method retry policies and recommended deadlines, and the keepalive
// that matches the servers' enforcement (keepalive.h).
//
//   grpc::ChannelArguments args;
//   backplan::channel::ApplyClientDefaults(&args);
//   auto channel = grpc::CreateCustomChannel(address, credentials, args);
//
// The policy (README, "Retrying calls"): every method is retried on
// UNAVAILABLE, which Backplan returns only when nothing happened; the writes
// (CreatePlan, EditPlan, PutRecipeBook, Decompose, ReportProgress,
// Prioritize, Schedule) also on DEADLINE_EXCEEDED, when a write may have
// happened. That is safe only because Backplan's clients give every write
// an idempotency key; a client that sends writes without keys must not use
// this config for them. A "timeout" is the deadline used when the caller
// sets none (the shorter of the two otherwise).
#ifndef BACKPLAN_LIBS_CHANNEL_CHANNEL_CONFIG_H_
#define BACKPLAN_LIBS_CHANNEL_CHANNEL_CONFIG_H_

#include "absl/strings/string_view.h"
#include "grpcpp/support/channel_arguments.h"

namespace backplan::channel {

// The JSON text of proto/backplan/v1/service_config.json.
absl::string_view ServiceConfigJson();

// Sets the service config, turns retries on and sets the client keepalive.
void ApplyClientDefaults(grpc::ChannelArguments* args);

}  // namespace backplan::channel

#endif  // BACKPLAN_LIBS_CHANNEL_CHANNEL_CONFIG_H_
