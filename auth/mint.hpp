// Signing tokens with an HS key, for `nexus-server token` and tests.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "auth/options.hpp"

namespace nexus::auth {

/// Signs `claims` (a JSON object) with an HS256/HS384/HS512 key, adding the
/// key's `kid` header when it has one. Returns "" on failure: another
/// algorithm, an empty secret, claims that are not an object or that
/// libjwt's JSON parser refuses (e.g. integers beyond int64). Never throws.
std::string mint(const jwt_key& key, const nlohmann::json& claims);

} // namespace nexus::auth
