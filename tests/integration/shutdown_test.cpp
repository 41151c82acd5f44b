// SIGTERM: every open WebSocket is closed with 1001 and the process exits 0;
// while a stuck client keeps the drain going, the node reports not ready.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_tcp.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace nexus::test;

namespace {

/// True when `res` shows the node refusing work while draining: a 503, or
/// no listener any more (connection refused).
bool refused_while_draining(http_response const& res) {
  return res.status == 503
         || res.error.find("refused") != std::string::npos;
}

} // namespace

TEST_CASE("SIGTERM closes 50 open WebSockets with 1001 and exits 0",
          "[integration][shutdown]") {
  server_process server{{"warn", {"--drain-timeout-ms", "5000"}}};
  std::vector<ws_client> clients;
  for (int i = 0; i < 50; ++i) {
    bool nexus = i % 2 == 0;
    auto d = nexus ? dialect::nexus : dialect::neurograph;
    clients.emplace_back(nexus ? server.nexus_port()
                               : server.neurograph_port());
    check_established(d, clients.back().read_json());
  }
  server.send_signal(SIGTERM);
  int got_1001 = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) {
    auto code = clients[i].read_close_code(10s);
    INFO("client " << i << ": " << clients[i].last_error());
    CHECK(code == std::optional<std::uint16_t>{1001});
    got_1001 += code == std::optional<std::uint16_t>{1001} ? 1 : 0;
  }
  CHECK(got_1001 == 50);
  auto exit_code = server.wait_exit(8s);
  INFO("stderr: " << server.stderr_text().substr(0, 2000));
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
}

TEST_CASE("/readyz reports not ready while a drain is in progress",
          "[integration][shutdown]") {
  server_process server{{"warn", {"--drain-timeout-ms", "4000"}}};
  auto port = server.nexus_port();
  REQUIRE(http_get(port, "/readyz").status == 200);
  // A client that completes the upgrade but never answers the close frame
  // keeps the drain in progress until the drain timeout.
  raw_tcp stuck{port};
  REQUIRE(stuck.write(upgrade_request_text(port, "/ws")));
  auto head = stuck.read_until("\r\n\r\n");
  REQUIRE(head.has_value());
  REQUIRE(head->rfind("HTTP/1.1 101", 0) == 0);
  server.send_signal(SIGTERM);
  http_response ready;
  bool not_ready = poll_until(
    [&] {
      ready = http_get(port, "/readyz", 1s);
      return refused_while_draining(ready);
    },
    3s);
  INFO("GET /readyz while draining: status " << ready.status << ", "
                                              << ready.error);
  CHECK(not_ready);
  CHECK(server.running());
  // A new WebSocket is refused the same way.
  auto upgrade = http_request(port, "GET", "/ws", upgrade_headers(), 1s);
  INFO("upgrade while draining: status " << upgrade.status << ", "
                                         << upgrade.error);
  CHECK(refused_while_draining(upgrade));
  auto code = stuck.read_close_frame(3s);
  INFO("stuck client: " << stuck.last_error());
  CHECK(code == std::optional<std::uint16_t>{1001});
  auto exit_code = server.wait_exit(10s);
  INFO("stderr: " << server.stderr_text().substr(0, 2000));
  REQUIRE(exit_code.has_value());
  CHECK(*exit_code == 0);
}
