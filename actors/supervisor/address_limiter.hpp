// Per-remote-address limits at the WebSocket handshake: how many sockets an
// address holds open and how fast it may open new ones (PROTOCOL.md §6).
// Pure policy with a mutex, because net's I/O threads call it before any
// actor exists; time is passed in so tests drive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "actors/supervisor/token_bucket.hpp"

namespace nexus::actors {

/// Counts open sockets and handshake rate per remote address.
class address_limiter
  : public std::enable_shared_from_this<address_limiter> {
public:
  using clock = token_bucket::clock;

  /// Why an address was refused.
  enum class verdict { admitted, too_many_connections, too_many_handshakes };

  /// What try_admit returns: the verdict and, when admitted, a ticket that
  /// holds one connection slot until it is destroyed.
  struct result {
    verdict v = verdict::admitted;
    std::shared_ptr<void> ticket;
  };

  /// `max_connections` open at once and `handshakes_per_sec` new ones per
  /// second (burst: one second's worth) per address.
  address_limiter(uint32_t max_connections, uint32_t handshakes_per_sec);

  /// Takes a handshake token and a connection slot for `address`, or
  /// neither.
  result try_admit(const std::string& address, clock::time_point now);

  /// Sockets `address` holds open now.
  uint32_t open_count(const std::string& address) const;

  /// Addresses tracked (bounded: idle ones are forgotten).
  std::size_t tracked() const;

private:
  struct entry {
    uint32_t open = 0;
    token_bucket handshakes;
  };

  void release(const std::string& address);
  void forget_idle(clock::time_point now);

  uint32_t max_connections_;
  double handshakes_per_sec_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, entry> entries_;
  clock::time_point last_sweep_;
};

} // namespace nexus::actors
