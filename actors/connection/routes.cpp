// Handlers that answer from the connection actor itself: heartbeat and
// auth.refresh.
#include "actors/connection/routes.hpp"

#include "messages/ids.hpp"

namespace nexus::actors {

handled handle_auth_refresh(connection_ptr self, messages::request& req) {
  auto& st = self->state;
  auto token = req.payload.find("token");
  if (token == req.payload.end() || !token->is_string()
      || token->get_ref<const std::string&>().empty()) {
    messages::error_body err;
    err.code = messages::errc::validation_failed;
    err.message = "token must be a non-empty string";
    err.field = "token";
    st.fail(req.request_id, std::move(err));
    return handled::done;
  }
  auto& verifier = st.params.node->verifier;
  if (!verifier) {
    st.refuse_auth(req.request_id, "unknown_kid", "no keys configured");
    return handled::done;
  }
  auto now_s = messages::unix_millis() / 1000;
  auto result = verifier->verify(token->get_ref<const std::string&>(), now_s);
  if (auto* bad = std::get_if<auth::failure>(&result)) {
    st.refuse_auth(req.request_id, auth::to_string(bad->reason),
                   bad->message);
    return handled::done;
  }
  auto& who = std::get<auth::identity>(result);
  if (who.user_id != st.params.who.user_id) {
    st.refuse_auth(req.request_id, "subject_changed",
                   "a refreshed token must name the same user");
    return handled::done;
  }
  nlohmann::json expires = nullptr;
  if (who.expires_at)
    expires = messages::rfc3339(*who.expires_at * 1000);
  st.adopt(self, std::move(who));
  st.reply("auth.refreshed", req.request_id, {{"expires_at", expires}});
  return handled::done;
}

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
  set(messages::request_kind::auth_refresh, handle_auth_refresh);
  return t;
}

} // namespace nexus::actors
