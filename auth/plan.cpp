// Plan names, one table for both directions.
#include "auth/plan.hpp"

namespace nexus::auth {

namespace {

constexpr plan all_plans[] = {plan::free, plan::pro, plan::enterprise};

} // namespace

std::string_view to_string(plan p) {
  switch (p) {
  case plan::free:
    return "free";
  case plan::pro:
    return "pro";
  case plan::enterprise:
    return "enterprise";
  }
  return "free";
}

std::optional<plan> parse_plan(std::string_view name) {
  for (auto p : all_plans)
    if (to_string(p) == name)
      return p;
  return std::nullopt;
}

} // namespace nexus::auth
