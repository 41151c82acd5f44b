// Prometheus text rendering for metrics::registry.
#include "metrics/registry.hpp"

namespace nexus::metrics {

family::family(std::string name, std::string help, kind k, std::string label,
               std::vector<std::string> values)
  : name_(std::move(name)),
    help_(std::move(help)),
    kind_(k),
    label_(std::move(label)),
    label_values_(std::move(values)) {
  if (label_.empty())
    label_values_.assign(1, std::string{});
  size_ = label_values_.size();
  values_ = std::make_unique<std::atomic<int64_t>[]>(size_);
  for (std::size_t i = 0; i < size_; ++i) {
    values_[i].store(0, std::memory_order_relaxed);
    index_.emplace(label_values_[i], i);
  }
}

std::size_t family::index_of(std::string_view value) const noexcept {
  auto i = index_.find(value);
  return i == index_.end() ? size_ - 1 : i->second;
}

int64_t family::value(std::size_t index) const noexcept {
  return index < size_ ? values_[index].load(std::memory_order_relaxed) : 0;
}

int64_t family::value(std::string_view value) const noexcept {
  auto i = index_.find(value);
  return i == index_.end() ? 0 : this->value(i->second);
}

void family::render(std::string& out) const {
  out += "# HELP " + name_ + ' ' + help_ + '\n';
  out += "# TYPE " + name_ + (kind_ == kind::counter ? " counter\n" : " gauge\n");
  for (std::size_t i = 0; i < size_; ++i) {
    out += name_;
    if (!label_.empty())
      out += '{' + label_ + "=\"" + label_values_[i] + "\"}";
    out += ' ';
    out += std::to_string(values_[i].load(std::memory_order_relaxed));
    out += '\n';
  }
}

family& registry::add(std::string name, std::string help, kind k,
                      std::string label, std::vector<std::string> values) {
  return families_.emplace_back(std::move(name), std::move(help), k,
                                std::move(label), std::move(values));
}

std::string registry::render() const {
  std::string out;
  out.reserve(4096);
  for (auto& f : families_)
    f.render(out);
  return out;
}

} // namespace nexus::metrics
