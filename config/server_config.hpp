// The server's configuration as plain structs with in-class defaults.
// Loaded once at start (config/loader.hpp), validated, immutable after.
#pragma once

#include <cstdint>
#include <string>

#include "config/defaults.hpp"

namespace nexus::config {

/// Shape of log lines.
enum class log_format { text, json };

/// CAF scheduler: `sharing` (one queue) or `stealing` (per-worker queues).
enum class scheduler_policy { sharing, stealing };

/// Per-connection protocol limits (PROTOCOL.md §6).
struct limits_config {
  uint64_t max_message_bytes = defaults::max_message_bytes;
  uint32_t max_json_depth = defaults::max_json_depth;
  uint64_t max_header_bytes = defaults::max_header_bytes;
  uint32_t handshake_timeout_ms = defaults::handshake_timeout_ms;
  uint32_t ping_interval_ms = defaults::ping_interval_ms;
  uint64_t outbound_queue_bytes = defaults::outbound_queue_bytes;
  uint32_t inbound_window = defaults::inbound_window;
};

/// Everything `nexus-server` reads from its file, environment and flags.
struct server_config {
  std::string bind = defaults::bind;
  uint16_t nexus_port = defaults::nexus_port;
  uint16_t neurograph_port = defaults::neurograph_port;
  std::string data_dir = defaults::data_dir;
  /// Development mode: anonymous connections allowed.
  bool dev = false;
  std::string log_level = defaults::log_level;
  log_format log_fmt = log_format::text;
  uint32_t io_threads = defaults::io_threads;
  uint32_t actor_threads = defaults::actor_threads;
  scheduler_policy policy = scheduler_policy::sharing;
  uint32_t drain_timeout_ms = defaults::drain_timeout_ms;
  limits_config limits;
};

} // namespace nexus::config
