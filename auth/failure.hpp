// Why a token was refused: a closed set of reasons with stable snake_case
// names (sent to clients as `details.reason`) and a short human message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nexus::auth {

/// The one rule a refused token broke.
enum class failure_reason : uint8_t {
  missing,               ///< no token at all
  too_large,             ///< longer than max_token_bytes
  malformed,             ///< not three base64url parts of JSON objects
  forbidden_header,      ///< header carries jwk, jku, x5u, x5c or crit
  algorithm_not_allowed, ///< alg none, unknown, or not the key's alg
  unknown_kid,           ///< no configured key for the token's kid
  bad_signature,         ///< the signature does not verify
  expired,               ///< exp more than leeway in the past
  not_yet_valid,         ///< nbf more than leeway in the future
  issued_in_future,      ///< iat more than leeway in the future
  wrong_issuer,          ///< iss is not the configured issuer
  wrong_audience,        ///< aud does not name the configured audience
  missing_claim,         ///< sub, exp, iss or aud absent
  invalid_claim,         ///< a claim has the wrong type or value
};

/// Number of reasons (for tables indexed by failure_reason).
constexpr std::size_t failure_reason_count = 14;

/// Stable snake_case name sent to clients in details.reason, e.g. "expired".
std::string_view to_string(failure_reason r);

/// A refusal. `message` is short human text; it never contains the token,
/// any part of it, or key material.
struct failure {
  failure_reason reason;
  std::string message;
};

} // namespace nexus::auth
