// Size limits seen from a client: the 1 MiB message limit (close 1009 one
// byte over it) and the 8 KiB handshake header limit that a 4 KiB token
// must still fit in (PROTOCOL.md section 6).
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

using namespace nexus::test;

namespace {

constexpr std::size_t one_mib = 1048576;

/// A heartbeat with id `id` padded with a string field to exactly `size`
/// bytes.
std::string padded_heartbeat(dialect d, std::string const& id,
                             std::size_t size) {
  auto text = heartbeat_request(d, id);
  text.pop_back(); // the closing '}'
  text += ",\"pad\":\"";
  auto const tail = std::string{"\"}"};
  REQUIRE(size > text.size() + tail.size());
  text += std::string(size - text.size() - tail.size(), 'p');
  text += tail;
  REQUIRE(text.size() == size);
  return text;
}

/// A JWT-shaped token of exactly `size` characters.
std::string fake_token(std::size_t size) {
  std::string token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";
  for (std::size_t i = 0; token.size() < size; ++i)
    token += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
      [i % 64];
  return token;
}

/// Header fields a browser sends with an upgrade (about 600 bytes).
header_list browser_headers() {
  return {
    {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
                   "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"},
    {"Accept-Encoding", "gzip, deflate, br"},
    {"Accept-Language", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"},
    {"Cache-Control", "no-cache"},
    {"Pragma", "no-cache"},
    {"Sec-WebSocket-Extensions",
     "permessage-deflate; client_max_window_bits"},
    {"Cookie", "session=" + std::string(300, 'c')},
  };
}

} // namespace

TEST_CASE("a message of exactly 1 MiB is accepted",
          "[integration][limits]") {
  server_process server;
  for (auto d : {dialect::nexus, dialect::neurograph}) {
    INFO(name_of(d));
    ws_client c{server.nexus_port(), {"/ws", subprotocol_of(d), {}}};
    check_established(d, c.read_json());
    c.send_text(padded_heartbeat(d, "mib", one_mib), 10s);
    check_heartbeat_reply(d, c.read_json(10s), "mib");
    check_alive(c, d, "after-mib");
    c.close();
  }
}

TEST_CASE("a message of 1 MiB + 1 byte closes the connection with 1009",
          "[integration][limits]") {
  server_process server;
  for (auto d : {dialect::nexus, dialect::neurograph}) {
    INFO(name_of(d));
    ws_client c{server.nexus_port(), {"/ws", subprotocol_of(d), {}}};
    check_established(d, c.read_json());
    auto code = c.send_expect_close(padded_heartbeat(d, "big", one_mib + 1));
    INFO("last error: " << c.last_error() << ", messages before close: "
                        << c.dropped_messages());
    REQUIRE(code.has_value());
    CHECK(*code == 1009);
  }
  // The server itself is unaffected.
  ws_client c{server.nexus_port()};
  check_established(dialect::nexus, c.read_json());
  check_alive(c, dialect::nexus, "still-serving");
}

TEST_CASE("a 4 KiB ?token= with browser headers fits in the upgrade",
          "[integration][limits]") {
  server_process server;
  auto token = fake_token(4096);
  for (auto port : {server.nexus_port(), server.neurograph_port()}) {
    auto d = port == server.nexus_port() ? dialect::nexus
                                         : dialect::neurograph;
    INFO(name_of(d) << " listener");
    ws_client c{port, {"/ws?token=" + token, "", browser_headers()}};
    check_established(d, c.read_json());
    check_alive(c, d, "token-4k");
    c.close();
  }
}

TEST_CASE("request headers over 8 KiB are refused with 431",
          "[integration][limits]") {
  server_process server;
  auto port = server.nexus_port();
  auto const selector =
    R"(nexus_handshake_failures_total{reason="header_too_large"})";
  auto before = scrape_metric(port, selector).value_or(0);
  auto headers = upgrade_headers();
  headers.emplace_back("X-Big", std::string(9000, 'h'));
  auto res = http_request(port, "GET", "/ws", headers);
  INFO("error: " << res.error << ", body: " << res.body);
  CHECK(res.status == 431);
  auto plain = http_request(port, "GET", "/healthz",
                            {{"X-Big", std::string(9000, 'h')}});
  CHECK(plain.status == 431);
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
