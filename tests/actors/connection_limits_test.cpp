// The connection actor's admission: rate limits through the real rate
// supervisor, in-flight limits (OVERLOADED), sustained abuse, auth.refresh
// and token expiry — what a client reads, without sockets.
#include <catch2/catch.hpp>

#include "actor_fixture.hpp"
#include "actors/supervisor/rate_supervisor.hpp"
#include "auth/jwt_verifier.hpp"
#include "messages/ids.hpp"

using namespace nexus;
using nexus::test::actor_fixture;
using nexus::test::error_code;
using nexus::test::hold_request;
using nexus::test::release_request;
using nexus::test::route;
using nexus::test::recording_outbound;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

auth::identity user(std::string id, std::optional<int64_t> exp = {}) {
  return auth::identity{std::move(id), auth::plan::free, {}, false, exp};
}

std::string status_request(const std::string& id, const std::string& ends) {
  return R"({"type":"get_execution_status","request_id":")" + id
         + R"(","payload":{"execution_id":")" + ends + R"("}})";
}

constexpr const char* secret = "actor-test-secret";

std::shared_ptr<const auth::jwt_verifier> hs_verifier() {
  auth::verifier_options o;
  o.keys.push_back({"", "HS256", secret});
  auto made = auth::jwt_verifier::make(std::move(o));
  return std::make_shared<const auth::jwt_verifier>(
    std::get<auth::jwt_verifier>(std::move(made)));
}

std::string token_for(const std::string& sub, int64_t ttl_s) {
  auto now = messages::unix_millis() / 1000;
  return auth::mint({"", "HS256", secret},
                    {{"sub", sub}, {"iat", now}, {"exp", now + ttl_s}});
}

std::string refresh(const std::string& id, const std::string& token) {
  return json{{"type", "auth.refresh"},
              {"request_id", id},
              {"payload", {{"token", token}}}}
    .dump();
}

} // namespace

TEST_CASE_METHOD(actor_fixture, "in flight per connection: N run, N+1 waits",
                 "[actors][limits]") {
  node->plans.free.max_in_flight = 2;
  node->overloaded_retry_ms = 750;
  route(*node, messages::request_kind::execute_template, hold_request);
  route(*node, messages::request_kind::get_execution_status, release_request);
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out, user("ann"));
  REQUIRE(out->next());
  frame(conn, R"({"type":"execute_template","request_id":"a"})");
  frame(conn, R"({"type":"execute_template","request_id":"b"})");
  frame(conn, R"({"type":"execute_template","request_id":"c"})");
  auto over = out->next();
  REQUIRE(over);
  CHECK(error_code(*over) == "OVERLOADED");
  CHECK((*over)["request_id"] == "c");
  CHECK((*over)["error"]["details"]["retry_after_ms"] == 750);
  // Once one ends, the next one runs (and is not refused).
  frame(conn, status_request("s1", "a"));
  auto status = out->next();
  REQUIRE(status);
  CHECK((*status)["type"] == "execution_status");
  CHECK(*node->running_on_node == 1);
  frame(conn, R"({"type":"execute_template","request_id":"c"})");
  frame(conn, R"({"type":"heartbeat","request_id":"hb"})");
  auto hb = out->next();
  REQUIRE(hb);
  CHECK((*hb)["type"] == "heartbeat");
  CHECK(*node->running_on_node == 2);
  caf::anon_send(conn, atoms::closed_atom_v);
  REQUIRE(out->close_code());
  // A connection that dies with requests running gives their slots back.
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (*node->running_on_node != 0
         && std::chrono::steady_clock::now() < deadline)
    std::this_thread::yield();
  CHECK(*node->running_on_node == 0);
}

