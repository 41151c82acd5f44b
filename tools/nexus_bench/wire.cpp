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

void append_client_frame(std::string& out, std::string_view payload,
                         uint32_t mask, uint8_t opcode) {
  out += static_cast<char>(0x80 | opcode); // FIN
  auto size = payload.size();
  if (size < 126) {
    out += static_cast<char>(0x80 | size);
  } else if (size <= 0xffff) {
    out += static_cast<char>(0x80 | 126);
    out += static_cast<char>(size >> 8);
    out += static_cast<char>(size & 0xff);
  } else {
    out += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((static_cast<uint64_t>(size) >> shift) & 0xff);
  }
  char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16),
                 static_cast<char>(mask >> 8), static_cast<char>(mask)};
  out.append(key, 4);
  auto start = out.size();
  out.append(payload);
  for (size_t i = 0; i < size; ++i)
    out[start + i] = static_cast<char>(out[start + i] ^ key[i % 4]);
}

frame_status parse_frame(std::string_view data, size_t max_payload,
                         frame_view& out) {
  if (data.size() < 2)
    return frame_status::incomplete;
  auto byte = [&](size_t i) { return static_cast<uint8_t>(data[i]); };
  if (byte(1) & 0x80)
    return frame_status::invalid; // servers must not mask
  uint64_t len = byte(1) & 0x7f;
  size_t pos = 2;
  if (len >= 126) {
    size_t width = len == 126 ? 2 : 8;
    if (data.size() < 2 + width)
      return frame_status::incomplete;
    len = 0;
    for (size_t i = 0; i < width; ++i)
      len = (len << 8) | byte(2 + i);
    pos += width;
  }
  if (len > max_payload)
    return frame_status::invalid;
  if (data.size() - pos < len)
    return frame_status::incomplete;
  out.opcode = byte(0) & 0x0f;
  out.fin = (byte(0) & 0x80) != 0;
  out.payload = data.substr(pos, static_cast<size_t>(len));
  out.size = pos + static_cast<size_t>(len);
  return frame_status::complete;
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
