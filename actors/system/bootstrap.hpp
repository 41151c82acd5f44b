// Starts a node in order (actor system, supervisor, I/O, listeners), runs
// until SIGTERM/SIGINT, then drains and stops in reverse order.
#pragma once

#include "config/server_config.hpp"

namespace nexus::actors {

/// Runs the server until a signal; returns the process exit code.
int run_server(const config::server_config& cfg);

} // namespace nexus::actors
