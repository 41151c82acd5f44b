// Metric names and label sets of a node.
#include "actors/system/node_metrics.hpp"

#include "auth/jwt_verifier.hpp"
#include "messages/catalog.hpp"
#include "messages/errc.hpp"
#include "net/hooks.hpp"

namespace nexus::actors {

namespace {

std::vector<std::string> type_labels() {
  std::vector<std::string> out;
  for (auto name : messages::known_type_names())
    out.emplace_back(name);
  return out;
}

std::vector<std::string> code_labels() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < messages::errc_count; ++i)
    out.emplace_back(messages::code_string(static_cast<messages::errc>(i)));
  return out;
}

std::vector<std::string> auth_reason_labels() {
  std::vector<std::string> out;
  auto last = static_cast<int>(auth::failure_reason::invalid_claim);
  for (int i = 0; i <= last; ++i)
    out.emplace_back(auth::to_string(static_cast<auth::failure_reason>(i)));
  out.emplace_back("other"); // subject_changed on refresh, and the unforeseen
  return out;
}

std::vector<std::string> dialect_labels() {
  return {"nexus", "neurograph"};
}

} // namespace

node_metrics::node_metrics()
  : connections_active(registry.add(
      "nexus_connections_active", "Open WebSocket connections.",
      metrics::kind::gauge, "dialect", dialect_labels())),
    connections_total(registry.add(
      "nexus_connections_total", "WebSocket connections accepted.",
      metrics::kind::counter, "dialect", dialect_labels())),
    websocket_sessions(registry.add(
      "nexus_websocket_sessions",
      "WebSocket sessions alive in net, upgrades in progress included.",
      metrics::kind::gauge)),
    connection_actors(registry.add("nexus_connection_actors",
                                   "Live connection actors.",
                                   metrics::kind::gauge)),
    messages_in(registry.add("nexus_messages_in_total",
                             "Messages received, by type.",
                             metrics::kind::counter, "type", type_labels())),
    bytes_in(registry.add("nexus_bytes_in_total",
                          "Bytes of messages received, by type.",
                          metrics::kind::counter, "type", type_labels())),
    messages_out(registry.add("nexus_messages_out_total",
                              "Messages sent, by type.",
                              metrics::kind::counter, "type", type_labels())),
    bytes_out(registry.add("nexus_bytes_out_total",
                           "Bytes of messages sent, by type.",
                           metrics::kind::counter, "type", type_labels())),
    errors(registry.add("nexus_errors_total", "Error replies, by code.",
                        metrics::kind::counter, "code", code_labels())),
    handshake_failures(registry.add(
      "nexus_handshake_failures_total", "Handshakes refused or failed.",
      metrics::kind::counter, "reason", net::handshake_failure_names())),
    forced_closes(registry.add(
      "nexus_forced_closes_total",
      "WebSockets closed by the server for a full queue or a stuck write.",
      metrics::kind::counter, "reason", net::forced_close_names())),
    auth_failures(registry.add("nexus_auth_failures_total",
                               "Tokens refused, by reason.",
                               metrics::kind::counter, "reason",
                               auth_reason_labels())) {
}

} // namespace nexus::actors
