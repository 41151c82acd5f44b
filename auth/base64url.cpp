// Table-driven base64url without padding.
#include "auth/base64url.hpp"

#include <array>
#include <cstdint>

namespace nexus::auth::base64url {

namespace {

constexpr char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Value of each character, or -1 outside the alphabet.
constexpr std::array<int8_t, 256> make_values() {
  std::array<int8_t, 256> out{};
  for (auto& v : out)
    v = -1;
  for (int i = 0; i < 64; ++i)
    out[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return out;
}

constexpr auto values = make_values();

int value_of(char c) {
  return values[static_cast<uint8_t>(c)];
}

} // namespace

std::string encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<uint32_t>(static_cast<uint8_t>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
    out += alphabet[n & 63];
  }
  if (auto rest = bytes.size() - i; rest == 1) {
    uint32_t n = at(i) << 16;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
  } else if (rest == 2) {
    uint32_t n = at(i) << 16 | at(i + 1) << 8;
    out += alphabet[n >> 18 & 63];
    out += alphabet[n >> 12 & 63];
    out += alphabet[n >> 6 & 63];
  }
  return out;
}

bool is_alphabet(std::string_view text) {
  for (char c : text)
    if (value_of(c) < 0)
      return false;
  return true;
}

std::optional<std::string> decode(std::string_view text) {
  if (text.size() % 4 == 1 || !is_alphabet(text))
    return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    bits = bits << 6 | static_cast<uint32_t>(value_of(c));
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>(bits >> count & 0xff);
    }
    bits &= (1u << count) - 1;
  }
  // Leftover bits (2 or 4) must be zero: a canonical encoding.
  if (bits != 0)
    return std::nullopt;
  return out;
}

} // namespace nexus::auth::base64url
