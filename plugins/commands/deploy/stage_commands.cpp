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
                                       const BuildNode& node, const std::vector<std::string>& scopes) {
  std::string spack = shell_quote(spec.spack);
  for (const auto& scope : scopes) spack += " -C " + shell_quote(scope);
  const std::string env = shell_quote(stage.environment.string());
  const std::string nspec = node_spec(node);
  std::vector<std::string> out;
  if (!stage.manifest.empty()) {
    // Made beside the folder under a name of its own (matrix nodes of one
    // stage may do this at once), then only the manifest moves in.
    const std::string fresh = shell_quote(stage.environment.string() + ".new") + ".$$";
    out.push_back("rm -rf " + fresh + " && " + spack + " env create -d " + fresh + " " +
                  shell_quote(stage.manifest.string()) + " > /dev/null && mkdir -p " + env + " && mv -f " + fresh +
                  "/spack.yaml " + env + "/spack.yaml && rm -rf " + fresh);
  }
  if (stage.run.empty()) {
    if (nspec.empty()) {
      out.push_back(spack + " -e " + env + " concretize -f");
      out.push_back(spack + " -e " + env + " install");
    } else {
      out.push_back(spack + " -e " + env + " concretize");
      out.push_back(spack + " -e " + env + " install " + shell_quote(nspec));
    }
    for (const auto& file : spec.propagate_files) {
      const auto section = fs::path(file).stem().string();
      if (is_spack_config_section(section))
        out.push_back(spack + " -e " + env + " config get " + section + " > \"$SPACKEXT_ARTIFACTS\"/" +
                      shell_quote(file));
    }
    return out;
  }
  std::map<std::string, std::string> values = {
      {"spack", spack}, {"env", env}, {"spec", shell_quote(nspec)},
      {"stage", shell_quote(stage.name)}, {"node", shell_quote(node.name)}};
  for (const auto& [k, v] : node.axes) values[k] = shell_quote(v);
  for (const auto& c : stage.run) out.push_back(fill(c, values));
  return out;
}

}  // namespace spackext::deploy
