// Encoding in both dialects as a client parses it: replies, events, errors,
// request_id rules, metadata, timestamps and round trips through decode.
#include <regex>
#include <string>

#include "codec_test_support.hpp"
#include "messages/ids.hpp"

using namespace nexus::messages;
using nexus::messages::test::decode_ok;
using nlohmann::json;

namespace {

constexpr auto nx = dialect::nexus;
constexpr auto ng = dialect::neurograph;

const server_info info{"9.8.7"};

const std::regex uuid_re{
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"};
const std::regex message_id_re{"msg_[0-9a-f]{16}"};

/// Parses what the server would send; it must be one JSON object.
json parse_frame(const std::string& text) {
  INFO("frame: " << text);
  json j = json::parse(text, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

/// A reply/event with `payload`.
outbound_message reply(std::string_view type, std::string_view id,
                       const json& payload) {
  outbound_message msg;
  msg.type = type;
  msg.request_id = id;
  msg.payload = &payload;
  return msg;
}

error_body sample_error() {
  error_body err;
  err.code = errc::validation_failed;
  err.message = "query must not be empty";
  err.field = "query";
  return err;
}

} // namespace

TEST_CASE("nexus: a reply", "[encode][nexus]") {
  json payload{{"timestamp", 1}, {"server_time", "2025-01-18T10:01:00Z"}};
  int64_t before = unix_millis() / 1000;
  auto j = parse_frame(encode(nx, reply("heartbeat", "r-1", payload), info));
  int64_t after = unix_millis() / 1000;
  CHECK(j["type"] == "heartbeat");
  CHECK(j["request_id"] == "r-1");
  CHECK(j["success"] == true);
  CHECK(j["metadata"] ==
        json{{"protocol_version", "2.0.0"}, {"server_version", "9.8.7"}});
  CHECK(j["payload"] == payload);
  CHECK_FALSE(j.contains("error"));
  REQUIRE(j["timestamp"].is_number_integer());
  CHECK(j["timestamp"].get<int64_t>() >= before);
  CHECK(j["timestamp"].get<int64_t>() <= after);
  CHECK(j.size() == 6);
}

TEST_CASE("nexus: processing_time_ms only when set", "[encode][nexus]") {
  json payload = json::object();
  auto msg = reply("template_result", "r-2", payload);
  CHECK_FALSE(parse_frame(encode(nx, msg, info))["metadata"].contains(
      "processing_time_ms"));
  msg.processing_time_ms = 3500;
  CHECK(parse_frame(encode(nx, msg, info))["metadata"]["processing_time_ms"] ==
        3500);
}

TEST_CASE("nexus: an event gets a fresh uuid request_id", "[encode][nexus]") {
  json payload{{"topic", "t"}};
  auto a = parse_frame(encode(nx, reply("topic.message", "", payload), info));
  auto b = parse_frame(encode(nx, reply("topic.message", "", payload), info));
  REQUIRE(a["request_id"].is_string());
  CHECK(std::regex_match(a["request_id"].get<std::string>(), uuid_re));
  CHECK(a["request_id"] != b["request_id"]);
  CHECK(a["success"] == true);
}

TEST_CASE("nexus: a null payload pointer is sent as {}", "[encode]") {
  outbound_message msg;
  msg.type = "unsubscribed";
  msg.request_id = "r";
  CHECK(parse_frame(encode(nx, msg, info))["payload"] == json::object());
  CHECK(parse_frame(encode(ng, msg, info))["payload"] == json::object());
}

TEST_CASE("nexus: an error", "[encode][nexus][error]") {
  auto err = sample_error();
  auto j = parse_frame(encode_error(nx, "r-3", err, info));
  CHECK(j["type"] == "error");
  CHECK(j["request_id"] == "r-3");
  CHECK(j["success"] == false);
  CHECK(j["metadata"]["protocol_version"] == "2.0.0");
  CHECK_FALSE(j.contains("payload"));
  CHECK(j["error"] == json{{"code", "VALIDATION_FAILED"},
                           {"type", "VALIDATION_ERROR"},
                           {"message", "query must not be empty"},
                           {"field", "query"}});
  CHECK(j["timestamp"].is_number_integer());
}

TEST_CASE("nexus: error request_id null vs fresh", "[encode][nexus][error]") {
  auto err = sample_error();
  // A request that carried no usable id: null, nothing to correlate.
  CHECK(parse_frame(encode_error(nx, "", err, info))["request_id"].is_null());
  outbound_message msg;
  msg.type = "error";
  msg.error = &err;
  msg.uncorrelated_error = true;
  CHECK(parse_frame(encode(nx, msg, info))["request_id"].is_null());
  // Not caused by a request (e.g. at connect): a fresh id like any event.
  msg.uncorrelated_error = false;
  auto id = parse_frame(encode(nx, msg, info))["request_id"];
  REQUIRE(id.is_string());
  CHECK(std::regex_match(id.get<std::string>(), uuid_re));
  // A given id always wins.
  msg.request_id = "r-4";
  msg.uncorrelated_error = true;
  CHECK(parse_frame(encode(nx, msg, info))["request_id"] == "r-4");
}

TEST_CASE("error object: field and details only when set", "[encode]") {
  auto d = GENERATE(nx, ng);
  error_body err;
  err.code = errc::rate_limit_exceeded;
  err.message = "slow down";
  auto j = parse_frame(encode_error(d, "r", err, info));
  auto obj = d == nx ? j["error"] : j["payload"];
  CHECK(obj == json{{"code", "RATE_LIMIT_EXCEEDED"},
                    {"type", "RATE_LIMIT_ERROR"},
                    {"message", "slow down"}});
  err.details = json{{"retry_after_ms", 250}};
  j = parse_frame(encode_error(d, "r", err, info));
  obj = d == nx ? j["error"] : j["payload"];
  CHECK(obj["details"]["retry_after_ms"] == 250);
  CHECK_FALSE(obj.contains("field"));
  CHECK(to_json(err) == obj);
}

TEST_CASE("neurograph: a reply", "[encode][neurograph]") {
  json payload{{"token_id", "t1"}};
  int64_t before = unix_millis();
  auto j =
      parse_frame(encode(ng, reply("token.created", "msg_123", payload), info));
  int64_t after = unix_millis();
  REQUIRE(j["id"].is_string());
  CHECK(std::regex_match(j["id"].get<std::string>(), message_id_re));
  CHECK(j["type"] == "token.created");
  CHECK(j["payload"] == payload);
  CHECK(j["sender_id"] == "server");
  CHECK(j["request_id"] == "msg_123");
  REQUIRE(j["timestamp"].is_number_integer());
  CHECK(j["timestamp"].get<int64_t>() >= before);
  CHECK(j["timestamp"].get<int64_t>() <= after);
  CHECK(j.size() == 6);
}

TEST_CASE("neurograph: an event has no request_id", "[encode][neurograph]") {
  json payload{{"topic", "tokens"}, {"sequence", 3}};
  auto msg = reply("topic.message", "", payload);
  msg.processing_time_ms = 5; // nexus-only; ignored here
  auto a = parse_frame(encode(ng, msg, info));
  auto b = parse_frame(encode(ng, msg, info));
  CHECK_FALSE(a.contains("request_id"));
  CHECK_FALSE(a.contains("success"));
  CHECK_FALSE(a.contains("metadata"));
  CHECK(a["id"] != b["id"]);
}

TEST_CASE("neurograph: an error", "[encode][neurograph][error]") {
  auto err = sample_error();
  auto j = parse_frame(encode_error(ng, "msg_9", err, info));
  CHECK(j["type"] == "error");
  CHECK(j["request_id"] == "msg_9");
  CHECK(j["payload"] == to_json(err));
  CHECK(j["sender_id"] == "server");
  CHECK_FALSE(
      parse_frame(encode_error(ng, "", err, info)).contains("request_id"));
}

TEST_CASE("round trip: decode(encode(x)) keeps type, id and payload",
          "[encode][roundtrip]") {
  json payload{{"a", json::array({1, "two", nullptr})}, {"b", {{"c", 1}}}};
  auto d = GENERATE(nx, ng);
  auto req = decode_ok(d, encode(d, reply("subscribed", "r-8", payload), info));
  CHECK(req.type == "subscribed");
  CHECK(req.payload == payload);
  if (d == nx)
    CHECK(req.request_id == "r-8");
  else
    CHECK(std::regex_match(req.request_id, message_id_re));
  auto err = sample_error();
  auto bad = decode_ok(d, encode_error(d, "r-8", err, info));
  CHECK(bad.type == "error");
}
