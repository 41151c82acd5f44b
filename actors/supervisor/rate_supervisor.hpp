// The rate supervisor: one per node. It hands each connection the limiter
// of its user, spawning one on the user's first join, and stops a user's
// limiter when the user's last connection on this node is gone, so memory
// follows live users, not past ones.
//
// A connection's message sequence:
//   request(rate_supervisor, join_atom, user_id, user_rate, user_burst)
//     → caf::actor limiter  (actor_cast to user_limiter_actor)
//   then the limiter's own sequence (user_limiter.hpp): join, admit, ...
// If the limiter dies (admit answers an error), join again for a new one.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/supervisor/user_limiter.hpp"
#include "messages/type_ids.hpp"

namespace nexus::actors {

/// What the node's rate supervisor is spawned with.
struct rate_supervisor_options {
  /// Per-connection limits a limiter applies to a connection that admits
  /// without joining it first (a bug, but not one to crash on).
  rate_limit connection{config::defaults::free_plan.rate_per_sec,
                        config::defaults::free_plan.burst};
  /// Passed to every limiter; empty: steady_clock.
  clock_source now;
};

/// Typed interface of the rate supervisor. `join_atom` answers the user's
/// limiter (a `caf::actor`: typed handles have no type ID); `count_atom`
/// answers the number of live user limiters.
using rate_supervisor_actor = caf::typed_actor<
  caf::replies_to<atoms::join_atom, std::string, uint32_t,
                  uint32_t>::with<caf::actor>,
  caf::replies_to<atoms::count_atom>::with<uint64_t>>;

/// One user with live connections on this node.
struct rate_user {
  caf::actor limiter;
  /// Joined connections still alive.
  uint64_t connections = 0;
};

/// State: users by id, and reverse maps for down_msg.
struct rate_supervisor_state {
  static inline const char* name = "rate_supervisor";
  rate_supervisor_options options;
  std::unordered_map<std::string, rate_user> users;
  /// Joined connection → its user id.
  std::unordered_map<caf::actor_addr, std::string> connections;
  /// Live limiter → its user id.
  std::unordered_map<caf::actor_addr, std::string> limiters;
};

/// The behavior, for one node.
rate_supervisor_actor::behavior_type rate_supervisor(
  rate_supervisor_actor::stateful_pointer<rate_supervisor_state> self,
  rate_supervisor_options options);

} // namespace nexus::actors
