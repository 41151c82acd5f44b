// The nexus dialect (PROTOCOL.md §2): `request_id`, `metadata`, `success`,
// Unix-seconds timestamps.
#include <algorithm>

#include "messages/codec/json_support.hpp"
#include "messages/dialect.hpp"
#include "messages/ids.hpp"

namespace nexus::messages::detail {

namespace {

using json = nlohmann::json;

/// The one major version this server speaks.
constexpr std::string_view supported_major = "2";

/// The major component of a `MAJOR[.MINOR[.PATCH]]` string of digits, or
/// nullopt when `v` does not have that shape.
std::optional<std::string_view> version_major(std::string_view v) {
  std::size_t parts = 0;
  std::string_view major;
  while (true) {
    auto dot = v.find('.');
    auto part = v.substr(0, dot);
    bool digits = !part.empty() &&
                  std::all_of(part.begin(), part.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || ++parts > 3)
      return std::nullopt;
    if (parts == 1)
      major = part;
    if (dot == std::string_view::npos)
      return major;
    v.remove_prefix(dot + 1);
  }
}

/// `metadata.protocol_version`: well-formed and major version 2.
std::optional<error_body> check_version(const json& v) {
  std::optional<std::string_view> major;
  if (v.is_string())
    major = version_major(v.get_ref<const std::string&>());
  if (!major)
    return make_error(errc::validation_failed,
                      "metadata.protocol_version must look like 2.0.0",
                      "metadata.protocol_version");
  auto first = major->find_first_not_of('0');
  auto value = first == std::string_view::npos ? std::string_view{"0"}
                                               : major->substr(first);
  if (value == supported_major)
    return std::nullopt;
  auto err = make_error(errc::unsupported_protocol_version,
                        "protocol major version is not supported");
  err.details = json{{"supported", std::string{protocol_version}}};
  return err;
}

/// `metadata`: an object; its `protocol_version` checked and its
/// `client_id` copied into `req`.
std::optional<error_body> take_metadata(const json& doc, request& req) {
  const json* meta = member(doc, "metadata");
  if (meta == nullptr)
    return std::nullopt;
  if (!meta->is_object())
    return make_error(errc::validation_failed, "metadata must be an object",
                      "metadata");
  if (const json* v = member(*meta, "protocol_version"))
    if (auto err = check_version(*v))
      return err;
  if (const json* c = member(*meta, "client_id"); c && c->is_string())
    req.client_id = c->get_ref<const std::string&>();
  return std::nullopt;
}

/// Envelope checks in wire order, after parsing.
std::optional<error_body> check_envelope(json& doc, request& req) {
  auto id_error = take_id(doc, "request_id", req);
  if (auto err = take_type(doc, req))
    return err;
  if (id_error)
    return id_error;
  if (req.request_id.empty() && req.type != "heartbeat")
    return make_error(errc::validation_failed,
                      "request_id is required (only heartbeat may omit it)",
                      "request_id");
  if (auto err = take_metadata(doc, req))
    return err;
  if (auto err = take_payload(doc, req))
    return err;
  return check_timestamp(doc);
}

} // namespace

decode_result decode_nexus(std::string_view text, const decode_limits& limits) {
  auto parsed = parse_object(text, limits.max_depth);
  if (auto* err = std::get_if<error_body>(&parsed))
    return decode_failure{std::move(*err), {}};
  request req;
  req.frame_bytes = text.size();
  if (auto err = check_envelope(std::get<json>(parsed), req))
    return decode_failure{std::move(*err), std::move(req.request_id)};
  return req;
}

std::string encode_nexus(const outbound_message& msg, const server_info& info) {
  const bool failed = msg.error != nullptr;
  std::string out;
  out.reserve(256);
  out += R"({"type":)";
  append_string(out, failed ? std::string_view{"error"} : msg.type);
  out += R"(,"request_id":)";
  if (!msg.request_id.empty())
    append_string(out, msg.request_id);
  else if (failed && msg.uncorrelated_error)
    out += "null";
  else
    append_string(out, make_uuid());
  out += failed ? R"(,"success":false)" : R"(,"success":true)";
  out += R"(,"metadata":{"protocol_version":")";
  out += protocol_version;
  out += R"(","server_version":)";
  append_string(out, info.server_version);
  if (msg.processing_time_ms) {
    out += R"(,"processing_time_ms":)";
    append_int(out, *msg.processing_time_ms);
  }
  if (failed) {
    out += R"(},"error":)";
    append_error_object(out, *msg.error);
  } else {
    out += R"(},"payload":)";
    append_payload(out, msg.payload);
  }
  out += R"(,"timestamp":)";
  append_int(out, unix_millis() / 1000);
  out += '}';
  return out;
}

} // namespace nexus::messages::detail
