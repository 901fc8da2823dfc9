// Analytic Hierarchy Process (AHP): criterion weights from a pairwise
// comparison matrix, with Saaty's consistency check.
//
// Row i, column j of the matrix says how much more important criterion i is
// than criterion j on Saaty's 1-9 scale (1/9 .. 9); the matrix must be square
// (1 to 15 criteria), positive and reciprocal (a[j][i] = 1 / a[i][j]). The
// weights are its principal eigenvector, normalised to sum 1, found by power
// iteration; the consistency ratio CR = CI / RI, with CI = (lambda_max - n) /
// (n - 1) and RI Saaty's random index for n, says how far the judgements are
// from being transitive. A matrix with CR above the caller's threshold is
// refused: its weights would mean little.
//
//   ASSIGN_OR_RETURN(AhpResult ahp,
//                    ComputeAhpWeights({{1, 3}, {1.0 / 3, 1}}));
//   // ahp.weights == {0.75, 0.25}, ahp.consistency_ratio == 0
//
// Pure and deterministic: no clock, no randomness, no I/O.
#ifndef BACKPLAN_LIBS_PRIORITIZE_AHP_H_
#define BACKPLAN_LIBS_PRIORITIZE_AHP_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace backplan {

// Pairwise comparison matrix, row-major: matrix[i][j] for criteria i, j.
using AhpMatrix = std::vector<std::vector<double>>;

// Saaty's usual threshold: CR above 0.10 means the judgements need revising.
inline constexpr double kDefaultMaxConsistencyRatio = 0.10;

// Largest matrix accepted (Saaty's random index is tabulated up to 15).
inline constexpr int kMaxAhpCriteria = 15;

// a[i][j] * a[j][i] must lie within 1 +- this, and the diagonal within 1 +-
// this, so judgements written with three significant digits (0.333) pass.
inline constexpr double kAhpReciprocalTolerance = 1e-2;

// Power iteration stops when no weight moves by more than this between two
// iterations (weights sum to 1), or fails after kAhpMaxIterations.
inline constexpr double kAhpPowerIterationTolerance = 1e-12;
inline constexpr int kAhpMaxIterations = 100000;

struct AhpResult {
  std::vector<double> weights;   // Principal eigenvector, sums to 1.
  double lambda_max = 0;         // Principal eigenvalue, >= n.
  double consistency_index = 0;  // (lambda_max - n) / (n - 1); 0 if n <= 2.
  double random_index = 0;       // Saaty's RI for n (0 for n <= 2).
  double consistency_ratio = 0;  // CI / RI; 0 if n <= 2.
  int iterations = 0;            // Power iterations used.
};

// Saaty's random index for an n x n matrix: 0, 0, 0.58, 0.90, 1.12, 1.24,
// 1.32, 1.41, 1.45, 1.49 for n = 1..10, then 1.51, 1.48, 1.56, 1.57, 1.59 up
// to 15. Requires 1 <= n <= kMaxAhpCriteria.
double AhpRandomIndex(int n);

// Computes AHP weights of `matrix`. INVALID_ARGUMENT, naming the entry by the
// proto's names (`<field>.values[i * n + j]`, `consistency_threshold`), for:
// an empty or non-square matrix, more than kMaxAhpCriteria criteria, an entry
// that is not finite and positive, a diagonal entry not 1, a pair that is not
// reciprocal; a `max_consistency_ratio` that is negative or not finite; and a
// consistency ratio above `max_consistency_ratio` (the message carries the
// ratio). INTERNAL if power iteration does not converge (not expected for a
// positive matrix).
absl::StatusOr<AhpResult> ComputeAhpWeights(
    const AhpMatrix& matrix,
    double max_consistency_ratio = kDefaultMaxConsistencyRatio,
    absl::string_view field = "ahp");

}  // namespace backplan

#endif  // BACKPLAN_LIBS_PRIORITIZE_AHP_H_
