// Bounded text for messages: error messages and logs quote what a caller
// sent (a goal title, an id, a cycle), and a hostile caller sends megabytes.
// Every quote goes through these so a message stays a few hundred bytes and
// valid UTF-8.
//
//   ShortText("a very long title ...", 16)  -> "a very long t..."
//   ShortList({"a", "b", "c", "d"}, 2, " -> ") -> "a -> b -> ... and 2 more"
#ifndef BACKPLAN_LIBS_COMMON_SHORT_TEXT_H_
#define BACKPLAN_LIBS_COMMON_SHORT_TEXT_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace backplan {

// The bytes a quoted value may take in a message by default.
inline constexpr size_t kMaxQuotedBytes = 80;

// The bytes a whole error message may take when it crosses the gRPC boundary.
inline constexpr size_t kMaxMessageBytes = 512;

// `text` itself when it has at most `max_bytes` bytes; otherwise its longest
// prefix that ends on a UTF-8 character boundary and leaves room for "...",
// followed by "...". The result never exceeds max(max_bytes, 3) bytes and
// never splits a multi-byte character.
std::string ShortText(absl::string_view text,
                      size_t max_bytes = kMaxQuotedBytes);

// The first `max_items` items (each through ShortText) joined by `separator`,
// then ", ... and N more" when there were more.
std::string ShortList(const std::vector<std::string>& items, size_t max_items,
                      absl::string_view separator);

}  // namespace backplan

#endif  // BACKPLAN_LIBS_COMMON_SHORT_TEXT_H_
