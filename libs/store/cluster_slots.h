// Redis Cluster routing as plain C++: which of the 16384 hash slots a key
// lives in, which master serves each slot (from a CLUSTER SLOTS reply), and
// what a MOVED/ASK/TRYAGAIN/CLUSTERDOWN error asks the client to do. Pure:
// no hiredis, no sockets; the cluster-aware store converts hiredis replies
// into RespValue and acts on the results.
//
//   int slot = cluster::KeySlot("bp:{default/p-1}:plan");  // Hashes the tag.
//   ASSIGN_OR_RETURN(cluster::SlotMap map,
//                    cluster::SlotMap::FromClusterSlots(reply, "10.0.0.5"));
//   const cluster::NodeAddress* master = map.MasterFor(slot);
//   cluster::Redirect redirect = cluster::ClassifyError("MOVED 12 h:7001");
//   if (redirect.kind == cluster::RedirectKind::kMoved) map.Assign(...);
//
// Definitions follow the Redis Cluster specification ("Keys distribution
// model"): slot = CRC16-XMODEM(hashed part) mod 16384, where the hashed part
// is the text between the first `{` and the first `}` after it when that is
// non-empty, else the whole key.
#ifndef BACKPLAN_LIBS_STORE_CLUSTER_SLOTS_H_
#define BACKPLAN_LIBS_STORE_CLUSTER_SLOTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace backplan::cluster {

inline constexpr int kSlotCount = 16384;

// CRC16/XMODEM (polynomial 0x1021, initial value 0, no reflection) of
// `data`: Redis's key hash. Crc16("123456789") == 0x31C3.
uint16_t Crc16(absl::string_view data);

// The part of `key` that is hashed: the hash tag's content when the key has
// a non-empty `{...}` (first `{`, first `}` after it), else all of `key`.
// Returns a view into `key`.
absl::string_view HashTag(absl::string_view key);

// The slot of `key`, in [0, kSlotCount). Keys with the same hash tag share
// a slot, which is what lets one script touch all of a plan's keys.
int KeySlot(absl::string_view key);

// A RESP reply as plain data, enough to describe CLUSTER SLOTS (and any
// other reply the store wants to hand to pure code). RESP3 maps arrive as
// arrays of alternating keys and values.
struct RespValue {
  enum class Type { kNil, kString, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kError.
  int64_t integer = 0;
  std::vector<RespValue> elements;  // kArray.
};

// One cluster node's client endpoint.
struct NodeAddress {
  std::string host;
  int port = 0;
  std::string id;  // The node id (40 hex digits) when the reply gives it.

  // "host:port", IPv6 hosts in brackets.
  std::string HostPort() const;
  // Same endpoint (the id is not compared: MOVED errors carry none).
  bool SameEndpoint(const NodeAddress& other) const {
    return host == other.host && port == other.port;
  }
};

// A contiguous run of slots, inclusive at both ends, with its master and
// replicas in the order the reply lists them.
struct SlotRange {
  int first = 0;
  int last = 0;
  NodeAddress master;
  std::vector<NodeAddress> replicas;
};

// Which master serves each slot. Copyable value; not thread-safe to mutate
// while read (the store swaps whole maps under its own lock).
class SlotMap {
 public:
  SlotMap();

  // Parses a CLUSTER SLOTS reply. An empty host in the reply (Redis sends
  // it when the node does not know its own address) means `queried_host`,
  // the host the command was sent to. INVALID_ARGUMENT naming the entry for
  // anything malformed: not an array, a range outside [0, 16383] or with
  // first > last, overlapping ranges, a node without host and port, or a
  // port outside [1, 65535]. An error reply is returned as UNAVAILABLE with
  // its text (e.g. CLUSTERDOWN).
  static absl::StatusOr<SlotMap> FromClusterSlots(
      const RespValue& reply, absl::string_view queried_host);

  // The master serving `slot`, or nullptr when no node serves it (or the
  // slot is out of range). Valid until the map is next changed.
  const NodeAddress* MasterFor(int slot) const;
  const NodeAddress* MasterForKey(absl::string_view key) const {
    return MasterFor(KeySlot(key));
  }

  // Records that `slot` is now served by `master` (a MOVED redirection).
  // Ignores a slot out of range.
  void Assign(int slot, const NodeAddress& master);

  // Slots no master serves; 0 for a fully covered cluster.
  int UncoveredSlots() const;

  // The distinct masters, in order of the first slot each serves.
  std::vector<NodeAddress> Masters() const;

  // The ranges as parsed (Assign does not change them).
  const std::vector<SlotRange>& ranges() const { return ranges_; }

 private:
  std::vector<SlotRange> ranges_;
  std::vector<NodeAddress> nodes_;
  std::vector<int16_t> owner_;  // Slot -> index into nodes_, -1: none.
};

enum class RedirectKind {
  kNone,         // Not a cluster error: return it to the caller.
  kMoved,        // The slot lives elsewhere for good: update the map, retry.
  kAsk,          // Being migrated: send ASKING then the command, to `node`,
                 // once; do not update the map.
  kTryAgain,     // Multi-key command during resharding: retry after a pause.
  kClusterDown,  // The cluster cannot serve now (failover in progress):
                 // bounded retries with backoff, then UNAVAILABLE.
};

struct Redirect {
  RedirectKind kind = RedirectKind::kNone;
  int slot = -1;     // kMoved, kAsk.
  NodeAddress node;  // kMoved, kAsk; an empty host means "the node that
                     // replied" (Redis sends `MOVED 12 :7001` then).
};

// Classifies an error reply's text ("MOVED 3999 127.0.0.1:6381",
// "ASK 3999 [::1]:6381", "TRYAGAIN ...", "CLUSTERDOWN ..."). A MOVED or ASK
// that cannot be parsed (bad slot or port) is kNone: the caller reports it
// rather than chasing a broken address.
Redirect ClassifyError(absl::string_view error);

}  // namespace backplan::cluster

#endif  // BACKPLAN_LIBS_STORE_CLUSTER_SLOTS_H_
