// Every default and limit of the server, named once with the reason for it.
// The config structs take their in-class defaults from here; docs/config.md
// lists the same values for users.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nexus::config {

/// Request limits of one plan (PROTOCOL.md §6).
struct plan_limits {
  /// A connection's token bucket: sustained rate and burst.
  uint32_t rate_per_sec;
  uint32_t burst;
  /// One bucket shared by all of a user's connections on this node.
  uint32_t user_rate_per_sec;
  uint32_t user_burst;
  /// Requests still running per connection before OVERLOADED.
  uint32_t max_in_flight;
};

} // namespace nexus::config

namespace nexus::config::defaults {

/// The Nexus seed's development URL is ws://localhost:8080/ws.
constexpr uint16_t nexus_port = 8080;

/// The NeuroGraph seed's URL is ws://localhost:8000/ws.
constexpr uint16_t neurograph_port = 8000;

/// Loopback: a fresh install must not expose a server to the network before
/// its operator chooses to (`--bind 0.0.0.0`).
constexpr const char* bind = "127.0.0.1";

/// Relative to the working directory, so `make run` needs no root paths.
constexpr const char* data_dir = "nexus-data";

/// spdlog level names; `info` keeps one line per connection.
constexpr const char* log_level = "info";

/// One Asio thread per core of the 2-core reference machine.
constexpr uint32_t io_threads = 2;

/// CAF starts max(cores, 4) workers unless told; 2 matches the machine.
constexpr uint32_t actor_threads = 2;

/// PITFALLS: the Beast→actor hand-off costs p50 117 µs with `stealing` and
/// 10.6 µs with `sharing`; docs/benchmarks.md has our own numbers.
constexpr const char* scheduler_policy = "sharing";

/// PROTOCOL.md §6: 1 MiB per message; larger closes the socket with 1009.
constexpr uint64_t max_message_bytes = 1048576;

/// PROTOCOL.md §6; nlohmann/json crashes copying very deep trees (PITFALLS).
constexpr uint32_t max_json_depth = 64;

/// PROTOCOL.md §6: a 4 KiB JWT in `?token=` plus browser headers must fit.
constexpr uint64_t max_header_bytes = 8192;

/// PROTOCOL.md §6: a client has 10 s to complete the upgrade (slowloris).
constexpr uint32_t handshake_timeout_ms = 10000;

/// PROTOCOL.md §6: server ping every 30 s; close after 2 silent intervals.
constexpr uint32_t ping_interval_ms = 30000;

/// PROTOCOL.md §6: 4 MiB queued for one client; full → close 4008.
constexpr uint64_t outbound_queue_bytes = 4194304;

/// Frames handed to a connection actor and not yet handled; above this the
/// session stops reading (TCP back-pressure) instead of growing a mailbox.
constexpr uint32_t inbound_window = 64;

/// SIGTERM: time to say 1001 to every WebSocket before the process exits.
constexpr uint32_t drain_timeout_ms = 10000;

/// PROTOCOL.md §6: a JWT over 4 KiB is refused unread.
constexpr uint32_t max_token_bytes = 4096;

/// PROTOCOL.md §6: a write that makes no progress for 10 s closes the
/// connection (a peer that stopped reading entirely).
constexpr uint32_t write_stall_ms = 10000;

/// PROTOCOL.md §6: 1,000 WebSockets per remote address; more get 503.
constexpr uint32_t connections_per_address = 1000;

/// PROTOCOL.md §6: 50 handshakes per second per remote address.
constexpr uint32_t handshakes_per_address = 50;

/// PROTOCOL.md §6: 10,000 executions in flight per node → OVERLOADED.
constexpr uint32_t node_in_flight = 10000;

/// `retry_after_ms` sent with OVERLOADED: work in flight ends at an unknown
/// time, so this is a hint, about the time a short execution takes.
constexpr uint32_t overloaded_retry_ms = 1000;

/// The example of sustained abuse: 100 rejections within 10 s close
/// the connection with 1008.
constexpr uint32_t abuse_rejections = 100;
constexpr uint32_t abuse_window_ms = 10000;

/// The HS algorithm of `auth.jwt_secret` unless configured.
constexpr const char* jwt_algorithm = "HS256";

/// PROTOCOL.md §4: `nbf`/`iat`/`exp` honoured with 30 s of clock skew.
constexpr uint32_t jwt_leeway_s = 30;

/// The issue: `auth.expiring` goes out 60 s before the token's `exp`.
constexpr uint32_t expiry_warning_ms = 60000;

/// Plan limits: {rate/s, burst, user rate/s, user burst, in flight}. The
/// free plan is PROTOCOL.md §6 (10/s burst 20, 50/s per user, 16 in flight;
/// a user's burst is 2 s of its rate, like the connection's). Paid plans
/// scale by 5× and 20×.
constexpr plan_limits free_plan{10, 20, 50, 100, 16};
constexpr plan_limits pro_plan{50, 100, 250, 500, 64};
constexpr plan_limits enterprise_plan{200, 400, 1000, 2000, 256};

/// PROTOCOL.md §1: `client_id` and `request_id` are 1–128 characters.
constexpr std::size_t max_id_chars = 128;

} // namespace nexus::config::defaults
