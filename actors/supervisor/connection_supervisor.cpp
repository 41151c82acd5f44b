// Connection supervisor: monitor, count, drain.
#include "actors/supervisor/connection_supervisor.hpp"

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

namespace nexus::actors {

namespace {

using self_ptr
  = connection_supervisor_actor::stateful_pointer<connection_supervisor_state>;

void finish_drain_if_done(self_ptr self) {
  auto& st = self->state;
  if (!st.draining || !st.children.empty())
    return;
  for (auto& rp : st.drain_waiters)
    rp.deliver(st.drained);
  st.drain_waiters.clear();
}

} // namespace

connection_supervisor_actor::behavior_type
connection_supervisor(self_ptr self, std::shared_ptr<const node_context> node) {
  self->state.node = std::move(node);
  self->set_down_handler([self](caf::down_msg& dm) {
    if (self->state.children.erase(dm.source) > 0 && self->state.draining)
      ++self->state.drained;
    finish_drain_if_done(self);
  });
  // On shutdown whatever is still connected is stopped with us.
  self->set_exit_handler([self](caf::exit_msg& em) {
    for (auto& kv : self->state.children)
      self->send_exit(kv.second, caf::exit_reason::kill);
    self->state.children.clear();
    self->quit(em.reason);
  });
  return {
    [self](atoms::attach_atom, caf::actor conn) {
      self->monitor(conn);
      if (self->state.draining)
        caf::anon_send(conn, atoms::drain_atom_v);
      self->state.children.emplace(conn.address(), std::move(conn));
    },
    [self](atoms::count_atom) {
      return static_cast<uint64_t>(self->state.children.size());
    },
    [self](atoms::drain_atom) -> caf::result<uint64_t> {
      auto& st = self->state;
      if (!st.draining) {
        spdlog::info("node {}: asking {} connections to close",
                     st.node->node_id, st.children.size());
        st.draining = true;
        for (auto& kv : st.children)
          caf::anon_send(kv.second, atoms::drain_atom_v);
      }
      if (st.children.empty())
        return st.drained;
      auto rp = self->make_response_promise<uint64_t>();
      st.drain_waiters.push_back(rp);
      return rp;
    },
  };
}

} // namespace nexus::actors
