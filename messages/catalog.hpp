// The message catalog of PROTOCOL.md §3 as data: every request type the
// protocol defines, its kind (the routing key) and its reply type. The
// connection actor maps kinds to handlers; a kind without a handler is
// answered UNKNOWN_MESSAGE_TYPE until the issue that implements it lands.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace nexus::messages {

/// Every request type of the catalog.
enum class request_kind : uint8_t {
  heartbeat,
  auth_refresh,
  execute_template,
  get_execution_status,
  get_execution_result,
  resume_execution,
  cancel_execution,
  batch_execute,
  get_batch_status,
  cancel_batch,
  subscribe,
  unsubscribe,
  publish,
  token_create,
  token_get,
  token_update,
  token_delete,
  token_list,
  token_nearest,
  graph_connect,
  graph_disconnect,
  graph_neighbors,
  graph_path,
};

/// Number of request kinds (for handler tables).
constexpr std::size_t request_kind_count = 23;

/// One row of the catalog.
struct catalog_entry {
  std::string_view type;
  request_kind kind;
  /// The reply's type on success.
  std::string_view reply_type;
};

/// The row for `type`, or nullptr when the catalog has no such request.
const catalog_entry* find_request(std::string_view type);

/// The row of `kind`.
const catalog_entry& entry(request_kind kind);

/// Every message type name the server may count in metrics: requests,
/// replies and events. Anything else is counted as `unknown` so a client
/// cannot blow up label cardinality.
const std::vector<std::string_view>& known_type_names();

} // namespace nexus::messages
