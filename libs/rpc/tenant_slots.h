// A cap on how many unary calls one tenant has in flight at once in this
// process, so one tenant cannot take every serving thread (--max_threads)
// from the others. CallScope takes a slot when a unary call starts and gives
// it back when the call ends; streams are capped apart
// (--max_watch_streams_per_tenant). StartServer sets the cap from
// --max_calls_per_tenant.
//
//   TenantSlots& slots = TenantSlots::Process();
//   RETURN_IF_ERROR(slots.Acquire("acme"));
//   ...
//   slots.Release("acme");
#ifndef BACKPLAN_LIBS_RPC_TENANT_SLOTS_H_
#define BACKPLAN_LIBS_RPC_TENANT_SLOTS_H_

#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace backplan::rpc {

class TenantSlots {
 public:
  // The process-wide instance CallScope uses.
  static TenantSlots& Process();

  // The most calls a tenant may have in flight; 0 or less: no cap.
  void Configure(int max_calls);

  // Takes a slot of `tenant`. RESOURCE_EXHAUSTED naming
  // --max_calls_per_tenant when the tenant already has the cap in flight.
  absl::Status Acquire(absl::string_view tenant);
  // Gives back a slot taken by Acquire.
  void Release(absl::string_view tenant);

  // Calls `tenant` has in flight.
  int InFlight(absl::string_view tenant);

 private:
  std::mutex mu_;  // Guards everything below.
  int max_calls_ = 0;
  // Tenant -> calls in flight; tenants with none are erased.
  absl::flat_hash_map<std::string, int> in_flight_;
};

}  // namespace backplan::rpc

#endif  // BACKPLAN_LIBS_RPC_TENANT_SLOTS_H_
