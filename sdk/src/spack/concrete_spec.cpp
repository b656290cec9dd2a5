// Parsing of one serialized spec node. Spack changed the node layout several
// times (spack-formats.md §0); the differences that matter here:
//   - dependencies: v2/v3 edges carry `type`, v4/v5 carry
//     `parameters: {deptypes, virtuals}`; v1 (YAML era) maps name -> {hash, type};
//   - compiler: a node key up to v4; from v5 a build edge providing c/cxx/fortran;
//   - target: a string, or a dict with `name` in older files.
#include "spackext/spack/concrete_spec.hpp"

#include <algorithm>
#include <array>

#include "spackext/errors.hpp"

namespace spackext::spack {

namespace {

constexpr std::array<std::string_view, 6> kFlagNames = {"cflags", "cppflags", "cxxflags",
                                                        "fflags", "ldflags", "ldlibs"};
constexpr std::array<std::string_view, 3> kLanguageVirtuals = {"c", "cxx", "fortran"};

bool is_flag(const std::string& key) {
  return std::find(kFlagNames.begin(), kFlagNames.end(), key) != kFlagNames.end();
}

std::vector<std::string> string_list(const nlohmann::json& value) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& item : value)
      if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

// An optional field of the wrong type reads as absent: a damaged namespace or
// target must not stop a whole stack from being read (the buildcache reader
// treats malformed optional fields the same way).
std::string optional_string(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);  // end() on a non-object
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string required_string(const nlohmann::json& node, const char* key, const std::string& where) {
  auto it = node.find(key);
  if (it == node.end() || !(it->is_string() || it->is_number()))
    throw InputError(where, std::string("spec node has no '") + key + "' (expected a Spack concrete spec)");
  return it->is_string() ? it->get<std::string>() : it->dump();
}

DependencyEdge parse_edge(const nlohmann::json& edge, const std::string& name, const std::string& where) {
  DependencyEdge out;
  out.name = name;
  if (!edge.is_object()) throw InputError(where, "dependency '" + name + "' is not an object");
  auto hash = edge.find("hash");
  // Very old files keyed edges by other hash kinds; the DAG hash is what nodes use.
  if (hash == edge.end()) hash = edge.find("build_hash");
  if (hash == edge.end() || !hash->is_string())
    throw InputError(where, "dependency '" + name + "' has no hash");
  out.hash = hash->get<std::string>();
  if (auto params = edge.find("parameters"); params != edge.end() && params->is_object()) {
    out.deptypes = string_list(params->value("deptypes", nlohmann::json::array()));
    out.virtuals = string_list(params->value("virtuals", nlohmann::json::array()));
  } else if (auto type = edge.find("type"); type != edge.end()) {
    out.deptypes = string_list(*type);
  }
  return out;
}

std::string target_name(const nlohmann::json& target) {
  if (target.is_string()) return target.get<std::string>();
  if (target.is_object()) return optional_string(target, "name");
  return {};
}

// Spack quotes a variant value when it holds characters its spec parser does
// not take bare (e.g. `languages:='c,c++,fortran'`).
std::string quote_if_needed(const std::string& value) {
  bool bare = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '/' || c == ':';
  });
  return bare ? value : "'" + value + "'";
}

}  // namespace

bool DependencyEdge::has_type(std::string_view type) const {
  return std::find(deptypes.begin(), deptypes.end(), type) != deptypes.end();
}

bool DependencyEdge::provides(std::string_view virtual_name) const {
  return std::find(virtuals.begin(), virtuals.end(), virtual_name) != virtuals.end();
}

