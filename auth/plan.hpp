// The user plans of PROTOCOL.md §4 (`plan` claim): their wire names and the
// parse from a claim value.
#pragma once

#include <optional>
#include <string_view>

namespace nexus::auth {

/// What a user pays for; decides `batch_execute` and rate limits.
enum class plan { free, pro, enterprise };

/// The claim and wire name: "free", "pro" or "enterprise".
std::string_view to_string(plan p);

/// The plan named exactly `name` (case-sensitive); nullopt for anything else.
std::optional<plan> parse_plan(std::string_view name);

} // namespace nexus::auth
