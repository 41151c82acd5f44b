// Synchronous teardown for session_stream.
#include "net/session_stream.hpp"

namespace nexus::net {

void teardown(beast::role_type role, session_stream& s,
              beast::error_code& ec) {
  if (role == beast::role_type::server)
    s.socket().shutdown(boost::asio::socket_base::shutdown_send, ec);
  std::array<char, 2048> buf;
  while (!ec)
    s.socket().read_some(boost::asio::buffer(buf), ec);
  if (ec == boost::asio::error::eof)
    ec = {};
  beast::error_code ignored;
  s.socket().close(ignored);
}

} // namespace nexus::net
