#include "libs/prioritize/ahp.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace backplan {
namespace {

constexpr double kRandomIndex[kMaxAhpCriteria] = {0,    0,    0.58, 0.90, 1.12,
                                                  1.24, 1.32, 1.41, 1.45, 1.49,
                                                  1.51, 1.48, 1.56, 1.57, 1.59};

// The proto's name of entry (i, j): `<field>.values[i * n + j]`.
std::string Entry(absl::string_view field, size_t n, size_t i, size_t j) {
  return absl::StrCat(field, ".values[", i * n + j, "] (row ", i, ", column ",
                      j, ")");
}

absl::Status ValidateMatrix(const AhpMatrix& matrix, absl::string_view field) {
  const size_t n = matrix.size();
  if (n == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".criteria: empty, needs 1 to 15 criteria"));
  }
  if (n > static_cast<size_t>(kMaxAhpCriteria)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".criteria: ", n, " criteria, at most ", kMaxAhpCriteria,
        " are supported (Saaty's random index is tabulated up to 15)"));
  }
  for (size_t i = 0; i < n; ++i) {
    if (matrix[i].size() != n) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".values: row ", i, " has ", matrix[i].size(),
                       " entries, the matrix must be square (", n, ")"));
    }
    for (size_t j = 0; j < n; ++j) {
      const double a = matrix[i][j];
      if (!std::isfinite(a) || a <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(Entry(field, n, i, j), " = ", a,
                         ": comparisons must be finite and positive"));
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (std::abs(matrix[i][i] - 1) > kAhpReciprocalTolerance) {
      return absl::InvalidArgumentError(
          absl::StrCat(Entry(field, n, i, i), " = ", matrix[i][i],
                       ": a criterion compared with itself must be 1"));
    }
    for (size_t j = i + 1; j < n; ++j) {
      if (std::abs(matrix[i][j] * matrix[j][i] - 1) > kAhpReciprocalTolerance) {
        return absl::InvalidArgumentError(
            absl::StrCat(Entry(field, n, i, j), " = ", matrix[i][j], " but ",
                         Entry(field, n, j, i), " = ", matrix[j][i],
                         ": comparisons must be reciprocal (product 1 within ",
                         kAhpReciprocalTolerance, ")"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

double AhpRandomIndex(int n) {
  if (n < 1 || n > kMaxAhpCriteria) return 0;
  return kRandomIndex[n - 1];
}

absl::StatusOr<AhpResult> ComputeAhpWeights(const AhpMatrix& matrix,
                                            double max_consistency_ratio,
                                            absl::string_view field) {
  if (!std::isfinite(max_consistency_ratio) || max_consistency_ratio < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency_threshold = ", max_consistency_ratio,
                     ": must be finite and >= 0"));
  }
  if (absl::Status status = ValidateMatrix(matrix, field); !status.ok()) {
    return status;
  }
  const size_t n = matrix.size();
  AhpResult result;
  // A positive matrix has a simple dominant eigenvalue with a positive
  // eigenvector (Perron), so power iteration from the uniform vector
  // converges and never leaves the positive orthant.
  std::vector<double> w(n, 1.0 / static_cast<double>(n));
  std::vector<double> next(n);
  bool converged = false;
  for (int iteration = 1; iteration <= kAhpMaxIterations; ++iteration) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) {
      double row = 0;
      for (size_t j = 0; j < n; ++j) row += matrix[i][j] * w[j];
      next[i] = row;
      sum += row;
    }
    double change = 0;
    for (size_t i = 0; i < n; ++i) {
      next[i] /= sum;
      change = std::max(change, std::abs(next[i] - w[i]));
    }
    w.swap(next);
    if (change <= kAhpPowerIterationTolerance) {
      result.iterations = iteration;
      converged = true;
      break;
    }
  }
  if (!converged) {
    return absl::InternalError(
        absl::StrCat("ahp: power iteration did not converge in ",
                     kAhpMaxIterations, " iterations"));
  }
  // lambda_max as Saaty computes it: the mean of (A w)_i / w_i.
  double lambda = 0;
  for (size_t i = 0; i < n; ++i) {
    double row = 0;
    for (size_t j = 0; j < n; ++j) row += matrix[i][j] * w[j];
    lambda += row / w[i];
  }
  lambda /= static_cast<double>(n);
  result.weights = std::move(w);
  result.lambda_max = lambda;
  const int size = static_cast<int>(n);
  result.random_index = AhpRandomIndex(size);
  if (size > 2) {
    result.consistency_index = (lambda - size) / (size - 1);
    result.consistency_ratio = result.consistency_index / result.random_index;
  }
  if (result.consistency_ratio > max_consistency_ratio) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.values: consistency ratio %.4f exceeds the threshold %.4f "
        "(lambda_max %.4f, CI %.4f, RI %.2f for n = %d); revise the "
        "pairwise comparisons",
        field, result.consistency_ratio, max_consistency_ratio,
        result.lambda_max, result.consistency_index, result.random_index,
        size));
  }
  return result;
}

}  // namespace backplan
