// spdlog setup and the JSON-lines formatter.
#include "actors/system/logging.hpp"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace nexus::actors {

void setup_logging(const std::string& level, config::log_format fmt) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto log = std::make_shared<spdlog::logger>("nexus", sink);
  if (fmt == config::log_format::json)
    log->set_formatter(std::make_unique<json_formatter>());
  else
    log->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v",
                     spdlog::pattern_time_type::utc);
  log->set_level(spdlog::level::from_str(level));
  log->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(log);
}

void json_formatter::format(const spdlog::details::log_msg& msg,
                            spdlog::memory_buf_t& dest) {
  auto t = std::chrono::system_clock::to_time_t(msg.time);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              msg.time.time_since_epoch())
              .count()
            % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char ts[80];
  std::snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  auto level = spdlog::level::to_string_view(msg.level);
  nlohmann::json line{
    {"ts", ts},
    {"level", std::string(level.data(), level.size())},
    {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
    {"msg", std::string(msg.payload.data(), msg.payload.size())},
  };
  auto text = line.dump(-1, ' ', false,
                        nlohmann::json::error_handler_t::replace);
  text += '\n';
  dest.append(text.data(), text.data() + text.size());
}

std::unique_ptr<spdlog::formatter> json_formatter::clone() const {
  return std::make_unique<json_formatter>();
}

} // namespace nexus::actors
