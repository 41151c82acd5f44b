// The node's connection supervisor: monitors every connection actor (death
// is a message), answers how many are alive, and drains them on shutdown
// by asking each to close with 1001, replying once the last one is gone.
//
//   accepting ──(drain)──► draining ──(last down_msg)──► reply to drainers
#pragma once

#include <unordered_map>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/connection/connection.hpp"
#include "messages/type_ids.hpp"

namespace nexus::actors {

/// Typed interface of the connection supervisor.
using connection_supervisor_actor = caf::typed_actor<
  caf::reacts_to<atoms::attach_atom, caf::actor>,
  caf::replies_to<atoms::count_atom>::with<uint64_t>,
  caf::replies_to<atoms::drain_atom>::with<uint64_t>>;

/// State: the live connection actors and who waits for the drain.
struct connection_supervisor_state {
  static inline const char* name = "connection_supervisor";
  std::shared_ptr<const node_context> node;
  std::unordered_map<caf::actor_addr, caf::actor> children;
  bool draining = false;
  uint64_t drained = 0;
  std::vector<caf::typed_response_promise<uint64_t>> drain_waiters;
};

/// The behavior, for the connections of `node`.
connection_supervisor_actor::behavior_type connection_supervisor(
  connection_supervisor_actor::stateful_pointer<connection_supervisor_state>
    self,
  std::shared_ptr<const node_context> node);

} // namespace nexus::actors
