// The connection actor: one per WebSocket, spawned at upgrade (after the
// token was verified), gone when the socket is gone. It joins its user's
// rate limiter, decodes each frame in its dialect, asks the limiter to admit
// it (heartbeat is exempt), routes it by type through a handler table,
// tracks requests in flight (CONFLICT, OVERLOADED) and writes encoded
// replies through the session's `outbound` handle. Timers warn before the
// JWT expires and close 1008 when it has.
//
//   spawn ─(join limiter)─► running ──(closed)─────────────────► quit
//                            │  ├──(drain)─► close 1001 ─(closed)─► quit
//                            │  ├──(token expired / abuse)─► close 1008
//                            └─(exception)─► close 1011 ─► quit
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <spdlog/logger.h>

#include "actors/supervisor/abuse_counter.hpp"
#include "actors/supervisor/user_limiter.hpp"
#include "auth/jwt_verifier.hpp"
#include "config/server_config.hpp"
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
  caf::reacts_to<atoms::drain_atom>,
  caf::reacts_to<atoms::expiring_atom, uint64_t>,
  caf::reacts_to<atoms::expired_atom, uint64_t>>;

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
  /// Connections without a token are let in as `anonymous` (plan free).
  bool anonymous = false;
  /// Verifies tokens at upgrade and in `auth.refresh`; null: no keys.
  std::shared_ptr<const auth::jwt_verifier> verifier;
  /// A connection ends when its token stops verifying: at exp + leeway.
  uint32_t leeway_s = config::defaults::jwt_leeway_s;
  /// `auth.expiring` goes out this long before that end.
  uint32_t expiry_warning_ms = config::defaults::expiry_warning_ms;
  config::plans_config plans;
  uint32_t abuse_rejections = config::defaults::abuse_rejections;
  uint32_t abuse_window_ms = config::defaults::abuse_window_ms;
  uint32_t node_in_flight = config::defaults::node_in_flight;
  uint32_t overloaded_retry_ms = config::defaults::overloaded_retry_ms;
  /// Requests running on the whole node (shared by every connection).
  std::shared_ptr<std::atomic<uint32_t>> running_on_node
    = std::make_shared<std::atomic<uint32_t>>(0);
  /// Hands out each user's limiter; none (tests): nothing is rate limited.
  caf::actor rate_supervisor;
};

/// The limits of `p` on this node.
const config::plan_limits& limits_of(const node_context& node, auth::plan p);

/// Who is on the other end of one socket.
struct connection_params {
  messages::dialect dialect = messages::dialect::nexus;
  std::string connection_id;
  std::string client_id;
  /// Who the token says this is (`anonymous`, plan free, without one).
  auth::identity who{"anonymous", auth::plan::free, {}, false, {}};
  /// No token was presented: rate limits are per connection only.
  bool anonymous = false;
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
  /// Request ids whose answer has not been sent yet (being admitted or
  /// running).
  std::unordered_set<std::string> in_flight;
  /// Requests whose handler returned `pending` and did not finish yet.
  uint32_t running = 0;
  bool counted = false;
  /// This user's limiter on this node (null without a rate supervisor).
  user_limiter_actor limiter;
  /// Rate-limit rejections; sustained abuse closes 1008.
  abuse_counter abuse{1, std::chrono::milliseconds{1}};
  /// Bumped by every accepted token, so timers of an older one are ignored.
  uint64_t token_generation = 0;

  /// Sends a successful reply of `type` answering `request_id`.
  void reply(std::string_view type, std::string_view request_id,
             const nlohmann::json& payload);
  /// Sends an event not caused by a request.
  void event(std::string_view type, const nlohmann::json& payload);
  /// Sends an `error` answering `request_id` (may be empty).
  void fail(std::string_view request_id, messages::error_body err);
  /// Ends a pending request: every handler that returned `pending` calls
  /// this exactly once, when it sent the request's last answer.
  void finish(const std::string& request_id);

  /// Sends AUTHENTICATION_FAILED (`reason` in details) and closes 1008.
  void refuse_auth(std::string_view request_id, std::string_view reason,
                   std::string message);

  /// Adopts a verified identity and arms its expiry timers.
  void adopt(connection_ptr self, auth::identity who);

private:
  void write(std::string_view type, std::string text,
             net::priority prio = net::priority::reply);
};

/// The behavior; `p.out`, `p.node` and `p.log` must be set.
connection_actor::behavior_type connection(connection_ptr self,
                                           connection_params p);

} // namespace nexus::actors
