// The benchmark timeline: connect everything, start all connections at one
// instant, warm up, measure, stop sending, drain late answers, close.
#include "runner.hpp"

#include <sys/resource.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

namespace nexus::bench {

namespace {

using namespace std::chrono_literals;
using work_guard = asio::executor_work_guard<asio::io_context::executor_type>;

/// One thread, one io_context, its connections and its counters.
struct worker {
  asio::io_context ioc{1};
  work_guard guard{ioc.get_executor()};
  worker_stats stats;
  asio::steady_timer ticker{ioc};
  std::vector<std::shared_ptr<client>> clients;
  size_t next_connect = 0;
  std::atomic<size_t> pending{0};
  std::atomic<bool> finished{false};
  std::thread thread;
};

/// Makes sure N sockets fit under RLIMIT_NOFILE (raising the soft limit).
void check_fd_limit(uint32_t connections) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  rlim_t need = connections + 64;
  if (lim.rlim_cur < need && lim.rlim_max >= need) {
    lim.rlim_cur = need;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  if (lim.rlim_cur < need)
    throw std::runtime_error(
        std::to_string(connections) + " connections need " +
        std::to_string(need) + " file descriptors, the limit is " +
        std::to_string(lim.rlim_cur) + ": run several nexus-bench processes");
}

asio::ip::tcp::endpoint resolve(const bench_options& opts) {
  asio::io_context ioc;
  asio::ip::tcp::resolver resolver{ioc};
  auto results = resolver.resolve(opts.host, std::to_string(opts.port));
  if (results.empty())
    throw std::runtime_error("cannot resolve " + opts.host);
  return results.begin()->endpoint();
}

class runner {
public:
  explicit runner(const bench_options& opts) : opts_(opts) {
    // nop
  }

  bench_result run() {
    check_fd_limit(opts_.connections);
    create_clients(resolve(opts_));
    for (auto& w : workers_)
      w->thread = std::thread([&w = *w] { run_worker(w); });
    connect_all();
    auto clock = launch();
    std::this_thread::sleep_until(clock.measure_end);
    drain();
    shut_down();
    return collect();
  }

private:
  static void run_worker(worker& w) {
    for (;;) {
      try {
        w.ioc.run();
        break;
      } catch (const std::exception&) {
        // A stray exception must not end the run; keep serving.
      }
    }
    w.finished = true;
  }

  void create_clients(asio::ip::tcp::endpoint target) {
    for (uint32_t i = 0; i < opts_.threads; ++i)
      workers_.push_back(std::make_unique<worker>());
    bool loopback = target.address().is_v4() && target.address().is_loopback();
    for (uint32_t i = 0; i < opts_.connections; ++i) {
      auto& w = *workers_[i % workers_.size()];
      std::optional<asio::ip::address> source;
      if (loopback)
        source = asio::ip::make_address_v4(0x7f000001u + i % opts_.sources);
      w.clients.push_back(
          std::make_shared<client>(w.ioc, opts_, i, target, source, w.stats));
    }
  }

  void connect_next(worker& w) {
    if (w.next_connect >= w.clients.size())
      return;
    auto& c = w.clients[w.next_connect++];
    c->connect([this, &w](std::string err) {
      if (!err.empty()) {
        ++failures_;
        std::lock_guard<std::mutex> lock{mtx_};
        if (first_error_.empty())
          first_error_ = std::move(err);
      }
      ++connect_done_;
      connect_next(w);
    });
  }

  void connect_all() {
    auto per_worker = std::max<uint32_t>(
        1, (opts_.connect_parallel + opts_.threads - 1) / opts_.threads);
    for (auto& w : workers_)
      asio::post(w->ioc, [this, &w = *w, per_worker] {
        for (uint32_t i = 0; i < per_worker; ++i)
          connect_next(w);
      });
    while (connect_done_.load() < opts_.connections)
      std::this_thread::sleep_for(5ms);
  }

  run_clock launch() {
    using std::chrono::duration_cast;
    auto seconds = [](double s) {
      return duration_cast<bench_clock::duration>(
          std::chrono::duration<double>(s));
    };
    run_clock clock;
    clock.start = bench_clock::now() + 50ms;
    clock.measure_begin = clock.start + seconds(opts_.warmup_s);
    clock.measure_end = clock.measure_begin + seconds(opts_.duration_s);
    drain_deadline_ = clock.measure_end + seconds(opts_.drain_s);
    for (auto& w : workers_)
      asio::post(w->ioc, [this, &w = *w, clock] {
        for (auto& c : w.clients)
          c->start(clock);
        tick(w, clock.start, clock.measure_end);
      });
    return clock;
  }

  /// One timer per worker releases due requests every --tick-us: far fewer
  /// wake-ups and timer syscalls than one timer per connection, at the
  /// price of sending up to one tick late (still timed from the schedule).
  void tick(worker& w, bench_clock::time_point at,
            bench_clock::time_point end) {
    w.ticker.expires_at(at);
    w.ticker.async_wait([this, &w, at, end](beast::error_code ec) {
      if (ec)
        return;
      auto now = bench_clock::now();
      for (auto& c : w.clients)
        c->release(now);
      if (opts_.rate > 0 && now < end)
        tick(w, std::max(at + std::chrono::microseconds(opts_.tick_us), now),
             end);
    });
  }

  /// Waits until every request is answered or the drain time is over.
  void drain() {
    while (bench_clock::now() < drain_deadline_) {
      for (auto& w : workers_)
        asio::post(w->ioc, [&w = *w] {
          size_t n = 0;
          for (auto& c : w.clients)
            n += c->pending();
          w.pending = n;
        });
      std::this_thread::sleep_for(20ms);
      size_t total = 0;
      for (auto& w : workers_)
        total += w->pending.load();
      if (total == 0)
        return;
    }
  }

  void shut_down() {
    for (auto& w : workers_) {
      asio::post(w->ioc, [&w = *w] {
        w.ticker.cancel();
        for (auto& c : w.clients)
          c->stop();
      });
      w->guard.reset();
    }
    auto deadline = bench_clock::now() + 2s;
    for (auto& w : workers_) {
      while (!w->finished && bench_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
      w->ioc.stop();
      w->thread.join();
    }
  }

  bench_result collect() {
    bench_result r;
    for (auto& w : workers_) {
      auto& s = w->stats;
      r.totals.latency.merge(s.latency);
      r.totals.completed += s.completed;
      r.totals.errors += s.errors;
      r.totals.lost += s.lost;
      r.totals.dropped += s.dropped;
      r.totals.unmatched += s.unmatched;
      r.totals.answered += s.answered;
      if (r.totals.first_error.empty())
        r.totals.first_error = s.first_error;
    }
    r.connect_failures = failures_.load();
    r.connected = opts_.connections - r.connect_failures;
    r.first_connect_error = first_error_;
    r.duration_s = opts_.duration_s;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto secs = [](timeval t) { return t.tv_sec + t.tv_usec / 1e6; };
    r.cpu_s = secs(usage.ru_utime) + secs(usage.ru_stime);
    return r;
  }

  const bench_options& opts_;
  std::vector<std::unique_ptr<worker>> workers_;
  std::atomic<uint32_t> connect_done_{0};
  std::atomic<uint32_t> failures_{0};
  std::mutex mtx_;
  std::string first_error_;
  bench_clock::time_point drain_deadline_;
};

} // namespace

bench_result run_bench(const bench_options& opts) {
  return runner{opts}.run();
}

} // namespace nexus::bench
