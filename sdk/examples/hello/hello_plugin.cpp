// The example plugin: registers a Greeter service and a `hello` command that
// looks the greeter up in the registry (as any other plugin could) and
// publishes a `hello.greeted` event on the bus.
//
//   spack-ext hello [NAME] [--json]
//   config: plugins.hello.greeting (default "Hello")
#include <memory>
#include <ostream>

#include <nlohmann/json.hpp>
#include <spackext/spackext.hpp>

#include "greeter.hpp"

namespace hello {

class HelloCommand final : public spackext::Command {
 public:
  explicit HelloCommand(spackext::HostContext& host) : host_(host) {}

  int run(const spackext::CommandInvocation& inv) override {
    // The host parsed the words against "commands" in plugin.json (and
    // answered --help and usage errors itself).
    const std::string name = inv.parsed.positional(0, "world");
    auto greeter = host_.registry().get<Greeter>("default");
    const std::string text = greeter->greet(name);
    host_.bus().publish("hello.greeted", {{"name", name}, {"greeting", text}}, host_.plugin_name());
    if (inv.output.json)
      inv.out << nlohmann::json{{"greeting", text}}.dump() << "\n";
    else
      inv.out << text << "\n";
    return spackext::kExitOk;
  }

 private:
  spackext::HostContext& host_;
};

class HelloPlugin final : public spackext::Plugin {
 public:
  void register_services(spackext::HostContext& host) override {
    auto greeting = host.config().value<std::string>("plugins.hello.greeting", "Hello");
    host.registry().add<Greeter>("default", std::make_shared<Greeter>(greeting));
    host.registry().add<spackext::Command>("hello", std::make_shared<HelloCommand>(host));
  }
};

}  // namespace hello

SPACKEXT_PLUGIN(hello::HelloPlugin)
