// Signature checks with the pinned key: HS* through libjwt, RS256 and ES256
// through OpenSSL EVP with the public key parsed once (docs/adr/0005).
#pragma once

#include <string_view>

#include "auth/keys.hpp"

namespace nexus::auth {

/// True if the signature of `token` verifies with `key` under the key's
/// algorithm. `token` must have passed split_token and select_key (three
/// base64url parts, header alg equal to the key's). Never throws.
bool signature_ok(std::string_view token, const ready_key& key);

} // namespace nexus::auth
