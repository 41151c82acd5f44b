// The user limiter: one actor per user with live connections on this node.
// It holds the user's token bucket, shared by all of the user's connections
// (PROTOCOL.md §6 "requests per user"), and one bucket per connection
// ("requests per connection"). A request is admitted only when both buckets
// have a token; a refusal takes nothing from either.
//
// A connection's message sequence (after rate_supervisor's join reply):
//   send(limiter, join_atom, rate_per_sec, burst)   registers its bucket
//   request(limiter, admit_atom) → uint32_t        0 or retry_after_ms
// The limiter monitors each joined connection and forgets it on down_msg.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

#include <caf/actor_addr.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/supervisor/token_bucket.hpp"
#include "config/defaults.hpp"
#include "messages/type_ids.hpp"

namespace nexus::actors {

/// Sustained rate and burst of one token bucket.
struct rate_limit {
  uint32_t rate_per_sec = 0;
  uint32_t burst = 0;
};

/// Where limiters read the time: `steady_clock::now` when empty; tests
/// pass a clock they advance by hand.
using clock_source = std::function<token_bucket::clock::time_point()>;

/// What one user limiter is spawned with.
struct user_limits {
  /// The bucket all of the user's connections on this node share.
  rate_limit user{config::defaults::free_plan.user_rate_per_sec,
                  config::defaults::free_plan.user_burst};
  /// The bucket of a connection that admits without joining first.
  rate_limit connection{config::defaults::free_plan.rate_per_sec,
                        config::defaults::free_plan.burst};
  clock_source now;
};

/// Typed interface of a user limiter. `count_atom` answers the number of
/// connections it holds a bucket for.
using user_limiter_actor = caf::typed_actor<
  caf::reacts_to<atoms::join_atom, uint32_t, uint32_t>,
  caf::replies_to<atoms::admit_atom>::with<uint32_t>,
  caf::replies_to<atoms::count_atom>::with<uint64_t>>;

/// State: the user's bucket and one bucket per joined connection.
struct user_limiter_state {
  static inline const char* name = "user_limiter";
  user_limits limits;
  std::optional<token_bucket> user;
  std::unordered_map<caf::actor_addr, token_bucket> connections;

  /// The current time by `limits.now`.
  token_bucket::clock::time_point now() const;
};

/// The behavior, for one user with `limits`.
user_limiter_actor::behavior_type user_limiter(
  user_limiter_actor::stateful_pointer<user_limiter_state> self,
  user_limits limits);

} // namespace nexus::actors
