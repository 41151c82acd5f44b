// Outbound JSON escaping: ids, messages and payloads with quotes,
// backslashes, control characters, non-ASCII and invalid UTF-8.
#include <string>

#include "codec_test_support.hpp"

using namespace nexus::messages;
using nexus::messages::test::decode_ok;
using nlohmann::json;

namespace {

const server_info info{};

/// Parses what the server would send; it must be one JSON object.
json parse_frame(const std::string& text) {
  INFO("frame: " << text);
  json j = json::parse(text, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

/// The UTF-8 encoding of U+FFFD, what invalid bytes turn into.
const std::string replacement = "\xef\xbf\xbd";

} // namespace

TEST_CASE("escaping: hostile ids survive both directions", "[escape]") {
  auto d = GENERATE(dialect::nexus, dialect::neurograph);
  std::string id = "q\"uo\\te/\n\t\r\b\f\x01\x1f\x7f "
                   "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x99\x82";
  id += std::string(1, '\0') + "nul"; // escaped as \u0000
  json payload{{"echo", id}};
  outbound_message msg;
  msg.type = "heartbeat";
  msg.request_id = id;
  msg.payload = &payload;
  auto text = encode(d, msg, info);
  CHECK(text.find('\n') == std::string::npos);
  auto j = parse_frame(text);
  CHECK(j["request_id"] == id);
  CHECK(j["payload"]["echo"] == id);
  // The id the client sends is the id it gets back.
  std::string key = d == dialect::nexus ? "request_id" : "id";
  auto frame = json{{"type", "heartbeat"}, {key, id}}.dump();
  CHECK(decode_ok(d, frame).request_id == id);
}

TEST_CASE("escaping: error messages and fields", "[escape]") {
  auto d = GENERATE(dialect::nexus, dialect::neurograph);
  error_body err;
  err.code = errc::not_found;
  err.message = "no \"token\" \\ here\n";
  err.field = "a.\"b\"";
  auto j = parse_frame(encode_error(d, "r", err, info));
  auto obj = d == dialect::nexus ? j["error"] : j["payload"];
  CHECK(obj["message"] == err.message);
  CHECK(obj["field"] == err.field);
}

TEST_CASE("escaping: invalid UTF-8 is replaced, never thrown", "[escape]") {
  auto d = GENERATE(dialect::nexus, dialect::neurograph);
  std::string bad = "a\xff\xfe"
                    "b\xc3";
  json payload{{"text", bad}, {bad, 1}};
  error_body err;
  err.code = errc::internal_error;
  err.message = bad;
  err.details = json{{"raw", bad}};
  outbound_message msg;
  msg.type = bad;
  msg.request_id = bad;
  msg.payload = &payload;
  std::string text;
  REQUIRE_NOTHROW(text = encode(d, msg, server_info{bad}));
  auto j = parse_frame(text);
  auto id = j["request_id"].get<std::string>();
  CHECK(id.find(replacement) != std::string::npos);
  CHECK(id.front() == 'a');
  REQUIRE_NOTHROW(text = encode_error(d, bad, err, info));
  auto e = parse_frame(text);
  auto obj = d == dialect::nexus ? e["error"] : e["payload"];
  CHECK(obj["message"].get<std::string>().find(replacement) !=
        std::string::npos);
}
