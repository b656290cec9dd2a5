#include "webhook_sink.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace spackext::webhook {

WebhookSink::~WebhookSink() { stop(); }

void WebhookSink::start(Bus& bus, const nlohmann::json& settings) {
  auto parsed = parse_settings(settings);
  stop();  // a second start() replaces the first one's endpoints
  workers_.clear();
  bus_ = &bus;
  timeout_ = parsed.timeout;
  for (auto& ep : parsed.endpoints) workers_.push_back(std::make_unique<EndpointWorker>(std::move(ep), timeout_, logger_));
  // One subscription per distinct pattern; an endpoint takes an event from
  // the first of its own patterns that matches, so overlapping patterns
  // never post it twice.
  std::vector<std::string> patterns;
  for (const auto& w : workers_)
    for (const auto& p : w->settings().topics)
      if (std::find(patterns.begin(), patterns.end(), p) == patterns.end()) patterns.push_back(p);
  for (const auto& p : patterns)
    subscriptions_.push_back(
        bus.subscribe(p, [this, p](const Event& e) { on_event(p, e); }, spackext::Delivery::sync, owner_));
  logger_->debug("webhook: {} endpoint(s), {} topic pattern(s)", workers_.size(), patterns.size());
}

void WebhookSink::on_event(const std::string& pattern, const Event& e) {
  std::string body;
  for (auto& w : workers_) {
    const std::string* first = w->first_match(e.topic());
    if (!first || *first != pattern) continue;
    if (body.empty()) body = e.to_json().dump();
    w->enqueue({std::string(e.topic()), body});
  }
}

void WebhookSink::stop() {
  if (bus_) {
    for (auto id : subscriptions_) bus_->unsubscribe(id);
    subscriptions_.clear();
    bus_ = nullptr;
  }
  if (workers_.empty()) return;
  // Every endpoint works towards the same deadline at once.
  auto deadline = EndpointWorker::SteadyClock::now() + timeout_;
  for (auto& w : workers_) w->request_finish(deadline);
  for (auto& w : workers_) w->finish(deadline);
}

std::vector<DeliveryStats> WebhookSink::stats() const {
  std::vector<DeliveryStats> out;
  for (const auto& w : workers_) out.push_back(w->stats());
  return out;
}

}  // namespace spackext::webhook
