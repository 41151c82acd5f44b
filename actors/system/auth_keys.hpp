// Turns the `auth` configuration into the node's JWT verifier: reads the PEM
// files, adds the kid-less HS secret, and reports every problem by key so a
// bad key stops start-up with a clear message.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "auth/jwt_verifier.hpp"
#include "config/server_config.hpp"

namespace nexus::actors {

/// The verifier for `cfg`, or null when no key is configured (only
/// anonymous connections can then get in). Problems go to `problems`.
std::shared_ptr<const auth::jwt_verifier>
make_verifier(const config::server_config& cfg,
              std::vector<std::string>& problems);

/// Verifier options for `cfg`, PEM files read; problems as above.
auth::verifier_options verifier_options(const config::server_config& cfg,
                                        std::vector<std::string>& problems);

} // namespace nexus::actors
