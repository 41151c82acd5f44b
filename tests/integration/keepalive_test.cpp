// Keep-alive (PROTOCOL.md section 6, `--ping-interval-ms`): the server pings
// a silent connection every interval and closes it after two silent
// intervals; a client that answers pings stays connected however quiet it
// is. The interval is 300 ms here so each case takes about a second.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/idle_ws_client.hpp"
#include "tests/support/raw_tcp.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

using namespace nexus::test;

namespace {

using clock_type = std::chrono::steady_clock;

constexpr auto interval = 300ms;

/// A server pinging every `interval`.
server_options keepalive_server() {
  return {"warn", {"--ping-interval-ms", std::to_string(interval.count())}};
}

/// Milliseconds from `start` until now.
millis since(clock_type::time_point start) {
  return std::chrono::duration_cast<millis>(clock_type::now() - start);
}

/// Upgrades `peer` on `port` and reads `connection.established`.
void upgrade(raw_tcp& peer, std::uint16_t port) {
  require_upgrade(peer, port);
  auto first = peer.read_frame();
  REQUIRE(first.has_value());
  REQUIRE(first->opcode == 0x1);
}

/// What a peer that never answers saw until the connection ended.
struct silent_watch {
  int pings = 0;
  /// Time from the start of the watch to the first ping.
  std::optional<millis> first_ping;
  /// True when the server sent a close frame or ended the connection.
  bool gone = false;
  /// Time from the start of the watch until the connection was gone.
  millis elapsed{0};
  /// How it ended: "close frame", the read error, or "timeout".
  std::string how;
};

/// Reads frames on `peer` without answering any, until the server sends a
/// close frame or ends the connection, or `give_up` passes.
silent_watch watch_silently(raw_tcp& peer, millis give_up) {
  silent_watch w;
  auto const start = clock_type::now();
  for (int frames = 0; frames < 1000; ++frames) {
    auto left = give_up - since(start);
    if (left <= 0ms)
      break;
    auto f = peer.read_frame(left);
    if (!f) {
      w.how = peer.last_error();
      w.gone = w.how != "timeout";
      break;
    }
    if (f->opcode == 0x9 && ++w.pings == 1)
      w.first_ping = since(start);
    if (f->opcode == 0x8) {
      w.how = "close frame";
      w.gone = true;
      break;
    }
  }
  w.elapsed = since(start);
  return w;
}

} // namespace

TEST_CASE("a peer that never answers pings is pinged and then disconnected",
          "[integration][keepalive]") {
  server_process server{keepalive_server()};
  raw_tcp peer{server.nexus_port()};
  auto const start = clock_type::now();
  upgrade(peer, server.nexus_port());
  auto w = watch_silently(peer, 3s);
  auto elapsed = since(start);
  INFO("pings: " << w.pings << ", first after "
                 << w.first_ping.value_or(-1ms).count() << " ms; ended ("
                 << w.how << ") " << elapsed.count()
                 << " ms after the upgrade request");
  CHECK(w.pings >= 1);
  CHECK(w.first_ping.value_or(0ms) >= interval - 100ms);
  REQUIRE(w.gone);
  CHECK(elapsed >= 2 * interval - 100ms);
  CHECK(elapsed <= 3s);
}

TEST_CASE("a client that answers pings survives a long silence",
          "[integration][keepalive]") {
  server_process server{keepalive_server()};
  idle_ws_client c{server.nexus_port()};
  auto first = c.read_text(5s);
  REQUIRE(first.has_value());
  check_established(dialect::nexus, json::parse(*first));
  // Nothing to read for about 7 intervals: the deadline passing is the
  // wait, with the read outstanding so that Beast answers every ping.
  std::optional<std::string> during;
  REQUIRE_NOTHROW(during = c.read_text(2s));
  INFO("pings answered while silent: " << c.pings_received());
  CHECK_FALSE(during.has_value());
  CHECK(c.pings_received() >= 2);
  c.send_text(heartbeat_request(dialect::nexus, "after-silence"));
  std::optional<std::string> reply;
  REQUIRE_NOTHROW(reply = c.read_text(5s));
  REQUIRE(reply.has_value());
  check_heartbeat_reply(dialect::nexus, json::parse(*reply), "after-silence");
}
