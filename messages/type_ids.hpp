// The one CAF type-ID block of Nexus: every atom and type that crosses an
// actor (and later a node) boundary is registered here.
#pragma once

#include <caf/type_id.hpp>
#include <caf/atom.hpp>

CAF_BEGIN_TYPE_ID_BLOCK(nexus, caf::first_custom_type_id)

  // net → connection actor: one complete text frame.
  CAF_ADD_ATOM(nexus, nexus::atoms, frame_atom, "frame")
  // net → connection actor: the socket is gone.
  CAF_ADD_ATOM(nexus, nexus::atoms, closed_atom, "closed")
  // bootstrap → supervisor → connections: close with 1001 and stop.
  CAF_ADD_ATOM(nexus, nexus::atoms, drain_atom, "drain")
  // supervisor: register a new connection actor.
  CAF_ADD_ATOM(nexus, nexus::atoms, attach_atom, "attach")
  // supervisor: how many connection actors are alive.
  CAF_ADD_ATOM(nexus, nexus::atoms, count_atom, "count")
  // rate supervisor / user limiter: register a connection.
  CAF_ADD_ATOM(nexus, nexus::atoms, join_atom, "join")
  // user limiter: may this request run now? (0 or retry_after_ms)
  CAF_ADD_ATOM(nexus, nexus::atoms, admit_atom, "admit")
  // connection actor timers: the JWT is about to expire / has expired.
  CAF_ADD_ATOM(nexus, nexus::atoms, expiring_atom, "expiring")
  CAF_ADD_ATOM(nexus, nexus::atoms, expired_atom, "expired")

CAF_END_TYPE_ID_BLOCK(nexus)
