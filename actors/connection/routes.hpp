// The request handlers a connection actor runs itself, and the default
// routing table that wires them to request kinds. Later features add their
// handlers here (executions, topics, tokens).
#pragma once

#include "actors/connection/connection.hpp"

namespace nexus::actors {

/// `heartbeat` → `heartbeat {timestamp, server_time}`. The timestamp is in
/// the unit of the dialect's envelope: seconds (nexus), ms (neurograph).
handled handle_heartbeat(connection_ptr self, messages::request& req);

/// `auth.refresh {token}` → `auth.refreshed {expires_at}`: a valid token
/// for the same `sub` replaces the connection's (plan, topics, expiry
/// timers). Any other token → AUTHENTICATION_FAILED and close 1008.
handled handle_auth_refresh(connection_ptr self, messages::request& req);

/// Every handler implemented so far.
route_table default_routes();

} // namespace nexus::actors
