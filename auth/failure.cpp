// Names of the failure reasons.
#include "auth/failure.hpp"

namespace nexus::auth {

std::string_view to_string(failure_reason r) {
  switch (r) {
  case failure_reason::missing:
    return "missing";
  case failure_reason::too_large:
    return "too_large";
  case failure_reason::malformed:
    return "malformed";
  case failure_reason::forbidden_header:
    return "forbidden_header";
  case failure_reason::algorithm_not_allowed:
    return "algorithm_not_allowed";
  case failure_reason::unknown_kid:
    return "unknown_kid";
  case failure_reason::bad_signature:
    return "bad_signature";
  case failure_reason::expired:
    return "expired";
  case failure_reason::not_yet_valid:
    return "not_yet_valid";
  case failure_reason::issued_in_future:
    return "issued_in_future";
  case failure_reason::wrong_issuer:
    return "wrong_issuer";
  case failure_reason::wrong_audience:
    return "wrong_audience";
  case failure_reason::missing_claim:
    return "missing_claim";
  case failure_reason::invalid_claim:
    return "invalid_claim";
  }
  return "malformed";
}

} // namespace nexus::auth
