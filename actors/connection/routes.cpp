// Handlers that answer from the connection actor itself.
#include "actors/connection/routes.hpp"

#include "messages/ids.hpp"

namespace nexus::actors {

handled handle_heartbeat(connection_ptr self, messages::request& req) {
  auto& st = self->state;
  auto ms = messages::unix_millis();
  auto stamp = st.params.dialect == messages::dialect::nexus ? ms / 1000 : ms;
  nlohmann::json payload{{"timestamp", stamp},
                         {"server_time", messages::rfc3339(ms)}};
  st.reply("heartbeat", req.request_id, payload);
  return handled::done;
}

route_table default_routes() {
  route_table t;
  auto set = [&t](messages::request_kind k, handler_fn f) {
    t.handlers[static_cast<std::size_t>(k)] = f;
  };
  set(messages::request_kind::heartbeat, handle_heartbeat);
  return t;
}

} // namespace nexus::actors
