// The server's configuration as plain structs with in-class defaults.
// Loaded once at start (config/loader.hpp), validated, immutable after.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  uint32_t token_bytes = defaults::max_token_bytes;
  uint32_t write_stall_ms = defaults::write_stall_ms;
  uint32_t connections_per_address = defaults::connections_per_address;
  uint32_t handshakes_per_address = defaults::handshakes_per_address;
  uint32_t node_in_flight = defaults::node_in_flight;
  uint32_t overloaded_retry_ms = defaults::overloaded_retry_ms;
  uint32_t abuse_rejections = defaults::abuse_rejections;
  uint32_t abuse_window_ms = defaults::abuse_window_ms;
};

/// One JWT verification key (`auth.keys[]`): an HS secret or a PEM public
/// key file, pinned to one algorithm.
struct jwt_key_config {
  /// Matches the token header's `kid`; empty: tokens without a `kid`.
  std::string kid;
  /// HS256, HS384, HS512, RS256 or ES256.
  std::string alg;
  /// The shared secret (HS* only).
  std::string secret;
  /// Path of a PEM public key (RS256/ES256 only).
  std::string public_key_file;

  friend bool operator==(const jwt_key_config& x, const jwt_key_config& y) {
    return x.kid == y.kid && x.alg == y.alg && x.secret == y.secret
           && x.public_key_file == y.public_key_file;
  }
};

/// JWT verification (PROTOCOL.md §4).
struct auth_config {
  /// Connections without a token are let in as `anonymous` (plan free).
  bool anonymous = false;
  /// HS secret for tokens without a `kid`; usually from NEXUS_JWT_SECRET.
  std::string jwt_secret;
  /// The one algorithm `jwt_secret` verifies.
  std::string jwt_algorithm = defaults::jwt_algorithm;
  std::vector<jwt_key_config> keys;
  /// Required `iss` / `aud`; empty: not checked.
  std::string issuer;
  std::string audience;
  bool require_exp = true;
  uint32_t leeway_s = defaults::jwt_leeway_s;
  uint32_t expiry_warning_ms = defaults::expiry_warning_ms;
  /// Refuse a bad token with HTTP 401 instead of upgrading first.
  bool refuse_before_upgrade = false;
};

/// Limits per plan, from the JWT's `plan` claim.
struct plans_config {
  plan_limits free = defaults::free_plan;
  plan_limits pro = defaults::pro_plan;
  plan_limits enterprise = defaults::enterprise_plan;
};

/// Who may open a WebSocket.
struct security_config {
  /// Exact `Origin` values allowed; empty: any (and requests without one).
  std::vector<std::string> allowed_origins;
};

/// `wss://`: one certificate for the listeners named in `listeners`.
struct tls_config {
  std::string cert_file;
  std::string key_file;
  std::vector<std::string> listeners{"nexus", "neurograph"};
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
  auth_config auth;
  plans_config plans;
  security_config security;
  tls_config tls;
};

} // namespace nexus::config
