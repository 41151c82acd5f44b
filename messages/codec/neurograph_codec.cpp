// The neurograph dialect (PROTOCOL.md §2): `id`, `sender_id`, Unix-ms
// timestamps, errors as `type:"error"` with the error object as payload.
#include "messages/codec/json_support.hpp"
#include "messages/ids.hpp"

namespace nexus::messages::detail {

namespace {

using json = nlohmann::json;

/// `sender_id`, when present, must be a string; it becomes the client id.
std::optional<error_body> take_sender(const json& doc, request& req) {
  const json* sender = member(doc, "sender_id");
  if (sender == nullptr)
    return std::nullopt;
  if (!sender->is_string())
    return make_error(errc::validation_failed, "sender_id must be a string",
                      "sender_id");
  req.client_id = sender->get_ref<const std::string&>();
  return std::nullopt;
}

/// Envelope checks in wire order, after parsing.
std::optional<error_body> check_envelope(json& doc, request& req) {
  auto id_error = take_id(doc, "id", req);
  if (auto err = take_type(doc, req))
    return err;
  if (id_error)
    return id_error;
  if (auto err = take_payload(doc, req))
    return err;
  if (auto err = check_timestamp(doc))
    return err;
  return take_sender(doc, req);
}

} // namespace

decode_result decode_neurograph(std::string_view text,
                                const decode_limits& limits) {
  auto parsed = parse_object(text, limits.max_depth);
  if (auto* err = std::get_if<error_body>(&parsed))
    return decode_failure{std::move(*err), {}};
  request req;
  req.frame_bytes = text.size();
  if (auto err = check_envelope(std::get<json>(parsed), req))
    return decode_failure{std::move(*err), std::move(req.request_id)};
  return req;
}

std::string encode_neurograph(const outbound_message& msg) {
  const bool failed = msg.error != nullptr;
  std::string out;
  out.reserve(256);
  out += R"({"id":")";
  out += make_message_id();
  out += R"(","type":)";
  append_string(out, failed ? std::string_view{"error"} : msg.type);
  out += R"(,"payload":)";
  if (failed)
    append_error_object(out, *msg.error);
  else
    append_payload(out, msg.payload);
  out += R"(,"timestamp":)";
  append_int(out, unix_millis());
  out += R"(,"sender_id":"server")";
  if (!msg.request_id.empty()) {
    out += R"(,"request_id":)";
    append_string(out, msg.request_id);
  }
  out += '}';
  return out;
}

} // namespace nexus::messages::detail
