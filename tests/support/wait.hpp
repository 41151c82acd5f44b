// Deadline-bounded polling for integration tests: wait for an observable
// condition (a metric value, an fd count) instead of sleeping a fixed time.
#pragma once

#include <chrono>
#include <thread>

namespace nexus::test {

using namespace std::chrono_literals;

/// Milliseconds, the unit every deadline in the support library uses.
using millis = std::chrono::milliseconds;

/// Evaluates `pred` until it returns true or `deadline` has passed; between
/// two evaluations waits `interval`. Returns the last result of `pred`, so the
/// caller can assert on it. `pred` is always evaluated at least once and once
/// more after the deadline, so a condition that became true late still counts.
template <class Predicate>
bool poll_until(Predicate&& pred, millis deadline, millis interval = 20ms) {
  auto const end = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < end) {
    if (pred())
      return true;
    std::this_thread::sleep_for(interval);
  }
  return pred();
}

} // namespace nexus::test
