#include "definition_writer.hpp"

#include <cctype>

#include <yaml-cpp/yaml.h>

namespace spackext::package {

std::vector<std::string> split_dependency_list(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    auto b = current.find_first_not_of(" \t");
    if (b != std::string::npos) out.push_back(current.substr(b, current.find_last_not_of(" \t") - b + 1));
    current.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',') {
      // A comma continues a version list when the current spec has an `@`
      // and what follows starts like a version (a digit, `:` or `=`).
      std::size_t j = i + 1;
      while (j < text.size() && text[j] == ' ') ++j;
      const bool in_versions = current.find('@') != std::string::npos &&
                               current.find_first_of(" +~^%", current.find('@')) == std::string::npos &&
                               j < text.size() &&
                               (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == ':' || text[j] == '=');
      if (!in_versions) {
        flush();
        continue;
      }
    }
    current += text[i];
  }
  flush();
  return out;
}

std::string definition_yaml(const NewDefinition& d) {
  YAML::Emitter out;
  out << YAML::Comment("Package definition (spack-ext): check it with `spack-ext package validate`");
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << d.name;
  out << YAML::Key << "family" << YAML::Value << d.family;
  out << YAML::Key << "version" << YAML::Value << YAML::DoubleQuoted << d.version;
  out << YAML::Key << "description" << YAML::Value << YAML::DoubleQuoted
      << (d.description.empty() ? d.name + " (" + d.family + " family)" : d.description);
  out << YAML::Key << "dependencies" << YAML::Value << YAML::BeginSeq;
  for (const auto& dep : d.dependencies) out << YAML::DoubleQuoted << dep;
  out << YAML::EndSeq;
  out << YAML::Key << "profiles" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "default" << YAML::Value << YAML::BeginMap << YAML::Key << "description" << YAML::Value
      << "the package's own defaults" << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "compatibility" << YAML::Value << YAML::BeginMap << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace spackext::package
