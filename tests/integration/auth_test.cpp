// Authentication as a client meets it (PROTOCOL.md §1, §4, §5): the JWT
// matrix of tests/auth/mint_matrix.py over the wire, `Authorization` beating
// `?token=`, anonymous access only with `--dev`/`--anonymous`, HTTP 401
// with `--refuse-before-upgrade`, and `nexus-server token`.
#include "tests/integration/auth_tools.hpp"
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_cli.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace nexus::test;

namespace {

/// What a client saw after opening a WebSocket: the first message and, for
/// an error, the close code that followed; or why the upgrade failed.
struct outcome {
  std::string upgrade_error;
  json first;
  std::optional<std::uint16_t> close_code;
  std::string close_error;
};

/// Connects with `opts`, reads the first message; on an error reads on
/// until the close, on success proves the connection works and closes.
outcome observe(std::uint16_t port, ws_connect_options opts) {
  outcome out;
  try {
    ws_client c{port, std::move(opts)};
    out.first = c.read_json(5s);
    if (out.first.value("type", "") == "error") {
      out.close_code = c.read_close_code(5s);
      out.close_error = c.last_error();
    } else {
      auto hb = heartbeat_request(dialect::nexus, "auth-alive");
      c.send_text(hb);
      auto reply = c.read_reply("auth-alive");
      if (reply.value("type", "") != "heartbeat")
        out.close_error = "heartbeat not answered: " + reply.dump();
      c.close();
    }
  } catch (std::exception const& e) {
    out.upgrade_error = e.what();
  }
  return out;
}

/// One line describing an outcome, comparable with `accepted`/`refused`.
std::string describe(outcome const& o) {
  std::ostringstream s;
  if (!o.upgrade_error.empty() && o.first.is_null())
    return "failed: " + o.upgrade_error;
  auto type = o.first.value("type", "");
  if (type == "connection.established") {
    auto p = o.first.value("payload", json::object());
    auto l = p.value("limits", json::object());
    s << "established user=" << p.value("user_id", json{}).dump()
      << " plan=" << p.value("plan", json{}).dump()
      << " limits=" << l.value("rate_per_sec", json{}).dump() << "/"
      << l.value("burst", json{}).dump();
    if (!o.upgrade_error.empty() || !o.close_error.empty())
      s << " then failed: " << o.upgrade_error << o.close_error;
    return s.str();
  }
  if (type == "error") {
    auto e = o.first.value("error", json::object());
    s << "refused " << e.value("code", json{}).dump() << "/"
      << e.value("type", json{}).dump() << " reason="
      << e.value("details", json::object()).value("reason", json{}).dump()
      << " close="
      << (o.close_code ? std::to_string(*o.close_code)
                       : "none (" + o.close_error + ")");
    return s.str();
  }
  return "unexpected first message: " + o.first.dump().substr(0, 300)
         + (o.upgrade_error.empty() ? "" : " then " + o.upgrade_error);
}

/// The description of an accepted connection of `user` on `plan`.
std::string accepted(std::string const& user, std::string const& plan) {
  auto l = default_limits_of(plan);
  return "established user=" + json(user).dump() + " plan="
         + json(plan).dump() + " limits=" + std::to_string(l.rate_per_sec)
         + "/" + std::to_string(l.burst);
}

/// The description of a refusal with `reason`.
std::string refused(std::string const& reason) {
  return R"(refused "AUTHENTICATION_FAILED"/"AUTH_ERROR" reason=)"
         + json(reason).dump() + " close=1008";
}

/// Options for a server that requires a token signed with `secret`.
server_options auth_server(std::string const& secret,
                           std::vector<std::string> args = {}) {
  server_options opts{"warn", std::move(args)};
  opts.anonymous = false;
  opts.env = {{"NEXUS_JWT_SECRET", secret}};
  return opts;
}

/// `/ws?token=...`.
std::string with_token(std::string const& token) {
  return "/ws?token=" + query_escape(token);
}

/// An `Authorization: Bearer` header.
std::vector<std::pair<std::string, std::string>>
bearer(std::string const& token, std::string const& scheme = "Bearer") {
  return {{"Authorization", scheme + " " + token}};
}

std::string const secret = "integration-secret-0123456789abcdef";
std::string const other_secret = "some-other-secret-0123456789abcdef";

} // namespace

