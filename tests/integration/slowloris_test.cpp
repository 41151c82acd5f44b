// The 10 s handshake deadline: a client that sends its request header one
// byte per second is cut off, and the cut is counted as a timeout.
#include "tests/support/metrics.hpp"
#include "tests/support/raw_tcp.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

using namespace nexus::test;

TEST_CASE("a header sent one byte per second is cut off after 10 s",
          "[integration][slow]") {
  server_process server;
  auto port = server.nexus_port();
  auto const selector = R"(nexus_handshake_failures_total{reason="timeout"})";
  auto before = scrape_metric(port, selector).value_or(0);
  auto result = send_header_slowly(port, 1s, 20s);
  INFO("connection ended (" << result.how << ") after "
                            << result.elapsed.count() << " ms, "
                            << result.bytes_sent << " header bytes sent");
  REQUIRE(result.closed);
  CHECK(result.elapsed >= 9s);
  CHECK(result.elapsed <= 15s);
  double after = before;
  bool grew = poll_until(
    [&] {
      after = scrape_metric(port, selector).value_or(-1);
      return after >= before + 1;
    },
    5s);
  INFO(selector << " before " << before << ", after " << after);
  CHECK(grew);
}
