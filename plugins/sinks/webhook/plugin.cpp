// sink-webhook: registers the `webhook` sink. The host starts it when the
// configuration has a `sinks.webhook` section.
#include "spackext/plugin.hpp"
#include "webhook_sink.hpp"

namespace {

class WebhookPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Sink>("webhook",
                                        std::make_shared<spackext::webhook::WebhookSink>(host.logger(), host.plugin_name()));
  }
};

}  // namespace

SPACKEXT_PLUGIN(WebhookPlugin)
