// Claim checks on the decoded payload. Times are compared with saturating
// arithmetic so absurd NumericDates cannot overflow.
#include "auth/claims.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace nexus::auth {

namespace {

using nlohmann::json;

constexpr auto int64_max = std::numeric_limits<int64_t>::max();
constexpr auto int64_min = std::numeric_limits<int64_t>::min();

int64_t saturating_add(int64_t x, int64_t y) {
  int64_t out;
  if (__builtin_add_overflow(x, y, &out))
    return y > 0 ? int64_max : int64_min;
  return out;
}

/// A NumericDate (RFC 7519 §2) as whole seconds, clamped to int64;
/// nullopt if `value` is not a number (booleans are not numbers).
std::optional<int64_t> numeric_date(const json& value) {
  if (value.is_number_unsigned()) {
    auto x = value.get<uint64_t>();
    return x > static_cast<uint64_t>(int64_max) ? int64_max
                                                : static_cast<int64_t>(x);
  }
  if (value.is_number_integer())
    return value.get<int64_t>();
  if (value.is_number_float()) {
    auto x = std::floor(value.get<double>());
    if (!std::isfinite(x))
      return std::nullopt;
    // 2^63 is exactly representable; anything at or past it clamps.
    if (x >= 9223372036854775808.0)
      return int64_max;
    if (x < -9223372036854775808.0)
      return int64_min;
    return static_cast<int64_t>(x);
  }
  return std::nullopt;
}

/// True for a non-empty string without ASCII control characters: user ids
/// end up in logs and storage keys.
bool printable(const std::string& text) {
  if (text.empty())
    return false;
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return false;
  return true;
}

failure fail(failure_reason r, std::string message) {
  return {r, std::move(message)};
}

/// True if `aud` (a string or an array) names `audience`.
bool names_audience(const json& aud, const std::string& audience) {
  if (aud.is_string())
    return aud.get_ref<const std::string&>() == audience;
  if (aud.is_array())
    for (const auto& x : aud)
      if (x.is_string() && x.get_ref<const std::string&>() == audience)
        return true;
  return false;
}

} // namespace

std::variant<identity, failure> check_claims(const json& claims,
                                             const verifier_options& options,
                                             int64_t now_unix) {
  if (!claims.is_object())
    return fail(failure_reason::malformed, "token payload is not an object");
  identity out;
  auto leeway = static_cast<int64_t>(options.leeway.count());

  auto sub = claims.find("sub");
  if (sub == claims.end())
    return fail(failure_reason::missing_claim, "token has no sub claim");
  if (!sub->is_string() || !printable(sub->get_ref<const std::string&>()))
    return fail(failure_reason::invalid_claim,
                "sub claim must be a non-empty string without control "
                "characters");
  out.user_id = sub->get<std::string>();

  if (auto exp = claims.find("exp"); exp != claims.end()) {
    auto at = numeric_date(*exp);
    if (!at)
      return fail(failure_reason::invalid_claim, "exp claim must be a number");
    if (saturating_add(*at, leeway) <= now_unix)
      return fail(failure_reason::expired, "token has expired");
    out.expires_at = *at;
  } else if (options.require_exp) {
    return fail(failure_reason::missing_claim, "token has no exp claim");
  }

  if (auto nbf = claims.find("nbf"); nbf != claims.end()) {
    auto at = numeric_date(*nbf);
    if (!at)
      return fail(failure_reason::invalid_claim, "nbf claim must be a number");
    if (*at > saturating_add(now_unix, leeway))
      return fail(failure_reason::not_yet_valid, "token is not valid yet");
  }

  if (auto iat = claims.find("iat"); iat != claims.end()) {
    auto at = numeric_date(*iat);
    if (!at)
      return fail(failure_reason::invalid_claim, "iat claim must be a number");
    if (*at > saturating_add(now_unix, leeway))
      return fail(failure_reason::issued_in_future,
                  "token was issued in the future");
  }

  if (!options.issuer.empty()) {
    auto iss = claims.find("iss");
    if (iss == claims.end())
      return fail(failure_reason::missing_claim, "token has no iss claim");
    if (!iss->is_string() ||
        iss->get_ref<const std::string&>() != options.issuer)
      return fail(failure_reason::wrong_issuer, "token is from another issuer");
  }

  if (!options.audience.empty()) {
    auto aud = claims.find("aud");
    if (aud == claims.end())
      return fail(failure_reason::missing_claim, "token has no aud claim");
    if (!names_audience(*aud, options.audience))
      return fail(failure_reason::wrong_audience,
                  "token is meant for another audience");
  }

  if (auto p = claims.find("plan"); p != claims.end()) {
    auto parsed = p->is_string() ? parse_plan(p->get_ref<const std::string&>())
                                 : std::nullopt;
    if (!parsed)
      return fail(failure_reason::invalid_claim,
                  "plan claim must be free, pro or enterprise");
    out.user_plan = *parsed;
  }

  if (auto topics = claims.find("topics"); topics != claims.end()) {
    if (!topics->is_array())
      return fail(failure_reason::invalid_claim,
                  "topics claim must be an array of strings");
    for (const auto& t : *topics) {
      if (!t.is_string())
        return fail(failure_reason::invalid_claim,
                    "topics claim must be an array of strings");
      out.topics.push_back(t.get<std::string>());
    }
    out.has_topics = true;
  }
  return out;
}

} // namespace nexus::auth