TEST_CASE("every token of the JWT matrix is accepted or refused over the wire",
          "[integration][auth]") {
  temp_dir dir;
  auto minted = run_tool(system_python(), {mint_matrix_script(), dir.path()});
  INFO("mint_matrix.py exit " << minted.exit_code.value_or(-1) << ", stderr:\n"
                              << minted.err);
  REQUIRE(minted.exit_code == std::optional<int>{0});
  auto matrix = json::parse(dir.read_file("matrix.json"));
  REQUIRE(matrix.is_array());
  REQUIRE(matrix.size() > 40);
  // The matrix opens ~70 WebSockets in a few seconds: over the default
  // 50 handshakes/s per address, which is not what this test is about.
  server_options opts{"warn",
                      {"--config", dir.path() + "/nexus-auth.json",
                       "--handshakes-per-address", "100000"}};
  opts.anonymous = false;
  server_process server{opts};
  std::ostringstream mismatches;
  int wrong = 0;
  int accepts = 0;
  for (auto const& row : matrix) {
    auto name = row.at("name").get<std::string>();
    auto expect = row.at("expect").get<std::string>();
    auto want = expect == "accept"
                  ? accepted(row.at("sub").get<std::string>(),
                             row.value("plan", "free"))
                  : refused(expect);
    accepts += expect == "accept" ? 1 : 0;
    auto got = describe(
      observe(server.nexus_port(),
              {with_token(row.at("token").get<std::string>())}));
    if (got != want) {
      ++wrong;
      mismatches << "  " << name << ": want " << want << "\n"
                 << "  " << std::string(name.size(), ' ') << "  got  " << got
                 << "\n";
    }
  }
  INFO(wrong << " of " << matrix.size() << " rows differ:\n"
             << mismatches.str());
  CHECK(wrong == 0);
  CHECK(accepts >= 10);
  CHECK(server.running());
}

TEST_CASE("the Authorization header beats ?token= both ways",
          "[integration][auth]") {
  server_process server{auth_server(secret)};
  auto port = server.nexus_port();
  auto alice = mint_token(secret, {"alice", "pro"});
  auto bob = mint_token(secret, {"bob", ""});
  auto forged = mint_token(other_secret, {"mallory", ""});

  CHECK(describe(observe(port, {with_token(bob), "", bearer(alice)}))
        == accepted("alice", "pro"));
  CHECK(describe(observe(port, {with_token(alice), "", bearer(bob)}))
        == accepted("bob", "free"));
  // A bad header is not rescued by a good query parameter...
  CHECK(describe(observe(port, {with_token(alice), "", bearer(forged)}))
        == refused("bad_signature"));
  // ...and a good header makes a bad query parameter irrelevant.
  CHECK(describe(observe(port, {with_token(forged), "", bearer(alice)}))
        == accepted("alice", "pro"));
  // Each alone works; the scheme name is case-insensitive (RFC 7235 §2.1).
  CHECK(describe(observe(port, {with_token(alice)}))
        == accepted("alice", "pro"));
  CHECK(describe(observe(port, {"/ws", "", bearer(bob)}))
        == accepted("bob", "free"));
  CHECK(describe(observe(port, {"/ws", "", bearer(bob, "bearer")}))
        == accepted("bob", "free"));
}

TEST_CASE("no token is refused unless anonymous access is on",
          "[integration][auth]") {
  auto forged = mint_token(other_secret, {"mallory", ""});
  auto good = mint_token(secret, {"carol", "enterprise"});
  SECTION("auth required (the default)") {
    server_process server{auth_server(secret)};
    auto port = server.nexus_port();
    CHECK(describe(observe(port, {"/ws"})) == refused("missing"));
    CHECK(describe(observe(port, {"/ws?token="})) == refused("missing"));
    CHECK(describe(observe(port, {"/ws", "", bearer(forged)}))
          == refused("bad_signature"));
    CHECK(describe(observe(port, {with_token(good)}))
          == accepted("carol", "enterprise"));
  }
  SECTION("--dev") {
    server_process server{auth_server(secret, {"--dev"})};
    auto port = server.nexus_port();
    CHECK(describe(observe(port, {"/ws"})) == accepted("anonymous", "free"));
    CHECK(describe(observe(port, {with_token(forged)}))
          == refused("bad_signature"));
    CHECK(describe(observe(port, {"/ws", "", bearer("not.a.jwt")}))
          == refused("malformed"));
    CHECK(describe(observe(port, {with_token(good)}))
          == accepted("carol", "enterprise"));
  }
  SECTION("--anonymous") {
    server_process server{auth_server(secret, {"--anonymous"})};
    auto port = server.nexus_port();
    CHECK(describe(observe(port, {"/ws"})) == accepted("anonymous", "free"));
    CHECK(describe(observe(port, {with_token(forged)}))
          == refused("bad_signature"));
    CHECK(describe(observe(port, {with_token(good)}))
          == accepted("carol", "enterprise"));
  }
}

