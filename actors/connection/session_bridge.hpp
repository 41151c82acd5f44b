// The net → actors bridge: spawns a connection actor when a WebSocket
// upgrade completes, hands it each frame with `caf::anon_send`, and tells
// it `closed` when the session (and so the socket) is gone. The other
// bridge, actors → net, is the `net::outbound` handle the actor holds.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/connection/connection.hpp"
#include "actors/supervisor/connection_supervisor.hpp"
#include "net/hooks.hpp"

namespace nexus::actors {

/// Creates the `on_upgrade` hook for net/: each call spawns one connection
/// actor, registers it with `supervisor`, and returns its inbound sink.
/// `default_dialect` applies per listener name when no subprotocol was
/// selected.
std::function<std::unique_ptr<net::inbound_sink>(
  const net::upgrade_request&, std::shared_ptr<net::outbound>)>
make_upgrade_hook(caf::actor_system& sys,
                  connection_supervisor_actor supervisor,
                  std::shared_ptr<const node_context> node);

/// True when `id` is a valid client-chosen id: 1–128 characters of
/// `[A-Za-z0-9_.:-]` (PROTOCOL.md §1).
bool valid_client_id(std::string_view id);

} // namespace nexus::actors
