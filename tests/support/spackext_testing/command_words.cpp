#include <fstream>

#include <nlohmann/json.hpp>

#include "spackext/command_model.hpp"
#include "spackext_testing/testing.hpp"

namespace spackext::testing {

ParsedArgs parse_command_words(const fs::path& plugin_json, const std::string& command,
                               const std::vector<std::string>& words) {
  std::ifstream in(plugin_json);
  if (!in) throw std::runtime_error("cannot read " + plugin_json.string());
  const auto manifest = nlohmann::json::parse(in);
  for (const auto& c : manifest.at("commands"))
    if (c.at("name") == command) {
      const CommandSpec spec = CommandSpec::from_json(c, plugin_json.string() + ": ");
      return parse_command(resolve_command(spec, words));
    }
  throw std::runtime_error(plugin_json.string() + " declares no command '" + command + "'");
}

}  // namespace spackext::testing
