#include "stage_commands.hpp"

#include <map>

namespace spackext::deploy {

std::string node_spec(const BuildNode& node) {
  auto get = [&](const char* k) {
    auto it = node.axes.find(k);
    return it == node.axes.end() ? std::string() : it->second;
  };
  std::string compiler = get("compiler"), mpi = get("mpi"), library = get("library"), app = get("app");
  std::string spec = !app.empty() ? app : !library.empty() ? library : !mpi.empty() ? mpi : compiler;
  if (spec.empty()) return {};
  if (!compiler.empty() && spec != compiler) spec += " %" + compiler;
  if (!mpi.empty() && spec != mpi) spec += " ^" + mpi;
  return spec;
}

namespace {

std::string fill(std::string text, const std::map<std::string, std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      auto close = text.find('}', i);
      if (close != std::string::npos) {
        auto it = values.find(text.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace

std::vector<std::string> node_preamble(bool propagate) {
  std::vector<std::string> out = {"mkdir -p \"$SPACKEXT_ARTIFACTS\""};
  if (propagate)
    out.push_back(
        "for spackext_in in $(printf '%s' \"$SPACKEXT_INPUTS\" | tr ':' ' '); do "
        "if [ -f \"$spackext_in/env\" ]; then set -a; . \"$spackext_in/env\"; set +a; fi; done");
  return out;
}

std::vector<std::string> node_commands(const DeploySpec& spec, const StageSpec& stage,
                                       const BuildNode& node) {
  const std::string spack = shell_quote(spec.spack);
  const std::string env = shell_quote(stage.environment.string());
  const std::string nspec = node_spec(node);
  if (stage.run.empty()) {
    if (nspec.empty())
      return {spack + " -e " + env + " concretize -f", spack + " -e " + env + " install"};
    return {spack + " -e " + env + " concretize", spack + " -e " + env + " install " + shell_quote(nspec)};
  }
  std::map<std::string, std::string> values = {
      {"spack", spack}, {"env", env}, {"spec", shell_quote(nspec)},
      {"stage", shell_quote(stage.name)}, {"node", shell_quote(node.name)}};
  for (const auto& [k, v] : node.axes) values[k] = shell_quote(v);
  std::vector<std::string> out;
  for (const auto& c : stage.run) out.push_back(fill(c, values));
  return out;
}

}  // namespace spackext::deploy
