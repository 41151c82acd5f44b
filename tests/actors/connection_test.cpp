// The connection actor without sockets: what a client would read from it
// for each kind of frame, and its lifecycle.
#include <catch2/catch.hpp>

#include "actor_fixture.hpp"

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

/// Throws, as a buggy handler would.
actors::handled throw_in_handler(actors::connection_ptr,
                                 messages::request&) {
  throw std::runtime_error("handler bug");
}

} // namespace

TEST_CASE_METHOD(actor_fixture, "connection.established comes first",
                 "[actors][connection]") {
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out);
  auto first = out->next();
  REQUIRE(first);
  CHECK((*first)["type"] == "connection.established");
  auto& p = (*first)["payload"];
  CHECK(p["connection_id"] == "conn-1");
  CHECK(p["client_id"] == "client-1");
  CHECK(p["user_id"] == "anonymous");
  CHECK(p["node_id"] == "node-test");
  CHECK(p["dialect"] == "nexus");
  CHECK(p["protocol_version"] == "2.0.0");
  CHECK(p["heartbeat_interval_ms"] == 30000);
  CHECK(p["limits"]["max_message_bytes"] == 1048576);
  caf::anon_send(conn, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "heartbeat is answered in both dialects",
                 "[actors][connection]") {
  std::shared_ptr<recording_outbound> nx, ng;
  auto a = spawn_connection(messages::dialect::nexus, nx);
  auto b = spawn_connection(messages::dialect::neurograph, ng);
  REQUIRE(nx->next());
  REQUIRE(ng->next());
  frame(a, R"({"type":"heartbeat","request_id":"hb-1"})");
  frame(b, R"({"type":"heartbeat","id":"hb-2"})");
  auto r1 = nx->next();
  auto r2 = ng->next();
  REQUIRE(r1);
  REQUIRE(r2);
  CHECK((*r1)["type"] == "heartbeat");
  CHECK((*r1)["request_id"] == "hb-1");
  CHECK((*r1)["success"] == true);
  CHECK((*r1)["payload"]["server_time"].is_string());
  // nexus stamps seconds, neurograph milliseconds.
  CHECK((*r1)["payload"]["timestamp"].get<int64_t>() < 100000000000);
  CHECK((*r2)["type"] == "heartbeat");
  CHECK((*r2)["request_id"] == "hb-2");
  CHECK((*r2)["sender_id"] == "server");
  CHECK((*r2)["payload"]["timestamp"].get<int64_t>() > 100000000000);
  CHECK(nx->wait_done(1));
  CHECK(ng->wait_done(1));
  caf::anon_send(a, atoms::closed_atom_v);
  caf::anon_send(b, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "each protocol error leaves it working",
                 "[actors][connection]") {
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out);
  REQUIRE(out->next());
  struct bad_frame {
    std::string text;
    std::string code;
    std::string field;
  };
  std::vector<bad_frame> cases{
    {"{nope", "INVALID_JSON", ""},
    {"[1,2]", "INVALID_JSON", ""},
    {R"({"type":"bogus","request_id":"x"})", "UNKNOWN_MESSAGE_TYPE", ""},
    {R"({"type":"execute_template","request_id":"x"})",
     "UNKNOWN_MESSAGE_TYPE", ""},
    {R"({"type":"heartbeat","request_id":"x",)"
     R"("metadata":{"protocol_version":"3.0.0"}})",
     "UNSUPPORTED_PROTOCOL_VERSION", ""},
    {R"({"type":"bogus"})", "VALIDATION_FAILED", "request_id"},
    {R"({"request_id":"x"})", "VALIDATION_FAILED", "type"},
  };
  for (auto& c : cases) {
    INFO(c.text);
    frame(conn, c.text);
    auto err = out->next();
    REQUIRE(err);
    CHECK((*err)["type"] == "error");
    CHECK((*err)["success"] == false);
    CHECK(error_code(*err) == c.code);
    if (!c.field.empty())
      CHECK((*err)["error"]["field"] == c.field);
    frame(conn, R"({"type":"heartbeat","request_id":"after"})");
    auto ok = out->next();
    REQUIRE(ok);
    CHECK((*ok)["type"] == "heartbeat");
  }
  CHECK(metrics.errors.value("INVALID_JSON") == 2);
  CHECK(metrics.errors.value("UNKNOWN_MESSAGE_TYPE") == 2);
  CHECK_FALSE(out->close_code(10ms));
  caf::anon_send(conn, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "a request_id in flight gets CONFLICT",
                 "[actors][connection]") {
  route(*node, messages::request_kind::execute_template, hold_request);
  route(*node, messages::request_kind::get_execution_status,
        release_request);
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out);
  REQUIRE(out->next());
  frame(conn, R"({"type":"execute_template","request_id":"r1"})");
  frame(conn, R"({"type":"execute_template","request_id":"r1"})");
  auto conflict = out->next();
  REQUIRE(conflict);
  CHECK(error_code(*conflict) == "CONFLICT");
  CHECK((*conflict)["request_id"] == "r1");
  // Another id is fine; once r1 is answered, r1 may be used again.
  frame(conn, R"({"type":"execute_template","request_id":"r2"})");
  frame(conn, R"({"type":"get_execution_status","request_id":"s",)"
              R"("payload":{"execution_id":"r1"}})");
  auto status = out->next();
  REQUIRE(status);
  CHECK((*status)["type"] == "execution_status");
  frame(conn, R"({"type":"execute_template","request_id":"r1"})");
  frame(conn, R"({"type":"heartbeat","request_id":"hb"})");
  auto hb = out->next();
  REQUIRE(hb);
  CHECK((*hb)["type"] == "heartbeat");
  CHECK(metrics.errors.value("CONFLICT") == 1);
  caf::anon_send(conn, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "closed socket ends the actor",
                 "[actors][connection]") {
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out);
  REQUIRE(out->next());
  CHECK(metrics.connection_actors.value(std::size_t{0}) == 1);
  self->monitor(conn);
  caf::anon_send(conn, atoms::closed_atom_v);
  CHECK(wait_down(conn.address()));
  CHECK(metrics.connection_actors.value(std::size_t{0}) == 0);
}

TEST_CASE_METHOD(actor_fixture, "drain closes with 1001",
                 "[actors][connection]") {
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out);
  REQUIRE(out->next());
  caf::anon_send(conn, atoms::drain_atom_v);
  CHECK(out->close_code() == 1001);
  caf::anon_send(conn, atoms::closed_atom_v);
}

TEST_CASE_METHOD(actor_fixture, "a throwing handler closes with 1011",
                 "[actors][connection]") {
  route(*node, messages::request_kind::execute_template, throw_in_handler);
  std::shared_ptr<recording_outbound> out;
  auto conn = spawn_connection(messages::dialect::nexus, out);
  REQUIRE(out->next());
  self->monitor(conn);
  frame(conn, R"({"type":"execute_template","request_id":"boom"})");
  CHECK(out->close_code() == 1011);
  CHECK(wait_down(conn.address()));
}
