// The contract between net/ and the layers above it. net/ moves frames and
// close codes; it knows nothing of CAF or of message contents. The layer
// above supplies `server_hooks` and receives frames through `inbound_sink`;
// it writes through `outbound`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spdlog {
class logger;
} // namespace spdlog

namespace nexus::metrics {
class family;
} // namespace nexus::metrics

namespace nexus::net {

/// An encoded frame, shared by every queue it is written to.
using frame_ptr = std::shared_ptr<const std::string>;

/// Write side of one WebSocket, safe to call from any thread. All calls are
/// posted onto the session's strand; after the socket is gone they do
/// nothing.
class outbound {
public:
  virtual ~outbound() = default;

  /// Queues one text frame. Over the byte bound the connection is closed
  /// with 4008 (slow consumer).
  virtual void send(frame_ptr frame) = 0;

  /// Sends everything queued, then a close frame with `code` and `reason`.
  virtual void close(uint16_t code, std::string reason) = 0;

  /// Returns one unit of the inbound window: a frame was handled, so the
  /// session may read again if it had paused.
  virtual void frame_done() = 0;
};

/// Read side of one WebSocket. Called on the session's strand only.
class inbound_sink {
public:
  /// Destroyed together with the session (the socket is gone by then).
  virtual ~inbound_sink() = default;

  /// One complete text or binary message.
  virtual void on_frame(std::string text) = 0;

  /// The connection's logger (named by its id), so net's lines about the
  /// connection carry the same id as the actor's.
  virtual spdlog::logger& log() const = 0;
};

/// What the upgrade request said, for the layer that accepts it.
struct upgrade_request {
  /// Request target with every `token` query value replaced by `REDACTED`.
  std::string target_redacted;
  /// Decoded query parameters (first occurrence wins).
  std::map<std::string, std::string> query;
  std::string authorization;
  std::string origin;
  std::string remote_address;
  uint16_t remote_port = 0;
  /// Port of the listener that accepted the socket.
  uint16_t local_port = 0;
  /// The subprotocol echoed to the client; empty when none was selected.
  std::string subprotocol;
  /// Name of the listener (`nexus`, `neurograph`).
  std::string listener;
};

/// A plain HTTP answer for non-WebSocket paths.
struct http_answer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

/// Per-listener settings.
struct listener_options {
  std::string name;
  std::string bind = "127.0.0.1";
  uint16_t port = 0;
  /// Subprotocols this listener can select, checked in the client's order.
  std::vector<std::string> subprotocols;
  uint64_t max_header_bytes = 8192;
  std::chrono::milliseconds handshake_timeout{10000};
  uint64_t max_message_bytes = 1048576;
  std::chrono::milliseconds ping_interval{30000};
  uint64_t outbound_queue_bytes = 4194304;
  uint32_t inbound_window = 64;
};

/// Why a connection never became a WebSocket (metrics label values).
enum class handshake_failure : uint8_t {
  timeout,          ///< no complete request within the deadline
  header_too_large, ///< 431
  bad_request,      ///< unparsable HTTP or WebSocket handshake
  not_upgrade,      ///< 426: plain GET on /ws
  not_found,        ///< 404
  draining,         ///< 503 while shutting down
  io_error,         ///< the peer went away
};

/// Label values for `handshake_failure`, in enum order.
const std::vector<std::string>& handshake_failure_names();

/// What the layer above provides to every listener.
struct server_hooks {
  /// Called on the session's strand once the upgrade completed. Returns the
  /// sink for the connection's frames; the session owns it.
  std::function<std::unique_ptr<inbound_sink>(const upgrade_request&,
                                              std::shared_ptr<outbound>)>
    on_upgrade;
  /// Answers a plain `GET` for any path but `/ws`; nullopt → 404.
  std::function<std::optional<http_answer>(std::string_view path)> on_http;
  /// False while draining: upgrades are refused with 503, and one that
  /// completes anyway is closed with 1001 without reaching on_upgrade.
  std::function<bool()> accepting;
  /// Counts refused handshakes by reason (label values as above); optional.
  metrics::family* handshake_failures = nullptr;
  /// Gauge of WebSocket sessions alive in net, from the upgrade request
  /// until the socket is gone (a drain waits for it to reach 0); optional.
  metrics::family* sessions = nullptr;
};

} // namespace nexus::net
