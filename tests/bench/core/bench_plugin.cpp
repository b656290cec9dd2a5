// A minimal plugin for the start-up benchmarks; the script renames copies of
// it by rewriting the (fixed-length) name "bench-plugin-0000" in the file.
#include <memory>

#include <spackext/spackext.hpp>

namespace {

class Nothing final : public spackext::Command {
 public:
  int run(const spackext::CommandInvocation&) override { return 0; }
};

class BenchPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    host.registry().add<spackext::Command>("bench-plugin-0000", std::make_shared<Nothing>());
  }
};

}  // namespace

SPACKEXT_PLUGIN(BenchPlugin)
