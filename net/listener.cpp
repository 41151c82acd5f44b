// The accepting socket: one strand per accepted connection, plain or TLS
// as the options say.
#include "net/listener.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "net/http_session.hpp"
#include "net/io_runtime.hpp"
#include "net/tls_stream.hpp"

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
    if (!load_tls(error))
      return false;
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

  bool secure() const override { return tls_ != nullptr; }

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
      start_session(beast::tcp_stream{std::move(socket)});
    }
    do_accept();
  }

  /// Loads the certificate and key when configured; false and `error`
  /// naming the listener and the file when that fails.
  bool load_tls(std::string& error) {
    if (opts_->tls_cert_file.empty() && opts_->tls_key_file.empty())
      return true;
    tls_ = load_tls_context(opts_->tls_cert_file, opts_->tls_key_file, error);
    if (!tls_)
      error = "listener " + opts_->name + ": " + error;
    return tls_ != nullptr;
  }

  void start_session(beast::tcp_stream&& stream) {
    // Teardown after a close: as long as the handshake may take.
    auto teardown = opts_->handshake_timeout;
    if (tls_)
      std::make_shared<http_session<tls_stream>>(
        tls_stream{std::move(stream), tls_, teardown}, opts_, hooks_)
        ->run();
    else
      std::make_shared<http_session<session_stream>>(
        session_stream{std::move(stream), teardown}, opts_, hooks_)
        ->run();
  }

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  std::shared_ptr<const listener_options> opts_;
  std::shared_ptr<const server_hooks> hooks_;
  /// Null on a plain listener.
  std::shared_ptr<asio::ssl::context> tls_;
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
