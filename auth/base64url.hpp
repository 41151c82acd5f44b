// Strict unpadded base64url (RFC 7515 §2, RFC 4648 §5) for JWT segments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nexus::auth::base64url {

/// Encodes `bytes` without padding.
std::string encode(std::string_view bytes);

/// Decodes `text`, refusing padding, characters outside A-Z a-z 0-9 - _,
/// a length of 1 mod 4 and non-zero unused trailing bits (so each byte
/// string has exactly one accepted spelling).
std::optional<std::string> decode(std::string_view text);

/// True if every character of `text` is in the base64url alphabet.
bool is_alphabet(std::string_view text);

} // namespace nexus::auth::base64url
