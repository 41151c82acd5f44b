// Size limits seen from a client: the 1 MiB message limit (close 1009 one
// byte over it) and the 8 KiB handshake header limit that a 4 KiB token
// must still fit in (PROTOCOL.md section 6).
#include "auth/jwt_verifier.hpp"
#include "tests/integration/auth_tools.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics.hpp"
#include "tests/support/raw_tcp.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <ctime>

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

/// Secret of the servers that check the 4 KiB token.
constexpr const char* token_secret = "limits-test-secret";

/// A valid HS256 token of exactly `size` characters (a long `sub` pads it),
/// or the longest one below `size` when no `sub` length hits it.
std::string sized_token(std::size_t size) {
  auto now = static_cast<int64_t>(std::time(nullptr));
  std::string best;
  // Base64 makes the token about 4/3 of the payload: start near half.
  for (std::size_t pad = size / 2; pad < size; ++pad) {
    auto token = nexus::auth::mint(
      {"", "HS256", token_secret},
      {{"sub", "u" + std::string(pad, 'x')}, {"exp", now + 3600}});
    if (token.size() > size)
      break;
    best = std::move(token);
    if (best.size() == size)
      break;
  }
  return best;
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
  // A raw client writes the whole frame at once and then reads what the
  // server sent: independent of how a client library handles a reset.
  server_process server;
  for (auto d : {dialect::nexus, dialect::neurograph}) {
    INFO(name_of(d));
    auto port = d == dialect::nexus ? server.nexus_port()
                                    : server.neurograph_port();
    raw_tcp peer{port};
    require_upgrade(peer, port);
    REQUIRE(peer.read_frame().has_value()); // connection.established
    auto text = padded_heartbeat(d, "big", one_mib + 1);
    peer.write(client_frame_header(0x1, text.size()) + text, 10s);
    auto code = peer.read_close_frame();
    INFO("peer: " << peer.last_error());
    CHECK(code == std::optional<std::uint16_t>{1009});
  }
  // The server itself is unaffected.
  ws_client c{server.nexus_port()};
  check_established(dialect::nexus, c.read_json());
  check_alive(c, dialect::nexus, "still-serving");
}

TEST_CASE("a Beast client sees close 1009 for a message over 1 MiB",
          "[integration][limits]") {
  // A library client writes the frame in chunks while reading. If the
  // server drops the TCP connection right after its close frame, the
  // client's write fails, which can abort the read before it reports 1009:
  // the client then sees an error instead of the code. Ten tries make such
  // a race visible.
  server_process server;
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto d = attempt % 2 == 0 ? dialect::nexus : dialect::neurograph;
    INFO(name_of(d) << " attempt " << attempt);
    ws_client c{server.nexus_port(), {"/ws", subprotocol_of(d), {}}};
    check_established(d, c.read_json());
    auto code = c.send_expect_close(padded_heartbeat(d, "big", one_mib + 1));
    INFO("client error: " << c.last_error() << ", messages before close: "
                          << c.dropped_messages());
    CHECK(code == std::optional<std::uint16_t>{1009});
  }
}

TEST_CASE("a peer closed with 1009 that stays silent is released",
          "[integration][limits]") {
  // The server closes the connection itself; a client that announces an
  // oversized frame and then neither sends nor closes must not keep the
  // connection (and its actor) alive past the close deadline, which the
  // server ties to the handshake timeout.
  server_process server{{"warn", {"--handshake-timeout-ms", "2000"}}};
  auto port = server.nexus_port();
  raw_tcp peer{port};
  require_upgrade(peer, port);
  REQUIRE(peer.read_frame().has_value()); // connection.established
  REQUIRE(peer.write(client_frame_header(0x1, one_mib + 1)));
  auto code = peer.read_close_frame();
  INFO("peer: " << peer.last_error());
  CHECK(code == std::optional<std::uint16_t>{1009});
  double actors = -1;
  bool released = poll_until(
    [&] {
      actors = scrape_metric(port, "nexus_connection_actors").value_or(-1);
      return actors == 0;
    },
    6s);
  INFO("nexus_connection_actors 6 s after the 1009 close: " << actors);
  CHECK(released);
}

TEST_CASE("a 4 KiB ?token= with browser headers fits in the upgrade",
          "[integration][limits]") {
  server_options opts;
  opts.anonymous = false;
  opts.env = {{"NEXUS_JWT_SECRET", token_secret}};
  server_process server{opts};
  auto token = sized_token(4096);
  REQUIRE(token.size() >= 4090); // base64 may skip a length, not six
  for (auto port : {server.nexus_port(), server.neurograph_port()}) {
    auto d = port == server.nexus_port() ? dialect::nexus
                                         : dialect::neurograph;
    INFO(name_of(d) << " listener");
    ws_client c{port, {"/ws?token=" + token, "", browser_headers()}};
    check_established(d, c.read_json(), jwt_payload(token).value("sub", ""));
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
