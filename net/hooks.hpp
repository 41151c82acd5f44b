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

#include "net/options.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace nexus::metrics {
class family;
} // namespace nexus::metrics

namespace nexus::net {

/// An encoded frame, shared by every queue it is written to.
using frame_ptr = std::shared_ptr<const std::string>;

/// Write order class of a frame. Replies (and errors) go ahead of queued
/// events; a frame already being written is never interrupted, and frames
/// of one class keep their order.
enum class priority : uint8_t { reply, event };

/// Write side of one WebSocket, safe to call from any thread. All calls are
/// posted onto the session's strand; after the socket is gone they do
/// nothing.
class outbound {
public:
  virtual ~outbound() = default;

  /// Queues one text frame as a reply.
  virtual void send(frame_ptr frame) = 0;

  /// Queues one text frame of class `p`. Frames count against
  /// `outbound_queue_bytes` from this call until written; over it the
  /// connection is closed with 4008 (slow consumer). The default ignores
  /// `p`, for implementations without priorities (test doubles).
  virtual void send(frame_ptr frame, priority p) {
    (void) p;
    send(std::move(frame));
  }

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
  std::string host;
  /// True when the connection arrived over TLS (wss://).
  bool secure = false;
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

/// The answer of the admission hook. `refuse_status` 0 admits.
struct admission {
  /// HTTP status (4xx/5xx) to refuse with: 401, 403 and 429/503 are
  /// counted as unauthorized, forbidden and over_limit; others as refused.
  unsigned refuse_status = 0;
  /// Short text body of the refusal (a newline is added).
  std::string reason;
  /// Held by an admitted session until its socket is gone (RAII for
  /// per-address connection counts); dropped at once on refusal.
  std::shared_ptr<void> ticket;
};

/// What the layer above provides to every listener.
struct server_hooks {
  /// Called on the session's strand once the upgrade completed. Returns the
  /// sink for the connection's frames; the session owns it.
  std::function<std::unique_ptr<inbound_sink>(const upgrade_request&,
                                              std::shared_ptr<outbound>)>
    on_upgrade;
  /// Called on an I/O thread (any of them, concurrently) for a valid
  /// upgrade on /ws (key checked, not draining), before the 101 and
  /// before on_upgrade; must be quick, thread-safe and not throw. Empty:
  /// everything is admitted.
  std::function<admission(const upgrade_request&)> admit;
  /// Answers a plain `GET` for any path but `/ws`; nullopt → 404.
  std::function<std::optional<http_answer>(std::string_view path)> on_http;
  /// False while draining: upgrades are refused with 503, and one that
  /// completes anyway is closed with 1001 without reaching on_upgrade.
  std::function<bool()> accepting;
  /// Counts refused handshakes by reason (`handshake_failure_names()`);
  /// optional.
  metrics::family* handshake_failures = nullptr;
  /// Counts WebSockets net ended itself by reason (`forced_close_names()`);
  /// optional.
  metrics::family* forced_closes = nullptr;
  /// Gauge of WebSocket sessions alive in net, from the upgrade request
  /// until the socket is gone (a drain waits for it to reach 0); optional.
  metrics::family* sessions = nullptr;
};

} // namespace nexus::net
