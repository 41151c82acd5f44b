// Public entry points of the codecs: dispatch by dialect and the wall that
// keeps every exception (in practice std::bad_alloc) inside messages/.
#include "messages/codec.hpp"

#include "messages/codec/json_support.hpp"

namespace nexus::messages {

namespace {

/// The frame sent when encoding failed: an INTERNAL_ERROR for the same
/// request, or an empty string if even that cannot be built.
std::string encode_fallback(dialect d, const outbound_message& msg,
                            const server_info& info) noexcept {
  try {
    error_body err;
    err.code = errc::internal_error;
    err.message = "the server could not encode its answer";
    outbound_message fallback;
    fallback.type = "error";
    fallback.request_id = msg.request_id;
    fallback.error = &err;
    fallback.uncorrelated_error = msg.request_id.empty();
    return d == dialect::neurograph ? detail::encode_neurograph(fallback)
                                    : detail::encode_nexus(fallback, info);
  } catch (...) {
    return {};
  }
}

} // namespace

decode_result decode(dialect d, std::string_view text,
                     const decode_limits& limits) {
  try {
    return d == dialect::neurograph ? detail::decode_neurograph(text, limits)
                                    : detail::decode_nexus(text, limits);
  } catch (...) {
    // Only allocation failures get here: every field access is checked.
    return decode_failure{detail::make_error(errc::internal_error,
                                             "the server could not decode "
                                             "the message"),
                          {}};
  }
}

std::string encode(dialect d, const outbound_message& msg,
                   const server_info& info) {
  try {
    return d == dialect::neurograph ? detail::encode_neurograph(msg)
                                    : detail::encode_nexus(msg, info);
  } catch (...) {
    return encode_fallback(d, msg, info);
  }
}

std::string encode_error(dialect d, std::string_view request_id,
                         const error_body& err, const server_info& info) {
  outbound_message msg;
  msg.type = "error";
  msg.request_id = request_id;
  msg.error = &err;
  msg.uncorrelated_error = request_id.empty();
  return encode(d, msg, info);
}

nlohmann::json to_json(const error_body& err) {
  try {
    nlohmann::json obj{{"code", code_string(err.code)},
                       {"type", type_string(err.code)},
                       {"message", err.message}};
    if (!err.field.empty())
      obj["field"] = err.field;
    if (!err.details.is_null() && !err.details.is_discarded())
      obj["details"] = err.details;
    return obj;
  } catch (...) {
    return nlohmann::json{};
  }
}

} // namespace nexus::messages
