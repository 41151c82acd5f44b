// Depth-limited parsing, envelope field checks and JSON text building shared
// by the nexus and neurograph codecs.
#include "messages/codec/json_support.hpp"

#include <algorithm>
#include <charconv>
#include <climits>

namespace nexus::messages::detail {

namespace {

using json = nlohmann::json;

/// Serializer flavour of every outbound byte: compact, UTF-8 kept as is,
/// invalid UTF-8 replaced instead of throwing.
constexpr auto utf8_policy = json::error_handler_t::replace;

/// True when `s` can be copied between quotes verbatim: printable ASCII
/// without `"` and `\`.
bool is_plain(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  });
}

} // namespace

// -- parsing ----------------------------------------------------------------

parse_result parse_object(std::string_view text, uint32_t max_depth) {
  // The callback sees the depth of the enclosing containers: the top-level
  // object starts at 0, so a container starting at depth >= max_depth would
  // be level max_depth + 1. Returning false only discards that subtree (the
  // parse goes on, iteratively, without building it), hence the flag.
  const int limit = static_cast<int>(std::min<uint32_t>(max_depth, INT_MAX));
  bool too_deep = false;
  json::parser_callback_t cb =
      [&too_deep, limit](int depth, json::parse_event_t event, json&) {
        if ((event == json::parse_event_t::object_start ||
             event == json::parse_event_t::array_start) &&
            depth >= limit) {
          too_deep = true;
          return false;
        }
        return true;
      };
  // nlohmann stops at a NUL byte as if the input ended there; a raw NUL is
  // never valid JSON text, so refuse it rather than ignore what follows.
  if (text.find('\0') != std::string_view::npos)
    return make_error(errc::invalid_json, "message is not valid JSON");
  json doc = json::parse(text.begin(), text.end(), cb, false);
  if (too_deep)
    return make_error(errc::invalid_json, "message nests deeper than " +
                                              std::to_string(max_depth) +
                                              " levels");
  if (doc.is_discarded())
    return make_error(errc::invalid_json, "message is not valid JSON");
  if (!doc.is_object())
    return make_error(errc::invalid_json, "message is not a JSON object");
  return doc;
}

// -- envelope checks --------------------------------------------------------

error_body make_error(errc code, std::string message, std::string field) {
  error_body err;
  err.code = code;
  err.message = std::move(message);
  err.field = std::move(field);
  return err;
}

std::size_t utf8_length(std::string_view s) {
  // Count every byte that does not continue a sequence (10xxxxxx).
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

const json* member(const json& obj, std::string_view key) {
  auto i = obj.find(key);
  return i == obj.end() ? nullptr : &*i;
}

std::optional<error_body> take_id(const json& doc, std::string_view key,
                                  request& req) {
  const json* id = member(doc, key);
  if (id == nullptr)
    return std::nullopt;
  if (id->is_string()) {
    const auto& str = id->get_ref<const std::string&>();
    auto n = utf8_length(str);
    if (n >= 1 && n <= max_name_chars) {
      req.request_id = str;
      return std::nullopt;
    }
  }
  return make_error(errc::validation_failed,
                    std::string{key} +
                        " must be a string of 1 to 128 characters",
                    std::string{key});
}

std::optional<error_body> take_type(const json& doc, request& req) {
  const json* type = member(doc, "type");
  if (type != nullptr && type->is_string()) {
    const auto& str = type->get_ref<const std::string&>();
    auto n = utf8_length(str);
    if (n >= 1 && n <= max_name_chars) {
      req.type = str;
      return std::nullopt;
    }
  }
  return make_error(errc::validation_failed,
                    type == nullptr
                        ? "type is required"
                        : "type must be a string of 1 to 128 characters",
                    "type");
}

std::optional<error_body> take_payload(json& doc, request& req) {
  auto i = doc.find("payload");
  if (i == doc.end())
    return std::nullopt; // req.payload is already {}
  if (!i->is_object())
    return make_error(errc::validation_failed, "payload must be an object",
                      "payload");
  req.payload = std::move(*i);
  return std::nullopt;
}

std::optional<error_body> check_timestamp(const json& doc) {
  const json* ts = member(doc, "timestamp");
  if (ts == nullptr || ts->is_number())
    return std::nullopt;
  return make_error(errc::validation_failed, "timestamp must be a number",
                    "timestamp");
}

// -- building ---------------------------------------------------------------

void append_string(std::string& out, std::string_view s) {
  if (is_plain(s)) {
    out += '"';
    out += s;
    out += '"';
    return;
  }
  append_json(out, json(std::string{s}));
}

void append_json(std::string& out, const json& v) {
  // What json::dump() does, minus the temporary string: serialize straight
  // into `out` (nlohmann 3.11's serializer appends to the adapted string).
  nlohmann::detail::serializer<json> s(
      nlohmann::detail::output_adapter<char, std::string>(out), ' ',
      utf8_policy);
  s.dump(v, false, false, 0);
}

void append_payload(std::string& out, const json* payload) {
  if (payload == nullptr || payload->is_discarded())
    out += "{}";
  else
    append_json(out, *payload);
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}

void append_error_object(std::string& out, const error_body& err) {
  out += R"({"code":")";
  out += code_string(err.code);
  out += R"(","type":")";
  out += type_string(err.code);
  out += R"(","message":)";
  append_string(out, err.message);
  if (!err.field.empty()) {
    out += R"(,"field":)";
    append_string(out, err.field);
  }
  if (!err.details.is_null() && !err.details.is_discarded()) {
    out += R"(,"details":)";
    append_json(out, err.details);
  }
  out += '}';
}

} // namespace nexus::messages::detail
