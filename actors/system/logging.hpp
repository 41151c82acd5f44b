// Process-wide logging with spdlog on stderr: text lines or JSON lines.
// Connection loggers share the sinks and carry the connection id as their
// name, so every line about a connection names it.
#pragma once

#include <memory>
#include <string>

#include <spdlog/formatter.h>

#include "config/server_config.hpp"

namespace nexus::actors {

/// Installs the default logger ("nexus") on stderr with `level` and `fmt`.
void setup_logging(const std::string& level, config::log_format fmt);

/// A formatter writing one JSON object per line:
/// `{"ts","level","logger","msg"}` with `msg` properly escaped.
class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

} // namespace nexus::actors
