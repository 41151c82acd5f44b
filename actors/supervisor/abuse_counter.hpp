// Sustained-abuse detection: the pure policy that turns a stream of
// RATE_LIMIT_EXCEEDED rejections into "close this connection with 1008"
// (PROTOCOL.md §5). No clock of its own: the caller passes `now`.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace nexus::actors {

/// Counts rejections in a sliding window: abuse is `threshold` rejections
/// less than `window` apart (first to last). Remembers only the last
/// `threshold` rejections, so memory is fixed at construction.
class abuse_counter {
public:
  using clock = std::chrono::steady_clock;

  /// A threshold of 0 is taken as 1 (every rejection is abuse).
  abuse_counter(uint32_t threshold, clock::duration window)
    : times_(std::max<uint32_t>(1, threshold)), window_(window) {
  }

  /// Records one rejection at `now`; true while the last `threshold`
  /// rejections all fall within `window` of `now` (the caller closes the
  /// connection the first time it sees true).
  bool record_rejection(clock::time_point now) {
    times_[next_] = now;
    next_ = (next_ + 1) % times_.size();
    if (recorded_ < times_.size())
      ++recorded_;
    return abusive(now);
  }

  /// Rejections remembered (at most the threshold).
  std::size_t recorded() const noexcept {
    return recorded_;
  }

private:
  bool abusive(clock::time_point now) const {
    if (recorded_ < times_.size())
      return false;
    // Full ring: the slot written next holds the oldest of the last N.
    return now - times_[next_] < window_;
  }

  std::vector<clock::time_point> times_;
  clock::duration window_;
  std::size_t next_ = 0;
  std::size_t recorded_ = 0;
};

} // namespace nexus::actors
