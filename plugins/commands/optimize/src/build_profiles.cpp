#include "build_profiles.hpp"

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

namespace spackext::optimize {

namespace {

// Opinions, not facts: compute-bound packages that commonly gain from -O3 or
// an OpenMP build. Sites replace them with --profiles.
constexpr const char* kDefaultProfiles = R"(profiles:
  fftw:     {cflags: "-O3", variants: "+openmp"}
  openblas: {variants: "threads=openmp"}
  hpl:      {cflags: "-O3"}
  lammps:   {cxxflags: "-O3"}
  wrf:      {fflags: "-O3"}
)";

std::string where(const std::string& origin, const YAML::Node& node) {
  return origin + ":" + std::to_string(node.Mark().line + 1);
}

std::string append(std::string a, const std::string& b) {
  if (b.empty()) return a;
  return a.empty() ? b : a + " " + b;
}

}  // namespace

std::string BuildProfile::spec() const {
  std::string out;
  if (!cflags.empty()) out = append(out, "cflags=\"" + cflags + "\"");
  if (!cxxflags.empty()) out = append(out, "cxxflags=\"" + cxxflags + "\"");
  if (!fflags.empty()) out = append(out, "fflags=\"" + fflags + "\"");
  return append(out, variants);
}

std::string BuildProfile::flags() const {
  std::string out;
  if (!cflags.empty()) out = append(out, "cflags: " + cflags);
  if (!cxxflags.empty()) out = append(out, (out.empty() ? "" : "; ") + std::string("cxxflags: ") + cxxflags);
  if (!fflags.empty()) out = append(out, (out.empty() ? "" : "; ") + std::string("fflags: ") + fflags);
  return out;
}

BuildProfiles parse_profiles(const std::string& text, const std::string& origin) {
  YAML::Node doc;
  try {
    doc = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(origin + ":" + std::to_string(e.mark.line + 1), "invalid YAML: " + e.msg);
  }
  check_yaml_aliases(doc, origin);
  if (!doc.IsMap() || !doc["profiles"] || !doc["profiles"].IsMap())
    throw InputError(origin, "expected a top-level 'profiles:' mapping of package names");
  BuildProfiles out;
  for (const auto& entry : doc["profiles"]) {
    const std::string name = entry.first.as<std::string>();
    const YAML::Node& body = entry.second;
    if (!body.IsMap()) throw InputError(where(origin, body), "profiles." + name + ": expected a mapping");
    BuildProfile p;
    for (const auto& kv : body) {
      const std::string key = kv.first.as<std::string>();
      if (!kv.second.IsScalar())
        throw InputError(where(origin, kv.second), "profiles." + name + "." + key + ": expected a string");
      const std::string value = kv.second.as<std::string>();
      if (key == "cflags") p.cflags = value;
      else if (key == "cxxflags") p.cxxflags = value;
      else if (key == "fflags") p.fflags = value;
      else if (key == "variants") p.variants = value;
      else
        throw InputError(where(origin, kv.first), "profiles." + name + ": unknown key '" + key +
                                                      "' (expected cflags, cxxflags, fflags, variants)");
      if (value.find('"') != std::string::npos)
        throw InputError(where(origin, kv.second), "profiles." + name + "." + key + ": must not contain '\"'");
    }
    out[name] = p;
  }
  return out;
}

const BuildProfiles& default_profiles() {
  static const BuildProfiles profiles = parse_profiles(kDefaultProfiles, "built-in profiles");
  return profiles;
}

BuildProfiles load_profiles(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "cannot read the build profiles file");
  std::ostringstream s;
  s << in.rdbuf();
  return parse_profiles(s.str(), file.string());
}

}  // namespace spackext::optimize
