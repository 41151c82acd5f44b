// Query-string parsing and token redaction for request targets.
#include "net/query.hpp"

namespace nexus::net {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out += ' ';
    } else if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0
               && hex_value(in[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

/// Calls `fn(name, pair)` for each `name=value` pair of the query.
template <class F>
void for_each_param(std::string_view target, F fn) {
  auto q = target.find('?');
  if (q == std::string_view::npos)
    return;
  auto rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    fn(pair.substr(0, eq), pair);
    if (amp == std::string_view::npos)
      break;
    rest.remove_prefix(amp + 1);
  }
}

} // namespace

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find('?'));
}

std::map<std::string, std::string> parse_query(std::string_view target) {
  std::map<std::string, std::string> out;
  for_each_param(target, [&](std::string_view name, std::string_view pair) {
    auto eq = pair.find('=');
    auto value = eq == std::string_view::npos ? std::string_view{}
                                              : pair.substr(eq + 1);
    out.emplace(percent_decode(name), percent_decode(value));
  });
  return out;
}

std::string redact_target(std::string_view target) {
  std::string out{target_path(target)};
  char sep = '?';
  for_each_param(target, [&](std::string_view name, std::string_view pair) {
    out += sep;
    if (percent_decode(name) == "token")
      out.append(name).append("=REDACTED");
    else
      out.append(pair);
    sep = '&';
  });
  return out;
}

} // namespace nexus::net
