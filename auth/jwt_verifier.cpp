// verify(): size, shape and header rules first, then the signature with
// the key the header selects, pinned to its algorithm, then the claims.
// libjwt 1.10 trusts the token's own `alg` header, so the algorithm must be
// matched against the key before libjwt sees the token (docs/adr/0005).
#include "auth/jwt_verifier.hpp"

#include <string>

#include <strings.h>

#include "auth/claims.hpp"
#include "auth/keys.hpp"
#include "auth/signature.hpp"
#include "auth/token_parts.hpp"

namespace nexus::auth {

namespace {

using nlohmann::json;

/// Header members that would let the token choose or carry its own key, or
/// demand extensions we do not implement (RFC 7515 §4.1.11).
constexpr std::string_view forbidden_headers[] = {"jwk", "jku", "x5u", "x5c",
                                                  "crit"};

failure fail(failure_reason r, std::string message) {
  return {r, std::move(message)};
}

/// The key the header selects, or why the header is refused.
std::variant<const ready_key*, failure> select_key(const json& header,
                                                   const key_ring* keys) {
  for (auto name : forbidden_headers)
    if (header.contains(name))
      return fail(failure_reason::forbidden_header,
                  "token header carries a forbidden member (" +
                      std::string{name} + ")");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string())
    return fail(failure_reason::malformed, "token header has no alg");
  const auto& alg_name = alg->get_ref<const std::string&>();
  if (!is_known_algorithm(alg_name))
    return fail(failure_reason::algorithm_not_allowed,
                "token algorithm is not allowed");
  // libjwt refuses any other typ for HS*; the rule holds for every alg.
  if (auto typ = header.find("typ");
      typ != header.end() &&
      (!typ->is_string() ||
       strcasecmp(typ->get_ref<const std::string&>().c_str(), "JWT") != 0))
    return fail(failure_reason::malformed, "token typ must be JWT");
  std::string kid;
  if (auto k = header.find("kid"); k != header.end()) {
    if (!k->is_string())
      return fail(failure_reason::malformed, "token kid must be a string");
    kid = k->get<std::string>();
  }
  const auto* key = keys != nullptr ? keys->find(kid) : nullptr;
  if (key == nullptr)
    return fail(failure_reason::unknown_kid,
                kid.empty() ? "no key is configured for tokens without kid"
                            : "no key is configured for the token's kid");
  if (key->config.alg != alg_name)
    return fail(failure_reason::algorithm_not_allowed,
                "token algorithm does not match its key");
  return key;
}

std::variant<identity, failure> check(std::string_view token, int64_t now,
                                      const verifier_options& options,
                                      const key_ring* keys) {
  if (token.empty())
    return fail(failure_reason::missing, "no token");
  if (token.size() > options.max_token_bytes)
    return fail(failure_reason::too_large,
                "token is longer than " +
                    std::to_string(options.max_token_bytes) + " bytes");
  auto parts = split_token(token);
  if (auto* f = std::get_if<failure>(&parts))
    return std::move(*f);
  auto& [header, payload] = std::get<token_parts>(parts);
  auto key = select_key(header, keys);
  if (auto* f = std::get_if<failure>(&key))
    return std::move(*f);
  if (!signature_ok(token, *std::get<const ready_key*>(key)))
    return fail(failure_reason::bad_signature,
                "token signature does not verify");
  return check_claims(payload, options, now);
}

} // namespace

jwt_verifier::jwt_verifier(verifier_options rules,
                           std::shared_ptr<const key_ring> keys)
    : rules_(std::move(rules)), keys_(std::move(keys)) {}

std::variant<jwt_verifier, std::vector<std::string>>
jwt_verifier::make(verifier_options options) {
  std::vector<std::string> problems;
  auto ring = std::make_shared<key_ring>();
  const auto& keys = options.keys;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto at = "keys[" + std::to_string(i) + "]: ";
    auto ready = prepare_key(keys[i]);
    if (auto* why = std::get_if<std::string>(&ready))
      problems.push_back(at + *why);
    else
      ring->keys.push_back(std::get<ready_key>(std::move(ready)));
    for (std::size_t j = 0; j < i; ++j) {
      if (keys[j].kid != keys[i].kid)
        continue;
      auto other = "keys[" + std::to_string(j) + "]";
      problems.push_back(
          at +
          (keys[i].kid.empty()
               ? other + " is already the key for tokens without kid"
               : "kid \"" + keys[i].kid + "\" is already used by " + other));
      break;
    }
  }
  if (options.leeway.count() < 0)
    problems.push_back("leeway: must not be negative");
  if (options.max_token_bytes == 0)
    problems.push_back("max_token_bytes: must be positive");
  if (!problems.empty())
    return problems;
  options.keys.clear();
  return jwt_verifier{std::move(options), std::move(ring)};
}

std::variant<identity, failure> jwt_verifier::verify(std::string_view token,
                                                     int64_t now_unix) const {
  try {
    return check(token, now_unix, rules_, keys_.get());
  } catch (...) {
    return fail(failure_reason::malformed, "token could not be checked");
  }
}

bool jwt_verifier::has_keys() const {
  return keys_ != nullptr && !keys_->keys.empty();
}

} // namespace nexus::auth
