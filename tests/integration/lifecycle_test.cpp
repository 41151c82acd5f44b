// Leak check: 1,000 connect/close cycles (clean closes and dropped TCP
// connections) leave no connection actor and no file descriptor behind.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

using namespace nexus::test;

namespace {

/// Polls until the server has no connection actors and no active
/// connections; returns whether that happened within `deadline`.
bool wait_idle(std::uint16_t port, millis deadline, double& actors) {
  return poll_until(
    [&] {
      actors = scrape_metric(port, "nexus_connection_actors").value_or(-1);
      auto active = scrape_metric(port, "nexus_connections_active");
      return actors == 0 && active == std::optional<double>{0};
    },
    deadline);
}

/// One connect/close cycle; every fourth drops TCP without a close frame.
void cycle(server_process const& server, int i) {
  bool nexus = i % 2 == 0;
  ws_client c{nexus ? server.nexus_port() : server.neurograph_port()};
  auto msg = c.read_json();
  if (msg.value("type", "") != "connection.established")
    FAIL("cycle " << i << " first message: " << msg.dump());
  if (i % 4 == 3)
    c.drop();
  else
    c.close();
}

} // namespace

TEST_CASE("1000 connect/close cycles leave no actors and no fds behind",
          "[integration][lifecycle]") {
  // 1,000 upgrades in a few seconds from one address: far over the default
  // handshake rate, which is not what this test is about.
  server_process server{
    {"warn", {"--handshakes-per-address", "1000000"}}};
  auto port = server.nexus_port();
  // Warm up everything created lazily (first connection, first scrape).
  cycle(server, 0);
  cycle(server, 1);
  double actors = -1;
  REQUIRE(wait_idle(port, 10s, actors));
  int baseline = server.open_fd_count();
  REQUIRE(baseline > 0);
  for (int i = 0; i < 1000; ++i)
    cycle(server, i);
  bool idle = wait_idle(port, 10s, actors);
  INFO("nexus_connection_actors after the cycles: " << actors);
  CHECK(idle);
  int fds = -1;
  bool fds_back = poll_until(
    [&] {
      fds = server.open_fd_count();
      return fds >= 0 && fds <= baseline;
    },
    10s);
  INFO("open fds: baseline " << baseline << ", after the cycles " << fds);
  CHECK(fds_back);
  // Still serving.
  ws_client c{port};
  check_established(dialect::nexus, c.read_json());
  check_alive(c, dialect::nexus, "after-cycles");
}
