// Test fixture for actors without sockets: a real threaded actor system, a
// recording `net::outbound` that stands where the WebSocket session would,
// and helpers that wait for frames with deadlines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include "actors/connection/connection.hpp"
#include "actors/connection/routes.hpp"
#include "actors/system/node_metrics.hpp"
#include "auth/jwt_verifier.hpp"
#include "net/hooks.hpp"

namespace nexus::test {

using namespace std::chrono_literals;

/// Records what an actor writes; thread-safe; waits have deadlines.
class recording_outbound final : public net::outbound {
public:
  void send(net::frame_ptr frame) override;
  void close(uint16_t code, std::string reason) override;
  void frame_done() override;

  /// The next frame as JSON, or nullopt after `timeout`.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = 2s);
  /// The close code, waiting up to `timeout`.
  std::optional<uint16_t> close_code(std::chrono::milliseconds timeout = 2s);
  /// Waits until `n` frames were acknowledged with frame_done().
  bool wait_done(int n, std::chrono::milliseconds timeout = 2s);

private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> frames_;
  std::optional<uint16_t> close_code_;
  int done_ = 0;
};

/// A handler that answers nothing: the request stays running (like an
/// execution) until a `release_request` names it.
actors::handled hold_request(actors::connection_ptr self,
                             messages::request& req);

/// Ends the running request named by `payload.execution_id` and answers
/// `execution_status`.
actors::handled release_request(actors::connection_ptr self,
                                messages::request& req);

/// Routes request kind `k` of `node` to `f`.
void route(actors::node_context& node, messages::request_kind k,
           actors::handler_fn f);

/// The error code of an `error` message in either dialect, "" for anything
/// else.
std::string error_code(const nlohmann::json& msg);

/// An actor system plus a node context like the server's.
struct actor_fixture {
  actor_fixture();
  ~actor_fixture();

  /// Spawns a connection actor of `d` writing into a new recorder.
  actors::connection_actor spawn_connection(
    messages::dialect d, std::shared_ptr<recording_outbound>& out,
    caf::actor supervisor = {});

  /// Spawns a connection actor for the user `who` said to be.
  actors::connection_actor spawn_connection(
    messages::dialect d, std::shared_ptr<recording_outbound>& out,
    auth::identity who);

  /// Waits for the down_msg of `who`; false after `timeout`.
  bool wait_down(const caf::actor_addr& who,
                 std::chrono::milliseconds timeout = 2s);

  /// Sends one text frame to `conn`.
  void frame(const actors::connection_actor& conn, std::string text);

  actors::node_metrics metrics;
  std::shared_ptr<actors::node_context> node;
  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
};

} // namespace nexus::test
