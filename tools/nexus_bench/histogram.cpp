// Log-linear bucketing: values below 128 map one-to-one; above, each power
// of two [2^k, 2^(k+1)) is split into 64 equal buckets.
#include "histogram.hpp"

#include <algorithm>
#include <cmath>

namespace nexus::bench {

namespace {

constexpr unsigned linear_bits = 6;            // 64 buckets per octave
constexpr uint64_t direct = 2u << linear_bits; // 0..127 stored exactly
constexpr unsigned max_shift = 34;             // up to 2^41 ns
constexpr size_t bucket_count = direct + max_shift * (direct / 2);

unsigned floor_log2(uint64_t v) {
  return 63u - static_cast<unsigned>(__builtin_clzll(v));
}

} // namespace

histogram::histogram() : counts_(bucket_count, 0) {
  // nop
}

size_t histogram::index_of(uint64_t value) {
  if (value < direct)
    return static_cast<size_t>(value);
  unsigned shift = floor_log2(value) - linear_bits;
  if (shift > max_shift)
    return bucket_count - 1;
  auto step = (value >> shift) - direct / 2; // in [0, 64)
  return static_cast<size_t>(direct + (shift - 1) * (direct / 2) + step);
}

uint64_t histogram::highest_of(size_t index) {
  if (index < direct)
    return index;
  auto rel = index - direct;
  unsigned shift = static_cast<unsigned>(rel / (direct / 2)) + 1;
  uint64_t step = rel % (direct / 2) + direct / 2;
  return ((step + 1) << shift) - 1;
}

void histogram::record(uint64_t value_ns) {
  ++counts_[index_of(value_ns)];
  ++count_;
  max_ = std::max(max_, value_ns);
  sum_ += static_cast<double>(value_ns);
}

void histogram::merge(const histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

uint64_t histogram::quantile(double q) const {
  if (count_ == 0)
    return 0;
  auto rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank)
      return std::min(highest_of(i), max_);
  }
  return max_;
}

double histogram::mean() const {
  return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_);
}

} // namespace nexus::bench
