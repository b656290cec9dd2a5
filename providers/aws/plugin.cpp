// The `aws` plugin: registers the EC2 provider.
#include <memory>

#include "aws_provider.hpp"
#include "spackext/plugin.hpp"

namespace {

class AwsPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Provider>("aws", std::make_shared<spackext::aws::AwsProvider>(),
                                            {.priority = 0, .aliases = {"ec2"}});
  }
};

}  // namespace

SPACKEXT_PLUGIN(AwsPlugin)
