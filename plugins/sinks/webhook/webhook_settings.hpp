// The `sinks.webhook` section of spack-ext's configuration, validated
// against schemas/webhook-settings.json (compiled in) and turned into typed
// settings. Secrets are read here, from the environment variable each
// endpoint names, and nowhere else.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::webhook {

struct EndpointSettings {
  std::string url;
  std::vector<std::string> topics;  // bus patterns (`*`, trailing `**`)
  std::string secret_env;           // variable holding the HMAC key; empty = unsigned
  std::string secret;               // its value (never logged)
  std::chrono::milliseconds request_timeout{std::chrono::seconds(5)};  // one attempt
  int max_attempts = 5;
  std::chrono::milliseconds backoff{std::chrono::milliseconds(500)};  // first retry, doubled after
  std::size_t queue_size = 1000;
  std::string ca_bundle;
};

struct WebhookSettings {
  // The most the command waits at exit for undelivered events, all endpoints
  // together; also the cap on one attempt, so a hung endpoint never holds
  // the exit longer than this.
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  std::vector<EndpointSettings> endpoints;
};

// InputError (exit 2) naming the key (`sinks.webhook.endpoints[0].url`) and
// what was expected, or an endpoint's secret_env that is not set.
WebhookSettings parse_settings(const nlohmann::json& section, const std::string& where = "sinks.webhook");

}  // namespace spackext::webhook
