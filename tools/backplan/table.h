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
// Columns are as wide as their widest cell (capped, see Table::Table), two
// spaces apart, left-aligned unless marked right-aligned; cells wider than
// the cap are cut with "...". No trailing spaces.
#ifndef BACKPLAN_TOOLS_BACKPLAN_TABLE_H_
#define BACKPLAN_TOOLS_BACKPLAN_TABLE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "backplan/v1/plan.pb.h"

namespace backplan::cli {

class Table {
 public:
  // `headers` names the columns; every row must have as many cells.
  // `max_width` caps every column's width in bytes.
  explicit Table(std::vector<std::string> headers, size_t max_width = 48);

  // Right-aligns column `column` (numbers).
  void AlignRight(size_t column);
  // Caps column `column` at `max_width` bytes instead of the table's cap.
  void SetMaxWidth(size_t column, size_t max_width);
  // Adds a row; missing cells are empty, extra cells are dropped.
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // The header line and every row, each ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<bool> right_;
  std::vector<size_t> max_widths_;
  std::vector<std::vector<std::string>> rows_;
};

// "2027-06-30 Wed"; "-" for an unset date.
std::string FormatDate(const v1::Date& date);

// A number of days with its unit: "1 day", "12 days".
std::string FormatDays(int days);

}  // namespace backplan::cli

#endif  // BACKPLAN_TOOLS_BACKPLAN_TABLE_H_
