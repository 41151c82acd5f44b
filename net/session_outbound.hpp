// The `outbound` handle the layer above holds for a session: a weak
// reference, so calls after the socket is gone do nothing.
#pragma once

#include <memory>
#include <string>

#include "net/hooks.hpp"

namespace nexus::net {

/// The `outbound` handle actors hold: a weak reference to the session.
template <class Session>
class session_outbound final : public outbound {
public:
  explicit session_outbound(std::weak_ptr<Session> s)
    : session_(std::move(s)) {}

  void send(frame_ptr frame) override {
    send(std::move(frame), priority::reply);
  }

  void send(frame_ptr frame, priority p) override {
    if (auto s = session_.lock())
      s->send(std::move(frame), p);
  }

  void close(uint16_t code, std::string reason) override {
    if (auto s = session_.lock())
      s->close(code, std::move(reason));
  }

  void frame_done() override {
    if (auto s = session_.lock())
      s->frame_done();
  }

private:
  std::weak_ptr<Session> session_;
};

} // namespace nexus::net