TEST_CASE("refuse-before-upgrade answers a missing or bad token with 401",
          "[integration][auth]") {
  server_process server{auth_server(secret, {"--refuse-before-upgrade"})};
  auto port = server.nexus_port();
  auto forged = mint_token(other_secret, {"mallory", ""});
  auto good = mint_token(secret, {"dave", "pro"});

  auto none = http_request(port, "GET", "/ws", upgrade_headers());
  INFO("no token: status " << none.status << " " << none.error << " "
                           << none.body);
  CHECK(none.status == 401);
  auto bad = http_request(port, "GET", with_token(forged), upgrade_headers());
  INFO("bad token: status " << bad.status << " " << bad.error << " "
                            << bad.body);
  CHECK(bad.status == 401);
  auto headers = upgrade_headers();
  headers.emplace_back("Authorization", "Bearer " + forged);
  auto bad_header = http_request(port, "GET", "/ws", headers);
  CHECK(bad_header.status == 401);
  // A refused client never reaches the WebSocket layer.
  try {
    ws_client c{port, {with_token(forged)}};
    FAIL("the upgrade with a bad token succeeded");
  } catch (std::exception const& e) {
    INFO(e.what());
    CHECK(std::string{e.what()}.find("HTTP status 401") != std::string::npos);
  }
  // A good token upgrades (101) and is served as usual.
  auto ok = http_request(port, "GET", with_token(good), upgrade_headers());
  CHECK(ok.status == 101);
  CHECK(describe(observe(port, {with_token(good)})) == accepted("dave", "pro"));
  CHECK(describe(observe(port, {"/ws", "", bearer(good)}))
        == accepted("dave", "pro"));
}

TEST_CASE("a 401 before the upgrade carries a Bearer challenge",
          "[integration][auth]") {
  // RFC 9110 §15.5.2: a server generating a 401 MUST send WWW-Authenticate
  // with at least one challenge; for JWTs that is `Bearer` (RFC 6750 §3).
  server_process server{auth_server(secret, {"--refuse-before-upgrade"})};
  auto res = http_request(server.nexus_port(), "GET", "/ws", upgrade_headers());
  REQUIRE(res.status == 401);
  INFO("WWW-Authenticate: '" << res.header("www-authenticate") << "'");
  CHECK(res.header("www-authenticate").rfind("Bearer", 0) == 0);
}

TEST_CASE("nexus-server token prints a token the server accepts",
          "[integration][auth]") {
  auto r = run_server_cli({"token", "--sub", "alice", "--plan", "enterprise",
                           "--ttl", "1h", "--topics", "a.*,exec.42"},
                          {{"NEXUS_JWT_SECRET", secret}});
  INFO("exit " << r.exit_code.value_or(-1) << "\nstdout:\n"
               << r.out << "stderr:\n" << r.err);
  REQUIRE(r.exit_code == std::optional<int>{0});
  auto token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r'))
    token.pop_back();
  REQUIRE(!token.empty());
  CHECK(token.find('\n') == std::string::npos); // one line: just the token

  auto claims = jwt_payload(token);
  INFO("claims: " << claims.dump());
  CHECK(claims.value("sub", json{}) == "alice");
  CHECK(claims.value("plan", json{}) == "enterprise");
  CHECK(claims.value("topics", json{}) == json::array({"a.*", "exec.42"}));
  REQUIRE(claims.value("exp", json{}).is_number_integer());
  REQUIRE(claims.value("iat", json{}).is_number_integer());
  CHECK(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>()
        == 3600);
  CHECK(std::abs(claims["iat"].get<std::int64_t>() - unix_now_ms() / 1000)
        < 60);

  {
    server_process server{auth_server(secret)};
    CHECK(describe(observe(server.nexus_port(), {with_token(token)}))
          == accepted("alice", "enterprise"));
    CHECK(describe(observe(server.nexus_port(), {"/ws", "", bearer(token)}))
          == accepted("alice", "enterprise"));
  }
  {
    server_process stranger{auth_server(other_secret)};
    CHECK(describe(observe(stranger.nexus_port(), {with_token(token)}))
          == refused("bad_signature"));
  }
  // Without a secret there is nothing to sign with: an error, no token.
  auto none = run_server_cli({"token", "--sub", "alice"});
  CHECK(none.exit_code.has_value());
  CHECK(none.exit_code != std::optional<int>{0});
  CHECK(none.out.empty());
}
