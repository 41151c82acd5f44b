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
};

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
