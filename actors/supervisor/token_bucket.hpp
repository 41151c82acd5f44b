// A token bucket: the pure policy behind every request-rate limit. No clock
// of its own and no threads: the caller passes `now`, so tests drive time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>

namespace nexus::actors {

/// Refills `rate` tokens per second up to `burst`; each request takes one.
/// A bucket starts full. A rate of zero or a burst below one never grants.
class token_bucket {
public:
  using clock = std::chrono::steady_clock;

  token_bucket(double rate_per_sec, double burst, clock::time_point now)
    : rate_(std::max(0.0, rate_per_sec)),
      burst_(std::max(0.0, burst)),
      tokens_(burst_),
      last_(now) {
  }

  /// Time until one token is available: zero when one is there now. The
  /// smallest whole number of milliseconds after which this bucket grants,
  /// so waiting exactly this long succeeds and 1 ms less does not.
  /// `milliseconds::max()` when the bucket never grants.
  std::chrono::milliseconds wait_time(clock::time_point now) {
    using std::chrono::milliseconds;
    refill(now);
    if (has_token(tokens_))
      return milliseconds{0};
    if (rate_ <= 0.0 || burst_ < 1.0)
      return milliseconds::max();
    // A first guess; then the exact answer by the arithmetic refill() uses.
    // Tokens accrue from last_ only, should `now` be earlier.
    auto behind = std::chrono::duration<double, std::milli>(last_ - now);
    auto guess = std::ceil((1.0 - tokens_) * 1000.0 / rate_
                           + std::max(0.0, behind.count()));
    if (guess >= max_wait_ms)
      return milliseconds::max();
    auto ms = std::max<long long>(1, static_cast<long long>(guess));
    while (!grants_after(now, ms))
      ++ms;
    while (ms > 1 && grants_after(now, ms - 1))
      --ms;
    return milliseconds{ms};
  }

  /// Takes one token; call only after wait_time(now) returned zero.
  void take(clock::time_point now) {
    refill(now);
    tokens_ = std::max(0.0, tokens_ - 1.0);
  }

  /// Takes one token if there is one; otherwise leaves the bucket as is.
  bool try_take(clock::time_point now) {
    if (wait_time(now).count() != 0)
      return false;
    take(now);
    return true;
  }

  /// Tokens available at the last refill (for metrics and the console).
  double tokens() const noexcept {
    return tokens_;
  }

private:
  /// Rounding of many small refills may leave 0.999999999999 tokens where
  /// the arithmetic says 1; a billionth of a token is never a real request.
  static constexpr double slack = 1e-9;

  /// Waits beyond ~31 years are "never" (and would overflow time points).
  static constexpr double max_wait_ms = 1e12;

  static bool has_token(double tokens) noexcept {
    return tokens >= 1.0 - slack;
  }

  double gain(clock::duration elapsed) const noexcept {
    return std::chrono::duration<double>(elapsed).count() * rate_;
  }

  double level_at(clock::time_point now) const noexcept {
    if (now <= last_)
      return tokens_;
    return std::min(burst_, tokens_ + gain(now - last_));
  }

  bool grants_after(clock::time_point now, long long ms) const noexcept {
    return has_token(level_at(now + std::chrono::milliseconds{ms}));
  }

  void refill(clock::time_point now) {
    if (now <= last_)
      return;
    tokens_ = level_at(now);
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  clock::time_point last_;
};

} // namespace nexus::actors
