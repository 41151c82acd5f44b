// Every default and limit of the server, named once with the reason for it.
// The config structs take their in-class defaults from here; docs/config.md
// lists the same values for users.
#pragma once

#include <cstddef>
#include <cstdint>

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

/// PROTOCOL.md §1: `client_id` and `request_id` are 1–128 characters.
constexpr std::size_t max_id_chars = 128;

} // namespace nexus::config::defaults