TEST_CASE_METHOD(actor_fixture, "in flight per node spans connections",
                 "[actors][limits]") {
  node->node_in_flight = 2;
  route(*node, messages::request_kind::execute_template, hold_request);
  std::shared_ptr<recording_outbound> a;
  std::shared_ptr<recording_outbound> b;
  auto ca = spawn_connection(messages::dialect::nexus, a, user("ann"));
  auto cb = spawn_connection(messages::dialect::nexus, b, user("bob"));
  REQUIRE(a->next());
  REQUIRE(b->next());
  frame(ca, R"({"type":"execute_template","request_id":"a1"})");
  frame(ca, R"({"type":"heartbeat","request_id":"h"})");
  REQUIRE(a->next()); // a1 is running once its connection answered h
  frame(cb, R"({"type":"execute_template","request_id":"b1"})");
  frame(cb, R"({"type":"execute_template","request_id":"b2"})");
  auto over = b->next();
  REQUIRE(over);
  CHECK(error_code(*over) == "OVERLOADED");
  CHECK((*over)["request_id"] == "b2");
  CHECK((*over)["error"]["message"]
        == "too many requests in flight on this node");
  caf::anon_send(ca, atoms::closed_atom_v);
  caf::anon_send(cb, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "the rate supervisor limits all but heartbeat",
                 "[actors][limits]") {
  // Burst 3, one token per second: the four frames go out back to back.
  node->plans.free = {1, 3, 1, 100, 16};
  auto rates = sys.spawn(actors::rate_supervisor,
                         actors::rate_supervisor_options{});
  node->rate_supervisor = caf::actor_cast<caf::actor>(rates);
  route(*node, messages::request_kind::get_execution_status, release_request);
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out, user("ann"));
  REQUIRE(out->next());
  for (int i = 0; i < 4; ++i)
    frame(conn, status_request("s" + std::to_string(i), "x"));
  for (int i = 0; i < 3; ++i) {
    auto ok = out->next();
    REQUIRE(ok);
    CHECK((*ok)["type"] == "execution_status");
    CHECK((*ok)["request_id"] == "s" + std::to_string(i));
  }
  auto limited = out->next();
  REQUIRE(limited);
  CHECK(error_code(*limited) == "RATE_LIMIT_EXCEEDED");
  CHECK((*limited)["request_id"] == "s3");
  auto retry = (*limited)["error"]["details"]["retry_after_ms"].get<int>();
  CHECK(retry > 0);
  CHECK(retry <= 1000);
  for (int i = 0; i < 10; ++i)
    frame(conn, R"({"type":"heartbeat","request_id":"h)" + std::to_string(i)
                  + R"("})");
  for (int i = 0; i < 10; ++i) {
    auto hb = out->next();
    REQUIRE(hb);
    CHECK((*hb)["type"] == "heartbeat");
  }
  CHECK(metrics.errors.value("RATE_LIMIT_EXCEEDED") == 1);
  caf::anon_send(conn, atoms::closed_atom_v);
  caf::anon_send_exit(rates, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture, "sustained rate-limit abuse closes 1008",
                 "[actors][limits]") {
  node->plans.free = {1, 1, 1, 100, 16};
  node->abuse_rejections = 5;
  auto rates = sys.spawn(actors::rate_supervisor,
                         actors::rate_supervisor_options{});
  node->rate_supervisor = caf::actor_cast<caf::actor>(rates);
  route(*node, messages::request_kind::get_execution_status, release_request);
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out, user("eve"));
  REQUIRE(out->next());
  for (int i = 0; i < 6; ++i)
    frame(conn, status_request("s" + std::to_string(i), "x"));
  int limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto msg = out->next();
    REQUIRE(msg);
    limited += error_code(*msg) == "RATE_LIMIT_EXCEEDED";
  }
  CHECK(limited == 5);
  CHECK(out->close_code() == 1008);
  caf::anon_send(conn, atoms::closed_atom_v);
  caf::anon_send_exit(rates, caf::exit_reason::user_shutdown);
}

TEST_CASE_METHOD(actor_fixture, "auth.refresh keeps the user, refuses others",
                 "[actors][auth]") {
  node->verifier = hs_verifier();
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out, user("ann"));
  REQUIRE(out->next());
  frame(conn, R"({"type":"auth.refresh","request_id":"r0","payload":{}})");
  auto invalid = out->next();
  REQUIRE(invalid);
  CHECK(error_code(*invalid) == "VALIDATION_FAILED");
  CHECK((*invalid)["error"]["field"] == "token");
  frame(conn, refresh("r1", token_for("ann", 3600)));
  auto ok = out->next();
  REQUIRE(ok);
  CHECK((*ok)["type"] == "auth.refreshed");
  CHECK((*ok)["payload"]["expires_at"].is_string());
  frame(conn, refresh("r2", token_for("mallory", 3600)));
  auto refused = out->next();
  REQUIRE(refused);
  CHECK(error_code(*refused) == "AUTHENTICATION_FAILED");
  CHECK((*refused)["error"]["details"]["reason"] == "subject_changed");
  CHECK(out->close_code() == 1008);
  caf::anon_send(conn, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "a token past exp warns, then closes 1008",
                 "[actors][auth]") {
  node->leeway_s = 0;
  node->expiry_warning_ms = 1000;
  auto exp = messages::unix_millis() / 1000 + 2;
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out,
                               user("ann", exp));
  REQUIRE(out->next());
  auto warning = out->next(4s);
  REQUIRE(warning);
  CHECK((*warning)["type"] == "auth.expiring");
  CHECK((*warning)["payload"]["expires_in_ms"].get<int64_t>() <= 1000);
  auto expired = out->next(4s);
  REQUIRE(expired);
  CHECK(error_code(*expired) == "AUTHENTICATION_FAILED");
  CHECK((*expired)["error"]["details"]["reason"] == "expired");
  CHECK(messages::unix_millis() >= exp * 1000);
  CHECK(out->close_code() == 1008);
  caf::anon_send(conn, atoms::closed_atom_v);
}
