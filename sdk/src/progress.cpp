#include "spackext/progress.hpp"

namespace spackext {
namespace {
constexpr auto kMinInterval = std::chrono::milliseconds(50);
}

Progress::Progress(Bus& bus, std::string id, std::string label, std::uint64_t total,
                   std::string unit, std::string source)
    : bus_(bus), advanced_(bus.topic("progress.advanced")), id_(std::move(id)), label_(std::move(label)), unit_(std::move(unit)),
      source_(std::move(source)), total_(total) {
  bus_.publish("progress.started",
               {{"id", id_}, {"label", label_}, {"total", total_}, {"unit", unit_}}, source_);
  last_emit_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  if (!finished_) finish(false);
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  emit(false);
}

void Progress::set(std::uint64_t done) {
  done_ = done;
  emit(false);
}

void Progress::emit(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_emit_ < kMinInterval && done_ < total_) return;
  last_emit_ = now;
  bus_.publish(advanced_, {{"id", id_}, {"done", done_}, {"total", total_}}, source_);
}

void Progress::finish(bool ok) {
  if (finished_) return;
  finished_ = true;
  emit(true);
  bus_.publish("progress.finished", {{"id", id_}, {"ok", ok}, {"done", done_}}, source_);
}

}  // namespace spackext
