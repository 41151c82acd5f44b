// What the verifier is configured with (`auth` in the server config) and
// what a valid token yields.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/plan.hpp"

namespace nexus::auth {

/// One configured verification key.
struct jwt_key {
  /// Matched against the token's `kid` header; empty: the key for tokens
  /// without a `kid`.
  std::string kid;
  /// The only algorithm this key verifies: exactly one of HS256 HS384 HS512
  /// RS256 ES256.
  std::string alg;
  /// HS*: the secret bytes; RS256/ES256: PEM public key text.
  std::string material;
};

/// Keys and claim rules of a jwt_verifier.
struct verifier_options {
  std::vector<jwt_key> keys;
  /// Required `iss`; empty: not checked.
  std::string issuer;
  /// Required member of `aud` (a string or an array of strings); empty: not
  /// checked.
  std::string audience;
  /// Refuse tokens without `exp`.
  bool require_exp = true;
  /// Clock skew allowed for exp, nbf and iat; not negative.
  std::chrono::seconds leeway{30};
  /// Longer tokens are refused unread (PROTOCOL.md §6: 4 KiB).
  std::size_t max_token_bytes = 4096;
};

/// Who a valid token says the caller is.
struct identity {
  /// The `sub` claim.
  std::string user_id;
  /// The `plan` claim; free when absent.
  plan user_plan = plan::free;
  /// The `topics` claim: topic patterns this user may use.
  std::vector<std::string> topics;
  /// The `topics` claim was present (possibly empty).
  bool has_topics = false;
  /// The `exp` claim, unix seconds; nullopt when absent.
  std::optional<int64_t> expires_at;
};

} // namespace nexus::auth
