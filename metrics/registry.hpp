// Lock-free counters and gauges with one fixed label dimension, rendered in
// the Prometheus text format. Label values are fixed at construction so a
// client can never grow the series count.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::metrics {

/// Counter (only grows) or gauge (goes up and down).
enum class kind { counter, gauge };

/// One metric name with a series per label value.
class family {
public:
  /// `label` empty means a single unlabelled series.
  family(std::string name, std::string help, kind k, std::string label,
         std::vector<std::string> values);

  /// Adds `n` to the series at `index` (ignored when out of range).
  void add(std::size_t index, int64_t n = 1) noexcept {
    if (index < size_)
      values_[index].fetch_add(n, std::memory_order_relaxed);
  }

  /// Adds `n` to the series labelled `value`, or to the last series when
  /// `value` is unknown (by convention the `unknown`/`other` bucket).
  void add(std::string_view value, int64_t n = 1) noexcept {
    add(index_of(value), n);
  }

  /// Index of `value`; the last index when not found.
  std::size_t index_of(std::string_view value) const noexcept;

  /// Current value of the series at `index`.
  int64_t value(std::size_t index) const noexcept;

  /// Current value of the series labelled `value` (0 when unknown).
  int64_t value(std::string_view value) const noexcept;

  /// Appends `# HELP`, `# TYPE` and one line per series to `out`.
  void render(std::string& out) const;

  const std::string& name() const noexcept { return name_; }

private:
  std::string name_;
  std::string help_;
  kind kind_;
  std::string label_;
  std::vector<std::string> label_values_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::size_t size_;
  std::unique_ptr<std::atomic<int64_t>[]> values_;
};

/// Owns families (stable addresses) and renders them in order.
class registry {
public:
  family& add(std::string name, std::string help, kind k,
              std::string label = {}, std::vector<std::string> values = {});

  /// Prometheus text exposition format 0.0.4.
  std::string render() const;

private:
  std::deque<family> families_;
};

} // namespace nexus::metrics
