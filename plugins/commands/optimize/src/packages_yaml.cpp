#include "packages_yaml.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include <spackext/errors.hpp>

namespace spackext::optimize {

std::string render_packages_yaml(const PackagesYamlRequest& r) {
  YAML::Emitter out;
  out << YAML::Comment("Written by spack-ext optimize generate for target " + r.target +
                       (r.compiler ? " with " + r.compiler->str() : std::string()));
  if (r.compiler && !r.compiler_flags.empty()) out << YAML::Newline << YAML::Comment(r.compiler->str() + " flags: " + r.compiler_flags);
  out << YAML::BeginMap << YAML::Key << "packages" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "all" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "target" << YAML::Value << YAML::Flow << YAML::BeginSeq << YAML::SingleQuoted << r.target
      << YAML::EndSeq;
  if (r.compiler)
    out << YAML::Key << "prefer" << YAML::Value << YAML::BeginSeq << YAML::SingleQuoted
        << ("%" + r.compiler->str()) << YAML::EndSeq;
  out << YAML::EndMap;
  for (const auto& [name, profile] : r.profiles) {
    const std::string spec = profile.spec();
    if (spec.empty()) continue;
    out << YAML::Key << name << YAML::Value << YAML::BeginMap << YAML::Key << "require" << YAML::Value
        << YAML::BeginSeq << YAML::SingleQuoted << spec << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void write_file_atomically(const std::filesystem::path& file, const std::string& content) {
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(file.string(), "the folder '" + dir.string() + "' does not exist");
  if (std::filesystem::is_directory(file, ec))
    throw InputError(file.string(), "is a directory; expected a file name for packages.yaml");
  const auto tmp = dir / ("." + file.filename().string() + ".tmp." + std::to_string(::getpid()));
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    if (!o) throw Error(tmp.string() + ": cannot write: " + std::strerror(errno));
    o << content;
    o.flush();
    if (!o) {
      std::filesystem::remove(tmp, ec);
      throw Error(tmp.string() + ": write failed");
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw Error(file.string() + ": cannot rename the temporary file into place");
  }
}

}  // namespace spackext::optimize
