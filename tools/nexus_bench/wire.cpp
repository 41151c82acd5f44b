// Heartbeat encoding and reply scanning without a JSON parser.
#include "wire.hpp"

#include <charconv>

namespace nexus::bench {

namespace {

void append_number(std::string& out, uint64_t value) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, res.ptr);
}

void append_id(std::string& out, uint32_t conn, uint64_t seq) {
  out += "\"b";
  append_number(out, conn);
  out += '_';
  append_number(out, seq);
  out += '"';
}

/// Parses decimal digits at `pos`; advances `pos` past them.
std::optional<uint64_t> read_number(std::string_view text, size_t& pos) {
  uint64_t value = 0;
  auto first = text.data() + pos;
  auto last = text.data() + text.size();
  auto res = std::from_chars(first, last, value);
  if (res.ec != std::errc{} || res.ptr == first)
    return std::nullopt;
  pos += static_cast<size_t>(res.ptr - first);
  return value;
}

size_t skip_blanks(std::string_view text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                               text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
  return pos;
}

/// Returns the position just after the opening quote of the value of
/// `"request_id"`, or npos.
size_t find_id_value(std::string_view text) {
  constexpr std::string_view key = "\"request_id\"";
  auto pos = text.find(key);
  if (pos == std::string_view::npos)
    return pos;
  pos = skip_blanks(text, pos + key.size());
  if (pos >= text.size() || text[pos] != ':')
    return std::string_view::npos;
  pos = skip_blanks(text, pos + 1);
  if (pos >= text.size() || text[pos] != '"')
    return std::string_view::npos;
  return pos + 1;
}

bool is_error(std::string_view text) {
  return text.find("\"success\":false") != std::string_view::npos ||
         text.find("\"success\": false") != std::string_view::npos ||
         text.find("\"type\":\"error\"") != std::string_view::npos ||
         text.find("\"type\": \"error\"") != std::string_view::npos;
}

} // namespace

void make_heartbeat(std::string& out, dialect d, uint32_t conn, uint64_t seq,
                    int64_t unix_ms) {
  out.clear();
  if (d == dialect::nexus) {
    out += "{\"type\":\"heartbeat\",\"request_id\":";
    append_id(out, conn, seq);
    out += ",\"timestamp\":";
    append_number(out, static_cast<uint64_t>(unix_ms));
    out += '}';
  } else {
    out += "{\"id\":";
    append_id(out, conn, seq);
    out += ",\"type\":\"heartbeat\",\"payload\":{}}";
  }
}

std::optional<reply_info> scan_reply(std::string_view text, uint32_t conn) {
  auto pos = find_id_value(text);
  if (pos == std::string_view::npos || pos >= text.size() || text[pos] != 'b')
    return std::nullopt;
  ++pos;
  auto owner = read_number(text, pos);
  if (!owner || *owner != conn || pos >= text.size() || text[pos] != '_')
    return std::nullopt;
  ++pos;
  auto seq = read_number(text, pos);
  if (!seq || pos >= text.size() || text[pos] != '"')
    return std::nullopt;
  return reply_info{*seq, is_error(text)};
}

} // namespace nexus::bench
