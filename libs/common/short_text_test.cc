#include "libs/common/short_text.h"

#include <string>

#include "gtest/gtest.h"

namespace backplan {
namespace {

TEST(ShortText, KeepsShortTextWhole) {
  EXPECT_EQ(ShortText("launch", 6), "launch");
  EXPECT_EQ(ShortText("", 0), "");
}

TEST(ShortText, CutsLongTextWithEllipsis) {
  EXPECT_EQ(ShortText("abcdefghij", 8), "abcde...");
  EXPECT_EQ(ShortText(std::string(1 << 20, 'x')).size(), kMaxQuotedBytes);
}

TEST(ShortText, NeverSplitsAMultiByteCharacter) {
  // "é" is two bytes, "€" three: a cut inside either backs off to its start.
  const std::string text =
      "ab\xC3\xA9\xE2\x82\xAC"
      "cdef";
  EXPECT_EQ(ShortText(text, 6), "ab...");  // Would cut "é" after 1 byte.
  EXPECT_EQ(ShortText(text, 8), "ab\xC3\xA9...");  // Would cut "€".
  for (size_t max = 3; max < text.size(); ++max) {
    const std::string s = ShortText(text, max);
    EXPECT_LE(s.size(), max);
    const std::string kept = s.substr(0, s.size() - 3);
    EXPECT_EQ(text.compare(0, kept.size(), kept), 0);
    EXPECT_TRUE(kept.size() == text.size() ||
                (static_cast<unsigned char>(text[kept.size()]) & 0xC0) != 0x80)
        << "cut inside a character at max " << max;
  }
}

TEST(ShortList, NamesTheFirstItemsAndCountsTheRest) {
  EXPECT_EQ(ShortList({"a", "b", "c", "d"}, 2, " -> "),
            "a -> b, ... and 2 more");
  EXPECT_EQ(ShortList({"a", "b"}, 5, " -> "), "a -> b");
  EXPECT_EQ(ShortList({}, 5, ", "), "");
}

}  // namespace
}  // namespace backplan
