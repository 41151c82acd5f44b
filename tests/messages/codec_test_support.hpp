// Shorthands for the codec tests: decode a frame and insist on success or
// failure, and build deeply nested frames.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include <catch2/catch.hpp>

#include "messages/codec.hpp"

namespace nexus::messages::test {

/// Decodes `text` and requires a valid request.
inline request decode_ok(dialect d, std::string_view text,
                         decode_limits limits = {}) {
  auto res = decode(d, text, limits);
  if (auto* f = std::get_if<decode_failure>(&res)) {
    INFO("unexpected failure: " << code_string(f->error.code) << " "
                                << f->error.field << ": " << f->error.message);
    FAIL_CHECK();
  }
  REQUIRE(std::holds_alternative<request>(res));
  return std::get<request>(std::move(res));
}

/// Decodes `text` and requires a failure.
inline decode_failure decode_bad(dialect d, std::string_view text,
                                 decode_limits limits = {}) {
  auto res = decode(d, text, limits);
  REQUIRE(std::holds_alternative<decode_failure>(res));
  return std::get<decode_failure>(std::move(res));
}

/// A heartbeat frame nested `levels` deep in total: the envelope is level 1,
/// its payload level 2, then `{"a":…}` objects (or arrays when `arrays`).
/// `levels` must be at least 2.
inline std::string nested_frame(std::string_view id_key, int levels,
                                bool arrays = false) {
  std::string text = R"({"type":"heartbeat",")";
  text += id_key;
  text += R"(":"r1","payload":)";
  std::string closing;
  for (int level = 2; level <= levels; ++level) {
    bool last = level == levels;
    if (level == 2 || !arrays) {
      text += last ? "{" : R"({"a":)";
      closing += '}';
    } else {
      text += '[';
      closing += ']';
    }
  }
  text.append(closing.rbegin(), closing.rend());
  text += '}';
  return text;
}

} // namespace nexus::messages::test
