// Request rate limits as a client meets them (PROTOCOL.md §5
// RATE_LIMIT_EXCEEDED, §6; docs/config.md plans.*): a connection's burst is
// exact, heartbeats are exempt, `retry_after_ms` is honest, a user's bucket
// is shared by their connections, and sustained abuse closes with 1008.
//
// The limited request is `auth.refresh` with a valid token of the same
// user: harmless, answered with `auth.refreshed` when admitted. Buckets
// refill at 1 token/s, so a burst sent within a second cannot be helped by
// refill; every test measures its elapsed time and says so when the
// machine was too slow for an exact count.
#include "tests/integration/auth_tools.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace nexus::test;

namespace {

std::string const secret = "rate-secret-0123456789abcdef012345";

using clock_type = std::chrono::steady_clock;

/// A server requiring tokens, with the free plan's per-connection bucket
/// at 1/s burst 5 and `extra` flags.
server_process rate_server(std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"--free-rate-per-sec", "1", "--free-burst",
                                "5"};
  args.insert(args.end(), extra.begin(), extra.end());
  server_options opts{"warn", args};
  opts.anonymous = false;
  opts.env = {{"NEXUS_JWT_SECRET", secret}};
  return server_process{opts};
}

/// A connection of `user` (token from `token`), past connection.established.
ws_client connect_as(server_process const& server, std::string const& user,
                     std::string const& token) {
  ws_client c{server.nexus_port(), {"/ws?token=" + query_escape(token)}};
  auto first = c.read_json();
  INFO("first message: " << first.dump());
  REQUIRE(first.value("type", "") == "connection.established");
  REQUIRE(first["payload"].value("user_id", "") == user);
  return c;
}

/// The answer to one limited request.
struct answer {
  bool admitted = false;
  /// `details.retry_after_ms` of a refusal; -1 when absent.
  std::int64_t retry_after_ms = -1;
  json msg;
};

/// Sends `auth.refresh {token}` with id `id` and reads its answer, which
/// must be the next message: `auth.refreshed` or RATE_LIMIT_EXCEEDED.
answer limited_request(ws_client& c, std::string const& id,
                       std::string const& token) {
  c.send_text(refresh_request(id, token));
  answer a;
  a.msg = c.read_json(5s);
  INFO("answer to " << id << ": " << a.msg.dump());
  REQUIRE(a.msg.value("request_id", "") == id);
  if (a.msg.value("type", "") == "auth.refreshed") {
    a.admitted = true;
    return a;
  }
  check_error(dialect::nexus, a.msg,
              {"RATE_LIMIT_EXCEEDED", "RATE_LIMIT_ERROR", "", id});
  auto details = a.msg["error"].value("details", json::object());
  auto retry = details.value("retry_after_ms", json{});
  CHECK(retry.is_number_integer());
  if (retry.is_number_integer())
    a.retry_after_ms = retry.get<std::int64_t>();
  return a;
}

/// Milliseconds since `t0`.
std::int64_t elapsed_ms(clock_type::time_point t0) {
  return std::chrono::duration_cast<millis>(clock_type::now() - t0).count();
}

} // namespace

TEST_CASE("a connection's burst admits exactly N requests",
          "[integration][rate]") {
  auto server = rate_server();
  constexpr int burst = 5;
  for (int n : {burst - 1, burst, burst + 1}) {
    auto user = "burst-" + std::to_string(n);
    auto tokens = mint_tokens(secret, 2, {user, ""});
    auto c = connect_as(server, user, tokens[0]);
    int admitted = 0;
    int refused = 0;
    int first_refused = 0;
    auto const t0 = clock_type::now();
    for (int i = 1; i <= n; ++i) {
      auto a = limited_request(c, user + "-" + std::to_string(i), tokens[1]);
      if (a.admitted) {
        ++admitted;
      } else {
        ++refused;
        first_refused = first_refused == 0 ? i : first_refused;
        CHECK(a.retry_after_ms > 0);
        CHECK(a.retry_after_ms <= 1000); // one token at 1/s
      }
    }
    auto const took = elapsed_ms(t0);
    INFO(n << " requests in " << took << " ms: " << admitted
           << " admitted, " << refused << " refused, first refusal #"
           << first_refused);
    int const want = std::min(n, burst);
    if (took < 1000) {
      CHECK(admitted == want);
      CHECK(refused == n - want);
      CHECK((refused == 0 || first_refused == burst + 1));
    } else {
      WARN("slow machine: " << took << " ms for " << n
                            << " requests, refill may admit more");
      CHECK(admitted >= want);
      CHECK(admitted <= want + took / 1000);
    }
    check_alive(c, dialect::nexus, user + "-alive");
    c.close();
  }
}

