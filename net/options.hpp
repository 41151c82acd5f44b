// Per-listener settings and the label values of net's counters. Every
// default here matches config/defaults.hpp, where each has its reason.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nexus::net {

/// Per-listener settings.
struct listener_options {
  std::string name;
  std::string bind = "127.0.0.1";
  uint16_t port = 0;
  /// Subprotocols this listener can select, checked in the client's order.
  std::vector<std::string> subprotocols;
  uint64_t max_header_bytes = 8192;
  /// From accept to the 101: TLS handshake, request and upgrade together.
  /// Also bounds a close (or TLS shutdown) the peer does not complete.
  std::chrono::milliseconds handshake_timeout{10000};
  uint64_t max_message_bytes = 1048576;
  std::chrono::milliseconds ping_interval{30000};
  /// Bytes of frames a session holds (posted, queued and in flight).
  uint64_t outbound_queue_bytes = 4194304;
  uint32_t inbound_window = 64;
  /// PROTOCOL.md §6 ("one write stuck 10 s → close"), per frame: when the
  /// frame being written is not wholly in the kernel's send buffer this
  /// long after its write began, the socket is closed at once (no close
  /// handshake: that could not be written either), logged and counted as
  /// `forced_close::write_stall`. Each completed frame starts the clock
  /// anew for the next, so a client that keeps reading is never cut for
  /// a long queue; one frame must drain within it (1 MiB: ≥ 100 KiB/s).
  /// A close frame is bounded by `handshake_timeout` instead.
  std::chrono::milliseconds write_stall_timeout{10000};
  /// PEM certificate chain and PEM private key (unencrypted). Both set:
  /// the listener speaks only TLS (wss://, https://); both empty: plain.
  std::string tls_cert_file;
  std::string tls_key_file;
};

/// Why a connection never became a WebSocket (metrics label values).
enum class handshake_failure : uint8_t {
  timeout,          ///< no complete request within the deadline
  header_too_large, ///< 431
  bad_request,      ///< unparsable HTTP or WebSocket handshake (400)
  not_upgrade,      ///< 426: plain GET on /ws
  not_found,        ///< 404
  draining,         ///< 503 while shutting down
  io_error,         ///< the peer went away
  unauthorized,     ///< admission refused with 401
  forbidden,        ///< admission refused with 403 (e.g. a bad Origin)
  over_limit,       ///< admission refused with 429 or 503
  refused,          ///< admission refused with any other status
  tls,              ///< the TLS handshake failed
};

/// Label values for `handshake_failure`, in enum order.
const std::vector<std::string>& handshake_failure_names();

/// Why net itself ended an established WebSocket (metrics label values).
enum class forced_close : uint8_t {
  slow_consumer, ///< outbound bytes over the bound: close 4008
  write_stall,   ///< one frame unwritten for write_stall_timeout: torn down
};

/// Label values for `forced_close`, in enum order.
const std::vector<std::string>& forced_close_names();

} // namespace nexus::net
