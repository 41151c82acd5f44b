// The settings table itself and lookups by JSON path and flag name. Ranges
// are the issue's; defaults come from server_config (config/defaults.hpp).
#include "config/settings.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

namespace nexus::config {

namespace {

using vt = value_type;

constexpr int64_t max_port = 65535;
constexpr int64_t max_threads = 64;

/// Points at one field of one plan: `plans.<plan>.<field>`.
template <plan_limits plans_config::*Plan, uint32_t plan_limits::*Field>
field plan_field(server_config& c) {
  return &(c.plans.*Plan.*Field);
}

/// The five rows of one plan; `name` is its JSON key and flag prefix.
#define NEXUS_PLAN_ROWS(name)                                                \
  {"plans." #name ".rate_per_sec", #name "-rate-per-sec", vt::integer, 1,    \
   1000000, "", "Requests per second one connection of this plan sustains.", \
   plan_field<&plans_config::name, &plan_limits::rate_per_sec>},             \
    {"plans." #name ".burst", #name "-burst", vt::integer, 1, 1000000, "",   \
     "Requests one connection of this plan may send at once.",               \
     plan_field<&plans_config::name, &plan_limits::burst>},                  \
    {"plans." #name ".user_rate_per_sec", #name "-user-rate-per-sec",        \
     vt::integer, 1, 10000000, "",                                           \
     "Requests per second of one user across its connections on a node.",   \
     plan_field<&plans_config::name, &plan_limits::user_rate_per_sec>},      \
    {"plans." #name ".user_burst", #name "-user-burst", vt::integer, 1,      \
     10000000, "", "Burst of one user across its connections on a node.",    \
     plan_field<&plans_config::name, &plan_limits::user_burst>},             \
    {"plans." #name ".max_in_flight", #name "-max-in-flight", vt::integer,   \
     1, 100000, "", "Requests running at once per connection (OVERLOADED).", \
     plan_field<&plans_config::name, &plan_limits::max_in_flight>}

constexpr std::string_view log_levels =
    "trace|debug|info|warn|error|critical|off";

// Columns: path, flag, type, min, max, choices, help, locate.
const setting table[] = {
    {"bind", "bind", vt::address, 0, 0, "",
     "Address to listen on: an IPv4 or IPv6 literal (no brackets).",
     [](server_config& c) -> field { return &c.bind; }},
    {"nexus_port", "nexus-port", vt::integer, 0, max_port, "",
     "Port of the Nexus WebSocket endpoint; 0 picks a free port.",
     [](server_config& c) -> field { return &c.nexus_port; }},
    {"neurograph_port", "neurograph-port", vt::integer, 0, max_port, "",
     "Port of the NeuroGraph endpoint; 0 picks a free port.",
     [](server_config& c) -> field { return &c.neurograph_port; }},
    {"data_dir", "data-dir", vt::text, 0, 0, "",
     "Data directory, relative to the working directory unless absolute.",
     [](server_config& c) -> field { return &c.data_dir; }},
    {"dev", "dev", vt::boolean, 0, 0, "",
     "Development mode: anonymous connections allowed.",
     [](server_config& c) -> field { return &c.dev; }},
    {"log.level", "log-level", vt::choice, 0, 0, log_levels,
     "Least severe log level written.",
     [](server_config& c) -> field { return &c.log_level; }},
    {"log.format", "log-format", vt::choice, 0, 0, "text|json",
     "Log lines as plain text or as one JSON object per line.",
     [](server_config& c) -> field { return &c.log_fmt; }},
    {"threads.io", "io-threads", vt::integer, 1, max_threads, "",
     "Asio threads running the WebSocket sessions.",
     [](server_config& c) -> field { return &c.io_threads; }},
    {"threads.actors", "actor-threads", vt::integer, 1, max_threads, "",
     "CAF scheduler worker threads.",
     [](server_config& c) -> field { return &c.actor_threads; }},
    {"threads.scheduler_policy", "scheduler-policy", vt::choice, 0, 0,
     "sharing|stealing",
     "CAF scheduler: one shared queue or per-worker queues.",
     [](server_config& c) -> field { return &c.policy; }},
    {"drain_timeout_ms", "drain-timeout-ms", vt::integer, 0, 600000, "",
     "On SIGTERM, time to close every WebSocket with 1001 before exiting.",
     [](server_config& c) -> field { return &c.drain_timeout_ms; }},
    {"limits.max_message_bytes", "max-message-bytes", vt::integer, 1024,
     67108864, "", "Largest WebSocket message; larger closes with 1009.",
     [](server_config& c) -> field { return &c.limits.max_message_bytes; }},
    {"limits.max_json_depth", "max-json-depth", vt::integer, 1, 1024, "",
     "Deepest JSON nesting a message may have.",
     [](server_config& c) -> field { return &c.limits.max_json_depth; }},
    {"limits.max_header_bytes", "max-header-bytes", vt::integer, 1024, 65536,
     "", "Largest handshake request (request line and headers).",
     [](server_config& c) -> field { return &c.limits.max_header_bytes; }},
    {"limits.handshake_timeout_ms", "handshake-timeout-ms", vt::integer, 100,
     600000, "", "Time a client has to complete the WebSocket upgrade.",
     [](server_config& c) -> field { return &c.limits.handshake_timeout_ms; }},
    {"limits.ping_interval_ms", "ping-interval-ms", vt::integer, 100, 3600000,
     "", "Server ping interval; 2 silent intervals close the socket.",
     [](server_config& c) -> field { return &c.limits.ping_interval_ms; }},
    {"limits.outbound_queue_bytes", "outbound-queue-bytes", vt::integer, 65536,
     1073741824, "", "Bytes queued for one client; full closes with 4008.",
     [](server_config& c) -> field { return &c.limits.outbound_queue_bytes; }},
    {"limits.inbound_window", "inbound-window", vt::integer, 1, 65536, "",
     "Frames handed to a connection actor before the session stops reading.",
     [](server_config& c) -> field { return &c.limits.inbound_window; }},
    {"limits.max_token_bytes", "max-token-bytes", vt::integer, 256, 65536, "",
     "Longest JWT accepted; longer is refused unread.",
     [](server_config& c) -> field { return &c.limits.token_bytes; }},
    {"limits.write_stall_ms", "write-stall-ms", vt::integer, 100, 600000, "",
     "A write making no progress this long closes the connection.",
     [](server_config& c) -> field { return &c.limits.write_stall_ms; }},
    {"limits.connections_per_address", "connections-per-address",
     vt::integer, 1, 1000000, "",
     "WebSockets open at once from one remote address; more get 503.",
     [](server_config& c) -> field {
       return &c.limits.connections_per_address;
     }},
    {"limits.handshakes_per_address", "handshakes-per-address", vt::integer,
     1, 1000000, "", "Upgrades per second from one remote address (503).",
     [](server_config& c) -> field {
       return &c.limits.handshakes_per_address;
     }},
    {"limits.node_in_flight", "node-in-flight", vt::integer, 1, 10000000, "",
     "Requests running at once on this node before OVERLOADED.",
     [](server_config& c) -> field { return &c.limits.node_in_flight; }},
    {"limits.overloaded_retry_ms", "overloaded-retry-ms", vt::integer, 1,
     600000, "", "retry_after_ms sent with OVERLOADED.",
     [](server_config& c) -> field { return &c.limits.overloaded_retry_ms; }},
    {"limits.abuse_rejections", "abuse-rejections", vt::integer, 1, 1000000,
     "", "Rate-limit rejections within the abuse window that close 1008.",
     [](server_config& c) -> field { return &c.limits.abuse_rejections; }},
    {"limits.abuse_window_ms", "abuse-window-ms", vt::integer, 100, 3600000,
     "", "Window in which abuse_rejections are counted.",
     [](server_config& c) -> field { return &c.limits.abuse_window_ms; }},
    {"auth.anonymous", "anonymous", vt::boolean, 0, 0, "",
     "Let connections without a token in as `anonymous` (plan free).",
     [](server_config& c) -> field { return &c.auth.anonymous; }},
    {"auth.jwt_secret", "jwt-secret", vt::optional_text, 0, 0, "",
     "HS secret for tokens without a `kid` (prefer the variable).",
     [](server_config& c) -> field { return &c.auth.jwt_secret; }},
    {"auth.jwt_algorithm", "jwt-algorithm", vt::choice, 0, 0,
     "HS256|HS384|HS512", "The one algorithm jwt_secret verifies.",
     [](server_config& c) -> field { return &c.auth.jwt_algorithm; }},
    {"auth.keys", "jwt-keys", vt::jwt_keys, 0, 0, "",
     "More keys: [{kid, alg, secret | public_key_file}].",
     [](server_config& c) -> field { return &c.auth.keys; }},
    {"auth.issuer", "jwt-issuer", vt::optional_text, 0, 0, "",
     "Required `iss` claim; empty: not checked.",
     [](server_config& c) -> field { return &c.auth.issuer; }},
    {"auth.audience", "jwt-audience", vt::optional_text, 0, 0, "",
     "Required `aud` claim; empty: not checked.",
     [](server_config& c) -> field { return &c.auth.audience; }},
    {"auth.require_exp", "jwt-require-exp", vt::boolean, 0, 0, "",
     "Refuse tokens without `exp`.",
     [](server_config& c) -> field { return &c.auth.require_exp; }},
    {"auth.leeway_s", "jwt-leeway-s", vt::integer, 0, 300, "",
     "Clock skew allowed for exp, nbf and iat, in seconds.",
     [](server_config& c) -> field { return &c.auth.leeway_s; }},
    {"auth.expiry_warning_ms", "expiry-warning-ms", vt::integer, 0, 3600000,
     "", "auth.expiring is sent this long before the token expires.",
     [](server_config& c) -> field { return &c.auth.expiry_warning_ms; }},
    {"auth.refuse_before_upgrade", "refuse-before-upgrade", vt::boolean, 0, 0,
     "", "Answer a bad token with HTTP 401 instead of error + close 1008.",
     [](server_config& c) -> field { return &c.auth.refuse_before_upgrade; }},
    NEXUS_PLAN_ROWS(free),
    NEXUS_PLAN_ROWS(pro),
    NEXUS_PLAN_ROWS(enterprise),
    {"security.allowed_origins", "allowed-origins", vt::list, 0, 0, "",
     "Exact Origin values allowed to connect (403 otherwise); empty: any.",
     [](server_config& c) -> field { return &c.security.allowed_origins; }},
    {"tls.cert_file", "tls-cert-file", vt::optional_text, 0, 0, "",
     "PEM certificate chain; set with tls.key_file to serve wss://.",
     [](server_config& c) -> field { return &c.tls.cert_file; }},
    {"tls.key_file", "tls-key-file", vt::optional_text, 0, 0, "",
     "PEM private key of tls.cert_file.",
     [](server_config& c) -> field { return &c.tls.key_file; }},
    {"tls.listeners", "tls-listeners", vt::list, 0, 0, "nexus|neurograph",
     "Listeners that serve TLS when a certificate is configured.",
     [](server_config& c) -> field { return &c.tls.listeners; }},
};

#undef NEXUS_PLAN_ROWS

} // namespace

const std::vector<setting>& settings() {
  static const std::vector<setting> all(std::begin(table), std::end(table));
  return all;
}

const setting* find_by_path(std::string_view path) {
  for (const auto& s : settings())
    if (s.path == path)
      return &s;
  return nullptr;
}

const setting* find_by_flag(std::string_view flag) {
  for (const auto& s : settings())
    if (s.flag == flag)
      return &s;
  return nullptr;
}

bool is_section(std::string_view path) {
  return std::any_of(settings().begin(), settings().end(),
                     [path](const setting& s) {
                       return s.path.size() > path.size() &&
                              s.path.substr(0, path.size()) == path &&
                              s.path[path.size()] == '.';
                     });
}

std::string flag_name(const setting& s) {
  return "--" + std::string{s.flag};
}

std::string env_name(const setting& s) {
  std::string result = "NEXUS_";
  for (char ch : s.flag)
    result +=
        ch == '-'
            ? '_'
            : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return result;
}

} // namespace nexus::config
