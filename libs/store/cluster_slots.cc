#include "libs/store/cluster_slots.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace backplan::cluster {
namespace {

// Bitwise rather than table-driven: keys are short and the store hashes one
// per command, so 256 bytes of table buy nothing measurable.
uint16_t Crc16Update(uint16_t crc, unsigned char byte) {
  crc ^= static_cast<uint16_t>(byte) << 8;
  for (int bit = 0; bit < 8; ++bit) {
    crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                         : static_cast<uint16_t>(crc << 1);
  }
  return crc;
}

absl::Status Malformed(size_t entry, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("CLUSTER SLOTS entry ", entry, ": ", what));
}

bool ParsePort(absl::string_view text, int* port) {
  return absl::SimpleAtoi(text, port) && *port >= 1 && *port <= 65535;
}

// A node entry: [host, port, id?, metadata?].
absl::StatusOr<NodeAddress> ParseNode(const RespValue& value, size_t entry,
                                      absl::string_view queried_host) {
  if (value.type != RespValue::Type::kArray || value.elements.size() < 2 ||
      value.elements[0].type != RespValue::Type::kString ||
      value.elements[1].type != RespValue::Type::kInteger) {
    return Malformed(entry, "a node is not [host, port, ...]");
  }
  NodeAddress node;
  node.host = value.elements[0].str.empty() ? std::string(queried_host)
                                            : value.elements[0].str;
  if (value.elements[1].integer < 1 || value.elements[1].integer > 65535) {
    return Malformed(entry, absl::StrCat("port ", value.elements[1].integer,
                                         " outside [1, 65535]"));
  }
  node.port = static_cast<int>(value.elements[1].integer);
  if (value.elements.size() > 2 &&
      value.elements[2].type == RespValue::Type::kString) {
    node.id = value.elements[2].str;
  }
  return node;
}

}  // namespace

uint16_t Crc16(absl::string_view data) {
  uint16_t crc = 0;
  for (char c : data) crc = Crc16Update(crc, static_cast<unsigned char>(c));
  return crc;
}

absl::string_view HashTag(absl::string_view key) {
  const size_t open = key.find('{');
  if (open == absl::string_view::npos) return key;
  const size_t close = key.find('}', open + 1);
  if (close == absl::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

int KeySlot(absl::string_view key) { return Crc16(HashTag(key)) & 0x3FFF; }

std::string NodeAddress::HostPort() const {
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

SlotMap::SlotMap() : owner_(kSlotCount, -1) {}

absl::StatusOr<SlotMap> SlotMap::FromClusterSlots(
    const RespValue& reply, absl::string_view queried_host) {
  if (reply.type == RespValue::Type::kError) {
    return absl::UnavailableError(absl::StrCat("CLUSTER SLOTS: ", reply.str));
  }
  if (reply.type != RespValue::Type::kArray) {
    return absl::InvalidArgumentError("CLUSTER SLOTS reply is not an array");
  }
  SlotMap map;
  for (size_t i = 0; i < reply.elements.size(); ++i) {
    const RespValue& entry = reply.elements[i];
    if (entry.type != RespValue::Type::kArray || entry.elements.size() < 3 ||
        entry.elements[0].type != RespValue::Type::kInteger ||
        entry.elements[1].type != RespValue::Type::kInteger) {
      return Malformed(i, "not [first, last, master, replicas...]");
    }
    const int64_t first = entry.elements[0].integer;
    const int64_t last = entry.elements[1].integer;
    if (first < 0 || last >= kSlotCount || first > last) {
      return Malformed(i, absl::StrCat("slots ", first, "-", last,
                                       " not a range in [0, 16383]"));
    }
    SlotRange range;
    range.first = static_cast<int>(first);
    range.last = static_cast<int>(last);
    absl::StatusOr<NodeAddress> master =
        ParseNode(entry.elements[2], i, queried_host);
    if (!master.ok()) return master.status();
    range.master = *std::move(master);
    for (size_t r = 3; r < entry.elements.size(); ++r) {
      absl::StatusOr<NodeAddress> replica =
          ParseNode(entry.elements[r], i, queried_host);
      if (!replica.ok()) return replica.status();
      range.replicas.push_back(*std::move(replica));
    }
    for (int slot = range.first; slot <= range.last; ++slot) {
      if (map.owner_[slot] >= 0) {
        return Malformed(i, absl::StrCat("slot ", slot, " listed twice"));
      }
    }
    map.Assign(range.first, range.master);
    const int16_t owner = map.owner_[range.first];
    std::fill(map.owner_.begin() + range.first,
              map.owner_.begin() + range.last + 1, owner);
    map.ranges_.push_back(std::move(range));
  }
  std::sort(
      map.ranges_.begin(), map.ranges_.end(),
      [](const SlotRange& a, const SlotRange& b) { return a.first < b.first; });
  return map;
}

const NodeAddress* SlotMap::MasterFor(int slot) const {
  if (slot < 0 || slot >= kSlotCount || owner_[slot] < 0) return nullptr;
  return &nodes_[owner_[slot]];
}

void SlotMap::Assign(int slot, const NodeAddress& master) {
  if (slot < 0 || slot >= kSlotCount) return;
  auto it = std::find_if(
      nodes_.begin(), nodes_.end(),
      [&](const NodeAddress& node) { return node.SameEndpoint(master); });
  if (it == nodes_.end()) {
    nodes_.push_back(master);
    it = nodes_.end() - 1;
  }
  owner_[slot] = static_cast<int16_t>(it - nodes_.begin());
}

int SlotMap::UncoveredSlots() const {
  return static_cast<int>(std::count(owner_.begin(), owner_.end(), -1));
}

std::vector<NodeAddress> SlotMap::Masters() const {
  std::vector<bool> seen(nodes_.size(), false);
  std::vector<NodeAddress> masters;
  for (int16_t owner : owner_) {
    if (owner < 0 || seen[owner]) continue;
    seen[owner] = true;
    masters.push_back(nodes_[owner]);
  }
  return masters;
}

Redirect ClassifyError(absl::string_view error) {
  Redirect redirect;
  if (absl::StartsWith(error, "TRYAGAIN")) {
    redirect.kind = RedirectKind::kTryAgain;
    return redirect;
  }
  if (absl::StartsWith(error, "CLUSTERDOWN")) {
    redirect.kind = RedirectKind::kClusterDown;
    return redirect;
  }
  const std::vector<absl::string_view> words =
      absl::StrSplit(error, ' ', absl::SkipEmpty());
  if (words.size() != 3 || (words[0] != "MOVED" && words[0] != "ASK")) {
    return redirect;
  }
  int slot = 0;
  if (!absl::SimpleAtoi(words[1], &slot) || slot < 0 || slot >= kSlotCount) {
    return redirect;
  }
  // host:port with the port after the last colon (IPv6 hosts have colons).
  const size_t colon = words[2].rfind(':');
  if (colon == absl::string_view::npos) return redirect;
  absl::string_view host = words[2].substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = 0;
  if (!ParsePort(words[2].substr(colon + 1), &port)) return redirect;
  redirect.kind =
      words[0] == "MOVED" ? RedirectKind::kMoved : RedirectKind::kAsk;
  redirect.slot = slot;
  redirect.node.host = std::string(host);
  redirect.node.port = port;
  return redirect;
}

}  // namespace backplan::cluster
