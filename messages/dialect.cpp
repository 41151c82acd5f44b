// Names and subprotocol tokens of the two dialects (PROTOCOL.md §1).
#include "messages/dialect.hpp"

namespace nexus::messages {

namespace {

constexpr std::string_view nexus_subprotocol = "nexus-json";
constexpr std::string_view neurograph_subprotocol = "neurograph-json";

} // namespace

std::string_view to_string(dialect d) {
  return d == dialect::neurograph ? "neurograph" : "nexus";
}

std::string_view subprotocol(dialect d) {
  return d == dialect::neurograph ? neurograph_subprotocol : nexus_subprotocol;
}

std::optional<dialect> from_subprotocol(std::string_view token) {
  if (token == nexus_subprotocol)
    return dialect::nexus;
  if (token == neurograph_subprotocol)
    return dialect::neurograph;
  return std::nullopt;
}

} // namespace nexus::messages
