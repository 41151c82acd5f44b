// The node's metric families, created once at start and shared (by
// reference) with the net hooks and every connection actor.
#pragma once

#include "metrics/registry.hpp"

namespace nexus::actors {

/// Every metric `/metrics` exposes.
struct node_metrics {
  node_metrics();

  metrics::registry registry;
  /// Open WebSockets by dialect (socket lifetime).
  metrics::family& connections_active;
  /// Accepted WebSockets by dialect since start.
  metrics::family& connections_total;
  /// WebSocket sessions alive in net, upgrades in progress included.
  metrics::family& websocket_sessions;
  /// Live connection actors; returns to 0 when every socket is gone.
  metrics::family& connection_actors;
  /// Inbound messages and their bytes by message type.
  metrics::family& messages_in;
  metrics::family& bytes_in;
  /// Outbound messages and their bytes by message type.
  metrics::family& messages_out;
  metrics::family& bytes_out;
  /// Error replies by wire code.
  metrics::family& errors;
  /// Refused or failed handshakes by reason.
  metrics::family& handshake_failures;
  /// WebSockets net ended itself (4008, stuck writes) by reason.
  metrics::family& forced_closes;
  /// Tokens refused (at upgrade or refresh) by reason.
  metrics::family& auth_failures;
};

} // namespace nexus::actors
