// nexus-server: reads the configuration, then runs a node until a signal
// (or, with `token`, prints a development token and exits).
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "actors/system/bootstrap.hpp"
#include "actors/system/logging.hpp"
#include "auth/jwt_verifier.hpp"
#include "config/loader.hpp"

namespace {

constexpr const char* version_text = "nexus-server 0.1.0 (protocol 2.0.0)\n";

int report_problems(const nexus::config::startup& st, const char* what) {
  for (auto& p : st.problems)
    std::fprintf(stderr, "nexus-server: %s: %s\n", what,
                 nexus::config::to_string(p).c_str());
  return 1;
}

/// `nexus-server token ...`: signs the claims with the configured HS secret.
int print_token(const nexus::config::startup& st) {
  auto& a = st.cfg.auth;
  if (a.jwt_secret.empty()) {
    std::fputs("nexus-server: token: no secret to sign with; set "
               "NEXUS_JWT_SECRET, --jwt-secret or auth.jwt_secret\n",
               stderr);
    return 1;
  }
  auto& t = st.token;
  auto now = static_cast<int64_t>(std::time(nullptr));
  nlohmann::json claims{{"sub", t.sub}, {"plan", t.plan}, {"iat", now},
                        {"exp", now + t.ttl_s}};
  if (!t.topics.empty())
    claims["topics"] = t.topics;
  if (!a.issuer.empty())
    claims["iss"] = a.issuer;
  if (!a.audience.empty())
    claims["aud"] = a.audience;
  auto token = nexus::auth::mint({"", a.jwt_algorithm, a.jwt_secret}, claims);
  if (token.empty()) {
    std::fputs("nexus-server: token: signing failed\n", stderr);
    return 1;
  }
  std::printf("%s\n", token.c_str());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  using nexus::config::command;
  auto st = nexus::config::load(argc, argv,
                                nexus::config::process_environment());
  switch (st.cmd) {
    case command::help:
      std::fputs(nexus::config::usage().c_str(), stdout);
      return 0;
    case command::version:
      std::fputs(version_text, stdout);
      return 0;
    case command::check_config:
      if (!st.problems.empty())
        return report_problems(st, "invalid configuration");
      std::printf("%s: ok\n", st.config_path.c_str());
      return 0;
    case command::token:
      if (!st.problems.empty())
        return report_problems(st, "token");
      return print_token(st);
    case command::serve:
      break;
  }
  if (!st.problems.empty())
    return report_problems(st, "invalid configuration");
  nexus::actors::setup_logging(st.cfg.log_level, st.cfg.log_fmt);
  return nexus::actors::run_server(st.cfg);
}
