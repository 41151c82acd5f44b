// Wire-contract checks shared by the integration tests: requests in either
// dialect and Catch assertions on what the server sends back (PROTOCOL.md
// sections 2, 3 and 5).
#pragma once

#include "tests/support/raw_tcp.hpp"
#include "tests/support/ws_client.hpp"

#include <nlohmann/json.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace nexus::test {

using json = nlohmann::json;

/// The two envelope formats.
enum class dialect { nexus, neurograph };

/// Wire name of `d` ("nexus" / "neurograph").
std::string name_of(dialect d);

/// Subprotocol selecting `d` ("nexus-json" / "neurograph-json").
std::string subprotocol_of(dialect d);

/// A request envelope in dialect `d`. `id` is the nexus `request_id` or the
/// neurograph `id`; an empty `id` leaves it out.
json make_request(dialect d, std::string const& type, std::string const& id,
                  json payload = json::object());

/// Sends an upgrade for /ws on `peer` and requires the `101` answer.
void require_upgrade(raw_tcp& peer, std::uint16_t port);

/// A heartbeat request with id `id`, serialized.
std::string heartbeat_request(dialect d, std::string const& id);

/// Milliseconds since the epoch of an RFC 3339 UTC time
/// (`2025-01-02T03:04:05Z`, optionally with a fraction); nullopt when `s`
/// has another shape.
std::optional<std::int64_t> parse_rfc3339_ms(std::string const& s);

/// Checks the envelope fields every server message carries in dialect `d`.
void check_envelope(dialect d, json const& msg);

/// Checks that `msg` is `connection.established` with all payload fields;
/// `d` is the dialect the connection should speak, `user` the user id
/// (`anonymous` for a connection without a token).
void check_established(dialect d, json const& msg,
                       std::string const& user = "anonymous");

/// Checks that `msg` is the heartbeat reply to request `id`.
void check_heartbeat_reply(dialect d, json const& msg, std::string const& id);

/// What an error reply should say; empty strings are not checked.
struct expected_error {
  std::string code;
  std::string type;
  std::string field;
  std::string request_id;
};

/// Checks that `msg` is an error reply matching `want`.
void check_error(dialect d, json const& msg, expected_error const& want);

/// Sends a heartbeat with id `id` on `client` and checks the reply: proves
/// the connection still works.
void check_alive(ws_client& client, dialect d, std::string const& id);

/// `{"type":"heartbeat",...,"nest":[[...]]}` whose nesting depth is
/// exactly `depth` (the top-level object counts as 1).
std::string nested_heartbeat(dialect d, std::string const& id, int depth);

} // namespace nexus::test
