// The configured keys of a verifier, checked and prepared once: known
// algorithm, non-empty secret, or a PEM public key of the algorithm's type
// and size, parsed here so no token pays for PEM parsing.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <openssl/types.h>

#include "auth/options.hpp"

namespace nexus::auth {

/// One configured key ready to verify with.
struct ready_key {
  jwt_key config;
  /// RS256/ES256: the public key parsed from config.material; null for HS*.
  std::shared_ptr<EVP_PKEY> public_key;
};

/// All keys of one verifier; immutable and shared by its copies.
struct key_ring {
  std::vector<ready_key> keys;

  /// The key whose kid is `kid` ("" for tokens without one), or null.
  const ready_key* find(std::string_view kid) const;
};

/// True for HS256 HS384 HS512 RS256 ES256 (case-sensitive).
bool is_known_algorithm(std::string_view alg);

/// True for HS256 HS384 HS512.
bool is_hmac_algorithm(std::string_view alg);

/// `key` ready for use, or what is wrong with it: an unknown alg, an empty
/// secret, or material that is not a PEM public key of the right kind (RSA
/// of at least 2048 bits for RS256, P-256 for ES256). Never echoes key
/// material.
std::variant<ready_key, std::string> prepare_key(const jwt_key& key);

} // namespace nexus::auth
