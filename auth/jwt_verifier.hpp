// JWT verification for PROTOCOL.md §4: each configured key pinned to one
// algorithm, header rules checked before the signature, claims checked
// afterwards. Include this header for the whole auth API.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/failure.hpp"
#include "auth/mint.hpp"
#include "auth/options.hpp"
#include "auth/plan.hpp"

namespace nexus::auth {

struct key_ring; // auth/keys.hpp

/// Verifies compact JWS tokens against a fixed set of keys. Immutable after
/// make(); copies share the keys; verify() may run on many threads at once.
class jwt_verifier {
public:
  /// A verifier without keys: has_keys() is false, every token is refused.
  jwt_verifier() = default;

  /// Checks every key (alg known, PEM parses as the right kind of public
  /// key, secret non-empty, at most one key per kid including the empty
  /// kid) and the leeway; returns all problems as strings ("keys[1]: ...")
  /// instead of throwing.
  static std::variant<jwt_verifier, std::vector<std::string>>
  make(verifier_options options);

  /// Checks `token` at time `now_unix` (unix seconds): the identity it
  /// carries, or why it is refused. Never throws.
  std::variant<identity, failure> verify(std::string_view token,
                                         int64_t now_unix) const;

  /// True if at least one key is configured.
  bool has_keys() const;

private:
  jwt_verifier(verifier_options rules, std::shared_ptr<const key_ring> keys);

  /// The claim rules; `keys` is emptied (the material lives in keys_).
  verifier_options rules_;
  std::shared_ptr<const key_ring> keys_;
};

} // namespace nexus::auth
