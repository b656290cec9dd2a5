// The `product` plugin: relocatable product bundles (software + modules
// tarballs) from a buildcache, installable under any prefix.
#include <spackext/plugin.hpp>

#include "product_command.hpp"

namespace {

class ProductPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("product", std::make_shared<spackext::product::ProductCommand>(host));
  }
};

}  // namespace

SPACKEXT_PLUGIN(ProductPlugin)
