// Helpers for the rate-limit actor tests: a clock the test advances by hand
// (so bucket arithmetic is exact, with no sleeps) and bounded round trips
// playing a connection's side of the limiter protocol.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <caf/all.hpp>

#include "actors/supervisor/user_limiter.hpp"
#include "messages/type_ids.hpp"

namespace nexus::test {

/// A steady time that only moves when the test says so. Limiters read it
/// on their own threads; each read follows a message the test sent after
/// advancing, so an atomic is all the synchronisation needed.
class manual_clock {
public:
  using time_point = actors::token_bucket::clock::time_point;

  /// The source to spawn limiters with.
  actors::clock_source source() const {
    return [ns = ns_, start = start_] {
      return start + std::chrono::nanoseconds{ns->load()};
    };
  }

  void advance(std::chrono::nanoseconds d) {
    ns_->fetch_add(d.count());
  }

private:
  std::shared_ptr<std::atomic<int64_t>> ns_
    = std::make_shared<std::atomic<int64_t>>(0);
  time_point start_ = actors::token_bucket::clock::now();
};

/// Bound on every round trip; nothing here takes more than microseconds.
constexpr auto reply_deadline = std::chrono::seconds{2};

/// `conn` registers with `limiter` as a connection would.
inline void join(caf::scoped_actor& conn,
                 const actors::user_limiter_actor& limiter,
                 uint32_t rate_per_sec, uint32_t burst) {
  conn->send(limiter, atoms::join_atom_v, rate_per_sec, burst);
}

/// The limiter's answer to one admit from `conn`: 0 or retry_after_ms;
/// nullopt on an error or no answer within the deadline.
inline std::optional<uint32_t>
admit(caf::scoped_actor& conn, const actors::user_limiter_actor& limiter) {
  std::optional<uint32_t> result;
  conn->request(limiter, reply_deadline, atoms::admit_atom_v)
    .receive([&](uint32_t retry_ms) { result = retry_ms; },
             [](caf::error&) {});
  return result;
}

/// How many of `n` admits from `conn` in a row were admitted.
inline int admitted_of(caf::scoped_actor& conn,
                       const actors::user_limiter_actor& limiter, int n) {
  int admitted = 0;
  for (int i = 0; i < n; ++i)
    if (admit(conn, limiter) == uint32_t{0})
      ++admitted;
  return admitted;
}

/// Asks `who` for its count_atom answer; nullopt on error or timeout.
template <class Handle>
std::optional<uint64_t> count_of(caf::scoped_actor& self, const Handle& who) {
  std::optional<uint64_t> result;
  self->request(who, reply_deadline, atoms::count_atom_v)
    .receive([&](uint64_t n) { result = n; }, [](caf::error&) {});
  return result;
}

/// Asks `who` for its count until it equals `expected`, for at most
/// `timeout`: its down_msg handling is asynchronous to the test thread.
template <class Handle>
bool count_becomes(caf::scoped_actor& self, const Handle& who,
                   uint64_t expected,
                   std::chrono::milliseconds timeout = reply_deadline) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (count_of(self, who) != expected)
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
  return true;
}

} // namespace nexus::test
