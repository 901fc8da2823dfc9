#include "libs/rpc/tenant_slots.h"

#include "absl/strings/str_cat.h"

namespace backplan::rpc {

TenantSlots& TenantSlots::Process() {
  static TenantSlots* slots = new TenantSlots();
  return *slots;
}

void TenantSlots::Configure(int max_calls) {
  std::lock_guard<std::mutex> lock(mu_);
  max_calls_ = max_calls;
}

absl::Status TenantSlots::Acquire(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  int& count = in_flight_[tenant];
  if (max_calls_ > 0 && count >= max_calls_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the tenant has ", count,
                     " calls in flight, the most --max_calls_per_tenant "
                     "allows; retry later"));
  }
  ++count;
  return absl::OkStatus();
}

void TenantSlots::Release(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_flight_.find(tenant);
  if (it == in_flight_.end()) return;
  if (--it->second <= 0) in_flight_.erase(it);
}

int TenantSlots::InFlight(absl::string_view tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = in_flight_.find(tenant);
  return it == in_flight_.end() ? 0 : it->second;
}

}  // namespace backplan::rpc
