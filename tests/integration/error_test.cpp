// Every wire error the server can produce today (PROTOCOL.md section 5), in
// both dialects, each followed by a heartbeat proving the connection stayed
// open; the nesting limit boundary; 20 concurrent requests on one connection.
#include "tests/integration/protocol_checks.hpp"
#include "tests/support/server_process.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace nexus::test;

namespace {

/// A message to send and the error it must produce.
struct error_case {
  std::string name;
  std::string text;
  expected_error want;
};

std::string const protocol_error = "PROTOCOL_ERROR";
std::string const validation_error = "VALIDATION_ERROR";

/// Cases common to both dialects: text that is not a JSON object.
std::vector<error_case> invalid_json_cases(dialect d) {
  expected_error e{"INVALID_JSON", protocol_error, "", ""};
  return {
    {"not JSON", "hello", e},
    {"truncated object", R"({"type":"heartbeat")", e},
    {"array", R"([{"type":"heartbeat"}])", e},
    {"string", R"("heartbeat")", e},
    {"number", "42", e},
    {"nesting depth 65", nested_heartbeat(d, "deep-65", 65), e},
    {"nesting depth 100000", nested_heartbeat(d, "deep-1e5", 100000), e},
  };
}

std::vector<error_case> nexus_cases() {
  auto cases = invalid_json_cases(dialect::nexus);
  auto const d = dialect::nexus;
  auto unsupported = make_request(d, "heartbeat", "x-ver");
  unsupported["metadata"]["protocol_version"] = "3.0.0";
  auto payload_array = make_request(d, "heartbeat", "x-pay");
  payload_array["payload"] = json::array({1});
  auto no_type = make_request(d, "heartbeat", "x-notype");
  no_type.erase("type");
  auto number_type = make_request(d, "heartbeat", "x-numtype");
  number_type["type"] = 42;
  std::vector<error_case> more{
    {"unknown type bogus", make_request(d, "bogus", "x-bogus").dump(),
     {"UNKNOWN_MESSAGE_TYPE", protocol_error, "", "x-bogus"}},
    {"execute_template (not served yet)",
     make_request(d, "execute_template", "x-exec", {{"query", "borscht"}})
       .dump(),
     {"UNKNOWN_MESSAGE_TYPE", protocol_error, "", "x-exec"}},
    {"protocol_version 3.0.0", unsupported.dump(),
     {"UNSUPPORTED_PROTOCOL_VERSION", protocol_error, "", "x-ver"}},
    {"missing request_id",
     make_request(d, "execute_template", "", {{"query", "borscht"}}).dump(),
     {"VALIDATION_FAILED", validation_error, "request_id", ""}},
    {"payload not an object", payload_array.dump(),
     {"VALIDATION_FAILED", validation_error, "payload", "x-pay"}},
    {"type missing", no_type.dump(),
     {"VALIDATION_FAILED", validation_error, "type", "x-notype"}},
    {"type not a string", number_type.dump(),
     {"VALIDATION_FAILED", validation_error, "type", "x-numtype"}},
  };
  cases.insert(cases.end(), more.begin(), more.end());
  return cases;
}

std::vector<error_case> neurograph_cases() {
  auto cases = invalid_json_cases(dialect::neurograph);
  auto const d = dialect::neurograph;
  auto payload_string = make_request(d, "heartbeat", "n-pay");
  payload_string["payload"] = "x";
  auto no_type = make_request(d, "heartbeat", "n-notype");
  no_type.erase("type");
  std::vector<error_case> more{
    {"unknown type bogus", make_request(d, "bogus", "n-bogus").dump(),
     {"UNKNOWN_MESSAGE_TYPE", protocol_error, "", "n-bogus"}},
    {"execute_template (not served yet)",
     make_request(d, "execute_template", "n-exec", {{"query", "borscht"}})
       .dump(),
     {"UNKNOWN_MESSAGE_TYPE", protocol_error, "", "n-exec"}},
    {"payload not an object", payload_string.dump(),
     {"VALIDATION_FAILED", validation_error, "payload", "n-pay"}},
    {"type missing", no_type.dump(),
     {"VALIDATION_FAILED", validation_error, "type", "n-notype"}},
  };
  cases.insert(cases.end(), more.begin(), more.end());
  return cases;
}

/// Sends each case on one connection; checks the error and that a heartbeat
/// still gets its reply afterwards.
void run_error_cases(std::uint16_t port, dialect d,
                     std::vector<error_case> const& cases) {
  ws_client c{port, {"/ws", subprotocol_of(d), {}}};
  check_established(d, c.read_json());
  int n = 0;
  for (auto const& ec : cases) {
    INFO(name_of(d) << " case: " << ec.name);
    c.send_text(ec.text);
    check_error(d, c.read_json(), ec.want);
    check_alive(c, d, "alive-" + std::to_string(n++));
  }
  c.close();
}

/// Sends `count` heartbeats back to back, then reads `count` replies.
void check_parallel_heartbeats(std::uint16_t port, dialect d, int count) {
  ws_client c{port, {"/ws", subprotocol_of(d), {}}};
  check_established(d, c.read_json());
  std::set<std::string> sent;
  for (int i = 0; i < count; ++i) {
    auto id = "par-" + std::to_string(i);
    sent.insert(id);
    c.send_text(heartbeat_request(d, id));
  }
  std::set<std::string> answered;
  for (int i = 0; i < count; ++i) {
    auto reply = c.read_json();
    INFO(name_of(d) << " reply " << i << ": " << reply.dump());
    CHECK(reply.value("type", "") == "heartbeat");
    answered.insert(reply.value("request_id", ""));
  }
  CHECK(answered == sent);
  c.close();
}

} // namespace

TEST_CASE("nexus dialect errors keep the connection open",
          "[integration][errors]") {
  server_process server;
  run_error_cases(server.nexus_port(), dialect::nexus, nexus_cases());
}

TEST_CASE("neurograph dialect errors keep the connection open",
          "[integration][errors]") {
  server_process server;
  run_error_cases(server.neurograph_port(), dialect::neurograph,
                  neurograph_cases());
}

TEST_CASE("nesting depth 64 is accepted, 65 is not",
          "[integration][errors]") {
  server_process server;
  for (auto d : {dialect::nexus, dialect::neurograph}) {
    INFO(name_of(d));
    ws_client c{server.nexus_port(), {"/ws", subprotocol_of(d), {}}};
    check_established(d, c.read_json());
    c.send_text(nested_heartbeat(d, "depth-64", 64));
    check_heartbeat_reply(d, c.read_json(), "depth-64");
    c.send_text(nested_heartbeat(d, "depth-65", 65));
    check_error(d, c.read_json(), {"INVALID_JSON", protocol_error, "", ""});
    c.close();
  }
}

TEST_CASE("20 concurrent requests on one connection are answered by id",
          "[integration][errors]") {
  server_process server;
  check_parallel_heartbeats(server.nexus_port(), dialect::nexus, 20);
  check_parallel_heartbeats(server.neurograph_port(), dialect::neurograph, 20);
}
