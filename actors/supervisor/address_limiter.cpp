// address_limiter: slots are RAII tickets; idle addresses are swept.
#include "actors/supervisor/address_limiter.hpp"

namespace nexus::actors {

namespace {

/// How often idle entries are swept. An entry is idle when it holds no
/// socket and its bucket has refilled; forgetting it then changes nothing.
constexpr auto sweep_period = std::chrono::seconds{10};

} // namespace

address_limiter::address_limiter(uint32_t max_connections,
                                 uint32_t handshakes_per_sec)
  : max_connections_(max_connections),
    handshakes_per_sec_(static_cast<double>(handshakes_per_sec)),
    last_sweep_(clock::now()) {
}

address_limiter::result
address_limiter::try_admit(const std::string& address, clock::time_point now) {
  std::lock_guard<std::mutex> guard{mu_};
  forget_idle(now);
  auto i = entries_.find(address);
  if (i == entries_.end())
    i = entries_
          .emplace(address,
                   entry{0, token_bucket{handshakes_per_sec_,
                                         handshakes_per_sec_, now}})
          .first;
  auto& e = i->second;
  if (e.open >= max_connections_)
    return {verdict::too_many_connections, nullptr};
  if (!e.handshakes.try_take(now))
    return {verdict::too_many_handshakes, nullptr};
  ++e.open;
  // The ticket keeps the limiter alive: a session may outlive the node's
  // reference during shutdown.
  auto self = shared_from_this();
  auto release = [self, address](void*) { self->release(address); };
  return {verdict::admitted, std::shared_ptr<void>{nullptr, release}};
}

uint32_t address_limiter::open_count(const std::string& address) const {
  std::lock_guard<std::mutex> guard{mu_};
  auto i = entries_.find(address);
  return i == entries_.end() ? 0 : i->second.open;
}

std::size_t address_limiter::tracked() const {
  std::lock_guard<std::mutex> guard{mu_};
  return entries_.size();
}

void address_limiter::release(const std::string& address) {
  std::lock_guard<std::mutex> guard{mu_};
  if (auto i = entries_.find(address); i != entries_.end() && i->second.open)
    --i->second.open;
}

void address_limiter::forget_idle(clock::time_point now) {
  if (now - last_sweep_ < sweep_period)
    return;
  last_sweep_ = now;
  for (auto i = entries_.begin(); i != entries_.end();) {
    auto& e = i->second;
    bool refilled = e.handshakes.wait_time(now).count() == 0
                    && e.handshakes.tokens() >= handshakes_per_sec_;
    i = e.open == 0 && refilled ? entries_.erase(i) : std::next(i);
  }
}

} // namespace nexus::actors
