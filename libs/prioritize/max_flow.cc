#include "libs/prioritize/max_flow.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace backplan::prioritize_internal {

void MaxFlow::Reset(int n) {
  head_.assign(n, -1);
  level_.resize(n);
  next_edge_.resize(n);
  to_.clear();
  next_.clear();
  cap_.clear();
}

void MaxFlow::AddEdge(int u, int v, double capacity) {
  Add(u, v, capacity);
  Add(v, u, 0);
}

double MaxFlow::Run(int s, int t, double eps) {
  eps_ = eps;
  double total = 0;
  while (Levels(s, t)) {
    next_edge_ = head_;
    while (true) {
      const double pushed = Push(s, t, std::numeric_limits<double>::infinity());
      if (pushed <= eps_) break;
      total += pushed;
    }
  }
  return total;
}

void MaxFlow::Reach(int start, std::vector<char>* seen) const {
  if (seen->size() < head_.size()) seen->resize(head_.size(), 0);
  std::vector<char>& mark = *seen;
  if (mark[start]) return;
  mark[start] = 1;
  stack_.clear();
  stack_.push_back(start);
  while (!stack_.empty()) {
    const int u = stack_.back();
    stack_.pop_back();
    for (int e = head_[u]; e >= 0; e = next_[e]) {
      if (cap_[e] > eps_ && !mark[to_[e]]) {
        mark[to_[e]] = 1;
        stack_.push_back(to_[e]);
      }
    }
  }
}

std::vector<bool> MaxFlow::SourceSide(int s) const {
  std::vector<char> seen(head_.size(), 0);
  Reach(s, &seen);
  return std::vector<bool>(seen.begin(), seen.end());
}

void MaxFlow::Add(int u, int v, double capacity) {
  to_.push_back(v);
  cap_.push_back(capacity);
  next_.push_back(head_[u]);
  head_[u] = static_cast<int>(to_.size()) - 1;
}

bool MaxFlow::Levels(int s, int t) {
  std::fill(level_.begin(), level_.end(), -1);
  queue_.clear();
  queue_.push_back(s);
  level_[s] = 0;
  for (size_t i = 0; i < queue_.size(); ++i) {
    const int u = queue_[i];
    for (int e = head_[u]; e >= 0; e = next_[e]) {
      if (cap_[e] > eps_ && level_[to_[e]] < 0) {
        level_[to_[e]] = level_[u] + 1;
        queue_.push_back(to_[e]);
      }
    }
  }
  return level_[t] >= 0;
}

double MaxFlow::Push(int u, int t, double limit) {
  if (u == t) return limit;
  for (int& e = next_edge_[u]; e >= 0; e = next_[e]) {
    const int v = to_[e];
    if (cap_[e] <= eps_ || level_[v] != level_[u] + 1) continue;
    const double pushed = Push(v, t, std::min(limit, cap_[e]));
    if (pushed > eps_) {
      cap_[e] -= pushed;
      cap_[e ^ 1] += pushed;
      return pushed;
    }
  }
  return 0;
}

}  // namespace backplan::prioritize_internal
