// The Asio thread pool. Each thread catches whatever escapes run() and
// re-enters it, so one bad handler cannot end the process (PITFALLS: Beast
// can throw bad_alloc out of run()).
#include "net/io_runtime.hpp"

#include <csignal>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

namespace nexus::net {

namespace asio = boost::asio;

struct io_runtime::impl {
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>>
    guard;
  asio::signal_set signals{ioc};
  std::vector<std::thread> threads;
  uint32_t count;

  explicit impl(uint32_t n) : ioc(static_cast<int>(n)), count(n) {}

  void run_one_thread() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        spdlog::error("I/O thread caught: {}", e.what());
      } catch (...) {
        spdlog::error("I/O thread caught an unknown exception");
      }
    }
  }
};

io_runtime::io_runtime(uint32_t threads)
  : impl_(std::make_unique<impl>(threads == 0 ? 1 : threads)) {
}

io_runtime::~io_runtime() {
  stop();
}

void io_runtime::start() {
  impl_->guard.emplace(impl_->ioc.get_executor());
  for (uint32_t i = 0; i < impl_->count; ++i)
    impl_->threads.emplace_back([this] { impl_->run_one_thread(); });
}

void io_runtime::stop() {
  boost::system::error_code ignored;
  impl_->signals.cancel(ignored);
  impl_->guard.reset();
  impl_->ioc.stop();
  for (auto& t : impl_->threads)
    if (t.joinable())
      t.join();
  impl_->threads.clear();
}

void io_runtime::on_signal(std::function<void(int)> fn) {
  impl_->signals.add(SIGTERM);
  impl_->signals.add(SIGINT);
  impl_->signals.async_wait(
    [fn = std::move(fn)](const boost::system::error_code& ec, int sig) {
      if (!ec)
        fn(sig);
    });
}

void* io_runtime::native() {
  return &impl_->ioc;
}

} // namespace nexus::net
