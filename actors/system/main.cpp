// nexus-server: reads the configuration, then runs a node until a signal.
#include <cstdio>

#include "actors/system/bootstrap.hpp"
#include "actors/system/logging.hpp"
#include "config/loader.hpp"

namespace {

constexpr const char* version_text = "nexus-server 0.1.0 (protocol 2.0.0)\n";

int report_problems(const nexus::config::startup& st, const char* what) {
  for (auto& p : st.problems)
    std::fprintf(stderr, "nexus-server: %s: %s\n", what,
                 nexus::config::to_string(p).c_str());
  return 1;
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
    case command::serve:
      break;
  }
  if (!st.problems.empty())
    return report_problems(st, "invalid configuration");
  nexus::actors::setup_logging(st.cfg.log_level, st.cfg.log_fmt);
  return nexus::actors::run_server(st.cfg);
}
