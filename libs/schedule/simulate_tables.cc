#include "libs/schedule/simulate_tables.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "libs/schedule/simulate.h"

namespace backplan {
namespace {

// Continued fraction of the incomplete beta function (modified Lentz).
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < 1e-15) break;
  }
  return h;
}

// I_x(a, b). tgamma rather than lgamma: glibc's lgamma writes the global
// signgam, a data race between concurrent simulations.
double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::tgamma(a + b) / (std::tgamma(a) * std::tgamma(b)) *
                       std::pow(x, a) * std::pow(1 - x, b);
  if (x < (a + 1) / (a + b + 2)) {
    return front * BetaContinuedFraction(a, b, x) / a;
  }
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

// P(draw <= x) for the continuous distribution on [o, p], o < p.
double Cdf(double x, int o, int m, int p, DurationDistribution dist) {
  const double span = p - o;
  if (x <= o) return 0;
  if (x >= p) return 1;
  if (dist == DurationDistribution::kPert) {
    return RegularizedBeta(1 + 4.0 * (m - o) / span, 1 + 4.0 * (p - m) / span,
                           (x - o) / span);
  }
  if (x <= m) return (x - o) * (x - o) / (span * (m - o));
  return 1 - (p - x) * (p - x) / (span * (p - m));
}

}  // namespace

// Vose's construction of the alias table of `pmf`, appended to `out`.
void AppendAliasTable(const std::vector<double>& pmf,
                      std::vector<AliasEntry>& out) {
  const int w = static_cast<int>(pmf.size());
  const size_t base = out.size();
  out.resize(base + w);
  std::vector<double> scaled(w);
  std::vector<int> small, large;
  for (int i = 0; i < w; ++i) {
    scaled[i] = pmf[i] * w;
    (scaled[i] < 1 ? small : large).push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const int l = small.back();
    small.pop_back();
    const int g = large.back();
    large.pop_back();
    out[base + l].threshold = static_cast<uint32_t>(
        std::clamp(std::floor(scaled[l] * 4294967296.0), 0.0, 4294967295.0));
    out[base + l].alias = g;
    scaled[g] += scaled[l] - 1;
    (scaled[g] < 1 ? small : large).push_back(g);
  }
  // What is left has probability 1 (up to rounding): it always keeps itself.
  for (const std::vector<int>* rest : {&small, &large}) {
    for (int i : *rest) out[base + i] = {0xFFFFFFFFu, i};
  }
}

absl::StatusOr<std::vector<double>> DurationPmf(int optimistic, int most_likely,
                                                int pessimistic,
                                                DurationDistribution dist) {
  if (optimistic < 0 || optimistic > most_likely || most_likely > pessimistic) {
    return absl::InvalidArgumentError(absl::StrCat(
        "estimate: need 0 <= optimistic (", optimistic, ") <= most likely (",
        most_likely, ") <= pessimistic (", pessimistic, ")"));
  }
  const int width = pessimistic - optimistic + 1;
  std::vector<double> pmf(width, 0.0);
  if (width == 1) {
    pmf[0] = 1;
    return pmf;
  }
  double previous = 0;
  for (int k = 0; k < width; ++k) {
    const double cdf = k + 1 == width ? 1.0
                                      : Cdf(optimistic + k + 0.5, optimistic,
                                            most_likely, pessimistic, dist);
    pmf[k] = std::max(0.0, cdf - previous);
    previous = std::max(previous, cdf);
  }
  return pmf;
}

}  // namespace backplan
