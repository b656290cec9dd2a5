// The `webhook` sink: POSTs selected bus events as JSON to the endpoints in
// the `sinks.webhook` configuration section (see README.md).
#pragma once

#include <memory>
#include <vector>

#include "endpoint_worker.hpp"
#include "spackext/services/sink.hpp"

namespace spackext::webhook {

class WebhookSink final : public Sink {
 public:
  explicit WebhookSink(std::shared_ptr<spdlog::logger> logger, std::string owner = "sink-webhook")
      : logger_(std::move(logger)), owner_(std::move(owner)) {}
  ~WebhookSink() override;

  // Validates `settings` (InputError, exit 2), starts one worker per
  // endpoint and subscribes to the union of their topic patterns.
  void start(Bus& bus, const nlohmann::json& settings) override;
  // Unsubscribes, then waits at most `timeout` for pending deliveries.
  void stop() override;

  // Per endpoint, in configuration order (tests, --json reports).
  std::vector<DeliveryStats> stats() const;

 private:
  void on_event(const std::string& pattern, const Event& e);

  std::shared_ptr<spdlog::logger> logger_;
  std::string owner_;
  Bus* bus_ = nullptr;
  std::vector<SubscriptionId> subscriptions_;
  std::chrono::milliseconds timeout_{0};
  std::vector<std::unique_ptr<EndpointWorker>> workers_;
};

}  // namespace spackext::webhook
