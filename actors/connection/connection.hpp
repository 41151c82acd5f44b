// The connection actor: one per WebSocket, spawned at upgrade, gone when
// the socket is gone. It decodes each frame in its dialect, routes it by
// type through a handler table, tracks requests in flight (CONFLICT) and
// writes encoded replies through the session's `outbound` handle.
//
//   spawn ──► running ──(closed)──────────────► quit
//                │  └──(drain)─► close 1001 ──(closed)──► quit
//                └─(exception)─► close 1011 ─► quit
#pragma once

#include <array>
#include <memory>
#include <string>
#include <unordered_set>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/logger.h>

#include "messages/catalog.hpp"
#include "messages/codec.hpp"
#include "messages/type_ids.hpp"
#include "net/hooks.hpp"

namespace nexus::actors {

struct node_metrics;

/// The connection actor's typed interface.
using connection_actor = caf::typed_actor<
  caf::reacts_to<atoms::frame_atom, std::string>,
  caf::reacts_to<atoms::closed_atom>,
  caf::reacts_to<atoms::drain_atom>>;

struct connection_state;

/// Pointer handed to request handlers.
using connection_ptr = connection_actor::stateful_pointer<connection_state>;

/// Whether a handler answered, or the request stays in flight until a
/// later message answers it (and calls `connection_state::finish`).
enum class handled { done, pending };

/// A request handler: answers through `self->state` and says whether the
/// request is still in flight.
using handler_fn = handled (*)(connection_ptr self, messages::request& req);

/// The routing table: request kind → handler (nullptr: not implemented,
/// answered UNKNOWN_MESSAGE_TYPE).
struct route_table {
  std::array<handler_fn, messages::request_kind_count> handlers{};
};

/// What the node gives every connection; outlives all connection actors.
struct node_context {
  std::string node_id;
  messages::server_info info;
  messages::decode_limits decode;
  uint64_t max_message_bytes = 0;
  uint32_t ping_interval_ms = 0;
  node_metrics* metrics = nullptr;
  route_table routes;
};

/// Who is on the other end of one socket.
struct connection_params {
  messages::dialect dialect = messages::dialect::nexus;
  std::string connection_id;
  std::string client_id;
  std::string user_id = "anonymous";
  std::shared_ptr<net::outbound> out;
  std::shared_ptr<const node_context> node;
  std::shared_ptr<spdlog::logger> log;
  /// Monitored: when it is gone the node is stopping (close with 1001).
  caf::actor supervisor;
};

/// State of one connection actor.
struct connection_state {
  static inline const char* name = "connection";

  connection_state() = default;
  connection_state(const connection_state&) = delete;
  connection_state& operator=(const connection_state&) = delete;
  ~connection_state();

  connection_params params;
  /// Request ids whose answer has not been sent yet.
  std::unordered_set<std::string> in_flight;
  bool counted = false;

  /// Sends a successful reply of `type` answering `request_id`.
  void reply(std::string_view type, std::string_view request_id,
             const nlohmann::json& payload);
  /// Sends an event not caused by a request.
  void event(std::string_view type, const nlohmann::json& payload);
  /// Sends an `error` answering `request_id` (may be empty).
  void fail(std::string_view request_id, messages::error_body err);
  /// Ends the in-flight state of a pending request.
  void finish(const std::string& request_id) { in_flight.erase(request_id); }

private:
  void write(std::string_view type, std::string text);
};

/// The behavior; `p.out`, `p.node` and `p.log` must be set.
connection_actor::behavior_type connection(connection_ptr self,
                                           connection_params p);

} // namespace nexus::actors
