// The message catalog of PROTOCOL.md §3 as a static table, plus the list of
// type names metrics may use as labels.
#include "messages/catalog.hpp"

#include <algorithm>
#include <array>

namespace nexus::messages {

namespace {

using k = request_kind;

/// Indexed by request_kind; keep in the enum's order.
constexpr std::array<catalog_entry, request_kind_count> table{{
    {"heartbeat", k::heartbeat, "heartbeat"},
    {"auth.refresh", k::auth_refresh, "auth.refreshed"},
    {"execute_template", k::execute_template, "execute_template_response"},
    {"get_execution_status", k::get_execution_status, "execution_status"},
    {"get_execution_result", k::get_execution_result, "template_result"},
    {"resume_execution", k::resume_execution, "execution_status"},
    {"cancel_execution", k::cancel_execution, "execution_status"},
    {"batch_execute", k::batch_execute, "batch_accepted"},
    {"get_batch_status", k::get_batch_status, "batch_progress"},
    {"cancel_batch", k::cancel_batch, "batch_progress"},
    {"subscribe", k::subscribe, "subscribed"},
    {"unsubscribe", k::unsubscribe, "unsubscribed"},
    {"publish", k::publish, "published"},
    {"token.create", k::token_create, "token.created"},
    {"token.get", k::token_get, "token"},
    {"token.update", k::token_update, "token.updated"},
    {"token.delete", k::token_delete, "token.deleted"},
    {"token.list", k::token_list, "token.list"},
    {"token.nearest", k::token_nearest, "token.nearest"},
    {"graph.connect", k::graph_connect, "graph.connected"},
    {"graph.disconnect", k::graph_disconnect, "graph.disconnected"},
    {"graph.neighbors", k::graph_neighbors, "graph.neighbors"},
    {"graph.path", k::graph_path, "graph.path"},
}};

static_assert(static_cast<std::size_t>(k::graph_path) + 1 == request_kind_count,
              "the table must cover every request_kind");

/// Compile-time check that row i describes kind i.
constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].kind) != i)
      return false;
  return true;
}

static_assert(table_in_enum_order(), "table rows must follow request_kind");

/// Server-sent types that are not the direct reply of a catalog row.
constexpr std::array<std::string_view, 9> event_types{{
    "connection.established",
    "error",
    "auth.expiring",
    "template_progress",
    "section_result",
    "status_update",
    "batch_item_result",
    "batch_result",
    "topic.message",
}};

/// The metrics catch-all label; by convention the last one.
constexpr std::string_view unknown_type = "unknown";

/// Appends `name` unless it is already listed.
void add_unique(std::vector<std::string_view>& names, std::string_view name) {
  if (std::find(names.begin(), names.end(), name) == names.end())
    names.push_back(name);
}

/// Requests, then replies, then events; `unknown` (the catch-all) last.
std::vector<std::string_view> make_type_names() {
  std::vector<std::string_view> names;
  for (const auto& row : table)
    add_unique(names, row.type);
  for (const auto& row : table)
    add_unique(names, row.reply_type);
  for (auto name : event_types)
    add_unique(names, name);
  names.push_back(unknown_type);
  return names;
}

} // namespace

const catalog_entry* find_request(std::string_view type) {
  for (const auto& row : table)
    if (row.type == type)
      return &row;
  return nullptr;
}

const catalog_entry& entry(request_kind kind) {
  auto i = static_cast<std::size_t>(kind);
  return i < table.size() ? table[i] : table.front();
}

const std::vector<std::string_view>& known_type_names() {
  static const std::vector<std::string_view> names = make_type_names();
  return names;
}

} // namespace nexus::messages
