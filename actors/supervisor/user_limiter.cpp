// User limiter: the user's bucket and one bucket per connection.
#include "actors/supervisor/user_limiter.hpp"

#include <algorithm>
#include <limits>

#include <caf/all.hpp>

namespace nexus::actors {

namespace {

using self_ptr = user_limiter_actor::stateful_pointer<user_limiter_state>;
using time_point = token_bucket::clock::time_point;

token_bucket make_bucket(rate_limit limit, time_point now) {
  return token_bucket{static_cast<double>(limit.rate_per_sec),
                      static_cast<double>(limit.burst), now};
}

/// The bucket of the sending connection, registered on first sight with
/// `limit` (and monitored, so its down_msg drops the bucket). A connection
/// that joins again keeps its bucket: re-joining must not refill it.
token_bucket& bucket_of(self_ptr self, const caf::strong_actor_ptr& sender,
                        rate_limit limit) {
  auto& st = self->state;
  auto addr = caf::actor_cast<caf::actor_addr>(sender);
  auto i = st.connections.find(addr);
  if (i != st.connections.end())
    return i->second;
  self->monitor(sender);
  return st.connections.emplace(addr, make_bucket(limit, st.now()))
    .first->second;
}

/// A wait in the reply's unit; "never" becomes the largest reply.
uint32_t to_retry_ms(std::chrono::milliseconds wait) {
  constexpr auto most = std::numeric_limits<uint32_t>::max();
  if (wait.count() >= static_cast<long long>(most))
    return most;
  return static_cast<uint32_t>(std::max<long long>(1, wait.count()));
}

} // namespace

token_bucket::clock::time_point user_limiter_state::now() const {
  return limits.now ? limits.now() : token_bucket::clock::now();
}

user_limiter_actor::behavior_type user_limiter(self_ptr self,
                                               user_limits limits) {
  auto& st = self->state;
  st.limits = std::move(limits);
  st.user = make_bucket(st.limits.user, st.now());
  self->set_down_handler([self](caf::down_msg& dm) {
    self->state.connections.erase(dm.source);
  });
  return {
    [self](atoms::join_atom, uint32_t rate_per_sec, uint32_t burst) {
      auto& sender = self->current_sender();
      if (sender)
        bucket_of(self, sender, rate_limit{rate_per_sec, burst});
    },
    [self](atoms::admit_atom) -> caf::result<uint32_t> {
      auto& sender = self->current_sender();
      if (!sender) // No one to key a bucket by, nor to answer.
        return caf::sec::invalid_argument;
      auto& st = self->state;
      auto& conn = bucket_of(self, sender, st.limits.connection);
      auto now = st.now();
      auto wait = std::max(st.user->wait_time(now), conn.wait_time(now));
      if (wait.count() != 0)
        return to_retry_ms(wait);
      st.user->take(now);
      conn.take(now);
      return uint32_t{0};
    },
    [self](atoms::count_atom) {
      return static_cast<uint64_t>(self->state.connections.size());
    },
  };
}

} // namespace nexus::actors
