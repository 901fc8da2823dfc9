#include "libs/common/short_text.h"

#include "absl/strings/str_cat.h"

namespace backplan {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

std::string ShortText(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr absl::string_view kEllipsis = "...";
  size_t keep = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back off to the start of a character: never cut one in half.
  while (keep > 0 && IsContinuationByte(text[keep])) --keep;
  return absl::StrCat(text.substr(0, keep), kEllipsis);
}

std::string ShortList(const std::vector<std::string>& items, size_t max_items,
                      absl::string_view separator) {
  std::string out;
  const size_t shown = items.size() < max_items ? items.size() : max_items;
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out.append(separator.data(), separator.size());
    out += ShortText(items[i]);
  }
  if (shown < items.size()) {
    absl::StrAppend(&out, ", ... and ", items.size() - shown, " more");
  }
  return out;
}

}  // namespace backplan
