#include "tools/backplan/inputs.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "yaml-cpp/yaml.h"

namespace backplan::cli {
namespace {

int LineOf(const YAML::Node& node) {
  return node.Mark().is_null() ? 1 : node.Mark().line + 1;
}

absl::Status ErrorAt(absl::string_view file, const YAML::Node& node,
                     absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ":", LineOf(node), ": ", what));
}

}  // namespace

std::optional<double> ParseFraction(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  double numerator = 0;
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    if (!absl::SimpleAtod(text, &numerator) || !std::isfinite(numerator)) {
      return std::nullopt;
    }
    return numerator;
  }
  double denominator = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text.substr(0, slash)),
                        &numerator) ||
      !absl::SimpleAtod(absl::StripAsciiWhitespace(text.substr(slash + 1)),
                        &denominator) ||
      denominator == 0 || !std::isfinite(numerator) ||
      !std::isfinite(denominator)) {
    return std::nullopt;
  }
  return numerator / denominator;
}

absl::StatusOr<AhpInput> ParseAhpText(absl::string_view text,
                                      absl::string_view file_name) {
  AhpInput input;
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap()) {
      return ErrorAt(file_name, root,
                     "expected a map with criteria and matrix");
    }
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      if (key != "criteria" && key != "matrix" && key != "threshold") {
        return ErrorAt(file_name, entry.first,
                       absl::StrCat("unknown key \"", key,
                                    "\" (expected criteria, matrix, "
                                    "threshold)"));
      }
    }
    const YAML::Node criteria = root["criteria"];
    if (!criteria || !criteria.IsSequence() || criteria.size() == 0) {
      return ErrorAt(file_name, criteria ? criteria : root,
                     "criteria: a non-empty list of names is required");
    }
    for (const auto& c : criteria) {
      if (!c.IsScalar()) return ErrorAt(file_name, c, "criteria: not a name");
      input.criteria.push_back(c.as<std::string>());
    }
    const size_t n = input.criteria.size();
    const YAML::Node matrix = root["matrix"];
    if (!matrix || !matrix.IsSequence()) {
      return ErrorAt(file_name, matrix ? matrix : root,
                     "matrix: a list of rows is required");
    }
    if (matrix.size() != n) {
      return ErrorAt(file_name, matrix,
                     absl::StrCat("matrix: ", matrix.size(), " rows for ", n,
                                  " criteria"));
    }
    for (size_t i = 0; i < n; ++i) {
      const YAML::Node row = matrix[i];
      if (!row.IsSequence() || row.size() != n) {
        return ErrorAt(
            file_name, row,
            absl::StrCat("matrix[", i, "]: expected a row of ", n, " entries"));
      }
      for (size_t j = 0; j < n; ++j) {
        const YAML::Node cell = row[j];
        std::optional<double> value;
        if (cell.IsScalar()) value = ParseFraction(cell.Scalar());
        if (!value.has_value()) {
          return ErrorAt(file_name, cell,
                         absl::StrCat("matrix[", i, "][", j, "]: \"",
                                      cell.IsScalar() ? cell.Scalar() : "?",
                                      "\" is not a number or fraction"));
        }
        input.values.push_back(*value);
      }
    }
    if (const YAML::Node threshold = root["threshold"]; threshold) {
      std::optional<double> value;
      if (threshold.IsScalar()) value = ParseFraction(threshold.Scalar());
      if (!value.has_value() || *value < 0) {
        return ErrorAt(file_name, threshold,
                       "threshold: expected a number >= 0");
      }
      input.threshold = *value;
    }
  } catch (const YAML::Exception& e) {
    std::string where(file_name);
    if (!e.mark.is_null()) absl::StrAppend(&where, ":", e.mark.line + 1);
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", e.msg));
  }
  return input;
}

absl::StatusOr<AhpInput> LoadAhpFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return ParseAhpText(*text, path);
}

absl::StatusOr<TaskSpec> ParseTaskSpec(absl::string_view spec) {
  const size_t first = spec.find(':');
  const size_t last = spec.rfind(':');
  if (first == absl::string_view::npos || first == last) {
    return absl::InvalidArgumentError(
        absl::StrCat("--task \"", spec, "\": expected id:title:days"));
  }
  TaskSpec task;
  task.id = std::string(absl::StripAsciiWhitespace(spec.substr(0, first)));
  task.title = std::string(
      absl::StripAsciiWhitespace(spec.substr(first + 1, last - first - 1)));
  absl::string_view days = absl::StripAsciiWhitespace(spec.substr(last + 1));
  absl::ConsumeSuffix(&days, "d");
  if (task.id.empty() || task.title.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--task \"", spec, "\": id and title must not be empty"));
  }
  if (!absl::SimpleAtoi(days, &task.days) || task.days < 0 ||
      task.days > 10000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--task \"", spec, "\": days must be a whole number 0..10000"));
  }
  return task;
}

absl::StatusOr<GoalSpec> ParseGoalSpec(absl::string_view spec) {
  const size_t colon = spec.find(':');
  GoalSpec goal;
  if (colon != absl::string_view::npos) {
    goal.id = std::string(absl::StripAsciiWhitespace(spec.substr(0, colon)));
    goal.title =
        std::string(absl::StripAsciiWhitespace(spec.substr(colon + 1)));
  }
  if (goal.id.empty() || goal.title.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--goal \"", spec, "\": expected id:title"));
  }
  return goal;
}

absl::StatusOr<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::NotFoundError(absl::StrCat(path, ": read error"));
  return text.str();
}

}  // namespace backplan::cli
