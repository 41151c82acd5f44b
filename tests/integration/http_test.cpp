// Plain HTTP on both listeners: /healthz, /readyz, /metrics and refused
// handshakes (426 for a non-upgrade GET /ws, 404 elsewhere), with the
// metrics that count them.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

using namespace nexus::test;

namespace {

/// Polls /metrics until `selector` satisfies `pred`; CHECKs that it did.
template <class Pred>
void check_metric_eventually(std::uint16_t port, std::string const& selector,
                             Pred pred, char const* expectation) {
  std::optional<double> seen;
  bool ok = poll_until(
    [&] {
      seen = scrape_metric(port, selector);
      return seen && pred(*seen);
    },
    5s);
  INFO(selector << " expected " << expectation << ", seen "
                << (seen ? std::to_string(*seen) : "no such series"));
  CHECK(ok);
}

} // namespace

TEST_CASE("health and readiness answer 200 on both listeners",
          "[integration][http]") {
  server_process server;
  for (auto port : {server.nexus_port(), server.neurograph_port()}) {
    for (auto path : {"/healthz", "/readyz"}) {
      auto res = http_get(port, path);
      INFO("GET " << path << " on port " << port << ": " << res.error);
      CHECK(res.status == 200);
    }
  }
}

TEST_CASE("a plain GET /ws gets 426 and other paths 404",
          "[integration][http]") {
  server_process server;
  auto port = server.nexus_port();
  auto const upgrade_sel =
    R"(nexus_handshake_failures_total{reason="not_upgrade"})";
  auto const found_sel =
    R"(nexus_handshake_failures_total{reason="not_found"})";
  auto upgrade_before = scrape_metric(port, upgrade_sel).value_or(0);
  auto found_before = scrape_metric(port, found_sel).value_or(0);
  for (auto p : {server.nexus_port(), server.neurograph_port()}) {
    auto res = http_get(p, "/ws");
    INFO("GET /ws on port " << p << ": " << res.error);
    CHECK(res.status == 426);
    // RFC 7231 6.5.15: a 426 response MUST carry Upgrade.
    CHECK(res.header("upgrade").find("websocket") != std::string::npos);
    CHECK(http_get(p, "/nope").status == 404);
    CHECK(http_get(p, "/ws/extra").status == 404);
    CHECK(http_request(p, "GET", "/chat", upgrade_headers()).status == 404);
  }
  check_metric_eventually(
    port, upgrade_sel, [&](double v) { return v >= upgrade_before + 1; },
    "to grow");
  check_metric_eventually(
    port, found_sel, [&](double v) { return v >= found_before + 1; },
    "to grow");
}

TEST_CASE("/metrics reports connections, messages, bytes and errors",
          "[integration][http]") {
  server_process server;
  auto port = server.nexus_port();
  auto res = http_get(port, "/metrics");
  REQUIRE(res.status == 200);
  CHECK(res.header("content-type").rfind("text/plain", 0) == 0);
  ws_client a{server.nexus_port()};
  check_established(dialect::nexus, a.read_json());
  ws_client b{server.neurograph_port()};
  check_established(dialect::neurograph, b.read_json());
  check_alive(a, dialect::nexus, "m-1");
  check_alive(b, dialect::neurograph, "m-2");
  a.send_text("not json");
  check_error(dialect::nexus, a.read_json(), {"INVALID_JSON", "", "", ""});
  auto eq = [](double want) { return [want](double v) { return v == want; }; };
  auto ge = [](double want) { return [want](double v) { return v >= want; }; };
  check_metric_eventually(
    port, R"(nexus_connections_active{dialect="nexus"})", eq(1), "== 1");
  check_metric_eventually(
    port, R"(nexus_connections_active{dialect="neurograph"})", eq(1), "== 1");
  check_metric_eventually(port, "nexus_connection_actors", eq(2), "== 2");
  check_metric_eventually(
    port, R"(nexus_messages_in_total{type="heartbeat"})", ge(2), ">= 2");
  check_metric_eventually(
    port, R"(nexus_messages_out_total{type="heartbeat"})", ge(2), ">= 2");
  check_metric_eventually(
    port, R"(nexus_bytes_in_total{type="heartbeat"})", ge(100), ">= 100");
  check_metric_eventually(
    port, R"(nexus_bytes_out_total{type="heartbeat"})", ge(100), ">= 100");
  check_metric_eventually(
    port, R"(nexus_errors_total{code="INVALID_JSON"})", ge(1), ">= 1");
  a.close();
  b.close();
  check_metric_eventually(port, "nexus_connections_active", eq(0), "== 0");
  check_metric_eventually(port, "nexus_connection_actors", eq(0), "== 0");
  // Both listeners expose the same process-wide registry.
  auto other = http_get(server.neurograph_port(), "/metrics");
  CHECK(other.status == 200);
  CHECK(metric_value(other.body, "nexus_connection_actors").has_value());
}
