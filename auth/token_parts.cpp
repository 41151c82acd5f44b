// A SAX pass checks depth and duplicate names before the DOM is built, so
// nothing deep is ever copied or dumped (PITFALLS.md, nlohmann/json).
#include "auth/token_parts.hpp"

#include <set>
#include <string>
#include <vector>

#include "auth/base64url.hpp"

namespace nexus::auth {

namespace {

using nlohmann::json;

/// SAX handler that only validates: depth and unique member names.
class shape_check : public nlohmann::json_sax<json> {
public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return false; }
  bool start_object(std::size_t) override {
    names_.emplace_back();
    return names_.size() + arrays_ <= max_json_depth;
  }
  bool key(string_t& name) override {
    return names_.back().insert(name).second;
  }
  bool end_object() override {
    names_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    ++arrays_;
    return names_.size() + arrays_ <= max_json_depth;
  }
  bool end_array() override {
    --arrays_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&,
                   const nlohmann::detail::exception&) override {
    return false;
  }

private:
  std::vector<std::set<std::string>> names_;
  std::size_t arrays_ = 0;
};

failure malformed(std::string message) {
  return {failure_reason::malformed, std::move(message)};
}

} // namespace

std::optional<json> parse_object(std::string_view text) {
  try {
    shape_check check;
    if (!json::sax_parse(text.begin(), text.end(), &check))
      return std::nullopt;
    auto out = json::parse(text.begin(), text.end(), nullptr, false);
    if (!out.is_object())
      return std::nullopt;
    return out;
  } catch (...) {
    return std::nullopt;
  }
}

std::variant<token_parts, failure> split_token(std::string_view token) {
  auto first = token.find('.');
  if (first == std::string_view::npos)
    return malformed("token is not three dot-separated parts");
  auto second = token.find('.', first + 1);
  if (second == std::string_view::npos ||
      token.find('.', second + 1) != std::string_view::npos)
    return malformed("token is not three dot-separated parts");
  auto header_text = token.substr(0, first);
  auto payload_text = token.substr(first + 1, second - first - 1);
  auto signature_text = token.substr(second + 1);
  if (header_text.empty() || payload_text.empty())
    return malformed("token has an empty header or payload");
  auto header_bytes = base64url::decode(header_text);
  auto payload_bytes = base64url::decode(payload_text);
  if (!header_bytes || !payload_bytes || !base64url::decode(signature_text))
    return malformed("token is not valid base64url");
  token_parts out;
  auto header = parse_object(*header_bytes);
  if (!header)
    return malformed("token header is not a JSON object");
  auto payload = parse_object(*payload_bytes);
  if (!payload)
    return malformed("token payload is not a JSON object");
  out.header = std::move(*header);
  out.payload = std::move(*payload);
  return out;
}

} // namespace nexus::auth
