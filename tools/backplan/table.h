// Plain-text tables and date formatting for the `backplan` tool's output.
//
//   Table table({"TASK", "DEADLINE"});
//   table.AddRow({"t-store", FormatDate(task.deadline())});
//   std::cout << table.Render();
//
// prints
//
//   TASK     DEADLINE
//   t-store  2027-06-30 Wed
//
// Columns are as wide as their widest cell, two spaces apart, left-aligned
// unless marked right-aligned. No trailing spaces. Lines fit the line width
// (kDefaultLineWidth, 0 = unlimited for --wide) by cutting cells of the
// columns marked shrinkable (titles, reasons) with "..."; other columns
// (ids, dates, numbers) are never cut, so an id can always be copied into
// the next command. A table whose fixed columns alone exceed the width is
// printed wider rather than cut.
#ifndef BACKPLAN_TOOLS_BACKPLAN_TABLE_H_
#define BACKPLAN_TOOLS_BACKPLAN_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "backplan/v1/plan.pb.h"

namespace backplan::cli {

// The width, in bytes, of the tool's output lines unless --wide is given.
inline constexpr size_t kDefaultLineWidth = 120;

class Table {
 public:
  // `headers` names the columns; every row must have as many cells.
  explicit Table(std::vector<std::string> headers);

  // Right-aligns column `column` (numbers).
  void AlignRight(size_t column);
  // Lets Render cut column `column` to fit the line width, never below
  // `min_width` bytes (nor below its header).
  void SetShrinkable(size_t column, size_t min_width = 10);
  // Caps shrinkable column `column` at `max_width` bytes even when the line
  // has room, unless the line width is unlimited; makes it shrinkable.
  void SetMaxWidth(size_t column, size_t max_width);
  // The longest line Render may print, in bytes; 0 = unlimited (--wide).
  void SetLineWidth(size_t line_width) { line_width_ = line_width; }
  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The header line and every row, each ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<bool> shrinkable_;
  std::vector<size_t> min_widths_;
  std::vector<size_t> max_widths_;  // 0: no cap.
  size_t line_width_ = kDefaultLineWidth;
  std::vector<std::vector<std::string>> rows_;
};

// "2027-06-30 Wed"; "-" for an unset date.
std::string FormatDate(const v1::Date& date);

// "2027-06-30" (ISO 8601, no weekday), as dates are typed on the command line.
std::string FormatIsoDate(const v1::Date& date);

// A number of days with its unit: "1 day", "12 days".
std::string FormatDays(int days);

// `text` broken at spaces into lines of at most `line_width` bytes (0 =
// unlimited: one line), each ending in '\n'; lines after the first start
// with `indent` spaces. A word longer than a line stays whole.
std::string WrapWords(absl::string_view text, size_t line_width,
                      size_t indent = 2);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_TABLE_H_