TEST_CASE("heartbeats stay exempt and retry_after_ms is honest",
          "[integration][rate]") {
  auto server = rate_server();
  auto tokens = mint_tokens(secret, 2, {"judy", ""});
  auto c = connect_as(server, "judy", tokens[0]);
  answer refusal;
  int sent = 0;
  for (; sent < 30; ++sent) {
    refusal = limited_request(c, "drain-" + std::to_string(sent), tokens[1]);
    if (!refusal.admitted)
      break;
  }
  INFO("first refusal after " << sent << " admitted requests: "
                              << refusal.msg.dump());
  REQUIRE_FALSE(refusal.admitted);
  CHECK(sent >= 5);
  // Out of tokens, heartbeats are still answered (PROTOCOL.md §3).
  for (int i = 0; i < 20; ++i)
    check_alive(c, dialect::nexus, "exempt-" + std::to_string(i));
  // Waiting exactly the interval the server stated lets the next request
  // in: it is an upper bound, not a guess. (Sleeping here waits out a
  // server-stated time; it synchronises nothing.)
  REQUIRE(refusal.retry_after_ms > 0);
  REQUIRE(refusal.retry_after_ms <= 1000);
  std::this_thread::sleep_for(millis{refusal.retry_after_ms});
  auto after = limited_request(c, "after-wait", tokens[1]);
  INFO("after waiting " << refusal.retry_after_ms
                        << " ms: " << after.msg.dump());
  CHECK(after.admitted);
  // That one token was all the wait bought.
  auto again = limited_request(c, "right-after", tokens[1]);
  CHECK_FALSE(again.admitted);
  check_alive(c, dialect::nexus, "still-alive");
  c.close();
}

TEST_CASE("a user's bucket is shared by all of their connections",
          "[integration][rate]") {
  // Connection bucket burst 5, user bucket burst 8, both 1/s.
  auto server = rate_server(
    {"--free-user-rate-per-sec", "1", "--free-user-burst", "8"});
  auto tokens = mint_tokens(secret, 3, {"ken", ""});
  auto other = mint_tokens(secret, 2, {"lena", ""});
  auto a = connect_as(server, "ken", tokens[0]);
  auto b = connect_as(server, "ken", tokens[1]);
  auto const t0 = clock_type::now();
  int a_ok = 0;
  int b_ok = 0;
  for (int i = 0; i < 5; ++i)
    a_ok += limited_request(a, "a-" + std::to_string(i), tokens[2]).admitted;
  for (int i = 0; i < 3; ++i)
    b_ok += limited_request(b, "b-" + std::to_string(i), tokens[2]).admitted;
  auto a_more = limited_request(a, "a-more", tokens[2]);
  auto b_more = limited_request(b, "b-more", tokens[2]);
  auto const took = elapsed_ms(t0);
  INFO("10 requests in " << took << " ms; A admitted " << a_ok
                         << " of 5, B " << b_ok << " of 3; A's 6th: "
                         << a_more.msg.dump() << "; B's 4th: "
                         << b_more.msg.dump());
  CHECK(a_ok == 5);
  CHECK(b_ok == 3);
  if (took < 1000) {
    CHECK_FALSE(a_more.admitted);
    // B has 2 of its own 5 left: only the user's bucket refuses it.
    CHECK_FALSE(b_more.admitted);
    CHECK(b_more.retry_after_ms > 0);
    CHECK(b_more.retry_after_ms <= 1000);
  } else {
    WARN("slow machine: " << took << " ms, refill may admit more");
  }
  // Another user is not affected.
  auto d = connect_as(server, "lena", other[0]);
  CHECK(limited_request(d, "d-0", other[1]).admitted);
  check_alive(a, dialect::nexus, "a-alive");
  check_alive(b, dialect::nexus, "b-alive");
}

TEST_CASE("sustained rate-limit abuse closes the connection with 1008",
          "[integration][rate]") {
  auto server = rate_server(
    {"--abuse-rejections", "10", "--abuse-window-ms", "10000"});
  auto tokens = mint_tokens(secret, 2, {"mike", ""});
  auto c = connect_as(server, "mike", tokens[0]);
  int rejections = 0;
  int admitted = 0;
  for (int i = 0; i < 60 && rejections < 10; ++i) {
    auto a = limited_request(c, "abuse-" + std::to_string(i), tokens[1]);
    if (a.admitted) {
      ++admitted;
      continue;
    }
    ++rejections;
    if (rejections == 9) {
      // One short of the threshold the connection still works.
      check_alive(c, dialect::nexus, "after-9");
    }
  }
  INFO(admitted << " admitted, " << rejections << " rejected");
  REQUIRE(rejections == 10);
  auto code = c.read_close_code(5s);
  INFO("messages after the 10th rejection: " << c.dropped_messages()
                                             << ", client error: "
                                             << c.last_error());
  CHECK(code == std::optional<std::uint16_t>{1008});
  CHECK(c.dropped_messages() == 0);
  // The server and other users carry on.
  auto others = mint_tokens(secret, 1, {"nina", ""});
  auto d = connect_as(server, "nina", others[0]);
  check_alive(d, dialect::nexus, "nina-alive");
}