std::string ConcreteSpec::format() const {
  std::string out = name + "@" + version;
  // Boolean variants come first, glued together; then key=value pairs.
  std::string pairs;
  for (const auto& [key, value] : variants) {
    if (value.is_boolean()) {
      out += (value.get<bool>() ? "+" : "~") + key;
    } else if (value.is_array()) {
      std::string joined;
      for (const auto& item : value) {
        if (!joined.empty()) joined += ",";
        joined += item.is_string() ? item.get<std::string>() : item.dump();
      }
      pairs += " " + key + ":=" + quote_if_needed(joined);
    } else {
      pairs += " " + key + "=" + quote_if_needed(value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  out += pairs;
  for (const auto& [flag, values] : compiler_flags) {
    std::string joined;
    for (const auto& v : values) joined += (joined.empty() ? "" : " ") + v;
    out += " " + flag + "=" + (values.size() > 1 ? "\"" + joined + "\"" : joined);
  }
  if (!arch.platform.empty()) out += " platform=" + arch.platform;
  if (!arch.os.empty()) out += " os=" + arch.os;
  if (!arch.target.empty()) out += " target=" + arch.target;
  return out;
}

ConcreteSpec parse_spec_node(const nlohmann::json& node, const std::string& where) {
  if (!node.is_object()) throw InputError(where, "spec node is not a JSON object");
  ConcreteSpec spec;
  spec.name = required_string(node, "name", where);
  const std::string at = where + " (" + spec.name + ")";
  spec.version = required_string(node, "version", at);
  spec.hash = required_string(node, "hash", at);
  spec.namespace_name = optional_string(node, "namespace");

  if (auto arch = node.find("arch"); arch != node.end() && arch->is_object()) {
    spec.arch.platform = optional_string(*arch, "platform");
    spec.arch.os = optional_string(*arch, "platform_os");
    if (auto target = arch->find("target"); target != arch->end()) spec.arch.target = target_name(*target);
  }

  if (auto params = node.find("parameters"); params != node.end() && params->is_object()) {
    for (const auto& [key, value] : params->items()) {
      if (is_flag(key)) {
        auto flags = string_list(value);
        if (!flags.empty()) spec.compiler_flags[key] = std::move(flags);
      } else if (key != "patches") {
        spec.variants[key] = value;
      }
    }
  }

  if (auto deps = node.find("dependencies"); deps != node.end()) {
    if (deps->is_array()) {
      for (const auto& edge : *deps) {
        if (!edge.is_object() || !edge.contains("name") || !edge["name"].is_string())
          throw InputError(at, "dependency without a name");
        spec.dependencies.push_back(parse_edge(edge, edge["name"].get<std::string>(), at));
      }
    } else if (deps->is_object()) {  // specfile v1: {name: {hash, type}}
      for (const auto& [name, edge] : deps->items()) spec.dependencies.push_back(parse_edge(edge, name, at));
    } else {
      throw InputError(at, "'dependencies' is neither a list nor a map");
    }
    std::sort(spec.dependencies.begin(), spec.dependencies.end(),
              [](const DependencyEdge& a, const DependencyEdge& b) { return a.name < b.name; });
  }

  if (auto compiler = node.find("compiler"); compiler != node.end() && compiler->is_object()) {
    spec.compiler = CompilerRef{optional_string(*compiler, "name"), optional_string(*compiler, "version"), ""};
  } else {
    // v5: the compiler is the direct build dependency providing a language.
    // Its version is only known from the node itself; SpecSet readers fill it.
    for (const auto& edge : spec.dependencies) {
      if (!edge.has_type("build")) continue;
      bool language = std::any_of(kLanguageVirtuals.begin(), kLanguageVirtuals.end(),
                                  [&](std::string_view v) { return edge.provides(v); });
      if (language) {
        spec.compiler = CompilerRef{edge.name, "", edge.hash};
        break;
      }
    }
  }

  if (auto external = node.find("external"); external != node.end() && external->is_object()) {
    if (auto path = external->find("path"); path != external->end() && path->is_string())
      spec.external_prefix = path->get<std::string>();
    if (auto module = external->find("module"); module != external->end() && !module->is_null()) {
      auto modules = string_list(*module);
      if (!modules.empty()) spec.external_module = modules.front();
    }
    spec.external_attributes = external->value("extra_attributes", nlohmann::json());
  }
  return spec;
}

}  // namespace spackext::spack
