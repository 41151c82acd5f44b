// A token's lifetime on an open connection (PROTOCOL.md §3 auth.refresh,
// §4): `auth.expiring` ahead of `exp`, `auth.refresh` extending the
// connection past it, AUTHENTICATION_FAILED `expired` + close 1008 without
// a refresh, and a refresh naming another user refused.
//
// Times are measured with the system clock, which is what JWT `exp` and the
// server use. JWT times are whole seconds, so "exp = now + 4 s" leaves
// between 3 and 4 s; every wait is for a message, bounded by a deadline.
#include "tests/integration/auth_tools.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexus::test;

namespace {

std::string const secret = "expiry-secret-0123456789abcdef0123";

/// A server requiring tokens, with no leeway and a 2 s expiry warning.
server_options expiry_server() {
  server_options opts{"warn",
                      {"--jwt-leeway-s", "0", "--expiry-warning-ms", "2000"}};
  opts.anonymous = false;
  opts.env = {{"NEXUS_JWT_SECRET", secret}};
  return opts;
}

/// `exp` of `token` in milliseconds since the epoch.
std::int64_t exp_ms_of(std::string const& token) {
  return jwt_payload(token).at("exp").get<std::int64_t>() * 1000;
}

/// Milliseconds from now until `unix_ms` (at least 1).
millis until(std::int64_t unix_ms) {
  return millis{std::max<std::int64_t>(1, unix_ms - unix_now_ms())};
}

} // namespace

TEST_CASE("auth.expiring arrives and auth.refresh keeps the connection",
          "[integration][auth][expiry]") {
  server_process server{expiry_server()};
  auto fresh = mint_token(secret, {"erin", "", 60});
  auto token = mint_token(secret, {"erin", "", 4});
  auto const exp_ms = exp_ms_of(token);
  ws_client c{server.nexus_port(), {"/ws?token=" + query_escape(token)}};
  check_established_as(c.read_json(), "erin", "free");

  // auth.expiring: 2 s before exp (leeway 0), not earlier.
  auto ev = c.read_json(until(exp_ms + 2000));
  auto const seen_at = unix_now_ms();
  INFO("event " << ev.dump() << " received " << (exp_ms - seen_at)
                << " ms before exp");
  REQUIRE(ev.value("type", "") == "auth.expiring");
  CHECK(ev.value("success", false));
  auto p = ev.value("payload", json::object());
  CHECK(parse_rfc3339_ms(p.value("expires_at", "")) == exp_ms);
  REQUIRE(p.value("expires_in_ms", json{}).is_number_integer());
  auto in_ms = p["expires_in_ms"].get<std::int64_t>();
  CHECK(in_ms > 0);
  CHECK(in_ms <= 2000);
  CHECK(seen_at >= exp_ms - 2000);
  CHECK(seen_at < exp_ms);
  // What the event says agrees with the clock (2 cores, ASan: 500 ms).
  CHECK(std::abs(seen_at + in_ms - exp_ms) < 500);

  // Refresh with a token valid for another minute.
  c.send_text(refresh_request("refresh-1", fresh));
  auto reply = c.read_json(5s);
  INFO("refresh reply: " << reply.dump());
  REQUIRE(reply.value("type", "") == "auth.refreshed");
  CHECK(reply.value("request_id", "") == "refresh-1");
  CHECK(reply.value("success", false));
  CHECK(parse_rfc3339_ms(
          reply.value("payload", json::object()).value("expires_at", ""))
        == exp_ms_of(fresh));

  // Heartbeats keep being answered until well past the original exp; any
  // other message (an error, a close) fails the loop. The pause between
  // heartbeats only paces the loop; the clock decides when it ends.
  int answered = 0;
  for (int i = 0; i < 100 && unix_now_ms() < exp_ms + 1500; ++i) {
    auto id = "hb-" + std::to_string(i);
    c.send_text(heartbeat_request(dialect::nexus, id));
    json msg;
    try {
      msg = c.read_json(5s);
    } catch (std::exception const& e) {
      FAIL("heartbeat " << id << " at exp"
                        << (unix_now_ms() - exp_ms >= 0 ? "+" : "")
                        << unix_now_ms() - exp_ms << " ms: " << e.what());
    }
    INFO("reply to " << id << ": " << msg.dump());
    REQUIRE(msg.value("type", "") == "heartbeat");
    REQUIRE(msg.value("request_id", "") == id);
    ++answered;
    std::this_thread::sleep_for(200ms);
  }
  CHECK(unix_now_ms() >= exp_ms + 1500);
  CHECK(answered >= 5);
  c.close();
}

TEST_CASE("without auth.refresh the connection ends at exp with 1008",
          "[integration][auth][expiry]") {
  server_process server{expiry_server()};
  auto token = mint_token(secret, {"frank", "", 3});
  auto const exp_ms = exp_ms_of(token);
  ws_client c{server.nexus_port(), {"/ws?token=" + query_escape(token)}};
  check_established_as(c.read_json(), "frank", "free");

  bool warned = false;
  json err;
  std::int64_t err_at = 0;
  for (int i = 0; i < 10; ++i) {
    json msg;
    try {
      msg = c.read_json(until(exp_ms + 5000));
    } catch (std::exception const& e) {
      FAIL("waiting for the expiry error at exp"
           << (unix_now_ms() - exp_ms >= 0 ? "+" : "")
           << unix_now_ms() - exp_ms << " ms: " << e.what());
    }
    if (msg.value("type", "") == "auth.expiring") {
      warned = true;
      continue;
    }
    err = msg;
    err_at = unix_now_ms();
    break;
  }
  CHECK(warned);
  INFO("error received at exp" << (err_at - exp_ms >= 0 ? "+" : "")
                               << err_at - exp_ms << " ms");
  check_auth_error(err, "expired");
  CHECK(err_at >= exp_ms);
  CHECK(err_at <= exp_ms + 2000);
  auto code = c.read_close_code(5s);
  INFO("client error: " << c.last_error());
  CHECK(code == std::optional<std::uint16_t>{1008});
}

TEST_CASE("auth.refresh with another user's token closes with 1008",
          "[integration][auth][expiry]") {
  server_process server{expiry_server()};
  auto mine = mint_token(secret, {"grace", "", 60});
  auto theirs = mint_token(secret, {"heidi", "", 60});
  ws_client c{server.nexus_port(), {"/ws?token=" + query_escape(mine)}};
  check_established_as(c.read_json(), "grace", "free");
  check_alive(c, dialect::nexus, "before-refresh");
  c.send_text(refresh_request("refresh-other", theirs));
  check_auth_refused(c, "subject_changed", "refresh-other");
}

TEST_CASE("auth.refresh with an invalid token closes with its reason",
          "[integration][auth][expiry]") {
  server_process server{expiry_server()};
  auto mine = mint_token(secret, {"ivan", "", 60});
  auto forged = mint_token("not-the-server-secret-0123456789ab",
                           {"ivan", "", 60});
  ws_client c{server.nexus_port(), {"/ws?token=" + query_escape(mine)}};
  check_established_as(c.read_json(), "ivan", "free");
  c.send_text(refresh_request("refresh-forged", forged));
  check_auth_refused(c, "bad_signature", "refresh-forged");
}
