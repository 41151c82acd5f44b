// A small HDR-style latency histogram: log-linear buckets with 64 linear
// steps per power of two (relative error below 1.6 %), fixed memory, O(1)
// record, mergeable across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nexus::bench {

/// Latencies in nanoseconds, from 0 to about 2^40 ns (18 minutes).
class histogram {
public:
  histogram();

  /// Adds one observation (values past the range land in the last bucket).
  void record(uint64_t value_ns);

  /// Adds every observation of `other`.
  void merge(const histogram& other);

  /// The smallest recorded value at or above the `q` quantile (0 < q ≤ 1),
  /// reported as the highest value of its bucket (like HdrHistogram).
  uint64_t quantile(double q) const;

  uint64_t count() const { return count_; }

  uint64_t max() const { return max_; }

  /// Arithmetic mean in nanoseconds (0 when empty).
  double mean() const;

private:
  static std::size_t index_of(uint64_t value);
  static uint64_t highest_of(std::size_t index);

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t max_ = 0;
  double sum_ = 0;
};

} // namespace nexus::bench
