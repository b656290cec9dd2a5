#include "events/progress_renderer.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>

namespace spackext::core {
namespace {

std::string human(double v, const std::string& unit) {
  if (unit == "B") {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (v >= 1024 && i < 4) { v /= 1024; ++i; }
    char buf[32];
    std::snprintf(buf, sizeof buf, i ? "%.1f %s" : "%.0f %s", v, units[i]);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%s%s", v, unit.empty() ? "" : " ", unit.c_str());
  return buf;
}

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

ProgressRenderer::ProgressRenderer(Bus& bus, std::FILE* out, int width)
    : bus_(bus), out_(out), width_(width) {
  if (width_ <= 0) {
    winsize ws{};
    width_ = (::ioctl(::fileno(out_), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20) ? ws.ws_col : 80;
  }
  subscription_ = bus_.subscribe("progress.*", [this](const Event& e) { on_event(e); },
                                 Delivery::sync, "host");
}

ProgressRenderer::~ProgressRenderer() {
  bus_.unsubscribe(subscription_);
  std::lock_guard lock(mutex_);
  tasks_.clear();
  redraw(true);
}

std::string ProgressRenderer::format_line(const Task& t, std::chrono::steady_clock::time_point now,
                                          int width) {
  double elapsed = std::chrono::duration<double>(now - t.started).count();
  double rate = elapsed > 0.2 ? static_cast<double>(t.done) / elapsed : 0.0;
  double frac = t.total ? std::min(1.0, static_cast<double>(t.done) / static_cast<double>(t.total)) : 0.0;
  std::string right = " " + std::to_string(static_cast<int>(frac * 100)) + "% " + human(static_cast<double>(t.done), t.unit);
  if (t.total) right += "/" + human(static_cast<double>(t.total), t.unit);
  if (rate > 0) right += " " + human(rate, t.unit) + "/s";
  right += " ETA " + (rate > 0 && t.total ? clock_text((static_cast<double>(t.total) - static_cast<double>(t.done)) / rate) : std::string("--:--"));
  std::string label = t.label.size() > 30 ? t.label.substr(0, 29) + "…" : t.label;
  int bar_width = width - static_cast<int>(label.size()) - static_cast<int>(right.size()) - 4;
  std::string bar;
  if (bar_width >= 5) {
    int filled = static_cast<int>(frac * bar_width);
    bar = " [" + std::string(filled, '#') + std::string(bar_width - filled, '.') + "]";
  }
  return label + bar + right;
}

void ProgressRenderer::on_event(const Event& e) {
  const auto& p = e.payload();
  std::string id = p.value("id", std::string());
  std::lock_guard lock(mutex_);
  if (e.topic() == "progress.started") {
    Task t;
    t.label = p.value("label", id);
    t.unit = p.value("unit", std::string());
    t.total = p.value("total", std::uint64_t{0});
    t.started = std::chrono::steady_clock::now();
    tasks_[id] = t;
    redraw(true);
  } else if (e.topic() == "progress.advanced") {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    it->second.done = p.value("done", it->second.done);
    it->second.total = p.value("total", it->second.total);
    redraw(false);
  } else if (e.topic() == "progress.finished") {
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return;
    it->second.done = p.value("done", it->second.done);
    // Leave the final state of the bar on screen, then forget the task.
    redraw(true);
    std::string final_line = format_line(it->second, std::chrono::steady_clock::now(), width_);
    tasks_.erase(it);
    if (lines_drawn_ > 0) std::fprintf(out_, "\x1b[%dA", lines_drawn_);
    std::fprintf(out_, "\r\x1b[J%s%s\n", final_line.c_str(), p.value("ok", true) ? "" : " (failed)");
    lines_drawn_ = 0;
    redraw(true);
  }
}

void ProgressRenderer::redraw(bool force) {
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  if (lines_drawn_ > 0) std::fprintf(out_, "\x1b[%dA", lines_drawn_);
  std::fprintf(out_, "\r\x1b[J");
  lines_drawn_ = 0;
  for (const auto& [id, t] : tasks_) {
    std::fprintf(out_, "%s\n", format_line(t, now, width_).c_str());
    ++lines_drawn_;
  }
  std::fflush(out_);
}

}  // namespace spackext::core
