#include "product_command.hpp"

#include <ostream>

#include <spackext/errors.hpp>

#include "installer.hpp"
#include "packer.hpp"

namespace spackext::product {

int ProductCommand::run(const CommandInvocation& inv) {
  const auto& sub = inv.parsed.subcommand();
  if (sub == "pack") return pack(inv);
  if (sub == "install") return install(inv);
  throw UsageError(inv.parsed.usage());
}

int ProductCommand::pack(const CommandInvocation& inv) {
  const ParsedArgs& args = inv.parsed;
  PackOptions o;
  o.spec = args.positional(0);
  o.from = args.get("from");
  o.prefix_variable = args.get("prefix-variable");
  o.output = args.get("output");
  if (args.given("default-prefix")) o.default_prefix = args.get("default-prefix");
  if (args.given("keyring")) o.keyring = std::filesystem::path(args.get("keyring"));
  o.allow_unsigned = args.has("allow-unsigned");
  auto r = pack_product(host_.registry(), &host_.bus(), o);
  if (inv.output.json) {
    inv.out << r.to_json().dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& w : r.warnings) inv.err << "warning: " << w << "\n";
  const auto& m = r.manifest;
  inv.out << "Packed " << m.name << "@" << m.version << " /" << m.hash.substr(0, 7) << " with " << m.specs.size() - 1
          << " link/run dependencies\n";
  inv.out << "  software: " << r.software_tarball.string() << "\n";
  inv.out << "  modules:  " << r.module_tarball.string() << "  (prefix from ${" << m.prefix_variable << ":-"
          << m.default_prefix << "})\n";
  if (!m.binary_strings.empty())
    inv.out << "  install prefixes up to " << m.max_prefix_length() << " characters (binaries embed their prefix)\n";
  return kExitOk;
}

int ProductCommand::install(const CommandInvocation& inv) {
  const ParsedArgs& args = inv.parsed;
  auto r = install_product(args.positional(0), args.get("prefix"));
  if (inv.output.json) {
    inv.out << r.to_json().dump(2) << "\n";
    return kExitOk;
  }
  inv.out << "Installed " << r.manifest.name << "@" << r.manifest.version << " (" << r.manifest.specs.size()
          << " packages) into " << r.prefix.string() << "\n";
  inv.out << "  load its modules with " << r.manifest.prefix_variable << "=" << r.prefix.string() << "\n";
  return kExitOk;
}

}  // namespace spackext::product
