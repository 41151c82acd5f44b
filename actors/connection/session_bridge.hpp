// The net → actors bridge: spawns a connection actor when a WebSocket
// upgrade completes, hands it each frame with `caf::anon_send`, and tells
// it `closed` when the session (and so the socket) is gone. The other
// bridge, actors → net, is the `net::outbound` handle the actor holds.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/connection/connection.hpp"
#include "actors/supervisor/address_limiter.hpp"
#include "actors/supervisor/connection_supervisor.hpp"
#include "auth/jwt_verifier.hpp"
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

/// Creates net's `admit` hook, run before the 101, in this order: over the
/// per-address limits → 503 (every attempt takes a handshake token, so
/// refused ones count too); an `Origin` outside a non-empty
/// `allowed_origins` → 403; with `refuse_before_upgrade` a missing or bad
/// token → 401. Otherwise the returned ticket holds the address's
/// connection slot until the socket is gone.
std::function<net::admission(const net::upgrade_request&)>
make_admit_hook(std::shared_ptr<const node_context> node,
                std::shared_ptr<address_limiter> addresses,
                std::vector<std::string> allowed_origins,
                bool refuse_before_upgrade);

/// The token a client presented: `Authorization: Bearer` wins over
/// `?token=`; "" when neither.
std::string presented_token(const net::upgrade_request& req);

/// The identity of the token presented with `req`, `anonymous` when none
/// was and `node.anonymous` allows it, else why it is refused.
std::variant<auth::identity, auth::failure>
authenticate(const net::upgrade_request& req, const node_context& node);

/// True when `id` is a valid client-chosen id: 1–128 characters of
/// `[A-Za-z0-9_.:-]` (PROTOCOL.md §1).
bool valid_client_id(std::string_view id);

} // namespace nexus::actors
