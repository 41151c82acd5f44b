// Both listeners, both dialects: subprotocol choice and echo, the first
// message `connection.established`, client_id handling and heartbeats.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace nexus::test;

namespace {

/// One row of the listener x subprotocol matrix.
struct dialect_case {
  bool nexus_listener;
  std::string offered;
  dialect expected;
};

std::uint16_t port_of(server_process const& s, bool nexus_listener) {
  return nexus_listener ? s.nexus_port() : s.neurograph_port();
}

/// `payload` of connection.established of a new connection to `target`.
json established_payload(std::uint16_t port, std::string const& target,
                         dialect d) {
  ws_client c{port, {target}};
  auto msg = c.read_json();
  check_established(d, msg);
  c.close();
  return msg.value("payload", json::object());
}

} // namespace

TEST_CASE("the dialect follows the subprotocol, else the listener",
          "[integration][dialect]") {
  server_process server;
  std::vector<dialect_case> const cases{
    {true, "", dialect::nexus},
    {true, "nexus-json", dialect::nexus},
    {true, "neurograph-json", dialect::neurograph},
    {false, "", dialect::neurograph},
    {false, "nexus-json", dialect::nexus},
    {false, "neurograph-json", dialect::neurograph},
  };
  int n = 0;
  for (auto const& c : cases) {
    INFO("listener " << (c.nexus_listener ? "nexus" : "neurograph")
                     << ", offered subprotocol '" << c.offered << "'");
    ws_client client{port_of(server, c.nexus_listener),
                     {"/ws", c.offered, {}}};
    CHECK(client.accepted_subprotocol() == c.offered);
    check_established(c.expected, client.read_json());
    check_alive(client, c.expected, "hb-matrix-" + std::to_string(n++));
    client.close();
  }
}

TEST_CASE("connection.established echoes a valid client_id only",
          "[integration][dialect]") {
  server_process server;
  auto port = server.nexus_port();
  auto const nexus = dialect::nexus;
  CHECK(established_payload(port, "/ws?client_id=my_client", nexus)
          .value("client_id", "")
        == "my_client");
  std::string longest(120, 'a');
  longest += "Z9_.:-bc";
  REQUIRE(longest.size() == 128);
  CHECK(established_payload(port, "/ws?client_id=" + longest, nexus)
          .value("client_id", "")
        == longest);
  std::string too_long(129, 'b');
  for (std::string bad : {too_long, std::string{"bad%20id"}, std::string{}}) {
    INFO("client_id query value '" << bad << "'");
    auto p = established_payload(port, "/ws?client_id=" + bad, nexus);
    auto id = p.value("client_id", "");
    CHECK(!id.empty());
    CHECK(id != bad);
    CHECK(id.find(' ') == std::string::npos);
  }
  auto neuro = established_payload(server.neurograph_port(),
                                   "/ws?client_id=my_client",
                                   dialect::neurograph);
  CHECK(neuro.value("client_id", "") == "my_client");
}

TEST_CASE("each connection gets its own ids on one node",
          "[integration][dialect]") {
  server_process server;
  std::set<std::string> connection_ids;
  std::set<std::string> client_ids;
  std::set<std::string> node_ids;
  for (int i = 0; i < 4; ++i) {
    bool nexus = i % 2 == 0;
    auto d = nexus ? dialect::nexus : dialect::neurograph;
    auto p = established_payload(port_of(server, nexus), "/ws", d);
    connection_ids.insert(p.value("connection_id", ""));
    client_ids.insert(p.value("client_id", ""));
    node_ids.insert(p.value("node_id", ""));
  }
  CHECK(connection_ids.size() == 4);
  CHECK(client_ids.size() == 4);
  CHECK(node_ids.size() == 1);
}

TEST_CASE("heartbeats are answered in both dialects",
          "[integration][dialect]") {
  server_process server;
  SECTION("nexus, including the seed's own heartbeat shapes") {
    ws_client c{server.nexus_port()};
    check_established(dialect::nexus, c.read_json());
    check_alive(c, dialect::nexus, "hb-1");
    // The seed's JS: {type, request_id, timestamp: Date.now()} (ms).
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
    c.send_text(json{{"type", "heartbeat"},
                     {"request_id", "hb-seed-ms"},
                     {"timestamp", ms.count()}}
                  .dump());
    check_heartbeat_reply(dialect::nexus, c.read_reply("hb-seed-ms"),
                          "hb-seed-ms");
    // Seconds as a fraction (Date.now() / 1000) and no payload.
    c.send_text(R"({"type":"heartbeat","request_id":"hb-frac",)"
                R"("timestamp":1716900000.123})");
    check_heartbeat_reply(dialect::nexus, c.read_reply("hb-frac"), "hb-frac");
    // request_id is optional for heartbeats.
    c.send_text(R"({"type":"heartbeat"})");
    auto reply = c.read_json();
    check_envelope(dialect::nexus, reply);
    CHECK(reply.value("type", "") == "heartbeat");
    c.close();
  }
  SECTION("neurograph") {
    ws_client c{server.neurograph_port()};
    check_established(dialect::neurograph, c.read_json());
    check_alive(c, dialect::neurograph, "msg_1");
    c.send_text(R"({"type":"heartbeat","payload":{}})");
    auto reply = c.read_json();
    check_envelope(dialect::neurograph, reply);
    CHECK(reply.value("type", "") == "heartbeat");
    c.close();
  }
}
