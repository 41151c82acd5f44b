// The accepting socket: one strand per accepted connection.
#include "net/listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "net/http_session.hpp"
#include "net/io_runtime.hpp"

namespace nexus::net {

namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

class listener_impl final : public listener,
                            public std::enable_shared_from_this<listener_impl> {
public:
  listener_impl(asio::io_context& ioc, listener_options opts,
                std::shared_ptr<const server_hooks> hooks)
    : ioc_(ioc),
      acceptor_(asio::make_strand(ioc)),
      opts_(std::make_shared<const listener_options>(std::move(opts))),
      hooks_(std::move(hooks)) {
  }

  bool open(std::string& error) {
    beast::error_code ec;
    auto addr = asio::ip::make_address(opts_->bind, ec);
    if (ec) {
      error = "invalid bind address " + opts_->bind + ": " + ec.message();
      return false;
    }
    tcp::endpoint ep{addr, opts_->port};
    acceptor_.open(ep.protocol(), ec);
    if (!ec)
      acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
      acceptor_.bind(ep, ec);
    if (!ec)
      acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      error = "cannot listen on " + opts_->bind + ":"
              + std::to_string(opts_->port) + ": " + ec.message();
      return false;
    }
    port_ = acceptor_.local_endpoint().port();
    return true;
  }

  uint16_t port() const override { return port_; }

  void run() override { do_accept(); }

  void stop() override {
    asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

private:
  void do_accept() {
    acceptor_.async_accept(asio::make_strand(ioc_),
                           beast::bind_front_handler(&listener_impl::on_accept,
                                                     shared_from_this()));
  }

  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open())
      return;
    if (ec) {
      // EMFILE and friends: log and keep accepting; the kernel queues.
      spdlog::warn("accept on {}: {}", opts_->name, ec.message());
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<http_session>(beast::tcp_stream{std::move(socket)},
                                     opts_, hooks_)
        ->run();
    }
    do_accept();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<const listener_options> opts_;
  std::shared_ptr<const server_hooks> hooks_;
  uint16_t port_ = 0;
};

} // namespace

std::shared_ptr<listener> listener::open(io_runtime& io, listener_options opts,
                                         std::shared_ptr<const server_hooks> h,
                                         std::string& error) {
  auto& ioc = *static_cast<asio::io_context*>(io.native());
  auto l = std::make_shared<listener_impl>(ioc, std::move(opts), std::move(h));
  if (!l->open(error))
    return nullptr;
  return l;
}

} // namespace nexus::net
