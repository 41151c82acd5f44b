// The claim rules of PROTOCOL.md §4, applied to a payload whose signature
// has already been verified.
#pragma once

#include <cstdint>
#include <variant>

#include <nlohmann/json.hpp>

#include "auth/failure.hpp"
#include "auth/options.hpp"

namespace nexus::auth {

/// Checks `claims` (a JSON object) at time `now_unix`: sub (non-empty
/// string without control characters), exp (unless not required), nbf and
/// iat against the leeway, iss and aud when configured, plan and topics.
/// Never throws.
std::variant<identity, failure> check_claims(const nlohmann::json& claims,
                                             const verifier_options& options,
                                             int64_t now_unix);

} // namespace nexus::auth
